import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  bootstrapAucCi,
  bootstrapMetricCi,
  bootstrapPairedDifference,
  forEachBootstrapSample,
  quantileSorted,
} from "../../../src/stats/metrics/bootstrap.js";
import { delongCi, delongPairedTest } from "../../../src/stats/metrics/delong.js";
import { auc, brierScore } from "../../../src/stats/metrics/metrics.js";
import { Random } from "../../../src/stats/core/random.js";
import { dataPath, skipUnlessData } from "../../helpers/data.js";

const BC = ["reference", "classification", "breast_cancer_wisconsin.csv"];

function loadColumns(names: string[]): Float64Array[] {
  const lines = readFileSync(dataPath(...BC) as string, "utf8")
    .trim()
    .split(/\r?\n/);
  const header = lines[0].split(",");
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  return names.map((nm) => {
    const j = header.indexOf(nm);
    assert.ok(j >= 0, nm);
    return Float64Array.from(rows, (r) => r[j]);
  });
}

function synthetic(n: number, seed: number): { s: Float64Array; y: Uint8Array } {
  const rng = new Random(seed);
  const s = new Float64Array(n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.next() < 0.35 ? 1 : 0;
    s[i] = rng.normal() + 1.2 * y[i];
  }
  return { s, y };
}

describe("bootstrap", () => {
  test("R quantile type 7", () => {
    const x = [1, 2, 3, 4, 10];
    // R: quantile(c(1,2,3,4,10), c(.025,.5,.975)) = 1.1, 3, 9.4
    assert.ok(Math.abs(quantileSorted(x, 0.025) - 1.1) < 1e-15);
    assert.equal(quantileSorted(x, 0.5), 3);
    assert.ok(Math.abs(quantileSorted(x, 0.975) - 9.4) < 1e-14);
    assert.equal(quantileSorted(x, 0), 1);
    assert.equal(quantileSorted(x, 1), 10);
  });

  test("stratified resampling keeps the class counts; seeded and reproducible", () => {
    const { y } = synthetic(101, 1);
    const np = y.reduce((a, v) => a + v, 0);
    let reps = 0;
    forEachBootstrapSample(y, { replicates: 50, seed: 9 }, (idx) => {
      reps++;
      for (let i = 0; i < idx.length; i++) assert.equal(y[idx[i]], i < np ? 1 : 0);
    });
    assert.equal(reps, 50);
    const { s } = synthetic(101, 1);
    const a = bootstrapAucCi(s, y, { replicates: 200, seed: 3 });
    const b = bootstrapAucCi(s, y, { replicates: 200, seed: 3 });
    const c = bootstrapAucCi(s, y, { replicates: 200, seed: 4 });
    assert.deepEqual(a.replicates, b.replicates);
    assert.notDeepEqual(a.replicates, c.replicates);
    assert.equal(a.estimate, auc(s, y));
    assert.equal(a.nFailed, 0);
    assert.ok(a.lower <= a.median && a.median <= a.upper);
  });

  test("fast AUC path equals the generic metric path replicate for replicate", () => {
    const { s, y } = synthetic(150, 2);
    for (const stratified of [true, false]) {
      const fast = bootstrapAucCi(s, y, { replicates: 300, seed: 5, stratified });
      const gen = bootstrapMetricCi(s, y, auc, { replicates: 300, seed: 5, stratified });
      assert.deepEqual(fast.replicates, gen.replicates);
      assert.equal(fast.lower, gen.lower);
      assert.equal(fast.upper, gen.upper);
    }
  });

  test("non-stratified replicates with a single class are dropped and counted", () => {
    const s = [0.9, 0.1, 0.2, 0.3, 0.4, 0.5];
    const y = [1, 0, 0, 0, 0, 0];
    const r = bootstrapAucCi(s, y, { replicates: 500, seed: 1, stratified: false });
    // P(no case among 6 draws) = (5/6)^6 = 0.335
    assert.ok(r.nFailed > 100 && r.nFailed < 240, `nFailed ${r.nFailed}`);
    assert.equal(r.replicates.length + r.nFailed, 500);
  });

  test("any metric: Brier score CI brackets the estimate", () => {
    const { s, y } = synthetic(200, 3);
    const p = s.map((v) => 1 / (1 + Math.exp(-v)));
    const r = bootstrapMetricCi(p, y, brierScore, { replicates: 400, seed: 8 });
    assert.equal(r.estimate, brierScore(p, y));
    assert.ok(r.lower < r.estimate && r.estimate < r.upper);
  });

  test("breast cancer: bootstrap SE agrees with the DeLong SE (pROC-validated) within Monte Carlo error", {
    skip: skipUnlessData(...BC),
  }, () => {
    const [y, tex, smooth] = loadColumns(["malignant", "mean texture", "mean smoothness"]);
    const t0 = performance.now();
    const b = bootstrapAucCi(tex, y, { seed: 2024 });
    const ms = performance.now() - t0;
    const d = delongCi(tex, y);
    console.log(
      `mean texture: AUC ${b.estimate}; bootstrap (2000 stratified) SE ${b.se.toFixed(5)} CI [${b.lower.toFixed(4)}, ${b.upper.toFixed(4)}]; DeLong SE ${d.se.toFixed(5)} CI [${d.lower.toFixed(4)}, ${d.upper.toFixed(4)}]; ${ms.toFixed(0)} ms`,
    );
    assert.equal(b.replicates.length, 2000);
    assert.equal(b.estimate, d.auc);
    // SD of a bootstrap SE from 2000 replicates is ~1.6%; the two estimators agree asymptotically.
    assert.ok(Math.abs(b.se / d.se - 1) < 0.08, `SE ratio ${b.se / d.se}`);
    assert.ok(Math.abs(b.lower - d.lower) < 0.01 && Math.abs(b.upper - d.upper) < 0.01);
    const pd = bootstrapPairedDifference(tex, smooth, y, { seed: 7 });
    const dp = delongPairedTest(tex, smooth, y);
    console.log(
      `paired diff: bootstrap SE ${pd.difference.se.toFixed(5)} p ${pd.pValue.toFixed(4)}; DeLong SE ${dp.se.toFixed(5)} p ${dp.pValue.toFixed(4)}`,
    );
    assert.equal(pd.difference.estimate, dp.difference);
    assert.ok(Math.abs(pd.difference.se / dp.se - 1) < 0.08, `paired SE ratio ${pd.difference.se / dp.se}`);
  });
});
