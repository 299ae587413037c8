import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { FormatError, GeometryError, InputError } from "../../src/errors.js";
import dcmjs from "dcmjs";
import { parseDicomSeries, useDcmjs } from "../../src/io/dicom.js";

useDcmjs(dcmjs);
import { readDicomSeries, readImage } from "../../src/io/read.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";

describe("DICOM series", { skip: skipUnlessData("ibsi", "ct_phantom", "dicom", "image") }, () => {
  const dir = dataPath("ibsi", "ct_phantom", "dicom", "image")!;
  const niftiPath = dataPath("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz");

  test("the IBSI CT phantom series reads with the geometry and voxels of its NIfTI version", {
    skip: !niftiPath && "NIfTI missing",
  }, () => {
    const d = readImage(dir); // a directory reads as a DICOM series
    const n = readImage(niftiPath!);
    assert.equal(d.dataType, "int16");
    assert.deepEqual(d.size, n.size);
    // the NIfTI stores float32 geometry; DICOM decimal strings read as float64
    const diffs = [
      ...d.spacing.map((x, i) => x - n.spacing[i]!),
      ...d.origin.map((x, i) => x - n.origin[i]!),
      ...d.direction.map((x, i) => x - n.direction[i]!),
    ];
    const maxGeom = Math.max(...diffs.map(Math.abs));
    let maxVoxel = 0;
    for (let p = 0; p < d.count; p++) maxVoxel = Math.max(maxVoxel, Math.abs(d.data[p]! - n.data[p]!));
    process.stderr.write(
      `DICOM vs NIfTI CT phantom: max geometry difference ${maxGeom}, max voxel difference ${maxVoxel}\n`,
    );
    assert.ok(
      maxGeom < 2e-5,
      `geometry: DICOM ${JSON.stringify(d.geometry)} NIfTI ${JSON.stringify(n.geometry)}`,
    );
    assert.equal(maxVoxel, 0);
  });

  test("file order does not matter; missing slices, mixed series and junk are errors", () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".dcm"))
      .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
    const a = parseDicomSeries(files.slice(0, 6));
    const b = parseDicomSeries(files.slice(0, 6).reverse());
    assert.deepEqual(a.geometry, b.geometry);
    assert.deepEqual(Array.from(a.data), Array.from(b.data));
    // files 0..5 hold z = 76.6 down to 61.6 (ImagePositionPatient): k runs upwards from the lowest slice
    assert.ok(Math.abs(a.origin[2] - 61.6) < 1e-4, `origin z ${a.origin[2]}`);
    assert.ok(Math.abs(a.spacing[2] - 3) < 1e-6, `slice spacing ${a.spacing[2]}`);
    assert.deepEqual(a.direction, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const gap = [...files.slice(0, 3), ...files.slice(4, 8)];
    assert.throws(
      () => parseDicomSeries(gap, { source: "gap" }),
      (e: Error) => e instanceof GeometryError && /^gap: slices are not evenly spaced/.test(e.message),
    );
    // one slice reads as a one-slice volume (slice spacing from SliceThickness)
    assert.deepEqual(parseDicomSeries([files[0]!], { source: "one" }).size, [204, 201, 1]);
    assert.throws(() => parseDicomSeries([], { source: "none" }), /none: no DICOM files found/);
    const junk = new Uint8Array(200);
    junk.set([0x44, 0x49, 0x43, 0x4d], 128);
    assert.throws(
      () => parseDicomSeries([{ name: "junk.dcm", bytes: junk }, ...files.slice(0, 3)]),
      (e: Error) => e instanceof FormatError && /junk\.dcm/.test(e.message),
    );
    // readDicomSeries ignores non-DICOM files in the directory
    const tmp = mkdtempSync(join(tmpdir(), "rg-dcm-"));
    for (const f of files.slice(10, 14)) copyFileSync(join(dir, f.name), join(tmp, f.name));
    writeFileSync(join(tmp, "README.txt"), "not dicom");
    assert.deepEqual(readDicomSeries(tmp).size, [204, 201, 4]);
  });
});
