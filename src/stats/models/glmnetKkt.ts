/**
 * Optimality certificate (KKT conditions) and exact polishing of elastic-net logistic solutions (see
 * glmnet.ts). Re-exported by glmnet.ts (`stats.glmnet`).
 *
 * Browser-safe: no `node:` imports.
 */
import { choleskySolve } from "./logistic.js";
import { sigmoid } from "./glmnet.js";

export interface KktReport {
  /** Penalised objective (the glmnet objective above, on the internal scale). */
  objective: number;
  /** Largest violation of the optimality (KKT) conditions over intercept and coefficients. */
  maxViolation: number;
}

/**
 * Optimality certificate for an elastic-net logistic solution given on the original scale: the objective
 * and the largest KKT violation, with gradients taken on glmnet's internal scale (columns standardised
 * by the 1/n SD when `standardize`). A solution is optimal iff maxViolation = 0.
 */
export function glmnetKkt(
  x: Float64Array[],
  y: ArrayLike<number>,
  a0: number,
  beta: ArrayLike<number>,
  lambda: number,
  alpha: number,
  standardize = true,
): KktReport {
  const n = y.length;
  const p = x.length;
  const resid = new Float64Array(n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let e = a0;
    for (let j = 0; j < p; j++) e += beta[j] * x[j][i];
    const pr = sigmoid(e);
    resid[i] = pr - y[i];
    loss += (e > 0 ? e + Math.log1p(Math.exp(-e)) : Math.log1p(Math.exp(e))) - y[i] * e;
  }
  let viol = 0;
  let g0 = 0;
  for (let i = 0; i < n; i++) g0 += resid[i];
  viol = Math.abs(g0 / n);
  let pen = 0;
  for (let j = 0; j < p; j++) {
    const col = x[j];
    let m = 0;
    for (let i = 0; i < n; i++) m += col[i];
    m /= n;
    let sd = 1;
    if (standardize) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (col[i] - m) ** 2;
      sd = Math.sqrt(s / n);
      if (!(sd > 0)) continue;
    }
    let g = 0;
    for (let i = 0; i < n; i++) g += resid[i] * col[i];
    g = g / n / sd; // d/d(b*sd) of the loss
    const b = beta[j] * sd;
    pen += (1 - alpha) * 0.5 * b * b + alpha * Math.abs(b);
    const v =
      b === 0
        ? Math.max(0, Math.abs(g) - lambda * alpha)
        : Math.abs(g + lambda * (1 - alpha) * b + lambda * alpha * Math.sign(b));
    if (v > viol) viol = v;
  }
  return { objective: loss / n + lambda * pen, maxViolation: viol };
}

/**
 * Polish an elastic-net logistic solution to the exact optimum (to rounding): Newton iterations on the
 * smooth problem restricted to the non-zero coefficients with their signs fixed, on glmnet's internal
 * scale, with features added (KKT violators) or dropped (sign changes) until the KKT conditions hold.
 * Coordinate descent stops when coefficients stop moving by more than `thresh`, which on flat
 * (nearly separable) problems can leave the solution 1e-5 away from the optimum; this removes that.
 * `a0`/`beta` and the result are on the original scale.
 */
export function glmnetPolish(
  x: Float64Array[],
  y: ArrayLike<number>,
  a0: number,
  beta: ArrayLike<number>,
  lambda: number,
  alpha: number,
  standardize = true,
  maxIter = 100,
): { a0: number; beta: Float64Array; kkt: number } {
  const n = y.length;
  const p = x.length;
  const mean = new Float64Array(p);
  const sd = new Float64Array(p).fill(1);
  const z: Float64Array[] = [];
  const usable = new Uint8Array(p);
  for (let j = 0; j < p; j++) {
    const col = x[j];
    let m = 0;
    for (let i = 0; i < n; i++) m += col[i];
    m /= n;
    mean[j] = m;
    const zc = new Float64Array(n);
    let s = 0;
    for (let i = 0; i < n; i++) {
      zc[i] = col[i] - m;
      s += zc[i] * zc[i];
    }
    if (s > 0) usable[j] = 1;
    if (standardize && s > 0) {
      sd[j] = Math.sqrt(s / n);
      for (let i = 0; i < n; i++) zc[i] /= sd[j];
    }
    z.push(zc);
  }
  // Internal-scale parameters.
  const b = new Float64Array(p);
  let b0 = a0;
  for (let j = 0; j < p; j++) {
    b[j] = beta[j] * sd[j];
    b0 += beta[j] * mean[j];
  }
  const l1 = lambda * alpha;
  const l2 = lambda * (1 - alpha);
  const eta = new Float64Array(n);
  const resid = new Float64Array(n);
  const wv = new Float64Array(n);
  const grad = new Float64Array(p);
  const computeResid = () => {
    eta.fill(b0);
    for (let j = 0; j < p; j++) {
      const bj = b[j];
      if (bj === 0) continue;
      const c = z[j];
      for (let i = 0; i < n; i++) eta[i] += bj * c[i];
    }
    for (let i = 0; i < n; i++) {
      const pr = sigmoid(eta[i]);
      resid[i] = (pr - y[i]) / n;
      wv[i] = (pr * (1 - pr)) / n;
    }
    for (let j = 0; j < p; j++) {
      const c = z[j];
      let g = 0;
      for (let i = 0; i < n; i++) g += resid[i] * c[i];
      grad[j] = g;
    }
  };
  const objective = (bb0: number, bb: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let e = bb0;
      for (let j = 0; j < p; j++) if (bb[j] !== 0) e += bb[j] * z[j][i];
      f += (e > 0 ? e + Math.log1p(Math.exp(-e)) : Math.log1p(Math.exp(e))) - y[i] * e;
    }
    let pen = 0;
    for (let j = 0; j < p; j++) pen += l1 * Math.abs(bb[j]) + 0.5 * l2 * bb[j] * bb[j];
    return f / n + pen;
  };
  const sign = new Float64Array(p);
  for (let j = 0; j < p; j++) sign[j] = Math.sign(b[j]);
  let kkt = Number.POSITIVE_INFINITY;
  for (let outer = 0; outer < 20; outer++) {
    const act: number[] = [];
    for (let j = 0; j < p; j++) if (sign[j] !== 0 && usable[j]) act.push(j);
    const m = act.length + 1;
    for (let it = 0; it < maxIter; it++) {
      computeResid();
      const g = new Float64Array(m);
      const h = new Float64Array(m * m);
      let s0 = 0;
      let h00 = 0;
      for (let i = 0; i < n; i++) {
        s0 += resid[i];
        h00 += wv[i];
      }
      g[0] = s0;
      h[0] = h00;
      for (let a = 0; a < act.length; a++) {
        const j = act[a];
        g[a + 1] = grad[j] + l1 * sign[j] + l2 * b[j];
        const cj = z[j];
        let hj0 = 0;
        for (let i = 0; i < n; i++) hj0 += wv[i] * cj[i];
        h[a + 1] = hj0;
        h[(a + 1) * m] = hj0;
        for (let c = 0; c <= a; c++) {
          const ck = z[act[c]];
          let hv = 0;
          for (let i = 0; i < n; i++) hv += wv[i] * cj[i] * ck[i];
          h[(a + 1) * m + c + 1] = hv;
          h[(c + 1) * m + a + 1] = hv;
        }
        h[(a + 1) * m + a + 1] += l2;
      }
      let gmax = 0;
      for (let k = 0; k < m; k++) gmax = Math.max(gmax, Math.abs(g[k]));
      if (gmax < 1e-15) break;
      const step = new Float64Array(m);
      if (!choleskySolve(h, m, g, step)) break;
      // Damped step: stay within the orthant and decrease the objective.
      let t = 1;
      for (let a = 0; a < act.length; a++) {
        const j = act[a];
        const nb = b[j] - step[a + 1];
        if (Math.sign(nb) !== sign[j] && step[a + 1] !== 0) t = Math.min(t, b[j] / step[a + 1]);
      }
      const f0 = objective(b0, b);
      const tb = new Float64Array(b);
      let accepted = false;
      for (let hh = 0; hh < 50; hh++) {
        const tb0 = b0 - t * step[0];
        for (let a = 0; a < act.length; a++) {
          const j = act[a];
          const nb = b[j] - t * step[a + 1];
          tb[j] = Math.sign(nb) === sign[j] ? nb : 0;
        }
        if (objective(tb0, tb) <= f0) {
          b0 = tb0;
          b.set(tb);
          accepted = true;
          break;
        }
        t /= 2;
      }
      if (!accepted) break;
      for (const j of act) if (b[j] === 0) sign[j] = 0;
    }
    computeResid();
    // KKT: add the worst violator among the zeros, or stop.
    let worst = -1;
    let worstV = 0;
    kkt = 0;
    let g0 = 0;
    for (let i = 0; i < n; i++) g0 += resid[i];
    kkt = Math.abs(g0);
    for (let j = 0; j < p; j++) {
      if (!usable[j]) continue;
      const v =
        b[j] === 0
          ? Math.max(0, Math.abs(grad[j]) - l1)
          : Math.abs(grad[j] + l1 * Math.sign(b[j]) + l2 * b[j]);
      kkt = Math.max(kkt, v);
      if (b[j] === 0 && v > worstV) {
        worstV = v;
        worst = j;
      }
    }
    if (worst < 0 || worstV < 1e-12) break;
    sign[worst] = -Math.sign(grad[worst]);
  }
  const out = new Float64Array(p);
  let outA0 = b0;
  for (let j = 0; j < p; j++) {
    out[j] = b[j] / sd[j];
    outA0 -= out[j] * mean[j];
  }
  return { a0: outA0, beta: out, kkt };
}

/** Logistic function, stable for large |eta|. */
