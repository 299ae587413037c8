/**
 * Feature tables: one row per case (and label), PyRadiomics' column order (identifying columns, then
 * diagnostics, then features), as CSV or JSON.
 */
import type { LabelResult } from "./pipeline.js";

export interface ResultRow {
  /** Identifying columns first (e.g. case_id, Image, Mask, Label). */
  ids: Record<string, string | number>;
  result: LabelResult;
}

/** Shortest round-trip representation; NaN/Infinity spelled as Python/pandas read them. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Number.POSITIVE_INFINITY) return "inf";
  if (v === Number.NEGATIVE_INFINITY) return "-inf";
  return String(v);
}

export function csvCell(v: string | number): string {
  const s = typeof v === "number" ? formatNumber(v) : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Union of columns over rows, in first-seen order. */
function columns(rows: ResultRow[], pick: (r: ResultRow) => Record<string, unknown>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of rows) {
    for (const k of Object.keys(pick(r))) {
      if (!seen.has(k)) {
        seen.add(k);
        out.push(k);
      }
    }
  }
  return out;
}

export function formatCsv(rows: ResultRow[], opts: { diagnostics?: boolean } = {}): string {
  const idCols = columns(rows, (r) => r.ids);
  const diagCols = opts.diagnostics === false ? [] : columns(rows, (r) => r.result.diagnostics);
  const featCols = columns(rows, (r) => r.result.features);
  const lines = [[...idCols, ...diagCols, ...featCols].map(csvCell).join(",")];
  for (const r of rows) {
    const cells: string[] = [];
    for (const c of idCols) cells.push(r.ids[c] === undefined ? "" : csvCell(r.ids[c]!));
    for (const c of diagCols)
      cells.push(r.result.diagnostics[c] === undefined ? "" : csvCell(r.result.diagnostics[c]!));
    for (const c of featCols)
      cells.push(r.result.features[c] === undefined ? "" : csvCell(r.result.features[c]!));
    lines.push(cells.join(","));
  }
  return `${lines.join("\n")}\n`;
}

export function formatJsonRows(rows: ResultRow[], opts: { diagnostics?: boolean } = {}): string {
  const out = rows.map((r) => ({
    ...r.ids,
    ...(opts.diagnostics === false ? {} : r.result.diagnostics),
    ...Object.fromEntries(
      Object.entries(r.result.features).map(([k, v]) => [k, Number.isFinite(v) ? v : formatNumber(v)]),
    ),
  }));
  return `${JSON.stringify(out.length === 1 ? out[0] : out, null, 2)}\n`;
}
