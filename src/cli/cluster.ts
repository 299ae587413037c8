/**
 * `radiogenomics cluster features.csv`: consensus clustering of imaging phenotypes and its links to labels,
 * survival, gene expression and gene sets.
 *
 *   radiogenomics cluster features.csv [--id case_id] [--k-max 6] [--reps 100] [--p-item 0.8]
 *     [--algorithm hc|km] [--seed 1] [--labels clinical.csv --target IDH[,subtype] --time t --event e]
 *     [--expression expr.csv --orientation genes-by-samples] [--gmt sets.gmt] [--map] [--out-dir DIR] [--json]
 *
 * Thin: reads the tables, runs src/analysis/cluster.ts, writes CSV files to --out-dir and a summary to stdout.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import {
  type ClusterOptionStrings,
  clusterFiles,
  clusterSummary,
  clusterSummaryText,
  parseClusterOptions,
  runCluster,
} from "../analysis/cluster.js";
import { FileAccessError } from "../errors.js";
import { readTableFile } from "../io/table-file.js";
import { type GeneSet, parseGmt } from "../stats/genomics/genesets.js";
import { action, formatJson, note, parseIntOption, parseList, writeOutput } from "./util.js";

interface ClusterCliOptions extends ClusterOptionStrings {
  labels?: string;
  expression?: string;
  gmt?: string;
  outDir?: string;
  json: boolean;
}

function readGmt(path: string): GeneSet[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new FileAccessError("cannot read the GMT file", path);
  }
  return parseGmt(text, path);
}

export function register(program: Command): void {
  program
    .command("cluster")
    .description(
      "consensus clustering of imaging features, linked to labels, survival, gene expression and gene sets",
    )
    .argument(
      "<features>",
      "feature table (CSV/TSV/Parquet): one row per case, an id column, numeric features",
    )
    .option("--id <column>", "case id column (default: guessed, e.g. case_id)")
    .option(
      "--features <list>",
      "comma-separated feature columns to use (default: all numeric, no diagnostics_*)",
      parseList,
    )
    .option("--exclude <list>", "feature columns to leave out", parseList)
    .option("--k-max <n>", "largest number of clusters", parseIntOption("k-max"), 6)
    .option("--k <n>", "number of clusters for the downstream tests (default: selected)", parseIntOption("k"))
    .option("--reps <n>", "resamples", parseIntOption("reps"), 100)
    .option("--p-item <fraction>", "fraction of cases per resample", "0.8")
    .option("--p-feature <fraction>", "fraction of features per resample", "1")
    .option("--algorithm <alg>", "inner clustering: hc (hierarchical) or km (k-means)", "hc")
    .option("--distance <d>", "hc distance: pearson (1 - r, default), spearman, euclidean, manhattan")
    .option("--linkage <l>", "hc linkage (inner and final): average, complete, single, ward.D2", "average")
    .option("--seed <n>", "random seed", parseIntOption("seed"), 1)
    .option("--no-scale", "do not standardise the features (default: z-score each feature)")
    .option("--labels <file>", "clinical/molecular table to test the clusters against")
    .option("--labels-id <column>", "id column of the labels table (default: same as --id, or guessed)")
    .option("--target <list>", "label columns to test (chi-square/Fisher or Kruskal-Wallis)", parseList)
    .option("--categorical <list>", "numeric label columns to treat as categorical", parseList)
    .option("--time <column>", "survival time column in the labels table (log-rank test)")
    .option("--event <column>", "event column (1 = event, 0 = censored)")
    .option("--expression <file>", "gene expression table")
    .option(
      "--orientation <o>",
      "expression layout: genes-by-samples (a gene column, one column per case) or samples-by-genes",
      "genes-by-samples",
    )
    .option(
      "--gene-column <column>",
      "gene (or sample id) column of the expression table (default: first column)",
    )
    .option("--test <t>", "per-gene test: auto, mann-whitney, welch, kruskal", "auto")
    .option("--p-adjust <m>", "multiple-testing adjustment: bh, by, holm, bonferroni", "bh")
    .option("--gmt <file>", "gene sets (GMT) to score per sample and test between clusters")
    .option("--gene-set-method <m>", "gene-set score: meanz (mean z-score) or ssgsea", "meanz")
    .option(
      "--min-set-size <n>",
      "fewest genes present for a set to be scored",
      parseIntOption("min-set-size"),
      5,
    )
    .option("--map", "feature x gene Spearman map (needs --expression)", false)
    .option("--map-max-q <q>", "keep map pairs with q <= this in radiogenomic_map.csv", "0.05")
    .option("--out-dir <dir>", "write the result tables here")
    .option("--json", "print the summary as JSON", false)
    .action(
      action(async (featuresPath: string, opts: ClusterCliOptions) => {
        const options = parseClusterOptions(opts);
        const run = runCluster(
          {
            features: await readTableFile(featuresPath),
            featuresName: featuresPath,
            labels: opts.labels ? await readTableFile(opts.labels) : undefined,
            expression: opts.expression ? await readTableFile(opts.expression) : undefined,
            geneSets: opts.gmt ? readGmt(opts.gmt) : undefined,
          },
          options,
        );
        if (opts.outDir)
          for (const [name, text] of Object.entries(clusterFiles(run)))
            writeOutput(join(opts.outDir, name), text);
        for (const m of run.notes) note(`note: ${m}`);
        writeOutput(undefined, opts.json ? formatJson(clusterSummary(run)) : clusterSummaryText(run));
        if (opts.outDir) note(`tables written to ${opts.outDir}`);
      }),
    );
}
