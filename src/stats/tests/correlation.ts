/**
 * Feature redundancy (browser-safe): feature-feature correlation matrices (Pearson / Spearman) and correlation
 * clusters, with one representative feature per cluster.
 *
 * Clusters come from agglomerative clustering on the distance 1 - |r| (single, complete or average linkage),
 * cut at height 1 - threshold: with complete linkage every pair in a cluster has |r| >= threshold, with single
 * linkage clusters are the connected components of the graph |r| >= threshold. The implementation is the
 * nearest-neighbour-chain algorithm with Lance-Williams updates (O(p^2) time and memory); clusters whose
 * nearest neighbour is beyond the cut are retired early, since the three linkages are reducible.
 *
 * Missing values: with no NaN the matrix is computed from standardised columns; otherwise each pair uses its
 * complete observations (R's use = "pairwise.complete.obs"; Spearman ranks within each pair's complete rows).
 */
import { InputError } from "../../errors.js";
import { rankAverage } from "../core/ranks.js";
import { pearsonRatio } from "./univariate.js";

export type CorrelationMethod = "pearson" | "spearman";

export interface CorrelationMatrix {
  names: string[];
  method: CorrelationMethod;
  /** p x p, row-major; NaN where a variable is constant (or fewer than 3 complete pairs). */
  values: Float64Array;
  /** Complete observations per pair (p x p, row-major). */
  n: Int32Array;
  /** Variance (ddof 1) of each feature over its non-missing values. */
  variance: Float64Array;
}

/** Pearson's r of one pair of columns; NaN when it is not finite. */
function pairStats(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const r = pearsonRatio(x, y);
  return Number.isFinite(r) ? Math.max(-1, Math.min(1, r)) : Number.NaN;
}

/** Correlation matrix of the columns (each a Float64Array of the same length; NaN = missing). */
export function correlationMatrix(
  columns: readonly Float64Array[],
  options: { method?: CorrelationMethod; names?: readonly string[] } = {},
): CorrelationMatrix {
  const method = options.method ?? "spearman";
  const p = columns.length;
  const n = p ? columns[0].length : 0;
  const names = options.names ? [...options.names] : columns.map((_, j) => `feature${j + 1}`);
  if (names.length !== p) throw new InputError(`${p} columns but ${names.length} names`);
  for (let j = 0; j < p; j++)
    if (columns[j].length !== n)
      throw new InputError(`column "${names[j]}" has ${columns[j].length} values, expected ${n}`);
  const values = new Float64Array(p * p);
  const counts = new Int32Array(p * p);
  const variance = new Float64Array(p);
  let anyMissing = false;
  for (let j = 0; j < p; j++) {
    const c = columns[j];
    let s = 0;
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(c[i])) anyMissing = true;
      else {
        s += c[i];
        k++;
      }
    }
    const m = s / k;
    let ss = 0;
    for (let i = 0; i < n; i++) if (!Number.isNaN(c[i])) ss += (c[i] - m) * (c[i] - m);
    variance[j] = ss / (k - 1);
  }
  if (!anyMissing) {
    // standardise (ranks first for Spearman): u = (x - mean) / ||x - mean||, r = <u_i, u_j>
    const u = new Float64Array(p * n);
    const ok = new Uint8Array(p);
    for (let j = 0; j < p; j++) {
      const x = method === "spearman" ? rankAverage(columns[j]).ranks : columns[j];
      let m = 0;
      for (let i = 0; i < n; i++) m += x[i];
      m /= n;
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const d = x[i] - m;
        u[j * n + i] = d;
        ss += d * d;
      }
      if (ss > 0) {
        ok[j] = 1;
        const f = 1 / Math.sqrt(ss);
        for (let i = 0; i < n; i++) u[j * n + i] *= f;
      }
    }
    for (let a = 0; a < p; a++) {
      values[a * p + a] = ok[a] ? 1 : Number.NaN;
      counts[a * p + a] = n;
      const oa = a * n;
      for (let b = a + 1; b < p; b++) {
        let r = Number.NaN;
        if (ok[a] && ok[b] && n >= 3) {
          const ob = b * n;
          let s = 0;
          for (let i = 0; i < n; i++) s += u[oa + i] * u[ob + i];
          r = Math.max(-1, Math.min(1, s));
        }
        values[a * p + b] = r;
        values[b * p + a] = r;
        counts[a * p + b] = n;
        counts[b * p + a] = n;
      }
    }
    return { names, method, values, n: counts, variance };
  }
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      let k = 0;
      const ca = columns[a];
      const cb = columns[b];
      for (let i = 0; i < n; i++) {
        if (Number.isNaN(ca[i]) || Number.isNaN(cb[i])) continue;
        xs[k] = ca[i];
        ys[k] = cb[i];
        k++;
      }
      let r = Number.NaN;
      if (k >= 3) {
        const x = xs.subarray(0, k);
        const y = ys.subarray(0, k);
        r = method === "spearman" ? pairStats(rankAverage(x).ranks, rankAverage(y).ranks) : pairStats(x, y);
        if (a === b && !Number.isNaN(r)) r = 1;
      }
      values[a * p + b] = r;
      values[b * p + a] = r;
      counts[a * p + b] = k;
      counts[b * p + a] = k;
    }
  }
  return { names, method, values, n: counts, variance };
}

export type Linkage = "single" | "complete" | "average";

export interface CorrelationClusterOptions {
  /** Features are linked when |r| >= threshold (default 0.9). */
  threshold?: number;
  /** Default "complete" (every pair in a cluster is correlated at least at the threshold). */
  linkage?: Linkage;
  /**
   * How to pick each cluster's representative: "score" = highest `scores` value (e.g. -log10 p or |AUC - 0.5|
   * of the association with the target), "central" = highest mean |r| to the other members (default),
   * "variance" = highest variance (only meaningful for features on a common scale).
   */
  representative?: "score" | "central" | "variance";
  scores?: ArrayLike<number>;
}

export interface CorrelationClusters {
  threshold: number;
  linkage: Linkage;
  /** Cluster id per feature, 0-based, numbered in order of first appearance. */
  cluster: Int32Array;
  /** Members (feature indices) of each cluster. */
  members: number[][];
  /** Representative feature index per cluster. */
  representatives: number[];
  /** Names of the representatives (the reduced feature set), in feature order. */
  keep: string[];
}

/** Cluster features whose |correlation| reaches the threshold; see the module comment. */
export function correlationClusters(
  matrix: CorrelationMatrix,
  options: CorrelationClusterOptions = {},
): CorrelationClusters {
  const threshold = options.threshold ?? 0.9;
  const linkage = options.linkage ?? "complete";
  if (!(threshold >= 0 && threshold <= 1))
    throw new InputError(`correlation threshold must be in [0, 1], got ${threshold}`);
  const p = matrix.names.length;
  const cut = 1 - threshold;
  // distance matrix (NaN correlation -> distance 1, i.e. never linked above threshold 0)
  const D = new Float64Array(p * p);
  for (let i = 0; i < p * p; i++) {
    const r = matrix.values[i];
    D[i] = Number.isNaN(r) ? 1 : 1 - Math.abs(r);
  }
  const size = new Int32Array(p).fill(1);
  const active = new Uint8Array(p).fill(1);
  // union-find over original features
  const parent = Int32Array.from({ length: p }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  let remaining = p;
  const chain: number[] = [];
  const eps = 1e-12; // merge heights within rounding of the cut count as at the cut
  while (remaining > 1) {
    if (chain.length === 0) {
      let s = 0;
      while (!active[s]) s++;
      chain.push(s);
    }
    const a = chain[chain.length - 1];
    const prev = chain.length >= 2 ? chain[chain.length - 2] : -1;
    let best = prev;
    let bestD = prev >= 0 ? D[a * p + prev] : Number.POSITIVE_INFINITY;
    for (let c = 0; c < p; c++) {
      if (!active[c] || c === a) continue;
      const d = D[a * p + c];
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    if (best < 0 || bestD > cut + eps) {
      // a never merges below the cut: retire it
      active[a] = 0;
      remaining--;
      chain.pop();
      continue;
    }
    if (best === prev) {
      chain.pop();
      chain.pop();
      // merge prev into a (a keeps the merged cluster)
      const b = prev;
      for (let c = 0; c < p; c++) {
        if (!active[c] || c === a || c === b) continue;
        const da = D[a * p + c];
        const db = D[b * p + c];
        const d =
          linkage === "single"
            ? Math.min(da, db)
            : linkage === "complete"
              ? Math.max(da, db)
              : (size[a] * da + size[b] * db) / (size[a] + size[b]);
        D[a * p + c] = d;
        D[c * p + a] = d;
      }
      size[a] += size[b];
      active[b] = 0;
      remaining--;
      parent[find(b)] = find(a);
    } else chain.push(best);
  }
  // clusters in order of first appearance
  const cluster = new Int32Array(p);
  const idOf = new Map<number, number>();
  const members: number[][] = [];
  for (let i = 0; i < p; i++) {
    const r = find(i);
    let id = idOf.get(r);
    if (id === undefined) {
      id = members.length;
      idOf.set(r, id);
      members.push([]);
    }
    cluster[i] = id;
    members[id].push(i);
  }
  const mode = options.representative ?? (options.scores ? "score" : "central");
  if (mode === "score" && (!options.scores || options.scores.length !== p))
    throw new InputError(`representative "score" needs one score per feature (${p})`);
  const representatives = members.map((m) => {
    let best = m[0];
    let bestV = Number.NEGATIVE_INFINITY;
    for (const i of m) {
      let v: number;
      if (mode === "score") v = options.scores![i];
      else if (mode === "variance") v = matrix.variance[i];
      else {
        v = 0;
        for (const j of m) if (j !== i) v += Math.abs(matrix.values[i * p + j]) || 0;
      }
      if (v > bestV) {
        bestV = v;
        best = i;
      }
    }
    return best;
  });
  const keep = [...representatives].sort((a, b) => a - b).map((i) => matrix.names[i]);
  return { threshold, linkage, cluster, members, representatives, keep };
}
