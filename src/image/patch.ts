/**
 * Patch sampling for deep-learning models: a regular grid of `size` voxels at `spacing` mm, centred on a
 * world point, with its axes along anatomical directions given as a code such as "SPL" (first tensor
 * axis towards Superior, second towards Posterior, third towards Left: MONAI's `axcodes`, but in tensor
 * order). Each patch voxel is sampled from the image at its world position, so resampling, re-orientation
 * and cropping are one step and no intermediate volume is built.
 *
 * Conventions:
 * - The patch voxel with index floor(n / 2) along each axis lies on the centre point (MONAI's centred crop
 *   [c - n/2, c + n/2) puts the seed voxel there).
 * - A patch voxel whose centre falls outside the image's voxel extent (continuous index outside
 *   [-0.5, n - 0.5] on some axis) gets `padValue`; inside, it is interpolated (linear: trilinear on the
 *   eight nearest voxel centres, with the index clamped to [0, n - 1] so that the half voxel at the border
 *   repeats the edge value; nearest: the voxel containing the point).
 * - The output is a Float32Array in C order of the tensor axes (last axis fastest).
 */
import { InputError } from "../errors.js";
import type { Vec3, Volume } from "./volume.js";

export type Interpolation = "linear" | "nearest";

export interface PatchSpec {
  /** World (LPS, mm) centre of the patch. */
  center: Vec3;
  /** Number of voxels along tensor axes 0, 1, 2. */
  size: Vec3;
  /** Voxel spacing (mm) along tensor axes 0, 1, 2. */
  spacing: Vec3;
  /** Anatomical direction of each tensor axis, e.g. "SPL" or "LPS" or "RAS". */
  axes: string;
  interpolation: Interpolation;
  /** Value of patch voxels outside the image (NaN marks them for a later step). */
  padValue: number;
}

/** LPS unit vector of an anatomical direction letter. */
const DIRECTION: Record<string, Vec3> = {
  L: [1, 0, 0],
  R: [-1, 0, 0],
  P: [0, 1, 0],
  A: [0, -1, 0],
  S: [0, 0, 1],
  I: [0, 0, -1],
};

/** The LPS direction vectors of the three tensor axes of an axis code ("SPL" -> [S, P, L]). */
export function axisDirections(code: string): [Vec3, Vec3, Vec3] {
  const c = code.toUpperCase();
  if (c.length !== 3 || ![...c].every((ch) => ch in DIRECTION))
    throw new InputError(`axis code must be three of the letters L/R, P/A, S/I (e.g. "SPL"), got "${code}"`);
  const used = new Set([...c].map((ch) => ({ L: 0, R: 0, P: 1, A: 1, S: 2, I: 2 })[ch as "L"]));
  if (used.size !== 3)
    throw new InputError(`axis code "${code}" must name each of the three anatomical axes once`);
  return [DIRECTION[c[0]!]!, DIRECTION[c[1]!]!, DIRECTION[c[2]!]!];
}

/**
 * World position of patch voxel (a, b, c): center + sum_t (idx_t - floor(n_t / 2)) * spacing_t * dir_t.
 * Exposed for tests and diagnostics.
 */
export function patchVoxelWorld(spec: PatchSpec, idx: Vec3): Vec3 {
  const dirs = axisDirections(spec.axes);
  const p: Vec3 = [...spec.center] as Vec3;
  for (let t = 0; t < 3; t++) {
    const off = (idx[t]! - Math.floor(spec.size[t]! / 2)) * spec.spacing[t]!;
    for (let r = 0; r < 3; r++) p[r] = p[r]! + off * dirs[t]![r]!;
  }
  return p;
}

function checkSpec(spec: PatchSpec): void {
  for (let t = 0; t < 3; t++) {
    const n = spec.size[t]!;
    if (!Number.isInteger(n) || n < 1)
      throw new InputError(`patch size must be positive integers, got [${spec.size.join(", ")}]`);
    const s = spec.spacing[t]!;
    if (!Number.isFinite(s) || s <= 0)
      throw new InputError(`patch spacing must be positive (mm), got [${spec.spacing.join(", ")}]`);
    if (!Number.isFinite(spec.center[t]!))
      throw new InputError(`patch centre must be a finite point, got [${spec.center.join(", ")}]`);
  }
  if (Number.isFinite(spec.padValue) === false && !Number.isNaN(spec.padValue))
    throw new InputError(`padValue must be finite (or NaN as an outside marker), got ${spec.padValue}`);
}

/**
 * Samples the patch. The mapping world -> continuous image index is affine, so the index of every patch
 * voxel is the start index plus integer steps along three precomputed index-space vectors.
 */
export function samplePatch(image: Volume, spec: PatchSpec): Float32Array {
  checkSpec(spec);
  const dirs = axisDirections(spec.axes);
  const [n0, n1, n2] = spec.size;
  const [nx, ny, nz] = image.size;
  const data = image.data;
  // index-space step of one patch voxel along each tensor axis: D^T * dir * spacing / image spacing
  const D = image.direction;
  const step: number[][] = [];
  for (let t = 0; t < 3; t++) {
    const v = [0, 0, 0];
    for (let a = 0; a < 3; a++) {
      let dot = 0;
      for (let r = 0; r < 3; r++) dot += D[r * 3 + a]! * dirs[t]![r]!;
      v[a] = (dot * spec.spacing[t]!) / image.spacing[a]!;
    }
    step.push(v);
  }
  const first = image.worldToIndex(patchVoxelWorld(spec, [0, 0, 0]));
  const out = new Float32Array(n0 * n1 * n2);
  const linear = spec.interpolation === "linear";
  const sxy = nx * ny;
  const s0 = step[0]!;
  const s1 = step[1]!;
  const s2 = step[2]!;
  let o = 0;
  for (let a = 0; a < n0; a++) {
    for (let b = 0; b < n1; b++) {
      let x = first[0] + a * s0[0]! + b * s1[0]!;
      let y = first[1] + a * s0[1]! + b * s1[1]!;
      let z = first[2] + a * s0[2]! + b * s1[2]!;
      for (let c = 0; c < n2; c++, o++, x += s2[0]!, y += s2[1]!, z += s2[2]!) {
        // round away tiny floating-point noise so that points exactly on a voxel centre or border stay there
        const xi = Math.abs(x - Math.round(x)) < 1e-9 ? Math.round(x) : x;
        const yi = Math.abs(y - Math.round(y)) < 1e-9 ? Math.round(y) : y;
        const zi = Math.abs(z - Math.round(z)) < 1e-9 ? Math.round(z) : z;
        if (xi < -0.5 || yi < -0.5 || zi < -0.5 || xi > nx - 0.5 || yi > ny - 0.5 || zi > nz - 0.5) {
          out[o] = spec.padValue;
          continue;
        }
        if (!linear) {
          // the voxel containing the point; a point on a border between two voxels goes to the upper one
          const i = Math.min(nx - 1, Math.floor(xi + 0.5));
          const j = Math.min(ny - 1, Math.floor(yi + 0.5));
          const k = Math.min(nz - 1, Math.floor(zi + 0.5));
          out[o] = data[i + nx * j + sxy * k]!;
          continue;
        }
        const cx = Math.min(Math.max(xi, 0), nx - 1);
        const cy = Math.min(Math.max(yi, 0), ny - 1);
        const cz = Math.min(Math.max(zi, 0), nz - 1);
        const i0 = Math.min(Math.floor(cx), Math.max(nx - 2, 0));
        const j0 = Math.min(Math.floor(cy), Math.max(ny - 2, 0));
        const k0 = Math.min(Math.floor(cz), Math.max(nz - 2, 0));
        const fx = cx - i0;
        const fy = cy - j0;
        const fz = cz - k0;
        const i1 = nx > 1 ? i0 + 1 : i0;
        const r0 = nx * j0;
        const r1 = ny > 1 ? r0 + nx : r0;
        const p0 = sxy * k0;
        const p1 = nz > 1 ? p0 + sxy : p0;
        const c00 = data[i0 + r0 + p0]! * (1 - fx) + data[i1 + r0 + p0]! * fx;
        const c10 = data[i0 + r1 + p0]! * (1 - fx) + data[i1 + r1 + p0]! * fx;
        const c01 = data[i0 + r0 + p1]! * (1 - fx) + data[i1 + r0 + p1]! * fx;
        const c11 = data[i0 + r1 + p1]! * (1 - fx) + data[i1 + r1 + p1]! * fx;
        out[o] = (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
      }
    }
  }
  return out;
}

/** World (LPS) centroid of the voxels of `mask` equal to `label` (mean of their voxel centres). */
export function maskCentroid(mask: Volume, label: number, source?: string): Vec3 {
  const [nx, ny, nz] = mask.size;
  const d = mask.data;
  let si = 0;
  let sj = 0;
  let sk = 0;
  let n = 0;
  let o = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, o++)
        if (d[o] === label) {
          si += i;
          sj += j;
          sk += k;
          n++;
        }
  if (n === 0) throw new InputError(`label ${label} is not present in the mask`, source);
  return mask.indexToWorld([si / n, sj / n, sk / n]);
}
