/**
 * ComBat batch-effect harmonisation (Johnson, Li & Rabinovic, Biostatistics 2007; the radiomics use of
 * Fortin et al. 2017/2018), browser-safe. Reproduces neuroCombat 0.2.12 and sva::ComBat:
 *
 * 1. Design X = one-hot batch (no intercept) + one-hot categorical covariates without their first level +
 *    continuous covariates. B = (X'X)^-1 X'Y per feature (OLS).
 * 2. grand mean = sum_b (n_b / n) B_b; var_pooled = mean of the squared OLS residuals (1/n, not 1/(n - q));
 *    Z = (Y - grand mean - covariate effect) / sqrt(var_pooled).
 * 3. gamma_hat = per-batch mean of Z, delta_hat = per-batch variance of Z (ddof 1). Priors per batch by the
 *    method of moments over features (ddof 1): gamma_bar, t2; a = (2 s2 + m^2) / s2, b = (m s2 + m^3) / s2 for
 *    delta_hat with mean m and variance s2.
 * 4. Empirical Bayes:
 *    - parametric: alternate gamma* = (t2 n gamma_hat + delta* gamma_bar) / (t2 n + delta*) and
 *      delta* = (SS/2 + b) / (n/2 + a - 1) (SS = sum (z - gamma*)^2), starting from gamma_hat / delta_hat, for all
 *      features of a batch jointly until max(|change| / old) < 1e-4 (neuroCombat's rule, signed denominator);
 *    - non-parametric: for each feature, the likelihood-weighted average of the other features'
 *      (gamma_hat, delta_hat) (weights computed in log space, which avoids neuroCombat's underflow for large
 *      batches; identical otherwise);
 *    - mean-only: gamma* = postmean with n = 1, delta = 1 (as sva/neuroCombat); delta* = 1;
 *    - eb = false: gamma* = gamma_hat, delta* = delta_hat.
 * 5. Y* = (Z - gamma*_b) / sqrt(delta*_b) sqrt(var_pooled) + grand mean + covariate effect.
 *
 * `combatFit` returns the harmonised training data and a JSON-serialisable model; `combatApply` harmonises
 * new samples from batches seen in training with the training estimates (train/test separation).
 * Data layout: one Float64Array per feature (column), all of length n.
 */
import { DataError, InputError } from "../../errors.js";
import { Table } from "../tables/table.js";

export interface CombatCovariates {
  /** Categorical covariates (e.g. diagnosis, sex): values per sample. */
  categorical?: Record<string, readonly (string | number)[]>;
  /** Continuous covariates (e.g. age): values per sample. */
  continuous?: Record<string, ArrayLike<number>>;
}

export interface CombatOptions {
  /** Empirical Bayes shrinkage (default true). */
  eb?: boolean;
  /** Parametric priors (default true); false = non-parametric. */
  parametric?: boolean;
  /** Adjust only the location (default false). */
  meanOnly?: boolean;
  /** Feature names, for messages and the model. */
  featureNames?: readonly string[];
  /** Convergence threshold of the parametric iteration (default 1e-4, as neuroCombat/sva). */
  tolerance?: number;
  /** Iteration limit of the parametric EB (default 1000). */
  maxIterations?: number;
}

/** Estimates per batch (rows, in `batches` order) and feature (columns). */
export interface CombatEstimates {
  gammaHat: number[][];
  deltaHat: number[][];
  gammaBar: number[];
  t2: number[];
  /** null for mean-only. */
  aPrior: number[] | null;
  bPrior: number[] | null;
  gammaStar: number[][];
  deltaStar: number[][];
}

/** A fitted ComBat model (plain JSON). */
export interface CombatModel {
  kind: "combat";
  version: 1;
  options: { eb: boolean; parametric: boolean; meanOnly: boolean; tolerance: number };
  features: string[];
  /** Batch labels, sorted (design column order). */
  batches: string[];
  batchSizes: number[];
  /** Categorical covariates with their levels (the first level is the reference). */
  categorical: { name: string; levels: string[] }[];
  continuous: string[];
  /** Covariate coefficients per feature, one row per feature, in design order after the batch columns. */
  covariateCoefficients: number[][];
  grandMean: number[];
  varPooled: number[];
  estimates: CombatEstimates;
  /** Iterations of the parametric EB per batch. */
  iterations: number[];
  /** Features left unchanged (zero pooled variance) and other remarks. */
  notes: string[];
  /** Table columns used for the fit (set by combatTable). */
  columns?: { batch: string; covariates: string[] };
}

export interface CombatFitResult {
  model: CombatModel;
  /** Harmonised data, one array per feature. */
  data: Float64Array[];
}

const label = (v: string | number) => (typeof v === "number" ? String(v) : v.trim());

function sortLabels(values: readonly string[]): string[] {
  const u = Array.from(new Set(values));
  const allNumeric = u.every((v) => v !== "" && Number.isFinite(Number(v)));
  return allNumeric
    ? u.sort((a, b) => Number(a) - Number(b))
    : u.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function checkData(X: readonly ArrayLike<number>[], n: number, names: readonly string[]): void {
  for (let j = 0; j < X.length; j++) {
    const col = X[j];
    if (col.length !== n)
      throw new InputError(`ComBat: feature "${names[j]}" has ${col.length} values, expected ${n}`);
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(col[i]))
        throw new InputError(
          `ComBat: feature "${names[j]}", row ${i + 1}: missing or non-finite value (${col[i]}); impute or drop it first`,
        );
  }
}

/** Covariate design columns (after the batch columns) for samples, given the encoding. */
function covariateDesign(
  n: number,
  covariates: CombatCovariates | undefined,
  categorical: { name: string; levels: string[] }[],
  continuous: string[],
  what: string,
): Float64Array[] {
  const cols: Float64Array[] = [];
  for (const { name, levels } of categorical) {
    const vals = covariates?.categorical?.[name];
    if (!vals) throw new InputError(`ComBat: categorical covariate "${name}" missing from ${what}`);
    if (vals.length !== n)
      throw new InputError(`ComBat: covariate "${name}" has ${vals.length} values, expected ${n}`);
    const pos = new Map(levels.map((l, k) => [l, k]));
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = vals[i];
      if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v)))
        throw new InputError(`ComBat: covariate "${name}", row ${i + 1}: missing value`);
      const k = pos.get(label(v));
      if (k === undefined)
        throw new InputError(
          `ComBat: covariate "${name}", row ${i + 1}: level "${label(v)}" not seen in training (${levels.join(", ")})`,
        );
      codes[i] = k;
    }
    for (let k = 1; k < levels.length; k++) cols.push(Float64Array.from(codes, (c) => (c === k ? 1 : 0)));
  }
  for (const name of continuous) {
    const vals = covariates?.continuous?.[name];
    if (!vals) throw new InputError(`ComBat: continuous covariate "${name}" missing from ${what}`);
    if (vals.length !== n)
      throw new InputError(`ComBat: covariate "${name}" has ${vals.length} values, expected ${n}`);
    const c = Float64Array.from(vals);
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(c[i]))
        throw new InputError(`ComBat: covariate "${name}", row ${i + 1}: missing value`);
    cols.push(c);
  }
  return cols;
}

/** Cholesky factor (lower, row-major q x q) of a symmetric positive definite matrix, or null. */
function cholesky(a: Float64Array, q: number): Float64Array | null {
  const L = new Float64Array(q * q);
  for (let i = 0; i < q; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * q + j];
      for (let k = 0; k < j; k++) s -= L[i * q + k] * L[j * q + k];
      if (i === j) {
        if (!(s > 1e-12 * Math.abs(a[i * q + i]))) return null;
        L[i * q + i] = Math.sqrt(s);
      } else L[i * q + j] = s / L[j * q + j];
    }
  }
  return L;
}

function cholSolve(L: Float64Array, q: number, b: Float64Array): void {
  for (let i = 0; i < q; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * q + k] * b[k];
    b[i] = s / L[i * q + i];
  }
  for (let i = q - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < q; k++) s -= L[k * q + i] * b[k];
    b[i] = s / L[i * q + i];
  }
}

function meanAndVar(v: ArrayLike<number>): { mean: number; variance: number } {
  const n = v.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i];
  const m = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - m) * (v[i] - m);
  return { mean: m, variance: ss / (n - 1) };
}

/**
 * Fit ComBat on training data (features as columns of length n) and return the harmonised data with the model.
 */
export function combatFit(
  X: readonly ArrayLike<number>[],
  batch: readonly (string | number)[],
  covariates?: CombatCovariates,
  options: CombatOptions = {},
): CombatFitResult {
  const eb = options.eb ?? true;
  const parametric = options.parametric ?? true;
  const meanOnly = options.meanOnly ?? false;
  const tolerance = options.tolerance ?? 1e-4;
  const maxIterations = options.maxIterations ?? 1000;
  const n = batch.length;
  const p = X.length;
  const names = options.featureNames
    ? [...options.featureNames]
    : Array.from({ length: p }, (_, j) => `feature${j + 1}`);
  if (names.length !== p) throw new InputError(`ComBat: ${p} features but ${names.length} feature names`);
  if (p === 0) throw new InputError("ComBat: no features");
  checkData(X, n, names);

  // batches
  const batchLabels = batch.map((b, i) => {
    if (b === null || b === undefined || (typeof b === "number" && Number.isNaN(b)))
      throw new InputError(`ComBat: batch of row ${i + 1} is missing`);
    return label(b);
  });
  const batches = sortLabels(batchLabels);
  if (batches.length < 2)
    throw new DataError(`ComBat needs at least 2 batches (found ${batches.length}: ${batches.join(", ")})`);
  const bpos = new Map(batches.map((b, k) => [b, k]));
  const bcode = Int32Array.from(batchLabels, (b) => bpos.get(b)!);
  const nb = batches.length;
  const sizes = new Array<number>(nb).fill(0);
  for (const c of bcode) sizes[c]++;
  sizes.forEach((s, k) => {
    if (s < 2)
      throw new DataError(`ComBat needs at least 2 samples per batch; batch "${batches[k]}" has ${s}`);
  });

  // covariate encoding
  const categorical = Object.entries(covariates?.categorical ?? {}).map(([name, vals]) => {
    if (vals.length !== n)
      throw new InputError(`ComBat: covariate "${name}" has ${vals.length} values, expected ${n}`);
    return {
      name,
      levels: sortLabels(
        vals.map((v, i) => {
          if (v === null || v === undefined)
            throw new InputError(`ComBat: covariate "${name}", row ${i + 1}: missing value`);
          return label(v);
        }),
      ),
    };
  });
  const continuous = Object.keys(covariates?.continuous ?? {});
  const covCols = covariateDesign(n, covariates, categorical, continuous, "the covariates");
  const q = nb + covCols.length;

  // X'X and its Cholesky factor
  const xtx = new Float64Array(q * q);
  const col = (k: number, i: number) => (k < nb ? (bcode[i] === k ? 1 : 0) : covCols[k - nb][i]);
  for (let a = 0; a < q; a++)
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += col(a, i) * col(b, i);
      xtx[a * q + b] = s;
      xtx[b * q + a] = s;
    }
  const L = cholesky(xtx, q);
  if (!L)
    throw new DataError("ComBat: the design is singular (a covariate is constant or confounded with batch)");

  // per feature: OLS, grand mean, pooled variance, standardised data Z and its per-batch mean and
  // sum of squares (Z itself is not stored: the final pass recomputes it)
  const nc = covCols.length;
  const cov = new Float64Array(n * nc); // row-major covariate design
  for (let i = 0; i < n; i++) for (let k = 0; k < nc; k++) cov[i * nc + k] = covCols[k][i];
  const grandMean = new Float64Array(p);
  const varPooled = new Float64Array(p);
  const covCoef: number[][] = [];
  const notes: string[] = [];
  const beta = new Float64Array(q);
  const z = new Float64Array(n);
  const bsum = new Float64Array(nb);
  const bss = new Float64Array(nb);
  const gammaHat = batches.map(() => new Float64Array(p));
  const deltaHat = batches.map(() => new Float64Array(p));
  const ssBatch = batches.map(() => new Float64Array(p)); // sum of squares of Z about the batch mean
  for (let j = 0; j < p; j++) {
    const y = X[j];
    beta.fill(0);
    for (let i = 0; i < n; i++) {
      const yi = y[i];
      beta[bcode[i]] += yi;
      for (let k = 0; k < nc; k++) beta[nb + k] += cov[i * nc + k] * yi;
    }
    cholSolve(L, q, beta);
    let gm = 0;
    for (let k = 0; k < nb; k++) gm += (sizes[k] / n) * beta[k];
    grandMean[j] = gm;
    covCoef.push(Array.from(beta.subarray(nb)));
    let ss = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      let c = 0;
      for (let k = 0; k < nc; k++) c += cov[i * nc + k] * beta[nb + k];
      const yi = y[i];
      const r = yi - beta[bcode[i]] - c;
      ss += r * r;
      sq += yi * yi;
      z[i] = yi - gm - c;
    }
    // a residual SD below 1e-12 of the feature's RMS is rounding noise: treat the feature as constant
    varPooled[j] = ss / n <= 1e-24 * (sq / n) ? 0 : ss / n;
    if (!(varPooled[j] > 0)) {
      notes.push(`feature "${names[j]}": zero pooled variance, left unchanged`);
      for (let k = 0; k < nb; k++) deltaHat[k][j] = 1;
      continue;
    }
    const sd = Math.sqrt(varPooled[j]);
    bsum.fill(0);
    bss.fill(0);
    for (let i = 0; i < n; i++) {
      z[i] /= sd;
      bsum[bcode[i]] += z[i];
    }
    for (let k = 0; k < nb; k++) bsum[k] /= sizes[k];
    for (let i = 0; i < n; i++) {
      const e = z[i] - bsum[bcode[i]];
      bss[bcode[i]] += e * e;
    }
    for (let k = 0; k < nb; k++) {
      gammaHat[k][j] = bsum[k];
      ssBatch[k][j] = bss[k];
      deltaHat[k][j] = meanOnly ? 1 : bss[k] / (sizes[k] - 1);
      if (!meanOnly && bss[k] <= 1e-20 * sizes[k])
        notes.push(`feature "${names[j]}": zero variance within batch "${batches[k]}"`);
    }
  }

  // priors over the features that vary (a constant feature would only distort them)
  const active = Int32Array.from(Array.from({ length: p }, (_, j) => j).filter((j) => varPooled[j] > 0));
  if (active.length < 2) throw new DataError("ComBat needs at least 2 features that are not constant");
  const pick = (v: Float64Array) => Float64Array.from(active, (j) => v[j]);
  const gammaBar = gammaHat.map((g) => meanAndVar(pick(g)).mean);
  const t2 = gammaHat.map((g) => meanAndVar(pick(g)).variance);
  const aPrior = meanOnly
    ? null
    : deltaHat.map((d) => {
        const { mean: m, variance: s2 } = meanAndVar(pick(d));
        return (2 * s2 + m * m) / s2;
      });
  const bPrior = meanOnly
    ? null
    : deltaHat.map((d) => {
        const { mean: m, variance: s2 } = meanAndVar(pick(d));
        return (m * s2 + m * m * m) / s2;
      });

  // adjustments
  const gammaStar = batches.map(() => new Float64Array(p));
  const deltaStar = batches.map(() => new Float64Array(p));
  const iterations = new Array<number>(nb).fill(0);
  for (let k = 0; k < nb; k++) {
    const nk = sizes[k];
    const gh = gammaHat[k];
    const dh = deltaHat[k];
    const gs = gammaStar[k];
    const ds = deltaStar[k];
    ds.fill(1); // constant features keep gamma* = 0, delta* = 1
    if (!eb) {
      for (const j of active)
        if (!meanOnly && !(dh[j] > 1e-20))
          throw new DataError(
            `ComBat without empirical Bayes: feature "${names[j]}" has zero variance within batch "${batches[k]}" (use eb = true)`,
          );
      for (const j of active) {
        gs[j] = gh[j];
        ds[j] = dh[j];
      }
    } else if (meanOnly && parametric) {
      // postmean with n = 1 and delta = 1 (sva / neuroCombat)
      for (const j of active) gs[j] = (t2[k] * gh[j] + gammaBar[k]) / (t2[k] + 1);
    } else if (parametric) {
      const a = aPrior![k];
      const b = bPrior![k];
      const gOld = Float64Array.from(gh);
      const dOld = Float64Array.from(dh);
      // Z_batch sum of squares about gamma: SS + n (mean - gamma)^2
      let it = 0;
      for (;;) {
        let change = Number.NEGATIVE_INFINITY;
        for (const j of active) {
          const g = (t2[k] * nk * gh[j] + dOld[j] * gammaBar[k]) / (t2[k] * nk + dOld[j]);
          const e = gh[j] - g;
          const sum2 = ssBatch[k][j] + nk * e * e;
          const d = (0.5 * sum2 + b) / (nk / 2 + a - 1);
          const cg = Math.abs(g - gOld[j]) / gOld[j];
          const cd = Math.abs(d - dOld[j]) / dOld[j];
          if (cg > change) change = cg;
          if (cd > change) change = cd;
          gs[j] = g;
          ds[j] = d;
        }
        gOld.set(gs);
        dOld.set(ds);
        it++;
        if (!(change > tolerance)) break;
        if (it >= maxIterations) {
          notes.push(
            `batch "${batches[k]}": empirical Bayes did not converge in ${maxIterations} iterations`,
          );
          break;
        }
      }
      iterations[k] = it;
    } else {
      // non-parametric: leave-one-feature-out likelihood weighting, in log space. For feature j and
      // candidate l: sum (z - gamma_l)^2 = SS_j + n (mean_j - gamma_l)^2.
      const m = active.length;
      const g = Float64Array.from(active, (l) => gh[l]);
      const d = Float64Array.from(active, (l) => (meanOnly ? 1 : dh[l]));
      const base = Float64Array.from(d, (v) => -0.5 * nk * Math.log(2 * Math.PI * v));
      const inv2d = Float64Array.from(d, (v) => 1 / (2 * v));
      const logw = new Float64Array(m);
      for (let a = 0; a < m; a++) {
        const j = active[a];
        const ss = ssBatch[k][j];
        const mj = g[a];
        let max = Number.NEGATIVE_INFINITY;
        for (let l = 0; l < m; l++) {
          const e = mj - g[l];
          const w = base[l] - (ss + nk * e * e) * inv2d[l];
          logw[l] = w;
          if (l !== a && w > max) max = w;
        }
        let sw = 0;
        let sg = 0;
        let sdl = 0;
        for (let l = 0; l < m; l++) {
          if (l === a) continue;
          const w = Math.exp(logw[l] - max);
          sw += w;
          sg += w * g[l];
          sdl += w * d[l];
        }
        gs[j] = sg / sw;
        ds[j] = meanOnly ? 1 : sdl / sw;
      }
    }
  }

  // adjust
  const data: Float64Array[] = new Array(p);
  const sdStar = gammaStar.map((_, k) => Float64Array.from(deltaStar[k], Math.sqrt));
  for (let j = 0; j < p; j++) {
    const y = X[j];
    const out = new Float64Array(n);
    if (!(varPooled[j] > 0)) {
      for (let i = 0; i < n; i++) out[i] = y[i];
    } else {
      const sd = Math.sqrt(varPooled[j]);
      const gm = grandMean[j];
      const coef = covCoef[j];
      for (let i = 0; i < n; i++) {
        let c = 0;
        for (let k = 0; k < nc; k++) c += cov[i * nc + k] * coef[k];
        const k = bcode[i];
        const zi = (y[i] - gm - c) / sd;
        out[i] = ((zi - gammaStar[k][j]) / sdStar[k][j]) * sd + gm + c;
      }
    }
    data[j] = out;
  }

  const rows = (a: Float64Array[]) => a.map((v) => Array.from(v));
  const model: CombatModel = {
    kind: "combat",
    version: 1,
    options: { eb, parametric, meanOnly, tolerance },
    features: names,
    batches,
    batchSizes: sizes,
    categorical,
    continuous,
    covariateCoefficients: covCoef,
    grandMean: Array.from(grandMean),
    varPooled: Array.from(varPooled),
    estimates: {
      gammaHat: rows(gammaHat),
      deltaHat: rows(deltaHat),
      gammaBar,
      t2,
      aPrior,
      bPrior,
      gammaStar: rows(gammaStar),
      deltaStar: rows(deltaStar),
    },
    iterations,
    notes,
  };
  return { model, data };
}

/**
 * Harmonise new samples with a fitted model (their batches must have been seen in training; covariates are
 * those of the training fit). Returns one array per feature, in model.features order.
 */
export function combatApply(
  model: CombatModel,
  X: readonly ArrayLike<number>[],
  batch: readonly (string | number)[],
  covariates?: CombatCovariates,
): Float64Array[] {
  if (model?.kind !== "combat") throw new InputError("not a ComBat model");
  const p = model.features.length;
  if (X.length !== p) throw new InputError(`ComBat model has ${p} features, the data has ${X.length}`);
  const n = batch.length;
  checkData(X, n, model.features);
  const bpos = new Map(model.batches.map((b, k) => [b, k]));
  const bcode = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const b = label(batch[i]);
    const k = bpos.get(b);
    if (k === undefined)
      throw new InputError(
        `ComBat: batch "${b}" (row ${i + 1}) was not seen in training (batches: ${model.batches.join(", ")})`,
      );
    bcode[i] = k;
  }
  const covCols = covariateDesign(n, covariates, model.categorical, model.continuous, "the new data");
  const { gammaStar, deltaStar } = model.estimates;
  const out: Float64Array[] = new Array(p);
  for (let j = 0; j < p; j++) {
    const y = X[j];
    const o = new Float64Array(n);
    const vp = model.varPooled[j];
    if (!(vp > 0)) {
      for (let i = 0; i < n; i++) o[i] = y[i];
    } else {
      const sd = Math.sqrt(vp);
      const coef = model.covariateCoefficients[j];
      const gm = model.grandMean[j];
      for (let i = 0; i < n; i++) {
        let ce = 0;
        for (let k = 0; k < covCols.length; k++) ce += covCols[k][i] * coef[k];
        const z = (y[i] - gm - ce) / sd;
        const k = bcode[i];
        o[i] = ((z - gammaStar[k][j]) / Math.sqrt(deltaStar[k][j])) * sd + gm + ce;
      }
    }
    out[j] = o;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Table-level wrappers (used by the `harmonize` command)
// ---------------------------------------------------------------------------------------------

export interface CombatTableOptions extends Omit<CombatOptions, "featureNames"> {
  /** Batch column (scanner, site, protocol). */
  batch: string;
  /** Covariate columns to preserve; text columns are categorical, numeric ones continuous unless listed in `categorical`. */
  covariates?: readonly string[];
  /** Numeric covariates to treat as categorical. */
  categorical?: readonly string[];
  /** Feature columns (default: every numeric column except batch, covariates, id and `exclude`). */
  features?: readonly string[];
  id?: string;
  exclude?: readonly string[];
}

/** Covariate values of a table in the form combatFit/combatApply take. */
function tableCovariates(
  table: Table,
  names: readonly string[],
  categorical: ReadonlySet<string>,
): CombatCovariates {
  const cov: CombatCovariates = { categorical: {}, continuous: {} };
  for (const name of names) {
    const c = table.column(name, "covariate column");
    if (c.kind === "text" || categorical.has(name)) {
      const vals = table.text(name);
      vals.forEach((v, i) => {
        if (v === null)
          throw new InputError(`covariate "${name}", row ${i + 1}: missing value`, table.source);
      });
      cov.categorical![name] = vals as string[];
    } else {
      const v = table.numeric(name);
      v.forEach((x, i) => {
        if (Number.isNaN(x))
          throw new InputError(`covariate "${name}", row ${i + 1}: missing value`, table.source);
      });
      cov.continuous![name] = v;
    }
  }
  return cov;
}

function tableBatch(table: Table, name: string): string[] {
  const b = table.text(table.column(name, "batch column").name);
  return b.map((v, i) => {
    if (v === null) throw new InputError(`batch column "${name}", row ${i + 1}: missing value`, table.source);
    return v.trim();
  });
}

/** Fit ComBat on the feature columns of a table; returns the table with harmonised features and the model. */
export function combatTable(table: Table, options: CombatTableOptions): { table: Table; model: CombatModel } {
  const covNames = [...(options.covariates ?? [])];
  const skip = new Set([
    options.batch,
    ...covNames,
    ...(options.exclude ?? []),
    ...(options.id ? [options.id] : []),
  ]);
  const features = options.features ? [...options.features] : table.numericNames([...skip]);
  if (features.length === 0) throw new InputError("no numeric feature columns to harmonise", table.source);
  for (const f of features)
    if (skip.has(f))
      throw new InputError(`column "${f}" cannot be both a feature and the batch/covariate/id`, table.source);
  const X = features.map((f) => {
    const c = table.column(f, "feature column");
    if (c.kind !== "numeric") table.numeric(f); // names the first non-numeric cell
    return table.numeric(f);
  });
  const batch = tableBatch(table, options.batch);
  const covariates = tableCovariates(table, covNames, new Set(options.categorical ?? []));
  let res: CombatFitResult;
  try {
    res = combatFit(X, batch, covariates, { ...options, featureNames: features });
  } catch (e) {
    if (e instanceof InputError || e instanceof DataError) {
      const E = e instanceof InputError ? InputError : DataError;
      throw new E(e.message, table.source);
    }
    throw e;
  }
  res.model.columns = { batch: options.batch, covariates: covNames };
  return { table: replaceNumeric(table, features, res.data), model: res.model };
}

/** Harmonise a new table with a fitted model (same feature, batch and covariate columns as in training). */
export function combatApplyTable(model: CombatModel, table: Table, batchColumn?: string): Table {
  const bcol = batchColumn ?? model.columns?.batch;
  if (!bcol) throw new InputError("the ComBat model does not record its batch column; pass it explicitly");
  const X = model.features.map((f) => table.numeric(f));
  const covNames = model.columns?.covariates ?? [
    ...model.categorical.map((c) => c.name),
    ...model.continuous,
  ];
  const categorical = new Set(model.categorical.map((c) => c.name));
  const covariates = tableCovariates(table, covNames, categorical);
  let data: Float64Array[];
  try {
    data = combatApply(model, X, tableBatch(table, bcol), covariates);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(e.message, table.source);
    throw e;
  }
  return replaceNumeric(table, model.features, data);
}

/** The table with the named columns replaced by numeric values. */
function replaceNumeric(table: Table, names: readonly string[], values: Float64Array[]): Table {
  const pos = new Map(names.map((f, j) => [f, j]));
  const cols = table.columns.map((c) => {
    const j = pos.get(c.name);
    return j === undefined ? c : { kind: "numeric" as const, name: c.name, values: values[j] };
  });
  return new Table(cols, table.source);
}
