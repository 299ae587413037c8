/**
 * Operating points on the ROC curve: the Youden-optimal and closest-to-(0,1) cut-offs, the cut-off that
 * reaches a target sensitivity or specificity, and confusion matrices at given thresholds.
 *
 * Conventions as in metrics.ts: `score >= threshold` is called positive. Thresholds are reported as the
 * observed score at which the point is reached (scikit-learn style), or, with `thresholdStyle:
 * "midpoint"`, as the midpoint between that score and the next lower distinct score (pROC's `coords`
 * style, -Infinity below the lowest score). Both give the same confusion matrix on the data.
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError } from "../../errors.js";
import {
  type BinaryClfCurve,
  binaryClfCurve,
  type ConfusionMatrix,
  checkBinary,
  confusionFromCounts,
} from "./metrics.js";

export type ThresholdStyle = "score" | "midpoint";

export interface OperatingPointOptions {
  thresholdStyle?: ThresholdStyle;
}

function pointAt(c: BinaryClfCurve, i: number, style: ThresholdStyle): ConfusionMatrix {
  // i = -1 means "nothing called positive" (threshold above every score)
  if (i < 0) return confusionFromCounts(Number.POSITIVE_INFINITY, 0, 0, c.nNeg, c.nPos);
  const tp = c.tp[i];
  const fp = c.fp[i];
  let thr = c.thresholds[i];
  if (style === "midpoint") {
    thr =
      i + 1 < c.thresholds.length ? (c.thresholds[i] + c.thresholds[i + 1]) / 2 : Number.NEGATIVE_INFINITY;
  }
  return confusionFromCounts(thr, tp, fp, c.nNeg - fp, c.nPos - tp);
}

function curve(scores: ArrayLike<number>, labels: ArrayLike<number>): BinaryClfCurve {
  checkBinary(scores, labels);
  return binaryClfCurve(scores, labels);
}

/**
 * Cut-off maximising Youden's J = sensitivity + specificity - 1 (pROC `coords(roc, "best",
 * best.method = "youden")`). Among tied optima the highest threshold (most specific) is returned;
 * `tiedThresholds` lists every optimal threshold (same style) from high to low.
 */
export function youdenOptimal(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: OperatingPointOptions = {},
): ConfusionMatrix & { tiedThresholds: Float64Array } {
  const c = curve(scores, labels);
  const style = opts.thresholdStyle ?? "score";
  // J_i = tp/nPos - fp/nNeg; compare on the exact integer scale tp*nNeg - fp*nPos to find ties exactly
  let best = Number.NEGATIVE_INFINITY;
  const m = c.thresholds.length;
  const scaled = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    scaled[i] = c.tp[i] * c.nNeg - c.fp[i] * c.nPos;
    if (scaled[i] > best) best = scaled[i];
  }
  const ties: number[] = [];
  for (let i = 0; i < m; i++) if (scaled[i] === best) ties.push(i);
  const point = pointAt(c, ties[0], style);
  return { ...point, tiedThresholds: Float64Array.from(ties, (i) => pointAt(c, i, style).threshold) };
}

/**
 * Cut-off closest to the top-left corner: minimises (1 - sensitivity)^2 + (1 - specificity)^2 (pROC
 * `best.method = "closest.topleft"`). Ties: the highest threshold.
 */
export function closestTopLeft(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: OperatingPointOptions = {},
): ConfusionMatrix {
  const c = curve(scores, labels);
  let best = Number.POSITIVE_INFINITY;
  let bi = 0;
  for (let i = 0; i < c.thresholds.length; i++) {
    const a = 1 - c.tp[i] / c.nPos;
    const b = c.fp[i] / c.nNeg;
    const d = a * a + b * b;
    if (d < best) {
      best = d;
      bi = i;
    }
  }
  return pointAt(c, bi, opts.thresholdStyle ?? "score");
}

function checkTarget(target: number, what: string): void {
  if (!(target >= 0 && target <= 1)) throw new DataError(`target ${what} ${target} must lie in [0, 1]`);
}

/**
 * The most specific cut-off whose sensitivity is at least `target` (the highest threshold reaching it):
 * e.g. "specificity at 90% sensitivity".
 */
export function operatingPointAtSensitivity(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  target: number,
  opts: OperatingPointOptions = {},
): ConfusionMatrix {
  checkTarget(target, "sensitivity");
  const c = curve(scores, labels);
  if (target === 0) return pointAt(c, -1, opts.thresholdStyle ?? "score");
  for (let i = 0; i < c.thresholds.length; i++) {
    if (c.tp[i] / c.nPos >= target) return pointAt(c, i, opts.thresholdStyle ?? "score");
  }
  return pointAt(c, c.thresholds.length - 1, opts.thresholdStyle ?? "score");
}

/**
 * The most sensitive cut-off whose specificity is at least `target` (the lowest threshold keeping it):
 * e.g. "sensitivity at 95% specificity". When even the highest score breaks the target, the point with
 * nothing called positive (threshold +Infinity) is returned.
 */
export function operatingPointAtSpecificity(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  target: number,
  opts: OperatingPointOptions = {},
): ConfusionMatrix {
  checkTarget(target, "specificity");
  const c = curve(scores, labels);
  let found = -1;
  for (let i = 0; i < c.thresholds.length; i++) {
    if ((c.nNeg - c.fp[i]) / c.nNeg >= target) found = i;
    else break; // specificity only decreases as the threshold goes down
  }
  return pointAt(c, found, opts.thresholdStyle ?? "score");
}

/** Confusion matrices at several fixed thresholds (`score >= t` positive), one pass after one sort. */
export function operatingPoints(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  thresholds: ArrayLike<number>,
): ConfusionMatrix[] {
  const c = curve(scores, labels);
  const out: ConfusionMatrix[] = [];
  for (let k = 0; k < thresholds.length; k++) {
    const t = thresholds[k];
    if (Number.isNaN(t)) throw new DataError(`thresholds[${k}] is NaN`);
    // last distinct score >= t (thresholds are decreasing): binary search
    let lo = 0;
    let hi = c.thresholds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c.thresholds[mid] >= t) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    const tp = i < 0 ? 0 : c.tp[i];
    const fp = i < 0 ? 0 : c.fp[i];
    out.push(confusionFromCounts(t, tp, fp, c.nNeg - fp, c.nPos - tp));
  }
  return out;
}
