/**
 * Prediction-model workflow: a cross-validated model (penalised logistic regression or random forest) with
 * preprocessing and feature selection fitted inside the folds, optional nested CV and external test set,
 * the final model fitted on every case; and the application of a saved model to new cases.
 *
 * Browser-safe: takes tables already read, returns the results, the CSV output files and the summaries.
 *   const opts = parseModelOptions({ target: "EGFR", model: "lasso", ... });
 *   const run = runModel({ features, labels, test }, opts);
 *   modelFiles(run); run.metrics (metrics.json); run.model (model.json); modelSummaryText(run);
 *   const pred = predictCases(model, table);
 */
import { InputError } from "../errors.js";
import { type CvResult, classificationMetrics, crossValidate } from "../stats/models/crossval.js";
import { delongCi } from "../stats/metrics/delong.js";
import { brierScore } from "../stats/metrics/metrics.js";
import {
  type Dataset,
  datasetFromTables,
  fitPipeline,
  type ModelFile,
  type ModelType,
  type PipelineSpec,
  type Prediction,
  predictDataset,
  predictModel,
} from "../stats/models/model.js";
import type { ImputeMethod } from "../stats/tables/preprocess.js";
import type { SelectMethod, UnivariateTest } from "../stats/models/selection.js";
import { formatCsv, guessIdColumn, type Table, tableFromColumns, tableIds } from "../stats/tables/table.js";
import { VERSION } from "../version.js";
import type { OutputFiles } from "./csv.js";

/** Validated options of the model workflow. */
export interface ModelOptions {
  /** Outcome column (binary or multi-class). */
  target: string;
  /** Case id column (default: guessed). */
  id?: string;
  /** Level of a binary target coded as the positive class. */
  positive?: string;
  /** Columns left out of the features. */
  exclude?: string[];
  /** Model, preprocessing and selection. */
  spec: PipelineSpec;
  folds: number;
  repeats: number;
  /** Nested CV: hyperparameters tuned inside each outer training fold. */
  nested: boolean;
  seed: number;
}

/** Options as typed on the command line, with the defaults applied (the pipeline spec as separate options). */
export type ModelOptionStrings = Omit<ModelOptions, "spec" | "nested"> & {
  model: string;
  alpha?: string;
  nested?: boolean;
  select: string;
  nFeatures?: number;
  univariateTest: string;
  lambdaRule: string;
  measure: string;
  trees: number;
  mtry?: number;
  impute: string;
};

export interface ModelInputs {
  /** Feature table, one row per case (with the target unless `labels` has it). */
  features: Table;
  /** Label table joined on the id column. */
  labels?: Table;
  /** External test set (features, with the target column or labels in `labels`). */
  test?: Table;
  /** How metrics.json names the test set (default `test.source`). */
  testName?: string;
  /** Called with each message line as it happens (the lines are also in `run.messages`). */
  onMessage?: (line: string) => void;
}

export interface ModelRun {
  /** The options the run was made with. */
  options: ModelOptions;
  data: Dataset;
  cv: CvResult;
  /** The final model fitted on every case (model.json). */
  model: ModelFile;
  /** The content of metrics.json. */
  metrics: Record<string, unknown>;
  test?: { data: Dataset; prob: Float64Array };
  /** Message lines for the user (case counts, notes), in order. */
  messages: string[];
}

const MODELS = ["lasso", "ridge", "elasticnet", "forest"];
const SELECTS = ["none", "univariate", "lasso", "mrmr"];

function oneOf(name: string, v: string, allowed: string[]): string {
  if (!allowed.includes(v))
    throw new InputError(`--${name} must be one of ${allowed.join(", ")}, got "${v}"`);
  return v;
}

/** Check and convert the command-line options (InputError naming the option). */
export function parseModelOptions(o: ModelOptionStrings): ModelOptions {
  const model = oneOf("model", o.model, MODELS) as ModelType;
  const select = oneOf("select", o.select, SELECTS) as SelectMethod;
  const spec: PipelineSpec = {
    model,
    impute: oneOf("impute", o.impute, ["mean", "median"]) as ImputeMethod,
    select: {
      method: select,
      k: o.nFeatures,
      test: oneOf("univariate-test", o.univariateTest, ["mwu", "ttest", "auc"]) as UnivariateTest,
    },
  };
  if (model === "forest") {
    spec.nTrees = o.trees;
    if (o.mtry !== undefined) spec.mtry = o.mtry;
  } else {
    spec.lambdaRule = oneOf("lambda-rule", o.lambdaRule, ["min", "1se"]) as "min" | "1se";
    spec.tuneMeasure = oneOf("measure", o.measure, ["deviance", "auc"]) as "deviance" | "auc";
    if (model === "elasticnet") {
      const a = o.alpha === undefined ? 0.5 : Number(o.alpha);
      if (!(a >= 0 && a <= 1)) throw new InputError(`--alpha must be a number in [0, 1], got "${o.alpha}"`);
      spec.alpha = a;
    }
  }
  if (!Number.isInteger(o.folds) || o.folds < 2)
    throw new InputError(`--folds must be an integer >= 2, got ${o.folds}`);
  if (!Number.isInteger(o.repeats) || o.repeats < 1)
    throw new InputError(`--repeats must be an integer >= 1, got ${o.repeats}`);
  if (o.nFeatures !== undefined && o.nFeatures < 1)
    throw new InputError(`--n-features must be >= 1, got ${o.nFeatures}`);
  return {
    target: o.target,
    id: o.id,
    positive: o.positive,
    exclude: o.exclude,
    spec,
    folds: o.folds,
    repeats: o.repeats,
    nested: o.nested ?? false,
    seed: o.seed,
  };
}

/** Probabilities table: id, truth (optional), extra columns, one column per class, predicted class. */
export function predictionsCsv(
  classes: string[],
  prob: Float64Array,
  ids: string[] | undefined,
  truth?: Int32Array,
  extra: Record<string, ArrayLike<number>> = {},
  idName = "id",
): string {
  const K = classes.length;
  const n = prob.length / K;
  const cols: Record<string, ArrayLike<number> | (string | null)[]> = {};
  cols[ids ? idName : "row"] = ids ?? Array.from({ length: n }, (_, i) => String(i + 1));
  if (truth) cols.observed = Array.from(truth, (c) => classes[c]);
  for (const [k, v] of Object.entries(extra)) cols[k] = v;
  classes.forEach((c, k) => {
    cols[`prob_${c}`] = Float64Array.from({ length: n }, (_, i) => prob[i * K + k]);
  });
  cols.predicted = Array.from({ length: n }, (_, i) => {
    let a = 0;
    for (let k = 1; k < K; k++) if (prob[i * K + k] > prob[i * K + a]) a = k;
    return classes[a];
  });
  return formatCsv(tableFromColumns(cols, "predictions"));
}

function round(v: number, digits = 6): number {
  return Number.isFinite(v) ? Number(v.toPrecision(digits)) : v;
}

function cvJson(cv: CvResult) {
  return {
    folds: cv.folds,
    repeats: cv.repeats,
    nested: cv.nested,
    seed: cv.seed,
    summary: cv.summary,
    perFold: cv.perFold.map((f) => ({
      repeat: f.repeat + 1,
      fold: f.fold + 1,
      nTrain: f.nTrain,
      nTest: f.nTest,
      auc: f.auc,
      accuracy: f.accuracy,
      logLoss: f.logLoss,
      nSelected: f.selected.length,
      lambda: f.lambda,
      mtry: f.mtry,
    })),
    selectionFrequency: Object.fromEntries(Object.entries(cv.selectionFrequency).slice(0, 100)),
    notes: cv.notes,
  };
}

function testMetrics(model: ModelFile, test: Dataset) {
  const K = model.classes.length;
  const prob = predictDataset(model, test);
  const m = classificationMetrics(prob, test.y, K);
  const out: Record<string, unknown> = { n: test.y.length, ...m };
  if (K === 2 && !Number.isNaN(m.auc)) {
    const labels = Float64Array.from(test.y);
    const pos = Float64Array.from({ length: test.y.length }, (_, i) => prob[i * 2 + 1]);
    const ci = delongCi(pos, labels);
    out.aucCi = [ci.lower, ci.upper];
    out.brier = brierScore(pos, labels);
  }
  return { prob, metrics: out };
}

/** Cross-validate, fit the final model and evaluate it on the external test set, on tables already read. */
export function runModel(inputs: ModelInputs, o: ModelOptions): ModelRun {
  const messages: string[] = [];
  const say = (line: string) => {
    messages.push(line);
    inputs.onMessage?.(line);
  };
  const spec = o.spec;
  const { data, notes } = datasetFromTables(inputs.features, inputs.labels, {
    target: o.target,
    idColumn: o.id,
    positive: o.positive,
    exclude: o.exclude,
  });
  const counts = data.classes.map((_, k) => data.y.reduce((s, c) => s + (c === k ? 1 : 0), 0));
  say(
    `${data.y.length} cases, ${data.names.length} features; ${o.target}: ${data.classes.map((c, k) => `${c} ${counts[k]}`).join(", ")}`,
  );
  for (const n of notes) say(`note: ${n}`);
  const cv = crossValidate(data, spec, {
    folds: o.folds,
    repeats: o.repeats,
    nested: o.nested,
    seed: o.seed,
  });
  // The final model is tuned like the nested folds were (mtry by OOB error when nested).
  const finalSpec =
    o.nested && spec.model === "forest" && spec.mtry === undefined ? { ...spec, tuneMtry: true } : spec;
  const model = fitPipeline(data, finalSpec, { seed: o.seed, target: o.target });
  model.training.created = new Date().toISOString();
  model.training.software = `radiogenomics ${VERSION}`;
  for (const d of model.training.dropped) say(`note: feature "${d.name}" dropped (${d.reason})`);
  const metrics: Record<string, unknown> = {
    target: o.target,
    classes: data.classes,
    classCounts: Object.fromEntries(data.classes.map((c, k) => [c, counts[k]])),
    nCases: data.y.length,
    nFeatures: data.names.length,
    spec,
    crossValidation: cvJson(cv),
    finalModel: {
      features: model.features,
      type: model.model.type,
      lambda: model.model.type === "glmnet" ? model.model.lambda : undefined,
      mtry: model.model.type === "forest" ? model.model.mtry : undefined,
      tuning: model.training.tuning,
      dropped: model.training.dropped,
    },
    notes: [...notes, ...model.training.notes.filter((s) => !s.startsWith("feature "))],
  };
  const run: ModelRun = { options: o, data, cv, model, metrics, messages };
  if (inputs.test) {
    const testTable = inputs.test;
    const { data: test, notes: tn } = datasetFromTables(
      testTable,
      testTable.has(o.target) ? undefined : inputs.labels,
      { target: o.target, idColumn: o.id, exclude: o.exclude, classes: data.classes },
    );
    for (const n of tn) say(`note (test): ${n}`);
    const t = testMetrics(model, test);
    metrics.test = { file: inputs.testName ?? testTable.source, ...t.metrics };
    run.test = { data: test, prob: t.prob };
  }
  return run;
}

/** oof_predictions.csv (out-of-fold probabilities, fold of the first repeat) and test_predictions.csv. */
export function modelFiles(run: ModelRun): OutputFiles {
  const { data, cv } = run;
  const files: OutputFiles = {};
  files["oof_predictions.csv"] = predictionsCsv(
    data.classes,
    cv.pooled,
    data.ids,
    data.y,
    { fold: Float64Array.from(cv.foldIds[0], (f) => f + 1) },
    data.idColumn,
  );
  if (run.test) {
    const t = run.test;
    files["test_predictions.csv"] = predictionsCsv(
      data.classes,
      t.prob,
      t.data.ids,
      t.data.y,
      {},
      t.data.idColumn,
    );
  }
  return files;
}

/** The human-readable summary: model, cross-validated and external-test performance, notes. */
export function modelSummaryText(run: ModelRun): string {
  const { cv, data, options: o } = run;
  const s = cv.summary;
  const lines = [
    `${o.spec.model} model for ${o.target} (${data.classes.length} classes, ${data.y.length} cases, ${run.model.features.length} features in the final model)`,
    `${o.folds}-fold${o.repeats > 1 ? ` x ${o.repeats}` : ""} ${cv.nested ? "nested " : ""}cross-validation: AUC ${round(s.auc, 4)}${s.aucCi ? ` (95% CI ${round(s.aucCi[0], 4)}-${round(s.aucCi[1], 4)})` : ""}, accuracy ${round(s.accuracy, 4)}${s.brier !== undefined ? `, Brier ${round(s.brier, 4)}` : ""}`,
  ];
  const tm = run.metrics.test as { auc: number; accuracy: number } | undefined;
  if (tm) lines.push(`external test: AUC ${round(tm.auc, 4)}, accuracy ${round(tm.accuracy, 4)}`);
  for (const n of cv.notes) lines.push(`note: ${n}`);
  return `${lines.join("\n")}\n`;
}

export interface CasePredictions {
  prediction: Prediction;
  /** The predictions table (id or row, one probability column per class, predicted class). */
  csv: string;
  /** Missing feature values imputed with the training values. */
  missing: number;
}

/** Apply a model (model.json of `runModel`) to new cases, with the model's own preprocessing. */
export function predictCases(model: ModelFile, table: Table, opts: { id?: string } = {}): CasePredictions {
  const prediction = predictModel(model, table);
  const idCol = opts.id ?? guessIdColumn(table);
  const ids = idCol ? tableIds(table, idCol) : undefined;
  let missing = 0;
  for (const f of model.features) {
    const v = table.numeric(f);
    for (let i = 0; i < v.length; i++) if (Number.isNaN(v[i])) missing++;
  }
  const csv = predictionsCsv(prediction.classes, prediction.prob, ids, undefined, {}, idCol);
  return { prediction, csv, missing };
}
