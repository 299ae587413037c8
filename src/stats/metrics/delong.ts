/**
 * DeLong's nonparametric variance and covariance of AUCs (DeLong, DeLong & Clarke-Pearson, Biometrics
 * 1988), as in R pROC: `var(roc, method = "delong")`, `ci.auc(roc, method = "delong")`,
 * `roc.test(r1, r2, method = "delong", paired = TRUE / FALSE)` and `cov(r1, r2, method = "delong")`.
 *
 * Structural components (placements), for m cases X_i and n controls Y_j, with psi(x, y) = 1 if x > y,
 * 1/2 if x = y, 0 otherwise:
 *   V10_i = (1/n) sum_j psi(X_i, Y_j)     (one per case)
 *   V01_j = (1/m) sum_i psi(X_i, Y_j)     (one per control)
 *   AUC = mean(V10) = mean(V01)
 *   S10 = sum_i (V10_i - AUC)^2 / (m - 1),  S01 = sum_j (V01_j - AUC)^2 / (n - 1)
 *   Var(AUC) = S10 / m + S01 / n,   Cov(AUC_r, AUC_s) likewise with cross products.
 * The placements are computed in O(n log n) by sorting each class once and counting with binary
 * searches (Sun & Xu, IEEE Signal Process. Lett. 2014 compute the same quantities from mid-ranks).
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError } from "../../errors.js";
import { normalQuantile, normalTwoSided, studentTTwoSided } from "../core/distributions.js";
import { checkBinary, splitSorted } from "./metrics.js";
import { lowerBound, upperBound } from "../../util/search.js";

/** DeLong structural components of one score vector. */
export interface DelongPlacements {
  /** AUC (theta in pROC). */
  auc: number;
  /** V10 placement of every case (label 1), in the order the cases appear in the input. */
  cases: Float64Array;
  /** V01 placement of every control (label 0), in input order. */
  controls: Float64Array;
}

/** DeLong placements (structural components) in O(n log n). */
export function delongPlacements(scores: ArrayLike<number>, labels: ArrayLike<number>): DelongPlacements {
  const { nPos: m, nNeg: n } = checkBinary(scores, labels);
  return placementsUnchecked(scores, labels, m, n);
}

function placementsUnchecked(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  m: number,
  n: number,
): DelongPlacements {
  const { pos, neg } = splitSorted(scores, labels, m, n);
  const cases = new Float64Array(m);
  const controls = new Float64Array(n);
  let ic = 0;
  let ik = 0;
  let twiceSum = 0; // 2 * sum of psi over all pairs: an exact integer
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (labels[i] === 1) {
      const below = lowerBound(neg, v);
      const tied = upperBound(neg, v) - below;
      const twice = 2 * below + tied;
      twiceSum += twice;
      cases[ic++] = twice / 2 / n;
    } else {
      const above = m - upperBound(pos, v);
      const tied = m - above - lowerBound(pos, v);
      controls[ik++] = (2 * above + tied) / 2 / m;
    }
  }
  return { auc: twiceSum / 2 / (m * n), cases, controls };
}

/** sum_i (a_i - ma)(b_i - mb) / (len - 1) */
function centredCross(a: Float64Array, ma: number, b: Float64Array, mb: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - ma) * (b[i] - mb);
  return s / (a.length - 1);
}

function needTwoPerClass(m: number, n: number): void {
  if (m < 2 || n < 2) {
    throw new DataError(
      `DeLong variance needs at least 2 cases and 2 controls (got ${m} cases, ${n} controls)`,
    );
  }
}

export interface DelongVariance {
  auc: number;
  /** DeLong variance of the AUC (pROC `var(roc, method = "delong")`). */
  variance: number;
  /** Standard error sqrt(variance). */
  se: number;
  nCases: number;
  nControls: number;
}

/** DeLong variance of one AUC. */
export function delongVariance(scores: ArrayLike<number>, labels: ArrayLike<number>): DelongVariance {
  const { nPos: m, nNeg: n } = checkBinary(scores, labels);
  needTwoPerClass(m, n);
  const p = placementsUnchecked(scores, labels, m, n);
  const variance =
    centredCross(p.cases, p.auc, p.cases, p.auc) / m + centredCross(p.controls, p.auc, p.controls, p.auc) / n;
  return { auc: p.auc, variance, se: Math.sqrt(variance), nCases: m, nControls: n };
}

function checkLevel(conf: number): void {
  if (!(conf > 0 && conf < 1))
    throw new DataError(`confidence level ${conf} must lie strictly between 0 and 1`);
}

export interface DelongCi extends DelongVariance {
  lower: number;
  upper: number;
  level: number;
}

/**
 * Wald confidence interval AUC -/+ z_{1-alpha/2} * SE (pROC `ci.auc(method = "delong")`). As in pROC the
 * bounds are clipped to [0, 1] (set `clip: false` for the raw interval).
 */
export function delongCi(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: { level?: number; clip?: boolean } = {},
): DelongCi {
  const level = opts.level ?? 0.95;
  checkLevel(level);
  const v = delongVariance(scores, labels);
  const z = normalQuantile(1 - (1 - level) / 2);
  let lower = v.auc - z * v.se;
  let upper = v.auc + z * v.se;
  if (opts.clip ?? true) {
    lower = Math.min(1, Math.max(0, lower));
    upper = Math.min(1, Math.max(0, upper));
  }
  return { ...v, lower, upper, level };
}

/**
 * DeLong covariance matrix of the AUCs of k models scored on the same cases (row-major k x k), and the
 * AUCs. `cov[r * k + s]` = Cov(AUC_r, AUC_s); the diagonal holds the variances.
 */
export function delongCovariance(
  scoreSets: ReadonlyArray<ArrayLike<number>>,
  labels: ArrayLike<number>,
): { aucs: Float64Array; cov: Float64Array; nCases: number; nControls: number } {
  const k = scoreSets.length;
  if (k === 0) throw new DataError("delongCovariance needs at least one score vector");
  let m = 0;
  let n = 0;
  const pl: DelongPlacements[] = [];
  for (let r = 0; r < k; r++) {
    const c = checkBinary(scoreSets[r], labels, { what: `scores #${r + 1}` });
    m = c.nPos;
    n = c.nNeg;
    needTwoPerClass(m, n);
    pl.push(placementsUnchecked(scoreSets[r], labels, m, n));
  }
  const aucs = new Float64Array(k);
  const cov = new Float64Array(k * k);
  for (let r = 0; r < k; r++) aucs[r] = pl[r].auc;
  for (let r = 0; r < k; r++) {
    for (let s = r; s < k; s++) {
      const c =
        centredCross(pl[r].cases, pl[r].auc, pl[s].cases, pl[s].auc) / m +
        centredCross(pl[r].controls, pl[r].auc, pl[s].controls, pl[s].auc) / n;
      cov[r * k + s] = c;
      cov[s * k + r] = c;
    }
  }
  return { aucs, cov, nCases: m, nControls: n };
}

export interface DelongPairedTest {
  auc1: number;
  auc2: number;
  var1: number;
  var2: number;
  /** DeLong covariance of the two AUCs (pROC `cov(r1, r2, method = "delong")`). */
  cov: number;
  /** auc1 - auc2 */
  difference: number;
  /** SE of the difference sqrt(var1 + var2 - 2 cov). */
  se: number;
  z: number;
  /** Two-sided p-value 2 * P(Z > |z|). */
  pValue: number;
  /** Wald CI of the difference (not clipped, as in pROC). */
  lower: number;
  upper: number;
  level: number;
}

/**
 * DeLong's test for two correlated ROC curves (two models scored on the same cases): pROC
 * `roc.test(r1, r2, method = "delong", paired = TRUE)`, two-sided, with the CI of auc1 - auc2.
 */
export function delongPairedTest(
  scores1: ArrayLike<number>,
  scores2: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: { level?: number } = {},
): DelongPairedTest {
  const level = opts.level ?? 0.95;
  checkLevel(level);
  if (scores1.length !== scores2.length) {
    throw new DataError(
      `paired DeLong test: scores1 has ${scores1.length} values but scores2 has ${scores2.length}`,
    );
  }
  const { aucs, cov } = delongCovariance([scores1, scores2], labels);
  const var1 = cov[0];
  const var2 = cov[3];
  const c12 = cov[1];
  const difference = aucs[0] - aucs[1];
  const se = Math.sqrt(var1 + var2 - 2 * c12);
  // identical curves: 0/0, reported as z = 0 (pROC does the same)
  const z = difference === 0 && se === 0 ? 0 : difference / se;
  const pValue = normalTwoSided(z);
  const crit = normalQuantile(1 - (1 - level) / 2);
  return {
    auc1: aucs[0],
    auc2: aucs[1],
    var1,
    var2,
    cov: c12,
    difference,
    se,
    z,
    pValue: Math.min(1, pValue),
    lower: difference - crit * se,
    upper: difference + crit * se,
    level,
  };
}

export interface DelongUnpairedTest {
  auc1: number;
  auc2: number;
  var1: number;
  var2: number;
  difference: number;
  /** t = (auc1 - auc2) / sqrt(var1 + var2) */
  statistic: number;
  /** Welch-Satterthwaite-type df (var1 + var2)^2 / (var1^2 / (N1 - 1) + var2^2 / (N2 - 1)), N = cases + controls. */
  df: number;
  /** Two-sided p-value from Student's t with `df` degrees of freedom. */
  pValue: number;
}

/**
 * DeLong test for two independent ROC curves (different patients): pROC
 * `roc.test(r1, r2, method = "delong", paired = FALSE)`, which refers the difference over its DeLong SE to a
 * t distribution with a Welch-type df computed from the total sample sizes.
 */
export function delongUnpairedTest(
  scores1: ArrayLike<number>,
  labels1: ArrayLike<number>,
  scores2: ArrayLike<number>,
  labels2: ArrayLike<number>,
): DelongUnpairedTest {
  const a = delongVariance(scores1, labels1);
  const b = delongVariance(scores2, labels2);
  const sum = a.variance + b.variance;
  const difference = a.auc - b.auc;
  const statistic = difference === 0 && sum === 0 ? 0 : difference / Math.sqrt(sum);
  const n1 = a.nCases + a.nControls;
  const n2 = b.nCases + b.nControls;
  const df = (sum * sum) / ((a.variance * a.variance) / (n1 - 1) + (b.variance * b.variance) / (n2 - 1));
  const pValue = studentTTwoSided(statistic, df);
  return { auc1: a.auc, auc2: b.auc, var1: a.variance, var2: b.variance, difference, statistic, df, pValue };
}
