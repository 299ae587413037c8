/**
 * Grey level run length matrix (GLRLM) features: PyRadiomics-compatible (`glrlmFeatures`, names as in
 * radiomics/glrlm.py) and IBSI 1 (`ibsiGlrlm`, tags `rlm_*`, IBSI family TP0I).
 *
 * A run is a maximal sequence of consecutive ROI voxels with the same level along a direction; voxels
 * outside the ROI break runs. PyRadiomics: one matrix per angle (13 in 3D, distance 1), rows = grey levels
 * present, columns = run length 1..max(size); an angle whose lines never hold two ROI voxels is emptied
 * (cmatrices.c "multiElement"), empty angles are dropped, features are computed per angle and averaged
 * with nanmean, or, with weightingNorm, on sum_a w_a P_a where w_a is the angle's length in mm under that
 * norm (not exp(-d^2) as for GLCM) and 1 for no_weighting.
 */

import { InputError } from "../errors.js";
import type { Vec3 } from "../image/volume.js";
import { checkWeightingNorm, ibsiDirections, offsetLength, pyradiomicsAngles } from "./directions.js";
import { type IbsiMatrixAggregation, IBSI_MATRIX_AGGREGATIONS } from "./glcm.js";
import {
  EPS,
  N_ZF,
  ZF,
  allLevels,
  checkRoi,
  columnValues,
  nanMean,
  presentLevels,
  textureSettings,
  zoneFeatures,
} from "./texture-util.js";
import type { DiscretisedRoi, FeatureValues, TextureSettings } from "./types.js";

export const GLRLM_FEATURE_NAMES = [
  "ShortRunEmphasis",
  "LongRunEmphasis",
  "GrayLevelNonUniformity",
  "GrayLevelNonUniformityNormalized",
  "RunLengthNonUniformity",
  "RunLengthNonUniformityNormalized",
  "RunPercentage",
  "GrayLevelVariance",
  "RunVariance",
  "RunEntropy",
  "LowGrayLevelRunEmphasis",
  "HighGrayLevelRunEmphasis",
  "ShortRunLowGrayLevelEmphasis",
  "ShortRunHighGrayLevelEmphasis",
  "LongRunLowGrayLevelEmphasis",
  "LongRunHighGrayLevelEmphasis",
] as const;

const PYRAD_SLOTS: ReadonlyArray<[string, number]> = [
  ["ShortRunEmphasis", ZF.shortEmph],
  ["LongRunEmphasis", ZF.longEmph],
  ["GrayLevelNonUniformity", ZF.glnu],
  ["GrayLevelNonUniformityNormalized", ZF.glnuNorm],
  ["RunLengthNonUniformity", ZF.sizeNu],
  ["RunLengthNonUniformityNormalized", ZF.sizeNuNorm],
  ["RunPercentage", ZF.percentage],
  ["GrayLevelVariance", ZF.glVar],
  ["RunVariance", ZF.sizeVar],
  ["RunEntropy", ZF.entropy],
  ["LowGrayLevelRunEmphasis", ZF.lowGl],
  ["HighGrayLevelRunEmphasis", ZF.highGl],
  ["ShortRunLowGrayLevelEmphasis", ZF.shortLowGl],
  ["ShortRunHighGrayLevelEmphasis", ZF.shortHighGl],
  ["LongRunLowGrayLevelEmphasis", ZF.longLowGl],
  ["LongRunHighGrayLevelEmphasis", ZF.longHighGl],
];

/** Raw GLRLMs as PyRadiomics builds them. */
export interface GlrlmMatrices {
  /** Grey levels present in the ROI, ascending: the matrix rows. */
  greyLevels: Int32Array;
  /** PyRadiomics' Ng: the largest grey level in the ROI. */
  Ng: number;
  /** Angles as [di, dj, dk] triplets, in PyRadiomics' generate_angles order. */
  angles: Int32Array;
  nAngles: number;
  /** Number of run-length columns (max(size)); column r holds runs of length r + 1. */
  maxRunLength: number;
  /** counts[a * n * Nr + i * Nr + r], n = greyLevels.length, Nr = maxRunLength. */
  counts: Float64Array;
}

/**
 * Adds the runs along direction (dx, dy, dz) of the lines starting in slices z0..z1-1 into
 * out[base + row * Nr + (length - 1)]. Returns true when some line holds more than one ROI voxel.
 */
function accumulateRuns(
  levels: Int32Array,
  size: Vec3,
  index: Int32Array,
  Nr: number,
  dx: number,
  dy: number,
  dz: number,
  out: Float64Array,
  base: number,
  z0: number,
  z1: number,
): boolean {
  const [nx, ny, nz] = size;
  const step = dx + nx * (dy + ny * dz);
  // a line starts on the face it enters through: x == sx, y == sy or z == sz (-1: axis not moving)
  const sx = dx > 0 ? 0 : dx < 0 ? nx - 1 : -1;
  const sy = dy > 0 ? 0 : dy < 0 ? ny - 1 : -1;
  const sz = dz > 0 ? 0 : dz < 0 ? nz - 1 : -1;
  const big = nx + ny + nz;
  let multi = false;
  const run = (x: number, y: number, z: number) => {
    // number of voxels on the line from (x, y, z)
    let n = big;
    if (dx > 0) n = Math.min(n, nx - x);
    else if (dx < 0) n = Math.min(n, x + 1);
    if (dy > 0) n = Math.min(n, ny - y);
    else if (dy < 0) n = Math.min(n, y + 1);
    if (dz > 0) n = Math.min(n, nz - z);
    else if (dz < 0) n = Math.min(n, z + 1);
    let p = x + nx * (y + ny * z);
    let gl = 0;
    let rl = 0;
    let elements = 0;
    for (let t = 0; t < n; t++, p += step) {
      const v = levels[p]!;
      if (v > 0) {
        elements++;
        if (v === gl) rl++;
        else {
          if (gl > 0) out[base + index[gl]! * Nr + rl - 1]++;
          gl = v;
          rl = 1;
        }
      } else if (gl > 0) {
        out[base + index[gl]! * Nr + rl - 1]++;
        gl = 0;
      }
    }
    if (gl > 0) out[base + index[gl]! * Nr + rl - 1]++;
    if (elements > 1) multi = true;
  };
  for (let z = z0; z < z1; z++) {
    for (let y = 0; y < ny; y++) {
      if (z === sz || y === sy) {
        for (let x = 0; x < nx; x++) run(x, y, z);
      } else if (sx >= 0) {
        run(sx, y, z);
      }
    }
  }
  return multi;
}

/** PyRadiomics-style GLRLMs of a ROI: one per angle (distance 1), empty grey levels removed. */
export function glrlmMatrices(roi: DiscretisedRoi, settings?: Partial<TextureSettings>): GlrlmMatrices {
  const s = textureSettings(settings);
  checkRoi(roi, "GLRLM");
  const pl = presentLevels(roi.levels);
  const angles = pyradiomicsAngles(roi.size, [1], s.force2D, s.force2Ddimension, false);
  const nAngles = angles.length / 3;
  const m = pl.levels.length;
  const Nr = Math.max(...roi.size);
  const counts = new Float64Array(nAngles * m * Nr);
  for (let a = 0; a < nAngles; a++) {
    const base = a * m * Nr;
    const multi = accumulateRuns(
      roi.levels,
      roi.size,
      pl.index,
      Nr,
      angles[3 * a]!,
      angles[3 * a + 1]!,
      angles[3 * a + 2]!,
      counts,
      base,
      0,
      roi.size[2],
    );
    // PyRadiomics: an angle along which the ROI is one voxel thick everywhere is treated as absent
    if (!multi) for (let i = 0; i < m; i++) counts[base + i * Nr] = 0;
  }
  return { greyLevels: pl.levels, Ng: pl.maxLevel, angles, nAngles, maxRunLength: Nr, counts };
}

/** PyRadiomics GLRLM features (16, `original_glrlm_<Name>` without prefix). */
export function glrlmFeatures(roi: DiscretisedRoi, settings?: Partial<TextureSettings>): FeatureValues {
  const s = textureSettings(settings);
  checkWeightingNorm(s.weightingNorm);
  const mats = glrlmMatrices(roi, s);
  const m = mats.greyLevels.length;
  const Nr = mats.maxRunLength;
  const size = m * Nr;
  let P = mats.counts;
  let nMat = mats.nAngles;
  if (s.weightingNorm && nMat > 0) {
    const merged = new Float64Array(size);
    for (let a = 0; a < nMat; a++) {
      const w = offsetLength(mats.angles, a, roi.spacing, s.weightingNorm);
      for (let t = 0; t < size; t++) merged[t] = merged[t]! + w * P[a * size + t]!;
    }
    P = merged;
    nMat = 1;
  }
  const jv = columnValues(Nr);
  const rowSum = new Float64Array(m);
  const colSum = new Float64Array(Nr);
  const vals = new Float64Array(Math.max(nMat, 1) * N_ZF);
  let nk = 0;
  for (let a = 0; a < nMat; a++) {
    const n = zoneFeatures(
      P,
      a * size,
      m,
      Nr,
      mats.greyLevels,
      jv,
      Number.NaN,
      EPS,
      rowSum,
      colSum,
      vals,
      nk * N_ZF,
    );
    // empty angles are dropped when there are several matrices (an empty single one gives NaN)
    if (n > 0 || nMat === 1) nk++;
  }
  const out: FeatureValues = {};
  for (const [name, slot] of PYRAD_SLOTS) out[name] = nanMean(vals, nk, N_ZF, slot);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// IBSI 1

const IBSI_RLM: ReadonlyArray<[string, number]> = [
  ["rlm_sre", ZF.shortEmph], // 22OV
  ["rlm_lre", ZF.longEmph], // W4KF
  ["rlm_lgre", ZF.lowGl], // V3SW
  ["rlm_hgre", ZF.highGl], // G3QZ
  ["rlm_srlge", ZF.shortLowGl], // HTZT
  ["rlm_srhge", ZF.shortHighGl], // GD3A
  ["rlm_lrlge", ZF.longLowGl], // IVPO
  ["rlm_lrhge", ZF.longHighGl], // 3KUM
  ["rlm_glnu", ZF.glnu], // R5YN
  ["rlm_glnu_norm", ZF.glnuNorm], // OVBL
  ["rlm_rlnu", ZF.sizeNu], // W92Y
  ["rlm_rlnu_norm", ZF.sizeNuNorm], // IC23
  ["rlm_r_perc", ZF.percentage], // 9ZK5
  ["rlm_gl_var", ZF.glVar], // 8CE5
  ["rlm_rl_var", ZF.sizeVar], // SXLW
  ["rlm_rl_entr", ZF.entropy], // HJ9O
];

export interface IbsiGlrlmOptions {
  aggregation: IbsiMatrixAggregation;
}

/**
 * IBSI 1 GLRLM features. Rows are levels 1..roi.nLevels; 2D methods use the 4 in-plane directions slice
 * by slice, 3D the 13 directions. Merged matrices are summed and N_v (sum_j j r_.j) with them; empty
 * matrices are left out of averages. Returns { `<tag>_<aggregation>`: value }.
 */
export function ibsiGlrlm(roi: DiscretisedRoi, options: IbsiGlrlmOptions): FeatureValues {
  const agg = options.aggregation;
  if (!IBSI_MATRIX_AGGREGATIONS.includes(agg))
    throw new InputError(`GLRLM aggregation '${agg}' is not one of ${IBSI_MATRIX_AGGREGATIONS.join(", ")}`);
  checkRoi(roi, "GLRLM");
  const Ng = Math.max(roi.nLevels, presentLevels(roi.levels).maxLevel);
  const lv = allLevels(Ng);
  const m = Ng;
  const Nr = Math.max(...roi.size);
  const size = m * Nr;
  const twoD = !agg.startsWith("3D");
  const dirs = ibsiDirections(twoD, 1);
  const nd = dirs.length / 3;
  const jv = columnValues(Nr);
  const rowSum = new Float64Array(m);
  const colSum = new Float64Array(Nr);
  const vec = new Float64Array(N_ZF);
  const sum = new Float64Array(N_ZF);
  const cnt = new Float64Array(N_ZF);
  const buf = new Float64Array(nd * size);
  const tot = new Float64Array(size);
  const add = (src: Float64Array, base: number) => {
    const n = zoneFeatures(src, base, m, Nr, lv.levels, jv, Number.NaN, 0, rowSum, colSum, vec, 0);
    if (n === 0) return;
    for (let t = 0; t < N_ZF; t++) {
      if (!Number.isNaN(vec[t]!)) {
        sum[t] = sum[t]! + vec[t]!;
        cnt[t] = cnt[t]! + 1;
      }
    }
  };
  const addMerged = () => {
    tot.fill(0);
    for (let a = 0; a < nd; a++) for (let t = 0; t < size; t++) tot[t] = tot[t]! + buf[a * size + t]!;
    add(tot, 0);
  };
  const fill = (z0: number, z1: number) => {
    buf.fill(0);
    for (let a = 0; a < nd; a++) {
      accumulateRuns(
        roi.levels,
        roi.size,
        lv.index,
        Nr,
        dirs[3 * a]!,
        dirs[3 * a + 1]!,
        dirs[3 * a + 2]!,
        buf,
        a * size,
        z0,
        z1,
      );
    }
  };
  if (agg === "2D_avg" || agg === "2D_comb") {
    for (let z = 0; z < roi.size[2]; z++) {
      fill(z, z + 1);
      if (agg === "2D_avg") for (let a = 0; a < nd; a++) add(buf, a * size);
      else addMerged();
    }
  } else {
    // in-plane lines never leave their slice: 2.5D matrices are whole-volume matrices per 2D direction
    fill(0, roi.size[2]);
    if (agg.endsWith("_avg")) for (let a = 0; a < nd; a++) add(buf, a * size);
    else addMerged();
  }
  const out: FeatureValues = {};
  for (const [tag, slot] of IBSI_RLM)
    out[`${tag}_${agg}`] = cnt[slot]! > 0 ? sum[slot]! / cnt[slot]! : Number.NaN;
  return out;
}
