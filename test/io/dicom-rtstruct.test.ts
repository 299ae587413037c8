/**
 * RTSTRUCT GTV-1 of the IBSI CT phantom rasterised onto its DICOM series vs the phantom's NIfTI mask
 * (IBSI reference data); features from DICOM + RTSTRUCT vs NIfTI image + the rasterised mask written out;
 * the CLI's errors for DICOM misuse.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import dcmjs from "dcmjs";
import { extractFiles } from "../../src/batch/extractCase.js";
import { resolveParams } from "../../src/extract/params.js";
import { readRtStructMask } from "../../src/io/dicom-node.js";
import { readImage } from "../../src/io/read.js";
import { writeImage } from "../../src/io/write.js";
import { runCli } from "../helpers/cli.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";

describe("RTSTRUCT on the IBSI CT phantom", {
  skip: skipUnlessData("ibsi", "ct_phantom", "dicom", "mask"),
}, () => {
  const dir = dataPath("ibsi", "ct_phantom", "dicom", "image")!;
  const rt = join(dataPath("ibsi", "ct_phantom", "dicom", "mask")!, "DCM_RS_00060.dcm");
  const niftiImage = dataPath("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz")!;
  const niftiMask = dataPath("ibsi", "ct_phantom", "nifti", "mask", "mask.nii.gz")!;

  test("GTV-1 rasterised onto the series agrees with the NIfTI mask (Dice, voxel counts)", () => {
    const r = readRtStructMask(rt, dir, { roi: "GTV-1" });
    const n = readImage(niftiMask);
    assert.deepEqual(r.mask.size, n.size);
    let a = 0;
    let b = 0;
    let both = 0;
    for (let p = 0; p < n.count; p++) {
      const x = r.mask.data[p]! > 0;
      const y = n.data[p]! > 0;
      if (x) a++;
      if (y) b++;
      if (x && y) both++;
    }
    const dice = (2 * both) / (a + b);
    process.stderr.write(
      `RTSTRUCT GTV-1 vs NIfTI mask: Dice ${dice}, voxels ${a} (RTSTRUCT) vs ${b} (NIfTI), difference ${a - b}\n`,
    );
    assert.ok(dice >= 0.99, `Dice ${dice}`);
    assert.equal(r.labels[0]!.name, "GTV-1");
    assert.equal(r.labels[0]!.voxels, a);
  });

  test("features from DICOM + RTSTRUCT equal those from the NIfTI image + the written rasterised mask", () => {
    const tmp = mkdtempSync(join(tmpdir(), "rg-rt-"));
    const maskPath = join(tmp, "gtv1.nii.gz");
    writeImage(maskPath, readRtStructMask(rt, dir, { roi: "GTV-1" }).mask);
    const params = resolveParams({});
    const fromDicom = extractFiles(dir, rt, params, undefined, { roi: "GTV-1" })[0]!;
    const fromNifti = extractFiles(niftiImage, maskPath, params)[0]!;
    const names = Object.keys(fromNifti.features);
    assert.ok(names.length > 90);
    assert.deepEqual(Object.keys(fromDicom.features), names);
    // the voxels and the mask are identical; the NIfTI header stores spacing and origin as float32
    // (0.9769999980926514 vs the DICOM's 0.97699999809265), which moves the spacing-dependent features (shape, TotalEnergy) in the 14th digit
    let worst = 0;
    for (const k of names) {
      const x = fromDicom.features[k] as number;
      const y = fromNifti.features[k] as number;
      const rel = x === y ? 0 : Math.abs(x - y) / Math.max(Math.abs(y), 1e-300);
      worst = Math.max(worst, rel);
      assert.ok(rel < 1e-12, `${k}: ${x} vs ${y}`);
    }
    process.stderr.write(
      `DICOM+RTSTRUCT vs NIfTI features: ${names.length} features, worst relative difference ${worst}\n`,
    );
  });

  test("CLI: info lists the ROIs; convert writes the mask; bad inputs give one line and exit 1", async () => {
    const info = await runCli("info", rt);
    assert.equal(info.code, 0);
    assert.match(info.stdout, /RTSTRUCT[\s\S]*GTV-1/);
    const list = await runCli("info", dir);
    assert.match(list.stdout, /CT\s+-\s+60\s+60\s+204x201x60\s+0\.977 x 0\.977 x 3/);
    const tmp = mkdtempSync(join(tmpdir(), "rg-rt-cli-"));
    const out = join(tmp, "m.nii.gz");
    const conv = await runCli("convert", rt, out, "--reference", dir, "--roi", "GTV-1", "-q");
    assert.equal(conv.code, 0, conv.stderr);
    assert.equal(readImage(out).dataType, "uint8");

    const oneLine = (r: { code: number; stderr: string }, re: RegExp) => {
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, re);
    };
    // unknown ROI: the error lists the known ones
    oneLine(await runCli("extract", dir, rt, "--roi", "GTV-9"), /unknown ROI "GTV-9" \(ROIs: 1 "GTV-1"\)/);
    // a non-image DICOM given as the image
    oneLine(await runCli("extract", rt, rt), /RTSTRUCT \(RT Structure Set\), not an image/);
    // an RTSTRUCT from another study
    const d = dcmjs as unknown as {
      data: {
        DicomMessage: {
          readFile(b: ArrayBuffer): { dict: Record<string, { Value: unknown[] }>; write(): ArrayBuffer };
        };
      };
    };
    const buf = readFileSync(rt);
    const f = d.data.DicomMessage.readFile(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    f.dict["0020000D"]!.Value = ["2.25.999"];
    const other = join(tmp, "other-study.dcm");
    writeFileSync(other, new Uint8Array(f.write()));
    oneLine(
      await runCli("extract", dir, other, "--roi", "GTV-1"),
      /belongs to another study \(StudyInstanceUID 2\.25\.999/,
    );
    // a truncated pixel data element in one slice of the series
    const cut = join(tmp, "cut");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(cut);
    const names = readdirSync(dir).filter((n) => n.endsWith(".dcm"));
    for (const n of names) copyFileSync(join(dir, n), join(cut, n));
    const victim = readFileSync(join(cut, names[10]!));
    writeFileSync(join(cut, names[10]!), victim.subarray(0, 50_000));
    oneLine(await runCli("extract", cut, rt, "--roi", "GTV-1"), /DCM_IMG_00010\.dcm: .*truncated/);
  });
});
