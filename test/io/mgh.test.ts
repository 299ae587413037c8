/**
 * FreeSurfer .mgh/.mgz: a file packed here byte by byte from the documented format (big-endian header,
 * 284-byte offset, column-major data) reads back with the same voxels and the vox2ras geometry worked out by
 * hand (in LPS); our writer round-trips; LUT names parse; bad files give one clear error.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { Volume } from "../../src/image/volume.js";
import { parseFreeSurferLut } from "../../src/io/freesurferLut.js";
import { readImage } from "../../src/io/read.js";
import { writeImage } from "../../src/io/write.js";

const dir = mkdtempSync(join(tmpdir(), "rg-mgh-"));

/** An .mgh file: 4 x 3 x 2 int16 (type 4), spacing 1, 1, 1.5, conformed LIA cosines, centre (10, -20, 30). */
function packMgh(
  opts: { goodRAS?: number; type?: number; frames?: number; truncate?: number } = {},
): Uint8Array {
  const dims = [4, 3, 2];
  const type = opts.type ?? 4;
  const bytesPer = type === 4 ? 2 : 4;
  const n = 24;
  const buf = new ArrayBuffer(284 + n * bytesPer + 16);
  const dv = new DataView(buf);
  dv.setInt32(0, 1);
  dv.setInt32(4, dims[0]!);
  dv.setInt32(8, dims[1]!);
  dv.setInt32(12, dims[2]!);
  dv.setInt32(16, opts.frames ?? 1);
  dv.setInt32(20, type);
  dv.setInt32(24, 0);
  dv.setInt16(28, opts.goodRAS ?? 1);
  [1, 1, 1.5].forEach((v, i) => {
    dv.setFloat32(30 + 4 * i, v);
  });
  // x_r x_a x_s, y_r y_a y_s, z_r z_a z_s: x -> Left (-R), y -> Inferior, z -> Anterior (LIA)
  [-1, 0, 0, 0, 0, -1, 0, 1, 0].forEach((v, i) => {
    dv.setFloat32(42 + 4 * i, v);
  });
  [10, -20, 30].forEach((v, i) => {
    dv.setFloat32(78 + 4 * i, v);
  });
  for (let i = 0; i < n; i++) {
    if (type === 4) dv.setInt16(284 + 2 * i, i * 10 - 50);
    else dv.setFloat32(284 + 4 * i, i * 0.5);
  }
  const bytes = new Uint8Array(buf);
  return opts.truncate ? bytes.subarray(0, opts.truncate) : bytes;
}

test("an .mgh packed from the documented format: voxels and vox2ras (as LPS) as worked out by hand", () => {
  const p = join(dir, "a.mgh");
  writeFileSync(p, packMgh());
  const v = readImage(p);
  assert.deepEqual(v.size, [4, 3, 2]);
  assert.deepEqual(v.spacing, [1, 1, 1.5]);
  assert.ok(v.data instanceof Int16Array);
  assert.deepEqual(
    [...v.data],
    Array.from({ length: 24 }, (_, i) => i * 10 - 50),
  );
  // LPS directions: x (-1,0,0) RAS = (1,0,0) LPS; y (0,0,-1) RAS = (0,0,-1) LPS; z (0,1,0) RAS = (0,-1,0) LPS
  assert.deepEqual(v.direction, [1, 0, 0, 0, 0, -1, 0, -1, 0]);
  // P0 = c - (x*1*4/2 + y*1*3/2 + z*1.5*2/2) = (10,-20,30) - ((-2,0,0) + (0,0,-1.5) + (0,1.5,0)) = (12, -21.5, 31.5) RAS
  assert.deepEqual(v.origin, [-12, 21.5, 31.5]);
  // the centre voxel (2, 1.5, 1) is at c_ras
  const c = v.indexToWorld([2, 1.5, 1]);
  assert.deepEqual(
    [-c[0], -c[1], c[2]].map((x) => Math.round(x * 1e9) / 1e9),
    [10, -20, 30],
  );
  // .mgz is the gzip of the same bytes
  const z = join(dir, "a.mgz");
  writeFileSync(z, gzipSync(packMgh()));
  assert.deepEqual(readImage(z), v);
});

test("goodRASFlag 0: FreeSurfer's default geometry (spacing 1, coronal cosines, centre 0)", () => {
  const p = join(dir, "b.mgh");
  writeFileSync(p, packMgh({ goodRAS: 0, type: 3 }));
  const v = readImage(p);
  assert.deepEqual(v.spacing, [1, 1, 1]);
  assert.deepEqual(v.direction, [1, 0, 0, 0, 0, -1, 0, -1, 0]);
  assert.deepEqual(v.origin, [-2, 1, 1.5]);
  assert.equal(v.data[5], 2.5);
});

test("our writer round-trips .mgz and .mgh (voxels, geometry within float32)", () => {
  const data = new Float32Array(5 * 4 * 3).map((_, i) => i / 7);
  const vol = new Volume(data, {
    size: [5, 4, 3],
    spacing: [0.9, 1.1, 2],
    origin: [-30.5, 12.25, 7],
    direction: [0, 1, 0, -1, 0, 0, 0, 0, 1],
  });
  for (const ext of ["mgz", "mgh"]) {
    const p = join(dir, `rt.${ext}`);
    writeImage(p, vol);
    const back = readImage(p);
    assert.deepEqual([...back.data], [...data]);
    assert.deepEqual(back.direction, vol.direction);
    for (let a = 0; a < 3; a++) {
      assert.ok(Math.abs(back.spacing[a]! - vol.spacing[a]!) < 1e-6);
      assert.ok(
        Math.abs(back.origin[a]! - vol.origin[a]!) < 1e-5,
        `origin ${a}: ${back.origin[a]} vs ${vol.origin[a]}`,
      );
    }
  }
});

test("bad MGH files: several frames, unknown type, truncated data, each one clear error", () => {
  const cases: Array<[Uint8Array, RegExp]> = [
    [packMgh({ frames: 3 }), /3 frames; only single-frame volumes/],
    [packMgh({ type: 2 }), /unknown image format|MGH data type 2 is not supported/],
    [packMgh({ truncate: 300 }), /MGH data is truncated: 300 bytes, the header needs 332/],
  ];
  for (const [bytes, re] of cases) {
    const p = join(dir, "bad.mgh");
    writeFileSync(p, bytes);
    assert.throws(() => readImage(p), re);
  }
});

test("FreeSurferColorLUT: names by label; malformed lines refused", () => {
  const lut = parseFreeSurferLut(
    "#$Id: FreeSurferColorLUT.txt\n\n#No. Label Name: R G B A\n0   Unknown  0 0 0 0\n17  Left-Hippocampus  220 216 20 0\n53  Right-Hippocampus 220 216 20 0\n",
  );
  assert.equal(lut.get(17)?.name, "Left-Hippocampus");
  assert.deepEqual(lut.get(53)?.rgba, [220, 216, 20, 0]);
  assert.throws(() => parseFreeSurferLut("17 Left 1 2\n"), /line 1 is not "index name R G B A"/);
  assert.throws(() => parseFreeSurferLut("1 a 0 0 0 0\n1 b 0 0 0 0\n"), /label 1 is defined twice/);
});
