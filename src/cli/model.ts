/**
 * `radiogenomics model features.csv [labels.csv] --target EGFR ...`: cross-validated predictive model
 * (penalised logistic regression or random forest) with preprocessing and feature selection inside the
 * folds, optional nested CV and external test set; writes metrics.json, oof_predictions.csv, model.json.
 *
 * Thin: reads the tables, runs src/analysis/model.ts, writes the files and prints the summary.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import {
  type ModelOptionStrings,
  modelFiles,
  modelSummaryText,
  parseModelOptions,
  runModel,
} from "../analysis/model.js";
import { readTableFile } from "../io/table-file.js";
import { action, formatJson, note, parseIntOption, parseList, writeOutput } from "./util.js";

export interface ModelCommandOptions extends ModelOptionStrings {
  test?: string;
  outDir: string;
  json?: boolean;
}

async function runModelCommand(
  featuresFile: string,
  labelsFile: string | undefined,
  o: ModelCommandOptions,
): Promise<Record<string, unknown>> {
  const options = parseModelOptions(o);
  const features = await readTableFile(featuresFile);
  const labels = labelsFile ? await readTableFile(labelsFile) : undefined;
  const test = o.test ? await readTableFile(o.test) : undefined;
  const run = runModel({ features, labels, test, testName: o.test, onMessage: note }, options);
  mkdirSync(o.outDir, { recursive: true });
  for (const [name, text] of Object.entries(modelFiles(run))) writeFileSync(join(o.outDir, name), text);
  writeFileSync(join(o.outDir, "model.json"), formatJson(run.model));
  writeFileSync(join(o.outDir, "metrics.json"), formatJson(run.metrics));
  if (o.json) writeOutput("-", formatJson(run.metrics));
  else
    writeOutput(
      "-",
      `${modelSummaryText(run)}wrote ${join(o.outDir, "metrics.json")}, oof_predictions.csv, model.json${o.test ? ", test_predictions.csv" : ""}`,
    );
  return run.metrics;
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
        await runModelCommand(features, labels, opts);
      }),
    );
}
