/**
 * Harrell's concordance index with R's pair counting and standard error
 * (`survival::concordance(Surv(time, status) ~ x, reverse = )`, default `timewt = "n"`; survival's
 * concordancefit / concordance3.c), in O(n log n) with Fenwick trees.
 *
 * Pairs: subject i with an event at t_i and subject j still at risk after it (t_j > t_i, or t_j = t_i and j
 * censored: a censoring at an event time counts as surviving longer). With R's default orientation
 * (`reverse = FALSE`: larger x = longer survival) the pair is concordant when x_j > x_i, discordant when
 * x_j < x_i, tied.x when x_j = x_i. Pairs of events at the same time are tied.y (tied.xy when x ties too)
 * and are not comparable. C = (concordant + tied.x / 2) / (concordant + discordant + tied.x).
 * With `reverse = TRUE` (larger x = higher risk, e.g. a Cox linear predictor) concordant and discordant
 * swap and C becomes 1 - C.
 * SE: square root of R's infinitesimal-jackknife variance of Somers' d divided by 2:
 *   dfbeta_i = w_i ((c_i - d_i)/N - (D/N) (c_i + d_i + t_i)/N),  var(C) = Σ dfbeta_i^2 / 4,
 * with c_i, d_i, t_i the (weighted) concordant / discordant / tied.x pairs subject i takes part in,
 * N = concordant + discordant + tied.x and D = (concordant - discordant)/N.
 * Stratified: pairs only within strata; counts and influence summed.
 * Not reproduced: R's `timefix` merging of times that differ by rounding error only (aeqSurv).
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError } from "../../errors.js";
import {
  type GroupValue,
  type MaybeNumber,
  type SurvivalInputOptions,
  survivalData,
  toFactor,
} from "./data.js";

export interface ConcordanceOptions extends SurvivalInputOptions {
  /** TRUE when a larger predictor means shorter survival (risk scores, Cox linear predictors). */
  reverse?: boolean;
  /** Case weights (default 1). */
  weights?: ArrayLike<number>;
  /** Strata: pairs are only formed within a stratum. */
  strata?: ArrayLike<GroupValue>;
}

export interface ConcordanceResult {
  concordance: number;
  se: number;
  /** R's `var` (the infinitesimal-jackknife variance of C). */
  variance: number;
  concordant: number;
  discordant: number;
  tiedX: number;
  tiedY: number;
  tiedXY: number;
  n: number;
}

class Fenwick {
  readonly t: Float64Array;
  total = 0;
  constructor(readonly n: number) {
    this.t = new Float64Array(n + 1);
  }
  add(i: number, w: number): void {
    this.total += w;
    for (let k = i + 1; k <= this.n; k += k & -k) this.t[k] += w;
  }
  /** Sum of ranks 0..i-1. */
  prefix(i: number): number {
    let s = 0;
    for (let k = i; k > 0; k -= k & -k) s += this.t[k];
    return s;
  }
  reset(): void {
    this.t.fill(0);
    this.total = 0;
  }
}

/**
 * Pair counts and per-subject influence of one stratum (R orientation: larger x = longer survival).
 * `rows` lists the subjects, `rank` the rank of each subject's x (0-based, ties share a rank).
 */
function countStratum(
  rows: Int32Array,
  time: Float64Array,
  event: Uint8Array,
  rank: Int32Array,
  wt: Float64Array,
  nRank: number,
  count: Float64Array,
  imat: Float64Array, // n x 3: concordant, discordant, tied.x per subject
): void {
  const m = rows.length;
  const ord = Int32Array.from(rows).sort(
    (a, b) => time[a] - time[b] || event[a] - event[b] || rank[a] - rank[b],
  );
  const tree = new Fenwick(nRank);
  const tiedRank = (f: Fenwick, r: number) => f.prefix(r + 1) - f.prefix(r);
  // backward pass: each event against those still at risk after it
  let hi = m - 1;
  while (hi >= 0) {
    let lo = hi;
    while (lo > 0 && time[ord[lo - 1]] === time[ord[hi]]) lo--;
    // censored in this time group first (they count as at risk for the events at the same time)
    for (let k = lo; k <= hi; k++) {
      const i = ord[k];
      if (event[i] === 0) tree.add(rank[i], wt[i]);
    }
    let dwt = 0;
    let k = lo;
    while (k <= hi) {
      const i = ord[k];
      if (event[i] === 0) {
        k++;
        continue;
      }
      // events sorted by rank within the time group: handle a run of equal x for tied.xy
      let k2 = k;
      let xwt = 0;
      while (k2 <= hi && event[ord[k2]] === 1 && rank[ord[k2]] === rank[i]) {
        const j = ord[k2];
        const less = tree.prefix(rank[j]);
        const tied = tiedRank(tree, rank[j]);
        const greater = tree.total - less - tied;
        count[0] += wt[j] * greater;
        count[1] += wt[j] * less;
        count[2] += wt[j] * tied;
        count[3] += wt[j] * dwt;
        count[4] += wt[j] * xwt;
        imat[3 * j] += greater;
        imat[3 * j + 1] += less;
        imat[3 * j + 2] += tied;
        dwt += wt[j];
        xwt += wt[j];
        k2++;
      }
      k = k2;
    }
    for (let q = lo; q <= hi; q++) {
      const i = ord[q];
      if (event[i] === 1) tree.add(rank[i], wt[i]);
    }
    hi = lo - 1;
  }
  // forward pass: each subject against the events that happened before it
  tree.reset();
  let a = 0;
  while (a < m) {
    let b = a;
    while (b + 1 < m && time[ord[b + 1]] === time[ord[a]]) b++;
    const credit = (i: number) => {
      const less = tree.prefix(rank[i]);
      const tied = tiedRank(tree, rank[i]);
      const greater = tree.total - less - tied;
      imat[3 * i] += less; // an earlier event with smaller x: concordant
      imat[3 * i + 1] += greater;
      imat[3 * i + 2] += tied;
    };
    for (let q = a; q <= b; q++) if (event[ord[q]] === 1) credit(ord[q]);
    for (let q = a; q <= b; q++) if (event[ord[q]] === 1) tree.add(rank[ord[q]], wt[ord[q]]);
    for (let q = a; q <= b; q++) if (event[ord[q]] === 0) credit(ord[q]);
    a = b + 1;
  }
}

/**
 * Concordance between survival and a predictor (R: `concordance(Surv(time, event) ~ x, reverse = )`).
 * Rows with a missing (NaN) predictor are an error: drop them first.
 */
export function concordanceIndex(
  time: ArrayLike<MaybeNumber>,
  event: ArrayLike<MaybeNumber | boolean>,
  x: ArrayLike<number>,
  opts: ConcordanceOptions = {},
): ConcordanceResult {
  const data = survivalData(time, event, opts);
  const n = data.time.length;
  if (x.length !== n) throw new DataError(`predictor has ${x.length} values but time has ${n}`);
  for (let i = 0; i < n; i++) {
    if (typeof x[i] !== "number" || Number.isNaN(x[i]))
      throw new DataError(`predictor: row ${i + 1} is missing`);
  }
  const wt = new Float64Array(n).fill(1);
  if (opts.weights) {
    if (opts.weights.length !== n)
      throw new DataError(`weights has ${opts.weights.length} values but time has ${n}`);
    for (let i = 0; i < n; i++) {
      const w = opts.weights[i];
      if (!(w >= 0) || !Number.isFinite(w))
        throw new DataError(`weights: row ${i + 1} is ${w}; weights must be finite and >= 0`);
      wt[i] = w;
    }
  }
  // ranks of x
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => x[a] - x[b]);
  const rank = new Int32Array(n);
  let nRank = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0 && x[idx[k]] !== x[idx[k - 1]]) nRank++;
    rank[idx[k]] = nRank;
  }
  nRank++;
  const count = new Float64Array(5);
  const imat = new Float64Array(3 * n);
  if (opts.strata) {
    const sf = toFactor(opts.strata, undefined, "strata");
    if (sf.codes.length !== n) throw new DataError(`strata has ${sf.codes.length} values but time has ${n}`);
    const buckets: number[][] = sf.levels.map(() => []);
    for (let i = 0; i < n; i++) {
      if (sf.codes[i] < 0) throw new DataError(`strata: row ${i + 1} is missing`);
      buckets[sf.codes[i]].push(i);
    }
    for (const b of buckets)
      if (b.length) countStratum(Int32Array.from(b), data.time, data.event, rank, wt, nRank, count, imat);
  } else {
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = i;
    countStratum(rows, data.time, data.event, rank, wt, nRank, count, imat);
  }
  const tiedY = count[3] - count[4];
  const npair = count[0] + count[1] + count[2];
  const somer = (count[0] - count[1]) / npair;
  let varSomer = 0;
  for (let i = 0; i < n; i++) {
    const c = imat[3 * i];
    const d = imat[3 * i + 1];
    const t = imat[3 * i + 2];
    const dfb = wt[i] * ((c - d) / npair - (somer / npair) * (c + d + t));
    varSomer += dfb * dfb;
  }
  let conc = (somer + 1) / 2;
  let concordant = count[0];
  let discordant = count[1];
  if (opts.reverse) {
    conc = 1 - conc;
    concordant = count[1];
    discordant = count[0];
  }
  const variance = varSomer / 4;
  return {
    concordance: npair > 0 ? conc : Number.NaN,
    se: npair > 0 ? Math.sqrt(variance) : Number.NaN,
    variance,
    concordant,
    discordant,
    tiedX: count[2],
    tiedY,
    tiedXY: count[4],
    n,
  };
}
