import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { DataError, InputError } from "../../../src/errors.js";
import {
  alignExpression,
  differentialExpression,
  expressionFromTable,
} from "../../../src/stats/genomics/expression.js";
import { parseCsv } from "../../../src/stats/tables/table.js";
import { mannWhitneyU, tTest } from "../../../src/stats/tests/univariate.js";
import { fixturePath } from "../../helpers/data.js";

describe("expression matrices", () => {
  it("genes-by-samples and samples-by-genes give the same matrix", () => {
    const a = expressionFromTable(parseCsv("gene,s1,s2,s3\nTP53,1,2,3\nEGFR,4,5,NA\n"), "genes-by-samples");
    const b = expressionFromTable(parseCsv("id,TP53,EGFR\ns1,1,4\ns2,2,5\ns3,3,\n"), "samples-by-genes");
    for (const m of [a, b]) {
      assert.deepEqual(m.genes, ["TP53", "EGFR"]);
      assert.deepEqual(m.samples, ["s1", "s2", "s3"]);
      assert.deepEqual(Array.from(m.values.slice(0, 5)), [1, 2, 3, 4, 5]);
      assert.ok(Number.isNaN(m.values[5]));
    }
  });
  it("align to case ids: order, unmatched on both sides, no overlap is a DataError", () => {
    const e = expressionFromTable(parseCsv("gene,s1,s2,s3\nG,1,2,3\n"), "genes-by-samples");
    const al = alignExpression(e, ["s3", "x", "s1"]);
    assert.deepEqual(al.expr.samples, ["s3", "s1"]);
    assert.deepEqual(Array.from(al.expr.values), [3, 1]);
    assert.deepEqual(Array.from(al.caseIndex), [0, 2]);
    assert.deepEqual(al.missingInExpression, ["x"]);
    assert.deepEqual(al.notClustered, ["s2"]);
    assert.throws(
      () => alignExpression(e, ["a", "b"]),
      (err: unknown) => err instanceof DataError && /no overlap/.test(err.message),
    );
  });
  it("duplicate genes are an InputError", () => {
    assert.throws(() => expressionFromTable(parseCsv("gene,s1\nG,1\nG,2\n"), "genes-by-samples"), InputError);
  });
});

describe("differential expression between clusters", () => {
  const e = expressionFromTable(
    parseCsv("gene,a,b,c,d,e,f\nUP,1,2,3,7,8,9\nFLAT,5,5,5,5,5,5\nNA1,1,NA,2,3,4,5\n"),
    "genes-by-samples",
  );
  it("2 clusters: Mann-Whitney of the second cluster vs the first, logFC = mean2 - mean1, AUC", () => {
    const r = differentialExpression(e, [1, 1, 1, 2, 2, 2]);
    assert.equal(r.test, "mann-whitney");
    const up = r.rows[0];
    const mw = mannWhitneyU([7, 8, 9], [1, 2, 3]);
    assert.equal(up.statistic, mw.U);
    assert.equal(up.p, mw.p);
    assert.equal(up.logFC, 6);
    assert.equal(up.effect, 1);
    assert.deepEqual(up.mean, [2, 8]);
    assert.deepEqual(up.logFCvsRest, [-6, 6]);
    assert.equal(up.topCluster, "2");
    // constant gene: skipped, p NaN, not counted by BH (2 genes tested)
    assert.ok(Number.isNaN(r.rows[1].p));
    assert.deepEqual(r.skipped, [{ gene: "FLAT", reason: "constant across the samples" }]);
    assert.equal(r.rows[2].n, 5);
    const pSorted = [r.rows[0].p, r.rows[2].p].sort((a, b) => a - b);
    const bh = [Math.min(1, pSorted[0] * 2, pSorted[1]), Math.min(1, pSorted[1])];
    assert.deepEqual(
      [r.rows[0].q, r.rows[2].q].sort((a, b) => a - b),
      bh.sort((a, b) => a - b),
    );
  });
  it("Welch option; linear-scale logFC = log2((mean2 + 1) / (mean1 + 1))", () => {
    const r = differentialExpression(e, [1, 1, 1, 2, 2, 2], { test: "welch", logScale: false });
    const t = tTest([7, 8, 9], [1, 2, 3]);
    assert.equal(r.rows[0].statistic, t.t);
    assert.equal(r.rows[0].p, t.p);
    assert.equal(r.rows[0].logFC, Math.log2(9 / 3));
  });
  it("k > 2 uses Kruskal-Wallis; Mann-Whitney with 3 clusters is an InputError", () => {
    const r = differentialExpression(e, [1, 1, 2, 2, 3, 3]);
    assert.equal(r.test, "kruskal");
    assert.equal(r.rows[0].df, 2);
    assert.throws(() => differentialExpression(e, [1, 1, 2, 2, 3, 3], { test: "mann-whitney" }), InputError);
  });
});

interface Golden {
  cluster3: number[];
  cluster2: number[];
  genes: string[];
  samples: string[];
  expression: number[][];
  genes_tests: Array<{
    gene: string;
    kw_stat: number;
    kw_p: number;
    mw_W: number;
    mw_p: number;
    welch_t: number;
    welch_df: number;
    welch_p: number;
    mean1: number;
    mean2: number;
  }>;
  kw_BH: number[];
  mw_BH: number[];
  welch_BH: number[];
}

const file = ["reference", "clustering", "cluster_tests_R.json"];
describe("per-gene tests vs R (kruskal.test, wilcox.test, t.test, p.adjust)", {
  skip: false,
}, () => {
  it("12 genes (ties included): statistics, p and BH q to 1e-10 relative", () => {
    const g = JSON.parse(readFileSync(fixturePath(...file), "utf8")) as Golden;
    const expr = { genes: g.genes, samples: g.samples, values: Float64Array.from(g.expression.flat()) };
    // R's wilcox.test(x[cl == 1], x[cl == 2]) reports W of cluster 1; ours is U of the second cluster
    const n1 = g.cluster2.filter((c) => c === 1).length;
    const n2 = g.cluster2.length - n1;
    const kw = differentialExpression(expr, g.cluster3);
    const mw = differentialExpression(expr, g.cluster2);
    const we = differentialExpression(expr, g.cluster2, { test: "welch" });
    const misses: string[] = [];
    let maxErr = 0;
    const close = (what: string, ours: number, ref: number) => {
      const e = Math.abs(ours - ref) / Math.max(Math.abs(ref), 1e-300);
      maxErr = Math.max(maxErr, e);
      if (!(e <= 1e-10)) misses.push(`${what}: ours ${ours} R ${ref}`);
    };
    g.genes_tests.forEach((t, i) => {
      close(`${t.gene} H`, kw.rows[i].statistic, t.kw_stat);
      close(`${t.gene} KW p`, kw.rows[i].p, t.kw_p);
      close(`${t.gene} KW q`, kw.rows[i].q, g.kw_BH[i]);
      close(`${t.gene} W`, n1 * n2 - mw.rows[i].statistic, t.mw_W);
      close(`${t.gene} MW p`, mw.rows[i].p, t.mw_p);
      close(`${t.gene} MW q`, mw.rows[i].q, g.mw_BH[i]);
      // R's t is cluster 1 - cluster 2; ours is cluster 2 - cluster 1
      close(`${t.gene} t`, -we.rows[i].statistic, t.welch_t);
      close(`${t.gene} df`, we.rows[i].df, t.welch_df);
      close(`${t.gene} Welch p`, we.rows[i].p, t.welch_p);
      close(`${t.gene} Welch q`, we.rows[i].q, g.welch_BH[i]);
      close(`${t.gene} logFC`, mw.rows[i].logFC, t.mean2 - t.mean1);
    });
    console.log(`per-gene tests vs R: max rel error ${maxErr.toExponential(2)}`);
    assert.deepEqual(misses, [], misses.join("\n"));
  });
});
