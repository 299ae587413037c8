import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  clustersVsCategorical,
  clustersVsContinuous,
  clustersVsSurvival,
  fisherExactRxC,
} from "../../../src/stats/clustering/clusterAssociation.js";
import { fisherExact } from "../../../src/stats/tests/univariate.js";
import { fixturePath } from "../../helpers/data.js";

describe("Fisher's exact test, r x c", () => {
  // margins rows (3, 2), columns (1, 2, 2): P(table) = 3! 2! 1! 2! 2! / (5! prod x!) = 0.4 / prod x!
  // the five tables have P = 0.2, 0.2, 0.1, 0.4, 0.1 (worked out by hand in the test comments)
  it("hand-enumerated 2 x 3 tables: p = sum of P <= P(observed)", () => {
    const a = fisherExactRxC([
      [1, 0, 2],
      [0, 2, 0],
    ]);
    assert.equal(a.method, "exact");
    assert.equal(a.tables, 5);
    assert.ok(Math.abs(a.p - 0.2) < 1e-14, `p ${a.p}`);
    const b = fisherExactRxC([
      [0, 1, 2],
      [1, 1, 0],
    ]);
    assert.ok(Math.abs(b.p - 0.6) < 1e-14, `p ${b.p}`);
    const c = fisherExactRxC([
      [1, 1, 1],
      [0, 1, 1],
    ]);
    assert.ok(Math.abs(c.p - 1) < 1e-14, `p ${c.p}`);
  });
  it("2 x 2 agrees with the 2 x 2 test of univariate.ts", () => {
    for (const t of [
      [
        [22, 2],
        [5, 1],
      ],
      [
        [10, 3],
        [2, 15],
      ],
      [
        [0, 5],
        [6, 1],
      ],
    ]) {
      const a = fisherExactRxC(t).p;
      const b = fisherExact(t).p;
      assert.ok(Math.abs(a - b) <= 1e-13 * Math.max(1, b), `${JSON.stringify(t)}: ${a} vs ${b}`);
    }
  });
  it("Monte Carlo (forced) estimates the exact p within 4 standard errors", () => {
    const r = fisherExactRxC(
      [
        [1, 0, 2],
        [0, 2, 0],
      ],
      { simulate: true, B: 20000, seed: 3 },
    );
    assert.equal(r.method, "monte-carlo");
    const se = Math.sqrt((0.2 * 0.8) / 20000);
    assert.ok(Math.abs(r.p - 0.2) < 4 * se, `p ${r.p}`);
  });
  it("falls back to Monte Carlo when there are too many tables", () => {
    const r = fisherExactRxC(
      [
        [10, 12, 9],
        [8, 11, 14],
        [13, 9, 10],
      ],
      { maxTables: 1000, B: 2000 },
    );
    assert.equal(r.method, "monte-carlo");
    assert.ok(r.p > 0 && r.p <= 1);
  });
});

describe("clusters vs variables", () => {
  it("categorical: table layout, missing labels dropped, 2 x 2 odds ratio", () => {
    const r = clustersVsCategorical(
      [1, 1, 1, 2, 2, 2, 2],
      ["wt", "wt", "mut", "mut", "mut", null, "mut"],
      "IDH",
    );
    assert.deepEqual(r.clusters, ["1", "2"]);
    assert.deepEqual(r.levels, ["mut", "wt"]);
    assert.deepEqual(r.table, [
      [1, 2],
      [3, 0],
    ]);
    assert.equal(r.n, 6);
    assert.equal(r.nMissing, 1);
    assert.ok(r.oddsRatio !== undefined);
    assert.ok(r.warnings.length > 0, "small expected counts are flagged");
  });
  it("continuous: medians per cluster", () => {
    const r = clustersVsContinuous([1, 1, 1, 2, 2, 3, 3, 3], [1, 2, 3, 10, 20, 5, Number.NaN, 7], "age");
    assert.deepEqual(r.median, [2, 15, 6]);
    assert.deepEqual(r.count, [3, 2, 2]);
    assert.equal(r.nMissing, 1);
    assert.equal(r.df, 2);
  });
  it("survival: log-rank on the clusters, missing rows dropped", () => {
    const r = clustersVsSurvival([1, 1, 1, 2, 2, 2], [1, 2, 3, 4, 5, Number.NaN], [1, 1, 0, 1, 0, 1]);
    assert.equal(r.n, 5);
    assert.equal(r.logRank.df, 1);
    assert.ok(r.p > 0 && r.p <= 1);
  });
});

interface TestsGolden {
  cluster3: number[];
  cluster2: number[];
  label: string[];
  binary: string[];
  contingency: Record<
    string,
    {
      table: number[][];
      chisq: number;
      df: number;
      chisq_p: number;
      fisher_p: number;
      chisq_yates?: number;
      chisq_yates_p?: number;
    }
  >;
}

const file = ["reference", "clustering", "cluster_tests_R.json"];
describe("clusters vs labels: R chisq.test / fisher.test", { skip: false }, () => {
  it("k x m tables (3 x 4, 3 x 2, 2 x 2): chi-square statistic and p, Fisher p (1e-10 rel)", () => {
    const g = JSON.parse(readFileSync(fixturePath(...file), "utf8")) as TestsGolden;
    const misses: string[] = [];
    let maxErr = 0;
    const close = (what: string, ours: number, ref: number, tol = 1e-10) => {
      const e = Math.abs(ours - ref) / Math.max(Math.abs(ref), 1e-300);
      maxErr = Math.max(maxErr, e);
      if (!(e <= tol)) misses.push(`${what}: ours ${ours} R ${ref}`);
    };
    const cases: [string, number[], string[], boolean][] = [
      ["k3_by_label4", g.cluster3, g.label, false],
      ["k3_by_binary", g.cluster3, g.binary, false],
      ["k2_by_binary", g.cluster2, g.binary, false],
    ];
    for (const [name, cl, lab, correction] of cases) {
      const want = g.contingency[name];
      const r = clustersVsCategorical(cl, lab, name, { correction });
      assert.deepEqual(r.table, want.table, `${name} table`);
      close(`${name} chisq`, r.chiSquare.statistic, want.chisq);
      close(`${name} chisq p`, r.chiSquare.p, want.chisq_p);
      close(`${name} fisher p`, r.fisherP, want.fisher_p);
      assert.equal(r.fisherMethod, "exact");
      if (want.chisq_yates !== undefined) {
        const y = clustersVsCategorical(cl, lab, name);
        close(`${name} chisq Yates`, y.chiSquare.statistic, want.chisq_yates);
        close(`${name} chisq Yates p`, y.chiSquare.p, want.chisq_yates_p as number);
      }
    }
    console.log(`clusters vs labels vs R: max rel error ${maxErr.toExponential(2)}`);
    assert.deepEqual(misses, [], misses.join("\n"));
  });
});
