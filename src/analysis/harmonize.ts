/**
 * Harmonisation workflow: ComBat on a feature table. Fits on the table (batch and covariates from the table
 * itself or from a clinical table joined on the id) and returns the harmonised table and the model, or
 * applies a model fitted earlier (e.g. on the training cohort) to new data from the same batches.
 *
 * Browser-safe: takes tables already read, returns the harmonised table, the model and the messages.
 *   const opts = parseHarmonizeOptions({ batch: "scanner", method: "parametric", eb: true });
 *   const run = runHarmonize({ features, clinical }, opts);   // run.table, run.fitted, run.messages
 */
import { InputError } from "../errors.js";
import { type CombatModel, combatApplyTable, combatTable } from "../stats/harmonisation/combat.js";
import { guessIdColumn, joinTables, type Table } from "../stats/tables/table.js";

/** Validated options of the harmonisation workflow. */
export interface HarmonizeOptions {
  /** Batch column (scanner, site, protocol); required to fit, optional to apply a model. */
  batch?: string;
  /** Covariates to preserve. */
  covariates?: string[];
  /** Numeric covariates treated as categorical. */
  categorical?: string[];
  /** Feature columns (default: every other numeric column). */
  features?: string[];
  /** Numeric columns that are not features. */
  exclude?: string[];
  /** Id column (kept as text, never harmonised; the join key with a clinical table). */
  id?: string;
  /** Empirical Bayes flavour, as the user spelled it (lower case). */
  method: "parametric" | "nonparametric" | "non-parametric";
  meanOnly: boolean;
  /** Empirical Bayes shrinkage. */
  eb: boolean;
}

/** Options as typed on the command line, with the defaults applied. */
export type HarmonizeOptionStrings = Omit<HarmonizeOptions, "method" | "meanOnly"> & {
  method: string;
  meanOnly?: boolean;
};

export interface HarmonizeInputs {
  /** Feature table (read with the id column as text). */
  features: Table;
  /** Table with the batch and covariate columns, joined on the id (read with the id column as text). */
  clinical?: Table;
  /** A ComBat model fitted earlier: applied instead of fitting one. */
  model?: CombatModel;
  /** How messages name the tables and the model (default: the tables' `source`, "the model"). */
  featuresName?: string;
  clinicalName?: string;
  modelName?: string;
  /** Called with each message line as it happens (the lines are also in `run.messages`). */
  onMessage?: (line: string) => void;
}

export interface HarmonizeRun {
  /** The harmonised table (the feature table's columns when a clinical table was joined). */
  table: Table;
  /** The fitted model (not set when a model was applied). */
  fitted?: CombatModel;
  /** Message lines for the user (summary of the fit, notes), in order. */
  messages: string[];
}

/** Check and convert the command-line options (InputError naming the option). */
export function parseHarmonizeOptions(o: HarmonizeOptionStrings): HarmonizeOptions {
  const method = o.method.toLowerCase();
  if (method !== "parametric" && method !== "nonparametric" && method !== "non-parametric")
    throw new InputError(`--method must be parametric or nonparametric, got "${o.method}"`);
  return {
    batch: o.batch,
    covariates: o.covariates,
    categorical: o.categorical,
    features: o.features,
    exclude: o.exclude,
    id: o.id,
    method,
    meanOnly: o.meanOnly ?? false,
    eb: o.eb,
  };
}

/**
 * The id column of the feature table: `opts.id` (which must exist) or a guessed one; required when a
 * clinical table is to be joined. (Read the clinical table with this column as text.)
 */
export function harmonizeIdColumn(
  features: Table,
  opts: HarmonizeOptions,
  joining: boolean,
): string | undefined {
  const id = opts.id ?? guessIdColumn(features);
  if (opts.id && !features.has(opts.id)) features.column(opts.id, "id column");
  if (joining && !id)
    throw new InputError("no id column found to join the tables (name it case_id, id, ... or pass --id)");
  return id;
}

/** Fit ComBat and harmonise (or apply `inputs.model`), on tables already read. */
export function runHarmonize(inputs: HarmonizeInputs, opts: HarmonizeOptions): HarmonizeRun {
  const messages: string[] = [];
  const say = (line: string) => {
    messages.push(line);
    inputs.onMessage?.(line);
  };
  const { features, clinical } = inputs;
  const id = harmonizeIdColumn(features, opts, clinical !== undefined);
  // With a clinical table, batch and covariates come from it (joined on the id); the output keeps the
  // feature table's columns.
  let table = features;
  let featureColumns = opts.features;
  if (clinical && id) {
    const j = joinTables(features, clinical, id);
    if (j.table.nRows === 0)
      throw new InputError(
        `no case id is shared by ${inputs.featuresName ?? features.source} and ${inputs.clinicalName ?? clinical.source}`,
      );
    if (j.unmatchedA.length) say(`note: ${j.unmatchedA.length} cases have no clinical row and are left out`);
    table = j.table;
    featureColumns ??= features.numericNames([id, ...(opts.exclude ?? [])]);
  }
  let out: Table;
  let fitted: CombatModel | undefined;
  if (inputs.model) {
    const model = inputs.model;
    out = combatApplyTable(model, table, opts.batch);
    say(
      `harmonised ${model.features.length} features of ${table.nRows} samples with ${inputs.modelName ?? "the model"}`,
    );
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
      parametric: opts.method === "parametric",
      meanOnly: opts.meanOnly,
      eb: opts.eb,
    });
    out = res.table;
    const m = res.model;
    fitted = m;
    say(
      `ComBat (${opts.eb ? opts.method : "no EB"}${opts.meanOnly ? ", mean only" : ""}): ${m.features.length} features, ` +
        `${table.nRows} samples, batches ${m.batches.map((b, k) => `${b} (${m.batchSizes[k]})`).join(", ")}` +
        (opts.covariates?.length ? `; preserving ${opts.covariates.join(", ")}` : ""),
    );
    for (const s of m.notes) say(`note: ${s}`);
  }
  if (clinical) out = out.select(features.names.filter((n) => out.has(n)));
  return { table: out, fitted, messages };
}
