/**
 * Discrimination metrics for binary (and one-vs-rest multi-class) prediction models: AUC, the ROC curve
 * (point for point as scikit-learn's `roc_curve`), confusion matrices and the Brier score.
 *
 * Conventions (shared by roc.ts, delong.ts, bootstrap.ts, calibration.ts, decisionCurve.ts):
 * - `labels` are 0/1 numbers, 1 = positive ("case" in pROC), 0 = negative ("control").
 * - Higher scores mean "more likely positive" (pROC `direction = "<"`, sklearn's convention). A case is
 *   called positive at threshold t when `score >= t`.
 * - Ties between a case and a control count 1/2 (Mann-Whitney), so AUC = P(X > Y) + P(X = Y)/2.
 * - Bad input throws `DataError` naming the position: length mismatch, NaN scores, labels other than
 *   0/1, only one class present.
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError } from "../../errors.js";

/** Number of positives and negatives of a validated binary problem. */
export interface ClassCounts {
  nPos: number;
  nNeg: number;
}

/**
 * Checks a (scores, labels) pair and counts the classes. Throws DataError for a length mismatch, a NaN
 * score, a label that is not 0 or 1, or (unless `allowOneClass`) a single class.
 */
export function checkBinary(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: { allowOneClass?: boolean; what?: string } = {},
): ClassCounts {
  const what = opts.what ?? "scores";
  const n = scores.length;
  if (labels.length !== n) {
    throw new DataError(`${what} has ${n} values but labels has ${labels.length}`);
  }
  if (n === 0) throw new DataError(`${what} is empty`);
  let nPos = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (typeof s !== "number" || Number.isNaN(s)) {
      throw new DataError(
        `${what}[${i}] is ${s === undefined ? "missing" : String(s)}: scores must be numbers, not NaN`,
      );
    }
    const y = labels[i];
    if (y === 1) nPos++;
    else if (y !== 0) throw new DataError(`labels[${i}] is ${String(y)}: binary labels must be 0 or 1`);
  }
  const nNeg = n - nPos;
  if (!opts.allowOneClass && (nPos === 0 || nNeg === 0)) {
    throw new DataError(
      `labels contain only ${nPos === 0 ? "negatives (0)" : "positives (1)"} (${n} samples): need both classes`,
    );
  }
  return { nPos, nNeg };
}

/** Scores of the positives and of the negatives, each sorted ascending (native typed-array sort). */
export function splitSorted(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  nPos: number,
  nNeg: number,
): { pos: Float64Array; neg: Float64Array } {
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  let ip = 0;
  let ineg = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] === 1) pos[ip++] = scores[i];
    else neg[ineg++] = scores[i];
  }
  pos.sort();
  neg.sort();
  return { pos, neg };
}

/**
 * Twice the Mann-Whitney U statistic of positives over negatives (an exact integer for any n below 2^26
 * per class): 2 * sum over (case, control) pairs of [x > y] + [x = y]/2.
 */
function twiceU(pos: Float64Array, neg: Float64Array): number {
  // Walk the positives in ascending order; j = negatives strictly below, k = negatives <= current value.
  let u2 = 0;
  let j = 0;
  let k = 0;
  const nNeg = neg.length;
  let i = 0;
  const nPos = pos.length;
  while (i < nPos) {
    const v = pos[i];
    let e = i + 1;
    while (e < nPos && pos[e] === v) e++;
    while (j < nNeg && neg[j] < v) j++;
    if (k < j) k = j;
    while (k < nNeg && neg[k] === v) k++;
    // (e - i) positives tied at v: each beats j negatives and ties with (k - j)
    u2 += (e - i) * (2 * j + (k - j));
    i = e;
  }
  return u2;
}

/**
 * Area under the ROC curve (= Mann-Whitney U / (n1 n0), ties counted 1/2). O(n log n).
 * Equals sklearn `roc_auc_score(labels, scores)` and pROC `auc(roc(labels, scores, direction = "<"))`.
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { nPos, nNeg } = checkBinary(scores, labels);
  const { pos, neg } = splitSorted(scores, labels, nPos, nNeg);
  return twiceU(pos, neg) / 2 / (nPos * nNeg); // U is exact, so one rounding
}

/** AUC from already sorted positive and negative scores (no validation). */
export function aucSorted(pos: Float64Array, neg: Float64Array): number {
  return twiceU(pos, neg) / 2 / (pos.length * neg.length);
}

/** Cumulative counts at each distinct score, from the highest score down (sklearn's `_binary_clf_curve`). */
export interface BinaryClfCurve {
  /** Distinct scores, decreasing. */
  thresholds: Float64Array;
  /** Positives with score >= thresholds[i]. */
  tp: Float64Array;
  /** Negatives with score >= thresholds[i]. */
  fp: Float64Array;
  nPos: number;
  nNeg: number;
}

/** True/false positive counts for every distinct threshold, highest first. */
export function binaryClfCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): BinaryClfCurve {
  const { nPos, nNeg } = checkBinary(scores, labels, { allowOneClass: true });
  const { pos, neg } = splitSorted(scores, labels, nPos, nNeg);
  const cap = nPos + nNeg;
  const thr = new Float64Array(cap);
  const tp = new Float64Array(cap);
  const fp = new Float64Array(cap);
  let i = nPos - 1;
  let j = nNeg - 1;
  let ctp = 0;
  let cfp = 0;
  let m = 0;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    while (i >= 0 && pos[i] === v) {
      ctp++;
      i--;
    }
    while (j >= 0 && neg[j] === v) {
      cfp++;
      j--;
    }
    thr[m] = v;
    tp[m] = ctp;
    fp[m] = cfp;
    m++;
  }
  return { thresholds: thr.slice(0, m), tp: tp.slice(0, m), fp: fp.slice(0, m), nPos, nNeg };
}

export interface RocCurve {
  /** False positive rate (1 - specificity), non-decreasing, starts at 0 and ends at 1. */
  fpr: Float64Array;
  /** True positive rate (sensitivity), non-decreasing, starts at 0 and ends at 1. */
  tpr: Float64Array;
  /**
   * Decreasing thresholds; point i classifies `score >= thresholds[i]` as positive. thresholds[0] is
   * +Infinity (nothing positive), as in scikit-learn >= 1.3 (1.2 and earlier used max(score) + 1).
   */
  thresholds: Float64Array;
  /** Counts behind each point. */
  tp: Float64Array;
  fp: Float64Array;
  nPos: number;
  nNeg: number;
}

export interface RocOptions {
  /**
   * Drop points that are collinear with their neighbours (sklearn `drop_intermediate`, default true as in
   * sklearn): keeps a point where the second difference of fp or tp is non-zero, and both ends.
   */
  dropIntermediate?: boolean;
}

/** ROC curve with exactly the points and thresholds of `sklearn.metrics.roc_curve`. */
export function rocCurve(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: RocOptions = {},
): RocCurve {
  checkBinary(scores, labels);
  const c = binaryClfCurve(scores, labels);
  let { thresholds, tp, fp } = c;
  const dropIntermediate = opts.dropIntermediate ?? true;
  if (dropIntermediate && thresholds.length > 2) {
    const m = thresholds.length;
    const keep = new Int32Array(m);
    let k = 0;
    keep[k++] = 0;
    for (let i = 1; i < m - 1; i++) {
      const d2fp = fp[i + 1] - 2 * fp[i] + fp[i - 1];
      const d2tp = tp[i + 1] - 2 * tp[i] + tp[i - 1];
      if (d2fp !== 0 || d2tp !== 0) keep[k++] = i;
    }
    keep[k++] = m - 1;
    const t2 = new Float64Array(k);
    const tp2 = new Float64Array(k);
    const fp2 = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      t2[i] = thresholds[keep[i]];
      tp2[i] = tp[keep[i]];
      fp2[i] = fp[keep[i]];
    }
    thresholds = t2;
    tp = tp2;
    fp = fp2;
  }
  const m = thresholds.length + 1;
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  const thr = new Float64Array(m);
  const tpOut = new Float64Array(m);
  const fpOut = new Float64Array(m);
  thr[0] = Number.POSITIVE_INFINITY;
  for (let i = 1; i < m; i++) {
    thr[i] = thresholds[i - 1];
    tpOut[i] = tp[i - 1];
    fpOut[i] = fp[i - 1];
    fpr[i] = fp[i - 1] / c.nNeg;
    tpr[i] = tp[i - 1] / c.nPos;
  }
  return { fpr, tpr, thresholds: thr, tp: tpOut, fp: fpOut, nPos: c.nPos, nNeg: c.nNeg };
}

/** Confusion matrix and the rates derived from it. */
export interface ConfusionMatrix {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** tp / (tp + fn), a.k.a. recall, true positive rate. */
  sensitivity: number;
  /** tn / (tn + fp). */
  specificity: number;
  /** Positive predictive value (precision) tp / (tp + fp); NaN when nothing is called positive. */
  ppv: number;
  /** Negative predictive value tn / (tn + fn); NaN when nothing is called negative. */
  npv: number;
  accuracy: number;
  /** Youden's J = sensitivity + specificity - 1. */
  youden: number;
  /** F1 = 2 tp / (2 tp + fp + fn). */
  f1: number;
  /** Positive likelihood ratio sensitivity / (1 - specificity). */
  lrPositive: number;
  /** Negative likelihood ratio (1 - sensitivity) / specificity. */
  lrNegative: number;
}

/** Fills the derived rates of a confusion matrix from its four counts. */
export function confusionFromCounts(
  threshold: number,
  tp: number,
  fp: number,
  tn: number,
  fn: number,
): ConfusionMatrix {
  const sensitivity = tp / (tp + fn);
  const specificity = tn / (tn + fp);
  return {
    threshold,
    tp,
    fp,
    tn,
    fn,
    sensitivity,
    specificity,
    ppv: tp / (tp + fp),
    npv: tn / (tn + fn),
    accuracy: (tp + tn) / (tp + fp + tn + fn),
    youden: sensitivity + specificity - 1,
    f1: (2 * tp) / (2 * tp + fp + fn),
    lrPositive: sensitivity / (1 - specificity),
    lrNegative: (1 - sensitivity) / specificity,
  };
}

/** Confusion matrix when `score >= threshold` is called positive. */
export function confusionMatrix(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
): ConfusionMatrix {
  if (Number.isNaN(threshold)) throw new DataError("threshold is NaN");
  checkBinary(scores, labels, { allowOneClass: true });
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const called = scores[i] >= threshold;
    if (labels[i] === 1) {
      if (called) tp++;
      else fn++;
    } else if (called) fp++;
    else tn++;
  }
  return confusionFromCounts(threshold, tp, fp, tn, fn);
}

/** Checks that predicted probabilities lie in [0, 1]. */
export function checkProbabilities(probs: ArrayLike<number>, what = "probabilities"): void {
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    if (!(p >= 0 && p <= 1)) {
      throw new DataError(`${what}[${i}] is ${String(p)}: predicted probabilities must lie in [0, 1]`);
    }
  }
}

/** Brier score mean((p - y)^2) (sklearn `brier_score_loss`). */
export function brierScore(probs: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkBinary(probs, labels, { allowOneClass: true, what: "probabilities" });
  checkProbabilities(probs);
  let s = 0;
  for (let i = 0; i < probs.length; i++) {
    const d = probs[i] - labels[i];
    s += d * d;
  }
  return s / probs.length;
}

/**
 * Scaled Brier score 1 - Brier / Brier_max, with Brier_max = prevalence (1 - prevalence), the Brier score
 * of the non-informative model that predicts the observed prevalence for everyone (Steyerberg et al.,
 * Epidemiology 2010). 1 is perfect, 0 is no better than the prevalence, negative is worse.
 */
export function scaledBrierScore(probs: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { nPos } = checkBinary(probs, labels, { what: "probabilities" });
  const prev = nPos / probs.length;
  return 1 - brierScore(probs, labels) / (prev * (1 - prev));
}

/** Averaging of one-vs-rest AUCs for multi-class problems (sklearn `roc_auc_score(multi_class="ovr")`). */
export type MulticlassAverage = "macro" | "weighted" | "micro";

export interface MulticlassAuc {
  /** The averaged AUC. */
  auc: number;
  /** One-vs-rest AUC of each class (class k's score column vs all other classes). */
  perClass: Float64Array;
  /** Number of samples of each class. */
  support: Int32Array;
}

/**
 * One-vs-rest AUC for k classes. `scores[i]` holds the k class scores (e.g. probabilities) of sample i,
 * `labels[i]` its class index 0..k-1.
 * - macro: unweighted mean of the per-class AUCs;
 * - weighted: mean weighted by class support (prevalence);
 * - micro: a single AUC over all n*k (sample, class) pairs of the one-hot labels and the scores.
 */
export function multiclassAuc(
  scores: ArrayLike<ArrayLike<number>>,
  labels: ArrayLike<number>,
  average: MulticlassAverage = "macro",
): MulticlassAuc {
  const n = scores.length;
  if (labels.length !== n) throw new DataError(`scores has ${n} rows but labels has ${labels.length}`);
  if (n === 0) throw new DataError("scores is empty");
  const k = scores[0].length;
  if (k < 2) throw new DataError(`scores[0] has ${k} columns: need one score per class (at least 2)`);
  const support = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= k) {
      throw new DataError(`labels[${i}] is ${String(y)}: class labels must be integers 0..${k - 1}`);
    }
    if (scores[i].length !== k)
      throw new DataError(`scores[${i}] has ${scores[i].length} columns, expected ${k}`);
    support[y]++;
  }
  for (let c = 0; c < k; c++) {
    if (support[c] === 0) throw new DataError(`class ${c} has no samples: one-vs-rest AUC is undefined`);
  }
  const col = new Float64Array(n);
  const y01 = new Uint8Array(n);
  const perClass = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) {
      col[i] = scores[i][c];
      y01[i] = labels[i] === c ? 1 : 0;
    }
    perClass[c] = auc(col, y01);
  }
  let value: number;
  if (average === "macro") {
    let s = 0;
    for (let c = 0; c < k; c++) s += perClass[c];
    value = s / k;
  } else if (average === "weighted") {
    let s = 0;
    for (let c = 0; c < k; c++) s += perClass[c] * support[c];
    value = s / n;
  } else if (average === "micro") {
    const all = new Float64Array(n * k);
    const yAll = new Uint8Array(n * k);
    for (let i = 0; i < n; i++) {
      const row = scores[i];
      for (let c = 0; c < k; c++) {
        all[i * k + c] = row[c];
        yAll[i * k + c] = labels[i] === c ? 1 : 0;
      }
    }
    value = auc(all, yAll);
  } else {
    throw new DataError(`unknown multi-class average "${String(average)}" (macro, weighted or micro)`);
  }
  return { auc: value, perClass, support };
}
