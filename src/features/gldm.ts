/**
 * Grey level dependence matrix (GLDM) features, PyRadiomics-compatible (`gldmFeatures`, names as in
 * radiomics/gldm.py). IBSI calls the same matrix NGLDM (another module of this package).
 *
 * For every ROI voxel, its dependence is the number of neighbours (all offsets at the `distances`, both
 * directions, inside the ROI) whose level differs by at most `gldm_a`; P(i, j) counts voxels of level i
 * with j - 1 dependent neighbours. Rows = grey levels present; N_z = number of ROI voxels.
 */

import { maxOffset, pyradiomicsAngles } from "./directions.js";
import {
  ZF,
  checkRoi,
  linearOffsets,
  padGrid,
  presentLevels,
  pyradiomicsZoneFeatures,
  textureSettings,
} from "./texture-util.js";
import type { DiscretisedRoi, FeatureValues, TextureSettings } from "./types.js";
import { InputError } from "../errors.js";

export const GLDM_FEATURE_NAMES = [
  "SmallDependenceEmphasis",
  "LargeDependenceEmphasis",
  "GrayLevelNonUniformity",
  "DependenceNonUniformity",
  "DependenceNonUniformityNormalized",
  "GrayLevelVariance",
  "DependenceVariance",
  "DependenceEntropy",
  "LowGrayLevelEmphasis",
  "HighGrayLevelEmphasis",
  "SmallDependenceLowGrayLevelEmphasis",
  "SmallDependenceHighGrayLevelEmphasis",
  "LargeDependenceLowGrayLevelEmphasis",
  "LargeDependenceHighGrayLevelEmphasis",
] as const;

/** Deprecated in PyRadiomics (GLNN = first-order Uniformity; DependencePercentage = 1 always). */
export const GLDM_DEPRECATED_NAMES = ["GrayLevelNonUniformityNormalized", "DependencePercentage"] as const;

const PYRAD_SLOTS: ReadonlyArray<[string, number]> = [
  ["SmallDependenceEmphasis", ZF.shortEmph],
  ["LargeDependenceEmphasis", ZF.longEmph],
  ["GrayLevelNonUniformity", ZF.glnu],
  ["DependenceNonUniformity", ZF.sizeNu],
  ["DependenceNonUniformityNormalized", ZF.sizeNuNorm],
  ["GrayLevelVariance", ZF.glVar],
  ["DependenceVariance", ZF.sizeVar],
  ["DependenceEntropy", ZF.entropy],
  ["LowGrayLevelEmphasis", ZF.lowGl],
  ["HighGrayLevelEmphasis", ZF.highGl],
  ["SmallDependenceLowGrayLevelEmphasis", ZF.shortLowGl],
  ["SmallDependenceHighGrayLevelEmphasis", ZF.shortHighGl],
  ["LargeDependenceLowGrayLevelEmphasis", ZF.longLowGl],
  ["LargeDependenceHighGrayLevelEmphasis", ZF.longHighGl],
];

/** The GLDM of a ROI. */
export interface GldmMatrix {
  /** Grey levels present in the ROI, ascending: the matrix rows. */
  greyLevels: Int32Array;
  /** PyRadiomics' Ng: the largest grey level in the ROI. */
  Ng: number;
  /** Number of neighbour offsets considered (26 in 3D at distance 1); columns = nOffsets + 1. */
  nOffsets: number;
  /** counts[i * (nOffsets + 1) + d]: voxels of level greyLevels[i] with d dependent neighbours. */
  counts: Float64Array;
}

/** PyRadiomics-style GLDM (distances, gldm_a, force2D plane), empty grey levels removed. */
export function gldmMatrix(roi: DiscretisedRoi, settings?: Partial<TextureSettings>): GldmMatrix {
  const s = textureSettings(settings);
  const alpha = s.gldm_a;
  if (!(alpha >= 0)) throw new InputError(`gldm_a must be >= 0, got ${alpha}`);
  const nRoi = checkRoi(roi, "GLDM");
  const pl = presentLevels(roi.levels);
  const offsets = pyradiomicsAngles(roi.size, s.distances, s.force2D, s.force2Ddimension, true);
  const na = offsets.length / 3;
  const g = padGrid(roi, Math.max(1, maxOffset(offsets)), nRoi);
  const lin = linearOffsets(g, offsets);
  const cols = na + 1;
  const counts = new Float64Array(pl.levels.length * cols);
  const d = g.data;
  for (let q = 0; q < nRoi; q++) {
    const p = g.voxels[q]!;
    const v = d[p]!;
    let dep = 0;
    for (let a = 0; a < na; a++) {
      const w = d[p + lin[a]!]!;
      if (w !== 0 && Math.abs(v - w) <= alpha) dep++;
    }
    counts[pl.index[v]! * cols + dep]++;
  }
  return { greyLevels: pl.levels, Ng: pl.maxLevel, nOffsets: na, counts };
}

export interface GldmOptions {
  /** Also return PyRadiomics' deprecated GrayLevelNonUniformityNormalized and DependencePercentage. */
  includeDeprecated?: boolean;
}

/** PyRadiomics GLDM features (14, `original_gldm_<Name>` without prefix). */
export function gldmFeatures(
  roi: DiscretisedRoi,
  settings?: Partial<TextureSettings>,
  options: GldmOptions = {},
): FeatureValues {
  const mat = gldmMatrix(roi, settings);
  const { features: out, vals } = pyradiomicsZoneFeatures(
    mat.counts,
    mat.greyLevels,
    mat.nOffsets + 1,
    PYRAD_SLOTS,
  );
  if (options.includeDeprecated) {
    out.GrayLevelNonUniformityNormalized = vals[ZF.glnuNorm]!;
    // N_z / N_p: every ROI voxel has one dependence zone
    out.DependencePercentage = 1;
  }
  return out;
}
