/**
 * `radiogenomics predict model.json features.csv [--out predictions.csv]`: apply a model file written by
 * `radiogenomics model` to new cases, with the model's own preprocessing (training imputation values,
 * standardisation, selected features).
 *
 * Thin: reads the model and the table, runs `predictCases` (src/analysis/model.ts), writes the predictions.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { predictCases } from "../analysis/model.js";
import { FileAccessError, FormatError } from "../errors.js";
import { readTableFile } from "../io/table-file.js";
import { type ModelFile, validateModel } from "../stats/models/model.js";
import { action, note, writeOutput } from "./util.js";

export function readModelFile(path: string): ModelFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileAccessError(
      code === "ENOENT" ? "no such file" : `cannot read (${code ?? String(e)})`,
      path,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new FormatError(`invalid JSON (${(e as Error).message})`, path);
  }
  validateModel(parsed, path);
  return parsed;
}

export function register(program: Command): void {
  program
    .command("predict")
    .description("apply a model.json written by `radiogenomics model` to new cases")
    .argument("<model>", "model file (model.json)")
    .argument("<features>", "feature table of the new cases (CSV/TSV/Parquet)")
    .option("--out <file>", "predictions CSV (default: stdout)")
    .option("--id <column>", "case id column (default: guessed)")
    .action(
      action(async (modelFile: string, featuresFile: string, opts: { out?: string; id?: string }) => {
        const model = readModelFile(modelFile);
        const table = await readTableFile(featuresFile);
        const { csv, missing } = predictCases(model, table, opts);
        if (missing > 0)
          note(
            `note: ${missing} missing feature values imputed with the training ${model.preprocess.impute}s`,
          );
        writeOutput(opts.out, csv);
        if (opts.out) note(`wrote predictions for ${table.nRows} cases to ${opts.out}`);
      }),
    );
}
