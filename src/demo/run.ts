/**
 * The demo job (Node edge: writes files): synthetic cohort -> images, masks, clinical table and manifest
 * on disk -> batch feature extraction -> harmonisation, association, survival and clustering
 * (analysis.ts) -> result tables and a summary. Each stage is also a CLI command; the summary lists them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runBatch } from "../batch/run.js";
import { InputError } from "../errors.js";
import { formatCsv as formatFeatureCsv } from "../extract/output.js";
import { parseParams } from "../extract/paramFile.js";
import { writeImage } from "../io/write.js";
import { formatCsv, joinTables, parseCsv } from "../stats/tables/table.js";
import { analyseCohort } from "./analysis.js";
import { type SyntheticPatient, cohortClinicalCsv, generateCohort } from "./cohort.js";

export interface DemoOptions {
  dir: string;
  patients?: number;
  seed?: number;
  workers?: number;
  log?: (msg: string) => void;
}

/** Parameter file of the demo (PyRadiomics format), also written to the output folder. */
export const DEMO_PARAMS = `# radiogenomics demo: original image, all PyRadiomics feature classes
setting:
  binWidth: 10
  label: 1
imageType:
  Original: {}
featureClass:
  shape:
  firstorder:
  glcm:
  glrlm:
  glszm:
  gldm:
  ngtdm:
`;

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toPrecision(d) : String(x));

export async function runDemo(opts: DemoOptions): Promise<string> {
  const log = opts.log ?? (() => {});
  const n = opts.patients ?? 40;
  if (n < 20) throw new InputError(`--patients must be at least 20 for a meaningful demo, got ${n}`);
  const dir = opts.dir;
  mkdirSync(join(dir, "images"), { recursive: true });
  mkdirSync(join(dir, "masks"), { recursive: true });
  mkdirSync(join(dir, "results"), { recursive: true });

  // 1. Cohort on disk
  log(`[1/4] generating ${n} synthetic patients in ${dir}/`);
  const cohort = generateCohort({ patients: n, seed: opts.seed });
  const imageRel = (p: SyntheticPatient) => `images/${p.caseId}_image.nii.gz`;
  const maskRel = (p: SyntheticPatient) => `masks/${p.caseId}_mask.nii.gz`;
  for (const p of cohort) {
    writeImage(join(dir, imageRel(p)), p.image);
    writeImage(join(dir, maskRel(p)), p.mask);
  }
  const clinicalCsv = cohortClinicalCsv(cohort, imageRel, maskRel);
  writeFileSync(join(dir, "clinical.csv"), clinicalCsv);
  writeFileSync(join(dir, "params.yaml"), DEMO_PARAMS);
  const manifest = [
    "case_id,Image,Mask",
    ...cohort.map((p) => `${p.caseId},${imageRel(p)},${maskRel(p)}`),
  ].join("\n");
  writeFileSync(join(dir, "manifest.csv"), `${manifest}\n`);

  // 2. Feature extraction (the `batch` command)
  log("[2/4] extracting radiomic features (batch, worker threads)");
  const t0 = performance.now();
  const batch = await runBatch({
    cases: cohort.map((p) => ({
      caseId: p.caseId,
      image: join(dir, imageRel(p)),
      mask: join(dir, maskRel(p)),
    })),
    params: parseParams(DEMO_PARAMS, "params.yaml"),
    workers: opts.workers,
  });
  const failed = batch.outcomes.filter((o) => o.status === "error");
  if (failed.length > 0) {
    throw new InputError(
      `feature extraction failed for ${failed.length} case(s): ${failed.map((f) => f.caseId).join(", ")}`,
    );
  }
  const rows = batch.outcomes.flatMap((o) =>
    o.status === "ok" ? o.results.map((r) => ({ ids: { case_id: o.caseId }, result: r })) : [],
  );
  const featuresCsv = formatFeatureCsv(rows, { diagnostics: false });
  writeFileSync(join(dir, "features.csv"), featuresCsv);
  const extractSecs = (performance.now() - t0) / 1000;

  // 3. Analysis
  log("[3/4] harmonising sites (ComBat), testing associations, survival, consensus clustering");
  const features = parseCsv(featuresCsv, { name: "features.csv", textColumns: ["case_id"] });
  const clinical = parseCsv(clinicalCsv, { name: "clinical.csv", textColumns: ["case_id", "mutation"] });
  const joined = joinTables(features, clinical.drop(["image", "mask"]), "case_id").table;
  const a = analyseCohort(joined, { seed: opts.seed });

  // 4. Results
  log(`[4/4] writing results to ${dir}/results/`);
  const res = (f: string) => join(dir, "results", f);
  writeFileSync(res("features_harmonized.csv"), formatCsv(a.harmonized));
  writeFileSync(
    res("association_mutation.csv"),
    [
      "feature,test,statistic,p,q_bh,auc",
      ...a.association.map((r) => [r.feature, r.test, r.statistic, r.p, r.pAdjusted, r.effectSize].join(",")),
    ].join("\n") + "\n",
  );
  const { harmonized: _h, ...summary } = a;
  writeFileSync(res("summary.json"), `${JSON.stringify(summary, null, 2)}\n`);

  const top = a.association.slice(0, 3);
  const s = a.survival;
  const c = a.clustering;
  const lines = [
    `radiogenomics demo: ${n} synthetic patients (${cohort.filter((p) => p.mutation).length} mutant), ${a.features} features each, extracted in ${extractSecs.toFixed(1)} s`,
    `  site effect (features differing between scanner sites, BH q < 0.05): ${a.siteEffectBefore.significant}/${a.siteEffectBefore.total} before ComBat, ${a.siteEffectAfter.significant}/${a.siteEffectAfter.total} after`,
    `  site predictable from features (cross-validated lasso, macro AUC): ${fmt(a.siteAucBefore)} before, ${fmt(a.siteAucAfter)} after (ComBat fitted inside the folds)`,
    `  mutation model: nested 5-fold CV lasso AUC ${fmt(a.mutationModel.auc)} (95% CI ${fmt(a.mutationModel.ci[0])}-${fmt(a.mutationModel.ci[1])})`,
    `  mutation vs imaging: ${a.association.filter((r) => r.pAdjusted < 0.05).length} features with q < 0.05; top ${top
      .map(
        (r) =>
          `${r.feature.replace("original_", "")} (AUC ${fmt(Math.max(r.effectSize, 1 - r.effectSize))}, q ${fmt(r.pAdjusted, 2)})`,
      )
      .join(", ")}`,
    `  survival: log-rank by mutation chi2 ${fmt(s.logrankMutation.chisq)} (p ${fmt(s.logrankMutation.p, 2)}); Cox elastic-net signature of ${s.signature.selected.length} features, C-index ${fmt(s.cIndexTrain)} train, ${fmt(s.cIndexValidation)} held-out (n=${s.nValidation}), ${fmt(s.cIndexCrossValidated)} cross-validated`,
    `  consensus clustering: k = ${c.k} (PAC ${fmt(c.pac, 2)}), agreement with the mutation ARI ${fmt(c.ari)} (Fisher p ${fmt(c.fisherP, 2)})`,
    `  files: ${dir}/{clinical.csv, manifest.csv, params.yaml, features.csv}, ${dir}/results/`,
    "  the same steps as commands:",
    `    radiogenomics batch ${dir}/manifest.csv --params ${dir}/params.yaml --out ${dir}/features.csv`,
    `    radiogenomics harmonize ${dir}/features.csv ${dir}/clinical.csv --batch site --covariates mutation --categorical mutation -o ${dir}/features_harmonized.csv`,
    `    radiogenomics associate ${dir}/features.csv ${dir}/clinical.csv --target mutation`,
    `    radiogenomics survival ${dir}/features.csv ${dir}/clinical.csv --time os_days --event os_event --group mutation`,
    `    radiogenomics model ${dir}/features.csv ${dir}/clinical.csv --target mutation --nested`,
    `    radiogenomics cluster ${dir}/features.csv --labels ${dir}/clinical.csv --target mutation`,
  ];
  return lines.join("\n");
}
