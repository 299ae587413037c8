/**
 * Node edge for tables: read a CSV / TSV / Parquet file (optionally gzip-compressed) into a Table, and write
 * one (format from the extension: .parquet, .tsv, otherwise CSV).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { gunzipSync } from "node:zlib";
import { FileAccessError, FormatError } from "../errors.js";
import {
  formatCsv,
  formatParquet,
  type ReadTableOptions,
  readTableBytes,
  type Table,
} from "../stats/tables/table.js";

/** Read a table file. Errors name the file. */
export async function readTableFile(path: string, options: ReadTableOptions = {}): Promise<Table> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileAccessError(
      code === "ENOENT" ? "no such file" : `cannot read (${code ?? String(e)})`,
      path,
    );
  }
  let name = options.name ?? basename(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new FormatError(`corrupt gzip data (${(e as Error).message})`, path);
    }
    name = name.replace(/\.gz$/i, "");
  }
  return readTableBytes(bytes, { ...options, name });
}

/** Write a table: Parquet for .parquet, TSV for .tsv/.tab, otherwise CSV. Creates parent directories. */
export function writeTableFile(path: string, table: Table): void {
  mkdirSync(dirname(path), { recursive: true });
  const lower = path.toLowerCase();
  if (lower.endsWith(".parquet")) writeFileSync(path, formatParquet(table));
  else if (lower.endsWith(".tsv") || lower.endsWith(".tab"))
    writeFileSync(path, formatCsv(table, { delimiter: "\t" }));
  else writeFileSync(path, formatCsv(table));
}
