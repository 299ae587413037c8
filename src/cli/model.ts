/**
 * `radiogenomics model features.csv [labels.csv] --target EGFR ...`: cross-validated predictive model
 * (penalised logistic regression or random forest) with preprocessing and feature selection inside the
 * folds, optional nested CV and external test set; writes metrics.json, oof_predictions.csv, model.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { readTableFile } from "../io/table-file.js";
import { type CvResult, crossValidate, classificationMetrics } from "../stats/crossval.js";
import { delongCi } from "../stats/delong.js";
import { brierScore } from "../stats/metrics.js";
import {
  type Dataset,
  datasetFromTables,
  fitPipeline,
  type ModelFile,
  type ModelType,
  type PipelineSpec,
  predictDataset,
} from "../stats/model.js";
import type { ImputeMethod } from "../stats/preprocess.js";
import type { SelectMethod, UnivariateTest } from "../stats/selection.js";
import { formatCsv, tableFromColumns } from "../stats/table.js";
import { VERSION } from "../version.js";
import { action, formatJson, note, parseIntOption, parseList, writeOutput } from "./util.js";

export interface ModelCommandOptions {
  target: string;
  id?: string;
  model: string;
  alpha?: string;
  folds: number;
  repeats: number;
  nested?: boolean;
  select: string;
  nFeatures?: number;
  univariateTest: string;
  lambdaRule: string;
  measure: string;
  trees: number;
  mtry?: number;
  impute: string;
  positive?: string;
  exclude?: string[];
  test?: string;
  seed: number;
  outDir: string;
  json?: boolean;
}

const MODELS = ["lasso", "ridge", "elasticnet", "forest"];
const SELECTS = ["none", "univariate", "lasso", "mrmr"];

function oneOf(name: string, v: string, allowed: string[]): string {
  if (!allowed.includes(v))
    throw new InputError(`--${name} must be one of ${allowed.join(", ")}, got "${v}"`);
  return v;
}

export function specFromOptions(o: ModelCommandOptions): PipelineSpec {
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
  return spec;
}

/** Probabilities table: id, truth (optional), one column per class, predicted class. */
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

export async function runModel(featuresFile: string, labelsFile: string | undefined, o: ModelCommandOptions) {
  const spec = specFromOptions(o);
  const features = await readTableFile(featuresFile);
  const labels = labelsFile ? await readTableFile(labelsFile) : undefined;
  const { data, notes } = datasetFromTables(features, labels, {
    target: o.target,
    idColumn: o.id,
    positive: o.positive,
    exclude: o.exclude,
  });
  const K = data.classes.length;
  const counts = data.classes.map((_, k) => data.y.reduce((s, c) => s + (c === k ? 1 : 0), 0));
  note(
    `${data.y.length} cases, ${data.names.length} features; ${o.target}: ${data.classes.map((c, k) => `${c} ${counts[k]}`).join(", ")}`,
  );
  for (const n of notes) note(`note: ${n}`);
  const cv = crossValidate(data, spec, {
    folds: o.folds,
    repeats: o.repeats,
    nested: o.nested,
    seed: o.seed,
  });
  // The final model is tuned like the nested folds were (mtry by OOB error when --nested).
  const finalSpec =
    o.nested && spec.model === "forest" && spec.mtry === undefined ? { ...spec, tuneMtry: true } : spec;
  const model = fitPipeline(data, finalSpec, { seed: o.seed, target: o.target });
  model.training.created = new Date().toISOString();
  model.training.software = `radiogenomics ${VERSION}`;
  for (const d of model.training.dropped) note(`note: feature "${d.name}" dropped (${d.reason})`);
  mkdirSync(o.outDir, { recursive: true });
  const result: Record<string, unknown> = {
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
  const fold1 = cv.foldIds[0];
  writeFileSync(
    join(o.outDir, "oof_predictions.csv"),
    predictionsCsv(
      data.classes,
      cv.pooled,
      data.ids,
      data.y,
      { fold: Float64Array.from(fold1, (f) => f + 1) },
      data.idColumn,
    ),
  );
  if (o.test) {
    const testTable = await readTableFile(o.test);
    const { data: test, notes: tn } = datasetFromTables(
      testTable,
      testTable.has(o.target) ? undefined : labels,
      {
        target: o.target,
        idColumn: o.id,
        exclude: o.exclude,
        classes: data.classes,
      },
    );
    for (const n of tn) note(`note (test): ${n}`);
    const t = testMetrics(model, test);
    result.test = { file: o.test, ...t.metrics };
    writeFileSync(
      join(o.outDir, "test_predictions.csv"),
      predictionsCsv(data.classes, t.prob, test.ids, test.y, {}, test.idColumn),
    );
  }
  writeFileSync(join(o.outDir, "model.json"), formatJson(model));
  writeFileSync(join(o.outDir, "metrics.json"), formatJson(result));
  if (o.json) writeOutput("-", formatJson(result));
  else {
    const s = cv.summary;
    const lines = [
      `${spec.model} model for ${o.target} (${K} classes, ${data.y.length} cases, ${model.features.length} features in the final model)`,
      `${o.folds}-fold${o.repeats > 1 ? ` x ${o.repeats}` : ""} ${cv.nested ? "nested " : ""}cross-validation: AUC ${round(s.auc, 4)}${s.aucCi ? ` (95% CI ${round(s.aucCi[0], 4)}-${round(s.aucCi[1], 4)})` : ""}, accuracy ${round(s.accuracy, 4)}${s.brier !== undefined ? `, Brier ${round(s.brier, 4)}` : ""}`,
    ];
    const tm = result.test as { auc: number; accuracy: number } | undefined;
    if (tm) lines.push(`external test: AUC ${round(tm.auc, 4)}, accuracy ${round(tm.accuracy, 4)}`);
    for (const n of cv.notes) lines.push(`note: ${n}`);
    lines.push(
      `wrote ${join(o.outDir, "metrics.json")}, oof_predictions.csv, model.json${o.test ? ", test_predictions.csv" : ""}`,
    );
    writeOutput("-", lines.join("\n"));
  }
  return result;
}

export function register(program: Command): void {
  program
    .command("model")
    .description(
      "cross-validated prediction model (lasso/ridge/elastic-net logistic regression or random forest) for a clinical or molecular target; preprocessing and feature selection are fitted inside the folds",
    )
    .argument("<features>", "feature table (CSV/TSV/Parquet), one row per case")
    .argument(
      "[labels]",
      "label table joined on the id column (default: the target is a column of the feature table)",
    )
    .requiredOption("--target <column>", "outcome column (binary or multi-class)")
    .option("--id <column>", "case id column (default: guessed, e.g. case_id, PatientID)")
    .option("--model <type>", "lasso | ridge | elasticnet | forest", "lasso")
    .option("--alpha <a>", "elastic-net mixing in [0, 1] (elasticnet only, default 0.5)")
    .option("--folds <k>", "cross-validation folds", parseIntOption("folds"), 5)
    .option("--repeats <r>", "repeats of the k-fold split", parseIntOption("repeats"), 1)
    .option("--nested", "nested CV: tune lambda (or mtry) inside each outer training fold")
    .option(
      "--select <method>",
      "feature selection inside the folds: none | univariate | lasso | mrmr",
      "none",
    )
    .option("--n-features <k>", "features kept by the selection (default 10)", parseIntOption("n-features"))
    .option("--univariate-test <t>", "univariate filter statistic: mwu | ttest | auc", "mwu")
    .option("--lambda-rule <rule>", "cross-validated lambda: min | 1se", "min")
    .option("--measure <m>", "lambda tuning measure: deviance | auc", "deviance")
    .option("--trees <n>", "random forest trees", parseIntOption("trees"), 500)
    .option("--mtry <m>", "random forest features per split (default sqrt(p))", parseIntOption("mtry"))
    .option("--impute <method>", "missing values: mean | median (fitted on training rows)", "mean")
    .option(
      "--positive <level>",
      "level of a binary target coded as the positive class (default: the second in sorted order)",
    )
    .option("--exclude <columns>", "comma-separated columns to leave out of the features", parseList)
    .option(
      "--test <file>",
      "external test set (features, with the target column or labels in the label table)",
    )
    .option("--seed <n>", "random seed (folds, forests)", parseIntOption("seed"), 1)
    .option("--out-dir <dir>", "output directory", "model-output")
    .option("--json", "print the metrics JSON on stdout")
    .action(
      action(async (features: string, labels: string | undefined, opts: ModelCommandOptions) => {
        await runModel(features, labels, opts);
      }),
    );
}
