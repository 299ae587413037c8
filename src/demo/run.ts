/**
 * The demo job (Node edge: writes files): synthetic cohort -> images, masks and clinical table on disk,
 * then the analysis chain as far as it is built.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { writeImage } from "../io/write.js";
import { type SyntheticPatient, cohortClinicalCsv, generateCohort } from "./cohort.js";

export interface DemoOptions {
  dir: string;
  patients?: number;
  seed?: number;
  log?: (msg: string) => void;
}

export async function runDemo(opts: DemoOptions): Promise<string> {
  const log = opts.log ?? (() => {});
  const n = opts.patients ?? 40;
  if (n < 10) throw new InputError(`--patients must be at least 10 for a meaningful demo, got ${n}`);
  const dir = opts.dir;
  mkdirSync(join(dir, "images"), { recursive: true });
  mkdirSync(join(dir, "masks"), { recursive: true });
  log(`generating ${n} synthetic patients (seed ${opts.seed ?? "default"}) in ${dir}/`);
  const cohort = generateCohort({ patients: n, seed: opts.seed });
  const imageRel = (p: SyntheticPatient) => `images/${p.caseId}_image.nii.gz`;
  const maskRel = (p: SyntheticPatient) => `masks/${p.caseId}_mask.nii.gz`;
  for (const p of cohort) {
    writeImage(join(dir, imageRel(p)), p.image);
    writeImage(join(dir, maskRel(p)), p.mask);
  }
  writeFileSync(join(dir, "clinical.csv"), cohortClinicalCsv(cohort, imageRel, maskRel));
  const mutants = cohort.filter((p) => p.mutation === 1).length;
  const events = cohort.filter((p) => p.osEvent === 1).length;
  const sites = ["A", "B", "C"].map((s) => `${s} ${cohort.filter((p) => p.site === s).length}`).join(", ");
  const lines = [
    `synthetic cohort: ${n} patients (${mutants} mutant, ${n - mutants} wild-type), sites ${sites}, ${events} deaths`,
    `  images and masks: ${dir}/images, ${dir}/masks (NIfTI, ${cohort[0]!.image.size.join("x")} voxels)`,
    `  clinical table:   ${dir}/clinical.csv (case_id, image, mask, mutation, site, age, sex, os_days, os_event)`,
  ];
  return lines.join("\n");
}
