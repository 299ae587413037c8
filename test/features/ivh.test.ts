import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EmptyRoiError, InputError } from "../../src/errors.js";
import { ibsiIvh, intensityVolumeHistogram } from "../../src/features/ivh.js";
import { skipUnlessData } from "../helpers/data.js";
import { close, compareFamily, configA, digitalPhantom, rng } from "../helpers/ibsi.js";

function closeAll(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12): void {
  assert.equal(a.length, b.length, `length ${a.length}, expected ${b.length}`);
  for (let k = 0; k < a.length; k++) {
    assert.ok(Math.abs(a[k]! - b[k]!) <= tol, `element ${k}: got ${a[k]}, expected ${b[k]}`);
  }
}

describe("IVH: hand-computed examples", () => {
  test("discrete intensities, range from the ROI", () => {
    const x = Float64Array.of(1, 2, 2, 3, 5);
    const h = intensityVolumeHistogram(x, null, { mode: "discrete" });
    assert.deepEqual([...h.intensity], [1, 2, 3, 4, 5]);
    assert.deepEqual([...h.gamma], [0, 0.25, 0.5, 0.75, 1]);
    closeAll(h.nu, [1, 0.8, 0.4, 0.2, 0.2]);
    const f = ibsiIvh(x, null, { mode: "discrete" });
    close(f.ivh_v10, 0.8);
    close(f.ivh_v90, 0.2);
    close(f.ivh_diff_v10_v90, 0.6);
    // nu never drops to 0.1 inside G: the highest intensity (MIRP's rule)
    assert.equal(f.ivh_i10, 5);
    assert.equal(f.ivh_i90, 2);
    assert.equal(f.ivh_diff_i10_i90, 3);
    close(f.ivh_auc, 0.25 * (0.9 + 0.6 + 0.3 + 0.2));
  });

  test("discrete intensities, re-segmentation range and mask", () => {
    // ROI = {0, 10}; a masked-out 99 must not count. G = [-10, 30].
    const x = Float64Array.of(0, 99, 10);
    const mask = Uint8Array.of(1, 0, 1);
    const h = intensityVolumeHistogram(x, mask, { mode: "discrete", range: [-10, 30] });
    assert.equal(h.intensity.length, 41);
    const f = ibsiIvh(x, mask, { mode: "discrete", range: [-10, 30] });
    assert.equal(f.ivh_v10, 1); // gamma >= 0.1 from i = -6, nu = 1
    assert.equal(f.ivh_v90, 0); // gamma >= 0.9 from i = 26
    assert.equal(f.ivh_i10, 11);
    assert.equal(f.ivh_i90, 1);
    // open upper bound: G = [-10, max = 10]
    const g = intensityVolumeHistogram(x, mask, { mode: "discrete", range: [-10, undefined] });
    assert.equal(g.intensity[g.intensity.length - 1], 10);
  });

  test("fixed bin size: bin centres and range", () => {
    // X_min 0.05, w_b 0.1: bins 1, 1, 3, 5 -> centres 0.1, 0.1, 0.3, 0.5; G = centres of bins 1..6.
    const x = Float64Array.of(0.05, 0.12, 0.31, 0.49);
    const h = intensityVolumeHistogram(x, null, { mode: "fbs", binWidth: 0.1 });
    assert.equal(h.intensity.length, 6);
    closeAll(h.intensity, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    closeAll(h.nu, [1, 0.5, 0.5, 0.25, 0.25, 0]);
    const f = ibsiIvh(x, null, { mode: "fbs", binWidth: 0.1 });
    close(f.ivh_v10, 0.5);
    close(f.ivh_v90, 0);
    close(f.ivh_i10, 0.6);
    close(f.ivh_i90, 0.2);
    // with a re-segmentation range [0, 1] and w_b 0.25: bins of 0.05, 0.12 -> 1, 0.31 -> 2, 0.49 -> 2; G = 0.125 .. 1.125
    const r = intensityVolumeHistogram(x, null, { mode: "fbs", binWidth: 0.25, range: [0, 1] });
    closeAll(r.intensity, [0.125, 0.375, 0.625, 0.875, 1.125]);
    closeAll(r.nu, [1, 0.5, 0, 0, 0]);
  });

  test("fixed bin number", () => {
    const x = new Float64Array(100).map((_, q) => q);
    const h = intensityVolumeHistogram(x, null, { mode: "fbn", binCount: 10 });
    assert.deepEqual([...h.intensity], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // level = floor(10 q / 99) + 1: levels 1..9 hold 10 values each except the top ones; check by counting
    const levels = [...x].map((q) => (q >= 99 ? 10 : Math.floor((10 * q) / 99) + 1));
    closeAll(
      h.nu,
      h.intensity.map((i) => levels.filter((l) => l >= i).length / 100),
    );
  });
});

describe("IVH: against a brute-force count", () => {
  test("random discrete ROIs: nu_i = #{X >= i} / N at every i", () => {
    const r = rng(11);
    let worst = 0;
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + Math.floor(r() * 500);
      const x = new Float64Array(n).map(() => Math.round(-50 + r() * r() * 300));
      const h = intensityVolumeHistogram(x, null, { mode: "discrete" });
      let lo = Number.POSITIVE_INFINITY;
      for (const v of x) lo = Math.min(lo, v);
      for (let k = 0; k < h.intensity.length; k++) {
        const i = h.intensity[k]!;
        assert.equal(i, lo + k);
        const nu = x.filter((v) => v >= i).length / n;
        worst = Math.max(worst, Math.abs(nu - h.nu[k]!));
      }
    }
    console.log(`IVH nu vs brute force: max |diff| = ${worst}`);
    assert.ok(worst < 1e-12);
  });
});

describe("IVH: edge cases", () => {
  test("single voxel / flat ROI", () => {
    for (const x of [Float64Array.of(7), new Float64Array(9).fill(7)]) {
      const f = ibsiIvh(x, null, { mode: "discrete" });
      assert.ok(Number.isNaN(f.ivh_v10)); // gamma is undefined without a range
      assert.equal(f.ivh_i10, 7);
      assert.equal(f.ivh_i90, 7);
      assert.equal(f.ivh_auc, 0);
    }
    // with a range the flat ROI is well defined
    const f = ibsiIvh(Float64Array.of(7, 7), null, { mode: "discrete", range: [0, 10] });
    assert.equal(f.ivh_v10, 1);
    assert.equal(f.ivh_v90, 0);
    assert.equal(f.ivh_i10, 8);
  });
  test("errors", () => {
    assert.throws(
      () => ibsiIvh(Float64Array.of(1, 2), Uint8Array.of(0, 0), { mode: "discrete" }),
      EmptyRoiError,
    );
    assert.throws(() => ibsiIvh(Float64Array.of(1, 2), Uint8Array.of(1), { mode: "discrete" }), InputError);
    assert.throws(() => ibsiIvh(Float64Array.of(1, Number.NaN), null, { mode: "discrete" }), InputError);
    assert.throws(() => ibsiIvh(Float64Array.of(1, 2), null, { mode: "fbs", binWidth: 0 }), InputError);
    assert.throws(() => ibsiIvh(Float64Array.of(1, 2), null, { mode: "fbn", binCount: 0 }), InputError);
    assert.throws(
      () => ibsiIvh(Float64Array.of(1, 2), null, { mode: "discrete", range: [5, 1] }),
      InputError,
    );
  });
});

// --- IBSI 1 reference data -------------------------------------------------------------------------

describe("IVH: IBSI 1 digital phantom", () => {
  test("every ivh_* reference value", {
    skip: skipUnlessData("ibsi", "digital_phantom", "phantom.nii.gz"),
  }, () => {
    const { crop } = digitalPhantom();
    // Discrete intensities used as they are, w_d = 1, G = [min, max] of the ROI.
    const h = intensityVolumeHistogram(crop.image.data, crop.mask.data, { mode: "discrete" });
    // The manual's example table, from the phantom's composition (levels 1, 3, 4, 6: 50, 1, 16, 7 voxels).
    assert.deepEqual([...h.intensity], [1, 2, 3, 4, 5, 6]);
    const nu = [74, 24, 24, 23, 7, 7].map((c) => c / 74);
    closeAll(h.nu, nu);
    const got = ibsiIvh(crop.image.data, crop.mask.data, { mode: "discrete" });
    // AUC: trapezoids of width 0.2 over the table
    close(got.ivh_auc, 0.2 * (nu[0]! / 2 + nu[1]! + nu[2]! + nu[3]! + nu[4]! + nu[5]! / 2));
    compareFamily("digital_phantom", "ivh_", 6, got);
  });
});

describe("IVH: IBSI 1 config A (CT phantom)", () => {
  test("every ivh_* reference value", {
    skip: skipUnlessData("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz"),
  }, () => {
    const a = configA();
    // Config A: discrete HU, G = the re-segmentation range [-500, 400].
    const got = ibsiIvh(a.image.data, a.intensityMask, { mode: "discrete", range: [-500, 400] });
    compareFamily("config_A", "ivh_", 6, got);
  });
});
