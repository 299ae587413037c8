/**
 * IBSI 1 grey level distance zone matrix (GLDZM, family VMDZ). PyRadiomics has no such family.
 *
 * Zones are groups of linked voxels of the intensity mask with the same grey level: 26-connected in 3D,
 * 8-connected within a slice in 2D (as for the GLSZM). Each zone gets the smallest distance to the ROI
 * edge of its voxels, from a distance map on the morphological mask: the Manhattan (6-connected in 3D,
 * 4-connected in-plane in 2D) distance to the nearest voxel outside the morphological mask, voxels just
 * inside the edge having distance 1 and everything beyond the grid counting as outside. This equals the
 * IBSI iterative-erosion definition; it is computed exactly with a two-pass city-block transform.
 *
 * Aggregation (IBSI): "2D" features per slice then averaged over slices (8QNN), "2_5D" one matrix
 * merged over slices (62GR), "3D" one 3D matrix (KOBO). Slices are k-planes (the third grid axis).
 *
 * This file also holds the feature math shared by all "grey level x count" matrices (GLDZM, NGLDM):
 * `CountMatrix` and `countMatrixFeatures`.
 */

import { EmptyRoiError, InputError } from "../errors.js";
import type { Vec3 } from "../image/volume.js";
import type { DiscretisedRoi, FeatureValues } from "./types.js";

/** IBSI texture aggregation for zone/dependence matrices; also the suffix of the compliance tags. */
export type ZoneAggregation = "2D" | "2_5D" | "3D";

/**
 * A count matrix indexed by grey level i = 1..nLevels (rows) and a count j = 1..nCols (columns: zone
 * distance, dependence count...): `counts[(i - 1) * nCols + (j - 1)]`.
 */
export interface CountMatrix {
  counts: Float64Array;
  nLevels: number;
  nCols: number;
  /** Number of voxels N_v of the ROI (or slice) the matrix was built from. */
  nVoxels: number;
}

/** Features common to GLRLM-like count matrices, named generically (short / long = small / large j). */
export interface CountMatrixFeatures {
  /** sum s_ij / j^2 / N_s */
  smallEmphasis: number;
  /** sum s_ij j^2 / N_s */
  largeEmphasis: number;
  lowGreyEmphasis: number;
  highGreyEmphasis: number;
  smallLowGreyEmphasis: number;
  smallHighGreyEmphasis: number;
  largeLowGreyEmphasis: number;
  largeHighGreyEmphasis: number;
  greyNonUniformity: number;
  greyNonUniformityNorm: number;
  countNonUniformity: number;
  countNonUniformityNorm: number;
  /** N_s / N_v */
  percentage: number;
  greyVariance: number;
  countVariance: number;
  entropy: number;
  energy: number;
}

/** Features of one count matrix (IBSI GLRLM-style definitions with p_ij = s_ij / N_s). */
export function countMatrixFeatures(m: CountMatrix): CountMatrixFeatures {
  const { counts, nLevels, nCols } = m;
  const rowSum = new Float64Array(nLevels);
  const colSum = new Float64Array(nCols);
  let ns = 0;
  let sde = 0;
  let lde = 0;
  let lge = 0;
  let hge = 0;
  let slge = 0;
  let shge = 0;
  let llge = 0;
  let lhge = 0;
  let muI = 0;
  let muJ = 0;
  for (let a = 0; a < nLevels; a++) {
    const i = a + 1;
    const i2 = i * i;
    for (let b = 0; b < nCols; b++) {
      const s = counts[a * nCols + b]!;
      if (s === 0) continue;
      const j = b + 1;
      const j2 = j * j;
      ns += s;
      rowSum[a]! += s;
      colSum[b]! += s;
      sde += s / j2;
      lde += s * j2;
      lge += s / i2;
      hge += s * i2;
      slge += s / (i2 * j2);
      shge += (s * i2) / j2;
      llge += (s * j2) / i2;
      lhge += s * i2 * j2;
      muI += s * i;
      muJ += s * j;
    }
  }
  if (ns === 0) throw new EmptyRoiError("texture matrix is empty (the ROI has no voxels)");
  muI /= ns;
  muJ /= ns;
  let varI = 0;
  let varJ = 0;
  let entropy = 0;
  let energy = 0;
  for (let a = 0; a < nLevels; a++) {
    for (let b = 0; b < nCols; b++) {
      const s = counts[a * nCols + b]!;
      if (s === 0) continue;
      const p = s / ns;
      varI += (a + 1 - muI) ** 2 * p;
      varJ += (b + 1 - muJ) ** 2 * p;
      entropy -= p * Math.log2(p);
      energy += p * p;
    }
  }
  let gnu = 0;
  for (let a = 0; a < nLevels; a++) gnu += rowSum[a]! * rowSum[a]!;
  let cnu = 0;
  for (let b = 0; b < nCols; b++) cnu += colSum[b]! * colSum[b]!;
  return {
    smallEmphasis: sde / ns,
    largeEmphasis: lde / ns,
    lowGreyEmphasis: lge / ns,
    highGreyEmphasis: hge / ns,
    smallLowGreyEmphasis: slge / ns,
    smallHighGreyEmphasis: shge / ns,
    largeLowGreyEmphasis: llge / ns,
    largeHighGreyEmphasis: lhge / ns,
    greyNonUniformity: gnu / ns,
    greyNonUniformityNorm: gnu / (ns * ns),
    countNonUniformity: cnu / ns,
    countNonUniformityNorm: cnu / (ns * ns),
    percentage: ns / m.nVoxels,
    greyVariance: varI,
    countVariance: varJ,
    entropy,
    energy,
  };
}

/** Element-wise sum of matrices (IBSI merging, 62GR); N_v is summed too. */
export function mergeCountMatrices(ms: readonly CountMatrix[]): CountMatrix {
  if (ms.length === 0) throw new EmptyRoiError("no texture matrices to merge (the ROI has no voxels)");
  let nLevels = 0;
  let nCols = 0;
  for (const m of ms) {
    nLevels = Math.max(nLevels, m.nLevels);
    nCols = Math.max(nCols, m.nCols);
  }
  const counts = new Float64Array(nLevels * nCols);
  let nVoxels = 0;
  for (const m of ms) {
    nVoxels += m.nVoxels;
    for (let a = 0; a < m.nLevels; a++) {
      for (let b = 0; b < m.nCols; b++) counts[a * nCols + b]! += m.counts[a * m.nCols + b]!;
    }
  }
  return { counts, nLevels, nCols, nVoxels };
}

/**
 * Features of the matrices under an aggregation: "2D" averages the features of the per-slice matrices,
 * "2_5D" merges them first; "3D" expects a single matrix.
 */
export function aggregateCountMatrixFeatures(
  ms: readonly CountMatrix[],
  aggregation: ZoneAggregation,
): CountMatrixFeatures {
  if (ms.length === 0) throw new EmptyRoiError("no texture matrices (the ROI has no voxels)");
  if (aggregation !== "2D") return countMatrixFeatures(ms.length === 1 ? ms[0]! : mergeCountMatrices(ms));
  const acc: Record<string, number> = {};
  for (const m of ms) {
    const f = countMatrixFeatures(m) as unknown as Record<string, number>;
    for (const k in f) acc[k] = (acc[k] ?? 0) + f[k]!;
  }
  for (const k in acc) acc[k] = acc[k]! / ms.length;
  return acc as unknown as CountMatrixFeatures;
}

export function checkAggregation(a: string, family: string): asserts a is ZoneAggregation {
  if (a !== "2D" && a !== "2_5D" && a !== "3D") {
    throw new InputError(`${family}: aggregation must be "2D", "2_5D" or "3D", got "${a}"`);
  }
}

export function checkRoiGrid(roi: DiscretisedRoi, family: string): void {
  const [nx, ny, nz] = roi.size;
  if (roi.levels.length !== nx * ny * nz) {
    throw new InputError(
      `${family}: levels has ${roi.levels.length} voxels but the grid ${nx}x${ny}x${nz} has ${nx * ny * nz}`,
    );
  }
}

/**
 * Manhattan distance of every voxel of `mask` (non-zero) to the nearest voxel outside it, voxels beyond
 * the grid counting as outside; 0 outside the mask. With `inPlane`, each k-slice on its own (4-connected
 * distance). Two raster passes of the city-block transform, exact for the L1 norm.
 */
export function distanceToRoiEdge(mask: ArrayLike<number>, size: Vec3, inPlane: boolean): Int32Array {
  const [nx, ny, nz] = size;
  const n = nx * ny * nz;
  if (mask.length !== n) {
    throw new InputError(`distance map: mask has ${mask.length} voxels but the grid has ${n}`);
  }
  const big = 0x3fffffff;
  const d = new Int32Array(n);
  for (let v = 0; v < n; v++) d[v] = mask[v] ? big : 0;
  const sxy = nx * ny;
  // Forward pass: neighbours at i-1, j-1 (and k-1 in 3D); out of grid = 0.
  for (let k = 0, v = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        let x = d[v]!;
        if (x === 0) continue;
        const a = i > 0 ? d[v - 1]! : 0;
        const b = j > 0 ? d[v - nx]! : 0;
        if (a + 1 < x) x = a + 1;
        if (b + 1 < x) x = b + 1;
        if (!inPlane) {
          const c = k > 0 ? d[v - sxy]! : 0;
          if (c + 1 < x) x = c + 1;
        }
        d[v] = x;
      }
    }
  }
  // Backward pass: neighbours at i+1, j+1 (and k+1).
  for (let k = nz - 1, v = n - 1; k >= 0; k--) {
    for (let j = ny - 1; j >= 0; j--) {
      for (let i = nx - 1; i >= 0; i--, v--) {
        let x = d[v]!;
        if (x === 0) continue;
        const a = i < nx - 1 ? d[v + 1]! : 0;
        const b = j < ny - 1 ? d[v + nx]! : 0;
        if (a + 1 < x) x = a + 1;
        if (b + 1 < x) x = b + 1;
        if (!inPlane) {
          const c = k < nz - 1 ? d[v + sxy]! : 0;
          if (c + 1 < x) x = c + 1;
        }
        d[v] = x;
      }
    }
  }
  return d;
}

/** Zones of a discretised ROI: for each zone its grey level, voxel count, k-slice and a per-zone value. */
export interface Zones {
  /** Zone id per voxel (0 outside the ROI, 1..nZones inside). */
  label: Int32Array;
  nZones: number;
  level: Int32Array;
  size: Int32Array;
  /** k-slice of the zone's first voxel (zones lie in one slice when linked in-plane). */
  slice: Int32Array;
}

/**
 * Connected zones of equal grey level (levels > 0): 26-connected, or 8-connected within k-slices when
 * `inPlane`. Iterative flood fill with a typed-array stack.
 */
export function labelZones(levels: ArrayLike<number>, size: Vec3, inPlane: boolean): Zones {
  const [nx, ny, nz] = size;
  const n = nx * ny * nz;
  const label = new Int32Array(n);
  const offList: number[] = [];
  for (let dk = inPlane ? 0 : -1; dk <= (inPlane ? 0 : 1); dk++) {
    for (let dj = -1; dj <= 1; dj++) {
      for (let di = -1; di <= 1; di++) if (di || dj || dk) offList.push(di, dj, dk);
    }
  }
  const offs = Int32Array.from(offList);
  const nOff = offs.length / 3;
  const stack = new Int32Array(n);
  // at most one zone per voxel: preallocate, trim at the end
  const levelA = new Int32Array(n);
  const sizeA = new Int32Array(n);
  const sliceA = new Int32Array(n);
  const sxy = nx * ny;
  let nZones = 0;
  for (let start = 0; start < n; start++) {
    const g = levels[start]!;
    if (g === 0 || label[start] !== 0) continue;
    nZones++;
    label[start] = nZones;
    let top = 0;
    stack[top++] = start;
    let count = 0;
    while (top > 0) {
      const v = stack[--top]!;
      count++;
      const k = Math.floor(v / sxy);
      const r = v - k * sxy;
      const j = Math.floor(r / nx);
      const i = r - j * nx;
      for (let o = 0; o < nOff; o++) {
        const ii = i + offs[3 * o]!;
        const jj = j + offs[3 * o + 1]!;
        const kk = k + offs[3 * o + 2]!;
        if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) continue;
        const w = ii + nx * jj + sxy * kk;
        if (label[w] !== 0 || levels[w] !== g) continue;
        label[w] = nZones;
        stack[top++] = w;
      }
    }
    levelA[nZones - 1] = g;
    sizeA[nZones - 1] = count;
    sliceA[nZones - 1] = Math.floor(start / sxy);
  }
  return {
    label,
    nZones,
    level: levelA.slice(0, nZones),
    size: sizeA.slice(0, nZones),
    slice: sliceA.slice(0, nZones),
  };
}

function checkLevels(roi: DiscretisedRoi, family: string): void {
  const lv = roi.levels;
  for (let v = 0; v < lv.length; v++) {
    const g = lv[v]!;
    if (g < 0 || g > roi.nLevels) {
      throw new InputError(`${family}: voxel ${v} has level ${g}, outside 0..nLevels (${roi.nLevels})`);
    }
  }
}

/**
 * GLDZMs of a discretised ROI: one per k-slice holding ROI voxels ("2D", "2_5D") or one for the volume
 * ("3D"). `morphMask` (same grid, non-zero inside) gives the distance map; it defaults to the intensity
 * mask (levels > 0) and must contain every intensity-mask voxel.
 */
export function gldzmMatrices(
  roi: DiscretisedRoi,
  morphMask: ArrayLike<number> | null | undefined,
  aggregation: ZoneAggregation,
): CountMatrix[] {
  checkAggregation(aggregation, "GLDZM");
  checkRoiGrid(roi, "GLDZM");
  checkLevels(roi, "GLDZM");
  const [nx, ny, nz] = roi.size;
  const inPlane = aggregation !== "3D";
  const lv = roi.levels;
  const morph = morphMask ?? lv;
  if (morph.length !== lv.length) {
    throw new InputError(
      `GLDZM: morphological mask has ${morph.length} voxels but the ROI grid has ${lv.length}`,
    );
  }
  const dist = distanceToRoiEdge(morph, roi.size, inPlane);
  const zones = labelZones(lv, roi.size, inPlane);
  if (zones.nZones === 0) throw new EmptyRoiError("GLDZM: the ROI has no voxels");
  // Zone distance = smallest distance-map value of its voxels.
  const zoneDist = new Int32Array(zones.nZones + 1).fill(0x7fffffff);
  const sxy = nx * ny;
  const voxPerSlice = new Float64Array(nz);
  for (let v = 0; v < lv.length; v++) {
    const z = zones.label[v]!;
    if (z === 0) continue;
    const dv = dist[v]!;
    if (dv === 0) {
      throw new InputError(`GLDZM: voxel ${v} is in the intensity mask but not in the morphological mask`);
    }
    if (dv < zoneDist[z]!) zoneDist[z] = dv;
    voxPerSlice[Math.floor(v / sxy)]!++;
  }
  let maxDist = 0;
  for (let z = 1; z <= zones.nZones; z++) if (zoneDist[z]! > maxDist) maxDist = zoneDist[z]!;
  const ng = roi.nLevels;
  const build = (nVoxels: number) => ({
    counts: new Float64Array(ng * maxDist),
    nLevels: ng,
    nCols: maxDist,
    nVoxels,
  });
  if (!inPlane) {
    let nv = 0;
    for (let k = 0; k < nz; k++) nv += voxPerSlice[k]!;
    const m = build(nv);
    for (let z = 1; z <= zones.nZones; z++)
      m.counts[(zones.level[z - 1]! - 1) * maxDist + zoneDist[z]! - 1]!++;
    return [m];
  }
  const perSlice: (CountMatrix | undefined)[] = new Array(nz);
  for (let k = 0; k < nz; k++) if (voxPerSlice[k]! > 0) perSlice[k] = build(voxPerSlice[k]!);
  for (let z = 1; z <= zones.nZones; z++) {
    const m = perSlice[zones.slice[z - 1]!]!;
    m.counts[(zones.level[z - 1]! - 1) * maxDist + zoneDist[z]! - 1]!++;
  }
  return perSlice.filter((m): m is CountMatrix => m !== undefined);
}

/** GLDZM feature tags (IBSI compliance spreadsheet), without the aggregation suffix. */
export const GLDZM_FEATURES = [
  "dzm_sde", // 0GBI
  "dzm_lde", // MB4I
  "dzm_lgze", // S1RA
  "dzm_hgze", // K26C
  "dzm_sdlge", // RUVG
  "dzm_sdhge", // DKNJ
  "dzm_ldlge", // A7WM
  "dzm_ldhge", // KLTH
  "dzm_glnu", // VFT7
  "dzm_glnu_norm", // 7HP3
  "dzm_zdnu", // V294
  "dzm_zdnu_norm", // IATH
  "dzm_z_perc", // VIWW
  "dzm_gl_var", // QK93
  "dzm_zd_var", // 7WT1
  "dzm_zd_entr", // GBDU
] as const;

/** The fields of CountMatrixFeatures in IBSI's table order (GLDZM uses the first 16, NGLDM all 17). */
const COUNT_MATRIX_FEATURE_ORDER = [
  "smallEmphasis",
  "largeEmphasis",
  "lowGreyEmphasis",
  "highGreyEmphasis",
  "smallLowGreyEmphasis",
  "smallHighGreyEmphasis",
  "largeLowGreyEmphasis",
  "largeHighGreyEmphasis",
  "greyNonUniformity",
  "greyNonUniformityNorm",
  "countNonUniformity",
  "countNonUniformityNorm",
  "percentage",
  "greyVariance",
  "countVariance",
  "entropy",
  "energy",
] as const satisfies readonly (keyof CountMatrixFeatures)[];

/**
 * The aggregated count-matrix features named `<tag>_<aggregation>`, `tags[q]` naming the q-th field of
 * COUNT_MATRIX_FEATURE_ORDER.
 */
export function namedCountMatrixFeatures(
  ms: readonly CountMatrix[],
  aggregation: ZoneAggregation,
  tags: readonly string[],
): FeatureValues {
  const f = aggregateCountMatrixFeatures(ms, aggregation);
  const out: FeatureValues = {};
  tags.forEach((name, q) => {
    out[`${name}_${aggregation}`] = f[COUNT_MATRIX_FEATURE_ORDER[q]!];
  });
  return out;
}

/** GLDZM features named by tag with the aggregation suffix, e.g. `dzm_sde_2D`. */
export function gldzmFeaturesFromMatrices(
  ms: readonly CountMatrix[],
  aggregation: ZoneAggregation,
): FeatureValues {
  return namedCountMatrixFeatures(ms, aggregation, GLDZM_FEATURES);
}

/**
 * IBSI GLDZM features of a discretised ROI, keyed by compliance tag with the aggregation suffix
 * (`dzm_sde_2D`, `dzm_sde_2_5D`, `dzm_sde_3D`...). Zone linkage distance 1 (Chebyshev).
 */
export function ibsiGldzm(
  roi: DiscretisedRoi,
  morphMask: ArrayLike<number> | null | undefined,
  options: { aggregation: ZoneAggregation },
): FeatureValues {
  return gldzmFeaturesFromMatrices(gldzmMatrices(roi, morphMask, options.aggregation), options.aggregation);
}
