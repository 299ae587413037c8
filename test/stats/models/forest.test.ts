import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fitForest, forestFromJson, forestToJson, predictForest } from "../../../src/stats/models/forest.js";
import { Random } from "../../../src/stats/core/random.js";

/** n samples, p standard-normal features; the class depends on features 0..3 only. */
function planted(n: number, p: number, seed: number): { x: Float64Array[]; y: Int32Array } {
  const rng = new Random(seed);
  const x: Float64Array[] = [];
  for (let j = 0; j < p; j++) {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = rng.normal();
    x.push(c);
  }
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const e = 2 * x[0][i] + 1.6 * x[1][i] - 1.3 * x[2][i] + 1.1 * x[3][i];
    y[i] = rng.next() < 1 / (1 + Math.exp(-e)) ? 1 : 0;
  }
  return { x, y };
}

function errorRate(prob: Float64Array, y: Int32Array, K: number): number {
  let wrong = 0;
  for (let i = 0; i < y.length; i++) {
    let arg = 0;
    for (let c = 1; c < K; c++) if (prob[i * K + c] > prob[i * K + arg]) arg = c;
    if (arg !== y[i]) wrong++;
  }
  return wrong / y.length;
}

function rankOf(imp: Float64Array): number[] {
  return Array.from(imp.keys()).sort((a, b) => imp[b] - imp[a]);
}

describe("random forest", () => {
  it("ranks the planted informative features first (permutation and impurity importance)", () => {
    const { x, y } = planted(300, 200, 11);
    const f = fitForest(x, y, 2, { nTrees: 300, seed: 3, permutationImportance: true });
    const perm = rankOf(f.permutationImportance!);
    const mdi = rankOf(f.impurityImportance);
    console.log(
      `permutation top 6: ${perm
        .slice(0, 6)
        .map((j) => `${j}:${f.permutationImportance![j].toFixed(4)}`)
        .join(" ")}`,
    );
    console.log(
      `impurity top 6: ${mdi
        .slice(0, 6)
        .map((j) => `${j}:${f.impurityImportance[j].toFixed(4)}`)
        .join(" ")}`,
    );
    assert.deepEqual(perm.slice(0, 4).sort(), [0, 1, 2, 3]);
    assert.deepEqual(mdi.slice(0, 4).sort(), [0, 1, 2, 3]);
    // Noise features: permutation importance centred on zero (mean over 196 noise features within 2 SE-ish).
    let noise = 0;
    for (let j = 4; j < 200; j++) noise += f.permutationImportance![j];
    noise /= 196;
    assert.ok(Math.abs(noise) < 0.002, `mean noise importance ${noise}`);
    assert.ok(Math.abs(f.impurityImportance.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  });

  it("OOB error is close to the error on a large held-out set", () => {
    const tr = planted(300, 50, 21);
    const te = planted(4000, 50, 22);
    const f = fitForest(tr.x, tr.y, 2, { nTrees: 300, seed: 5 });
    const test = errorRate(predictForest(f, te.x), te.y, 2);
    console.log(`OOB error ${f.oobError!.toFixed(4)}, held-out error ${test.toFixed(4)}`);
    // OOB error is an unbiased estimate of the generalisation error; its SE with 300 samples is ~0.025.
    assert.ok(Math.abs(f.oobError! - test) < 0.06, `OOB ${f.oobError} vs held-out ${test}`);
  });

  it("is deterministic given a seed and differs with another seed", () => {
    const { x, y } = planted(120, 20, 31);
    const a = fitForest(x, y, 2, { nTrees: 30, seed: 9 });
    const b = fitForest(x, y, 2, { nTrees: 30, seed: 9 });
    const c = fitForest(x, y, 2, { nTrees: 30, seed: 10 });
    assert.deepEqual(predictForest(a, x), predictForest(b, x));
    assert.deepEqual(a.oobProb, b.oobProb);
    assert.notDeepEqual(predictForest(a, x), predictForest(c, x));
  });

  it("fits the training data and survives a JSON round trip", () => {
    const { x, y } = planted(100, 5, 41);
    const f = fitForest(x, y, 2, { nTrees: 20, seed: 1, bootstrap: false, mtry: 5 });
    // Unbootstrapped, all features, fully grown: every training sample is in a pure leaf (no ties in x).
    assert.equal(errorRate(predictForest(f, x), y, 2), 0);
    const g = forestFromJson(JSON.parse(JSON.stringify(forestToJson(f))));
    assert.deepEqual(predictForest(g, x), predictForest(f, x));
  });

  it("handles three classes, ties and constant features", () => {
    const rng = new Random(5);
    const n = 240;
    const x = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      x[0][i] = y[i] + rng.normal(0, 0.3);
      x[1][i] = Math.round(rng.normal()); // heavy ties
      x[2][i] = 7; // constant
    }
    const f = fitForest(x, y, 3, { nTrees: 100, seed: 2 });
    assert.ok(f.oobError! < 0.15, `OOB error ${f.oobError}`);
    assert.equal(f.impurityImportance[2], 0);
    const pr = predictForest(f, x);
    for (let i = 0; i < n; i++) {
      const s = pr[3 * i] + pr[3 * i + 1] + pr[3 * i + 2];
      assert.ok(Math.abs(s - 1) < 1e-12);
    }
  });

  it("speed: 100 trees on 300 x 200 (reported)", () => {
    const { x, y } = planted(300, 200, 51);
    const t0 = performance.now();
    const f = fitForest(x, y, 2, { nTrees: 100, seed: 1 });
    const ms = performance.now() - t0;
    console.log(`100 trees on 300 x 200: ${ms.toFixed(0)} ms (OOB error ${f.oobError!.toFixed(3)})`);
    assert.equal(f.trees.length, 100);
  });
});
