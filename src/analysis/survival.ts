/**
 * Survival workflow: imaging features against clinical outcome. Kaplan-Meier (overall and by group) with
 * log-rank, Cox PH on clinical covariates (with the cox.zph proportional-hazards check), a penalised-Cox
 * radiomic signature with cross-validated lambda, C-index / time-dependent AUC of the risk score, and risk
 * groups cut on the training set.
 *
 * Browser-safe: takes tables already read, returns the results, the CSV output files and the summaries.
 *   const opts = parseSurvivalOptions({ time: "os_days", event: "os_event", ... });
 *   const run = runSurvival({ features, clinical }, opts);
 *   survivalFiles(run); survivalSummary(run); survivalSummaryText(run);
 */
import { DataError, InputError } from "../errors.js";
import { type ConcordanceResult, concordanceIndex } from "../stats/survival/concordance.js";
import { type CoxFit, coxDesign, coxPredict, coxph, coxTable } from "../stats/survival/cox.js";
import { type CvCoxnetResult, coxnetPredict, cvCoxnet } from "../stats/survival/coxnet.js";
import { type CoxZphResult, coxZph } from "../stats/survival/coxZph.js";
import {
  type ConfType,
  type KaplanMeierFit,
  kaplanMeier,
  kmSummary,
  kmTable,
} from "../stats/survival/kaplanMeier.js";
import { type LogRankResult, logRank } from "../stats/survival/logrank.js";
import { Random } from "../stats/core/random.js";
import { type RiskSplit, type RiskStratification, riskStratify } from "../stats/survival/riskGroups.js";
import { guessIdColumn, joinTables, parseEventValue, type Table, tableIds } from "../stats/tables/table.js";
import { type TimeAucRow, timeDependentAuc } from "../stats/survival/timeAuc.js";
import { type OutputFiles, toCsv } from "./csv.js";

/** Validated options of the survival workflow. */
export interface SurvivalOptions {
  /** Survival time column. */
  time: string;
  /** Event column: 1/0 (or yes/no, dead/alive...), or 2/1 with eventCoding "12". */
  event: string;
  /** Case id column (default: guessed). */
  id?: string;
  eventCoding: "01" | "12";
  /** Kaplan-Meier curves and log-rank test by this column. */
  group?: string;
  /** Clinical covariates of a Cox model (text columns become treatment contrasts). */
  covariates?: string[];
  ties: "efron" | "breslow";
  /** Penalised-Cox signature on the feature columns. */
  signature?: "lasso" | "elasticnet";
  /** Elastic-net mixing of the signature (1 for lasso). */
  alpha: number;
  folds: number;
  seed: number;
  measure: "deviance" | "C";
  lambda: "min" | "1se";
  /** Column marking validation cases (validation/test/1/true); the others train. */
  validation?: string;
  /** Random event-stratified training fraction in (0, 1) (when no validation column). */
  trainFraction?: number;
  split: RiskSplit;
  /** Times of the time-dependent AUC. */
  horizons?: number[];
  confType: ConfType;
}

/** Options as typed on the command line (strings), with the defaults applied. */
export type SurvivalOptionStrings = Omit<SurvivalOptions, SurvivalParsed> & {
  eventCoding: string;
  ties: string;
  signature?: string;
  alpha?: string;
  measure: string;
  lambda: string;
  trainFraction?: string;
  split: string;
  horizons?: string[];
  confType: string;
};
type SurvivalParsed =
  | "eventCoding"
  | "ties"
  | "signature"
  | "alpha"
  | "measure"
  | "lambda"
  | "trainFraction"
  | "split"
  | "horizons"
  | "confType";

export interface SurvivalInputs {
  /** Feature table, one row per case (may also hold the outcome). */
  features: Table;
  /** Clinical table joined on the id column. */
  clinical?: Table;
}

export interface SurvivalSetSummary {
  n: number;
  events: number;
  cIndex?: ConcordanceResult;
  timeAuc?: TimeAucRow[];
}

export interface SurvivalRun {
  /** Id column name used in the output tables. */
  idColumn: string;
  ids: string[];
  n: number;
  events: number;
  km: KaplanMeierFit;
  kmGroups?: KaplanMeierFit;
  logrank?: LogRankResult;
  cox?: CoxFit;
  coxZph?: CoxZphResult;
  signature?: { cv: CvCoxnetResult; lambdaIndex: number; selected: Array<{ feature: string; coef: number }> };
  score?: { name: string; values: Float64Array; isTrain: Uint8Array };
  train?: SurvivalSetSummary;
  validation?: SurvivalSetSummary;
  risk?: RiskStratification;
  notes: string[];
}

function parseNumberList(name: string, vals: string[] | undefined): number[] | undefined {
  if (!vals) return undefined;
  return vals.map((v) => {
    const x = Number(v);
    if (!Number.isFinite(x)) throw new InputError(`--${name}: "${v}" is not a number`);
    return x;
  });
}

/** Check and convert the command-line options (InputError naming the option). */
export function parseSurvivalOptions(o: SurvivalOptionStrings): SurvivalOptions {
  if (o.eventCoding !== "01" && o.eventCoding !== "12")
    throw new InputError(`--event-coding must be 01 or 12, got "${o.eventCoding}"`);
  if (o.ties !== "efron" && o.ties !== "breslow")
    throw new InputError(`--ties must be efron or breslow, got "${o.ties}"`);
  const kind = o.signature;
  if (kind !== undefined && kind !== "lasso" && kind !== "elasticnet")
    throw new InputError(`--signature must be lasso or elasticnet, got "${kind}"`);
  const alpha = kind === "elasticnet" ? Number(o.alpha ?? 0.5) : 1;
  if (!(alpha >= 0 && alpha <= 1)) throw new InputError(`--alpha must be in [0, 1], got "${o.alpha}"`);
  if (o.measure !== "deviance" && o.measure !== "C")
    throw new InputError(`--measure must be deviance or C, got "${o.measure}"`);
  if (o.lambda !== "min" && o.lambda !== "1se")
    throw new InputError(`--lambda must be min or 1se, got "${o.lambda}"`);
  let trainFraction: number | undefined;
  if (o.trainFraction !== undefined && !o.validation) {
    trainFraction = Number(o.trainFraction);
    if (!(trainFraction > 0 && trainFraction < 1))
      throw new InputError(`--train-fraction must be in (0, 1), got "${o.trainFraction}"`);
  }
  if (o.split !== "median" && o.split !== "tertile" && o.split !== "quartile")
    throw new InputError(`--split must be median, tertile or quartile, got "${o.split}"`);
  return {
    time: o.time,
    event: o.event,
    id: o.id,
    eventCoding: o.eventCoding,
    group: o.group,
    covariates: o.covariates,
    ties: o.ties,
    signature: kind,
    alpha,
    folds: o.folds,
    seed: o.seed,
    measure: o.measure,
    lambda: o.lambda,
    validation: o.validation,
    trainFraction,
    split: o.split,
    horizons: parseNumberList("horizons", o.horizons),
    confType: o.confType as ConfType, // checked by kaplanMeier
  };
}

/** Event column to 0/1 (NaN = missing), with R's 1/2 coding only when asked. */
function readEvent(table: Table, name: string, coding: string): Float64Array {
  const raw = table.text(name);
  return Float64Array.from(raw, (v, i) => {
    if (v === null) return Number.NaN;
    const l = v.trim().toLowerCase();
    if (coding === "12") {
      if (l === "2") return 1;
      if (l === "1") return 0;
      throw new DataError(
        `column "${name}", row ${i + 1}: "${v}" with --event-coding 12 must be 1 (censored) or 2 (event)`,
        table.source,
      );
    }
    const e = parseEventValue(l);
    if (e !== undefined) return e;
    const hint = l === "2" ? " (for R's 1 = censored / 2 = event coding pass --event-coding 12)" : "";
    throw new DataError(`column "${name}", row ${i + 1}: event value "${v}" is not 0/1${hint}`, table.source);
  });
}

/** Copy the entries r of a typed array. */
function pick<T extends Float64Array | Uint8Array>(a: T, r: number[]): T {
  const o = new (a.constructor as { new (k: number): T })(r.length);
  r.forEach((i, k) => {
    o[k] = a[i];
  });
  return o;
}

/** The whole survival analysis on tables already read. */
export function runSurvival(inputs: SurvivalInputs, opts: SurvivalOptions): SurvivalRun {
  const notes: string[] = [];
  const feat = inputs.features;
  let table: Table = feat;
  let idColumn = opts.id ?? guessIdColumn(feat);
  const featureNames = new Set(feat.names);
  if (inputs.clinical) {
    const clin = inputs.clinical;
    idColumn = opts.id ?? guessIdColumn(feat) ?? guessIdColumn(clin);
    if (!idColumn)
      throw new InputError(
        "no id column found to join the tables (name it case_id, id, PatientID... or pass --id)",
      );
    const j = joinTables(feat, clin, idColumn);
    table = j.table;
    if (j.unmatchedA.length)
      notes.push(
        `${j.unmatchedA.length} cases of ${feat.source} have no clinical row (e.g. ${j.unmatchedA.slice(0, 3).join(", ")})`,
      );
    if (j.unmatchedB.length) notes.push(`${j.unmatchedB.length} clinical rows have no features`);
    for (const [a, b] of Object.entries(j.renamed))
      notes.push(`clinical column ${a} renamed ${b} (also a feature column)`);
    if (table.nRows === 0) throw new DataError(`no case id is shared by ${feat.source} and ${clin.source}`);
  }
  const ids = idColumn
    ? tableIds(table, idColumn)
    : Array.from({ length: table.nRows }, (_, i) => String(i + 1));
  const timeAll = table.numeric(opts.time);
  const eventAll = readEvent(table, opts.event, opts.eventCoding);
  for (let i = 0; i < timeAll.length; i++) {
    if (timeAll[i] < 0)
      throw new DataError(`column "${opts.time}", row ${i + 1}: negative time ${timeAll[i]}`, table.source);
  }
  // analysis rows: time, event (and group / covariates where used) present
  const need: string[] = [];
  if (opts.group) need.push(opts.group);
  for (const c of opts.covariates ?? []) need.push(c);
  for (const c of need) table.column(c);
  const rows: number[] = [];
  for (let i = 0; i < table.nRows; i++) {
    if (Number.isNaN(timeAll[i]) || Number.isNaN(eventAll[i])) continue;
    if (need.some((c) => table.isMissing(c, i))) continue;
    rows.push(i);
  }
  const dropped = table.nRows - rows.length;
  if (dropped > 0) notes.push(`${dropped} cases dropped for a missing time, event, group or covariate`);
  if (rows.length < 2) throw new DataError("fewer than 2 complete cases");
  const sub = table.rows(rows);
  const caseIds = rows.map((r) => ids[r]);
  const time = Float64Array.from(rows, (r) => timeAll[r]);
  const event = Uint8Array.from(rows, (r) => eventAll[r]);
  const n = rows.length;
  let events = 0;
  for (const e of event) events += e;
  if (events === 0) notes.push("no events among the analysed cases: only Kaplan-Meier tables are meaningful");
  const confType = opts.confType;
  const km = kaplanMeier(time, event, { confType });
  const run: SurvivalRun = { idColumn: idColumn ?? "case", ids: caseIds, n, events, km, notes };

  if (opts.group) {
    const g = sub.text(opts.group);
    run.kmGroups = kaplanMeier(time, event, { confType, group: g, groupName: opts.group });
    const present = new Set(g.filter((v) => v !== null));
    if (present.size >= 2 && events > 0) {
      run.logrank = logRank(time, event, g, { groupName: opts.group });
      notes.push(...run.logrank.warnings.map((w) => `log-rank: ${w}`));
    } else notes.push(`log-rank by ${opts.group}: needs 2 groups and at least one event`);
  }

  const ties = opts.ties;
  let design: ReturnType<typeof coxDesign> | undefined;
  if (opts.covariates?.length && events > 0) {
    design = coxDesign(
      opts.covariates.map((c) => {
        const col = sub.column(c);
        return col.kind === "numeric"
          ? { name: c, values: col.values }
          : { name: c, values: col.values, type: "categorical" as const };
      }),
    );
    run.cox = coxph(time, event, design.columns, {
      ties,
      names: design.names,
      assign: design.assign,
      termNames: design.terms,
    });
    notes.push(...run.cox.warnings.map((w) => `Cox: ${w}`));
    if (run.cox.coef.some((c) => !Number.isNaN(c))) run.coxZph = coxZph(run.cox);
  }

  // train / validation split
  const isTrain = new Uint8Array(n).fill(1);
  if (opts.validation) {
    const v = sub.text(opts.validation);
    let nv = 0;
    v.forEach((s, i) => {
      const l = (s ?? "").trim().toLowerCase();
      if (["validation", "test", "valid", "1", "true", "yes"].includes(l)) {
        isTrain[i] = 0;
        nv++;
      }
    });
    if (nv === 0 || nv === n)
      throw new DataError(`column "${opts.validation}" must mark some (not all) cases as validation/test`);
  } else if (opts.trainFraction !== undefined) {
    // stratified by event so both sets get events
    const rng = new Random(opts.seed);
    for (const e of [0, 1]) {
      const idx = Array.from({ length: n }, (_, i) => i).filter((i) => event[i] === e);
      rng.shuffle(idx);
      const nTrain = Math.round(opts.trainFraction * idx.length);
      for (let k = nTrain; k < idx.length; k++) isTrain[idx[k]] = 0;
    }
  }
  const trainRows: number[] = [];
  const validRows: number[] = [];
  for (let i = 0; i < n; i++) (isTrain[i] ? trainRows : validRows).push(i);

  // risk score: penalised-Cox signature on the features, or the Cox model of the covariates
  if (opts.signature && events > 0) {
    const exclude = new Set([
      idColumn,
      opts.time,
      opts.event,
      opts.group,
      opts.validation,
      ...(opts.covariates ?? []),
    ]);
    const candidates = sub
      .numericNames()
      .filter((c) => featureNames.has(c) && !exclude.has(c) && !c.startsWith("diagnostics_"));
    const cols: Float64Array[] = [];
    const names: string[] = [];
    let withMissing = 0;
    let constant = 0;
    for (const c of candidates) {
      const v = sub.numeric(c);
      if (v.some((x) => !Number.isFinite(x))) {
        withMissing++;
        continue;
      }
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const i of trainRows) {
        if (v[i] < lo) lo = v[i];
        if (v[i] > hi) hi = v[i];
      }
      if (lo === hi) {
        constant++;
        continue;
      }
      cols.push(v);
      names.push(c);
    }
    if (withMissing)
      notes.push(`${withMissing} feature columns with missing or infinite values left out of the signature`);
    if (constant) notes.push(`${constant} constant feature columns left out of the signature`);
    if (names.length === 0)
      throw new DataError(
        `no usable numeric feature columns in ${feat.source} for the signature (${withMissing} with missing values, ${constant} constant)`,
      );
    const cv = cvCoxnet(
      pick(time, trainRows),
      pick(event, trainRows),
      cols.map((c) => pick(c, trainRows)),
      { alpha: opts.alpha, nfolds: opts.folds, seed: opts.seed, measure: opts.measure, names },
    );
    notes.push(...cv.warnings.map((w) => `signature: ${w}`));
    const l = opts.lambda === "min" ? cv.indexMin : cv.index1se;
    const beta = cv.path.beta[l];
    const selected = names.map((f, j) => ({ feature: f, coef: beta[j] })).filter((s) => s.coef !== 0);
    run.signature = { cv, lambdaIndex: l, selected };
    if (selected.length === 0)
      notes.push("the signature selected no feature at the chosen lambda: the risk score is constant");
    run.score = { name: `${opts.signature} signature`, values: coxnetPredict(cv.path, l, cols), isTrain };
  } else if (run.cox && design) {
    if (validRows.length) {
      // refit on the training cases only, then score everybody (no information from validation cases)
      const d = design;
      const trainFit = coxph(
        trainRows.map((i) => time[i]),
        trainRows.map((i) => event[i]),
        d.columns.map((c) => trainRows.map((i) => c[i])),
        { ties, names: d.names, assign: d.assign, termNames: d.terms },
      );
      notes.push(...trainFit.warnings.map((w) => `Cox (training cases): ${w}`));
      run.score = {
        name: "Cox linear predictor (fitted on the training cases)",
        values: coxPredict(trainFit, d.columns),
        isTrain,
      };
    } else run.score = { name: "Cox linear predictor", values: run.cox.linearPredictors, isTrain };
  }

  const score = run.score;
  if (score && events > 0) {
    const horizons = opts.horizons;
    const setSummary = (r: number[]): SurvivalSetSummary => {
      const t = r.map((i) => time[i]);
      const e = r.map((i) => event[i]);
      const s = r.map((i) => score.values[i]);
      const ev = e.reduce((a, b) => a + b, 0);
      const out: SurvivalSetSummary = { n: r.length, events: ev };
      if (ev > 0) out.cIndex = concordanceIndex(t, e, s, { reverse: true });
      if (horizons && ev > 0) out.timeAuc = timeDependentAuc(t, e, s, horizons);
      return out;
    };
    run.train = setSummary(trainRows);
    if (validRows.length) run.validation = setSummary(validRows);
    const set = (r: number[]) => ({
      time: r.map((i) => time[i]),
      event: r.map((i) => event[i]),
      score: r.map((i) => score.values[i]),
    });
    const distinct = new Set(trainRows.map((i) => score.values[i])).size;
    if (distinct > 1) {
      run.risk = riskStratify(set(trainRows), validRows.length ? set(validRows) : undefined, {
        split: opts.split,
      });
      if (!validRows.length)
        notes.push(
          "risk groups are evaluated on the training cases only (optimistic): use --validation or --train-fraction",
        );
    } else notes.push("risk score is constant on the training cases: no risk groups");
  }
  return run;
}

function kmCsv(fit: KaplanMeierFit): string {
  return toCsv(
    ["strata", "time", "n_risk", "n_event", "n_censor", "surv", "std_err", "lower", "upper"],
    kmTable(fit).map((r) => [
      r.strata,
      r.time,
      r.n_risk,
      r.n_event,
      r.n_censor,
      r.surv,
      r.std_err,
      r.lower,
      r.upper,
    ]),
  );
}

function kmSummaryCsv(fit: KaplanMeierFit): string {
  return toCsv(
    ["group", "n", "events", "median", "median_lower", "median_upper", "rmean", "se_rmean", "rmean_end"],
    kmSummary(fit).map((s) => [
      s.label,
      s.n,
      s.events,
      s.median,
      s.medianLower,
      s.medianUpper,
      s.rmean,
      s.seRmean,
      s.rmeanEnd,
    ]),
  );
}

function logrankCsv(lr: LogRankResult): string {
  return toCsv(
    ["group", "n", "observed", "expected", "chisq", "df", "p"],
    lr.groups.map((g, k) => [g, lr.n[k], lr.observed[k], lr.expected[k], lr.chisq, lr.df, lr.p]),
  );
}

/**
 * The CSV tables of a run, by file name: km.csv, km_summary.csv, km_by_group*.csv, logrank.csv, cox*.csv,
 * signature_*.csv, risk_scores.csv, risk_groups.csv, risk_km_<set>.csv (those that apply). summary.json is
 * `survivalSummary(run)`.
 */
export function survivalFiles(run: SurvivalRun): OutputFiles {
  const files: OutputFiles = {};
  files["km.csv"] = kmCsv(run.km);
  files["km_summary.csv"] = kmSummaryCsv(run.km);
  if (run.kmGroups) {
    files["km_by_group.csv"] = kmCsv(run.kmGroups);
    files["km_by_group_summary.csv"] = kmSummaryCsv(run.kmGroups);
  }
  if (run.logrank) files["logrank.csv"] = logrankCsv(run.logrank);
  if (run.cox) {
    const c = run.cox;
    files["cox.csv"] = toCsv(
      ["term", "coef", "hr", "se", "z", "p", "hr_lower95", "hr_upper95"],
      coxTable(c).map((r) => [r.term, r.coef, r.hr, r.se, r.z, r.p, r.hrLower, r.hrUpper]),
    );
    files["cox_tests.csv"] = toCsv(
      ["test", "statistic", "df", "p"],
      [
        ["likelihood_ratio", c.lrTest.statistic, c.lrTest.df, c.lrTest.p],
        ["wald", c.waldTest.statistic, c.waldTest.df, c.waldTest.p],
        ["score_logrank", c.scoreTest.statistic, c.scoreTest.df, c.scoreTest.p],
        ["concordance", c.concordance.concordance, "", ""],
      ],
    );
    if (run.coxZph) {
      const z = run.coxZph;
      files["cox_zph.csv"] = toCsv(
        ["term", "chisq", "df", "p"],
        [...z.table, ...(z.global ? [z.global] : [])].map((r) => [r.term, r.chisq, r.df, r.p]),
      );
    }
  }
  if (run.signature) {
    const { cv, selected } = run.signature;
    files["signature_coefficients.csv"] = toCsv(
      ["feature", "coef"],
      selected.map((s) => [s.feature, s.coef]),
    );
    files["signature_cv.csv"] = toCsv(
      ["lambda", "cvm", "cvsd", "df", "dev_ratio"],
      Array.from(cv.lambda, (l, k) => [l, cv.cvm[k], cv.cvsd[k], cv.path.df[k], cv.path.devRatio[k]]),
    );
  }
  if (run.score) {
    const s = run.score;
    const group = new Array<string>(run.n).fill("");
    if (run.risk) {
      let t = 0;
      let v = 0;
      for (let i = 0; i < run.n; i++) {
        if (s.isTrain[i]) group[i] = run.risk.train.labels[t++];
        else if (run.risk.validation) group[i] = run.risk.validation.labels[v++];
      }
    }
    files["risk_scores.csv"] = toCsv(
      [run.idColumn, "set", "risk_score", "risk_group"],
      run.ids.map((id, i) => [id, s.isTrain[i] ? "train" : "validation", s.values[i], group[i]]),
    );
  }
  if (run.risk) {
    const r = run.risk;
    const sets: Array<[string, typeof r.train]> = [["train", r.train]];
    if (r.validation) sets.push(["validation", r.validation]);
    files["risk_groups.csv"] = toCsv(
      [
        "set",
        "group",
        "n",
        "events",
        "median",
        "median_lower",
        "median_upper",
        "rmean",
        "se_rmean",
        "logrank_chisq",
        "logrank_df",
        "logrank_p",
      ],
      sets.flatMap(([name, set]) =>
        set.summary.map((g) => [
          name,
          g.label,
          g.n,
          g.events,
          g.median,
          g.medianLower,
          g.medianUpper,
          g.rmean,
          g.seRmean,
          set.logrank?.chisq,
          set.logrank?.df,
          set.logrank?.p,
        ]),
      ),
    );
    for (const [name, set] of sets) files[`risk_km_${name}.csv`] = kmCsv(set.km);
  }
  return files;
}

/** The JSON summary of a run (summary.json, `--json`). */
export function survivalSummary(run: SurvivalRun): Record<string, unknown> {
  const km = kmSummary(run.km)[0];
  const c = run.cox;
  return {
    cases: run.n,
    events: run.events,
    km: {
      median: km.median,
      medianLower: km.medianLower,
      medianUpper: km.medianUpper,
      rmean: km.rmean,
      seRmean: km.seRmean,
    },
    kmByGroup: run.kmGroups ? kmSummary(run.kmGroups) : undefined,
    logrank: run.logrank
      ? {
          groups: run.logrank.groups,
          observed: run.logrank.observed,
          expected: run.logrank.expected,
          chisq: run.logrank.chisq,
          df: run.logrank.df,
          p: run.logrank.p,
        }
      : undefined,
    cox: c
      ? {
          ties: c.ties,
          n: c.n,
          events: c.nevent,
          coefficients: coxTable(c),
          lrTest: c.lrTest,
          waldTest: c.waldTest,
          scoreTest: c.scoreTest,
          concordance: c.concordance.concordance,
          concordanceSe: c.concordance.se,
          proportionalHazards: run.coxZph
            ? [...run.coxZph.table, ...(run.coxZph.global ? [run.coxZph.global] : [])]
            : undefined,
          warnings: c.warnings,
        }
      : undefined,
    signature: run.signature
      ? {
          alpha: run.signature.cv.path.alpha,
          measure: run.signature.cv.measure,
          lambda: run.signature.cv.lambda[run.signature.lambdaIndex],
          lambdaMin: run.signature.cv.lambdaMin,
          lambda1se: run.signature.cv.lambda1se,
          selected: run.signature.selected,
        }
      : undefined,
    riskScore: run.score?.name,
    train: run.train,
    validation: run.validation,
    riskGroups: run.risk
      ? {
          cutoffs: run.risk.cutoffs,
          train: { counts: run.risk.train.counts, logrankP: run.risk.train.logrank?.p },
          validation: run.risk.validation
            ? { counts: run.risk.validation.counts, logrankP: run.risk.validation.logrank?.p }
            : undefined,
        }
      : undefined,
    notes: run.notes,
  };
}

const f3 = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? "NA" : Number(x.toPrecision(4)).toString();

/** The human-readable summary of a run (several lines, trailing newline). */
export function survivalSummaryText(run: SurvivalRun): string {
  const lines: string[] = [];
  const km = kmSummary(run.km)[0];
  lines.push(
    `${run.n} cases, ${run.events} events; median survival ${f3(km.median)} (95% CI ${f3(km.medianLower)}-${f3(km.medianUpper)})`,
  );
  if (run.kmGroups) {
    for (const g of kmSummary(run.kmGroups)) {
      lines.push(
        `  ${g.label}: n = ${g.n}, events = ${g.events}, median ${f3(g.median)} (${f3(g.medianLower)}-${f3(g.medianUpper)})`,
      );
    }
  }
  if (run.logrank)
    lines.push(
      `log-rank: chisq = ${f3(run.logrank.chisq)} on ${run.logrank.df} df, p = ${f3(run.logrank.p)}`,
    );
  if (run.cox) {
    const c = run.cox;
    lines.push(`Cox PH (${c.ties}), n = ${c.n}, events = ${c.nevent}:`);
    lines.push("  term                 HR      95% CI            p");
    for (const r of coxTable(c)) {
      lines.push(
        `  ${r.term.padEnd(20)} ${f3(r.hr).padEnd(7)} ${`${f3(r.hrLower)}-${f3(r.hrUpper)}`.padEnd(17)} ${f3(r.p)}`,
      );
    }
    lines.push(
      `  LR test ${f3(c.lrTest.statistic)} on ${c.lrTest.df} df, p = ${f3(c.lrTest.p)}; concordance ${f3(c.concordance.concordance)}`,
    );
    if (run.coxZph?.global) lines.push(`  PH check (cox.zph, km): global p = ${f3(run.coxZph.global.p)}`);
  }
  if (run.signature) {
    const s = run.signature;
    lines.push(
      `${s.cv.path.alpha === 1 ? "lasso" : `elastic net (alpha ${s.cv.path.alpha})`} signature: ${s.selected.length} features at lambda = ${f3(s.cv.lambda[s.lambdaIndex])} (${Math.max(...s.cv.foldid)}-fold CV ${s.cv.measure}, lambda.${s.lambdaIndex === s.cv.indexMin ? "min" : "1se"})`,
    );
  }
  const setLine = (name: string, s?: SurvivalSetSummary) => {
    if (!s) return;
    const c = s.cIndex ? `C-index ${f3(s.cIndex.concordance)} (se ${f3(s.cIndex.se)})` : "no events";
    const auc = s.timeAuc ? `; AUC(t): ${s.timeAuc.map((r) => `${r.time}: ${f3(r.auc)}`).join(", ")}` : "";
    lines.push(`${name}: n = ${s.n}, events = ${s.events}, ${c}${auc}`);
  };
  if (run.score) lines.push(`risk score: ${run.score.name}`);
  setLine("train", run.train);
  setLine("validation", run.validation);
  if (run.risk) {
    lines.push(`risk groups (cut-offs ${run.risk.cutoffs.map(f3).join(", ")} from training):`);
    for (const [name, set] of [
      ["train", run.risk.train],
      ["validation", run.risk.validation],
    ] as const) {
      if (!set) continue;
      lines.push(
        `  ${name}: ${set.summary.map((g) => `${g.label} n = ${g.n} median ${f3(g.median)}`).join("; ")}; log-rank p = ${f3(set.logrank?.p)}`,
      );
    }
  }
  for (const nt of run.notes) lines.push(`note: ${nt}`);
  return `${lines.join("\n")}\n`;
}
