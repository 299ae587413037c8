/**
 * Univariate association tests (browser-safe), with the exact conventions of scipy.stats / R:
 *
 * - Mann-Whitney U (R wilcox.test exact = FALSE, correct = TRUE; scipy method = "asymptotic"): U of the first
 *   sample, normal approximation with tie-corrected variance n1 n2 / 12 ((n + 1) - sum(t^3 - t) / (n (n - 1)))
 *   and continuity correction 0.5. Effect sizes AUC = U / (n1 n2) = P(X > Y) + P(X = Y) / 2 and Cliff's delta
 *   = 2 AUC - 1.
 * - Welch and Student t (R t.test var.equal = FALSE / TRUE).
 * - Kruskal-Wallis (tie-corrected H, chi-square with k - 1 df), one-way ANOVA F.
 * - Pearson, Spearman (average ranks) with p from t = r sqrt((n - 2) / (1 - r^2)) on n - 2 df; Kendall tau-b
 *   with scipy's asymptotic tie-corrected variance.
 * - Chi-square test of independence (Yates' correction for 2 x 2 only, as R and scipy) and Fisher's exact
 *   test for 2 x 2 tables (two-sided p = sum of the probabilities <= P(observed) (1 + 1e-7), R's rule), with
 *   R's conditional maximum-likelihood odds ratio and its exact confidence interval (solved to full precision).
 *
 * Inputs are plain arrays without missing values (the `associate` driver removes incomplete pairs).
 */
import { DataError, InputError } from "../../errors.js";
import {
  chi2Sf,
  fSf,
  hypergeometricLogPmf,
  normalCdf,
  normalSf,
  normalTwoSided,
  studentTCdf,
  studentTQuantile,
  studentTSf,
  studentTTwoSided,
} from "../core/distributions.js";
import { rankAverage } from "../core/ranks.js";

export type Alternative = "two-sided" | "less" | "greater";

function checkFinite(x: ArrayLike<number>, what: string): void {
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i]))
      throw new InputError(`${what}: value ${x[i]} at position ${i} (remove missing values first)`);
}

function meanVar(x: ArrayLike<number>): { mean: number; variance: number } {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  let ss = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    ss += d * d;
    c += d;
  }
  // two-pass with the compensation term (Chan, Golub & LeVeque)
  return { mean: m + c / n, variance: (ss - (c * c) / n) / (n - 1) };
}

function pFromT(t: number, df: number, alternative: Alternative): number {
  if (alternative === "two-sided") return studentTTwoSided(t, df);
  return alternative === "greater" ? studentTSf(t, df) : studentTCdf(t, df);
}

// ---------------------------------------------------------------------------------------------
// Two-sample tests
// ---------------------------------------------------------------------------------------------

export interface MannWhitneyResult {
  /** U statistic of the first sample (= R's W). */
  U: number;
  /** Normal deviate after the continuity correction. */
  z: number;
  p: number;
  /** U / (n1 n2): probability that a value of x exceeds one of y (ties count 1/2). */
  auc: number;
  /** Cliff's delta = 2 AUC - 1. */
  cliffsDelta: number;
  n1: number;
  n2: number;
  /** Number of tie groups in the pooled sample. */
  tieGroups: number;
}

/** Mann-Whitney U test (asymptotic, tie-corrected, with continuity correction by default). */
export function mannWhitneyU(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: { alternative?: Alternative; continuity?: boolean } = {},
): MannWhitneyResult {
  const alternative = options.alternative ?? "two-sided";
  const continuity = options.continuity ?? true;
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new DataError("Mann-Whitney U needs at least one value in each group");
  checkFinite(x, "Mann-Whitney x");
  checkFinite(y, "Mann-Whitney y");
  const pooled = new Float64Array(n1 + n2);
  pooled.set(x as ArrayLike<number>, 0);
  pooled.set(y as ArrayLike<number>, n1);
  const { ranks, tieTerm, tieGroups } = rankAverage(pooled);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  const U1 = r1 - (n1 * (n1 + 1)) / 2;
  const U2 = n1 * n2 - U1;
  const n = n1 + n2;
  const mu = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const cc = continuity ? 0.5 : 0;
  let z: number;
  let p: number;
  if (alternative === "two-sided") {
    z = (Math.max(U1, U2) - mu - cc) / sigma;
    p = Math.min(1, 2 * normalSf(z));
  } else if (alternative === "greater") {
    z = (U1 - mu - cc) / sigma;
    p = normalSf(z);
  } else {
    z = (U2 - mu - cc) / sigma;
    p = normalSf(z);
  }
  if (sigma === 0) p = Number.NaN;
  const auc = U1 / (n1 * n2);
  return { U: U1, z, p, auc, cliffsDelta: 2 * auc - 1, n1, n2, tieGroups };
}

export interface TTestResult {
  t: number;
  df: number;
  p: number;
  /** mean(x) - mean(y). */
  meanDifference: number;
  /** Confidence interval of the mean difference (level from options, default 0.95). */
  ci: [number, number];
  /** Cohen's d with the pooled SD. */
  cohensD: number;
  n1: number;
  n2: number;
}

/** Two-sample t test: Welch (default) or Student (equalVariance). */
export function tTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: { equalVariance?: boolean; alternative?: Alternative; confLevel?: number } = {},
): TTestResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 < 2 || n2 < 2) throw new DataError("the t test needs at least two values in each group");
  checkFinite(x, "t test x");
  checkFinite(y, "t test y");
  const a = meanVar(x);
  const b = meanVar(y);
  const diff = a.mean - b.mean;
  const pooled = ((n1 - 1) * a.variance + (n2 - 1) * b.variance) / (n1 + n2 - 2);
  let se: number;
  let df: number;
  if (options.equalVariance) {
    se = Math.sqrt(pooled * (1 / n1 + 1 / n2));
    df = n1 + n2 - 2;
  } else {
    const va = a.variance / n1;
    const vb = b.variance / n2;
    se = Math.sqrt(va + vb);
    df = ((va + vb) * (va + vb)) / ((va * va) / (n1 - 1) + (vb * vb) / (n2 - 1));
  }
  const t = diff / se;
  const alternative = options.alternative ?? "two-sided";
  const level = options.confLevel ?? 0.95;
  let ci: [number, number];
  if (alternative === "two-sided") {
    const q = studentTQuantile(1 - (1 - level) / 2, df);
    ci = [diff - q * se, diff + q * se];
  } else if (alternative === "greater")
    ci = [diff - studentTQuantile(level, df) * se, Number.POSITIVE_INFINITY];
  else ci = [Number.NEGATIVE_INFINITY, diff + studentTQuantile(level, df) * se];
  return {
    t,
    df,
    p: pFromT(t, df, alternative),
    meanDifference: diff,
    ci,
    cohensD: diff / Math.sqrt(pooled),
    n1,
    n2,
  };
}

/** Welch's t test (unequal variances). */
export function welchTTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  alternative: Alternative = "two-sided",
): TTestResult {
  return tTest(x, y, { alternative });
}

/** Student's t test (pooled variance). */
export function studentTTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  alternative: Alternative = "two-sided",
): TTestResult {
  return tTest(x, y, { equalVariance: true, alternative });
}

// ---------------------------------------------------------------------------------------------
// k-sample tests
// ---------------------------------------------------------------------------------------------

export interface KruskalResult {
  H: number;
  df: number;
  p: number;
  /** Epsilon-squared effect size H / (n - 1). */
  epsilonSquared: number;
  n: number;
  groups: number;
}

/** Kruskal-Wallis H test (tie-corrected), groups as separate arrays. */
export function kruskalWallis(groups: readonly ArrayLike<number>[]): KruskalResult {
  const k = groups.length;
  let n = 0;
  for (const g of groups) n += g.length;
  const values = new Float64Array(n);
  const codes = new Int32Array(n);
  let o = 0;
  groups.forEach((g, j) => {
    checkFinite(g, `Kruskal-Wallis group ${j + 1}`);
    for (let i = 0; i < g.length; i++) {
      values[o] = g[i];
      codes[o++] = j;
    }
  });
  return kruskalCodes(values, codes, k);
}

/** Kruskal-Wallis from values and group codes 0..k-1 (empty groups are ignored). */
export function kruskalCodes(values: ArrayLike<number>, codes: ArrayLike<number>, k: number): KruskalResult {
  const n = values.length;
  const { ranks, tieTerm } = rankAverage(values);
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sums[codes[i]] += ranks[i];
    counts[codes[i]]++;
  }
  let s = 0;
  let used = 0;
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) continue;
    s += (sums[j] * sums[j]) / counts[j];
    used++;
  }
  if (used < 2) throw new DataError("Kruskal-Wallis needs at least two non-empty groups");
  let H = (12 / (n * (n + 1))) * s - 3 * (n + 1);
  const corr = 1 - tieTerm / (n * n * n - n);
  H = corr > 0 ? H / corr : Number.NaN;
  const df = used - 1;
  return { H, df, p: chi2Sf(H, df), epsilonSquared: H / (n - 1), n, groups: used };
}

export interface AnovaResult {
  F: number;
  df1: number;
  df2: number;
  p: number;
  /** Eta-squared SS_between / SS_total. */
  etaSquared: number;
}

/** One-way ANOVA F test from values and group codes 0..k-1. */
export function oneWayAnova(values: ArrayLike<number>, codes: ArrayLike<number>, k: number): AnovaResult {
  const n = values.length;
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums[codes[i]] += values[i];
    counts[codes[i]]++;
    total += values[i];
  }
  const grand = total / n;
  let ssb = 0;
  let used = 0;
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) continue;
    used++;
    const d = sums[j] / counts[j] - grand;
    ssb += counts[j] * d * d;
  }
  let ssw = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - sums[codes[i]] / counts[codes[i]];
    ssw += d * d;
  }
  const df1 = used - 1;
  const df2 = n - used;
  if (df1 < 1 || df2 < 1) throw new DataError("ANOVA needs at least two groups and more values than groups");
  const F = ssb / df1 / (ssw / df2);
  return { F, df1, df2, p: fSf(F, df1, df2), etaSquared: ssb / (ssb + ssw) };
}

// ---------------------------------------------------------------------------------------------
// Correlation
// ---------------------------------------------------------------------------------------------

export interface CorrelationResult {
  r: number;
  p: number;
  n: number;
}

/**
 * sxy / sqrt(sxx syy) of two equal-length arrays from two-pass centred sums, not clamped: NaN when a
 * variable is constant (and +-Infinity if sxx syy underflows).
 */
export function pearsonRatio(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Pearson's r of two equal-length arrays (two-pass, centred). NaN when a variable is constant. */
export function pearsonR(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return Math.max(-1, Math.min(1, pearsonRatio(x, y)));
}

/** p-value of a correlation coefficient from t = r sqrt(df / (1 - r^2)), df = n - 2. */
export function correlationPValue(r: number, n: number, alternative: Alternative = "two-sided"): number {
  const df = n - 2;
  if (df < 1 || Number.isNaN(r)) return Number.NaN;
  const ar = Math.abs(r);
  if (ar === 1) return alternative === "two-sided" ? 0 : (alternative === "greater") === r > 0 ? 0 : 1;
  const t = r * Math.sqrt(df / ((1 - ar) * (1 + ar)));
  return pFromT(t, df, alternative);
}

function checkPairs(x: ArrayLike<number>, y: ArrayLike<number>, what: string): void {
  if (x.length !== y.length)
    throw new InputError(`${what}: x and y have different lengths (${x.length}, ${y.length})`);
  checkFinite(x, `${what} x`);
  checkFinite(y, `${what} y`);
}

/** Pearson correlation test (R cor.test, scipy pearsonr). */
export function pearson(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  alternative: Alternative = "two-sided",
): CorrelationResult {
  checkPairs(x, y, "Pearson");
  const r = pearsonR(x, y);
  return { r, p: correlationPValue(r, x.length, alternative), n: x.length };
}

/** Spearman rank correlation with the t approximation (scipy spearmanr; R cor.test(exact = FALSE)). */
export function spearman(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  alternative: Alternative = "two-sided",
): CorrelationResult {
  checkPairs(x, y, "Spearman");
  const r = pearsonR(rankAverage(x).ranks, rankAverage(y).ranks);
  return { r, p: correlationPValue(r, x.length, alternative), n: x.length };
}

export interface KendallResult {
  tau: number;
  z: number;
  p: number;
  n: number;
}

/**
 * Kendall's tau-b with the asymptotic p-value (scipy kendalltau method = "asymptotic"; R cor.test(method =
 * "kendall", exact = FALSE, continuity = FALSE)). O(n log n) (Knight's algorithm).
 */
export function kendallTauB(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  alternative: Alternative = "two-sided",
): KendallResult {
  checkPairs(x, y, "Kendall");
  const n = x.length;
  // sort by x, then y
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => x[a] - x[b] || y[a] - y[b]);
  // ties in x (xtie), joint ties (ntie)
  const tieStats = (keyEq: (a: number, b: number) => boolean, order: Int32Array) => {
    let pairs = 0;
    let v0 = 0;
    let v1 = 0;
    let i = 0;
    while (i < n) {
      let j = i + 1;
      while (j < n && keyEq(order[i], order[j])) j++;
      const t = j - i;
      pairs += (t * (t - 1)) / 2;
      v0 += t * (t - 1) * (t - 2);
      v1 += t * (t - 1) * (2 * t + 5);
      i = j;
    }
    return { pairs, v0, v1 };
  };
  const xt = tieStats((a, b) => x[a] === x[b], idx);
  const nt = tieStats((a, b) => x[a] === x[b] && y[a] === y[b], idx);
  // count discordant pairs = inversions of y in x-order (merge sort), ties in y not counted
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) ys[i] = y[idx[i]];
  const buf = new Float64Array(n);
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (ys[j] < ys[i]) {
          buf[k++] = ys[j++];
          swaps += mid - i;
        } else buf[k++] = ys[i++];
      }
      while (i < mid) buf[k++] = ys[i++];
      while (j < hi) buf[k++] = ys[j++];
    }
    ys.set(buf);
  }
  // ys is now sorted: ties in y
  const yOrder = new Int32Array(n);
  for (let i = 0; i < n; i++) yOrder[i] = i;
  const yt = tieStats((a, b) => ys[a] === ys[b], yOrder);
  const tot = (n * (n - 1)) / 2;
  const conMinusDis = tot - xt.pairs - yt.pairs + nt.pairs - 2 * swaps;
  const tau = conMinusDis / Math.sqrt(tot - xt.pairs) / Math.sqrt(tot - yt.pairs);
  const m = n * (n - 1);
  const variance =
    (m * (2 * n + 5) - xt.v1 - yt.v1) / 18 +
    (2 * xt.pairs * yt.pairs) / m +
    (xt.v0 * yt.v0) / (9 * m * (n - 2));
  const z = conMinusDis / Math.sqrt(variance);
  const p =
    alternative === "two-sided" ? normalTwoSided(z) : alternative === "greater" ? normalSf(z) : normalCdf(z);
  return { tau: Math.max(-1, Math.min(1, tau)), z, p, n };
}

// ---------------------------------------------------------------------------------------------
// Contingency tables
// ---------------------------------------------------------------------------------------------

export interface ChiSquareResult {
  statistic: number;
  df: number;
  p: number;
  expected: number[][];
  /** Cramér's V = sqrt(chi2 / (n (min(r, c) - 1))) from the uncorrected statistic. */
  cramersV: number;
  /** Whether Yates' continuity correction was applied (2 x 2 with correction = true). */
  yates: boolean;
}

function checkTable(
  table: readonly (readonly number[])[],
  what: string,
): { r: number; c: number; n: number } {
  const r = table.length;
  const c = r ? table[0].length : 0;
  if (r < 2 || c < 2) throw new DataError(`${what} needs at least a 2 x 2 table (got ${r} x ${c})`);
  let n = 0;
  for (const row of table) {
    if (row.length !== c) throw new InputError(`${what}: ragged table`);
    for (const v of row) {
      if (!(v >= 0) || !Number.isInteger(v))
        throw new InputError(`${what}: counts must be non-negative integers (got ${v})`);
      n += v;
    }
  }
  return { r, c, n };
}

/** Chi-square test of independence (R chisq.test / scipy chi2_contingency); Yates only for 2 x 2. */
export function chiSquareTest(
  table: readonly (readonly number[])[],
  options: { correction?: boolean } = {},
): ChiSquareResult {
  const { r, c, n } = checkTable(table, "chi-square test");
  const rows = table.map((row) => row.reduce((s, v) => s + v, 0));
  const cols = Array.from({ length: c }, (_, j) => table.reduce((s, row) => s + row[j], 0));
  rows.forEach((v, i) => {
    if (v === 0) throw new DataError(`chi-square test: row ${i + 1} of the table is empty`);
  });
  cols.forEach((v, j) => {
    if (v === 0) throw new DataError(`chi-square test: column ${j + 1} of the table is empty`);
  });
  const expected = table.map((_, i) => cols.map((cj) => (rows[i] * cj) / n));
  const df = (r - 1) * (c - 1);
  const yates = (options.correction ?? true) && df === 1;
  let stat = 0;
  let raw = 0;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      const e = expected[i][j];
      const d = Math.abs(table[i][j] - e);
      const dc = yates ? d - Math.min(0.5, d) : d;
      stat += (dc * dc) / e;
      raw += (d * d) / e;
    }
  }
  const cramersV = Math.sqrt(raw / (n * (Math.min(r, c) - 1)));
  return { statistic: stat, df, p: chi2Sf(stat, df), expected, cramersV, yates };
}

export interface FisherResult {
  p: number;
  /** Sample odds ratio (a d) / (b c). */
  sampleOddsRatio: number;
  /** Conditional maximum-likelihood odds ratio (R fisher.test's estimate). */
  oddsRatio: number;
  /** Exact confidence interval of the conditional odds ratio. */
  ci: [number, number];
}

/** Noncentral hypergeometric helper for a 2 x 2 table with margins (m, n, k) and observed x. */
class NoncentralHypergeometric {
  readonly lo: number;
  readonly hi: number;
  private readonly logdc: Float64Array;
  private readonly d: Float64Array;

  constructor(m: number, n: number, k: number) {
    this.lo = Math.max(0, k - n);
    this.hi = Math.min(k, m);
    const len = this.hi - this.lo + 1;
    this.logdc = new Float64Array(len);
    for (let s = 0; s < len; s++) this.logdc[s] = hypergeometricLogPmf(this.lo + s, m, k, m + n);
    this.d = new Float64Array(len);
  }

  /** Probabilities under log odds ratio theta (normalised in log space; R's dnhyper). */
  density(theta: number): Float64Array {
    const d = this.d;
    let max = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < d.length; s++) {
      d[s] = this.logdc[s] + theta * (this.lo + s);
      if (d[s] > max) max = d[s];
    }
    let sum = 0;
    for (let s = 0; s < d.length; s++) {
      d[s] = Math.exp(d[s] - max);
      sum += d[s];
    }
    for (let s = 0; s < d.length; s++) d[s] /= sum;
    return d;
  }

  mean(theta: number): { mean: number; variance: number } {
    const d = this.density(theta);
    let m = 0;
    for (let s = 0; s < d.length; s++) m += (this.lo + s) * d[s];
    let v = 0;
    for (let s = 0; s < d.length; s++) {
      const e = this.lo + s - m;
      v += e * e * d[s];
    }
    return { mean: m, variance: v };
  }

  /** P(X <= x) (upper = false) or P(X >= x) (upper = true) under theta. */
  tail(x: number, theta: number, upper: boolean): number {
    const d = this.density(theta);
    let p = 0;
    if (upper) for (let s = x - this.lo; s < d.length; s++) p += d[s];
    else for (let s = 0; s <= x - this.lo; s++) p += d[s];
    return p;
  }
}

/** Solve an increasing function f(theta) = 0 by bracketing and bisection to full precision. */
function solveIncreasing(f: (theta: number) => number, start = 0): number {
  let a = start - 1;
  let b = start + 1;
  while (f(a) > 0 && a > -745) a = start - 2 * (start - a);
  while (f(b) < 0 && b < 745) b = start + 2 * (b - start);
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (a + b);
    if (mid === a || mid === b) break;
    if (f(mid) < 0) a = mid;
    else b = mid;
  }
  return 0.5 * (a + b);
}

/**
 * Fisher's exact test for a 2 x 2 table [[a, b], [c, d]] (R fisher.test). Two-sided p sums the
 * probabilities not exceeding P(observed) (1 + 1e-7); "less"/"greater" are the lower/upper tails of a.
 */
export function fisherExact(
  table: readonly (readonly number[])[],
  options: { alternative?: Alternative; confLevel?: number } = {},
): FisherResult {
  const { r, c } = checkTable(table, "Fisher's exact test");
  if (r !== 2 || c !== 2)
    throw new InputError(`Fisher's exact test is implemented for 2 x 2 tables (got ${r} x ${c})`);
  const [[a, b], [cc, d]] = table;
  const m = a + cc;
  const n = b + d;
  const k = a + b;
  const x = a;
  const h = new NoncentralHypergeometric(m, n, k);
  const alternative = options.alternative ?? "two-sided";
  const level = options.confLevel ?? 0.95;
  const d0 = h.density(0);
  let p: number;
  if (alternative === "two-sided") {
    const cut = d0[x - h.lo] * (1 + 1e-7);
    p = 0;
    for (let s = 0; s < d0.length; s++) if (d0[s] <= cut) p += d0[s];
  } else p = h.tail(x, 0, alternative === "greater");
  p = Math.min(1, p);
  // conditional MLE: E[X; theta] = x (the mean is increasing in theta with slope Var[X; theta])
  let oddsRatio: number;
  if (x === h.lo) oddsRatio = 0;
  else if (x === h.hi) oddsRatio = Number.POSITIVE_INFINITY;
  else oddsRatio = Math.exp(solveIncreasing((t) => h.mean(t).mean - x));
  // exact CI: P(X >= x; L) = alpha and P(X <= x; U) = alpha
  const upperLimit = (alpha: number) =>
    x === h.hi ? Number.POSITIVE_INFINITY : Math.exp(solveIncreasing((t) => alpha - h.tail(x, t, false)));
  const lowerLimit = (alpha: number) =>
    x === h.lo ? 0 : Math.exp(solveIncreasing((t) => h.tail(x, t, true) - alpha));
  let ci: [number, number];
  if (alternative === "two-sided") {
    const alpha = (1 - level) / 2;
    ci = [lowerLimit(alpha), upperLimit(alpha)];
  } else if (alternative === "less") ci = [0, upperLimit(1 - level)];
  else ci = [lowerLimit(1 - level), Number.POSITIVE_INFINITY];
  return { p, sampleOddsRatio: (a * d) / (b * cc), oddsRatio, ci };
}
