/**
 * `radiogenomics delta FEATURES --id patient --time timepoint --baseline 0 -o delta.csv`: absolute and
 * relative change of every feature from each patient's baseline (delta radiomics).
 */
import type { Command } from "commander";
import { deltaFeatures } from "../analysis/delta.js";
import { InputError } from "../errors.js";
import { readTableFile, writeTableFile } from "../io/table-file.js";
import { action, note, parseList } from "./util.js";

interface DeltaOpts {
  id: string;
  time: string;
  baseline: string;
  features?: string[];
  exclude?: string[];
  kind: string;
  out: string;
}

export function register(program: Command): void {
  program
    .command("delta")
    .description("change of every feature from each patient's baseline time point (delta radiomics)")
    .argument("<features>", "feature table with one row per patient and time point (.csv, .tsv, .parquet)")
    .requiredOption("--id <column>", "patient column")
    .requiredOption("--time <column>", "time-point column")
    .requiredOption("--baseline <value>", "baseline time point, as written in the time column")
    .option(
      "--features <columns>",
      "feature columns (default: every numeric column but id and time)",
      parseList,
    )
    .option("--exclude <columns>", "numeric columns that are not features", parseList)
    .option("--kind <kind>", "absolute, relative or both", "both")
    .requiredOption("-o, --out <file>", "output table: id, time, delta_abs_<f>, delta_rel_<f>")
    .action(
      action(async (path: string, opts: DeltaOpts) => {
        if (!["absolute", "relative", "both"].includes(opts.kind))
          throw new InputError(`--kind must be absolute, relative or both, got "${opts.kind}"`);
        const table = await readTableFile(path);
        const r = deltaFeatures(table, { ...opts, kind: opts.kind as "both" });
        for (const n of r.notes) note(n);
        writeTableFile(opts.out, r.table);
        note(
          `${r.table.nRows} (patient, time point) rows x ${r.table.nColumns - 2} delta columns -> ${opts.out}`,
        );
      }),
    );
}
