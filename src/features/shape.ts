/**
 * PyRadiomics `shape` (3D) features: mesh volume and surface from PyRadiomics' own marching-cubes
 * mesh (see marchingCubes.ts), diameters over the mesh vertices, and axis lengths from a PCA of the
 * physical voxel-centre coordinates. The IBSI morphology family (morphology.ts) reuses the same mesh.
 *
 * PyRadiomics computes shape on the mask cropped to its bounding box and padded by one voxel; this
 * function does that crop itself, so any grid containing the ROI (cropped or not) gives the same result.
 */

import type { Vec3 } from "../image/volume.js";
import { meshVertices, meshVolumeArea, padToBoundingBox } from "./marchingCubes.js";
import { meshDiameters, voxelPcaEigenvalues } from "./meshGeometry.js";
import type { FeatureValues } from "./types.js";

/** The 14 active PyRadiomics shape features, in PyRadiomics' order. */
export const SHAPE_FEATURES = [
  "MeshVolume",
  "VoxelVolume",
  "SurfaceArea",
  "SurfaceVolumeRatio",
  "Sphericity",
  "Maximum3DDiameter",
  "Maximum2DDiameterSlice",
  "Maximum2DDiameterColumn",
  "Maximum2DDiameterRow",
  "MajorAxisLength",
  "MinorAxisLength",
  "LeastAxisLength",
  "Elongation",
  "Flatness",
] as const;

/** Deprecated PyRadiomics shape features (computed only on request). */
export const SHAPE_DEPRECATED_FEATURES = ["Compactness1", "Compactness2", "SphericalDisproportion"] as const;

export interface ShapeOptions {
  /** Also compute Compactness1, Compactness2 and SphericalDisproportion. */
  includeDeprecated?: boolean;
}

/** sqrt(e) * 4, or NaN for a negative eigenvalue (PyRadiomics). */
const axisLength = (e: number) => (e < 0 ? Number.NaN : Math.sqrt(e) * 4);
const ratio = (a: number, b: number) => (a < 0 || b < 0 ? Number.NaN : Math.sqrt(a / b));

/**
 * PyRadiomics shape features of a binary mask (non-zero = ROI) on a grid of `size` voxels with
 * `spacing` (x, y, z) in mm. Throws EmptyRoiError when the mask is empty.
 */
export function shapeFeatures(
  mask: ArrayLike<number>,
  size: Vec3,
  spacing: Vec3,
  options: ShapeOptions = {},
): FeatureValues {
  const padded = padToBoundingBox(mask, size);
  const { volume: V, area: A } = meshVolumeArea(padded, spacing);
  const diam = meshDiameters(meshVertices(padded), spacing);
  const ev = voxelPcaEigenvalues(padded, spacing);
  const [sx, sy, sz] = spacing;
  const out: FeatureValues = {
    MeshVolume: V,
    VoxelVolume: padded.count * (sz * sx * sy),
    SurfaceArea: A,
    SurfaceVolumeRatio: A / V,
    Sphericity: (36 * Math.PI * V ** 2) ** (1 / 3) / A,
    Maximum3DDiameter: diam.max3D,
    Maximum2DDiameterSlice: diam.slice,
    Maximum2DDiameterColumn: diam.column,
    Maximum2DDiameterRow: diam.row,
    MajorAxisLength: axisLength(ev[2]!),
    MinorAxisLength: axisLength(ev[1]!),
    LeastAxisLength: axisLength(ev[0]!),
    Elongation: ratio(ev[1]!, ev[2]!),
    Flatness: ratio(ev[0]!, ev[2]!),
  };
  if (options.includeDeprecated) {
    out.Compactness1 = V / (A ** 1.5 * Math.sqrt(Math.PI));
    out.Compactness2 = (36 * Math.PI * V ** 2) / A ** 3;
    out.SphericalDisproportion = A / (36 * Math.PI * V ** 2) ** (1 / 3);
  }
  return out;
}
