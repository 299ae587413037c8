/**
 * `radiogenomics harmonize FEATURES --batch COL`: ComBat harmonisation of a feature table (CSV/TSV/Parquet).
 * Fits on the table and writes the harmonised table (and optionally the model), or, with --model, applies a
 * model fitted earlier (e.g. on the training cohort) to new data from the same batches.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { readTableFile, writeTableFile } from "../io/table-file.js";
import { type CombatModel, combatApplyTable, combatTable } from "../stats/combat.js";
import { formatCsv, guessIdColumn, joinTables } from "../stats/table.js";
import { action, formatJson, note, parseList, writeOutput } from "./util.js";

export interface HarmonizeCliOptions {
  batch?: string;
  covariates?: string[];
  categorical?: string[];
  features?: string[];
  exclude?: string[];
  id?: string;
  method: string;
  meanOnly?: boolean;
  eb: boolean;
  out?: string;
  modelOut?: string;
  model?: string;
  quiet?: boolean;
}

/** What the command does, without the argument parsing (exported for tests and scripting). */
export async function runHarmonize(
  input: string,
  opts: HarmonizeCliOptions,
  clinicalPath?: string,
): Promise<void> {
  const method = opts.method.toLowerCase();
  if (method !== "parametric" && method !== "nonparametric" && method !== "non-parametric")
    throw new InputError(`--method must be parametric or nonparametric, got "${opts.method}"`);
  const features = await readTableFile(input, { textColumns: opts.id ? [opts.id] : [] });
  const id = opts.id ?? guessIdColumn(features);
  if (opts.id && !features.has(opts.id)) features.column(opts.id, "id column");
  // With a clinical table, batch and covariates come from it (joined on the id); the output keeps the
  // feature table's columns.
  let table = features;
  let featureColumns = opts.features;
  if (clinicalPath) {
    if (!id)
      throw new InputError("no id column found to join the tables (name it case_id, id, ... or pass --id)");
    const clinical = await readTableFile(clinicalPath, { textColumns: [id] });
    const j = joinTables(features, clinical, id);
    if (j.table.nRows === 0) throw new InputError(`no case id is shared by ${input} and ${clinicalPath}`);
    if (!opts.quiet && j.unmatchedA.length)
      note(`note: ${j.unmatchedA.length} cases have no clinical row and are left out`);
    table = j.table;
    featureColumns ??= features.numericNames([id, ...(opts.exclude ?? [])]);
  }
  let out = table;
  if (opts.model) {
    let model: CombatModel;
    try {
      model = JSON.parse(readFileSync(opts.model, "utf8"));
    } catch (e) {
      throw new InputError(`cannot read the ComBat model (${(e as Error).message})`, opts.model);
    }
    out = combatApplyTable(model, table, opts.batch);
    if (!opts.quiet)
      note(`harmonised ${model.features.length} features of ${table.nRows} samples with ${opts.model}`);
  } else {
    if (!opts.batch)
      throw new InputError("--batch is required (the column with the scanner / site / protocol)");
    const res = combatTable(table, {
      batch: opts.batch,
      covariates: opts.covariates,
      categorical: opts.categorical,
      features: featureColumns,
      exclude: opts.exclude,
      id,
      parametric: method === "parametric",
      meanOnly: opts.meanOnly ?? false,
      eb: opts.eb,
    });
    out = res.table;
    const m = res.model;
    if (!opts.quiet) {
      note(
        `ComBat (${opts.eb ? method : "no EB"}${opts.meanOnly ? ", mean only" : ""}): ${m.features.length} features, ` +
          `${table.nRows} samples, batches ${m.batches.map((b, k) => `${b} (${m.batchSizes[k]})`).join(", ")}` +
          (opts.covariates?.length ? `; preserving ${opts.covariates.join(", ")}` : ""),
      );
      for (const s of m.notes) note(`note: ${s}`);
    }
    if (opts.modelOut) writeFileSync(opts.modelOut, formatJson(m));
  }
  if (clinicalPath) out = out.select(features.names.filter((n) => out.has(n)));
  if (opts.out && opts.out !== "-") writeTableFile(opts.out, out);
  else writeOutput(undefined, formatCsv(out));
}

export function register(program: Command): void {
  program
    .command("harmonize")
    .description(
      "remove scanner/site batch effects from a feature table with ComBat (empirical Bayes), preserving covariates",
    )
    .argument("<features>", "feature table (.csv, .tsv, .parquet; optionally .gz)")
    .argument("[clinical]", "table with the batch and covariate columns, joined on the id (optional)")
    .option("-b, --batch <column>", "batch column (scanner, site, protocol)")
    .option("-c, --covariates <columns>", "comma-separated covariates to preserve (e.g. age,sex)", parseList)
    .option("--categorical <columns>", "numeric covariates to treat as categorical", parseList)
    .option("--features <columns>", "feature columns (default: every other numeric column)", parseList)
    .option("--exclude <columns>", "numeric columns that are not features", parseList)
    .option("--id <column>", "id column (kept as text, never harmonised)")
    .option("-m, --method <method>", "parametric or nonparametric empirical Bayes", "parametric")
    .option("--mean-only", "adjust only the batch means, not the variances")
    .option("--no-eb", "no empirical Bayes shrinkage (per-feature batch estimates)")
    .option("-o, --out <file>", "harmonised table (.csv, .tsv, .parquet; default stdout as CSV)")
    .option("--model-out <file>", "write the fitted ComBat model (JSON) for later use with --model")
    .option("--model <file>", "apply a ComBat model fitted earlier instead of fitting one")
    .option("-q, --quiet", "no summary on stderr")
    .action(
      action((input: string, clinical: string | undefined, opts: HarmonizeCliOptions) =>
        runHarmonize(input, opts, clinical),
      ),
    );
}
