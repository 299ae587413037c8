/**
 * The PyRadiomics Wavelet image type (imageoperations.getWaveletImage / _swt3): PyWavelets' stationary
 * (undecimated) wavelet transform `pywt.swtn(data, wavelet, level=1, start_level=0, axes)` applied
 * `start_level + level` times to the successive approximations, exactly as PyRadiomics calls it:
 *
 * - every application uses the level-1 filters (PyRadiomics never dilates them: it calls swtn with
 *   level=1 on the previous approximation);
 * - each odd axis is first padded by one voxel in numpy's 'wrap' mode (x[N] = x[0]) and the outputs are
 *   cropped back; the 1D transform is PyWavelets' periodic convolution
 *   out[o] = sum_j f[j] * in[(o + floor(F/2) - j) mod N'] with f = dec_lo or dec_hi (F taps);
 * - axes are numpy's (z, y, x) reversed, i.e. x, y, z (with force2D the force2Ddimension axis is left
 *   out); the sub-band name has one letter per axis in that order, L = approximation ('a'), H = detail
 *   ('d'): `wavelet-LLH` is low-pass along x and y, high-pass along z. Levels after the first are named
 *   `wavelet2-...`; the final approximation is `wavelet-LLL` (or `wavelet<level>-LLL`).
 *
 * Work is restricted to what the requested box needs: the periodic support of each application is
 * tracked backwards per axis, so the values in the box are those of the whole-image transform. float64
 * throughout, as PyWavelets.
 */

import { InputError } from "../../errors.js";
import type { BoundingBox } from "../geometry.js";
import { type Vec3, Volume } from "../volume.js";
import { type FilterBank, waveletFilterBank } from "./waveletFilters.js";

export interface WaveletOptions {
  /** PyWavelets name (default coif1, as PyRadiomics). */
  wavelet?: string;
  /** Number of levels returned (default 1). */
  level?: number;
  /** Levels applied before the first returned one (default 0). */
  start_level?: number;
  /** Volume axes transformed, in PyRadiomics' order (default [0, 1, 2] = x, y, z). */
  axes?: number[];
  /** Compute only this box (inclusive voxel indices); results cover the box only. Default: all. */
  box?: BoundingBox;
}

export interface WaveletImage {
  /** PyRadiomics image-type name, e.g. `wavelet-LLH`, `wavelet2-HHL`, `wavelet-LLL`. */
  name: string;
  image: Volume<Float64Array>;
}

/** Axes of PyRadiomics' transform: x, y, z, minus the force2Ddimension (numpy index) axis when force2D. */
export function waveletAxes(force2D: boolean, force2Ddimension: number): number[] {
  const axes = [0, 1, 2];
  return force2D ? axes.filter((a) => a !== 2 - force2Ddimension) : axes;
}

/** One axis' plan: the padded length and, per application, the needed indices and tap positions. */
interface AxisPlan {
  np: number;
  /** sets[t] = sorted padded indices needed after t applications (sets[T] = the box). */
  sets: Int32Array[];
  /** taps[t-1][p * F + j] = position in sets[t-1] of the input of tap j for output sets[t][p]. */
  taps: Int32Array[];
}

function planAxis(n: number, lo: number, hi: number, F: number, T: number, transformed: boolean): AxisPlan {
  const np = transformed && n % 2 === 1 ? n + 1 : n;
  const sets: Int32Array[] = new Array(T + 1);
  sets[T] = Int32Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  const taps: Int32Array[] = new Array(T);
  const half = Math.floor(F / 2);
  for (let t = T; t >= 1; t--) {
    const out = sets[t]!;
    if (!transformed) {
      sets[t - 1] = out;
      continue;
    }
    const need = new Uint8Array(np);
    for (const o of out) for (let j = 0; j < F; j++) need[(((o + half - j) % np) + np) % np] = 1;
    const list: number[] = [];
    const pos = new Int32Array(np).fill(-1);
    for (let i = 0; i < np; i++) {
      if (need[i]) {
        pos[i] = list.length;
        list.push(i);
      }
    }
    sets[t - 1] = Int32Array.from(list);
    const tp = new Int32Array(out.length * F);
    for (let p = 0; p < out.length; p++) {
      for (let j = 0; j < F; j++) tp[p * F + j] = pos[(((out[p]! + half - j) % np) + np) % np]!;
    }
    taps[t - 1] = tp;
  }
  return { np, sets, taps };
}

/** Filter `src` (dims `d`) along `axis` with `f`, output length `nOut` along the axis via `taps`. */
function convolveAxis(
  src: Float64Array,
  d: Vec3,
  axis: number,
  f: Float64Array,
  taps: Int32Array,
  nOut: number,
): { data: Float64Array; dims: Vec3 } {
  const F = f.length;
  const od: Vec3 = [d[0], d[1], d[2]];
  od[axis] = nOut;
  const out = new Float64Array(od[0] * od[1] * od[2]);
  const sStride = axis === 0 ? 1 : axis === 1 ? d[0] : d[0] * d[1];
  const oStride = axis === 0 ? 1 : axis === 1 ? od[0] : od[0] * od[1];
  // iterate over all lines along `axis`
  const [u, v] = axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
  const strideOf = (dims: Vec3, a: number) => (a === 0 ? 1 : a === 1 ? dims[0] : dims[0] * dims[1]);
  const su = strideOf(d, u);
  const sv = strideOf(d, v);
  const ou = strideOf(od, u);
  const ov = strideOf(od, v);
  if (axis === 0) {
    // contiguous lines: the inner loop runs over the output positions
    for (let iv = 0; iv < d[v]; iv++) {
      for (let iu = 0; iu < d[u]; iu++) {
        const sb = iu * su + iv * sv;
        const ob = iu * ou + iv * ov;
        for (let p = 0, q = 0; p < nOut; p++) {
          let s = 0;
          for (let j = 0; j < F; j++, q++) s += f[j]! * src[sb + taps[q]!]!;
          out[ob + p] = s;
        }
      }
    }
    return { data: out, dims: od };
  }
  // strided axes: process whole planes of contiguous x rows for cache locality
  const rowLen = d[0];
  for (let iv = 0; iv < d[v]; iv++) {
    for (let p = 0; p < nOut; p++) {
      const ob = p * oStride + iv * ov;
      for (let j = 0; j < F; j++) {
        const c = f[j]!;
        const sb = taps[p * F + j]! * sStride + iv * sv;
        for (let x = 0; x < rowLen; x++) out[ob + x] += c * src[sb + x]!;
      }
    }
  }
  return { data: out, dims: od };
}

/**
 * PyRadiomics' wavelet decomposition of `image`: 2^axes - 1 detail sub-bands per level (first level first,
 * PyWavelets' key order) and then the final approximation.
 */
export function waveletDecomposition(image: Volume, options: WaveletOptions = {}): WaveletImage[] {
  const bank: FilterBank = waveletFilterBank(options.wavelet ?? "coif1");
  const level = options.level ?? 1;
  const start = options.start_level ?? 0;
  if (!Number.isInteger(level) || level < 1)
    throw new InputError(`Wavelet setting 'level': must be an integer >= 1, got ${level}`);
  if (!Number.isInteger(start) || start < 0)
    throw new InputError(`Wavelet setting 'start_level': must be an integer >= 0, got ${start}`);
  const axes = options.axes ?? [0, 1, 2];
  const F = bank.decLo.length;
  const T = start + level;
  const size = image.size;
  const full: BoundingBox = { min: [0, 0, 0], max: [size[0] - 1, size[1] - 1, size[2] - 1] };
  const box = options.box ?? full;
  const lo: Vec3 = [0, 1, 2].map((a) => Math.max(0, box.min[a]!)) as Vec3;
  const hi: Vec3 = [0, 1, 2].map((a) => Math.min(full.max[a]!, box.max[a]!)) as Vec3;
  const plans = [0, 1, 2].map((a) => planAxis(size[a]!, lo[a]!, hi[a]!, F, T, axes.includes(a)));

  // gather the input over sets[0] (padded indices; index N of an odd axis wraps to 0)
  const s0 = plans.map((p) => p.sets[0]!);
  let dims: Vec3 = [s0[0]!.length, s0[1]!.length, s0[2]!.length];
  let approx: Float64Array = new Float64Array(dims[0] * dims[1] * dims[2]);
  {
    const [nx, ny] = size;
    const src = image.data;
    const wrap = (i: number, n: number) => (i >= n ? i - n : i);
    let q = 0;
    for (const k of s0[2]!) {
      const kk = wrap(k, size[2]);
      for (const j of s0[1]!) {
        const base = nx * (wrap(j, size[1]) + ny * kk);
        for (const i of s0[0]!) approx[q++] = src[base + wrap(i, nx)]!;
      }
    }
  }

  const out: WaveletImage[] = [];
  const boxDims: Vec3 = [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1];
  const makeVolume = (data: Float64Array, d: Vec3, t: number): Volume<Float64Array> => {
    // crop the stage-t block (over sets[t]) to the box
    let res = data;
    if (d[0] !== boxDims[0] || d[1] !== boxDims[1] || d[2] !== boxDims[2]) {
      const off = plans.map((p) => p.sets[t]!.indexOf(lo[plans.indexOf(p)]!));
      res = new Float64Array(boxDims[0] * boxDims[1] * boxDims[2]);
      let q = 0;
      for (let k = 0; k < boxDims[2]; k++)
        for (let j = 0; j < boxDims[1]; j++) {
          const b = off[0]! + d[0] * (off[1]! + j + d[1] * (off[2]! + k));
          for (let i = 0; i < boxDims[0]; i++) res[q++] = data[b + i]!;
        }
    }
    return new Volume(res, {
      size: boxDims,
      spacing: image.spacing,
      origin: image.indexToWorld(lo),
      direction: image.direction,
    });
  };

  for (let t = 1; t <= T; t++) {
    const emit = t > start;
    // bands: key -> data, built axis by axis in PyWavelets' order (key + 'a', key + 'd')
    let bands: { key: string; data: Float64Array }[] = [{ key: "", data: approx }];
    let d = dims;
    for (const axis of axes) {
      const p = plans[axis]!;
      const nOut = p.sets[t]!.length;
      const next: { key: string; data: Float64Array }[] = [];
      let nd: Vec3 = d;
      for (const b of bands) {
        const a = convolveAxis(b.data, d, axis, bank.decLo, p.taps[t - 1]!, nOut);
        next.push({ key: `${b.key}L`, data: a.data });
        nd = a.dims;
        if (emit)
          next.push({
            key: `${b.key}H`,
            data: convolveAxis(b.data, d, axis, bank.decHi, p.taps[t - 1]!, nOut).data,
          });
      }
      bands = next;
      d = nd;
    }
    // untransformed axes keep their extent: sets[t] equals sets[t-1] there
    dims = d;
    approx = bands[0]!.data;
    if (emit) {
      const idx = t - start;
      const prefix = idx === 1 ? "wavelet" : `wavelet${idx}`;
      for (const b of bands.slice(1))
        out.push({ name: `${prefix}-${b.key}`, image: makeVolume(b.data, d, t) });
    }
  }
  const L = "L".repeat(axes.length);
  out.push({
    name: level === 1 ? `wavelet-${L}` : `wavelet${level}-${L}`,
    image: makeVolume(approx, dims, T),
  });
  return out;
}
