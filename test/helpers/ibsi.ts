/**
 * IBSI 1 reference values and the official compliance-spreadsheet comparison rule
 * (../shared/data/README.md section 2.6).
 */
import { readFileSync } from "node:fs";
import { dataPath } from "./data.js";

export interface IbsiReference {
  dataSet: string;
  family: string;
  feature: string;
  ibsiId: string;
  tag: string;
  aggregation: string;
  value: number;
  /** 0 when the manual gives no tolerance. */
  tolerance: number;
  consensus: string;
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += c;
    } else if (c === '"') q = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** All reference rows of one data set ("digital_phantom", "config_A", "config_B"); [] when data is absent. */
export function ibsiReferences(dataSet: string): IbsiReference[] {
  const p = dataPath("ibsi", "ibsi1_reference_values_digital_phantom_A_B.csv");
  if (!p) return [];
  const lines = readFileSync(p, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const head = splitCsvLine(lines[0]!);
  const col = (n: string) => head.indexOf(n);
  return lines
    .slice(1)
    .map(splitCsvLine)
    .filter((r) => r[col("data_set")] === dataSet)
    .map((r) => ({
      dataSet: r[col("data_set")]!,
      family: r[col("family")]!,
      feature: r[col("feature")]!,
      ibsiId: r[col("ibsi_id")]!,
      tag: r[col("tag")]!,
      aggregation: r[col("aggregation")]!,
      value: Number(r[col("value")]),
      tolerance: r[col("tolerance")] === "" ? 0 : Number(r[col("tolerance")]),
      consensus: r[col("consensus")]!,
    }));
}

/** Excel ROUNDDOWN: truncate toward zero at `digits` decimals (digits may be negative). */
function roundDown(x: number, digits: number): number {
  const f = 10 ** digits;
  // guard against binary representation noise (e.g. 0.3 * 10 = 2.9999999999999996)
  const y = x * f;
  const t = Math.trunc(y + (y >= 0 ? 1e-9 : -1e-9) * Math.max(1, Math.abs(y)) * 1e-6);
  return t / f;
}

export type IbsiVerdict = "match" | "partial" | "no match";

/** The compliance-spreadsheet rule: truncate the difference at E's 3rd significant digit, compare to tol. */
export function ibsiCompare(
  expected: number,
  got: number,
  tolerance: number,
): { diff: number; verdict: IbsiVerdict } {
  if (!Number.isFinite(got)) return { diff: Number.POSITIVE_INFINITY, verdict: "no match" };
  const digits = expected === 0 ? 0 : 3 - (1 + Math.floor(Math.log10(Math.abs(expected))));
  const diff = Math.abs(roundDown(expected - got, digits));
  const verdict: IbsiVerdict = diff <= tolerance ? "match" : diff < 3 * tolerance ? "partial" : "no match";
  return { diff, verdict };
}
