import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { DataError, InputError } from "../../../src/errors.js";
import { adjustedRandIndex } from "../../../src/stats/clustering/clusterAgreement.js";
import {
  type ConsensusAlgorithm,
  consensusCdf,
  consensusCluster,
  consensusSummary,
  proportionAmbiguous,
  standardizeColumns,
} from "../../../src/stats/clustering/consensus.js";
import type { DistanceMetric, Linkage } from "../../../src/stats/clustering/hclust.js";
import { Random } from "../../../src/stats/core/random.js";
import { fixturePath } from "../../helpers/data.js";

/** n items in k Gaussian blobs (unit noise, centres N(0, sep^2) per coordinate); sep = 0 is pure noise. */
function blobs(n: number, p: number, k: number, sep: number, seed: number) {
  const rng = new Random(seed);
  const x = new Float64Array(n * p);
  const truth = new Int32Array(n);
  const centres = Array.from({ length: k }, () => Array.from({ length: p }, () => rng.normal() * sep));
  for (let i = 0; i < n; i++) {
    const g = i % k;
    truth[i] = g;
    for (let j = 0; j < p; j++) x[i * p + j] = centres[g][j] + rng.normal();
  }
  return { x, truth };
}

describe("consensus CDF, area, PAC, item and cluster consensus: hand-computed 3-item example", () => {
  // lower triangle: M(1,0) = 0.5, M(2,0) = 0.25, M(2,1) = 1
  const M = Float64Array.from([1, 0.5, 0.25, 0.5, 1, 1, 0.25, 1, 1]);
  it("CDF steps at 0.25, 0.5, 1; area = (25/3 + 50 * 2/3 + 1) / 100 = 128/300", () => {
    const { cdf, area } = consensusCdf(M, 3);
    assert.equal(cdf[23], 0);
    assert.equal(cdf[24], 1 / 3);
    assert.equal(cdf[48], 1 / 3);
    assert.equal(cdf[49], 2 / 3);
    assert.equal(cdf[98], 2 / 3);
    assert.equal(cdf[99], 1);
    assert.ok(Math.abs(area - 128 / 300) < 1e-15, `area ${area}`);
  });
  it("PAC(0.1, 0.9) = 2/3 (0.25 and 0.5 are ambiguous, 1 is not)", () => {
    assert.equal(proportionAmbiguous(M, 3), 2 / 3);
  });
  it("item consensus = mean M to the other members; cluster consensus = mean within-pair M", () => {
    const s = consensusSummary(M, 3, [1, 1, 2], 2);
    assert.deepEqual(Array.from(s.clusterSize), [2, 1]);
    assert.equal(s.clusterConsensus[0], 0.5);
    assert.ok(Number.isNaN(s.clusterConsensus[1]), "singleton cluster consensus is NaN (0/0), as calcICL");
    // rows: items; columns: clusters 1, 2
    assert.deepEqual(Array.from(s.itemConsensus.slice(0, 4)), [0.5, 0.25, 0.5, 1]);
    assert.equal(s.itemConsensus[4], (0.25 + 1) / 2);
    assert.ok(Number.isNaN(s.itemConsensus[5]));
  });
});

describe("consensus clustering on synthetic data", () => {
  for (const algorithm of ["hc", "km"] as ConsensusAlgorithm[]) {
    it(`${algorithm}: recovers 3 planted Gaussian blobs in 20-D (ARI >= 0.95, crisp k = 3)`, () => {
      const n = 90;
      const p = 20;
      const { x, truth } = blobs(n, p, 3, 1.5, 3);
      const r = consensusCluster(x, n, p, { maxK: 6, reps: 50, seed: 1, algorithm, distance: "euclidean" });
      const k3 = r.byK[1];
      const ari = adjustedRandIndex(k3.consensusClass, truth);
      console.log(
        `${algorithm} blobs: ARI(k=3) ${ari.toFixed(3)}; PAC ${r.byK.map((b) => b.pac.toFixed(3)).join(" ")}; ` +
          `delta area ${r.byK.map((b) => b.deltaArea.toFixed(3)).join(" ")}; kSelected ${r.kSelected}`,
      );
      assert.ok(ari >= 0.95, `ARI ${ari}`);
      // crisp: almost no pair is ambiguous at the true k, and the CDF area stops growing after it
      assert.ok(k3.pac <= 0.05, `PAC(3) ${k3.pac}`);
      assert.ok(k3.deltaArea >= 0.3, `delta area(3) ${k3.deltaArea}`);
      assert.ok(r.byK[2].deltaArea <= 0.1, `delta area(4) ${r.byK[2].deltaArea}`);
      assert.equal(r.kSelected, 3);
      assert.equal(r.kByPAC, 3);
      assert.equal(r.kByDeltaArea, 3);
      for (let c = 0; c < 3; c++) assert.ok(k3.clusterConsensus[c] >= 0.95, `cluster consensus ${c}`);
    });
    it(`${algorithm}: pure noise gives k = 1-like evidence (no admissible crisp partition)`, () => {
      const n = 90;
      const p = 20;
      const { x } = blobs(n, p, 3, 0, 3);
      const r = consensusCluster(x, n, p, { maxK: 6, reps: 50, seed: 1, algorithm, distance: "euclidean" });
      const minSize = Math.ceil(0.05 * n);
      const summary = r.byK.map(
        (b) => `k=${b.k} PAC ${b.pac.toFixed(3)} sizes ${Array.from(b.clusterSize).join("/")}`,
      );
      console.log(`${algorithm} noise: ${summary.join("; ")}; kSelected ${r.kSelected}`);
      // criterion: every k is either ambiguous (PAC > 0.2) or degenerate (a cluster smaller than 5% of n:
      // average-linkage trees peel off outliers from one big cluster)
      for (const b of r.byK) {
        const smallest = Math.min(...b.clusterSize);
        assert.ok(b.pac > 0.2 || smallest < minSize, `k=${b.k}: PAC ${b.pac}, smallest cluster ${smallest}`);
      }
      assert.equal(r.kSelected, 1);
    });
  }
  it("seeded and reproducible; consensus matrices symmetric with unit diagonal", () => {
    const { x } = blobs(40, 5, 2, 1, 8);
    const a = consensusCluster(x, 40, 5, { maxK: 3, reps: 10, seed: 4 });
    const b = consensusCluster(x, 40, 5, { maxK: 3, reps: 10, seed: 4 });
    assert.deepEqual(a.byK[0].consensusMatrix, b.byK[0].consensusMatrix);
    const M = a.byK[1].consensusMatrix;
    for (let i = 0; i < 40; i++) {
      if (a.coSampled[i * 40 + i] > 0) assert.equal(M[i * 40 + i], 1);
      for (let j = 0; j < 40; j++) assert.equal(M[i * 40 + j], M[j * 40 + i]);
    }
  });
  it("feature subsampling (pFeature < 1) runs and still recovers clear blobs", () => {
    const { x, truth } = blobs(60, 20, 3, 1.5, 12);
    const r = consensusCluster(x, 60, 20, { maxK: 4, reps: 30, pFeature: 0.5, distance: "euclidean" });
    assert.ok(adjustedRandIndex(r.byK[1].consensusClass, truth) >= 0.95);
  });
  it("speed: n = 300, K = 6, 100 resamples", () => {
    const { x } = blobs(300, 50, 3, 1, 5);
    for (const algorithm of ["hc", "km"] as ConsensusAlgorithm[]) {
      const t0 = performance.now();
      consensusCluster(x, 300, 50, { maxK: 6, reps: 100, algorithm });
      const ms = performance.now() - t0;
      console.log(`consensus n=300 p=50 K=6 reps=100 ${algorithm}: ${ms.toFixed(0)} ms`);
      assert.ok(ms < 20000);
    }
  });
  it("errors name the case and the feature", () => {
    const x = Float64Array.from([1, 2, 3, 4, Number.NaN, 6, 7, 8]);
    assert.throws(
      () =>
        consensusCluster(x, 4, 2, {
          maxK: 2,
          itemNames: ["a", "b", "c", "d"],
          featureNames: ["f1", "volume"],
        }),
      (e: unknown) => e instanceof DataError && /feature f1, case c is missing/.test(e.message),
    );
    assert.throws(
      () => consensusCluster(new Float64Array(6), 3, 2, { maxK: 4 }),
      /3 samples are fewer than k = 4/,
    );
    assert.throws(
      () => consensusCluster(new Float64Array(10), 5, 2, { maxK: 5, pItem: 0.8 }),
      /smaller than k = 5/,
    );
    assert.throws(() => consensusCluster(new Float64Array(10), 5, 2, { pItem: 1.5 }), InputError);
  });
  it("standardizeColumns: mean 0, SD 1 (n - 1)", () => {
    const x = Float64Array.from([1, 10, 2, 20, 3, 30]);
    const s = standardizeColumns(x, 3, 2);
    assert.deepEqual(Array.from(s.mean), [2, 20]);
    assert.deepEqual(Array.from(s.sd), [1, 10]);
    assert.deepEqual(Array.from(x), [-1, -1, 0, 0, 1, 1]);
  });
});

interface CcpGolden {
  items: string[];
  x: number[][];
  cases: Array<{
    name: string;
    maxK: number;
    pFeature: number;
    distance: DistanceMetric;
    innerLinkage: Linkage;
    finalLinkage: Linkage;
    subsampleItems: number[][];
    subsampleFeatures: number[][];
    byK: Array<{
      k: number;
      consensusMatrix: number[][];
      consensusClass: number[];
      treeHeight: number[];
      cdf: number[];
      area: number;
      deltaArea: number;
      clusterConsensus: number[];
      itemConsensusItem: number[];
      itemConsensusCluster: number[];
      itemConsensus: number[];
    }>;
  }>;
}

const ccpFile = ["reference", "clustering", "consensus_ccp_R.json"];
describe("consensus clustering vs R ConsensusClusterPlus (same subsamples)", {
  skip: false,
}, () => {
  it("consensus matrices, classes, final tree, CDF, area, delta area, cluster and item consensus", () => {
    const g = JSON.parse(readFileSync(fixturePath(...ccpFile), "utf8")) as CcpGolden;
    const n = g.x.length;
    const p = g.x[0].length;
    const x = Float64Array.from(g.x.flat());
    const misses: string[] = [];
    const maxErr: Record<string, number> = {};
    // R's NaN (consensus of a singleton cluster, 0/0) is stored as null
    const close = (what: string, ours: number, refIn: number | null, tol = 1e-12) => {
      const ref = refIn === null ? Number.NaN : refIn;
      const e =
        Number.isNaN(ours) && Number.isNaN(ref) ? 0 : Math.abs(ours - ref) / Math.max(1, Math.abs(ref));
      const key = what.split(" ")[2].replace(/\[.*$/, "");
      maxErr[key] = Math.max(maxErr[key] ?? 0, e);
      if (!(e <= tol)) misses.push(`${what}: ours ${ours} R ${ref}`);
    };
    for (const c of g.cases) {
      const r = consensusCluster(x, n, p, {
        maxK: c.maxK,
        distance: c.distance,
        innerLinkage: c.innerLinkage,
        finalLinkage: c.finalLinkage,
        itemSubsets: c.subsampleItems.map((s) => s.map((v) => v - 1)),
        featureSubsets: c.pFeature < 1 ? c.subsampleFeatures.map((s) => s.map((v) => v - 1)) : undefined,
      });
      for (const want of c.byK) {
        const got = r.byK[want.k - 2];
        const tag = `${c.name} k=${want.k}`;
        want.consensusMatrix.forEach((row, i) => {
          row.forEach((v, j) => {
            close(`${tag} M[${i},${j}]`, got.consensusMatrix[i * n + j], v);
          });
        });
        const cls = Array.from(got.consensusClass);
        if (JSON.stringify(cls) !== JSON.stringify(want.consensusClass))
          misses.push(`${tag} class: ours ${cls} R ${want.consensusClass}`);
        want.treeHeight.forEach((h, i) => {
          close(`${tag} height[${i}]`, got.tree.height[i], h);
        });
        want.cdf.forEach((v, i) => {
          close(`${tag} cdf[${i}]`, got.cdf[i], v);
        });
        close(`${tag} area`, got.area, want.area);
        close(`${tag} deltaArea`, got.deltaArea, want.deltaArea);
        want.clusterConsensus.forEach((v, i) => {
          close(`${tag} clusterConsensus[${i}]`, got.clusterConsensus[i], v);
        });
        want.itemConsensus.forEach((v, t) => {
          const item = want.itemConsensusItem[t] - 1;
          const cl = want.itemConsensusCluster[t] - 1;
          close(`${tag} itemConsensus[${item},${cl}]`, got.itemConsensus[item * want.k + cl], v);
        });
      }
    }
    console.log(
      `ConsensusClusterPlus: max rel errors ${Object.entries(maxErr)
        .map(([k, v]) => `${k} ${v.toExponential(2)}`)
        .join(", ")}`,
    );
    assert.deepEqual(misses.slice(0, 50), [], misses.slice(0, 50).join("\n"));
  });
});
