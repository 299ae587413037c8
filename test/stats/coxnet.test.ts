import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DataError } from "../../src/errors.js";
import { coxph } from "../../src/stats/cox.js";
import { breslowScore, coxnet, coxnetPredict, cvCoxnet, makeFolds } from "../../src/stats/coxnet.js";
import { Random } from "../../src/stats/random.js";

/** Sparse simulation: n subjects, p standard-normal features, the first 3 carry signal. */
function simulate(n: number, p: number, seed: number) {
  const rng = new Random(seed);
  const x = Array.from({ length: p }, () => Float64Array.from({ length: n }, () => rng.normal()));
  const beta = [0.8, -0.6, 0.5];
  const time = new Float64Array(n);
  const event = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let j = 0; j < beta.length; j++) eta += beta[j] * x[j][i];
    const t = rng.exponential(0.1 * Math.exp(eta));
    const c = rng.exponential(0.04);
    // coarse times create ties (Breslow handling matters)
    time[i] = Math.ceil(Math.min(t, c));
    event[i] = t <= c ? 1 : 0;
  }
  return { x, time, event };
}

/** 1/n-SD standardised copies of the columns. */
function standardized(x: Float64Array[]): Float64Array[] {
  return x.map((c) => {
    const n = c.length;
    const m = c.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(c.reduce((a, b) => a + (b - m) * (b - m), 0) / n);
    return c.map((v) => (v - m) / sd);
  });
}

describe("penalised Cox (coxnet)", () => {
  const { x, time, event } = simulate(150, 20, 42);
  const xs = standardized(x);

  for (const alpha of [1, 0.5]) {
    it(`every lambda on the path satisfies the KKT conditions (alpha = ${alpha})`, () => {
      const path = coxnet(time, event, xs, { alpha, standardize: false });
      const n = time.length;
      let worst = 0;
      for (let l = 0; l < path.lambda.length; l++) {
        const lam = path.lambda[l];
        const b = path.beta[l];
        const g = breslowScore(time, event, xs, b); // d l / d beta
        for (let j = 0; j < xs.length; j++) {
          const gj = g[j] / n;
          const v =
            b[j] !== 0
              ? Math.abs(gj - lam * (1 - alpha) * b[j] - lam * alpha * Math.sign(b[j]))
              : Math.max(0, Math.abs(gj) - lam * alpha);
          worst = Math.max(worst, v / lam);
        }
      }
      console.log(
        `alpha ${alpha}: ${path.lambda.length} lambdas, worst KKT violation / lambda ${worst.toExponential(2)}`,
      );
      assert.ok(worst < 1e-6, `KKT violation ${worst}`);
      assert.deepEqual(path.warnings, []);
    });
  }

  it("lambda_max gives the empty model and the path then grows; signal features enter first", () => {
    const path = coxnet(time, event, x);
    assert.equal(path.df[0], 0);
    assert.ok(path.df[1] >= 1);
    const first = path.beta.findIndex((b) => b.some((v) => v !== 0));
    const entered = [...path.beta[first]].map((v, j) => (v !== 0 ? j : -1)).filter((j) => j >= 0);
    assert.ok(
      entered.every((j) => j < 3),
      `first entering features ${entered}`,
    );
    for (let l = 1; l < path.devRatio.length; l++)
      assert.ok(path.devRatio[l] >= path.devRatio[l - 1] - 1e-12);
  });

  it("standardize = true gives the same model as fitting pre-standardised columns (coefficients rescaled)", () => {
    const a = coxnet(time, event, x, { nlambda: 20 });
    const b = coxnet(time, event, xs, { nlambda: 20, standardize: false });
    for (let l = 0; l < a.lambda.length; l++) {
      assert.ok(Math.abs(a.lambda[l] - b.lambda[l]) < 1e-12 * a.lambda[l]);
      const lpA = coxnetPredict(a, l, x);
      const lpB = coxnetPredict(b, l, xs);
      // same fitted linear predictor up to a constant (centring)
      const shift = lpA[0] - lpB[0];
      for (let i = 0; i < lpA.length; i++) assert.ok(Math.abs(lpA[i] - lpB[i] - shift) < 1e-6);
    }
  });

  it("a tiny lambda reproduces the unpenalised Breslow coxph fit", () => {
    const few = x.slice(0, 4);
    const fit = coxph(time, event, few, { ties: "breslow" });
    const path = coxnet(time, event, few, { lambda: [1e-10] });
    for (let j = 0; j < 4; j++) {
      const rel = Math.abs(path.beta[0][j] - fit.coef[j]) / Math.abs(fit.coef[j]);
      assert.ok(rel < 1e-6, `coef ${j}: ${path.beta[0][j]} vs coxph ${fit.coef[j]}`);
    }
  });

  it("cross-validation: seeded, reproducible, picks a model containing the signal", () => {
    const cv1 = cvCoxnet(time, event, x, { nfolds: 5, seed: 3 });
    const cv2 = cvCoxnet(time, event, x, { nfolds: 5, seed: 3 });
    assert.deepEqual(Array.from(cv1.foldid), Array.from(cv2.foldid));
    assert.deepEqual(Array.from(cv1.cvm), Array.from(cv2.cvm));
    assert.ok(cv1.lambda1se >= cv1.lambdaMin);
    const b = cv1.path.beta[cv1.indexMin];
    assert.ok(b[0] > 0 && b[1] < 0 && b[2] > 0, `signal coefficients ${b[0]} ${b[1]} ${b[2]}`);
    // deviance at the chosen lambda beats the null model (first lambda)
    assert.ok(cv1.cvm[cv1.indexMin] < cv1.cvm[0]);
    const cvC = cvCoxnet(time, event, x, { nfolds: 5, seed: 3, measure: "C" });
    assert.ok(cvC.cvm[cvC.indexMin] > 0.6, `CV C-index ${cvC.cvm[cvC.indexMin]}`);
  });

  it("folds: cv.glmnet-style balanced assignment; clear errors", () => {
    const f = makeFolds(23, 5, 9);
    const counts = [0, 0, 0, 0, 0];
    for (const v of f) counts[v - 1]++;
    assert.deepEqual(counts.sort(), [4, 4, 5, 5, 5]);
    assert.throws(
      () => makeFolds(4, 5),
      (e: Error) => e instanceof DataError && /fewer samples/.test(e.message),
    );
    assert.throws(() => coxnet([1, 2, 3], [0, 0, 0], [[1, 2, 3]]), DataError);
  });
});
