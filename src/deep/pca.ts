/**
 * Principal component analysis for reducing embeddings (thousands of columns) before modelling: fitted on
 * a training set only, saved as JSON, and applied unchanged to new cases. Same definitions as R's
 * prcomp(x, center = TRUE, scale. = scale): components are the right singular vectors of the centred
 * (optionally scaled, sample SD) matrix (fitted in pcaFit.ts, which loads the linear algebra), sdev = singular value / sqrt(n - 1). Each component's sign is
 * fixed so that its largest-magnitude loading is positive (prcomp leaves the sign to LAPACK).
 */
import { InputError } from "../errors.js";

export interface PcaModel {
  kind: "radiogenomics-pca";
  version: 1;
  /** Input columns, in order. */
  columns: string[];
  center: number[];
  /** Per-column divisor (1 when not scaled). */
  scale: number[];
  /** components[k][j]: loading of column j on component k. */
  components: number[][];
  sdev: number[];
  /** Cases the model was fitted on. */
  n: number;
}

/** Scores of one case (its values in the model's column order). */
export function applyPca(model: PcaModel, values: ArrayLike<number>, source?: string): Float64Array {
  const p = model.columns.length;
  if (values.length !== p)
    throw new InputError(
      `the PCA model expects ${p} values (columns ${model.columns[0]} ...), got ${values.length}`,
      source,
    );
  const out = new Float64Array(model.components.length);
  for (let c = 0; c < model.components.length; c++) {
    const load = model.components[c]!;
    let s = 0;
    for (let j = 0; j < p; j++) s += ((values[j]! - model.center[j]!) / model.scale[j]!) * load[j]!;
    out[c] = s;
  }
  return out;
}

/** Validates a parsed PCA JSON file. */
export function parsePcaModel(obj: unknown, source?: string): PcaModel {
  const m = obj as Partial<PcaModel> | null;
  if (m?.kind !== "radiogenomics-pca" || m.version !== 1)
    throw new InputError('not a PCA model file (expected "kind": "radiogenomics-pca", "version": 1)', source);
  const p = m.columns?.length ?? 0;
  const ok =
    Array.isArray(m.columns) &&
    Array.isArray(m.center) &&
    m.center.length === p &&
    Array.isArray(m.scale) &&
    m.scale.length === p &&
    Array.isArray(m.components) &&
    m.components.every((c) => Array.isArray(c) && c.length === p && c.every(Number.isFinite)) &&
    Array.isArray(m.sdev) &&
    m.sdev.length === m.components.length;
  if (!ok)
    throw new InputError("PCA model file is inconsistent (columns, center, scale, components, sdev)", source);
  return m as PcaModel;
}
