/**
 * Grey-level discretisation.
 *
 * Two conventions exist and both are needed (see ../../docs and the PyRadiomics FAQ):
 * - PyRadiomics (`binImage`): fixed bin width edges at multiples of binWidth counted from 0,
 *   level = digitize(x, edges); fixed bin count via numpy.histogram edges (last edge + 1).
 * - IBSI 1: fixed bin size counted from the re-segmentation minimum (IBSI eq. 3.1 / "FBS"),
 *   fixed bin number over [min, max] of the ROI (IBSI "FBN").
 */

import { InputError } from "../errors.js";
import { upperBound } from "../util/search.js";

export interface BinSettings {
  binWidth?: number;
  binCount?: number;
}

/**
 * numpy.arange(start, stop, step) for float64, reproducing numpy's fill rule: the first two values are
 * start and start + step, the rest start + i * delta with delta = (start + step) - start.
 */
export function numpyArange(start: number, stop: number, step: number): Float64Array {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const out = new Float64Array(n);
  if (n === 0) return out;
  out[0] = start;
  if (n > 1) out[1] = start + step;
  const delta = start + step - start;
  for (let i = 2; i < n; i++) out[i] = start + i * delta;
  return out;
}

/** numpy.linspace(start, stop, num) (endpoint included), with numpy's arithmetic. */
export function numpyLinspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const div = num - 1;
  const delta = stop - start;
  const step = div > 0 ? delta / div : Number.NaN;
  for (let i = 0; i < num; i++) {
    out[i] = step === 0 ? (i / div) * delta + start : i * step + start;
  }
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** Python's float modulo: result has the sign of the divisor. */
function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

function minMax(values: ArrayLike<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** PyRadiomics `getBinEdges` on the ROI intensities. */
export function pyradiomicsBinEdges(values: ArrayLike<number>, settings: BinSettings): Float64Array {
  if (values.length === 0) throw new InputError("cannot discretise an empty ROI");
  const [minimum, maximum] = minMax(values);
  if (settings.binCount !== undefined && settings.binCount !== null) {
    const nb = settings.binCount;
    if (!Number.isInteger(nb) || nb < 1)
      throw new InputError(`binCount must be a positive integer, got ${nb}`);
    // numpy.histogram(values, nb)[1]: linspace over [min, max], widened by 0.5 when flat.
    let lo = minimum;
    let hi = maximum;
    if (lo === hi) {
      lo -= 0.5;
      hi += 0.5;
    }
    const edges = numpyLinspace(lo, hi, nb + 1);
    edges[nb] = edges[nb]! + 1; // so the maximum falls in the top bin with digitize
    return edges;
  }
  const w = settings.binWidth ?? 25;
  if (!(w > 0)) throw new InputError(`binWidth must be positive, got ${w}`);
  const low = minimum - pyMod(minimum, w);
  const high = maximum + 2 * w;
  const edges = numpyArange(low, high, w);
  if (edges.length === 1) return Float64Array.of(edges[0]! - 0.5, edges[0]! + 0.5);
  return edges;
}

/** numpy.digitize(x, edges) for increasing edges (right=False): i with edges[i-1] <= x < edges[i]. */
export function digitize(x: number, edges: Float64Array): number {
  return upperBound(edges, x);
}

/**
 * PyRadiomics `binImage`: levels for the voxels where mask != 0 (0 elsewhere).
 * Returns the levels, the edges and the largest level.
 */
export function discretisePyRadiomics(
  image: ArrayLike<number>,
  mask: ArrayLike<number>,
  settings: BinSettings,
): { levels: Int32Array; edges: Float64Array; nLevels: number } {
  const n = image.length;
  let count = 0;
  for (let i = 0; i < n; i++) if (mask[i]) count++;
  const roi = new Float64Array(count);
  for (let i = 0, q = 0; i < n; i++) if (mask[i]) roi[q++] = image[i]!;
  const edges = pyradiomicsBinEdges(roi, settings);
  const levels = new Int32Array(n);
  let nLevels = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    const l = digitize(image[i]!, edges);
    levels[i] = l;
    if (l > nLevels) nLevels = l;
  }
  return { levels, edges, nLevels };
}

/**
 * IBSI fixed bin size: level = floor((x - minimum) / w) + 1, `minimum` being the lower bound of the
 * re-segmentation range (or the ROI minimum when there is none).
 */
export function discretiseIbsiFbs(
  image: ArrayLike<number>,
  mask: ArrayLike<number>,
  binWidth: number,
  minimum?: number,
): { levels: Int32Array; nLevels: number } {
  const n = image.length;
  let lo = minimum;
  if (lo === undefined) {
    lo = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) if (mask[i] && image[i]! < lo) lo = image[i]!;
  }
  const levels = new Int32Array(n);
  let nLevels = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    const l = Math.floor((image[i]! - lo) / binWidth) + 1;
    levels[i] = l;
    if (l > nLevels) nLevels = l;
  }
  return { levels, nLevels };
}

/** IBSI fixed bin number: level = floor(Ng (x - min) / (max - min)) + 1, and Ng for x = max. */
export function discretiseIbsiFbn(
  image: ArrayLike<number>,
  mask: ArrayLike<number>,
  binCount: number,
): { levels: Int32Array; nLevels: number } {
  const n = image.length;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    const v = image[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const levels = new Int32Array(n);
  const range = hi - lo;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    const v = image[i]!;
    levels[i] = range > 0 ? (v >= hi ? binCount : Math.floor((binCount * (v - lo)) / range) + 1) : 1;
  }
  return { levels, nLevels: range > 0 ? binCount : 1 };
}
