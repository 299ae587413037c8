/**
 * Neighbour offsets ("angles") shared by the texture families.
 *
 * Offsets are stored as flat Int32Array triplets [di, dj, dk] along the voxel axes (x, y, z) of a
 * `RoiGrid`, so that neighbour (i + di, j + dj, k + dk) is at linear offset di + nx * (dj + ny * dk).
 *
 * PyRadiomics (`cmatrices.c`, `build_angles`) enumerates offsets in (z, y, x) order with every component
 * running from +d down to -d, z slowest; an offset is kept when its Chebyshev length is one of the
 * requested distances, it does not move out of plane when force2D is set, and |offset| < size along every
 * axis (offsets that cannot fit in the bounding box are never generated). The unidirectional set is the
 * first half of that sequence, e.g. for distance 1 in 3D: (z,y,x) = (1,1,1), (1,1,0), (1,1,-1), (1,0,1),
 * (1,0,0), ..., (0,1,-1), (0,0,1). This order matters for the per-angle matrices PyRadiomics stores.
 */

import { InputError } from "../errors.js";
import type { Vec3 } from "../image/volume.js";

export type Force2DDimension = 0 | 1 | 2;

/** Checks and de-duplicates a distance list (positive integers, Chebyshev norm). */
export function normaliseDistances(distances: readonly number[]): number[] {
  if (distances.length === 0)
    throw new InputError("distances is empty, expected at least one positive integer");
  const out: number[] = [];
  for (const d of distances) {
    if (!Number.isInteger(d) || d < 1) throw new InputError(`distance ${d} is not a positive integer`);
    if (!out.includes(d)) out.push(d);
  }
  return out;
}

/**
 * PyRadiomics' angle set (`generate_angles` / `build_angles_arr`) for a grid of `size` (x, y, z).
 * `force2Ddimension` is in PyRadiomics' (z, y, x) order: 0 keeps the in-plane (x, y) offsets.
 * With `bidirectional` both an offset and its opposite are returned (26 neighbours in 3D at distance 1),
 * otherwise one of each pair (13). Returns an empty array when no offset fits in the grid (single voxel).
 */
export function pyradiomicsAngles(
  size: Vec3,
  distances: readonly number[],
  force2D = false,
  force2Ddimension: Force2DDimension = 0,
  bidirectional = false,
): Int32Array {
  const dist = normaliseDistances(distances);
  // dimension d of PyRadiomics (z, y, x) is axis 2 - d of ours
  const sz = [size[2], size[1], size[0]];
  const skip = force2D ? force2Ddimension : -1;
  // count: (2d+1)^n - (2d-1)^n per distance, limited by the grid size (PyRadiomics get_angle_count)
  let total = 0;
  for (const d of dist) {
    let outer = 1;
    let inner = 1;
    for (let dim = 0; dim < 3; dim++) {
      if (dim === skip) continue;
      if (d < sz[dim]!) {
        outer *= 2 * d + 1;
        inner *= 2 * d - 1;
      } else {
        outer *= 2 * (sz[dim]! - 1) + 1;
        inner *= 2 * (sz[dim]! - 1) + 1;
      }
    }
    total += outer - inner;
  }
  if (!bidirectional) total = total / 2;
  const out = new Int32Array(total * 3);
  const maxD = Math.max(...dist);
  const nOff = 2 * maxD + 1;
  const stride = [nOff * nOff, nOff, 1];
  const limit = nOff * nOff * nOff;
  let a = 0;
  const off = [0, 0, 0];
  for (let gen = 0; a < total && gen < limit; gen++) {
    let cheb = 0;
    for (let dim = 0; dim < 3; dim++) {
      const o = maxD - (Math.floor(gen / stride[dim]!) % nOff);
      if ((dim === skip && o !== 0) || o >= sz[dim]! || o <= -sz[dim]!) {
        cheb = -1;
        break;
      }
      off[dim] = o;
      const ao = o < 0 ? -o : o;
      if (ao > cheb) cheb = ao;
    }
    if (cheb < 1 || !dist.includes(cheb)) continue;
    // store as (x, y, z)
    out[3 * a] = off[2]!;
    out[3 * a + 1] = off[1]!;
    out[3 * a + 2] = off[0]!;
    a++;
  }
  return out;
}

/**
 * IBSI direction vectors for distance `distance`: the 13 unique 3D unit directions, or the 4 in-plane
 * (x, y) ones when `twoD`, multiplied by the distance (IBSI 1 "Grey level co-occurrence based features":
 * for delta = 3 the voxels at (0,0,3), (0,3,0), ... are considered). PyRadiomics instead uses every
 * offset on the Chebyshev shell (`pyradiomicsAngles`); both agree for distance 1.
 */
export function ibsiDirections(twoD: boolean, distance = 1): Int32Array {
  const d = normaliseDistances([distance])[0]!;
  const unit = pyradiomicsAngles([1e9, 1e9, 1e9] as Vec3, [1], twoD, 0, false);
  for (let q = 0; q < unit.length; q++) unit[q] = unit[q]! * d;
  return unit;
}

/** All neighbour offsets within Chebyshev distance `distance` (26 in 3D, 8 in-plane when `twoD`). */
export function ibsiNeighbourhood(twoD: boolean, distance = 1): Int32Array {
  const ds: number[] = [];
  for (let d = 1; d <= distance; d++) ds.push(d);
  return pyradiomicsAngles([1e9, 1e9, 1e9] as Vec3, ds, twoD, 0, true);
}

export type WeightingNorm = "manhattan" | "euclidean" | "infinity" | "no_weighting";

/** Throws InputError unless `norm` is null/undefined or one of PyRadiomics' weightingNorm values. */
export function checkWeightingNorm(norm: unknown): void {
  if (norm === null || norm === undefined) return;
  if (norm !== "manhattan" && norm !== "euclidean" && norm !== "infinity" && norm !== "no_weighting")
    throw new InputError(
      `weightingNorm '${String(norm)}' is not one of manhattan, euclidean, infinity, no_weighting`,
    );
}

/**
 * Length of offset `a` (index into `offsets`) in mm under `norm` (PyRadiomics weightingNorm):
 * infinity = max |o|*s, euclidean = sqrt(sum (|o|*s)^2), manhattan = sum |o|*s; no_weighting = 1.
 */
export function offsetLength(offsets: Int32Array, a: number, spacing: Vec3, norm: WeightingNorm): number {
  const x = Math.abs(offsets[3 * a]!) * spacing[0];
  const y = Math.abs(offsets[3 * a + 1]!) * spacing[1];
  const z = Math.abs(offsets[3 * a + 2]!) * spacing[2];
  switch (norm) {
    case "infinity":
      return Math.max(z, y, x);
    case "euclidean":
      return Math.sqrt(z * z + y * y + x * x);
    case "manhattan":
      return z + y + x;
    case "no_weighting":
      return 1;
  }
}

/** Largest |component| over all offsets (padding needed around a grid to apply them without bounds checks). */
export function maxOffset(offsets: Int32Array): number {
  let m = 0;
  for (let q = 0; q < offsets.length; q++) {
    const v = Math.abs(offsets[q]!);
    if (v > m) m = v;
  }
  return m;
}
