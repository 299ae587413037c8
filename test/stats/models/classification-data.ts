/**
 * Loads the classification goldens (../shared/data/reference/classification) for the model tests:
 * the Breast Cancer Wisconsin table (569 x 30, y = malignant) and the small reference CSVs. The CSV
 * files are plain (no quoted commas except quoted headers), so a tiny parser is enough here.
 */
import { readFileSync } from "node:fs";
import { dataPath } from "../../helpers/data.js";

export const CLASSIFICATION = ["reference", "classification"] as const;

export function refPath(file: string): string {
  const p = dataPath(...CLASSIFICATION, file);
  if (!p) throw new Error(`reference file ${file} not found`);
  return p;
}

export function readCsv(file: string): { header: string[]; rows: string[][] } {
  const text = readFileSync(refPath(file), "utf8").trim();
  const lines = text.split(/\r?\n/);
  const split = (l: string) => l.split(",").map((s) => s.replace(/^"(.*)"$/, "$1"));
  return { header: split(lines[0]), rows: lines.slice(1).map(split) };
}

export interface Wdbc {
  names: string[];
  columns: Float64Array[];
  y: Float64Array;
  n: number;
}

let cached: Wdbc | undefined;
export function loadWdbc(): Wdbc {
  if (cached) return cached;
  const { header, rows } = readCsv("breast_cancer_wisconsin.csv");
  const yCol = header.indexOf("malignant");
  const names = header.filter((h) => h !== "target" && h !== "malignant");
  const idx = names.map((nm) => header.indexOf(nm));
  const n = rows.length;
  const columns = idx.map((c) => Float64Array.from(rows, (r) => Number(r[c])));
  const y = Float64Array.from(rows, (r) => Number(r[yCol]));
  cached = { names, columns, y, n };
  return cached;
}

/** The 30 features standardised with the population SD from standardisation_params.csv. */
export function wdbcStandardised(): Float64Array[] {
  const d = loadWdbc();
  const { rows } = readCsv("standardisation_params.csv");
  const params = new Map(rows.map((r) => [r[0], [Number(r[1]), Number(r[2])]]));
  return d.names.map((nm, j) => {
    const pr = params.get(nm);
    if (!pr) throw new Error(`no standardisation parameters for ${nm}`);
    const [m, s] = pr;
    return d.columns[j].map((v) => (v - m) / s);
  });
}

export function readJson<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(refPath(file), "utf8")) as T;
}
