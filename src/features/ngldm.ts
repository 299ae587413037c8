/**
 * IBSI 1 neighbouring grey level dependence matrix (NGLDM, family REK0). PyRadiomics' GLDM is related
 * but counts dependence from 0 and has no 2D/2.5D aggregation; this is the IBSI definition.
 *
 * For every voxel k of the intensity mask, the dependence j_k is the number of voxels m within
 * Chebyshev distance delta (the voxel itself included, so j_k >= 1) that lie in the ROI and have
 * |X_d(k) - X_d(m)| <= alpha. s(i, j) counts the voxels of grey level i with dependence j; N_s = N_v.
 * Neighbours outside the ROI (or beyond the grid) never count. In "2D" and "2_5D" the neighbourhood is
 * the in-plane square of the k-slice.
 */

import { EmptyRoiError, InputError } from "../errors.js";
import {
  type CountMatrix,
  type ZoneAggregation,
  namedCountMatrixFeatures,
  checkAggregation,
  checkRoiGrid,
} from "./gldzm.js";
import type { DiscretisedRoi, FeatureValues } from "./types.js";

export interface NgldmOptions {
  aggregation: ZoneAggregation;
  /** Chebyshev neighbourhood radius delta (default 1). */
  distance?: number;
  /** Coarseness alpha: grey levels within alpha are dependent (default 0). */
  alpha?: number;
}

/** Dependence count j_k per voxel (0 outside the ROI). */
export function ngldmDependence(roi: DiscretisedRoi, inPlane: boolean, distance = 1, alpha = 0): Int32Array {
  if (!Number.isInteger(distance) || distance < 1) {
    throw new InputError(`NGLDM: distance must be a positive integer, got ${distance}`);
  }
  if (!(alpha >= 0)) throw new InputError(`NGLDM: alpha must be non-negative, got ${alpha}`);
  const [nx, ny, nz] = roi.size;
  const lv = roi.levels;
  const dep = new Int32Array(lv.length);
  const dz = inPlane ? 0 : distance;
  for (let k = 0, v = 0; k < nz; k++) {
    const k0 = Math.max(0, k - dz);
    const k1 = Math.min(nz - 1, k + dz);
    for (let j = 0; j < ny; j++) {
      const j0 = Math.max(0, j - distance);
      const j1 = Math.min(ny - 1, j + distance);
      for (let i = 0; i < nx; i++, v++) {
        const g = lv[v]!;
        if (g === 0) continue;
        const i0 = Math.max(0, i - distance);
        const i1 = Math.min(nx - 1, i + distance);
        let c = 0;
        for (let kk = k0; kk <= k1; kk++) {
          for (let jj = j0; jj <= j1; jj++) {
            let w = i0 + nx * (jj + ny * kk);
            for (let ii = i0; ii <= i1; ii++, w++) {
              const h = lv[w]!;
              if (h !== 0 && Math.abs(h - g) <= alpha) c++;
            }
          }
        }
        dep[v] = c; // includes the centre voxel itself
      }
    }
  }
  return dep;
}

/**
 * NGLDMs of a discretised ROI: one per k-slice holding ROI voxels ("2D", "2_5D"), or one ("3D").
 */
export function ngldmMatrices(roi: DiscretisedRoi, options: NgldmOptions): CountMatrix[] {
  checkAggregation(options.aggregation, "NGLDM");
  checkRoiGrid(roi, "NGLDM");
  const inPlane = options.aggregation !== "3D";
  const dep = ngldmDependence(roi, inPlane, options.distance ?? 1, options.alpha ?? 0);
  const [nx, ny, nz] = roi.size;
  const lv = roi.levels;
  const ng = roi.nLevels;
  let maxDep = 0;
  for (let v = 0; v < dep.length; v++) {
    const g = lv[v]!;
    if (g === 0) continue;
    if (g < 0 || g > ng || !Number.isInteger(g)) {
      throw new InputError(`NGLDM: voxel ${v} has level ${g}, outside 1..nLevels (${ng})`);
    }
    if (dep[v]! > maxDep) maxDep = dep[v]!;
  }
  if (maxDep === 0) throw new EmptyRoiError("NGLDM: the ROI has no voxels");
  const sxy = nx * ny;
  const nMat = inPlane ? nz : 1;
  const mats: (CountMatrix | undefined)[] = new Array(nMat);
  for (let v = 0; v < dep.length; v++) {
    const g = lv[v]!;
    if (g === 0) continue;
    const s = inPlane ? Math.floor(v / sxy) : 0;
    let m = mats[s];
    if (!m) {
      m = { counts: new Float64Array(ng * maxDep), nLevels: ng, nCols: maxDep, nVoxels: 0 };
      mats[s] = m;
    }
    m.counts[(g - 1) * maxDep + dep[v]! - 1]!++;
    m.nVoxels++;
  }
  return mats.filter((m): m is CountMatrix => m !== undefined);
}

/** NGLDM feature tags (IBSI compliance spreadsheet), without the aggregation suffix. */
export const NGLDM_FEATURES = [
  "ngl_lde", // SODN
  "ngl_hde", // IMOQ
  "ngl_lgce", // TL9H
  "ngl_hgce", // OAE7
  "ngl_ldlge", // EQ3F
  "ngl_ldhge", // JA6D
  "ngl_hdlge", // NBZI
  "ngl_hdhge", // 9QMG
  "ngl_glnu", // FP8K
  "ngl_glnu_norm", // 5SPA
  "ngl_dcnu", // Z87G
  "ngl_dcnu_norm", // OKJI
  "ngl_dc_perc", // 6XV8
  "ngl_gl_var", // 1PFV
  "ngl_dc_var", // DNX2
  "ngl_dc_entr", // FCBV
  "ngl_dc_energy", // CAS9
] as const;

/** NGLDM features named by tag with the aggregation suffix, e.g. `ngl_lde_3D`. */
export function ngldmFeaturesFromMatrices(
  ms: readonly CountMatrix[],
  aggregation: ZoneAggregation,
): FeatureValues {
  return namedCountMatrixFeatures(ms, aggregation, NGLDM_FEATURES);
}

/**
 * IBSI NGLDM features of a discretised ROI, keyed by compliance tag with the aggregation suffix
 * (`ngl_lde_2D`, `ngl_lde_2_5D`, `ngl_lde_3D`...). Defaults: distance 1, alpha 0.
 */
export function ibsiNgldm(roi: DiscretisedRoi, options: NgldmOptions): FeatureValues {
  return ngldmFeaturesFromMatrices(ngldmMatrices(roi, options), options.aggregation);
}
