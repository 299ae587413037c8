import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Random } from "../../../src/stats/core/random.js";
import { selectFeatures } from "../../../src/stats/models/selection.js";
import { kruskalCodes, mannWhitneyU } from "../../../src/stats/tests/univariate.js";

function data(seed: number) {
  const rng = new Random(seed);
  const n = 120;
  const y = Int32Array.from({ length: n }, (_, i) => i % 2);
  const x = Array.from({ length: 30 }, () => Float64Array.from({ length: n }, () => rng.normal()));
  for (let i = 0; i < n; i++) {
    x[3][i] += 1.5 * y[i];
    x[7][i] -= 1.0 * y[i];
    x[11][i] = x[3][i] + rng.normal(0, 0.05); // near-duplicate of feature 3
  }
  return { x, y };
}

describe("feature selection", () => {
  it("univariate: ranks by the Mann-Whitney p-value of univariate.ts", () => {
    const { x, y } = data(1);
    const s = selectFeatures(x, y, 2, { method: "univariate", k: 3 });
    assert.deepEqual(new Set(s.selected), new Set([3, 7, 11]));
    const g = (j: number, c: number) => x[j].filter((_, i) => y[i] === c);
    for (const j of [0, 3, 7]) assert.equal(s.scores[j], mannWhitneyU(g(j, 1), g(j, 0)).p);
    const t = selectFeatures(x, y, 2, { method: "univariate", k: 30, test: "ttest", pThreshold: 1e-3 });
    assert.deepEqual(new Set(t.selected), new Set([3, 7, 11]));
    const a = selectFeatures(x, y, 2, { method: "univariate", k: 2, test: "auc" });
    assert.equal(a.scoreName, "|AUC - 0.5|");
    const y3 = Int32Array.from({ length: 120 }, (_, i) => i % 3);
    const k3 = selectFeatures(x, y3, 3, { method: "univariate", k: 2 });
    assert.equal(k3.scores[5], kruskalCodes(x[5], y3, 3).p);
  });

  it("mRMR takes the strongest feature and skips its near-duplicate", () => {
    const { x, y } = data(2);
    const s = selectFeatures(x, y, 2, { method: "mrmr", k: 2 });
    assert.ok(s.selected[0] === 3 || s.selected[0] === 11);
    assert.equal(s.selected[1], 7);
  });

  it("lasso keeps the features that enter the L1 path first", () => {
    const { x, y } = data(3);
    const s = selectFeatures(x, y, 2, { method: "lasso", k: 2 });
    assert.equal(s.selected.length, 2);
    assert.ok(s.selected.includes(7));
    assert.ok(s.selected.includes(3) || s.selected.includes(11));
  });
});
