/**
 * The built-in synthetic cohort carries known ground truth (src/demo/cohort.ts). The chain must recover it:
 * the mutation from imaging, the site effect removed by ComBat, the survival effect on held-out cases, and
 * the mutation as the dominant imaging phenotype.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { analyseCohort, featureTable } from "../../src/demo/analysis.js";
import { generateCohort } from "../../src/demo/cohort.js";
import { runDemo } from "../../src/demo/run.js";
import { parseParams } from "../../src/extract/paramFile.js";
import { extractFeatures } from "../../src/extract/pipeline.js";
import { DEMO_PARAMS } from "../../src/demo/run.js";

const cohort = generateCohort();
const params = parseParams(DEMO_PARAMS);
const rows = cohort.map((p) => extractFeatures(p.image, p.mask, params)[0]!.features);
const table = featureTable(rows, {
  case_id: cohort.map((p) => p.caseId),
  mutation: cohort.map((p) => String(p.mutation)),
  site: cohort.map((p) => p.site),
  os_days: cohort.map((p) => p.osDays),
  os_event: cohort.map((p) => p.osEvent),
});
const a = analyseCohort(table);

test("the synthetic cohort is deterministic and balanced", () => {
  const again = generateCohort();
  assert.deepEqual(
    again.map((p) => [p.caseId, p.mutation, p.site, p.osDays, p.osEvent]),
    cohort.map((p) => [p.caseId, p.mutation, p.site, p.osDays, p.osEvent]),
  );
  assert.equal(cohort.length, 40);
  assert.equal(cohort.filter((p) => p.mutation === 1).length, 20);
  for (const s of ["A", "B", "C"]) assert.ok(cohort.filter((p) => p.site === s).length >= 12);
  assert.ok(cohort.filter((p) => p.osEvent === 1).length >= 20, "enough events");
});

test("ComBat removes the simulated site effect", () => {
  console.log(
    `  site-dependent features: ${a.siteEffectBefore.significant} before, ${a.siteEffectAfter.significant} after`,
  );
  assert.ok(a.siteEffectBefore.significant >= 20, "the site effect is there before harmonisation");
  assert.equal(a.siteEffectAfter.significant, 0);
  assert.ok(a.siteEffectAfter.medianP > 0.3);
  // site no longer predictable from the harmonised features (ComBat fitted inside the CV folds)
  console.log(`  site AUC (cross-validated lasso): ${a.siteAucBefore} before, ${a.siteAucAfter} after`);
  assert.ok(a.siteAucBefore > 0.85);
  assert.ok(a.siteAucAfter < 0.65);
});

test("the simulated mutation is recovered from imaging features", () => {
  const top = a.association[0]!;
  console.log(`  top feature ${top.feature}: AUC ${top.effectSize}, q ${top.pAdjusted}`);
  assert.ok(top.pAdjusted < 1e-4);
  assert.ok(Math.max(top.effectSize, 1 - top.effectSize) > 0.9);
  const m = a.mutationModel;
  console.log(`  nested-CV lasso AUC ${m.auc} (DeLong CI ${m.ci[0]}-${m.ci[1]})`);
  assert.ok(m.auc > 0.85);
  assert.ok(m.selected.length > 0);
});

test("the simulated survival effect is detected, also on held-out cases", () => {
  const s = a.survival;
  console.log(
    `  log-rank p ${s.logrankMutation.p}; C-index train ${s.cIndexTrain}, held-out ${s.cIndexValidation}, cross-validated ${s.cIndexCrossValidated}`,
  );
  assert.ok(s.logrankMutation.p < 0.01);
  assert.ok(s.signature.selected.length > 0);
  assert.ok(s.cIndexValidation > 0.6);
  assert.ok(s.cIndexCrossValidated > 0.65);
});

test("consensus clustering finds the mutation phenotype", () => {
  console.log(`  k ${a.clustering.k}, ARI ${a.clustering.ari}, Fisher p ${a.clustering.fisherP}`);
  assert.equal(a.clustering.k, 2);
  assert.ok(a.clustering.ari > 0.8);
  assert.ok(a.clustering.fisherP < 1e-6);
});

test("runDemo writes the cohort, features and results (small cohort, one worker)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rg-demo-"));
  const summary = await runDemo({ dir, patients: 20, workers: 1 });
  assert.match(summary, /20 synthetic patients/);
  const features = readFileSync(join(dir, "features.csv"), "utf8").trim().split("\n");
  assert.equal(features.length, 21);
  assert.ok(features[0]!.startsWith("case_id,original_shape_"));
  const s = JSON.parse(readFileSync(join(dir, "results", "summary.json"), "utf8"));
  assert.equal(s.n, 20);
});
