/**
 * Shared input/output types of the feature families.
 *
 * Every family is a pure function of a region of interest that the pipeline (src/extract) has already
 * cropped, re-segmented and discretised. The same functions run on a whole ROI or on a small sliding
 * kernel (voxel-based feature maps), so they take plain typed arrays and a grid size, never files.
 */

import type { Vec3 } from "../image/volume.js";

/** Feature name (PyRadiomics style, without the `original_<class>_` prefix) -> value. */
export type FeatureValues = Record<string, number>;

/**
 * A grid of voxels, cropped to the ROI's bounding box (optionally padded).
 * Voxel (i, j, k) is at index i + size[0] * (j + size[1] * k).
 */
export interface RoiGrid {
  size: Vec3;
  /** Voxel spacing in mm along i, j, k. */
  spacing: Vec3;
}

/**
 * Discretised ROI for texture families: `levels[v]` is the grey-level index (1..nLevels) of voxel v
 * inside the ROI (the intensity mask) and 0 outside it. Levels may have gaps (levels that occur
 * nowhere in the ROI), as PyRadiomics' fixed-bin-width discretisation produces.
 */
export interface DiscretisedRoi extends RoiGrid {
  levels: Int32Array;
  /** The largest grey-level index that may occur (PyRadiomics' Ng before empty levels are removed). */
  nLevels: number;
  /**
   * Voxel-based maps (PyRadiomics voxelBased): the grey levels present in the whole ROI, ascending. When
   * given, GLCM rows/columns and Ng follow these instead of the levels present in this (kernel) grid,
   * as PyRadiomics keeps the whole ROI's levels for every kernel.
   */
  greyLevels?: Int32Array;
}

/** How per-direction texture matrices are combined (IBSI aggregation methods, PyRadiomics weightingNorm). */
export type TextureAggregation =
  /** PyRadiomics default (weightingNorm None): features per direction, then averaged (IBSI "3D, averaged" / "2D averaged"). */
  | "average"
  /** PyRadiomics weightingNorm set: matrices weighted by distance norm and summed (IBSI "merged"). */
  | "merge";

export interface TextureSettings {
  /** Neighbour distances (Chebyshev / infinity norm), PyRadiomics `distances`, default [1]. */
  distances: number[];
  /** 2D (in-plane) texture: only directions within the plane orthogonal to `force2Ddimension`. */
  force2D: boolean;
  /** Axis (0 = k/z, 1 = j/y, 2 = i/x in PyRadiomics' (z,y,x) order) that is the "out of plane" axis. */
  force2Ddimension: 0 | 1 | 2;
  /** GLCM: count each pair in both directions (PyRadiomics default true). */
  symmetricalGLCM: boolean;
  /** PyRadiomics weightingNorm: undefined/null = per-angle features averaged. */
  weightingNorm: null | "manhattan" | "euclidean" | "infinity" | "no_weighting";
  /** GLDM: grey levels within `gldm_a` count as dependent (PyRadiomics default 0). */
  gldm_a: number;
}

export const DEFAULT_TEXTURE_SETTINGS: TextureSettings = {
  distances: [1],
  force2D: false,
  force2Ddimension: 0,
  symmetricalGLCM: true,
  weightingNorm: null,
  gldm_a: 0,
};
