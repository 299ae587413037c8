/**
 * IBSI 1 intensity-volume histogram (IVH) features (family P88C). PyRadiomics has no such family.
 *
 * The IVH relates a discretised intensity i (on a grid Gmin, Gmin + w_d, ..., Gmax, which includes
 * intensities absent from the ROI) to the volume fraction nu_i = 1 - (fraction of voxels with
 * X_{d,gl} < i) and the intensity fraction gamma_i = (i - Gmin) / (Gmax - Gmin).
 *
 * How X_{d,gl}, the range G and the interval w_d are chosen depends on the kind of intensities
 * (IBSI "Intensity-volume histogram features"):
 * - "discrete"  calibrated discrete intensities (CT HU, the digital phantom): X_{d,gl} = X_gl, w_d = 1,
 *               G = the re-segmentation range (upper bound max(X_gl) when open), else [min, max] of the ROI.
 * - "fbs"       calibrated continuous intensities (PET): fixed bin size w_b from X_min (re-segmentation
 *               lower bound or ROI minimum), voxels replaced by their bin centre
 *               X_min + (X_d - 0.5) w_b, w_d = w_b, G from the first bin centre to the centre of bin
 *               ceil((X_max - X_min) / w_b) + 1 (MIRP's choice; the manual's X_max - w_b/2 would leave
 *               the bin of X_max outside G when the range is closed).
 * - "fbn"       arbitrary units (MRI): fixed bin number (IBSI recommends 1000) over [min, max] of the ROI,
 *               X_{d,gl} = X_d in 1..N_g, w_d = 1, G = [1, N_g].
 */

import { EmptyRoiError, InputError } from "../errors.js";

export type IvhSettings =
  | {
      mode: "discrete";
      /** Re-segmentation range [lower, upper]; either bound may be omitted (NaN/undefined = ROI min/max). */
      range?: [number | undefined, number | undefined];
    }
  | {
      mode: "fbs";
      binWidth: number;
      /** Re-segmentation range; X_min / X_max default to the ROI min / max. */
      range?: [number | undefined, number | undefined];
    }
  | {
      mode: "fbn";
      /** Number of bins N_g (IBSI recommends 1000). */
      binCount: number;
    };

export interface IbsiIvhFeatures {
  ivh_v10: number; // BC2M
  ivh_v90: number; // BC2M
  ivh_i10: number; // GBPN
  ivh_i90: number; // GBPN
  ivh_diff_v10_v90: number; // DDTU
  ivh_diff_i10_i90: number; // CNV2
  ivh_auc: number; // 9CMM
}

/** The evaluated IVH: intensities i, intensity fractions gamma and volume fractions nu. */
export interface IntensityVolumeHistogram {
  intensity: Float64Array;
  gamma: Float64Array;
  nu: Float64Array;
  /** Number of ROI voxels. */
  nVoxels: number;
  /** Largest discretised ROI intensity max(X_{d,gl}). */
  maxIntensity: number;
}

function isSet(x: number | undefined): x is number {
  return x !== undefined && !Number.isNaN(x);
}

/** ROI intensities: `values[v]` for every v where `mask[v] != 0` (all of them when mask is null). */
function roiValues(values: ArrayLike<number>, mask: ArrayLike<number> | null): Float64Array {
  if (mask && mask.length !== values.length) {
    throw new InputError(`IVH: mask has ${mask.length} voxels but the image has ${values.length}`);
  }
  let n = 0;
  if (mask) for (let v = 0; v < mask.length; v++) n += mask[v] ? 1 : 0;
  else n = values.length;
  const out = new Float64Array(n);
  for (let v = 0, q = 0; v < values.length; v++) if (!mask || mask[v]) out[q++] = values[v]!;
  if (n === 0) throw new EmptyRoiError("IVH: the ROI has no voxels");
  for (let q = 0; q < n; q++) {
    if (!Number.isFinite(out[q]!)) throw new InputError(`IVH: ROI intensity ${out[q]} is not finite`);
  }
  return out;
}

/**
 * Evaluate the IVH of the ROI intensities. `mask` selects the ROI voxels of `values` (null: all of
 * `values` are ROI intensities).
 */
export function intensityVolumeHistogram(
  values: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  settings: IvhSettings,
): IntensityVolumeHistogram {
  const x = roiValues(values, mask);
  const n = x.length;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let q = 0; q < n; q++) {
    const v = x[q]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }

  // xd: the values X_{d,gl} on which nu is counted; [g0, g1] the range G; wd the interval.
  let xd: Float64Array;
  let g0: number;
  let g1: number;
  let wd: number;
  if (settings.mode === "discrete") {
    xd = x;
    g0 = isSet(settings.range?.[0]) ? settings.range[0] : lo;
    g1 = isSet(settings.range?.[1]) ? settings.range[1] : hi;
    wd = 1;
  } else if (settings.mode === "fbs") {
    const wb = settings.binWidth;
    if (!(wb > 0) || !Number.isFinite(wb)) throw new InputError(`IVH: binWidth must be positive, got ${wb}`);
    const xmin = isSet(settings.range?.[0]) ? settings.range[0] : lo;
    const xmax = isSet(settings.range?.[1]) ? settings.range[1] : hi;
    if (!(xmax >= xmin)) throw new InputError(`IVH: empty intensity range [${xmin}, ${xmax}]`);
    xd = new Float64Array(n);
    // IBSI fixed bin size, then bin centre: X_min + (X_d - 0.5) w_b (values below X_min go to bin 1).
    for (let q = 0; q < n; q++) {
      const bin = Math.max(1, Math.floor((x[q]! - xmin) / wb) + 1);
      xd[q] = xmin + (bin - 0.5) * wb;
    }
    // G spans the centres of bins 1 .. ceil((X_max - X_min) / w_b) + 1, as MIRP does: unlike the manual's
    // [X_min + w_b/2, X_max - w_b/2], this keeps the bin holding X_max (closed range) inside G.
    g0 = xmin + 0.5 * wb;
    g1 = xmin + (Math.ceil((xmax - xmin) / wb - 1e-9) + 0.5) * wb;
    wd = wb;
  } else if (settings.mode === "fbn") {
    const ng = settings.binCount;
    if (!Number.isInteger(ng) || ng < 1)
      throw new InputError(`IVH: binCount must be a positive integer, got ${ng}`);
    xd = new Float64Array(n);
    const r = hi - lo;
    for (let q = 0; q < n; q++) {
      const v = x[q]!;
      xd[q] = r > 0 ? (v >= hi ? ng : Math.floor((ng * (v - lo)) / r) + 1) : 1;
    }
    g0 = 1;
    g1 = ng;
    wd = 1;
  } else {
    throw new InputError(`IVH: unknown mode ${(settings as { mode: string }).mode}`);
  }
  if (!(g1 >= g0)) throw new InputError(`IVH: empty intensity range [${g0}, ${g1}]`);

  // Grid i_k = g0 + k * wd, k = 0..K-1, up to g1 (tolerating rounding of (g1 - g0) / wd).
  const steps = Math.floor((g1 - g0) / wd + 1e-9);
  const nGrid = steps + 1;
  if (nGrid > 50_000_000)
    throw new InputError(`IVH: ${nGrid} intensities in the range; use a coarser interval`);
  const intensity = new Float64Array(nGrid);
  for (let k = 0; k < nGrid; k++) intensity[k] = g0 + k * wd;

  // Count voxels below each grid intensity: bucket each voxel at the first grid point above it.
  // below[k] = #{X < i_k}. A voxel X lies below i_k for all k > floor((X - g0) / wd) (or >= when on the grid).
  const firstAbove = new Float64Array(nGrid + 1);
  for (let q = 0; q < n; q++) {
    const t = (xd[q]! - g0) / wd;
    // smallest k with i_k > X: k = floor(t) + 1, computed robustly against rounding for on-grid values.
    let k = Math.floor(t + 1e-9) + 1;
    if (k < 0) k = 0;
    if (k > nGrid) k = nGrid;
    firstAbove[k]!++;
  }
  const nu = new Float64Array(nGrid);
  const gamma = new Float64Array(nGrid);
  let below = 0;
  const span = g1 - g0;
  for (let k = 0; k < nGrid; k++) {
    below += firstAbove[k]!;
    nu[k] = 1 - below / n;
    gamma[k] = span > 0 ? (intensity[k]! - g0) / span : 0;
  }
  let maxXd = Number.NEGATIVE_INFINITY;
  for (let q = 0; q < n; q++) if (xd[q]! > maxXd) maxXd = xd[q]!;
  return { intensity, gamma, nu, nVoxels: n, maxIntensity: maxXd };
}

/**
 * Features of an evaluated IVH. V_x is NaN when no intensity has gamma >= x (a flat ROI without a
 * range: gamma is undefined). When no intensity of the range has nu <= x (the highest intensity fills
 * more than x of the volume), I_x is the highest ROI intensity, as in MIRP (the IBSI reference
 * implementation).
 */
export function ivhFeaturesFromHistogram(h: IntensityVolumeHistogram): IbsiIvhFeatures {
  const { intensity, gamma, nu } = h;
  const nGrid = intensity.length;
  // V_x (BC2M): the largest nu among intensities with gamma >= x.
  const volumeAt = (f: number) => {
    let best = Number.NaN;
    for (let k = 0; k < nGrid; k++) {
      if (gamma[k]! >= f && !(nu[k]! <= best)) best = nu[k]!;
    }
    return best;
  };
  // I_x (GBPN): the smallest intensity whose volume fraction is at most x.
  const intensityAt = (f: number) => {
    for (let k = 0; k < nGrid; k++) if (nu[k]! <= f) return intensity[k]!;
    return h.maxIntensity;
  };
  const v10 = volumeAt(0.1);
  const v90 = volumeAt(0.9);
  const i10 = intensityAt(0.1);
  const i90 = intensityAt(0.9);
  // Area under the IVH curve (9CMM): trapezoidal rule over gamma; 0 with a single intensity.
  let auc = 0;
  for (let k = 1; k < nGrid; k++) auc += ((gamma[k]! - gamma[k - 1]!) * (nu[k]! + nu[k - 1]!)) / 2;
  return {
    ivh_v10: v10,
    ivh_v90: v90,
    ivh_i10: i10,
    ivh_i90: i90,
    ivh_diff_v10_v90: v10 - v90,
    ivh_diff_i10_i90: i10 - i90,
    ivh_auc: auc,
  };
}

/**
 * IBSI intensity-volume histogram features of the ROI intensities (`values` where `mask != 0`; pass
 * mask null when `values` holds the ROI intensities only). Computed over the whole 3D ROI (DHQ4).
 */
export function ibsiIvh(
  values: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  settings: IvhSettings,
): IbsiIvhFeatures {
  return ivhFeaturesFromHistogram(intensityVolumeHistogram(values, mask, settings));
}
