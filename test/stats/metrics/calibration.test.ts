import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DataError } from "../../../src/errors.js";
import {
  calibrationCurve,
  hosmerLemeshow,
  logisticCalibration,
} from "../../../src/stats/metrics/calibration.js";
import { Random } from "../../../src/stats/core/random.js";

const expit = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

function close(got: number, want: number, tol: number, what: string) {
  const err = Math.abs(got - want);
  if (!(err <= tol)) console.log(`${what}: got ${got} expected ${want} (|diff| ${err})`);
  assert.ok(err <= tol, `${what}: got ${got} expected ${want}`);
}

function cohort(n: number, seed: number, distort = (p: number) => p) {
  const rng = new Random(seed);
  const p = new Float64Array(n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const truth = expit(rng.normal(-0.5, 1.3));
    y[i] = rng.next() < truth ? 1 : 0;
    p[i] = distort(truth);
  }
  return { p, y };
}

describe("logistic calibration (intercept, slope)", () => {
  test("the fitted values solve the likelihood score equations", () => {
    const { p, y } = cohort(3000, 1, (t) => expit(1.7 * logit(t) + 0.4));
    const c = logisticCalibration(p, y);
    let g0 = 0;
    let h0 = 0;
    let s0 = 0;
    let s1 = 0;
    for (let i = 0; i < p.length; i++) {
      const lp = logit(p[i]);
      g0 += y[i] - expit(c.intercept + lp);
      h0 += expit(c.intercept + lp) * (1 - expit(c.intercept + lp));
      const r = y[i] - expit(c.slopeModelIntercept + c.slope * lp);
      s0 += r;
      s1 += r * lp;
    }
    console.log(
      `score equations: ${g0.toExponential(2)} ${s0.toExponential(2)} ${s1.toExponential(2)}; slope ${c.slope} intercept ${c.intercept}`,
    );
    close(g0, 0, 1e-9, "in-the-large score");
    close(s0, 0, 1e-9, "slope model score (intercept)");
    close(s1, 0, 1e-9, "slope model score (slope)");
    close(c.interceptSe, 1 / Math.sqrt(h0), 1e-12, "intercept SE = 1/sqrt(information)");
    // risks made too extreme (x1.7) are detected: slope near 1/1.7
    assert.ok(Math.abs(c.slope - 1 / 1.7) < 4 * c.slopeSe, `slope ${c.slope} +- ${c.slopeSe}`);
  });

  test("p' = expit(2 logit p) refits to exactly half the slope, same intercept", () => {
    const { p, y } = cohort(2000, 2);
    const a = logisticCalibration(p, y);
    const b = logisticCalibration(
      p.map((v) => expit(2 * logit(v))),
      y,
    );
    close(b.slope, a.slope / 2, 1e-10, "slope halves");
    close(b.slopeModelIntercept, a.slopeModelIntercept, 1e-10, "slope-model intercept unchanged");
    close(b.slopeSe, a.slopeSe / 2, 1e-10, "slope SE halves");
  });

  test("perfectly calibrated synthetic risks: slope ~ 1, intercept ~ 0 (within 3 SE)", () => {
    const { p, y } = cohort(20000, 3);
    const c = logisticCalibration(p, y);
    console.log(
      `calibrated: slope ${c.slope.toFixed(4)} +- ${c.slopeSe.toFixed(4)}, intercept ${c.intercept.toFixed(4)} +- ${c.interceptSe.toFixed(4)}, O/E ${c.observedExpected.toFixed(4)}`,
    );
    assert.ok(Math.abs(c.slope - 1) < 3 * c.slopeSe);
    assert.ok(Math.abs(c.intercept) < 3 * c.interceptSe);
    assert.ok(c.slopeLower < 1 && 1 < c.slopeUpper);
  });

  test("closed forms: constant risk and two risk levels (saturated model)", () => {
    // constant risk q: a = logit(ybar) - logit(q), SE = 1 / sqrt(n ybar (1 - ybar)); no slope
    const y = [1, 0, 0, 1, 0, 0, 0, 1, 0, 0];
    const q = new Array(10).fill(0.2);
    const c0 = logisticCalibration(q, y);
    close(c0.intercept, logit(0.3) - logit(0.2), 1e-12, "constant-risk intercept");
    close(c0.interceptSe, 1 / Math.sqrt(10 * 0.3 * 0.7), 1e-12, "constant-risk intercept SE");
    assert.ok(Number.isNaN(c0.slope) && Number.isNaN(c0.slopeSe));
    // two levels: 0.2 for the first 10 (3 events), 0.6 for the next 10 (8 events)
    const p2 = [...q, ...new Array(10).fill(0.6)];
    const y2 = [...y, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1];
    const c = logisticCalibration(p2, y2);
    const b = (logit(0.8) - logit(0.3)) / (logit(0.6) - logit(0.2));
    close(c.slope, b, 1e-12, "saturated slope");
    close(c.slopeModelIntercept, logit(0.3) - b * logit(0.2), 1e-12, "saturated intercept");
    close(c.observedExpected, 11 / (10 * 0.2 + 10 * 0.6), 1e-15, "O/E");
  });

  test("perfect separation is reported, not looped on", () => {
    assert.throws(
      () => logisticCalibration([0.1, 0.2, 0.3, 0.7, 0.8, 0.9], [0, 0, 0, 1, 1, 1]),
      (e) => e instanceof DataError && /separate events from non-events/.test(e.message),
    );
    // quasi-complete separation (a tie at the boundary) too
    assert.throws(() => logisticCalibration([0.1, 0.2, 0.5, 0.5, 0.8, 0.9], [0, 0, 0, 1, 1, 1]), DataError);
    // one overlap is enough for a finite slope
    assert.ok(Number.isFinite(logisticCalibration([0.1, 0.6, 0.3, 0.7, 0.2, 0.9], [0, 0, 0, 1, 1, 1]).slope));
  });

  test("probabilities of exactly 0 or 1 are clipped and counted; invalid ones rejected", () => {
    const { p, y } = cohort(500, 4);
    p[0] = 1;
    p[1] = 0;
    const c = logisticCalibration(p, y);
    assert.equal(c.nClipped, 2);
    assert.throws(() => logisticCalibration([0.2, 1.2], [0, 1]), /\[1\] is 1.2/);
  });
});

describe("calibration curve (sklearn calibration_curve)", () => {
  test("sklearn documentation example (uniform, 3 bins)", () => {
    const y = [0, 0, 0, 0, 1, 1, 1, 1, 1];
    const p = [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1];
    const c = calibrationCurve(p, y, { nBins: 3 });
    // sklearn docs: prob_true [0, 0.5, 1], prob_pred [0.2, 0.525, 0.85]
    assert.deepEqual(Array.from(c.fractionPositive), [0, 0.5, 1]);
    close(c.meanPredicted[0], 0.2, 1e-15, "bin 1");
    close(c.meanPredicted[1], 0.525, 1e-15, "bin 2");
    close(c.meanPredicted[2], 0.85, 1e-15, "bin 3");
    assert.deepEqual(Array.from(c.counts), [3, 2, 4]);
  });

  test("quantile bins; value on an inner edge goes to the lower bin; empty bins omitted", () => {
    const p = [0.1, 0.2, 0.3, 0.4, 0.5];
    const y = [0, 0, 1, 1, 1];
    const c = calibrationCurve(p, y, { nBins: 2, strategy: "quantile" });
    assert.deepEqual(Array.from(c.edges), [0.1, 0.3, 0.5]);
    assert.deepEqual(Array.from(c.counts), [3, 2]);
    assert.deepEqual(Array.from(c.fractionPositive), [1 / 3, 1]);
    const u = calibrationCurve([0.05, 0.1, 0.95], [0, 0, 1], { nBins: 10 });
    assert.deepEqual(Array.from(u.binIndex), [0, 9]); // 0.1 sits on the edge 0.1 -> bin 0
    assert.deepEqual(Array.from(u.counts), [2, 1]);
  });
});

describe("Hosmer-Lemeshow", () => {
  test("hand example: 5 risk levels x 4 patients, g = 5", () => {
    const levels = [0.1, 0.3, 0.5, 0.7, 0.9];
    const events = [0, 2, 2, 3, 4];
    const p: number[] = [];
    const y: number[] = [];
    levels.forEach((lv, k) => {
      for (let j = 0; j < 4; j++) {
        p.push(lv);
        y.push(j < events[k] ? 1 : 0);
      }
    });
    const hl = hosmerLemeshow(p, y, { groups: 5 });
    let want = 0;
    levels.forEach((lv, k) => {
      const e1 = 4 * lv;
      const e0 = 4 - e1;
      want += (events[k] - e1) ** 2 / e1 + (4 - events[k] - e0) ** 2 / e0;
    });
    assert.equal(hl.groups, 5);
    assert.deepEqual(Array.from(hl.counts), [4, 4, 4, 4, 4]);
    close(hl.statistic, want, 1e-12, "HL statistic");
    assert.equal(hl.df, 3);
    // chi-square(3) survival in closed form: 2 Q(sqrt x) + sqrt(2x/pi) exp(-x/2)
    const x = want;
    const erfc = (z: number) => {
      // high-accuracy series-free check through numeric integration of the normal tail
      let s = 0;
      const h = 1e-4;
      for (let t = z; t < z + 40; t += h) s += Math.exp(-(t + h / 2) * (t + h / 2));
      return (2 / Math.sqrt(Math.PI)) * s * h;
    };
    const sf = erfc(Math.sqrt(x / 2)) + Math.sqrt((2 * x) / Math.PI) * Math.exp(-x / 2);
    close(hl.pValue, sf, 1e-7, "HL p-value");
  });
});
