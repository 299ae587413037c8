import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { DataError } from "../../../src/errors.js";
import {
  auc,
  brierScore,
  confusionMatrix,
  multiclassAuc,
  rocCurve,
  scaledBrierScore,
} from "../../../src/stats/metrics/metrics.js";
import { Random } from "../../../src/stats/core/random.js";
import { dataPath, skipUnlessData } from "../../helpers/data.js";

const CLS = ["reference", "classification"];
const MODELS = [
  "l2_C1_lbfgs",
  "l2_C0.1_lbfgs",
  "l2_C1_newtoncg",
  "l1_C0.1_saga",
  "l1_C1_saga",
  "l1_C0.1_liblinear_interceptpenalised",
];

function readCsv(path: string): { header: string[]; rows: number[][] } {
  const lines = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const header = lines[0].split(",");
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  return { header, rows };
}

function column(csv: { header: string[]; rows: number[][] }, name: string): Float64Array {
  const j = csv.header.indexOf(name);
  assert.ok(j >= 0, `column ${name} missing`);
  return Float64Array.from(csv.rows, (r) => r[j]);
}

/** Brute-force O(n^2) AUC (definition): P(x > y) + P(x = y)/2 over case/control pairs. */
function bruteAuc(s: ArrayLike<number>, y: ArrayLike<number>): number {
  let num = 0;
  let np = 0;
  let nn = 0;
  for (let i = 0; i < s.length; i++) if (y[i] === 1) np++;
  nn = s.length - np;
  for (let i = 0; i < s.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < s.length; j++) {
      if (y[j] !== 0) continue;
      num += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  }
  return num / (np * nn);
}

describe("auc", () => {
  test("matches the O(n^2) definition with heavy ties", () => {
    const rng = new Random(7);
    for (let rep = 0; rep < 50; rep++) {
      const n = 2 + rng.int(60);
      const s = new Float64Array(n);
      const y = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        s[i] = rng.int(6) - 2 + (rep % 2 ? 0 : rng.next());
        y[i] = rng.next() < 0.4 ? 1 : 0;
      }
      y[0] = 1;
      y[1] = 0;
      assert.equal(auc(s, y), bruteAuc(s, y));
    }
  });

  test("hand example: ties count 1/2", () => {
    // cases 3, 2, 2 ; controls 2, 1 -> pairs: (3>2)(3>1)(2=2)(2>1)(2=2)(2>1) = 5/6
    assert.equal(auc([3, 2, 2, 2, 1], [1, 1, 1, 0, 0]), 5 / 6);
    assert.equal(auc([0, -0, 0], [1, 0, 0]), 0.5);
    assert.equal(auc([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], [1, 0]), 1);
  });

  test("errors: one class, length mismatch, NaN with position, bad label", () => {
    assert.throws(
      () => auc([1, 2, 3], [1, 1, 1]),
      (e) => e instanceof DataError && /only positives/.test(e.message),
    );
    assert.throws(
      () => auc([1, 2, 3], [1, 0]),
      (e) => e instanceof DataError && /3 values but labels has 2/.test(e.message),
    );
    assert.throws(
      () => auc([1, Number.NaN, 3], [1, 0, 1]),
      (e) => e instanceof DataError && /scores\[1\] is NaN/.test(e.message),
    );
    assert.throws(
      () => auc([1, 2, 3], [1, 0, 2]),
      (e) => e instanceof DataError && /labels\[2\] is 2/.test(e.message),
    );
    assert.throws(() => auc([], []), DataError);
  });

  for (const model of MODELS) {
    test(`train AUC of ${model} equals sklearn roc_auc_score`, {
      skip: skipUnlessData(...CLS, `pred_${model}.csv`),
    }, () => {
      const pred = readCsv(dataPath(...CLS, `pred_${model}.csv`) as string);
      const json = JSON.parse(readFileSync(dataPath(...CLS, "logistic_regression.json") as string, "utf8"));
      const ref = json.models.find((m: { label: string }) => m.label === model).train_auc as number;
      const got = auc(column(pred, "prob"), column(pred, "y"));
      const rel = Math.abs(got - ref) / ref;
      if (rel > 1e-12) console.log(`AUC ${model}: got ${got} expected ${ref} (rel ${rel})`);
      assert.ok(rel <= 1e-12, `AUC ${model}: got ${got} expected ${ref}`);
    });
  }
});

describe("rocCurve vs sklearn roc_curve", () => {
  for (const model of MODELS) {
    for (const kind of ["full", "drop_intermediate"] as const) {
      const file = `roc_${model}_${kind}.csv`;
      test(file, { skip: skipUnlessData(...CLS, file) }, () => {
        const pred = readCsv(dataPath(...CLS, `pred_${model}.csv`) as string);
        const ref = readCsv(dataPath(...CLS, file) as string);
        const r = rocCurve(column(pred, "prob"), column(pred, "y"), { dropIntermediate: kind !== "full" });
        const fpr = column(ref, "fpr");
        const tpr = column(ref, "tpr");
        const thr = column(ref, "threshold");
        assert.equal(r.fpr.length, fpr.length, "number of ROC points");
        let maxErr = 0;
        const misses: string[] = [];
        for (let i = 0; i < fpr.length; i++) {
          const e = Math.max(Math.abs(r.fpr[i] - fpr[i]), Math.abs(r.tpr[i] - tpr[i]));
          // sklearn 1.2.1 wrote max(prob) + 1 as the first threshold; we follow sklearn >= 1.3 (+Infinity)
          const et = i === 0 ? 0 : Math.abs(r.thresholds[i] - thr[i]);
          maxErr = Math.max(maxErr, e, et);
          if (e > 1e-12 || et > 1e-12 * Math.abs(thr[i])) {
            misses.push(
              `row ${i}: fpr ${r.fpr[i]}/${fpr[i]} tpr ${r.tpr[i]}/${tpr[i]} thr ${r.thresholds[i]}/${thr[i]}`,
            );
          }
        }
        console.log(`${file}: ${fpr.length} points, max abs error ${maxErr}`);
        if (misses.length) console.log(misses.join("\n"));
        assert.equal(misses.length, 0);
        assert.equal(r.thresholds[0], Number.POSITIVE_INFINITY);
        assert.ok(thr[0] > thr[1], "sklearn 1.2 first threshold above the maximum");
      });
    }
  }

  test("hand example with ties and drop_intermediate", () => {
    const s = [0.1, 0.4, 0.35, 0.8, 0.35, 0.9, 0.2];
    const y = [0, 0, 1, 1, 0, 1, 0];
    const full = rocCurve(s, y, { dropIntermediate: false });
    assert.deepEqual(Array.from(full.thresholds), [Number.POSITIVE_INFINITY, 0.9, 0.8, 0.4, 0.35, 0.2, 0.1]);
    assert.deepEqual(Array.from(full.tp), [0, 1, 2, 2, 3, 3, 3]);
    assert.deepEqual(Array.from(full.fp), [0, 0, 0, 1, 2, 3, 4]);
    assert.deepEqual(Array.from(full.tpr), [0, 1 / 3, 2 / 3, 2 / 3, 1, 1, 1]);
    assert.deepEqual(Array.from(full.fpr), [0, 0, 0, 0.25, 0.5, 0.75, 1]);
    const drop = rocCurve(s, y);
    // sklearn takes second differences before prepending (0, 0), so the first distinct score is always kept;
    // (fp, tp) at 0.35, 0.2, 0.1 = (2,3), (3,3), (4,3) are collinear: 0.2 is dropped
    assert.deepEqual(Array.from(drop.thresholds), [Number.POSITIVE_INFINITY, 0.9, 0.8, 0.4, 0.35, 0.1]);
  });
});

describe("confusion matrix, Brier", () => {
  test("confusion matrix by hand", () => {
    const cm = confusionMatrix([0.1, 0.4, 0.35, 0.8, 0.35, 0.9, 0.2], [0, 0, 1, 1, 0, 1, 0], 0.35);
    assert.deepEqual([cm.tp, cm.fp, cm.tn, cm.fn], [3, 2, 2, 0]);
    assert.equal(cm.sensitivity, 1);
    assert.equal(cm.specificity, 0.5);
    assert.equal(cm.ppv, 3 / 5);
    assert.equal(cm.npv, 1);
    assert.equal(cm.accuracy, 5 / 7);
    assert.equal(cm.f1, 6 / 8);
    assert.equal(cm.lrPositive, 2);
    assert.equal(cm.lrNegative, 0);
  });

  test("Brier and scaled Brier by hand", () => {
    const p = [0.9, 0.2, 0.6, 0.1];
    const y = [1, 0, 0, 0];
    const b = (0.01 + 0.04 + 0.36 + 0.01) / 4;
    assert.ok(Math.abs(brierScore(p, y) - b) < 1e-16);
    assert.ok(Math.abs(scaledBrierScore(p, y) - (1 - b / (0.25 * 0.75))) < 1e-15);
    // predicting the prevalence gives scaled Brier 0
    assert.ok(Math.abs(scaledBrierScore([0.25, 0.25, 0.25, 0.25], y)) < 1e-15);
    assert.throws(
      () => brierScore([1.2, 0], [1, 0]),
      (e) => e instanceof DataError && /\[0\] is 1.2/.test(e.message),
    );
  });
});

describe("multiclassAuc", () => {
  test("macro / weighted / micro equal their definitions", () => {
    const rng = new Random(3);
    const n = 90;
    const k = 3;
    const scores: Float64Array[] = [];
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % k;
      const row = new Float64Array(k);
      let sum = 0;
      for (let c = 0; c < k; c++) {
        row[c] = Math.exp(rng.normal() + (c === labels[i] ? 1 : 0));
        sum += row[c];
      }
      for (let c = 0; c < k; c++) row[c] /= sum;
      scores.push(row);
    }
    labels[0] = 1; // unequal support
    const per = [0, 1, 2].map((c) =>
      bruteAuc(
        scores.map((r) => r[c]),
        Array.from(labels, (l) => (l === c ? 1 : 0)),
      ),
    );
    const sup = [0, 1, 2].map((c) => labels.filter((l) => l === c).length);
    const macro = multiclassAuc(scores, labels, "macro");
    assert.deepEqual(Array.from(macro.perClass), per);
    assert.ok(Math.abs(macro.auc - (per[0] + per[1] + per[2]) / 3) < 1e-15);
    const w = multiclassAuc(scores, labels, "weighted");
    assert.ok(Math.abs(w.auc - (per[0] * sup[0] + per[1] * sup[1] + per[2] * sup[2]) / n) < 1e-15);
    const micro = multiclassAuc(scores, labels, "micro");
    const flat = scores.flatMap((r) => Array.from(r));
    const flatY = Array.from(labels).flatMap((l) => [0, 1, 2].map((c) => (l === c ? 1 : 0)));
    assert.equal(micro.auc, bruteAuc(flat, flatY));
  });
});
