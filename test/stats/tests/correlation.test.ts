/**
 * Correlation matrices (vs scipy's pearsonr / spearmanr goldens and vs the pairwise tests) and correlation
 * clusters (vs brute-force definitions of single / complete / average linkage).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { readTableFile } from "../../../src/io/table-file.js";
import {
  correlationClusters,
  correlationMatrix,
  type Linkage,
} from "../../../src/stats/tests/correlation.js";
import { Random } from "../../../src/stats/core/random.js";
import { pearson, spearman } from "../../../src/stats/tests/univariate.js";
import { dataPath, skipUnlessData } from "../../helpers/data.js";

/** Naive agglomerative clustering on 1 - |r| (O(p^3)), cut at 1 - threshold: the reference for the NN chain. */
function naiveClusters(r: Float64Array, p: number, threshold: number, linkage: Linkage): number[][] {
  let clusters: number[][] = Array.from({ length: p }, (_, i) => [i]);
  const dist = (A: number[], B: number[]) => {
    const ds: number[] = [];
    for (const a of A)
      for (const b of B) ds.push(Number.isNaN(r[a * p + b]) ? 1 : 1 - Math.abs(r[a * p + b]));
    if (linkage === "single") return Math.min(...ds);
    if (linkage === "complete") return Math.max(...ds);
    return ds.reduce((s, v) => s + v, 0) / ds.length;
  };
  for (;;) {
    let best = Number.POSITIVE_INFINITY;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < clusters.length; i++)
      for (let j = i + 1; j < clusters.length; j++) {
        const d = dist(clusters[i], clusters[j]);
        if (d < best) {
          best = d;
          bi = i;
          bj = j;
        }
      }
    if (bi < 0 || best > 1 - threshold + 1e-12) break;
    clusters[bi] = [...clusters[bi], ...clusters[bj]];
    clusters = clusters.filter((_, k) => k !== bj);
  }
  return clusters.map((c) => c.sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
}

describe("correlation matrix", () => {
  test("scipy pearsonr / spearmanr goldens (5 pairs of Breast Cancer Wisconsin features)", {
    skip: skipUnlessData("reference", "univariate") || skipUnlessData("reference", "classification"),
  }, async () => {
    const t = await readTableFile(dataPath("reference", "classification", "breast_cancer_wisconsin.csv")!);
    const g = JSON.parse(readFileSync(dataPath("reference", "univariate", "univariate_scipy.json")!, "utf8"));
    const names = t.names.filter((n) => n !== "target" && n !== "malignant");
    const cols = names.map((n) => t.numeric(n));
    const P = correlationMatrix(cols, { method: "pearson", names });
    const S = correlationMatrix(cols, { method: "spearman", names });
    const p = names.length;
    let maxErr = 0;
    for (const pair of g.correlation_pairs) {
      const a = names.indexOf(pair.x);
      const b = names.indexOf(pair.y);
      for (const [got, want] of [
        [P.values[a * p + b], pair.pearson_r],
        [S.values[b * p + a], pair.spearman_rho],
      ]) {
        const e = Math.abs(got - want) / Math.abs(want);
        maxErr = Math.max(maxErr, e);
        assert.ok(e < 1e-12, `${pair.x} ~ ${pair.y}: got ${got}, want ${want}`);
      }
    }
    process.stderr.write(`correlation matrix vs scipy: max rel err ${maxErr.toExponential(2)}\n`);
  });

  test("matches the pairwise tests; pairwise-complete path with NaN; constant column", () => {
    const rng = new Random(11);
    const n = 60;
    const base = Float64Array.from({ length: n }, () => rng.normal());
    const cols = [
      base,
      Float64Array.from(base, (v) => v + 0.3 * rng.normal()),
      Float64Array.from(base, (v) => Math.round(-v * 2)), // ties
      Float64Array.from({ length: n }, () => rng.normal()),
      new Float64Array(n).fill(2), // constant
    ];
    for (const method of ["pearson", "spearman"] as const) {
      const m = correlationMatrix(cols, { method });
      for (let a = 0; a < 4; a++)
        for (let b = 0; b < 4; b++) {
          const want = a === b ? 1 : (method === "pearson" ? pearson : spearman)(cols[a], cols[b]).r;
          assert.ok(Math.abs(m.values[a * 5 + b] - want) < 1e-14, `${method} ${a},${b}`);
        }
      assert.ok(Number.isNaN(m.values[4 * 5 + 1]));
      // with missing values: each pair uses its complete rows
      const withNaN = cols.map((c) => c.slice());
      withNaN[1][3] = Number.NaN;
      withNaN[2][7] = Number.NaN;
      const mm = correlationMatrix(withNaN, { method });
      const keep = Array.from({ length: n }, (_, i) => i).filter((i) => i !== 3 && i !== 7);
      const x = Float64Array.from(keep, (i) => withNaN[1][i]);
      const y = Float64Array.from(keep, (i) => withNaN[2][i]);
      const want = (method === "pearson" ? pearson : spearman)(x, y).r;
      assert.ok(Math.abs(mm.values[1 * 5 + 2] - want) < 1e-14);
      assert.equal(mm.n[1 * 5 + 2], n - 2);
      assert.equal(mm.n[0 * 5 + 1], n - 1);
    }
  });
});

describe("correlation clusters", () => {
  test("NN-chain = naive agglomerative clustering (single, complete, average) on random correlated blocks", () => {
    const rng = new Random(2);
    for (let rep = 0; rep < 4; rep++) {
      const n = 40;
      const p = 24;
      const factors = Array.from({ length: 5 }, () => Float64Array.from({ length: n }, () => rng.normal()));
      const cols = Array.from({ length: p }, () => {
        const f = factors[rng.int(5)];
        const noise = 0.2 + rng.next();
        return Float64Array.from(f, (v) => (rng.next() < 0.5 ? -1 : 1) * v + noise * rng.normal());
      });
      const m = correlationMatrix(cols, { method: "pearson" });
      for (const linkage of ["single", "complete", "average"] as const) {
        for (const threshold of [0.5, 0.7, 0.85]) {
          const got = correlationClusters(m, { threshold, linkage });
          const want = naiveClusters(m.values, p, threshold, linkage);
          const gotSorted = got.members.map((c) => [...c].sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
          assert.deepEqual(gotSorted, want, `${linkage} ${threshold} rep ${rep}`);
          if (linkage === "complete")
            for (const c of got.members)
              for (const a of c)
                for (const b of c) assert.ok(a === b || Math.abs(m.values[a * p + b]) >= threshold - 1e-12);
        }
      }
    }
  });

  test("representatives: by score, by centrality, by variance; keep list", () => {
    const rng = new Random(4);
    const n = 50;
    const f = Float64Array.from({ length: n }, () => rng.normal());
    const cols = [
      Float64Array.from(f, (v) => v + 0.05 * rng.normal()),
      Float64Array.from(f, (v) => 10 * v + 0.01 * rng.normal()),
      Float64Array.from(f, (v) => -v + 0.3 * rng.normal()),
      Float64Array.from({ length: n }, () => rng.normal()),
    ];
    const m = correlationMatrix(cols, { names: ["a", "b", "c", "d"], method: "pearson" });
    const byScore = correlationClusters(m, { threshold: 0.8, scores: [0.1, 0.2, 0.9, 0.5] });
    assert.deepEqual(Array.from(byScore.cluster), [0, 0, 0, 1]);
    assert.deepEqual(byScore.representatives, [2, 3]);
    assert.deepEqual(byScore.keep, ["c", "d"]);
    const central = correlationClusters(m, { threshold: 0.8 });
    assert.ok(central.representatives[0] === 0 || central.representatives[0] === 1);
    assert.equal(
      correlationClusters(m, { threshold: 0.8, representative: "variance" }).representatives[0],
      1,
    );
    assert.throws(() => correlationClusters(m, { representative: "score" }), /needs one score per feature/);
  });

  test("speed: 300 samples x 1500 features (Spearman matrix + complete-linkage clusters)", () => {
    const rng = new Random(8);
    const n = 300;
    const p = 1500;
    const factors = Array.from({ length: 50 }, () => Float64Array.from({ length: n }, () => rng.normal()));
    const cols = Array.from({ length: p }, (_, j) =>
      Float64Array.from(factors[j % 50], (v) => v + 0.5 * rng.normal()),
    );
    const c0 = process.cpuUsage();
    const m = correlationMatrix(cols, { method: "spearman" });
    const c1 = process.cpuUsage(c0);
    const cl = correlationClusters(m, { threshold: 0.7 });
    const c2 = process.cpuUsage(c0);
    const ms = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
    process.stderr.write(
      `correlation 300 x 1500: matrix ${ms(c1).toFixed(0)} ms CPU, clusters ${(ms(c2) - ms(c1)).toFixed(0)} ms CPU, ${cl.members.length} clusters\n`,
    );
    assert.ok(ms(c2) < 5000);
  });
});
