/**
 * Geometry helpers of the shape and morphology families: principal component analysis of voxel
 * centres (PyRadiomics' and IBSI's axis lengths), an exact-integer 3D convex hull of mesh vertices,
 * and maximal diameters.
 *
 * Mesh vertices lie on the doubled integer grid (see marchingCubes.ts), so hull predicates are exact
 * integer determinants (no epsilon, no robustness issues with the many coplanar vertices of a voxel
 * mesh). Physical coordinates are formed as PyRadiomics forms them, (index + 0.5 k) * spacing.
 */

import { InputError } from "../errors.js";
import type { Vec3 } from "../image/volume.js";
import type { MeshVertices, PaddedMask, PaddedMask2D } from "./marchingCubes.js";

// ------------------------------------------------------------------------------------------------
// PCA
// ------------------------------------------------------------------------------------------------

/** Eigenvalues (ascending) of a symmetric n x n matrix (row-major), by cyclic Jacobi rotations. */
export function symmetricEigenvalues(m: ArrayLike<number>, n: number): Float64Array {
  const a = Float64Array.from(m);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! * a[p * n + q]!;
    if (off === 0) break;
    let diag = 0;
    for (let p = 0; p < n; p++) diag += a[p * n + p]! * a[p * n + p]!;
    if (off <= 1e-36 * diag) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
      }
    }
  }
  const ev = new Float64Array(n);
  for (let p = 0; p < n; p++) ev[p] = a[p * n + p]!;
  ev.sort();
  return ev;
}

/**
 * Covariance eigenvalues (ascending, biased 1/N covariance) of a point set given as rows of `pts`
 * (N x d, row-major), computed as PyRadiomics does: centre, divide by sqrt(N), X^T X. Tiny negative
 * eigenvalues (> -1e-10, rounding in flat sets) are set to 0 as in PyRadiomics.
 */
export function covarianceEigenvalues(pts: Float64Array, d: number): Float64Array {
  const n = pts.length / d;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += pts[i * d + k]!;
  for (let k = 0; k < d; k++) mean[k] = mean[k]! / n;
  const sq = Math.sqrt(n);
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) row[k] = (pts[i * d + k]! - mean[k]!) / sq;
    for (let r = 0; r < d; r++) for (let c = r; c < d; c++) cov[r * d + c] += row[r]! * row[c]!;
  }
  for (let r = 0; r < d; r++) for (let c = 0; c < r; c++) cov[r * d + c] = cov[c * d + r]!;
  const ev = symmetricEigenvalues(cov, d);
  for (let k = 0; k < d; k++) if (ev[k]! < 0 && ev[k]! > -1e-10) ev[k] = 0;
  return ev;
}

/**
 * Eigenvalues (ascending) of the covariance of the physical voxel-centre coordinates of a padded mask,
 * in PyRadiomics' (z, y, x) order and padded-grid origin. `spacing` is (x, y, z).
 */
export function voxelPcaEigenvalues(p: PaddedMask, spacing: Vec3): Float64Array {
  const pts = new Float64Array(p.count * 3);
  let n = 0;
  let q = 0;
  for (let k = 0; k < p.nz; k++) {
    for (let j = 0; j < p.ny; j++) {
      for (let i = 0; i < p.nx; i++, q++) {
        if (!p.data[q]) continue;
        pts[n++] = k * spacing[2];
        pts[n++] = j * spacing[1];
        pts[n++] = i * spacing[0];
      }
    }
  }
  return covarianceEigenvalues(pts, 3);
}

/** Same for a 2D padded mask; `spacing` is (along u, along v). */
export function pixelPcaEigenvalues(p: PaddedMask2D, spacing: [number, number]): Float64Array {
  const pts = new Float64Array(p.count * 2);
  let n = 0;
  for (let i = 0; i < p.nu; i++) {
    for (let j = 0; j < p.nv; j++) {
      if (!p.data[i * p.nv + j]) continue;
      pts[n++] = i * spacing[0];
      pts[n++] = j * spacing[1];
    }
  }
  return covarianceEigenvalues(pts, 2);
}

// ------------------------------------------------------------------------------------------------
// Diameters
// ------------------------------------------------------------------------------------------------

/**
 * Largest squared distance between the given doubled-grid points, with PyRadiomics' arithmetic:
 * coordinates (X / 2) * spacing, distance dz^2 + dy^2 + dx^2 summed in that order. `sel` lists the
 * point indices to consider.
 */
function maxSquaredDistance(v: MeshVertices, sel: Int32Array, spacing: Vec3): number {
  const m = sel.length;
  const px = new Float64Array(m);
  const py = new Float64Array(m);
  const pz = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const i = sel[k]!;
    px[k] = v.x[i]! * 0.5 * spacing[0];
    py[k] = v.y[i]! * 0.5 * spacing[1];
    pz[k] = v.z[i]! * 0.5 * spacing[2];
  }
  let best = 0;
  for (let a = 0; a < m; a++) {
    const ax = px[a]!;
    const ay = py[a]!;
    const az = pz[a]!;
    for (let b = a + 1; b < m; b++) {
      const dz = az - pz[b]!;
      const dy = ay - py[b]!;
      const dx = ax - px[b]!;
      const d = dz * dz + dy * dy + dx * dx;
      if (d > best) best = d;
    }
  }
  return best;
}

/** Maximal diameter within each plane of one family of axis-aligned planes (`axis` fixed). */
function maxPlaneDiameter(v: MeshVertices, spacing: Vec3, axis: 0 | 1 | 2): number {
  const coord = axis === 0 ? v.x : axis === 1 ? v.y : v.z;
  // candidates: extreme along both in-plane axes
  const need = 7 & ~(1 << axis);
  let maxC = 0;
  for (let i = 0; i < v.count; i++) if ((v.flags[i]! & need) === need && coord[i]! > maxC) maxC = coord[i]!;
  const start = new Int32Array(maxC + 2);
  for (let i = 0; i < v.count; i++) if ((v.flags[i]! & need) === need) start[coord[i]! + 1]!++;
  for (let c = 0; c <= maxC; c++) start[c + 1]! += start[c]!;
  const order = new Int32Array(start[maxC + 1]!);
  const fill = start.slice();
  for (let i = 0; i < v.count; i++) if ((v.flags[i]! & need) === need) order[fill[coord[i]!]!++] = i;
  let best = 0;
  for (let c = 0; c <= maxC; c++) {
    if (start[c + 1]! - start[c]! < 2) continue;
    const d = maxSquaredDistance(v, order.subarray(start[c]!, start[c + 1]!), spacing);
    if (d > best) best = d;
  }
  return Math.sqrt(best);
}

/**
 * PyRadiomics' mesh diameters: the largest vertex-to-vertex distance overall (Maximum3DDiameter) and
 * between vertices sharing a z (Slice), y (Column) or x (Row) coordinate.
 */
export function meshDiameters(
  v: MeshVertices,
  spacing: Vec3,
  /** Convex-hull vertex indices when already known (they contain the ends of the 3D diameter). */
  hullVertices?: Int32Array,
): { max3D: number; slice: number; column: number; row: number } {
  if (hullVertices) {
    return {
      max3D: Math.sqrt(maxSquaredDistance(v, hullVertices, spacing)),
      slice: maxPlaneDiameter(v, spacing, 2),
      column: maxPlaneDiameter(v, spacing, 1),
      row: maxPlaneDiameter(v, spacing, 0),
    };
  }
  let m = 0;
  for (let i = 0; i < v.count; i++) if (v.flags[i] === 7) m++;
  let sel: Int32Array = new Int32Array(m);
  m = 0;
  for (let i = 0; i < v.count; i++) if (v.flags[i] === 7) sel[m++] = i;
  if (m > 2000) {
    // reduce to the convex hull vertices (the two ends of a maximal distance are hull vertices)
    const hull = convexHull3D(v.x, v.y, v.z, sel);
    sel = hullVertexIndices(hull);
  }
  return {
    max3D: Math.sqrt(maxSquaredDistance(v, sel, spacing)),
    slice: maxPlaneDiameter(v, spacing, 2),
    column: maxPlaneDiameter(v, spacing, 1),
    row: maxPlaneDiameter(v, spacing, 0),
  };
}

// ------------------------------------------------------------------------------------------------
// Exact 3D convex hull (quickhull with conflict lists, integer coordinates)
// ------------------------------------------------------------------------------------------------

/** Hull faces as triples of point indices (into the coordinate arrays), outward counter-clockwise. */
export interface ConvexHull {
  faces: Int32Array;
  nFaces: number;
}

/**
 * Convex hull of the integer points `sel` (indices into x, y, z). Coordinates must be non-negative
 * integers below 2^14 (doubled grid: ROI bounding boxes up to 8190 voxels per axis) so that every
 * orientation determinant is exact in double precision. Returns no faces when the points are coplanar.
 */
export function convexHull3D(x: Int32Array, y: Int32Array, z: Int32Array, sel: Int32Array): ConvexHull {
  const m = sel.length;
  const px = new Float64Array(m);
  const py = new Float64Array(m);
  const pz = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    px[k] = x[sel[k]!]!;
    py[k] = y[sel[k]!]!;
    pz[k] = z[sel[k]!]!;
    if (!(px[k]! >= 0 && px[k]! < 16384 && py[k]! >= 0 && py[k]! < 16384 && pz[k]! >= 0 && pz[k]! < 16384)) {
      throw new InputError(
        "convex hull: the ROI bounding box is too large for exact hull arithmetic (limit 8190 voxels per axis)",
      );
    }
  }
  const orient = (a: number, b: number, c: number, d: number): number => {
    const ax = px[a]!;
    const ay = py[a]!;
    const az = pz[a]!;
    const bx = px[b]! - ax;
    const by = py[b]! - ay;
    const bz = pz[b]! - az;
    const cx = px[c]! - ax;
    const cy = py[c]! - ay;
    const cz = pz[c]! - az;
    const dx = px[d]! - ax;
    const dy = py[d]! - ay;
    const dz = pz[d]! - az;
    return dx * (by * cz - bz * cy) + dy * (bz * cx - bx * cz) + dz * (bx * cy - by * cx);
  };
  const empty: ConvexHull = { faces: new Int32Array(0), nFaces: 0 };
  if (m < 4) return empty;
  // initial tetrahedron
  let i0 = 0;
  for (let k = 1; k < m; k++) if (px[k]! < px[i0]!) i0 = k;
  let i1 = -1;
  let best = 0;
  for (let k = 0; k < m; k++) {
    const d = (px[k]! - px[i0]!) ** 2 + (py[k]! - py[i0]!) ** 2 + (pz[k]! - pz[i0]!) ** 2;
    if (d > best) {
      best = d;
      i1 = k;
    }
  }
  if (i1 < 0) return empty;
  let i2 = -1;
  best = 0;
  for (let k = 0; k < m; k++) {
    const ux = px[i1]! - px[i0]!;
    const uy = py[i1]! - py[i0]!;
    const uz = pz[i1]! - pz[i0]!;
    const vx = px[k]! - px[i0]!;
    const vy = py[k]! - py[i0]!;
    const vz = pz[k]! - pz[i0]!;
    const d = (uy * vz - uz * vy) ** 2 + (uz * vx - ux * vz) ** 2 + (ux * vy - uy * vx) ** 2;
    if (d > best) {
      best = d;
      i2 = k;
    }
  }
  if (i2 < 0) return empty;
  let i3 = -1;
  best = 0;
  for (let k = 0; k < m; k++) {
    const d = Math.abs(orient(i0, i1, i2, k));
    if (d > best) {
      best = d;
      i3 = k;
    }
  }
  if (i3 < 0) return empty;

  const fa: number[] = [];
  const fb: number[] = [];
  const fc: number[] = [];
  const alive: number[] = [];
  const outside: (number[] | null)[] = [];
  const edges = new Map<number, number>();
  const key = (a: number, b: number) => a * m + b;
  const addFace = (a: number, b: number, c: number): number => {
    const f = fa.length;
    fa.push(a);
    fb.push(b);
    fc.push(c);
    alive.push(1);
    outside.push(null);
    edges.set(key(a, b), f);
    edges.set(key(b, c), f);
    edges.set(key(c, a), f);
    return f;
  };
  const tetra = [
    [i0, i1, i2, i3],
    [i0, i1, i3, i2],
    [i0, i2, i3, i1],
    [i1, i2, i3, i0],
  ];
  const initial: number[] = [];
  for (const [a, b, c, d] of tetra) {
    // outward: the opposite vertex must be on the negative side
    if (orient(a!, b!, c!, d!) > 0) initial.push(addFace(a!, c!, b!));
    else initial.push(addFace(a!, b!, c!));
  }
  const assign = (pt: number, faces: number[]): void => {
    for (const f of faces) {
      if (orient(fa[f]!, fb[f]!, fc[f]!, pt) > 0) {
        let o = outside[f];
        if (!o) outside[f] = o = [];
        o.push(pt);
        return;
      }
    }
  };
  for (let k = 0; k < m; k++) if (k !== i0 && k !== i1 && k !== i2 && k !== i3) assign(k, initial);

  const stack = initial.slice();
  const state: number[] = []; // per face: stamp*2 + (visible ? 1 : 0)
  let stamp = 0;
  while (stack.length > 0) {
    const f = stack.pop()!;
    const out = outside[f];
    if (!alive[f] || !out || out.length === 0) continue;
    // farthest point (largest determinant) of the outside set
    let pt = out[0]!;
    let far = -1;
    for (const q of out) {
      const d = orient(fa[f]!, fb[f]!, fc[f]!, q);
      if (d > far) {
        far = d;
        pt = q;
      }
    }
    stamp++;
    const visible: number[] = [f];
    state[f] = stamp * 2 + 1;
    const horizon: number[] = [];
    for (let h = 0; h < visible.length; h++) {
      const g = visible[h]!;
      const ev = [fa[g]!, fb[g]!, fb[g]!, fc[g]!, fc[g]!, fa[g]!];
      for (let e = 0; e < 6; e += 2) {
        const u = ev[e]!;
        const w = ev[e + 1]!;
        const nb = edges.get(key(w, u))!;
        const st = state[nb];
        let vis: boolean;
        if (st !== undefined && st >> 1 === stamp) vis = (st & 1) === 1;
        else {
          vis = orient(fa[nb]!, fb[nb]!, fc[nb]!, pt) > 0;
          state[nb] = stamp * 2 + (vis ? 1 : 0);
          if (vis) visible.push(nb);
        }
        if (!vis) horizon.push(u, w);
      }
    }
    const orphans: number[] = [];
    for (const g of visible) {
      alive[g] = 0;
      const o = outside[g];
      if (o) for (const q of o) if (q !== pt) orphans.push(q);
      outside[g] = null;
      // remove the face's edges unless another face already re-used the key
      if (edges.get(key(fa[g]!, fb[g]!)) === g) edges.delete(key(fa[g]!, fb[g]!));
      if (edges.get(key(fb[g]!, fc[g]!)) === g) edges.delete(key(fb[g]!, fc[g]!));
      if (edges.get(key(fc[g]!, fa[g]!)) === g) edges.delete(key(fc[g]!, fa[g]!));
    }
    const created: number[] = [];
    for (let e = 0; e < horizon.length; e += 2) created.push(addFace(horizon[e]!, horizon[e + 1]!, pt));
    for (const q of orphans) assign(q, created);
    for (const g of created) if (outside[g]) stack.push(g);
  }
  const faces: number[] = [];
  for (let f = 0; f < fa.length; f++) {
    if (alive[f]) faces.push(sel[fa[f]!]!, sel[fb[f]!]!, sel[fc[f]!]!);
  }
  return { faces: Int32Array.from(faces), nFaces: faces.length / 3 };
}

/** Distinct point indices used by the hull faces. */
export function hullVertexIndices(h: ConvexHull): Int32Array {
  const s = new Set<number>();
  for (let k = 0; k < h.faces.length; k++) s.add(h.faces[k]!);
  return Int32Array.from(s);
}

/**
 * Volume and surface area of a convex hull of doubled-grid points, in physical units. The volume is
 * summed exactly on the integer grid (relative to one hull vertex) and scaled once; the area uses
 * physical coordinates.
 */
export function hullVolumeArea(
  h: ConvexHull,
  x: Int32Array,
  y: Int32Array,
  z: Int32Array,
  spacing: Vec3,
): { volume: number; area: number } {
  if (h.nFaces === 0) return { volume: 0, area: 0 };
  const o = h.faces[0]!;
  const ox = x[o]!;
  const oy = y[o]!;
  const oz = z[o]!;
  let vol6 = 0;
  let area = 0;
  const hx = 0.5 * spacing[0];
  const hy = 0.5 * spacing[1];
  const hz = 0.5 * spacing[2];
  for (let f = 0; f < h.nFaces; f++) {
    const a = h.faces[3 * f]!;
    const b = h.faces[3 * f + 1]!;
    const c = h.faces[3 * f + 2]!;
    const ax = x[a]! - ox;
    const ay = y[a]! - oy;
    const az = z[a]! - oz;
    const bx = x[b]! - ox;
    const by = y[b]! - oy;
    const bz = z[b]! - oz;
    const cx = x[c]! - ox;
    const cy = y[c]! - oy;
    const cz = z[c]! - oz;
    vol6 += ax * (by * cz - bz * cy) + ay * (bz * cx - bx * cz) + az * (bx * cy - by * cx);
    const ux = (bx - ax) * hx;
    const uy = (by - ay) * hy;
    const uz = (bz - az) * hz;
    const vx = (cx - ax) * hx;
    const vy = (cy - ay) * hy;
    const vz = (cz - az) * hz;
    const nx = uy * vz - uz * vy;
    const ny = uz * vx - ux * vz;
    const nz = ux * vy - uy * vx;
    area += 0.5 * Math.sqrt(nx * nx + ny * ny + nz * nz);
  }
  return { volume: (Math.abs(vol6) / 6) * hx * hy * hz, area };
}
