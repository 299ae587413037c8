/**
 * Time-dependent ROC AUC at chosen horizons, cumulative cases / dynamic controls with inverse probability
 * of censoring weights (Uno, Cai, Tian & Wei 2007; the estimator of R's timeROC with
 * `weighting = "marginal"` and of scikit-survival's `cumulative_dynamic_auc`):
 *
 *   cases at t:    T_i <= t with an event, weight 1 / G(T_i-)
 *   controls at t: T_j > t, weight 1 / G(t) (a constant, it cancels)
 *   AUC(t) = sum_i sum_j w_i [1(M_i > M_j) + 1/2 1(M_i = M_j)] / (sum_i w_i * number of controls)
 *
 * with M the marker (higher = higher risk, e.g. a Cox linear predictor) and G the Kaplan-Meier estimate of
 * the censoring distribution (censorings as events; a subject censored at an event time is still at risk
 * for it), G(T_i-) its left limit. Subjects censored before t are neither cases nor controls; the weights
 * correct for them under independent censoring. Horizons without cases or controls give NaN.
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError, InputError } from "../../errors.js";
import { type MaybeNumber, type SurvivalInputOptions, survivalData } from "./data.js";

export interface TimeAucRow {
  time: number;
  auc: number;
  /** Number of cases (events by t) and controls (still event-free after t). */
  nCases: number;
  nControls: number;
  /** Subjects censored before t (excluded, handled by the weights). */
  nCensoredBefore: number;
}

/** Kaplan-Meier of the censoring distribution: returns G(s-) and G(s) lookups. */
function censoringKm(time: Float64Array, event: Uint8Array): { times: Float64Array; g: Float64Array } {
  const n = time.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => time[a] - time[b]);
  const ts: number[] = [];
  const gs: number[] = [];
  let g = 1;
  let i = 0;
  while (i < n) {
    let j = i;
    let c = 0;
    while (j < n && time[idx[j]] === time[idx[i]]) {
      if (event[idx[j]] === 0) c++;
      j++;
    }
    const atRisk = n - i;
    if (c > 0) g *= 1 - c / atRisk;
    ts.push(time[idx[i]]);
    gs.push(g);
    i = j;
  }
  return { times: Float64Array.from(ts), g: Float64Array.from(gs) };
}

/** G at s (right-continuous) or just before s (left limit). */
function gAt(km: { times: Float64Array; g: Float64Array }, s: number, leftLimit: boolean): number {
  // last index with times[k] < s (left) or <= s (right)
  let lo = 0;
  let hi = km.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (leftLimit ? km.times[mid] < s : km.times[mid] <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 1 : km.g[lo - 1];
}

/**
 * Cumulative/dynamic IPCW AUC of `marker` at each horizon in `times` (the censoring distribution is
 * estimated from the same data).
 */
export function timeDependentAuc(
  time: ArrayLike<MaybeNumber>,
  event: ArrayLike<MaybeNumber | boolean>,
  marker: ArrayLike<number>,
  times: readonly number[],
  opts: SurvivalInputOptions = {},
): TimeAucRow[] {
  const data = survivalData(time, event, opts);
  const n = data.time.length;
  if (marker.length !== n) throw new DataError(`marker has ${marker.length} values but time has ${n}`);
  for (let i = 0; i < n; i++) {
    if (typeof marker[i] !== "number" || Number.isNaN(marker[i]))
      throw new DataError(`marker: row ${i + 1} is missing`);
  }
  for (const t of times) if (!Number.isFinite(t)) throw new InputError(`horizon ${t} is not a finite number`);
  const km = censoringKm(data.time, data.event);
  // controls sorted by marker for the Mann-Whitney counts
  const byMarker = new Int32Array(n);
  for (let i = 0; i < n; i++) byMarker[i] = i;
  byMarker.sort((a, b) => marker[a] - marker[b]);
  return times.map((t) => {
    const controls: number[] = [];
    let nCases = 0;
    let nCens = 0;
    for (let k = 0; k < n; k++) {
      const i = byMarker[k];
      if (data.time[i] > t) controls.push(marker[i]);
      else if (data.event[i] === 1) nCases++;
      else nCens++;
    }
    const nc = controls.length;
    if (nCases === 0 || nc === 0)
      return { time: t, auc: Number.NaN, nCases, nControls: nc, nCensoredBefore: nCens };
    // controls are sorted ascending (byMarker order)
    const below = (m: number) => {
      let lo = 0;
      let hi = nc;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (controls[mid] < m) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const atOrBelow = (m: number) => {
      let lo = 0;
      let hi = nc;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (controls[mid] <= m) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      if (!(data.time[i] <= t && data.event[i] === 1)) continue;
      const g = gAt(km, data.time[i], true);
      if (!(g > 0))
        throw new DataError(`censoring survival is 0 before case at time ${data.time[i]}: IPCW undefined`);
      const w = 1 / g;
      const lt = below(marker[i]);
      const eq = atOrBelow(marker[i]) - lt;
      num += w * (lt + 0.5 * eq);
      den += w * nc;
    }
    return { time: t, auc: num / den, nCases, nControls: nc, nCensoredBefore: nCens };
  });
}
