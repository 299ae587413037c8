/**
 * `radiogenomics pca FEATURES --prefix deep_fmcib_ -k 32 --save pca.json -o reduced.csv`: reduce a block of
 * columns (typically a deep embedding) to principal components fitted on this (training) table, saved;
 * `--apply pca.json` projects a new table with the saved model, unchanged.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { applyPca, parsePcaModel, type PcaModel } from "../deep/pca.js";
import { fitPca } from "../deep/pcaFit.js";
import { InputError } from "../errors.js";
import { readTableFile } from "../io/table-file.js";
import { type Column, Table } from "../stats/table.js";
import { action, formatJson, note, parseIntOption } from "./util.js";

interface PcaOpts {
  prefix?: string;
  components?: number;
  scale?: boolean;
  save?: string;
  apply?: string;
  out: string;
}

export function register(program: Command): void {
  program
    .command("pca")
    .description(
      "principal components of a block of feature columns (e.g. deep_fmcib_*), fitted once and re-applied",
    )
    .argument("<features>", "feature table (CSV/TSV/Parquet)")
    .option("--prefix <text>", "columns to reduce: those whose name starts with this (e.g. deep_fmcib_)")
    .option("-k, --components <n>", "number of components to keep (fitting)", parseIntOption("components"))
    .option("--scale", "divide each column by its SD before the PCA (prcomp scale. = TRUE)")
    .option("--save <file>", "write the fitted PCA model (JSON)")
    .option("--apply <file>", "project with a saved PCA model instead of fitting")
    .requiredOption("-o, --out <file>", "output table: the other columns, then <prefix>pc1..k")
    .action(
      action(async (featuresPath: string, opts: PcaOpts) => {
        const table = await readTableFile(featuresPath);
        let model: PcaModel;
        if (opts.apply) {
          if (opts.components !== undefined || opts.save)
            throw new InputError("--apply uses the saved model: --components and --save are for fitting");
          let obj: unknown;
          try {
            obj = JSON.parse(readFileSync(opts.apply, "utf8"));
          } catch {
            throw new InputError("cannot read the PCA model (JSON)", opts.apply);
          }
          model = parsePcaModel(obj, opts.apply);
          const missing = model.columns.filter((c) => !table.has(c));
          if (missing.length > 0)
            throw new InputError(
              `${missing.length} column(s) of the PCA model are missing: ${missing.slice(0, 5).join(", ")}`,
              featuresPath,
            );
        } else {
          if (!opts.prefix) throw new InputError("--prefix is required to choose the columns to reduce");
          if (opts.components === undefined) throw new InputError("--components is required when fitting");
          const cols = table.names.filter((n) => n.startsWith(opts.prefix!));
          if (cols.length === 0) throw new InputError(`no column starts with "${opts.prefix}"`, featuresPath);
          const text = cols.filter((c) => table.columns.find((x) => x.name === c)!.kind !== "numeric");
          if (text.length > 0) throw new InputError(`column "${text[0]}" is not numeric`, featuresPath);
          model = fitPca(
            cols,
            cols.map((c) => table.numeric(c)),
            opts.components,
            { scale: opts.scale },
          );
          const total = model.sdev.reduce((s, v) => s + v * v, 0);
          note(
            `PCA on ${cols.length} columns x ${table.nRows} cases: ${opts.components} components (sdev ${model.sdev[0]!.toPrecision(4)} ... ${model.sdev[model.sdev.length - 1]!.toPrecision(4)}; sum of their variances ${total.toPrecision(6)})`,
          );
          if (opts.save) writeFileSync(opts.save, formatJson(model));
        }
        const x = model.columns.map((c) => table.numeric(c));
        const pcs = model.components.map(() => new Float64Array(table.nRows));
        const row = new Float64Array(model.columns.length);
        for (let i = 0; i < table.nRows; i++) {
          for (let j = 0; j < row.length; j++) row[j] = x[j]![i]!;
          if (row.some((v) => !Number.isFinite(v)))
            throw new InputError(
              `row ${i + 2} has a missing or non-finite value in the PCA columns`,
              featuresPath,
            );
          const s = applyPca(model, row, featuresPath);
          for (let k = 0; k < s.length; k++) pcs[k]![i] = s[k]!;
        }
        const used = new Set(model.columns);
        const prefix = opts.prefix ?? commonPrefix(model.columns);
        const kept: Column[] = table.columns.filter((c) => !used.has(c.name));
        const out = new Table(
          [
            ...kept,
            ...pcs.map((v, k) => ({ kind: "numeric" as const, name: `${prefix}pc${k + 1}`, values: v })),
          ],
          featuresPath,
        );
        const { writeTableFile } = await import("../io/table-file.js");
        writeTableFile(opts.out, out);
        note(`${table.nRows} cases x ${model.components.length} components -> ${opts.out}`);
      }),
    );
}

function commonPrefix(names: string[]): string {
  let p = names[0] ?? "";
  for (const n of names) while (!n.startsWith(p)) p = p.slice(0, -1);
  return p.replace(/\d+$/, "");
}
