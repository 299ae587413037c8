/**
 * `radiogenomics model` and `radiogenomics predict` end to end on a synthetic cohort written by the test
 * (features.csv + labels.csv joined on case_id), plus the user errors the commands must report clearly.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type ModelFile, predictModel } from "../../src/stats/models/model.js";
import { modelCohortTexts } from "../analysis/cohorts.js";
import { parseCsv } from "../../src/stats/tables/table.js";
import { runCli } from "../helpers/cli.js";

let dir: string;

/** Run a command; returns exit code, stdout and stderr (captured). */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(...args);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

function writeCohort(): void {
  const t = modelCohortTexts();
  writeFileSync(join(dir, "features.csv"), t.features);
  writeFileSync(join(dir, "labels.csv"), t.labels);
  writeFileSync(join(dir, "text.csv"), t.text);
  writeFileSync(join(dir, "tiny_labels.csv"), t.tinyLabels);
}

describe("radiogenomics model / predict", () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "rg-model-"));
    writeCohort();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("fits, cross-validates and writes metrics, out-of-fold predictions and the model", async () => {
    const out = join(dir, "out");
    const r = await run([
      "model",
      join(dir, "features.csv"),
      join(dir, "labels.csv"),
      "--target",
      "EGFR",
      "--id",
      "case_id",
      "--select",
      "univariate",
      "--n-features",
      "4",
      "--nested",
      "--positive",
      "mutant",
      "--out-dir",
      out,
      "--json",
    ]);
    assert.equal(r.code, 0, r.err);
    const metrics = JSON.parse(r.out);
    assert.deepEqual(metrics.classes, ["wild-type", "mutant"]);
    assert.equal(metrics.nCases, 119);
    assert.ok(metrics.crossValidation.summary.auc > 0.75, `AUC ${metrics.crossValidation.summary.auc}`);
    assert.equal(metrics.crossValidation.perFold.length, 5);
    assert.match(r.err, /constant_feature" dropped \(constant/);
    assert.match(r.err, /1 rows with a missing "EGFR" were left out/);
    assert.match(r.err, /diagnostics_\* columns skipped/);
    for (const f of ["metrics.json", "oof_predictions.csv", "model.json"])
      assert.ok(existsSync(join(out, f)), f);
    const oof = parseCsv(readFileSync(join(out, "oof_predictions.csv"), "utf8"));
    assert.deepEqual(oof.names, [
      "case_id",
      "observed",
      "fold",
      "prob_wild-type",
      "prob_mutant",
      "predicted",
    ]);
    assert.equal(oof.nRows, 119);
    const model = JSON.parse(readFileSync(join(out, "model.json"), "utf8")) as ModelFile;
    assert.equal(model.format, "radiogenomics-model");
    assert.ok(model.features.includes("original_firstorder_F0"));
    assert.ok(model.features.length <= 4);

    // predict: same probabilities as applying the model in-process.
    const pr = await run(["predict", join(out, "model.json"), join(dir, "features.csv")]);
    assert.equal(pr.code, 0, pr.err);
    const pred = parseCsv(pr.out);
    assert.deepEqual(pred.names, ["case_id", "prob_wild-type", "prob_mutant", "predicted"]);
    assert.equal(pred.text("case_id")[0], "P001");
    const direct = predictModel(model, parseCsv(readFileSync(join(dir, "features.csv"), "utf8")));
    const pm = pred.numeric("prob_mutant");
    for (let i = 0; i < pm.length; i++) assert.ok(Math.abs(pm[i] - direct.prob[2 * i + 1]) < 1e-15);
    if (model.features.includes("original_firstorder_F2")) assert.match(pr.err, /imputed/);
  });

  it("random forest with an external test set", async () => {
    const out = join(dir, "out-rf");
    const r = await run([
      "model",
      join(dir, "features.csv"),
      join(dir, "labels.csv"),
      "--target",
      "EGFR",
      "--model",
      "forest",
      "--trees",
      "100",
      "--test",
      join(dir, "features.csv"),
      "--out-dir",
      out,
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /external test: AUC/);
    const m = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    assert.ok(m.test.auc > 0.9); // the training cases themselves
    assert.ok(existsSync(join(out, "test_predictions.csv")));
  });

  it("reports user errors in one line with exit code 1", async () => {
    const base = ["model", join(dir, "features.csv"), join(dir, "labels.csv"), "--out-dir", join(dir, "bad")];
    let r = await run([...base, "--target", "KRAS"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /target column "KRAS" not found/);
    r = await run([...base, "--target", "onlyone"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /one class only \("same"\)/);
    r = await run([
      "model",
      join(dir, "features.csv"),
      join(dir, "tiny_labels.csv"),
      "--target",
      "EGFR",
      "--out-dir",
      join(dir, "bad"),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.err, /class "mutant" has 3 samples, fewer than the 5 folds/);
    r = await run([
      "model",
      join(dir, "text.csv"),
      join(dir, "labels.csv"),
      "--target",
      "EGFR",
      "--out-dir",
      join(dir, "bad"),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.err, /non-numeric feature column: f2/);
    r = await run([...base, "--target", "EGFR", "--model", "svm"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /--model must be one of lasso, ridge, elasticnet, forest/);
    writeFileSync(join(dir, "few.csv"), "case_id,original_firstorder_F0\nP001,1\n");
    r = await run(["predict", join(dir, "out", "model.json"), join(dir, "few.csv")]);
    assert.equal(r.code, 1);
    assert.match(r.err, /missing feature columns? required by the model/);
    r = await run(["predict", join(dir, "labels.csv"), join(dir, "few.csv")]);
    assert.equal(r.code, 1);
    assert.match(r.err, /invalid JSON|not a radiogenomics model/);
  });
});
