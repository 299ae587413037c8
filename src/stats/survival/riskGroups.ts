/**
 * Risk stratification of a continuous risk score (e.g. a Cox or penalised-Cox linear predictor): cut-offs
 * are chosen on the training data only (median, tertiles, quartiles or given quantiles; R's default
 * type-7 quantile) and applied unchanged to validation data; each set then gets Kaplan-Meier curves per
 * risk group and a log-rank test across the groups.
 *
 * Group rule: a score equal to a cut-off goes to the lower group (group = number of cut-offs strictly
 * below the score). Labels: 2 groups "low"/"high", 3 groups "low"/"intermediate"/"high", otherwise
 * "Q1".."Qk" (low to high risk).
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError, InputError } from "../../errors.js";
import { quantileSorted } from "../metrics/bootstrap.js";
import { type KaplanMeierFit, type KmSummaryRow, kaplanMeier, kmSummary } from "./kaplanMeier.js";
import { type LogRankResult, logRank } from "./logrank.js";
import type { MaybeNumber, SurvivalInputOptions } from "./data.js";

export type RiskSplit = "median" | "tertile" | "quartile";

export interface RiskStratOptions extends SurvivalInputOptions {
  /** How to cut the training scores (default "median"); or explicit quantile probabilities in (0, 1). */
  split?: RiskSplit | readonly number[];
  /** Explicit cut-offs on the score scale (override `split`). */
  cutoffs?: readonly number[];
}

export interface RiskSetResult {
  /** Group index per subject (0 = lowest risk). */
  group: Int32Array;
  /** Group label per subject. */
  labels: string[];
  counts: number[];
  km: KaplanMeierFit;
  summary: KmSummaryRow[];
  /** Log-rank test across the groups present (undefined when fewer than 2 groups are present). */
  logrank?: LogRankResult;
}

export interface RiskStratification {
  cutoffs: number[];
  groupNames: string[];
  train: RiskSetResult;
  validation?: RiskSetResult;
}

function splitProbs(split: RiskSplit | readonly number[]): number[] {
  if (split === "median") return [0.5];
  if (split === "tertile") return [1 / 3, 2 / 3];
  if (split === "quartile") return [0.25, 0.5, 0.75];
  if (Array.isArray(split)) {
    const p = [...split].sort((a, b) => a - b);
    for (const v of p)
      if (!(v > 0 && v < 1)) throw new InputError(`split quantiles must be in (0, 1), got ${v}`);
    return p;
  }
  throw new InputError(
    `unknown split "${String(split)}" (use median, tertile, quartile or quantile probabilities)`,
  );
}

export function groupNames(k: number): string[] {
  if (k === 2) return ["low", "high"];
  if (k === 3) return ["low", "intermediate", "high"];
  return Array.from({ length: k }, (_, i) => `Q${i + 1}`);
}

/** Cut-offs from training scores (type-7 quantiles). */
export function riskCutoffs(
  score: ArrayLike<number>,
  split: RiskSplit | readonly number[] = "median",
): number[] {
  const s = Float64Array.from(score);
  for (let i = 0; i < s.length; i++)
    if (Number.isNaN(s[i])) throw new DataError(`risk score: row ${i + 1} is missing`);
  if (s.length < 2) throw new DataError("need at least 2 training scores to choose cut-offs");
  s.sort();
  return splitProbs(split).map((p) => quantileSorted(s, p));
}

/** Group of each score given ascending cut-offs: the number of cut-offs strictly below it. */
export function assignRiskGroups(score: ArrayLike<number>, cutoffs: readonly number[]): Int32Array {
  const g = new Int32Array(score.length);
  for (let i = 0; i < score.length; i++) {
    const v = score[i];
    if (Number.isNaN(v)) throw new DataError(`risk score: row ${i + 1} is missing`);
    let k = 0;
    while (k < cutoffs.length && v > cutoffs[k]) k++;
    g[i] = k;
  }
  return g;
}

function describe(
  time: ArrayLike<MaybeNumber>,
  event: ArrayLike<MaybeNumber | boolean>,
  score: ArrayLike<number>,
  cutoffs: number[],
  names: string[],
  opts: SurvivalInputOptions,
): RiskSetResult {
  const group = assignRiskGroups(score, cutoffs);
  const labels = Array.from(group, (g) => names[g]);
  const counts = names.map((_, k) => group.filter((g) => g === k).length);
  const present = names.filter((_, k) => counts[k] > 0);
  const km = kaplanMeier(time, event, { ...opts, group: labels, levels: present });
  const res: RiskSetResult = { group, labels, counts, km, summary: kmSummary(km) };
  if (present.length >= 2) res.logrank = logRank(time, event, labels, { ...opts, levels: present });
  return res;
}

/**
 * Chooses cut-offs on the training scores and describes the training and (optionally) validation sets:
 * KM per risk group, restricted means and medians, log-rank across groups.
 */
export function riskStratify(
  train: { time: ArrayLike<MaybeNumber>; event: ArrayLike<MaybeNumber | boolean>; score: ArrayLike<number> },
  validation?: {
    time: ArrayLike<MaybeNumber>;
    event: ArrayLike<MaybeNumber | boolean>;
    score: ArrayLike<number>;
  },
  opts: RiskStratOptions = {},
): RiskStratification {
  let cutoffs: number[];
  if (opts.cutoffs) {
    cutoffs = [...opts.cutoffs].sort((a, b) => a - b);
    for (const c of cutoffs)
      if (!Number.isFinite(c)) throw new InputError(`cut-off ${c} is not a finite number`);
  } else cutoffs = riskCutoffs(train.score, opts.split ?? "median");
  const names = groupNames(cutoffs.length + 1);
  const out: RiskStratification = {
    cutoffs,
    groupNames: names,
    train: describe(train.time, train.event, train.score, cutoffs, names, opts),
  };
  if (validation)
    out.validation = describe(validation.time, validation.event, validation.score, cutoffs, names, opts);
  return out;
}
