import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EmptyRoiError, InputError } from "../../src/errors.js";
import {
  histogramPercentile,
  ibsiIntensityHistogram,
  intensityHistogram,
} from "../../src/features/intensityHistogram.js";
import { skipUnlessData } from "../helpers/data.js";
import { close, compareFamily, configA, digitalPhantom, rng } from "../helpers/ibsi.js";

/** numpy.percentile (linear) on an explicitly sorted copy: the independent check of the histogram path. */
function sortedPercentile(x: number[], q: number): number {
  const s = [...x].sort((a, b) => a - b);
  const h = ((s.length - 1) * q) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

describe("intensity histogram: hand-computed example", () => {
  // Levels 1, 1, 2, 4 with N_g = 5: histogram [2, 1, 0, 1, 0]; 0 = outside the ROI.
  const levels = Int32Array.of(0, 1, 1, 0, 2, 4);
  const f = ibsiIntensityHistogram({ levels, nLevels: 5 });

  test("histogram keeps empty bins", () => {
    const h = intensityHistogram({ levels, nLevels: 5 });
    assert.deepEqual([...h.counts], [2, 1, 0, 1, 0]);
    assert.equal(h.nVoxels, 4);
  });
  test("moments", () => {
    close(f.ih_mean, 2);
    close(f.ih_var, 1.5); // (1 + 1 + 0 + 4) / 4
    close(f.ih_skew, 1.5 / 1.5 ** 1.5); // m3 = (-2 + 8) / 4
    close(f.ih_kurt, 4.5 / 2.25 - 3); // m4 = (2 + 16) / 4
    close(f.ih_cov, Math.sqrt(1.5) / 2);
  });
  test("order statistics (numpy linear percentiles)", () => {
    close(f.ih_median, 1.5);
    close(f.ih_p10, 1);
    close(f.ih_p90, 3.4); // h = 2.7: 2 + 0.7 * (4 - 2)
    close(f.ih_iqr, 2.5 - 1);
    close(f.ih_qcod, 1.5 / 3.5);
    assert.equal(f.ih_min, 1);
    assert.equal(f.ih_max, 4);
    assert.equal(f.ih_range, 3);
    assert.equal(f.ih_mode, 1);
  });
  test("deviations", () => {
    close(f.ih_mad, 1); // (1 + 1 + 0 + 2) / 4
    close(f.ih_medad, 1); // (0.5 + 0.5 + 0.5 + 2.5) / 4
    close(f.ih_rmad, 4 / 9); // {1, 1, 2} within [P10, P90] = [1, 3.4], mean 4/3
  });
  test("entropy, uniformity", () => {
    close(f.ih_entropy, 1.5);
    close(f.ih_uniformity, 0.375);
  });
  test("histogram gradient over all N_g bins (first extremum on ties)", () => {
    // H' = [1 - 2, (0 - 2) / 2, (1 - 1) / 2, (0 - 0) / 2, 0 - 1] = [-1, -1, 0, 0, -1]
    assert.equal(f.ih_max_grad, 0);
    assert.equal(f.ih_max_grad_g, 3);
    assert.equal(f.ih_min_grad, -1);
    assert.equal(f.ih_min_grad_g, 1);
  });
});

describe("intensity histogram: mode ties (IBSI AMMC)", () => {
  test("tie resolved towards the mean", () => {
    // counts 1:2, 2:1, 4:2, mean 2.4 -> 1 is closer (1.4 vs 1.6)
    assert.equal(ibsiIntensityHistogram({ levels: Int32Array.of(1, 1, 4, 4, 2) }).ih_mode, 1);
    // counts 1:2, 4:1, 5:2, mean 3.2 -> 5 is closer (1.8 vs 2.2)
    assert.equal(ibsiIntensityHistogram({ levels: Int32Array.of(1, 1, 5, 5, 4) }).ih_mode, 5);
  });
  test("equidistant tie goes to the lower bin", () => {
    // counts 1:2, 3:1, 5:2, mean 3
    assert.equal(ibsiIntensityHistogram({ levels: Int32Array.of(1, 1, 5, 5, 3) }).ih_mode, 1);
  });
});

describe("intensity histogram: percentiles against a sort", () => {
  test("random samples, several N", () => {
    const r = rng(7);
    let worst = 0;
    for (const n of [1, 2, 3, 10, 74, 1000]) {
      const x: number[] = [];
      const counts = new Float64Array(20);
      for (let q = 0; q < n; q++) {
        const l = 1 + Math.floor(r() * r() * 20);
        x.push(l);
        counts[l - 1]!++;
      }
      for (const p of [0, 10, 25, 50, 75, 90, 100]) {
        const a = histogramPercentile(counts, n, p);
        const b = sortedPercentile(x, p);
        worst = Math.max(worst, Math.abs(a - b));
        assert.ok(Math.abs(a - b) < 1e-12, `n=${n} P${p}: histogram ${a}, sort ${b}`);
      }
    }
    console.log(`IH percentiles vs sort: max |diff| = ${worst}`);
  });
});

describe("intensity histogram: edge cases", () => {
  test("single voxel", () => {
    const f = ibsiIntensityHistogram({ levels: Int32Array.of(0, 3, 0), nLevels: 4 });
    assert.equal(f.ih_mean, 3);
    assert.equal(f.ih_var, 0);
    assert.equal(f.ih_skew, 0);
    assert.equal(f.ih_kurt, 0);
    assert.equal(f.ih_median, 3);
    assert.equal(f.ih_p10, 3);
    assert.equal(f.ih_p90, 3);
    assert.equal(f.ih_mode, 3);
    assert.equal(f.ih_rmad, 0);
    assert.equal(f.ih_entropy, 0);
    assert.equal(f.ih_uniformity, 1);
    // H = [0, 0, 1, 0]: H' = [0, 0.5, 0, -1]
    assert.equal(f.ih_max_grad, 0.5);
    assert.equal(f.ih_max_grad_g, 2);
    assert.equal(f.ih_min_grad, -1);
    assert.equal(f.ih_min_grad_g, 4);
  });
  test("flat ROI with a single bin", () => {
    const f = ibsiIntensityHistogram({ levels: new Int32Array(10).fill(1) });
    assert.equal(f.ih_var, 0);
    assert.equal(f.ih_cov, 0);
    assert.equal(f.ih_qcod, 0);
    assert.equal(f.ih_max_grad, 0);
    assert.equal(f.ih_min_grad, 0);
    assert.equal(f.ih_range, 0);
  });
  test("errors", () => {
    assert.throws(() => ibsiIntensityHistogram({ levels: new Int32Array(5) }), EmptyRoiError);
    assert.throws(() => ibsiIntensityHistogram({ levels: Int32Array.of(1, 7), nLevels: 5 }), InputError);
    assert.throws(() => ibsiIntensityHistogram({ levels: Float64Array.of(1, 1.5) }), InputError);
    assert.throws(() => ibsiIntensityHistogram({ levels: Int32Array.of(1, -1) }), InputError);
  });
});

// --- IBSI 1 reference data -------------------------------------------------------------------------

describe("intensity histogram: IBSI 1 digital phantom", () => {
  test("every ih_* reference value", {
    skip: skipUnlessData("ibsi", "digital_phantom", "phantom.nii.gz"),
  }, () => {
    const { roi } = digitalPhantom();
    assert.equal(roi.nLevels, 6);
    const got = ibsiIntensityHistogram(roi);
    compareFamily("digital_phantom", "ih_", 23, got);
  });
});

describe("intensity histogram: IBSI 1 config A (CT phantom)", () => {
  test("every ih_* reference value", {
    skip: skipUnlessData("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz"),
  }, () => {
    const a = configA();
    const got = ibsiIntensityHistogram({ levels: a.levels, nLevels: a.nLevels });
    compareFamily("config_A", "ih_", 23, got);
  });
});
