/** The LoG / Wavelet image-type generators: names in PyRadiomics' order and up-front validation. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  checkLoG,
  checkWavelet,
  logImages,
  waveletImages,
} from "../../../src/image/filters/pyradiomicsTypes.js";
import { Volume } from "../../../src/image/volume.js";

const vol = new Volume(
  new Int16Array(12 * 10 * 6).map((_, i) => (i * 37) % 101),
  {
    size: [12, 10, 6],
    spacing: [1, 1, 2],
  },
);

test("generators yield PyRadiomics' image-type names in its order", () => {
  assert.deepEqual(
    [...logImages(vol, { sigma: [1, 2.5] })].map((d) => d.name),
    ["log-sigma-1-0-mm-3D", "log-sigma-2-5-mm-3D"],
  );
  assert.deepEqual(
    [...waveletImages(vol, { wavelet: "haar" })].map((d) => d.name),
    [
      "wavelet-LLH",
      "wavelet-LHL",
      "wavelet-LHH",
      "wavelet-HLL",
      "wavelet-HLH",
      "wavelet-HHL",
      "wavelet-HHH",
      "wavelet-LLL",
    ],
  );
  assert.deepEqual(
    [...waveletImages(vol, { wavelet: "haar", force2D: true, force2Ddimension: 0 })].map((d) => d.name),
    ["wavelet-LH", "wavelet-HL", "wavelet-HH", "wavelet-LL"],
  );
});

test("bad LoG / Wavelet settings are refused before any work, one line naming the setting and value", () => {
  assert.throws(
    () => checkLoG({ sigma: [1, 0] }, vol, "img.nrrd"),
    /img\.nrrd: LoG setting 'sigma': LoG sigma must be greater than 0 mm, got 0/,
  );
  assert.throws(
    () => checkLoG({ sigma: [30] }, vol),
    /LoG setting 'sigma': LoG sigma 30 mm is too large for the image: axis 0 has 12 voxels/,
  );
  assert.throws(() => checkLoG({}, vol), /LoG setting 'sigma': give a non-empty list/);
  assert.throws(
    () => checkWavelet({ wavelet: "foo" }),
    /Wavelet setting 'wavelet': 'foo' is not a known wavelet/,
  );
  assert.throws(() => checkWavelet({ level: 1.5 }), /'level': must be an integer >= 1, got 1.5/);
  for (const f of [() => checkLoG({ sigma: [1, 0] }, vol), () => checkWavelet({ wavelet: "foo" })]) {
    try {
      f();
    } catch (e) {
      assert.ok(!(e as Error).message.includes("\n"), "one line");
    }
  }
});
