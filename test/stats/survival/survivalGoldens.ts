/**
 * Helpers for the survival tests: read the R `survival` goldens in reference/survival (simple CSV with
 * quoted strings and empty cells for NA) and compare numbers, collecting every miss with both values.
 */
import { readFileSync } from "node:fs";
import { dataPath } from "../../helpers/data.js";

export const SURV_DIR = ["reference", "survival"];

export function survPath(file: string): string {
  const p = dataPath(...SURV_DIR, file);
  if (!p) throw new Error(`reference data reference/survival/${file} not found`);
  return p;
}

/** A parsed CSV: header names and rows of raw cells (strings unquoted; empty cell = ""). */
export interface Csv {
  header: string[];
  rows: string[][];
}

export function readCsv(file: string): Csv {
  const text = readFileSync(survPath(file), "utf8");
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const parse = (line: string): string[] => {
    const out: string[] = [];
    let cur = "";
    let q = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (q) {
        if (ch === '"') {
          if (line[i + 1] === '"') {
            cur += '"';
            i++;
          } else q = false;
        } else cur += ch;
      } else if (ch === '"') q = true;
      else if (ch === ",") {
        out.push(cur);
        cur = "";
      } else cur += ch;
    }
    out.push(cur);
    return out;
  };
  const header = parse(lines[0]);
  return { header, rows: lines.slice(1).map(parse) };
}

/** Numeric column (empty cell or "NA" -> NaN). */
export function numCol(csv: Csv, name: string): number[] {
  const j = csv.header.indexOf(name);
  if (j < 0) throw new Error(`column ${name} not in CSV (${csv.header.join(",")})`);
  return csv.rows.map((r) => (r[j] === "" || r[j] === "NA" ? Number.NaN : Number(r[j])));
}

export function strCol(csv: Csv, name: string): string[] {
  const j = csv.header.indexOf(name);
  if (j < 0) throw new Error(`column ${name} not in CSV`);
  return csv.rows.map((r) => r[j]);
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(survPath(file), "utf8")) as T;
}

/** Rows of lung.csv / veteran.csv as column arrays (numbers; NaN for NA) plus string columns. */
export function readData(
  file: "lung.csv" | "veteran.csv",
): Record<string, number[]> & { _str: Record<string, string[]> } {
  const csv = readCsv(file);
  const out: Record<string, number[]> = {};
  const str: Record<string, string[]> = {};
  for (const h of csv.header) {
    str[h] = strCol(csv, h);
    out[h] = numCol(csv, h);
  }
  return Object.assign(out, { _str: str });
}

/**
 * Collects comparisons; `report()` returns the misses (as printable lines) and the max relative / absolute
 * error seen. A value passes when |a - b| <= atol + rtol * |b|; NaN only matches NaN.
 */
export class Comparer {
  misses: string[] = [];
  maxRel = 0;
  maxAbs = 0;
  count = 0;
  constructor(
    readonly rtol: number,
    readonly atol = 0,
  ) {}
  check(what: string, actual: number, expected: number): void {
    this.count++;
    if (Number.isNaN(expected) || Number.isNaN(actual)) {
      if (!(Number.isNaN(expected) && Number.isNaN(actual)))
        this.misses.push(`${what}: got ${actual}, R ${expected}`);
      return;
    }
    if (!Number.isFinite(expected) || !Number.isFinite(actual)) {
      if (actual !== expected) this.misses.push(`${what}: got ${actual}, R ${expected}`);
      return;
    }
    const abs = Math.abs(actual - expected);
    const rel = expected === 0 ? abs : abs / Math.abs(expected);
    if (abs > this.maxAbs) this.maxAbs = abs;
    if (rel > this.maxRel) this.maxRel = rel;
    if (abs > this.atol + this.rtol * Math.abs(expected)) {
      this.misses.push(`${what}: got ${actual}, R ${expected} (rel ${rel.toExponential(2)})`);
    }
  }
  checkAll(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
    if (actual.length !== expected.length) {
      this.misses.push(`${what}: length ${actual.length}, R ${expected.length}`);
      return;
    }
    for (let i = 0; i < expected.length; i++) this.check(`${what}[${i}]`, actual[i], expected[i]);
  }
  summary(label: string): string {
    return `${label}: ${this.count} values, max rel err ${this.maxRel.toExponential(2)}, max abs err ${this.maxAbs.toExponential(2)}, ${this.misses.length} misses`;
  }
}
