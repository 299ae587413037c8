/**
 * Penalised Cox building blocks (see coxnet.ts for the model and its conventions): Breslow data sorted
 * by time, the log-likelihood and the per-point gradient/Hessian sweep (CoxPoint), the standardised
 * design, and the small dense linear algebra (Cholesky factor with column updates, column dot/axpy).
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError } from "../../errors.js";

/**
 * Survival data sorted once by time for the Breslow likelihood. Everything below is indexed by the
 * sorted position q (0..n-1); `order[q]` is the original row.
 */
export interface CoxData {
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

export function prepare(time: ArrayLike<number>, event: ArrayLike<number>): CoxData {
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
export function logLik(d: CoxData, eta: Float64Array, s: Float64Array): number {
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
export class CoxPoint {
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

export interface Design {
  /** centred (and scaled) columns in sorted order, column j at [j n, (j + 1) n) */
  x: Float64Array;
  /** scale of each column (1/n SD when standardising, else 1) */
  xs: Float64Array;
  excluded: Uint8Array;
}

export function buildDesign(
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

export function softThreshold(z: number, g: number): number {
  if (z > g) return z - g;
  if (z < -g) return z + g;
  return 0;
}

/**
 * Cholesky factor L (lower triangular, row-major with stride `cap`) of the model Hessian restricted to a
 * set of columns, updated when a column joins (one forward solve, O(k^2)) or leaves (a rank-one update
 * of the trailing block, O(k^2)) instead of refactoring (O(k^3)).
 */
export class CholFactor {
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
export function colDots(
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
export function colAxpy(
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
