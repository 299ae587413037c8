/**
 * Laplacian of Gaussian as PyRadiomics computes it (imageoperations.getLoGImage), i.e. SimpleITK's
 * LaplacianRecursiveGaussianImageFilter with NormalizeAcrossScale on and sigma in millimetres.
 *
 * ITK's recursive Gaussian is Deriche's 4th-order IIR approximation (Deriche 1993, "Recursively
 * implementing the Gaussian and its derivatives"; coefficients of ITK's RecursiveGaussianImageFilter):
 * every line along one axis is filtered by a causal and an anti-causal 4-tap recursion whose start-up
 * assumes the border value continues to infinity. The Laplacian is the sum over axes d of
 * (second derivative along d, then zero-order smoothing along the other axes in increasing order) scaled
 * by 1 / spacing_d^2; with NormalizeAcrossScale the second-derivative kernel is multiplied by sigma^2 (mm).
 *
 * Precision follows ITK: each line is filtered in float64, every intermediate image is float32 (ITK's
 * InternalRealType), the accumulation of the three terms is float32.
 *
 * Speed: the result inside a box (the ROI bounding box) only needs full lines along the axis being
 * filtered, so after each pass only the rows the later passes read are kept. The values in the box are
 * identical to those of the whole-image filter.
 */

import { InputError } from "../../errors.js";
import type { BoundingBox } from "../geometry.js";
import { type Vec3, Volume, type VoxelArray } from "../volume.js";

/** The 20 coefficients of one ITK recursive Gaussian line filter. */
export interface RecursiveCoefficients {
  n0: number;
  n1: number;
  n2: number;
  n3: number;
  d1: number;
  d2: number;
  d3: number;
  d4: number;
  m1: number;
  m2: number;
  m3: number;
  m4: number;
  bn1: number;
  bn2: number;
  bn3: number;
  bn4: number;
  bm1: number;
  bm2: number;
  bm3: number;
  bm4: number;
}

// Deriche's fitted exponential series (a0/b0: Gaussian, a2/b2: second derivative), shared by both
// exponential terms' frequency (w) and decay (l) parameters.
const A1 = [1.353, -0.6724, -1.3563];
const B1 = [1.8151, -3.4327, 5.2318];
const W1 = 0.6681;
const L1 = -1.3932;
const A2 = [-0.3531, 0.6724, 0.3446];
const B2 = [0.0902, 0.61, -2.2355];
const W2 = 2.0787;
const L2 = -1.3732;

function nCoefficients(sigmad: number, a1: number, b1: number, a2: number, b2: number) {
  const s1 = Math.sin(W1 / sigmad);
  const s2 = Math.sin(W2 / sigmad);
  const c1 = Math.cos(W1 / sigmad);
  const c2 = Math.cos(W2 / sigmad);
  const e1 = Math.exp(L1 / sigmad);
  const e2 = Math.exp(L2 / sigmad);
  const n0 = a1 + a2;
  let n1 = e2 * (b2 * s2 - (a2 + 2 * a1) * c2);
  n1 += e1 * (b1 * s1 - (a1 + 2 * a2) * c1);
  let n2 = (a1 + a2) * c2 * c1;
  n2 -= b1 * c2 * s1 + b2 * c1 * s2;
  n2 *= 2 * e1 * e2;
  n2 += a2 * e1 * e1 + a1 * e2 * e2;
  let n3 = e2 * e1 * e1 * (b2 * s2 - a2 * c2);
  n3 += e1 * e2 * e2 * (b1 * s1 - a1 * c1);
  return {
    n0,
    n1,
    n2,
    n3,
    sn: n0 + n1 + n2 + n3,
    dn: n1 + 2 * n2 + 3 * n3,
    en: n1 + 4 * n2 + 9 * n3,
  };
}

/**
 * Coefficients of ITK's RecursiveGaussianImageFilter for `order` 0 (smoothing) or 2 (second derivative),
 * sigma in mm, `spacing` the voxel spacing along the filtered axis.
 */
export function recursiveGaussianCoefficients(
  sigma: number,
  spacing: number,
  order: 0 | 2,
  normalizeAcrossScale: boolean,
): RecursiveCoefficients {
  const sigmad = sigma / Math.abs(spacing);
  const c1 = Math.cos(W1 / sigmad);
  const c2 = Math.cos(W2 / sigmad);
  const e1 = Math.exp(L1 / sigmad);
  const e2 = Math.exp(L2 / sigmad);
  const d4 = e1 * e1 * e2 * e2;
  let d3 = -2 * c1 * e1 * e2 * e2;
  d3 += -2 * c2 * e2 * e1 * e1;
  let d2 = 4 * c2 * c1 * e1 * e2;
  d2 += e1 * e1 + e2 * e2;
  const d1 = -2 * (e2 * c2 + e1 * c1);
  const sd = 1 + d1 + d2 + d3 + d4;
  const dd = d1 + 2 * d2 + 3 * d3 + 4 * d4;
  const ed = d1 + 4 * d2 + 9 * d3 + 16 * d4;

  let n0: number;
  let n1: number;
  let n2: number;
  let n3: number;
  if (order === 0) {
    const n = nCoefficients(sigmad, A1[0]!, B1[0]!, A2[0]!, B2[0]!);
    const alpha0 = (2 * n.sn) / sd - n.n0;
    n0 = n.n0 / alpha0;
    n1 = n.n1 / alpha0;
    n2 = n.n2 / alpha0;
    n3 = n.n3 / alpha0;
  } else {
    const scale = normalizeAcrossScale ? sigma * sigma : 1;
    const g = nCoefficients(sigmad, A1[0]!, B1[0]!, A2[0]!, B2[0]!);
    const h = nCoefficients(sigmad, A1[2]!, B1[2]!, A2[2]!, B2[2]!);
    // beta removes the DC response of the second-derivative kernel
    const beta = -(2 * h.sn - sd * h.n0) / (2 * g.sn - sd * g.n0);
    n0 = h.n0 + beta * g.n0;
    n1 = h.n1 + beta * g.n1;
    n2 = h.n2 + beta * g.n2;
    n3 = h.n3 + beta * g.n3;
    const sn = h.sn + beta * g.sn;
    const dn = h.dn + beta * g.dn;
    const en = h.en + beta * g.en;
    let alpha2 = en * sd * sd - ed * sn * sd - 2 * dn * dd * sd + 2 * dd * dd * sn;
    alpha2 /= sd * sd * sd;
    n0 *= scale / alpha2;
    n1 *= scale / alpha2;
    n2 *= scale / alpha2;
    n3 *= scale / alpha2;
  }
  // both orders are symmetric kernels: anti-causal taps mirror the causal ones
  const m1 = n1 - d1 * n0;
  const m2 = n2 - d2 * n0;
  const m3 = n3 - d3 * n0;
  const m4 = -d4 * n0;
  // boundary coefficients: the border value extended to infinity (steady state of the recursion)
  const sn = n0 + n1 + n2 + n3;
  const sm = m1 + m2 + m3 + m4;
  return {
    n0,
    n1,
    n2,
    n3,
    d1,
    d2,
    d3,
    d4,
    m1,
    m2,
    m3,
    m4,
    bn1: (d1 * sn) / sd,
    bn2: (d2 * sn) / sd,
    bn3: (d3 * sn) / sd,
    bn4: (d4 * sn) / sd,
    bm1: (d1 * sm) / sd,
    bm2: (d2 * sm) / sd,
    bm3: (d3 * sm) / sd,
    bm4: (d4 * sm) / sd,
  };
}

/**
 * Filter one line `x` (length ln >= 4) into `out`, with `tmp` as scratch: ITK's
 * RecursiveSeparableImageFilter::FilterDataArray (causal + anti-causal recursions, border extension).
 */
export function recursiveFilterLine(
  c: RecursiveCoefficients,
  x: Float64Array,
  out: Float64Array,
  tmp: Float64Array,
  ln: number,
): void {
  const { n0, n1, n2, n3, d1, d2, d3, d4, m1, m2, m3, m4 } = c;
  const v1 = x[0]!;
  out[0] = v1 * n0 + v1 * n1 + v1 * n2 + v1 * n3;
  out[1] = x[1]! * n0 + v1 * n1 + v1 * n2 + v1 * n3;
  out[2] = x[2]! * n0 + x[1]! * n1 + v1 * n2 + v1 * n3;
  out[3] = x[3]! * n0 + x[2]! * n1 + x[1]! * n2 + v1 * n3;
  out[0] -= v1 * c.bn1 + v1 * c.bn2 + v1 * c.bn3 + v1 * c.bn4;
  out[1] -= out[0]! * d1 + v1 * c.bn2 + v1 * c.bn3 + v1 * c.bn4;
  out[2] -= out[1]! * d1 + out[0]! * d2 + v1 * c.bn3 + v1 * c.bn4;
  out[3] -= out[2]! * d1 + out[1]! * d2 + out[0]! * d3 + v1 * c.bn4;
  for (let i = 4; i < ln; i++) {
    const s = x[i]! * n0 + x[i - 1]! * n1 + x[i - 2]! * n2 + x[i - 3]! * n3;
    out[i] = s - (out[i - 1]! * d1 + out[i - 2]! * d2 + out[i - 3]! * d3 + out[i - 4]! * d4);
  }
  const v2 = x[ln - 1]!;
  const e = ln - 1;
  tmp[e] = v2 * m1 + v2 * m2 + v2 * m3 + v2 * m4;
  tmp[e - 1] = x[e]! * m1 + v2 * m2 + v2 * m3 + v2 * m4;
  tmp[e - 2] = x[e - 1]! * m1 + x[e]! * m2 + v2 * m3 + v2 * m4;
  tmp[e - 3] = x[e - 2]! * m1 + x[e - 1]! * m2 + x[e]! * m3 + v2 * m4;
  tmp[e] -= v2 * c.bm1 + v2 * c.bm2 + v2 * c.bm3 + v2 * c.bm4;
  tmp[e - 1] -= tmp[e]! * d1 + v2 * c.bm2 + v2 * c.bm3 + v2 * c.bm4;
  tmp[e - 2] -= tmp[e - 1]! * d1 + tmp[e]! * d2 + v2 * c.bm3 + v2 * c.bm4;
  tmp[e - 3] -= tmp[e - 2]! * d1 + tmp[e - 1]! * d2 + tmp[e]! * d3 + v2 * c.bm4;
  for (let i = ln - 4; i > 0; i--) {
    const s = x[i]! * m1 + x[i + 1]! * m2 + x[i + 2]! * m3 + x[i + 3]! * m4;
    tmp[i - 1] = s - (tmp[i]! * d1 + tmp[i + 1]! * d2 + tmp[i + 2]! * d3 + tmp[i + 3]! * d4);
  }
  for (let i = 0; i < ln; i++) out[i]! += tmp[i]!;
}

interface LineBuffers {
  x: Float64Array;
  y: Float64Array;
  t: Float64Array;
  px: Float64Array;
  py: Float64Array;
  pt: Float64Array;
}

/**
 * recursiveFilterLine on `w` interleaved lines at once: x[i * w + k] is sample i of line k. Same
 * arithmetic, in the same order, per line.
 */
function recursiveFilterPlane(
  c: RecursiveCoefficients,
  x: Float64Array,
  out: Float64Array,
  tmp: Float64Array,
  ln: number,
  w: number,
): void {
  const { n0, n1, n2, n3, d1, d2, d3, d4, m1, m2, m3, m4, bn1, bn2, bn3, bn4, bm1, bm2, bm3, bm4 } = c;
  const e = ln - 1;
  for (let k = 0; k < w; k++) {
    const v1 = x[k]!;
    const a1 = x[w + k]!;
    const a2 = x[2 * w + k]!;
    const a3 = x[3 * w + k]!;
    let o0 = v1 * n0 + v1 * n1 + v1 * n2 + v1 * n3;
    let o1 = a1 * n0 + v1 * n1 + v1 * n2 + v1 * n3;
    let o2 = a2 * n0 + a1 * n1 + v1 * n2 + v1 * n3;
    let o3 = a3 * n0 + a2 * n1 + a1 * n2 + v1 * n3;
    o0 -= v1 * bn1 + v1 * bn2 + v1 * bn3 + v1 * bn4;
    o1 -= o0 * d1 + v1 * bn2 + v1 * bn3 + v1 * bn4;
    o2 -= o1 * d1 + o0 * d2 + v1 * bn3 + v1 * bn4;
    o3 -= o2 * d1 + o1 * d2 + o0 * d3 + v1 * bn4;
    out[k] = o0;
    out[w + k] = o1;
    out[2 * w + k] = o2;
    out[3 * w + k] = o3;
    const v2 = x[e * w + k]!;
    const b1 = x[(e - 1) * w + k]!;
    const b2 = x[(e - 2) * w + k]!;
    let t0 = v2 * m1 + v2 * m2 + v2 * m3 + v2 * m4;
    let t1 = v2 * m1 + v2 * m2 + v2 * m3 + v2 * m4;
    let t2 = b1 * m1 + v2 * m2 + v2 * m3 + v2 * m4;
    let t3 = b2 * m1 + b1 * m2 + v2 * m3 + v2 * m4;
    t0 -= v2 * bm1 + v2 * bm2 + v2 * bm3 + v2 * bm4;
    t1 -= t0 * d1 + v2 * bm2 + v2 * bm3 + v2 * bm4;
    t2 -= t1 * d1 + t0 * d2 + v2 * bm3 + v2 * bm4;
    t3 -= t2 * d1 + t1 * d2 + t0 * d3 + v2 * bm4;
    tmp[e * w + k] = t0;
    tmp[(e - 1) * w + k] = t1;
    tmp[(e - 2) * w + k] = t2;
    tmp[(e - 3) * w + k] = t3;
  }
  for (let i = 4; i < ln; i++) {
    const r = i * w;
    for (let k = 0; k < w; k++) {
      const s = x[r + k]! * n0 + x[r - w + k]! * n1 + x[r - 2 * w + k]! * n2 + x[r - 3 * w + k]! * n3;
      out[r + k] =
        s -
        (out[r - w + k]! * d1 +
          out[r - 2 * w + k]! * d2 +
          out[r - 3 * w + k]! * d3 +
          out[r - 4 * w + k]! * d4);
    }
  }
  for (let i = ln - 4; i > 0; i--) {
    const r = (i - 1) * w;
    const q = i * w;
    for (let k = 0; k < w; k++) {
      const s = x[q + k]! * m1 + x[q + w + k]! * m2 + x[q + 2 * w + k]! * m3 + x[q + 3 * w + k]! * m4;
      tmp[r + k] =
        s - (tmp[q + k]! * d1 + tmp[q + w + k]! * d2 + tmp[q + 2 * w + k]! * d3 + tmp[q + 3 * w + k]! * d4);
    }
  }
  const n = ln * w;
  for (let i = 0; i < n; i++) out[i]! += tmp[i]!;
}

/** A block of an image: data over the global index ranges [lo, hi] (inclusive) per axis. */
interface Block {
  data: ArrayLike<number>;
  lo: Vec3;
  hi: Vec3;
}

const dimsOf = (b: { lo: Vec3; hi: Vec3 }): Vec3 => [
  b.hi[0] - b.lo[0] + 1,
  b.hi[1] - b.lo[1] + 1,
  b.hi[2] - b.lo[2] + 1,
];

/**
 * One recursive pass along `axis` over `src` (which must span the whole image along `axis`), keeping the
 * output over `keepLo..keepHi` (global, inclusive) on every axis. Output is float32, as ITK's.
 */
function pass(
  src: Block,
  axis: number,
  c: RecursiveCoefficients,
  keepLo: Vec3,
  keepHi: Vec3,
  buf: LineBuffers,
): Block {
  const sd = dimsOf(src);
  const od = dimsOf({ lo: keepLo, hi: keepHi });
  const out = new Float32Array(od[0] * od[1] * od[2]);
  const sStride: Vec3 = [1, sd[0], sd[0] * sd[1]];
  const oStride: Vec3 = [1, od[0], od[0] * od[1]];
  const ln = sd[axis]!;
  // the plane loops run over the non-x axis v (z for axes 0 and 1, y for axis 2)
  const v = axis === 1 ? 2 : axis === 0 ? 2 : 1;
  const sa = sStride[axis]!;
  const oa = oStride[axis]!;
  const outFirst = keepLo[axis]! - src.lo[axis]!;
  const outN = od[axis]!;
  const data = src.data;
  if (axis === 0) {
    // filter the x-lines of one z-plane together: transpose them into px[i * w + k] (k = y row)
    const w = keepHi[1]! - keepLo[1]! + 1;
    const need = ln * w;
    if (buf.px.length < need) {
      buf.px = new Float64Array(need);
      buf.py = new Float64Array(need);
      buf.pt = new Float64Array(need);
    }
    const { px, py, pt } = buf;
    for (let gv = keepLo[2]!; gv <= keepHi[2]!; gv++) {
      const sv = (gv - src.lo[2]!) * sStride[2]! + (keepLo[1]! - src.lo[1]!) * sStride[1]!;
      for (let k = 0; k < w; k++) {
        const b = sv + k * sStride[1]!;
        for (let i = 0; i < ln; i++) px[i * w + k] = data[b + i]!;
      }
      recursiveFilterPlane(c, px, py, pt, ln, w);
      const ovb = (gv - keepLo[2]!) * oStride[2]!;
      for (let k = 0; k < w; k++) {
        const b = ovb + k * oStride[1]!;
        for (let i = 0; i < outN; i++) out[b + i] = py[(outFirst + i) * w + k]!;
      }
    }
  } else {
    // u is the x axis: filter all x-rows of a plane together (contiguous inner loops)
    const w = keepHi[0]! - keepLo[0]! + 1;
    const need = ln * w;
    if (buf.px.length < need) {
      buf.px = new Float64Array(need);
      buf.py = new Float64Array(need);
      buf.pt = new Float64Array(need);
    }
    const { px, py, pt } = buf;
    const x0 = keepLo[0]! - src.lo[0]!;
    for (let gv = keepLo[v]!; gv <= keepHi[v]!; gv++) {
      const sv = (gv - src.lo[v]!) * sStride[v]! + x0;
      for (let i = 0, q = 0; i < ln; i++) {
        const b = sv + i * sa;
        for (let k = 0; k < w; k++, q++) px[q] = data[b + k]!;
      }
      recursiveFilterPlane(c, px, py, pt, ln, w);
      const ovb = (gv - keepLo[v]!) * oStride[v]!;
      for (let i = 0; i < outN; i++) {
        const b = ovb + i * oa;
        const s = (outFirst + i) * w;
        for (let k = 0; k < w; k++) out[b + k] = py[s + k]!;
      }
    }
  }
  return { data: out, lo: [...keepLo] as Vec3, hi: [...keepHi] as Vec3 };
}

export interface LoGOptions {
  /** Compute only this box (inclusive voxel indices); the result covers the box only. Default: all. */
  box?: BoundingBox;
  /** Name of the image in messages. */
  source?: string;
}

/**
 * Check PyRadiomics' preconditions for a LoG sigma on an image of `size` and `spacing`; returns a
 * message or undefined. PyRadiomics logs a warning and skips; radiogenomics refuses (no silent loss).
 */
export function logSigmaProblem(sigma: number, size: Vec3, spacing: Vec3): string | undefined {
  if (!Number.isFinite(sigma) || sigma <= 0) return `LoG sigma must be greater than 0 mm, got ${sigma}`;
  if (Math.min(...size) < 4) {
    return `LoG needs at least 4 voxels along every axis (the recursive Gaussian needs 4), image size is ${size.join("x")}`;
  }
  for (let a = 0; a < 3; a++) {
    const need = Math.ceil(sigma / spacing[a]!) + 1;
    if (size[a]! < need) {
      return `LoG sigma ${sigma} mm is too large for the image: axis ${a} has ${size[a]} voxels of ${spacing[a]} mm, sigma/spacing + 1 needs ${need} (PyRadiomics' rule)`;
    }
  }
  return undefined;
}

/**
 * Laplacian of Gaussian of `image` with sigma in mm (PyRadiomics' LoG image type). Returns a float32
 * volume over `options.box` (default: the whole image) with the geometry of that box.
 */
export function laplacianOfGaussian(
  image: Volume,
  sigma: number,
  options: LoGOptions = {},
): Volume<Float32Array> {
  const problem = logSigmaProblem(sigma, image.size, image.spacing);
  if (problem) throw new InputError(options.source ? `${options.source}: ${problem}` : problem);
  // one monomorphic array type for the line loops: float32 holds every 8/16-bit integer exactly
  const d = image.data as VoxelArray;
  const exact32 =
    d instanceof Float32Array ||
    d instanceof Int16Array ||
    d instanceof Uint16Array ||
    d instanceof Int8Array ||
    d instanceof Uint8Array;
  const full: Block = {
    data:
      d instanceof Float32Array || d instanceof Float64Array
        ? d
        : exact32
          ? Float32Array.from(d)
          : Float64Array.from(d),
    lo: [0, 0, 0],
    hi: [image.size[0] - 1, image.size[1] - 1, image.size[2] - 1],
  };
  const box = options.box ?? { min: full.lo, max: full.hi };
  const bLo: Vec3 = [0, 1, 2].map((a) => Math.max(0, box.min[a]!)) as Vec3;
  const bHi: Vec3 = [0, 1, 2].map((a) => Math.min(full.hi[a]!, box.max[a]!)) as Vec3;
  const maxLn = Math.max(...image.size);
  const buf: LineBuffers = {
    x: new Float64Array(maxLn),
    y: new Float64Array(maxLn),
    t: new Float64Array(maxLn),
    px: new Float64Array(0),
    py: new Float64Array(0),
    pt: new Float64Array(0),
  };
  const od = dimsOf({ lo: bLo, hi: bHi });
  const acc = new Float32Array(od[0] * od[1] * od[2]);
  const smooth = [0, 1, 2].map((a) => recursiveGaussianCoefficients(sigma, image.spacing[a]!, 0, true));
  const second = [0, 1, 2].map((a) => recursiveGaussianCoefficients(sigma, image.spacing[a]!, 2, true));
  for (let dim = 0; dim < 3; dim++) {
    const order = [dim, ...[0, 1, 2].filter((a) => a !== dim)];
    let cur = full;
    // after the pass along order[s], axes order[0..s] are restricted to the box, the rest stay full
    for (let s = 0; s < 3; s++) {
      const keepLo = [...full.lo] as Vec3;
      const keepHi = [...full.hi] as Vec3;
      for (let r = 0; r <= s; r++) {
        keepLo[order[r]!] = bLo[order[r]!]!;
        keepHi[order[r]!] = bHi[order[r]!]!;
      }
      const axis = order[s]!;
      cur = pass(cur, axis, s === 0 ? second[axis]! : smooth[axis]!, keepLo, keepHi, buf);
    }
    const k = 1 / (image.spacing[dim]! * image.spacing[dim]!);
    const r = cur.data;
    for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + r[i]! * k;
  }
  return new Volume(acc, {
    size: od,
    spacing: image.spacing,
    origin: image.indexToWorld(bLo),
    direction: image.direction,
  });
}

/** PyRadiomics' image-type name for a LoG sigma: `log-sigma-3-0-mm-3D` (Python's str(float)). */
export function logImageName(sigma: number): string {
  return `log-sigma-${pythonFloatStr(sigma).replace(/\./g, "-")}-mm-3D`;
}

/** Python's str() of a float for the plain cases used in parameter files (1 -> "1.0", 0.5 -> "0.5"). */
export function pythonFloatStr(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  const s = String(v);
  return s.includes("e") ? s.replace(/e([+-])(\d)$/, "e$10$2") : s;
}
