/**
 * Column-oriented tables for the analysis side (features, clinical and genomic labels), browser-safe.
 *
 * - Reading: CSV / TSV (delimiter from the file name or sniffed from the header; RFC 4180 quoting with
 *   embedded delimiters, quotes and newlines; UTF-8 BOM; CRLF) and Parquet (hyparquet), from bytes or text.
 *   `readTableFile(path)` in src/io/table-file.ts is the Node edge.
 * - Storage: a numeric column is a Float64Array with NaN for missing; a text column is an array of strings
 *   with null for missing. A column is numeric when every non-missing cell parses as a decimal number.
 * - Missing cells: empty, NA, N/A, NaN, nan, null, NULL, None, #N/A (and any extra tokens passed in options).
 * - Writing: `formatCsv(table)` with numbers in their shortest round-trip form (`String(x)`, as Python's repr),
 *   missing as an empty cell; `formatParquet(table)`.
 *
 * Errors are InputError / FormatError naming the table (file name), the column and the row (1-based data
 * row, not counting the header).
 */
import { parquetMetadata, parquetRead, parquetSchema } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { DataError, FormatError, InputError } from "../errors.js";

export interface NumericColumn {
  readonly kind: "numeric";
  readonly name: string;
  /** NaN = missing. */
  readonly values: Float64Array;
}

export interface TextColumn {
  readonly kind: "text";
  readonly name: string;
  /** null = missing. */
  readonly values: (string | null)[];
}

export type Column = NumericColumn | TextColumn;

/** Default missing-value tokens (compared after trimming surrounding spaces). */
export const DEFAULT_NA_TOKENS: readonly string[] = [
  "",
  "NA",
  "N/A",
  "n/a",
  "NaN",
  "nan",
  "null",
  "NULL",
  "None",
  "#N/A",
];

export class Table {
  readonly columns: readonly Column[];
  readonly nRows: number;
  /** File name or other label used in error messages. */
  readonly source: string;
  private readonly index: Map<string, number>;

  constructor(columns: Column[], source = "table") {
    this.source = source;
    this.columns = columns;
    this.nRows = columns.length ? columns[0].values.length : 0;
    this.index = new Map();
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      if (c.values.length !== this.nRows)
        throw new InputError(
          `column "${c.name}" has ${c.values.length} rows, expected ${this.nRows}`,
          source,
        );
      if (this.index.has(c.name)) throw new InputError(`duplicate column name "${c.name}"`, source);
      this.index.set(c.name, j);
    }
  }

  get names(): string[] {
    return this.columns.map((c) => c.name);
  }

  get nColumns(): number {
    return this.columns.length;
  }

  has(name: string): boolean {
    return this.index.has(name);
  }

  /** The column, or an InputError naming the table and listing a few available columns. */
  column(name: string, what = "column"): Column {
    const j = this.index.get(name);
    if (j === undefined) {
      const avail = this.names.slice(0, 8).map((n) => `"${n}"`);
      const more = this.nColumns > 8 ? `, ... (${this.nColumns} columns)` : "";
      throw new InputError(`${what} "${name}" not found (columns: ${avail.join(", ")}${more})`, this.source);
    }
    return this.columns[j];
  }

  /**
   * Numeric values of a column (NaN = missing). A text column is an error naming the first cell that is not
   * a number (its row and value).
   */
  numeric(name: string): Float64Array {
    const c = this.column(name);
    if (c.kind === "numeric") return c.values;
    for (let i = 0; i < c.values.length; i++) {
      const v = c.values[i];
      if (v !== null && Number.isNaN(parseNumber(v)))
        throw new InputError(
          `column "${name}", row ${i + 1}: non-numeric value "${v}" in a numeric column`,
          this.source,
        );
    }
    // every present value parses (the column was forced to text): convert
    return Float64Array.from(c.values, (v) => (v === null ? Number.NaN : parseNumber(v)));
  }

  /** Values as strings (null = missing); numeric columns are formatted in shortest round-trip form. */
  text(name: string): (string | null)[] {
    const c = this.column(name);
    if (c.kind === "text") return c.values;
    return Array.from(c.values, (v) => (Number.isNaN(v) ? null : formatNumber(v)));
  }

  /** Whether cell (row i) of column is missing. */
  isMissing(name: string, i: number): boolean {
    const c = this.column(name);
    return c.kind === "numeric" ? Number.isNaN(c.values[i]) : c.values[i] === null;
  }

  /** A table with only these columns, in this order. */
  select(names: readonly string[]): Table {
    return new Table(
      names.map((n) => this.column(n)),
      this.source,
    );
  }

  /** A table without these columns. */
  drop(names: readonly string[]): Table {
    const skip = new Set(names);
    return new Table(
      this.columns.filter((c) => !skip.has(c.name)),
      this.source,
    );
  }

  /** A table with the given rows (indices may repeat or reorder). */
  rows(indices: ArrayLike<number>): Table {
    const n = indices.length;
    const cols: Column[] = this.columns.map((c) => {
      if (c.kind === "numeric") {
        const v = new Float64Array(n);
        for (let i = 0; i < n; i++) v[i] = c.values[indices[i]];
        return { kind: "numeric", name: c.name, values: v };
      }
      const v: (string | null)[] = new Array(n);
      for (let i = 0; i < n; i++) v[i] = c.values[indices[i]];
      return { kind: "text", name: c.name, values: v };
    });
    return new Table(cols, this.source);
  }

  /** A table with one more column (or a replaced one, if the name exists). */
  withColumn(column: Column): Table {
    const j = this.index.get(column.name);
    const cols = this.columns.slice();
    if (j === undefined) cols.push(column);
    else cols[j] = column;
    return new Table(cols, this.source);
  }

  /** Names of the numeric columns (optionally excluding some, e.g. the id and the target). */
  numericNames(exclude: readonly string[] = []): string[] {
    const skip = new Set(exclude);
    return this.columns.filter((c) => c.kind === "numeric" && !skip.has(c.name)).map((c) => c.name);
  }
}

/** Build a table from named numeric/text arrays (convenience for tests and programmatic use). */
export function tableFromColumns(
  data: Record<string, ArrayLike<number> | readonly (string | null)[]>,
  source = "table",
): Table {
  const cols: Column[] = [];
  for (const [name, values] of Object.entries(data)) {
    if (values instanceof Float64Array) cols.push({ kind: "numeric", name, values });
    else if (Array.isArray(values) && values.some((v) => typeof v === "string"))
      cols.push({ kind: "text", name, values: (values as (string | null)[]).slice() });
    else cols.push({ kind: "numeric", name, values: Float64Array.from(values as ArrayLike<number>) });
  }
  return new Table(cols, source);
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parse a decimal number (also inf/Infinity); NaN when the text is not a number. Surrounding spaces allowed. */
export function parseNumber(s: string): number {
  const t = s.trim();
  if (DECIMAL.test(t)) return Number(t);
  const l = t.toLowerCase();
  if (l === "inf" || l === "+inf" || l === "infinity" || l === "+infinity") return Number.POSITIVE_INFINITY;
  if (l === "-inf" || l === "-infinity") return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

/** Shortest text that reads back to the same double (JavaScript's Number#toString, like Python's repr). */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return "";
  if (x === Number.POSITIVE_INFINITY) return "inf";
  if (x === Number.NEGATIVE_INFINITY) return "-inf";
  return String(x);
}

// ---------------------------------------------------------------------------------------------
// CSV / TSV
// ---------------------------------------------------------------------------------------------

export interface ReadTableOptions {
  /** File name, for error messages and for choosing the format/delimiter from the extension. */
  name?: string;
  /** Field delimiter; default: from the extension (.tsv/.tab -> tab) or sniffed from the header line. */
  delimiter?: string;
  /** Extra missing-value tokens (added to DEFAULT_NA_TOKENS unless `replaceNaTokens`). */
  naTokens?: readonly string[];
  replaceNaTokens?: boolean;
  /** Columns to keep as text even if they look numeric (e.g. ids such as "007"). */
  textColumns?: readonly string[];
}

/** Choose the delimiter: tab for .tsv/.tab, otherwise the most frequent of , \t ; | outside quotes in line 1. */
export function sniffDelimiter(text: string, name?: string): string {
  const lower = (name ?? "").toLowerCase().replace(/\.gz$/, "");
  let end = 0;
  let inQuotes = false;
  const counts: Record<string, number> = { ",": 0, "\t": 0, ";": 0, "|": 0 };
  for (; end < text.length; end++) {
    const ch = text[end];
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes) {
      if (ch === "\n" || ch === "\r") break;
      if (ch in counts) counts[ch]++;
    }
  }
  if (lower.endsWith(".tsv") || lower.endsWith(".tab"))
    return counts["\t"] > 0 || counts[","] === 0 ? "\t" : ",";
  let best = ",";
  for (const d of [",", "\t", ";", "|"]) if (counts[d] > counts[best]) best = d;
  return best;
}

/**
 * Split delimited text into records of fields (RFC 4180): quoted fields may contain the delimiter, doubled
 * quotes and line breaks; CRLF, LF and CR line ends; a leading BOM is ignored; blank lines are skipped.
 * Returns the records and the 1-based line number where each starts.
 */
export function parseDelimited(
  text: string,
  delimiter: string,
  source = "table",
): { records: string[][]; lines: number[] } {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r")
    throw new InputError(`invalid delimiter ${JSON.stringify(delimiter)}`, source);
  const records: string[][] = [];
  const lines: number[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const D = delimiter.charCodeAt(0);
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let atRecordEnd = false;
    while (!atRecordEnd) {
      let field: string;
      if (text.charCodeAt(i) === 34) {
        // quoted field
        i++;
        let buf = "";
        let segStart = i;
        for (;;) {
          if (i >= n) throw new FormatError(`line ${startLine}: unterminated quoted field`, source);
          const c = text.charCodeAt(i);
          if (c === 34) {
            if (text.charCodeAt(i + 1) === 34) {
              buf += text.slice(segStart, i + 1);
              i += 2;
              segStart = i;
              continue;
            }
            buf += text.slice(segStart, i);
            i++;
            break;
          }
          if (c === 10) line++;
          else if (c === 13 && text.charCodeAt(i + 1) !== 10) line++;
          i++;
        }
        field = buf;
        // after the closing quote: delimiter, line end or end of text (spaces tolerated)
        while (i < n && text.charCodeAt(i) === 32) i++;
        if (i < n) {
          const c = text.charCodeAt(i);
          if (c !== D && c !== 10 && c !== 13)
            throw new FormatError(`line ${line}: unexpected character after a closing quote`, source);
        }
      } else {
        const s = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === D || c === 10 || c === 13) break;
          i++;
        }
        field = text.slice(s, i);
      }
      fields.push(field);
      if (i >= n) atRecordEnd = true;
      else {
        const c = text.charCodeAt(i);
        if (c === D) i++;
        else {
          // line end
          i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
          line++;
          atRecordEnd = true;
        }
      }
    }
    if (fields.length === 1 && fields[0] === "") continue; // blank line
    records.push(fields);
    lines.push(startLine);
  }
  return { records, lines };
}

/** Parse CSV/TSV text into a typed Table. */
export function parseCsv(text: string, options: ReadTableOptions = {}): Table {
  const source = options.name ?? "table";
  const delimiter = options.delimiter ?? sniffDelimiter(text, options.name);
  const { records, lines } = parseDelimited(text, delimiter, source);
  if (records.length === 0) throw new FormatError("empty file (no header line)", source);
  const header = records[0].map((h, j) => {
    const t = h.trim();
    return t === "" ? `column${j + 1}` : t;
  });
  const width = header.length;
  const nRows = records.length - 1;
  for (let r = 1; r < records.length; r++) {
    const len = records[r].length;
    if (len !== width) {
      // tolerate a trailing delimiter producing one extra empty field
      if (len === width + 1 && records[r][width] === "") records[r].pop();
      else throw new FormatError(`line ${lines[r]}: ${len} fields, but the header has ${width}`, source);
    }
  }
  const na = new Set(
    options.replaceNaTokens ? (options.naTokens ?? []) : [...DEFAULT_NA_TOKENS, ...(options.naTokens ?? [])],
  );
  const forceText = new Set(options.textColumns ?? []);
  const columns: Column[] = [];
  for (let j = 0; j < width; j++) {
    const name = header[j];
    let numeric = !forceText.has(name);
    const nums = new Float64Array(nRows);
    if (numeric) {
      for (let r = 0; r < nRows; r++) {
        const raw = records[r + 1][j];
        const t = raw.trim();
        if (na.has(t)) {
          nums[r] = Number.NaN;
          continue;
        }
        const v = parseNumber(t);
        if (Number.isNaN(v)) {
          numeric = false;
          break;
        }
        nums[r] = v;
      }
    }
    if (numeric) columns.push({ kind: "numeric", name, values: nums });
    else {
      const vals: (string | null)[] = new Array(nRows);
      for (let r = 0; r < nRows; r++) {
        const raw = records[r + 1][j];
        vals[r] = na.has(raw.trim()) ? null : raw;
      }
      columns.push({ kind: "text", name, values: vals });
    }
  }
  return new Table(columns, source);
}

/** Quote a CSV field if it needs it (delimiter, quote, line break, or leading/trailing spaces). */
function csvField(s: string, delimiter: string): string {
  if (s.includes(delimiter) || s.includes('"') || s.includes("\n") || s.includes("\r") || s.trim() !== s)
    return `"${s.replace(/"/g, '""')}"`;
  return s;
}

export interface FormatCsvOptions {
  delimiter?: string;
  /** Text for missing cells (default empty). */
  na?: string;
  /** Line end (default "\n"). */
  eol?: string;
}

/** Write a table as CSV (or TSV with delimiter "\t"): full-precision numbers, RFC 4180 quoting. */
export function formatCsv(table: Table, options: FormatCsvOptions = {}): string {
  const d = options.delimiter ?? ",";
  const na = options.na ?? "";
  const eol = options.eol ?? "\n";
  const parts: string[] = [table.columns.map((c) => csvField(c.name, d)).join(d)];
  const cols = table.columns;
  const row: string[] = new Array(cols.length);
  for (let i = 0; i < table.nRows; i++) {
    for (let j = 0; j < cols.length; j++) {
      const c = cols[j];
      if (c.kind === "numeric") {
        const v = c.values[i];
        row[j] = Number.isNaN(v) ? na : formatNumber(v);
      } else {
        const v = c.values[i];
        row[j] = v === null ? na : csvField(v, d);
      }
    }
    parts.push(row.join(d));
  }
  return parts.join(eol) + eol;
}

// ---------------------------------------------------------------------------------------------
// Parquet
// ---------------------------------------------------------------------------------------------

/** True when the bytes look like a Parquet file ("PAR1" at both ends). */
export function isParquet(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return (
    n >= 12 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x41 &&
    bytes[2] === 0x52 &&
    bytes[3] === 0x31 &&
    bytes[n - 4] === 0x50 &&
    bytes[n - 3] === 0x41 &&
    bytes[n - 2] === 0x52 &&
    bytes[n - 1] === 0x31
  );
}

/** Parse a Parquet file (flat schema) into a Table: numbers/booleans/bigints -> numeric, others -> text. */
export async function parseParquet(bytes: Uint8Array, options: ReadTableOptions = {}): Promise<Table> {
  const source = options.name ?? "table";
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: unknown[][];
  let names: string[];
  try {
    const metadata = parquetMetadata(buf);
    names = parquetSchema(metadata).children.map((c) => c.element.name);
    rows = await new Promise<unknown[][]>((resolve, reject) => {
      parquetRead({
        file: buf,
        metadata,
        rowFormat: "array",
        onComplete: (r) => resolve(r as unknown[][]),
      }).catch(reject);
    });
  } catch (e) {
    throw new FormatError(`cannot read Parquet: ${e instanceof Error ? e.message : String(e)}`, source);
  }
  const forceText = new Set(options.textColumns ?? []);
  const columns: Column[] = [];
  for (let j = 0; j < names.length; j++) {
    const name = names[j];
    let numeric = !forceText.has(name);
    if (numeric) {
      for (const r of rows) {
        const v = r[j];
        if (
          v !== null &&
          v !== undefined &&
          typeof v !== "number" &&
          typeof v !== "bigint" &&
          typeof v !== "boolean"
        ) {
          numeric = false;
          break;
        }
      }
    }
    if (numeric) {
      columns.push({
        kind: "numeric",
        name,
        values: Float64Array.from(rows, (r) => {
          const v = r[j];
          return v === null || v === undefined ? Number.NaN : Number(v);
        }),
      });
    } else {
      columns.push({
        kind: "text",
        name,
        values: rows.map((r) => {
          const v = r[j];
          if (v === null || v === undefined) return null;
          if (v instanceof Date) return v.toISOString();
          return typeof v === "object" ? JSON.stringify(v) : String(v);
        }),
      });
    }
  }
  return new Table(columns, source);
}

/** Write a table as Parquet (DOUBLE / STRING columns, missing as null). */
export function formatParquet(table: Table): Uint8Array {
  const columnData = table.columns.map((c) =>
    c.kind === "numeric"
      ? {
          name: c.name,
          type: "DOUBLE" as const,
          data: Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)),
        }
      : { name: c.name, type: "STRING" as const, data: c.values.slice() },
  );
  return new Uint8Array(parquetWriteBuffer({ columnData }));
}

/** Read a table from bytes: Parquet by magic, otherwise UTF-8 CSV/TSV. */
export async function readTableBytes(bytes: Uint8Array, options: ReadTableOptions = {}): Promise<Table> {
  if (isParquet(bytes)) return parseParquet(bytes, options);
  const text = new TextDecoder("utf-8").decode(bytes);
  return parseCsv(text, options);
}

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
