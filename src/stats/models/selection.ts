/**
 * Feature selection for predictive models. Always fitted on the training rows of a fold only (the
 * cross-validation code calls it inside each fold), so the held-out rows never influence which features
 * are kept.
 *
 * - univariate: rank features by a two-sample test between the classes (Mann-Whitney U p-value, Welch t
 *   p-value, or |AUC - 0.5|); for more than two classes Kruskal-Wallis or one-way ANOVA p-values. Keeps
 *   the k best, optionally only those with p below a threshold (at least one is always kept).
 * - lasso: the features with non-zero coefficients in an L1 logistic path (glmnet conventions) at the
 *   largest lambda where up to k features are active (for several classes: one-vs-rest, the union,
 *   ranked by entry order).
 * - mrmr: minimum redundancy maximum relevance (Ding & Peng, J Bioinform Comput Biol 2005) in its
 *   difference (MID) form with correlation-type measures on one scale: relevance = correlation ratio eta
 *   (sqrt(SS_between / SS_total) of a one-way ANOVA against the class), redundancy = mean |Pearson r| with
 *   the features already chosen; greedily pick the largest relevance - redundancy. (The quotient form
 *   F / mean|r| is unstable when a weak feature happens to be uncorrelated with the chosen ones.)
 */

import { InputError } from "../../errors.js";
import { glmnetBinomial, pathCoef } from "./glmnet.js";
import { kruskalCodes, mannWhitneyU, oneWayAnova, pearsonR, tTest } from "../tests/univariate.js";

export type SelectMethod = "none" | "univariate" | "lasso" | "mrmr";
export type UnivariateTest = "mwu" | "ttest" | "auc";

export interface SelectOptions {
  method: SelectMethod;
  /** Number of features to keep (default 10, capped at p). */
  k?: number;
  /** Univariate statistic (default "mwu"); multi-class uses Kruskal-Wallis (mwu, auc) or ANOVA (ttest). */
  test?: UnivariateTest;
  /** Univariate: keep only features with p below this (after ranking), default none. */
  pThreshold?: number;
}

export interface Selection {
  /** Indices of the kept features (into the input columns), best first. */
  selected: number[];
  /** Score per input feature used for ranking (p-value, |AUC-0.5|, F, ...); NaN when not scored. */
  scores: Float64Array;
  /** What the score is. */
  scoreName: string;
}

function groupsOf(col: Float64Array, y: ArrayLike<number>, K: number): Float64Array[] {
  const counts = new Int32Array(K);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  const g = Array.from(counts, (c) => new Float64Array(c));
  const fill = new Int32Array(K);
  for (let i = 0; i < y.length; i++) g[y[i]][fill[y[i]]++] = col[i];
  return g;
}

function isConstant(col: Float64Array): boolean {
  for (let i = 1; i < col.length; i++) if (col[i] !== col[0]) return false;
  return true;
}

/**
 * Select features from `x` (columns, no NaN) for class labels `y` (0..K-1). Ties in the ranking keep
 * the input order.
 */
export function selectFeatures(
  x: Float64Array[],
  y: ArrayLike<number>,
  K: number,
  opts: SelectOptions,
): Selection {
  const p = x.length;
  const k = Math.max(1, Math.min(p, opts.k ?? 10));
  const all = Array.from({ length: p }, (_, j) => j);
  if (opts.method === "none" || p === 0)
    return { selected: all, scores: new Float64Array(p).fill(Number.NaN), scoreName: "none" };
  if (opts.method === "univariate") return univariate(x, y, K, k, opts.test ?? "mwu", opts.pThreshold);
  if (opts.method === "lasso") return lassoSelect(x, y, K, k);
  if (opts.method === "mrmr") return mrmr(x, y, K, k);
  throw new InputError(`unknown feature selection method "${String(opts.method)}"`);
}

function univariate(
  x: Float64Array[],
  y: ArrayLike<number>,
  K: number,
  k: number,
  test: UnivariateTest,
  pThreshold?: number,
): Selection {
  const p = x.length;
  const scores = new Float64Array(p);
  // Lower is better for p-values; for |AUC - 0.5| higher is better (stored negated for sorting).
  const key = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const col = x[j];
    if (isConstant(col)) {
      scores[j] = test === "auc" && K === 2 ? 0 : 1;
      key[j] = test === "auc" && K === 2 ? 0 : 1;
      continue;
    }
    const g = groupsOf(col, y, K);
    let s: number;
    if (K === 2) {
      if (test === "auc") {
        s = Math.abs(mannWhitneyU(g[1], g[0]).auc - 0.5);
        key[j] = -s;
      } else if (test === "ttest") {
        s = g[0].length >= 2 && g[1].length >= 2 ? tTest(g[1], g[0]).p : 1;
        key[j] = s;
      } else {
        s = mannWhitneyU(g[1], g[0]).p;
        key[j] = s;
      }
    } else if (test === "ttest") {
      s = oneWayAnova(col, y, K).p;
      key[j] = s;
    } else {
      s = kruskalCodes(col, y, K).p;
      key[j] = s;
    }
    if (Number.isNaN(key[j])) key[j] = Number.POSITIVE_INFINITY;
    scores[j] = s;
  }
  const scoreName =
    K === 2
      ? test === "auc"
        ? "|AUC - 0.5|"
        : test === "ttest"
          ? "Welch t-test p"
          : "Mann-Whitney U p"
      : test === "ttest"
        ? "ANOVA F-test p"
        : "Kruskal-Wallis p";
  const order = Array.from({ length: p }, (_, j) => j).sort((a, b) => key[a] - key[b] || a - b);
  let selected = order.slice(0, k);
  if (pThreshold !== undefined && test !== "auc") {
    const kept = selected.filter((j) => scores[j] < pThreshold);
    selected = kept.length > 0 ? kept : selected.slice(0, 1);
  }
  return { selected, scores, scoreName };
}

function lassoSelect(x: Float64Array[], y: ArrayLike<number>, K: number, k: number): Selection {
  const p = x.length;
  const scores = new Float64Array(p).fill(Number.NaN);
  const entry = new Float64Array(p).fill(Number.POSITIVE_INFINITY); // path step at which a feature enters
  const targets = K === 2 ? [1] : Array.from({ length: K }, (_, c) => c);
  const usable = x.map((c) => !isConstant(c));
  const idx = usable.flatMap((u, j) => (u ? [j] : []));
  if (idx.length === 0) return { selected: [0], scores, scoreName: "lasso entry step" };
  const xs = idx.map((j) => x[j]);
  for (const c of targets) {
    const yc = Float64Array.from(y as ArrayLike<number>, (v) => (v === c ? 1 : 0));
    const path = glmnetBinomial(xs, yc, { alpha: 1 });
    for (let l = 0; l < path.lambda.length; l++) {
      const b = pathCoef(path, l);
      for (let t = 0; t < idx.length; t++) if (b[t] !== 0 && l < entry[idx[t]]) entry[idx[t]] = l;
    }
  }
  for (let j = 0; j < p; j++) if (Number.isFinite(entry[j])) scores[j] = entry[j];
  // Features ordered by the step at which they enter (ties: input order); keep the first k.
  const order = Array.from({ length: p }, (_, j) => j)
    .filter((j) => Number.isFinite(entry[j]))
    .sort((a, b) => entry[a] - entry[b] || a - b);
  const selected = order.slice(0, k);
  return { selected: selected.length > 0 ? selected : [idx[0]], scores, scoreName: "lasso entry step" };
}

function mrmr(x: Float64Array[], y: ArrayLike<number>, K: number, k: number): Selection {
  const p = x.length;
  const rel = new Float64Array(p);
  const constant = x.map(isConstant);
  for (let j = 0; j < p; j++) {
    if (constant[j]) continue;
    const e2 = oneWayAnova(x[j], y, K).etaSquared;
    rel[j] = Number.isFinite(e2) ? Math.sqrt(e2) : 0;
  }
  const selected: number[] = [];
  const chosen = new Uint8Array(p);
  const redSum = new Float64Array(p);
  let first = 0;
  for (let j = 1; j < p; j++) if (rel[j] > rel[first]) first = j;
  selected.push(first);
  chosen[first] = 1;
  while (selected.length < k) {
    const last = selected[selected.length - 1];
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < p; j++) {
      if (chosen[j] || constant[j]) continue;
      const r = constant[last] ? 0 : Math.abs(pearsonR(x[j], x[last]));
      redSum[j] += Number.isFinite(r) ? r : 0;
      const score = rel[j] - redSum[j] / selected.length;
      if (score > bestScore) {
        bestScore = score;
        best = j;
      }
    }
    if (best < 0) break;
    selected.push(best);
    chosen[best] = 1;
  }
  return { selected, scores: rel, scoreName: "correlation ratio eta (relevance)" };
}
