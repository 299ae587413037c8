/**
 * Small CSV writer for the result tables of the analysis workflows (header + rows of mixed values).
 * NaN, null and undefined become empty cells; text with a comma, quote or line break is quoted.
 */

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isNaN(v) ? "" : String(v);
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text (one header line, one line per row, trailing newline). */
export function toCsv(header: string[], rows: unknown[][]): string {
  return `${[header.map(csvCell).join(","), ...rows.map((r) => r.map(csvCell).join(","))].join("\n")}\n`;
}

/** Output files of an analysis: file name (relative to the output folder) -> file text. */
export type OutputFiles = Record<string, string>;
