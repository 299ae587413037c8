/**
 * IBSI 2 filtering primitives: a 3D grid of float64 values (x fastest, as Volume), boundary modes and
 * 1D convolution along an axis with scipy.ndimage.convolve1d semantics (the IBSI 2 reference
 * implementations use them): for a kernel w of odd length n = 2c + 1,
 *   out[i] = sum_j w[j] * in[i + c - j]
 * i.e. a true convolution whose origin is the centre tap. Even-length kernels get a trailing zero first.
 */

/** IBSI 2 boundary modes (manual section "boundary conditions"). */
export type BoundaryMode = "constant" | "nearest" | "periodic" | "mirror";
export const BOUNDARY_MODES: readonly BoundaryMode[] = ["constant", "nearest", "periodic", "mirror"];

/**
 * Map an out-of-range index into [0, n) (or -1 for constant/zero padding).
 * mirror is the IBSI definition: the image is mirrored about its edge, the edge voxel repeated
 * (... c b a | a b c ... ; scipy "reflect", numpy "symmetric").
 */
export function boundaryIndex(i: number, n: number, mode: BoundaryMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case "constant":
      return -1;
    case "nearest":
      return i < 0 ? 0 : n - 1;
    case "periodic":
      return ((i % n) + n) % n;
    case "mirror": {
      const p = 2 * n;
      const m = ((i % p) + p) % p;
      return m < n ? m : p - 1 - m;
    }
  }
}

export interface Grid {
  data: Float64Array;
  /** [nx, ny, nz] */
  dims: [number, number, number];
}

export function grid(dims: [number, number, number], data?: Float64Array): Grid {
  return { data: data ?? new Float64Array(dims[0] * dims[1] * dims[2]), dims };
}

/** Odd-length copy of a kernel (even kernels get a trailing zero, as the IBSI 2 reference code does). */
export function oddKernel(w: ArrayLike<number>): Float64Array {
  const n = w.length % 2 === 0 ? w.length + 1 : w.length;
  const out = new Float64Array(n);
  for (let i = 0; i < w.length; i++) out[i] = w[i]!;
  return out;
}

/** Convolve along one axis (0 = x, 1 = y, 2 = z). Returns a new grid. */
export function convolveAxis(g: Grid, kernel: ArrayLike<number>, axis: number, mode: BoundaryMode): Grid {
  const w = oddKernel(kernel);
  const n = w.length;
  const c = (n - 1) >> 1;
  const [nx, ny, nz] = g.dims;
  const len = g.dims[axis]!;
  const out = new Float64Array(g.data.length);
  const src = g.data;
  // source index of every padded position (-1 = zero); out[i] = sum_q wr[q] * padded[i + q]
  const map = new Int32Array(len + 2 * c);
  for (let p = 0; p < len + 2 * c; p++) map[p] = boundaryIndex(p - c, len, mode);
  const wr = new Float64Array(n);
  for (let q = 0; q < n; q++) wr[q] = w[n - 1 - q]!;
  if (axis === 0) {
    const buf = new Float64Array(len + 2 * c);
    for (let start = 0; start < src.length; start += nx) {
      for (let p = 0; p < buf.length; p++) {
        const m = map[p]!;
        buf[p] = m < 0 ? 0 : src[start + m]!;
      }
      for (let i = 0; i < len; i++) {
        let s = 0;
        for (let q = 0; q < n; q++) s += wr[q]! * buf[i + q]!;
        out[start + i] = s;
      }
    }
    return { data: out, dims: [nx, ny, nz] };
  }
  // y or z: whole rows (y) or slices (z) at a time, contiguous in memory
  const block = axis === 1 ? nx : nx * ny;
  const outer = axis === 1 ? nz : 1;
  const outerStride = axis === 1 ? nx * ny : 0;
  for (let o = 0; o < outer; o++) {
    const base = o * outerStride;
    for (let j = 0; j < len; j++) {
      const dst = base + j * block;
      for (let q = 0; q < n; q++) {
        const r = map[j + q]!;
        const wq = wr[q]!;
        if (r < 0 || wq === 0) continue;
        const from = base + r * block;
        for (let i = 0; i < block; i++) out[dst + i]! += wq * src[from + i]!;
      }
    }
  }
  return { data: out, dims: [nx, ny, nz] };
}

/** Separable convolution: kernels[a] along axis a (undefined = axis untouched). */
export function convolveSeparable(
  g: Grid,
  kernels: readonly (ArrayLike<number> | undefined)[],
  mode: BoundaryMode,
): Grid {
  let r = g;
  // z, y, x order as the reference implementation (exact arithmetic is order independent)
  for (const axis of [2, 1, 0]) {
    const k = kernels[axis];
    if (k) r = convolveAxis(r, k, axis, mode);
  }
  return r;
}

/** Dilate a kernel for the a trous algorithm: a zero between every pair of taps (length 2n - 1). */
export function dilate(w: ArrayLike<number>): Float64Array {
  const out = new Float64Array(2 * w.length - 1);
  for (let i = 0; i < w.length; i++) out[2 * i] = w[i]!;
  return out;
}

export function addInPlace(acc: Float64Array, x: Float64Array): void {
  for (let i = 0; i < acc.length; i++) acc[i]! += x[i]!;
}

export function maxInPlace(acc: Float64Array, x: Float64Array): void {
  for (let i = 0; i < acc.length; i++) if (x[i]! > acc[i]!) acc[i] = x[i]!;
}

export function scaleInPlace(acc: Float64Array, s: number): void {
  for (let i = 0; i < acc.length; i++) acc[i]! *= s;
}
