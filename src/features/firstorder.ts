/**
 * First-order (intensity) statistics.
 *
 * - `firstOrderFeatures`: PyRadiomics' `firstorder` class, with its exact numerics: sums use numpy's
 *   pairwise summation, percentiles numpy's default linear interpolation (R type 7, including numpy's
 *   two-sided lerp), Variance is numpy.std()**2, Entropy/Uniformity use the histogram of the
 *   discretised levels, Kurtosis is NOT excess kurtosis, and Energy/TotalEnergy/RootMeanSquared add
 *   `voxelArrayShift`.
 * - `ibsiStatistics`: the IBSI 1 intensity-based statistical features (family UHIW), keyed by the
 *   compliance-spreadsheet tag (`stat_mean`, ...). IBSI differs from PyRadiomics in a few places:
 *   excess kurtosis, no intensity shift, and the extra median absolute deviation, coefficient of
 *   variation and quartile coefficient of dispersion.
 *
 * Inputs are the ROI intensities as a flat array (any order for IBSI; for PyRadiomics the C-order of
 * the voxels, i.e. increasing linear index, so that pairwise sums group exactly as numpy's do).
 * Nothing here depends on the image grid, so the same functions serve a sliding kernel.
 */

import { EmptyRoiError, InputError } from "../errors.js";
import type { FeatureValues } from "./types.js";

// ------------------------------------------------------------------------------------------------
// numpy-compatible numerics
// ------------------------------------------------------------------------------------------------

/** numpy's pairwise summation (`pairwise_sum_DOUBLE`, block size 128, 8-way unrolled) of a[start, start+n). */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    let r0 = a[start]!;
    let r1 = a[start + 1]!;
    let r2 = a[start + 2]!;
    let r3 = a[start + 3]!;
    let r4 = a[start + 4]!;
    let r5 = a[start + 5]!;
    let r6 = a[start + 6]!;
    let r7 = a[start + 7]!;
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const p = start + i;
      r0 += a[p]!;
      r1 += a[p + 1]!;
      r2 += a[p + 2]!;
      r3 += a[p + 3]!;
      r4 += a[p + 4]!;
      r5 += a[p + 5]!;
      r6 += a[p + 6]!;
      r7 += a[p + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** Ascending sorted copy. */
function sortedCopy(x: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(x);
  s.sort();
  return s;
}

/**
 * numpy.percentile(x, q) with the default "linear" method, on an ascending sorted array: virtual index
 * (n - 1) q/100 and numpy's `_lerp`, which interpolates from the upper neighbour when the fraction is
 * >= 0.5 (so results are bit-identical to numpy's).
 */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new EmptyRoiError("percentile of an empty set");
  const virtual = (n - 1) * (q / 100);
  const prev = Math.floor(virtual);
  const lo = Math.min(Math.max(prev, 0), n - 1);
  const hi = Math.min(Math.max(prev + 1, 0), n - 1);
  const gamma = virtual - prev;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** numpy.median on an ascending sorted array. */
export function medianSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) throw new EmptyRoiError("median of an empty set");
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

// ------------------------------------------------------------------------------------------------
// PyRadiomics firstorder
// ------------------------------------------------------------------------------------------------

export interface FirstOrderInput {
  /** Intensities of the ROI voxels (PyRadiomics: in increasing linear-index order). */
  intensities: ArrayLike<number>;
  /** Discretised level of each of those voxels, same order (for Entropy and Uniformity). */
  levels: ArrayLike<number>;
  /** Volume of one voxel in mm^3 (PyRadiomics: spacing x * y * z, multiplied in that order). */
  voxelVolume: number;
  /** PyRadiomics `voxelArrayShift`, added to the intensities in Energy, TotalEnergy and RootMeanSquared. */
  voxelArrayShift?: number;
}

export interface FirstOrderOptions {
  /** Also compute the deprecated `StandardDeviation` (off by default, as in PyRadiomics). */
  includeDeprecated?: boolean;
}

/** The 18 active PyRadiomics firstorder features, in PyRadiomics' order. */
export const FIRST_ORDER_FEATURES = [
  "Energy",
  "TotalEnergy",
  "Entropy",
  "Minimum",
  "10Percentile",
  "90Percentile",
  "Maximum",
  "Mean",
  "Median",
  "InterquartileRange",
  "Range",
  "MeanAbsoluteDeviation",
  "RobustMeanAbsoluteDeviation",
  "RootMeanSquared",
  "Skewness",
  "Kurtosis",
  "Variance",
  "Uniformity",
] as const;

/** The deprecated PyRadiomics firstorder feature (computed only on request). */
export const FIRST_ORDER_DEPRECATED_FEATURES = ["StandardDeviation"] as const;

/**
 * Central moments m2, m3, m4 = mean((X - mean)^k) as numpy computes them (pairwise summation); `work` is
 * scratch space of the same length as x.
 */
function centralMoments(x: ArrayLike<number>, mean: number, work: Float64Array): [number, number, number] {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    work[i] = d * d;
  }
  const m2 = pairwiseSum(work) / n;
  for (let i = 0; i < n; i++) work[i] = (x[i]! - mean) ** 3;
  const m3 = pairwiseSum(work) / n;
  for (let i = 0; i < n; i++) work[i] = (x[i]! - mean) ** 4;
  const m4 = pairwiseSum(work) / n;
  return [m2, m3, m4];
}

/** numpy.spacing(1): PyRadiomics' epsilon in the entropy. */
const EPS = 2.220446049250313e-16;

/**
 * PyRadiomics firstorder features of one ROI (or kernel). Throws EmptyRoiError for an empty ROI and
 * InputError when intensities and levels differ in length.
 */
export function firstOrderFeatures(input: FirstOrderInput, options: FirstOrderOptions = {}): FeatureValues {
  const x = input.intensities;
  const n = x.length;
  if (n === 0) throw new EmptyRoiError("firstorder: the ROI has no voxels");
  if (input.levels.length !== n) {
    throw new InputError(
      `firstorder: ${n} intensities but ${input.levels.length} discretised levels; they must describe the same voxels`,
    );
  }
  const shift = input.voxelArrayShift ?? 0;
  const work = new Float64Array(n);

  // Energy / RMS: sum((X + c)^2)
  for (let i = 0; i < n; i++) {
    const v = x[i]! + shift;
    work[i] = v * v;
  }
  const energy = pairwiseSum(work);

  // mean and central moments (numpy: mean = sum/N; moments = mean((X - mean)^k))
  const mean = pairwiseSum(x) / n;
  for (let i = 0; i < n; i++) work[i] = Math.abs(x[i]! - mean);
  const mad = pairwiseSum(work) / n;
  const [m2, m3, m4] = centralMoments(x, mean, work);
  const std = Math.sqrt(m2);
  // PyRadiomics sets m2 to 1 for a flat region (then m3 and m4 are 0 there)
  const m2s = m2 === 0 ? 1 : m2;

  // order statistics
  const sorted = sortedCopy(x);
  const p10 = percentileSorted(sorted, 10);
  const p90 = percentileSorted(sorted, 90);
  const p25 = percentileSorted(sorted, 25);
  const p75 = percentileSorted(sorted, 75);
  const median = medianSorted(sorted);
  const minimum = sorted[0]!;
  const maximum = sorted[n - 1]!;

  // robust MAD: voxels in the closed [P10, P90] range; numpy's nanmean sums the full-length array with
  // the excluded voxels set to 0, so the same is done here for identical rounding.
  let nIn = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v - p10 < 0 || v - p90 > 0) work[i] = 0;
    else {
      work[i] = v;
      nIn++;
    }
  }
  const meanIn = pairwiseSum(work) / nIn;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    work[i] = v - p10 < 0 || v - p90 > 0 ? 0 : Math.abs(v - meanIn);
  }
  const rmad = pairwiseSum(work) / nIn;

  // histogram of the discretised levels (numpy.unique order = ascending level)
  const lv = input.levels;
  let maxLevel = 0;
  let minLevel = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const l = lv[i]!;
    if (!Number.isInteger(l)) throw new InputError(`firstorder: level ${l} of voxel ${i} is not an integer`);
    if (l > maxLevel) maxLevel = l;
    if (l < minLevel) minLevel = l;
  }
  const counts = new Float64Array(maxLevel - minLevel + 1);
  for (let i = 0; i < n; i++) counts[lv[i]! - minLevel]!++;
  let ng = 0;
  for (let g = 0; g < counts.length; g++) if (counts[g]! > 0) counts[ng++] = counts[g]!;
  const pEnt = new Float64Array(ng);
  const pUni = new Float64Array(ng);
  for (let g = 0; g < ng; g++) {
    const p = counts[g]! / n;
    pEnt[g] = p * Math.log2(p + EPS);
    pUni[g] = p * p;
  }

  const out: FeatureValues = {
    Energy: energy,
    TotalEnergy: energy * input.voxelVolume,
    Entropy: -1 * pairwiseSum(pEnt),
    Minimum: minimum,
    "10Percentile": p10,
    "90Percentile": p90,
    Maximum: maximum,
    Mean: mean,
    Median: median,
    InterquartileRange: p75 - p25,
    Range: maximum - minimum,
    MeanAbsoluteDeviation: mad,
    RobustMeanAbsoluteDeviation: rmad,
    RootMeanSquared: Math.sqrt(energy / n),
    Skewness: m3 / m2s ** 1.5,
    Kurtosis: m4 / (m2s * m2s),
    Variance: std * std,
    Uniformity: pairwiseSum(pUni),
  };
  if (options.includeDeprecated) out.StandardDeviation = std;
  return out;
}

// ------------------------------------------------------------------------------------------------
// IBSI intensity-based statistics (UHIW)
// ------------------------------------------------------------------------------------------------

/** IBSI 1 intensity-based statistical features, keyed by compliance-spreadsheet tag. */
export interface IbsiStatisticsFeatures {
  stat_mean: number; // Q4LE
  stat_var: number; // ECT3 (biased, 1/N)
  stat_skew: number; // KE2A
  stat_kurt: number; // IPH6 (excess kurtosis)
  stat_median: number; // Y12H
  stat_min: number; // 1GSF
  stat_p10: number; // QG58
  stat_p90: number; // 8DWT
  stat_max: number; // 84IY
  stat_iqr: number; // SALO
  stat_range: number; // 2OJQ
  stat_mad: number; // 4FUA
  stat_rmad: number; // 1128
  stat_medad: number; // N72L
  stat_cov: number; // 7TET
  stat_qcod: number; // 9S40
  stat_energy: number; // N8CA
  stat_rms: number; // 5ZWQ
}

/** IBSI identifiers of the statistics tags. */
export const IBSI_STATISTICS_CODES: Record<keyof IbsiStatisticsFeatures, string> = {
  stat_mean: "Q4LE",
  stat_var: "ECT3",
  stat_skew: "KE2A",
  stat_kurt: "IPH6",
  stat_median: "Y12H",
  stat_min: "1GSF",
  stat_p10: "QG58",
  stat_p90: "8DWT",
  stat_max: "84IY",
  stat_iqr: "SALO",
  stat_range: "2OJQ",
  stat_mad: "4FUA",
  stat_rmad: "1128",
  stat_medad: "N72L",
  stat_cov: "7TET",
  stat_qcod: "9S40",
  stat_energy: "N8CA",
  stat_rms: "5ZWQ",
};

/**
 * IBSI intensity-based statistical features of the intensities in the ROI intensity mask.
 * Percentiles use linear interpolation between order statistics (numpy default, R type 7).
 * For a flat ROI (variance 0) skewness and kurtosis are returned as 0.
 */
export function ibsiStatistics(intensities: ArrayLike<number>): IbsiStatisticsFeatures {
  const x = intensities;
  const n = x.length;
  if (n === 0) throw new EmptyRoiError("intensity statistics: the ROI has no voxels");
  const work = new Float64Array(n);
  const mean = pairwiseSum(x) / n;
  const [m2, m3, m4] = centralMoments(x, mean, work);
  for (let i = 0; i < n; i++) work[i] = Math.abs(x[i]! - mean);
  const mad = pairwiseSum(work) / n;
  for (let i = 0; i < n; i++) work[i] = x[i]! * x[i]!;
  const energy = pairwiseSum(work); // IBSI N8CA: sum X^2 (no shift)

  const sorted = sortedCopy(x);
  const p10 = percentileSorted(sorted, 10);
  const p25 = percentileSorted(sorted, 25);
  const p75 = percentileSorted(sorted, 75);
  const p90 = percentileSorted(sorted, 90);
  const median = medianSorted(sorted);

  // IBSI 1128: mean absolute deviation of the voxels with P10 <= X <= P90
  let nIn = 0;
  let sumIn = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v >= p10 && v <= p90) {
      sumIn += v;
      nIn++;
    }
  }
  const meanIn = sumIn / nIn;
  let rmad = 0;
  let medad = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v >= p10 && v <= p90) rmad += Math.abs(v - meanIn);
    medad += Math.abs(v - median);
  }
  const sd = Math.sqrt(m2);
  return {
    stat_mean: mean,
    stat_var: m2,
    stat_skew: m2 === 0 ? 0 : m3 / m2 ** 1.5,
    stat_kurt: m2 === 0 ? 0 : m4 / (m2 * m2) - 3,
    stat_median: median,
    stat_min: sorted[0]!,
    stat_p10: p10,
    stat_p90: p90,
    stat_max: sorted[n - 1]!,
    stat_iqr: p75 - p25,
    stat_range: sorted[n - 1]! - sorted[0]!,
    stat_mad: mad,
    stat_rmad: rmad / nIn,
    stat_medad: medad / n,
    stat_cov: sd / mean,
    stat_qcod: (p75 - p25) / (p75 + p25),
    stat_energy: energy,
    stat_rms: Math.sqrt(energy / n),
  };
}

/** Same as `ibsiStatistics`, as a plain record for the compliance table. */
export function ibsiStatisticsTags(intensities: ArrayLike<number>): Record<string, number> {
  return { ...ibsiStatistics(intensities) };
}
