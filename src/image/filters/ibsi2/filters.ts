/**
 * The IBSI 2 convolutional filters on a Grid (voxel units; the caller converts mm with the spacing).
 * Definitions follow the IBSI 2 reference manual (arXiv:2006.05470) and its reference implementations:
 * true convolution with the kernel's centre tap at the origin, output the size of the input.
 */
import { fft, fftn, nextSmooth } from "./fft.js";
import {
  addInPlace,
  type BoundaryMode,
  boundaryIndex,
  convolveSeparable,
  dilate,
  type Grid,
  maxInPlace,
  oddKernel,
  scaleInPlace,
} from "./grid.js";
import { lawsKernel, waveletFilters } from "./kernels.js";
import { orientations } from "./rotation.js";

export type Pooling = "max" | "mean";

/** Progress callback: `done` of `total` steps (orientations, planes) finished. */
export type Progress = (done: number, total: number) => void;

/** Mean filter: support M voxels per axis, weights 1/M^d (d = 2 in-plane or 3). */
export function meanFilter(g: Grid, support: number, twoD: boolean, mode: BoundaryMode): Grid {
  const k = new Float64Array(support).fill(1 / support);
  return convolveSeparable(g, [k, k, twoD ? undefined : k], mode);
}

/** Support (voxels) of the LoG kernel: 1 + 2 floor(truncate * sigma + 0.5). */
export function logSupport(sigmaVoxels: number, truncate: number): number {
  return 1 + 2 * Math.floor(truncate * sigmaVoxels + 0.5);
}

/**
 * Laplacian of Gaussian, IBSI 2 eq.: h(x) = -1/s^2 (2 pi s^2)^(-d/2) (d - |x|^2/s^2) exp(-|x|^2/(2 s^2)),
 * sampled (not renormalised) on a cube of side 1 + 2 floor(truncate s + 0.5). Computed exactly as the
 * sum over axes of separable terms g''(x_a) prod_{b != a} g(x_b), which equals the formula above.
 * sigma per axis in voxels ([sx, sy, sz]; sz ignored when twoD).
 */
export function logFilter(
  g: Grid,
  sigma: readonly number[],
  truncate: number,
  twoD: boolean,
  mode: BoundaryMode,
): Grid {
  const axes = twoD ? [0, 1] : [0, 1, 2];
  const gauss: Float64Array[] = [];
  const second: Float64Array[] = [];
  for (const a of axes) {
    const s = sigma[a]!;
    const m = logSupport(s, truncate);
    const c = (m - 1) / 2;
    const g0 = new Float64Array(m);
    const g2 = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const x = i - c;
      g0[i] = Math.exp((-x * x) / (2 * s * s)) / (Math.sqrt(2 * Math.PI) * s);
      g2[i] = ((x * x) / (s * s * s * s) - 1 / (s * s)) * g0[i]!;
    }
    gauss[a] = g0;
    second[a] = g2;
  }
  const out = new Float64Array(g.data.length);
  for (const a of axes) {
    const ks = axes.map((b) => (b === a ? second[b]! : gauss[b]!));
    const kk: (Float64Array | undefined)[] = [ks[0], ks[1], twoD ? undefined : ks[2]];
    addInPlace(out, convolveSeparable(g, kk, mode).data);
  }
  return { data: out, dims: g.dims };
}

export interface LawsOptions {
  kernel: string[];
  rotationInvariant: boolean;
  pooling: Pooling;
  energy: boolean;
  /** Chebyshev distance of the energy neighbourhood (window 2 delta + 1). */
  distance: number;
  mode: BoundaryMode;
  onProgress?: Progress;
}

/** Laws filter (2D when kernel has two parts), optional rotation invariance and texture energy. */
export function lawsFilter(g: Grid, o: LawsOptions): Grid {
  const ks = o.kernel.map((n) => lawsKernel(n)!);
  const twoD = ks.length === 2;
  const acc = pooledSeparable(g, ks, undefined, o.rotationInvariant, o.pooling, o.mode, 1, o.onProgress);
  if (!o.energy) return acc;
  const abs = new Float64Array(acc.data.length);
  for (let i = 0; i < abs.length; i++) abs[i] = Math.abs(acc.data[i]!);
  return meanFilter({ data: abs, dims: g.dims }, 2 * o.distance + 1, twoD, o.mode);
}

/**
 * Apply a separable kernel set in every orientation and pool. With preKernels (wavelets), levels
 * 1 .. level-1 apply the low-pass pre-filter and dilate both sets (a trous), level `level` applies
 * the band's kernels.
 */
function pooledSeparable(
  g: Grid,
  kernels: Float64Array[],
  preKernels: Float64Array[] | undefined,
  rotationInvariant: boolean,
  pooling: Pooling,
  mode: BoundaryMode,
  level: number,
  onProgress?: Progress,
): Grid {
  const odd = kernels.map((k) => oddKernel(k));
  const oddPre = preKernels?.map((k) => oddKernel(k));
  const sets = orientations(odd, oddPre, rotationInvariant);
  let acc: Float64Array | undefined;
  for (const [si, set] of sets.entries()) {
    let k = set.k;
    let pre = set.pre;
    let r = g;
    for (let l = 1; l <= level; l++) {
      if (l < level) {
        r = convolveSeparable(r, padAxes(pre!), mode);
        k = k.map(dilate);
        pre = pre!.map(dilate);
      } else r = convolveSeparable(r, padAxes(k), mode);
    }
    if (!acc) acc = Float64Array.from(r.data);
    else if (pooling === "max") maxInPlace(acc, r.data);
    else addInPlace(acc, r.data);
    onProgress?.(si + 1, sets.length);
  }
  if (pooling === "mean") scaleInPlace(acc!, 1 / sets.length);
  return { data: acc!, dims: g.dims };
}

function padAxes(k: Float64Array[]): (Float64Array | undefined)[] {
  return [k[0], k[1], k[2]];
}

export interface WaveletOptions {
  family: string;
  /** e.g. "LHL": one letter per axis, x first (two letters: 2D, in-plane) */
  band: string;
  level: number;
  rotationInvariant: boolean;
  pooling: Pooling;
  mode: BoundaryMode;
  onProgress?: Progress;
}

/** Undecimated (stationary, a trous) separable wavelet response map of one sub-band. */
export function waveletFilter(g: Grid, o: WaveletOptions): Grid {
  const f = waveletFilters(o.family)!;
  const letters = o.band.toUpperCase().split("");
  const ks = letters.map((c) => (c === "L" ? f.lo : f.hi));
  const pre = letters.map(() => f.lo);
  return pooledSeparable(g, ks, pre, o.rotationInvariant, o.pooling, o.mode, o.level, o.onProgress);
}

export interface GaborOptions {
  /** voxels */
  sigma: number;
  /** voxels */
  lambda: number;
  gamma: number;
  /** radians */
  thetas: number[];
  pooling: Pooling;
  /** stack axes: the 2D filter runs in the planes orthogonal to each (2 = axial only) */
  stackAxes: number[];
  mode: BoundaryMode;
  /**
   * Half-size of the square kernel, voxels. The IBSI 2 reference implementation uses the whole image
   * (floor of the largest in-plane dimension / 2).
   */
  halfSize?: number;
  onProgress?: Progress;
}

/** In-plane (row, column) axes of the planes orthogonal to a stack axis (0 x, 1 y, 2 z). */
export function planeAxes(stack: number): [number, number] {
  return stack === 2 ? [1, 0] : stack === 1 ? [2, 0] : [2, 1];
}

/**
 * Gabor filter: h(r, c) = exp(-(u^2 + gamma^2 v^2) / (2 sigma^2)) exp(i 2 pi u / lambda), with
 * u = sin(theta) r + cos(theta) c, v = -cos(theta) r + sin(theta) c (r the row, c the column index
 * offsets from the kernel centre), modulus of the complex response, pooled over orientations and
 * stack axes.
 */
export function gaborFilter(g: Grid, o: GaborOptions): Grid {
  const acc = new Float64Array(g.data.length);
  let count = 0;
  let mx: Float64Array | undefined;
  // theta and theta + pi give complex-conjugate kernels, hence (real image) the same modulus: each
  // distinct orientation modulo pi is computed once and weighted by how often it occurs
  const unique = new Map<number, { theta: number; weight: number }>();
  for (const t of o.thetas) {
    const key = Math.round((((t % Math.PI) + Math.PI) % Math.PI) * 1e9) % Math.round(Math.PI * 1e9);
    const u = unique.get(key);
    if (u) u.weight++;
    else unique.set(key, { theta: t, weight: 1 });
  }
  let steps = 0;
  for (const st of o.stackAxes) steps += g.dims[st]!;
  let step = 0;
  for (const stack of o.stackAxes) {
    const [ra, ca] = planeAxes(stack);
    const nr = g.dims[ra]!;
    const nc = g.dims[ca]!;
    const h = o.halfSize ?? Math.floor(Math.max(nr, nc) / 2);
    const S = 2 * h + 1;
    const Pr = nr + 2 * h;
    const Pc = nc + 2 * h;
    // any FFT length >= the padded slice gives the exact linear convolution; 2-3-5-smooth ones are fast
    const Nr = nextSmooth(Pr);
    const Nc = nextSmooth(Pc);
    const rowMap = new Int32Array(Pr);
    const colMap = new Int32Array(Pc);
    for (let p = 0; p < Pr; p++) rowMap[p] = boundaryIndex(p - h, nr, o.mode);
    for (let p = 0; p < Pc; p++) colMap[p] = boundaryIndex(p - h, nc, o.mode);
    const sr = strideOf(g.dims, ra);
    const sc = strideOf(g.dims, ca);
    const ss = strideOf(g.dims, stack);
    const ns = g.dims[stack]!;
    const dims2: [number, number, number] = [Nc, Nr, 1];
    const ir = new Float64Array(Nr * Nc);
    const ii = new Float64Array(Nr * Nc);
    // kernel spectra of every distinct orientation, then each slice transformed once for all of them
    const kernels: { kr: Float64Array; ki: Float64Array; weight: number }[] = [];
    for (const { theta, weight } of unique.values()) {
      const kr = new Float64Array(Nr * Nc);
      const ki = new Float64Array(Nr * Nc);
      const ct = Math.cos(theta);
      const st = Math.sin(theta);
      for (let a = 0; a < S; a++) {
        const r = a - h;
        for (let b = 0; b < S; b++) {
          const c = b - h;
          const v = -ct * r + st * c;
          const u = st * r + ct * c;
          const env = Math.exp(-(u * u + o.gamma * o.gamma * v * v) / (2 * o.sigma * o.sigma));
          const ph = (2 * Math.PI * u) / o.lambda;
          kr[a * Nc + b] = env * Math.cos(ph);
          ki[a * Nc + b] = env * Math.sin(ph);
        }
      }
      fftn(kr, ki, dims2);
      kernels.push({ kr, ki, weight });
      count += weight;
    }
    if (o.pooling === "max" && !mx) mx = new Float64Array(g.data.length).fill(Number.NEGATIVE_INFINITY);
    const fr = new Float64Array(Nr * Nc);
    const fi = new Float64Array(Nr * Nc);
    for (let s = 0; s < ns; s++) {
      fr.fill(0);
      fi.fill(0);
      for (let p = 0; p < Pr; p++) {
        const mr = rowMap[p]!;
        if (mr < 0) continue;
        for (let q = 0; q < Pc; q++) {
          const mc = colMap[q]!;
          if (mc < 0) continue;
          fr[p * Nc + q] = g.data[s * ss + mr * sr + mc * sc]!;
        }
      }
      fftn(fr, fi, dims2);
      for (const { kr, ki, weight } of kernels) {
        for (let t = 0; t < ir.length; t++) {
          const a = fr[t]!;
          const b = fi[t]!;
          ir[t] = a * kr[t]! - b * ki[t]!;
          ii[t] = a * ki[t]! + b * kr[t]!;
        }
        fftn(ir, ii, dims2, true);
        for (let r = 0; r < nr; r++) {
          for (let c = 0; c < nc; c++) {
            const t = (r + 2 * h) * Nc + c + 2 * h;
            const m = Math.hypot(ir[t]!, ii[t]!);
            const at = s * ss + r * sr + c * sc;
            if (o.pooling === "mean") acc[at]! += weight * m;
            else if (m > mx![at]!) mx![at] = m;
          }
        }
      }
      o.onProgress?.(++step, steps);
    }
  }
  if (o.pooling === "max") return { data: mx!, dims: g.dims };
  scaleInPlace(acc, 1 / count);
  return { data: acc, dims: g.dims };
}

function strideOf(dims: readonly number[], axis: number): number {
  return axis === 0 ? 1 : axis === 1 ? dims[0]! : dims[0]! * dims[1]!;
}

/**
 * Frequency coordinate of FFT bin k on an axis of length n, as the IBSI 2 reference code builds it: a
 * centred grid (j - (n-1)/2) / ((n-1)/2) (1 = Nyquist) brought to FFT order by ifftshift.
 */
function freqCoord(k: number, n: number): number {
  if (n === 1) return 0;
  const j = (k + Math.floor(n / 2)) % n;
  const c = (n - 1) / 2;
  return (j - c) / c;
}

/**
 * Simoncelli non-separable wavelet, level j (IBSI 2): band-pass in the Fourier domain
 * H(w) = cos(pi/2 log2(2 |w| / wmax)) for wmax/4 <= |w| <= wmax, wmax = 2^(1-j), zero elsewhere;
 * applied to the whole image by FFT (periodic boundary), real part of the response.
 */
export function simoncelliFilter(g: Grid, level: number, twoD: boolean): Grid {
  const [nx, ny, nz] = g.dims;
  const wmax = 1 / 2 ** (level - 1);
  const dims: [number, number, number] = twoD ? [nx, ny, 1] : [nx, ny, nz];
  const H = new Float64Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++) {
    const fz = twoD ? 0 : freqCoord(k, nz);
    for (let j = 0; j < dims[1]; j++) {
      const fy = freqCoord(j, ny);
      for (let i = 0; i < dims[0]; i++) {
        const fx = freqCoord(i, nx);
        const r = Math.sqrt(fx * fx + fy * fy + fz * fz);
        H[i + dims[0] * (j + dims[1] * k)] =
          r >= wmax / 4 && r <= wmax ? Math.cos((Math.PI / 2) * Math.log2((2 * r) / wmax)) : 0;
      }
    }
  }
  const out = new Float64Array(g.data.length);
  const blocks = twoD ? nz : 1;
  const bs = H.length;
  const re = new Float64Array(bs);
  const im = new Float64Array(bs);
  for (let b = 0; b < blocks; b++) {
    re.set(g.data.subarray(b * bs, (b + 1) * bs));
    im.fill(0);
    fftn(re, im, dims);
    for (let t = 0; t < bs; t++) {
      re[t]! *= H[t]!;
      im[t]! *= H[t]!;
    }
    fftn(re, im, dims, true);
    out.set(re, b * bs);
  }
  return { data: out, dims: g.dims };
}

export { fft };
