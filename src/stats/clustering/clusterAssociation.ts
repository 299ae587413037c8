/**
 * Imaging clusters versus molecular, clinical and survival variables:
 *
 * - categorical labels (k x m contingency table): Pearson chi-square test of independence (R `chisq.test`,
 *   Yates' correction only for 2 x 2, as R) and Fisher's exact test. For 2 x 2 tables Fisher's test is the one
 *   of univariate.ts (with the conditional-MLE odds ratio). For larger tables the p-value is R's definition,
 *   the sum of the probabilities of all tables with the observed margins that are not more probable than the
 *   observed one (relative tolerance 1e-7), computed by complete enumeration of those tables when there are at
 *   most `maxTables` of them; beyond that it is estimated by Monte Carlo as R's `simulate.p.value = TRUE`:
 *   p = (1 + #{simulated tables with P <= P_obs}) / (B + 1), tables drawn uniformly given the margins (random
 *   permutation of the column labels across the units), seeded;
 * - continuous variables: Kruskal-Wallis test across clusters (tie-corrected), medians per cluster;
 * - survival: k-sample log-rank test (R `survdiff`, logrank.ts).
 *
 * Missing values (NaN, null, "") drop the item from that test only; the number used is reported.
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError, InputError } from "../../errors.js";
import { logRank, type LogRankResult } from "../survival/logrank.js";
import { Random } from "../core/random.js";
import { type ChiSquareResult, chiSquareTest, fisherExact, kruskalCodes } from "../tests/univariate.js";

export interface FisherRxCResult {
  p: number;
  method: "exact" | "monte-carlo";
  /** Tables enumerated (exact) or simulated (Monte Carlo). */
  tables: number;
}

export interface FisherRxCOptions {
  /** Largest number of tables to enumerate before switching to Monte Carlo. Default 2e6. */
  maxTables?: number;
  /** Monte Carlo replicates. Default 1e5. */
  B?: number;
  seed?: number;
  /** Force Monte Carlo. */
  simulate?: boolean;
}

const REL_TOL = 1e-7;

/** Fisher's exact test for an r x c table (two-sided, R's definition). */
export function fisherExactRxC(
  table: readonly (readonly number[])[],
  opts: FisherRxCOptions = {},
): FisherRxCResult {
  const r = table.length;
  const c = r > 0 ? table[0].length : 0;
  if (r < 2 || c < 2)
    throw new DataError(`Fisher's exact test needs at least a 2 x 2 table (got ${r} x ${c})`);
  const rows = new Int32Array(r);
  const cols = new Int32Array(c);
  let n = 0;
  for (let i = 0; i < r; i++) {
    if (table[i].length !== c) throw new InputError("Fisher's exact test: ragged table");
    for (let j = 0; j < c; j++) {
      const v = table[i][j];
      if (!(v >= 0) || !Number.isInteger(v))
        throw new InputError(`Fisher's exact test: counts must be non-negative integers (got ${v})`);
      rows[i] += v;
      cols[j] += v;
      n += v;
    }
  }
  const lf = new Float64Array(n + 1);
  for (let v = 2; v <= n; v++) lf[v] = lf[v - 1] + Math.log(v);
  let constant = -lf[n];
  for (let i = 0; i < r; i++) constant += lf[rows[i]];
  for (let j = 0; j < c; j++) constant += lf[cols[j]];
  let obs = constant;
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) obs -= lf[table[i][j]];
  const cut = obs + Math.log1p(REL_TOL);
  const maxTables = opts.maxTables ?? 2e6;
  if (!opts.simulate) {
    const ex = enumerate(rows, cols, lf, constant, cut, maxTables);
    if (ex) return { p: Math.min(1, ex.p), method: "exact", tables: ex.tables };
  }
  // Monte Carlo: shuffle the column label of each unit, deal the units to rows in order
  const B = opts.B ?? 100000;
  const rng = new Random(opts.seed ?? 1);
  const units = new Int32Array(n);
  let u = 0;
  for (let j = 0; j < c; j++) for (let t = 0; t < cols[j]; t++) units[u++] = j;
  const cell = new Int32Array(c);
  let hits = 0;
  for (let b = 0; b < B; b++) {
    rng.shuffle(units);
    let lp = constant;
    let pos = 0;
    for (let i = 0; i < r; i++) {
      cell.fill(0);
      for (let t = 0; t < rows[i]; t++) cell[units[pos++]]++;
      for (let j = 0; j < c; j++) lp -= lf[cell[j]];
    }
    if (lp <= cut) hits++;
  }
  return { p: (1 + hits) / (B + 1), method: "monte-carlo", tables: B };
}

/** Complete enumeration column by column; undefined when more than maxTables tables would be needed. */
function enumerate(
  rows: Int32Array,
  cols: Int32Array,
  lf: Float64Array,
  constant: number,
  cut: number,
  maxTables: number,
): { p: number; tables: number } | undefined {
  const r = rows.length;
  const c = cols.length;
  const rem = Int32Array.from(rows);
  let p = 0;
  let tables = 0;
  let aborted = false;
  const colStep = (j: number, lp: number): void => {
    if (aborted) return;
    if (j === c - 1) {
      // last column is determined by the remaining row margins
      let v = lp;
      for (let i = 0; i < r; i++) v -= lf[rem[i]];
      if (v <= cut) p += Math.exp(v);
      if (++tables > maxTables) aborted = true;
      return;
    }
    cellStep(j, 0, cols[j], lp);
  };
  const cellStep = (j: number, i: number, left: number, lp: number): void => {
    if (aborted) return;
    if (i === r - 1) {
      if (left > rem[i]) return;
      rem[i] -= left;
      colStep(j + 1, lp - lf[left]);
      rem[i] += left;
      return;
    }
    // the rows below i must be able to absorb what is left
    let below = 0;
    for (let t = i + 1; t < r; t++) below += rem[t];
    const lo = Math.max(0, left - below);
    const hi = Math.min(rem[i], left);
    for (let x = lo; x <= hi; x++) {
      rem[i] -= x;
      cellStep(j, i + 1, left - x, lp - lf[x]);
      rem[i] += x;
      if (aborted) return;
    }
  };
  colStep(0, constant);
  return aborted ? undefined : { p, tables };
}

export interface CategoricalAssociation {
  variable: string;
  kind: "categorical";
  /** Cluster labels (rows) and variable levels (columns) of the table, counts row-major as nested arrays. */
  clusters: string[];
  levels: string[];
  table: number[][];
  n: number;
  nMissing: number;
  chiSquare: ChiSquareResult;
  fisherP: number;
  fisherMethod: "exact" | "monte-carlo";
  /** Conditional-MLE odds ratio, 2 x 2 tables only. */
  oddsRatio?: number;
  /** Warning when expected counts are small (R's "Chi-squared approximation may be incorrect"). */
  warnings: string[];
}

export interface ContinuousAssociation {
  variable: string;
  kind: "continuous";
  clusters: string[];
  n: number;
  nMissing: number;
  /** Per cluster: count and median. */
  count: number[];
  median: number[];
  H: number;
  df: number;
  p: number;
  epsilonSquared: number;
}

export interface SurvivalAssociation {
  variable: string;
  kind: "survival";
  n: number;
  nMissing: number;
  logRank: LogRankResult;
  p: number;
}

export type ClusterAssociation = CategoricalAssociation | ContinuousAssociation | SurvivalAssociation;

type Label = string | number | null | undefined;

function isMissing(v: Label): boolean {
  return (
    v === null ||
    v === undefined ||
    (typeof v === "number" && Number.isNaN(v)) ||
    (typeof v === "string" && v.trim() === "")
  );
}

function sortLevels(values: string[]): string[] {
  const allNumeric = values.every((v) => Number.isFinite(Number(v)));
  return values.sort((a, b) => (allNumeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
}

/** Clusters versus a categorical variable: chi-square and Fisher's exact test on the k x m table. */
export function clustersVsCategorical(
  clusters: ArrayLike<number>,
  labels: ArrayLike<Label>,
  variable = "label",
  opts: FisherRxCOptions & { correction?: boolean } = {},
): CategoricalAssociation {
  if (clusters.length !== labels.length)
    throw new InputError(`${variable}: ${labels.length} values for ${clusters.length} clustered items`);
  const keep: number[] = [];
  for (let i = 0; i < clusters.length; i++) if (!isMissing(labels[i])) keep.push(i);
  const cl = sortLevels(Array.from(new Set(keep.map((i) => String(clusters[i])))));
  const lv = sortLevels(Array.from(new Set(keep.map((i) => String(labels[i]).trim()))));
  if (lv.length < 2)
    throw new DataError(
      `${variable}: needs at least 2 distinct values among the clustered items, found ${lv.length}`,
    );
  if (cl.length < 2) throw new DataError(`${variable}: the items with a value fall in ${cl.length} cluster`);
  const ci = new Map(cl.map((v, i) => [v, i]));
  const li = new Map(lv.map((v, i) => [v, i]));
  const table = cl.map(() => new Array<number>(lv.length).fill(0));
  for (const i of keep)
    table[ci.get(String(clusters[i])) as number][li.get(String(labels[i]).trim()) as number]++;
  const chiSquare = chiSquareTest(table, { correction: opts.correction ?? true });
  const warnings: string[] = [];
  if (chiSquare.expected.some((row) => row.some((e) => e < 5)))
    warnings.push("expected counts below 5: the chi-square approximation may be incorrect; use Fisher's p");
  let fisherP: number;
  let fisherMethod: "exact" | "monte-carlo" = "exact";
  let oddsRatio: number | undefined;
  if (cl.length === 2 && lv.length === 2) {
    const f = fisherExact(table);
    fisherP = f.p;
    oddsRatio = f.oddsRatio;
  } else {
    const f = fisherExactRxC(table, opts);
    fisherP = f.p;
    fisherMethod = f.method;
    if (f.method === "monte-carlo") warnings.push(`Fisher's p estimated from ${f.tables} Monte Carlo tables`);
  }
  return {
    variable,
    kind: "categorical",
    clusters: cl,
    levels: lv,
    table,
    n: keep.length,
    nMissing: clusters.length - keep.length,
    chiSquare,
    fisherP,
    fisherMethod,
    oddsRatio,
    warnings,
  };
}

/** Clusters versus a continuous variable: Kruskal-Wallis across clusters (NaN = missing). */
export function clustersVsContinuous(
  clusters: ArrayLike<number>,
  values: ArrayLike<number>,
  variable = "value",
): ContinuousAssociation {
  if (clusters.length !== values.length)
    throw new InputError(`${variable}: ${values.length} values for ${clusters.length} clustered items`);
  const keep: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) keep.push(i);
  const cl = sortLevels(Array.from(new Set(keep.map((i) => String(clusters[i])))));
  if (cl.length < 2) throw new DataError(`${variable}: the items with a value fall in ${cl.length} cluster`);
  const ci = new Map(cl.map((v, i) => [v, i]));
  const v = Float64Array.from(keep, (i) => values[i]);
  const codes = Int32Array.from(keep, (i) => ci.get(String(clusters[i])) as number);
  const kw = kruskalCodes(v, codes, cl.length);
  const count = cl.map(() => 0);
  const median = cl.map((_, g) => {
    const xs = Array.from(v.filter((_, t) => codes[t] === g)).sort((a, b) => a - b);
    count[g] = xs.length;
    const m = xs.length;
    return m === 0 ? Number.NaN : m % 2 ? xs[(m - 1) / 2] : (xs[m / 2 - 1] + xs[m / 2]) / 2;
  });
  return {
    variable,
    kind: "continuous",
    clusters: cl,
    n: keep.length,
    nMissing: values.length - keep.length,
    count,
    median,
    H: kw.H,
    df: kw.df,
    p: kw.p,
    epsilonSquared: kw.epsilonSquared,
  };
}

/** Clusters versus survival: k-sample log-rank test (rows with missing time or event are dropped). */
export function clustersVsSurvival(
  clusters: ArrayLike<number>,
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  variable = "survival",
): SurvivalAssociation {
  if (clusters.length !== time.length || time.length !== event.length)
    throw new InputError(`${variable}: time, event and clusters differ in length`);
  const keep: number[] = [];
  for (let i = 0; i < time.length; i++)
    if (Number.isFinite(time[i]) && (event[i] === 0 || event[i] === 1)) keep.push(i);
  const lr = logRank(
    keep.map((i) => time[i]),
    keep.map((i) => event[i]),
    keep.map((i) => String(clusters[i])),
    { groupName: "cluster" },
  );
  return {
    variable,
    kind: "survival",
    n: keep.length,
    nMissing: time.length - keep.length,
    logRank: lr,
    p: lr.p,
  };
}
