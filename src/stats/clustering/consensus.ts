/**
 * Consensus clustering (Monti et al., Machine Learning 2003) with the semantics of Bioconductor's
 * ConsensusClusterPlus (Wilkerson & Hayes 2010):
 *
 * - for each of `reps` resamples, draw floor(n * pItem) items without replacement (and, when pFeature < 1,
 *   floor(p * pFeature) features), cluster them into k = 2..maxK groups: "hc" = hierarchical clustering
 *   (`innerLinkage`, default average) of the chosen distance cut at k; "km" = k-means (Euclidean, on the
 *   sampled data; here k-means++ seeded Lloyd, where R uses Hartigan-Wong from random centres);
 * - consensus matrix M_k(i, j) = (resamples with i and j in the same cluster) / (resamples with both
 *   sampled); 0 when never sampled together; the diagonal is 1 for items sampled at least once;
 * - final clustering for each k: hierarchical clustering (`finalLinkage`, default average) of 1 - M_k cut at
 *   k (R: `cutree(hclust(as.dist(1 - M), "average"), k)`, same labels);
 * - consensus CDF: the histogram CDF of the strict lower-triangle entries of M_k on 100 equal bins of
 *   [0, 1] (R's `hist(v, breaks = seq(0, 1, by = 0.01))`: right-closed bins with R's 1e-7 relative fuzz);
 *   area under the CDF A(k) = sum_b CDF_b * width_b; delta area = A(2) for k = 2 and
 *   (A(k) - A(k-1)) / A(k-1) for k > 2 (ConsensusClusterPlus' "Delta area" plot);
 * - proportion of ambiguous clustering PAC(k) = F(0.9) - F(0.1) with F the empirical CDF of the same entries
 *   (Senbabaoglu et al., Sci Rep 2014): the share of pairs clustered together in neither almost all nor
 *   almost no resamples. Low PAC = crisp, stable clusters;
 * - cluster consensus m(c) = mean of M over pairs of items of cluster c; item consensus m_i(c) = mean of
 *   M(i, j) over the items j != i of cluster c (ConsensusClusterPlus' calcICL).
 *
 * Choosing k (all reported; none is a significance test):
 * - `kByPAC`: the k with the lowest PAC;
 * - `kByDeltaArea`: the smallest k after which the relative increase of the CDF area falls below
 *   `minDeltaArea` (default 0.1), Monti's "no appreciable increase" rule;
 * - `kSelected`: the lowest-PAC k among the "admissible" k, those whose smallest consensus cluster holds at
 *   least max(2, ceil(minClusterFraction * n)) items (default 5%), and 1 when there is no admissible k or
 *   its PAC exceeds `maxPAC` (default 0.2): "no stable structure", the k = 1 answer on noise. The size rule
 *   matters for hierarchical clustering, which on structureless data peels off outliers and yields
 *   deceptively crisp one-big-cluster partitions.
 *
 * Matrices are n x n Float64Array (row-major); co-occurrence counts are Int32Array. Seeded: the same seed
 * gives the same result on every machine. Resampling draws differ from R's (different generator), so
 * results agree with ConsensusClusterPlus in distribution, not draw for draw; given the same consensus
 * matrix, the final clustering, CDF, area and consensus values are the same as R's.
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError, InputError } from "../../errors.js";
import {
  cutree,
  type DistanceMetric,
  distanceMatrix,
  type HClustTree,
  hclust,
  type Linkage,
} from "./hclust.js";
import { kmeans } from "./kmeans.js";
import { Random } from "../core/random.js";

export type ConsensusAlgorithm = "hc" | "km";

export interface ConsensusOptions {
  /** Largest number of clusters; k = 2..maxK. Default 6. */
  maxK?: number;
  /** Resamples. Default 100. */
  reps?: number;
  /** Fraction of items per resample. Default 0.8. */
  pItem?: number;
  /** Fraction of features per resample. Default 1. */
  pFeature?: number;
  /** Inner clustering. Default "hc". */
  algorithm?: ConsensusAlgorithm;
  /** Distance for "hc" (default "pearson" = 1 - r between items, as ConsensusClusterPlus). "km" is Euclidean. */
  distance?: DistanceMetric;
  /** Linkage of the inner hierarchical clustering. Default "average". */
  innerLinkage?: Linkage;
  /** Linkage of the final clustering of 1 - M. Default "average". */
  finalLinkage?: Linkage;
  /** Seed. Default 1. */
  seed?: number;
  /** Restarts and iteration cap of the inner k-means. Default 1 and 100. */
  kmNStart?: number;
  kmMaxIter?: number;
  /** Lower and upper bounds of the PAC interval. Default [0.1, 0.9]. */
  pacBounds?: [number, number];
  /** Threshold of the delta-area rule. Default 0.1. */
  minDeltaArea?: number;
  /** Admissibility rules of `kSelected`: smallest cluster fraction (default 0.05) and largest PAC (0.2). */
  minClusterFraction?: number;
  maxPAC?: number;
  /**
   * Use these resamples instead of drawing them (0-based item indices, one array per resample; e.g. the
   * subsamples of a ConsensusClusterPlus run). Overrides reps and pItem. `featureSubsets` likewise.
   */
  itemSubsets?: ArrayLike<number>[];
  featureSubsets?: ArrayLike<number>[];
  /** Item (row) and feature (column) names for error messages. */
  itemNames?: readonly string[];
  featureNames?: readonly string[];
}

export interface ConsensusK {
  k: number;
  /** n x n consensus matrix, row-major, symmetric. */
  consensusMatrix: Float64Array;
  /** Final clustering of 1 - M (average linkage by default) and its cut: labels 1..k. */
  tree: HClustTree;
  consensusClass: Int32Array;
  /** Histogram CDF of the lower-triangle consensus values at the right edges 0.01, 0.02, ..., 1. */
  cdf: Float64Array;
  /** Area under the CDF and its relative change (ConsensusClusterPlus' delta area). */
  area: number;
  deltaArea: number;
  /** Proportion of ambiguous clustering F(u2) - F(u1). */
  pac: number;
  /** Cluster consensus per cluster (index c-1 for label c); NaN for a singleton cluster. */
  clusterConsensus: Float64Array;
  /** Item consensus: n x k, row-major; entry (i, c-1) is item i's mean consensus with cluster c. */
  itemConsensus: Float64Array;
  /** Items per cluster. */
  clusterSize: Int32Array;
}

export interface ConsensusResult {
  n: number;
  reps: number;
  /** Results for k = 2..maxK (index k-2). */
  byK: ConsensusK[];
  /** n x n count of resamples in which both items were drawn. */
  coSampled: Int32Array;
  kByPAC: number;
  kByDeltaArea: number;
  /** Lowest-PAC admissible k, or 1 when none is stable (see the module comment). */
  kSelected: number;
  options: Required<Omit<ConsensusOptions, "itemNames" | "featureNames" | "itemSubsets" | "featureSubsets">>;
}

const CDF_BREAKS = 100;

/**
 * Consensus clustering of the n rows (items, e.g. patients) of a row-major n x p matrix (features in columns).
 * Features are used as given: standardise them first (see `standardizeColumns`) when scales differ.
 */
export function consensusCluster(
  x: Float64Array,
  n: number,
  p: number,
  opts: ConsensusOptions = {},
): ConsensusResult {
  const o = {
    maxK: opts.maxK ?? 6,
    reps: opts.reps ?? 100,
    pItem: opts.pItem ?? 0.8,
    pFeature: opts.pFeature ?? 1,
    algorithm: opts.algorithm ?? "hc",
    distance: opts.distance ?? "pearson",
    innerLinkage: opts.innerLinkage ?? "average",
    finalLinkage: opts.finalLinkage ?? "average",
    seed: opts.seed ?? 1,
    kmNStart: opts.kmNStart ?? 1,
    kmMaxIter: opts.kmMaxIter ?? 100,
    pacBounds: opts.pacBounds ?? ([0.1, 0.9] as [number, number]),
    minDeltaArea: opts.minDeltaArea ?? 0.1,
    minClusterFraction: opts.minClusterFraction ?? 0.05,
    maxPAC: opts.maxPAC ?? 0.2,
  };
  if (opts.itemSubsets) o.reps = opts.itemSubsets.length;
  if (x.length !== n * p) throw new InputError(`matrix has ${x.length} values, expected ${n} x ${p}`);
  if (!Number.isInteger(o.maxK) || o.maxK < 2)
    throw new InputError(`maxK must be an integer >= 2, got ${o.maxK}`);
  if (!Number.isInteger(o.reps) || o.reps < 1)
    throw new InputError(`reps must be a positive integer, got ${o.reps}`);
  if (!(o.pItem > 0 && o.pItem <= 1)) throw new InputError(`pItem must be in (0, 1], got ${o.pItem}`);
  if (!(o.pFeature > 0 && o.pFeature <= 1))
    throw new InputError(`pFeature must be in (0, 1], got ${o.pFeature}`);
  if (o.algorithm !== "hc" && o.algorithm !== "km")
    throw new InputError(`unknown clustering algorithm "${o.algorithm}" (use hc or km)`);
  const [u1, u2] = o.pacBounds;
  if (!(u1 >= 0 && u1 < u2 && u2 <= 1))
    throw new InputError(`pacBounds must satisfy 0 <= u1 < u2 <= 1, got [${u1}, ${u2}]`);
  assertFiniteMatrix(x, n, p, opts.itemNames, opts.featureNames);
  if (n < o.maxK)
    throw new DataError(`consensus clustering: ${n} samples are fewer than k = ${o.maxK} clusters`);
  const m0 = Math.floor(n * o.pItem);
  const m = opts.itemSubsets ? Math.min(...opts.itemSubsets.map((s) => s.length)) : m0;
  if (m < o.maxK)
    throw new DataError(
      `consensus clustering: a resample of ${m} items (pItem ${o.pItem} of ${n}) is smaller than k = ${o.maxK}`,
    );
  const q = Math.floor(p * o.pFeature);
  if (q < 1)
    throw new DataError(`consensus clustering: pFeature ${o.pFeature} of ${p} features selects none`);

  const rng = new Random(o.seed);
  const K = o.maxK;
  const nk = K - 1;
  // upper-triangle (i < j) co-clustering counts per k, and co-sampling counts; full n x n layout
  const together: Int32Array[] = [];
  for (let t = 0; t < nk; t++) together.push(new Int32Array(n * n));
  const coSampled = new Int32Array(n * n);
  if (opts.featureSubsets && opts.featureSubsets.length !== o.reps)
    throw new InputError(`featureSubsets has ${opts.featureSubsets.length} resamples, expected ${o.reps}`);
  const featureSampling = q < p || opts.featureSubsets !== undefined;
  const names = { itemNames: opts.itemNames };
  const fullDist =
    o.algorithm === "hc" && !featureSampling ? distanceMatrix(x, n, p, o.distance, names) : undefined;
  const pool = new Int32Array(n);
  const poolF = new Int32Array(p);
  const mMax = opts.itemSubsets ? Math.max(...opts.itemSubsets.map((s) => s.length)) : m;
  const labelsBuf = new Int32Array(mMax);
  const subBuf = new Float64Array((mMax * (mMax - 1)) / 2);

  for (let rep = 0; rep < o.reps; rep++) {
    const items = opts.itemSubsets
      ? checkSubset(opts.itemSubsets[rep], n, "item", rep)
      : sampleSorted(rng, pool, n, m0);
    const cols = opts.featureSubsets
      ? checkSubset(opts.featureSubsets[rep], p, "feature", rep)
      : featureSampling
        ? sampleSorted(rng, poolF, p, q)
        : undefined;
    const m = items.length;
    const labels = labelsBuf.subarray(0, m);
    const sub = subBuf.subarray(0, (m * (m - 1)) / 2);
    for (let a = 0; a < m; a++) {
      const ia = items[a] * n;
      coSampled[ia + items[a]]++;
      for (let b = a + 1; b < m; b++) coSampled[ia + items[b]]++;
    }
    let tree: HClustTree | undefined;
    if (o.algorithm === "hc") {
      let d: Float64Array;
      if (fullDist) {
        let t = 0;
        for (let a = 0; a < m; a++) {
          const ia = items[a];
          const base = ia * n - (ia * (ia + 1)) / 2 - ia - 1;
          for (let b = a + 1; b < m; b++) sub[t++] = fullDist[base + items[b]];
        }
        d = sub;
      } else {
        d = distanceMatrix(x, n, p, o.distance, { ...names, rows: items, cols });
      }
      tree = hclust(d, m, o.innerLinkage);
    }
    let subData: Float64Array | undefined;
    if (o.algorithm === "km") {
      const cc = cols ?? identityInt(p);
      subData = new Float64Array(m * cc.length);
      for (let a = 0; a < m; a++)
        for (let c = 0; c < cc.length; c++) subData[a * cc.length + c] = x[items[a] * p + cc[c]];
    }
    for (let k = 2; k <= K; k++) {
      if (tree) labels.set(cutree(tree, k));
      else {
        const km = kmeans(subData as Float64Array, m, cols ? cols.length : p, k, {
          nStart: o.kmNStart,
          maxIter: o.kmMaxIter,
          random: rng,
        });
        labels.set(km.cluster);
      }
      const tg = together[k - 2];
      for (let a = 0; a < m; a++) {
        const ia = items[a] * n;
        const la = labels[a];
        tg[ia + items[a]]++;
        for (let b = a + 1; b < m; b++) if (labels[b] === la) tg[ia + items[b]]++;
      }
    }
  }

  const byK: ConsensusK[] = [];
  let prevArea = 0;
  for (let k = 2; k <= K; k++) {
    const tg = together[k - 2];
    const M = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const c = coSampled[i * n + j];
        const v = c === 0 ? 0 : tg[i * n + j] / c;
        M[i * n + j] = v;
        M[j * n + i] = v;
      }
    }
    const dist = new Float64Array((n * (n - 1)) / 2);
    let t = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) dist[t++] = 1 - M[i * n + j];
    const tree = hclust(dist, n, o.finalLinkage);
    const cls = cutree(tree, k);
    const { cdf, area } = consensusCdf(M, n);
    const deltaArea = k === 2 ? area : (area - prevArea) / prevArea;
    prevArea = area;
    const pac = proportionAmbiguous(M, n, u1, u2);
    byK.push({
      k,
      consensusMatrix: M,
      tree,
      consensusClass: cls,
      cdf,
      area,
      deltaArea,
      pac,
      ...consensusSummary(M, n, cls, k),
    });
  }
  let kByPAC = 2;
  let bestPac = Number.POSITIVE_INFINITY;
  for (const r of byK)
    if (r.pac < bestPac) {
      bestPac = r.pac;
      kByPAC = r.k;
    }
  const minSize = Math.max(2, Math.ceil(o.minClusterFraction * n));
  let kSelected = 1;
  let selPac = Number.POSITIVE_INFINITY;
  for (const r of byK) {
    let smallest = n;
    for (let c = 0; c < r.k; c++) smallest = Math.min(smallest, r.clusterSize[c]);
    if (smallest >= minSize && r.pac < selPac) {
      selPac = r.pac;
      kSelected = r.k;
    }
  }
  if (selPac > o.maxPAC) kSelected = 1;
  let kByDeltaArea = K;
  for (let k = 2; k < K; k++)
    if (byK[k + 1 - 2].deltaArea < o.minDeltaArea) {
      kByDeltaArea = k;
      break;
    }
  return { n, reps: o.reps, byK, coSampled, kByPAC, kByDeltaArea, kSelected, options: o };
}

/**
 * Histogram CDF of the strict lower-triangle entries of a consensus matrix, as ConsensusClusterPlus' CDF():
 * `h <- hist(v, breaks = seq(0, 1, by = 1/100))`, cumulative proportions, area = sum(cdf_b * width_b).
 * R's hist() moves each break up by 1e-7 x the median bin width (the first one down), so a value equal to a
 * break (up to rounding) falls in the bin that ends there.
 */
export function consensusCdf(
  M: Float64Array,
  n: number,
  breaks = CDF_BREAKS,
): { cdf: Float64Array; area: number } {
  const by = 1 / breaks;
  const br = new Float64Array(breaks + 1);
  for (let b = 0; b <= breaks; b++) br[b] = b * by; // R's seq(0, 1, by): from + (0:n) * by
  const fuzz = 1e-7 * by;
  const fb = new Float64Array(breaks + 1);
  fb[0] = br[0] - fuzz;
  for (let b = 1; b <= breaks; b++) fb[b] = br[b] + fuzz;
  const counts = new Float64Array(breaks);
  let total = 0;
  for (let j = 0; j < n; j++) {
    for (let i = j + 1; i < n; i++) {
      const v = M[i * n + j];
      if (v < fb[0] || v > fb[breaks]) continue;
      // bin b with fb[b] < v <= fb[b+1]; binary search as R's C_BinCount (right = TRUE)
      let lo = 0;
      let hi = breaks;
      while (hi - lo >= 2) {
        const mid = (hi + lo) >> 1;
        if (v > fb[mid]) lo = mid;
        else hi = mid;
      }
      counts[lo]++;
      total++;
    }
  }
  const cdf = new Float64Array(breaks);
  let acc = 0;
  let area = 0;
  for (let b = 0; b < breaks; b++) {
    acc += counts[b];
    cdf[b] = total > 0 ? acc / total : Number.NaN;
    area += cdf[b] * (br[b + 1] - br[b]);
  }
  return { cdf, area };
}

/** PAC = F(u2) - F(u1): share of lower-triangle consensus values in (u1, u2]. */
export function proportionAmbiguous(M: Float64Array, n: number, u1 = 0.1, u2 = 0.9): number {
  let inside = 0;
  let total = 0;
  for (let j = 0; j < n; j++)
    for (let i = j + 1; i < n; i++) {
      const v = M[i * n + j];
      if (v > u1 && v <= u2) inside++;
      total++;
    }
  return total > 0 ? inside / total : Number.NaN;
}

/** Cluster consensus, item consensus and sizes for labels 1..k (ConsensusClusterPlus' calcICL). */
export function consensusSummary(
  M: Float64Array,
  n: number,
  cls: ArrayLike<number>,
  k: number,
): { clusterConsensus: Float64Array; itemConsensus: Float64Array; clusterSize: Int32Array } {
  const size = new Int32Array(k);
  for (let i = 0; i < n; i++) size[cls[i] - 1]++;
  // sum of M(i, j) over j in cluster c, j != i
  const itemSum = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) if (j !== i) itemSum[i * k + cls[j] - 1] += M[i * n + j];
  const itemConsensus = new Float64Array(n * k);
  const clusterConsensus = new Float64Array(k);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++) {
      const denom = cls[i] - 1 === c ? size[c] - 1 : size[c];
      itemConsensus[i * k + c] = itemSum[i * k + c] / denom;
    }
  for (let i = 0; i < n; i++) clusterConsensus[cls[i] - 1] += itemSum[i * k + cls[i] - 1];
  for (let c = 0; c < k; c++) {
    const s = size[c];
    // each within pair counted twice above
    clusterConsensus[c] = s > 1 ? clusterConsensus[c] / 2 / ((s * (s - 1)) / 2) : Number.NaN;
  }
  return { clusterConsensus, itemConsensus, clusterSize: size };
}

/**
 * Centre each column to mean 0 and scale to sample SD 1 (R's `scale()`), in place; returns the means and
 * SDs. A constant column is centred and left unscaled (its SD is reported as 0).
 */
export function standardizeColumns(
  x: Float64Array,
  n: number,
  p: number,
): { mean: Float64Array; sd: Float64Array } {
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * p + j];
    const mu = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const d = x[i * p + j] - mu;
      ss += d * d;
    }
    const v = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    mean[j] = mu;
    sd[j] = v;
    const f = v > 0 ? 1 / v : 1;
    for (let i = 0; i < n; i++) x[i * p + j] = (x[i * p + j] - mu) * f;
  }
  return { mean, sd };
}

/** Throws a DataError naming the feature and the case of the first missing or non-finite value. */
export function assertFiniteMatrix(
  x: Float64Array,
  n: number,
  p: number,
  itemNames?: readonly string[],
  featureNames?: readonly string[],
): void {
  for (let i = 0; i < n; i++)
    for (let j = 0; j < p; j++) {
      const v = x[i * p + j];
      if (!Number.isFinite(v)) {
        const item = itemNames?.[i] ?? `row ${i + 1}`;
        const feat = featureNames?.[j] ?? `column ${j + 1}`;
        throw new DataError(
          `feature ${feat}, case ${item} is ${Number.isNaN(v) ? "missing (NaN)" : v}; impute or drop it before clustering`,
        );
      }
    }
}

/** m distinct indices of 0..n-1, sorted ascending (partial Fisher-Yates on `pool`). */
function sampleSorted(rng: Random, pool: Int32Array, n: number, m: number): Int32Array {
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, m).sort();
}

function checkSubset(s: ArrayLike<number>, n: number, what: string, rep: number): Int32Array {
  const a = Int32Array.from(s).sort();
  for (let i = 0; i < a.length; i++)
    if (a[i] < 0 || a[i] >= n || (i > 0 && a[i] === a[i - 1]))
      throw new InputError(
        `${what} resample ${rep + 1}: index ${a[i]} is out of range 0..${n - 1} or repeated`,
      );
  return a;
}

function identityInt(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
