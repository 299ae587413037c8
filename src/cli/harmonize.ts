/**
 * `radiogenomics harmonize FEATURES --batch COL`: ComBat harmonisation of a feature table (CSV/TSV/Parquet).
 * Fits on the table and writes the harmonised table (and optionally the model), or, with --model, applies a
 * model fitted earlier (e.g. on the training cohort) to new data from the same batches.
 *
 * Thin: reads the tables and the model, runs src/analysis/harmonize.ts, writes the table and the model.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import {
  type HarmonizeOptionStrings,
  harmonizeIdColumn,
  parseHarmonizeOptions,
  runHarmonize,
} from "../analysis/harmonize.js";
import { InputError } from "../errors.js";
import { readTableFile, writeTableFile } from "../io/table-file.js";
import type { CombatModel } from "../stats/harmonisation/combat.js";
import { formatCsv } from "../stats/tables/table.js";
import { action, formatJson, note, parseList, writeOutput } from "./util.js";

export interface HarmonizeCliOptions extends HarmonizeOptionStrings {
  out?: string;
  modelOut?: string;
  model?: string;
  quiet?: boolean;
}

function readCombatModel(path: string): CombatModel {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new InputError(`cannot read the ComBat model (${(e as Error).message})`, path);
  }
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
      action(async (input: string, clinicalPath: string | undefined, opts: HarmonizeCliOptions) => {
        const options = parseHarmonizeOptions(opts);
        const features = await readTableFile(input, { textColumns: opts.id ? [opts.id] : [] });
        const clinical = clinicalPath
          ? await readTableFile(clinicalPath, {
              textColumns: [harmonizeIdColumn(features, options, true) as string],
            })
          : undefined;
        const run = runHarmonize(
          {
            features,
            clinical,
            model: opts.model ? readCombatModel(opts.model) : undefined,
            featuresName: input,
            clinicalName: clinicalPath,
            modelName: opts.model,
            onMessage: opts.quiet ? undefined : note,
          },
          options,
        );
        if (opts.modelOut && run.fitted) writeFileSync(opts.modelOut, formatJson(run.fitted));
        if (opts.out && opts.out !== "-") writeTableFile(opts.out, run.table);
        else writeOutput(undefined, formatCsv(run.table));
      }),
    );
}
