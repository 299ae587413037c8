/**
 * Variables of a Table (see table.ts): id columns and joins, factors and variable types, binary and
 * survival variables, complete cases and imputation. Re-exported by table.ts (`stats.table`).
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError, InputError } from "../../errors.js";
import { formatNumber, type Column, Table } from "./table.js";

// ---------------------------------------------------------------------------------------------
// Ids and joins
// ---------------------------------------------------------------------------------------------

const ID_NAMES =
  /^(case|patient|subject|sample|study|image|series)?[ _.-]?id$|^(id|case|patient|subject|sample|patientid|caseid)$/i;

/** Guess the id column: a column named like an id (case_id, PatientID, ...), else undefined. */
export function guessIdColumn(table: Table): string | undefined {
  for (const c of table.columns) if (ID_NAMES.test(c.name.trim())) return c.name;
  return undefined;
}

/**
 * Ids of a table as strings, checked: the column must exist, no id may be missing or repeated
 * (InputError naming the table, the column, the rows).
 */
export function tableIds(table: Table, idColumn: string): string[] {
  if (!table.has(idColumn)) table.column(idColumn, "id column");
  const ids = table.text(idColumn);
  const seen = new Map<string, number>();
  const out: string[] = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const raw = ids[i];
    if (raw === null) throw new InputError(`id column "${idColumn}", row ${i + 1}: missing id`, table.source);
    const id = raw.trim();
    const prev = seen.get(id);
    if (prev !== undefined)
      throw new InputError(
        `id column "${idColumn}": duplicate id "${id}" (rows ${prev + 1} and ${i + 1})`,
        table.source,
      );
    seen.set(id, i);
    out[i] = id;
  }
  return out;
}

export interface JoinResult {
  /** Inner join in the row order of `a`: the id column, a's other columns, then b's other columns. */
  table: Table;
  /** Ids present only in a / only in b. */
  unmatchedA: string[];
  unmatchedB: string[];
  /** b's columns renamed because a has a column of the same name (old -> new). */
  renamed: Record<string, string>;
}

/**
 * Inner join of two tables on an id column (the name may differ: `idColumnB`). Ids are compared as trimmed
 * text, so numeric ids match their text form ("7" = "7.0" does not hold: ids are compared as written, with
 * numeric columns formatted in shortest form). Columns of b whose names exist in a get the suffix "_2".
 */
export function joinTables(a: Table, b: Table, idColumn: string, idColumnB = idColumn): JoinResult {
  const idsA = tableIds(a, idColumn);
  const idsB = tableIds(b, idColumnB);
  const posB = new Map<string, number>();
  for (let i = 0; i < idsB.length; i++) posB.set(idsB[i], i);
  const rowsA: number[] = [];
  const rowsB: number[] = [];
  const unmatchedA: string[] = [];
  for (let i = 0; i < idsA.length; i++) {
    const j = posB.get(idsA[i]);
    if (j === undefined) unmatchedA.push(idsA[i]);
    else {
      rowsA.push(i);
      rowsB.push(j);
    }
  }
  const inA = new Set(idsA);
  const unmatchedB = idsB.filter((id) => !inA.has(id));
  const ta = a.rows(rowsA);
  const tb = b.drop([idColumnB]).rows(rowsB);
  const idCol: Column = { kind: "text", name: idColumn, values: rowsA.map((i) => idsA[i]) };
  const cols: Column[] = [idCol, ...ta.columns.filter((c) => c.name !== idColumn)];
  const used = new Set(cols.map((c) => c.name));
  const renamed: Record<string, string> = {};
  for (const c of tb.columns) {
    let name = c.name;
    if (used.has(name)) {
      let k = 2;
      while (used.has(`${c.name}_${k}`)) k++;
      name = `${c.name}_${k}`;
      renamed[c.name] = name;
    }
    used.add(name);
    cols.push(
      c.kind === "numeric"
        ? { kind: "numeric", name, values: c.values }
        : { kind: "text", name, values: c.values },
    );
  }
  return { table: new Table(cols, `${a.source} + ${b.source}`), unmatchedA, unmatchedB, renamed };
}

// ---------------------------------------------------------------------------------------------
// Variable types
// ---------------------------------------------------------------------------------------------

export type VariableType = "continuous" | "binary" | "categorical" | "constant" | "empty";

export interface Factor {
  /** Level labels, sorted (numeric order for numeric columns, code-point order for text). */
  levels: string[];
  /** Level index per row, -1 = missing. */
  codes: Int32Array;
}

/** Encode a column as a factor (levels sorted). */
export function factor(table: Table, name: string): Factor {
  const c = table.column(name);
  const n = table.nRows;
  const codes = new Int32Array(n).fill(-1);
  if (c.kind === "numeric") {
    const distinct = Array.from(new Set(Array.from(c.values).filter((v) => !Number.isNaN(v)))).sort(
      (x, y) => x - y,
    );
    const pos = new Map<number, number>();
    distinct.forEach((v, k) => {
      pos.set(v, k);
    });
    for (let i = 0; i < n; i++) {
      const v = c.values[i];
      if (!Number.isNaN(v)) codes[i] = pos.get(v)!;
    }
    return { levels: distinct.map(formatNumber), codes };
  }
  const distinct = Array.from(
    new Set(c.values.filter((v): v is string => v !== null).map((v) => v.trim())),
  ).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const pos = new Map<string, number>();
  distinct.forEach((v, k) => {
    pos.set(v, k);
  });
  for (let i = 0; i < n; i++) {
    const v = c.values[i];
    if (v !== null) codes[i] = pos.get(v.trim())!;
  }
  return { levels: distinct, codes };
}

/**
 * Type of a variable: "empty" (all missing), "constant" (one value), "binary" (two values), "categorical"
 * (text with more than two values, or a numeric column listed in `categorical`), else "continuous".
 */
export function variableType(table: Table, name: string, categorical: readonly string[] = []): VariableType {
  const c = table.column(name);
  const distinct = new Set<string | number>();
  if (c.kind === "numeric") {
    for (const v of c.values) if (!Number.isNaN(v)) distinct.add(v);
  } else for (const v of c.values) if (v !== null) distinct.add(v.trim());
  if (distinct.size === 0) return "empty";
  if (distinct.size === 1) return "constant";
  if (distinct.size === 2) return "binary";
  return c.kind === "text" || categorical.includes(name) ? "categorical" : "continuous";
}

/**
 * A binary variable as 0/1 (NaN = missing). Levels are sorted as in `factor`; the second level is 1
 * (so 0/1 stays 0/1, "no"/"yes" -> 0/1, "B"/"M" -> 0/1), unless `positive` names the level coded 1.
 */
export function binaryVariable(
  table: Table,
  name: string,
  positive?: string,
): { values: Float64Array; levels: [string, string] } {
  const f = factor(table, name);
  if (f.levels.length !== 2)
    throw new DataError(
      `column "${name}" is not binary: ${f.levels.length} distinct values${f.levels.length ? ` (${f.levels.slice(0, 5).join(", ")}${f.levels.length > 5 ? ", ..." : ""})` : ""}`,
      table.source,
    );
  let one = 1;
  if (positive !== undefined) {
    one = f.levels.indexOf(positive);
    if (one < 0)
      throw new InputError(
        `column "${name}": positive level "${positive}" not among ${f.levels.join(", ")}`,
        table.source,
      );
  }
  const values = Float64Array.from(f.codes, (k) => (k < 0 ? Number.NaN : k === one ? 1 : 0));
  const levels: [string, string] = one === 1 ? [f.levels[0], f.levels[1]] : [f.levels[1], f.levels[0]];
  return { values, levels };
}

const EVENT_TRUE = new Set([
  "1",
  "true",
  "yes",
  "y",
  "event",
  "dead",
  "deceased",
  "died",
  "progressed",
  "relapse",
]);
const EVENT_FALSE = new Set(["0", "false", "no", "n", "censored", "alive", "living", "censor"]);

/** An event cell as 1 (event: 1, true, yes, dead, ...), 0 (censored: 0, false, no, alive, ...) or undefined. */
export function parseEventValue(v: string): 0 | 1 | undefined {
  const l = v.trim().toLowerCase();
  if (EVENT_TRUE.has(l)) return 1;
  if (EVENT_FALSE.has(l)) return 0;
  return undefined;
}

/**
 * Time-to-event columns: time (numeric, >= 0) and event (1 = event, 0 = censored; also true/false, yes/no,
 * dead/alive...). Rows with a missing time or event come back as NaN / -1 (drop them with `completeRows`).
 */
export function survivalVariable(
  table: Table,
  timeColumn: string,
  eventColumn: string,
): { time: Float64Array; event: Int8Array } {
  const time = table.numeric(timeColumn).slice();
  for (let i = 0; i < time.length; i++)
    if (time[i] < 0)
      throw new InputError(`column "${timeColumn}", row ${i + 1}: negative time ${time[i]}`, table.source);
  const raw = table.text(eventColumn);
  const event = new Int8Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (v === null) {
      event[i] = -1;
      continue;
    }
    const e = parseEventValue(v);
    if (e !== undefined) event[i] = e;
    else
      throw new InputError(
        `column "${eventColumn}", row ${i + 1}: event value "${v}" is not 0/1 (or true/false)`,
        table.source,
      );
  }
  return { time, event };
}

// ---------------------------------------------------------------------------------------------
// Missing values
// ---------------------------------------------------------------------------------------------

/** Indices of rows with no missing value in the given columns (all columns by default). */
export function completeRows(table: Table, names: readonly string[] = table.names): Int32Array {
  const cols = names.map((n) => table.column(n));
  const keep: number[] = [];
  for (let i = 0; i < table.nRows; i++) {
    let ok = true;
    for (const c of cols) {
      if (c.kind === "numeric" ? Number.isNaN(c.values[i]) : c.values[i] === null) {
        ok = false;
        break;
      }
    }
    if (ok) keep.push(i);
  }
  return Int32Array.from(keep);
}

/** Drop rows with a missing value in the given columns; returns the table and the dropped row indices. */
export function dropMissingRows(
  table: Table,
  names: readonly string[] = table.names,
): { table: Table; dropped: number[] } {
  const keep = completeRows(table, names);
  const dropped: number[] = [];
  let k = 0;
  for (let i = 0; i < table.nRows; i++) {
    if (k < keep.length && keep[k] === i) k++;
    else dropped.push(i);
  }
  return { table: table.rows(keep), dropped };
}

export type ImputeStrategy = "mean" | "median";

/** Per-column fill values learnt on training data only (apply them to the training and the test fold). */
export interface ImputeModel {
  strategy: ImputeStrategy;
  columns: string[];
  values: number[];
}

/**
 * Learn fill values (mean or median of the non-missing values) of numeric columns. Call it inside each
 * cross-validation fold on the training rows only, then `imputeApply` to both folds: fitting on all rows
 * leaks test information. Columns (or arrays) with no observed value are a DataError.
 */
export function imputeFit(
  train: Table | readonly Float64Array[],
  strategy: ImputeStrategy = "mean",
  columns?: readonly string[],
): ImputeModel {
  const names =
    train instanceof Table
      ? columns
        ? [...columns]
        : train.numericNames()
      : train.map((_, j) => columns?.[j] ?? String(j));
  const arrays = train instanceof Table ? names.map((n) => train.numeric(n)) : train;
  const values = arrays.map((v, j) => {
    const obs = Array.from(v).filter((x) => !Number.isNaN(x));
    if (obs.length === 0)
      throw new DataError(
        `column "${names[j]}" has no observed value to impute from`,
        train instanceof Table ? train.source : undefined,
      );
    if (strategy === "mean") {
      let s = 0;
      for (const x of obs) s += x;
      return s / obs.length;
    }
    obs.sort((a, b) => a - b);
    const m = obs.length >> 1;
    return obs.length % 2 ? obs[m] : 0.5 * (obs[m - 1] + obs[m]);
  });
  return { strategy, columns: names, values };
}

/** Replace missing values with the fitted fill values (returns new arrays/table; inputs are not modified). */
export function imputeApply(model: ImputeModel, data: Table): Table;
export function imputeApply(model: ImputeModel, data: readonly Float64Array[]): Float64Array[];
export function imputeApply(
  model: ImputeModel,
  data: Table | readonly Float64Array[],
): Table | Float64Array[] {
  const fill = (v: Float64Array, x: number) => {
    const out = v.slice();
    for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = x;
    return out;
  };
  if (data instanceof Table) {
    const pos = new Map(model.columns.map((name, j) => [name, j]));
    for (const name of model.columns) data.column(name); // error for a missing column
    const cols: Column[] = data.columns.map((c) => {
      const j = pos.get(c.name);
      return j === undefined
        ? c
        : { kind: "numeric", name: c.name, values: fill(data.numeric(c.name), model.values[j]) };
    });
    return new Table(cols, data.source);
  }
  if (data.length !== model.columns.length)
    throw new InputError(`imputation model has ${model.columns.length} columns, data has ${data.length}`);
  return data.map((v, j) => fill(v, model.values[j]));
}
