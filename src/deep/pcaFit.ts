/** Fitting a PCA model (see pca.ts for the definitions and for applying it). */
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { DataError, InputError } from "../errors.js";
import type { PcaModel } from "./pca.js";

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
