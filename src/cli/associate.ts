/**
 * `radiogenomics associate FEATURES [LABELS] --target COL`: univariate association of every feature with a
 * clinical / genomic target (Mann-Whitney, Kruskal-Wallis, Spearman, chi-square / Fisher by type), with
 * multiple-testing adjustment across features.
 */
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { readTableFile, writeTableFile } from "../io/table-file.js";
import { type AssociationResult, associate, associationTable, type TargetType } from "../stats/associate.js";
import { parsePAdjustMethod } from "../stats/fdr.js";
import { formatCsv, guessIdColumn, joinTables, type Table } from "../stats/table.js";
import { action, formatJson, note, parseList, writeOutput } from "./util.js";

export interface AssociateCliOptions {
  target: string;
  id?: string;
  fdr: string;
  targetType?: string;
  positive?: string;
  categorical?: string[];
  exclude?: string[];
  secondary: boolean;
  sort?: boolean;
  alpha: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

const TARGET_TYPES: Record<string, TargetType> = {
  binary: "binary",
  categorical: "categorical",
  multiclass: "categorical",
  continuous: "continuous",
};

/** Read, join, test. Returns the association result and the number of samples used. */
export async function runAssociate(
  featuresPath: string,
  labelsPath: string | undefined,
  opts: AssociateCliOptions,
): Promise<{ result: AssociationResult; samples: number; unmatched: [string[], string[]] }> {
  const adjust = parsePAdjustMethod(opts.fdr);
  let targetType: TargetType | undefined;
  if (opts.targetType) {
    targetType = TARGET_TYPES[opts.targetType.toLowerCase()];
    if (!targetType)
      throw new InputError(
        `--target-type must be binary, categorical or continuous, got "${opts.targetType}"`,
      );
  }
  const textColumns = opts.id ? [opts.id] : [];
  const features = await readTableFile(featuresPath, { textColumns });
  let data: Table = features;
  let featureNames: string[];
  let unmatched: [string[], string[]] = [[], []];
  const idGuess = opts.id ?? guessIdColumn(features);
  const exclude = new Set(opts.exclude ?? []);
  if (labelsPath) {
    const labels = await readTableFile(labelsPath, { textColumns });
    labels.column(opts.target, "target column");
    const id = opts.id ?? (idGuess && labels.has(idGuess) ? idGuess : undefined);
    if (!id)
      throw new InputError(
        "cannot tell which column holds the case ids; pass --id (it must be in both tables)",
      );
    const j = joinTables(features, labels, id);
    if (j.table.nRows === 0)
      throw new InputError(`no id of ${featuresPath} matches one of ${labelsPath} (column "${id}")`);
    unmatched = [j.unmatchedA, j.unmatchedB];
    data = j.table;
    featureNames = features.names.filter((n) => n !== id && !exclude.has(n) && n !== opts.target);
    if (features.has(opts.target))
      throw new InputError(`the target "${opts.target}" is also a column of ${featuresPath}`);
  } else {
    features.column(opts.target, "target column");
    featureNames = features.names.filter((n) => n !== idGuess && !exclude.has(n) && n !== opts.target);
  }
  const result = associate(data, opts.target, {
    features: featureNames,
    targetType,
    positive: opts.positive,
    categoricalFeatures: opts.categorical,
    adjust,
    secondary: opts.secondary,
  });
  if (opts.sort) {
    const key = (p: number) => (Number.isNaN(p) ? Number.POSITIVE_INFINITY : p);
    const primaryP = new Map(
      result.rows.filter((r) => r.role === "primary").map((r) => [r.feature, key(r.p)]),
    );
    const order = new Map(featureNames.map((f, i) => [f, i]));
    result.rows.sort(
      (a, b) =>
        primaryP.get(a.feature)! - primaryP.get(b.feature)! ||
        order.get(a.feature)! - order.get(b.feature)! ||
        (a.role === b.role ? 0 : a.role === "primary" ? -1 : 1),
    );
  }
  return { result, samples: data.nRows, unmatched };
}

export function register(program: Command): void {
  program
    .command("associate")
    .description(
      "test every feature against a target (binary: Mann-Whitney + Welch; categorical: Kruskal-Wallis + ANOVA; " +
        "continuous: Spearman + Pearson; categorical features: chi-square / Fisher), adjusted for multiple testing",
    )
    .argument("<features>", "feature table (.csv, .tsv, .parquet)")
    .argument("[labels]", "clinical / genomic table with the target, joined on the id column")
    .requiredOption("-t, --target <column>", "target column (e.g. IDH)")
    .option(
      "--id <column>",
      "case id column present in both tables (default: guessed, e.g. case_id, PatientID)",
    )
    .option("--fdr <method>", "bh, by, holm or bonferroni", "bh")
    .option("--target-type <type>", "binary, categorical or continuous (default: inferred)")
    .option(
      "--positive <level>",
      "level of a binary target counted as positive (AUC > 0.5 = higher in this class)",
    )
    .option("--categorical <columns>", "numeric feature columns to treat as categorical", parseList)
    .option("--exclude <columns>", "feature-table columns that are not features", parseList)
    .option("--no-secondary", "only the primary (rank-based / exact) test per feature")
    .option("--sort", "order the rows by the primary p-value")
    .option("--alpha <level>", "significance level for the summary line", "0.05")
    .option("-o, --out <file>", "results table (.csv, .tsv, .parquet; default stdout)")
    .option("--json", "JSON output instead of a table")
    .option("-q, --quiet", "no summary on stderr")
    .action(
      action(async (featuresPath: string, labelsPath: string | undefined, opts: AssociateCliOptions) => {
        const alpha = Number(opts.alpha);
        if (!(alpha > 0 && alpha < 1))
          throw new InputError(`--alpha must be between 0 and 1, got "${opts.alpha}"`);
        const { result, samples, unmatched } = await runAssociate(featuresPath, labelsPath, opts);
        if (!opts.quiet) {
          if (unmatched[0].length || unmatched[1].length)
            note(
              `ids without a match: ${unmatched[0].length} in ${featuresPath}` +
                (labelsPath ? `, ${unmatched[1].length} in ${labelsPath}` : "") +
                (unmatched[0].length ? ` (e.g. ${unmatched[0].slice(0, 3).join(", ")})` : ""),
            );
          const primary = result.rows.filter((r) => r.role === "primary");
          const sig = primary.filter((r) => r.pAdjusted <= alpha).length;
          const lv = result.levels.length ? ` [${result.levels.join(", ")}]` : "";
          note(
            `${primary.length} features vs ${result.target} (${result.targetType}${lv}), ${samples} samples: ` +
              `${sig} significant at ${result.adjust}-adjusted p <= ${alpha}`,
          );
        }
        if (opts.json) {
          writeOutput(
            opts.out,
            formatJson({
              ...result,
              samples,
              unmatchedFeatures: unmatched[0],
              unmatchedLabels: unmatched[1],
            }),
          );
        } else if (opts.out && opts.out !== "-") writeTableFile(opts.out, associationTable(result));
        else writeOutput(undefined, formatCsv(associationTable(result)));
      }),
    );
}
