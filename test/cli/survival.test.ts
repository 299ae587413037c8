/**
 * `radiogenomics survival` end to end: the user error for R's 1/2 event coding on the `lung` data, and a
 * synthetic radiomic cohort (lasso signature, train/validation risk groups, files written, human summary).
 * The analysis itself (Cox and log-rank against the R goldens) is tested in test/analysis/survival.test.ts.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { skipUnlessData } from "../helpers/data.js";
import { lungTexts, survivalCohortTexts } from "../analysis/cohorts.js";
import { runCli } from "../helpers/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "rg-survival-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function runSurvival(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli("survival", ...args);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

/** Write a features + clinical pair of CSV texts to the temporary folder. */
function write(
  prefix: string,
  texts: { features: string; clinical: string },
): { features: string; clinical: string } {
  const features = join(tmp, `${prefix}_features.csv`);
  const clinical = join(tmp, `${prefix}_clinical.csv`);
  writeFileSync(features, texts.features);
  writeFileSync(clinical, texts.clinical);
  return { features, clinical };
}

describe("survival command on R's lung data", {
  skip: skipUnlessData("reference", "survival", "lung.csv"),
}, () => {
  it("a 1/2 event column without --event-coding 12 is a one-line user error", async () => {
    const { features, clinical } = write("lung", lungTexts());
    const r = await runSurvival([features, clinical, "--time", "time", "--event", "status"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /event-coding 12/);
  });
});

describe("survival command on a synthetic radiomic cohort", () => {
  it("lasso signature with CV, validation risk groups, C-index, AUC(t) and the output files", async () => {
    const { features, clinical } = write("cohort", survivalCohortTexts());
    const out = join(tmp, "out");
    const r = await runSurvival([
      features,
      clinical,
      "--time",
      "os_days",
      "--event",
      "os_event",
      "--group",
      "sex",
      "--covariates",
      "age,sex",
      "--signature",
      "lasso",
      "--folds",
      "5",
      "--seed",
      "3",
      "--validation",
      "cohort",
      "--horizons",
      "365,730",
      "--out-dir",
      out,
      "--json",
    ]);
    assert.equal(r.code, 0, r.err);
    const s = JSON.parse(r.out);
    assert.equal(s.cases, 160);
    assert.ok(s.signature.selected.some((f: { feature: string }) => f.feature === "original_firstorder_F0"));
    assert.ok(s.validation.cIndex.concordance > 0.6, `validation C ${s.validation.cIndex.concordance}`);
    assert.equal(s.cox.coefficients[1].term, "sexM");
    for (const f of [
      "km.csv",
      "km_summary.csv",
      "km_by_group.csv",
      "logrank.csv",
      "cox.csv",
      "cox_tests.csv",
      "cox_zph.csv",
      "signature_coefficients.csv",
      "signature_cv.csv",
      "risk_scores.csv",
      "risk_groups.csv",
      "risk_km_train.csv",
      "risk_km_validation.csv",
      "summary.json",
    ]) {
      assert.ok(existsSync(join(out, f)), `${f} not written`);
    }
    const scores = readFileSync(join(out, "risk_scores.csv"), "utf8").trim().split("\n");
    assert.equal(scores.length, 161);
    assert.match(scores[0], /^case_id,set,risk_score,risk_group$/);
  });

  it("the human summary mentions the key results", async () => {
    const { features, clinical } = write("cohort", survivalCohortTexts());
    const r = await runSurvival([
      features,
      clinical,
      "--time",
      "os_days",
      "--event",
      "os_event",
      "--group",
      "sex",
      "--covariates",
      "age",
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /median survival/);
    assert.match(r.out, /log-rank: chisq/);
    assert.match(r.out, /Cox PH \(efron\)/);
  });
});
