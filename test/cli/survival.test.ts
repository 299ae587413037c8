/**
 * `radiogenomics survival`: end to end on the R `lung` data (Cox and log-rank against the survival goldens)
 * and on a synthetic radiomic cohort (lasso signature, train/validation risk groups, files written).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Command } from "commander";
import { register, runSurvival, type SurvivalCliOptions } from "../../src/cli/survival.js";
import { io } from "../../src/cli/util.js";
import { Random } from "../../src/stats/random.js";
import { skipUnlessData } from "../helpers/data.js";
import { Comparer, readJson, survPath } from "../stats/survivalGoldens.js";

const tmp = mkdtempSync(join(tmpdir(), "rg-survival-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const defaults: SurvivalCliOptions = {
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
  json: false,
};

async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const program = new Command();
  program.exitOverride();
  register(program);
  for (const c of program.commands) c.exitOverride();
  const saved = { out: io.out, err: io.err };
  let out = "";
  let err = "";
  io.out = (s: string) => {
    out += s;
  };
  io.err = (s: string) => {
    err += s;
  };
  process.exitCode = undefined;
  try {
    await program.parseAsync(["survival", ...args], { from: "user" });
  } finally {
    io.out = saved.out;
    io.err = saved.err;
  }
  const code = typeof process.exitCode === "number" ? process.exitCode : 0;
  process.exitCode = undefined;
  return { code, out, err };
}

/** lung.csv with a case id column added, split into a "features" and a "clinical" file. */
function writeLung(): { features: string; clinical: string } {
  const lines = readFileSync(survPath("lung.csv"), "utf8").trim().split(/\r?\n/);
  const header = lines[0].split(",");
  const rows = lines.slice(1).map((l) => l.split(","));
  const featCols = ['"meal.cal"', '"wt.loss"'];
  const fi = featCols.map((c) => header.indexOf(c));
  const ci = header.map((_, j) => j).filter((j) => !fi.includes(j));
  const features = join(tmp, "lung_features.csv");
  const clinical = join(tmp, "lung_clinical.csv");
  writeFileSync(
    features,
    [
      ["case_id", ...fi.map((j) => header[j])].join(","),
      ...rows.map((r, i) => [`L${i + 1}`, ...fi.map((j) => r[j])].join(",")),
    ].join("\n"),
  );
  writeFileSync(
    clinical,
    [
      ["case_id", ...ci.map((j) => header[j])].join(","),
      ...rows.map((r, i) => [`L${i + 1}`, ...ci.map((j) => r[j])].join(",")),
    ].join("\n"),
  );
  return { features, clinical };
}

describe("survival command on R's lung data", {
  skip: skipUnlessData("reference", "survival", "lung.csv"),
}, () => {
  it("Cox (efron) and log-rank match the R goldens end to end", async () => {
    const { features, clinical } = writeLung();
    const run = await runSurvival(features, clinical, {
      ...defaults,
      eventCoding: "12",
      group: "sex",
      covariates: ["age", "sex", "ph.ecog"],
    });
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

  it("a 1/2 event column without --event-coding 12 is a one-line user error", async () => {
    const { features, clinical } = writeLung();
    const r = await runCli([features, clinical, "--time", "time", "--event", "status"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /event-coding 12/);
  });
});

describe("survival command on a synthetic radiomic cohort", () => {
  function writeCohort(): { features: string; clinical: string } {
    const rng = new Random(2);
    const n = 160;
    const p = 30;
    const x = Array.from({ length: p }, () => Array.from({ length: n }, () => rng.normal()));
    const ids = Array.from({ length: n }, (_, i) => `P${String(i).padStart(3, "0")}`);
    const rowsF = ids.map((id, i) => [id, ...x.map((c) => c[i].toFixed(6))].join(","));
    writeFileSync(
      join(tmp, "feat.csv"),
      [["case_id", ...x.map((_, j) => `original_firstorder_F${j}`)].join(","), ...rowsF].join("\n"),
    );
    const rowsC = ids.map((id, i) => {
      const eta = 0.9 * x[0][i] - 0.7 * x[1][i];
      const t = rng.exponential(0.002 * Math.exp(eta));
      const c = rng.exponential(0.001);
      const sex = rng.next() < 0.5 ? "F" : "M";
      return [
        id,
        Math.ceil(Math.min(t, c)),
        t <= c ? 1 : 0,
        sex,
        Math.round(50 + 10 * rng.normal()),
        i % 3 === 0 ? "validation" : "train",
      ].join(",");
    });
    writeFileSync(join(tmp, "clin.csv"), ["case_id,os_days,os_event,sex,age,cohort", ...rowsC].join("\n"));
    return { features: join(tmp, "feat.csv"), clinical: join(tmp, "clin.csv") };
  }

  it("lasso signature with CV, validation risk groups, C-index, AUC(t) and the output files", async () => {
    const { features, clinical } = writeCohort();
    const out = join(tmp, "out");
    const r = await runCli([
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
    const { features, clinical } = writeCohort();
    const r = await runCli([
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
