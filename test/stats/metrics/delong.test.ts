import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { DataError } from "../../../src/errors.js";
import {
  delongCi,
  delongCovariance,
  delongPairedTest,
  delongPlacements,
  delongUnpairedTest,
  delongVariance,
} from "../../../src/stats/metrics/delong.js";
import { Random } from "../../../src/stats/core/random.js";
import { dataPath, skipUnlessData } from "../../helpers/data.js";

const REF = ["reference", "delong", "delong_pROC.json"];
const TOL = 1e-12;

interface Table {
  header: string[];
  rows: number[][];
}
function readCsv(path: string): Table {
  const lines = readFileSync(path, "utf8").trim().split(/\r?\n/);
  return { header: lines[0].split(","), rows: lines.slice(1).map((l) => l.split(",").map(Number)) };
}
function col(t: Table, name: string): Float64Array {
  const j = t.header.indexOf(name);
  assert.ok(j >= 0, `column ${name} missing`);
  return Float64Array.from(t.rows, (r) => r[j]);
}

/** Relative-error check that records every miss with both values. */
function makeChecker() {
  const misses: string[] = [];
  let maxRel = 0;
  let worst = "";
  return {
    check(what: string, got: number, want: number, tol = TOL) {
      const rel = want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
      if (rel > maxRel) {
        maxRel = rel;
        worst = what;
      }
      if (!(rel <= tol)) misses.push(`${what}: got ${got} expected ${want} (rel ${rel.toExponential(2)})`);
    },
    done(label: string) {
      console.log(`${label}: max relative error ${maxRel.toExponential(2)} (${worst})`);
      if (misses.length) console.log(misses.join("\n"));
      assert.equal(misses.length, 0, misses.join("; "));
    },
  };
}

function loadScores(): { y: Float64Array; score: (name: string) => Float64Array } {
  const bc = readCsv(dataPath("reference", "classification", "breast_cancer_wisconsin.csv") as string);
  const pred = readCsv(dataPath("reference", "classification", "pred_l2_C0.1_lbfgs.csv") as string);
  const y = col(bc, "malignant");
  assert.deepEqual(Array.from(col(pred, "y")), Array.from(y), "prediction rows align with the data rows");
  return { y, score: (name) => (name === "l2_C0.1_lbfgs_prob" ? col(pred, "prob") : col(bc, name)) };
}

/** O(m n) textbook placements (pROC's own loop), to check the O(n log n) version. */
function brutePlacements(s: ArrayLike<number>, y: ArrayLike<number>) {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < s.length; i++) (y[i] === 1 ? xs : ys).push(s[i]);
  const X = xs.map((x) => ys.reduce((a, v) => a + (x > v ? 1 : x === v ? 0.5 : 0), 0) / ys.length);
  const Y = ys.map((v) => xs.reduce((a, x) => a + (x > v ? 1 : x === v ? 0.5 : 0), 0) / xs.length);
  return { X, Y };
}

describe("DeLong vs pROC 1.18.0", { skip: skipUnlessData(...REF) }, () => {
  const ref = () => JSON.parse(readFileSync(dataPath(...REF) as string, "utf8"));

  test("single: AUC, DeLong variance, 95% CI", () => {
    const { y, score } = loadScores();
    const c = makeChecker();
    for (const r of ref().single) {
      const s = score(r.score);
      const v = delongCi(s, y);
      assert.equal(v.nCases, r.n_cases);
      assert.equal(v.nControls, r.n_controls);
      c.check(`${r.score} auc`, v.auc, r.auc);
      c.check(`${r.score} var`, v.variance, r.var_delong);
      c.check(`${r.score} ci lower`, v.lower, r.ci95_lower);
      c.check(`${r.score} ci upper`, v.upper, r.ci95_upper);
    }
    c.done("DeLong single");
  });

  test("paired: var, cov, z, p, CI of the difference", () => {
    const { y, score } = loadScores();
    const c = makeChecker();
    for (const r of ref().paired) {
      const t = delongPairedTest(score(r.score1), score(r.score2), y);
      const tag = `${r.score1} vs ${r.score2}`;
      c.check(`${tag} auc1`, t.auc1, r.auc1);
      c.check(`${tag} auc2`, t.auc2, r.auc2);
      c.check(`${tag} var1`, t.var1, r.var1);
      c.check(`${tag} var2`, t.var2, r.var2);
      c.check(`${tag} cov12`, t.cov, r.cov12);
      c.check(`${tag} z`, t.z, r.z);
      c.check(`${tag} p`, t.pValue, r.p_value);
      c.check(`${tag} ci lower`, t.lower, r.diff_ci95[0]);
      c.check(`${tag} ci upper`, t.upper, r.diff_ci95[1]);
      const cv = delongCovariance([score(r.score1), score(r.score2)], y);
      c.check(`${tag} covariance matrix [0,1]`, cv.cov[1], r.cov12);
    }
    c.done("DeLong paired");
  });

  test("unpaired: Welch-type t, df, p (rows 1-284 vs 285-569)", () => {
    const { y, score } = loadScores();
    const r = ref().unpaired;
    const s = score("worst concave points");
    const t = delongUnpairedTest(s.subarray(0, 284), y.subarray(0, 284), s.subarray(284), y.subarray(284));
    const c = makeChecker();
    c.check("auc1", t.auc1, r.auc1);
    c.check("auc2", t.auc2, r.auc2);
    c.check("var1", t.var1, r.var1);
    c.check("var2", t.var2, r.var2);
    c.check("statistic", t.statistic, r.statistic);
    c.check("df", t.df, r.df);
    c.check("p", t.pValue, r.p_value);
    c.done("DeLong unpaired");
  });
});

describe("DeLong internals", () => {
  test("O(n log n) placements equal the O(mn) definition with ties", () => {
    const rng = new Random(11);
    for (let rep = 0; rep < 30; rep++) {
      const n = 4 + rng.int(80);
      const s = new Float64Array(n);
      const y = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        s[i] = rep % 3 === 0 ? rng.int(5) : rng.normal();
        y[i] = i % 2 === 0 ? 1 : rng.next() < 0.3 ? 1 : 0;
      }
      y[1] = 0;
      const p = delongPlacements(s, y);
      const b = brutePlacements(s, y);
      assert.deepEqual(Array.from(p.cases), b.X);
      assert.deepEqual(Array.from(p.controls), b.Y);
    }
  });

  test("identical curves: z = 0, p = 1 (pROC special case)", () => {
    const s = [0.1, 0.5, 0.3, 0.9, 0.4, 0.8];
    const y = [0, 1, 0, 1, 0, 1];
    const t = delongPairedTest(s, s, y);
    assert.equal(t.z, 0);
    assert.equal(t.pValue, 1);
  });

  test("errors", () => {
    assert.throws(
      () => delongVariance([1, 2, 3], [1, 0, 0]),
      (e) => e instanceof DataError && /at least 2 cases/.test(e.message),
    );
    assert.throws(() => delongPairedTest([1, 2, 3, 4], [1, 2, 3], [1, 0, 1, 0]), DataError);
    assert.throws(() => delongCi([1, 2, 3, 4], [1, 0, 1, 0], { level: 1.5 }), DataError);
  });

  test("speed: 10 000 cases, variance and paired test", () => {
    const rng = new Random(5);
    const n = 10_000;
    const y = new Uint8Array(n);
    const s1 = new Float64Array(n);
    const s2 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = rng.next() < 0.3 ? 1 : 0;
      s1[i] = rng.normal() + y[i];
      s2[i] = s1[i] + rng.normal();
    }
    delongPairedTest(s1, s2, y); // warm-up (JIT)
    // best of 3 runs, so that a busy CI machine does not make the check flaky
    let tVar = Number.POSITIVE_INFINITY;
    let tPaired = Number.POSITIVE_INFINITY;
    let v = delongVariance(s1, y);
    let p = delongPairedTest(s1, s2, y);
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      v = delongVariance(s1, y);
      const t1 = performance.now();
      p = delongPairedTest(s1, s2, y);
      const t2 = performance.now();
      tVar = Math.min(tVar, t1 - t0);
      tPaired = Math.min(tPaired, t2 - t1);
    }
    console.log(
      `DeLong n=10000: variance ${tVar.toFixed(1)} ms, paired test ${tPaired.toFixed(1)} ms (best of 3)`,
    );
    assert.ok(v.variance > 0 && p.pValue < 1e-6);
    assert.ok(tPaired < 100, `paired DeLong on 10 000 cases took ${tPaired.toFixed(1)} ms`);
  });
});
