/**
 * Kaplan-Meier survival curves as R's `survfit(Surv(time, status) ~ group)` computes them (survival 3.x,
 * `stype = 1, ctype = 1`, no weights): one row per distinct time (events and censorings), the product-limit
 * estimate, the Nelson-Aalen cumulative hazard, Greenwood's variance, pointwise confidence intervals
 * (`conf.type` "log" (R's default), "log-log", "plain"), R's median / quantile rule with its confidence
 * interval (`quantile.survfit`), the restricted mean and its standard error (`print.survfit`'s
 * `rmean = "common"` by default) and numbers at risk at chosen times (`summary(fit, times = )`).
 *
 * Definitions (R survival's survfitkm.c, survfit_confint, survmean, findq):
 * - S(t) = prod_{t_i <= t} (n_i - d_i)/n_i; Greenwood: var(log S) = sum d_i / (n_i (n_i - d_i)).
 *   `stdErr` is the standard error of S (summary.survfit's std.err = S * se(log S)); it is NaN where S = 0.
 * - CIs with z = qnorm(1 - (1 - conf)/2) and s = se(log S): log: exp(log S ± z s), upper clipped at 1;
 *   log-log: exp(-exp(log(-log S) ∓ z s / log S)) (no clipping needed); plain: S ± z S s clipped to [0, 1].
 *   Where s = 0 (before the first event) the limits equal S; where S = 0 they are NaN (R's NA).
 * - Quantile p: the smallest time where 1 - S(t) >= p (within sqrt(machine eps)); if 1 - S equals p on a
 *   flat stretch the midpoint of that stretch is used (e.g. veteran trt = 2 median 52.5). The CI of the
 *   quantile applies the same rule to the lower and upper confidence curves.
 * - Restricted mean: area under S from 0 to the end time; "common" = the largest time of the whole fit
 *   (all curves), "individual" = each curve's own last time, or a number. SE as Miller (1981) p 195.
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError, InputError } from "../../errors.js";
import { normalQuantile } from "../core/distributions.js";
import {
  type GroupValue,
  type MaybeNumber,
  type SurvivalInputOptions,
  survivalData,
  toFactor,
} from "./data.js";

export type ConfType = "log" | "log-log" | "plain" | "none";

export interface KaplanMeierOptions extends SurvivalInputOptions {
  /** Grouping variable (one curve per level); rows with a missing group are dropped, as R's na.omit. */
  group?: ArrayLike<GroupValue>;
  /** Level order for `group` (default: numeric or string sort, as R's factor()). */
  levels?: readonly string[];
  /** Curve labels become `${groupName}=${level}` (R's strata names); default: the level itself. */
  groupName?: string;
  /** Confidence interval type (default "log", as R). */
  confType?: ConfType;
  /** Confidence level (default 0.95). */
  confLevel?: number;
}

/** One Kaplan-Meier curve; every array has one entry per distinct time (event or censoring). */
export interface KmCurve {
  label: string;
  /** Number of subjects in the curve. */
  n: number;
  /** Number of events. */
  events: number;
  time: Float64Array;
  nRisk: Float64Array;
  nEvent: Float64Array;
  nCensor: Float64Array;
  surv: Float64Array;
  /** Nelson-Aalen cumulative hazard. */
  cumhaz: Float64Array;
  /** Standard error of log S (R's `fit$std.err`, Greenwood). Infinite once S = 0. */
  seLogSurv: Float64Array;
  /** Standard error of S (R's `summary(fit)$std.err`); NaN where S = 0. */
  stdErr: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

export interface KaplanMeierFit {
  curves: KmCurve[];
  confType: ConfType;
  confLevel: number;
  /** Rows dropped because the group was missing. */
  nDropped: number;
}

/** Pointwise CI of survival (R's survfit_confint with logse = TRUE, ulimit = TRUE). */
export function survivalConfint(
  surv: ArrayLike<number>,
  seLog: ArrayLike<number>,
  confType: ConfType,
  confLevel = 0.95,
): { lower: Float64Array; upper: Float64Array } {
  if (!(confLevel > 0 && confLevel < 1))
    throw new InputError(`confLevel must be in (0, 1), got ${confLevel}`);
  const n = surv.length;
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const z = normalQuantile(1 - (1 - confLevel) / 2);
  for (let i = 0; i < n; i++) {
    const p = surv[i];
    const se = seLog[i];
    if (confType === "none") {
      lower[i] = Number.NaN;
      upper[i] = Number.NaN;
    } else if (confType === "plain") {
      const se2 = se * p * z;
      lower[i] = nanMax(p - se2, 0);
      upper[i] = nanMin(p + se2, 1);
    } else if (confType === "log") {
      if (se === 0) {
        lower[i] = p;
        upper[i] = p;
      } else if (p === 0) {
        lower[i] = Number.NaN;
        upper[i] = Number.NaN;
      } else {
        const se2 = z * se;
        lower[i] = Math.exp(Math.log(p) - se2);
        upper[i] = nanMin(Math.exp(Math.log(p) + se2), 1);
      }
    } else if (confType === "log-log") {
      if (se === 0) {
        lower[i] = p;
        upper[i] = p;
      } else if (p === 0 || p === 1) {
        lower[i] = Number.NaN;
        upper[i] = Number.NaN;
      } else {
        const se2 = (z * se) / Math.log(p);
        const ll = Math.log(-Math.log(p));
        lower[i] = Math.exp(-Math.exp(ll - se2));
        upper[i] = Math.exp(-Math.exp(ll + se2));
      }
    } else {
      throw new InputError(
        `unknown confidence interval type "${String(confType)}" (use log, log-log, plain or none)`,
      );
    }
  }
  return { lower, upper };
}

function nanMax(a: number, b: number): number {
  return Number.isNaN(a) ? a : Math.max(a, b);
}
function nanMin(a: number, b: number): number {
  return Number.isNaN(a) ? a : Math.min(a, b);
}

/** Kaplan-Meier curve of the rows `rows` (indices into time/event). */
function kmCurve(
  label: string,
  time: Float64Array,
  event: Uint8Array,
  rows: Int32Array,
  confType: ConfType,
  confLevel: number,
): KmCurve {
  const m = rows.length;
  const order = Int32Array.from(rows).sort((a, b) => time[a] - time[b] || a - b);
  // distinct times
  let nt = 0;
  for (let i = 0; i < m; i++) if (i === 0 || time[order[i]] !== time[order[i - 1]]) nt++;
  const t = new Float64Array(nt);
  const nRisk = new Float64Array(nt);
  const nEvent = new Float64Array(nt);
  const nCensor = new Float64Array(nt);
  let k = -1;
  let events = 0;
  for (let i = 0; i < m; i++) {
    const r = order[i];
    if (i === 0 || time[r] !== time[order[i - 1]]) {
      k++;
      t[k] = time[r];
      nRisk[k] = m - i;
    }
    if (event[r] === 1) {
      nEvent[k]++;
      events++;
    } else nCensor[k]++;
  }
  const surv = new Float64Array(nt);
  const cumhaz = new Float64Array(nt);
  const seLog = new Float64Array(nt);
  const stdErr = new Float64Array(nt);
  let km = 1;
  let nelson = 0;
  let v1 = 0;
  for (let i = 0; i < nt; i++) {
    const d = nEvent[i];
    const nr = nRisk[i];
    if (d > 0) {
      nelson += d / nr;
      km *= (nr - d) / nr;
      v1 += d / (nr * (nr - d)); // Greenwood; Infinity when every subject at risk dies
    }
    surv[i] = km;
    cumhaz[i] = nelson;
    seLog[i] = Math.sqrt(v1);
    stdErr[i] = seLog[i] * km; // Infinity * 0 = NaN, R's NA
  }
  const ci = survivalConfint(surv, seLog, confType, confLevel);
  return {
    label,
    n: m,
    events,
    time: t,
    nRisk,
    nEvent,
    nCensor,
    surv,
    cumhaz,
    seLogSurv: seLog,
    stdErr,
    lower: ci.lower,
    upper: ci.upper,
  };
}

/**
 * Kaplan-Meier estimate, overall or per group (R: `survfit(Surv(time, event) ~ group, conf.type = ...)`).
 */
export function kaplanMeier(
  time: ArrayLike<MaybeNumber>,
  event: ArrayLike<MaybeNumber | boolean>,
  opts: KaplanMeierOptions = {},
): KaplanMeierFit {
  const confType = opts.confType ?? "log";
  const confLevel = opts.confLevel ?? 0.95;
  const data = survivalData(time, event, opts);
  const n = data.time.length;
  const curves: KmCurve[] = [];
  let nDropped = 0;
  if (!opts.group) {
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = i;
    curves.push(kmCurve("all", data.time, data.event, rows, confType, confLevel));
  } else {
    if (opts.group.length !== n)
      throw new DataError(`group has ${opts.group.length} values but time has ${n}`);
    const f = toFactor(opts.group, opts.levels, opts.groupName ?? "group");
    const buckets: number[][] = f.levels.map(() => []);
    for (let i = 0; i < n; i++) {
      const c = f.codes[i];
      if (c < 0) nDropped++;
      else buckets[c].push(i);
    }
    for (let g = 0; g < f.levels.length; g++) {
      if (buckets[g].length === 0) continue; // R drops empty levels from survfit
      const label = opts.groupName ? `${opts.groupName}=${f.levels[g]}` : f.levels[g];
      curves.push(kmCurve(label, data.time, data.event, Int32Array.from(buckets[g]), confType, confLevel));
    }
    if (curves.length === 0) throw new DataError("group: every value is missing");
  }
  return { curves, confType, confLevel, nDropped };
}

/** One row of `summary(fit, censored = TRUE)`. */
export interface KmTableRow {
  strata: string;
  time: number;
  n_risk: number;
  n_event: number;
  n_censor: number;
  surv: number;
  std_err: number;
  lower: number;
  upper: number;
}

/** Long table with one row per curve and distinct time (R's `summary(fit, censored = TRUE)`). */
export function kmTable(fit: KaplanMeierFit): KmTableRow[] {
  const rows: KmTableRow[] = [];
  for (const c of fit.curves) {
    for (let i = 0; i < c.time.length; i++) {
      rows.push({
        strata: c.label,
        time: c.time[i],
        n_risk: c.nRisk[i],
        n_event: c.nEvent[i],
        n_censor: c.nCensor[i],
        surv: c.surv[i],
        std_err: c.stdErr[i],
        lower: c.lower[i],
        upper: c.upper[i],
      });
    }
  }
  return rows;
}

const QUANTILE_TOL = Math.sqrt(2.220446049250313e-16);

/**
 * R's findq: where the horizontal line at p meets the step function 1 - y (x[0] = 0, y[0] = 0).
 * Flat stretches within `tol` of p give the midpoint of the stretch.
 */
function findq(xIn: Float64Array, yIn: Float64Array, p: number, tol: number): number {
  let ymax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < yIn.length; i++) if (!Number.isNaN(yIn[i]) && yIn[i] > ymax) ymax = yIn[i];
  if (ymax < p) return Number.NaN;
  const xmax = xIn[xIn.length - 1];
  // drop duplicated y values (keep the first), NaN counting as one value
  const x: number[] = [];
  const y: number[] = [];
  let seenNaN = false;
  const seen = new Set<number>();
  for (let i = 0; i < yIn.length; i++) {
    const v = yIn[i];
    if (Number.isNaN(v)) {
      if (seenNaN) continue;
      seenNaN = true;
    } else {
      if (seen.has(v)) continue;
      seen.add(v);
    }
    x.push(xIn[i]);
    y.push(v);
  }
  const n = y.length;
  // approx(y + tol, 1:n, p, "constant", f = 1) over the non-NaN points: first index with y + tol >= p
  const firstAtLeast = (shift: number): number => {
    let lo = -1;
    let anyBelow = false;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(y[i])) continue;
      if (y[i] + shift >= p) {
        lo = i;
        break;
      }
      anyBelow = true;
    }
    // approx with rule = 1 returns NA outside the range of the knots (p below the first knot)
    if (lo >= 0 && !anyBelow && y[lo] + shift > p) return -1;
    return lo;
  };
  const i1 = firstAtLeast(tol);
  const i2 = firstAtLeast(-tol);
  let q = i1 >= 0 && i2 >= 0 ? (x[i1] + x[i2]) / 2 : Number.NaN;
  if (p === 0) q = x[0];
  if (!Number.isNaN(y[n - 1]) && Math.abs(p - y[n - 1]) < tol) q = i1 >= 0 ? (x[i1] + xmax) / 2 : Number.NaN;
  return q;
}

export interface KmQuantile {
  label: string;
  p: number;
  quantile: number;
  lower: number;
  upper: number;
}

/**
 * Survival-time quantile(s) of each curve with CI (R's `quantile(fit, probs)`): the time where S drops to
 * 1 - p. NaN when the curve (or its confidence band) never gets there.
 */
export function kmQuantiles(fit: KaplanMeierFit, probs: readonly number[] = [0.5]): KmQuantile[] {
  const out: KmQuantile[] = [];
  for (const p of probs)
    if (!(p >= 0 && p <= 1)) throw new InputError(`quantile probability ${p} is not in [0, 1]`);
  for (const c of fit.curves) {
    const m = c.time.length;
    const x = new Float64Array(m + 1);
    const ys = new Float64Array(m + 1);
    const yl = new Float64Array(m + 1);
    const yu = new Float64Array(m + 1);
    for (let i = 0; i < m; i++) {
      x[i + 1] = c.time[i];
      ys[i + 1] = 1 - c.surv[i];
      yl[i + 1] = 1 - c.lower[i];
      yu[i + 1] = 1 - c.upper[i];
    }
    const hasCi = fit.confType !== "none";
    for (const p of probs) {
      out.push({
        label: c.label,
        p,
        quantile: findq(x, ys, p, QUANTILE_TOL),
        lower: hasCi ? findq(x, yl, p, QUANTILE_TOL) : Number.NaN,
        upper: hasCi ? findq(x, yu, p, QUANTILE_TOL) : Number.NaN,
      });
    }
  }
  return out;
}

export type RmeanOption = "common" | "individual" | number;

export interface KmSummaryRow {
  label: string;
  n: number;
  events: number;
  /** Restricted mean survival up to `rmeanEnd`, and its standard error. */
  rmean: number;
  seRmean: number;
  rmeanEnd: number;
  median: number;
  medianLower: number;
  medianUpper: number;
}

/**
 * Per-curve summary like R's `summary(fit)$table` / `print(fit, rmean = ...)`: n, events, restricted mean
 * and its SE, median and its CI (median from `quantile(fit, 0.5)`).
 */
export function kmSummary(fit: KaplanMeierFit, opts: { rmean?: RmeanOption } = {}): KmSummaryRow[] {
  const rm = opts.rmean ?? "common";
  let common = Number.NEGATIVE_INFINITY;
  for (const c of fit.curves) if (c.time.length > 0) common = Math.max(common, c.time[c.time.length - 1]);
  const med = kmQuantiles(fit, [0.5]);
  return fit.curves.map((c, ci) => {
    const end = typeof rm === "number" ? rm : rm === "common" ? common : c.time[c.time.length - 1];
    if (typeof rm === "number" && rm < Math.min(0, c.time[0])) {
      throw new InputError(`rmean truncation point ${rm} is before the start of curve ${c.label}`);
    }
    const { mean, se } = restrictedMean(c, end);
    return {
      label: c.label,
      n: c.n,
      events: c.events,
      rmean: mean,
      seRmean: se,
      rmeanEnd: end,
      median: med[ci].quantile,
      medianLower: med[ci].lower,
      medianUpper: med[ci].upper,
    };
  });
}

/**
 * Restricted mean survival time of a curve up to `end` (area under S from min(0, first time)) and its
 * standard error (R's survmean).
 */
export function restrictedMean(c: KmCurve, end: number): { mean: number; se: number } {
  const start = Math.min(0, c.time[0]);
  const m = c.time.length;
  let keep = 0;
  while (keep < m && c.time[keep] <= end) keep++;
  // rectangles: widths between successive times (start, t_1, ..., t_keep, end), heights S before each
  const nr = keep + 1;
  const tt = new Float64Array(nr);
  const hh = new Float64Array(nr);
  const ss = new Float64Array(nr); // survival at each knot
  for (let i = 0; i < keep; i++) {
    tt[i] = c.time[i];
    ss[i] = c.surv[i];
    const d = c.nEvent[i];
    const r = c.nRisk[i];
    hh[i] = r - d === 0 ? 0 : d / (r * (r - d));
  }
  tt[keep] = end;
  ss[keep] = keep > 0 ? c.surv[keep - 1] : 1;
  hh[keep] = 0;
  const rect = new Float64Array(nr);
  let prevT = start;
  for (let i = 0; i < nr; i++) {
    const h = i === 0 ? 1 : ss[i - 1];
    rect[i] = (tt[i] - prevT) * h;
    prevT = tt[i];
  }
  let mean = start;
  for (let i = 0; i < nr; i++) mean += rect[i];
  // varmean = sum_{j} (sum of rectangles after knot j)^2 * h_j   (Miller 1981)
  let varmean = 0;
  let tail = 0;
  for (let i = nr - 1; i >= 1; i--) {
    tail += rect[i];
    varmean += tail * tail * hh[i - 1];
  }
  return { mean, se: Math.sqrt(varmean) };
}

export interface KmAtTime {
  label: string;
  time: number;
  nRisk: number;
  /** Events and censorings since the previous requested time (R's summary(fit, times) counts). */
  nEvent: number;
  nCensor: number;
  surv: number;
  stdErr: number;
  lower: number;
  upper: number;
}

/**
 * Survival, numbers at risk and counts at chosen times (R's `summary(fit, times = times, extend = TRUE)`):
 * S(t) is the value of the step function at t, n_risk the number still at risk at t (time >= t),
 * n_event / n_censor are counted since the previous requested time.
 */
export function kmAtTimes(fit: KaplanMeierFit, times: readonly number[]): KmAtTime[] {
  const sorted = [...times].sort((a, b) => a - b);
  for (const t of sorted) if (!Number.isFinite(t)) throw new InputError(`time ${t} is not a finite number`);
  const out: KmAtTime[] = [];
  for (const c of fit.curves) {
    const m = c.time.length;
    let j = 0; // first curve index with time > current t
    let prevJ = 0;
    for (const t of sorted) {
      while (j < m && c.time[j] <= t) j++;
      let ev = 0;
      let ce = 0;
      for (let k = prevJ; k < j; k++) {
        ev += c.nEvent[k];
        ce += c.nCensor[k];
      }
      prevJ = j;
      // at risk at t: those with time >= t
      let atRisk: number;
      if (j > 0 && c.time[j - 1] === t) atRisk = c.nRisk[j - 1];
      else atRisk = j < m ? c.nRisk[j] : 0;
      const idx = j - 1;
      out.push({
        label: c.label,
        time: t,
        nRisk: atRisk,
        nEvent: ev,
        nCensor: ce,
        surv: idx >= 0 ? c.surv[idx] : 1,
        stdErr: idx >= 0 ? c.stdErr[idx] : 0,
        lower: idx >= 0 ? c.lower[idx] : 1,
        upper: idx >= 0 ? c.upper[idx] : 1,
      });
    }
  }
  return out;
}
