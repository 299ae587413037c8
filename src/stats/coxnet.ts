/**
 * Penalised (lasso / elastic-net) Cox regression along a lambda path with cross-validated lambda, following
 * R glmnet's Cox conventions (`glmnet(x, Surv(time, status), family = "cox")`, glmnet 4.x cox.path /
 * cox.fit; Simon, Friedman, Hastie & Tibshirani, J Stat Softw 2011;39(5)) in our own implementation:
 *
 *   minimise  -(1/n) l_Breslow(beta) + lambda * sum_j vp_j [ (1 - alpha)/2 beta_j^2 + alpha |beta_j| ]
 *
 * - Breslow partial likelihood (glmnet's default for Cox), no intercept, columns standardised by their 1/n
 *   standard deviation when `standardize` (coefficients are returned on the original scale);
 *   penalty factors rescaled to sum to p; constant columns are excluded (coefficient 0).
 * - lambda_max = max_j |x~_j' grad(0)| / vp_j / max(alpha, 1e-3) with grad the gradient of l/n in the
 *   linear predictor at beta = 0; nlambda (100) values log-spaced down to lambdaMinRatio * lambda_max
 *   (1e-4 when n >= p, 1e-2 when n < p); the path stops early once the deviance ratio exceeds 0.999 or
 *   gains less than 0.1% over 5 lambdas (glmnet's devmax / fdev rules).
 * - Each lambda: IRLS with the diagonal of the Hessian in the linear predictor as weights (as glmnet),
 *   cyclic coordinate descent on the penalised weighted least-squares problem (active-set sweeps), warm
 *   starts along the path, step halving if the objective increases. Convergence is checked on the KKT
 *   conditions of the exact objective, not only on the inner loop.
 * - deviance ratio = (l(beta) - l(0)) / (l_sat - l(0)), l_sat = -sum_k d_k log d_k (Breslow saturated).
 * Cross-validation (cv.glmnet for Cox): seeded folds `sample(rep(1:K, length = n))`; measure "deviance"
 * is glmnet's grouped partial-likelihood deviance (Verweij & van Houwelingen 1993):
 *   cvraw_k = -2 [l_full(beta_-k) - l_-k(beta_-k)] / (events in fold k),
 * averaged over folds weighted by their events; measure "C" is Harrell's C of the held-out linear
 * predictor (weighted the same way). lambda.min = the largest lambda at the best mean;
 * lambda.1se = the largest lambda within one standard error of it.
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError, InputError } from "../errors.js";
import { concordanceIndex } from "./concordance.js";
import { Random } from "./random.js";
import {
  cholesky2,
  chsolve2,
  type MaybeNumber,
  type SurvivalInputOptions,
  survivalData,
} from "./survival.js";

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
  /** KKT tolerance relative to lambda (default 1e-7). */
  tol?: number;
  /** Maximum IRLS iterations per lambda (default 100). */
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
  warnings: string[];
}

/** Survival data sorted once for the Breslow likelihood. */
interface CoxData {
  n: number;
  /** indices by time ascending */
  order: Int32Array;
  time: Float64Array;
  event: Uint8Array;
  /** distinct event times: for each, the start (in `order`) of the risk set, and the number of deaths */
  evStart: Int32Array;
  evDeaths: Float64Array;
  /** for each sorted position, number of event-time groups with time <= its time */
  nEvBefore: Int32Array;
  satLoglik: number;
}

function prepare(time: Float64Array, event: Uint8Array): CoxData {
  const n = time.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => time[a] - time[b] || a - b);
  const starts: number[] = [];
  const deaths: number[] = [];
  const nEvBefore = new Int32Array(n);
  let k = 0;
  let sat = 0;
  while (k < n) {
    let j = k;
    let d = 0;
    while (j < n && time[order[j]] === time[order[k]]) {
      d += event[order[j]];
      j++;
    }
    if (d > 0) {
      starts.push(k);
      deaths.push(d);
      sat -= d * Math.log(d);
    }
    for (let q = k; q < j; q++) nEvBefore[q] = starts.length;
    k = j;
  }
  return {
    n,
    order,
    time,
    event,
    evStart: Int32Array.from(starts),
    evDeaths: Float64Array.from(deaths),
    nEvBefore,
    satLoglik: sat,
  };
}

/**
 * Breslow log partial likelihood at eta; optionally the gradient (d l / d eta) and the diagonal of the
 * negative Hessian, both NOT divided by n.
 */
function breslow(d: CoxData, eta: Float64Array, grad?: Float64Array, w?: Float64Array): number {
  const { n, order, event, evStart, evDeaths, nEvBefore } = d;
  let emax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) if (eta[i] > emax) emax = eta[i];
  const ne = evStart.length;
  // risk-set sums S_k = sum_{sorted pos >= evStart[k]} exp(eta - emax)
  const s = new Float64Array(ne);
  let acc = 0;
  let pos = n - 1;
  for (let k = ne - 1; k >= 0; k--) {
    while (pos >= evStart[k]) {
      acc += Math.exp(eta[order[pos]] - emax);
      pos--;
    }
    s[k] = acc;
  }
  let ll = 0;
  for (let i = 0; i < n; i++) if (event[i]) ll += eta[i] - emax;
  for (let k = 0; k < ne; k++) ll -= evDeaths[k] * Math.log(s[k]);
  if (grad && w) {
    let c1 = 0;
    let c2 = 0;
    let k = 0;
    for (let q = 0; q < n; q++) {
      while (k < nEvBefore[q]) {
        c1 += evDeaths[k] / s[k];
        c2 += evDeaths[k] / (s[k] * s[k]);
        k++;
      }
      const i = order[q];
      const r = Math.exp(eta[i] - emax);
      grad[i] = event[i] - r * c1;
      w[i] = r * c1 - r * r * c2;
    }
  }
  return ll;
}

interface Standardized {
  cols: Float64Array[];
  xs: Float64Array;
  xm: Float64Array;
  constant: boolean[];
}

function standardize(
  x: readonly ArrayLike<number>[],
  n: number,
  names: string[],
  doScale: boolean,
): Standardized {
  const p = x.length;
  const cols: Float64Array[] = [];
  const xs = new Float64Array(p).fill(1);
  const xm = new Float64Array(p);
  const constant: boolean[] = [];
  for (let j = 0; j < p; j++) {
    const src = x[j];
    if (src.length !== n) throw new DataError(`${names[j]} has ${src.length} values but time has ${n}`);
    const c = new Float64Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = src[i];
      if (typeof v !== "number" || !Number.isFinite(v))
        throw new DataError(`${names[j]}: row ${i + 1} is ${v}; features must be finite numbers`);
      c[i] = v;
      m += v;
    }
    m /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (c[i] - m) * (c[i] - m);
    const sd = Math.sqrt(ss / n);
    constant.push(!(sd > 0));
    xm[j] = m;
    const scale = doScale && sd > 0 ? sd : 1;
    xs[j] = scale;
    for (let i = 0; i < n; i++) c[i] = (c[i] - m) / scale; // centring does not change a Cox model
    cols.push(c);
  }
  return { cols, xs, xm, constant };
}

function softThreshold(z: number, g: number): number {
  if (z > g) return z - g;
  if (z < -g) return z + g;
  return 0;
}

interface SolverState {
  beta: Float64Array; // standardized scale
  eta: Float64Array;
}

/**
 * Breslow information matrix (negative Hessian of l in beta) restricted to the columns `act`, at eta:
 * sum_k d_k [S2_k / S0_k - S1_k S1_k' / S0_k^2] with S0, S1, S2 the risk-set sums (row-major |act|^2).
 */
function breslowInfo(d: CoxData, eta: Float64Array, cols: Float64Array[], act: number[]): Float64Array {
  const { n, order, evStart, evDeaths } = d;
  const m = act.length;
  const info = new Float64Array(m * m);
  let emax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) if (eta[i] > emax) emax = eta[i];
  const s1 = new Float64Array(m);
  const s2 = new Float64Array(m * m);
  const xi = new Float64Array(m);
  let s0 = 0;
  let pos = n - 1;
  for (let k = evStart.length - 1; k >= 0; k--) {
    while (pos >= evStart[k]) {
      const i = order[pos];
      const r = Math.exp(eta[i] - emax);
      s0 += r;
      for (let a = 0; a < m; a++) xi[a] = cols[act[a]][i];
      for (let a = 0; a < m; a++) {
        const ra = r * xi[a];
        s1[a] += ra;
        for (let b = 0; b <= a; b++) s2[a * m + b] += ra * xi[b];
      }
      pos--;
    }
    const dk = evDeaths[k];
    for (let a = 0; a < m; a++) {
      const ma = s1[a] / s0;
      for (let b = 0; b <= a; b++) info[a * m + b] += dk * (s2[a * m + b] / s0 - ma * (s1[b] / s0));
    }
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) info[b * m + a] = info[a * m + b];
  return info;
}

/**
 * Exact minimiser of the quadratic model when the set of non-zero coefficients and their signs are
 * known (a linear system), used to finish coordinate descent on ill-conditioned models. Accepted only
 * if it keeps the signs and the zero coordinates still satisfy their KKT condition; returns false
 * otherwise (b and qg unchanged).
 */
function polish(
  h: Float64Array,
  m: number,
  act: number[],
  b: Float64Array,
  qg: Float64Array,
  beta: Float64Array,
  gb: Float64Array,
  l1: Float64Array,
  l2: Float64Array,
): boolean {
  const f: number[] = [];
  for (let a = 0; a < m; a++) if (b[a] !== 0) f.push(a);
  const k = f.length;
  if (k === 0) return false;
  const sys = new Float64Array(k * k);
  const rhs = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    const a = f[r];
    const j = act[a];
    let hb = 0;
    for (let c = 0; c < m; c++) hb += h[a * m + c] * beta[act[c]];
    rhs[r] = hb - gb[j] - l1[j] * Math.sign(b[a]);
    for (let c = 0; c < k; c++) sys[r * k + c] = h[a * m + f[c]] + (r === c ? l2[j] : 0);
  }
  const rank = cholesky2(sys, k, 1e-12);
  if (rank !== k) return false;
  chsolve2(sys, k, rhs);
  for (let r = 0; r < k; r++) if (Math.sign(rhs[r]) !== Math.sign(b[f[r]])) return false;
  // model gradient at the candidate, and the KKT check of the zero coordinates
  const cand = b.slice();
  for (let a = 0; a < m; a++) cand[a] = 0;
  for (let r = 0; r < k; r++) cand[f[r]] = rhs[r];
  const g2 = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    let s = gb[act[a]];
    for (let c = 0; c < m; c++) s += h[a * m + c] * (cand[c] - beta[act[c]]);
    g2[a] = s;
    if (cand[a] === 0 && Math.abs(s) > l1[act[a]] * (1 + 1e-9)) return false;
  }
  b.set(cand);
  qg.set(g2);
  return true;
}

/**
 * Solves one lambda from a warm start (state updated in place) by proximal Newton: the exact Breslow
 * Hessian on the working set (non-zero coefficients plus KKT violators), the penalised quadratic model
 * solved by coordinate descent, a step-halving line search on the true objective, until the KKT
 * conditions hold to `tol * lambda` for every column.
 */
function solveLambda(
  d: CoxData,
  cols: Float64Array[],
  excluded: boolean[],
  vp: Float64Array,
  lambda: number,
  alpha: number,
  state: SolverState,
  tol: number,
  maxIter: number,
): { iter: number; converged: boolean } {
  const n = d.n;
  const p = cols.length;
  const grad = new Float64Array(n);
  const w = new Float64Array(n);
  const gb = new Float64Array(p); // gradient of the smooth loss -l/n in beta
  const l1 = new Float64Array(p);
  const l2 = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    l1[j] = lambda * alpha * vp[j];
    l2[j] = lambda * (1 - alpha) * vp[j];
  }
  const { beta, eta } = state;
  const objective = (ll: number, b: Float64Array) => {
    let pen = 0;
    for (let j = 0; j < p; j++) pen += vp[j] * ((1 - alpha) * 0.5 * b[j] * b[j] + alpha * Math.abs(b[j]));
    return -ll / n + lambda * pen;
  };
  let ll = breslow(d, eta, grad, w);
  let obj = objective(ll, beta);
  const kktScale = Math.max(lambda, 1e-12);
  const newEta = new Float64Array(n);
  for (let iter = 1; iter <= maxIter; iter++) {
    let worst = 0;
    const act: number[] = [];
    for (let j = 0; j < p; j++) {
      if (excluded[j]) continue;
      let g = 0;
      const c = cols[j];
      for (let i = 0; i < n; i++) g += c[i] * grad[i];
      gb[j] = -g / n;
      let viol: number;
      if (beta[j] !== 0) viol = Math.abs(gb[j] + l2[j] * beta[j] + l1[j] * Math.sign(beta[j]));
      else viol = Math.max(0, Math.abs(gb[j]) - l1[j]);
      if (viol > worst) worst = viol;
      if (beta[j] !== 0 || viol > 0) act.push(j);
    }
    if (worst <= tol * kktScale) return { iter: iter - 1, converged: true };
    // quadratic model on the working set: gb' D + 1/2 D' H D + penalty(beta + D)
    const m = act.length;
    const h = breslowInfo(d, eta, cols, act);
    for (let q = 0; q < m * m; q++) h[q] /= n;
    const b = Float64Array.from(act, (j) => beta[j]);
    const qg = Float64Array.from(act, (j) => gb[j]); // gradient of the model at b: gb + H (b - beta)
    // inexact Newton: solve the model only as accurately as the current KKT residual warrants
    const gradTol = Math.max(1e-3 * tol * kktScale, 0.05 * worst);
    const sweeps = (maxSweeps: number): boolean => {
      for (let sweep = 0; sweep < maxSweeps; sweep++) {
        let maxCh = 0;
        for (let a = 0; a < m; a++) {
          const j = act[a];
          const haa = h[a * m + a];
          const den = haa + l2[j];
          if (!(den > 0)) continue;
          const bNew = softThreshold(haa * b[a] - qg[a], l1[j]) / den;
          const delta = bNew - b[a];
          if (delta !== 0) {
            b[a] = bNew;
            for (let c = 0; c < m; c++) qg[c] += h[c * m + a] * delta;
            const ch = Math.abs(den * delta);
            if (ch > maxCh) maxCh = ch;
          }
        }
        if (maxCh <= gradTol) return true;
      }
      return false;
    };
    if (!sweeps(50) && !polish(h, m, act, b, qg, beta, gb, l1, l2)) sweeps(2000);
    // line search on the true objective
    const oldBeta = beta.slice();
    const slack = 1e-12 * Math.abs(obj);
    let t = 1;
    let accepted = false;
    for (let halving = 0; halving < 40; halving++) {
      for (let a = 0; a < m; a++) beta[act[a]] = oldBeta[act[a]] + t * (b[a] - oldBeta[act[a]]);
      newEta.fill(0);
      for (let j = 0; j < p; j++) {
        if (beta[j] === 0) continue;
        const c = cols[j];
        const bj = beta[j];
        for (let i = 0; i < n; i++) newEta[i] += bj * c[i];
      }
      const newLl = breslow(d, newEta);
      const newObj = objective(newLl, beta);
      if (newObj <= obj + slack) {
        accepted = true;
        obj = newObj;
        break;
      }
      t /= 2;
    }
    if (!accepted) {
      beta.set(oldBeta);
      return { iter, converged: false };
    }
    eta.set(newEta);
    ll = breslow(d, eta, grad, w);
  }
  return { iter: maxIter, converged: false };
}

/** Fits the elastic-net Cox path. `x` holds one array per feature column. */
export function coxnet(
  time: ArrayLike<MaybeNumber>,
  event: ArrayLike<MaybeNumber | boolean>,
  x: readonly ArrayLike<number>[],
  opts: CoxnetOptions = {},
): CoxnetPath {
  const data = survivalData(time, event, opts);
  const n = data.time.length;
  const p = x.length;
  if (p === 0) throw new InputError("coxnet needs at least one feature column");
  const names = opts.names ? [...opts.names] : x.map((_, j) => `x${j + 1}`);
  if (names.length !== p) throw new InputError(`${names.length} names for ${p} feature columns`);
  const alpha = opts.alpha ?? 1;
  if (!(alpha >= 0 && alpha <= 1)) throw new InputError(`alpha must be in [0, 1], got ${alpha}`);
  let nevent = 0;
  for (let i = 0; i < n; i++) nevent += data.event[i];
  if (nevent === 0)
    throw new DataError(`${opts.eventName ?? "event"}: no events, a Cox model cannot be fitted`);
  const st = standardize(x, n, names, opts.standardize ?? true);
  const excluded = st.constant.slice();
  if (excluded.every((e) => e)) throw new DataError("every feature is constant: nothing to fit");
  const pfIn = opts.penaltyFactor ?? new Array<number>(p).fill(1);
  if (pfIn.length !== p) throw new InputError(`penaltyFactor has ${pfIn.length} values for ${p} features`);
  const vp = new Float64Array(p);
  let vpSum = 0;
  for (let j = 0; j < p; j++) {
    vp[j] = Math.max(0, pfIn[j]);
    vpSum += vp[j];
  }
  if (!(vpSum > 0)) throw new InputError("all penalty factors are <= 0");
  for (let j = 0; j < p; j++) vp[j] = (vp[j] * p) / vpSum;
  const tol = opts.tol ?? 1e-7;
  const maxIter = opts.maxIter ?? 100;
  const d = prepare(data.time, data.event);
  const warnings: string[] = [];

  // unpenalised columns: fit them first (lambda_max is computed at that point, as glmnet)
  const state: SolverState = { beta: new Float64Array(p), eta: new Float64Array(n) };
  const hasUnpen = [...vp].some((v, j) => v === 0 && !excluded[j]);
  if (hasUnpen)
    solveLambda(
      d,
      st.cols,
      excluded.map((e, j) => e || vp[j] > 0),
      vp,
      0,
      alpha,
      state,
      tol,
      maxIter,
    );
  const ll0 = breslow(d, new Float64Array(n));
  const nulldev = 2 * (d.satLoglik - ll0);
  const grad = new Float64Array(n);
  const w = new Float64Array(n);
  breslow(d, state.eta, grad, w);
  let lambdas: number[];
  const userLambda = !!opts.lambda;
  if (opts.lambda) {
    for (const l of opts.lambda) if (!(l >= 0)) throw new InputError(`lambda values must be >= 0, got ${l}`);
    lambdas = [...opts.lambda].sort((a, b) => b - a);
  } else {
    let gmax = 0;
    for (let j = 0; j < p; j++) {
      if (excluded[j] || vp[j] === 0) continue;
      let g = 0;
      const c = st.cols[j];
      for (let i = 0; i < n; i++) g += c[i] * grad[i];
      g = Math.abs(g / n) / vp[j];
      if (g > gmax) gmax = g;
    }
    const lmax = gmax / Math.max(alpha, 1e-3);
    const nl = opts.nlambda ?? 100;
    const ratio = opts.lambdaMinRatio ?? (n < p ? 1e-2 : 1e-4);
    if (!(ratio > 0 && ratio < 1)) throw new InputError(`lambdaMinRatio must be in (0, 1), got ${ratio}`);
    lambdas = [];
    for (let k = 0; k < nl; k++)
      lambdas.push(
        Math.exp(Math.log(lmax) + ((Math.log(lmax * ratio) - Math.log(lmax)) * k) / Math.max(1, nl - 1)),
      );
  }
  const betaOut: Float64Array[] = [];
  const devRatio: number[] = [];
  const df: number[] = [];
  const usedLambda: number[] = [];
  const MNLAM = 5;
  for (let k = 0; k < lambdas.length; k++) {
    const res = solveLambda(d, st.cols, excluded, vp, lambdas[k], alpha, state, tol, maxIter);
    if (!res.converged)
      warnings.push(
        `lambda ${lambdas[k].toPrecision(4)}: did not converge to the KKT tolerance (${maxIter} iterations max)`,
      );
    const b = new Float64Array(p);
    let nz = 0;
    for (let j = 0; j < p; j++) {
      b[j] = state.beta[j] / st.xs[j];
      if (b[j] !== 0) nz++;
    }
    const ll = breslow(d, state.eta);
    const dr = nulldev > 0 ? (ll - ll0) / (d.satLoglik - ll0) : 0;
    betaOut.push(b);
    devRatio.push(dr);
    df.push(nz);
    usedLambda.push(lambdas[k]);
    if (!userLambda && k + 1 >= MNLAM) {
      if (dr > 0.999) break;
      if (k > 0 && dr - devRatio[k - MNLAM + 1] < 1e-5 * 100 * dr) break;
    }
  }
  return {
    names,
    alpha,
    lambda: Float64Array.from(usedLambda),
    beta: betaOut,
    df: Int32Array.from(df),
    devRatio: Float64Array.from(devRatio),
    nulldev,
    n,
    nevent,
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

/** Breslow log partial likelihood of a linear predictor (exported for CV deviance and tests). */
export function breslowLoglik(time: Float64Array, event: Uint8Array, eta: Float64Array): number {
  return breslow(prepare(time, event), eta);
}

/** Gradient of the Breslow log partial likelihood in beta (X' dl/deta), for KKT checks in tests. */
export function breslowScore(
  time: Float64Array,
  event: Uint8Array,
  x: readonly ArrayLike<number>[],
  beta: ArrayLike<number>,
): Float64Array {
  const d = prepare(time, event);
  const n = time.length;
  const eta = new Float64Array(n);
  for (let j = 0; j < x.length; j++) for (let i = 0; i < n; i++) eta[i] += beta[j] * (x[j][i] as number);
  const grad = new Float64Array(n);
  const w = new Float64Array(n);
  breslow(d, eta, grad, w);
  return Float64Array.from(x, (c) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (c[i] as number) * grad[i];
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
  const warnings: string[] = [];
  const cvraw: Float64Array[] = [];
  const foldW: number[] = [];
  const cols = x.map((c) => Float64Array.from(c as ArrayLike<number>));
  for (let k = 1; k <= nfolds; k++) {
    const tr: number[] = [];
    const te: number[] = [];
    for (let i = 0; i < n; i++) (foldid[i] === k ? te : tr).push(i);
    if (te.length === 0) throw new DataError(`fold ${k} is empty`);
    const sub = (a: Float64Array | Uint8Array, rows: number[]) => {
      const o = new (a.constructor as { new (n: number): Float64Array | Uint8Array })(rows.length);
      rows.forEach((r, q) => {
        o[q] = a[r];
      });
      return o;
    };
    const tTr = sub(data.time, tr) as Float64Array;
    const eTr = sub(data.event, tr) as Uint8Array;
    let evTe = 0;
    for (const i of te) evTe += data.event[i];
    let evTr = 0;
    for (let q = 0; q < eTr.length; q++) evTr += eTr[q];
    if (evTr === 0) throw new DataError(`fold ${k}: the training part has no events`);
    if (evTe === 0) warnings.push(`fold ${k} has no events; it gets weight 0`);
    const fit = coxnet(
      tTr,
      eTr,
      cols.map((c) => sub(c, tr) as Float64Array),
      {
        ...opts,
        eventCoding: "01",
        lambda: Array.from(lambda),
        names: path.names,
      },
    );
    const raw = new Float64Array(nl).fill(Number.NaN);
    const dFull = prepare(data.time, data.event);
    const dTr = prepare(tTr, eTr);
    for (let l = 0; l < nl; l++) {
      const lpAll = coxnetPredict(fit, l, cols);
      if (measure === "deviance") {
        const lpTr = Float64Array.from(tr, (i) => lpAll[i]);
        const dev = -2 * (breslow(dFull, lpAll) - breslow(dTr, lpTr));
        raw[l] = evTe > 0 ? dev / evTe : Number.NaN;
      } else {
        const lpTe = te.map((i) => lpAll[i]);
        const c =
          evTe > 0
            ? concordanceIndex(
                te.map((i) => data.time[i]),
                te.map((i) => data.event[i]),
                lpTe,
                { reverse: true },
              )
            : undefined;
        raw[l] = c ? c.concordance : Number.NaN;
      }
    }
    cvraw.push(raw);
    foldW.push(evTe);
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
    cvm[l] = m;
    cvsd[l] = Math.sqrt(ss / sw / (nOk - 1));
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
