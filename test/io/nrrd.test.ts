import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { gzipSync } from "fflate";
import { FormatError, GeometryError, UnsupportedError } from "../../src/errors.js";
import { DATA_TYPES, type DataType, type Mat3, type Vec3, Volume, allocate } from "../../src/image/volume.js";
import { encodeNrrd, parseNrrd } from "../../src/io/nrrd.js";
import { concatBytes } from "../../src/io/common.js";
import { readImage } from "../../src/io/read.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";
import { parseCsvRows } from "../helpers/pyradiomics.js";

const enc = (s: string) => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]) => concatBytes(parts);

/** Header geometry read independently of the library: regexes on the header text. */
function headerGeometry(text: string) {
  const sizes = /\nsizes: ([^\n]+)/.exec(text)![1]!.trim().split(/\s+/).map(Number);
  const dirs = [.../\nspace directions: ([^\n]+)/.exec(text)![1]!.matchAll(/\(([^)]*)\)/g)].map((m) =>
    m[1]!.split(",").map(Number),
  );
  const origin = /\nspace origin: \(([^)]*)\)/.exec(text)![1]!.split(",").map(Number);
  const spacing = dirs.map((d) => Math.hypot(...d));
  return { sizes, dirs, origin, spacing };
}

function sha1(bytes: ArrayBufferView): string {
  return createHash("sha1")
    .update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    .digest("hex");
}

interface Diagnostics {
  [row: string]: Set<string>;
}

/**
 * All non-empty `diagnostics_{Image,Mask}-original_*` cells per test case (the raw
 * `diagnostics_Configuration_TestCase` cell: "brain1", or "brain1_2D" for the shape2D columns whose mask
 * is brain1_label_2D.nrrd), from every baseline CSV.
 */
function baselineDiagnostics(): Map<string, Diagnostics> {
  const out = new Map<string, Diagnostics>();
  for (const cls of ["firstorder", "shape", "shape2D", "glcm", "glrlm", "glszm", "gldm", "ngtdm"]) {
    const p = dataPath("pyradiomics", "baseline", `baseline_${cls}.csv`);
    if (!p) continue;
    const rows = parseCsvRows(readFileSync(p, "utf8"));
    const caseRow = rows.find((r) => r[0] === "diagnostics_Configuration_TestCase")!;
    for (let c = 1; c < rows[0]!.length; c++) {
      const testCase = caseRow[c]!;
      const d = out.get(testCase) ?? {};
      for (const r of rows) {
        const cell = r[c] ?? "";
        if (!r[0]!.includes("-original_") || cell === "") continue;
        d[r[0]!] ??= new Set();
        d[r[0]!]!.add(cell);
      }
      out.set(testCase, d);
    }
  }
  return out;
}

/** "(1, 2.5, 3)" (a Python tuple repr of numbers) -> [1, 2.5, 3]. */
function tuple(s: string): number[] {
  return s
    .replace(/^\(|\)$/g, "")
    .split(",")
    .map((x) => Number(x.trim()));
}

const one = (d: Diagnostics, row: string): string | undefined => {
  const s = d[row];
  if (!s) return undefined;
  assert.equal(s.size, 1, `${row} has several different baseline values: ${[...s].join(" | ")}`);
  return [...s][0];
};

function closeRel(a: number, b: number, rel: number): boolean {
  return Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));
}

const cache = new Map<string, Volume>();
function cachedRead(path: string): Volume {
  let v = cache.get(path);
  if (!v) {
    v = readImage(path);
    cache.set(path, v);
  }
  return v;
}

describe("NRRD: PyRadiomics test data", { skip: skipUnlessData("pyradiomics", "baseline") }, () => {
  const dir = dataPath("pyradiomics")!;
  const files = dir ? readdirSync(dir).filter((f) => f.endsWith(".nrrd")) : [];

  test("every .nrrd reads with the geometry in its header", () => {
    assert.ok(files.length >= 10, `expected the PyRadiomics NRRDs, found ${files.length}`);
    for (const f of files) {
      const path = join(dir, f);
      const bytes = new Uint8Array(readFileSync(path));
      const headerEnd = Buffer.from(bytes).indexOf("\n\n");
      const h = headerGeometry(new TextDecoder().decode(bytes.subarray(0, headerEnd + 1)));
      const v = cachedRead(path);
      assert.deepEqual(v.size, h.sizes, `${f} size`);
      assert.deepEqual(v.spacing, h.spacing, `${f} spacing`);
      assert.deepEqual(v.origin, h.origin, `${f} origin (LPS file, no conversion)`);
      for (let c = 0; c < 3; c++) {
        for (let r = 0; r < 3; r++) {
          const want = h.dirs[c]![r]! / h.spacing[c]!;
          assert.equal(v.direction[r * 3 + c], want, `${f} direction[${r}][${c}]`);
        }
      }
      assert.equal(v.count, h.sizes[0]! * h.sizes[1]! * h.sizes[2]!);
    }
  });

  test("README facts: types, ranges, ROI voxel counts, prostate labels", () => {
    const facts: [string, DataType, number, number][] = [
      ["brain1_image.nrrd", "int16", 0, 3057],
      ["brain1_label.nrrd", "int32", 0, 1],
      ["breast1_image.nrrd", "int16", 6, 248],
      ["breast1_label.nrrd", "int16", 0, 1],
      ["lung1_label.nrrd", "int16", 0, 1],
      ["prostate_phantom_subvolume.nrrd", "uint16", 0, 2017],
    ];
    for (const [f, type, lo, hi] of facts) {
      const v = cachedRead(join(dir, f));
      assert.equal(v.dataType, type, f);
      let mn = Number.POSITIVE_INFINITY;
      let mx = Number.NEGATIVE_INFINITY;
      for (const x of v.data) {
        if (x < mn) mn = x;
        if (x > mx) mx = x;
      }
      assert.deepEqual([mn, mx], [lo, hi], `${f} range`);
    }
    const count = (f: string, label: number) => {
      let n = 0;
      for (const x of cachedRead(join(dir, f)).data) if (x === label) n++;
      return n;
    };
    assert.equal(count("brain1_label.nrrd", 1), 4137);
    assert.equal(count("breast1_label.nrrd", 1), 143);
    assert.equal(count("lung1_label.nrrd", 1), 837);
    const pl = "prostate_phantom_subvolume-label.nrrd";
    assert.deepEqual(
      [1, 7, 8, 9].map((l) => count(pl, l)),
      [168, 170, 2997, 9088],
    );
  });

  test("pixel hashes, size, spacing, voxel count, bounding box and centre of mass match the PyRadiomics baselines", () => {
    const diags = baselineDiagnostics();
    assert.ok(diags.size >= 6, "baseline diagnostics found");
    const misses: string[] = [];
    let checked = 0;
    let maxComErr = 0;
    for (const [testCase, d] of diags) {
      const base = testCase.replace(/_2D$/, "");
      const is2D = testCase.endsWith("_2D");
      const imageFile = join(dir, `${base}_image.nrrd`);
      const maskFile = join(dir, is2D ? `${base}_label_2D.nrrd` : `${base}_label.nrrd`);
      const pairs: [string, string, boolean][] = [
        ["Image", imageFile, false],
        ["Mask", maskFile, true],
      ];
      for (const [kind, file, isMask] of pairs) {
        const hash = one(d, `diagnostics_${kind}-original_Hash`);
        if (!hash) continue;
        if (!dataPath("pyradiomics", file.split("/").pop()!)) {
          process.stderr.write(`SKIPPED: ${file} is not available (README 1.6); its hash is not checked\n`);
          continue;
        }
        const v = cachedRead(file);
        const buf = isMask ? Uint32Array.from(v.data) : v.data;
        const got = sha1(buf);
        checked++;
        if (got !== hash) misses.push(`${testCase} ${kind} hash: got ${got}, baseline ${hash}`);
        const size = one(d, `diagnostics_${kind}-original_Size`);
        if (size && JSON.stringify(tuple(size)) !== JSON.stringify(v.size))
          misses.push(`${testCase} ${kind} size: got ${v.size}, baseline ${size}`);
        const spacing = one(d, `diagnostics_${kind}-original_Spacing`);
        if (spacing) {
          const want = tuple(spacing);
          // the baseline prints Python's repr (shortest round-trip) of the same doubles: exact
          if (want.some((x, i) => x !== v.spacing[i]))
            misses.push(`${testCase} ${kind} spacing: got ${v.spacing}, baseline ${spacing}`);
        }
        if (!isMask) continue;
        const voxelNum = Number(one(d, "diagnostics_Mask-original_VoxelNum"));
        let n = 0;
        let si = 0;
        let sj = 0;
        let sk = 0;
        const lo = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
        const hi = [-1, -1, -1];
        let p = 0;
        for (let k = 0; k < v.nz; k++)
          for (let j = 0; j < v.ny; j++)
            for (let i = 0; i < v.nx; i++, p++) {
              if (v.data[p] !== 1) continue;
              n++;
              si += i;
              sj += j;
              sk += k;
              const idx = [i, j, k];
              for (let a = 0; a < 3; a++) {
                lo[a] = Math.min(lo[a]!, idx[a]!);
                hi[a] = Math.max(hi[a]!, idx[a]!);
              }
            }
        if (n !== voxelNum) misses.push(`${testCase} mask voxel count: got ${n}, baseline ${voxelNum}`);
        const bb = tuple(one(d, "diagnostics_Mask-original_BoundingBox")!);
        const gotBB = [lo[0], lo[1], lo[2], hi[0]! - lo[0]! + 1, hi[1]! - lo[1]! + 1, hi[2]! - lo[2]! + 1];
        if (JSON.stringify(bb) !== JSON.stringify(gotBB))
          misses.push(`${testCase} bounding box: got ${gotBB}, baseline ${bb}`);
        // centre of mass: index -> LPS world with our geometry vs PyRadiomics/SimpleITK's physical point
        const comIdx = [si / n, sj / n, sk / n];
        const com = v.indexToWorld(comIdx);
        const wantCom = tuple(one(d, "diagnostics_Mask-original_CenterOfMass")!);
        for (let a = 0; a < 3; a++) {
          const err = Math.abs(com[a]! - wantCom[a]!);
          maxComErr = Math.max(maxComErr, err);
          if (err > 1e-9 * Math.max(1, Math.abs(wantCom[a]!)))
            misses.push(`${testCase} centre of mass[${a}]: got ${com[a]}, baseline ${wantCom[a]}`);
        }
      }
      const mean = one(d, "diagnostics_Image-original_Mean");
      if (mean && dataPath("pyradiomics", `${base}_image.nrrd`)) {
        const v = cachedRead(imageFile);
        let s = 0;
        let mn = Number.POSITIVE_INFINITY;
        let mx = Number.NEGATIVE_INFINITY;
        for (const x of v.data) {
          s += x;
          if (x < mn) mn = x;
          if (x > mx) mx = x;
        }
        if (!closeRel(s / v.count, Number(mean), 1e-12))
          misses.push(`${testCase} image mean: got ${s / v.count}, baseline ${mean}`);
        if (mn !== Number(one(d, "diagnostics_Image-original_Minimum")))
          misses.push(
            `${testCase} image minimum: got ${mn}, baseline ${one(d, "diagnostics_Image-original_Minimum")}`,
          );
        if (mx !== Number(one(d, "diagnostics_Image-original_Maximum")))
          misses.push(
            `${testCase} image maximum: got ${mx}, baseline ${one(d, "diagnostics_Image-original_Maximum")}`,
          );
      }
    }
    process.stderr.write(
      `NRRD baselines: ${checked} hashes checked, max centre-of-mass error ${maxComErr} mm\n`,
    );
    assert.ok(checked >= 8, `only ${checked} hashes checked`);
    assert.deepEqual(misses, []);
  });
});

describe("NRRD: format features (generated files)", () => {
  const data16 = Int16Array.from({ length: 24 }, (_, i) => i * 37 - 400);
  const le16 = new Uint8Array(data16.buffer.slice(0));
  const be16 = new Uint8Array(le16.length);
  for (let i = 0; i < le16.length; i += 2) {
    be16[i] = le16[i + 1]!;
    be16[i + 1] = le16[i]!;
  }
  const head = (lines: string[]) => enc(`NRRD0004\n${lines.join("\n")}\n\n`);

  test("raw little/big endian, gzip and gz, ascii and hex give the same voxels", () => {
    const common = [
      "type: short",
      "dimension: 3",
      "space: left-posterior-superior",
      "sizes: 2 3 4",
      "space directions: (1,0,0) (0,1,0) (0,0,1)",
    ];
    const variants: [string, Uint8Array][] = [
      ["raw le", cat(head([...common, "endian: little", "encoding: raw"]), le16)],
      ["raw be", cat(head([...common, "endian: big", "encoding: raw"]), be16)],
      ["gzip", cat(head([...common, "endian: little", "encoding: gzip"]), gzipSync(le16))],
      ["gz be", cat(head([...common, "endian: big", "encoding: gz"]), gzipSync(be16))],
      ["ascii", cat(head([...common, "encoding: ascii"]), enc(Array.from(data16).join(" ")))],
      ["text", cat(head([...common, "encoding: text"]), enc(Array.from(data16).join("\n")))],
      [
        "hex",
        cat(
          head([...common, "endian: little", "encoding: hex"]),
          enc(Array.from(le16, (b) => b.toString(16).padStart(2, "0")).join("")),
        ),
      ],
    ];
    for (const [name, bytes] of variants) {
      const v = parseNrrd(bytes, { source: name });
      assert.equal(v.dataType, "int16", name);
      assert.deepEqual(Array.from(v.data), Array.from(data16), name);
    }
  });

  test("type aliases", () => {
    const aliases: [string, DataType][] = [
      ["signed char", "int8"],
      ["int8_t", "int8"],
      ["uchar", "uint8"],
      ["unsigned char", "uint8"],
      ["uint8_t", "uint8"],
      ["short", "int16"],
      ["short int", "int16"],
      ["signed short int", "int16"],
      ["int16_t", "int16"],
      ["ushort", "uint16"],
      ["unsigned short int", "uint16"],
      ["uint16_t", "uint16"],
      ["int", "int32"],
      ["signed int", "int32"],
      ["int32_t", "int32"],
      ["uint", "uint32"],
      ["unsigned int", "uint32"],
      ["uint32_t", "uint32"],
      ["float", "float32"],
      ["double", "float64"],
    ];
    for (const [alias, type] of aliases) {
      const v = parseNrrd(
        cat(head([`type: ${alias}`, "dimension: 3", "sizes: 2 1 1", "encoding: ascii"]), enc("1 2")),
        { source: alias },
      );
      assert.equal(v.dataType, type, alias);
      assert.deepEqual(Array.from(v.data), [1, 2], alias);
    }
    for (const t of ["long long", "int64", "unsigned long long", "uint64_t", "block"]) {
      assert.throws(
        () =>
          parseNrrd(cat(head([`type: ${t}`, "dimension: 3", "sizes: 1 1 1", "encoding: ascii"]), enc("1"))),
        UnsupportedError,
        t,
      );
    }
    assert.throws(
      () => parseNrrd(cat(head(["type: quad", "dimension: 3", "sizes: 1 1 1", "encoding: ascii"]), enc("1"))),
      FormatError,
    );
  });

  test("RAS and LAS spaces are converted to LPS; world points agree", () => {
    // a rotated, anisotropic grid written in RAS; the LPS volume must map index -> the same physical point
    const dRas = [
      [0, 0.8, 0.6],
      [0, -0.6, 0.8],
      [1, 0, 0],
    ]; // columns (directions) of voxel axes i, j, k in RAS
    const sp = [0.5, 1.5, 3];
    const oRas = [10, -20, 30];
    const dirs = dRas.map((d, c) => `(${d.map((x) => x * sp[c]!).join(",")})`).join(" ");
    for (const [space, flip] of [
      ["right-anterior-superior", [-1, -1, 1]],
      ["RAS", [-1, -1, 1]],
      ["left-anterior-superior", [1, -1, 1]],
      ["left-posterior-superior", [1, 1, 1]],
      ["LPS", [1, 1, 1]],
    ] as [string, number[]][]) {
      const v = parseNrrd(
        cat(
          head([
            "type: uint8",
            "dimension: 3",
            `space: ${space}`,
            "sizes: 2 2 2",
            `space directions: ${dirs}`,
            `space origin: (${oRas.join(",")})`,
            "encoding: raw",
          ]),
          new Uint8Array(8),
        ),
        { source: space },
      );
      assert.deepEqual(
        v.spacing.map((x) => +x.toFixed(12)),
        sp,
        space,
      );
      for (const idx of [
        [0, 0, 0],
        [1, 0, 0],
        [0, 1, 1],
        [1, 1, 1],
      ]) {
        const inSpace = [0, 1, 2].map(
          (r) => oRas[r]! + idx.reduce((s, x, c) => s + x * sp[c]! * dRas[c]![r]!, 0),
        );
        const want = inSpace.map((x, r) => x * flip[r]!);
        const got = v.indexToWorld(idx);
        for (let r = 0; r < 3; r++)
          assert.ok(Math.abs(got[r]! - want[r]!) < 1e-12, `${space} ${idx}: ${got} vs ${want}`);
      }
    }
  });

  test("spacings without space directions; axis mins; missing fields default", () => {
    const v = parseNrrd(
      cat(
        head(["type: uchar", "dimension: 3", "sizes: 2 2 1", "spacings: 0.5 0.25 4", "encoding: raw"]),
        new Uint8Array(4),
      ),
    );
    assert.deepEqual(v.spacing, [0.5, 0.25, 4]);
    assert.deepEqual(v.origin, [0, 0, 0]);
    assert.deepEqual(v.direction, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const w = parseNrrd(
      cat(
        head([
          "type: uchar",
          "dimension: 2",
          "sizes: 2 2",
          "spacings: 2 3",
          "axis mins: 10 20",
          "encoding: raw",
        ]),
        new Uint8Array(4),
      ),
    );
    assert.deepEqual(w.size, [2, 2, 1]);
    assert.deepEqual(w.spacing, [2, 3, 1]);
    assert.deepEqual(w.origin, [11, 21.5, 0]); // cell centring: min + spacing/2
    // teem's NaN "unknown spacing" on a domain axis is reported (issue #13), never read as 1 mm
    assert.throws(
      () =>
        parseNrrd(
          cat(
            head(["type: uchar", "dimension: 2", "sizes: 2 2", "spacings: 2 nan", "encoding: raw"]),
            new Uint8Array(4),
          ),
          { source: "s.nrrd" },
        ),
      /^Error: s\.nrrd: NRRD spacings: axis 1 is nan, must be a positive number$|s\.nrrd: NRRD spacings: axis 1 is nan/,
    );
  });

  test("2D NRRD: size z = 1, third direction completes a right-handed frame", () => {
    const v = parseNrrd(
      cat(
        head([
          "type: float",
          "dimension: 2",
          "space: left-posterior-superior",
          "sizes: 3 2",
          "space directions: (0,2,0) (-2,0,0)",
          "space origin: (1,2,3)",
          "endian: little",
          "encoding: raw",
        ]),
        new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer),
      ),
    );
    assert.deepEqual(v.size, [3, 2, 1]);
    assert.deepEqual(v.spacing, [2, 2, 1]);
    assert.deepEqual(v.origin, [1, 2, 3]);
    assert.deepEqual(v.direction, [0, -1, 0, 1, 0, 0, 0, 0, 1]);
    assert.deepEqual(Array.from(v.data), [1, 2, 3, 4, 5, 6]);
  });

  test("kinds: non-spatial axis of size 1 is dropped, larger ones are unsupported", () => {
    const v = parseNrrd(
      cat(
        head([
          "type: uchar",
          "dimension: 4",
          "space: left-posterior-superior",
          "sizes: 1 2 2 2",
          "kinds: vector domain domain domain",
          "space directions: none (1,0,0) (0,1,0) (0,0,1)",
          "encoding: raw",
        ]),
        Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
      ),
    );
    assert.deepEqual(v.size, [2, 2, 2]);
    assert.deepEqual(Array.from(v.data), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.throws(
      () =>
        parseNrrd(
          cat(
            head([
              "type: uchar",
              "dimension: 4",
              "sizes: 3 2 2 2",
              "kinds: RGB-color domain domain domain",
              "encoding: raw",
            ]),
            new Uint8Array(24),
          ),
          { source: "rgb.nrrd" },
        ),
      (e: Error) =>
        e instanceof UnsupportedError && /rgb\.nrrd: .*non-spatial.*RGB-color.*size 3/.test(e.message),
    );
    // a trailing time axis of size 1 is fine, of size 2 it is not
    const t1 = parseNrrd(
      cat(head(["type: uchar", "dimension: 4", "sizes: 2 2 2 1", "encoding: raw"]), new Uint8Array(8)),
    );
    assert.deepEqual(t1.size, [2, 2, 2]);
    assert.throws(
      () =>
        parseNrrd(
          cat(head(["type: uchar", "dimension: 4", "sizes: 2 2 2 2", "encoding: raw"]), new Uint8Array(16)),
        ),
      UnsupportedError,
    );
  });

  test("detached header (.nhdr) with a data file relative to it, line skip and byte skip", () => {
    const dir = mkdtempSync(join(tmpdir(), "rg-nrrd-"));
    writeFileSync(
      join(dir, "a.nhdr"),
      "NRRD0005\ntype: int16\ndimension: 3\nsizes: 2 3 4\nspacings: 1 2 3\nendian: big\nencoding: raw\nline skip: 1\nbyte skip: 2\ndata file: a.raw\n",
    );
    writeFileSync(join(dir, "a.raw"), cat(enc("junk line\n"), new Uint8Array([9, 9]), be16));
    const v = readImage(join(dir, "a.nhdr"));
    assert.deepEqual(Array.from(v.data), Array.from(data16));
    assert.deepEqual(v.spacing, [1, 2, 3]);
    // byte skip -1: the data are the last bytes of the file
    writeFileSync(
      join(dir, "b.nhdr"),
      "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 3 4\nendian: little\nencoding: raw\nbyte skip: -1\ndata file: sub/b.dat\n",
    );
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "sub", "b.dat"), cat(new Uint8Array(100).fill(7), le16));
    assert.deepEqual(Array.from(readImage(join(dir, "b.nhdr")).data), Array.from(data16));
    // gzip data file
    writeFileSync(
      join(dir, "c.nhdr"),
      "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 3 4\nendian: little\nencoding: gzip\ndata file: c.raw.gz\n",
    );
    writeFileSync(join(dir, "c.raw.gz"), gzipSync(le16));
    assert.deepEqual(Array.from(readImage(join(dir, "c.nhdr")).data), Array.from(data16));
    // a missing data file names the data file
    writeFileSync(
      join(dir, "d.nhdr"),
      "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 3 4\nendian: little\nencoding: raw\ndata file: nothere.raw\n",
    );
    assert.throws(
      () => readImage(join(dir, "d.nhdr")),
      (e: Error) => e.name === "FileAccessError" && /nothere\.raw/.test(e.message),
    );
  });

  test("round trip: every datatype, raw and gzip, non-identity direction, 2D", () => {
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const direction: Mat3 = [c, -s, 0, s, c, 0, 0, 0, -1]; // rotation about z, k flipped
    for (const type of DATA_TYPES) {
      for (const gzip of [false, true]) {
        for (const size of [
          [4, 3, 2],
          [5, 4, 1],
        ] as Vec3[]) {
          const n = size[0] * size[1] * size[2];
          const data = allocate(type, n);
          for (let i = 0; i < n; i++)
            data[i] = type.startsWith("float")
              ? (i - 7) * 0.1 + 1e-3
              : ((i * 13) % 100) - (type.startsWith("u") ? 0 : 50);
          const vol = new Volume(data, {
            size,
            spacing: [0.7, 1 / 3, 2.5],
            origin: [-100.123456789, 0.1 + 0.2, 1e-7],
            direction,
          });
          const back = parseNrrd(encodeNrrd(vol, { gzip }), { source: `${type}` });
          assert.equal(back.dataType, type);
          assert.deepEqual(Array.from(back.data), Array.from(data), `${type} gzip=${gzip} ${size}`);
          assert.deepEqual(back.size, size);
          // NRRD stores spacing * direction; reading takes the norm and normalises: exact to 1 ulp-ish
          for (let a = 0; a < 3; a++)
            assert.ok(Math.abs(back.spacing[a]! - vol.spacing[a]!) < 1e-15 * 4, `spacing ${back.spacing}`);
          assert.deepEqual(back.origin, vol.origin);
          for (let i = 0; i < 9; i++)
            assert.ok(Math.abs(back.direction[i]! - direction[i]!) < 1e-15, `direction ${back.direction}`);
        }
      }
    }
  });
});

describe("NRRD: bad input", () => {
  const ok = ["type: short", "dimension: 3", "sizes: 2 2 2", "endian: little", "encoding: raw"];
  const make = (lines: string[], data: Uint8Array) => cat(enc(`NRRD0004\n${lines.join("\n")}\n\n`), data);
  const expect = (bytes: Uint8Array, cls: new (...a: never[]) => Error, re: RegExp) =>
    assert.throws(
      () => parseNrrd(bytes, { source: "bad.nrrd" }),
      (e: Error) => {
        assert.ok(e instanceof cls, `expected ${cls.name}, got ${e.name}: ${e.message}`);
        assert.match(e.message, /^bad\.nrrd: /);
        assert.match(e.message, re);
        return true;
      },
    );

  test("wrong magic", () => expect(enc("NRRX0004\n"), FormatError, /magic/));
  test("truncated data", () =>
    expect(make(ok, new Uint8Array(10)), FormatError, /truncated.*16 bytes needed.*10 available/));
  test("raw data longer than the sizes", () =>
    expect(make(ok, new Uint8Array(18)), FormatError, /does not match the sizes: 18 bytes present.*need 16/));
  test("no data at all", () => expect(enc(`NRRD0004\n${ok.join("\n")}\n`), FormatError, /no data/));
  test("gzip data longer than the sizes", () =>
    expect(
      make(
        ["type: short", "dimension: 3", "sizes: 2 2 2", "endian: little", "encoding: gzip"],
        gzipSync(new Uint8Array(20)),
      ),
      FormatError,
      /20 bytes.*need 16/,
    ));
  test("corrupt gzip stream", () => {
    const gz = gzipSync(Uint8Array.from({ length: 4000 }, (_, i) => (i * 31) % 256));
    gz[gz.length - 6] = (gz[gz.length - 6]! + 1) % 256; // CRC damaged
    expect(
      make(["type: short", "dimension: 3", "sizes: 20 10 10", "endian: little", "encoding: gzip"], gz),
      FormatError,
      /corrupt or truncated/,
    );
    const cut = gzipSync(Uint8Array.from({ length: 4000 }, (_, i) => (i * 31) % 256)).subarray(0, 100);
    expect(
      make(["type: short", "dimension: 3", "sizes: 20 10 10", "endian: little", "encoding: gzip"], cut),
      FormatError,
      /corrupt or truncated/,
    );
  });
  test("missing endian for multi-byte raw data", () =>
    expect(
      make(["type: short", "dimension: 3", "sizes: 2 2 2", "encoding: raw"], new Uint8Array(16)),
      FormatError,
      /endian/,
    ));
  test("sizes not matching dimension", () =>
    expect(
      make(
        ["type: short", "dimension: 3", "sizes: 2 2", "endian: little", "encoding: raw"],
        new Uint8Array(16),
      ),
      FormatError,
      /sizes/,
    ));
  test("zero spacing", () =>
    expect(
      make([...ok, "space: LPS", "space directions: (1,0,0) (0,0,0) (0,0,1)"], new Uint8Array(16)),
      GeometryError,
      /spacing along axis 1 is 0/,
    ));
  test("negative or NaN spacings", () => {
    expect(
      make([...ok, "spacings: 1 -2 1"], new Uint8Array(16)),
      FormatError,
      /NRRD spacings: axis 1 is -2, must be a positive number/,
    );
    // a NaN direction is an error (so is a NaN spacing, see above)
    expect(
      make([...ok, "space: LPS", "space directions: (1,0,0) (0,nan,0) (0,0,1)"], new Uint8Array(16)),
      GeometryError,
      /spacing along axis 1 is NaN/,
    );
  });
  test("non-orthonormal directions", () =>
    expect(
      make([...ok, "space: LPS", "space directions: (1,0,0) (1,1,0) (0,0,1)"], new Uint8Array(16)),
      GeometryError,
      /not orthonormal/,
    ));
  test("unsupported encoding and unknown space", () => {
    expect(
      make(["type: uchar", "dimension: 3", "sizes: 2 2 2", "encoding: bzip2"], new Uint8Array(8)),
      UnsupportedError,
      /bzip2/,
    );
    expect(
      make(["type: uchar", "dimension: 3", "sizes: 2 2 2", "encoding: weird"], new Uint8Array(8)),
      FormatError,
      /encoding/,
    );
    expect(
      make(
        ["type: uchar", "dimension: 3", "space: martian", "sizes: 2 2 2", "encoding: raw"],
        new Uint8Array(8),
      ),
      UnsupportedError,
      /martian/,
    );
  });
  test("detached header without a loader (browser)", () =>
    expect(
      enc("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 2 2 2\nencoding: raw\ndata file: x.raw\n"),
      UnsupportedError,
      /x\.raw/,
    ));
});
