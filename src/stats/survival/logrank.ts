/**
 * Log-rank test and its G-rho family (Harrington & Fleming 1982), as R's
 * `survdiff(Surv(time, status) ~ group + strata(s), rho = rho)` (survival's survdiff2.c):
 * - at each distinct event time (within a stratum) with d deaths among n at risk, group k with n_k at risk
 *   contributes observed w * d_k, expected w * d * n_k / n, and variance
 *   V_kl += w^2 * d (n - d) / (n - 1) * n_k/n * (δ_kl - n_l/n);
 * - w = 1 for rho = 0 (log-rank); w = S(t-)^rho with S the left-continuous Kaplan-Meier of the pooled
 *   stratum for rho > 0 (rho = 1: Peto & Peto's modification of the Gehan-Wilcoxon test);
 * - observed, expected and V are summed over strata; groups with expected = 0 are dropped, then
 *   chisq = (O - E)' V^-1 (O - E) on the remaining groups minus the first, df = (groups with E > 0) - 1,
 *   p = P(chi2_df > chisq).
 * A group with no events is fine (O = 0, E > 0; R keeps it). A group whose members are all censored before
 * the first event (E = 0) is dropped from the test and reported in `warnings`.
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError, InputError } from "../../errors.js";
import { chi2Sf } from "../core/distributions.js";
import {
  cholesky2,
  chsolve2,
  type GroupValue,
  type MaybeNumber,
  type SurvivalInputOptions,
  survivalData,
  toFactor,
} from "./data.js";

export interface LogRankOptions extends SurvivalInputOptions {
  /** G-rho weight exponent (0 = log-rank, default; 1 = Peto-Peto). */
  rho?: number;
  /** Stratification variable (survdiff's `strata()` term). Rows with a missing stratum are dropped. */
  strata?: ArrayLike<GroupValue>;
  /** Level order for the groups (default numeric or string sort). */
  levels?: readonly string[];
  /** Group labels become `${groupName}=${level}` (R's names); default: the level. */
  groupName?: string;
}

export interface LogRankResult {
  groups: string[];
  /** Subjects per group. */
  n: number[];
  /** Observed (weighted) events per group, summed over strata. */
  observed: number[];
  /** Expected (weighted) events per group, summed over strata. */
  expected: number[];
  /** Variance-covariance matrix of O - E (rows of the k x k matrix). */
  variance: number[][];
  chisq: number;
  df: number;
  p: number;
  rho: number;
  /** Rows dropped for a missing group or stratum. */
  nDropped: number;
  warnings: string[];
}

/**
 * k-sample (optionally stratified) log-rank / G-rho test. `group` holds the group of each row; rows with a
 * missing group (null, NaN, "") are dropped like R's na.omit.
 */
export function logRank(
  time: ArrayLike<MaybeNumber>,
  event: ArrayLike<MaybeNumber | boolean>,
  group: ArrayLike<GroupValue>,
  opts: LogRankOptions = {},
): LogRankResult {
  const rho = opts.rho ?? 0;
  if (!Number.isFinite(rho) || rho < 0) throw new InputError(`rho must be a number >= 0, got ${rho}`);
  const data = survivalData(time, event, opts);
  const n0 = data.time.length;
  if (group.length !== n0) throw new DataError(`group has ${group.length} values but time has ${n0}`);
  const gf = toFactor(group, opts.levels, opts.groupName ?? "group");
  const sf = opts.strata ? toFactor(opts.strata, undefined, "strata") : undefined;
  if (sf && sf.codes.length !== n0)
    throw new DataError(`strata has ${sf.codes.length} values but time has ${n0}`);
  // keep rows with group and stratum present; drop empty group levels (R's factor(groups) has no empty levels)
  const rows: number[] = [];
  for (let i = 0; i < n0; i++) if (gf.codes[i] >= 0 && (!sf || sf.codes[i] >= 0)) rows.push(i);
  const nDropped = n0 - rows.length;
  const used = new Int32Array(gf.levels.length).fill(-1);
  let ng = 0;
  for (const i of rows) if (used[gf.codes[i]] < 0) used[gf.codes[i]] = 0;
  const levelIndex: number[] = [];
  for (let l = 0; l < gf.levels.length; l++)
    if (used[l] === 0) {
      used[l] = ng++;
      levelIndex.push(l);
    }
  if (ng < 2) throw new DataError(`group: need at least 2 groups to compare, found ${ng}`);
  const labels = levelIndex.map((l) => (opts.groupName ? `${opts.groupName}=${gf.levels[l]}` : gf.levels[l]));

  // sort by stratum then time
  const m = rows.length;
  const order = Int32Array.from(rows);
  const sc = (i: number) => (sf ? sf.codes[i] : 0);
  order.sort((a, b) => sc(a) - sc(b) || data.time[a] - data.time[b] || a - b);

  const obs = new Float64Array(ng);
  const exp = new Float64Array(ng);
  const v = new Float64Array(ng * ng);
  const nPer = new Array<number>(ng).fill(0);
  const risk = new Float64Array(ng);
  const kaplan = new Float64Array(m);
  for (let i = 0; i < m; i++) nPer[used[gf.codes[order[i]]]]++;

  let istart = 0;
  while (istart < m) {
    let iend = istart + 1;
    while (iend < m && sc(order[iend]) === sc(order[istart])) iend++;
    risk.fill(0);
    const n = iend; // "n" of the C code: one past the last obs of this stratum
    if (rho !== 0) {
      // left-continuous KM of the pooled stratum
      let km = 1;
      for (let i = istart; i < n; ) {
        kaplan[i] = km;
        const nrisk = n - i;
        let deaths = data.event[order[i]];
        let j = i + 1;
        for (; j < n && data.time[order[j]] === data.time[order[i]]; j++) {
          kaplan[j] = km;
          deaths += data.event[order[j]];
        }
        km = (km * (nrisk - deaths)) / nrisk;
        i = j;
      }
    }
    for (let i = n - 1; i >= istart; i--) {
      let wt = rho === 0 ? 1 : kaplan[i] ** rho;
      let deaths = 0;
      let j = i;
      for (; j >= istart && data.time[order[j]] === data.time[order[i]]; j--) {
        const r = order[j];
        const k = used[gf.codes[r]];
        deaths += data.event[r];
        risk[k] += 1;
        obs[k] += data.event[r] * wt;
      }
      i = j + 1;
      const nrisk = n - i;
      if (deaths > 0) {
        for (let k = 0; k < ng; k++) exp[k] += (wt * deaths * risk[k]) / nrisk;
        if (nrisk === 1) continue;
        wt = wt * wt;
        for (let a = 0; a < ng; a++) {
          const tmp = (wt * deaths * risk[a] * (nrisk - deaths)) / (nrisk * (nrisk - 1));
          v[a * ng + a] += tmp;
          for (let b = 0; b < ng; b++) v[a * ng + b] -= (tmp * risk[b]) / nrisk;
        }
      }
    }
    istart = n;
  }

  const warnings: string[] = [];
  const keep: number[] = [];
  for (let k = 0; k < ng; k++) {
    if (exp[k] > 0) keep.push(k);
    else
      warnings.push(
        `group ${labels[k]} has nobody at risk at any event time (expected 0); left out of the test`,
      );
  }
  for (let k = 0; k < ng; k++) {
    if (obs[k] === 0 && exp[k] > 0)
      warnings.push(`group ${labels[k]} has no events (observed 0); the test is still defined`);
  }
  let chisq = 0;
  const df = keep.length - 1;
  if (keep.length >= 2) {
    const kk = keep.slice(1);
    const q = kk.length;
    const vv = new Float64Array(q * q);
    const diff = new Float64Array(q);
    for (let a = 0; a < q; a++) {
      diff[a] = obs[kk[a]] - exp[kk[a]];
      for (let b = 0; b < q; b++) vv[a * q + b] = v[kk[a] * ng + kk[b]];
    }
    const fac = vv.slice();
    const rank = cholesky2(fac, q, 1e-12);
    if (Math.abs(rank) < q)
      warnings.push("the variance matrix of O - E is singular; chisq uses a generalised inverse");
    const sol = diff.slice();
    chsolve2(fac, q, sol);
    for (let a = 0; a < q; a++) chisq += sol[a] * diff[a];
  } else {
    warnings.push("fewer than 2 groups have subjects at risk at event times: no test");
  }
  const variance: number[][] = [];
  for (let a = 0; a < ng; a++) variance.push(Array.from(v.subarray(a * ng, a * ng + ng)));
  return {
    groups: labels,
    n: nPer,
    observed: Array.from(obs),
    expected: Array.from(exp),
    variance,
    chisq,
    df,
    p: df > 0 ? chi2Sf(chisq, df) : Number.NaN,
    rho,
    nDropped,
    warnings,
  };
}
