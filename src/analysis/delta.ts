/**
 * Delta radiomics: change of each feature between a patient's time points and the baseline, for
 * treatment-response analyses. For feature f, patient p and time point t != baseline:
 *
 *   delta_abs_f = f(p, t) - f(p, baseline)
 *   delta_rel_f = (f(p, t) - f(p, baseline)) / |f(p, baseline)|    (missing when the baseline is 0)
 *
 * One output row per (patient, time point) pair that has both values; patients without a baseline row, or
 * with only a baseline, are reported, never filled in. Feature columns are the numeric columns other than
 * the id and time columns (and those named in `exclude`), unless `features` names them; text columns are
 * reported and left out.
 */
import { InputError } from "../errors.js";
import { type Column, Table } from "../stats/table.js";

export interface DeltaOptions {
  id: string;
  time: string;
  /** Baseline time point, as written in the time column (e.g. "0", "baseline"). */
  baseline: string;
  /** Feature columns (default: every numeric column but id/time/excluded). */
  features?: string[];
  exclude?: string[];
  /** Which deltas: absolute, relative or both (default both). */
  kind?: "absolute" | "relative" | "both";
}

export interface DeltaResult {
  table: Table;
  notes: string[];
  /** Patients with no baseline row, or only a baseline row. */
  noBaseline: string[];
  baselineOnly: string[];
  /** Relative changes left missing because the baseline value was 0: count per feature. */
  zeroBaseline: Map<string, number>;
}

function key(v: string | number | null): string | null {
  if (v === null || (typeof v === "number" && Number.isNaN(v))) return null;
  return String(v);
}

export function deltaFeatures(table: Table, opts: DeltaOptions): DeltaResult {
  for (const c of [opts.id, opts.time])
    if (!table.has(c))
      throw new InputError(
        `column "${c}" not found (columns: ${table.names.slice(0, 8).join(", ")}${table.nColumns > 8 ? ", ..." : ""})`,
        table.source,
      );
  const notes: string[] = [];
  const skip = new Set([opts.id, opts.time, ...(opts.exclude ?? [])]);
  let features: string[];
  if (opts.features) {
    for (const f of opts.features) {
      if (!table.has(f)) throw new InputError(`feature column "${f}" not found`, table.source);
      if (table.columns.find((c) => c.name === f)!.kind !== "numeric")
        throw new InputError(`feature column "${f}" is not numeric`, table.source);
    }
    features = opts.features;
  } else {
    features = table.numericNames([...skip]);
    const text = table.columns.filter((c) => c.kind === "text" && !skip.has(c.name)).map((c) => c.name);
    if (text.length > 0)
      notes.push(
        `left out ${text.length} text column(s): ${text.slice(0, 5).join(", ")}${text.length > 5 ? ", ..." : ""}`,
      );
  }
  if (features.length === 0)
    throw new InputError("no numeric feature columns to compute deltas of", table.source);
  const idCol = table.columns.find((c) => c.name === opts.id)!;
  const timeCol = table.columns.find((c) => c.name === opts.time)!;
  const ids = Array.from({ length: table.nRows }, (_, i) => key(idCol.values[i] as string | number | null));
  const times = Array.from({ length: table.nRows }, (_, i) =>
    key(timeCol.values[i] as string | number | null),
  );
  const baseline = key(opts.baseline);
  // rows per patient, in table order
  const byPatient = new Map<string, Map<string, number>>();
  for (let i = 0; i < table.nRows; i++) {
    const id = ids[i];
    const t = times[i];
    if (id === null) throw new InputError(`row ${i + 2}: the id column "${opts.id}" is empty`, table.source);
    if (t === null)
      throw new InputError(
        `row ${i + 2}: the time column "${opts.time}" is empty (patient ${id})`,
        table.source,
      );
    let m = byPatient.get(id);
    if (!m) byPatient.set(id, (m = new Map()));
    if (m.has(t)) throw new InputError(`patient ${id} has two rows for time point ${t}`, table.source);
    m.set(t, i);
  }
  const noBaseline: string[] = [];
  const baselineOnly: string[] = [];
  const pairs: Array<{ id: string; time: string; row: number; base: number }> = [];
  for (const [id, m] of byPatient) {
    const b = m.get(baseline!);
    if (b === undefined) {
      noBaseline.push(id);
      continue;
    }
    if (m.size === 1) baselineOnly.push(id);
    for (const [t, row] of m) if (t !== baseline) pairs.push({ id, time: t, row, base: b });
  }
  if (noBaseline.length > 0)
    notes.push(
      `${noBaseline.length} patient(s) have no baseline (${opts.time} = ${baseline}) row and get no delta: ${noBaseline.slice(0, 10).join(", ")}${noBaseline.length > 10 ? ", ..." : ""}`,
    );
  if (baselineOnly.length > 0)
    notes.push(
      `${baselineOnly.length} patient(s) have only the baseline time point: ${baselineOnly.slice(0, 10).join(", ")}${baselineOnly.length > 10 ? ", ..." : ""}`,
    );
  if (pairs.length === 0)
    throw new InputError(
      `no patient has both the baseline (${baseline}) and a later time point`,
      table.source,
    );
  const kind = opts.kind ?? "both";
  const cols: Column[] = [
    { kind: "text", name: opts.id, values: pairs.map((p) => p.id) },
    timeCol.kind === "numeric"
      ? { kind: "numeric", name: opts.time, values: Float64Array.from(pairs, (p) => Number(p.time)) }
      : { kind: "text", name: opts.time, values: pairs.map((p) => p.time) },
  ];
  const zero = new Map<string, number>();
  for (const f of features) {
    const v = table.numeric(f);
    const abs = new Float64Array(pairs.length);
    const rel = new Float64Array(pairs.length);
    let z = 0;
    pairs.forEach((p, i) => {
      const b = v[p.base]!;
      const x = v[p.row]!;
      abs[i] = x - b;
      if (b === 0) {
        rel[i] = Number.NaN;
        if (!Number.isNaN(x)) z++;
      } else rel[i] = (x - b) / Math.abs(b);
    });
    if (z > 0) zero.set(f, z);
    if (kind !== "relative") cols.push({ kind: "numeric", name: `delta_abs_${f}`, values: abs });
    if (kind !== "absolute") cols.push({ kind: "numeric", name: `delta_rel_${f}`, values: rel });
  }
  if (zero.size > 0 && kind !== "absolute")
    notes.push(
      `relative change left missing where the baseline is 0: ${[...zero]
        .slice(0, 5)
        .map(([f, n]) => `${f} (${n})`)
        .join(", ")}${zero.size > 5 ? ", ..." : ""}`,
    );
  return { table: new Table(cols, table.source), notes, noBaseline, baselineOnly, zeroBaseline: zero };
}
