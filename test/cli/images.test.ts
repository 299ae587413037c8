import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Volume } from "../../src/image/volume.js";
import { readImage } from "../../src/io/read.js";
import { writeImage } from "../../src/io/write.js";
import { runCli } from "../helpers/cli.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";
import { parseCsvRows } from "../helpers/pyradiomics.js";

const dir = mkdtempSync(join(tmpdir(), "rg-cli-"));

function fixture(): { image: string; mask: string } {
  const size: [number, number, number] = [12, 10, 8];
  const img = new Int16Array(12 * 10 * 8);
  const msk = new Uint8Array(img.length);
  for (let k = 0; k < 8; k++)
    for (let j = 0; j < 10; j++)
      for (let i = 0; i < 12; i++) {
        const p = i + 12 * (j + 10 * k);
        img[p] = 100 + ((i * 7 + j * 3 + k * 5) % 40);
        if (i >= 3 && i < 9 && j >= 2 && j < 8 && k >= 2 && k < 6) msk[p] = 1;
        if (i >= 9 && j >= 8) msk[p] = 2;
      }
  const geom = {
    size,
    spacing: [0.8, 0.8, 2] as [number, number, number],
    origin: [10, -5, 3] as [number, number, number],
  };
  const image = join(dir, "img.nii.gz");
  const mask = join(dir, "mask.nrrd");
  writeImage(image, new Volume(img, geom));
  writeImage(mask, new Volume(msk, geom));
  return { image, mask };
}
const f = fixture();

test("--version and --help exit 0", async () => {
  const v = await runCli("--version");
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+/);
  for (const cmd of ["info", "convert", "extract", "batch", "demo"]) {
    const h = await runCli(cmd, "--help");
    assert.equal(h.code, 0, cmd);
    assert.match(h.stdout, /Usage: radiogenomics/);
  }
});

test("unknown command and missing argument: exit 1 with a message", async () => {
  const r = await runCli("frobnicate");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown command/);
  const m = await runCli("convert", f.image);
  assert.equal(m.code, 1);
  assert.match(m.stderr, /missing required argument/);
});

test("info: geometry, intensity range and labels, text and JSON", async () => {
  const t = await runCli("info", f.image, f.mask);
  assert.equal(t.code, 0);
  assert.match(t.stdout, /size\s+12 x 10 x 8/);
  assert.match(t.stdout, /spacing\s+0\.8 x 0\.8 x 2 mm/);
  const j = await runCli("info", "--json", f.mask);
  const info = JSON.parse(j.stdout);
  assert.deepEqual(
    info.labels.map((l: { label: number; voxels: number }) => [l.label, l.voxels]),
    [
      [1, 6 * 6 * 4],
      [2, 3 * 2 * 8],
    ],
  );
  assert.deepEqual(info.origin, [10, -5, 3]);
});

test("info on a missing file: exit 1, one line naming the file", async () => {
  const r = await runCli("info", join(dir, "nope.nii.gz"));
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split("\n").length, 1);
  assert.match(r.stderr, /nope\.nii\.gz/);
});

test("info on a corrupt file: exit 1, one line", async () => {
  const bad = join(dir, "bad.nii.gz");
  writeFileSync(bad, readFileSync(f.image).subarray(0, 100));
  const r = await runCli("info", bad);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split("\n").length, 1);
  assert.match(r.stderr, /bad\.nii\.gz/);
});

test("convert keeps voxels and geometry", async () => {
  const out = join(dir, "conv.mha");
  const r = await runCli("convert", "-q", f.image, out);
  assert.equal(r.code, 0, r.stderr);
  const a = readImage(f.image);
  const b = readImage(out);
  assert.deepEqual(b.size, a.size);
  assert.deepEqual(b.origin, a.origin);
  assert.deepEqual([...b.data], [...a.data]);
});

test("extract: CSV to stdout, JSON to a file, all labels, errors", async () => {
  const csv = await runCli("extract", f.image, f.mask);
  assert.equal(csv.code, 0, csv.stderr);
  const [head, row] = parseCsvRows(csv.stdout);
  assert.deepEqual(head!.slice(0, 3), ["Image", "Mask", "diagnostics_Versions_radiogenomics"]);
  assert.ok(head!.includes("original_glcm_JointEntropy"));
  assert.equal(head!.length, row!.length);

  const jsonPath = join(dir, "f.json");
  const j = await runCli("extract", f.image, f.mask, "--label", "all", "--out", jsonPath);
  assert.equal(j.code, 0, j.stderr);
  const rows = JSON.parse(readFileSync(jsonPath, "utf8"));
  assert.deepEqual(
    rows.map((r: { Label: number }) => r.Label),
    [1, 2],
  );
  assert.equal(rows[0]["diagnostics_Mask-original_VoxelNum"], 144);
  const sp = readImage(f.image).spacing; // NIfTI stores float32 spacings
  assert.equal(rows[0].original_shape_VoxelVolume, 144 * (sp[2] * sp[0] * sp[1]));

  const missing = await runCli("extract", f.image, f.mask, "--label", "5");
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /label 5 is not present .*labels present: 1, 2/);

  const params = join(dir, "p.yaml");
  writeFileSync(params, "setting:\n  binwidth: 5\n");
  const badParams = await runCli("extract", f.image, f.mask, "--params", params);
  assert.equal(badParams.code, 1);
  assert.match(badParams.stderr, /unknown key "binwidth" in setting \(allowed: .*binWidth/);

  writeFileSync(params, "imageType:\n  LBP3D: {}\n");
  const unsupported = await runCli("extract", f.image, f.mask, "--params", params);
  assert.equal(unsupported.code, 1);
  assert.match(unsupported.stderr, /image type "LBP3D" is not supported yet/);
});

test("batch: one bad case is reported, the rest is extracted, resume skips finished cases", async () => {
  const manifest = join(dir, "manifest.csv");
  writeFileSync(
    manifest,
    `case_id,Image,Mask\nA,img.nii.gz,mask.nrrd\nB,missing.nii.gz,mask.nrrd\nC,img.nii.gz,mask.nrrd\n`,
  );
  const out = join(dir, "features.csv");
  const r = await runCli("batch", manifest, "--out", out, "--workers", "1", "--no-progress");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /2 of 3 cases extracted/);
  const lines = readFileSync(out, "utf8").trim().split("\n");
  assert.equal(lines.length, 3);
  assert.ok(lines[1]!.startsWith("A,"));
  assert.ok(lines[2]!.startsWith("C,"));
  assert.match(
    readFileSync(join(dir, "features.errors.csv"), "utf8"),
    /B,.*missing\.nii\.gz.*file not found/,
  );
  const again = await runCli("batch", manifest, "--out", out, "--workers", "1", "--no-progress", "--resume");
  assert.match(again.stderr, /2 of 3 cases extracted .*\(2 resumed\)/);
  assert.deepEqual(readFileSync(out, "utf8").trim().split("\n"), lines);
});

test("extract --ibsi: IBSI mode on the digital phantom, tags as columns", {
  skip: skipUnlessData("ibsi", "digital_phantom"),
}, async () => {
  const d = dataPath("ibsi", "digital_phantom")!;
  const r = await runCli(
    "extract",
    join(d, "phantom.nii.gz"),
    join(d, "mask.nii.gz"),
    "--ibsi",
    "digital_phantom",
    "-f",
    "json",
  );
  assert.equal(r.code, 0, r.stderr);
  const row = JSON.parse(r.stdout);
  // IBSI digital phantom: 74 voxels of 2 mm -> approximate volume 592 mm^3, mean grey level 2.15
  assert.equal(row.morph_vol_approx, 592);
  assert.ok(Math.abs(row.stat_mean - 2.15) < 0.005);
  const bad = await runCli(
    "extract",
    join(d, "phantom.nii.gz"),
    join(d, "mask.nii.gz"),
    "--ibsi",
    "config_Z",
  );
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--ibsi must be one of digital_phantom, config_A/);
});

test("batch --shard i/n then --merge-shards n gives the same table as one run", async () => {
  const manifest = join(dir, "manifest4.csv");
  writeFileSync(
    manifest,
    "case_id,Image,Mask\nA,img.nii.gz,mask.nrrd\nB,img.nii.gz,mask.nrrd\nC,img.nii.gz,mask.nrrd\n",
  );
  const whole = join(dir, "whole.csv");
  assert.equal(
    (await runCli("batch", manifest, "--out", whole, "--workers", "1", "--no-progress", "--no-diagnostics"))
      .code,
    0,
  );
  const sharded = join(dir, "sharded.csv");
  for (const s of ["1/2", "2/2"]) {
    const r = await runCli(
      "batch",
      manifest,
      "--out",
      sharded,
      "--shard",
      s,
      "--workers",
      "1",
      "--no-progress",
      "--no-diagnostics",
    );
    assert.equal(r.code, 0, r.stderr);
  }
  assert.ok(readFileSync(join(dir, "sharded.shard1of2.csv"), "utf8").includes("\nA,"));
  const early = await runCli(
    "batch",
    manifest,
    "--out",
    join(dir, "other.csv"),
    "--merge-shards",
    "2",
    "--no-diagnostics",
  );
  assert.equal(early.code, 1);
  assert.match(early.stderr, /3 case\(s\) have no result in the shard state files/);
  const m = await runCli("batch", manifest, "--out", sharded, "--merge-shards", "2", "--no-diagnostics");
  assert.equal(m.code, 0, m.stderr);
  assert.match(m.stderr, /merged 2 shards: 3 of 3 cases/);
  assert.equal(readFileSync(sharded, "utf8"), readFileSync(whole, "utf8"));
});
