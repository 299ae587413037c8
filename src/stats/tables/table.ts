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
import { FormatError, InputError } from "../../errors.js";

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

export * from "./variables.js";
