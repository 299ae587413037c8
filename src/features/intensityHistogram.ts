/**
 * IBSI 1 intensity histogram features (family ZVCW), computed from the discretised intensities X_d of
 * the voxels in the ROI intensity mask. PyRadiomics has no such family (its firstorder class works on
 * the raw intensities).
 *
 * Everything is derived from the non-sparse histogram n_1..n_Ng (empty bins included), so no sort and
 * no copy of the ROI is needed. Percentiles (P10, P25, median, P75, P90) are sample percentiles with
 * linear interpolation between order statistics (numpy.percentile's default, R type 7), the
 * convention of the IBSI reference implementations.
 */

import { EmptyRoiError, InputError } from "../errors.js";

/** Discretised grey levels: `levels[v]` is 1..nLevels inside the ROI and 0 outside (a DiscretisedRoi fits). */
export interface DiscretisedLevels {
  levels: ArrayLike<number>;
  /** Number of histogram bins N_g (the largest level that may occur). Defaults to the largest level present. */
  nLevels?: number;
}

/** Feature tags as in the IBSI compliance spreadsheet. */
export interface IbsiIntensityHistogramFeatures {
  ih_mean: number; // X6K6
  ih_var: number; // CH89
  ih_skew: number; // 88K1
  ih_kurt: number; // C3I7 (excess kurtosis)
  ih_median: number; // WIFQ
  ih_min: number; // 1PR8
  ih_p10: number; // 1PR8
  ih_p90: number; // GPMT
  ih_max: number; // 3NCY
  ih_mode: number; // AMMC
  ih_iqr: number; // WR0O
  ih_range: number; // 5Z3W
  ih_mad: number; // D2ZX
  ih_rmad: number; // WRZB
  ih_medad: number; // 4RNL
  ih_cov: number; // CWYJ
  ih_qcod: number; // SLWD
  ih_entropy: number; // TLU2
  ih_uniformity: number; // BJ5W
  ih_max_grad: number; // 12CE
  ih_max_grad_g: number; // 8E6O
  ih_min_grad: number; // VQB3
  ih_min_grad_g: number; // RHQZ
}

/**
 * Histogram n_1..n_Ng of the discretised levels (index 0 is level 1). Voxels with level 0 are outside
 * the ROI and ignored. Throws when a level is not an integer in 1..nLevels or when the ROI is empty.
 */
export function intensityHistogram(input: DiscretisedLevels): { counts: Float64Array; nVoxels: number } {
  const lv = input.levels;
  let maxLevel = 0;
  for (let v = 0; v < lv.length; v++) {
    const l = lv[v]!;
    if (l > maxLevel) maxLevel = l;
  }
  const ng = input.nLevels ?? maxLevel;
  if (!Number.isInteger(ng) || ng < 1) {
    if (maxLevel === 0) throw new EmptyRoiError("intensity histogram: the ROI has no voxels");
    throw new InputError(`intensity histogram: nLevels must be a positive integer, got ${ng}`);
  }
  if (maxLevel > ng) {
    throw new InputError(`intensity histogram: level ${maxLevel} exceeds nLevels ${ng}`);
  }
  const counts = new Float64Array(ng);
  let n = 0;
  for (let v = 0; v < lv.length; v++) {
    const l = lv[v]!;
    if (l === 0) continue;
    if (!(l >= 1) || !Number.isInteger(l)) {
      throw new InputError(`intensity histogram: voxel ${v} has level ${l}, expected an integer in 1..${ng}`);
    }
    counts[l - 1]!++;
    n++;
  }
  if (n === 0) throw new EmptyRoiError("intensity histogram: the ROI has no voxels");
  return { counts, nVoxels: n };
}

/**
 * The k-th order statistic (0-based) of the sample described by a histogram of levels 1..Ng, using
 * cumulative counts.
 */
function orderStatistic(counts: Float64Array, k: number): number {
  let cum = 0;
  for (let i = 0; i < counts.length; i++) {
    cum += counts[i]!;
    if (k < cum) return i + 1;
  }
  return counts.length;
}

/** Percentile (0..100) of the histogram sample, numpy.percentile's linear interpolation. */
export function histogramPercentile(counts: Float64Array, nVoxels: number, q: number): number {
  const h = ((nVoxels - 1) * q) / 100;
  const lo = Math.floor(h);
  const a = orderStatistic(counts, lo);
  if (h === lo) return a;
  const b = orderStatistic(counts, lo + 1);
  return a + (h - lo) * (b - a);
}

/** IBSI intensity histogram features from a histogram n_1..n_Ng (index 0 = level 1). */
export function intensityHistogramFeaturesFromCounts(counts: Float64Array): IbsiIntensityHistogramFeatures {
  const ng = counts.length;
  let n = 0;
  let sum = 0;
  let minL = 0;
  let maxL = 0;
  for (let i = 0; i < ng; i++) {
    const c = counts[i]!;
    if (c === 0) continue;
    n += c;
    sum += (i + 1) * c;
    if (minL === 0) minL = i + 1;
    maxL = i + 1;
  }
  if (n === 0) throw new EmptyRoiError("intensity histogram: the ROI has no voxels");
  const mean = sum / n;

  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  let mad = 0;
  let entropy = 0;
  let uniformity = 0;
  for (let i = 0; i < ng; i++) {
    const c = counts[i]!;
    if (c === 0) continue;
    const d = i + 1 - mean;
    const d2 = d * d;
    m2 += c * d2;
    m3 += c * d2 * d;
    m4 += c * d2 * d2;
    mad += c * Math.abs(d);
    const p = c / n;
    entropy -= p * Math.log2(p);
    uniformity += p * p;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  mad /= n;

  const p10 = histogramPercentile(counts, n, 10);
  const p25 = histogramPercentile(counts, n, 25);
  const median = histogramPercentile(counts, n, 50);
  const p75 = histogramPercentile(counts, n, 75);
  const p90 = histogramPercentile(counts, n, 90);

  // Robust MAD (WRZB): voxels with P10 <= X_d <= P90, about their own mean.
  let nR = 0;
  let sR = 0;
  for (let i = 0; i < ng; i++) {
    const l = i + 1;
    if (l < p10 || l > p90) continue;
    nR += counts[i]!;
    sR += counts[i]! * l;
  }
  let rmad = 0;
  if (nR > 0) {
    const meanR = sR / nR;
    for (let i = 0; i < ng; i++) {
      const l = i + 1;
      if (l < p10 || l > p90) continue;
      rmad += counts[i]! * Math.abs(l - meanR);
    }
    rmad /= nR;
  }

  let medad = 0;
  for (let i = 0; i < ng; i++) medad += counts[i]! * Math.abs(i + 1 - median);
  medad /= n;

  // Mode (AMMC): highest count; ties go to the bin closest to the mean, the lower one if equidistant.
  let mode = 0;
  let modeCount = -1;
  for (let i = 0; i < ng; i++) {
    const c = counts[i]!;
    const l = i + 1;
    if (c > modeCount || (c === modeCount && Math.abs(l - mean) < Math.abs(mode - mean))) {
      mode = l;
      modeCount = c;
    }
  }

  // Histogram gradient (12CE, VQB3): one-sided at the ends, central inside, over the non-sparse histogram.
  let maxGrad = Number.NEGATIVE_INFINITY;
  let minGrad = Number.POSITIVE_INFINITY;
  let maxGradG = 1;
  let minGradG = 1;
  for (let i = 0; i < ng; i++) {
    let g: number;
    if (ng === 1) g = 0;
    else if (i === 0) g = counts[1]! - counts[0]!;
    else if (i === ng - 1) g = counts[ng - 1]! - counts[ng - 2]!;
    else g = (counts[i + 1]! - counts[i - 1]!) / 2;
    if (g > maxGrad) {
      maxGrad = g;
      maxGradG = i + 1;
    }
    if (g < minGrad) {
      minGrad = g;
      minGradG = i + 1;
    }
  }

  const sd = Math.sqrt(m2);
  return {
    ih_mean: mean,
    ih_var: m2,
    ih_skew: m2 === 0 ? 0 : m3 / m2 ** 1.5,
    ih_kurt: m2 === 0 ? 0 : m4 / (m2 * m2) - 3,
    ih_median: median,
    ih_min: minL,
    ih_p10: p10,
    ih_p90: p90,
    ih_max: maxL,
    ih_mode: mode,
    ih_iqr: p75 - p25,
    ih_range: maxL - minL,
    ih_mad: mad,
    ih_rmad: rmad,
    ih_medad: medad,
    ih_cov: sd / mean,
    ih_qcod: p75 + p25 === 0 ? Number.NaN : (p75 - p25) / (p75 + p25),
    ih_entropy: entropy,
    ih_uniformity: uniformity,
    ih_max_grad: maxGrad,
    ih_max_grad_g: maxGradG,
    ih_min_grad: minGrad,
    ih_min_grad_g: minGradG,
  };
}

/**
 * IBSI intensity histogram features of a discretised ROI (e.g. a `DiscretisedRoi`): levels 1..nLevels
 * inside the intensity mask, 0 outside. Always computed over the whole 3D ROI (IBSI DHQ4).
 */
export function ibsiIntensityHistogram(input: DiscretisedLevels): IbsiIntensityHistogramFeatures {
  return intensityHistogramFeaturesFromCounts(intensityHistogram(input).counts);
}
