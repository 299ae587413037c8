/**
 * PyRadiomics `shape2D` features of a single-slice ROI: perimeter and surface of PyRadiomics'
 * marching-squares contour, maximum diameter over the contour vertices, axis lengths from a PCA of the
 * physical pixel-centre coordinates.
 *
 * `force2Ddimension` follows PyRadiomics: it is an axis of the (z, y, x) array, so 0 = z (axial slices,
 * the default), 1 = y, 2 = x. The ROI must span a single voxel along that axis (PyRadiomics raises
 * otherwise; here an InputError).
 */

import { EmptyRoiError, InputError } from "../errors.js";
import type { Vec3 } from "../image/volume.js";
import { type PaddedMask2D, contourDiameterCandidates, marchingSquares } from "./marchingCubes.js";
import { pixelPcaEigenvalues } from "./meshGeometry.js";
import type { FeatureValues } from "./types.js";

/** The 9 active PyRadiomics shape2D features, in PyRadiomics' order. */
export const SHAPE2D_FEATURES = [
  "MeshSurface",
  "PixelSurface",
  "Perimeter",
  "PerimeterSurfaceRatio",
  "Sphericity",
  "MaximumDiameter",
  "MajorAxisLength",
  "MinorAxisLength",
  "Elongation",
] as const;

/** The deprecated PyRadiomics shape2D feature (computed only on request). */
export const SHAPE2D_DEPRECATED_FEATURES = ["SphericalDisproportion"] as const;

export interface Shape2DOptions {
  /** Also compute the deprecated SphericalDisproportion. */
  includeDeprecated?: boolean;
}

/**
 * Crops the mask to its bounding box, checks it is one voxel thick along the out-of-plane axis, and
 * returns the padded 2D mask with the in-plane axes in (z, y, x) order (u = slower axis) and their
 * spacings.
 */
export function padSlice(
  mask: ArrayLike<number>,
  size: Vec3,
  spacing: Vec3,
  force2Ddimension: 0 | 1 | 2,
): { mask: PaddedMask2D; spacing: [number, number] } {
  const n = size[0] * size[1] * size[2];
  if (mask.length !== n)
    throw new InputError(`mask has ${mask.length} voxels but size ${size.join("x")} needs ${n}`);
  if (force2Ddimension !== 0 && force2Ddimension !== 1 && force2Ddimension !== 2) {
    throw new InputError(`force2Ddimension must be 0, 1 or 2, got ${force2Ddimension}`);
  }
  const lo = [size[0], size[1], size[2]];
  const hi = [-1, -1, -1];
  let count = 0;
  let p = 0;
  for (let k = 0; k < size[2]; k++) {
    for (let j = 0; j < size[1]; j++) {
      for (let i = 0; i < size[0]; i++, p++) {
        if (!mask[p]) continue;
        count++;
        if (i < lo[0]!) lo[0] = i;
        if (i > hi[0]!) hi[0] = i;
        if (j < lo[1]!) lo[1] = j;
        if (j > hi[1]!) hi[1] = j;
        if (k < lo[2]!) lo[2] = k;
        if (k > hi[2]!) hi[2] = k;
      }
    }
  }
  if (count === 0) throw new EmptyRoiError("the mask has no non-zero voxels");
  // out-of-plane axis in (x, y, z) numbering, then the in-plane axes slow (u) and fast (v)
  const out = 2 - force2Ddimension;
  const inPlane = [2, 1, 0].filter((a) => a !== out) as [number, number];
  const [au, av] = inPlane;
  if (hi[out]! > lo[out]!) {
    throw new InputError(
      `shape2D needs a single-slice ROI, but it spans ${hi[out]! - lo[out]! + 1} voxels along array axis ${force2Ddimension} (force2Ddimension)`,
    );
  }
  const nu = hi[au]! - lo[au]! + 3;
  const nv = hi[av]! - lo[av]! + 3;
  const data = new Uint8Array(nu * nv);
  const stride = [1, size[0], size[0] * size[1]];
  const base = lo[out]! * stride[out]!;
  for (let u = lo[au]!; u <= hi[au]!; u++) {
    for (let v = lo[av]!; v <= hi[av]!; v++) {
      if (mask[base + u * stride[au]! + v * stride[av]!])
        data[(u - lo[au]! + 1) * nv + (v - lo[av]! + 1)] = 1;
    }
  }
  return { mask: { data, nu, nv, count }, spacing: [spacing[au]!, spacing[av]!] };
}

/**
 * PyRadiomics shape2D features of a single-slice binary mask on a grid of `size` voxels with
 * `spacing` (x, y, z) in mm.
 */
export function shape2DFeatures(
  mask: ArrayLike<number>,
  size: Vec3,
  spacing: Vec3,
  force2Ddimension: 0 | 1 | 2 = 0,
  options: Shape2DOptions = {},
): FeatureValues {
  const { mask: m, spacing: sp } = padSlice(mask, size, spacing, force2Ddimension);
  const { perimeter: P, surface: A } = marchingSquares(m, sp);
  // maximum diameter over the contour vertices (only line-extreme vertices can be diameter ends)
  const c = contourDiameterCandidates(m);
  const pu = new Float64Array(c.count);
  const pv = new Float64Array(c.count);
  for (let k = 0; k < c.count; k++) {
    pu[k] = c.u[k]! * 0.5 * sp[0];
    pv[k] = c.v[k]! * 0.5 * sp[1];
  }
  let best = 0;
  for (let a = 0; a < c.count; a++) {
    for (let b = a + 1; b < c.count; b++) {
      const du = pu[a]! - pu[b]!;
      const dv = pv[a]! - pv[b]!;
      const d = du * du + dv * dv;
      if (d > best) best = d;
    }
  }
  const ev = pixelPcaEigenvalues(m, sp);
  const sphericity = (2 * Math.sqrt(Math.PI * A)) / P;
  const out: FeatureValues = {
    MeshSurface: A,
    PixelSurface: m.count * (sp[1] * sp[0]),
    Perimeter: P,
    PerimeterSurfaceRatio: P / A,
    Sphericity: sphericity,
    MaximumDiameter: Math.sqrt(best),
    MajorAxisLength: ev[1]! < 0 ? Number.NaN : Math.sqrt(ev[1]!) * 4,
    MinorAxisLength: ev[0]! < 0 ? Number.NaN : Math.sqrt(ev[0]!) * 4,
    Elongation: ev[0]! < 0 || ev[1]! < 0 ? Number.NaN : Math.sqrt(ev[0]! / ev[1]!),
  };
  if (options.includeDeprecated) out.SphericalDisproportion = 1 / sphericity;
  return out;
}
