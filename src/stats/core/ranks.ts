/**
 * Ranking helpers (browser-safe): average ranks for ties (R's rank(ties = "average"), scipy's rankdata),
 * with the tie statistics the rank tests need.
 */

/** Indices 0..n-1 sorted by x ascending (stable; NaN not allowed). */
export function argsort(x: ArrayLike<number>): Int32Array {
  const n = x.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => x[a] - x[b] || a - b);
  return idx;
}

export interface Ranking {
  /** 1-based average ranks. */
  ranks: Float64Array;
  /** Sum over tie groups of t^3 - t (0 without ties). */
  tieTerm: number;
  /** Number of distinct values occurring more than once. */
  tieGroups: number;
}

/** Average ranks (1-based) of finite values; the caller removes NaN first. */
export function rankAverage(x: ArrayLike<number>): Ranking {
  const n = x.length;
  const idx = argsort(x);
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  let tieGroups = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    const v = x[idx[i]];
    while (j < n && x[idx[j]] === v) j++;
    const r = (i + 1 + j) / 2; // mean of ranks i+1 .. j
    for (let k = i; k < j; k++) ranks[idx[k]] = r;
    const t = j - i;
    if (t > 1) {
      tieTerm += t * t * t - t;
      tieGroups++;
    }
    i = j;
  }
  return { ranks, tieTerm, tieGroups };
}
