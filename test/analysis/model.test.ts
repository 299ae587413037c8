/**
 * src/analysis/model.ts on tables in memory: a synthetic cohort (features + labels joined on case_id),
 * cross-validated lasso with in-fold selection, external test set, output files, messages; the final model
 * applied to the cases (predictCases = predictModel); option errors.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type ModelOptionStrings,
  modelFiles,
  modelSummaryText,
  parseModelOptions,
  predictCases,
  runModel,
} from "../../src/analysis/model.js";
import { predictModel } from "../../src/stats/models/model.js";
import { parseCsv, type Table } from "../../src/stats/tables/table.js";
import { modelCohortTexts } from "./cohorts.js";

function cohort(): { features: Table; labels: Table } {
  const t = modelCohortTexts();
  return {
    features: parseCsv(t.features, { name: "features.csv" }),
    labels: parseCsv(t.labels, { name: "labels.csv" }),
  };
}

const defaults: ModelOptionStrings = {
  target: "EGFR",
  model: "lasso",
  folds: 5,
  repeats: 1,
  select: "none",
  univariateTest: "mwu",
  lambdaRule: "min",
  measure: "deviance",
  trees: 500,
  impute: "mean",
  seed: 1,
};

describe("model analysis", () => {
  it("cross-validated lasso with in-fold selection, external test set, files, messages and summary", () => {
    const { features, labels } = cohort();
    const streamed: string[] = [];
    const run = runModel(
      { features, labels, test: features, testName: "test.csv", onMessage: (m) => streamed.push(m) },
      parseModelOptions({ ...defaults, select: "univariate", nFeatures: 3, positive: "mutant" }),
    );
    assert.deepEqual(run.data.classes, ["wild-type", "mutant"]);
    assert.equal(run.data.y.length, 119);
    assert.deepEqual(streamed, run.messages);
    assert.match(run.messages[0], /^119 cases, 13 features; EGFR: wild-type \d+, mutant \d+$/);
    assert.ok(run.messages.some((m) => /1 rows with a missing "EGFR" were left out/.test(m)));
    assert.ok(run.messages.some((m) => /constant_feature" dropped \(constant/.test(m)));
    assert.ok(run.messages.some((m) => /^note: 1 non-numeric diagnostics_\* columns skipped$/.test(m)));
    assert.ok(run.messages.some((m) => m.startsWith("note (test): ")));
    const cvm = run.metrics.crossValidation as { summary: { auc: number }; perFold: unknown[] };
    assert.ok(cvm.summary.auc > 0.75, `AUC ${cvm.summary.auc}`);
    assert.equal(cvm.perFold.length, 5);
    assert.ok(run.model.features.includes("original_firstorder_F0"));
    assert.ok(run.model.features.length <= 3);
    assert.equal(run.model.training.software?.startsWith("radiogenomics "), true);
    const test = run.metrics.test as { file: string; n: number; auc: number; aucCi: number[] };
    assert.equal(test.file, "test.csv");
    assert.equal(test.n, 119);
    assert.ok(test.auc > 0.75 && test.aucCi[0] < test.auc && test.auc < test.aucCi[1]);
    const files = modelFiles(run);
    assert.deepEqual(Object.keys(files), ["oof_predictions.csv", "test_predictions.csv"]);
    const oof = parseCsv(files["oof_predictions.csv"]);
    assert.deepEqual(oof.names, [
      "case_id",
      "observed",
      "fold",
      "prob_wild-type",
      "prob_mutant",
      "predicted",
    ]);
    assert.equal(oof.nRows, 119);
    assert.deepEqual(parseCsv(files["test_predictions.csv"]).names, [
      "case_id",
      "observed",
      "prob_wild-type",
      "prob_mutant",
      "predicted",
    ]);
    const text = modelSummaryText(run);
    assert.match(
      text,
      /^lasso model for EGFR \(2 classes, 119 cases, \d features in the final model\)\n5-fold cross-validation: AUC /,
    );
    assert.match(text, /\nexternal test: AUC /);

    // the final model on the feature table: same probabilities as predictModel, the id column guessed
    const pred = predictCases(run.model, features);
    const direct = predictModel(run.model, features);
    assert.deepEqual(Array.from(pred.prediction.prob), Array.from(direct.prob));
    const table = parseCsv(pred.csv);
    assert.deepEqual(table.names, ["case_id", "prob_wild-type", "prob_mutant", "predicted"]);
    assert.equal(table.text("case_id")[0], "P001");
    assert.equal(pred.missing, run.model.features.includes("original_firstorder_F2") ? 1 : 0);
  });

  it("option errors name the option", () => {
    const bad: Array<[Partial<ModelOptionStrings>, RegExp]> = [
      [{ model: "svm" }, /--model must be one of lasso, ridge, elasticnet, forest, got "svm"/],
      [{ select: "pca" }, /--select must be one of none, univariate, lasso, mrmr/],
      [{ impute: "knn" }, /--impute must be one of mean, median/],
      [{ univariateTest: "chi2" }, /--univariate-test must be one of mwu, ttest, auc/],
      [{ lambdaRule: "max" }, /--lambda-rule must be one of min, 1se/],
      [{ measure: "C" }, /--measure must be one of deviance, auc/],
      [{ model: "elasticnet", alpha: "3" }, /--alpha must be a number in \[0, 1\], got "3"/],
      [{ folds: 1 }, /--folds must be an integer >= 2, got 1/],
      [{ repeats: 0 }, /--repeats must be an integer >= 1, got 0/],
      [{ nFeatures: 0 }, /--n-features must be >= 1, got 0/],
    ];
    for (const [o, re] of bad) assert.throws(() => parseModelOptions({ ...defaults, ...o }), re);
    const rf = parseModelOptions({
      ...defaults,
      model: "forest",
      trees: 50,
      mtry: 2,
      lambdaRule: "nonsense",
    });
    assert.deepEqual([rf.spec.nTrees, rf.spec.mtry, rf.spec.lambdaRule], [50, 2, undefined]);
    assert.equal(parseModelOptions({ ...defaults, model: "elasticnet" }).spec.alpha, 0.5);
  });

  it("data errors stream the messages gathered before them", () => {
    const { features, labels } = cohort();
    const streamed: string[] = [];
    assert.throws(
      () =>
        runModel(
          { features, labels, onMessage: (m) => streamed.push(m) },
          parseModelOptions({ ...defaults, folds: 80 }),
        ),
      /fewer than the 80 folds/,
    );
    assert.match(streamed[0], /^119 cases/);
  });
});
