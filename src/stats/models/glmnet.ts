/**
 * Penalised logistic regression (binomial elastic net) along a lambda path, ported in our own words from
 * the algorithm of R's glmnet (Friedman, Hastie & Tibshirani, J Stat Softw 2010;33(1); glmnet's
 * `lognet2n`): cyclic coordinate descent on the penalised IRLS quadratic approximation (exact Newton
 * weights, glmnet's default `type.logistic = "Newton"`), warm starts along the path, sequential strong
 * rules with a KKT check, an active set swept to convergence before each full pass.
 *
 * Objective, for lambda and alpha (glmnet's parametrisation, weights w_i summing to 1):
 *   sum_i w_i * logloss_i(a0 + x_i·b) + lambda * sum_j vp_j * [ (1 - alpha)/2 * b_j^2 + alpha * |b_j| ]
 * The intercept is unpenalised. With `standardize` the columns are centred and scaled by their 1/n
 * (weighted) standard deviation internally, and coefficients are returned on the original scale.
 *
 * Conventions reproduced from glmnet: lambda_max = max_j |x~_j' (y - ybar)| / n / max(alpha, 1e-3);
 * nlambda 100 log-spaced (by repeated multiplication) down to lambdaMinRatio * lambda_max with
 * lambdaMinRatio = 1e-4 when n >= p and 1e-2 when n < p; the first reported lambda is the log-linear
 * extrapolation of the next two (as R's glmnet reports it); convergence when the largest
 * `xv_j * (change in b_j)^2` is below `thresh * nulldev/(2n)`; the path stops early when the deviance
 * ratio exceeds 0.999 or improves by less than 1e-5 (after 5 lambdas), as glmnet does; probabilities
 * are clamped (pmin 1e-9) exactly as glmnet clamps them.
 *
 * Sklearn's `LogisticRegression(C)` on the same (standardised) X solves the same problem with
 * lambda = 1 / (C * n) and `standardize: false`.
 */

import { DataError, InputError } from "../../errors.js";

/** glmnet.control() defaults. */
const FDEV = 1e-5; // minimum fractional change in deviance to continue the path ("sml")
const DEVMAX = 0.999;
const EPS = 1e-6; // minimum lambda ratio
const BIG = 9.9e35;
const MNLAM = 5;
const PMIN = 1e-9;

export interface GlmnetOptions {
  /** Elastic-net mixing: 1 = lasso (default), 0 = ridge. */
  alpha?: number;
  /** Number of lambdas on the automatic path (default 100). */
  nlambda?: number;
  /** Smallest lambda as a fraction of lambda_max (default 1e-4 if n >= p else 1e-2). */
  lambdaMinRatio?: number;
  /** User-supplied lambda sequence (used as given, in decreasing order; no early stopping). */
  lambda?: ArrayLike<number>;
  /** Standardise columns internally (1/n variance); coefficients are returned on the original scale. */
  standardize?: boolean;
  intercept?: boolean;
  /** Convergence threshold (glmnet `thresh`, default 1e-7). */
  thresh?: number;
  /** Maximum number of coordinate-descent passes over all lambdas (glmnet `maxit`, default 1e5). */
  maxit?: number;
  /** Relative penalty per feature (glmnet `penalty.factor`), rescaled to sum to p. 0 = unpenalised. */
  penaltyFactor?: ArrayLike<number>;
  /** Observation weights (default all 1). */
  weights?: ArrayLike<number>;
  /** Stop the path when more than dfmax features are non-zero (default p + 1: never). */
  dfmax?: number;
  /** Apply glmnet's early-stopping rules on the automatic path (default true). */
  earlyStop?: boolean;
  /**
   * Keep constant columns in the model (default false: glmnet excludes them). With `intercept: false` and
   * `standardize: false`, a column of ones then acts as a penalised intercept (liblinear's convention).
   */
  keepConstant?: boolean;
}

export interface GlmnetPath {
  /** Number of features. */
  p: number;
  /** Lambda values actually fitted (length L). */
  lambda: Float64Array;
  /** Intercepts (length L), original scale. */
  a0: Float64Array;
  /** Coefficients, lambda-major: beta[l * p + j], original scale. */
  beta: Float64Array;
  /** Number of non-zero coefficients per lambda. */
  df: Int32Array;
  /** Fraction of null deviance explained per lambda (glmnet `dev.ratio`). */
  devRatio: Float64Array;
  /** Null deviance, 2 * sum(weights) * (weighted mean null log-loss) (glmnet `nulldev`). */
  nullDev: number;
  /** Total coordinate-descent passes (glmnet `npasses`). */
  passes: number;
  alpha: number;
  /** Set when the path was cut short because maxit was reached (glmnet warns and truncates). */
  warning?: string;
}

/** Coefficients at path index l (a view, not a copy). */
export function pathCoef(path: GlmnetPath, l: number): Float64Array {
  return path.beta.subarray(l * path.p, (l + 1) * path.p);
}

/**
 * Fit the binomial elastic-net path. `x` holds one Float64Array per feature (column), all of length n;
 * `y` is 0/1 (1 = positive class). No missing values are allowed (impute first).
 */
export function glmnetBinomial(
  x: Float64Array[],
  y: ArrayLike<number>,
  opts: GlmnetOptions = {},
): GlmnetPath {
  const p = x.length;
  const n = y.length;
  if (n === 0) throw new DataError("no observations to fit");
  const alpha = opts.alpha ?? 1;
  if (!(alpha >= 0 && alpha <= 1)) throw new InputError(`alpha must be in [0, 1], got ${alpha}`);
  const isd = opts.standardize ?? true;
  const intr = opts.intercept ?? true;
  const thresh = opts.thresh ?? 1e-7;
  const maxit = opts.maxit ?? 100000;
  const userLambda = opts.lambda;
  const nlam = userLambda ? userLambda.length : (opts.nlambda ?? 100);
  if (nlam < 1) throw new InputError("at least one lambda is needed");
  const flmin = userLambda ? 1 : (opts.lambdaMinRatio ?? (n < p ? 1e-2 : 1e-4));
  if (!userLambda && !(flmin > 0 && flmin < 1))
    throw new InputError(`lambdaMinRatio must be in (0, 1), got ${flmin}`);
  const ne = opts.dfmax ?? p + 1;
  const earlyStop = opts.earlyStop ?? true;
  const ulam = new Float64Array(nlam);
  if (userLambda) {
    for (let l = 0; l < nlam; l++) {
      const v = userLambda[l];
      if (!(v >= 0)) throw new InputError(`lambda values must be >= 0, got ${v}`);
      if (l > 0 && v > ulam[l - 1]) throw new InputError("lambda values must be in decreasing order");
      ulam[l] = v;
    }
  }

  // Weights normalised to sum 1 (glmnet: ww = w / sum(w)).
  const w = new Float64Array(n);
  let sw = 0;
  for (let i = 0; i < n; i++) {
    const wi = opts.weights ? opts.weights[i] : 1;
    if (!(wi >= 0)) throw new InputError(`weights must be >= 0 (row ${i + 1})`);
    w[i] = wi;
    sw += wi;
  }
  if (!(sw > 0)) throw new InputError("weights sum to zero");
  for (let i = 0; i < n; i++) w[i] /= sw;
  const yy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v !== 0 && v !== 1) throw new InputError(`binomial response must be 0 or 1, got ${v} (row ${i + 1})`);
    yy[i] = v;
  }

  // Penalty factors rescaled to sum to p (glmnet: vp = vp * ni / sum(vp)).
  const vp = new Float64Array(p);
  let svp = 0;
  for (let j = 0; j < p; j++) {
    const v = opts.penaltyFactor ? Math.max(0, opts.penaltyFactor[j]) : 1;
    vp[j] = v;
    svp += v;
  }
  if (!(svp > 0)) throw new InputError("penalty factors are all zero");
  for (let j = 0; j < p; j++) vp[j] = (vp[j] * p) / svp;

  // Column-major working copy, centred (when fitting an intercept) and scaled; constant columns excluded.
  const xs = new Float64Array(n * p);
  const xm = new Float64Array(p);
  const xsd = new Float64Array(p).fill(1);
  const ju = new Uint8Array(p);
  for (let j = 0; j < p; j++) {
    const col = x[j];
    if (col.length !== n) throw new InputError(`feature ${j + 1} has ${col.length} values, expected ${n}`);
    const off = j * n;
    const first = col[0];
    let varies = false;
    for (let i = 0; i < n; i++) {
      const v = col[i];
      if (Number.isNaN(v)) throw new InputError(`feature ${j + 1} has a missing value at row ${i + 1}`);
      if (v !== first) varies = true;
      xs[off + i] = v;
    }
    ju[j] = varies || (opts.keepConstant && first !== 0) ? 1 : 0;
    if (!ju[j]) continue;
    if (intr) {
      let m = 0;
      for (let i = 0; i < n; i++) m += w[i] * xs[off + i];
      xm[j] = m;
      for (let i = 0; i < n; i++) xs[off + i] -= m;
    }
    if (isd) {
      let s = 0;
      for (let i = 0; i < n; i++) s += w[i] * xs[off + i] * xs[off + i];
      const sd = Math.sqrt(s);
      if (sd > 0) {
        xsd[j] = sd;
        for (let i = 0; i < n; i++) xs[off + i] /= sd;
      }
    }
  }

  const fmax = Math.log(1 / PMIN - 1);
  const fmin = -fmax;
  const vmin = (1 + PMIN) * PMIN * (1 - PMIN);
  const bta = alpha;
  const omb = 1 - bta;
  let q0 = 0;
  for (let i = 0; i < n; i++) q0 += w[i] * yy[i];
  if (q0 <= PMIN || q0 >= 1 - PMIN) throw new DataError("the response has one class only");
  if (!intr) q0 = 0.5;

  const b = new Float64Array(p); // coefficients on the internal (standardised) scale
  const bs = new Float64Array(p);
  let b0 = intr ? Math.log(q0 / (1 - q0)) : 0;
  const v = new Float64Array(n);
  const r = new Float64Array(n);
  const q = new Float64Array(n);
  const vi = q0 * (1 - q0);
  for (let i = 0; i < n; i++) {
    v[i] = vi * w[i];
    r[i] = w[i] * (yy[i] - q0);
    q[i] = q0;
  }
  let xmz = vi;
  const dev1 = -(b0 * q0 + Math.log(1 - q0));
  let dev0 = dev1;
  for (let i = 0; i < n; i++) {
    if (yy[i] > 0) dev0 += w[i] * yy[i] * Math.log(yy[i]);
    if (yy[i] < 1) dev0 += w[i] * (1 - yy[i]) * Math.log(1 - yy[i]);
  }
  const alf = flmin < 1 ? Math.max(EPS, flmin) ** (1 / (nlam - 1)) : 1;
  const shr = thresh * dev0;
  const xv = new Float64Array(p);
  const ga = new Float64Array(p);
  const ixx = new Uint8Array(p); // strong set (ever entered)
  const mm = new Int32Array(p); // position+1 in the active list, 0 = never active
  const active = new Int32Array(p); // active list in order of entry
  let nin = 0;
  let nlp = 0;
  for (let j = 0; j < p; j++) if (ju[j]) ga[j] = Math.abs(dot(xs, j * n, r, n));

  const work: LognetWork = {
    n,
    p,
    xs,
    w,
    yy,
    vp,
    ju,
    b,
    bs,
    v,
    r,
    q,
    xv,
    ga,
    ixx,
    mm,
    active,
    intr,
    fmin,
    fmax,
    vmin,
  };
  const st = new Float64Array(4);
  const outLam = new Float64Array(nlam);
  const outA0 = new Float64Array(nlam);
  const outBeta = new Float64Array(nlam * p);
  const outDf = new Int32Array(nlam);
  const outDev = new Float64Array(nlam);
  let lmu = 0;
  let warning: string | undefined;
  let al = 0;

  for (let ilm = 0; ilm < nlam; ilm++) {
    let al0 = al;
    if (flmin >= 1) al = ulam[ilm];
    else if (ilm > 1) al *= alf;
    else if (ilm === 0) al = BIG;
    else {
      al0 = 0;
      for (let j = 0; j < p; j++) if (ju[j] && vp[j] > 0) al0 = Math.max(al0, ga[j] / vp[j]);
      al0 /= Math.max(bta, 1e-3);
      al = alf * al0;
    }
    const al2 = al * omb;
    const al1 = al * bta;
    // Sequential strong rule (Tibshirani et al. 2012): candidates with |grad| > alpha (2 lambda - lambda_prev).
    const tlam = bta * (2 * al - al0);
    for (let k = 0; k < p; k++) if (!ixx[k] && ju[k] && ga[k] > tlam * vp[k]) ixx[k] = 1;

    st[0] = b0;
    st[1] = xmz;
    st[2] = nin;
    st[3] = nlp;
    const status = solveLambda(work, st, al1, al2, shr, maxit);
    b0 = st[0];
    xmz = st[1];
    nin = st[2];
    nlp = st[3];
    if (status < 0) {
      warning = `convergence for lambda #${ilm + 1} not reached after maxit=${maxit} passes; path truncated`;
      break;
    }

    // Store this lambda's solution on the original scale.
    const off = ilm * p;
    let me = 0;
    let shift = 0;
    for (let l = 0; l < nin; l++) {
      const k = active[l];
      const bk = b[k];
      if (bk !== 0) me++;
      const bo = isd ? bk / xsd[k] : bk;
      outBeta[off + k] = bo;
      shift += bo * xm[k];
    }
    outA0[ilm] = intr ? b0 - shift : 0;
    outLam[ilm] = al;
    outDf[ilm] = me;
    let devi = 0;
    for (let i = 0; i < n; i++) {
      const pi = Math.min(Math.max(PMIN, q[i]), 1 - PMIN);
      devi -= w[i] * (yy[i] * Math.log(pi) + (1 - yy[i]) * Math.log(1 - pi));
    }
    outDev[ilm] = (dev1 - devi) / dev0;
    lmu = ilm + 1;
    if (xmz <= vmin) break;
    if (ilm + 1 < Math.min(MNLAM, nlam) || flmin >= 1 || !earlyStop) continue;
    if (me > ne) break;
    if (outDev[ilm] > DEVMAX) break;
    if (outDev[ilm] - outDev[ilm - 1] < FDEV) break;
  }

  if (lmu === 0) throw new DataError(warning ?? "glmnet: no solution could be computed");
  const lambda = outLam.slice(0, lmu);
  // R's glmnet reports the first lambda of an automatic path as the extrapolation of the next two.
  if (flmin < 1 && lmu > 2) lambda[0] = Math.exp(2 * Math.log(lambda[1]) - Math.log(lambda[2]));
  else if (flmin < 1 && lmu <= 2) lambda[0] = lmu === 2 ? lambda[1] / alf : lambda[0];
  return {
    p,
    lambda,
    a0: outA0.slice(0, lmu),
    beta: outBeta.slice(0, lmu * p),
    df: outDf.slice(0, lmu),
    devRatio: outDev.slice(0, lmu),
    nullDev: 2 * sw * dev0,
    passes: nlp,
    alpha,
    warning,
  };
}

interface LognetWork {
  n: number;
  p: number;
  xs: Float64Array;
  w: Float64Array;
  yy: Float64Array;
  vp: Float64Array;
  ju: Uint8Array;
  b: Float64Array;
  bs: Float64Array;
  v: Float64Array;
  r: Float64Array;
  q: Float64Array;
  xv: Float64Array;
  ga: Float64Array;
  ixx: Uint8Array;
  mm: Int32Array;
  active: Int32Array;
  intr: boolean;
  fmin: number;
  fmax: number;
  vmin: number;
}

/**
 * Solve at one lambda from the current (warm) state: IRLS outer iterations, each a coordinate-descent
 * pass over the strong set followed by passes over the active set until converged, then the KKT check
 * that adds violators to the strong set. Scalars travel in st = [b0, xmz, nin, nlp] (kept out of the
 * path loop so the hot code stays optimised). Returns 0, 1 when the weights vanished (saturated fit), or
 * -1 when maxit passes were exceeded.
 */
function solveLambda(
  c: LognetWork,
  st: Float64Array,
  al1: number,
  al2: number,
  shr: number,
  maxit: number,
): number {
  const { n, p, xs, w, yy, vp, ju, b, bs, v, r, q, xv, ga, ixx, mm, active, intr, fmin, fmax, vmin } = c;
  let b0 = st[0];
  let xmz = st[1];
  let nin = st[2];
  let nlp = st[3];
  let bs0 = b0;
  let status = 0;
  let converged = false;
  outer: while (!converged) {
    // Outer (IRLS) iteration: quadratic approximation at the current fit.
    bs0 = b0;
    for (let l = 0; l < nin; l++) bs[active[l]] = b[active[l]];
    for (let j = 0; j < p; j++) {
      if (!ixx[j]) continue;
      const off = j * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += v[i] * xs[off + i] * xs[off + i];
      xv[j] = s;
    }
    for (;;) {
      // Full pass over the strong set.
      nlp++;
      let dlx = 0;
      let pk = -1; // residual update of the last changed feature, applied lazily (fused with the next dot)
      let pd = 0;
      for (let k = 0; k < p; k++) {
        if (!ixx[k]) continue;
        const g = fusedGradient(n, xs, r, v, pk, pd, k);
        pk = -1;
        const d = softStep(k, b, g, xv[k], vp[k] * al1, vp[k] * al2);
        if (d === 0) continue;
        pk = k;
        pd = d;
        const dk = xv[k] * d * d;
        if (dk > dlx) dlx = dk;
        if (mm[k] === 0) {
          active[nin] = k;
          nin++;
          mm[k] = nin;
        }
      }
      if (intr) {
        const d = interceptStep(n, r, v, xmz, xs, pk, pd);
        b0 += d;
        const di = xmz * d * d;
        if (di > dlx) dlx = di;
      } else fusedGradient(n, xs, r, v, pk, pd, -1);
      if (dlx < shr) break;
      if (nlp > maxit) {
        status = -1;
        break outer;
      }
      // Passes over the active set until it converges.
      for (;;) {
        nlp++;
        let dlx2 = 0;
        let qk = -1;
        let qd = 0;
        for (let l = 0; l < nin; l++) {
          const k = active[l];
          const g = fusedGradient(n, xs, r, v, qk, qd, k);
          qk = -1;
          const d = softStep(k, b, g, xv[k], vp[k] * al1, vp[k] * al2);
          if (d === 0) continue;
          qk = k;
          qd = d;
          const dk = xv[k] * d * d;
          if (dk > dlx2) dlx2 = dk;
        }
        if (intr) {
          const d = interceptStep(n, r, v, xmz, xs, qk, qd);
          b0 += d;
          const di = xmz * d * d;
          if (di > dlx2) dlx2 = di;
        } else fusedGradient(n, xs, r, v, qk, qd, -1);
        if (dlx2 < shr) break;
        if (nlp > maxit) {
          status = -1;
          break outer;
        }
      }
    }
    // New working response at the updated fit (glmnet clamps the linear predictor at +-log(1/pmin - 1)).
    eta(xs, n, b0, b, active, nin, q);
    for (let i = 0; i < n; i++) {
      const fi = q[i];
      q[i] = fi < fmin ? 0 : fi > fmax ? 1 : 1 / (1 + Math.exp(-fi));
    }
    xmz = 0;
    for (let i = 0; i < n; i++) {
      v[i] = w[i] * q[i] * (1 - q[i]);
      xmz += v[i];
    }
    if (xmz <= vmin) {
      status = 1;
      break;
    }
    for (let i = 0; i < n; i++) r[i] = w[i] * (yy[i] - q[i]);
    if (xmz * (b0 - bs0) ** 2 >= shr) continue;
    let moved = false;
    for (let l = 0; l < nin; l++) {
      const k = active[l];
      if (xv[k] * (b[k] - bs[k]) ** 2 >= shr) {
        moved = true;
        break;
      }
    }
    if (moved) continue;
    // KKT check on features outside the strong set.
    let violated = false;
    for (let k = 0; k < p; k++) {
      if (ixx[k] || !ju[k]) continue;
      ga[k] = Math.abs(dot(xs, k * n, r, n));
      if (ga[k] > al1 * vp[k]) {
        ixx[k] = 1;
        violated = true;
      }
    }
    if (!violated) converged = true;
  }
  st[0] = b0;
  st[1] = xmz;
  st[2] = nin;
  st[3] = nlp;
  return status;
}

/**
 * Gradient x_k . r of feature k (k = -1: none), first applying the pending residual update of feature pk
 * by its change pd (r -= pd * v * x_pk) in the same loop. The arithmetic is exactly that of updating r and
 * then taking the dot product, in one pass over memory instead of two.
 */
function fusedGradient(
  n: number,
  xs: Float64Array,
  r: Float64Array,
  v: Float64Array,
  pk: number,
  pd: number,
  k: number,
): number {
  let g = 0;
  const off = k * n;
  if (pk < 0) {
    for (let i = 0; i < n; i++) g += xs[off + i] * r[i];
    return g;
  }
  const po = pk * n;
  if (k < 0) {
    for (let i = 0; i < n; i++) r[i] -= pd * v[i] * xs[po + i];
    return 0;
  }
  for (let i = 0; i < n; i++) {
    r[i] -= pd * v[i] * xs[po + i];
    g += xs[off + i] * r[i];
  }
  return g;
}

/**
 * Coordinate update of b[k] given its gradient g: the soft-thresholded Newton step on the weighted
 * quadratic approximation (Friedman et al. 2010, eq. 5 with weights). Returns the change.
 */
function softStep(k: number, b: Float64Array, g: number, xvk: number, l1: number, l2: number): number {
  const bk = b[k];
  const u = g + xvk * bk;
  const au = Math.abs(u) - l1;
  const nb = au > 0 ? (u < 0 ? -au : au) / (xvk + l2) : 0;
  b[k] = nb;
  return nb - bk;
}

/**
 * Unpenalised intercept step sum(r) / sum(v), after applying the pending update of feature pk (fused);
 * updates r and returns the change.
 */
function interceptStep(
  n: number,
  r: Float64Array,
  v: Float64Array,
  xmz: number,
  xs: Float64Array,
  pk: number,
  pd: number,
): number {
  let s = 0;
  if (pk < 0) for (let i = 0; i < n; i++) s += r[i];
  else {
    const po = pk * n;
    for (let i = 0; i < n; i++) {
      r[i] -= pd * v[i] * xs[po + i];
      s += r[i];
    }
  }
  const d = s / xmz;
  if (d === 0) return 0;
  for (let i = 0; i < n; i++) r[i] -= d * v[i];
  return d;
}

function dot(xs: Float64Array, off: number, r: Float64Array, n: number): number {
  // Four independent accumulators shorten the floating-point dependency chain.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n4 = n - (n % 4);
  let i = 0;
  for (; i < n4; i += 4) {
    s0 += xs[off + i] * r[i];
    s1 += xs[off + i + 1] * r[i + 1];
    s2 += xs[off + i + 2] * r[i + 2];
    s3 += xs[off + i + 3] * r[i + 3];
  }
  for (; i < n; i++) s0 += xs[off + i] * r[i];
  return s0 + s1 + (s2 + s3);
}

/** Linear predictor on the internal scale into out (glmnet's fi = b0 + sum b_k x_ik). */
function eta(
  xs: Float64Array,
  n: number,
  b0: number,
  b: Float64Array,
  active: Int32Array,
  nin: number,
  out: Float64Array,
): void {
  out.fill(b0);
  for (let l = 0; l < nin; l++) {
    const k = active[l];
    const bk = b[k];
    if (bk === 0) continue;
    const off = k * n;
    for (let i = 0; i < n; i++) out[i] += bk * xs[off + i];
  }
}

/**
 * Linear predictors a0[l] + x_i·beta[l] for new data (columns of the original scale) at every lambda of
 * the path: result[l * n + i].
 */
export function pathLinearPredictor(path: GlmnetPath, x: Float64Array[]): Float64Array {
  const L = path.lambda.length;
  const p = path.p;
  if (x.length !== p) throw new InputError(`expected ${p} features, got ${x.length}`);
  const n = p > 0 ? x[0].length : 0;
  const out = new Float64Array(L * n);
  for (let l = 0; l < L; l++) {
    const o = l * n;
    out.fill(path.a0[l], o, o + n);
    const bo = l * p;
    for (let j = 0; j < p; j++) {
      const bj = path.beta[bo + j];
      if (bj === 0) continue;
      const col = x[j];
      for (let i = 0; i < n; i++) out[o + i] += bj * col[i];
    }
  }
  return out;
}

export function sigmoid(eta: number): number {
  if (eta >= 0) return 1 / (1 + Math.exp(-eta));
  const e = Math.exp(eta);
  return e / (1 + e);
}

export * from "./glmnetKkt.js";
