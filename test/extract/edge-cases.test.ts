/**
 * Extraction edge cases on small generated volumes: 2D images, a single-voxel ROI, a flat ROI, a ROI
 * touching the image border, masks with several labels, an empty label, mismatched geometry.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EmptyRoiError, InputError, UnsupportedError } from "../../src/errors.js";
import { resolveParams } from "../../src/extract/params.js";
import { extractFeatures } from "../../src/extract/pipeline.js";
import { type Vec3, Volume } from "../../src/image/volume.js";

function volumes(
  size: Vec3,
  value: (i: number, j: number, k: number) => number,
  label: (i: number, j: number, k: number) => number,
) {
  const n = size[0] * size[1] * size[2];
  const img = new Int16Array(n);
  const msk = new Uint8Array(n);
  for (let k = 0, p = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++, p++) {
        img[p] = value(i, j, k);
        msk[p] = label(i, j, k);
      }
  const g = { size, spacing: [0.7, 0.7, 2] as Vec3 };
  return { image: new Volume(img, g), mask: new Volume(msk, g) };
}

const texture = (i: number, j: number, k: number) => 100 + ((i * 37 + j * 17 + k * 7) % 53);
/** PyRadiomics defaults: every class but shape2D. */
const all = resolveParams({});

function finiteCount(f: Record<string, number>): number {
  return Object.values(f).filter(Number.isFinite).length;
}

test("2D image (one slice): shape2D and texture with force2D", () => {
  const { image, mask } = volumes([20, 18, 1], texture, (i, j) =>
    i > 3 && i < 15 && j > 2 && j < 14 ? 1 : 0,
  );
  const p = resolveParams({
    setting: { force2D: true, force2Ddimension: 0 },
    // the default classes, with shape2D in place of the 3D shape class
    featureClass: Object.fromEntries(
      Object.keys(all.features).map((c) => [c === "shape" ? "shape2D" : c, null]),
    ),
  });
  const [r] = extractFeatures(image, mask, p);
  assert.equal(r!.diagnostics["diagnostics_Image-original_Dimensionality"], "2D");
  assert.ok(Math.abs(r!.features.original_shape2D_PixelSurface! - 11 * 11 * 0.7 * 0.7) < 1e-12);
  assert.equal(finiteCount(r!.features), Object.keys(r!.features).length, "every feature is finite");
});

test("single-voxel ROI: one clear error, as PyRadiomics", () => {
  const { image, mask } = volumes([6, 6, 6], texture, (i, j, k) => (i === 2 && j === 3 && k === 4 ? 1 : 0));
  assert.throws(
    () => extractFeatures(image, mask, all),
    (e: unknown) => e instanceof EmptyRoiError && /single voxel/.test(e.message),
  );
});

test("ROI spanning fewer dimensions than minimumROIDimensions", () => {
  const { image, mask } = volumes([8, 8, 8], texture, (i, j, k) => (j === 3 && k === 3 && i > 1 ? 1 : 0));
  assert.throws(() => extractFeatures(image, mask, all), /spans 1 dimension\(s\).*minimumROIDimensions 2/);
  const [r] = extractFeatures(
    image,
    mask,
    resolveParams({ setting: { minimumROIDimensions: 1 }, featureClass: { firstorder: null } }),
  );
  assert.equal(r!.features.original_firstorder_Mean !== undefined, true);
});

test("flat ROI (one grey level): features are defined, PyRadiomics' Ng = 1 conventions", () => {
  const { image, mask } = volumes(
    [10, 10, 6],
    () => 42,
    (i, j, k) => (i > 1 && i < 8 && j > 1 && j < 8 && k > 0 && k < 5 ? 1 : 0),
  );
  const [r] = extractFeatures(image, mask, all);
  const f = r!.features;
  assert.equal(f.original_firstorder_Variance, 0);
  // PyRadiomics: -sum p log2(p + eps) with p = 1 gives -log2(1 + eps), not exactly 0
  assert.equal(f.original_firstorder_Entropy, -Math.log2(1 + 2 ** -52));
  assert.equal(f.original_glcm_JointEnergy, 1);
  assert.equal(f.original_glszm_ZonePercentage, 1 / (6 * 6 * 4));
  assert.equal(f.original_ngtdm_Coarseness, 1e6); // PyRadiomics' value when sum(p_i s_i) = 0
});

test("ROI touching the image border on every side", () => {
  const { image, mask } = volumes([7, 6, 5], texture, () => 1);
  const [r] = extractFeatures(image, mask, all);
  assert.equal(r!.diagnostics["diagnostics_Mask-original_BoundingBox"], "(0, 0, 0, 7, 6, 5)");
  assert.equal(r!.features.original_shape_VoxelVolume, 7 * 6 * 5 * (2 * 0.7 * 0.7));
  assert.equal(finiteCount(r!.features), Object.keys(r!.features).length);
});

test("multi-label mask: the requested label only, all labels in one run, absent and empty labels", () => {
  const { image, mask } = volumes([12, 12, 6], texture, (i, j, k) => (k < 1 ? 0 : i < 6 ? 3 : j < 6 ? 5 : 0));
  const three = extractFeatures(image, mask, all, { label: 3 });
  assert.equal(three[0]!.diagnostics["diagnostics_Mask-original_VoxelNum"], 6 * 12 * 5);
  const both = extractFeatures(image, mask, all, { label: "all" });
  assert.deepEqual(
    both.map((r) => r.label),
    [3, 5],
  );
  assert.deepEqual(both[0]!.features, three[0]!.features);
  assert.throws(() => extractFeatures(image, mask, all), /label 1 is not present .*labels present: 3, 5/);
  const empty = volumes([4, 4, 4], texture, () => 0);
  assert.throws(() => extractFeatures(empty.image, empty.mask, all, { label: "all" }), EmptyRoiError);
});

test("mask on another grid: error naming what differs, correctMask resamples it", () => {
  const { image, mask } = volumes([10, 10, 6], texture, (i, j, k) =>
    i > 2 && i < 7 && j > 2 && j < 7 && k > 1 && k < 5 ? 1 : 0,
  );
  const shifted = new Volume(mask.data, { size: mask.size, spacing: mask.spacing, origin: [0.7, 0, 0] });
  assert.throws(
    () => extractFeatures(image, shifted, all),
    (e: unknown) => e instanceof InputError && /origin \(0, 0, 0\) vs \(0\.7, 0, 0\)/.test(e.message),
  );
  const [r] = extractFeatures(
    image,
    shifted,
    resolveParams({ setting: { correctMask: true }, featureClass: { firstorder: null } }),
  );
  assert.equal(r!.diagnostics["diagnostics_Mask-corrected_VoxelNum"], 4 * 4 * 3);
});

test("settings we do not compute yet are refused, not ignored", () => {
  const { image, mask } = volumes([6, 6, 6], texture, () => 1);
  assert.throws(
    () => extractFeatures(image, mask, { setting: { resampledPixelSpacing: [1, 1, 1] } }),
    UnsupportedError,
  );
  assert.throws(
    () => extractFeatures(image, mask, { imageType: { LBP2D: {} } }),
    /image type "LBP2D" is not supported yet/,
  );
});
