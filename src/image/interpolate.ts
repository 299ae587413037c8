/**
 * IBSI 1 image and ROI interpolation (IBSI "Interpolation", VTM2).
 *
 * Grid rules of the IBSI manual:
 * - grid size (026Q): n_b = ceil(n_a s_a / s_b) per axis;
 * - grid position, "align grid centres" (3WE3, QCY4): in grid (index) coordinates of the original image
 *   the new grid starts at x_b = (n_a - 1 - (s_b / s_a)(n_b - 1)) / 2 and steps by s_b / s_a, so both
 *   grids share their centre;
 * - the new grid reaches beyond the original one: the original is extended with its nearest boundary
 *   values (for linear interpolation: the sample coordinate is clamped to [0, n_a - 1]);
 * - intensities are interpolated in double precision (IBSI asks for at least 32-bit); CT intensities are
 *   rounded to the nearest integer afterwards (68QD);
 * - the ROI mask is interpolated the same way and binarised with a partial-volume threshold (E8H9):
 *   R = 1 where R_interp >= delta (0.5 by default).
 *
 * An axis whose spacing is kept (null, or equal to the current spacing) is not interpolated: its grid
 * is the original one, so "2D" (in-plane, bilinear) interpolation is trilinear interpolation with the
 * slice axis kept. Cubic interpolation is the cubic B-spline of scipy.ndimage.map_coordinates(order=3,
 * mode="nearest") (the image is extended by 12 edge values, B-spline coefficients are computed with
 * mirror boundaries, then the spline is evaluated), which is what the IBSI reference implementation
 * (MIRP) uses for "tricubic spline" interpolation.
 *
 * The world geometry follows: new spacing s_b, same direction, origin at the world position of the
 * first new grid point. Everything works in index space, so direction cosines play no part.
 */

import { InputError } from "../errors.js";
import { type Vec3, Volume } from "./volume.js";

export type InterpolationMethod = "nearest" | "linear" | "cubic";

/** Target spacing per axis (x, y, z); null keeps the axis as it is (e.g. [2, 2, null] for in-plane). */
export type TargetSpacing = readonly [number | null, number | null, number | null];

/** The interpolation grid of one image, in the original image's index coordinates and in the world. */
export interface IbsiGrid {
  /** New grid size n_b. */
  size: Vec3;
  /** New spacing s_b (mm). */
  spacing: Vec3;
  /** Original-index coordinate of the first new grid point, x_b,g per axis. */
  start: Vec3;
  /** Step between new grid points in original-index units, s_b / s_a per axis. */
  step: Vec3;
  /** World position of the first new grid point. */
  origin: Vec3;
  direction: Volume["direction"];
  /** Per axis: true when the axis is kept (no interpolation along it). */
  kept: [boolean, boolean, boolean];
}

/** Relative tolerance under which a target spacing equals the current one, and n_a s_a / s_b is integral. */
const REL_TOL = 1e-9;

/**
 * The IBSI "align grid centres" interpolation grid for `geom` at `target` spacing.
 * n_b = ceil(n_a s_a / s_b), where a quotient within 1e-9 (relative) of an integer counts as that integer
 * (so that 204 x 0.977 / 0.977 does not become 205 through rounding noise).
 */
export function ibsiInterpolationGrid(
  geom: { size: Vec3; spacing: Vec3; origin: Vec3; direction: Volume["direction"] },
  target: TargetSpacing,
): IbsiGrid {
  const size: Vec3 = [0, 0, 0];
  const spacing: Vec3 = [0, 0, 0];
  const start: Vec3 = [0, 0, 0];
  const step: Vec3 = [1, 1, 1];
  const kept: [boolean, boolean, boolean] = [false, false, false];
  for (let a = 0; a < 3; a++) {
    const na = geom.size[a]!;
    const sa = geom.spacing[a]!;
    const t = target[a];
    if (t !== null && t !== undefined && !(Number.isFinite(t) && t > 0)) {
      throw new InputError(`interpolation spacing along axis ${a} is ${t}, must be positive`);
    }
    if (t === null || t === undefined || Math.abs(t - sa) <= REL_TOL * sa) {
      size[a] = na;
      spacing[a] = sa;
      kept[a] = true;
      continue;
    }
    const q = (na * sa) / t;
    const qr = Math.round(q);
    const nb = Math.abs(q - qr) <= REL_TOL * q ? qr : Math.ceil(q);
    size[a] = Math.max(1, nb);
    spacing[a] = t;
    step[a] = t / sa;
    start[a] = 0.5 * (na - 1 - step[a] * (size[a] - 1)); // IBSI QCY4
  }
  const d = geom.direction;
  const s0 = start[0] * geom.spacing[0];
  const s1 = start[1] * geom.spacing[1];
  const s2 = start[2] * geom.spacing[2];
  const origin: Vec3 = [
    geom.origin[0] + d[0] * s0 + d[1] * s1 + d[2] * s2,
    geom.origin[1] + d[3] * s0 + d[4] * s1 + d[5] * s2,
    geom.origin[2] + d[6] * s0 + d[7] * s1 + d[8] * s2,
  ];
  return { size, spacing, start, step, origin, direction: [...geom.direction] as Volume["direction"], kept };
}

/** Per-axis linear interpolation table: lower index, upper index and the upper weight, per new point. */
interface AxisTable {
  lo: Int32Array;
  hi: Int32Array;
  w: Float64Array;
}

function linearTable(n: number, na: number, start: number, step: number, kept: boolean): AxisTable {
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const w = new Float64Array(n);
  for (let q = 0; q < n; q++) {
    if (kept) {
      lo[q] = q;
      hi[q] = q;
      continue;
    }
    // clamp: values beyond the grid are those of the nearest boundary voxel
    const x = Math.min(Math.max(start + q * step, 0), na - 1);
    const i0 = Math.min(Math.floor(x), na - 1);
    const f = x - i0;
    lo[q] = i0;
    hi[q] = f > 0 ? i0 + 1 : i0;
    w[q] = f;
  }
  return { lo, hi, w };
}

function nearestTable(n: number, na: number, start: number, step: number, kept: boolean): AxisTable {
  const lo = new Int32Array(n);
  for (let q = 0; q < n; q++) {
    // round half up, as ITK's nearest-neighbour interpolator
    lo[q] = kept ? q : Math.min(Math.max(Math.floor(start + q * step + 0.5), 0), na - 1);
  }
  return { lo, hi: lo, w: new Float64Array(n) };
}

/** Trilinear (or nearest) interpolation of `src` (grid size `sizeA`) at the separable grid of the tables. */
function sampleSeparable(
  src: ArrayLike<number>,
  sizeA: Vec3,
  tx: AxisTable,
  ty: AxisTable,
  tz: AxisTable,
  out: Float64Array,
): void {
  const [nax, nay] = sizeA;
  const nx = tx.lo.length;
  const ny = ty.lo.length;
  const nz = tz.lo.length;
  let p = 0;
  for (let k = 0; k < nz; k++) {
    const z0 = tz.lo[k]! * nax * nay;
    const z1 = tz.hi[k]! * nax * nay;
    const wz = tz.w[k]!;
    for (let j = 0; j < ny; j++) {
      const y0 = ty.lo[j]! * nax;
      const y1 = ty.hi[j]! * nax;
      const wy = ty.w[j]!;
      const r00 = z0 + y0;
      const r01 = z0 + y1;
      const r10 = z1 + y0;
      const r11 = z1 + y1;
      for (let i = 0; i < nx; i++, p++) {
        const x0 = tx.lo[i]!;
        const x1 = tx.hi[i]!;
        const wx = tx.w[i]!;
        const c00 = src[r00 + x0]! + wx * (src[r00 + x1]! - src[r00 + x0]!);
        const c01 = src[r01 + x0]! + wx * (src[r01 + x1]! - src[r01 + x0]!);
        const c10 = src[r10 + x0]! + wx * (src[r10 + x1]! - src[r10 + x0]!);
        const c11 = src[r11 + x0]! + wx * (src[r11 + x1]! - src[r11 + x0]!);
        const c0 = c00 + wy * (c01 - c00);
        const c1 = c10 + wy * (c11 - c10);
        out[p] = c0 + wz * (c1 - c0);
      }
    }
  }
}

// --- cubic B-spline (scipy.ndimage order 3, mode "nearest") ------------------------------------------

const SPLINE_PAD = 12; // scipy pads by 12 edge values for mode "nearest" before the spline prefilter
const POLE = Math.sqrt(3) - 2; // cubic B-spline pole

/**
 * In-place cubic B-spline prefilter of one line (offset `off`, stride `st`, length n) with mirror
 * boundaries (whole-sample symmetric extension, period 2n - 2): gain, causal and anti-causal recursions
 * with the exact mirror initialisations (Unser 1999; scipy's spline_filter1d).
 */
function splineFilterLine(c: Float64Array, off: number, n: number, st: number): void {
  if (n === 1) return;
  const z = POLE;
  const gain = (1 - z) * (1 - 1 / z);
  for (let q = 0; q < n; q++) c[off + q * st] = c[off + q * st]! * gain;
  // causal: c+(0) = sum_k z^k c~(k) over one period of the mirrored line, / (1 - z^(2n-2))
  const zn1 = z ** (n - 1);
  let sum = c[off]! + zn1 * c[off + (n - 1) * st]!;
  let zi = z;
  for (let q = 1; q < n - 1; q++) {
    sum += zi * (c[off + q * st]! + zn1 * c[off + (n - 1 - q) * st]!);
    zi *= z;
  }
  c[off] = sum / (1 - zn1 * zn1);
  for (let q = 1; q < n; q++) c[off + q * st] = c[off + q * st]! + z * c[off + (q - 1) * st]!;
  // anti-causal
  const last = off + (n - 1) * st;
  c[last] = (z / (z * z - 1)) * (z * c[off + (n - 2) * st]! + c[last]!);
  for (let q = n - 2; q >= 0; q--) c[off + q * st] = z * (c[off + (q + 1) * st]! - c[off + q * st]!);
}

/** Cubic B-spline weights at fractional offset t in [0, 1) for the 4 samples floor(x) - 1 .. floor(x) + 2. */
function bsplineWeights(t: number, w: Float64Array, o: number): void {
  const t2 = t * t;
  const t3 = t2 * t;
  const u = 1 - t;
  w[o] = (u * u * u) / 6;
  w[o + 1] = (3 * t3 - 6 * t2 + 4) / 6;
  w[o + 2] = (-3 * t3 + 3 * t2 + 3 * t + 1) / 6;
  w[o + 3] = t3 / 6;
}

/** Mirror an index into [0, n - 1] (scipy "mirror": ... 2 1 | 0 1 2 ... n-1 | n-2 ...). */
function mirrorIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n - 2;
  let r = i % period;
  if (r < 0) r += period;
  return r < n ? r : period - r;
}

interface CubicTable {
  /** 4 padded-grid indices per new point. */
  idx: Int32Array;
  /** 4 weights per new point. */
  w: Float64Array;
}

function cubicTable(n: number, nPadded: number, start: number, step: number, kept: boolean): CubicTable {
  const idx = new Int32Array(4 * n);
  const w = new Float64Array(4 * n);
  for (let q = 0; q < n; q++) {
    const x = (kept ? q : start + q * step) + SPLINE_PAD;
    const i0 = Math.floor(x);
    bsplineWeights(x - i0, w, 4 * q);
    for (let r = 0; r < 4; r++) idx[4 * q + r] = mirrorIndex(i0 - 1 + r, nPadded);
  }
  return { idx, w };
}

/** Cubic B-spline coefficients of `src` extended by SPLINE_PAD edge values along the interpolated axes. */
function splineCoefficients(
  src: ArrayLike<number>,
  sizeA: Vec3,
  kept: readonly boolean[],
): {
  c: Float64Array;
  size: Vec3;
  pad: Vec3;
} {
  const pad: Vec3 = [0, 1, 2].map((a) => (kept[a] ? 0 : SPLINE_PAD)) as Vec3;
  const size: Vec3 = [sizeA[0] + 2 * pad[0], sizeA[1] + 2 * pad[1], sizeA[2] + 2 * pad[2]];
  const [px, py, pz] = size;
  const c = new Float64Array(px * py * pz);
  let p = 0;
  for (let k = 0; k < pz; k++) {
    const kk = Math.min(Math.max(k - pad[2], 0), sizeA[2] - 1);
    for (let j = 0; j < py; j++) {
      const jj = Math.min(Math.max(j - pad[1], 0), sizeA[1] - 1);
      const row = sizeA[0] * (jj + sizeA[1] * kk);
      for (let i = 0; i < px; i++, p++) {
        const ii = Math.min(Math.max(i - pad[0], 0), sizeA[0] - 1);
        c[p] = src[row + ii]!;
      }
    }
  }
  // separable prefilter along the interpolated axes (a kept axis is sampled at its knots: identity)
  if (!kept[0])
    for (let k = 0; k < pz; k++) for (let j = 0; j < py; j++) splineFilterLine(c, px * (j + py * k), px, 1);
  if (!kept[1])
    for (let k = 0; k < pz; k++) for (let i = 0; i < px; i++) splineFilterLine(c, i + px * py * k, py, px);
  if (!kept[2])
    for (let j = 0; j < py; j++) for (let i = 0; i < px; i++) splineFilterLine(c, i + px * j, pz, px * py);
  return { c, size, pad };
}

function sampleCubic(src: ArrayLike<number>, sizeA: Vec3, grid: IbsiGrid, out: Float64Array): void {
  const { c, size: ps } = splineCoefficients(src, sizeA, grid.kept);
  const [nx, ny, nz] = grid.size;
  const tabs = [0, 1, 2].map((a) =>
    grid.kept[a] ? null : cubicTable(grid.size[a]!, ps[a]!, grid.start[a]!, grid.step[a]!, false),
  );
  const [px, py] = ps;
  // kept axes: a single tap at the same index
  const tap = (a: number, q: number): { idx: number[]; w: number[] } => {
    const t = tabs[a];
    if (!t) return { idx: [q], w: [1] };
    return {
      idx: [t.idx[4 * q]!, t.idx[4 * q + 1]!, t.idx[4 * q + 2]!, t.idx[4 * q + 3]!],
      w: [t.w[4 * q]!, t.w[4 * q + 1]!, t.w[4 * q + 2]!, t.w[4 * q + 3]!],
    };
  };
  const xTaps = Array.from({ length: nx }, (_, i) => tap(0, i));
  let p = 0;
  for (let k = 0; k < nz; k++) {
    const tz = tap(2, k);
    for (let j = 0; j < ny; j++) {
      const ty = tap(1, j);
      for (let i = 0; i < nx; i++, p++) {
        const tx = xTaps[i]!;
        let s = 0;
        for (let c2 = 0; c2 < tz.idx.length; c2++) {
          const oz = tz.idx[c2]! * px * py;
          let sy = 0;
          for (let c1 = 0; c1 < ty.idx.length; c1++) {
            const oy = oz + ty.idx[c1]! * px;
            let sx = 0;
            for (let c0 = 0; c0 < tx.idx.length; c0++) sx += tx.w[c0]! * c[oy + tx.idx[c0]!]!;
            sy += ty.w[c1]! * sx;
          }
          s += tz.w[c2]! * sy;
        }
        out[p] = s;
      }
    }
  }
}

// --- public API ----------------------------------------------------------------------------------------

/** Sample `vol` on `grid` with `method`; returns the raw (unrounded) Float64 values. */
export function sampleOnGrid(vol: Volume, grid: IbsiGrid, method: InterpolationMethod): Float64Array {
  const [nx, ny, nz] = grid.size;
  const out = new Float64Array(nx * ny * nz);
  if (method === "cubic") {
    sampleCubic(vol.data, vol.size, grid, out);
    return out;
  }
  const table = method === "nearest" ? nearestTable : linearTable;
  if (method !== "linear" && method !== "nearest")
    throw new InputError(`interpolation method '${method}' is not one of nearest, linear, cubic`);
  const t = [0, 1, 2].map((a) =>
    table(grid.size[a]!, vol.size[a]!, grid.start[a]!, grid.step[a]!, grid.kept[a]!),
  ) as [AxisTable, AxisTable, AxisTable];
  sampleSeparable(vol.data, vol.size, t[0], t[1], t[2], out);
  return out;
}

/** Round half to even (numpy.round), the IEEE default: no bias for values ending in .5. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface ImageInterpolationOptions {
  method: InterpolationMethod;
  /** Round the interpolated intensities to the nearest integer (IBSI 68QD; CT). Default false. */
  round?: boolean;
}

/**
 * IBSI image interpolation to `target` spacing (null keeps an axis) on the "align grid centres" grid.
 * Returns a Float64 volume with the new geometry.
 */
export function ibsiInterpolateImage(
  image: Volume,
  target: TargetSpacing,
  options: ImageInterpolationOptions,
): Volume<Float64Array> {
  const grid = ibsiInterpolationGrid(image, target);
  const out = sampleOnGrid(image, grid, options.method);
  if (options.round) for (let v = 0; v < out.length; v++) out[v] = roundHalfEven(out[v]!);
  return new Volume(out, grid);
}

export interface MaskInterpolationOptions {
  /** ROI interpolation method (IBSI: nearest or linear; default linear). */
  method?: InterpolationMethod;
  /** Partial-volume threshold delta: R = 1 where R_interp >= delta (default 0.5). */
  threshold?: number;
}

/**
 * IBSI ROI mask interpolation: the binary mask (non-zero = ROI) is interpolated as 0/1 values on the same
 * grid as the image, then binarised with the partial-volume threshold (IBSI E8H9).
 */
export function ibsiInterpolateMask(
  mask: Volume,
  target: TargetSpacing,
  options: MaskInterpolationOptions = {},
): Volume<Uint8Array> {
  const method = options.method ?? "linear";
  const delta = options.threshold ?? 0.5;
  if (!(delta > 0 && delta <= 1)) throw new InputError(`partial-volume threshold ${delta} must be in (0, 1]`);
  const grid = ibsiInterpolationGrid(mask, target);
  const bin = new Uint8Array(mask.count);
  for (let v = 0; v < bin.length; v++) bin[v] = mask.data[v] ? 1 : 0;
  const frac = sampleOnGrid(mask.withData(bin), grid, method);
  const out = new Uint8Array(frac.length);
  // a tiny tolerance so that 0.49999999999999994 from rounding noise counts as 0.5
  const cut = delta - 1e-12;
  for (let v = 0; v < out.length; v++) out[v] = frac[v]! >= cut ? 1 : 0;
  return new Volume(out, grid);
}
