/**
 * Proportional-hazards test from Schoenfeld residuals, as R's `cox.zph(fit, transform = "km",
 * terms = TRUE, global = TRUE)` (survival >= 3.0: the score test of Grambsch & Therneau (1994) computed
 * exactly, survival's zph1.c, rather than the older regression approximation).
 *
 * For a fitted Cox model with coefficients beta and g(t) a transform of time centred at its mean over the
 * events, the model with time-varying coefficients beta + theta * g(t) is scored at theta = 0: U = the
 * 2p score vector (its first p entries are 0 at the MLE), I the 2p x 2p information (Breslow or Efron,
 * as the fit). Per term (its columns jj): chisq = U' I^-1 U restricted to (all p coefficients, theta_jj),
 * df = number of columns of the term; GLOBAL: all thetas, df = p.
 * Transforms: "km" (default): 1 - KM(t-) of the pooled data (left-continuous), "rank" (average ranks of
 * the times), "identity", "log".
 *
 * Browser-safe: no `node:` imports.
 */
import { InputError } from "../../errors.js";
import type { CoxFit } from "./cox.js";
import { sortForCox } from "./cox.js";
import { chi2Sf } from "../core/distributions.js";
import { cholesky2, chsolve2 } from "./data.js";

export type ZphTransform = "km" | "rank" | "identity" | "log";

export interface CoxZphOptions {
  transform?: ZphTransform;
  /** One test per term (a categorical variable's columns together, default) instead of per column. */
  terms?: boolean;
  /** Add the global test (default true). */
  global?: boolean;
}

export interface ZphRow {
  term: string;
  chisq: number;
  df: number;
  p: number;
}

export interface CoxZphResult {
  transform: ZphTransform;
  table: ZphRow[];
  global?: ZphRow;
}

/** Average ranks (R's rank(), ties.method = "average"). */
function averageRank(x: Float64Array): Float64Array {
  const n = x.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[idx[j + 1]] === x[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

/** 1 - S(t-) for each observation, S the pooled Kaplan-Meier (left-continuous at t). */
function kmTransform(time: Float64Array, event: Uint8Array): Float64Array {
  const n = time.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => time[a] - time[b]);
  const out = new Float64Array(n);
  let km = 1;
  let i = 0;
  while (i < n) {
    let j = i;
    let d = 0;
    while (j < n && time[idx[j]] === time[idx[i]]) {
      d += event[idx[j]];
      j++;
    }
    for (let k = i; k < j; k++) out[idx[k]] = 1 - km; // S just before this time
    const nr = n - i;
    if (d > 0) km *= (nr - d) / nr;
    i = j;
  }
  return out;
}

/** The score vector (2p) and information (2p x 2p) of zph1 at the fitted beta. */
function zphScore(
  fit: CoxFit,
  cols: Float64Array[],
  gt: Float64Array,
  eta: Float64Array,
): { u: Float64Array; imat: Float64Array } {
  const nvar = cols.length;
  const n = fit.data.time.length;
  // centre the columns (stability only; the statistics are invariant)
  const covar = cols.map((c) => {
    let m = 0;
    for (let i = 0; i < n; i++) m += c[i];
    m /= n;
    return c.map((v) => v - m);
  });
  const sorted = sortForCox(fit.data.time, fit.data.event, covar, fit.data.strata);
  const { order, time, status, stratLast } = sorted;
  const x = sorted.covar;
  const g = new Float64Array(n);
  const e = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    g[k] = gt[order[k]];
    e[k] = eta[order[k]];
  }
  const p2 = 2 * nvar;
  const u = new Float64Array(p2);
  const imat = new Float64Array(p2 * p2);
  const a = new Float64Array(nvar);
  const a2 = new Float64Array(nvar);
  const cmat = new Float64Array(nvar * nvar);
  const cmat2 = new Float64Array(nvar * nvar);
  const efron = fit.ties === "efron";
  let denom = 0;
  let ip = n - 1;
  while (ip >= 0) {
    if (stratLast[ip] === 1) {
      denom = 0;
      a.fill(0);
      cmat.fill(0);
    }
    const dtime = time[ip];
    const timewt = g[ip];
    let ndead = 0;
    let denom2 = 0;
    for (; ip >= 0; ip--) {
      if (time[ip] !== dtime) break;
      const risk = Math.exp(e[ip]);
      if (status[ip] === 0) {
        denom += risk;
        for (let i = 0; i < nvar; i++) {
          a[i] += risk * x[i][ip];
          for (let j = 0; j <= i; j++) cmat[i * nvar + j] += risk * x[i][ip] * x[j][ip];
        }
      } else {
        ndead++;
        denom2 += risk;
        for (let i = 0; i < nvar; i++) {
          u[i] += x[i][ip];
          u[i + nvar] += timewt * x[i][ip];
          a2[i] += risk * x[i][ip];
          for (let j = 0; j <= i; j++) cmat2[i * nvar + j] += risk * x[i][ip] * x[j][ip];
        }
      }
      if (ip > 0 && stratLast[ip - 1] === 1) {
        ip--;
        break;
      }
    }
    if (ndead > 0) {
      const deadwt = ndead;
      const add = (wt: number, dn: number) => {
        for (let i = 0; i < nvar; i++) {
          const temp2 = a[i] / dn;
          u[i] -= wt * temp2;
          u[i + nvar] -= timewt * wt * temp2;
          for (let j = 0; j <= i; j++) {
            const temp = (wt * (cmat[i * nvar + j] - temp2 * a[j])) / dn;
            imat[j * p2 + i] += temp;
            imat[j * p2 + i + nvar] += temp * timewt;
            imat[(j + nvar) * p2 + i + nvar] += temp * timewt * timewt;
          }
        }
      };
      if (!efron) {
        denom += denom2;
        for (let i = 0; i < nvar; i++) {
          a[i] += a2[i];
          for (let j = 0; j <= i; j++) cmat[i * nvar + j] += cmat2[i * nvar + j];
        }
        add(deadwt, denom);
      } else {
        const wtave = deadwt / ndead;
        for (let k = 0; k < ndead; k++) {
          denom += denom2 / ndead;
          for (let i = 0; i < nvar; i++) {
            a[i] += a2[i] / ndead;
            for (let j = 0; j <= i; j++) cmat[i * nvar + j] += cmat2[i * nvar + j] / ndead;
          }
          add(wtave, denom);
        }
      }
      a2.fill(0);
      cmat2.fill(0);
    }
  }
  // symmetrise
  for (let i = 0; i < nvar; i++) {
    for (let j = 0; j < i; j++) {
      imat[i * p2 + j] = imat[j * p2 + i];
      imat[i * p2 + j + nvar] = imat[j * p2 + i + nvar];
      imat[(i + nvar) * p2 + j + nvar] = imat[(j + nvar) * p2 + i + nvar];
    }
  }
  for (let i = 0; i < nvar; i++)
    for (let j = 0; j < nvar; j++) imat[(i + nvar) * p2 + j] = imat[j * p2 + i + nvar];
  return { u, imat };
}

function scoreStat(imat: Float64Array, p2: number, u: Float64Array, idx: number[]): number {
  const k = idx.length;
  const m = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    b[a] = u[idx[a]];
    for (let c = 0; c < k; c++) m[a * k + c] = imat[idx[a] * p2 + idx[c]];
  }
  const y = b.slice();
  cholesky2(m, k, 1e-13);
  chsolve2(m, k, y);
  let s = 0;
  for (let a = 0; a < k; a++) s += y[a] * b[a];
  return s;
}

/** Test of proportional hazards for each term and globally (R's cox.zph). */
export function coxZph(fit: CoxFit, opts: CoxZphOptions = {}): CoxZphResult {
  const transform = opts.transform ?? "km";
  const useTerms = opts.terms ?? true;
  const doGlobal = opts.global ?? true;
  const { time, event } = fit.data;
  const n = time.length;
  const keep: number[] = [];
  for (let j = 0; j < fit.coef.length; j++) if (!Number.isNaN(fit.coef[j])) keep.push(j);
  if (keep.length === 0)
    throw new InputError("cox.zph needs a model with at least one estimable coefficient");
  const cols = keep.map((j) => fit.data.x[j]);
  const nvar = cols.length;
  let tt: Float64Array;
  if (transform === "km") tt = kmTransform(time, event);
  else if (transform === "rank") tt = averageRank(time);
  else if (transform === "identity") tt = time.slice();
  else if (transform === "log") tt = time.map(Math.log);
  else throw new InputError(`unknown transform "${String(transform)}" (use km, rank, identity or log)`);
  let s = 0;
  let d = 0;
  for (let i = 0; i < n; i++) {
    if (event[i]) {
      s += tt[i];
      d++;
    }
  }
  const mean = s / d;
  const gt = tt.map((v) => v - mean);
  const { u, imat } = zphScore(fit, cols, gt, fit.linearPredictors);
  for (let i = 0; i < nvar; i++) u[i] = 0; // score of beta is 0 at the MLE (R sets it so)
  const p2 = 2 * nvar;
  // groups of columns
  const groups: Array<{ name: string; cols: number[] }> = [];
  if (useTerms) {
    const seen = new Map<number, number>();
    keep.forEach((j, k) => {
      const a = fit.assign[j];
      if (!seen.has(a)) {
        seen.set(a, groups.length);
        groups.push({ name: fit.termNames[a] ?? fit.names[j], cols: [] });
      }
      groups[seen.get(a) as number].cols.push(k);
    });
  } else {
    keep.forEach((j, k) => {
      groups.push({ name: fit.names[j], cols: [k] });
    });
  }
  const base = Array.from({ length: nvar }, (_, i) => i);
  const table: ZphRow[] = groups.map((g) => {
    const chisq = scoreStat(imat, p2, u, [...base, ...g.cols.map((c) => c + nvar)]);
    const df = g.cols.length;
    return { term: g.name, chisq, df, p: chi2Sf(chisq, df) };
  });
  const result: CoxZphResult = { transform, table };
  if (doGlobal) {
    const all = Array.from({ length: p2 }, (_, i) => i);
    const chisq = scoreStat(imat, p2, u, all);
    result.global = { term: "GLOBAL", chisq, df: nvar, p: chi2Sf(chisq, nvar) };
  }
  return result;
}
