/**
 * Resampling onto a reference grid. For now: nearest neighbour (masks; PyRadiomics' correctMask and
 * mask resampling use it). Interpolating image resamplers (linear, B-spline) come with the resampling issue.
 */

import { type Geometry, type Vec3, type VoxelArray, Volume, allocate, dataTypeOf } from "./volume.js";

/**
 * Resample `src` onto the grid of `ref` with nearest-neighbour interpolation, as ITK's
 * NearestNeighborInterpolateImageFunction does (index rounded half up); points outside `src` get
 * `outsideValue`.
 */
export function resampleNearest<T extends VoxelArray>(
  src: Volume<T>,
  ref: Geometry,
  outsideValue = 0,
): Volume<T> {
  const [nx, ny, nz] = ref.size;
  const out = allocate(dataTypeOf(src.data), nx * ny * nz) as T;
  // index_src = A * index_ref + b, with A = S_src^-1 D_src^T D_ref S_ref, b = S_src^-1 D_src^T (o_ref - o_src)
  const ds = src.direction;
  const dr = ref.direction;
  const A = new Float64Array(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += ds[k * 3 + r]! * dr[k * 3 + c]!;
      A[r * 3 + c] = (s * ref.spacing[c]!) / src.spacing[r]!;
    }
  }
  const b = src.worldToIndex(ref.origin) as Vec3;
  const [sx, sy, sz] = src.size;
  const d = src.data;
  let p = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const bx = b[0] + A[1]! * j + A[2]! * k;
      const by = b[1] + A[4]! * j + A[5]! * k;
      const bz = b[2] + A[7]! * j + A[8]! * k;
      for (let i = 0; i < nx; i++, p++) {
        const x = Math.floor(bx + A[0]! * i + 0.5);
        const y = Math.floor(by + A[3]! * i + 0.5);
        const z = Math.floor(bz + A[6]! * i + 0.5);
        out[p] =
          x >= 0 && y >= 0 && z >= 0 && x < sx && y < sy && z < sz ? d[x + sx * (y + sy * z)]! : outsideValue;
      }
    }
  }
  return new Volume(out, ref);
}
