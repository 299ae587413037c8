/**
 * Radiogenomic map: Spearman correlation of every imaging feature with every gene (or any molecular variable)
 * over the shared samples, with two-sided p-values (t approximation on n - 2 df, as R's
 * `cor.test(method = "spearman", exact = FALSE)` and scipy's `spearmanr`) and multiple-testing adjustment
 * across all feature x gene pairs (Benjamini-Hochberg by default).
 *
 * Efficient for 100 features x 20 000 genes: each variable is ranked once (average ranks for ties), centred
 * and scaled to unit norm, so rho is a dot product of two typed-array rows. A gene with missing values is
 * correlated on its complete samples (the features re-ranked on that subset: rank correlation is defined on
 * the pairs observed). Features must be complete.
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError, InputError } from "../../errors.js";
import type { ExpressionMatrix } from "./expression.js";
import { adjustPValues, type PAdjustMethod } from "../tests/fdr.js";
import { rankAverage } from "../core/ranks.js";
import { correlationPValue } from "../tests/univariate.js";

export interface RadiogenomicMapOptions {
  pAdjust?: PAdjustMethod;
  /** Fewest complete samples for a pair to be tested. Default 4. */
  minSamples?: number;
}

export interface RadiogenomicMap {
  features: string[];
  genes: string[];
  /** features x genes, row-major. NaN where a variable is constant or too few samples. */
  rho: Float64Array;
  p: Float64Array;
  q: Float64Array;
  /** Samples used per gene. */
  n: Int32Array;
  pAdjust: PAdjustMethod;
}

/**
 * Spearman map of features (samples x features, row-major, complete) against expression (genes x samples,
 * samples in the same order as the feature rows; see `alignExpression`).
 */
export function radiogenomicMap(
  features: Float64Array,
  featureNames: readonly string[],
  expr: ExpressionMatrix,
  opts: RadiogenomicMapOptions = {},
): RadiogenomicMap {
  const ns = expr.samples.length;
  const nf = featureNames.length;
  const ng = expr.genes.length;
  if (features.length !== ns * nf)
    throw new InputError(
      `feature matrix has ${features.length} values, expected ${ns} samples x ${nf} features`,
    );
  const minSamples = opts.minSamples ?? 4;
  const method = opts.pAdjust ?? "BH";
  for (let s = 0; s < ns; s++)
    for (let f = 0; f < nf; f++)
      if (!Number.isFinite(features[s * nf + f]))
        throw new DataError(
          `feature ${featureNames[f]}, case ${expr.samples[s]} is missing; impute or drop it first`,
        );

  // ranked, centred, unit-norm feature rows (features x samples)
  const fz = new Float64Array(nf * ns);
  const col = new Float64Array(ns);
  for (let f = 0; f < nf; f++) {
    for (let s = 0; s < ns; s++) col[s] = features[s * nf + f];
    standardizedRanks(col, fz.subarray(f * ns, f * ns + ns));
  }
  const rho = new Float64Array(nf * ng).fill(Number.NaN);
  const p = new Float64Array(nf * ng).fill(Number.NaN);
  const nUsed = new Int32Array(ng);
  const gz = new Float64Array(ns);
  const row = new Float64Array(ns);
  const keep = new Int32Array(ns);
  for (let g = 0; g < ng; g++) {
    let m = 0;
    for (let s = 0; s < ns; s++) {
      const v = expr.values[g * ns + s];
      if (Number.isFinite(v)) {
        keep[m] = s;
        row[m++] = v;
      }
    }
    nUsed[g] = m;
    if (m < minSamples) continue;
    if (m === ns) {
      if (!standardizedRanks(row, gz)) continue;
      for (let f = 0; f < nf; f++) {
        const fo = f * ns;
        let s = 0;
        for (let t = 0; t < ns; t++) s += fz[fo + t] * gz[t];
        setPair(f * ng + g, s, m);
      }
    } else {
      // complete-pairs path: re-rank the features on this gene's samples
      const gzm = gz.subarray(0, m);
      if (!standardizedRanks(row.subarray(0, m), gzm)) continue;
      const fsub = new Float64Array(m);
      const fzm = new Float64Array(m);
      for (let f = 0; f < nf; f++) {
        for (let t = 0; t < m; t++) fsub[t] = features[keep[t] * nf + f];
        if (!standardizedRanks(fsub, fzm)) continue;
        let s = 0;
        for (let t = 0; t < m; t++) s += fzm[t] * gzm[t];
        setPair(f * ng + g, s, m);
      }
    }
  }
  function setPair(i: number, r: number, m: number): void {
    if (Number.isNaN(r)) return;
    const rr = Math.max(-1, Math.min(1, r));
    rho[i] = rr;
    p[i] = correlationPValue(rr, m);
  }
  const q = adjustPValues(p, method);
  return { features: featureNames.slice(), genes: expr.genes.slice(), rho, p, q, n: nUsed, pAdjust: method };
}

/**
 * Average ranks of v, centred and scaled to unit Euclidean norm, into out. Returns false (out = NaN) for a
 * constant variable, whose correlation is undefined.
 */
function standardizedRanks(v: Float64Array, out: Float64Array): boolean {
  const n = v.length;
  const { ranks } = rankAverage(v);
  const mean = (n + 1) / 2; // average ranks always sum to n(n+1)/2
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = ranks[i] - mean;
    out[i] = d;
    ss += d * d;
  }
  if (!(ss > 0)) {
    out.fill(Number.NaN);
    return false;
  }
  const f = 1 / Math.sqrt(ss);
  for (let i = 0; i < n; i++) out[i] *= f;
  return true;
}

export interface RadiogenomicPair {
  feature: string;
  gene: string;
  n: number;
  rho: number;
  p: number;
  q: number;
}

/**
 * The map as a long table (feature, gene, n, rho, p, q), sorted by p then |rho| descending; optionally only
 * pairs with q <= maxQ. Pairs with p = NaN are left out.
 */
export function radiogenomicPairs(
  map: RadiogenomicMap,
  opts: { maxQ?: number; limit?: number } = {},
): RadiogenomicPair[] {
  const nf = map.features.length;
  const ng = map.genes.length;
  const maxQ = opts.maxQ ?? Number.POSITIVE_INFINITY;
  const idx: number[] = [];
  for (let i = 0; i < nf * ng; i++) if (!Number.isNaN(map.p[i]) && map.q[i] <= maxQ) idx.push(i);
  idx.sort((a, b) => map.p[a] - map.p[b] || Math.abs(map.rho[b]) - Math.abs(map.rho[a]) || a - b);
  const lim = Math.min(idx.length, opts.limit ?? idx.length);
  const out: RadiogenomicPair[] = new Array(lim);
  for (let t = 0; t < lim; t++) {
    const i = idx[t];
    const f = Math.floor(i / ng);
    const g = i - f * ng;
    out[t] = {
      feature: map.features[f],
      gene: map.genes[g],
      n: map.n[g],
      rho: map.rho[i],
      p: map.p[i],
      q: map.q[i],
    };
  }
  return out;
}
