import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { DataError } from "../../../src/errors.js";
import { adjustedRandIndex, contingencyTable } from "../../../src/stats/clustering/clusterAgreement.js";
import { kmeans } from "../../../src/stats/clustering/kmeans.js";
import { Random } from "../../../src/stats/core/random.js";
import { fixturePath } from "../../helpers/data.js";

describe("k-means: hand-computed examples", () => {
  it("two well-separated 1-D groups: centres 1 and 11, within-SS 2 and 2, total SS 154", () => {
    const x = Float64Array.from([0, 1, 2, 10, 11, 12]);
    const r = kmeans(x, 6, 1, 2, { seed: 3 });
    const c = Array.from(r.centers).sort((a, b) => a - b);
    assert.deepEqual(c, [1, 11]);
    assert.deepEqual(Array.from(r.withinSS), [2, 2]);
    assert.equal(r.totSS, 154);
    assert.equal(r.betweenSS, 150);
    assert.equal(r.cluster[0], r.cluster[2]);
    assert.notEqual(r.cluster[0], r.cluster[3]);
  });
  it("Lloyd from given centres [1, 2] on 1,2,3,8,9,10,25 stops at the local optimum {1,2,3} | {8,9,10,25}", () => {
    // iteration 1: {1} | {2,3,8,9,10,25} -> centres 1, 9.5; iteration 2: {1,2,3} | {8,9,10,25} -> 2, 13; stable
    const x = Float64Array.from([1, 2, 3, 8, 9, 10, 25]);
    const r = kmeans(x, 7, 1, 2, { centers: Float64Array.from([1, 2]) });
    assert.deepEqual(Array.from(r.cluster), [0, 0, 0, 1, 1, 1, 1]);
    assert.deepEqual(Array.from(r.centers), [2, 13]);
    assert.deepEqual(Array.from(r.withinSS), [2, 194]);
    assert.equal(r.iterations, 3);
    assert.ok(r.converged);
  });
  it("restarts find the global optimum, checked against brute force over all 1-D splits", () => {
    const x = Float64Array.from([1, 2, 3, 8, 9, 10, 25]);
    // in 1-D the optimal 2-partition is contiguous: try every split
    let best = Number.POSITIVE_INFINITY;
    for (let s = 1; s < x.length; s++) {
      const ss = (a: number[]) => {
        const m = a.reduce((u, v) => u + v, 0) / a.length;
        return a.reduce((u, v) => u + (v - m) ** 2, 0);
      };
      best = Math.min(best, ss(Array.from(x.slice(0, s))) + ss(Array.from(x.slice(s))));
    }
    assert.equal(best, 77.5);
    const r = kmeans(x, 7, 1, 2, { nStart: 10, seed: 1 });
    assert.equal(r.totWithinSS, best);
  });
  it("result is a Lloyd fixed point: every item is nearest to its own centre, centres are means", () => {
    const rng = new Random(9);
    const n = 200;
    const p = 3;
    const x = new Float64Array(n * p);
    for (let i = 0; i < x.length; i++) x[i] = rng.normal() + (i % 3 === 0 ? 4 * (Math.floor(i / p) % 4) : 0);
    const k = 4;
    const r = kmeans(x, n, p, k, { seed: 2, nStart: 5 });
    assert.ok(r.converged);
    for (let i = 0; i < n; i++) {
      const d = (c: number) => {
        let s = 0;
        for (let j = 0; j < p; j++) s += (x[i * p + j] - r.centers[c * p + j]) ** 2;
        return s;
      };
      for (let c = 0; c < k; c++)
        assert.ok(d(r.cluster[i]) <= d(c) + 1e-12, `item ${i} closer to centre ${c}`);
    }
    let tot = 0;
    for (let c = 0; c < k; c++) tot += r.withinSS[c];
    assert.ok(Math.abs(tot - r.totWithinSS) < 1e-9);
    assert.ok(Math.abs(r.totSS - r.betweenSS - r.totWithinSS) < 1e-9);
  });
  it("seeded: same seed, same result", () => {
    const rng = new Random(4);
    const x = Float64Array.from({ length: 300 }, () => rng.normal());
    const a = kmeans(x, 100, 3, 5, { seed: 7 });
    const b = kmeans(x, 100, 3, 5, { seed: 7 });
    assert.deepEqual(a.cluster, b.cluster);
  });
  it("errors: fewer items than k, non-finite value", () => {
    assert.throws(() => kmeans(Float64Array.from([1, 2]), 2, 1, 3), /fewer than k = 3/);
    assert.throws(() => kmeans(Float64Array.from([1, Number.NaN, 3]), 3, 1, 2), DataError);
  });
});

describe("adjusted Rand index", () => {
  it("hand-computed: [0,0,1,1] vs [0,0,1,2] = (1 - 1/3) / (3/2 - 1/3) = 4/7", () => {
    // pairs together: n_ij: C(2,2) = 1; rows: 1 + 1 = 2; cols: 1 + 0 + 0 = 1; E = 2 * 1 / C(4,2) = 1/3
    assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]) - 4 / 7) < 1e-15);
  });
  it("hand-computed: [0,0,0,1,1,1] vs [0,0,1,1,2,2] = (2 - 1.2) / (4.5 - 1.2)", () => {
    assert.ok(Math.abs(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) - 0.8 / 3.3) < 1e-15);
  });
  it("label permutations give 1; the trivial cases follow scikit-learn", () => {
    assert.equal(adjustedRandIndex([1, 1, 2, 2, 3], [7, 7, 5, 5, 9]), 1);
    assert.equal(adjustedRandIndex([0, 0, 0], [0, 0, 0]), 1);
    assert.equal(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3]), 0);
  });
  it("contingency table", () => {
    const t = contingencyTable([1, 1, 2, 2, 2], [5, 6, 6, 6, 5]);
    assert.deepEqual(t.rowLevels, [1, 2]);
    assert.deepEqual(t.colLevels, [5, 6]);
    assert.deepEqual(Array.from(t.counts), [1, 1, 1, 2]);
  });
});

const ariFile = ["reference", "clustering", "ari_mclust.json"];
describe("adjusted Rand index vs mclust::adjustedRandIndex", { skip: false }, () => {
  it("five random label pairs to 1e-14", () => {
    const g = JSON.parse(readFileSync(fixturePath(...ariFile), "utf8")) as {
      cases: Array<{ a: number[]; b: number[]; ari: number }>;
    };
    let maxErr = 0;
    const misses: string[] = [];
    g.cases.forEach((c, i) => {
      const v = adjustedRandIndex(c.a, c.b);
      const e = Math.abs(v - c.ari);
      maxErr = Math.max(maxErr, e);
      if (e > 1e-14) misses.push(`case ${i}: ours ${v} mclust ${c.ari}`);
    });
    console.log(`ARI vs mclust: max abs error ${maxErr.toExponential(2)}`);
    assert.deepEqual(misses, [], misses.join("\n"));
  });
});

interface LloydGolden {
  x: number[][];
  cases: Array<{
    k: number;
    initialCenters: number[][];
    cluster: number[];
    centers: number[][];
    withinss: number[];
    totss: number;
    betweenss: number;
    iter: number;
  }>;
}

const lloydFile = ["reference", "clustering", "kmeans_lloyd_R.json"];
describe("k-means vs R kmeans(algorithm = 'Lloyd') from the same centres", {
  skip: false,
}, () => {
  it("k = 2..5 on 100 points in 4-D: clusters, iterations, centres, within/between SS (1e-12 rel)", () => {
    const g = JSON.parse(readFileSync(fixturePath(...lloydFile), "utf8")) as LloydGolden;
    const n = g.x.length;
    const p = g.x[0].length;
    const x = Float64Array.from(g.x.flat());
    const misses: string[] = [];
    let maxErr = 0;
    const close = (what: string, ours: number, ref: number) => {
      const e = Math.abs(ours - ref) / Math.max(1, Math.abs(ref));
      maxErr = Math.max(maxErr, e);
      if (!(e <= 1e-12)) misses.push(`${what}: ours ${ours} R ${ref}`);
    };
    for (const c of g.cases) {
      const r = kmeans(x, n, p, c.k, { centers: Float64Array.from(c.initialCenters.flat()) });
      const cl = Array.from(r.cluster, (v) => v + 1);
      if (JSON.stringify(cl) !== JSON.stringify(c.cluster))
        misses.push(`k=${c.k} cluster: ours ${cl} R ${c.cluster}`);
      if (r.iterations !== c.iter) misses.push(`k=${c.k} iterations: ours ${r.iterations} R ${c.iter}`);
      c.centers.flat().forEach((v, i) => {
        close(`k=${c.k} centre[${i}]`, r.centers[i], v);
      });
      c.withinss.forEach((v, i) => {
        close(`k=${c.k} withinss[${i}]`, r.withinSS[i], v);
      });
      close(`k=${c.k} totss`, r.totSS, c.totss);
      close(`k=${c.k} betweenss`, r.betweenSS, c.betweenss);
    }
    console.log(`k-means (Lloyd) vs R: max rel error ${maxErr.toExponential(2)}`);
    assert.deepEqual(misses, [], misses.join("\n"));
  });
});
