/**
 * Marching cubes / marching squares on a binary mask, exactly as PyRadiomics' C extension (cshape.c)
 * builds its mesh, so that mesh-based features match it to the last bits:
 * - the mask is cropped to the bounding box of its non-zero voxels and padded with one layer of zeros
 *   (PyRadiomics crops to the bounding box, then pads by 1 with sitk.ConstantPad / numpy.pad);
 * - cubes are visited in C order of the padded array (z slowest, x fastest), corners numbered as in
 *   cshape.c, cube indices >= 128 are complemented (and the signed volume negated);
 * - every mesh vertex lies half way along a grid edge whose two end voxels differ (the iso-level 0.5 of
 *   a binary mask), so vertex coordinates are exact half-integers of the padded grid times spacing.
 *
 * Internally axis order is PyRadiomics' (z, y, x) for the mesh arithmetic; the public inputs use this
 * project's (x, y, z) Vec3 convention. Vertex positions are also reported on the "doubled" integer
 * grid (2 * padded index), which allows exact integer geometry (convex hulls) downstream.
 */

import { EmptyRoiError, InputError } from "../errors.js";
import type { Vec3 } from "../image/volume.js";

/** A binary mask cropped to its bounding box and padded by one zero voxel on every side. */
export interface PaddedMask {
  /** 0/1 voxels, index x + nx * (y + ny * z). */
  data: Uint8Array;
  nx: number;
  ny: number;
  nz: number;
  /** Index (x, y, z) in the input grid of padded voxel (1, 1, 1), i.e. the bounding-box minimum. */
  boxMin: Vec3;
  /** Number of non-zero voxels. */
  count: number;
}

/**
 * Bounding box and count of the non-zero voxels, or undefined for an empty mask. Byte masks are
 * scanned four voxels at a time, as ROIs are usually a small part of the grid.
 */
export function nonZeroBox(
  mask: ArrayLike<number>,
  size: Vec3,
): { x0: number; y0: number; z0: number; x1: number; y1: number; z1: number; count: number } | undefined {
  const [sx, sy] = size;
  const sxy = sx * sy;
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = x0;
  let z0 = x0;
  let x1 = -1;
  let y1 = -1;
  let z1 = -1;
  let count = 0;
  const visit = (p: number) => {
    count++;
    const k = Math.floor(p / sxy);
    const r = p - k * sxy;
    const j = Math.floor(r / sx);
    const i = r - j * sx;
    if (i < x0) x0 = i;
    if (i > x1) x1 = i;
    if (j < y0) y0 = j;
    if (j > y1) y1 = j;
    if (k < z0) z0 = k;
    if (k > z1) z1 = k;
  };
  const n = mask.length;
  let start = 0;
  if (mask instanceof Uint8Array && mask.byteOffset % 4 === 0) {
    const words = new Uint32Array(mask.buffer, mask.byteOffset, n >> 2);
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      const p = w << 2;
      for (let b = 0; b < 4; b++) if (mask[p + b]) visit(p + b);
    }
    start = words.length << 2;
  }
  for (let p = start; p < n; p++) if (mask[p]) visit(p);
  if (count === 0) return undefined;
  return { x0, y0, z0, x1, y1, z1, count };
}

/** Crops `mask` (non-zero = inside) to its bounding box and pads it by one zero layer. */
export function padToBoundingBox(mask: ArrayLike<number>, size: Vec3): PaddedMask {
  const [sx, sy, sz] = size;
  if (mask.length !== sx * sy * sz) {
    throw new InputError(`mask has ${mask.length} voxels but size ${size.join("x")} needs ${sx * sy * sz}`);
  }
  const box = nonZeroBox(mask, size);
  if (!box) throw new EmptyRoiError("the mask has no non-zero voxels");
  const { x0, y0, z0, x1, y1, z1, count } = box;
  const nx = x1 - x0 + 3;
  const ny = y1 - y0 + 3;
  const nz = z1 - z0 + 3;
  const data = new Uint8Array(nx * ny * nz);
  for (let k = z0; k <= z1; k++) {
    for (let j = y0; j <= y1; j++) {
      let src = x0 + sx * (j + sy * k);
      let dst = 1 + nx * (j - y0 + 1 + ny * (k - z0 + 1));
      for (let i = x0; i <= x1; i++, src++, dst++) if (mask[src]) data[dst] = 1;
    }
  }
  return { data, nx, ny, nz, boxMin: [x0, y0, z0], count };
}

// cshape.c tables. Corner a of a cube at (z, y, x) is at (z, y, x) + CORNER[a] (z, y, x order).
const CORNER = [
  [0, 0, 0],
  [0, 0, 1],
  [0, 1, 1],
  [0, 1, 0],
  [1, 0, 0],
  [1, 0, 1],
  [1, 1, 1],
  [1, 1, 0],
] as const;

// Position of the vertex on cube edge e, relative to the cube origin, (z, y, x) order.
const EDGE_VERTEX = [
  [0, 0, 0.5],
  [0, 0.5, 1],
  [0, 1, 0.5],
  [0, 0.5, 0],
  [1, 0, 0.5],
  [1, 0.5, 1],
  [1, 1, 0.5],
  [1, 0.5, 0],
  [0.5, 0, 0],
  [0.5, 0, 1],
  [0.5, 1, 1],
  [0.5, 1, 0],
] as const;

// Triangles (edge triples, outward normals) for cube indices 0..127, as in PyRadiomics' cshape.c
// (the upper half of the classic 256-entry table is obtained by complementing the index).
const TRIANGLES_TEXT = [
  "",
  "0,8,3",
  "1,9,0",
  "1,8,3,1,9,8",
  "1,2,10",
  "0,8,3,1,2,10",
  "9,2,10,0,2,9",
  "2,8,3,2,10,8,10,9,8",
  "11,2,3",
  "11,2,0,0,8,11",
  "1,9,0,11,2,3",
  "11,2,1,1,9,11,9,8,11",
  "3,10,1,11,10,3",
  "10,1,0,0,8,10,8,11,10",
  "9,0,3,3,11,9,11,10,9",
  "9,8,10,11,10,8",
  "4,7,8",
  "0,4,3,4,7,3",
  "1,9,0,4,7,8",
  "1,9,4,1,4,7,1,7,3",
  "1,2,10,4,7,8",
  "3,4,7,3,0,4,1,2,10",
  "9,2,10,9,0,2,4,7,8",
  "2,10,9,2,9,7,2,7,3,4,7,9",
  "4,7,8,11,2,3",
  "11,4,7,11,2,4,2,0,4",
  "1,9,0,4,7,8,11,2,3",
  "4,7,11,9,4,11,11,2,9,1,9,2",
  "3,10,1,11,10,3,4,7,8",
  "11,10,1,1,4,11,1,0,4,4,7,11",
  "4,7,8,9,0,3,3,11,9,11,10,9",
  "4,7,11,4,11,9,9,11,10",
  "9,5,4",
  "9,5,4,0,8,3",
  "0,5,4,0,1,5",
  "8,5,4,8,3,5,3,1,5",
  "1,2,10,9,5,4",
  "0,8,3,1,2,10,9,5,4",
  "2,10,5,5,4,2,2,4,0",
  "2,10,5,3,2,5,3,5,4,8,3,4",
  "9,5,4,11,2,3",
  "11,2,0,0,8,11,9,5,4",
  "0,5,4,0,1,5,11,2,3",
  "2,1,5,2,5,8,11,2,8,5,4,8",
  "3,10,1,11,10,3,9,5,4",
  "5,4,9,10,1,0,0,8,10,8,11,10",
  "5,4,0,5,0,11,10,5,11,11,0,3",
  "5,4,8,10,5,8,11,10,8",
  "7,8,9,5,7,9",
  "3,0,9,5,3,9,3,5,7",
  "7,8,0,0,1,7,7,1,5",
  "1,5,7,1,7,3",
  "7,8,9,5,7,9,1,2,10",
  "1,2,10,3,0,9,3,9,5,3,5,7",
  "0,2,8,8,2,5,8,5,7,2,10,5",
  "2,10,5,2,5,3,3,5,7",
  "5,7,9,7,8,9,11,2,3",
  "5,7,9,9,7,2,2,0,9,11,2,7",
  "11,2,3,0,1,8,1,7,8,1,5,7",
  "2,1,11,1,7,11,1,5,7",
  "7,8,9,5,7,9,3,10,1,11,10,3",
  "5,7,0,5,0,9,7,11,0,10,1,0,11,10,0",
  "11,10,0,0,3,11,10,5,0,0,7,8,5,7,0",
  "11,10,5,5,7,11",
  "6,5,10",
  "0,8,3,6,5,10",
  "1,9,0,6,5,10",
  "1,8,3,1,9,8,6,5,10",
  "1,6,5,1,2,6",
  "1,6,5,1,2,6,0,8,3",
  "9,6,5,9,0,6,0,2,6",
  "5,9,8,5,8,2,5,2,6,8,3,2",
  "11,2,3,6,5,10",
  "11,2,0,0,8,11,6,5,10",
  "1,9,0,11,2,3,6,5,10",
  "11,2,1,1,9,11,9,8,11,6,5,10",
  "6,3,11,6,5,3,5,1,3",
  "0,8,11,0,11,5,0,5,1,5,11,6",
  "6,3,11,0,3,6,0,6,5,0,5,9",
  "6,5,9,6,9,11,11,9,8",
  "4,7,8,6,5,10",
  "0,4,3,4,7,3,6,5,10",
  "1,9,0,4,7,8,6,5,10",
  "1,9,4,1,4,7,1,7,3,6,5,10",
  "4,7,8,1,6,5,1,2,6",
  "0,4,3,4,7,3,1,6,5,1,2,6",
  "4,7,8,9,6,5,9,0,6,0,2,6",
  "7,3,9,4,7,9,3,2,9,5,9,6,2,6,9",
  "11,2,3,4,7,8,6,5,10",
  "11,4,7,11,2,4,2,0,4,6,5,10",
  "1,9,0,11,2,3,4,7,8,6,5,10",
  "4,7,11,9,4,11,11,2,9,1,9,2,6,5,10",
  "4,7,8,6,3,11,6,5,3,5,1,3",
  "5,1,11,5,11,6,1,0,11,4,7,11,0,4,11",
  "4,7,8,6,3,11,0,3,6,0,6,5,0,5,9",
  "6,5,9,6,9,11,4,7,9,7,11,9",
  "10,4,9,6,4,10",
  "10,4,9,6,4,10,0,8,3",
  "0,1,10,10,6,0,6,4,0",
  "1,8,3,1,6,8,8,6,4,6,1,10",
  "1,4,9,1,2,4,2,6,4",
  "1,4,9,1,2,4,2,6,4,0,8,3",
  "0,2,4,4,2,6",
  "8,3,2,8,2,4,4,2,6",
  "11,2,3,10,4,9,6,4,10",
  "11,2,0,0,8,11,10,4,9,6,4,10",
  "11,2,3,0,1,10,10,6,0,6,4,0",
  "6,4,1,6,1,10,1,4,8,11,2,1,1,8,11",
  "9,6,4,3,6,9,1,3,9,11,6,3",
  "1,8,11,0,8,1,11,6,1,1,4,9,6,4,1",
  "6,3,11,0,3,6,6,4,0",
  "8,6,4,6,8,11",
  "6,7,10,7,8,10,8,9,10",
  "6,7,10,0,10,7,0,9,10,0,7,3",
  "6,7,10,1,10,7,1,7,8,0,1,8",
  "6,7,10,1,10,7,1,7,3",
  "1,2,6,1,6,8,1,8,9,6,7,8",
  "2,6,9,1,2,9,6,7,9,3,0,9,7,3,9",
  "0,7,8,7,0,6,6,0,2",
  "2,7,3,2,6,7",
  "11,2,3,6,7,10,7,8,10,8,9,10",
  "2,0,7,11,2,7,0,9,7,6,7,10,9,10,7",
  "6,7,10,1,10,7,1,7,8,0,1,8,11,2,3",
  "11,2,1,1,7,11,10,6,1,1,6,7",
  "8,9,6,6,7,8,1,6,9,11,6,3,1,3,6",
  "0,9,1,6,7,11",
  "0,7,8,7,0,6,0,3,11,11,6,0",
  "6,7,11",
];

/** TRI[c * 16 + k]: edge indices of the triangles of cube index c, terminated by -1. */
const TRI = new Int8Array(128 * 16).fill(-1);
for (let c = 0; c < 128; c++) {
  const t = TRIANGLES_TEXT[c]!;
  if (t.length === 0) continue;
  const e = t.split(",");
  for (let k = 0; k < e.length; k++) TRI[c * 16 + k] = Number(e[k]);
}

/**
 * Mesh volume (signed tetrahedra from the origin, summed and divided by 6) and surface area of the
 * marching-cubes mesh, with cshape.c's arithmetic and summation order. `spacing` is (x, y, z).
 */
export function meshVolumeArea(p: PaddedMask, spacing: Vec3): { volume: number; area: number } {
  const { data, nx, ny, nz } = p;
  const sz = spacing[2];
  const sy = spacing[1];
  const sx = spacing[0];
  const strideZ = nx * ny;
  // corner offsets in the linear index
  const off = new Int32Array(8);
  for (let a = 0; a < 8; a++) off[a] = CORNER[a]![0] * strideZ + CORNER[a]![1] * nx + CORNER[a]![2];
  const ez = new Float64Array(12);
  const ey = new Float64Array(12);
  const ex = new Float64Array(12);
  for (let e = 0; e < 12; e++) {
    ez[e] = EDGE_VERTEX[e]![0];
    ey[e] = EDGE_VERTEX[e]![1];
    ex[e] = EDGE_VERTEX[e]![2];
  }
  let volume = 0;
  let area = 0;
  for (let iz = 0; iz < nz - 1; iz++) {
    for (let iy = 0; iy < ny - 1; iy++) {
      const rowBase = iz * strideZ + iy * nx;
      for (let ix = 0; ix < nx - 1; ix++) {
        const q = rowBase + ix;
        let cube =
          data[q + off[0]!]! |
          (data[q + off[1]!]! << 1) |
          (data[q + off[2]!]! << 2) |
          (data[q + off[3]!]! << 3) |
          (data[q + off[4]!]! << 4) |
          (data[q + off[5]!]! << 5) |
          (data[q + off[6]!]! << 6) |
          (data[q + off[7]!]! << 7);
        let sign = 1;
        if (cube & 0x80) {
          cube ^= 0xff;
          sign = -1;
        }
        if (cube === 0) continue;
        const base = cube * 16;
        for (let t = base; TRI[t]! >= 0; t += 3) {
          const ea = TRI[t]!;
          const eb = TRI[t + 1]!;
          const ec = TRI[t + 2]!;
          const a0 = (iz + ez[ea]!) * sz;
          const a1 = (iy + ey[ea]!) * sy;
          const a2 = (ix + ex[ea]!) * sx;
          const b0 = (iz + ez[eb]!) * sz;
          const b1 = (iy + ey[eb]!) * sy;
          const b2 = (ix + ex[eb]!) * sx;
          const c0 = (iz + ez[ec]!) * sz;
          const c1 = (iy + ey[ec]!) * sy;
          const c2 = (ix + ex[ec]!) * sx;
          // signed volume of the tetrahedron (origin, a, b, c) times 6: (a x b) . c
          const x0 = a1 * b2 - b1 * a2;
          const x1 = a2 * b0 - b2 * a0;
          const x2 = a0 * b1 - b0 * a1;
          volume += sign * (x0 * c0 + x1 * c1 + x2 * c2);
          // area: |(a - c) x (b - c)| / 2
          const u0 = a0 - c0;
          const u1 = a1 - c1;
          const u2 = a2 - c2;
          const v0 = b0 - c0;
          const v1 = b1 - c1;
          const v2 = b2 - c2;
          const n0 = u1 * v2 - v1 * u2;
          const n1 = u2 * v0 - v2 * u0;
          const n2 = u0 * v1 - v0 * u1;
          area += 0.5 * Math.sqrt(n0 * n0 + n1 * n1 + n2 * n2);
        }
      }
    }
  }
  return { volume: volume / 6, area };
}

/**
 * Mesh triangles as doubled-grid vertex coordinates (x, y, z per vertex, 9 numbers per triangle), in
 * cshape.c's order and orientation (outward normals). For checks and export; not needed for features.
 */
export function meshTriangles(p: PaddedMask): Int32Array {
  const { data, nx, ny, nz } = p;
  const strideZ = nx * ny;
  const out: number[] = [];
  for (let iz = 0; iz < nz - 1; iz++) {
    for (let iy = 0; iy < ny - 1; iy++) {
      for (let ix = 0; ix < nx - 1; ix++) {
        const q = iz * strideZ + iy * nx + ix;
        let cube = 0;
        for (let a = 0; a < 8; a++) {
          const c = CORNER[a]!;
          if (data[q + c[0] * strideZ + c[1] * nx + c[2]]) cube |= 1 << a;
        }
        let flip = false;
        if (cube & 0x80) {
          cube ^= 0xff;
          flip = true;
        }
        for (let t = cube * 16; TRI[t]! >= 0; t += 3) {
          const order = flip ? [0, 2, 1] : [0, 1, 2];
          for (const o of order) {
            const e = EDGE_VERTEX[TRI[t + o]!]!;
            out.push(2 * ix + 2 * e[2], 2 * iy + 2 * e[1], 2 * iz + 2 * e[0]);
          }
        }
      }
    }
  }
  return Int32Array.from(out);
}

/**
 * The mesh vertices (midpoints of grid edges whose end voxels differ) on the doubled grid: vertex v is at
 * padded index (x[v], y[v], z[v]) / 2. `flags[v]` bit 0/1/2 is set when the vertex is the first or last
 * vertex on its line parallel to the x/y/z axis. A vertex that is not extreme along one of those lines
 * lies between two others, so it is never a convex-hull vertex nor an end of a maximal diameter:
 * diameters and hulls only need the flagged vertices.
 */
export interface MeshVertices {
  x: Int32Array;
  y: Int32Array;
  z: Int32Array;
  flags: Uint8Array;
  count: number;
}

export function meshVertices(p: PaddedMask): MeshVertices {
  const { data, nx, ny, nz } = p;
  const NX = 2 * nx - 1;
  const NY = 2 * ny - 1;
  const NZ = 2 * nz - 1;
  const strideZ = nx * ny;
  // count the vertices first
  let count = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      for (let i = 0; i < nx; i++) {
        const q = row + i;
        const v = data[q]!;
        if (i + 1 < nx && data[q + 1] !== v) count++;
        if (j + 1 < ny && data[q + nx] !== v) count++;
        if (k + 1 < nz && data[q + strideZ] !== v) count++;
      }
    }
  }
  const X = new Int32Array(count);
  const Y = new Int32Array(count);
  const Z = new Int32Array(count);
  // line extremes: x-lines keyed by (Y, Z), y-lines by (X, Z), z-lines by (X, Y)
  const xMin = new Int32Array(NY * NZ).fill(0x7fffffff);
  const xMax = new Int32Array(NY * NZ).fill(-1);
  const yMin = new Int32Array(NX * NZ).fill(0x7fffffff);
  const yMax = new Int32Array(NX * NZ).fill(-1);
  const zMin = new Int32Array(NX * NY).fill(0x7fffffff);
  const zMax = new Int32Array(NX * NY).fill(-1);
  let n = 0;
  const add = (a: number, b: number, c: number) => {
    X[n] = a;
    Y[n] = b;
    Z[n] = c;
    n++;
    const kx = b + NY * c;
    if (a < xMin[kx]!) xMin[kx] = a;
    if (a > xMax[kx]!) xMax[kx] = a;
    const ky = a + NX * c;
    if (b < yMin[ky]!) yMin[ky] = b;
    if (b > yMax[ky]!) yMax[ky] = b;
    const kz = a + NX * b;
    if (c < zMin[kz]!) zMin[kz] = c;
    if (c > zMax[kz]!) zMax[kz] = c;
  };
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      for (let i = 0; i < nx; i++) {
        const q = row + i;
        const v = data[q]!;
        if (i + 1 < nx && data[q + 1] !== v) add(2 * i + 1, 2 * j, 2 * k);
        if (j + 1 < ny && data[q + nx] !== v) add(2 * i, 2 * j + 1, 2 * k);
        if (k + 1 < nz && data[q + strideZ] !== v) add(2 * i, 2 * j, 2 * k + 1);
      }
    }
  }
  const flags = new Uint8Array(count);
  for (let v = 0; v < count; v++) {
    const a = X[v]!;
    const b = Y[v]!;
    const c = Z[v]!;
    const kx = b + NY * c;
    const ky = a + NX * c;
    const kz = a + NX * b;
    let f = 0;
    if (a === xMin[kx] || a === xMax[kx]) f |= 1;
    if (b === yMin[ky] || b === yMax[ky]) f |= 2;
    if (c === zMin[kz] || c === zMax[kz]) f |= 4;
    flags[v] = f;
  }
  return { x: X, y: Y, z: Z, flags, count };
}

// ------------------------------------------------------------------------------------------------
// 2D: marching squares (cshape.c calculate_coefficients2D)
// ------------------------------------------------------------------------------------------------

/** A 2D binary mask padded by one zero pixel: pixel (u, v) at u * nv + v (u = slow axis). */
export interface PaddedMask2D {
  data: Uint8Array;
  nu: number;
  nv: number;
  count: number;
}

// square corners (u, v): p0 (0,0), p1 (0,1), p2 (1,1), p3 (1,0); edge vertices (u, v)
const SQ_EDGE_VERTEX = [
  [0, 0.5],
  [0.5, 1],
  [1, 0.5],
  [0.5, 0],
] as const;
// line segments (pairs of edges) per square index, as in cshape.c (consistent orientation)
const SQ_LINES: readonly (readonly number[])[] = [
  [],
  [3, 0],
  [0, 1],
  [3, 1],
  [1, 2],
  [1, 2, 3, 0],
  [0, 2],
  [3, 2],
  [2, 3],
  [2, 0],
  [0, 1, 2, 3],
  [2, 1],
  [1, 3],
  [1, 0],
  [0, 3],
  [],
];

/**
 * Perimeter and (signed-triangle) surface of the marching-squares contour, with cshape.c's arithmetic.
 * `spacing` is (spacing along u, spacing along v).
 */
export function marchingSquares(
  p: PaddedMask2D,
  spacing: [number, number],
): { perimeter: number; surface: number } {
  const { data, nu, nv } = p;
  const [s0, s1] = spacing;
  let perimeter = 0;
  let surface = 0;
  for (let iu = 0; iu < nu - 1; iu++) {
    for (let iv = 0; iv < nv - 1; iv++) {
      const q = iu * nv + iv;
      const sq = data[q]! | (data[q + 1]! << 1) | (data[q + nv + 1]! << 2) | (data[q + nv]! << 3);
      if (sq === 0 || sq === 15) continue;
      const lines = SQ_LINES[sq]!;
      for (let t = 0; t < lines.length; t += 2) {
        const ea = SQ_EDGE_VERTEX[lines[t]!]!;
        const eb = SQ_EDGE_VERTEX[lines[t + 1]!]!;
        const a0 = (iu + ea[0]) * s0;
        const a1 = (iv + ea[1]) * s1;
        const b0 = (iu + eb[0]) * s0;
        const b1 = (iv + eb[1]) * s1;
        surface += a0 * b1 - b0 * a1;
        const d0 = a0 - b0;
        const d1 = a1 - b1;
        perimeter += Math.sqrt(d0 * d0 + d1 * d1);
      }
    }
  }
  return { perimeter, surface: surface / 2 };
}

/**
 * Contour vertices of a padded 2D mask on the doubled grid (u, v) = 2 * index, restricted to those
 * that are extreme along their u- or v-line in both directions (the only possible diameter ends).
 */
export function contourDiameterCandidates(p: PaddedMask2D): { u: Int32Array; v: Int32Array; count: number } {
  const { data, nu, nv } = p;
  const NU = 2 * nu - 1;
  const NV = 2 * nv - 1;
  const us: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < nu; i++) {
    for (let j = 0; j < nv; j++) {
      const q = i * nv + j;
      const val = data[q]!;
      if (j + 1 < nv && data[q + 1] !== val) {
        us.push(2 * i);
        vs.push(2 * j + 1);
      }
      if (i + 1 < nu && data[q + nv] !== val) {
        us.push(2 * i + 1);
        vs.push(2 * j);
      }
    }
  }
  const uMin = new Int32Array(NV).fill(0x7fffffff);
  const uMax = new Int32Array(NV).fill(-1);
  const vMin = new Int32Array(NU).fill(0x7fffffff);
  const vMax = new Int32Array(NU).fill(-1);
  for (let k = 0; k < us.length; k++) {
    const a = us[k]!;
    const b = vs[k]!;
    if (a < uMin[b]!) uMin[b] = a;
    if (a > uMax[b]!) uMax[b] = a;
    if (b < vMin[a]!) vMin[a] = b;
    if (b > vMax[a]!) vMax[a] = b;
  }
  const u: number[] = [];
  const v: number[] = [];
  for (let k = 0; k < us.length; k++) {
    const a = us[k]!;
    const b = vs[k]!;
    if ((a === uMin[b] || a === uMax[b]) && (b === vMin[a] || b === vMax[a])) {
      u.push(a);
      v.push(b);
    }
  }
  return { u: Int32Array.from(u), v: Int32Array.from(v), count: u.length };
}
