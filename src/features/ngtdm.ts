/**
 * Neighbouring grey tone difference matrix (NGTDM) features: PyRadiomics-compatible (`ngtdmFeatures`,
 * names as in radiomics/ngtdm.py) and IBSI 1 (`ibsiNgtdm`, tags `ngt_*`, IBSI family IPET).
 *
 * For each ROI voxel of level i, s_i accumulates |i - mean level of its ROI neighbours| (neighbours: all
 * offsets at the Chebyshev `distances`). PyRadiomics counts every ROI voxel in n_i and adds 0 for a voxel
 * without ROI neighbours; IBSI counts only voxels with at least one neighbour (W_k > 0). Levels with
 * n_i = 0 are dropped.
 */

import { InputError } from "../errors.js";
import { ibsiNeighbourhood, maxOffset, normaliseDistances, pyradiomicsAngles } from "./directions.js";
import { IBSI_ZONE_AGGREGATIONS, type IbsiZoneAggregation } from "./glszm.js";
import {
  type PaddedGrid,
  checkRoi,
  linearOffsets,
  padGrid,
  presentLevels,
  textureSettings,
} from "./texture-util.js";
import type { DiscretisedRoi, FeatureValues, TextureSettings } from "./types.js";

export const NGTDM_FEATURE_NAMES = ["Coarseness", "Contrast", "Busyness", "Complexity", "Strength"] as const;

/** NGTDM rows for the grey levels with n_i > 0. */
export interface NgtdmMatrix {
  /** Grey level i of each row, ascending. */
  greyLevels: Int32Array;
  /** n_i: number of voxels of level i (PyRadiomics: all ROI voxels; IBSI: those with neighbours). */
  n: Float64Array;
  /** s_i: sum of |i - neighbourhood mean| over those voxels. */
  s: Float64Array;
}

/**
 * Accumulates n_i and s_i (indexed by level) over ROI voxels q0..q1-1. With `requireNeighbour` (IBSI),
 * voxels without a ROI neighbour are not counted.
 */
function accumulate(
  g: PaddedGrid,
  lin: Int32Array,
  q0: number,
  q1: number,
  n: Float64Array,
  s: Float64Array,
  requireNeighbour: boolean,
): void {
  const d = g.data;
  const na = lin.length;
  for (let q = q0; q < q1; q++) {
    const p = g.voxels[q]!;
    const v = d[p]!;
    let count = 0;
    let sum = 0;
    for (let a = 0; a < na; a++) {
      const w = d[p + lin[a]!]!;
      if (w !== 0) {
        count++;
        sum += w;
      }
    }
    if (count === 0) {
      if (!requireNeighbour) n[v]++;
      continue;
    }
    n[v]++;
    s[v] = s[v]! + Math.abs(v - sum / count);
  }
}

function compact(n: Float64Array, s: Float64Array): NgtdmMatrix {
  let rows = 0;
  for (let v = 0; v < n.length; v++) if (n[v]! > 0) rows++;
  const out: NgtdmMatrix = {
    greyLevels: new Int32Array(rows),
    n: new Float64Array(rows),
    s: new Float64Array(rows),
  };
  let r = 0;
  for (let v = 0; v < n.length; v++) {
    if (n[v]! > 0) {
      out.greyLevels[r] = v;
      out.n[r] = n[v]!;
      out.s[r] = s[v]!;
      r++;
    }
  }
  return out;
}

/** PyRadiomics-style NGTDM (distances, force2D plane). */
export function ngtdmMatrix(roi: DiscretisedRoi, settings?: Partial<TextureSettings>): NgtdmMatrix {
  const st = textureSettings(settings);
  const nRoi = checkRoi(roi, "NGTDM");
  const maxLevel = presentLevels(roi.levels).maxLevel;
  const offsets = pyradiomicsAngles(roi.size, st.distances, st.force2D, st.force2Ddimension, true);
  const g = padGrid(roi, Math.max(1, maxOffset(offsets)), nRoi);
  const n = new Float64Array(maxLevel + 1);
  const s = new Float64Array(maxLevel + 1);
  accumulate(g, linearOffsets(g, offsets), 0, nRoi, n, s, false);
  return compact(n, s);
}

const F = { coarseness: 0, contrast: 1, busyness: 2, complexity: 3, strength: 4 } as const;

/** The five NGTDM features of one matrix into out[0..4]; NaN when no voxel is counted. */
function ngtdmCore(m: NgtdmMatrix, out: Float64Array): void {
  const k = m.greyLevels.length;
  let nv = 0;
  let sumS = 0;
  for (let r = 0; r < k; r++) {
    nv += m.n[r]!;
    sumS += m.s[r]!;
  }
  if (nv === 0) {
    out.fill(Number.NaN);
    return;
  }
  const p = new Float64Array(k);
  for (let r = 0; r < k; r++) p[r] = m.n[r]! / nv;
  let ps = 0;
  for (let r = 0; r < k; r++) ps += p[r]! * m.s[r]!;
  let contrastSum = 0;
  let busyDen = 0;
  let complexity = 0;
  let strength = 0;
  for (let a = 0; a < k; a++) {
    const ia = m.greyLevels[a]!;
    const pa = p[a]!;
    if (pa === 0) continue;
    for (let b = 0; b < k; b++) {
      const pb = p[b]!;
      if (pb === 0) continue;
      const ib = m.greyLevels[b]!;
      const dd = ia - ib;
      contrastSum += pa * pb * dd * dd;
      busyDen += Math.abs(ia * pa - ib * pb);
      complexity += (Math.abs(dd) * (pa * m.s[a]! + pb * m.s[b]!)) / (pa + pb);
      strength += (pa + pb) * dd * dd;
    }
  }
  const ngp = k; // rows all have n_i > 0
  const div = ngp * (ngp - 1);
  // IBSI QCDE: 1e6 when sum p_i s_i = 0 (also PyRadiomics)
  out[F.coarseness] = ps !== 0 ? 1 / ps : 1e6;
  out[F.contrast] = div !== 0 ? (contrastSum * sumS) / nv / div : 0;
  out[F.busyness] = busyDen !== 0 ? ps / busyDen : 0;
  out[F.complexity] = complexity / nv;
  out[F.strength] = sumS !== 0 ? strength / sumS : 0;
}

/** PyRadiomics NGTDM features (5, `original_ngtdm_<Name>` without prefix). */
export function ngtdmFeatures(roi: DiscretisedRoi, settings?: Partial<TextureSettings>): FeatureValues {
  const v = new Float64Array(5);
  ngtdmCore(ngtdmMatrix(roi, settings), v);
  return {
    Coarseness: v[F.coarseness]!,
    Contrast: v[F.contrast]!,
    Busyness: v[F.busyness]!,
    Complexity: v[F.complexity]!,
    Strength: v[F.strength]!,
  };
}

// ---------------------------------------------------------------------------------------------------
// IBSI 1

export interface IbsiNgtdmOptions {
  /** Chebyshev distance delta (default 1). */
  distance?: number;
  aggregation: IbsiZoneAggregation;
}

const IBSI_NGT: ReadonlyArray<[string, number]> = [
  ["ngt_coarseness", F.coarseness], // QCDE
  ["ngt_contrast", F.contrast], // 65HE
  ["ngt_busyness", F.busyness], // NQ30
  ["ngt_complexity", F.complexity], // HDEZ
  ["ngt_strength", F.strength], // 1X9X
];

/**
 * IBSI 1 NGTDM features. "2D": in-plane neighbourhood, features per slice averaged; "2_5D": slice
 * matrices merged (n_i, s_i summed); "3D": 3D neighbourhood. Returns { `<tag>_<aggregation>` }.
 */
export function ibsiNgtdm(roi: DiscretisedRoi, options: IbsiNgtdmOptions): FeatureValues {
  const agg = options.aggregation;
  if (!IBSI_ZONE_AGGREGATIONS.includes(agg))
    throw new InputError(`NGTDM aggregation '${agg}' is not one of ${IBSI_ZONE_AGGREGATIONS.join(", ")}`);
  const distance = normaliseDistances([options.distance ?? 1])[0]!;
  const nRoi = checkRoi(roi, "NGTDM");
  const maxLevel = presentLevels(roi.levels).maxLevel;
  const g = padGrid(roi, distance, nRoi);
  const lin = linearOffsets(g, ibsiNeighbourhood(agg !== "3D", distance));
  const n = new Float64Array(maxLevel + 1);
  const s = new Float64Array(maxLevel + 1);
  const vec = new Float64Array(5);
  const sum = new Float64Array(5);
  let cnt = 0;
  if (agg === "2D") {
    let q0 = 0;
    while (q0 < nRoi) {
      let q1 = q0;
      const k = g.slice[q0]!;
      while (q1 < nRoi && g.slice[q1] === k) q1++;
      n.fill(0);
      s.fill(0);
      accumulate(g, lin, q0, q1, n, s, true);
      ngtdmCore(compact(n, s), vec);
      if (!Number.isNaN(vec[0]!)) {
        for (let t = 0; t < 5; t++) sum[t] = sum[t]! + vec[t]!;
        cnt++;
      }
      q0 = q1;
    }
  } else {
    // 2.5D: summing per-slice n_i and s_i equals one pass with the in-plane neighbourhood
    accumulate(g, lin, 0, nRoi, n, s, true);
    ngtdmCore(compact(n, s), vec);
    if (!Number.isNaN(vec[0]!)) {
      sum.set(vec);
      cnt = 1;
    }
  }
  const out: FeatureValues = {};
  for (const [tag, slot] of IBSI_NGT) out[`${tag}_${agg}`] = cnt > 0 ? sum[slot]! / cnt : Number.NaN;
  return out;
}
