/**
 * Grey level size zone matrix (GLSZM) features: PyRadiomics-compatible (`glszmFeatures`, names as in
 * radiomics/glszm.py) and IBSI 1 (`ibsiGlszm`, tags `szm_*`, IBSI family 9SAK).
 *
 * A zone is a connected group of ROI voxels with the same level, linked through the Chebyshev distance 1
 * neighbourhood (26-connected in 3D, 8-connected in 2D). One matrix for the ROI: rows = grey levels
 * present, columns = zone size 1..largest zone. PyRadiomics uses its size-limited neighbour set and the
 * force2D plane; IBSI 2D works slice by slice (zones never cross slices).
 */

import { InputError } from "../errors.js";
import { ibsiNeighbourhood, pyradiomicsAngles } from "./directions.js";
import {
  N_ZF,
  type PaddedGrid,
  type PresentLevels,
  ZF,
  allLevels,
  checkRoi,
  columnValues,
  linearOffsets,
  padGrid,
  presentLevels,
  pyradiomicsZoneFeatures,
  textureSettings,
  zoneFeatures,
} from "./texture-util.js";
import type { DiscretisedRoi, FeatureValues, TextureSettings } from "./types.js";

export const GLSZM_FEATURE_NAMES = [
  "SmallAreaEmphasis",
  "LargeAreaEmphasis",
  "GrayLevelNonUniformity",
  "GrayLevelNonUniformityNormalized",
  "SizeZoneNonUniformity",
  "SizeZoneNonUniformityNormalized",
  "ZonePercentage",
  "GrayLevelVariance",
  "ZoneVariance",
  "ZoneEntropy",
  "LowGrayLevelZoneEmphasis",
  "HighGrayLevelZoneEmphasis",
  "SmallAreaLowGrayLevelEmphasis",
  "SmallAreaHighGrayLevelEmphasis",
  "LargeAreaLowGrayLevelEmphasis",
  "LargeAreaHighGrayLevelEmphasis",
] as const;

const PYRAD_SLOTS: ReadonlyArray<[string, number]> = [
  ["SmallAreaEmphasis", ZF.shortEmph],
  ["LargeAreaEmphasis", ZF.longEmph],
  ["GrayLevelNonUniformity", ZF.glnu],
  ["GrayLevelNonUniformityNormalized", ZF.glnuNorm],
  ["SizeZoneNonUniformity", ZF.sizeNu],
  ["SizeZoneNonUniformityNormalized", ZF.sizeNuNorm],
  ["ZonePercentage", ZF.percentage],
  ["GrayLevelVariance", ZF.glVar],
  ["ZoneVariance", ZF.sizeVar],
  ["ZoneEntropy", ZF.entropy],
  ["LowGrayLevelZoneEmphasis", ZF.lowGl],
  ["HighGrayLevelZoneEmphasis", ZF.highGl],
  ["SmallAreaLowGrayLevelEmphasis", ZF.shortLowGl],
  ["SmallAreaHighGrayLevelEmphasis", ZF.shortHighGl],
  ["LargeAreaLowGrayLevelEmphasis", ZF.longLowGl],
  ["LargeAreaHighGrayLevelEmphasis", ZF.longHighGl],
];

/** Zones found by flood fill: level, size and slice (of the first voxel) of each zone. */
interface Zones {
  count: number;
  level: Int32Array;
  size: Int32Array;
  slice: Int32Array;
  maxSize: number;
}

/** Labels the zones of a padded grid (its data is consumed: visited voxels are set to 0). */
function findZones(g: PaddedGrid, lin: Int32Array): Zones {
  const d = g.data;
  const vox = g.voxels;
  const n = vox.length;
  const stack = new Int32Array(n);
  const level = new Int32Array(n);
  const size = new Int32Array(n);
  const slice = new Int32Array(n);
  const na = lin.length;
  let count = 0;
  let maxSize = 0;
  for (let q = 0; q < n; q++) {
    const start = vox[q]!;
    const gl = d[start]!;
    if (gl === 0) continue; // already in a zone
    d[start] = 0;
    let top = 0;
    stack[top++] = start;
    let zs = 0;
    while (top > 0) {
      const c = stack[--top]!;
      zs++;
      for (let a = 0; a < na; a++) {
        const nb = c + lin[a]!;
        if (d[nb] === gl) {
          d[nb] = 0;
          stack[top++] = nb;
        }
      }
    }
    level[count] = gl;
    size[count] = zs;
    slice[count] = g.slice[q]!;
    count++;
    if (zs > maxSize) maxSize = zs;
  }
  return { count, level, size, slice, maxSize };
}

/** The GLSZM of a ROI as PyRadiomics builds it. */
export interface GlszmMatrix {
  /** Grey levels present in the ROI, ascending: the matrix rows. */
  greyLevels: Int32Array;
  /** PyRadiomics' Ng: the largest grey level in the ROI. */
  Ng: number;
  /** Number of columns: the largest zone size; column s holds zones of s + 1 voxels. */
  maxZoneSize: number;
  /** counts[i * maxZoneSize + s]. */
  counts: Float64Array;
  /** Number of zones. */
  zones: number;
}

function fillMatrix(z: Zones, pl: PresentLevels, cols: number, out: Float64Array, sliceStride = 0): void {
  const m = pl.levels.length;
  for (let t = 0; t < z.count; t++) {
    out[z.slice[t]! * sliceStride * m * cols + pl.index[z.level[t]!]! * cols + z.size[t]! - 1]++;
  }
}

/** PyRadiomics-style GLSZM (Chebyshev distance 1 linkage, force2D plane), empty grey levels removed. */
export function glszmMatrix(roi: DiscretisedRoi, settings?: Partial<TextureSettings>): GlszmMatrix {
  const s = textureSettings(settings);
  const nRoi = checkRoi(roi, "GLSZM");
  const pl = presentLevels(roi.levels);
  const offsets = pyradiomicsAngles(roi.size, [1], s.force2D, s.force2Ddimension, true);
  const g = padGrid(roi, 1, nRoi);
  const z = findZones(g, linearOffsets(g, offsets));
  const m = pl.levels.length;
  const cols = Math.max(1, z.maxSize);
  const counts = new Float64Array(m * cols);
  fillMatrix(z, pl, cols, counts);
  return { greyLevels: pl.levels, Ng: pl.maxLevel, maxZoneSize: cols, counts, zones: z.count };
}

/** PyRadiomics GLSZM features (16, `original_glszm_<Name>` without prefix). */
export function glszmFeatures(roi: DiscretisedRoi, settings?: Partial<TextureSettings>): FeatureValues {
  const mat = glszmMatrix(roi, settings);
  return pyradiomicsZoneFeatures(mat.counts, mat.greyLevels, mat.maxZoneSize, PYRAD_SLOTS).features;
}

// ---------------------------------------------------------------------------------------------------
// IBSI 1

/** IBSI aggregation for GLSZM/GLDZM/NGTDM/NGLDM: per slice averaged, slices merged, or 3D. */
export type IbsiZoneAggregation = "2D" | "2_5D" | "3D";
export const IBSI_ZONE_AGGREGATIONS: readonly IbsiZoneAggregation[] = ["2D", "2_5D", "3D"];

const IBSI_SZM: ReadonlyArray<[string, number]> = [
  ["szm_sze", ZF.shortEmph], // 5QRC
  ["szm_lze", ZF.longEmph], // 48P8
  ["szm_lgze", ZF.lowGl], // XMSY
  ["szm_hgze", ZF.highGl], // 5GN9
  ["szm_szlge", ZF.shortLowGl], // 5RAI
  ["szm_szhge", ZF.shortHighGl], // HW1V
  ["szm_lzlge", ZF.longLowGl], // YH51
  ["szm_lzhge", ZF.longHighGl], // J17V
  ["szm_glnu", ZF.glnu], // JNSA
  ["szm_glnu_norm", ZF.glnuNorm], // Y1RO
  ["szm_zsnu", ZF.sizeNu], // 4JP3
  ["szm_zsnu_norm", ZF.sizeNuNorm], // VB3A
  ["szm_z_perc", ZF.percentage], // P30P
  ["szm_gl_var", ZF.glVar], // BYLV
  ["szm_zs_var", ZF.sizeVar], // 3NSA
  ["szm_zs_entr", ZF.entropy], // GU8N
];

export interface IbsiGlszmOptions {
  aggregation: IbsiZoneAggregation;
}

/**
 * IBSI 1 GLSZM features (rows 1..roi.nLevels). "2D": 8-connected zones per slice, features averaged over
 * slices; "2_5D": the slice matrices summed; "3D": 26-connected zones. Returns { `<tag>_<aggregation>` }.
 */
export function ibsiGlszm(roi: DiscretisedRoi, options: IbsiGlszmOptions): FeatureValues {
  const agg = options.aggregation;
  if (!IBSI_ZONE_AGGREGATIONS.includes(agg))
    throw new InputError(`GLSZM aggregation '${agg}' is not one of ${IBSI_ZONE_AGGREGATIONS.join(", ")}`);
  const nRoi = checkRoi(roi, "GLSZM");
  const Ng = Math.max(roi.nLevels, presentLevels(roi.levels).maxLevel);
  const lv = allLevels(Ng);
  const g = padGrid(roi, 1, nRoi);
  const z = findZones(g, linearOffsets(g, ibsiNeighbourhood(agg !== "3D", 1)));
  const cols = Math.max(1, z.maxSize);
  const m = Ng;
  const nz = agg === "2D" ? roi.size[2] : 1;
  const P = new Float64Array(nz * m * cols);
  fillMatrix(z, lv, cols, P, agg === "2D" ? 1 : 0);
  const jv = columnValues(cols);
  const rowSum = new Float64Array(m);
  const colSum = new Float64Array(cols);
  const vec = new Float64Array(N_ZF);
  const sum = new Float64Array(N_ZF);
  const cnt = new Float64Array(N_ZF);
  for (let k = 0; k < nz; k++) {
    const n = zoneFeatures(P, k * m * cols, m, cols, lv.levels, jv, Number.NaN, 0, rowSum, colSum, vec, 0);
    if (n === 0) continue;
    for (let t = 0; t < N_ZF; t++) {
      sum[t] = sum[t]! + vec[t]!;
      cnt[t] = cnt[t]! + 1;
    }
  }
  const out: FeatureValues = {};
  for (const [tag, slot] of IBSI_SZM)
    out[`${tag}_${agg}`] = cnt[slot]! > 0 ? sum[slot]! / cnt[slot]! : Number.NaN;
  return out;
}
