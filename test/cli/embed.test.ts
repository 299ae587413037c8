/**
 * `embed`, `pca` and deep features in `batch`: one table with radiomic and deep columns, one failing case
 * reported while the rest goes on, ONNX Runtime sessions in worker threads.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { embedCase } from "../../src/deep/node.js";
import { resolveEmbedSettings } from "../../src/deep/settings.js";
import type { Volume } from "../../src/image/volume.js";
import { readImage } from "../../src/io/read.js";
import { writeImage } from "../../src/io/write.js";
import { testCase, testWeights } from "../helpers/deep.js";
import { runCli } from "../helpers/cli.js";
import { convPoolModel } from "../helpers/onnx.js";
import { parseCsvRows } from "../helpers/pyradiomics.js";

/** CSV text -> one object per row (header names as keys). */
function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsvRows(text).filter((r) => r.length > 1 || r[0] !== "");
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

const dir = mkdtempSync(join(tmpdir(), "rg-embed-cli-"));
const { weights, bias } = testWeights(3, 11);
writeFileSync(join(dir, "model.onnx"), convPoolModel({ size: [8, 8, 8], weights, bias }));
const paramsPath = join(dir, "params.yaml");
writeFileSync(
  paramsPath,
  [
    "featureClass:",
    "  firstorder: [Mean, Energy]",
    "embed:",
    "  model: model.onnx", // relative to the parameter file
    "  preset: custom",
    "  spacing: 1.5",
    "  patchSize: 8",
    "  axes: SPL",
    "  window: [-1024, 2048]",
    "  clip: true",
    "",
  ].join("\n"),
);

function writeCase(name: string, shift: number): { image: string; mask: string } {
  const { image, mask } = testCase();
  const d = image.data as Int16Array;
  for (let i = 0; i < d.length; i++) d[i] = d[i]! + shift;
  const img = join(dir, `${name}_img.nii.gz`);
  const msk = join(dir, `${name}_mask.nii.gz`);
  writeImage(img, image);
  writeImage(msk, mask);
  return { image: img, mask: msk };
}
const a = writeCase("a", 0);
const b = writeCase("b", 150);

test("embed: columns deep_custom_0..2 with the patch diagnostics; --save-patch writes the model's view", async () => {
  const patch = join(dir, "patch.nii.gz");
  const r = await runCli(
    "embed",
    a.image,
    a.mask,
    "--params",
    paramsPath,
    "--save-patch",
    patch,
    "-o",
    join(dir, "a.csv"),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /custom: 3 features from a 8x8x8 patch at \(.*\) \(LPS mm, ROI centroid\)/);
  const [row] = csvObjects(readFileSync(join(dir, "a.csv"), "utf8"));
  const want = await embedCase(
    readImage(a.image),
    readImage(a.mask),
    resolveEmbedSettings({
      preset: "custom",
      model: join(dir, "model.onnx"),
      spacing: 1.5,
      patchSize: 8,
      axes: "SPL",
      window: [-1024, 2048],
      clip: true,
    }),
  );
  for (let k = 0; k < 3; k++)
    assert.equal(Number(row![`deep_custom_${k}`]), want.features[`deep_custom_${k}`]);
  assert.equal(row!.diagnostics_Embed_Preset, "custom");
  const pv = readImage(patch);
  assert.deepEqual(pv.size, [8, 8, 8]);
  assert.deepEqual(pv.spacing, [1.5, 1.5, 1.5]);
  // volume x axis = tensor axis 2 = L, z axis = tensor axis 0 = S
  assert.deepEqual(pv.direction, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
});

test("embed: bad input gives one clear line and exit 1", async () => {
  const cases: Array<[string[], RegExp]> = [
    [[a.image, a.mask, "--preset", "fmcib"], /no ONNX model given/],
    [[a.image, a.mask, "--preset", "fmcib", "--model", join(dir, "nope.onnx")], /ONNX model file not found/],
    [[a.image, a.mask, "--model", join(dir, "model.onnx")], /--preset is required/],
    [
      [a.image, a.mask, "--preset", "fmcib", "--model", join(dir, "model.onnx")],
      /does not match the fmcib preset's patch \[1, 1, 50, 50, 50\]/,
    ],
    [[a.image, a.mask, "--params", paramsPath, "--seed", "1,2"], /--seed must be three numbers/],
    [[a.image, a.mask, "--params", paramsPath, "--label", "4"], /label 4 is not present/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli("embed", ...args);
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});

for (const workers of ["1", "2"]) {
  test(`batch with an embed section (${workers} worker${workers === "1" ? "" : "s"}): radiomic and deep columns in one table, a bad case reported`, async () => {
    const manifest = join(dir, `manifest${workers}.csv`);
    writeFileSync(
      manifest,
      `case_id,Image,Mask\nA,${a.image},${a.mask}\nBAD,${a.image},${join(dir, "missing.nii.gz")}\nB,${b.image},${b.mask}\n`,
    );
    const out = join(dir, `features${workers}.csv`);
    const r = await runCli(
      "batch",
      manifest,
      "--params",
      paramsPath,
      "--out",
      out,
      "--workers",
      workers,
      "--no-progress",
    );
    assert.equal(r.code, 1, r.stderr); // one case failed
    const rows = csvObjects(readFileSync(out, "utf8"));
    assert.deepEqual(
      rows.map((x) => x.case_id),
      ["A", "B"],
    );
    const names = Object.keys(rows[0]!);
    assert.ok(names.includes("original_firstorder_Mean") && names.includes("deep_custom_2"));
    for (const [row, f] of [
      [rows[0]!, a],
      [rows[1]!, b],
    ] as const) {
      const want = await embedCase(
        readImage(f.image),
        readImage(f.mask),
        resolveEmbedSettings({
          preset: "custom",
          model: join(dir, "model.onnx"),
          spacing: 1.5,
          patchSize: 8,
          axes: "SPL",
          window: [-1024, 2048],
          clip: true,
        }),
      );
      for (let k = 0; k < 3; k++)
        assert.equal(
          Number(row[`deep_custom_${k}`]),
          want.features[`deep_custom_${k}`],
          `${row.case_id} ${k}`,
        );
    }
    assert.notEqual(rows[0]!.deep_custom_0, rows[1]!.deep_custom_0);
    const errors = readFileSync(out.replace(/\.csv$/, ".errors.csv"), "utf8");
    assert.match(errors, /^BAD,/m);
  });
}

test("batch: seed points from coordX/coordY/coordZ; a partial seed is refused", async () => {
  const manifest = join(dir, "seeds.csv");
  const { mask } = testCase();
  const center = (mask as Volume).indexToWorld([10, 10, 5]);
  writeFileSync(
    manifest,
    `case_id,Image,Mask,coordX,coordY,coordZ\nA,${a.image},${a.mask},${center.join(",")}\n`,
  );
  const out = join(dir, "seeds_out.csv");
  const r = await runCli(
    "batch",
    manifest,
    "--params",
    paramsPath,
    "--out",
    out,
    "--workers",
    "1",
    "--no-progress",
  );
  assert.equal(r.code, 0, r.stderr);
  const [row] = csvObjects(readFileSync(out, "utf8"));
  const want = await embedCase(
    readImage(a.image),
    readImage(a.mask),
    resolveEmbedSettings({
      preset: "custom",
      model: join(dir, "model.onnx"),
      spacing: 1.5,
      patchSize: 8,
      axes: "SPL",
      window: [-1024, 2048],
      clip: true,
    }),
    { seed: center },
  );
  assert.equal(Number(row!.deep_custom_1), want.features.deep_custom_1);
  writeFileSync(manifest, `case_id,Image,Mask,coordX\nA,${a.image},${a.mask},1\n`);
  const bad = await runCli(
    "batch",
    manifest,
    "--params",
    paramsPath,
    "--out",
    out,
    "--workers",
    "1",
    "--no-progress",
  );
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /needs all three columns coordX, coordY, coordZ/);
});

test("pca: fit on a training table, save, apply to a new table: the same projection", async () => {
  const train = join(dir, "train.csv");
  const lines = ["case_id,age,deep_x_0,deep_x_1,deep_x_2"];
  for (let i = 0; i < 12; i++)
    lines.push(`c${i},${50 + i},${Math.sin(i)},${Math.cos(i) * 2 + i * 0.1},${i * 0.3 - Math.sin(i)}`);
  writeFileSync(train, `${lines.join("\n")}\n`);
  const model = join(dir, "pca.json");
  const fitted = join(dir, "train_pc.csv");
  const r = await runCli("pca", train, "--prefix", "deep_x_", "-k", "2", "--save", model, "-o", fitted);
  assert.equal(r.code, 0, r.stderr);
  const applied = join(dir, "applied.csv");
  const r2 = await runCli("pca", train, "--apply", model, "-o", applied);
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(readFileSync(applied, "utf8"), readFileSync(fitted, "utf8"));
  const rows = csvObjects(readFileSync(fitted, "utf8"));
  assert.deepEqual(Object.keys(rows[0]!), ["case_id", "age", "deep_x_pc1", "deep_x_pc2"]);
  const bad = await runCli("pca", train, "--prefix", "nothing_", "-k", "2", "-o", fitted);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /no column starts with "nothing_"/);
});
