/**
 * `radiogenomics associate FEATURES [LABELS] --target COL`: univariate association of every feature with a
 * clinical / genomic target (Mann-Whitney, Kruskal-Wallis, Spearman, chi-square / Fisher by type), with
 * multiple-testing adjustment across features.
 *
 * Thin: reads the tables, runs src/analysis/associate.ts, writes the results table (or JSON).
 */
import type { Command } from "commander";
import {
  type AssociateOptionStrings,
  associateJson,
  associateSummaryText,
  parseAssociateOptions,
  runAssociate,
} from "../analysis/associate.js";
import { readTableFile, writeTableFile } from "../io/table-file.js";
import { associationTable } from "../stats/tests/associate.js";
import { formatCsv } from "../stats/tables/table.js";
import { action, formatJson, io, parseList, writeOutput } from "./util.js";

export interface AssociateCliOptions extends AssociateOptionStrings {
  out?: string;
  json?: boolean;
  quiet?: boolean;
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
        const options = parseAssociateOptions(opts);
        const textColumns = opts.id ? [opts.id] : [];
        const features = await readTableFile(featuresPath, { textColumns });
        const labels = labelsPath ? await readTableFile(labelsPath, { textColumns }) : undefined;
        const run = runAssociate(
          { features, labels, featuresName: featuresPath, labelsName: labelsPath },
          options,
        );
        if (!opts.quiet) io.err(associateSummaryText(run));
        if (opts.json) writeOutput(opts.out, formatJson(associateJson(run)));
        else if (opts.out && opts.out !== "-") writeTableFile(opts.out, associationTable(run.result));
        else writeOutput(undefined, formatCsv(associationTable(run.result)));
      }),
    );
}
