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
import { DataError, InputError } from "../errors.js";
import { concordanceIndex } from "./concordance.js";
import { Random } from "./random.js";
import { type MaybeNumber, type SurvivalInputOptions, survivalData } from "./survival.js";

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

/**
 * Survival data sorted once by time for the Breslow likelihood. Everything below is indexed by the
 * sorted position q (0..n-1); `order[q]` is the original row.
 */
interface CoxData {
  n: number;
  order: Int32Array;
  event: Uint8Array;
  /** distinct event times k (ascending): first sorted position of the risk set, and the number of deaths */
  evStart: Int32Array;
  evDeaths: Float64Array;
  /** per sorted position: number of distinct event times <= its time (the risk sets it belongs to) */
  nEvBefore: Int32Array;
  satLoglik: number;
}

function prepare(time: ArrayLike<number>, event: ArrayLike<number>): CoxData {
  const n = time.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => time[a] - time[b] || a - b);
  const ev = new Uint8Array(n);
  for (let q = 0; q < n; q++) ev[q] = event[order[q]] ? 1 : 0;
  const starts: number[] = [];
  const deaths: number[] = [];
  const nEvBefore = new Int32Array(n);
  let k = 0;
  let sat = 0;
  while (k < n) {
    let j = k;
    let d = 0;
    const tk = time[order[k]];
    while (j < n && time[order[j]] === tk) {
      d += ev[j];
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
    event: ev,
    evStart: Int32Array.from(starts),
    evDeaths: Float64Array.from(deaths),
    nEvBefore,
    satLoglik: sat,
  };
}

/** Breslow log partial likelihood at eta (sorted order); `s` is scratch of length (number of event times). */
function logLik(d: CoxData, eta: Float64Array, s: Float64Array): number {
  const { n, event, evStart, evDeaths } = d;
  let emax = Number.NEGATIVE_INFINITY;
  for (let q = 0; q < n; q++) if (eta[q] > emax) emax = eta[q];
  let acc = 0;
  let pos = n - 1;
  let ll = 0;
  for (let k = evStart.length - 1; k >= 0; k--) {
    const st = evStart[k];
    for (; pos >= st; pos--) acc += Math.exp(eta[pos] - emax);
    s[k] = acc;
    ll -= evDeaths[k] * Math.log(acc);
  }
  for (let q = 0; q < n; q++) if (event[q]) ll += eta[q] - emax;
  return ll;
}

/**
 * State of the Breslow likelihood at one linear predictor: r = exp(eta - max), risk-set sums S_k,
 * c1_q = sum_{k: q in R_k} d_k / S_k (cumulative hazard), cs_k = d_k / S_k^2, the gradient
 * g = d l / d eta = event - r c1. All sorted order.
 */
class CoxPoint {
  readonly r: Float64Array;
  readonly c1: Float64Array;
  readonly g: Float64Array;
  readonly s: Float64Array;
  readonly cs: Float64Array;
  private readonly a: Float64Array;
  ll = 0;
  constructor(readonly d: CoxData) {
    const ne = d.evStart.length;
    this.r = new Float64Array(d.n);
    this.c1 = new Float64Array(d.n);
    this.g = new Float64Array(d.n);
    this.s = new Float64Array(ne);
    this.cs = new Float64Array(ne);
    this.a = new Float64Array(ne);
  }

  /** Evaluates everything at eta; returns the log partial likelihood. */
  set(eta: Float64Array): number {
    const { n, event, evStart, evDeaths, nEvBefore } = this.d;
    const { r, c1, g, s, cs } = this;
    let emax = Number.NEGATIVE_INFINITY;
    for (let q = 0; q < n; q++) if (eta[q] > emax) emax = eta[q];
    for (let q = 0; q < n; q++) r[q] = Math.exp(eta[q] - emax);
    let acc = 0;
    let pos = n - 1;
    let ll = 0;
    for (let k = evStart.length - 1; k >= 0; k--) {
      const st = evStart[k];
      for (; pos >= st; pos--) acc += r[pos];
      s[k] = acc;
      ll -= evDeaths[k] * Math.log(acc);
    }
    let h = 0;
    let k = 0;
    for (let q = 0; q < n; q++) {
      for (const e = nEvBefore[q]; k < e; k++) {
        h += evDeaths[k] / s[k];
        cs[k] = evDeaths[k] / (s[k] * s[k]);
      }
      c1[q] = h;
      g[q] = event[q] - r[q] * h;
      if (event[q]) ll += eta[q] - emax;
    }
    this.ll = ll;
    return ll;
  }

  copyFrom(o: CoxPoint): void {
    this.r.set(o.r);
    this.c1.set(o.c1);
    this.g.set(o.g);
    this.s.set(o.s);
    this.cs.set(o.cs);
    this.ll = o.ll;
  }

  /**
   * out = H v with H = -d^2 l / d eta^2 = diag(r c1) - sum_k d_k (r 1_{R_k})(r 1_{R_k})' / S_k^2:
   * A_k = sum_{R_k} r v (backward cumulative sum), then a forward cumulative sum of cs_k A_k.
   */
  hessVec(v: Float64Array, vOff: number, out: Float64Array, outOff: number): void {
    const { n, evStart, nEvBefore } = this.d;
    const { r, c1, cs, a } = this;
    let acc = 0;
    let pos = n - 1;
    for (let k = evStart.length - 1; k >= 0; k--) {
      const st = evStart[k];
      for (; pos >= st; pos--) acc += r[pos] * v[vOff + pos];
      a[k] = acc;
    }
    let b = 0;
    let k = 0;
    for (let q = 0; q < n; q++) {
      for (const e = nEvBefore[q]; k < e; k++) b += cs[k] * a[k];
      out[outOff + q] = r[q] * (c1[q] * v[vOff + q] - b);
    }
  }
}

interface Design {
  /** centred (and scaled) columns in sorted order, column j at [j n, (j + 1) n) */
  x: Float64Array;
  /** scale of each column (1/n SD when standardising, else 1) */
  xs: Float64Array;
  excluded: Uint8Array;
}

function buildDesign(
  x: readonly ArrayLike<number>[],
  d: CoxData,
  names: readonly string[],
  doScale: boolean,
): Design {
  const n = d.n;
  const p = x.length;
  const out = new Float64Array(n * p);
  const xs = new Float64Array(p).fill(1);
  const excluded = new Uint8Array(p);
  const { order } = d;
  for (let j = 0; j < p; j++) {
    const src = x[j];
    if (src.length !== n) throw new DataError(`${names[j]} has ${src.length} values but time has ${n}`);
    const off = j * n;
    let m = 0;
    let constant = true;
    const first = src[0];
    for (let q = 0; q < n; q++) {
      const v = src[order[q]];
      if (typeof v !== "number" || !Number.isFinite(v))
        throw new DataError(`${names[j]}: row ${order[q] + 1} is ${v}; features must be finite numbers`);
      out[off + q] = v;
      m += v;
      if (v !== first) constant = false;
    }
    if (constant) {
      // glmnet's chkvars: a column whose values are all equal is left out
      excluded[j] = 1;
      out.fill(0, off, off + n);
      continue;
    }
    m /= n;
    let ss = 0;
    for (let q = 0; q < n; q++) {
      const c = out[off + q] - m;
      out[off + q] = c; // centring does not change a Cox model
      ss += c * c;
    }
    const sd = Math.sqrt(ss / n);
    if (doScale) {
      xs[j] = sd;
      const inv = 1 / sd;
      for (let q = 0; q < n; q++) out[off + q] *= inv;
    }
  }
  return { x: out, xs, excluded };
}

function softThreshold(z: number, g: number): number {
  if (z > g) return z - g;
  if (z < -g) return z + g;
  return 0;
}

/**
 * Cholesky factor L (lower triangular, row-major with stride `cap`) of the model Hessian restricted to a
 * set of columns, updated when a column joins (one forward solve, O(k^2)) or leaves (a rank-one update
 * of the trailing block, O(k^2)) instead of refactoring (O(k^3)).
 */
class CholFactor {
  k = 0;
  cap = 0;
  l: Float64Array = new Float64Array(0);
  cols: Int32Array = new Int32Array(0);
  /** position of each column in the factor, -1 when absent */
  readonly pos: Int32Array;
  private tmp: Float64Array = new Float64Array(0);
  constructor(p: number) {
    this.pos = new Int32Array(p).fill(-1);
  }

  clear(): void {
    for (let u = 0; u < this.k; u++) this.pos[this.cols[u]] = -1;
    this.k = 0;
  }

  private grow(): void {
    const cap = Math.max(16, this.cap * 2);
    const l = new Float64Array(cap * cap);
    for (let r = 0; r < this.k; r++) l.set(this.l.subarray(r * this.cap, r * this.cap + r + 1), r * cap);
    const cols = new Int32Array(cap);
    cols.set(this.cols.subarray(0, this.k));
    this.l = l;
    this.cols = cols;
    this.cap = cap;
    this.tmp = new Float64Array(cap);
  }

  /** Adds column j with A[j, cols[u]] = row[u] and A[j, j] = diag; false (unchanged) if not positive definite. */
  append(j: number, row: Float64Array, diag: number): boolean {
    if (this.k === this.cap) this.grow();
    const { k, cap, l } = this;
    const rk = k * cap;
    for (let i = 0; i < k; i++) l[rk + i] = row[i];
    this.forward(l, rk);
    let ss = 0;
    for (let i = 0; i < k; i++) ss += l[rk + i] * l[rk + i];
    const d = diag - ss;
    if (!(d > 1e-11 * diag)) return false;
    l[rk + k] = Math.sqrt(d);
    this.cols[k] = j;
    this.pos[j] = k;
    this.k = k + 1;
    return true;
  }

  /**
   * Solves L y = b in place for b stored at v[off .. off + k) (forward substitution, four rows at a time
   * so that the loads of b are shared).
   */
  private forward(v: Float64Array, off: number): void {
    const { k, cap, l } = this;
    let i = 0;
    for (; i + 3 < k; i += 4) {
      const r0 = i * cap;
      const r1 = r0 + cap;
      const r2 = r1 + cap;
      const r3 = r2 + cap;
      let s0 = v[off + i];
      let s1 = v[off + i + 1];
      let s2 = v[off + i + 2];
      let s3 = v[off + i + 3];
      for (let m = 0; m < i; m++) {
        const bm = v[off + m];
        s0 -= l[r0 + m] * bm;
        s1 -= l[r1 + m] * bm;
        s2 -= l[r2 + m] * bm;
        s3 -= l[r3 + m] * bm;
      }
      const x0 = s0 / l[r0 + i];
      const x1 = (s1 - l[r1 + i] * x0) / l[r1 + i + 1];
      const x2 = (s2 - l[r2 + i] * x0 - l[r2 + i + 1] * x1) / l[r2 + i + 2];
      const x3 = (s3 - l[r3 + i] * x0 - l[r3 + i + 1] * x1 - l[r3 + i + 2] * x2) / l[r3 + i + 3];
      v[off + i] = x0;
      v[off + i + 1] = x1;
      v[off + i + 2] = x2;
      v[off + i + 3] = x3;
    }
    for (; i < k; i++) {
      const ri = i * cap;
      let s0 = v[off + i];
      for (let m = 0; m < i; m++) s0 -= l[ri + m] * v[off + m];
      v[off + i] = s0 / l[ri + i];
    }
  }

  /** Removes the column at position i. */
  remove(i: number): void {
    const { k, cap, l, cols } = this;
    const x = this.tmp;
    this.pos[cols[i]] = -1;
    for (let r = i + 1; r < k; r++) {
      const src = r * cap;
      const dst = (r - 1) * cap;
      x[r - 1 - i] = l[src + i];
      for (let c = 0; c < i; c++) l[dst + c] = l[src + c];
      for (let c = i + 1; c <= r; c++) l[dst + c - 1] = l[src + c];
      cols[r - 1] = cols[r];
      this.pos[cols[r - 1]] = r - 1;
    }
    this.k = k - 1;
    // trailing block T (rows/cols i..k-2): T T' = L33 L33' + x x'
    const m = k - 1 - i;
    for (let a = 0; a < m; a++) {
      const ra = (i + a) * cap + i + a;
      const laa = l[ra];
      const r = Math.hypot(laa, x[a]);
      const c = r / laa;
      const s = x[a] / laa;
      l[ra] = r;
      for (let b = a + 1; b < m; b++) {
        const idx = (i + b) * cap + i + a;
        const v = (l[idx] + s * x[b]) / c;
        l[idx] = v;
        x[b] = c * x[b] - s * v;
      }
    }
  }

  /** Solves L L' y = b in place (b in factor order). */
  solve(b: Float64Array): void {
    const { k, cap, l } = this;
    this.forward(b, 0);
    // L' x = y, by columns of L' (rows of L), four rows at a time: y_m -= sum_r L[r][m] x_r
    let i = k - 1;
    for (; i >= 3; i -= 4) {
      const ra = i * cap;
      const rb = ra - cap;
      const rc = rb - cap;
      const rd = rc - cap;
      const xa = b[i] / l[ra + i];
      const xb = (b[i - 1] - l[ra + i - 1] * xa) / l[rb + i - 1];
      const xc = (b[i - 2] - l[ra + i - 2] * xa - l[rb + i - 2] * xb) / l[rc + i - 2];
      const xd = (b[i - 3] - l[ra + i - 3] * xa - l[rb + i - 3] * xb - l[rc + i - 3] * xc) / l[rd + i - 3];
      b[i] = xa;
      b[i - 1] = xb;
      b[i - 2] = xc;
      b[i - 3] = xd;
      for (let m = 0; m < i - 3; m++)
        b[m] -= l[ra + m] * xa + l[rb + m] * xb + l[rc + m] * xc + l[rd + m] * xd;
    }
    for (; i >= 0; i--) {
      const ri = i * cap;
      const xi = b[i] / l[ri + i];
      b[i] = xi;
      for (let m = 0; m < i; m++) b[m] -= l[ri + m] * xi;
    }
  }
}

/**
 * out[t] = x_{cols[t]}' w / n for t < cnt, four columns per pass over w (V8 does not vectorise: sharing
 * the loads of w between four accumulators is ~2x faster than one dot product at a time).
 */
function colDots(
  x: Float64Array,
  n: number,
  cols: Int32Array,
  cnt: number,
  w: Float64Array,
  out: Float64Array,
): void {
  let t = 0;
  for (; t + 3 < cnt; t += 4) {
    const o0 = cols[t] * n;
    const o1 = cols[t + 1] * n;
    const o2 = cols[t + 2] * n;
    const o3 = cols[t + 3] * n;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let q = 0; q < n; q++) {
      const h = w[q];
      s0 += x[o0 + q] * h;
      s1 += x[o1 + q] * h;
      s2 += x[o2 + q] * h;
      s3 += x[o3 + q] * h;
    }
    out[t] = s0 / n;
    out[t + 1] = s1 / n;
    out[t + 2] = s2 / n;
    out[t + 3] = s3 / n;
  }
  for (; t < cnt; t++) {
    const o = cols[t] * n;
    let s0 = 0;
    for (let q = 0; q < n; q++) s0 += x[o + q] * w[q];
    out[t] = s0 / n;
  }
}

/** w += sum_t coef[t] x_{cols[t]} for t < cnt, four columns per pass over w. */
function colAxpy(
  x: Float64Array,
  n: number,
  cols: Int32Array,
  coef: Float64Array,
  cnt: number,
  w: Float64Array,
): void {
  let t = 0;
  for (; t + 3 < cnt; t += 4) {
    const c0 = coef[t];
    const c1 = coef[t + 1];
    const c2 = coef[t + 2];
    const c3 = coef[t + 3];
    const o0 = cols[t] * n;
    const o1 = cols[t + 1] * n;
    const o2 = cols[t + 2] * n;
    const o3 = cols[t + 3] * n;
    for (let q = 0; q < n; q++) w[q] += c0 * x[o0 + q] + c1 * x[o1 + q] + c2 * x[o2 + q] + c3 * x[o3 + q];
  }
  for (; t < cnt; t++) {
    const c = coef[t];
    if (c === 0) continue;
    const o = cols[t] * n;
    for (let q = 0; q < n; q++) w[q] += c * x[o + q];
  }
}

/** Largest active set solved directly (its Gram matrix and factor take O(k^2) memory). */
const MAX_DIRECT = 2000;

/** Most columns kept in the preconditioner's Gram matrix before it is rebuilt from scratch. */
const MAX_GRAM = 2500;

/** Absolute floor of the KKT tolerance (gradients of l/n are O(1); rounding noise is ~1e-15). */
const KKT_FLOOR = 1e-12;

/** Preconditioned conjugate-gradient iterations allowed per direct solve before giving up on it. */
const MAX_PCG = 60;

/**
 * Path solver on one data set: keeps beta (standardised scale), eta and the working set between lambdas
 * (warm starts).
 *
 * Each Newton iteration minimises the quadratic model of the objective at the current point (exact
 * Hessian H of -l in eta, gradient g) over the working set. Coordinate descent does this with O(n) work
 * per coordinate step (the model residual res = g - H deta and deta = X (b - b_old) are kept up to date;
 * H x_j is computed once per iteration for the columns that move). When coordinate descent turns out to
 * be slow (ill-conditioned models: small lambda, many correlated columns), the non-zero columns are
 * solved directly with their signs held: conjugate gradients on X_A' H X_A / n + diag(l2), with matrix-free
 * products (two passes over X_A and one O(n) Hessian product), preconditioned by the Cholesky factor of
 * the same matrix at an earlier point. That factor is updated column by column as the active set changes
 * and rebuilt only when the conjugate-gradient work since the last rebuild exceeds the rebuild's cost.
 */
class CoxnetSolver {
  readonly n: number;
  readonly p: number;
  readonly beta: Float64Array;
  readonly eta: Float64Array;
  /** |x~_j' g| / n at the last solution, for the strong rule */
  readonly gradAbs: Float64Array;
  private readonly gradSigned: Float64Array;
  /** working (strong) set membership and list */
  private readonly inSet: Uint8Array;
  private readonly setList: Int32Array;
  private setSize = 0;
  /** current point, and the point of the preconditioner */
  private readonly pt: CoxPoint;
  private readonly ptP: CoxPoint;
  private readonly res: Float64Array;
  private readonly deta: Float64Array;
  private readonly etaTry: Float64Array;
  private readonly betaOld: Float64Array;
  private readonly sScratch: Float64Array;
  private readonly active: Int32Array;
  // H x_j at the current Newton point, computed on first use
  private readonly slot: Int32Array;
  private readonly stamp: Int32Array;
  private readonly hdiag: Float64Array;
  private pool: Float64Array;
  private poolCols = 0;
  private poolUsed = 0;
  private curStamp = 0;
  // preconditioner: Gram matrix X_G' H_P X_G / n of the columns G seen since the rebuild, and the
  // Cholesky factor of its restriction to the current active set (+ diag(l2) at lambda fLambda)
  private hasP = false;
  private pStamp = 0;
  private readonly gSlot: Int32Array;
  private readonly gStamp: Int32Array;
  private gCols: Int32Array = new Int32Array(0);
  private gram: Float64Array = new Float64Array(0);
  private gCap = 0;
  private gUsed = 0;
  private readonly chol: CholFactor;
  private fLambda = Number.NaN;
  /** conjugate-gradient work (flops) since the preconditioner was rebuilt */
  private pcgWork = 0;
  private wantRebuild = false;
  /** set once coordinate descent has been slow: solve the active set directly from then on */
  private useDirect = false;
  private readonly mark: Int32Array;
  private markId = 0;
  private readonly vA: Float64Array;
  private readonly vB: Float64Array;
  private readonly kA: Float64Array;
  private readonly kB: Float64Array;
  private readonly kC: Float64Array;
  private readonly kD: Float64Array;
  private readonly kE: Float64Array;
  private readonly kS: Float64Array;
  private readonly kSol: Float64Array;
  private readonly colsTmp: Int32Array;
  /** Newton iteration (curStamp) at which the preconditioner was rebuilt */
  private pBuiltAt = -1;

  constructor(
    readonly d: CoxData,
    readonly x: Float64Array,
    readonly excluded: Uint8Array,
    readonly vp: Float64Array,
    readonly alpha: number,
    readonly tol: number,
    readonly maxIter: number,
  ) {
    const n = d.n;
    const p = vp.length;
    this.n = n;
    this.p = p;
    this.beta = new Float64Array(p);
    this.eta = new Float64Array(n);
    this.gradAbs = new Float64Array(p);
    this.gradSigned = new Float64Array(p);
    this.inSet = new Uint8Array(p);
    this.setList = new Int32Array(p);
    this.pt = new CoxPoint(d);
    this.ptP = new CoxPoint(d);
    this.res = new Float64Array(n);
    this.deta = new Float64Array(n);
    this.etaTry = new Float64Array(n);
    this.betaOld = new Float64Array(p);
    this.sScratch = new Float64Array(d.evStart.length);
    this.active = new Int32Array(p);
    this.slot = new Int32Array(p);
    this.stamp = new Int32Array(p);
    this.hdiag = new Float64Array(p);
    this.poolCols = Math.min(p, 16);
    this.pool = new Float64Array(this.poolCols * n);
    this.gSlot = new Int32Array(p);
    this.gStamp = new Int32Array(p);
    this.chol = new CholFactor(p);
    this.mark = new Int32Array(p);
    this.vA = new Float64Array(n);
    this.vB = new Float64Array(n);
    this.kA = new Float64Array(p);
    this.kB = new Float64Array(p);
    this.kC = new Float64Array(p);
    this.kD = new Float64Array(p);
    this.kE = new Float64Array(p);
    this.kS = new Float64Array(p);
    this.kSol = new Float64Array(p);
    this.colsTmp = new Int32Array(p);
  }

  addToSet(j: number): void {
    if (this.inSet[j] || this.excluded[j]) return;
    this.inSet[j] = 1;
    this.setList[this.setSize++] = j;
  }

  private l1(j: number, lambda: number): number {
    return this.vp[j] === 0 ? 0 : lambda * this.alpha * this.vp[j];
  }

  private l2(j: number, lambda: number): number {
    return this.vp[j] === 0 ? 0 : lambda * (1 - this.alpha) * this.vp[j];
  }

  /** Offset in the pool of H x~_j at the current Newton point (computed on first use). */
  private hx(j: number): number {
    if (this.stamp[j] === this.curStamp) return this.slot[j] * this.n;
    const n = this.n;
    if (this.poolUsed === this.poolCols) {
      const cols = Math.min(this.p, this.poolCols * 2);
      const np = new Float64Array(cols * n);
      np.set(this.pool);
      this.pool = np;
      this.poolCols = cols;
    }
    const s = this.poolUsed++;
    this.slot[j] = s;
    this.stamp[j] = this.curStamp;
    const off = s * n;
    this.pt.hessVec(this.x, j * n, this.pool, off);
    const { x, pool } = this;
    const xo = j * n;
    let h = 0;
    for (let q = 0; q < n; q++) h += x[xo + q] * pool[off + q];
    this.hdiag[j] = h / n;
    return off;
  }

  private penalty(lambda: number, b: Float64Array): number {
    const { vp, alpha, setList, setSize } = this;
    let pen = 0;
    for (let t = 0; t < setSize; t++) {
      const j = setList[t];
      const v = b[j];
      if (v !== 0) pen += vp[j] * ((1 - alpha) * 0.5 * v * v + alpha * Math.abs(v));
    }
    return lambda * pen;
  }

  /** Recomputes eta = X beta from scratch (removes drift of the incremental updates). */
  refreshEta(): void {
    const { eta, beta, x, n } = this;
    eta.fill(0);
    for (let j = 0; j < this.p; j++) {
      const b = beta[j];
      if (b === 0) continue;
      const off = j * n;
      for (let q = 0; q < n; q++) eta[q] += b * x[off + q];
    }
  }

  /**
   * One coordinate-descent pass over `idx[0..cnt)` on the quadratic model; returns the largest
   * (h_jj + l2) |delta| (the change of the coordinate's gradient).
   */
  private cdPass(idx: Int32Array, cnt: number, lambda: number, skip: number): number {
    const { x, n, beta, res, deta } = this;
    let maxCh = 0;
    for (let t = 0; t < cnt; t += 4) {
      // gradients of four coordinates in one pass over res; once one of them moves, res changes and the
      // rest of the block is recomputed one at a time
      const m = Math.min(4, cnt - t);
      let z0 = 0;
      let z1 = 0;
      let z2 = 0;
      let z3 = 0;
      if (m === 4) {
        const o0 = idx[t] * n;
        const o1 = idx[t + 1] * n;
        const o2 = idx[t + 2] * n;
        const o3 = idx[t + 3] * n;
        for (let q = 0; q < n; q++) {
          const r = res[q];
          z0 += x[o0 + q] * r;
          z1 += x[o1 + q] * r;
          z2 += x[o2 + q] * r;
          z3 += x[o3 + q] * r;
        }
      }
      let fresh = m === 4;
      for (let u = 0; u < m; u++) {
        const j = idx[t + u];
        const off = j * n;
        let z: number;
        if (fresh) z = (u === 0 ? z0 : u === 1 ? z1 : u === 2 ? z2 : z3) / n;
        else {
          z = 0;
          for (let q = 0; q < n; q++) z += x[off + q] * res[q];
          z /= n;
        }
        const bj = beta[j];
        const l1 = this.l1(j, lambda);
        if (bj === 0) {
          if (Math.abs(z) <= l1) continue;
        } else if (Math.abs(z - l1 * Math.sign(bj) - this.l2(j, lambda) * bj) <= skip) continue; // optimal enough
        const ho = this.hx(j);
        const h = this.hdiag[j];
        const den = h + this.l2(j, lambda);
        if (!(den > 0)) continue;
        const bn = softThreshold(h * bj + z, l1) / den;
        if (bn === bj) continue;
        const delta = bn - bj;
        beta[j] = bn;
        const pool = this.pool;
        for (let q = 0; q < n; q++) {
          res[q] -= delta * pool[ho + q];
          deta[q] += delta * x[off + q];
        }
        fresh = false;
        const ch = den * Math.abs(delta);
        if (ch > maxCh) maxCh = ch;
      }
    }
    return maxCh;
  }

  /** Starts a new preconditioner at the current point (the Gram rows and the factor are rebuilt lazily). */
  private rebuildPreconditioner(): void {
    this.ptP.copyFrom(this.pt);
    this.hasP = true;
    this.pStamp++;
    this.gUsed = 0;
    this.chol.clear();
    this.pcgWork = 0;
    this.wantRebuild = false;
    this.pBuiltAt = this.curStamp;
  }

  /** Gram index of column j in the preconditioner (X' H_P X / n), adding its row if needed. */
  private gramIndex(j: number): number {
    if (this.gStamp[j] === this.pStamp) return this.gSlot[j];
    const { n, x } = this;
    if (this.gUsed === this.gCap) {
      const cap = Math.min(this.p, Math.max(16, this.gCap * 2));
      const ng = new Float64Array(cap * cap);
      for (let u = 0; u < this.gUsed; u++)
        ng.set(this.gram.subarray(u * this.gCap, u * this.gCap + this.gUsed), u * cap);
      this.gram = ng;
      this.gCap = cap;
      const nc = new Int32Array(cap);
      nc.set(this.gCols.subarray(0, this.gUsed));
      this.gCols = nc;
    }
    const gi = this.gUsed++;
    this.gSlot[j] = gi;
    this.gStamp[j] = this.pStamp;
    this.gCols[gi] = j;
    const h = this.vB;
    this.ptP.hessVec(x, j * n, h, 0);
    const { gram, gCap, gCols } = this;
    // row gi: x_u' (H_P x_j) / n for every Gram column u (four columns at a time)
    let u = 0;
    for (; u + 3 <= gi; u += 4) {
      const x0 = gCols[u] * n;
      const x1 = gCols[u + 1] * n;
      const x2 = gCols[u + 2] * n;
      const x3 = gCols[u + 3] * n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let q = 0; q < n; q++) {
        const hq = h[q];
        s0 += x[x0 + q] * hq;
        s1 += x[x1 + q] * hq;
        s2 += x[x2 + q] * hq;
        s3 += x[x3 + q] * hq;
      }
      gram[gi * gCap + u] = gram[u * gCap + gi] = s0 / n;
      gram[gi * gCap + u + 1] = gram[(u + 1) * gCap + gi] = s1 / n;
      gram[gi * gCap + u + 2] = gram[(u + 2) * gCap + gi] = s2 / n;
      gram[gi * gCap + u + 3] = gram[(u + 3) * gCap + gi] = s3 / n;
    }
    for (; u <= gi; u++) {
      const xo = gCols[u] * n;
      let sum = 0;
      for (let q = 0; q < n; q++) sum += x[xo + q] * h[q];
      gram[gi * gCap + u] = gram[u * gCap + gi] = sum / n;
    }
    return gi;
  }

  /**
   * Brings the preconditioner's factor to the columns act[0..na) (removing and appending columns);
   * false when a column makes it singular.
   */
  private syncFactor(act: Int32Array, na: number, lambda: number): boolean {
    const { chol } = this;
    if (!this.hasP) this.rebuildPreconditioner();
    if (this.alpha !== 1 && this.fLambda !== lambda && chol.k > 0) {
      // elastic net: the factor holds diag(l2) of an earlier lambda; still a good preconditioner unless
      // lambda moved a lot
      if (!(Math.abs(this.fLambda - lambda) <= 0.5 * lambda)) chol.clear();
    }
    if (chol.k === 0) this.fLambda = lambda;
    if (this.gUsed + na > MAX_GRAM && this.gUsed > chol.k) {
      // the Gram matrix keeps columns that have left the active set: start afresh
      this.rebuildPreconditioner();
      this.fLambda = lambda;
    }
    const mark = this.mark;
    this.markId++;
    for (let u = 0; u < na; u++) mark[act[u]] = this.markId;
    for (let i = chol.k - 1; i >= 0; i--) if (mark[chol.cols[i]] !== this.markId) chol.remove(i);
    const row = this.kE;
    for (let u = 0; u < na; u++) {
      const j = act[u];
      if (chol.pos[j] >= 0) continue;
      const gj = this.gramIndex(j);
      for (let v = 0; v < chol.k; v++) row[v] = this.gram[gj * this.gCap + this.gramIndex(chol.cols[v])];
      if (!chol.append(j, row, this.gram[gj * this.gCap + gj] + this.l2(j, this.fLambda))) return false;
    }
    return true;
  }

  /** out = (X_F' H X_F / n + diag(l2)) v for the factor's columns F, at the current point. */
  private modelMatVec(v: Float64Array, out: Float64Array, lambda: number): void {
    const { n, x, chol } = this;
    const k = chol.k;
    const xv = this.vA;
    xv.fill(0);
    colAxpy(x, n, chol.cols, v, k, xv);
    const hxv = this.vB;
    this.pt.hessVec(xv, 0, hxv, 0);
    colDots(x, n, chol.cols, k, hxv, out);
    for (let u = 0; u < k; u++) out[u] += this.l2(chol.cols[u], lambda) * v[u];
    this.pcgWork += 2 * k * n;
  }

  /**
   * Solves the model's linear system for the factor's columns: sol = A^{-1} rhs with
   * A = X_F' H X_F / n + diag(l2), by conjugate gradients preconditioned with the factor (exact in one
   * step when the factor is at the current point). Stops when every residual component is <= tolAbs.
   */
  private solveSystem(
    rhs: Float64Array,
    sol: Float64Array,
    lambda: number,
    tolAbs: number,
    warm: boolean,
  ): boolean {
    const { chol } = this;
    const k = chol.k;
    const exact = this.pBuiltAt === this.curStamp && (this.alpha === 1 || this.fLambda === lambda);
    if (exact || !warm) {
      for (let u = 0; u < k; u++) sol[u] = rhs[u];
      chol.solve(sol);
    }
    if (exact) return true;
    // PCG from x0 = M^{-1} rhs
    const r = this.kB;
    const z = this.kC;
    const pv = this.kD;
    const ap = this.kE;
    this.modelMatVec(sol, ap, lambda);
    let rmax = 0;
    for (let u = 0; u < k; u++) {
      r[u] = rhs[u] - ap[u];
      rmax = Math.max(rmax, Math.abs(r[u]));
    }
    if (rmax <= tolAbs) return true;
    for (let u = 0; u < k; u++) z[u] = r[u];
    chol.solve(z);
    let rz = 0;
    for (let u = 0; u < k; u++) {
      pv[u] = z[u];
      rz += r[u] * z[u];
    }
    for (let it = 0; it < MAX_PCG; it++) {
      this.modelMatVec(pv, ap, lambda);
      let pap = 0;
      for (let u = 0; u < k; u++) pap += pv[u] * ap[u];
      if (!(pap > 0)) return false;
      const a = rz / pap;
      rmax = 0;
      for (let u = 0; u < k; u++) {
        sol[u] += a * pv[u];
        r[u] -= a * ap[u];
        rmax = Math.max(rmax, Math.abs(r[u]));
      }
      if (rmax <= tolAbs) return true;
      for (let u = 0; u < k; u++) z[u] = r[u];
      chol.solve(z);
      let rzNew = 0;
      for (let u = 0; u < k; u++) rzNew += r[u] * z[u];
      const bcg = rzNew / rz;
      rz = rzNew;
      for (let u = 0; u < k; u++) pv[u] = z[u] + bcg * pv[u];
    }
    this.wantRebuild = true;
    return false;
  }

  /**
   * Active-set direct solve of the model over act[0..na) with the signs held. When a coefficient would
   * change sign, the step stops at the first sign change (the model still decreases along the segment),
   * that column leaves, and the rest is re-solved: the remaining right-hand side is then (1 - t) times the
   * previous one. `fromGrad`: the model is at its expansion point (res = g), so the right-hand side comes
   * from the gradients of `kktSet`. Returns true when it ended on a full step.
   */
  private polishLoop(
    act: Int32Array,
    na: number,
    lambda: number,
    fromGrad: boolean,
    tolAbs: number,
  ): boolean {
    if (na === 0) return false;
    const { n, x, beta, res, deta, chol } = this;
    if (!this.syncFactor(act, na, lambda)) {
      this.wantRebuild = true;
      return false;
    }
    let k = chol.k;
    const rhs = this.kA;
    const cols0 = this.colsTmp;
    const start = this.kS;
    const sol = this.kSol;
    if (!fromGrad) colDots(x, n, chol.cols, k, res, sol);
    for (let u = 0; u < k; u++) {
      const j = chol.cols[u];
      cols0[u] = j;
      const z = fromGrad ? this.gradSigned[j] : sol[u];
      rhs[u] = z - this.l1(j, lambda) * Math.sign(beta[j]) - this.l2(j, lambda) * beta[j];
      start[u] = beta[j];
    }
    const k0 = k;
    let full = false;
    for (let rep = 0; rep < k0 && k > 0; rep++) {
      // after a partial step, (1 - t) times the previous solution is the warm start
      if (!this.solveSystem(rhs, sol, lambda, tolAbs, rep > 0)) break;
      let t = 1;
      let hit = -1;
      for (let u = 0; u < k; u++) {
        const j = chol.cols[u];
        if (this.l1(j, lambda) === 0) continue; // no kink at 0 (unpenalised column or ridge)
        const b = beta[j];
        const bn = b + sol[u];
        if (bn === 0 || Math.sign(bn) !== Math.sign(b)) {
          const tu = -b / sol[u];
          if (tu < t) {
            t = tu;
            hit = u;
          }
        }
      }
      for (let u = 0; u < k; u++) {
        const j = chol.cols[u];
        beta[j] = u === hit ? 0 : beta[j] + t * sol[u];
      }
      if (hit < 0) {
        full = true;
        break;
      }
      for (let u = 0; u < k; u++) {
        rhs[u] *= 1 - t;
        sol[u] *= 1 - t;
      }
      for (let u = hit; u < k - 1; u++) {
        rhs[u] = rhs[u + 1];
        sol[u] = sol[u + 1];
      }
      chol.remove(hit);
      k--;
    }
    // v = X (b - b_start), then deta += v and res -= H v (one O(n) Hessian product)
    const v = this.vA;
    v.fill(0);
    for (let u = 0; u < k0; u++) start[u] = beta[cols0[u]] - start[u];
    colAxpy(x, n, cols0, start, k0, v);
    const hv = this.vB;
    this.pt.hessVec(v, 0, hv, 0);
    for (let q = 0; q < n; q++) {
      deta[q] += v[q];
      res[q] -= hv[q];
    }
    return full;
  }

  /** Worst KKT violation over the working set at the current point (also stores the gradients). */
  private kktSet(lambda: number): number {
    const { beta, setList, setSize, pt, n, x } = this;
    const g = this.kB;
    colDots(x, n, setList, setSize, pt.g, g); // d (l/n) / d beta_j
    let worst = 0;
    for (let t = 0; t < setSize; t++) {
      const j = setList[t];
      const gj = g[t];
      this.gradAbs[j] = Math.abs(gj);
      this.gradSigned[j] = gj;
      const l1 = this.l1(j, lambda);
      const b = beta[j];
      const v =
        b !== 0 ? Math.abs(-gj + this.l2(j, lambda) * b + l1 * Math.sign(b)) : Math.max(0, Math.abs(gj) - l1);
      if (v > worst) worst = v;
    }
    return worst;
  }

  /**
   * Solves one lambda from the current (warm) state by proximal Newton with a step-halving line search.
   * With `screen`, the columns outside the working set are checked against their KKT condition (once
   * early, so that strong-rule misses join before the final iterations, and at the end) and added when
   * they violate it. Converged when every KKT condition holds to tol * lambda.
   */
  solve(lambda: number, screen: boolean): { iter: number; converged: boolean } {
    const { n, beta, eta, pt, res, deta, etaTry, betaOld, excluded, vp, alpha } = this;
    const kktTol = Math.max(this.tol * lambda, KKT_FLOOR);
    pt.set(eta);
    let obj = -pt.ll / n + this.penalty(lambda, beta);
    let earlyCheck = screen;
    for (let iter = 1; iter <= this.maxIter + 1; iter++) {
      let worst = this.kktSet(lambda);
      const done = worst <= kktTol;
      if (done || (earlyCheck && worst <= 1e-3 * lambda)) {
        if (!screen) return { iter: iter - 1, converged: true };
        earlyCheck = false;
        let added = 0;
        const out = this.colsTmp;
        let m = 0;
        for (let j = 0; j < this.p; j++) if (!this.inSet[j] && !excluded[j]) out[m++] = j;
        const gOut = this.kB;
        colDots(this.x, n, out, m, pt.g, gOut);
        for (let t = 0; t < m; t++) {
          const j = out[t];
          const gj = Math.abs(gOut[t]);
          this.gradAbs[j] = gj;
          const l1 = lambda * alpha * vp[j];
          if (gj > l1) {
            this.addToSet(j);
            added++;
            if (gj - l1 > worst) worst = gj - l1;
          }
        }
        // violators within the tolerance stay in the working set for the next lambda
        if (done && (added === 0 || worst <= kktTol)) return { iter: iter - 1, converged: true };
      }
      if (iter > this.maxIter) break;
      // quadratic model at the current point
      this.curStamp++;
      this.poolUsed = 0;
      if (this.useDirect && (this.wantRebuild || !this.hasP)) this.rebuildPreconditioner();
      res.set(pt.g);
      deta.fill(0);
      betaOld.set(beta);
      const innerTol = Math.max(0.1 * kktTol, 1e-3 * worst);
      this.solveModel(lambda, innerTol);
      // line search on the exact objective
      const set = this.setList.subarray(0, this.setSize);
      let accepted = false;
      let tStep = 1;
      for (let halving = 0; halving < 50; halving++) {
        if (halving > 0) {
          tStep *= 0.5;
          for (let t = 0; t < set.length; t++) {
            const j = set[t];
            beta[j] = betaOld[j] + 0.5 * (beta[j] - betaOld[j]);
          }
        }
        for (let q = 0; q < n; q++) etaTry[q] = eta[q] + tStep * deta[q];
        const objTry = -logLik(this.d, etaTry, this.sScratch) / n + this.penalty(lambda, beta);
        if (objTry <= obj + 1e-13 * Math.abs(obj)) {
          obj = objTry;
          accepted = true;
          break;
        }
      }
      if (!accepted) {
        // no decrease possible: the point is optimal to rounding unless the KKT residual is large
        for (let t = 0; t < set.length; t++) beta[set[t]] = betaOld[set[t]];
        return { iter, converged: worst <= 100 * kktTol };
      }
      eta.set(etaTry);
      pt.set(eta);
      // the preconditioner pays for itself: rebuild it once the conjugate-gradient work since its last
      // rebuild exceeds what rebuilding costs (Gram rows and factor)
      if (this.hasP) {
        const k = this.chol.k;
        const rebuild = this.gUsed * this.gUsed * n * 0.5 + (k * k * k) / 3;
        if (this.pcgWork > rebuild) this.wantRebuild = true;
      }
    }
    return { iter: this.maxIter, converged: false };
  }

  /**
   * Minimises the quadratic model over the working set to `innerTol`: cyclic coordinate descent, full
   * passes alternating with passes over the non-zero coordinates, or direct solves of the non-zero
   * coordinates once coordinate descent has proved slow.
   */
  private solveModel(lambda: number, innerTol: number): void {
    const { beta } = this;
    const set = this.setList.subarray(0, this.setSize);
    const act = this.active;
    const direct = (na: number, fromGrad: boolean) =>
      na > 0 && na <= MAX_DIRECT && this.polishLoop(act, na, lambda, fromGrad, 0.5 * innerTol);
    if (this.useDirect) {
      // start from a direct solve on the current non-zero columns (right-hand side from kktSet)
      let na = 0;
      for (let t = 0; t < set.length; t++) if (beta[set[t]] !== 0) act[na++] = set[t];
      direct(na, true);
    }
    for (let outer = 0; outer < 1000; outer++) {
      const ch = this.cdPass(set, set.length, lambda, 0.5 * innerTol);
      if (ch <= innerTol) return;
      let na = 0;
      for (let t = 0; t < set.length; t++) if (beta[set[t]] !== 0) act[na++] = set[t];
      if (this.useDirect && direct(na, false)) continue;
      // coordinate descent is slow on ill-conditioned models (small lambda, correlated columns): once its
      // observed rate predicts many sweeps, switch to direct solves (for the rest of the path: the models
      // only get harder as lambda decreases)
      let prev = ch;
      for (let sweep = 0; sweep < 100000; sweep++) {
        const c = this.cdPass(act, na, lambda, 0.5 * innerTol);
        if (c <= innerTol) break;
        const rate = c / prev;
        prev = c;
        const need = rate < 1 ? Math.log(innerTol / c) / Math.log(rate) : Number.POSITIVE_INFINITY;
        if (sweep >= 1 && need > 5 && na <= MAX_DIRECT) {
          if (!this.useDirect) {
            this.useDirect = true;
            this.rebuildPreconditioner();
          }
          if (direct(na, false)) break;
        }
      }
    }
  }
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
