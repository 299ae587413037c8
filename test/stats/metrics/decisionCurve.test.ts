import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DataError } from "../../../src/errors.js";
import {
  decisionCurve,
  decisionCurveBootstrap,
  defaultThresholds,
  netBenefit,
  treatAllNetBenefit,
} from "../../../src/stats/metrics/decisionCurve.js";
import { Random } from "../../../src/stats/core/random.js";

function cohort(n: number, seed: number) {
  const rng = new Random(seed);
  const p = new Float64Array(n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    p[i] = 1 / (1 + Math.exp(-rng.normal(-1, 1.5)));
    y[i] = rng.next() < p[i] ? 1 : 0;
  }
  return { p, y };
}

describe("decision curve analysis", () => {
  test("treat-all equals prevalence - (1 - prevalence) * pt / (1 - pt) bit for bit", () => {
    const { p, y } = cohort(777, 1);
    const grid = new Float64Array(999);
    for (let k = 0; k < grid.length; k++) grid[k] = (k + 0.5) / 1000;
    const dc = decisionCurve(p, y, { thresholds: grid });
    const prev = y.reduce((a, v) => a + v, 0) / y.length;
    assert.equal(dc.prevalence, prev);
    for (let k = 0; k < grid.length; k++) {
      const pt = grid[k];
      const want = prev - (1 - prev) * (pt / (1 - pt));
      assert.equal(dc.treatAll[k], want, `pt ${pt}: got ${dc.treatAll[k]} expected ${want}`);
      assert.equal(treatAllNetBenefit(prev, pt), want);
      assert.equal(dc.treatNone[k], 0);
    }
  });

  test("hand-computed example", () => {
    const p = [0.9, 0.8, 0.6, 0.4, 0.3, 0.2, 0.1, 0.05];
    const y = [1, 1, 0, 1, 0, 0, 0, 0];
    const dc = decisionCurve(p, y, { thresholds: [0, 0.25, 0.5, 0.6, 0.95] });
    // pt 0.25: treat 0.9 0.8 0.6 0.4 0.3 -> TP 3, FP 2; NB = 3/8 - 2/8 * 1/3 = 7/24; all = 3/8 - 5/8 / 3 = 1/6
    // pt 0.5 : TP 2, FP 1; NB = 1/8; all = -1/4; avoided = (1/8 + 1/4) / 1 * 100 = 37.5
    // pt 0.6 : risk >= pt treats 0.6 too -> TP 2, FP 1; NB = 2/8 - 1/8 * 1.5 = 1/16
    // pt 0.95: nobody treated -> NB 0
    assert.deepEqual(Array.from(dc.tp), [3, 3, 2, 2, 0]);
    assert.deepEqual(Array.from(dc.fp), [5, 2, 1, 1, 0]);
    const want = [3 / 8, 7 / 24, 1 / 8, 1 / 16, 0];
    const wantAll = [3 / 8, 1 / 6, -1 / 4, 3 / 8 - (5 / 8) * 1.5, 3 / 8 - (5 / 8) * 19];
    for (let k = 0; k < want.length; k++) {
      assert.ok(
        Math.abs(dc.netBenefit[k] - want[k]) < 1e-15,
        `NB[${k}] got ${dc.netBenefit[k]} expected ${want[k]}`,
      );
      // pt / (1 - pt) is inexact for 0.95 (19): allow a few ulps of the weight
      const tolAll = 1e-15 * Math.max(1, 20 * Math.abs(wantAll[k]));
      assert.ok(
        Math.abs(dc.treatAll[k] - wantAll[k]) < tolAll,
        `all[${k}] got ${dc.treatAll[k]} expected ${wantAll[k]}`,
      );
      assert.equal(dc.netBenefit[k], netBenefit(p, y, dc.thresholds[k]));
    }
    assert.ok(Number.isNaN(dc.interventionsAvoided[0]));
    assert.ok(Math.abs(dc.interventionsAvoided[1] - 37.5) < 1e-12);
    assert.ok(Math.abs(dc.interventionsAvoided[2] - 37.5) < 1e-12);
    assert.ok(Math.abs(dc.standardizedNetBenefit[1] - 7 / 9) < 1e-15);
    assert.deepEqual(Array.from(dc.positiveRate), [1, 5 / 8, 3 / 8, 3 / 8, 0]);
  });

  test("below the lowest risk the model treats everyone: NB equals treat-all", () => {
    const { p, y } = cohort(400, 2);
    const min = p.reduce((a, v) => Math.min(a, v), 1);
    const grid = [0, min / 4, min / 2, min];
    const dc = decisionCurve(p, y, { thresholds: grid });
    for (let k = 0; k < grid.length; k++) assert.ok(Math.abs(dc.netBenefit[k] - dc.treatAll[k]) < 1e-15);
  });

  test("default grid is dcurves seq(0, 0.99, by = 0.01)", () => {
    const g = defaultThresholds();
    assert.equal(g.length, 100);
    assert.equal(g[0], 0);
    assert.equal(g[99], 99 * 0.01);
    assert.equal(decisionCurve([0.2, 0.7], [0, 1]).thresholds.length, 100);
  });

  test("bootstrap bands are reproducible and bracket the curve", () => {
    const { p, y } = cohort(300, 3);
    const grid = [0.05, 0.1, 0.2, 0.3, 0.5];
    const a = decisionCurveBootstrap(p, y, { thresholds: grid, replicates: 500, seed: 11 });
    const b = decisionCurveBootstrap(p, y, { thresholds: grid, replicates: 500, seed: 11 });
    assert.deepEqual(a.netBenefitLower, b.netBenefitLower);
    for (let k = 0; k < grid.length; k++) {
      assert.ok(
        a.netBenefitLower[k] <= a.curve.netBenefit[k] && a.curve.netBenefit[k] <= a.netBenefitUpper[k],
      );
      const d = a.curve.netBenefit[k] - a.curve.treatAll[k];
      assert.ok(a.differenceLower[k] <= d && d <= a.differenceUpper[k]);
    }
  });

  test("errors", () => {
    assert.throws(
      () => decisionCurve([0.2, 0.7], [0, 1], { thresholds: [0.5, 1] }),
      (e) => e instanceof DataError && /thresholds\[1\] is 1/.test(e.message),
    );
    assert.throws(() => netBenefit([0.2, 1.7], [0, 1], 0.1), DataError);
    assert.throws(() => decisionCurve([0.2, 0.7, 0.1], [0, 1], {}), DataError);
  });
});
