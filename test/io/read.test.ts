import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { FileAccessError, FormatError, InputError } from "../../src/errors.js";
import { type Mat3, Volume } from "../../src/image/volume.js";
import { detectFormat, readImage, readImageAsync } from "../../src/io/read.js";
import { writeImage, writeImageAsync } from "../../src/io/write.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";

const tmp = mkdtempSync(join(tmpdir(), "rg-read-"));

function rejects(fn: () => unknown, cls: new (...a: never[]) => Error, re: RegExp) {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e.name}: ${e.message}`);
    assert.match(e.message, re);
    return true;
  });
}

describe("readImage: files and formats", () => {
  test("missing file, directory, empty file, unknown content", () => {
    const missing = join(tmp, "nothere.nii.gz");
    rejects(() => readImage(missing), FileAccessError, new RegExp(`^${missing}: file not found$`));
    const emptyDir = mkdtempSync(join(tmpdir(), "rg-empty-"));
    rejects(() => readImage(emptyDir), InputError, /no DICOM files found/);
    writeFileSync(join(tmp, "empty.nrrd"), "");
    rejects(
      () => readImage(join(tmp, "empty.nrrd")),
      FormatError,
      /empty\.nrrd: content does not match its nrrd extension.*empty file/,
    );
    writeFileSync(join(tmp, "junk.bin"), "hello world, not an image");
    rejects(
      () => readImage(join(tmp, "junk.bin")),
      FormatError,
      /junk\.bin: unknown image format.*68 65 6c 6c/,
    );
    writeFileSync(join(tmp, "junk.nii"), new Uint8Array(400).fill(1));
    rejects(
      () => readImage(join(tmp, "junk.nii")),
      FormatError,
      /junk\.nii: content does not match its nifti extension/,
    );
  });

  test("corrupt and truncated .nii.gz name the file", () => {
    const vol = new Volume(
      Int16Array.from({ length: 4096 }, (_, i) => i),
      { size: [16, 16, 16] },
    );
    const good = join(tmp, "good.nii.gz");
    writeImage(good, vol);
    const bytes = readFileSync(good);
    const cut = join(tmp, "cut.nii.gz");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    rejects(() => readImage(cut), FormatError, /cut\.nii\.gz: NIfTI gzip stream is corrupt or truncated/);
    const bad = Buffer.from(bytes);
    bad[bad.length - 6]! ^= 0x55;
    const badPath = join(tmp, "bad.nii.gz");
    writeFileSync(badPath, bad);
    rejects(() => readImage(badPath), FormatError, /bad\.nii\.gz: NIfTI gzip stream is corrupt or truncated/);
  });

  test("the content decides, not the name", () => {
    const vol = new Volume(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), {
      size: [2, 2, 2],
      spacing: [1, 2, 3],
    });
    writeImage(join(tmp, "x.nrrd"), vol);
    copyFileSync(join(tmp, "x.nrrd"), join(tmp, "x.data"));
    assert.equal(detectFormat(readFileSync(join(tmp, "x.data")), "x.data"), "nrrd");
    assert.deepEqual(Array.from(readImage(join(tmp, "x.data")).data), [1, 2, 3, 4, 5, 6, 7, 8]);
    writeImage(join(tmp, "y.nii.gz"), vol);
    copyFileSync(join(tmp, "y.nii.gz"), join(tmp, "y"));
    assert.equal(readImage(join(tmp, "y")).spacing[2], 3);
    writeImage(join(tmp, "z.mha"), vol);
    copyFileSync(join(tmp, "z.mha"), join(tmp, "z.img"));
    assert.equal(detectFormat(readFileSync(join(tmp, "z.img")), "z.img"), "metaimage");
  });

  test("NaN/Inf voxels: FormatError by default, accepted with allowNonFinite", async () => {
    const vol = new Volume(Float64Array.from([0, Number.NaN, 1, 2, 3, 4, 5, 6]), { size: [2, 2, 2] });
    for (const ext of [".nrrd", ".nii", ".mha"]) {
      const p = join(tmp, `nan${ext}`);
      writeImage(p, vol);
      rejects(() => readImage(p), FormatError, /1 of 8 voxels are NaN or Inf/);
      assert.ok(Number.isNaN(readImage(p, { allowNonFinite: true }).data[1]));
      await assert.rejects(readImageAsync(p), /1 of 8 voxels are NaN or Inf/);
    }
  });

  test("readImageAsync / writeImageAsync", async () => {
    const vol = new Volume(Int32Array.from([-5, 6, 7, 8]), { size: [2, 2, 1], origin: [1, 2, 3] });
    const p = join(tmp, "async.nrrd");
    await writeImageAsync(p, vol);
    const back = await readImageAsync(p);
    assert.deepEqual(back.geometry, vol.geometry);
    await assert.rejects(readImageAsync(join(tmp, "none.nrrd")), FileAccessError);
  });

  test("writeImage: unknown extension is an InputError", () => {
    const vol = new Volume(new Uint8Array(1), { size: [1, 1, 1] });
    rejects(() => writeImage(join(tmp, "a.png"), vol), InputError, /a\.png: cannot tell the image format/);
    rejects(() => writeImage(join(tmp, "no", "dir", "a.nrrd"), vol), FileAccessError, /ENOENT/);
  });
});

describe("NIfTI (RAS on disk) and NRRD (LPS) describe the same world", () => {
  const exact = {
    size: [3, 4, 5] as [number, number, number],
    spacing: [0.5, 0.75, 2.5] as [number, number, number],
    origin: [-120.5, 80.25, -33] as [number, number, number],
  };
  const c = Math.cos(0.2);
  const s = Math.sin(0.2);
  const directions: [string, Mat3, boolean][] = [
    ["permuted/flipped", [0, 0, 1, -1, 0, 0, 0, -1, 0], true],
    ["identity", [1, 0, 0, 0, 1, 0, 0, 0, 1], true],
    ["oblique", [c, -s, 0, s * c, c * c, -s, s * s, s * c, c], false],
  ];
  for (const [name, direction, representable] of directions) {
    test(name, () => {
      const vol = new Volume(
        Int16Array.from({ length: 60 }, (_, i) => i - 30),
        { ...exact, direction },
      );
      const results = [".nii", ".nii.gz", ".nrrd", ".nhdr", ".mha", ".mhd"].map((ext) => {
        const p = join(tmp, `same_${name.replace(/\W/g, "")}${ext}`);
        writeImage(p, vol);
        return [ext, readImage(p)] as const;
      });
      const nrrd = results.find(([e]) => e === ".nrrd")![1];
      if (representable) assert.deepEqual(nrrd.geometry, vol.geometry, "NRRD is exact");
      // oblique: spacing * direction is written, then normalised on reading (1 ulp)
      else for (let i = 0; i < 9; i++) assert.ok(Math.abs(nrrd.direction[i]! - direction[i]!) < 1e-15);
      for (const [ext, v] of results) {
        assert.deepEqual(Array.from(v.data), Array.from(vol.data), ext);
        if (representable) assert.deepEqual(v.geometry, nrrd.geometry, `${ext} identical geometry`);
        // world position of every corner agrees (NIfTI: single precision)
        for (const corner of [
          [0, 0, 0],
          [2, 0, 0],
          [0, 3, 0],
          [0, 0, 4],
          [2, 3, 4],
        ]) {
          const a = v.indexToWorld(corner);
          const b = nrrd.indexToWorld(corner);
          for (let r = 0; r < 3; r++)
            assert.ok(Math.abs(a[r]! - b[r]!) < 1e-5, `${ext} corner ${corner}: ${a} vs ${b}`);
        }
      }
    });
  }

  test("the CT phantom NIfTI re-written as NRRD reads back with identical geometry and voxels", {
    skip: skipUnlessData("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz"),
  }, () => {
    const v = readImage(dataPath("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz")!);
    const p = join(tmp, "ct.nrrd");
    writeImage(p, v, { compress: false });
    const back = readImage(p);
    assert.deepEqual(back.geometry, v.geometry);
    let diff = 0;
    for (let i = 0; i < v.count; i++) if (back.data[i] !== v.data[i]) diff++;
    assert.equal(diff, 0);
    const q = join(tmp, "ct.nii");
    writeImage(q, v);
    const back2 = readImage(q);
    assert.deepEqual(back2.geometry, v.geometry, "float32 geometry survives a NIfTI write exactly");
  });
});
