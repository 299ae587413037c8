import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, test } from "node:test";
import dcmjs from "dcmjs";
import { gzipSync } from "fflate";
import { FormatError, GeometryError, UnsupportedError } from "../../src/errors.js";
import { DATA_TYPES, type Mat3, type Vec3, Volume, allocate } from "../../src/image/volume.js";
import { countNonFinite } from "../../src/io/common.js";
import { encodeNifti, parseNifti, parseNiftiHeader } from "../../src/io/nifti.js";
import { readImage } from "../../src/io/read.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";

// ---------------------------------------------------------------------------------------------------
// An independent NIfTI-1 / NIfTI-2 header builder (fixed offsets from nifti1.h / nifti2.h).

interface Hdr {
  dim: number[];
  datatype: number;
  bitpix?: number;
  pixdim?: number[];
  voxOffset?: number;
  slope?: number;
  inter?: number;
  units?: number;
  qcode?: number;
  scode?: number;
  quatern?: number[];
  qoffset?: number[];
  srow?: number[];
  magic?: string;
  le?: boolean;
  intent?: number;
}

const BITPIX: Record<number, number> = {
  2: 8,
  4: 16,
  8: 32,
  16: 32,
  64: 64,
  256: 8,
  512: 16,
  768: 32,
  128: 24,
  32: 64,
};

function nifti1(h: Hdr, data: Uint8Array): Uint8Array {
  const le = h.le ?? true;
  const vox = h.voxOffset ?? 352;
  const b = new Uint8Array(Math.max(vox, 348) + data.length);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, 348, le);
  const dim = [...h.dim, 1, 1, 1, 1, 1, 1, 1, 1].slice(0, 8);
  dim.forEach((d, i) => {
    dv.setInt16(40 + 2 * i, d, le);
  });
  dv.setInt16(68, h.intent ?? 0, le);
  dv.setInt16(70, h.datatype, le);
  dv.setInt16(72, h.bitpix ?? BITPIX[h.datatype] ?? 8, le);
  const pixdim = [...(h.pixdim ?? [1, 1, 1, 1]), 0, 0, 0, 0, 0, 0, 0, 0].slice(0, 8);
  pixdim.forEach((p, i) => {
    dv.setFloat32(76 + 4 * i, p, le);
  });
  dv.setFloat32(108, vox, le);
  dv.setFloat32(112, h.slope ?? 0, le);
  dv.setFloat32(116, h.inter ?? 0, le);
  b[123] = h.units ?? 2;
  dv.setInt16(252, h.qcode ?? 0, le);
  dv.setInt16(254, h.scode ?? 0, le);
  (h.quatern ?? [0, 0, 0]).forEach((q, i) => {
    dv.setFloat32(256 + 4 * i, q, le);
  });
  (h.qoffset ?? [0, 0, 0]).forEach((q, i) => {
    dv.setFloat32(268 + 4 * i, q, le);
  });
  (h.srow ?? new Array(12).fill(0)).forEach((s, i) => {
    dv.setFloat32(280 + 4 * i, s, le);
  });
  const magic = h.magic ?? "n+1";
  for (let i = 0; i < 3; i++) b[344 + i] = magic.charCodeAt(i);
  b.set(data, Math.max(vox, 348));
  return b;
}

function nifti2(h: Hdr, data: Uint8Array): Uint8Array {
  const le = h.le ?? true;
  const vox = h.voxOffset ?? 544;
  const b = new Uint8Array(vox + data.length);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, 540, le);
  const magic = "n+2\0\r\n\x1a\n";
  for (let i = 0; i < 8; i++) b[4 + i] = magic.charCodeAt(i);
  dv.setInt16(12, h.datatype, le);
  dv.setInt16(14, h.bitpix ?? BITPIX[h.datatype] ?? 8, le);
  const dim = [...h.dim, 1, 1, 1, 1, 1, 1, 1, 1].slice(0, 8);
  dim.forEach((d, i) => {
    dv.setBigInt64(16 + 8 * i, BigInt(d), le);
  });
  const pixdim = [...(h.pixdim ?? [1, 1, 1, 1]), 0, 0, 0, 0, 0, 0, 0, 0].slice(0, 8);
  pixdim.forEach((p, i) => {
    dv.setFloat64(104 + 8 * i, p, le);
  });
  dv.setBigInt64(168, BigInt(vox), le);
  dv.setFloat64(176, h.slope ?? 0, le);
  dv.setFloat64(184, h.inter ?? 0, le);
  dv.setInt32(344, h.qcode ?? 0, le);
  dv.setInt32(348, h.scode ?? 0, le);
  (h.quatern ?? [0, 0, 0]).forEach((q, i) => {
    dv.setFloat64(352 + 8 * i, q, le);
  });
  (h.qoffset ?? [0, 0, 0]).forEach((q, i) => {
    dv.setFloat64(376 + 8 * i, q, le);
  });
  (h.srow ?? new Array(12).fill(0)).forEach((s, i) => {
    dv.setFloat64(400 + 8 * i, s, le);
  });
  dv.setInt32(500, h.units ?? 2, le);
  dv.setInt32(504, h.intent ?? 0, le);
  b.set(data, vox);
  return b;
}

const bytesOf = (a: ArrayBufferView) =>
  new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

/** NIfTI spec "method 2": RAS point of voxel (i, j, k) from the quaternion (nifti1.h comments). */
function qformPointRas(q: number[], pixdim: number[], qoffset: number[], ijk: number[]): number[] {
  const [b, c, d] = q as [number, number, number];
  const a = Math.sqrt(Math.max(0, 1 - b * b - c * c - d * d));
  const R = [
    [a * a + b * b - c * c - d * d, 2 * b * c - 2 * a * d, 2 * b * d + 2 * a * c],
    [2 * b * c + 2 * a * d, a * a + c * c - b * b - d * d, 2 * c * d - 2 * a * b],
    [2 * b * d - 2 * a * c, 2 * c * d + 2 * a * b, a * a + d * d - c * c - b * b],
  ];
  const qfac = pixdim[0]! < 0 ? -1 : 1;
  const v = [ijk[0]! * pixdim[1]!, ijk[1]! * pixdim[2]!, qfac * ijk[2]! * pixdim[3]!];
  return R.map((row, r) => row[0]! * v[0]! + row[1]! * v[1]! + row[2]! * v[2]! + qoffset[r]!);
}

const rasToLps = (p: number[]) => [-p[0]!, -p[1]!, p[2]!];

function assertClose(got: readonly number[], want: readonly number[], tol: number, what: string) {
  const bad = got.map((g, i) => [i, g, want[i]!] as const).filter(([, g, w]) => !(Math.abs(g - w) <= tol));
  assert.deepEqual(bad, [], `${what}: got ${got.join(", ")} want ${want.join(", ")} (tol ${tol})`);
}

/** Independent NIfTI-1 header reading of the fields that decide the geometry (fixed offsets). */
function rawHeader(path: string) {
  const b = new Uint8Array(gunzipSync(readFileSync(path)));
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    dim: Array.from({ length: 8 }, (_, i) => dv.getInt16(40 + 2 * i, true)),
    datatype: dv.getInt16(70, true),
    pixdim: Array.from({ length: 8 }, (_, i) => dv.getFloat32(76 + 4 * i, true)),
    qcode: dv.getInt16(252, true),
    scode: dv.getInt16(254, true),
    srow: Array.from({ length: 12 }, (_, i) => dv.getFloat32(280 + 4 * i, true)),
    quatern: Array.from({ length: 3 }, (_, i) => dv.getFloat32(256 + 4 * i, true)),
    qoffset: Array.from({ length: 3 }, (_, i) => dv.getFloat32(268 + 4 * i, true)),
  };
}

/** LPS geometry implied by an sform (ITK: origin (-x, -y, z); columns negated in x, y and normalised). */
function sformLps(srow: number[]) {
  const origin = [0 - srow[3]!, 0 - srow[7]!, srow[11]! + 0];
  const dir: number[] = new Array(9);
  for (let c = 0; c < 3; c++) {
    const col = [-srow[c]!, -srow[4 + c]!, srow[8 + c]!];
    const n = Math.hypot(...col);
    for (let r = 0; r < 3; r++) dir[r * 3 + c] = col[r]! / n + 0;
  }
  return { origin, dir };
}

// ---------------------------------------------------------------------------------------------------

describe("NIfTI: IBSI 1 digital phantom", {
  skip: skipUnlessData("ibsi", "digital_phantom", "phantom.nii.gz"),
}, () => {
  test("geometry per header (qform 2 / sform 1, srow diag(-2,-2,2)) and README voxel facts", () => {
    const img = dataPath("ibsi", "digital_phantom", "phantom.nii.gz")!;
    const msk = dataPath("ibsi", "digital_phantom", "mask.nii.gz")!;
    const h = rawHeader(img);
    assert.deepEqual([h.qcode, h.scode], [2, 1]);
    assert.deepEqual(
      h.srow.map((x) => x + 0),
      [-2, 0, 0, 0, 0, -2, 0, 0, 0, 0, 2, 0],
    );
    const v = readImage(img);
    const m = readImage(msk);
    const want = sformLps(h.srow);
    for (const x of [v, m]) {
      assert.deepEqual(x.size, [5, 4, 4]);
      assert.deepEqual(x.spacing, [2, 2, 2]);
      assert.deepEqual(x.origin, want.origin);
      assert.deepEqual(x.origin, [0, 0, 0]);
      assert.deepEqual(x.direction, want.dir);
      assert.deepEqual(x.direction, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    }
    assert.equal(v.dataType, "int16");
    const levels = new Map<number, number>();
    const outside: number[] = [];
    let roi = 0;
    for (let p = 0; p < v.count; p++) {
      if (m.data[p] === 1) {
        roi++;
        levels.set(v.data[p]!, (levels.get(v.data[p]!) ?? 0) + 1);
      } else outside.push(v.data[p]!);
    }
    assert.equal(roi, 74);
    assert.deepEqual(
      [...levels].sort((a, b) => a[0] - b[0]),
      [
        [1, 50],
        [3, 1],
        [4, 16],
        [6, 7],
      ],
    );
    assert.equal(outside.length, 6);
    assert.deepEqual([...new Set(outside)].sort(), [1, 9]);
  });
});

describe("NIfTI: IBSI CT phantom", {
  skip: skipUnlessData("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz"),
}, () => {
  const imgPath = dataPath("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz")!;
  const mskPath = dataPath("ibsi", "ct_phantom", "nifti", "mask", "mask.nii.gz")!;
  let cached: { v: Volume; m: Volume } | undefined;
  const load = () => (cached ??= { v: readImage(imgPath), m: readImage(mskPath) });

  test("geometry per header, README facts (float32 HU -1000..3065 integers, 125 256 ROI voxels)", () => {
    const { v, m } = load();
    const h = rawHeader(imgPath);
    assert.deepEqual([h.qcode, h.scode], [2, 1]);
    const want = sformLps(h.srow);
    for (const x of [v, m]) {
      assert.deepEqual(x.size, [204, 201, 60]);
      assert.deepEqual(x.spacing, [h.pixdim[1], h.pixdim[2], h.pixdim[3]]);
      assert.deepEqual(x.origin, want.origin);
      assert.deepEqual(x.direction, want.dir);
    }
    assert.equal(v.dataType, "float32");
    assert.equal(m.dataType, "uint8");
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    let nonInt = 0;
    for (const x of v.data) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      if (!Number.isInteger(x)) nonInt++;
    }
    assert.deepEqual([lo, hi, nonInt], [-1000, 3065, 0]);
    let roi = 0;
    for (const x of m.data) roi += x === 1 ? 1 : 0;
    assert.equal(roi, 125256);
    assert.deepEqual([...new Set(m.data)].sort(), [0, 1]);
  });

  test("the NIfTI has the geometry (and voxels) of its DICOM series", {
    skip: skipUnlessData("ibsi", "ct_phantom", "dicom", "image"),
  }, () => {
    const { v } = load();
    const dir = dataPath("ibsi", "ct_phantom", "dicom", "image")!;
    const slices = readdirSync(dir)
      .filter((f) => f.endsWith(".dcm"))
      .map((f) => {
        const buf = readFileSync(join(dir, f));
        const ds = dcmjs.data.DicomMessage.readFile(
          buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
        );
        const n = dcmjs.data.DicomMetaDictionary.naturalizeDataset(ds.dict);
        return { f, n, ts: ds.meta["00020010"]?.Value?.[0] as string };
      });
    assert.equal(slices.length, 60);
    const iop = slices[0]!.n.ImageOrientationPatient as number[];
    const rowDir = iop.slice(0, 3);
    const colDir = iop.slice(3, 6);
    const normal = [
      rowDir[1]! * colDir[2]! - rowDir[2]! * colDir[1]!,
      rowDir[2]! * colDir[0]! - rowDir[0]! * colDir[2]!,
      rowDir[0]! * colDir[1]! - rowDir[1]! * colDir[0]!,
    ];
    const along = (s: (typeof slices)[number]) =>
      (s.n.ImagePositionPatient as number[]).reduce((acc, x, i) => acc + x * normal[i]!, 0);
    slices.sort((a, b) => along(a) - along(b));
    const ipp0 = slices[0]!.n.ImagePositionPatient as number[];
    const ps = slices[0]!.n.PixelSpacing as number[]; // [row spacing (between rows), column spacing]
    const gaps = slices.slice(1).map((s, i) => along(s) - along(slices[i]!));
    const sliceSpacing = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const maxGapErr = Math.max(...gaps.map((g) => Math.abs(g - sliceSpacing)));
    const dicomDir = [
      rowDir[0]!,
      colDir[0]!,
      normal[0]!,
      rowDir[1]!,
      colDir[1]!,
      normal[1]!,
      rowDir[2]!,
      colDir[2]!,
      normal[2]!,
    ];
    process.stderr.write(
      `CT phantom: DICOM origin ${ipp0.join(", ")}, NIfTI origin ${v.origin.join(", ")}; DICOM spacing ${ps[1]}, ${ps[0]}, ${sliceSpacing} (slice gap spread ${maxGapErr.toExponential(2)}), NIfTI ${v.spacing.join(", ")}\n`,
    );
    assert.deepEqual([slices[0]!.n.Columns, slices[0]!.n.Rows, slices.length], v.size);
    // NIfTI stores float32; DICOM decimal strings: agree to float32 precision
    assertClose(v.origin, ipp0, 1e-4, "origin = first slice ImagePositionPatient");
    assertClose(v.spacing, [ps[1]!, ps[0]!, sliceSpacing], 1e-5, "spacing");
    assertClose(v.direction, dicomDir, 1e-9, "direction = (row, column, normal) cosines");
    assert.ok(maxGapErr < 1e-4, `slices equally spaced (spread ${maxGapErr})`);
    // voxels: slice k of the NIfTI is the k-th DICOM slice sorted along the normal (no z flip)
    let checkedSlices = 0;
    let maxDiff = 0;
    for (let k = 0; k < slices.length; k++) {
      const s = slices[k]!;
      const pd = s.n.PixelData as ArrayBuffer[] | undefined;
      if (!pd?.[0] || !["1.2.840.10008.1.2", "1.2.840.10008.1.2.1"].includes(s.ts)) continue;
      const raw = s.n.PixelRepresentation === 1 ? new Int16Array(pd[0]) : new Uint16Array(pd[0]);
      const slope = Number(s.n.RescaleSlope ?? 1);
      const inter = Number(s.n.RescaleIntercept ?? 0);
      const off = k * v.nx * v.ny;
      for (let p = 0; p < v.nx * v.ny; p++)
        maxDiff = Math.max(maxDiff, Math.abs(raw[p]! * slope + inter - v.data[off + p]!));
      checkedSlices++;
    }
    process.stderr.write(
      `CT phantom: ${checkedSlices} DICOM slices compared voxel by voxel, max |HU difference| ${maxDiff}\n`,
    );
    assert.equal(checkedSlices, 60, "uncompressed DICOM pixel data");
    assert.equal(maxDiff, 0);
  });
});

describe("NIfTI: IBSI 2 phantoms", { skip: skipUnlessData("ibsi2", "digital_phantoms") }, () => {
  test("every phantom and mask: uint8, 2 mm, qform 1 / sform 0, README contents", () => {
    const root = dataPath("ibsi2", "digital_phantoms")!;
    const names = readdirSync(root);
    assert.ok(names.length >= 9);
    for (const name of names) {
      for (const sub of ["image", "mask"]) {
        const d = dataPath("ibsi2", "digital_phantoms", name, sub);
        if (!d) continue;
        for (const f of readdirSync(d).filter((x) => x.endsWith(".nii.gz"))) {
          const path = join(d, f);
          const h = rawHeader(path);
          assert.deepEqual([h.qcode, h.scode], [1, 0], path);
          const v = readImage(path);
          const want = rasToLps(qformPointRas(h.quatern, h.pixdim, h.qoffset, [0, 0, 0]));
          assert.deepEqual(
            v.origin,
            want.map((x) => x + 0),
            path,
          );
          assert.deepEqual(v.spacing, [2, 2, 2], path);
          assert.deepEqual(v.direction, [1, 0, 0, 0, 1, 0, 0, 0, 1], path);
          assert.equal(v.dataType, "uint8", path);
          assert.deepEqual(v.size, name === "orientation" ? [32, 48, 64] : [64, 64, 64], path);
          if (sub === "mask")
            assert.ok(
              v.data.every((x) => x === 1),
              `${path} all ones`,
            );
        }
      }
    }
    const img = (n: string) => readImage(dataPath("ibsi2", "digital_phantoms", n, "image", `${n}.nii.gz`)!);
    const o = img("orientation");
    let bad = 0;
    for (let k = 0; k < o.nz; k++)
      for (let j = 0; j < o.ny; j++) for (let i = 0; i < o.nx; i++) if (o.get(i, j, k) !== i + j + k) bad++;
    assert.equal(bad, 0, "orientation phantom is the gradient i + j + k (x fastest)");
    assert.equal(new Set(img("noise").data).size, 252);
    assert.ok(img("empty").data.every((x) => x === 0));
    const imp = img("impulse");
    const nz = [...imp.data.keys()].filter((p) => imp.data[p] !== 0);
    assert.deepEqual(
      nz.map((p) => imp.data[p]),
      [255],
    );
    assert.ok(img("checkerboard").data.every((x) => x === 0 || x === 255));
  });
});

describe("NIfTI: geometry rules (generated headers)", () => {
  const u8 = new Uint8Array(24);
  // rotation by 30 degrees about (1,2,3)/|.|, as a quaternion
  const axis = [1, 2, 3].map((x) => x / Math.hypot(1, 2, 3));
  const half = Math.PI / 12;
  const quat = axis.map((x) => x * Math.sin(half));
  const dims = [3, 2, 3, 4];

  test("qform only: world points follow the NIfTI method-2 formula, converted to LPS (qfac +1 and -1)", () => {
    for (const qfac of [1, -1]) {
      const pixdim = [qfac, 0.5, 0.75, 2.5];
      const qoffset = [10.5, -20.25, 30];
      const v = parseNifti(nifti1({ dim: dims, datatype: 2, pixdim, qcode: 1, quatern: quat, qoffset }, u8));
      assert.deepEqual(v.spacing, [0.5, 0.75, 2.5]);
      // the header stores float32 quaternions: agreement to float precision
      const f32 = (x: number) => Math.fround(x);
      for (const ijk of [
        [0, 0, 0],
        [1, 0, 0],
        [0, 2, 0],
        [0, 0, 3],
        [1, 2, 3],
      ]) {
        const want = rasToLps(qformPointRas(quat.map(f32), pixdim, qoffset, ijk));
        assertClose(v.indexToWorld(ijk), want, 1e-5, `qfac ${qfac} voxel ${ijk}`);
      }
    }
  });

  // A second, different transform to tell sform and qform apart.
  const srowA = [0, 0, 2.5, -5, 0.5, 0, 0, 7, 0, 0.75, 0, 9]; // axis i -> +y(A), j -> +z(S), k -> +x(R)
  const fromSrowA = sformLps(srowA);
  const base: Hdr = {
    dim: dims,
    datatype: 2,
    pixdim: [1, 0.5, 0.75, 2.5],
    quatern: quat,
    qoffset: [1, 2, 3],
    srow: srowA,
  };
  const usesSform = (v: Volume) =>
    v.origin.every((x, i) => Math.abs(x - fromSrowA.origin[i]!) < 1e-6) &&
    v.direction.every((x, i) => Math.abs(x - fromSrowA.dir[i]!) < 1e-6);

  test("ITK's choice between sform and qform", () => {
    const cases: [string, Partial<Hdr>, "sform" | "qform" | "identity"][] = [
      ["sform 1 beats a different qform", { qcode: 1, scode: 1 }, "sform"],
      ["sform 1 beats qform 2", { qcode: 2, scode: 1 }, "sform"],
      ["sform 2 with no qform", { qcode: 0, scode: 2 }, "sform"],
      ["sform 4 with no qform", { qcode: 0, scode: 4 }, "sform"],
      ["sform 2 loses to a different qform 1", { qcode: 1, scode: 2 }, "qform"],
      ["sform 3 loses to a different qform 2", { qcode: 2, scode: 3 }, "qform"],
      ["qform only", { qcode: 1, scode: 0 }, "qform"],
      ["no transform", { qcode: 0, scode: 0 }, "identity"],
    ];
    for (const [name, over, want] of cases) {
      const v = parseNifti(nifti1({ ...base, ...over }, u8), { source: name });
      if (want === "sform") assert.ok(usesSform(v), `${name}: origin ${v.origin} direction ${v.direction}`);
      else if (want === "qform") {
        assert.ok(!usesSform(v), name);
        const p = rasToLps(qformPointRas(quat.map(Math.fround), base.pixdim!, [1, 2, 3], [1, 1, 1]));
        assertClose(v.indexToWorld([1, 1, 1]), p, 1e-5, name);
      } else {
        assert.deepEqual(v.origin, [0, 0, 0], name);
        assert.deepEqual(v.direction, [1, 0, 0, 0, 1, 0, 0, 0, 1], name);
      }
      // spacing is always pixdim (not the matrix column norms)
      assert.deepEqual(v.spacing, [0.5, 0.75, 2.5], name);
    }
    // sform 2 equal to the qform (within 1e-4) is preferred: same transform, sform precision
    const q = parseNifti(nifti1({ ...base, qcode: 1, scode: 0 }, u8));
    const srowQ: number[] = [];
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) srowQ.push((r < 2 ? -1 : 1) * q.direction[r * 3 + c]! * q.spacing[c]!);
      srowQ.push((r < 2 ? -1 : 1) * q.origin[r]! + 1e-5);
    }
    const s = parseNifti(nifti1({ ...base, qcode: 1, scode: 2, srow: srowQ }, u8));
    assertClose(
      s.origin,
      q.origin.map((x, r) => x + (r < 2 ? -1e-5 : 1e-5)),
      1e-6,
      "sform used when very similar",
    );
  });

  test("non-orthonormal sform: qform used if present, else GeometryError", () => {
    const shear = [0.5, 0.3, 0, 0, 0, 0.75, 0, 0, 0, 0, 2.5, 0];
    const v = parseNifti(nifti1({ ...base, qcode: 1, scode: 1, srow: shear }, u8));
    assertClose(
      v.indexToWorld([1, 1, 1]),
      rasToLps(qformPointRas(quat.map(Math.fround), base.pixdim!, [1, 2, 3], [1, 1, 1])),
      1e-5,
      "qform fallback",
    );
    assert.throws(
      () => parseNifti(nifti1({ ...base, qcode: 0, scode: 1, srow: shear }, u8), { source: "shear.nii" }),
      (e: Error) => e instanceof GeometryError && /^shear\.nii: .*non-orthonormal/.test(e.message),
    );
  });

  test("units: metres and microns scale the spacing (as ITK; the origin is not scaled)", () => {
    const m = parseNifti(nifti1({ dim: dims, datatype: 2, pixdim: [1, 0.001, 0.002, 0.003], units: 1 }, u8));
    assertClose(
      m.spacing,
      [0.001, 0.002, 0.003].map((x) => Math.fround(x) * 1000),
      1e-12,
      "metres",
    );
    const um = parseNifti(nifti1({ dim: dims, datatype: 2, pixdim: [1, 500, 250, 1000], units: 3 }, u8));
    assertClose(um.spacing, [0.5, 0.25, 1], 0, "microns");
  });

  test("NIfTI-2, big-endian NIfTI-1 and NIfTI-2, 2D, 4D with one volume", () => {
    const data = Int16Array.from({ length: 24 }, (_, i) => i * 100 - 1000);
    const le = bytesOf(data);
    const be = new Uint8Array(le.length);
    for (let i = 0; i < le.length; i += 2) {
      be[i] = le[i + 1]!;
      be[i + 1] = le[i]!;
    }
    const h: Hdr = { dim: dims, datatype: 4, pixdim: [1, 0.5, 0.75, 2.5], qcode: 0, scode: 1, srow: srowA };
    for (const [name, bytes] of [
      ["nifti1 le", nifti1(h, le)],
      ["nifti1 be", nifti1({ ...h, le: false }, be)],
      ["nifti2 le", nifti2(h, le)],
      ["nifti2 be", nifti2({ ...h, le: false }, be)],
      ["nifti1 4D t=1", nifti1({ ...h, dim: [4, 2, 3, 4, 1] }, le)],
      ["nifti1 5D t=1 u=1", nifti1({ ...h, dim: [5, 2, 3, 4, 1, 1] }, le)],
      ["nifti1 gz", gzipSync(nifti1(h, le))],
    ] as [string, Uint8Array][]) {
      const v = parseNifti(bytes, { source: name });
      assert.equal(v.dataType, "int16", name);
      assert.deepEqual(Array.from(v.data), Array.from(data), name);
      assert.deepEqual(v.size, [2, 3, 4], name);
      assert.ok(usesSform(v), name);
    }
    const two = parseNifti(nifti1({ dim: [2, 4, 6], datatype: 2, pixdim: [1, 0.5, 0.25, 0] }, u8));
    assert.deepEqual(two.size, [4, 6, 1]);
    assert.deepEqual(two.spacing, [0.5, 0.25, 1]);
  });

  test("scl_slope / scl_inter as ITK: integer -> float32, float stays, slope 0 or (1, 0) -> unchanged", () => {
    const i16 = Int16Array.from([-3, 0, 7, 1000, -32768, 32767]);
    const d6 = [3, 6, 1, 1];
    const a = parseNifti(nifti1({ dim: d6, datatype: 4, slope: 0.5, inter: -1024 }, bytesOf(i16)));
    assert.equal(a.dataType, "float32");
    assert.deepEqual(
      Array.from(a.data),
      Array.from(i16, (x) => Math.fround(x * 0.5 - 1024)),
    );
    const f64 = Float64Array.from([0.1, -2.5, 1e10]);
    const b = parseNifti(nifti1({ dim: [3, 3, 1, 1], datatype: 64, slope: 3, inter: 0.25 }, bytesOf(f64)));
    assert.equal(b.dataType, "float64");
    assert.deepEqual(
      Array.from(b.data),
      Array.from(f64, (x) => x * 3 + 0.25),
    );
    const f32 = Float32Array.from([0.1, -2.5, 1e10]);
    const c = parseNifti(nifti1({ dim: [3, 3, 1, 1], datatype: 16, slope: 3, inter: 0.25 }, bytesOf(f32)));
    assert.equal(c.dataType, "float32");
    assert.deepEqual(
      Array.from(c.data),
      Array.from(f32, (x) => Math.fround(x * 3 + 0.25)),
    );
    for (const [slope, inter] of [
      [0, 0],
      [1, 0],
      [0, 5], // slope 0 means 1, but the intercept still applies (ITK)
    ]) {
      const v = parseNifti(nifti1({ dim: d6, datatype: 4, slope, inter }, bytesOf(i16)));
      if (inter === 0) {
        assert.equal(v.dataType, "int16");
        assert.deepEqual(Array.from(v.data), Array.from(i16));
      } else {
        assert.equal(v.dataType, "float32");
        assert.deepEqual(
          Array.from(v.data),
          Array.from(i16, (x) => x + inter),
        );
      }
    }
    // uint32 beyond 2^24: ITK casts to float first
    const u32 = Uint32Array.from([16777217, 4294967295]);
    const d = parseNifti(nifti1({ dim: [3, 2, 1, 1], datatype: 768, slope: 1, inter: 1 }, bytesOf(u32)));
    assert.deepEqual(Array.from(d.data), [
      Math.fround(Math.fround(16777217) + 1),
      Math.fround(Math.fround(4294967295) + 1),
    ]);
  });

  test("two-file NIfTI (.hdr + .img) through readImage", () => {
    const dir = mkdtempSync(join(tmpdir(), "rg-nii-"));
    const data = Uint16Array.from({ length: 24 }, (_, i) => i * 1000);
    const hdr = nifti1(
      { dim: dims, datatype: 512, pixdim: [1, 1, 2, 3], magic: "ni1", voxOffset: 0, qcode: 1 },
      new Uint8Array(0),
    );
    writeFileSync(join(dir, "x.hdr"), hdr.subarray(0, 348));
    writeFileSync(join(dir, "x.img"), bytesOf(data));
    const v = readImage(join(dir, "x.hdr"));
    assert.deepEqual(Array.from(v.data), Array.from(data));
    assert.deepEqual(v.spacing, [1, 2, 3]);
    // a relative header path finds its .img next to it
    const rel = relative(process.cwd(), join(dir, "x.hdr"));
    assert.deepEqual(Array.from(readImage(rel).data), Array.from(data));
  });
});

describe("NIfTI: bad input", () => {
  const good = () => nifti1({ dim: [3, 2, 2, 2], datatype: 4, pixdim: [1, 1, 1, 1] }, new Uint8Array(16));
  const expect = (bytes: Uint8Array, cls: new (...a: never[]) => Error, re: RegExp) =>
    assert.throws(
      () => parseNifti(bytes, { source: "bad.nii" }),
      (e: Error) => {
        assert.ok(e instanceof cls, `expected ${cls.name}, got ${e.name}: ${e.message}`);
        assert.match(e.message, /^bad\.nii: /);
        assert.match(e.message, re);
        return true;
      },
    );
  test("truncated header", () => expect(good().subarray(0, 200), FormatError, /header is truncated/));
  test("not NIfTI", () => expect(new Uint8Array(400).fill(7), FormatError, /not a NIfTI file/));
  test("truncated data", () =>
    expect(good().subarray(0, 352 + 10), FormatError, /truncated.*16 bytes.*10 present/));
  test("data longer than the dimensions", () =>
    expect(
      nifti1({ dim: [3, 2, 2, 2], datatype: 4 }, new Uint8Array(20)),
      FormatError,
      /does not match the dimensions.*16 bytes.*20 present/,
    ));
  test("corrupt gzip stream", () => {
    const gz = gzipSync(
      nifti1(
        { dim: [3, 20, 20, 20], datatype: 4 },
        Uint8Array.from({ length: 16000 }, (_, i) => i % 251),
      ),
    );
    const bad = gz.slice();
    bad[gz.length - 7] ^= 0xff; // CRC
    expect(bad, FormatError, /corrupt or truncated/);
    expect(gz.subarray(0, gz.length - 50), FormatError, /corrupt or truncated/);
  });
  test("unsupported datatypes are named", () => {
    for (const [code, name] of [
      [128, "RGB24"],
      [32, "complex64"],
      [1792, "complex128"],
      [1024, "int64"],
      [2304, "RGBA32"],
      [1, "binary"],
    ] as [number, string][]) {
      expect(
        nifti1({ dim: [3, 1, 1, 1], datatype: code }, new Uint8Array(16)),
        UnsupportedError,
        new RegExp(`datatype ${code} \\(${name}`),
      );
    }
    expect(
      nifti1({ dim: [3, 1, 1, 1], datatype: 3 }, new Uint8Array(16)),
      FormatError,
      /datatype 3 is not a valid/,
    );
  });
  test("real 4D and vector images are unsupported", () => {
    expect(nifti1({ dim: [4, 2, 2, 2, 3], datatype: 2 }, new Uint8Array(24)), UnsupportedError, /4D/);
    expect(
      nifti1({ dim: [5, 2, 2, 2, 1, 3], datatype: 2, intent: 1007 }, new Uint8Array(24)),
      UnsupportedError,
      /vector/,
    );
  });
  test("bad dimensions and spacing", () => {
    expect(nifti1({ dim: [3, 2, 0, 2], datatype: 2 }, new Uint8Array(8)), FormatError, /dim\[2\] is 0/);
    expect(nifti1({ dim: [9, 2, 2, 2], datatype: 2 }, new Uint8Array(8)), FormatError, /dim\[0\]/);
    expect(
      nifti1({ dim: [3, 2, 2, 2], datatype: 2, pixdim: [1, 1, 0, 1] }, new Uint8Array(8)),
      GeometryError,
      /spacing along axis 1 is 0/,
    );
    expect(
      nifti1({ dim: [3, 2, 2, 2], datatype: 2, pixdim: [1, 1, 1, -2] }, new Uint8Array(8)),
      GeometryError,
      /spacing along axis 2 is -2/,
    );
    expect(
      nifti1({ dim: [3, 2, 2, 2], datatype: 2, pixdim: [1, Number.NaN, 1, 1] }, new Uint8Array(8)),
      GeometryError,
      /spacing along axis 0 is NaN/,
    );
  });
  test("two-file header without a loader (browser)", () =>
    expect(
      nifti1({ dim: [3, 2, 2, 2], datatype: 2, magic: "ni1" }, new Uint8Array(0)),
      UnsupportedError,
      /\.img/,
    ));
  test("NaN voxels: parse accepts them, readImage rejects them unless allowNonFinite", () => {
    const f = Float32Array.from([
      1,
      Number.NaN,
      2,
      Number.POSITIVE_INFINITY,
      3,
      4,
      Number.NEGATIVE_INFINITY,
      5,
    ]);
    const bytes = nifti1({ dim: [3, 2, 2, 2], datatype: 16 }, bytesOf(f));
    const v = parseNifti(bytes);
    assert.equal(countNonFinite(v), 3);
    assert.equal(countNonFinite(new Volume(new Int16Array(8), { size: [2, 2, 2] })), 0);
    const dir = mkdtempSync(join(tmpdir(), "rg-nan-"));
    const p = join(dir, "nan.nii");
    writeFileSync(p, bytes);
    assert.throws(
      () => readImage(p),
      (e: Error) =>
        e instanceof FormatError &&
        e.message ===
          `${p}: 3 of 8 voxels are NaN or Inf (an image must hold finite intensities; \`info\` and \`convert\` read such files)`,
    );
    assert.equal(countNonFinite(readImage(p, { allowNonFinite: true })), 3);
  });
});

describe("NIfTI: writer", () => {
  const c = Math.cos(0.4);
  const s = Math.sin(0.4);
  // rotation about x, then the third axis flipped (a left-handed frame: qfac -1)
  const rotFlip: Mat3 = [1, 0, 0, 0, c, s, 0, s, -c];
  const rot: Mat3 = [c, 0, s, 0, 1, 0, -s, 0, c];

  test("round trip: every datatype, .nii and .nii.gz, rotated (qfac +1 and -1) and 2D volumes", () => {
    for (const type of DATA_TYPES) {
      for (const gzip of [false, true]) {
        for (const [size, direction] of [
          [[4, 3, 2], rot],
          [[4, 3, 2], rotFlip],
          [
            [5, 4, 1],
            [1, 0, 0, 0, -1, 0, 0, 0, -1],
          ],
        ] as [Vec3, Mat3][]) {
          const n = size[0] * size[1] * size[2];
          const data = allocate(type, n);
          for (let i = 0; i < n; i++)
            data[i] = type.startsWith("float")
              ? (i - 7) * 0.1 + 1e-3
              : ((i * 13) % 100) - (type.startsWith("u") ? 0 : 50);
          const vol = new Volume(data, {
            size,
            spacing: [0.7, 1.25, 2.5],
            origin: [-100.5, 20.25, 1e-3],
            direction,
          });
          const bytes = encodeNifti(vol, { gzip });
          const back = parseNifti(bytes);
          const name = `${type} gzip=${gzip} ${size} ${direction}`;
          assert.equal(back.dataType, type, name);
          assert.deepEqual(Array.from(back.data), Array.from(data), name);
          assert.deepEqual(back.size, size, name);
          // geometry is stored in single precision
          assertClose(back.spacing, vol.spacing, 1e-6, `${name} spacing`);
          assertClose(back.origin, vol.origin, 1e-5, `${name} origin`);
          assertClose(back.direction, vol.direction, 1e-6, `${name} direction`);
          // ITK writes qform = sform = 1 (scanner); the qform alone must give the same geometry
          const h = parseNiftiHeader(gzip ? new Uint8Array(gunzipSync(bytes)) : bytes);
          assert.deepEqual(
            [h.qformCode, h.sformCode, h.datatype, h.sclSlope, h.sclInter],
            [1, 1, h.datatype, 1, 0],
          );
          const raw = gzip ? new Uint8Array(gunzipSync(bytes)) : bytes.slice();
          new DataView(raw.buffer, raw.byteOffset).setInt16(254, 0, true); // drop the sform
          const q = parseNifti(raw);
          assertClose(q.origin, vol.origin, 1e-5, `${name} qform origin`);
          assertClose(q.direction, vol.direction, 1e-6, `${name} qform direction`);
        }
      }
    }
  });

  test("exactly representable geometry round-trips exactly", () => {
    const vol = new Volume(
      Int16Array.from({ length: 8 }, (_, i) => i),
      {
        size: [2, 2, 2],
        spacing: [0.5, 0.25, 3],
        origin: [-100.25, 50.5, -12],
        direction: [0, 1, 0, 0, 0, -1, -1, 0, 0],
      },
    );
    const back = parseNifti(encodeNifti(vol));
    assert.deepEqual(back.geometry, vol.geometry);
  });
});
