/**
 * Calibration of predicted risks for a binary outcome (Van Calster et al., J Clin Epidemiol 2016;
 * Steyerberg, Clinical Prediction Models, ch. 15):
 * - logistic recalibration: calibration-in-the-large (intercept a of logit P(y=1) = a + lp, with the
 *   linear predictor lp = logit(p) as an offset, ideal 0) and calibration slope (b of
 *   logit P(y=1) = a' + b lp, ideal 1), both maximum-likelihood fits solved by Newton-Raphson, with Wald
 *   standard errors and confidence intervals (as R `glm(y ~ offset(lp), binomial)` / `glm(y ~ lp, binomial)`);
 * - the binned calibration curve (reliability diagram) exactly as scikit-learn's `calibration_curve`,
 *   with the bin counts;
 * - the Hosmer-Lemeshow goodness-of-fit test (groups from quantiles of p, as ResourceSelection's
 *   `hoslem.test`).
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError } from "../../errors.js";
import { chi2Sf, normalQuantile } from "../core/distributions.js";
import { quantileSorted } from "./bootstrap.js";
import { checkBinary, checkProbabilities } from "./metrics.js";
import { lowerBound } from "../../util/search.js";

/** log(1 + exp(x)) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** 1 / (1 + exp(-x)) without overflow. */
function expit(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

interface LogisticFit {
  a: number;
  b: number;
  /** Inverse Fisher information (covariance of a, b); b entries are NaN when b is fixed. */
  varA: number;
  varB: number;
  covAB: number;
  logLik: number;
  iterations: number;
}

/**
 * Maximum-likelihood logistic regression with at most two coefficients:
 *   logit P(y=1) = a + b * x + offset       (fitSlope = true)
 *   logit P(y=1) = a + offset               (fitSlope = false, b reported as 1 when x is the offset)
 * Newton-Raphson with step halving; converged when the largest step is below 1e-12 (relative).
 */
function fitLogistic(
  x: Float64Array,
  offset: Float64Array | undefined,
  y: ArrayLike<number>,
  fitSlope: boolean,
  b0: number,
): LogisticFit {
  const n = y.length;
  let a = 0;
  let b = fitSlope ? b0 : 0;
  const loglik = (aa: number, bb: number): number => {
    let ll = 0;
    for (let i = 0; i < n; i++) {
      const eta = aa + (fitSlope ? bb * x[i] : 0) + (offset ? offset[i] : 0);
      ll += y[i] * eta - softplus(eta);
    }
    return ll;
  };
  let ll = loglik(a, b);
  let h00 = 0;
  let h01 = 0;
  let h11 = 0;
  let it = 0;
  for (; it < 200; it++) {
    let g0 = 0;
    let g1 = 0;
    h00 = 0;
    h01 = 0;
    h11 = 0;
    for (let i = 0; i < n; i++) {
      const eta = a + (fitSlope ? b * x[i] : 0) + (offset ? offset[i] : 0);
      const mu = expit(eta);
      const r = y[i] - mu;
      const w = mu * (1 - mu);
      g0 += r;
      h00 += w;
      if (fitSlope) {
        g1 += r * x[i];
        h01 += w * x[i];
        h11 += w * x[i] * x[i];
      }
    }
    let da: number;
    let db = 0;
    if (fitSlope) {
      const det = h00 * h11 - h01 * h01;
      if (!(det > 1e-300 * Math.max(1, h00 * h11))) {
        throw new DataError(
          "calibration slope: the predicted risks carry no spread (singular information matrix)",
        );
      }
      da = (h11 * g0 - h01 * g1) / det;
      db = (h00 * g1 - h01 * g0) / det;
    } else {
      if (!(h00 > 0)) throw new DataError("calibration intercept: zero information (all risks 0 or 1)");
      da = g0 / h00;
    }
    // step halving keeps the log-likelihood increasing
    let step = 1;
    let llNew = loglik(a + da, b + db);
    while (llNew < ll - 1e-12 * Math.abs(ll) && step > 1e-10) {
      step /= 2;
      llNew = loglik(a + step * da, b + step * db);
    }
    a += step * da;
    b += step * db;
    ll = llNew;
    if (Math.abs(step * da) <= 1e-12 * (1 + Math.abs(a)) && Math.abs(step * db) <= 1e-12 * (1 + Math.abs(b)))
      break;
  }
  if (it >= 200 || !Number.isFinite(a) || !Number.isFinite(b)) {
    throw new DataError(
      "calibration fit did not converge (are the outcomes perfectly separated by the risks?)",
    );
  }
  // information at the optimum
  h00 = 0;
  h01 = 0;
  h11 = 0;
  for (let i = 0; i < n; i++) {
    const mu = expit(a + (fitSlope ? b * x[i] : 0) + (offset ? offset[i] : 0));
    const w = mu * (1 - mu);
    h00 += w;
    if (fitSlope) {
      h01 += w * x[i];
      h11 += w * x[i] * x[i];
    }
  }
  if (fitSlope) {
    const det = h00 * h11 - h01 * h01;
    return { a, b, varA: h11 / det, varB: h00 / det, covAB: -h01 / det, logLik: ll, iterations: it + 1 };
  }
  return { a, b, varA: 1 / h00, varB: Number.NaN, covAB: Number.NaN, logLik: ll, iterations: it + 1 };
}

/**
 * In one dimension the slope MLE exists unless the risks separate the classes: every event at or above
 * (or at or below) every non-event (complete or quasi-complete separation). Throws a DataError then.
 */
function checkSeparation(lp: Float64Array, y: ArrayLike<number>): void {
  let minPos = Number.POSITIVE_INFINITY;
  let maxPos = Number.NEGATIVE_INFINITY;
  let minNeg = Number.POSITIVE_INFINITY;
  let maxNeg = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < lp.length; i++) {
    const v = lp[i];
    if (y[i] === 1) {
      if (v < minPos) minPos = v;
      if (v > maxPos) maxPos = v;
    } else {
      if (v < minNeg) minNeg = v;
      if (v > maxNeg) maxNeg = v;
    }
  }
  if (maxNeg <= minPos || maxPos <= minNeg) {
    throw new DataError(
      "calibration slope: the predicted risks separate events from non-events perfectly, so the slope is infinite",
    );
  }
}

/** logit(p) of every probability, clipped to [eps, 1 - eps]; returns the number clipped. */
function linearPredictor(probs: ArrayLike<number>, eps: number): { lp: Float64Array; nClipped: number } {
  const lp = new Float64Array(probs.length);
  let nClipped = 0;
  for (let i = 0; i < probs.length; i++) {
    let p = probs[i];
    if (p < eps) {
      p = eps;
      nClipped++;
    } else if (p > 1 - eps) {
      p = 1 - eps;
      nClipped++;
    }
    lp[i] = Math.log(p / (1 - p));
  }
  return { lp, nClipped };
}

export interface CalibrationOptions {
  /** Confidence level of the Wald intervals (default 0.95). */
  level?: number;
  /**
   * Probabilities are clipped to [eps, 1 - eps] before taking logits (default 1e-15); the number clipped is
   * reported. A model that outputs exactly 0 or 1 has an infinite linear predictor otherwise.
   */
  eps?: number;
}

export interface LogisticCalibration {
  /** Calibration-in-the-large: a in logit P(y=1) = a + logit(p) (slope fixed at 1). Ideal 0. */
  intercept: number;
  interceptSe: number;
  interceptLower: number;
  interceptUpper: number;
  /**
   * Calibration slope: b in logit P(y=1) = a' + b logit(p). Ideal 1; < 1 means overfitted (too extreme)
   * risks. NaN (with its SE and CI) when every predicted risk is the same.
   */
  slope: number;
  slopeSe: number;
  slopeLower: number;
  slopeUpper: number;
  /** a' of the slope model (recalibrated risk = expit(a' + b logit p)). */
  slopeModelIntercept: number;
  /** Observed events / expected events sum(y) / sum(p) ("O/E", mean calibration). Ideal 1. */
  observedExpected: number;
  /** mean(y) - mean(p). */
  meanDifference: number;
  meanPredicted: number;
  observedRate: number;
  n: number;
  nClipped: number;
  level: number;
}

/** Calibration intercept and slope (logistic recalibration) of predicted risks. */
export function logisticCalibration(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: CalibrationOptions = {},
): LogisticCalibration {
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1))
    throw new DataError(`confidence level ${level} must lie strictly between 0 and 1`);
  const eps = opts.eps ?? 1e-15;
  checkBinary(probs, labels, { what: "probabilities" });
  checkProbabilities(probs);
  const { lp, nClipped } = linearPredictor(probs, eps);
  const inLarge = fitLogistic(lp, lp, labels, false, 0);
  let spread = false;
  for (let i = 1; i < lp.length && !spread; i++) spread = lp[i] !== lp[0];
  if (spread) checkSeparation(lp, labels);
  // a constant risk has a calibration-in-the-large but no slope (reported as NaN)
  const slopeFit = spread
    ? fitLogistic(lp, undefined, labels, true, 1)
    : { a: Number.NaN, b: Number.NaN, varB: Number.NaN };
  const z = normalQuantile(1 - (1 - level) / 2);
  const n = probs.length;
  let sp = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sp += probs[i];
    sy += labels[i];
  }
  const seA = Math.sqrt(inLarge.varA);
  const seB = Math.sqrt(slopeFit.varB);
  return {
    intercept: inLarge.a,
    interceptSe: seA,
    interceptLower: inLarge.a - z * seA,
    interceptUpper: inLarge.a + z * seA,
    slope: slopeFit.b,
    slopeSe: seB,
    slopeLower: slopeFit.b - z * seB,
    slopeUpper: slopeFit.b + z * seB,
    slopeModelIntercept: slopeFit.a,
    observedExpected: sy / sp,
    meanDifference: sy / n - sp / n,
    meanPredicted: sp / n,
    observedRate: sy / n,
    n,
    nClipped,
    level,
  };
}

/** Calibration slope alone (see `logisticCalibration`). */
export function calibrationSlope(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: CalibrationOptions = {},
): number {
  return logisticCalibration(probs, labels, opts).slope;
}

/** Calibration-in-the-large intercept alone (see `logisticCalibration`). */
export function calibrationIntercept(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: CalibrationOptions = {},
): number {
  return logisticCalibration(probs, labels, opts).intercept;
}

export type BinStrategy = "uniform" | "quantile";

export interface CalibrationCurve {
  /** Mean predicted probability per non-empty bin (sklearn `prob_pred`). */
  meanPredicted: Float64Array;
  /** Observed fraction of positives per non-empty bin (sklearn `prob_true`). */
  fractionPositive: Float64Array;
  /** Samples per non-empty bin. */
  counts: Int32Array;
  /** Positives per non-empty bin. */
  positives: Int32Array;
  /** Index (0..nBins-1) of each returned bin among all bins. */
  binIndex: Int32Array;
  /** nBins + 1 bin edges. */
  edges: Float64Array;
}

/** numpy `percentile(sorted, q)` with the default "linear" method (numpy's lerp arithmetic). */
function numpyPercentile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const h = (n - 1) * (q / 100);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const t = h - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

function binEdges(probs: ArrayLike<number>, nBins: number, strategy: BinStrategy | "R"): Float64Array {
  const edges = new Float64Array(nBins + 1);
  if (strategy === "uniform") {
    for (let k = 0; k <= nBins; k++) edges[k] = k / nBins; // numpy linspace(0, 1, nBins + 1)
  } else if (strategy === "quantile") {
    const sorted = Float64Array.from(probs).sort();
    // np.percentile(p, np.linspace(0, 1, nBins + 1) * 100): linspace gives k * (1 / nBins)
    const step = 1 / nBins;
    for (let k = 0; k <= nBins; k++) edges[k] = numpyPercentile(sorted, k === nBins ? 100 : k * step * 100);
  } else if (strategy === "R") {
    const sorted = Float64Array.from(probs).sort();
    // quantile(p, seq(0, 1, 1 / g)): seq gives k * (1 / g)
    const step = 1 / nBins;
    for (let k = 0; k <= nBins; k++) edges[k] = quantileSorted(sorted, k === nBins ? 1 : k * step);
  } else {
    throw new DataError(`unknown bin strategy "${String(strategy)}" (uniform or quantile)`);
  }
  return edges;
}

/** Number of inner edges strictly below p: the bin of p (numpy `searchsorted(edges[1:-1], p)`, side left). */
function binOf(edges: Float64Array, p: number): number {
  return lowerBound(edges, p, 1, edges.length - 1) - 1;
}

/**
 * Binned calibration curve as `sklearn.calibration.calibration_curve(y, p, n_bins, strategy)` (sklearn's
 * default is 5 bins; 10 here, the usual deciles). A value on an inner edge goes to the lower bin; empty
 * bins are omitted.
 */
export function calibrationCurve(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: { nBins?: number; strategy?: BinStrategy } = {},
): CalibrationCurve {
  const nBins = opts.nBins ?? 10;
  if (!Number.isInteger(nBins) || nBins < 1)
    throw new DataError(`nBins must be a positive integer (got ${nBins})`);
  checkBinary(probs, labels, { what: "probabilities", allowOneClass: true });
  checkProbabilities(probs);
  const edges = binEdges(probs, nBins, opts.strategy ?? "uniform");
  const sumP = new Float64Array(nBins);
  const cnt = new Int32Array(nBins);
  const pos = new Int32Array(nBins);
  for (let i = 0; i < probs.length; i++) {
    const b = binOf(edges, probs[i]);
    sumP[b] += probs[i];
    cnt[b]++;
    pos[b] += labels[i];
  }
  let k = 0;
  for (let b = 0; b < nBins; b++) if (cnt[b] > 0) k++;
  const out: CalibrationCurve = {
    meanPredicted: new Float64Array(k),
    fractionPositive: new Float64Array(k),
    counts: new Int32Array(k),
    positives: new Int32Array(k),
    binIndex: new Int32Array(k),
    edges,
  };
  let j = 0;
  for (let b = 0; b < nBins; b++) {
    if (cnt[b] === 0) continue;
    out.meanPredicted[j] = sumP[b] / cnt[b];
    out.fractionPositive[j] = pos[b] / cnt[b];
    out.counts[j] = cnt[b];
    out.positives[j] = pos[b];
    out.binIndex[j] = b;
    j++;
  }
  return out;
}

export interface HosmerLemeshow {
  statistic: number;
  /** groups - 2 */
  df: number;
  pValue: number;
  /** Number of non-empty groups actually used (fewer than requested when quantiles tie). */
  groups: number;
  observed: Int32Array;
  expected: Float64Array;
  counts: Int32Array;
}

/**
 * Hosmer-Lemeshow test: groups by the quantiles of p (R type 7; intervals (q_k, q_k+1], the first closed,
 * as `cut(p, quantile(p, 0:g/g), include.lowest = TRUE)` in ResourceSelection::hoslem.test), then
 * C = sum over groups of (O1 - E1)^2 / E1 + (O0 - E0)^2 / E0 ~ chi-square(g - 2). Tied quantiles are merged.
 */
export function hosmerLemeshow(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: { groups?: number } = {},
): HosmerLemeshow {
  const g = opts.groups ?? 10;
  if (!Number.isInteger(g) || g < 3)
    throw new DataError(`Hosmer-Lemeshow needs at least 3 groups (got ${g})`);
  checkBinary(probs, labels, { what: "probabilities" });
  checkProbabilities(probs);
  const raw = binEdges(probs, g, "R");
  // merge tied edges
  const uniq: number[] = [raw[0]];
  for (let k = 1; k < raw.length; k++) if (raw[k] > uniq[uniq.length - 1]) uniq.push(raw[k]);
  if (uniq.length < 2) throw new DataError("Hosmer-Lemeshow: all predicted probabilities are equal");
  const edges = Float64Array.from(uniq);
  const ng = edges.length - 1;
  const obs = new Int32Array(ng);
  const exp = new Float64Array(ng);
  const cnt = new Int32Array(ng);
  for (let i = 0; i < probs.length; i++) {
    const b = binOf(edges, probs[i]);
    obs[b] += labels[i];
    exp[b] += probs[i];
    cnt[b]++;
  }
  let stat = 0;
  for (let b = 0; b < ng; b++) {
    const e1 = exp[b];
    const e0 = cnt[b] - e1;
    const o1 = obs[b];
    const o0 = cnt[b] - o1;
    stat += ((o1 - e1) * (o1 - e1)) / e1 + ((o0 - e0) * (o0 - e0)) / e0;
  }
  const df = ng - 2;
  return {
    statistic: stat,
    df,
    pValue: df > 0 ? chi2Sf(stat, df) : Number.NaN,
    groups: ng,
    observed: obs,
    expected: exp,
    counts: cnt,
  };
}
