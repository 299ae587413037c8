/**
 * Shared survival-analysis plumbing: validated right-censored data (time, event), grouping factors, and
 * the small LDL' (Cholesky) routines that R's survival package uses for Cox models (cholesky2 / chsolve2 /
 * chinv2 semantics: a pivot below `toler * max(diag)` marks the column as redundant and its row and column
 * of the inverse are set to zero instead of failing).
 *
 * Conventions (shared by kaplanMeier.ts, logrank.ts, cox.ts, coxZph.ts, coxnet.ts, concordance.ts,
 * timeAuc.ts, riskGroups.ts):
 * - Right-censored data only: `time` >= 0 and finite, `event` 1 = event (death), 0 = censored. R's
 *   1 = censored / 2 = event coding (as in `survival::lung`) is accepted only when asked for with
 *   `eventCoding: "12"`.
 * - An event and a censoring at the same time: the censored subject is still at risk at that time
 *   (R's convention everywhere).
 * - Bad input throws `DataError` naming the column and the row (1-based, like a spreadsheet row of data).
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError } from "../../errors.js";

/** How the event column is coded. "01": 1 = event, 0 = censored. "12": R's 2 = event, 1 = censored. */
export type EventCoding = "01" | "12";

export interface SurvivalInputOptions {
  /** Event coding; default "01". Booleans are always accepted (true = event). */
  eventCoding?: EventCoding;
  /** Column names used in error messages (default "time" and "event"). */
  timeName?: string;
  eventName?: string;
}

/** Validated right-censored survival data. */
export interface SurvivalData {
  time: Float64Array;
  /** 1 = event, 0 = censored. */
  event: Uint8Array;
}

/** Value that may be missing in user input. */
export type MaybeNumber = number | null | undefined;

/**
 * Checks and converts a (time, event) pair. Throws DataError for a length mismatch, a missing or
 * non-finite time, a negative time, or an event value outside the chosen coding.
 */
export function survivalData(
  time: ArrayLike<MaybeNumber>,
  event: ArrayLike<MaybeNumber | boolean>,
  opts: SurvivalInputOptions = {},
): SurvivalData {
  const tName = opts.timeName ?? "time";
  const eName = opts.eventName ?? "event";
  const coding = opts.eventCoding ?? "01";
  const n = time.length;
  if (event.length !== n) throw new DataError(`${tName} has ${n} values but ${eName} has ${event.length}`);
  if (n === 0) throw new DataError(`${tName} is empty: no observations`);
  const t = new Float64Array(n);
  const e = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const ti = time[i];
    if (ti === null || ti === undefined || typeof ti !== "number" || Number.isNaN(ti)) {
      throw new DataError(`${tName}: row ${i + 1} is missing; drop incomplete rows first`);
    }
    if (!Number.isFinite(ti)) throw new DataError(`${tName}: row ${i + 1} is ${ti}; times must be finite`);
    if (ti < 0) throw new DataError(`${tName}: row ${i + 1} is ${ti}; survival times must be >= 0`);
    t[i] = ti;
    const ei = event[i];
    if (ei === true || ei === false) {
      e[i] = ei ? 1 : 0;
      continue;
    }
    if (ei === null || ei === undefined || typeof ei !== "number" || Number.isNaN(ei)) {
      throw new DataError(`${eName}: row ${i + 1} is missing; drop incomplete rows first`);
    }
    if (coding === "12") {
      if (ei === 2) e[i] = 1;
      else if (ei === 1) e[i] = 0;
      else
        throw new DataError(
          `${eName}: row ${i + 1} is ${ei}; with 1/2 coding events must be 1 (censored) or 2 (event)`,
        );
    } else if (ei === 1 || ei === 0) {
      e[i] = ei;
    } else {
      const hint = ei === 2 ? ' (for R\'s 1 = censored / 2 = event coding ask for eventCoding "12")' : "";
      throw new DataError(`${eName}: row ${i + 1} is ${ei}; events must be 0 (censored) or 1 (event)${hint}`);
    }
  }
  return { time: t, event: e };
}

/** A grouping variable turned into integer codes 0..k-1 (-1 = missing) with its level labels. */
export interface Factor {
  codes: Int32Array;
  levels: string[];
}

export type GroupValue = string | number | boolean | null | undefined;

function isMissingGroup(v: GroupValue): boolean {
  return v === null || v === undefined || v === "" || (typeof v === "number" && Number.isNaN(v));
}

/**
 * Turns group values into a factor. Level order: `levels` when given (values not listed throw), otherwise
 * R's default for the data type: numeric values sorted numerically, anything else sorted as strings.
 * Missing values (null, undefined, "", NaN) get code -1.
 */
export function toFactor(values: ArrayLike<GroupValue>, levels?: readonly string[], name = "group"): Factor {
  const n = values.length;
  const codes = new Int32Array(n);
  let lv: string[];
  if (levels) {
    lv = levels.slice();
  } else {
    const seen = new Set<string>();
    let allNumeric = true;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (isMissingGroup(v)) continue;
      if (typeof v !== "number") allNumeric = false;
      seen.add(String(v));
    }
    lv = [...seen];
    if (allNumeric) lv.sort((a, b) => Number(a) - Number(b));
    else lv.sort();
  }
  const index = new Map<string, number>();
  for (let i = 0; i < lv.length; i++) index.set(lv[i], i);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (isMissingGroup(v)) {
      codes[i] = -1;
      continue;
    }
    const c = index.get(String(v));
    if (c === undefined)
      throw new DataError(`${name}: row ${i + 1} has value "${String(v)}" that is not a listed level`);
    codes[i] = c;
  }
  return { codes, levels: lv };
}

// ------------------------------------------------------------------------------------------------------
// LDL' decomposition with R survival's rank handling (cholesky2.c, chsolve2.c, chinv2.c semantics).
// Matrices are dense row-major Float64Array of size n*n. Only the lower triangle is read by the routines.
// ------------------------------------------------------------------------------------------------------

/**
 * In-place factorisation A = F D F' (F unit lower triangular, D in the diagonal). Reads the upper triangle
 * of `m` (copies it to the lower), like survival's cholesky2. A pivot that is not finite or below
 * `toler * max(diag)` is set to 0 (column deemed redundant). Returns the rank, negated if the matrix is
 * not non-negative definite.
 */
export function cholesky2(m: Float64Array, n: number, toler: number): number {
  let nonneg = 1;
  let eps = 0;
  for (let i = 0; i < n; i++) {
    if (m[i * n + i] > eps) eps = m[i * n + i];
    for (let j = i + 1; j < n; j++) m[j * n + i] = m[i * n + j];
  }
  if (eps === 0) return 0;
  eps *= toler;
  let rank = 0;
  for (let i = 0; i < n; i++) {
    const pivot = m[i * n + i];
    if (!Number.isFinite(pivot) || pivot < eps) {
      m[i * n + i] = 0;
      if (pivot < -8 * eps) nonneg = -1;
    } else {
      rank++;
      for (let j = i + 1; j < n; j++) {
        const temp = m[j * n + i] / pivot;
        m[j * n + i] = temp;
        m[j * n + j] -= temp * temp * pivot;
        for (let k = j + 1; k < n; k++) m[k * n + j] -= temp * m[k * n + i];
      }
    }
  }
  return rank * nonneg;
}

/** Solves (F D F') x = y in place in `y`, given the cholesky2 factor; redundant columns get 0. */
export function chsolve2(m: Float64Array, n: number, y: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let temp = y[i];
    for (let j = 0; j < i; j++) temp -= y[j] * m[i * n + j];
    y[i] = temp;
  }
  for (let i = n - 1; i >= 0; i--) {
    if (m[i * n + i] === 0) y[i] = 0;
    else {
      let temp = y[i] / m[i * n + i];
      for (let j = i + 1; j < n; j++) temp -= y[j] * m[j * n + i];
      y[i] = temp;
    }
  }
}

/**
 * Inverse of F D F' from the cholesky2 factor, returned as a new full symmetric row-major matrix; rows and
 * columns of redundant variables are 0 (a generalised inverse, as survival's chinv2).
 */
export function chinv2(factor: Float64Array, n: number): Float64Array {
  const m = factor.slice();
  // invert the Cholesky factor in the lower triangle and D on the diagonal
  for (let i = 0; i < n; i++) {
    if (m[i * n + i] > 0) {
      m[i * n + i] = 1 / m[i * n + i];
      for (let j = i + 1; j < n; j++) {
        m[j * n + i] = -m[j * n + i];
        for (let k = 0; k < i; k++) m[j * n + k] += m[j * n + i] * m[i * n + k];
      }
    }
  }
  // F' D F (of the inverted pieces) into the upper triangle
  for (let i = 0; i < n; i++) {
    if (m[i * n + i] === 0) {
      for (let j = 0; j < i; j++) m[j * n + i] = 0;
      for (let j = i; j < n; j++) m[i * n + j] = 0;
    } else {
      for (let j = i + 1; j < n; j++) {
        const temp = m[j * n + i] * m[j * n + j];
        m[i * n + j] = temp;
        for (let k = i; k < j; k++) m[i * n + k] += temp * m[j * n + k];
      }
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      out[i * n + j] = m[i * n + j];
      out[j * n + i] = m[i * n + j];
    }
  }
  return out;
}

/** Default Cholesky tolerance of coxph.control(): .Machine$double.eps^0.75. */
export const TOLER_CHOL = 2.220446049250313e-16 ** 0.75;

/**
 * Quadratic form b' A^- b with A symmetric (generalised inverse through cholesky2; redundant directions
 * dropped). Returns the statistic and the rank used (its degrees of freedom).
 */
export function quadFormInverse(
  a: Float64Array,
  n: number,
  b: ArrayLike<number>,
  toler = TOLER_CHOL,
): { value: number; rank: number } {
  const m = a.slice();
  const rank = cholesky2(m, n, toler);
  const y = Float64Array.from(b);
  chsolve2(m, n, y);
  let v = 0;
  for (let i = 0; i < n; i++) v += b[i] * y[i];
  return { value: v, rank: Math.abs(rank) };
}
