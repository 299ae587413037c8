/**
 * Univariate screening of many features against one target, with multiple-testing control (browser-safe).
 *
 * The test follows the target and feature types:
 * | target      | numeric feature                         | categorical feature                        |
 * |-------------|-----------------------------------------|--------------------------------------------|
 * | binary      | Mann-Whitney U (+ Welch t)              | Fisher exact for 2 x 2 (+ chi-square), else chi-square |
 * | categorical | Kruskal-Wallis (+ one-way ANOVA)        | chi-square                                 |
 * | continuous  | Spearman (+ Pearson)                    | Mann-Whitney (2 levels) / Kruskal-Wallis   |
 *
 * Each feature uses its complete pairs (feature and target present); n is reported per row. p-values are
 * adjusted across features within each test family: all primary rows together, and each secondary test
 * separately. Effect sizes: AUC (Mann-Whitney, the probability that the positive class has the larger value),
 * Cohen's d (Welch), epsilon^2 (Kruskal-Wallis), eta^2 (ANOVA), rho / r (correlations), conditional MLE odds
 * ratio (Fisher), Cramér's V (chi-square).
 */
import { DataError, InputError } from "../../errors.js";
import { adjustPValues, type PAdjustMethod } from "./fdr.js";
import { type Column, factor, Table } from "../tables/table.js";
import {
  chiSquareTest,
  fisherExact,
  kruskalCodes,
  mannWhitneyU,
  oneWayAnova,
  pearson,
  spearman,
  welchTTest,
} from "./univariate.js";

export type TargetType = "binary" | "categorical" | "continuous";

export interface AssociateOptions {
  /** Feature columns (default: every column except the target, the id and `exclude`). */
  features?: readonly string[];
  exclude?: readonly string[];
  /** Id column, excluded from the features. */
  id?: string;
  /** Target type; default inferred (2 values -> binary, text -> categorical, numeric -> continuous). */
  targetType?: TargetType;
  /** For a binary target: the level treated as positive (default: the second of the sorted levels). */
  positive?: string;
  /** Numeric feature columns to treat as categorical. */
  categoricalFeatures?: readonly string[];
  /** Multiple-testing adjustment (default BH). */
  adjust?: PAdjustMethod;
  /** Also run the secondary (parametric) test. Default true. */
  secondary?: boolean;
}

export interface AssociationRow {
  feature: string;
  test: string;
  role: "primary" | "secondary";
  statistic: number;
  p: number;
  pAdjusted: number;
  effectSize: number;
  effectName: string;
  /** Complete pairs used. */
  n: number;
  /** Why a test could not be run (constant feature, too few values...); p is NaN then. */
  note: string;
}

export interface AssociationResult {
  target: string;
  targetType: TargetType;
  /** Target levels (binary: [negative, positive]; categorical: sorted). */
  levels: string[];
  adjust: PAdjustMethod;
  rows: AssociationRow[];
}

interface Target {
  type: TargetType;
  /** Numeric target values (continuous) or level codes (binary/categorical; -1 missing). */
  values: Float64Array;
  codes: Int32Array;
  levels: string[];
}

function targetOf(table: Table, name: string, options: AssociateOptions): Target {
  const col = table.column(name, "target column");
  const f = factor(table, name);
  if (f.levels.length < 2)
    throw new DataError(
      `target "${name}" has ${f.levels.length} distinct value(s); at least 2 are needed`,
      table.source,
    );
  let type = options.targetType;
  if (!type) type = f.levels.length === 2 ? "binary" : col.kind === "text" ? "categorical" : "continuous";
  if (type === "continuous") {
    if (col.kind !== "numeric") table.numeric(name); // throws naming the non-numeric cell
    return { type, values: table.numeric(name), codes: f.codes, levels: [] };
  }
  if (type === "binary") {
    if (f.levels.length !== 2)
      throw new DataError(`target "${name}" is not binary: ${f.levels.length} distinct values`, table.source);
    let pos = 1;
    if (options.positive !== undefined) {
      pos = f.levels.indexOf(options.positive);
      if (pos < 0)
        throw new InputError(
          `positive level "${options.positive}" is not a value of "${name}" (${f.levels.join(", ")})`,
          table.source,
        );
    }
    const codes = Int32Array.from(f.codes, (k) => (k < 0 ? -1 : k === pos ? 1 : 0));
    return { type, values: Float64Array.from(codes), codes, levels: [f.levels[1 - pos], f.levels[pos]] };
  }
  return { type, values: Float64Array.from(f.codes), codes: f.codes, levels: f.levels };
}

/** One result row; pAdjusted is filled in once every feature is tested. */
function row(
  feature: string,
  test: string,
  role: "primary" | "secondary",
  n: number,
  statistic: number,
  p: number,
  effectSize: number,
  effectName: string,
  note = "",
): AssociationRow {
  return { feature, test, role, statistic, p, pAdjusted: Number.NaN, effectSize, effectName, n, note };
}

/** A row for a test that could not be run, with the reason. */
function emptyRow(
  feature: string,
  test: string,
  role: "primary" | "secondary",
  n: number,
  note: string,
): AssociationRow {
  return row(feature, test, role, n, Number.NaN, Number.NaN, Number.NaN, "", note);
}

/** A test's statistic, p-value, effect size and the effect size's name. */
type TestStats = [statistic: number, p: number, effectSize: number, effectName: string];

/**
 * The rows of a primary test and, when `secondary`, its secondary test; when `note` is not empty the
 * tests cannot run and both rows are empty with that note.
 */
function testPair(
  name: string,
  n: number,
  secondary: boolean,
  tests: [string, string],
  note: string,
  primaryStats: () => TestStats,
  secondaryStats: () => TestStats,
): AssociationRow[] {
  if (note) {
    const rows = [emptyRow(name, tests[0], "primary", n, note)];
    if (secondary) rows.push(emptyRow(name, tests[1], "secondary", n, note));
    return rows;
  }
  const rows = [row(name, tests[0], "primary", n, ...primaryStats())];
  if (secondary) rows.push(row(name, tests[1], "secondary", n, ...secondaryStats()));
  return rows;
}

/** Contingency table of two code arrays (levels 0..r-1, 0..c-1), dropping empty rows/columns. */
function crossTab(a: Int32Array, b: Int32Array, r: number, c: number): number[][] {
  const t = Array.from({ length: r }, () => new Array<number>(c).fill(0));
  for (let i = 0; i < a.length; i++) t[a[i]][b[i]]++;
  const rowsKept = t.filter((row) => row.some((v) => v > 0));
  const colKept = Array.from({ length: c }, (_, j) => rowsKept.some((row) => row[j] > 0));
  return rowsKept.map((row) => row.filter((_, j) => colKept[j]));
}

function testFeature(
  name: string,
  categorical: boolean,
  target: Target,
  table: Table,
  secondary: boolean,
): AssociationRow[] {
  const n0 = table.nRows;
  // complete pairs
  const keep: number[] = [];
  const fx = categorical ? factor(table, name) : undefined;
  const x = categorical ? undefined : table.numeric(name);
  for (let i = 0; i < n0; i++) {
    const tOk = target.type === "continuous" ? !Number.isNaN(target.values[i]) : target.codes[i] >= 0;
    const fOk = fx ? fx.codes[i] >= 0 : !Number.isNaN(x![i]) && Number.isFinite(x![i]);
    if (tOk && fOk) keep.push(i);
  }
  const n = keep.length;
  const rows: AssociationRow[] = [];
  if (!categorical) {
    const xv = Float64Array.from(keep, (i) => x![i]);
    let constant = true;
    for (let i = 1; i < n; i++) if (xv[i] !== xv[0]) constant = false;
    if (target.type === "binary") {
      const pos: number[] = [];
      const neg: number[] = [];
      for (let k = 0; k < n; k++) (target.codes[keep[k]] === 1 ? pos : neg).push(xv[k]);
      const few = pos.length < 2 || neg.length < 2;
      return testPair(
        name,
        n,
        secondary,
        ["mann-whitney", "welch-t"],
        constant ? "constant feature" : few ? "fewer than 2 values in a class" : "",
        () => {
          const mw = mannWhitneyU(pos, neg);
          return [mw.U, mw.p, mw.auc, "auc"];
        },
        () => {
          const w = welchTTest(pos, neg);
          return [w.t, w.p, w.cohensD, "cohens_d"];
        },
      );
    }
    if (target.type === "categorical") {
      const codes = Int32Array.from(keep, (i) => target.codes[i]);
      const counts = new Int32Array(target.levels.length);
      for (const c of codes) counts[c]++;
      const groups = Array.from(counts).filter((c) => c > 0).length;
      const few = groups < 2 || n <= groups;
      return testPair(
        name,
        n,
        secondary,
        ["kruskal-wallis", "anova"],
        constant ? "constant feature" : few ? "fewer than 2 classes with values" : "",
        () => {
          const kw = kruskalCodes(xv, codes, target.levels.length);
          return [kw.H, kw.p, kw.epsilonSquared, "epsilon_squared"];
        },
        () => {
          const a = oneWayAnova(xv, codes, target.levels.length);
          return [a.F, a.p, a.etaSquared, "eta_squared"];
        },
      );
    }
    // continuous target
    const yv = Float64Array.from(keep, (i) => target.values[i]);
    return testPair(
      name,
      n,
      secondary,
      ["spearman", "pearson"],
      constant ? "constant feature" : n < 3 ? "fewer than 3 complete pairs" : "",
      () => {
        const s = spearman(xv, yv);
        return [s.r, s.p, s.r, "rho"];
      },
      () => {
        const pr = pearson(xv, yv);
        return [pr.r, pr.p, pr.r, "r"];
      },
    );
  }
  // categorical feature
  const fcodes = Int32Array.from(keep, (i) => fx!.codes[i]);
  const nLevels = fx!.levels.length;
  if (target.type === "continuous") {
    const yv = Float64Array.from(keep, (i) => target.values[i]);
    const used = new Set(fcodes).size;
    if (used < 2) return [emptyRow(name, "kruskal-wallis", "primary", n, "constant feature")];
    if (used === 2) {
      const lv = Array.from(new Set(fcodes)).sort((a, b) => a - b);
      const g1: number[] = [];
      const g0: number[] = [];
      for (let k = 0; k < n; k++) (fcodes[k] === lv[1] ? g1 : g0).push(yv[k]);
      const mw = mannWhitneyU(g1, g0);
      return [row(name, "mann-whitney", "primary", n, mw.U, mw.p, mw.auc, "auc")];
    }
    const kw = kruskalCodes(yv, fcodes, nLevels);
    return [row(name, "kruskal-wallis", "primary", n, kw.H, kw.p, kw.epsilonSquared, "epsilon_squared")];
  }
  const tcodes = Int32Array.from(keep, (i) => target.codes[i]);
  const tab = crossTab(fcodes, tcodes, nLevels, target.levels.length);
  if (tab.length < 2 || tab[0].length < 2)
    return [emptyRow(name, "chi-square", "primary", n, "constant feature or target")];
  const chi = chiSquareTest(tab);
  if (tab.length === 2 && tab[0].length === 2) {
    const f = fisherExact(tab);
    rows.push(row(name, "fisher", "primary", n, f.sampleOddsRatio, f.p, f.oddsRatio, "odds_ratio"));
    if (secondary)
      rows.push(row(name, "chi-square", "secondary", n, chi.statistic, chi.p, chi.cramersV, "cramers_v"));
    return rows;
  }
  return [row(name, "chi-square", "primary", n, chi.statistic, chi.p, chi.cramersV, "cramers_v")];
}

/** Test every feature of `table` against its `target` column; see the module comment for the tests. */
export function associate(table: Table, target: string, options: AssociateOptions = {}): AssociationResult {
  const t = targetOf(table, target, options);
  const skip = new Set([
    target,
    ...(options.exclude ?? []),
    ...(options.id !== undefined ? [options.id] : []),
  ]);
  const features = options.features ? [...options.features] : table.names.filter((nm) => !skip.has(nm));
  if (features.length === 0) throw new InputError("no feature columns to test", table.source);
  const catSet = new Set(options.categoricalFeatures ?? []);
  const secondary = options.secondary ?? true;
  const rows: AssociationRow[] = [];
  for (const name of features) {
    if (name === target)
      throw new InputError(`the target "${target}" cannot also be a feature`, table.source);
    const col = table.column(name, "feature column");
    rows.push(...testFeature(name, col.kind === "text" || catSet.has(name), t, table, secondary));
  }
  const adjust = options.adjust ?? "BH";
  // families: all primary rows; each secondary test on its own
  const families = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const key = r.role === "primary" ? "primary" : r.test;
    if (!families.has(key)) families.set(key, []);
    families.get(key)!.push(i);
  });
  for (const idx of families.values()) {
    const adj = adjustPValues(
      idx.map((i) => rows[i].p),
      adjust,
    );
    idx.forEach((i, k) => {
      rows[i].pAdjusted = adj[k];
    });
  }
  return { target, targetType: t.type, levels: t.levels, adjust, rows };
}

/** Matrix form: feature columns (NaN = missing) with names, and the target values (numbers or labels). */
export function associateMatrix(
  columns: readonly Float64Array[],
  names: readonly string[],
  target: ArrayLike<number> | readonly (string | null)[],
  options: AssociateOptions = {},
): AssociationResult {
  if (columns.length !== names.length)
    throw new InputError(`${columns.length} feature columns but ${names.length} names`);
  const n = target.length;
  const cols: Column[] = columns.map((v, j) => {
    if (v.length !== n) throw new InputError(`feature "${names[j]}" has ${v.length} values, the target ${n}`);
    return { kind: "numeric", name: names[j], values: v };
  });
  const targetName = names.includes("target") ? "__target__" : "target";
  const isText = Array.isArray(target) && target.some((v) => typeof v === "string");
  cols.push(
    isText
      ? { kind: "text", name: targetName, values: (target as (string | null)[]).slice() }
      : { kind: "numeric", name: targetName, values: Float64Array.from(target as ArrayLike<number>) },
  );
  const r = associate(new Table(cols, "features"), targetName, {
    ...options,
    features: options.features ?? names,
  });
  return { ...r, target: "target" };
}

/** Result rows as a Table (feature, test, statistic, p, p_adj, effect_size, effect, n, note). */
export function associationTable(result: AssociationResult): Table {
  const rows = result.rows;
  return new Table(
    [
      { kind: "text", name: "feature", values: rows.map((r) => r.feature) },
      { kind: "text", name: "test", values: rows.map((r) => r.test) },
      { kind: "numeric", name: "statistic", values: Float64Array.from(rows, (r) => r.statistic) },
      { kind: "numeric", name: "p", values: Float64Array.from(rows, (r) => r.p) },
      { kind: "numeric", name: "p_adj", values: Float64Array.from(rows, (r) => r.pAdjusted) },
      { kind: "numeric", name: "effect_size", values: Float64Array.from(rows, (r) => r.effectSize) },
      { kind: "text", name: "effect", values: rows.map((r) => r.effectName || null) },
      { kind: "numeric", name: "n", values: Float64Array.from(rows, (r) => r.n) },
      { kind: "text", name: "note", values: rows.map((r) => r.note || null) },
    ],
    "associations",
  );
}
