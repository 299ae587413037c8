/**
 * src/analysis/survival.ts on tables in memory: Cox and log-rank on R's `lung` data against the survival
 * goldens, option validation, and the output files / summaries of a synthetic radiomic cohort.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  parseSurvivalOptions,
  runSurvival,
  type SurvivalOptionStrings,
  survivalFiles,
  survivalSummary,
  survivalSummaryText,
} from "../../src/analysis/survival.js";
import { parseCsv, type Table } from "../../src/stats/tables/table.js";
import { skipUnlessData } from "../helpers/data.js";
import { Comparer, readJson } from "../stats/survival/survivalGoldens.js";
import { lungTexts, survivalCohortTexts } from "./cohorts.js";

const defaults: SurvivalOptionStrings = {
  time: "time",
  event: "status",
  eventCoding: "01",
  ties: "efron",
  folds: 5,
  seed: 1,
  measure: "deviance",
  lambda: "min",
  split: "median",
  confType: "log",
};

/** Parse a features + clinical pair of CSV texts. */
function tables(
  prefix: string,
  texts: { features: string; clinical: string },
): { features: Table; clinical: Table } {
  return {
    features: parseCsv(texts.features, { name: `${prefix}_features.csv` }),
    clinical: parseCsv(texts.clinical, { name: `${prefix}_clinical.csv` }),
  };
}
const lungTables = () => tables("lung", lungTexts());

describe("survival analysis on R's lung data", {
  skip: skipUnlessData("reference", "survival", "lung.csv"),
}, () => {
  it("Cox (efron) and log-rank match the R goldens", () => {
    const run = runSurvival(
      lungTables(),
      parseSurvivalOptions({
        ...defaults,
        eventCoding: "12",
        group: "sex",
        covariates: ["age", "sex", "ph.ecog"],
      }),
    );
    const g = readJson<Array<{ label: string; coef: number[]; se: number[]; n: number }>>("cox.json").find(
      (x) => x.label === "lung_age_sex_phecog_efron",
    );
    assert.ok(g && run.cox);
    assert.equal(run.cox.n, g.n); // the row with missing ph.ecog is dropped
    const cmp = new Comparer(1e-9);
    cmp.checkAll("coef", run.cox.coef, g.coef);
    cmp.checkAll("se", run.cox.se, g.se);
    assert.deepEqual(cmp.misses, []);
    // log-rank by sex on the same 227 complete cases is a valid test (R golden uses all 228)
    assert.ok(run.logrank && run.logrank.p < 0.01);
    assert.ok(run.coxZph?.global && run.coxZph.global.df === 3);
    assert.ok(run.notes.some((n) => /1 cases dropped/.test(n)));
  });

  it("a 1/2 event column without eventCoding 12 is a data error naming the column", () => {
    assert.throws(
      () => runSurvival(lungTables(), parseSurvivalOptions(defaults)),
      /lung_features\.csv \+ lung_clinical\.csv: column "status", row 1: event value "2" is not 0\/1 .*--event-coding 12/,
    );
  });
});

describe("survival analysis of a synthetic radiomic cohort", () => {
  const cohort = () => tables("cohort", survivalCohortTexts());
  const base: SurvivalOptionStrings = { ...defaults, time: "os_days", event: "os_event" };

  it("lasso signature on the training cases, validated C-index and risk groups, files and summaries", () => {
    const run = runSurvival(
      cohort(),
      parseSurvivalOptions({
        ...base,
        group: "sex",
        covariates: ["age", "sex"],
        signature: "lasso",
        seed: 3,
        validation: "cohort",
        horizons: ["365", "730"],
      }),
    );
    assert.equal(run.n, 160);
    assert.equal(run.idColumn, "case_id");
    assert.ok(run.signature?.selected.some((f) => f.feature === "original_firstorder_F0"));
    assert.ok(run.validation?.cIndex && run.validation.cIndex.concordance > 0.6);
    assert.equal(run.validation.timeAuc?.length, 2);
    assert.ok(run.risk?.validation, "risk groups evaluated on the validation cases");
    const files = survivalFiles(run);
    assert.deepEqual(Object.keys(files).sort(), [
      "cox.csv",
      "cox_tests.csv",
      "cox_zph.csv",
      "km.csv",
      "km_by_group.csv",
      "km_by_group_summary.csv",
      "km_summary.csv",
      "logrank.csv",
      "risk_groups.csv",
      "risk_km_train.csv",
      "risk_km_validation.csv",
      "risk_scores.csv",
      "signature_coefficients.csv",
      "signature_cv.csv",
    ]);
    const scores = files["risk_scores.csv"].trim().split("\n");
    assert.equal(scores.length, 161);
    assert.equal(scores[0], "case_id,set,risk_score,risk_group");
    assert.equal(scores.filter((l) => l.includes(",validation,")).length, 54);
    const s = survivalSummary(run) as { cases: number; cox: { coefficients: Array<{ term: string }> } };
    assert.equal(s.cases, 160);
    assert.equal(s.cox.coefficients[1].term, "sexM");
    const text = survivalSummaryText(run);
    assert.match(text, /^160 cases, \d+ events; median survival/);
    assert.match(text, /lasso signature: \d+ features at lambda/);
    assert.match(text, /validation: n = 54, events = \d+, C-index/);
  });

  it("without a validation set the Cox covariate model is the risk score and a note warns", () => {
    const run = runSurvival(cohort(), parseSurvivalOptions({ ...base, covariates: ["age"] }));
    assert.equal(run.score?.name, "Cox linear predictor");
    assert.ok(run.notes.some((n) => /evaluated on the training cases only/.test(n)));
    assert.equal(run.validation, undefined);
  });

  it("option errors name the option", () => {
    const bad: Array<[Partial<SurvivalOptionStrings>, RegExp]> = [
      [{ eventCoding: "10" }, /--event-coding must be 01 or 12, got "10"/],
      [{ ties: "exact" }, /--ties must be efron or breslow/],
      [{ signature: "ridge" }, /--signature must be lasso or elasticnet/],
      [{ signature: "elasticnet", alpha: "2" }, /--alpha must be in \[0, 1\], got "2"/],
      [{ measure: "auc" }, /--measure must be deviance or C/],
      [{ lambda: "max" }, /--lambda must be min or 1se/],
      [{ trainFraction: "1.5" }, /--train-fraction must be in \(0, 1\), got "1.5"/],
      [{ split: "x" }, /--split must be median, tertile or quartile/],
      [{ horizons: ["1", "x"] }, /--horizons: "x" is not a number/],
    ];
    for (const [o, re] of bad) assert.throws(() => parseSurvivalOptions({ ...base, ...o }), re);
    // lasso ignores --alpha; the train fraction is unused (and unchecked) with a validation column
    assert.equal(parseSurvivalOptions({ ...base, signature: "lasso", alpha: "7" }).alpha, 1);
    assert.equal(
      parseSurvivalOptions({ ...base, validation: "cohort", trainFraction: "9" }).trainFraction,
      undefined,
    );
  });
});
