/**
 * Principal component analysis for reducing embeddings (thousands of columns) before modelling: fitted on
 * a training set only, saved as JSON, and applied unchanged to new cases. Same definitions as R's
 * prcomp(x, center = TRUE, scale. = scale): components are the right singular vectors of the centred
 * (optionally scaled, sample SD) matrix, sdev = singular value / sqrt(n - 1). Each component's sign is
 * fixed so that its largest-magnitude loading is positive (prcomp leaves the sign to LAPACK).
 */
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { DataError, InputError } from "../errors.js";

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

/** Fits k components on the rows of `x` (cases x columns, as column arrays). */
export function fitPca(
  columns: string[],
  x: Float64Array[],
  k: number,
  opts: { scale?: boolean } = {},
): PcaModel {
  const p = x.length;
  const n = p > 0 ? x[0]!.length : 0;
  if (p === 0) throw new DataError("PCA needs at least one column");
  if (n < 2) throw new DataError(`PCA needs at least 2 cases, got ${n}`);
  const maxK = Math.min(n - 1, p);
  if (!Number.isInteger(k) || k < 1 || k > maxK)
    throw new InputError(
      `the number of components must be an integer from 1 to ${maxK} (min(cases - 1, columns)), got ${k}`,
    );
  const center: number[] = [];
  const scale: number[] = [];
  const m = new Matrix(n, p);
  for (let j = 0; j < p; j++) {
    const col = x[j]!;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      if (!Number.isFinite(v))
        throw new DataError(`column "${columns[j]}" has a non-finite value in row ${i + 1}`);
      s += v;
    }
    const mean = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (col[i]! - mean) ** 2;
    const sd = Math.sqrt(ss / (n - 1));
    if (opts.scale && !(sd > 0))
      throw new DataError(`column "${columns[j]}" is constant: it cannot be scaled`);
    const div = opts.scale ? sd : 1;
    center.push(mean);
    scale.push(div);
    for (let i = 0; i < n; i++) m.set(i, j, (col[i]! - mean) / div);
  }
  const svd = new SingularValueDecomposition(m, { autoTranspose: true, computeLeftSingularVectors: false });
  const v = svd.rightSingularVectors;
  const sv = svd.diagonal;
  const components: number[][] = [];
  const sdev: number[] = [];
  for (let c = 0; c < k; c++) {
    const load: number[] = [];
    let big = 0;
    for (let j = 0; j < p; j++) {
      const l = v.get(j, c);
      load.push(l);
      if (Math.abs(l) > Math.abs(big)) big = l;
    }
    if (big < 0) for (let j = 0; j < p; j++) load[j] = -load[j]!;
    components.push(load);
    sdev.push(sv[c]! / Math.sqrt(n - 1));
  }
  return { kind: "radiogenomics-pca", version: 1, columns: [...columns], center, scale, components, sdev, n };
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
  if (!m || m.kind !== "radiogenomics-pca" || m.version !== 1)
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
