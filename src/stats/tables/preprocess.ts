/**
 * Feature preprocessing fitted on training rows only and applied unchanged to new rows (no information
 * leaks across cross-validation folds): imputation of missing values (NaN) by the training mean or
 * median, dropping of features that are constant (or entirely missing) in the training rows, and
 * standardisation to zero mean and unit population SD (ddof = 0, as sklearn's StandardScaler).
 *
 * Matrices are column-major: one Float64Array per feature.
 */

import { InputError } from "../../errors.js";

export type ImputeMethod = "mean" | "median";

export interface DroppedFeature {
  name: string;
  reason: string;
}

/** A fitted preprocessing step (plain JSON). */
export interface Preprocessor {
  /** Feature names kept, in model order. */
  features: string[];
  impute: ImputeMethod;
  /** Imputation value per kept feature. */
  fill: number[];
  /** Standardisation: (x - center) / scale per kept feature (scale 1 and center 0 when not standardising). */
  center: number[];
  scale: number[];
  /** Features dropped at fit time, with the reason. */
  dropped: DroppedFeature[];
}

export interface PreprocessOptions {
  impute?: ImputeMethod;
  /** Standardise (default true). */
  standardize?: boolean;
}

/** Copy of the given rows of each column. */
export function subsetRows(columns: Float64Array[], rows: ArrayLike<number>): Float64Array[] {
  const m = rows.length;
  return columns.map((c) => {
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) out[i] = c[rows[i]];
    return out;
  });
}

function median(sorted: Float64Array): number {
  const m = sorted.length;
  const h = m >> 1;
  return m % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/**
 * Fit imputation and standardisation on `rows` of `columns` (all rows when omitted). Features that are
 * constant or entirely missing in those rows are dropped and listed in `dropped`.
 */
export function fitPreprocessor(
  columns: Float64Array[],
  names: string[],
  rows?: ArrayLike<number>,
  opts: PreprocessOptions = {},
): Preprocessor {
  const impute = opts.impute ?? "mean";
  const standardize = opts.standardize ?? true;
  if (names.length !== columns.length) throw new InputError("feature names and columns differ in number");
  const nAll = columns.length > 0 ? columns[0].length : 0;
  const m = rows ? rows.length : nAll;
  const pp: Preprocessor = { features: [], impute, fill: [], center: [], scale: [], dropped: [] };
  const buf = new Float64Array(m);
  for (let j = 0; j < columns.length; j++) {
    const c = columns[j];
    let k = 0;
    let sum = 0;
    for (let t = 0; t < m; t++) {
      const v = c[rows ? rows[t] : t];
      if (Number.isNaN(v)) continue;
      buf[k++] = v;
      sum += v;
    }
    if (k === 0) {
      pp.dropped.push({ name: names[j], reason: "all values missing" });
      continue;
    }
    const obs = buf.subarray(0, k);
    const first = obs[0];
    let constant = true;
    for (let t = 1; t < k; t++) {
      if (obs[t] !== first) {
        constant = false;
        break;
      }
    }
    if (constant) {
      pp.dropped.push({ name: names[j], reason: `constant (${first})` });
      continue;
    }
    const mean = sum / k;
    let fill = mean;
    if (impute === "median") {
      const s = obs.slice().sort();
      fill = median(s);
    }
    // Mean and population SD of the imputed training column (what the model is fitted on).
    let s1 = 0;
    for (let t = 0; t < m; t++) {
      const v = c[rows ? rows[t] : t];
      s1 += Number.isNaN(v) ? fill : v;
    }
    const center = s1 / m;
    let s2 = 0;
    for (let t = 0; t < m; t++) {
      const v = c[rows ? rows[t] : t];
      const d = (Number.isNaN(v) ? fill : v) - center;
      s2 += d * d;
    }
    const sd = Math.sqrt(s2 / m);
    if (!(sd > 0)) {
      pp.dropped.push({ name: names[j], reason: "constant after imputation" });
      continue;
    }
    pp.features.push(names[j]);
    pp.fill.push(fill);
    pp.center.push(standardize ? center : 0);
    pp.scale.push(standardize ? sd : 1);
  }
  return pp;
}

/**
 * Apply a fitted preprocessor. `columns[j]` must hold feature `pp.features[j]` (use `selectColumns` to
 * align a table by name); `rows` selects rows (all when omitted). Returns new arrays.
 */
export function applyPreprocessor(
  pp: Preprocessor,
  columns: Float64Array[],
  rows?: ArrayLike<number>,
): Float64Array[] {
  if (columns.length !== pp.features.length)
    throw new InputError(`expected ${pp.features.length} feature columns, got ${columns.length}`);
  const nAll = columns.length > 0 ? columns[0].length : 0;
  const m = rows ? rows.length : nAll;
  return columns.map((c, j) => {
    const out = new Float64Array(m);
    const fill = pp.fill[j];
    const center = pp.center[j];
    const scale = pp.scale[j];
    for (let t = 0; t < m; t++) {
      const v = c[rows ? rows[t] : t];
      out[t] = ((Number.isNaN(v) ? fill : v) - center) / scale;
    }
    return out;
  });
}

/**
 * Pick columns by name, in the order of `wanted`. Throws an InputError naming every missing column.
 */
export function selectColumns(
  columns: Float64Array[],
  names: string[],
  wanted: string[],
  source?: string,
): Float64Array[] {
  const index = new Map<string, number>(names.map((nm, j) => [nm, j]));
  const missing = wanted.filter((w) => !index.has(w));
  if (missing.length > 0) {
    const list =
      missing.length > 10
        ? `${missing.slice(0, 10).join(", ")} and ${missing.length - 10} more`
        : missing.join(", ");
    throw new InputError(`missing feature column${missing.length > 1 ? "s" : ""}: ${list}`, source);
  }
  return wanted.map((w) => columns[index.get(w)!]);
}
