/**
 * Univariate tests vs the scipy / R goldens on Breast Cancer Wisconsin (../shared/data/reference/univariate,
 * README there: exact calls; tolerance 1e-10 relative on statistics and p-values).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { DataError, InputError } from "../../../src/errors.js";
import { readTableFile } from "../../../src/io/table-file.js";
import { associate, associateMatrix, associationTable } from "../../../src/stats/tests/associate.js";
import { hypergeometricLogPmf } from "../../../src/stats/core/distributions.js";
import { adjustPValues } from "../../../src/stats/tests/fdr.js";
import { rankAverage } from "../../../src/stats/core/ranks.js";
import { type Table, tableFromColumns } from "../../../src/stats/tables/table.js";
import {
  chiSquareTest,
  fisherExact,
  kendallTauB,
  kruskalWallis,
  mannWhitneyU,
  oneWayAnova,
  pearson,
  spearman,
  studentTTest,
  tTest,
  welchTTest,
} from "../../../src/stats/tests/univariate.js";
import { dataPath, repoRoot, skipUnlessData } from "../../helpers/data.js";

const TOL = 1e-10;

class Check {
  misses: string[] = [];
  max = new Map<string, number>();
  constructor(readonly tol = TOL) {}
  rel(what: string, label: string, got: number, want: number, tol = this.tol): void {
    const err = got === want ? 0 : Math.abs(got - want) / Math.abs(want);
    this.max.set(what, Math.max(this.max.get(what) ?? 0, err));
    if (!(err <= tol))
      this.misses.push(`${label} ${what}: got ${got}, want ${want} (rel err ${err.toExponential(2)})`);
  }
  done(name: string): void {
    const summary = [...this.max].map(([k, v]) => `${k} ${v.toExponential(1)}`).join(", ");
    process.stderr.write(`${name}: max rel err: ${summary}\n`);
    if (this.misses.length) assert.fail(`${name}: ${this.misses.length} misses\n${this.misses.join("\n")}`);
  }
}

const UNI = ["reference", "univariate"] as const;
const WDBC = ["reference", "classification", "breast_cancer_wisconsin.csv"] as const;
const skip = skipUnlessData(...UNI) || skipUnlessData(...WDBC);

let wdbc: Table | undefined;
async function data(): Promise<Table> {
  wdbc ??= await readTableFile(dataPath(...WDBC)!);
  return wdbc;
}
function golden(file: string) {
  return JSON.parse(readFileSync(dataPath(...UNI, file)!, "utf8"));
}
function split(x: Float64Array, y: Float64Array): [number[], number[]] {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < x.length; i++) (y[i] === 1 ? pos : neg).push(x[i]);
  return [pos, neg];
}

describe("univariate tests vs scipy 1.17 / R 4.2 goldens", { skip }, () => {
  test("per feature: Mann-Whitney, Welch, Student, Pearson, Spearman (30 features)", async () => {
    const t = await data();
    const g = golden("univariate_scipy.json");
    const r = golden("univariate_R_crosscheck.json");
    const y = t.numeric("malignant");
    const c = new Check();
    g.per_feature.forEach((f: Record<string, number | string>, k: number) => {
      const name = f.feature as string;
      const x = t.numeric(name);
      const [pos, neg] = split(x, y);
      assert.equal(pos.length, f.n_malignant);
      const mw = mannWhitneyU(pos, neg);
      assert.equal(mw.U, f.mwu_U_malignant, `${name} U`);
      assert.equal(mw.tieGroups, f.n_tie_groups, `${name} tie groups`);
      c.rel("mwu_p", name, mw.p, f.mwu_p as number);
      c.rel("auc", name, mw.auc, (f.mwu_U_malignant as number) / (pos.length * neg.length));
      const w = welchTTest(pos, neg);
      c.rel("welch_t", name, w.t, f.welch_t as number);
      c.rel("welch_df", name, w.df, f.welch_df as number);
      c.rel("welch_p", name, w.p, f.welch_p as number);
      const s = studentTTest(pos, neg);
      c.rel("student_t", name, s.t, f.student_t as number);
      c.rel("student_p", name, s.p, f.student_p as number);
      const pr = pearson(x, y);
      c.rel("pearson_r", name, pr.r, f.pearson_r_vs_malignant as number);
      c.rel("pearson_p", name, pr.p, f.pearson_p as number);
      const sp = spearman(x, y);
      c.rel("spearman_rho", name, sp.r, f.spearman_rho_vs_malignant as number);
      c.rel("spearman_p", name, sp.p, f.spearman_p as number);
      // R cross-check (15 significant digits printed)
      const rf = r.per_feature[k];
      assert.equal(rf.feature, name);
      assert.equal(mw.U, rf.W);
      c.rel("R wilcox_p", name, mw.p, rf.wilcox_p);
      c.rel("R welch_p", name, w.p, rf.welch_p);
      c.rel("R pearson_p", name, pr.p, rf.pearson_p);
      c.rel("R spearman_p", name, sp.p, rf.spearman_p);
    });
    c.done("per-feature tests");
  });

  test("correlation pairs: Pearson, Spearman, Kendall tau-b", async () => {
    const t = await data();
    const g = golden("univariate_scipy.json");
    const c = new Check();
    for (const pair of g.correlation_pairs) {
      const label = `${pair.x} ~ ${pair.y}`;
      const x = t.numeric(pair.x);
      const y = t.numeric(pair.y);
      const pr = pearson(x, y);
      const sp = spearman(x, y);
      const kt = kendallTauB(x, y);
      c.rel("pearson_r", label, pr.r, pair.pearson_r);
      c.rel("spearman_rho", label, sp.r, pair.spearman_rho);
      c.rel("kendall_tau_b", label, kt.tau, pair.kendall_tau_b);
      c.rel("kendall_p", label, kt.p, pair.kendall_p);
      // scipy underflows to 0 for r ~ 0.998 (true p ~ 1e-700): then ours must be 0 too
      for (const [what, got, want] of [
        ["pearson_p", pr.p, pair.pearson_p],
        ["spearman_p", sp.p, pair.spearman_p],
      ] as const) {
        if (want === 0) assert.equal(got, 0, `${label} ${what}`);
        else c.rel(what, label, got, want);
      }
    }
    c.done("correlation pairs");
  });

  test("2 x 2 tables: chi-square (Yates / none), Fisher exact", () => {
    const g = golden("univariate_scipy.json");
    const r = golden("univariate_R_crosscheck.json");
    const c = new Check();
    g.two_by_two.forEach((tb: Record<string, unknown>, k: number) => {
      const name = tb.name as string;
      const table = tb.table as number[][];
      const yates = chiSquareTest(table);
      const raw = chiSquareTest(table, { correction: false });
      assert.equal(yates.yates, true);
      if (tb.chi2_yates === 0) assert.equal(yates.statistic, 0, `${name} chi2_yates`);
      else c.rel("chi2_yates", name, yates.statistic, tb.chi2_yates as number);
      c.rel("p_yates", name, yates.p, tb.p_yates as number);
      c.rel("chi2", name, raw.statistic, tb.chi2_no_correction as number);
      c.rel("p", name, raw.p, tb.p_no_correction as number);
      assert.equal(raw.df, tb.dof);
      (tb.expected as number[][]).forEach((row, i) => {
        row.forEach((e, j) => {
          c.rel("expected", name, raw.expected[i][j], e);
        });
      });
      const f = fisherExact(table);
      c.rel("fisher_sample_or", name, f.sampleOddsRatio, tb.fisher_sample_odds_ratio as number);
      c.rel("fisher_p", name, f.p, tb.fisher_p_two_sided as number);
      // R (the table is stored transposed there; both tests are invariant to transposition)
      const rt = r.two_by_two[k];
      const ft = fisherExact(rt.table);
      c.rel("R fisher_p", name, ft.p, rt.fisher_p);
      c.rel("R chisq_yates_p", name, chiSquareTest(rt.table).p, rt.chisq_yates_p);
      c.rel("R chisq_nocorr_p", name, chiSquareTest(rt.table, { correction: false }).p, rt.chisq_nocorr_p);
      c.rel("transpose OR", name, ft.oddsRatio, f.oddsRatio, 1e-12);
    });
    c.done("2 x 2 tables");
  });

  test("Fisher conditional MLE and exact CI: solve their equations; R's uniroot values are a known deviation", () => {
    const known = JSON.parse(readFileSync(`${repoRoot}/test/known-deviations/stats.json`, "utf8"));
    const dev = known.deviations.find(
      (d: { id: string }) => d.id === "fisher-conditional-mle-uniroot-tolerance",
    );
    const r = golden("univariate_R_crosscheck.json");
    const c = new Check(1e-10);
    for (const rt of r.two_by_two) {
      const f = fisherExact(rt.table);
      // the estimating equations, checked directly with the hypergeometric pmf
      const [[a, b], [cc, d]] = rt.table as number[][];
      const m = a + cc;
      const k = a + b;
      const N = a + b + cc + d;
      const lo = Math.max(0, k - (b + d));
      const hi = Math.min(k, m);
      const moments = (or: number) => {
        const w: number[] = [];
        for (let s = lo; s <= hi; s++) w.push(hypergeometricLogPmf(s, m, k, N) + s * Math.log(or));
        const mx = Math.max(...w);
        const e = w.map((v) => Math.exp(v - mx));
        const tot = e.reduce((p, q) => p + q, 0);
        const prob = e.map((v) => v / tot);
        return {
          mean: prob.reduce((p, q, i) => p + q * (lo + i), 0),
          le: prob.filter((_, i) => lo + i <= a).reduce((p, q) => p + q, 0),
          ge: prob.filter((_, i) => lo + i >= a).reduce((p, q) => p + q, 0),
        };
      };
      c.rel("E[X; MLE] = x", rt.name, moments(f.oddsRatio).mean, a, 1e-12);
      c.rel("P(X >= x; L) = 0.025", rt.name, moments(f.ci[0]).ge, 0.025, 1e-10);
      c.rel("P(X <= x; U) = 0.025", rt.name, moments(f.ci[1]).le, 0.025, 1e-10);
      const ours = [f.oddsRatio, f.ci[0], f.ci[1]];
      const refs = [rt.fisher_conditional_mle_or, rt.fisher_or_ci95[0], rt.fisher_or_ci95[1]];
      ["conditional MLE odds ratio", "95% CI lower", "95% CI upper"].forEach((q, i) => {
        const v = dev.values.find(
          (x: { table: string; quantity: string }) => x.table === rt.name && x.quantity === q,
        );
        assert.ok(v, `known deviation recorded for ${rt.name} ${q}`);
        assert.equal(v.reference, refs[i], `${rt.name} ${q}: the R reference changed`);
        c.rel(`${q} = correct`, rt.name, ours[i], v.correct);
        const diff = Math.abs(ours[i] - refs[i]) / Math.abs(refs[i]);
        assert.ok(
          Math.abs(diff - v.recordedRelDiff) <= 0.05 * v.recordedRelDiff,
          `${rt.name} ${q}: deviation from R ${diff.toExponential(3)} != recorded ${v.recordedRelDiff} (ours ${ours[i]}, R ${refs[i]})`,
        );
      });
    }
    c.done("Fisher MLE / CI");
  });

  test("associate(): Mann-Whitney + Welch per feature, BH across features = statsmodels", async () => {
    const t = await data();
    const g = golden("univariate_scipy.json");
    const sm = golden("multipletests_statsmodels.json");
    const res = associate(t, "malignant", { exclude: ["target"] });
    assert.equal(res.targetType, "binary");
    assert.deepEqual(res.levels, ["0", "1"]);
    const primary = res.rows.filter((r) => r.role === "primary");
    const secondary = res.rows.filter((r) => r.role === "secondary");
    assert.equal(primary.length, 30);
    assert.equal(secondary.length, 30);
    const c = new Check();
    primary.forEach((row, k) => {
      const f = g.per_feature[k];
      assert.equal(row.feature, f.feature);
      assert.equal(row.test, "mann-whitney");
      assert.equal(row.statistic, f.mwu_U_malignant);
      assert.equal(row.n, 569);
      c.rel("p", row.feature, row.p, f.mwu_p);
      c.rel("p_adj (BH)", row.feature, row.pAdjusted, sm.results["mwu_p:fdr_bh"].p_adjusted[k]);
      c.rel("welch p", row.feature, secondary[k].p, f.welch_p);
      c.rel(
        "welch p_adj (BH)",
        row.feature,
        secondary[k].pAdjusted,
        sm.results["welch_p:fdr_bh"].p_adjusted[k],
      );
    });
    const holm = associate(t, "malignant", { exclude: ["target"], adjust: "holm", secondary: false });
    holm.rows.forEach((row, k) => {
      c.rel("p_adj (holm)", row.feature, row.pAdjusted, sm.results["mwu_p:holm"].p_adjusted[k]);
    });
    c.done("associate");
    const out = associationTable(res);
    assert.deepEqual(out.names, [
      "feature",
      "test",
      "statistic",
      "p",
      "p_adj",
      "effect_size",
      "effect",
      "n",
      "note",
    ]);
    assert.equal(out.nRows, 60);
  });

  test("associate(): continuous target -> Spearman + Pearson (= scipy vs malignant as numeric)", async () => {
    const t = await data();
    const g = golden("univariate_scipy.json");
    const res = associate(t, "malignant", { exclude: ["target"], targetType: "continuous" });
    const c = new Check();
    res.rows.forEach((row) => {
      const f = g.per_feature.find((q: { feature: string }) => q.feature === row.feature);
      if (row.test === "spearman") c.rel("spearman_p", row.feature, row.p, f.spearman_p);
      else c.rel("pearson_p", row.feature, row.p, f.pearson_p);
    });
    c.done("associate continuous");
  });
});

describe("univariate tests: properties and edge cases", () => {
  test("ranks with ties", () => {
    const r = rankAverage([3, 1, 4, 1, 5, 9, 2, 6, 5]);
    assert.deepEqual(Array.from(r.ranks), [4, 1.5, 5, 1.5, 6.5, 9, 3, 8, 6.5]);
    assert.equal(r.tieTerm, 12);
    assert.equal(r.tieGroups, 2);
  });

  test("Mann-Whitney: symmetric, one-sided tails, AUC/Cliff", () => {
    const x = [1.1, 2.3, 3.3, 4.8, 5.5, 6.1];
    const y = [0.5, 1.1, 2.0, 2.2, 3.0];
    const a = mannWhitneyU(x, y);
    const b = mannWhitneyU(y, x);
    assert.equal(a.U + b.U, x.length * y.length);
    assert.equal(a.p, b.p);
    const gt = mannWhitneyU(x, y, { alternative: "greater" });
    const lt = mannWhitneyU(x, y, { alternative: "less" });
    assert.ok(gt.p < 0.5 && lt.p > 0.5);
    assert.ok(Math.abs(a.p - 2 * gt.p) < 1e-15);
    assert.equal(a.cliffsDelta, 2 * a.auc - 1);
    // all values identical: no information
    assert.ok(Number.isNaN(mannWhitneyU([1, 1], [1, 1]).p));
    assert.throws(() => mannWhitneyU([], [1]), DataError);
    assert.throws(() => mannWhitneyU([1, Number.NaN], [1]), InputError);
  });

  test("t tests: Welch = Student with equal sizes and variances; CI contains the difference", () => {
    const x = [5.1, 4.9, 6.2, 5.8, 6.0, 5.5];
    const y = [4.1, 4.4, 5.0, 4.8, 3.9, 4.2];
    const w = welchTTest(x, y);
    const s = studentTTest(x, y);
    assert.ok(Math.abs(w.t - s.t) < 1e-14);
    assert.ok(w.ci[0] < w.meanDifference && w.meanDifference < w.ci[1]);
    const g = tTest(x, y, { alternative: "greater" });
    assert.ok(Math.abs(g.p - w.p / 2) < 1e-15);
    assert.throws(() => welchTTest([1], [1, 2]), DataError);
  });

  test("Kruskal-Wallis with 2 groups = Mann-Whitney without continuity correction (z^2 = H)", () => {
    const x = [1.1, 2.3, 3.3, 4.8, 5.5, 6.1, 2.3];
    const y = [0.5, 1.1, 2.0, 2.2, 3.0];
    const kw = kruskalWallis([x, y]);
    const mw = mannWhitneyU(x, y, { continuity: false });
    assert.ok(Math.abs(kw.H - mw.z * mw.z) < 1e-12, `${kw.H} vs ${mw.z ** 2}`);
    assert.ok(Math.abs(kw.p - mw.p) < 1e-12);
    assert.equal(kw.df, 1);
  });

  test("Kruskal-Wallis with ties, 3 groups: H = (n - 1) SS_between(ranks) / SS_total(ranks)", () => {
    const groups = [
      [2.1, 3.3, 3.3, 4.0, 5.2],
      [1.0, 2.1, 2.1, 3.0],
      [4.0, 6.1, 7.2, 3.3, 8.0, 6.1],
    ];
    const kw = kruskalWallis(groups);
    const all = groups.flat();
    const r = rankAverage(all).ranks;
    const n = all.length;
    const mean = (n + 1) / 2;
    let sst = 0;
    for (const v of r) sst += (v - mean) ** 2;
    let ssb = 0;
    let o = 0;
    for (const g of groups) {
      let s = 0;
      for (let i = 0; i < g.length; i++) s += r[o + i];
      o += g.length;
      ssb += g.length * (s / g.length - mean) ** 2;
    }
    assert.ok(Math.abs(kw.H - ((n - 1) * ssb) / sst) < 1e-12, `${kw.H} vs ${((n - 1) * ssb) / sst}`);
    assert.equal(kw.df, 2);
    assert.throws(
      () =>
        chiSquareTest([
          [1, 0],
          [2, 0],
        ]),
      /column 2 of the table is empty/,
    );
  });

  test("ANOVA with 2 groups: F = Student t^2", () => {
    const x = [5.1, 4.9, 6.2, 5.8, 6.0, 5.5];
    const y = [4.1, 4.4, 5.0, 4.8, 3.9, 4.2, 4.0];
    const codes = [...x.map(() => 0), ...y.map(() => 1)];
    const a = oneWayAnova([...x, ...y], codes, 2);
    const s = studentTTest(x, y);
    assert.ok(Math.abs(a.F - s.t * s.t) < 1e-11);
    assert.ok(Math.abs(a.p - s.p) / s.p < 1e-12);
  });

  test("Kendall tau-b: perfect agreement, reversal, and the O(n log n) count vs brute force", () => {
    assert.equal(kendallTauB([1, 2, 3, 4], [10, 20, 30, 40]).tau, 1);
    assert.equal(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1]).tau, -1);
    const x = [1, 2, 2, 3, 5, 5, 5, 7, 8, 9, 1];
    const y = [2, 1, 2, 4, 4, 3, 3, 9, 6, 6, 0];
    let s = 0;
    let tx = 0;
    let ty = 0;
    const n = x.length;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const a = Math.sign(x[i] - x[j]);
        const b = Math.sign(y[i] - y[j]);
        s += a * b;
        if (a !== 0) tx++;
        if (b !== 0) ty++;
      }
    assert.ok(Math.abs(kendallTauB(x, y).tau - s / Math.sqrt(tx * ty)) < 1e-15);
  });

  test("Fisher exact: hand example (R fisher.test(matrix(c(3,1,1,3),2)) p = 0.4857)", () => {
    const f = fisherExact([
      [3, 1],
      [1, 3],
    ]);
    // P(X = 0..4) = (1, 16, 36, 16, 1) / 70; the tables at most as likely as the observed one (x = 3): 34 / 70
    assert.ok(Math.abs(f.p - 34 / 70) < 1e-14);
    assert.equal(f.sampleOddsRatio, 9);
    assert.equal(
      fisherExact([
        [5, 0],
        [0, 5],
      ]).oddsRatio,
      Number.POSITIVE_INFINITY,
    );
    assert.throws(
      () =>
        fisherExact([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      /2 x 2/,
    );
  });

  test("associate(): categorical features and targets, missing values, notes", () => {
    const n = 40;
    const grade: string[] = [];
    const f1 = new Float64Array(n);
    const sex: (string | null)[] = [];
    const y: (string | null)[] = [];
    for (let i = 0; i < n; i++) {
      grade.push(["low", "mid", "high"][i % 3]);
      f1[i] = i % 3 === 0 ? i : i % 3 === 1 ? i + 50 : Number.NaN;
      sex.push(i % 2 ? "F" : "M");
      y.push(i === 0 ? null : i % 4 < 2 ? "mut" : "wt");
    }
    const t = tableFromColumns({
      id: Array.from({ length: n }, (_, i) => `c${i}`),
      grade,
      f1,
      sex,
      constant: new Float64Array(n),
      y,
    });
    const res = associate(t, "y", { id: "id", positive: "mut" });
    assert.equal(res.targetType, "binary");
    assert.deepEqual(res.levels, ["wt", "mut"]);
    const by = (f: string, test: string) => res.rows.find((r) => r.feature === f && r.test === test)!;
    assert.equal(by("grade", "chi-square").role, "primary");
    assert.equal(by("sex", "fisher").role, "primary");
    assert.equal(by("sex", "chi-square").role, "secondary");
    assert.equal(by("f1", "mann-whitney").n, 26); // f1 missing every third row, target missing in row 0
    assert.equal(by("constant", "mann-whitney").note, "constant feature");
    assert.ok(Number.isNaN(by("constant", "mann-whitney").p));
    // multiclass target
    const mc = associate(t, "grade", { id: "id", exclude: ["y"] });
    assert.equal(mc.targetType, "categorical");
    assert.equal(mc.rows.find((r) => r.feature === "f1")!.test, "kruskal-wallis");
    // matrix form
    const m = associateMatrix(
      [f1],
      ["f1"],
      Float64Array.from({ length: n }, (_, i) => i),
    );
    assert.equal(m.rows[0].test, "spearman");
    assert.throws(() => associate(t, "nope"), /target column "nope" not found/);
    assert.throws(() => associate(t, "constant"), /1 distinct value/);
    // p_adj uses BH within each family
    const ps = res.rows.filter((r) => r.role === "primary").map((r) => r.p);
    const adj = adjustPValues(ps, "BH");
    res.rows
      .filter((r) => r.role === "primary")
      .forEach((r, k) => {
        assert.ok(Object.is(r.pAdjusted, adj[k]));
      });
  });
});
