/**
 * Cox proportional-hazards regression as R's `coxph(Surv(time, status) ~ x, ties = "efron" | "breslow")`
 * (survival 3.x: coxph.fit + coxfit6.c, default `coxph.control()`), for right-censored data, optional
 * strata, no case weights.
 *
 * Fitting: Newton-Raphson from beta = 0 (or `init`), covariates centred and scaled internally (columns
 * whose values are all in {-1, 0, 1} are left alone, R's `nocenter`); a step is accepted when the partial
 * log-likelihood does not decrease, otherwise it is shrunk towards the last good beta (step halving);
 * convergence when |1 - loglik_old / loglik_new| <= eps (1e-9), at most `iterMax` (20) iterations.
 * The reported beta is the last evaluated one, exactly as coxph, so coefficients agree with R to ~1e-10.
 * Ties: Efron (R's default) or Breslow. Variance = inverse information at the solution.
 * Tests: likelihood ratio 2 (l(beta) - l(0)), Wald beta' V^-1 beta, score U(0)' I(0)^-1 U(0).
 * Linear predictors are centred as R's: (x - means) beta, `means` = column means (0 for the {-1,0,1}
 * columns, e.g. treatment-contrast dummies).
 *
 * Problems are reported in `warnings` (never silent garbage):
 * - collinear columns (rank-deficient information, survival's cholesky2 tolerance): coefficient NaN
 *   ("X matrix deemed to be singular"), as R's NA;
 * - no convergence within iterMax;
 * - monotone likelihood / infinite coefficient: the likelihood converged while the next Newton step for
 *   a coefficient is still large (R's toler.inf rule) -> "coefficient may be infinite".
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError, InputError } from "../../errors.js";
import { type ConcordanceResult, concordanceIndex } from "./concordance.js";
import { chi2Sf, normalQuantile, normalTwoSided } from "../core/distributions.js";
import {
  cholesky2,
  chinv2,
  chsolve2,
  type GroupValue,
  type MaybeNumber,
  quadFormInverse,
  type SurvivalInputOptions,
  survivalData,
  TOLER_CHOL,
  toFactor,
} from "./data.js";

export type CoxTies = "efron" | "breslow";

export interface CoxOptions extends SurvivalInputOptions {
  /** Tie handling (default "efron", as R). */
  ties?: CoxTies;
  /** Column names (default x1, x2, ...). */
  names?: readonly string[];
  /** Term index of each column (columns of one categorical variable share a term); used by cox.zph. */
  assign?: readonly number[];
  /** Term names (one per distinct assign value). */
  termNames?: readonly string[];
  /** Stratification variable: separate baseline hazards. */
  strata?: ArrayLike<GroupValue>;
  /** Convergence tolerance on the relative change of the log-likelihood (default 1e-9). */
  eps?: number;
  /** Maximum Newton iterations (default 20). */
  iterMax?: number;
  /** Cholesky tolerance for singularity (default .Machine$double.eps^0.75). */
  tolerChol?: number;
  /** Infinite-coefficient check tolerance (default sqrt(eps)). */
  tolerInf?: number;
  /** Initial coefficients (default 0). */
  init?: ArrayLike<number>;
  /** Confidence level for the hazard-ratio intervals (default 0.95). */
  confLevel?: number;
  /** Leave columns with values only in {-1, 0, 1} uncentred, like R (default true). */
  nocenter?: boolean;
}

export interface CoxTest {
  statistic: number;
  df: number;
  p: number;
}

export interface CoxFit {
  names: string[];
  ties: CoxTies;
  n: number;
  nevent: number;
  coef: Float64Array;
  se: Float64Array;
  hr: Float64Array;
  z: Float64Array;
  p: Float64Array;
  hrLower: Float64Array;
  hrUpper: Float64Array;
  confLevel: number;
  /** Variance matrix, row-major p x p (zero rows/columns for singular columns). */
  variance: Float64Array;
  loglikNull: number;
  loglik: number;
  iter: number;
  converged: boolean;
  lrTest: CoxTest;
  waldTest: CoxTest;
  scoreTest: CoxTest;
  concordance: ConcordanceResult;
  means: Float64Array;
  /** Centred linear predictors (x - means) beta of the fitted rows. */
  linearPredictors: Float64Array;
  /** Columns dropped as collinear (coefficient NaN). */
  singular: boolean[];
  warnings: string[];
  assign: number[];
  termNames: string[];
  /** The data the model was fitted to (used by baseline hazard, cox.zph, predictions). */
  data: {
    time: Float64Array;
    event: Uint8Array;
    x: Float64Array[];
    strata?: Int32Array;
    strataLevels?: string[];
  };
}

/** Sorting and data of one fit, shared by the iteration and by cox.zph. */
export interface CoxSorted {
  n: number;
  nvar: number;
  /** Observation indices in (stratum, time) order. */
  order: Int32Array;
  time: Float64Array;
  status: Uint8Array;
  /** 1 on the last observation of each stratum (in sorted order). */
  stratLast: Uint8Array;
  /** Column-major covariates in sorted order (nvar arrays of n). */
  covar: Float64Array[];
}

export function sortForCox(
  time: Float64Array,
  event: Uint8Array,
  x: readonly ArrayLike<number>[],
  strata?: Int32Array,
): CoxSorted {
  const n = time.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const sc = (i: number) => (strata ? strata[i] : 0);
  order.sort((a, b) => sc(a) - sc(b) || time[a] - time[b] || a - b);
  const t = new Float64Array(n);
  const s = new Uint8Array(n);
  const last = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    t[k] = time[order[k]];
    s[k] = event[order[k]];
    last[k] = k === n - 1 || sc(order[k + 1]) !== sc(order[k]) ? 1 : 0;
  }
  const covar = x.map((col) => {
    const c = new Float64Array(n);
    for (let k = 0; k < n; k++) c[k] = col[order[k]];
    return c;
  });
  return { n, nvar: x.length, order, time: t, status: s, stratLast: last, covar };
}

/** Work arrays of the likelihood evaluation. */
interface IterWork {
  u: Float64Array;
  imat: Float64Array;
  a: Float64Array;
  a2: Float64Array;
  cmat: Float64Array;
  cmat2: Float64Array;
}

function makeWork(nvar: number): IterWork {
  return {
    u: new Float64Array(nvar),
    imat: new Float64Array(nvar * nvar),
    a: new Float64Array(nvar),
    a2: new Float64Array(nvar),
    cmat: new Float64Array(nvar * nvar),
    cmat2: new Float64Array(nvar * nvar),
  };
}

/**
 * Partial log-likelihood, score `u` and information `imat` (upper triangle, row-major) at beta
 * (coxfit6_iter). `covar` already centred/scaled as the caller wants.
 */
function coxIter(
  d: CoxSorted,
  covar: Float64Array[],
  efron: boolean,
  beta: Float64Array,
  w: IterWork,
): number {
  const { n, nvar, time, status, stratLast } = d;
  const { u, imat, a, a2, cmat, cmat2 } = w;
  u.fill(0);
  a2.fill(0);
  imat.fill(0);
  cmat2.fill(0);
  let loglik = 0;
  let denom = 0;
  let person = n - 1;
  while (person >= 0) {
    if (stratLast[person] === 1) {
      denom = 0;
      a.fill(0);
      cmat.fill(0);
    }
    const dtime = time[person];
    let ndead = 0;
    let deadwt = 0;
    let denom2 = 0;
    while (person >= 0 && time[person] === dtime) {
      let zbeta = 0;
      for (let i = 0; i < nvar; i++) zbeta += beta[i] * covar[i][person];
      const risk = Math.exp(zbeta);
      if (status[person] === 0) {
        denom += risk;
        for (let i = 0; i < nvar; i++) {
          const xi = covar[i][person];
          a[i] += risk * xi;
          for (let j = 0; j <= i; j++) cmat[i * nvar + j] += risk * xi * covar[j][person];
        }
      } else {
        ndead++;
        deadwt += 1;
        denom2 += risk;
        loglik += zbeta;
        for (let i = 0; i < nvar; i++) {
          const xi = covar[i][person];
          u[i] += xi;
          a2[i] += risk * xi;
          for (let j = 0; j <= i; j++) cmat2[i * nvar + j] += risk * xi * covar[j][person];
        }
      }
      person--;
      if (person >= 0 && stratLast[person] === 1) break; // ties do not cross strata
    }
    if (ndead > 0) {
      if (!efron || ndead === 1) {
        denom += denom2;
        loglik -= deadwt * Math.log(denom);
        for (let i = 0; i < nvar; i++) {
          a[i] += a2[i];
          const temp2 = a[i] / denom;
          u[i] -= deadwt * temp2;
          for (let j = 0; j <= i; j++) {
            cmat[i * nvar + j] += cmat2[i * nvar + j];
            imat[j * nvar + i] += (deadwt * (cmat[i * nvar + j] - temp2 * a[j])) / denom;
          }
        }
      } else {
        // Efron: the tied deaths enter the risk set in ndead equal fractions
        const wtave = deadwt / ndead;
        for (let k = 0; k < ndead; k++) {
          denom += denom2 / ndead;
          loglik -= wtave * Math.log(denom);
          for (let i = 0; i < nvar; i++) {
            a[i] += a2[i] / ndead;
            const temp2 = a[i] / denom;
            u[i] -= wtave * temp2;
            for (let j = 0; j <= i; j++) {
              cmat[i * nvar + j] += cmat2[i * nvar + j] / ndead;
              imat[j * nvar + i] += (wtave * (cmat[i * nvar + j] - temp2 * a[j])) / denom;
            }
          }
        }
      }
      a2.fill(0);
      cmat2.fill(0);
    }
  }
  return loglik;
}

/** Low-level result of the Newton iteration (R's coxfit6 list). */
interface CoxFit6 {
  beta: Float64Array;
  means: Float64Array;
  u: Float64Array;
  /** Inverse information (variance), full symmetric, original scale. */
  imat: Float64Array;
  loglik: [number, number];
  sctest: number;
  iter: number;
  flag: number;
}

function coxfit6(
  d: CoxSorted,
  efron: boolean,
  init: Float64Array,
  doscale: boolean[],
  maxiter: number,
  eps: number,
  toler: number,
): CoxFit6 {
  const { n, nvar } = d;
  const covar = d.covar.map((c) => c.slice());
  const means = new Float64Array(nvar);
  const scale = new Float64Array(nvar).fill(1);
  for (let i = 0; i < nvar; i++) {
    if (!doscale[i]) continue;
    let m = 0;
    for (let p = 0; p < n; p++) m += covar[i][p];
    m /= n;
    means[i] = m;
    let s = 0;
    for (let p = 0; p < n; p++) {
      covar[i][p] -= m;
      s += Math.abs(covar[i][p]);
    }
    const sc = s > 0 ? n / s : 1;
    scale[i] = sc;
    for (let p = 0; p < n; p++) covar[i][p] *= sc;
  }
  const beta = new Float64Array(nvar);
  for (let i = 0; i < nvar; i++) beta[i] = init[i] / scale[i];
  const w = makeWork(nvar);
  const loglik: [number, number] = [0, 0];
  loglik[0] = coxIter(d, covar, efron, beta, w);
  loglik[1] = loglik[0];
  const a = w.u.slice();
  let flag = cholesky2(w.imat, nvar, toler);
  chsolve2(w.imat, nvar, a);
  let sctest = 0;
  for (let i = 0; i < nvar; i++) sctest += w.u[i] * a[i];

  const finish = (b: Float64Array): { beta: Float64Array; u: Float64Array; imat: Float64Array } => {
    const inv = chinv2(w.imat, nvar);
    const outBeta = new Float64Array(nvar);
    const outU = new Float64Array(nvar);
    for (let i = 0; i < nvar; i++) {
      outBeta[i] = b[i] * scale[i];
      outU[i] = w.u[i] / scale[i];
      for (let j = 0; j < nvar; j++) inv[i * nvar + j] *= scale[i] * scale[j];
    }
    return { beta: outBeta, u: outU, imat: inv };
  };

  if (maxiter === 0 || !Number.isFinite(loglik[0])) {
    const f = finish(beta);
    return { ...f, means, loglik, sctest, iter: 0, flag };
  }
  const newbeta = new Float64Array(nvar);
  for (let i = 0; i < nvar; i++) newbeta[i] = beta[i] + a[i];
  let halving = 0;
  let iter: number;
  for (iter = 1; iter <= maxiter; iter++) {
    const newlk = coxIter(d, covar, efron, newbeta, w);
    flag = cholesky2(w.imat, nvar, toler);
    let notfinite = !Number.isFinite(newlk);
    for (let i = 0; i < nvar && !notfinite; i++) {
      if (!Number.isFinite(w.u[i])) notfinite = true;
      for (let j = 0; j < nvar; j++) if (!Number.isFinite(w.imat[i * nvar + j])) notfinite = true;
    }
    if (!notfinite && Math.abs(1 - loglik[1] / newlk) <= eps) {
      loglik[1] = newlk;
      const f = finish(newbeta);
      return { ...f, means, loglik, sctest, iter, flag: halving ? -2 : flag };
    }
    if (iter === maxiter) break;
    if (notfinite || newlk < loglik[1]) {
      halving++;
      for (let i = 0; i < nvar; i++) newbeta[i] = (newbeta[i] + halving * beta[i]) / (halving + 1);
    } else {
      halving = 0;
      loglik[1] = newlk;
      const step = w.u.slice();
      chsolve2(w.imat, nvar, step);
      for (let i = 0; i < nvar; i++) {
        beta[i] = newbeta[i];
        newbeta[i] = newbeta[i] + step[i];
      }
    }
  }
  // out of iterations: recompute at the last good beta
  if (maxiter > 1) {
    loglik[1] = coxIter(d, covar, efron, beta, w);
    cholesky2(w.imat, nvar, toler);
  }
  const f = finish(beta);
  return { ...f, means, loglik, sctest, iter: Math.min(iter, maxiter), flag: 1000 };
}

function checkColumns(x: readonly ArrayLike<number>[], n: number, names: string[]): Float64Array[] {
  return x.map((col, j) => {
    if (col.length !== n) throw new DataError(`${names[j]} has ${col.length} values but time has ${n}`);
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = col[i];
      if (typeof v !== "number" || Number.isNaN(v))
        throw new DataError(`${names[j]}: row ${i + 1} is missing; drop incomplete rows first`);
      if (!Number.isFinite(v))
        throw new DataError(`${names[j]}: row ${i + 1} is ${v}; covariates must be finite`);
      c[i] = v;
    }
    return c;
  });
}

/** Partial log-likelihood of the null model (beta = 0) with the given ties. */
function nullLoglik(d: CoxSorted, efron: boolean): number {
  const w = makeWork(0);
  return coxIter({ ...d, nvar: 0 }, [], efron, new Float64Array(0), w);
}

/**
 * Fits a Cox model. `x` holds one array per covariate column (numeric; build categorical columns with
 * `coxDesign`). Throws DataError for bad survival data, missing covariates or no events.
 */
export function coxph(
  time: ArrayLike<MaybeNumber>,
  event: ArrayLike<MaybeNumber | boolean>,
  x: readonly ArrayLike<number>[],
  opts: CoxOptions = {},
): CoxFit {
  const ties = opts.ties ?? "efron";
  if (ties !== "efron" && ties !== "breslow")
    throw new InputError(`ties must be "efron" or "breslow", got "${String(ties)}"`);
  const efron = ties === "efron";
  const data = survivalData(time, event, opts);
  const n = data.time.length;
  const nvar = x.length;
  const names = opts.names ? [...opts.names] : x.map((_, j) => `x${j + 1}`);
  if (names.length !== nvar) throw new InputError(`${names.length} names for ${nvar} covariate columns`);
  const cols = checkColumns(x, n, names);
  let nevent = 0;
  for (let i = 0; i < n; i++) nevent += data.event[i];
  if (nevent === 0)
    throw new DataError(`${opts.eventName ?? "event"}: no events, a Cox model cannot be fitted`);
  let strata: Int32Array | undefined;
  let strataLevels: string[] | undefined;
  if (opts.strata) {
    const f = toFactor(opts.strata, undefined, "strata");
    if (f.codes.length !== n) throw new DataError(`strata has ${f.codes.length} values but time has ${n}`);
    for (let i = 0; i < n; i++) if (f.codes[i] < 0) throw new DataError(`strata: row ${i + 1} is missing`);
    strata = f.codes;
    strataLevels = f.levels;
  }
  const eps = opts.eps ?? 1e-9;
  const iterMax = opts.iterMax ?? 20;
  const tolerChol = opts.tolerChol ?? TOLER_CHOL;
  const tolerInf = opts.tolerInf ?? Math.sqrt(eps);
  const confLevel = opts.confLevel ?? 0.95;
  const init = new Float64Array(nvar);
  if (opts.init) {
    if (opts.init.length !== nvar)
      throw new InputError(`init has ${opts.init.length} values for ${nvar} coefficients`);
    for (let j = 0; j < nvar; j++) init[j] = opts.init[j];
  }
  const nocenter = opts.nocenter ?? true;
  const doscale = cols.map((c) => {
    if (!nocenter) return true;
    for (let i = 0; i < n; i++) if (c[i] !== 0 && c[i] !== 1 && c[i] !== -1) return true;
    return false;
  });
  const sorted = sortForCox(data.time, data.event, cols, strata);
  const assign = opts.assign ? [...opts.assign] : names.map((_, j) => j);
  const termNames = opts.termNames
    ? [...opts.termNames]
    : opts.assign
      ? [...new Set(assign)].map((a) => `term${a + 1}`)
      : names;

  if (nvar === 0) {
    const ll = nullLoglik(sorted, efron);
    const lp = new Float64Array(n);
    const empty = new Float64Array(0);
    const test = { statistic: 0, df: 0, p: Number.NaN };
    return {
      names,
      ties,
      n,
      nevent,
      coef: empty,
      se: empty,
      hr: empty,
      z: empty,
      p: empty,
      hrLower: empty,
      hrUpper: empty,
      confLevel,
      variance: empty,
      loglikNull: ll,
      loglik: ll,
      iter: 0,
      converged: true,
      lrTest: test,
      waldTest: test,
      scoreTest: test,
      concordance: concordanceIndex(data.time, data.event, lp, {
        reverse: true,
        strata: strata ? Array.from(strata) : undefined,
      }),
      means: empty,
      linearPredictors: lp,
      singular: [],
      warnings: [],
      assign,
      termNames,
      data: { time: data.time, event: data.event, x: cols, strata, strataLevels },
    };
  }

  const fit = coxfit6(sorted, efron, init, doscale, iterMax, eps, tolerChol);
  const warnings: string[] = [];
  const v = fit.imat;
  const singular = new Array<boolean>(nvar).fill(false);
  if (fit.flag < nvar) {
    for (let j = 0; j < nvar; j++) singular[j] = v[j * nvar + j] === 0;
  }
  const coef = fit.beta.slice();
  let converged = true;
  if (iterMax > 1) {
    if (fit.flag === 1000) {
      converged = false;
      warnings.push(`Ran out of iterations (${iterMax}) and did not converge`);
    } else {
      const inf: string[] = [];
      for (let j = 0; j < nvar; j++) {
        let step = 0;
        for (let k = 0; k < nvar; k++) step += fit.u[k] * v[k * nvar + j];
        step = Math.abs(step);
        if (!Number.isFinite(fit.u[j]) || (step > eps && step > tolerInf * Math.abs(coef[j])))
          inf.push(names[j]);
      }
      if (inf.length) {
        warnings.push(
          `Loglik converged before ${inf.join(", ")}; coefficient may be infinite (monotone likelihood: e.g. a covariate that separates events from non-events)`,
        );
      }
    }
  }
  // linear predictors, centred with the fit means (before blanking singular coefficients, as R)
  const lp = new Float64Array(n);
  let center = 0;
  for (let j = 0; j < nvar; j++) center += coef[j] * fit.means[j];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < nvar; j++) s += cols[j][i] * coef[j];
    lp[i] = s - center;
  }
  const sing = singular.map((s, j) => (s ? names[j] : "")).filter((s) => s);
  if (sing.length)
    warnings.push(
      `X matrix deemed to be singular (collinear columns): ${sing.join(", ")}; their coefficients are NaN`,
    );
  for (let j = 0; j < nvar; j++) if (singular[j]) coef[j] = Number.NaN;

  const z0 = normalQuantile(1 - (1 - confLevel) / 2);
  const se = new Float64Array(nvar);
  const hr = new Float64Array(nvar);
  const zz = new Float64Array(nvar);
  const pp = new Float64Array(nvar);
  const lo = new Float64Array(nvar);
  const hi = new Float64Array(nvar);
  for (let j = 0; j < nvar; j++) {
    se[j] = singular[j] ? Number.NaN : Math.sqrt(v[j * nvar + j]);
    hr[j] = Math.exp(coef[j]);
    zz[j] = coef[j] / se[j];
    pp[j] = normalTwoSided(zz[j]);
    lo[j] = Math.exp(coef[j] - z0 * se[j]);
    hi[j] = Math.exp(coef[j] + z0 * se[j]);
  }
  // tests (df = number of estimable coefficients)
  const keep: number[] = [];
  for (let j = 0; j < nvar; j++) if (!singular[j]) keep.push(j);
  const df = keep.length;
  const vk = new Float64Array(df * df);
  const bk = new Float64Array(df);
  keep.forEach((j, a) => {
    bk[a] = coef[j] - init[j];
    keep.forEach((k, b) => {
      vk[a * df + b] = v[j * nvar + k];
    });
  });
  const wald = quadFormInverse(vk, df, bk, tolerChol).value;
  const lr = 2 * (fit.loglik[1] - fit.loglik[0]);
  const conc = concordanceIndex(data.time, data.event, lp, {
    reverse: true,
    strata: strata ? Array.from(strata) : undefined,
  });
  return {
    names,
    ties,
    n,
    nevent,
    coef,
    se,
    hr,
    z: zz,
    p: pp,
    hrLower: lo,
    hrUpper: hi,
    confLevel,
    variance: v,
    loglikNull: fit.loglik[0],
    loglik: fit.loglik[1],
    iter: fit.iter,
    converged,
    lrTest: { statistic: lr, df, p: chi2Sf(lr, df) },
    waldTest: { statistic: wald, df, p: chi2Sf(wald, df) },
    scoreTest: { statistic: fit.sctest, df, p: chi2Sf(fit.sctest, df) },
    concordance: conc,
    means: fit.means,
    linearPredictors: lp,
    singular,
    warnings,
    assign,
    termNames,
    data: { time: data.time, event: data.event, x: cols, strata, strataLevels },
  };
}

/**
 * Linear predictor for new rows (R's `predict(fit, newdata, type = "lp")`): (x - means) beta, or
 * uncentred x beta with `centered: false`. Rows with a missing covariate give NaN. Singular (NaN)
 * coefficients count as 0.
 */
export function coxPredict(
  fit: CoxFit,
  x: readonly ArrayLike<number>[],
  opts: { centered?: boolean } = {},
): Float64Array {
  const p = fit.coef.length;
  if (x.length !== p) throw new DataError(`prediction data has ${x.length} columns but the model has ${p}`);
  const n = p > 0 ? x[0].length : 0;
  const b = fit.coef.map((c) => (Number.isNaN(c) ? 0 : c));
  let center = 0;
  if (opts.centered ?? true) for (let j = 0; j < p; j++) center += b[j] * fit.means[j];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += (x[j][i] as number) * b[j];
    out[i] = s - center; // NaN propagates for missing covariates
  }
  return out;
}

export interface BaselineHazard {
  time: Float64Array;
  cumhaz: Float64Array;
  /** Stratum label of each row (only for stratified fits). */
  strata?: string[];
}

/**
 * Cumulative baseline hazard (R's `basehaz(fit, centered)`): Breslow increments d / Σ_risk exp(lp) for
 * ties = "breslow", Efron-adjusted increments Σ_{k<d} 1 / (Σ_risk exp(lp) - k/d Σ_deaths exp(lp)) for
 * ties = "efron" (survfit.coxph's default ctype follows the ties). One row per distinct time (events and
 * censorings). `centered = false` gives the hazard at x = 0, `true` at x = means.
 */
export function coxBaselineHazard(fit: CoxFit, opts: { centered?: boolean } = {}): BaselineHazard {
  const centered = opts.centered ?? true;
  const { time, event, strata, strataLevels } = fit.data;
  const n = time.length;
  const b = fit.coef.map((c) => (Number.isNaN(c) ? 0 : c));
  let offset = 0;
  for (let j = 0; j < b.length; j++) offset += fit.means[j] * b[j];
  const risk = new Float64Array(n);
  for (let i = 0; i < n; i++) risk[i] = Math.exp(fit.linearPredictors[i]);
  const scaleAt0 = centered ? 1 : Math.exp(-offset);
  const efron = fit.ties === "efron";
  const sc = (i: number) => (strata ? strata[i] : 0);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, c) => sc(a) - sc(c) || time[a] - time[c] || a - c);
  const outT: number[] = [];
  const outH: number[] = [];
  const outS: string[] = [];
  let s0 = 0;
  while (s0 < n) {
    let s1 = s0;
    while (s1 < n && sc(order[s1]) === sc(order[s0])) s1++;
    // risk-set sums from the end of the stratum
    const times: number[] = [];
    const nrisk: number[] = [];
    const erisk: number[] = [];
    const nd: number[] = [];
    let acc = 0;
    let k = s1 - 1;
    while (k >= s0) {
      const t = time[order[k]];
      let dsum = 0;
      let d = 0;
      while (k >= s0 && time[order[k]] === t) {
        const i = order[k];
        acc += risk[i];
        if (event[i]) {
          d++;
          dsum += risk[i];
        }
        k--;
      }
      times.push(t);
      nrisk.push(acc);
      erisk.push(dsum);
      nd.push(d);
    }
    let cum = 0;
    for (let q = times.length - 1; q >= 0; q--) {
      const d = nd[q];
      let haz = 0;
      if (d > 0) {
        if (!efron || d === 1) haz = d / nrisk[q];
        else {
          let s = 0;
          for (let r = 0; r < d; r++) s += 1 / (nrisk[q] - (r / d) * erisk[q]);
          haz = s;
        }
      }
      cum += haz;
      outT.push(times[q]);
      outH.push(cum * scaleAt0);
      if (strata && strataLevels) outS.push(strataLevels[sc(order[s0])]);
    }
    s0 = s1;
  }
  const res: BaselineHazard = { time: Float64Array.from(outT), cumhaz: Float64Array.from(outH) };
  if (strata) res.strata = outS;
  return res;
}

/** One row of a coefficient table (summary(coxph)). */
export interface CoxCoefRow {
  term: string;
  coef: number;
  hr: number;
  se: number;
  z: number;
  p: number;
  hrLower: number;
  hrUpper: number;
}

export function coxTable(fit: CoxFit): CoxCoefRow[] {
  return fit.names.map((term, j) => ({
    term,
    coef: fit.coef[j],
    hr: fit.hr[j],
    se: fit.se[j],
    z: fit.z[j],
    p: fit.p[j],
    hrLower: fit.hrLower[j],
    hrUpper: fit.hrUpper[j],
  }));
}

// ------------------------------------------------------------------------------------------------------
// Design matrices with treatment contrasts
// ------------------------------------------------------------------------------------------------------

export type CellValue = number | string | boolean | null | undefined;

export interface DesignTermSpec {
  name: string;
  values: ArrayLike<CellValue>;
  /** "numeric", "categorical", or inferred: categorical when any present value is a non-numeric string. */
  type?: "numeric" | "categorical";
  /** Level order for a categorical term (default: sorted; numbers numerically). */
  levels?: readonly string[];
  /** Reference level (default: the first level), as R's treatment contrasts (contr.treatment). */
  reference?: string;
}

export interface DesignMatrix {
  /** One array per design column, over the kept rows. */
  columns: Float64Array[];
  /** Column names as R builds them: the term name, or term name + level for dummies (`celltypeadeno`). */
  names: string[];
  /** Term index of each column. */
  assign: number[];
  terms: string[];
  /** Indices of the input rows kept (complete cases). */
  rows: Int32Array;
  /** Rows dropped because a term value was missing. */
  nDropped: number;
  /** For categorical terms: levels in order (reference first). */
  levels: Record<string, string[]>;
}

function isMissingCell(v: CellValue): boolean {
  return (
    v === null || v === undefined || v === "" || (typeof v === "number" && Number.isNaN(v)) || v === "NA"
  );
}

/**
 * Builds a design matrix from table columns: numeric terms as they are, categorical terms as treatment
 * contrasts (one 0/1 column per non-reference level, named term + level like R). Rows with any missing
 * value are dropped (R's na.omit) and listed in `rows`.
 */
export function coxDesign(
  terms: readonly DesignTermSpec[],
  extraRequired: readonly ArrayLike<CellValue>[] = [],
): DesignMatrix {
  if (terms.length === 0 && extraRequired.length === 0) throw new InputError("no covariates given");
  const n = terms.length ? terms[0].values.length : extraRequired[0].length;
  for (const t of terms)
    if (t.values.length !== n) throw new DataError(`${t.name} has ${t.values.length} values, expected ${n}`);
  const complete = new Uint8Array(n).fill(1);
  for (const t of terms) for (let i = 0; i < n; i++) if (isMissingCell(t.values[i])) complete[i] = 0;
  for (const col of extraRequired) for (let i = 0; i < n; i++) if (isMissingCell(col[i])) complete[i] = 0;
  const rowsArr: number[] = [];
  for (let i = 0; i < n; i++) if (complete[i]) rowsArr.push(i);
  const rows = Int32Array.from(rowsArr);
  if (rows.length === 0) throw new DataError("no complete rows: every row has a missing covariate");
  const columns: Float64Array[] = [];
  const names: string[] = [];
  const assign: number[] = [];
  const levelsOut: Record<string, string[]> = {};
  terms.forEach((t, ti) => {
    let type = t.type;
    if (!type) {
      type = "numeric";
      for (const i of rowsArr) {
        const v = t.values[i];
        if (typeof v === "string" && Number.isNaN(Number(v))) {
          type = "categorical";
          break;
        }
        if (typeof v === "boolean") {
          type = "categorical";
          break;
        }
      }
    }
    if (type === "numeric") {
      const c = new Float64Array(rows.length);
      rows.forEach((r, k) => {
        const v = Number(t.values[r]);
        if (!Number.isFinite(v))
          throw new DataError(`${t.name}: row ${r + 1} is "${String(t.values[r])}", not a number`);
        c[k] = v;
      });
      columns.push(c);
      names.push(t.name);
      assign.push(ti);
    } else {
      const vals = rowsArr.map((r) => t.values[r] as GroupValue);
      const f = toFactor(vals, t.levels, t.name);
      let levels = f.levels.filter((_, l) => f.codes.includes(l));
      if (t.reference !== undefined) {
        if (!levels.includes(t.reference))
          throw new DataError(`${t.name}: reference level "${t.reference}" does not occur`);
        levels = [t.reference, ...levels.filter((l) => l !== t.reference)];
      }
      levelsOut[t.name] = levels;
      if (levels.length < 2)
        throw new DataError(`${t.name}: only one level ("${levels[0]}") among the complete rows`);
      for (let l = 1; l < levels.length; l++) {
        const code = f.levels.indexOf(levels[l]);
        const c = new Float64Array(rows.length);
        for (let k = 0; k < rows.length; k++) c[k] = f.codes[k] === code ? 1 : 0;
        columns.push(c);
        names.push(`${t.name}${levels[l]}`);
        assign.push(ti);
      }
    }
  });
  return {
    columns,
    names,
    assign,
    terms: terms.map((t) => t.name),
    rows,
    nDropped: n - rows.length,
    levels: levelsOut,
  };
}
