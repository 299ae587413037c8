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
    ["imageType:\n  Square: {}\n", /image type "Square" is not supported yet/],
  ];
  for (const [i, [body, re]] of cases.entries()) {
    const r = await runCli("extract", image, mask, "--params", params(`bad${i}.yaml`, body));
    assert.equal(r.code, 1, `${body}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});
