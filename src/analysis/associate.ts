/**
 * Association workflow: every feature against a clinical / genomic target (Mann-Whitney, Kruskal-Wallis,
 * Spearman, chi-square / Fisher by type), adjusted for multiple testing across features; the feature table
 * and a label table are joined on the case id.
 *
 * Browser-safe: takes tables already read, returns the result, its table and the summaries.
 *   const opts = parseAssociateOptions({ target: "IDH", fdr: "bh", ... });
 *   const run = runAssociate({ features, labels }, opts);
 *   associationTable(run.result); associateJson(run); associateSummaryText(run);
 */
import { InputError } from "../errors.js";
import { type AssociationResult, associate, type TargetType } from "../stats/tests/associate.js";
import { type PAdjustMethod, parsePAdjustMethod } from "../stats/tests/fdr.js";
import { guessIdColumn, joinTables, type Table } from "../stats/tables/table.js";

/** Validated options of the association workflow. */
export interface AssociateOptions {
  /** Target column (in the label table if there is one, else in the feature table). */
  target: string;
  /** Case id column present in both tables (default: guessed). */
  id?: string;
  adjust: PAdjustMethod;
  /** Default: inferred from the target column. */
  targetType?: TargetType;
  /** Level of a binary target counted as positive. */
  positive?: string;
  /** Numeric feature columns treated as categorical. */
  categorical?: string[];
  /** Feature-table columns that are not features. */
  exclude?: string[];
  /** Also the secondary (parametric) test per feature. */
  secondary: boolean;
  /** Order the rows by the primary p-value. */
  sort: boolean;
  /** Significance level of the summary line. */
  alpha: number;
}

/** Options as typed on the command line, with the defaults applied. */
export type AssociateOptionStrings = Omit<AssociateOptions, "adjust" | "targetType" | "sort" | "alpha"> & {
  fdr: string;
  targetType?: string;
  sort?: boolean;
  alpha: string;
};

export interface AssociateInputs {
  /** Feature table (read with the id column as text). */
  features: Table;
  /** Clinical / genomic table with the target, joined on the id column. */
  labels?: Table;
  /** How messages name the tables (default: their `source`). */
  featuresName?: string;
  labelsName?: string;
}

export interface AssociateRun {
  result: AssociationResult;
  /** Samples tested (rows of the joined table). */
  samples: number;
  /** Ids of the feature table and of the label table without a match in the other. */
  unmatched: [string[], string[]];
  alpha: number;
  featuresName: string;
  labelsName?: string;
}

const TARGET_TYPES: Record<string, TargetType> = {
  binary: "binary",
  categorical: "categorical",
  multiclass: "categorical",
  continuous: "continuous",
};

/** Check and convert the command-line options (InputError naming the option). */
export function parseAssociateOptions(o: AssociateOptionStrings): AssociateOptions {
  const alpha = Number(o.alpha);
  if (!(alpha > 0 && alpha < 1)) throw new InputError(`--alpha must be between 0 and 1, got "${o.alpha}"`);
  const adjust = parsePAdjustMethod(o.fdr);
  let targetType: TargetType | undefined;
  if (o.targetType) {
    targetType = TARGET_TYPES[o.targetType.toLowerCase()];
    if (!targetType)
      throw new InputError(`--target-type must be binary, categorical or continuous, got "${o.targetType}"`);
  }
  return {
    target: o.target,
    id: o.id,
    adjust,
    targetType,
    positive: o.positive,
    categorical: o.categorical,
    exclude: o.exclude,
    secondary: o.secondary,
    sort: o.sort ?? false,
    alpha,
  };
}

/** Join, test every feature, adjust, optionally sort, on tables already read. */
export function runAssociate(inputs: AssociateInputs, opts: AssociateOptions): AssociateRun {
  const { features, labels } = inputs;
  const featuresName = inputs.featuresName ?? features.source;
  const labelsName = labels ? (inputs.labelsName ?? labels.source) : undefined;
  let data: Table = features;
  let featureNames: string[];
  let unmatched: [string[], string[]] = [[], []];
  const idGuess = opts.id ?? guessIdColumn(features);
  const exclude = new Set(opts.exclude ?? []);
  if (labels) {
    labels.column(opts.target, "target column");
    const id = opts.id ?? (idGuess && labels.has(idGuess) ? idGuess : undefined);
    if (!id)
      throw new InputError(
        "cannot tell which column holds the case ids; pass --id (it must be in both tables)",
      );
    const j = joinTables(features, labels, id);
    if (j.table.nRows === 0)
      throw new InputError(`no id of ${featuresName} matches one of ${labelsName} (column "${id}")`);
    unmatched = [j.unmatchedA, j.unmatchedB];
    data = j.table;
    featureNames = features.names.filter((n) => n !== id && !exclude.has(n) && n !== opts.target);
    if (features.has(opts.target))
      throw new InputError(`the target "${opts.target}" is also a column of ${featuresName}`);
  } else {
    features.column(opts.target, "target column");
    featureNames = features.names.filter((n) => n !== idGuess && !exclude.has(n) && n !== opts.target);
  }
  const result = associate(data, opts.target, {
    features: featureNames,
    targetType: opts.targetType,
    positive: opts.positive,
    categoricalFeatures: opts.categorical,
    adjust: opts.adjust,
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
  return { result, samples: data.nRows, unmatched, alpha: opts.alpha, featuresName, labelsName };
}

/** The JSON output: the association result plus samples and unmatched ids. */
export function associateJson(run: AssociateRun): Record<string, unknown> {
  return {
    ...run.result,
    samples: run.samples,
    unmatchedFeatures: run.unmatched[0],
    unmatchedLabels: run.unmatched[1],
  };
}

/** The human summary (unmatched ids, significant features), one line each, trailing newline. */
export function associateSummaryText(run: AssociateRun): string {
  const { result, unmatched, alpha } = run;
  const lines: string[] = [];
  if (unmatched[0].length || unmatched[1].length)
    lines.push(
      `ids without a match: ${unmatched[0].length} in ${run.featuresName}` +
        (run.labelsName ? `, ${unmatched[1].length} in ${run.labelsName}` : "") +
        (unmatched[0].length ? ` (e.g. ${unmatched[0].slice(0, 3).join(", ")})` : ""),
    );
  const primary = result.rows.filter((r) => r.role === "primary");
  const sig = primary.filter((r) => r.pAdjusted <= alpha).length;
  const lv = result.levels.length ? ` [${result.levels.join(", ")}]` : "";
  lines.push(
    `${primary.length} features vs ${result.target} (${result.targetType}${lv}), ${run.samples} samples: ` +
      `${sig} significant at ${result.adjust}-adjusted p <= ${alpha}`,
  );
  return `${lines.join("\n")}\n`;
}
