import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  FIRST_ORDER_FEATURES,
  firstOrderFeatures,
  ibsiStatistics,
  percentileSorted,
} from "../../src/features/firstorder.js";
import { discretisePyRadiomics } from "../../src/image/discretise.js";
import { skipUnlessData } from "../helpers/data.js";
import { close, compareFamily, digitalPhantom } from "../helpers/ibsi.js";
import {
  assertFeaturesMatch,
  baselineColumn,
  caseFiles,
  caseImage,
  caseMask,
  checkCurrentCases,
} from "../helpers/pyradiomics.js";

const TOL = 1e-10;

/** ROI intensities and PyRadiomics levels (fixed bin width) of one label, in linear-index order. */
function roiOf(testCase: string, label: number, binWidth: number) {
  const files = caseFiles(testCase);
  const img = caseImage(files.image)!;
  const m = caseMask(files.mask, label);
  const { levels } = discretisePyRadiomics(img.data, m.data, { binWidth });
  const n = m.data.reduce((s, v) => s + v, 0);
  const intensities = new Float64Array(n);
  const lv = new Int32Array(n);
  for (let i = 0, q = 0; i < m.data.length; i++) {
    if (!m.data[i]) continue;
    intensities[q] = img.data[i]!;
    lv[q++] = levels[i]!;
  }
  const [sx, sy, sz] = img.spacing;
  return { intensities, levels: lv, voxelVolume: sx * sy * sz };
}

describe("firstorder vs PyRadiomics", () => {
  test("baseline_firstorder.csv default columns (brain1, breast1)", {
    skip: skipUnlessData("pyradiomics", "baseline", "baseline_firstorder.csv"),
  }, () => {
    let maxErr = 0;
    for (const c of ["brain1", "breast1"]) {
      const col = baselineColumn("firstorder", c);
      const binWidth = (col.settings.binWidth as number | undefined) ?? 25;
      const voxelArrayShift = (col.settings.voxelArrayShift as number | undefined) ?? 0;
      assert.equal(voxelArrayShift, 2000, "the default baseline column uses voxelArrayShift 2000");
      const ours = firstOrderFeatures({ ...roiOf(c, 1, binWidth), voxelArrayShift });
      const r = assertFeaturesMatch(`baseline ${c}`, ours, col.values, FIRST_ORDER_FEATURES, TOL);
      maxErr = Math.max(maxErr, r.maxRel);
    }
    console.log(`firstorder vs baseline: max relative error ${maxErr.toExponential(2)}`);
  });

  test("current PyRadiomics (brain1, breast1, prostate labels 1/7/8/9; binWidth 25, shift 0)", {
    skip: skipUnlessData("pyradiomics", "current", "prostate_label9_default.csv"),
  }, () => {
    const maxErr = checkCurrentCases("firstorder", FIRST_ORDER_FEATURES, TOL, (c) =>
      firstOrderFeatures({ ...roiOf(c.testCase, c.label, 25), voxelArrayShift: 0 }),
    );
    console.log(`firstorder vs current PyRadiomics: max relative error ${maxErr.toExponential(2)}`);
  });
});

describe("firstorder definitions and edge cases", () => {
  test("numpy linear percentiles (R type 7)", () => {
    const s = Float64Array.of(1, 2, 3, 4);
    assert.ok(
      Math.abs(percentileSorted(s, 10) - 1.3) < 1e-15,
      `Math.abs(percentileSorted(s, 10) - 1.3) < 1e-15`,
    );
    assert.ok(
      Math.abs(percentileSorted(s, 90) - 3.7) < 1e-15,
      `Math.abs(percentileSorted(s, 90) - 3.7) < 1e-15`,
    );
    assert.equal(percentileSorted(s, 50), 2.5);
    assert.equal(percentileSorted(s, 0), 1);
    assert.equal(percentileSorted(s, 100), 4);
    assert.equal(percentileSorted(Float64Array.of(7), 25), 7);
  });

  test("small hand-computed ROI", () => {
    const x = Float64Array.of(1, 2, 2, 3, 7);
    const f = firstOrderFeatures({
      intensities: x,
      levels: Int32Array.of(1, 1, 1, 1, 2),
      voxelVolume: 2,
      voxelArrayShift: 10,
    });
    const mean = 3;
    const dev = [...x].map((v) => v - mean); // -2 -1 -1 0 4
    const m2 = dev.reduce((s, d) => s + d * d, 0) / 5; // 22/5
    close(f.Mean!, mean);
    close(f.Variance!, m2);
    close(f.Skewness!, dev.reduce((s, d) => s + d ** 3, 0) / 5 / m2 ** 1.5);
    close(f.Kurtosis!, dev.reduce((s, d) => s + d ** 4, 0) / 5 / m2 ** 2);
    close(
      f.Energy!,
      [...x].reduce((s, v) => s + (v + 10) ** 2, 0),
    );
    close(f.TotalEnergy!, 2 * f.Energy!);
    close(f.RootMeanSquared!, Math.sqrt(f.Energy! / 5));
    close(f.MeanAbsoluteDeviation!, 8 / 5);
    close(f.Median!, 2);
    close(f["10Percentile"]!, 1.4);
    close(f["90Percentile"]!, 5.4);
    close(f.InterquartileRange!, 3 - 2);
    close(f.Range!, 6);
    // robust MAD over {2, 2, 3} (1.4 <= x <= 5.4)
    close(f.RobustMeanAbsoluteDeviation!, (1 / 3 + 1 / 3 + 2 / 3) / 3);
    close(f.Entropy!, -(0.8 * Math.log2(0.8) + 0.2 * Math.log2(0.2)));
    close(f.Uniformity!, 0.8 ** 2 + 0.2 ** 2);
  });

  test("single voxel and flat ROI: zero spread, skewness and kurtosis 0 (PyRadiomics convention)", () => {
    for (const n of [1, 6]) {
      const f = firstOrderFeatures(
        { intensities: new Float64Array(n).fill(-3.5), levels: new Int32Array(n).fill(4), voxelVolume: 1 },
        { includeDeprecated: true },
      );
      assert.equal(f.Variance, 0);
      assert.equal(f.StandardDeviation, 0);
      assert.equal(f.Skewness, 0);
      assert.equal(f.Kurtosis, 0);
      assert.equal(f.Range, 0);
      assert.equal(f.InterquartileRange, 0);
      assert.equal(f.RobustMeanAbsoluteDeviation, 0);
      assert.equal(f.Mean, -3.5);
      assert.equal(f.Median, -3.5);
      assert.equal(f.Uniformity, 1);
      assert.ok(Math.abs(f.Entropy!) < 1e-15, `Math.abs(f.Entropy!) < 1e-15`);
      assert.equal(f.Energy, n * 3.5 * 3.5);
    }
  });

  test("deprecated StandardDeviation only on request; empty ROI and mismatched inputs throw", () => {
    const input = { intensities: Float64Array.of(1, 2), levels: Int32Array.of(1, 1), voxelVolume: 1 };
    assert.equal(firstOrderFeatures(input).StandardDeviation, undefined);
    assert.equal(firstOrderFeatures(input, { includeDeprecated: true }).StandardDeviation, 0.5);
    assert.throws(
      () =>
        firstOrderFeatures({ intensities: new Float64Array(0), levels: new Int32Array(0), voxelVolume: 1 }),
      {
        name: "EmptyRoiError",
      },
    );
    assert.throws(() => firstOrderFeatures({ ...input, levels: Int32Array.of(1) }), { name: "InputError" });
  });
});

describe("IBSI intensity-based statistics", () => {
  test("digital phantom: every stat_* reference value matches", {
    skip: skipUnlessData("ibsi", "digital_phantom", "phantom.nii.gz"),
  }, () => {
    const { image, mask } = digitalPhantom();
    const x: number[] = [];
    for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) x.push(image.data[i]!);
    assert.equal(x.length, 74);
    compareFamily("digital_phantom", "stat_", 18, ibsiStatistics(x));
  });

  test("definitions on a small set (excess kurtosis, medad, cov, qcod)", () => {
    const s = ibsiStatistics([1, 2, 2, 3, 7]);
    const f = firstOrderFeatures({
      intensities: Float64Array.of(1, 2, 2, 3, 7),
      levels: Int32Array.of(1, 1, 1, 1, 1),
      voxelVolume: 1,
    });
    close(s.stat_kurt, f.Kurtosis! - 3);
    close(s.stat_var, f.Variance!);
    close(s.stat_medad, (1 + 0 + 0 + 1 + 5) / 5);
    close(s.stat_cov, Math.sqrt(22 / 5) / 3);
    close(s.stat_qcod, (3 - 2) / (3 + 2));
    close(s.stat_energy, 1 + 4 + 4 + 9 + 49);
    close(s.stat_rms, Math.sqrt(67 / 5));
    close(s.stat_rmad, f.RobustMeanAbsoluteDeviation!);
    const flat = ibsiStatistics([5, 5, 5]);
    assert.equal(flat.stat_skew, 0);
    assert.equal(flat.stat_kurt, 0);
  });
});
