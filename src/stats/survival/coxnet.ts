/**
 * Penalised (lasso / elastic-net) Cox regression along a lambda path with cross-validated lambda, following
 * R glmnet's Cox conventions (`glmnet(x, Surv(time, status), family = "cox")`, glmnet 4.1 coxnet;
 * Simon, Friedman, Hastie & Tibshirani, J Stat Softw 2011;39(5)) in our own implementation:
 *
 *   minimise  -(1/n) l_Breslow(beta) + lambda * sum_j vp_j [ (1 - alpha)/2 beta_j^2 + alpha |beta_j| ]
 *
 * - Breslow partial likelihood (glmnet's default for Cox), no intercept, columns centred and (when
 *   `standardize`) scaled by their 1/n standard deviation; coefficients are returned on the original scale.
 *   Penalty factors are rescaled to sum to p; constant columns (all values equal) are excluded
 *   (coefficient 0).
 * - Unpenalised columns (penalty factor 0) are fitted first; lambda_max = max_j |x~_j' grad| / vp_j /
 *   max(alpha, 1e-3) with grad the gradient of l/n in the linear predictor at that fit; nlambda (100)
 *   values log-spaced down to max(1e-6, lambdaMinRatio) * lambda_max (ratio 1e-4 when n >= p, 1e-2 when
 *   n < p). The path stops early (glmnet's Cox rules: devmax 0.999 * 0.99 / 0.999 = 0.99 and fdev 1e-5 * 100,
 *   from the 5th lambda on) once the deviance ratio exceeds 0.99 or gains less than 0.1% (relative) over the
 *   last 5 lambdas. A user lambda sequence is sorted decreasing and never stopped early.
 * - deviance ratio = (l(beta) - l(0)) / (l_sat - l(0)), l_sat = -sum_k d_k log d_k (Breslow saturated);
 *   nulldev = 2 (l_sat - l(0)).
 *
 * - The first lambda of a default path is glmnet's "infinite" one: only unpenalised columns move there.
 *
 * Solver (each lambda, warm-started from the previous one): proximal Newton. At the current beta one
 * O(n) sweep over the time-sorted data gives the Breslow gradient in the linear predictor and everything
 * needed for products with the exact Hessian H = -d^2 l / d eta^2 (a diagonal minus a sum of rank-one
 * risk-set terms: H v is two cumulative sums, O(n)). The penalised quadratic model is minimised on the
 * working set by cyclic coordinate descent with O(n) residual updates per coordinate (active-set sweeps),
 * then a step-halving line search on the exact objective. glmnet uses only diag(H) (IRLS weights) and
 * converges linearly; with the exact Hessian the outer loop converges quadratically at the same cost per
 * coordinate step, so a lambda typically takes 2-4 outer iterations. Once coordinate descent is slow
 * (ill-conditioned models near the end of a p > n path), the active set is solved directly instead (see
 * CoxnetSolver). Screening: the sequential strong rule (Tibshirani et al., JRSS B 2012: column j joins
 * the working set when |x~_j' grad| > alpha (2 lambda_k - lambda_{k-1}) vp_j at the previous solution;
 * once in, it stays), then the KKT conditions of every other column, re-solving with any violator.
 * Convergence: every KKT condition of the exact objective holds to `tol * lambda` (absolute floor 1e-12),
 * so the result does not depend on a coefficient-change threshold as glmnet's `thresh` does.
 *
 * Cross-validation (cv.glmnet for Cox, glmnet 4.1 cv.glmnet.raw / cv.coxnet / buildPredmat.coxnetlist):
 * seeded folds `sample(rep(1:K, length = n))` or a given foldid. Each fold is refitted on its training
 * rows as cv.glmnet does: with a user lambda along that sequence; otherwise along the fold's own default
 * path (its own lambda_max, ratio and early stop), its coefficients then interpolated linearly in lambda
 * at the full-data lambdas (`predict(fit, s = lambda)`, see coxnetCoef). Measure "deviance" is the grouped partial-likelihood deviance (Verweij & van
 * Houwelingen 1993) with glmnet's `coxnet.deviance` = 2 (l_sat - l):
 *   cvraw_k = [dev_full(beta_-k) - dev_-k(beta_-k)] / (events in fold k),
 * averaged over folds weighted by their events; measure "C" is Harrell's C of the held-out linear
 * predictor (survival::concordance, as glmnet's Cindex), averaged over folds weighted by their sizes.
 * cvsd = sqrt(weighted mean of (cvraw - cvm)^2 / (N - 1)), N the folds with a value (deviance) or all
 * folds (C). lambda.min = the largest lambda at the best mean; lambda.1se = the largest lambda whose mean
 * is within cvsd(lambda.min) of it.
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError, InputError } from "../../errors.js";
import { concordanceIndex } from "./concordance.js";
import { Random } from "../core/random.js";
import { type MaybeNumber, type SurvivalInputOptions, survivalData } from "./data.js";
import { buildDesign, type CoxData, CoxPoint, type Design, logLik, prepare } from "./coxnetData.js";
import { CoxnetSolver } from "./coxnetSolver.js";

export interface CoxnetOptions extends SurvivalInputOptions {
  /** Elastic-net mixing: 1 = lasso (default), 0 = ridge. */
  alpha?: number;
  nlambda?: number;
  lambdaMinRatio?: number;
  /** A user lambda sequence (sorted decreasing internally); disables early stopping. */
  lambda?: readonly number[];
  /** Standardise columns (1/n SD) before fitting (default true). */
  standardize?: boolean;
  /** Per-column penalty factors (default 1; 0 = unpenalised). */
  penaltyFactor?: readonly number[];
  names?: readonly string[];
  /** KKT tolerance relative to lambda (default 1e-9; absolute floor 1e-12). */
  tol?: number;
  /** Maximum Newton iterations per lambda (default 100). */
  maxIter?: number;
}

export interface CoxnetPath {
  names: string[];
  alpha: number;
  lambda: Float64Array;
  /** Coefficients on the original scale, one Float64Array (length p) per lambda. */
  beta: Float64Array[];
  /** Number of non-zero coefficients per lambda. */
  df: Int32Array;
  devRatio: Float64Array;
  /** Null deviance 2 (l_sat - l(0)) (not divided by n). */
  nulldev: number;
  n: number;
  nevent: number;
  /** Newton iterations used per lambda (diagnostics). */
  iterations: Int32Array;
  warnings: string[];
}

interface PreparedFit {
  d: CoxData;
  design: Design;
  vp: Float64Array;
  names: string[];
  nevent: number;
}

function prepareFit(
  time: ArrayLike<MaybeNumber>,
  event: ArrayLike<MaybeNumber | boolean>,
  x: readonly ArrayLike<number>[],
  opts: CoxnetOptions,
): PreparedFit {
  const data = survivalData(time, event, opts);
  const n = data.time.length;
  const p = x.length;
  if (p === 0) throw new InputError("coxnet needs at least one feature column");
  const names = opts.names ? [...opts.names] : x.map((_, j) => `x${j + 1}`);
  if (names.length !== p) throw new InputError(`${names.length} names for ${p} feature columns`);
  let nevent = 0;
  for (let i = 0; i < n; i++) nevent += data.event[i];
  if (nevent === 0)
    throw new DataError(`${opts.eventName ?? "event"}: no events, a Cox model cannot be fitted`);
  const d = prepare(data.time, data.event);
  const design = buildDesign(x, d, names, opts.standardize ?? true);
  if (design.excluded.every((e) => e === 1)) throw new DataError("every feature is constant: nothing to fit");
  const pfIn = opts.penaltyFactor ?? new Array<number>(p).fill(1);
  if (pfIn.length !== p) throw new InputError(`penaltyFactor has ${pfIn.length} values for ${p} features`);
  const vp = new Float64Array(p);
  let vpSum = 0;
  for (let j = 0; j < p; j++) {
    const v = pfIn[j];
    if (!Number.isFinite(v)) throw new InputError(`penaltyFactor ${j + 1} is ${v}; must be a finite number`);
    vp[j] = Math.max(0, v);
    vpSum += vp[j];
  }
  if (!(vpSum > 0)) throw new InputError("all penalty factors are <= 0");
  for (let j = 0; j < p; j++) vp[j] = (vp[j] * p) / vpSum;
  return { d, design, vp, names, nevent };
}

/** Fits the elastic-net Cox path. `x` holds one array per feature column. */
export function coxnet(
  time: ArrayLike<MaybeNumber>,
  event: ArrayLike<MaybeNumber | boolean>,
  x: readonly ArrayLike<number>[],
  opts: CoxnetOptions = {},
): CoxnetPath {
  const alpha = opts.alpha ?? 1;
  if (!(alpha >= 0 && alpha <= 1)) throw new InputError(`alpha must be in [0, 1], got ${alpha}`);
  const tol = opts.tol ?? 1e-9;
  if (!(tol > 0)) throw new InputError(`tol must be > 0, got ${tol}`);
  const maxIter = opts.maxIter ?? 100;
  if (opts.lambda) {
    if (opts.lambda.length === 0) throw new InputError("lambda is an empty sequence");
    for (const l of opts.lambda) if (!(l >= 0)) throw new InputError(`lambda values must be >= 0, got ${l}`);
  }
  const { d, design, vp, names, nevent } = prepareFit(time, event, x, opts);
  const n = d.n;
  const p = x.length;
  const excluded = design.excluded;
  const solver = new CoxnetSolver(d, design.x, excluded, vp, alpha, tol, maxIter);
  const warnings: string[] = [];

  // unpenalised columns first (glmnet's first lambda is "infinite": only they move)
  let hasUnpen = false;
  for (let j = 0; j < p; j++)
    if (!excluded[j] && vp[j] === 0) {
      solver.addToSet(j);
      hasUnpen = true;
    }
  if (hasUnpen) {
    const r = solver.solve(0, false);
    if (!r.converged) warnings.push("the unpenalised columns did not converge");
  }
  const ll0 = logLik(d, new Float64Array(n), new Float64Array(d.evStart.length));
  const nulldev = 2 * (d.satLoglik - ll0);
  const pt = new CoxPoint(d);
  pt.set(solver.eta);
  const gradOf = (j: number) => {
    let s = 0;
    const off = j * n;
    for (let q = 0; q < n; q++) s += design.x[off + q] * pt.g[q];
    return Math.abs(s / n);
  };
  for (let j = 0; j < p; j++) solver.gradAbs[j] = excluded[j] ? 0 : gradOf(j);

  let lambdas: number[];
  const userLambda = !!opts.lambda;
  if (opts.lambda) {
    lambdas = [...opts.lambda].sort((a, b) => b - a);
  } else {
    let gmax = 0;
    for (let j = 0; j < p; j++) {
      if (excluded[j] || vp[j] === 0) continue;
      const g = solver.gradAbs[j] / vp[j];
      if (g > gmax) gmax = g;
    }
    const lmax = gmax / Math.max(alpha, 1e-3);
    const nl = opts.nlambda ?? 100;
    if (!(Number.isInteger(nl) && nl >= 1))
      throw new InputError(`nlambda must be an integer >= 1, got ${nl}`);
    const ratio = opts.lambdaMinRatio ?? (n < p ? 1e-2 : 1e-4);
    if (!(ratio > 0 && ratio < 1)) throw new InputError(`lambdaMinRatio must be in (0, 1), got ${ratio}`);
    // glmnet: alf = max(1e-6, ratio)^(1/(nlambda - 1)), lambda_k = lambda_max alf^k, where glmnet's
    // `eqs**(1.0/(nlam-1))` divides in single precision (Fortran literal 1.0): replicated with fround so
    // that the lambdas agree with R to rounding (otherwise they drift apart by ~1e-10 per step)
    const alf = nl > 1 ? Math.max(1e-6, ratio) ** Math.fround(1 / (nl - 1)) : 1;
    lambdas = [lmax];
    for (let k = 1; k < nl; k++) lambdas.push(lambdas[k - 1] * alf);
  }
  const betaOut: Float64Array[] = [];
  const devRatio: number[] = [];
  const df: number[] = [];
  const iters: number[] = [];
  const MNLAM = 5;
  const DEVMAX = 0.99; // glmnet coxnet: devmax * 0.99 / 0.999 with devmax = 0.999
  const FDEV = 1e-5 * 100; // glmnet coxnet: fdev * 100
  const { beta } = solver;
  const llScratch = new Float64Array(d.evStart.length);
  let prevLambda = lambdas[0];
  for (let k = 0; k < lambdas.length; k++) {
    const lam = lambdas[k];
    // sequential strong rule
    const thr = alpha * (2 * lam - prevLambda);
    for (let j = 0; j < p; j++) if (!excluded[j] && solver.gradAbs[j] > thr * vp[j]) solver.addToSet(j);
    // glmnet's first lambda on its own path is "infinite": nothing penalised moves (this matters for
    // alpha < 1e-3, where lambda_max = max |grad| / 1e-3 would otherwise already move the ridge fit)
    const res = userLambda || k > 0 ? solver.solve(lam, true) : { iter: 0, converged: true };
    prevLambda = lam;
    if (!res.converged)
      warnings.push(
        `lambda ${lam.toPrecision(4)}: did not converge to the KKT tolerance (${maxIter} iterations max)`,
      );
    solver.refreshEta();
    const b = new Float64Array(p);
    let nz = 0;
    for (let j = 0; j < p; j++) {
      if (beta[j] === 0) continue;
      b[j] = beta[j] / design.xs[j];
      nz++;
    }
    const ll = logLik(d, solver.eta, llScratch);
    const dr = nulldev > 0 ? (ll - ll0) / (d.satLoglik - ll0) : 0;
    betaOut.push(b);
    devRatio.push(dr);
    df.push(nz);
    iters.push(res.iter);
    if (!userLambda && k + 1 >= MNLAM) {
      if ((dr - devRatio[k - MNLAM + 1]) / dr < FDEV) break;
      if (dr > DEVMAX) break;
    }
  }
  return {
    names,
    alpha,
    lambda: Float64Array.from(lambdas.slice(0, betaOut.length)),
    beta: betaOut,
    df: Int32Array.from(df),
    devRatio: Float64Array.from(devRatio),
    nulldev,
    n,
    nevent,
    iterations: Int32Array.from(iters),
    warnings,
  };
}

/** Linear predictor x beta (uncentred, as glmnet's predict type "link") at path index `l`. */
export function coxnetPredict(path: CoxnetPath, l: number, x: readonly ArrayLike<number>[]): Float64Array {
  const p = path.names.length;
  if (x.length !== p) throw new DataError(`prediction data has ${x.length} columns but the model has ${p}`);
  if (!(l >= 0 && l < path.beta.length))
    throw new InputError(`lambda index ${l} out of range 0..${path.beta.length - 1}`);
  const n = p > 0 ? x[0].length : 0;
  const out = new Float64Array(n);
  const b = path.beta[l];
  for (let j = 0; j < p; j++) {
    if (b[j] === 0) continue;
    const c = x[j];
    for (let i = 0; i < n; i++) out[i] += b[j] * (c[i] as number);
  }
  return out;
}

/** Breslow log partial likelihood of `eta` given in the original row order. */
function logLikRows(d: CoxData, eta: ArrayLike<number>, sorted: Float64Array, s: Float64Array): number {
  const { order, n } = d;
  for (let q = 0; q < n; q++) sorted[q] = eta[order[q]];
  return logLik(d, sorted, s);
}

/**
 * Coefficients (original scale) at any lambda: linear interpolation in lambda between the two nearest
 * path lambdas, clamped to the path's range (glmnet's `coef(fit, s = )`, lambda.interp).
 */
export function coxnetCoef(path: CoxnetPath, s: number): Float64Array {
  const lam = path.lambda;
  const k = lam.length;
  if (k === 0) throw new InputError("the path has no lambda");
  if (k === 1) return path.beta[0].slice();
  const l0 = lam[0];
  const span = l0 - lam[k - 1];
  // positions normalised to [0, 1] along the path, as lambda.interp
  let sf = (l0 - s) / span;
  if (sf < 0) sf = 0;
  if (sf > 1) sf = 1;
  let left = k - 1;
  let right = k - 1;
  let frac = 1;
  for (let i = 0; i < k - 1; i++) {
    const a = (l0 - lam[i]) / span;
    const b = (l0 - lam[i + 1]) / span;
    if (sf === a) {
      left = right = i;
      break;
    }
    if (sf > a && sf < b) {
      left = i;
      right = i + 1;
      frac = Math.abs(a - b) < Number.EPSILON ? 1 : (sf - b) / (a - b);
      break;
    }
  }
  const bl = path.beta[left];
  const br = path.beta[right];
  const out = new Float64Array(bl.length);
  for (let j = 0; j < out.length; j++) out[j] = frac * bl[j] + (1 - frac) * br[j];
  return out;
}

/** Breslow log partial likelihood of a linear predictor (exported for CV deviance and tests). */
export function breslowLoglik(
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  eta: ArrayLike<number>,
): number {
  const d = prepare(time, event);
  return logLikRows(d, eta, new Float64Array(d.n), new Float64Array(d.evStart.length));
}

/** Gradient of the Breslow log partial likelihood in beta (X' dl/deta), for KKT checks in tests. */
export function breslowScore(
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  x: readonly ArrayLike<number>[],
  beta: ArrayLike<number>,
): Float64Array {
  const d = prepare(time, event);
  const { n, order } = d;
  const eta = new Float64Array(n);
  for (let j = 0; j < x.length; j++) {
    const b = beta[j];
    if (b === 0) continue;
    for (let q = 0; q < n; q++) eta[q] += b * (x[j][order[q]] as number);
  }
  const pt = new CoxPoint(d);
  pt.set(eta);
  return Float64Array.from(x, (c) => {
    let s = 0;
    for (let q = 0; q < n; q++) s += (c[order[q]] as number) * pt.g[q];
    return s;
  });
}

export type CvMeasure = "deviance" | "C";

export interface CvCoxnetOptions extends CoxnetOptions {
  /** Number of folds (default 10, as cv.glmnet). */
  nfolds?: number;
  /** Seed for the fold assignment (default 1). */
  seed?: number;
  /** Explicit fold of each row, 1..K (overrides nfolds/seed). */
  foldid?: ArrayLike<number>;
  /** "deviance" (default, partial-likelihood deviance) or "C" (Harrell's C). */
  measure?: CvMeasure;
}

export interface CvCoxnetResult {
  path: CoxnetPath;
  measure: CvMeasure;
  lambda: Float64Array;
  /** Mean CV measure and its standard error per lambda. */
  cvm: Float64Array;
  cvsd: Float64Array;
  lambdaMin: number;
  lambda1se: number;
  indexMin: number;
  index1se: number;
  foldid: Int32Array;
  warnings: string[];
}

/** Fold assignment as cv.glmnet: a random permutation of rep(1:K, length = n). */
export function makeFolds(n: number, nfolds: number, seed = 1): Int32Array {
  if (!Number.isInteger(nfolds) || nfolds < 3)
    throw new InputError(`nfolds must be an integer >= 3, got ${nfolds}`);
  if (nfolds > n) throw new DataError(`fewer samples (${n}) than folds (${nfolds})`);
  const f = new Int32Array(n);
  for (let i = 0; i < n; i++) f[i] = (i % nfolds) + 1;
  new Random(seed).shuffle(f);
  return f;
}

/** Cross-validated elastic-net Cox (cv.glmnet with family = "cox"). */
export function cvCoxnet(
  time: ArrayLike<MaybeNumber>,
  event: ArrayLike<MaybeNumber | boolean>,
  x: readonly ArrayLike<number>[],
  opts: CvCoxnetOptions = {},
): CvCoxnetResult {
  const data = survivalData(time, event, opts);
  const n = data.time.length;
  const measure = opts.measure ?? "deviance";
  if (measure !== "deviance" && measure !== "C")
    throw new InputError(`measure must be "deviance" or "C", got "${String(measure)}"`);
  let foldid: Int32Array;
  if (opts.foldid) {
    if (opts.foldid.length !== n)
      throw new DataError(`foldid has ${opts.foldid.length} values but time has ${n}`);
    foldid = Int32Array.from(opts.foldid);
  } else foldid = makeFolds(n, opts.nfolds ?? 10, opts.seed ?? 1);
  const nfolds = Math.max(...foldid);
  if (nfolds < 3) throw new InputError(`need at least 3 folds, got ${nfolds}`);
  const path = coxnet(data.time, data.event, x, { ...opts, eventCoding: "01" });
  const lambda = path.lambda;
  const nl = lambda.length;
  const p = x.length;
  const warnings: string[] = [];
  const cvraw: Float64Array[] = [];
  const foldW: number[] = [];
  const dFull = prepare(data.time, data.event);
  const sortedFull = new Float64Array(n);
  const sFull = new Float64Array(dFull.evStart.length);
  const lpAll = new Float64Array(n);
  for (let k = 1; k <= nfolds; k++) {
    const tr: number[] = [];
    const te: number[] = [];
    for (let i = 0; i < n; i++) (foldid[i] === k ? te : tr).push(i);
    if (te.length === 0) throw new DataError(`fold ${k} is empty`);
    const nTr = tr.length;
    const tTr = new Float64Array(nTr);
    const eTr = new Uint8Array(nTr);
    let evTr = 0;
    for (let q = 0; q < nTr; q++) {
      tTr[q] = data.time[tr[q]];
      eTr[q] = data.event[tr[q]];
      evTr += eTr[q];
    }
    let evTe = 0;
    for (const i of te) evTe += data.event[i];
    if (evTr === 0) throw new DataError(`fold ${k}: the training part has no events`);
    if (evTe === 0) warnings.push(`fold ${k} has no events; it gets weight 0`);
    const xTr = x.map((c) => {
      const o = new Float64Array(nTr);
      for (let q = 0; q < nTr; q++) o[q] = c[tr[q]] as number;
      return o;
    });
    // as cv.glmnet: with a user lambda the folds use it; otherwise each fold runs its own default path
    // and its coefficients are interpolated (linearly in lambda) at the full-data lambdas
    const fit = coxnet(tTr, eTr, xTr, { ...opts, eventCoding: "01", names: path.names });
    if (fit.warnings.length) warnings.push(...fit.warnings.map((w) => `fold ${k}: ${w}`));
    const raw = new Float64Array(nl).fill(Number.NaN);
    const dTr = prepare(tTr, eTr);
    const sortedTr = new Float64Array(nTr);
    const sTr = new Float64Array(dTr.evStart.length);
    const lpTr = new Float64Array(nTr);
    const teTime = te.map((i) => data.time[i]);
    const teEvent = te.map((i) => data.event[i]);
    const lpTe = new Float64Array(te.length);
    for (let l = 0; l < nl; l++) {
      // linear predictor of every row (uncentred, as glmnet's x %*% coef)
      lpAll.fill(0);
      const b = coxnetCoef(fit, lambda[l]);
      for (let j = 0; j < p; j++) {
        const bj = b[j];
        if (bj === 0) continue;
        const c = x[j];
        for (let i = 0; i < n; i++) lpAll[i] += bj * (c[i] as number);
      }
      if (measure === "deviance") {
        if (evTe === 0) continue;
        for (let q = 0; q < nTr; q++) lpTr[q] = lpAll[tr[q]];
        // glmnet's coxnet.deviance = 2 (l_sat - l), full data minus training data
        const devFull = 2 * (dFull.satLoglik - logLikRows(dFull, lpAll, sortedFull, sFull));
        const devTr = 2 * (dTr.satLoglik - logLikRows(dTr, lpTr, sortedTr, sTr));
        raw[l] = (devFull - devTr) / evTe;
      } else {
        for (let q = 0; q < te.length; q++) lpTe[q] = lpAll[te[q]];
        if (evTe > 0) raw[l] = concordanceIndex(teTime, teEvent, lpTe, { reverse: true }).concordance;
      }
    }
    cvraw.push(raw);
    // cv.coxnet: deviance folds are weighted by their events, C folds by their size
    foldW.push(measure === "deviance" ? evTe : te.length);
  }
  const cvm = new Float64Array(nl);
  const cvsd = new Float64Array(nl);
  for (let l = 0; l < nl; l++) {
    let sw = 0;
    let s = 0;
    let nOk = 0;
    for (let k = 0; k < nfolds; k++) {
      const v = cvraw[k][l];
      if (Number.isNaN(v) || foldW[k] === 0) continue;
      sw += foldW[k];
      s += foldW[k] * v;
      nOk++;
    }
    const m = s / sw;
    let ss = 0;
    for (let k = 0; k < nfolds; k++) {
      const v = cvraw[k][l];
      if (Number.isNaN(v) || foldW[k] === 0) continue;
      ss += foldW[k] * (v - m) * (v - m);
    }
    // N: folds with a value (deviance) or every fold (C), as cv.coxnet
    const nn = measure === "deviance" ? nOk : nfolds;
    cvm[l] = m;
    cvsd[l] = Math.sqrt(ss / sw / (nn - 1));
  }
  // best: minimum deviance or maximum C; ties -> the largest lambda
  const sign = measure === "C" ? -1 : 1;
  let best = Number.POSITIVE_INFINITY;
  for (let l = 0; l < nl; l++) if (!Number.isNaN(cvm[l]) && sign * cvm[l] < best) best = sign * cvm[l];
  let indexMin = -1;
  for (let l = 0; l < nl; l++) {
    if (sign * cvm[l] <= best) {
      indexMin = l;
      break;
    }
  }
  if (indexMin < 0)
    throw new DataError("cross-validation produced no finite measure (too few events per fold?)");
  const limit = best + cvsd[indexMin];
  let index1se = indexMin;
  for (let l = 0; l < nl; l++) {
    if (sign * cvm[l] <= limit) {
      index1se = l;
      break;
    }
  }
  return {
    path,
    measure,
    lambda,
    cvm,
    cvsd,
    lambdaMin: lambda[indexMin],
    lambda1se: lambda[index1se],
    indexMin,
    index1se,
    foldid,
    warnings: [...path.warnings, ...warnings],
  };
}
