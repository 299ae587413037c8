/**
 * Patch extraction for deep models, checked exactly on small volumes: placement (centroid, seed), axis
 * order and flips, border padding, resampling (linear interpolation reproduces a linear ramp exactly,
 * so any spacing / offset / rotation can be checked against the ramp's formula), intensity windows.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { preparePatch } from "../../src/deep/embed.js";
import { resolveEmbedSettings } from "../../src/deep/settings.js";
import { axisDirections, maskCentroid, patchVoxelWorld, samplePatch } from "../../src/image/patch.js";
import { type Mat3, type Vec3, Volume } from "../../src/image/volume.js";

/** An image whose voxel (i, j, k) holds i + 100 j + 10000 k (so every voxel is identifiable). */
function codedImage(
  size: Vec3,
  geom: { spacing?: Vec3; origin?: Vec3; direction?: Mat3 } = {},
): Volume<Float64Array> {
  const [nx, ny, nz] = size;
  const d = new Float64Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) d[i + nx * (j + ny * k)] = i + 100 * j + 10000 * k;
  return new Volume(d, { size, ...geom });
}

test("axis codes give LPS unit vectors; invalid codes are refused", () => {
  assert.deepEqual(axisDirections("SPL"), [
    [0, 0, 1],
    [0, 1, 0],
    [1, 0, 0],
  ]);
  assert.deepEqual(axisDirections("ras"), [
    [-1, 0, 0],
    [0, -1, 0],
    [0, 0, 1],
  ]);
  assert.throws(() => axisDirections("LLS"), /each of the three anatomical axes once/);
  assert.throws(() => axisDirections("XYZ"), /three of the letters/);
});

test("1 mm grid, LPS axes, centre on a voxel: the patch is the crop, voxel floor(n/2) on the centre", () => {
  const img = codedImage([10, 9, 8], { origin: [-3, 4, 7] });
  const center = img.indexToWorld([5, 4, 3]);
  for (const interpolation of ["linear", "nearest"] as const) {
    const p = samplePatch(img, {
      center,
      size: [4, 3, 2],
      spacing: [1, 1, 1],
      axes: "LPS",
      interpolation,
      padValue: -1,
    });
    // tensor axes (L, P, S) = image (i, j, k); index 2 of 4 along L sits on i = 5, so i runs 3..6
    let o = 0;
    for (let a = 0; a < 4; a++)
      for (let b = 0; b < 3; b++)
        for (let c = 0; c < 2; c++, o++)
          assert.equal(p[o], 3 + a + 100 * (3 + b) + 10000 * (2 + c), interpolation);
  }
});

test("SPL axes transpose the image: tensor axis 0 runs along k, axis 2 along i", () => {
  const img = codedImage([6, 5, 4]);
  const p = samplePatch(img, {
    center: [2, 2, 2],
    size: [3, 3, 3],
    spacing: [1, 1, 1],
    axes: "SPL",
    interpolation: "nearest",
    padValue: 0,
  });
  let o = 0;
  for (let a = 0; a < 3; a++)
    for (let b = 0; b < 3; b++)
      for (let c = 0; c < 3; c++, o++) assert.equal(p[o], 1 + c + 100 * (1 + b) + 10000 * (1 + a));
});

test("RAS axes flip L/P: tensor index increases towards Right and Anterior", () => {
  const img = codedImage([6, 6, 3]);
  const p = samplePatch(img, {
    center: [3, 3, 1],
    size: [2, 2, 1],
    spacing: [1, 1, 1],
    axes: "RAS",
    interpolation: "linear",
    padValue: 0,
  });
  // index 1 of 2 sits on the centre; index 0 is one step towards Left (+x) / Posterior (+y)
  assert.deepEqual(
    [...p],
    [4 + 100 * 4 + 10000, 4 + 100 * 3 + 10000, 3 + 100 * 4 + 10000, 3 + 100 * 3 + 10000],
  );
});

test("border: voxels outside the image extent get the pad value; the outer half voxel repeats the edge", () => {
  const img = codedImage([4, 4, 4]);
  // patch voxels at x = -1.5 .. 1.5 (step 0.5) along L at j = k = 0
  const p = samplePatch(img, {
    center: [0, 0, 0],
    size: [1, 1, 7],
    spacing: [1, 1, 0.5],
    axes: "SPL",
    interpolation: "linear",
    padValue: -7,
  });
  // world x = -1.5, -1, -0.5, 0, 0.5, 1, 1.5 -> outside, outside, edge (-0.5 is on the extent), 0, 0.5, 1, 1.5
  assert.deepEqual([...p], [-7, -7, 0, 0, 0.5, 1, 1.5]);
  const far = samplePatch(img, {
    center: [3, 3, 3],
    size: [3, 3, 3],
    spacing: [1, 1, 1],
    axes: "LPS",
    interpolation: "nearest",
    padValue: -7,
  });
  // centre voxel (index 1,1,1) = image (3,3,3); index 2 along any axis is outside
  assert.equal(far[1 * 9 + 1 * 3 + 1], 3 + 300 + 30000);
  assert.equal(far[2 * 9 + 1 * 3 + 1], -7);
  assert.equal(far[0], 2 + 200 + 20000);
  assert.equal(far[26], -7);
});

test("resampling: linear interpolation of a linear ramp equals the ramp at each patch voxel's world point", () => {
  // image with anisotropic spacing, an offset origin and a rotated direction matrix (30 degrees about z)
  const c = Math.cos(Math.PI / 6);
  const s = Math.sin(Math.PI / 6);
  const direction: Mat3 = [c, -s, 0, s, c, 0, 0, 0, 1];
  const size: Vec3 = [30, 28, 12];
  const spacing: Vec3 = [0.7, 0.9, 2.5];
  const origin: Vec3 = [-10, 5, 20];
  const ramp = (i: number, j: number, k: number) => 3 * i - 2 * j + 7 * k + 11;
  const d = new Float64Array(size[0] * size[1] * size[2]);
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++) d[i + size[0] * (j + size[1] * k)] = ramp(i, j, k);
  const img = new Volume(d, { size, spacing, origin, direction });
  const center = img.indexToWorld([14.3, 12.6, 5.2]);
  const spec = {
    center,
    size: [5, 6, 7] as Vec3,
    spacing: [1, 1, 1] as Vec3,
    axes: "SPL",
    interpolation: "linear" as const,
    padValue: Number.NaN,
  };
  const p = samplePatch(img, spec);
  let o = 0;
  let worst = 0;
  for (let a = 0; a < 5; a++)
    for (let b = 0; b < 6; b++)
      for (let cc = 0; cc < 7; cc++, o++) {
        const idx = img.worldToIndex(patchVoxelWorld(spec, [a, b, cc]));
        const want = ramp(idx[0], idx[1], idx[2]);
        worst = Math.max(worst, Math.abs(p[o]! - want) / Math.abs(want));
      }
  // float32 output: the ramp values (~100) are stored to 24 bits
  assert.ok(worst < 1.2e-7, `worst relative error ${worst}`);
  // the centre voxel (floor(n/2) on each axis) sits exactly on the centre point
  assert.deepEqual(patchVoxelWorld(spec, [2, 3, 3]), center);
});

test("centroid: the mean world position of the label's voxels, through the mask's own geometry", () => {
  const m = new Uint8Array(5 * 5 * 5);
  const mask = new Volume(m, {
    size: [5, 5, 5],
    spacing: [2, 1, 3],
    origin: [10, 0, -4],
    direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1],
  });
  m[mask.offset(1, 1, 1)] = 2;
  m[mask.offset(3, 2, 1)] = 2;
  m[mask.offset(4, 4, 4)] = 1;
  assert.deepEqual(maskCentroid(mask, 2), [10 - 2 * 2, 1.5, -4 + 3]);
  assert.throws(() => maskCentroid(mask, 5), /label 5 is not present/);
});

test("preparePatch: window, clip and pad stage as the presets define them", () => {
  const img = codedImage([3, 3, 3]);
  const mask = new Volume(new Uint8Array(27), { size: [3, 3, 3] });
  mask.data[mask.offset(1, 1, 1)] = 1;
  // FMCIB: (v + 1024) / 3072, no clip, pad 0 after scaling
  const fm = resolveEmbedSettings({ preset: "fmcib", patchSize: [1, 1, 5], spacing: 1 });
  const p = preparePatch(img, mask, fm);
  assert.deepEqual(p.dims, [1, 1, 1, 1, 5]);
  assert.deepEqual(p.center, [1, 1, 1]);
  const f = (v: number) => Math.fround((v + 1024) / 3072);
  assert.deepEqual([...p.data], [0, f(10100), f(10101), f(10102), 0]);
  // CT-FM: clip [-1024, 2048] -> [0, 1]; outside pads with 0 HU before scaling
  const ct = resolveEmbedSettings({ preset: "ct-fm", patchSize: [1, 1, 5], spacing: 1 });
  const q = preparePatch(img, mask, ct);
  const g = Math.fround(1024 / 3072);
  assert.deepEqual([...q.data], [g, 1, 1, 1, g]);
  // seed placement overrides the centroid; a seed is required when the recipe says so
  const seeded = preparePatch(
    img,
    mask,
    resolveEmbedSettings({
      preset: "custom",
      patchSize: 1,
      spacing: 1,
      axes: "LPS",
      window: [0, 1],
      placement: "seed",
    }),
    { seed: [2, 0, 0] },
  );
  assert.deepEqual([...seeded.data], [2]);
  assert.throws(
    () =>
      preparePatch(
        img,
        mask,
        resolveEmbedSettings({
          preset: "custom",
          patchSize: 1,
          spacing: 1,
          axes: "LPS",
          window: [0, 1],
          placement: "seed",
        }),
      ),
    /needs a seed point/,
  );
});

test("embed settings: unknown keys, wrong types and an incomplete custom recipe are refused", () => {
  assert.throws(
    () => resolveEmbedSettings({ preset: "fmcib", sigma: 1 }),
    /unknown key "sigma" in embed \(allowed: model, preset/,
  );
  assert.throws(
    () => resolveEmbedSettings({ preset: "resnet" }),
    /embed.preset.*one of fmcib, ct-fm, custom/,
  );
  assert.throws(() => resolveEmbedSettings({}), /"embed.preset" is required/);
  assert.throws(
    () => resolveEmbedSettings({ preset: "fmcib", patchSize: [50, 50] }),
    /embed.patchSize.*list of 3/,
  );
  assert.throws(() => resolveEmbedSettings({ preset: "fmcib", window: [10, 0] }), /embed.window/);
  assert.throws(() => resolveEmbedSettings({ preset: "fmcib", axes: "SPQ" }), /embed.axes/);
  assert.throws(
    () => resolveEmbedSettings({ preset: "custom", spacing: 1 }),
    /custom preset needs "embed.patchSize", "embed.axes", "embed.window"/,
  );
  const s = resolveEmbedSettings({ preset: "ct-fm" });
  assert.equal(s.prefix, "deep_ct-fm_");
  assert.deepEqual(s.patchSize, [48, 48, 48]);
});
