/**
 * Decision-curve analysis (Vickers & Elkin, Med Decis Making 2006; Vickers et al., BMJ 2016): the net
 * benefit of treating patients whose predicted risk reaches a threshold probability pt, against the
 * default strategies "treat all" and "treat none".
 *
 *   weight(pt)      = pt / (1 - pt)                 (odds at the threshold: harm of a false positive
 *                                                     relative to the benefit of a true positive)
 *   NB_model(pt)    = TP/n - FP/n * weight(pt),     TP, FP = events / non-events with risk >= pt
 *   NB_all(pt)      = prevalence - (1 - prevalence) * weight(pt)
 *   NB_none(pt)     = 0
 *   net interventions avoided per 100 patients = (NB_model - NB_all) / weight(pt) * 100
 *   standardised net benefit = NB_model / prevalence (dcurves `standardized_net_benefit`)
 *
 * "Treat if risk >= pt" is the rule of R/Python dcurves. The default grid is dcurves' `seq(0, 0.99, by =
 * 0.01)`. At pt = 0 the weight is 0 and interventions avoided are undefined (NaN).
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError } from "../../errors.js";
import { type BootstrapOptions, forEachBootstrapSample, quantileSorted } from "./bootstrap.js";
import { checkBinary, checkProbabilities, splitSorted } from "./metrics.js";
import { lowerBound } from "../../util/search.js";

/** Net benefit of treating everyone at threshold pt: prevalence - (1 - prevalence) * pt / (1 - pt). */
export function treatAllNetBenefit(prevalence: number, pt: number): number {
  const w = pt / (1 - pt);
  return prevalence - (1 - prevalence) * w;
}

function checkThresholds(thresholds: ArrayLike<number>): void {
  if (thresholds.length === 0) throw new DataError("decision curve: no threshold probabilities given");
  for (let k = 0; k < thresholds.length; k++) {
    const t = thresholds[k];
    if (!(t >= 0 && t < 1)) {
      throw new DataError(`thresholds[${k}] is ${String(t)}: threshold probabilities must lie in [0, 1)`);
    }
  }
}

/** dcurves' default grid seq(0, 0.99, by = 0.01) (R's seq computes k * 0.01). */
export function defaultThresholds(): Float64Array {
  const t = new Float64Array(100);
  for (let k = 0; k < 100; k++) t[k] = k * 0.01;
  return t;
}

/** Fills tp/fp counts (risk >= pt) for every threshold from the class-wise sorted risks. */
function countAtThresholds(
  pos: Float64Array,
  neg: Float64Array,
  thr: ArrayLike<number>,
  tp: Float64Array,
  fp: Float64Array,
): void {
  for (let k = 0; k < thr.length; k++) {
    tp[k] = pos.length - lowerBound(pos, thr[k]);
    fp[k] = neg.length - lowerBound(neg, thr[k]);
  }
}

function netBenefitFromCounts(tp: number, fp: number, n: number, pt: number): number {
  const w = pt / (1 - pt);
  return tp / n - (fp / n) * w;
}

/** Net benefit of the model at one threshold probability. */
export function netBenefit(probs: ArrayLike<number>, labels: ArrayLike<number>, pt: number): number {
  checkBinary(probs, labels, { what: "probabilities", allowOneClass: true });
  checkProbabilities(probs);
  checkThresholds([pt]);
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] >= pt) {
      if (labels[i] === 1) tp++;
      else fp++;
    }
  }
  return netBenefitFromCounts(tp, fp, probs.length, pt);
}

export interface DecisionCurve {
  thresholds: Float64Array;
  /** Net benefit of the model at each threshold. */
  netBenefit: Float64Array;
  /** Net benefit of treating everyone. */
  treatAll: Float64Array;
  /** Net benefit of treating no one (all zeros). */
  treatNone: Float64Array;
  /** Net reduction in interventions per 100 patients, (NB_model - NB_all) / (pt / (1 - pt)) * 100. */
  interventionsAvoided: Float64Array;
  /** NB_model / prevalence. */
  standardizedNetBenefit: Float64Array;
  /** Events and non-events with risk >= pt (true and false positives). */
  tp: Float64Array;
  fp: Float64Array;
  /** Fraction of patients with risk >= pt (dcurves `test_pos_rate`). */
  positiveRate: Float64Array;
  prevalence: number;
  n: number;
}

/** Decision curve of one model's predicted risks (default thresholds: 0, 0.01, ..., 0.99). */
export function decisionCurve(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: { thresholds?: ArrayLike<number> } = {},
): DecisionCurve {
  const { nPos, nNeg } = checkBinary(probs, labels, { what: "probabilities", allowOneClass: true });
  checkProbabilities(probs);
  const thr = Float64Array.from(opts.thresholds ?? defaultThresholds());
  checkThresholds(thr);
  const n = probs.length;
  const { pos, neg } = splitSorted(probs, labels, nPos, nNeg);
  const m = thr.length;
  const tp = new Float64Array(m);
  const fp = new Float64Array(m);
  countAtThresholds(pos, neg, thr, tp, fp);
  const prevalence = nPos / n;
  const nb = new Float64Array(m);
  const all = new Float64Array(m);
  const avoided = new Float64Array(m);
  const snb = new Float64Array(m);
  const rate = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const pt = thr[k];
    const w = pt / (1 - pt);
    nb[k] = netBenefitFromCounts(tp[k], fp[k], n, pt);
    all[k] = treatAllNetBenefit(prevalence, pt);
    avoided[k] = w === 0 ? Number.NaN : ((nb[k] - all[k]) / w) * 100;
    snb[k] = nb[k] / prevalence;
    rate[k] = (tp[k] + fp[k]) / n;
  }
  return {
    thresholds: thr,
    netBenefit: nb,
    treatAll: all,
    treatNone: new Float64Array(m),
    interventionsAvoided: avoided,
    standardizedNetBenefit: snb,
    tp,
    fp,
    positiveRate: rate,
    prevalence,
    n,
  };
}

export interface DecisionCurveBands {
  curve: DecisionCurve;
  level: number;
  /** Percentile band of the model's net benefit at each threshold. */
  netBenefitLower: Float64Array;
  netBenefitUpper: Float64Array;
  /** Percentile band of NB_model - NB_all (above 0: the model beats treating everyone). */
  differenceLower: Float64Array;
  differenceUpper: Float64Array;
  replicates: number;
}

/**
 * Decision curve with bootstrap percentile bands (R quantile type 7). Resampling is NOT stratified by
 * default here (`stratified: false`), so the prevalence varies between replicates as it would in a new
 * sample (as rmda's `decision_curve`); pass `stratified: true` to hold it fixed. 2000 replicates, seed 42
 * unless given.
 */
export function decisionCurveBootstrap(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: BootstrapOptions & { thresholds?: ArrayLike<number> } = {},
): DecisionCurveBands {
  const curve = decisionCurve(probs, labels, opts);
  const thr = curve.thresholds;
  const m = thr.length;
  const n = probs.length;
  const reps = opts.replicates ?? 2000;
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1))
    throw new DataError(`confidence level ${level} must lie strictly between 0 and 1`);
  const p0 = Float64Array.from(probs);
  const y0 = Uint8Array.from(labels);
  const nbRep = new Float64Array(reps * m); // [k * reps + r]
  const dRep = new Float64Array(reps * m);
  const bp = new Float64Array(n);
  const bn = new Float64Array(n);
  const tp = new Float64Array(m);
  const fp = new Float64Array(m);
  forEachBootstrapSample(
    labels,
    { ...opts, replicates: reps, stratified: opts.stratified ?? false },
    (idx, r) => {
      let a = 0;
      let b = 0;
      for (let i = 0; i < n; i++) {
        const j = idx[i];
        if (y0[j] === 1) bp[a++] = p0[j];
        else bn[b++] = p0[j];
      }
      const pos = bp.subarray(0, a).sort();
      const neg = bn.subarray(0, b).sort();
      countAtThresholds(pos, neg, thr, tp, fp);
      const prev = a / n;
      for (let k = 0; k < m; k++) {
        const v = netBenefitFromCounts(tp[k], fp[k], n, thr[k]);
        nbRep[k * reps + r] = v;
        dRep[k * reps + r] = v - treatAllNetBenefit(prev, thr[k]);
      }
    },
  );
  const lo = (1 - level) / 2;
  const out = {
    netBenefitLower: new Float64Array(m),
    netBenefitUpper: new Float64Array(m),
    differenceLower: new Float64Array(m),
    differenceUpper: new Float64Array(m),
  };
  for (let k = 0; k < m; k++) {
    const a = nbRep.subarray(k * reps, (k + 1) * reps).sort();
    out.netBenefitLower[k] = quantileSorted(a, lo);
    out.netBenefitUpper[k] = quantileSorted(a, 1 - lo);
    const d = dRep.subarray(k * reps, (k + 1) * reps).sort();
    out.differenceLower[k] = quantileSorted(d, lo);
    out.differenceUpper[k] = quantileSorted(d, 1 - lo);
  }
  return { curve, level, ...out, replicates: reps };
}
