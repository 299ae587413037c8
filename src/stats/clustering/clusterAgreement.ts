/**
 * Agreement between two partitions of the same items: contingency table and the adjusted Rand index
 * (Hubert & Arabie 1985), as scikit-learn's `adjusted_rand_score` and R mclust's `adjustedRandIndex`:
 *
 *   ARI = (sum_ij C(n_ij, 2) - E) / (0.5 (sum_i C(a_i, 2) + sum_j C(b_j, 2)) - E),
 *   E   = sum_i C(a_i, 2) * sum_j C(b_j, 2) / C(n, 2)
 *
 * with n_ij the contingency counts and a_i, b_j its margins. Identical partitions give 1 (also in the
 * degenerate cases where the denominator is 0, e.g. both partitions a single cluster, as scikit-learn does);
 * independent random partitions give about 0.
 *
 * Browser-safe: no `node:` imports.
 */
import { InputError } from "../../errors.js";

export interface Contingency {
  /** Distinct labels of a and b (sorted), and the counts table rows = a levels, cols = b levels (row-major). */
  rowLevels: number[];
  colLevels: number[];
  counts: Int32Array;
}

/** Contingency table of two integer labelings of the same items. */
export function contingencyTable(a: ArrayLike<number>, b: ArrayLike<number>): Contingency {
  if (a.length !== b.length) throw new InputError(`labelings differ in length: ${a.length} vs ${b.length}`);
  const rowLevels = Array.from(new Set(Array.from(a))).sort((x, y) => x - y);
  const colLevels = Array.from(new Set(Array.from(b))).sort((x, y) => x - y);
  const ri = new Map(rowLevels.map((v, i) => [v, i]));
  const ci = new Map(colLevels.map((v, i) => [v, i]));
  const counts = new Int32Array(rowLevels.length * colLevels.length);
  for (let i = 0; i < a.length; i++)
    counts[(ri.get(a[i]) as number) * colLevels.length + (ci.get(b[i]) as number)]++;
  return { rowLevels, colLevels, counts };
}

const choose2 = (m: number) => (m * (m - 1)) / 2;

/** Adjusted Rand index between two labelings. */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const t = contingencyTable(a, b);
  const r = t.rowLevels.length;
  const c = t.colLevels.length;
  let sumCells = 0;
  const rowSum = new Float64Array(r);
  const colSum = new Float64Array(c);
  for (let i = 0; i < r; i++)
    for (let j = 0; j < c; j++) {
      const v = t.counts[i * c + j];
      sumCells += choose2(v);
      rowSum[i] += v;
      colSum[j] += v;
    }
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < r; i++) sa += choose2(rowSum[i]);
  for (let j = 0; j < c; j++) sb += choose2(colSum[j]);
  const expected = n > 1 ? (sa * sb) / choose2(n) : 0;
  const maxIndex = 0.5 * (sa + sb);
  if (maxIndex === expected) return 1; // both trivial (one cluster, or all singletons) and identical in form
  return (sumCells - expected) / (maxIndex - expected);
}
