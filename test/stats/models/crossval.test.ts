import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { crossValidate, externalValidation, stratifiedFolds } from "../../../src/stats/models/crossval.js";
import { foldRows, repeatedStratifiedFolds } from "../../../src/stats/models/folds.js";
import { type Dataset, fitPipeline, summariseLambdaCv } from "../../../src/stats/models/model.js";
import { Random } from "../../../src/stats/core/random.js";
import { selectFeatures } from "../../../src/stats/models/selection.js";
import { skipUnlessData } from "../../helpers/data.js";
import { CLASSIFICATION, loadWdbc } from "./classification-data.js";

function noise(n: number, p: number, seed: number): Dataset {
  const rng = new Random(seed);
  const x = Array.from({ length: p }, () => Float64Array.from({ length: n }, () => rng.normal()));
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = i % 2;
  rng.shuffle(y);
  return { x, names: x.map((_, j) => `f${j}`), y, classes: ["0", "1"] };
}

/** Three classes separated along features 0 and 1; the rest noise. */
function threeClass(n: number, p: number, seed: number): Dataset {
  const rng = new Random(seed);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  rng.shuffle(y);
  const x = Array.from({ length: p }, () => Float64Array.from({ length: n }, () => rng.normal()));
  for (let i = 0; i < n; i++) {
    x[0][i] += y[i] === 1 ? 2 : y[i] === 2 ? -2 : 0;
    x[1][i] += y[i] === 2 ? 2 : 0;
  }
  return { x, names: x.map((_, j) => `f${j}`), y, classes: ["A", "B", "C"] };
}

describe("stratified folds", () => {
  it("balance classes and fold sizes, reproducibly", () => {
    const y = Int32Array.from({ length: 103 }, (_, i) => (i < 31 ? 1 : 0));
    const f = stratifiedFolds(y, 5, 7);
    assert.deepEqual(f, stratifiedFolds(y, 5, 7));
    assert.notDeepEqual(f, stratifiedFolds(y, 5, 8));
    const sizes = new Array(5).fill(0);
    const pos = new Array(5).fill(0);
    for (let i = 0; i < y.length; i++) {
      sizes[f[i]]++;
      pos[f[i]] += y[i];
    }
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
    assert.ok(Math.max(...pos) - Math.min(...pos) <= 1, `positives ${pos}`);
    const { train, test } = foldRows(f, 2);
    assert.equal(train.length + test.length, 103);
    const reps = repeatedStratifiedFolds(y, 5, 3, 1);
    assert.equal(reps.length, 3);
    assert.notDeepEqual(reps[0], reps[1]);
  });
  it("refuses a class smaller than the number of folds, naming it", () => {
    const y = Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1, 1]);
    assert.throws(
      () => stratifiedFolds(y, 5, 1, ["wild-type", "mutant"]),
      /class "mutant" has 3 samples, fewer than the 5 folds/,
    );
  });
});

describe("no information leaks", () => {
  it("a fitted pipeline depends on its training rows only", () => {
    const d = noise(60, 30, 3);
    const rows = Int32Array.from({ length: 40 }, (_, i) => i);
    const spec = { model: "lasso", select: { method: "univariate", k: 5 } } as const;
    const a = fitPipeline(d, spec, { rows, seed: 5 });
    // Scramble everything outside the training rows: the model must not change.
    const rng = new Random(99);
    const x2 = d.x.map((c) => c.map((v, i) => (i < 40 ? v : rng.normal(100, 50))));
    const y2 = d.y.map((v, i) => (i < 40 ? v : 1 - v));
    const b = fitPipeline({ ...d, x: x2, y: y2 }, spec, { rows, seed: 5 });
    assert.deepEqual(b, a);
  });

  it("nested CV on pure noise is ~0.5 while select-then-CV is optimistic (100 x 1000)", () => {
    const nested: number[] = [];
    const naive: number[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const d = noise(100, 1000, seed);
      const spec = { model: "lasso", select: { method: "univariate", k: 10 } } as const;
      nested.push(crossValidate(d, spec, { folds: 5, nested: true, seed }).summary.auc);
      // The leak: choose the features on all rows, then cross-validate the model on them.
      const sel = selectFeatures(d.x, d.y, 2, { method: "univariate", k: 10 });
      const dn: Dataset = {
        ...d,
        x: sel.selected.map((j) => d.x[j]),
        names: sel.selected.map((j) => d.names[j]),
      };
      naive.push(crossValidate(dn, { model: "lasso" }, { folds: 5, nested: true, seed }).summary.auc);
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    console.log(`nested AUCs ${nested.map((v) => v.toFixed(3)).join(" ")} (mean ${mean(nested).toFixed(3)})`);
    console.log(
      `select-then-CV AUCs ${naive.map((v) => v.toFixed(3)).join(" ")} (mean ${mean(naive).toFixed(3)})`,
    );
    assert.ok(Math.abs(mean(nested) - 0.5) < 0.1, `nested mean ${mean(nested)}`);
    assert.ok(mean(naive) > 0.7, `naive mean ${mean(naive)}`);
    assert.ok(mean(naive) - mean(nested) > 0.2);
  });
});

describe("cv.glmnet lambda choice", () => {
  it("cvm, cvsd, lambda.min and lambda.1se follow cv.glmnet's formulas", () => {
    const lambda = Float64Array.from([0.4, 0.2, 0.1, 0.05]);
    // Two folds of sizes 3 and 1 (weights), deviance per fold and lambda.
    const raw = [Float64Array.from([1.4, 1.0, 0.9, 1.1]), Float64Array.from([1.2, 1.2, 1.1, 0.7])];
    const cv = summariseLambdaCv(lambda, raw, [3, 1], "deviance");
    // cvm = (3 a + b)/4; cvsd = sqrt((3 (a - m)^2 + (b - m)^2)/4 / (2 - 1)).
    const m = [1.35, 1.05, 0.95, 1.0];
    const sd = m.map((mm, l) => Math.sqrt((3 * (raw[0][l] - mm) ** 2 + (raw[1][l] - mm) ** 2) / 4));
    for (let l = 0; l < 4; l++) {
      assert.ok(Math.abs(cv.cvm[l] - m[l]) < 1e-15);
      assert.ok(Math.abs(cv.cvsd[l] - sd[l]) < 1e-15);
    }
    assert.equal(cv.indexMin, 2); // 0.95
    // 1se bound: 0.95 + sd[2] = 0.95 + 0.0866 = 1.0366; lambda 0.2 (cvm 1.05) is above it, so lambda.1se = 0.1.
    assert.equal(cv.index1se, 2);
    const a = summariseLambdaCv(lambda, raw, [3, 1], "auc");
    assert.equal(a.indexMin, 0);
  });
});

describe("cross-validation on Breast Cancer Wisconsin", {
  skip: skipUnlessData(...CLASSIFICATION, "breast_cancer_wisconsin.csv"),
}, () => {
  it("lasso (non-nested and nested) and forest reach the expected AUC, with per-fold results", () => {
    const w = loadWdbc();
    const d: Dataset = {
      x: w.columns,
      names: w.names,
      y: Int32Array.from(w.y),
      classes: ["benign", "malignant"],
    };
    const lasso = crossValidate(d, { model: "lasso" }, { folds: 5, seed: 1 });
    const nested = crossValidate(
      d,
      { model: "lasso", select: { method: "univariate", k: 5 } },
      { folds: 5, seed: 1, nested: true },
    );
    const forest = crossValidate(d, { model: "forest", nTrees: 100 }, { folds: 5, seed: 1 });
    for (const [name, r] of [
      ["lasso", lasso],
      ["lasso nested, 5 univariate features", nested],
      ["forest", forest],
    ] as const) {
      console.log(
        `${name}: OOF AUC ${r.summary.auc.toFixed(4)} [${r.summary.aucCi?.map((v) => v.toFixed(4)).join(", ")}], fold mean ${r.summary.aucFoldMean.toFixed(4)}, accuracy ${r.summary.accuracy.toFixed(4)}, Brier ${r.summary.brier?.toFixed(4)}`,
      );
      assert.ok(r.summary.auc > 0.97, `${name} AUC ${r.summary.auc}`);
      assert.equal(r.perFold.length, 5);
      assert.equal(r.oof[0].length, d.y.length * 2);
      for (let i = 0; i < d.y.length; i++)
        assert.ok(Math.abs(r.oof[0][2 * i] + r.oof[0][2 * i + 1] - 1) < 1e-12);
    }
    assert.ok(lasso.notes.some((s) => s.includes("optimistic")));
    // Same folds for the same seed, whatever the model.
    assert.deepEqual(lasso.foldIds, forest.foldIds);
  });

  it("external validation: train on the first 400 cases, test on the rest", () => {
    const w = loadWdbc();
    const all: Dataset = {
      x: w.columns,
      names: w.names,
      y: Int32Array.from(w.y),
      classes: ["benign", "malignant"],
    };
    const sub = (a: number, b: number): Dataset => ({
      ...all,
      x: all.x.map((c) => c.slice(a, b)),
      y: all.y.slice(a, b),
    });
    const r = externalValidation(sub(0, 400), sub(400, 569), { model: "elasticnet", alpha: 0.5 });
    console.log(`external test AUC ${r.metrics.auc.toFixed(4)}, accuracy ${r.metrics.accuracy.toFixed(4)}`);
    assert.ok(r.metrics.auc > 0.97);
  });
});

describe("multi-class", () => {
  it("one-vs-rest lasso and forest on three classes", () => {
    const d = threeClass(150, 20, 4);
    for (const spec of [{ model: "lasso" }, { model: "forest", nTrees: 100 }] as const) {
      const r = crossValidate(d, spec, { folds: 5, seed: 2, repeats: 2 });
      console.log(
        `${spec.model}: macro AUC ${r.summary.auc.toFixed(3)}, accuracy ${r.summary.accuracy.toFixed(3)}`,
      );
      assert.ok(r.summary.auc > 0.8);
      assert.equal(r.oof.length, 2);
      for (let i = 0; i < 150; i++) {
        const s = r.pooled[3 * i] + r.pooled[3 * i + 1] + r.pooled[3 * i + 2];
        assert.ok(Math.abs(s - 1) < 1e-12);
      }
    }
  });
});
