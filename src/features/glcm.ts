/**
 * Grey level co-occurrence matrix (GLCM) features: PyRadiomics-compatible (`glcmFeatures`, names as in
 * radiomics/glcm.py) and IBSI 1 (`ibsiGlcm`, compliance-spreadsheet tags `cm_*`, IBSI family LFYI).
 *
 * PyRadiomics: one matrix per angle (13 in 3D, 4 with force2D), counted in one direction and made
 * symmetric (P + P^T) when symmetricalGLCM, grey levels absent from the ROI removed, empty angles dropped,
 * each matrix normalised; features are computed per angle and averaged with nanmean (JointAverage with a
 * plain mean), or, with weightingNorm, on the single matrix sum_a w_a P_a with w_a = exp(-|a|^2).
 * Grey levels keep their values (i, j are the discretised levels, not row numbers); eps = numpy.spacing(1)
 * is added inside every log2 and to the correlation denominator, as PyRadiomics does.
 */

import { InputError } from "../errors.js";
import {
  type WeightingNorm,
  checkWeightingNorm,
  ibsiDirections,
  maxOffset,
  normaliseDistances,
  offsetLength,
  pyradiomicsAngles,
} from "./directions.js";
import {
  EPS,
  type PaddedGrid,
  allLevels,
  checkRoi,
  linearOffsets,
  nanMean,
  padGrid,
  plainMean,
  plogp,
  presentLevels,
  symmetricEigenvalues,
  textureSettings,
} from "./texture-util.js";
import type { DiscretisedRoi, FeatureValues, TextureSettings } from "./types.js";

/** PyRadiomics' 24 active GLCM features, in the order of its documentation. */
export const GLCM_FEATURE_NAMES = [
  "Autocorrelation",
  "JointAverage",
  "ClusterProminence",
  "ClusterShade",
  "ClusterTendency",
  "Contrast",
  "Correlation",
  "DifferenceAverage",
  "DifferenceEntropy",
  "DifferenceVariance",
  "JointEnergy",
  "JointEntropy",
  "Imc1",
  "Imc2",
  "Idm",
  "MCC",
  "Idmn",
  "Id",
  "Idn",
  "InverseVariance",
  "MaximumProbability",
  "SumAverage",
  "SumEntropy",
  "SumSquares",
] as const;

/**
 * PyRadiomics' deprecated GLCM features. PyRadiomics raises instead of computing them; here they are
 * computed by their formula when asked for (each equals an active feature, noted in brackets).
 */
export const GLCM_DEPRECATED_NAMES = [
  "Dissimilarity", // DifferenceAverage
  "Homogeneity1", // Id
  "Homogeneity2", // Idm
  "SumVariance", // ClusterTendency
] as const;

/** Per-matrix feature slots (shared by both modes). */
const C = {
  autocorr: 0,
  jointAvg: 1,
  clustProm: 2,
  clustShade: 3,
  clustTend: 4,
  contrast: 5,
  corr: 6,
  diffAvg: 7,
  diffEntr: 8,
  diffVar: 9,
  energy: 10,
  jointEntr: 11,
  imc1: 12,
  imc2: 13,
  idm: 14,
  idmn: 15,
  id: 16,
  idn: 17,
  invVar: 18,
  maxProb: 19,
  sumAvg: 20,
  sumEntr: 21,
  sumVar: 22,
  jointVar: 23,
  dissimilarity: 24,
} as const;
const NC = 25;

/** Raw GLCMs as PyRadiomics builds them (before angle deletion and normalisation). */
export interface GlcmMatrices {
  /** Grey levels present in the ROI, ascending: the matrix rows/columns. */
  greyLevels: Int32Array;
  /** PyRadiomics' Ng: the largest grey level in the ROI. */
  Ng: number;
  /** Angles as [di, dj, dk] triplets, in PyRadiomics' generate_angles order. */
  angles: Int32Array;
  nAngles: number;
  /**
   * Co-occurrence counts, counts[a * n * n + i * n + j] with n = greyLevels.length (row i: centre
   * voxel level greyLevels[i]); already made symmetric when symmetricalGLCM.
   */
  counts: Float64Array;
}

/** Adds co-occurrences of voxels q0..q1-1 along each linear offset into out[base + a*m*m + ...]. */
function accumulatePairs(
  g: PaddedGrid,
  index: Int32Array,
  m: number,
  lin: Int32Array,
  out: Float64Array,
  base: number,
  q0: number,
  q1: number,
): void {
  const d = g.data;
  const vox = g.voxels;
  const mm = m * m;
  for (let a = 0; a < lin.length; a++) {
    const off = lin[a]!;
    const b = base + a * mm;
    for (let q = q0; q < q1; q++) {
      const p = vox[q]!;
      const w = d[p + off]!;
      if (w !== 0) out[b + index[d[p]!]! * m + index[w]!]++;
    }
  }
}

/** M += M^T for each of `count` m x m matrices from `base`. */
function symmetrise(out: Float64Array, base: number, count: number, m: number): void {
  for (let a = 0; a < count; a++) {
    const b = base + a * m * m;
    for (let i = 0; i < m; i++) {
      out[b + i * m + i] = 2 * out[b + i * m + i]!;
      for (let j = i + 1; j < m; j++) {
        const s = out[b + i * m + j]! + out[b + j * m + i]!;
        out[b + i * m + j] = s;
        out[b + j * m + i] = s;
      }
    }
  }
}

/** Level map for a fixed ascending level list (voxel-based maps: the whole ROI's levels). */
function levelsFromList(levels: Int32Array): { levels: Int32Array; index: Int32Array; maxLevel: number } {
  const maxLevel = levels.length ? levels[levels.length - 1]! : 0;
  const index = new Int32Array(maxLevel + 1).fill(-1);
  for (let r = 0; r < levels.length; r++) index[levels[r]!] = r;
  return { levels, index, maxLevel };
}

/** PyRadiomics-style GLCMs of a ROI: one per angle, empty grey levels removed. */
export function glcmMatrices(roi: DiscretisedRoi, settings?: Partial<TextureSettings>): GlcmMatrices {
  const s = textureSettings(settings);
  const nRoi = checkRoi(roi, "GLCM");
  const pl = roi.greyLevels ? levelsFromList(roi.greyLevels) : presentLevels(roi.levels);
  const angles = pyradiomicsAngles(roi.size, s.distances, s.force2D, s.force2Ddimension, false);
  const nAngles = angles.length / 3;
  const m = pl.levels.length;
  const counts = new Float64Array(nAngles * m * m);
  if (nAngles > 0) {
    const g = padGrid(roi, maxOffset(angles), nRoi);
    accumulatePairs(g, pl.index, m, linearOffsets(g, angles), counts, 0, 0, nRoi);
    if (s.symmetricalGLCM) symmetrise(counts, 0, nAngles, m);
  }
  return { greyLevels: pl.levels, Ng: pl.maxLevel, angles, nAngles, counts };
}

/** Work arrays for the per-matrix feature core. */
interface Work {
  px: Float64Array;
  py: Float64Array;
  pAdd: Float64Array;
  pSub: Float64Array;
}

function makeWork(m: number, Ng: number): Work {
  return {
    px: new Float64Array(m),
    py: new Float64Array(m),
    pAdd: new Float64Array(2 * Ng + 1),
    pSub: new Float64Array(Ng),
  };
}

/**
 * All features of one normalised m x m matrix p[base..] whose rows/columns have grey levels gl, with
 * Ng levels for the normalised inverse differences and pSub/pAdd ranges. Writes out[o + C.*].
 */
function glcmCore(
  p: Float64Array,
  base: number,
  m: number,
  gl: Float64Array,
  Ng: number,
  eps: number,
  w: Work,
  out: Float64Array,
  o: number,
): void {
  const { px, py, pAdd, pSub } = w;
  px.fill(0);
  py.fill(0);
  pAdd.fill(0);
  pSub.fill(0);
  let autocorr = 0;
  let contrast = 0;
  let energy = 0;
  let hxy = 0;
  let maxProb = 0;
  for (let i = 0; i < m; i++) {
    const gi = gl[i]!;
    const row = base + i * m;
    let rs = 0;
    for (let j = 0; j < m; j++) {
      const v = p[row + j]!;
      if (!(v > 0)) continue;
      const gj = gl[j]!;
      rs += v;
      py[j] = py[j]! + v;
      autocorr += v * gi * gj;
      const diff = gi > gj ? gi - gj : gj - gi;
      contrast += v * diff * diff;
      energy += v * v;
      hxy -= plogp(v, eps);
      if (v > maxProb) maxProb = v;
      pAdd[gi + gj] = pAdd[gi + gj]! + v;
      pSub[diff] = pSub[diff]! + v;
    }
    px[i] = rs;
  }
  let ux = 0;
  let uy = 0;
  let hx = 0;
  let hy = 0;
  for (let i = 0; i < m; i++) {
    ux += gl[i]! * px[i]!;
    uy += gl[i]! * py[i]!;
    hx -= plogp(px[i]!, eps);
    hy -= plogp(py[i]!, eps);
  }
  let clustTend = 0;
  let clustShade = 0;
  let clustProm = 0;
  let varX = 0;
  let varY = 0;
  let corm = 0;
  let hxy1 = 0;
  let hxy2 = 0;
  for (let i = 0; i < m; i++) {
    const di = gl[i]! - ux;
    const pxi = px[i]!;
    const row = base + i * m;
    for (let j = 0; j < m; j++) {
      const pxy = pxi * py[j]!;
      if (pxy > 0) hxy2 -= pxy * Math.log2(pxy + eps);
      const v = p[row + j]!;
      if (!(v > 0)) continue;
      const dj = gl[j]! - uy;
      const t = di + dj;
      const t2 = t * t;
      clustTend += v * t2;
      clustShade += v * t2 * t;
      clustProm += v * t2 * t2;
      varX += v * di * di;
      varY += v * dj * dj;
      corm += v * di * dj;
      hxy1 -= v * Math.log2(pxy + eps);
    }
  }
  let diffAvg = 0;
  let diffEntr = 0;
  let id = 0;
  let idn = 0;
  let idm = 0;
  let idmn = 0;
  let invVar = 0;
  for (let k = 0; k < Ng; k++) {
    const v = pSub[k]!;
    if (v === 0) continue;
    diffAvg += k * v;
    diffEntr -= plogp(v, eps);
    id += v / (1 + k);
    idn += v / (1 + k / Ng);
    idm += v / (1 + k * k);
    idmn += v / (1 + (k * k) / (Ng * Ng));
    if (k > 0) invVar += v / (k * k);
  }
  let diffVar = 0;
  for (let k = 0; k < Ng; k++) if (pSub[k]! !== 0) diffVar += pSub[k]! * (k - diffAvg) ** 2;
  let sumAvg = 0;
  let sumEntr = 0;
  for (let k = 2; k <= 2 * Ng; k++) {
    const v = pAdd[k]!;
    if (v === 0) continue;
    sumAvg += k * v;
    sumEntr -= plogp(v, eps);
  }
  let sumVar = 0;
  for (let k = 2; k <= 2 * Ng; k++) if (pAdd[k]! !== 0) sumVar += pAdd[k]! * (k - sumAvg) ** 2;
  const sig = Math.sqrt(varX) * Math.sqrt(varY);
  const div = Math.max(hx, hy);
  out[o + C.autocorr] = autocorr;
  out[o + C.jointAvg] = ux;
  out[o + C.clustProm] = clustProm;
  out[o + C.clustShade] = clustShade;
  out[o + C.clustTend] = clustTend;
  out[o + C.contrast] = contrast;
  // PyRadiomics: 1 when sigma_x sigma_y = 0 (flat region)
  out[o + C.corr] = sig === 0 ? 1 : corm / (sig + eps);
  out[o + C.diffAvg] = diffAvg;
  out[o + C.diffEntr] = diffEntr;
  out[o + C.diffVar] = diffVar;
  out[o + C.energy] = energy;
  out[o + C.jointEntr] = hxy;
  // IMC1 = (HXY - HXY1) / max(HX, HY), 0 when HX = HY = 0 (IBSI R8DG)
  out[o + C.imc1] = div === 0 ? 0 : (hxy - hxy1) / div;
  // IMC2 = sqrt(1 - exp(-2 (HXY2 - HXY))), 0 when HXY2 = HXY; NaN (dropped by nanmean) if negative (IBSI JN9H)
  out[o + C.imc2] = hxy2 === hxy ? 0 : Math.sqrt(1 - Math.exp(-2 * (hxy2 - hxy)));
  out[o + C.idm] = idm;
  out[o + C.idmn] = idmn;
  out[o + C.id] = id;
  out[o + C.idn] = idn;
  out[o + C.invVar] = invVar;
  out[o + C.maxProb] = maxProb;
  out[o + C.sumAvg] = sumAvg;
  out[o + C.sumEntr] = sumEntr;
  out[o + C.sumVar] = sumVar;
  out[o + C.jointVar] = varX;
  out[o + C.dissimilarity] = diffAvg;
}

/**
 * Maximal correlation coefficient of one normalised matrix: sqrt of the second largest eigenvalue of
 * Q(i,j) = sum_k p(i,k) p(j,k) / (p_x(i) p_y(k)). Q = Dx^-1 B with B symmetric, so its eigenvalues are
 * those of the symmetric Dx^-1/2 B Dx^-1/2 (rows with p_x(i) = 0 are zero in both).
 */
function mccOf(
  p: Float64Array,
  base: number,
  m: number,
  px: Float64Array,
  py: Float64Array,
  A: Float64Array,
  S: Float64Array,
): number {
  // A(i,k) = p(i,k) / sqrt(p_x(i) p_y(k)); S = A A^T
  for (let i = 0; i < m; i++) {
    const pxi = px[i]!;
    for (let k = 0; k < m; k++) {
      const v = p[base + i * m + k]!;
      A[i * m + k] = v > 0 ? v / Math.sqrt(pxi * py[k]!) : 0;
    }
  }
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    for (let j = 0; j <= i; j++) {
      const rj = j * m;
      let acc = 0;
      for (let k = 0; k < m; k++) acc += A[ri + k]! * A[rj + k]!;
      S[ri + j] = acc;
      S[rj + i] = acc;
    }
  }
  const ev = symmetricEigenvalues(S, m);
  return Math.sqrt(ev[m - 2]!);
}

function marginals(p: Float64Array, base: number, m: number, px: Float64Array, py: Float64Array): void {
  px.fill(0);
  py.fill(0);
  for (let i = 0; i < m; i++) {
    let rs = 0;
    for (let j = 0; j < m; j++) {
      const v = p[base + i * m + j]!;
      rs += v;
      py[j] = py[j]! + v;
    }
    px[i] = rs;
  }
}

export interface GlcmOptions {
  /** Also return PyRadiomics' deprecated features (Dissimilarity, Homogeneity1, Homogeneity2, SumVariance). */
  includeDeprecated?: boolean;
}

/** GLCM weight of angle a for weightingNorm (PyRadiomics: exp(-|a|^2), 1 for no_weighting). */
function glcmWeight(angles: Int32Array, a: number, roi: DiscretisedRoi, norm: WeightingNorm): number {
  if (norm === "no_weighting") return 1;
  const d = offsetLength(angles, a, roi.spacing, norm);
  return Math.exp(-(d * d));
}

/**
 * PyRadiomics GLCM features (`original_glcm_<Name>` without prefix): the 24 active features, plus the
 * deprecated ones with `includeDeprecated`.
 */
export function glcmFeatures(
  roi: DiscretisedRoi,
  settings?: Partial<TextureSettings>,
  options: GlcmOptions = {},
): FeatureValues {
  const s = textureSettings(settings);
  checkWeightingNorm(s.weightingNorm);
  const mats = glcmMatrices(roi, s);
  const m = mats.greyLevels.length;
  const mm = m * m;
  let P = mats.counts;
  let nMat = mats.nAngles;
  if (s.weightingNorm && nMat > 0) {
    const merged = new Float64Array(mm);
    for (let a = 0; a < nMat; a++) {
      const wgt = glcmWeight(mats.angles, a, roi, s.weightingNorm);
      for (let t = 0; t < mm; t++) merged[t] = merged[t]! + wgt * P[a * mm + t]!;
    }
    P = merged;
    nMat = 1;
  }
  // drop empty angles (when more than one matrix), normalise the rest (an empty single matrix -> NaN)
  const keep: number[] = [];
  const sums: number[] = [];
  for (let a = 0; a < nMat; a++) {
    let sum = 0;
    for (let t = 0; t < mm; t++) sum += P[a * mm + t]!;
    if (sum === 0 && nMat > 1) continue;
    keep.push(a);
    sums.push(sum === 0 ? Number.NaN : sum);
  }
  const nk = keep.length;
  // normalise in place (P is this call's own array)
  for (let t = 0; t < nk; t++) {
    const b = keep[t]! * mm;
    const sum = sums[t]!;
    for (let q = 0; q < mm; q++) P[b + q] = P[b + q]! / sum;
  }
  const gl = Float64Array.from(mats.greyLevels);
  const work = makeWork(m, mats.Ng);
  const vals = new Float64Array(nk * NC);
  const mcc = new Float64Array(nk);
  const mccA = new Float64Array(mm);
  const mccS = new Float64Array(mm);
  for (let t = 0; t < nk; t++) {
    if (Number.isNaN(sums[t]!)) {
      // a single empty matrix (weighted sum of empty angles): PyRadiomics divides by NaN
      vals.fill(Number.NaN, t * NC, (t + 1) * NC);
      mcc[t] = Number.NaN;
      continue;
    }
    const b = keep[t]! * mm;
    glcmCore(P, b, m, gl, mats.Ng, EPS, work, vals, t * NC);
    if (m >= 2) {
      marginals(P, b, m, work.px, work.py);
      mcc[t] = mccOf(P, b, m, work.px, work.py, mccA, mccS);
    }
  }
  const avg = (slot: number) => nanMean(vals, nk, NC, slot);
  const f: FeatureValues = {
    Autocorrelation: avg(C.autocorr),
    JointAverage: plainMean(vals, nk, NC, C.jointAvg),
    ClusterProminence: avg(C.clustProm),
    ClusterShade: avg(C.clustShade),
    ClusterTendency: avg(C.clustTend),
    Contrast: avg(C.contrast),
    Correlation: avg(C.corr),
    DifferenceAverage: avg(C.diffAvg),
    DifferenceEntropy: avg(C.diffEntr),
    DifferenceVariance: avg(C.diffVar),
    JointEnergy: avg(C.energy),
    JointEntropy: avg(C.jointEntr),
    Imc1: avg(C.imc1),
    Imc2: avg(C.imc2),
    Idm: avg(C.idm),
    // PyRadiomics returns 1 for a single grey level (Q is 1 x 1)
    MCC: m < 2 ? 1 : nanMean(mcc, nk),
    Idmn: avg(C.idmn),
    Id: avg(C.id),
    Idn: avg(C.idn),
    InverseVariance: avg(C.invVar),
    MaximumProbability: avg(C.maxProb),
    SumAverage: avg(C.sumAvg),
    SumEntropy: avg(C.sumEntr),
    SumSquares: avg(C.jointVar),
  };
  if (options.includeDeprecated) {
    f.Dissimilarity = avg(C.dissimilarity);
    f.Homogeneity1 = avg(C.id);
    f.Homogeneity2 = avg(C.idm);
    f.SumVariance = avg(C.sumVar);
  }
  return f;
}

// ---------------------------------------------------------------------------------------------------
// IBSI 1

/** IBSI texture aggregation for GLCM/GLRLM (tag suffixes of the compliance spreadsheet). */
export type IbsiMatrixAggregation = "2D_avg" | "2D_comb" | "2_5D_avg" | "2_5D_comb" | "3D_avg" | "3D_comb";

export const IBSI_MATRIX_AGGREGATIONS: readonly IbsiMatrixAggregation[] = [
  "2D_avg",
  "2D_comb",
  "2_5D_avg",
  "2_5D_comb",
  "3D_avg",
  "3D_comb",
];

/** IBSI GLCM feature tags (without aggregation suffix) and their slots. */
const IBSI_CM: ReadonlyArray<[string, number]> = [
  ["cm_joint_max", C.maxProb], // GYBY
  ["cm_joint_avg", C.jointAvg], // 60VM
  ["cm_joint_var", C.jointVar], // UR99
  ["cm_joint_entr", C.jointEntr], // TU9B
  ["cm_diff_avg", C.diffAvg], // TF7R
  ["cm_diff_var", C.diffVar], // D3YU
  ["cm_diff_entr", C.diffEntr], // NTRS
  ["cm_sum_avg", C.sumAvg], // ZGXS
  ["cm_sum_var", C.sumVar], // OEEB
  ["cm_sum_entr", C.sumEntr], // P6QZ
  ["cm_energy", C.energy], // 8ZQL
  ["cm_contrast", C.contrast], // ACUI
  ["cm_dissimilarity", C.dissimilarity], // 8S9J
  ["cm_inv_diff", C.id], // IB1Z
  ["cm_inv_diff_norm", C.idn], // NDRX
  ["cm_inv_diff_mom", C.idm], // WF0Z
  ["cm_inv_diff_mom_norm", C.idmn], // 1QCO
  ["cm_inv_var", C.invVar], // E8JP
  ["cm_corr", C.corr], // NI2N
  ["cm_auto_corr", C.autocorr], // QWB0
  ["cm_clust_tend", C.clustTend], // DG8W
  ["cm_clust_shade", C.clustShade], // 7NFM
  ["cm_clust_prom", C.clustProm], // AE86
  ["cm_info_corr1", C.imc1], // R8DG
  ["cm_info_corr2", C.imc2], // JN9H
];

export interface IbsiGlcmOptions {
  /** Chebyshev distance delta (default 1). */
  distance?: number;
  aggregation: IbsiMatrixAggregation;
}

/** Accumulator of feature vectors to average (skipping empty matrices). */
class FeatureMean {
  readonly sum = new Float64Array(NC);
  readonly n = new Float64Array(NC);
  add(v: Float64Array): void {
    for (let t = 0; t < NC; t++) {
      if (!Number.isNaN(v[t]!)) {
        this.sum[t] = this.sum[t]! + v[t]!;
        this.n[t] = this.n[t]! + 1;
      }
    }
  }
  value(slot: number): number {
    return this.n[slot]! > 0 ? this.sum[slot]! / this.n[slot]! : Number.NaN;
  }
}

/**
 * IBSI 1 GLCM features (symmetric co-occurrence, Chebyshev distance, no eps in the logarithms).
 * Levels are 1..roi.nLevels (Ng = nLevels in the normalised features). 2D methods work slice by slice in
 * the (i, j) plane (4 directions); 3D uses the 13 directions. Empty matrices are left out of averages.
 * Returns { `<tag>_<aggregation>`: value }.
 */
export function ibsiGlcm(roi: DiscretisedRoi, options: IbsiGlcmOptions): FeatureValues {
  const agg = options.aggregation;
  if (!IBSI_MATRIX_AGGREGATIONS.includes(agg))
    throw new InputError(`GLCM aggregation '${agg}' is not one of ${IBSI_MATRIX_AGGREGATIONS.join(", ")}`);
  const distance = normaliseDistances([options.distance ?? 1])[0]!;
  const nRoi = checkRoi(roi, "GLCM");
  const Ng = Math.max(roi.nLevels, presentLevels(roi.levels).maxLevel);
  const lv = allLevels(Ng);
  const m = Ng;
  const mm = m * m;
  const twoD = agg.startsWith("2D") || agg.startsWith("2_5D");
  const dirs = ibsiDirections(twoD, distance);
  const nd = dirs.length / 3;
  const g = padGrid(roi, distance, nRoi);
  const lin = linearOffsets(g, dirs);
  const gl = Float64Array.from(lv.levels);
  const work = makeWork(m, Ng);
  const vec = new Float64Array(NC);
  const mean = new FeatureMean();
  const buf = new Float64Array(nd * mm);
  const merged = new Float64Array(mm);

  /** Features of count matrix src[base..] (normalised into `merged`), added to the mean if not empty. */
  const addMatrix = (src: Float64Array, base: number) => {
    let sum = 0;
    for (let t = 0; t < mm; t++) sum += src[base + t]!;
    if (sum === 0) return;
    for (let t = 0; t < mm; t++) merged[t] = src[base + t]! / sum;
    glcmCore(merged, 0, m, gl, Ng, 0, work, vec, 0);
    mean.add(vec);
  };
  const addSum = () => {
    const tot = new Float64Array(mm);
    for (let a = 0; a < nd; a++) for (let t = 0; t < mm; t++) tot[t] = tot[t]! + buf[a * mm + t]!;
    addMatrix(tot, 0);
  };

  if (agg === "2D_avg" || agg === "2D_comb") {
    // slice by slice: ROI voxels are stored slice after slice
    let q0 = 0;
    while (q0 < nRoi) {
      let q1 = q0;
      const k = g.slice[q0]!;
      while (q1 < nRoi && g.slice[q1] === k) q1++;
      buf.fill(0);
      accumulatePairs(g, lv.index, m, lin, buf, 0, q0, q1);
      symmetrise(buf, 0, nd, m);
      if (agg === "2D_avg") for (let a = 0; a < nd; a++) addMatrix(buf, a * mm);
      else addSum();
      q0 = q1;
    }
  } else {
    // in-plane directions never cross slices, so 2.5D is the whole-volume matrix per 2D direction
    accumulatePairs(g, lv.index, m, lin, buf, 0, 0, nRoi);
    symmetrise(buf, 0, nd, m);
    if (agg.endsWith("_avg")) for (let a = 0; a < nd; a++) addMatrix(buf, a * mm);
    else addSum();
  }
  const out: FeatureValues = {};
  for (const [tag, slot] of IBSI_CM) out[`${tag}_${agg}`] = mean.value(slot);
  return out;
}
