/**
 * `radiogenomics survival features.csv [clinical.csv]`: survival analysis of imaging features against
 * clinical outcome: Kaplan-Meier (overall and by group) with log-rank, Cox PH on clinical covariates
 * (with the proportional-hazards check), a penalised-Cox radiomic signature with cross-validated lambda,
 * C-index / time-dependent AUC of the risk score, and risk groups cut on the training set.
 *
 *   radiogenomics survival features.csv clinical.csv --time os_days --event os_event [--id case_id]
 *     [--event-coding 01|12] [--group COL] [--covariates a,b] [--ties efron|breslow]
 *     [--signature lasso|elasticnet] [--alpha 0.5] [--folds 5] [--seed 1] [--measure deviance|C]
 *     [--lambda min|1se] [--validation COL | --train-fraction 0.7] [--split median|tertile|quartile]
 *     [--horizons 365,730] [--conf-type log|log-log|plain] [--out-dir DIR] [--json]
 *
 * Thin: reads the tables, runs src/analysis/survival.ts, writes CSV files to --out-dir and a summary to stdout.
 */
import { join } from "node:path";
import type { Command } from "commander";
import {
  parseSurvivalOptions,
  runSurvival,
  type SurvivalOptionStrings,
  survivalFiles,
  survivalSummary,
  survivalSummaryText,
} from "../analysis/survival.js";
import { readTableFile } from "../io/table-file.js";
import { action, formatJson, note, parseIntOption, parseList, writeOutput } from "./util.js";

export interface SurvivalCliOptions extends SurvivalOptionStrings {
  outDir?: string;
  json: boolean;
}

export function register(program: Command): void {
  program
    .command("survival")
    .description(
      "Survival analysis: Kaplan-Meier + log-rank, Cox PH (Efron/Breslow) with cox.zph, a lasso / elastic-net Cox signature with cross-validated lambda, C-index, time-dependent AUC and risk groups (cut-offs from the training set).",
    )
    .argument("<features>", "feature table (CSV/TSV/Parquet), one row per case")
    .argument(
      "[clinical]",
      "clinical table joined on the id column (optional if the features table has the outcome)",
    )
    .requiredOption("--time <column>", "survival time column")
    .requiredOption("--event <column>", "event column (1 = event, 0 = censored)")
    .option("--id <column>", "case id column (default: guessed, e.g. case_id)")
    .option("--event-coding <coding>", "event coding: 01, or 12 for R's 1 = censored / 2 = event", "01")
    .option("--group <column>", "Kaplan-Meier curves and log-rank test by this column")
    .option(
      "--covariates <list>",
      "comma-separated clinical covariates for a Cox model (text columns become treatment contrasts)",
      parseList,
    )
    .option("--ties <method>", "Cox tie handling: efron or breslow", "efron")
    .option(
      "--signature <kind>",
      "penalised-Cox radiomic signature on the feature columns: lasso or elasticnet",
    )
    .option("--alpha <a>", "elastic-net mixing for --signature elasticnet", "0.5")
    .option("--folds <k>", "cross-validation folds for the signature", parseIntOption("folds"), 5)
    .option("--seed <n>", "seed for folds and the train/validation split", parseIntOption("seed"), 1)
    .option("--measure <m>", "CV measure: deviance (partial likelihood) or C", "deviance")
    .option("--lambda <rule>", "lambda choice: min or 1se", "min")
    .option("--validation <column>", "column marking validation cases (validation/test/1/true); others train")
    .option("--train-fraction <f>", "random (event-stratified, seeded) training fraction; the rest validates")
    .option("--split <how>", "risk groups from the training score: median, tertile or quartile", "median")
    .option("--horizons <list>", "times for the time-dependent AUC (comma-separated)", parseList)
    .option("--conf-type <type>", "Kaplan-Meier CI: log, log-log or plain", "log")
    .option("--out-dir <dir>", "write CSV tables and summary.json here")
    .option("--json", "print the summary as JSON", false)
    .action(
      action(async (featuresPath: string, clinicalPath: string | undefined, opts: SurvivalCliOptions) => {
        const options = parseSurvivalOptions(opts);
        const features = await readTableFile(featuresPath);
        const clinical = clinicalPath ? await readTableFile(clinicalPath) : undefined;
        const run = runSurvival({ features, clinical }, options);
        if (opts.outDir) {
          for (const [name, text] of Object.entries(survivalFiles(run)))
            writeOutput(join(opts.outDir, name), text);
          writeOutput(join(opts.outDir, "summary.json"), formatJson(survivalSummary(run)));
        }
        writeOutput(undefined, opts.json ? formatJson(survivalSummary(run)) : survivalSummaryText(run));
        if (opts.outDir) note(`tables written to ${opts.outDir}`);
      }),
    );
}
