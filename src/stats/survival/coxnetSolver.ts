/**
 * The penalised Cox path solver (proximal Newton with coordinate descent or direct active-set solves;
 * see coxnet.ts for the model and the algorithm overview).
 *
 * Browser-safe: no `node:` imports.
 */
import { CholFactor, type CoxData, CoxPoint, colAxpy, colDots, logLik, softThreshold } from "./coxnetData.js";

/** Largest active set solved directly (its Gram matrix and factor take O(k^2) memory). */
export const MAX_DIRECT = 2000;

/** Most columns kept in the preconditioner's Gram matrix before it is rebuilt from scratch. */
export const MAX_GRAM = 2500;

/** Absolute floor of the KKT tolerance (gradients of l/n are O(1); rounding noise is ~1e-15). */
export const KKT_FLOOR = 1e-12;

/** Preconditioned conjugate-gradient iterations allowed per direct solve before giving up on it. */
export const MAX_PCG = 60;

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
export class CoxnetSolver {
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
