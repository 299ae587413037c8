/**
 * Seeded nonparametric bootstrap for model-performance metrics: percentile confidence intervals for the
 * AUC or any metric of (scores, labels), vector-valued statistics (e.g. net-benefit curves) and paired
 * differences between two models scored on the same cases.
 *
 * Defaults follow pROC's `ci.auc(method = "bootstrap")` / `ci(..., method = "bootstrap")`:
 * - 2000 replicates (`boot.n = 2000`);
 * - stratified resampling (`boot.stratified = TRUE`): each replicate draws the cases with replacement from
 *   the cases and the controls from the controls, so every replicate keeps the original class counts and
 *   the AUC is always defined;
 * - percentile interval: the (1 - level)/2 and 1 - (1 - level)/2 quantiles of the replicates with R's
 *   default quantile definition (type 7, linear interpolation), and the median.
 * The random stream is not R's, so bounds agree with pROC only up to Monte Carlo error; runs with the same
 * seed are identical on every machine. With `stratified: false` the n samples are drawn from all samples;
 * replicates where the statistic is not finite (e.g. a single class was drawn) are dropped and counted in
 * `nFailed`.
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError } from "../../errors.js";
import { normalTwoSided } from "../core/distributions.js";
import { aucSorted, checkBinary } from "./metrics.js";
import { Random } from "../core/random.js";

export interface BootstrapOptions {
  /** Number of bootstrap replicates (default 2000, as pROC). */
  replicates?: number;
  /** Confidence level of the percentile interval (default 0.95). */
  level?: number;
  /** Resample cases and controls separately (default true, as pROC). */
  stratified?: boolean;
  /** Seed of the generator (default 42); ignored when `rng` is given. */
  seed?: number;
  /** Generator to draw from (advanced: shares a stream with the caller). */
  rng?: Random;
}

export interface BootstrapCi {
  /** The statistic on the original data. */
  estimate: number;
  /** Percentile interval bounds (R quantile type 7). */
  lower: number;
  upper: number;
  /** Median of the replicates. */
  median: number;
  /** Standard deviation of the replicates (n - 1 denominator): the bootstrap standard error. */
  se: number;
  level: number;
  /** The finite replicate values, in draw order. */
  replicates: Float64Array;
  /** Replicates dropped because the statistic was not finite. */
  nFailed: number;
  stratified: boolean;
}

/**
 * R's default sample quantile (type 7) of ascending-sorted finite values, 0 <= p <= 1, with R's arithmetic:
 * index h = 1 + (n - 1) p, q = (1 - g) x[lo] + g x[hi] where g = h - floor(h) (only when x[hi] != x[lo]).
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const index = 1 + (n - 1) * p;
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const qlo = sorted[lo - 1];
  const qhi = sorted[hi - 1];
  if (!(index > lo) || qhi === qlo) return qlo;
  const g = index - lo;
  return (1 - g) * qlo + g * qhi;
}

function resolveOptions(opts: BootstrapOptions): {
  reps: number;
  level: number;
  stratified: boolean;
  rng: Random;
} {
  const reps = opts.replicates ?? 2000;
  if (!Number.isInteger(reps) || reps < 1)
    throw new DataError(`bootstrap replicates must be a positive integer (got ${reps})`);
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1))
    throw new DataError(`confidence level ${level} must lie strictly between 0 and 1`);
  return { reps, level, stratified: opts.stratified ?? true, rng: opts.rng ?? new Random(opts.seed ?? 42) };
}

/**
 * Calls `visit(indices, r)` for every replicate r with the resampled row indices (a reused Int32Array of
 * length n; copy it to keep it). Stratified: the first nPos entries are cases, the rest controls.
 */
export function forEachBootstrapSample(
  labels: ArrayLike<number>,
  opts: BootstrapOptions,
  visit: (indices: Int32Array, replicate: number) => void,
): void {
  const { reps, stratified, rng } = resolveOptions(opts);
  const n = labels.length;
  if (n === 0) throw new DataError("bootstrap: no samples");
  const idx = new Int32Array(n);
  if (!stratified) {
    for (let r = 0; r < reps; r++) {
      for (let i = 0; i < n; i++) idx[i] = rng.int(n);
      visit(idx, r);
    }
    return;
  }
  const posIdx: number[] = [];
  const negIdx: number[] = [];
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1) posIdx.push(i);
    else if (labels[i] === 0) negIdx.push(i);
    else throw new DataError(`labels[${i}] is ${String(labels[i])}: binary labels must be 0 or 1`);
  }
  const pos = Int32Array.from(posIdx);
  const neg = Int32Array.from(negIdx);
  const np = pos.length;
  const nn = neg.length;
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < np; i++) idx[i] = pos[rng.int(np)];
    for (let i = 0; i < nn; i++) idx[np + i] = neg[rng.int(nn)];
    visit(idx, r);
  }
}

/** Percentile CI summary of replicate values (non-finite values are dropped and counted). */
export function summariseReplicates(
  estimate: number,
  values: Float64Array,
  level: number,
  stratified: boolean,
): BootstrapCi {
  let k = 0;
  const finite = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite[k++] = values[i];
  const replicates = finite.slice(0, k);
  const sorted = replicates.slice().sort();
  let mean = 0;
  for (let i = 0; i < k; i++) mean += replicates[i];
  mean /= k;
  let ss = 0;
  for (let i = 0; i < k; i++) ss += (replicates[i] - mean) ** 2;
  const a = (1 - level) / 2;
  return {
    estimate,
    lower: quantileSorted(sorted, a),
    upper: quantileSorted(sorted, 1 - a),
    median: quantileSorted(sorted, 0.5),
    se: k > 1 ? Math.sqrt(ss / (k - 1)) : Number.NaN,
    level,
    replicates,
    nFailed: values.length - k,
    stratified,
  };
}

/**
 * Percentile bootstrap CI of any metric of (scores, labels), e.g. `brierScore`, a calibration slope or
 * sensitivity at a threshold. The metric receives reused buffers holding one replicate (it must not keep
 * them); it may throw a DataError for a degenerate replicate, which is then counted as failed.
 */
export function bootstrapMetricCi(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  metric: (scores: Float64Array, labels: Uint8Array) => number,
  opts: BootstrapOptions = {},
): BootstrapCi {
  const o = resolveOptions(opts);
  checkBinary(scores, labels, { allowOneClass: !o.stratified });
  const n = scores.length;
  const s0 = Float64Array.from(scores);
  const y0 = Uint8Array.from(labels);
  const estimate = metric(s0, y0);
  const bs = new Float64Array(n);
  const by = new Uint8Array(n);
  const values = new Float64Array(o.reps);
  forEachBootstrapSample(labels, { ...opts, rng: o.rng, replicates: o.reps }, (idx, r) => {
    for (let i = 0; i < n; i++) {
      bs[i] = s0[idx[i]];
      by[i] = y0[idx[i]];
    }
    values[r] = safe(metric, bs, by);
  });
  return summariseReplicates(estimate, values, o.level, o.stratified);
}

function safe(metric: (s: Float64Array, y: Uint8Array) => number, s: Float64Array, y: Uint8Array): number {
  try {
    return metric(s, y);
  } catch (e) {
    if (e instanceof DataError) return Number.NaN;
    throw e;
  }
}

/**
 * Stratified (default) percentile bootstrap CI of the AUC, pROC `ci.auc(roc, method = "bootstrap")`
 * (2000 replicates by default). Fast path: sorts each class once per replicate, no per-sample objects.
 */
export function bootstrapAucCi(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: BootstrapOptions = {},
): BootstrapCi {
  const o = resolveOptions(opts);
  const { nPos, nNeg } = checkBinary(scores, labels);
  const s0 = Float64Array.from(scores);
  const { pos: p0, neg: n0 } = (() => {
    const p = new Float64Array(nPos);
    const q = new Float64Array(nNeg);
    let a = 0;
    let b = 0;
    for (let i = 0; i < s0.length; i++) {
      if (labels[i] === 1) p[a++] = s0[i];
      else q[b++] = s0[i];
    }
    return { pos: p, neg: q };
  })();
  const estimate = aucSorted(p0.slice().sort(), n0.slice().sort());
  const values = new Float64Array(o.reps);
  if (o.stratified) {
    const bp = new Float64Array(nPos);
    const bn = new Float64Array(nNeg);
    for (let r = 0; r < o.reps; r++) {
      for (let i = 0; i < nPos; i++) bp[i] = p0[o.rng.int(nPos)];
      for (let i = 0; i < nNeg; i++) bn[i] = n0[o.rng.int(nNeg)];
      bp.sort();
      bn.sort();
      values[r] = aucSorted(bp, bn);
    }
  } else {
    const n = s0.length;
    const bp = new Float64Array(n);
    const bn = new Float64Array(n);
    for (let r = 0; r < o.reps; r++) {
      let a = 0;
      let b = 0;
      for (let i = 0; i < n; i++) {
        const j = o.rng.int(n);
        if (labels[j] === 1) bp[a++] = s0[j];
        else bn[b++] = s0[j];
      }
      values[r] =
        a === 0 || b === 0 ? Number.NaN : aucSorted(bp.subarray(0, a).sort(), bn.subarray(0, b).sort());
    }
  }
  return summariseReplicates(estimate, values, o.level, o.stratified);
}

export interface BootstrapPairedResult {
  /** metric(scores1) - metric(scores2) on the original data, with its percentile CI. */
  difference: BootstrapCi;
  estimate1: number;
  estimate2: number;
  /**
   * Bootstrap test of no difference as in pROC `roc.test(method = "bootstrap")`: D = difference / se with
   * se the SD of the replicate differences.
   */
  statistic: number;
  /** Two-sided p = 2 P(Z > |D|). */
  pValue: number;
}

/**
 * Paired bootstrap of the difference of a metric between two models scored on the same cases (the same
 * resampled rows are used for both). Default metric: the AUC.
 */
export function bootstrapPairedDifference(
  scores1: ArrayLike<number>,
  scores2: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: BootstrapOptions & { metric?: (scores: Float64Array, labels: Uint8Array) => number } = {},
): BootstrapPairedResult {
  if (scores1.length !== scores2.length) {
    throw new DataError(
      `paired bootstrap: scores1 has ${scores1.length} values but scores2 has ${scores2.length}`,
    );
  }
  const o = resolveOptions(opts);
  checkBinary(scores1, labels, { what: "scores1", allowOneClass: !o.stratified });
  checkBinary(scores2, labels, { what: "scores2", allowOneClass: !o.stratified });
  const metric = opts.metric ?? aucOfBuffers;
  const n = labels.length;
  const a0 = Float64Array.from(scores1);
  const b0 = Float64Array.from(scores2);
  const y0 = Uint8Array.from(labels);
  const e1 = metric(a0, y0);
  const e2 = metric(b0, y0);
  const ba = new Float64Array(n);
  const bb = new Float64Array(n);
  const by = new Uint8Array(n);
  const values = new Float64Array(o.reps);
  forEachBootstrapSample(labels, { ...opts, rng: o.rng, replicates: o.reps }, (idx, r) => {
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      ba[i] = a0[j];
      bb[i] = b0[j];
      by[i] = y0[j];
    }
    values[r] = safe(metric, ba, by) - safe(metric, bb, by);
  });
  const difference = summariseReplicates(e1 - e2, values, o.level, o.stratified);
  const statistic = difference.estimate / difference.se;
  return { difference, estimate1: e1, estimate2: e2, statistic, pValue: normalTwoSided(statistic) };
}

/** AUC of reused buffers (no validation beyond class presence; used as the default paired metric). */
function aucOfBuffers(s: Float64Array, y: Uint8Array): number {
  let np = 0;
  for (let i = 0; i < y.length; i++) np += y[i];
  const nn = y.length - np;
  if (np === 0 || nn === 0) return Number.NaN;
  const p = new Float64Array(np);
  const q = new Float64Array(nn);
  let a = 0;
  let b = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1) p[a++] = s[i];
    else q[b++] = s[i];
  }
  return aucSorted(p.sort(), q.sort());
}
