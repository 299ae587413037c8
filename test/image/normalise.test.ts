/**
 * MRI normalisation checked by hand on small volumes: z-score in a reference region, fixed-range scaling,
 * and Nyul-Udupa standardisation (training maps each image's landmarks onto the learned standard scale;
 * a saved model applied to a new case equals the model in memory).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  applyNyul,
  fitNyul,
  fixedRangeNormalise,
  nyulLandmarks,
  nyulMapping,
  parseNyulModel,
  zscoreNormalise,
} from "../../src/image/normalise.js";
import { percentileSorted } from "../../src/features/firstorder.js";
import { Volume } from "../../src/image/volume.js";
import { Random } from "../../src/stats/core/random.js";

const vol = (values: number[]) => new Volume(Float64Array.from(values), { size: [values.length, 1, 1] });

test("z-score within a reference region: mean and population SD of the region's voxels", () => {
  const img = vol([2, 4, 4, 4, 5, 5, 7, 9, 100]);
  const ref = vol([1, 1, 1, 1, 1, 1, 1, 1, 0]); // the classic example: mean 5, population SD 2
  const r = zscoreNormalise(img, ref);
  assert.equal(r.mean, 5);
  assert.equal(r.sd, 2);
  assert.equal(r.n, 8);
  assert.deepEqual([...r.image.data], [-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2, 47.5]);
  assert.throws(() => zscoreNormalise(img, vol([0, 0, 0, 0, 0, 0, 0, 0, 0])), /selects no voxel/);
  assert.throws(() => zscoreNormalise(vol([3, 3]), null), /constant intensity/);
});

test("fixed range: [lo, hi] -> [a, b], clipped on request", () => {
  const img = vol([-100, 0, 50, 100, 300]);
  assert.deepEqual([...fixedRangeNormalise(img, [0, 100]).data], [-1, 0, 0.5, 1, 3]);
  assert.deepEqual([...fixedRangeNormalise(img, [0, 100], [0, 1], true).data], [0, 0, 0.5, 1, 1]);
  assert.throws(() => fixedRangeNormalise(img, [5, 5]), /lo < hi/);
});

test("percentiles by linear interpolation (R type 7)", () => {
  const s = Float64Array.from([1, 2, 3, 4, 10]);
  assert.equal(percentileSorted(s, 0), 1);
  assert.equal(percentileSorted(s, 50), 3);
  assert.ok(Math.abs(percentileSorted(s, 90) - 7.6) < 1e-12); // h = 3.6: 4 + 0.6 * 6
  assert.equal(percentileSorted(s, 100), 10);
});

test("Nyul: one training image -> its [pc1, pc2]-scaled landmarks; every training image maps onto the standard landmarks", () => {
  const rng = new Random(9);
  const train = [1, 2, 3].map((g) => {
    const n = 2000;
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = 50 * g + g * 20 * (rng.next() + rng.next() + rng.next()) + (i % 7);
    return { image: new Volume(d, { size: [n, 1, 1] }), foreground: null };
  });
  const percentiles = [1, 10, 50, 90, 99];
  const single = fitNyul([train[0]!], { percentiles, scale: [0, 100] });
  const lm = nyulLandmarks(train[0]!.image, null, percentiles);
  const want = lm.map((x) => ((x - lm[0]!) * 100) / (lm[4]! - lm[0]!));
  for (const [j, s] of single.standard.entries())
    assert.ok(Math.abs(s - want[j]!) < 1e-12, `${s} vs ${want[j]}`);
  const model = fitNyul(train, { percentiles, scale: [0, 100] });
  assert.equal(model.standard[0], 0);
  assert.ok(Math.abs(model.standard[4]! - 100) < 1e-12);
  for (const t of train) {
    const own = nyulLandmarks(t.image, null, percentiles);
    const f = nyulMapping(model, own);
    for (const [j, x] of own.entries())
      assert.ok(
        Math.abs(f(x) - model.standard[j]!) < 1e-12,
        `landmark ${j}: ${f(x)} vs ${model.standard[j]}`,
      );
    // and the standardised image is that map applied voxel by voxel, monotone
    const mapped = applyNyul(model, t.image, null);
    for (let i = 0; i < 50; i++) assert.equal(mapped.data[i], f(t.image.data[i]!));
  }
  // a model saved as JSON and read back gives the same standardised image for a new case
  const saved = parseNyulModel(JSON.parse(JSON.stringify(model)));
  const fresh = train[1]!.image;
  assert.deepEqual(applyNyul(saved, fresh, null).data, applyNyul(model, fresh, null).data);
  // the foreground mask restricts the landmarks
  const fg = new Volume(
    Uint8Array.from({ length: 2000 }, (_, i) => (i < 1000 ? 1 : 0)),
    { size: [2000, 1, 1] },
  );
  assert.notDeepEqual(nyulLandmarks(fresh, fg, percentiles), nyulLandmarks(fresh, null, percentiles));
  assert.throws(
    () => fitNyul([{ image: vol([1, 1, 1, 1]), foreground: null, name: "flat.nii" }]),
    /flat.nii: landmarks at percentiles 1 and 10 are equal/,
  );
  assert.throws(
    () => parseNyulModel({ kind: "nyul", percentiles: [1, 2], standard: [3, 1], scale: [0, 1] }),
    /not a Nyul model/,
  );
});
