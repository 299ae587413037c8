/**
 * Readers for the PyRadiomics reference tables in ../shared/data/pyradiomics: the old baseline CSVs
 * (columns = test case x configuration) and the `current/` feature,value CSVs.
 */
import { readFileSync } from "node:fs";
import { dataPath } from "./data.js";

export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += c;
    } else if (c === '"') q = true;
    else if (c === ",") {
      row.push(cur);
      cur = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cur);
      rows.push(row);
      row = [];
      cur = "";
    } else cur += c;
  }
  if (cur.length > 0 || row.length > 0) {
    row.push(cur);
    rows.push(row);
  }
  return rows;
}

/** Python literal (dict/list/tuple of numbers, strings, True/False/None) -> JS value. */
export function parsePythonLiteral(s: string): unknown {
  const json = s
    .replace(/np\.float64\(([^)]*)\)/g, "$1")
    .replace(/'/g, '"')
    .replace(/\bTrue\b/g, "true")
    .replace(/\bFalse\b/g, "false")
    .replace(/\bNone\b/g, "null")
    .replace(/\(/g, "[")
    .replace(/\)/g, "]");
  return JSON.parse(json);
}

export interface BaselineColumn {
  /** Column name, e.g. "brain1_2d". */
  column: string;
  /** Test case (image/mask pair), e.g. "brain1". */
  testCase: string;
  /** Configuration suffix ("" for the default column). */
  config: string;
  settings: Record<string, unknown>;
  /** Row name -> raw cell. */
  cells: Map<string, string>;
}

export function readBaseline(cls: string): BaselineColumn[] {
  const p = dataPath("pyradiomics", "baseline", `baseline_${cls}.csv`);
  if (!p) return [];
  const rows = parseCsvRows(readFileSync(p, "utf8"));
  const header = rows[0]!;
  const out: BaselineColumn[] = [];
  for (let c = 1; c < header.length; c++) {
    const cells = new Map<string, string>();
    for (const r of rows.slice(1)) cells.set(r[0]!, r[c] ?? "");
    const column = header[c]!;
    // the shape2D columns name their test case "<case>_2D" (the 2D label of <case>)
    const testCase = (cells.get("diagnostics_Configuration_TestCase") || column).split("_")[0]!;
    out.push({
      column,
      testCase,
      config: column.startsWith(`${testCase}_`) ? column.slice(testCase.length + 1) : "",
      settings: parsePythonLiteral(cells.get("diagnostics_Configuration_Settings") ?? "{}") as Record<
        string,
        unknown
      >,
      cells,
    });
  }
  return out;
}

/** `current/<name>.csv` as a map feature -> raw value; undefined when absent. */
export function readCurrent(name: string): Map<string, string> | undefined {
  const p = dataPath("pyradiomics", "current", `${name}.csv`);
  if (!p) return undefined;
  const rows = parseCsvRows(readFileSync(p, "utf8"));
  return new Map(rows.slice(1).map((r) => [r[0]!, r[1] ?? ""]));
}

/** PyRadiomics-style relative comparison at our (much tighter) tolerance. */
export function featureMatches(expected: number, got: number, rel = 1e-6, abs = 1e-9): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(got);
  if (!Number.isFinite(got)) return false;
  if (expected === 0) return Math.abs(got) <= abs;
  return Math.abs(got - expected) <= rel * Math.abs(expected);
}
