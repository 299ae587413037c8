/**
 * Image types through `extract --params`: LoG and Wavelet prefixes in the output, PyRadiomics' order (shape
 * once, on the original), and bad settings refused with one line before any feature is computed.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Volume } from "../../src/image/volume.js";
import { writeImage } from "../../src/io/write.js";
import { runCli } from "../helpers/cli.js";
import { parseCsvRows } from "../helpers/pyradiomics.js";

const dir = mkdtempSync(join(tmpdir(), "rg-imagetypes-"));
const size: [number, number, number] = [24, 22, 12];
const img = new Int16Array(size[0] * size[1] * size[2]);
const msk = new Uint8Array(img.length);
for (let k = 0; k < size[2]; k++)
  for (let j = 0; j < size[1]; j++)
    for (let i = 0; i < size[0]; i++) {
      const o = i + size[0] * (j + size[1] * k);
      img[o] = 100 + ((i * 13 + j * 7 + k * 3) % 50) + (i > 8 && i < 16 ? 40 : 0);
      if (i >= 6 && i < 18 && j >= 5 && j < 16 && k >= 3 && k < 9) msk[o] = 1;
    }
const geom = { size, spacing: [0.9, 0.9, 1.5] as [number, number, number] };
const image = join(dir, "img.nii.gz");
const mask = join(dir, "mask.nii.gz");
writeImage(image, new Volume(img, geom));
writeImage(mask, new Volume(msk, geom));

function params(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
}

test("extract with LoG + Wavelet: every derived image's prefix, shape only on the original", async () => {
  const p = params(
    "lw.yaml",
    "imageType:\n  Original: {}\n  LoG:\n    sigma: [1.0, 2.0]\n  Wavelet: {}\nfeatureClass:\n  shape: [MeshVolume]\n  firstorder: [Mean]\n  glcm: [Contrast]\n",
  );
  const r = await runCli("extract", image, mask, "--params", p, "--no-diagnostics");
  assert.equal(r.code, 0, r.stderr);
  const [header] = parseCsvRows(r.stdout);
  const names = header!.slice(2);
  const bands = ["LLH", "LHL", "LHH", "HLL", "HLH", "HHL", "HHH", "LLL"];
  assert.deepEqual(names, [
    "original_shape_MeshVolume",
    "original_firstorder_Mean",
    "original_glcm_Contrast",
    ...["log-sigma-1-0-mm-3D", "log-sigma-2-0-mm-3D", ...bands.map((b) => `wavelet-${b}`)].flatMap((t) => [
      `${t}_firstorder_Mean`,
      `${t}_glcm_Contrast`,
    ]),
  ]);
});

test("extract: bad image-type settings give one clear line and exit 1", async () => {
  const cases: Array<[string, RegExp]> = [
    ["imageType:\n  Wavelet:\n    wavelet: coif9\n", /wavelet/],
    ["imageType:\n  LoG:\n    sigma: [0.0]\n", /sigma/],
    ["imageType:\n  LoG: {}\n", /LoG setting 'sigma': give a non-empty list/],
    ["imageType:\n  LBP3D: {}\n", /image type "LBP3D" is not supported yet/],
  ];
  for (const [i, [body, re]] of cases.entries()) {
    const r = await runCli("extract", image, mask, "--params", params(`bad${i}.yaml`, body));
    assert.equal(r.code, 1, `${body}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});

test("Square, SquareRoot, Logarithm, Exponential: first-order Mean equals the mean of PyRadiomics' formula over the ROI", async () => {
  const { extractFeatures } = await import("../../src/extract/pipeline.js");
  const vol = new Volume(img, geom);
  const m = new Volume(msk, geom);
  let M = 0;
  for (const v of img) M = Math.max(M, Math.abs(v));
  const f: Record<string, (x: number) => number> = {
    square: (x) => (x / Math.sqrt(M)) ** 2,
    squareroot: (x) => Math.sign(x) * Math.sqrt(Math.abs(x) * M),
    logarithm: (x) => (Math.sign(x) * Math.log(Math.abs(x) + 1) * M) / Math.log(M + 1),
    exponential: (x) => Math.exp((x * Math.log(M)) / M),
  };
  const r = extractFeatures(vol, m, {
    imageType: { Square: {}, SquareRoot: {}, Logarithm: {}, Exponential: {} },
    featureClass: { firstorder: ["Mean", "Maximum"] },
  })[0]!;
  for (const [name, fn] of Object.entries(f)) {
    let s = 0;
    let n = 0;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < img.length; i++)
      if (msk[i]) {
        s += fn(img[i]!);
        n++;
        max = Math.max(max, fn(img[i]!));
      }
    const mean = r.features[`${name}_firstorder_Mean`]!;
    assert.ok(Math.abs(mean - s / n) <= 1e-12 * Math.abs(s / n), `${name}: ${mean} vs ${s / n}`);
    assert.ok(Math.abs(r.features[`${name}_firstorder_Maximum`]! - max) <= 1e-12 * Math.abs(max), name);
  }
  assert.ok(!("original_firstorder_Mean" in r.features), "Original is not enabled, so no original_ features");
});

test("Gradient: central differences over the spacing, edge voxels repeated (ITK GradientMagnitude)", async () => {
  const { gradientMagnitude } = await import("../../src/image/filters/intensityTransforms.js");
  const n: [number, number, number] = [5, 4, 3];
  const d = new Float64Array(60);
  for (let k = 0; k < 3; k++)
    for (let j = 0; j < 4; j++) for (let i = 0; i < 5; i++) d[i + 5 * (j + 4 * k)] = 2 * i + 3 * j + 5 * k;
  const v = new Volume(d, { size: n, spacing: [0.5, 2, 4] });
  const g = gradientMagnitude(v, { min: [0, 0, 0], max: [4, 3, 2] }).image;
  const at = (i: number, j: number, k: number) => g.data[i + 5 * (j + 4 * k)]!;
  // interior: slopes 2 / 0.5, 3 / 2, 5 / 4
  assert.ok(Math.abs(at(2, 1, 1) - Math.hypot(4, 1.5, 1.25)) < 1e-12);
  // corner (0,0,0): one-sided difference over 2 voxels' distance -> half the slope on every axis
  assert.ok(Math.abs(at(0, 0, 0) - Math.hypot(2, 0.75, 0.625)) < 1e-12);
  const noSpacing = gradientMagnitude(v, { min: [2, 1, 1], max: [2, 1, 1] }, false).image;
  assert.ok(Math.abs(noSpacing.data[0]! - Math.hypot(2, 3, 5)) < 1e-12);
});
