/**
 * Logistic regression by Newton-Raphson (exact optimum), unpenalised or with a ridge (L2) penalty:
 *
 *   minimise  (1/sum w) * sum_i w_i * logloss_i(a0 + x_i·b) + lambda/2 * sum_j pf_j * b_j^2
 *
 * with the intercept unpenalised. This is the objective of glmnet with alpha = 0 and of sklearn's
 * `LogisticRegression(penalty="l2", C)` with lambda = 1/(C n). Newton steps with step halving on the
 * objective; converged when the largest absolute gradient entry is below `tol`. The Hessian is
 * (p+1) x (p+1), so this is for moderate p; the coordinate-descent path (glmnet.ts) handles large p.
 */

import { DataError, InputError } from "../../errors.js";

export interface LogisticOptions {
  /** Ridge penalty (default 0 = maximum likelihood). */
  lambda?: number;
  intercept?: boolean;
  /** Per-feature penalty multiplier (used as given, not rescaled). */
  penaltyFactor?: ArrayLike<number>;
  weights?: ArrayLike<number>;
  /** Convergence: max |gradient| (default 1e-12). */
  tol?: number;
  maxIter?: number;
}

export interface LogisticFit {
  intercept: number;
  coef: Float64Array;
  /** Newton iterations used. */
  iterations: number;
  converged: boolean;
  /** Max |gradient| of the objective at the solution. */
  gradientNorm: number;
  /** Log-likelihood sum_i w_i log p(y_i) (weights as given). */
  logLik: number;
  /** Objective value at the solution. */
  objective: number;
}

/** Cholesky solve of the symmetric positive-definite system A z = b (A row-major m x m); false if not SPD. */
export function choleskySolve(a: Float64Array, m: number, b: Float64Array, z: Float64Array): boolean {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * m + j];
      for (let k = 0; k < j; k++) s -= l[i * m + k] * l[j * m + k];
      if (i === j) {
        if (!(s > 0)) return false;
        l[i * m + i] = Math.sqrt(s);
      } else l[i * m + j] = s / l[j * m + j];
    }
  }
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * m + k] * z[k];
    z[i] = s / l[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < m; k++) s -= l[k * m + i] * z[k];
    z[i] = s / l[i * m + i];
  }
  return true;
}

/** log(1 + exp(t)) without overflow. */
export function log1pExp(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/** Fit by Newton-Raphson. `x`: one Float64Array per feature (length n); `y`: 0/1. */
export function logisticNewton(
  x: Float64Array[],
  y: ArrayLike<number>,
  opts: LogisticOptions = {},
): LogisticFit {
  const p = x.length;
  const n = y.length;
  const lambda = opts.lambda ?? 0;
  const intr = opts.intercept ?? true;
  const tol = opts.tol ?? 1e-12;
  const maxIter = opts.maxIter ?? 200;
  if (!(lambda >= 0)) throw new InputError(`lambda must be >= 0, got ${lambda}`);
  const w = new Float64Array(n);
  let sw = 0;
  let npos = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    if (yi !== 0 && yi !== 1) throw new InputError(`response must be 0 or 1, got ${yi} (row ${i + 1})`);
    w[i] = opts.weights ? opts.weights[i] : 1;
    sw += w[i];
    if (yi === 1) npos += w[i];
  }
  if (npos === 0 || npos === sw) throw new DataError("the response has one class only");
  for (let i = 0; i < n; i++) w[i] /= sw;
  for (let j = 0; j < p; j++) {
    if (x[j].length !== n) throw new InputError(`feature ${j + 1} has ${x[j].length} values, expected ${n}`);
  }
  const pf = new Float64Array(p);
  for (let j = 0; j < p; j++) pf[j] = opts.penaltyFactor ? opts.penaltyFactor[j] : 1;

  // Parameter vector theta = [a0, b_1..b_p]; index 0 unused when there is no intercept.
  const m = p + 1;
  const theta = new Float64Array(m);
  if (intr) theta[0] = Math.log(npos / (sw - npos));
  const eta = new Float64Array(n);
  const prob = new Float64Array(n);
  const grad = new Float64Array(m);
  const hess = new Float64Array(m * m);
  const step = new Float64Array(m);
  const trial = new Float64Array(m);

  const computeEta = (t: Float64Array) => {
    eta.fill(intr ? t[0] : 0);
    for (let j = 0; j < p; j++) {
      const bj = t[j + 1];
      if (bj === 0) continue;
      const col = x[j];
      for (let i = 0; i < n; i++) eta[i] += bj * col[i];
    }
  };
  const objective = (t: Float64Array): number => {
    computeEta(t);
    let f = 0;
    for (let i = 0; i < n; i++) f += w[i] * (log1pExp(eta[i]) - y[i] * eta[i]);
    let pen = 0;
    for (let j = 0; j < p; j++) pen += pf[j] * t[j + 1] * t[j + 1];
    return f + 0.5 * lambda * pen;
  };

  let f = objective(theta);
  let iterations = 0;
  let converged = false;
  let gmax = Number.POSITIVE_INFINITY;
  for (; iterations <= maxIter; iterations++) {
    // Gradient and Hessian at theta (eta is current).
    for (let i = 0; i < n; i++) {
      const e = eta[i];
      prob[i] = e >= 0 ? 1 / (1 + Math.exp(-e)) : Math.exp(e) / (1 + Math.exp(e));
    }
    grad.fill(0);
    hess.fill(0);
    const r = new Float64Array(n);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      r[i] = w[i] * (prob[i] - y[i]);
      v[i] = w[i] * prob[i] * (1 - prob[i]);
    }
    if (intr) {
      let g = 0;
      let h = 0;
      for (let i = 0; i < n; i++) {
        g += r[i];
        h += v[i];
      }
      grad[0] = g;
      hess[0] = h;
    } else hess[0] = 1;
    for (let j = 0; j < p; j++) {
      const cj = x[j];
      let g = 0;
      let h0 = 0;
      for (let i = 0; i < n; i++) {
        g += r[i] * cj[i];
        h0 += v[i] * cj[i];
      }
      grad[j + 1] = g + lambda * pf[j] * theta[j + 1];
      if (intr) {
        hess[j + 1] = h0;
        hess[(j + 1) * m] = h0;
      }
      for (let k = 0; k <= j; k++) {
        const ck = x[k];
        let h = 0;
        for (let i = 0; i < n; i++) h += v[i] * cj[i] * ck[i];
        hess[(j + 1) * m + k + 1] = h;
        hess[(k + 1) * m + j + 1] = h;
      }
      hess[(j + 1) * m + j + 1] += lambda * pf[j];
    }
    gmax = 0;
    for (let k = 0; k < m; k++) gmax = Math.max(gmax, Math.abs(grad[k]));
    if (gmax <= tol) {
      converged = true;
      break;
    }
    if (iterations === maxIter) break;
    if (!choleskySolve(hess, m, grad, step)) {
      // Singular Hessian (separation or collinear features without a penalty): tiny ridge on the diagonal.
      for (let k = 0; k < m; k++) hess[k * m + k] += 1e-10 * (1 + hess[k * m + k]);
      if (!choleskySolve(hess, m, grad, step)) break;
    }
    let t = 1;
    let accepted = false;
    for (let h = 0; h < 60; h++) {
      for (let k = 0; k < m; k++) trial[k] = theta[k] - t * step[k];
      const ft = objective(trial);
      if (ft <= f) {
        theta.set(trial);
        f = ft;
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (!accepted) {
      // No decrease possible at float64 precision: at the optimum up to rounding.
      computeEta(theta);
      converged = gmax < 1e-8;
      break;
    }
  }
  computeEta(theta);
  let logLik = 0;
  for (let i = 0; i < n; i++) logLik -= w[i] * sw * (log1pExp(eta[i]) - y[i] * eta[i]);
  return {
    intercept: intr ? theta[0] : 0,
    coef: theta.slice(1),
    iterations,
    converged,
    gradientNorm: gmax,
    logLik,
    objective: f,
  };
}
