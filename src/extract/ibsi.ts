/**
 * IBSI-compliant extraction mode (IBSI 1): the image-processing chain of the IBSI manual and every
 * standardised feature family, keyed by the tags of the IBSI compliance spreadsheet (`morph_volume`,
 * `stat_mean`, `cm_joint_max_2D_avg`, `szm_sze_2_5D`, ...).
 *
 * This is a separate code path from the PyRadiomics-compatible pipeline (src/extract/pipeline.ts): IBSI
 * aligns interpolation grids on their centres, interpolates the ROI mask and thresholds it, counts fixed
 * bin sizes from the re-segmentation bound, reports excess kurtosis, and aggregates texture matrices in
 * the ways the IBSI defines.
 *
 * Processing chain (IBSI "Image processing"):
 *   1. intensities as float64, rounded to the nearest integer when the configuration says so (the CT
 *      phantom's NIfTI, README 2.2); the ROI is the mask voxels equal to `label`;
 *   2. interpolation (src/image/interpolate.ts): image with the configured method, rounded (68QD); the ROI
 *      mask interpolated and thresholded at the partial-volume threshold: the morphological mask (G5KJ);
 *   3. re-segmentation (IF9H): the intensity mask (SEFI) keeps the morphological-mask voxels inside the
 *      range [a, b] and, with outlier filtering, inside mean +- 3 SD of the morphological-mask intensities
 *      (the intersection of both ranges);
 *   4. discretisation of the intensity mask for texture and intensity-histogram features (FBS counted
 *      from the re-segmentation lower bound, FBN over the ROI range, or none), and separately for the IVH;
 *   5. features: morphology on the morphological mask (intensity mask for the intensity-weighted ones),
 *      local intensity on the whole interpolated image around intensity-mask voxels, statistics, IH, IVH
 *      on the intensity mask, texture on the discretised intensity mask (GLDZM distances from the
 *      morphological mask), with the 2D / 2.5D / 3D aggregations of the configuration.
 */

import { EmptyRoiError, InputError } from "../errors.js";
import { ibsiStatisticsTags } from "../features/firstorder.js";
import { IBSI_MATRIX_AGGREGATIONS, type IbsiMatrixAggregation, ibsiGlcm } from "../features/glcm.js";
import { ibsiGldzm } from "../features/gldzm.js";
import { ibsiGlrlm } from "../features/glrlm.js";
import { IBSI_ZONE_AGGREGATIONS, type IbsiZoneAggregation, ibsiGlszm } from "../features/glszm.js";
import { ibsiIntensityHistogram } from "../features/intensityHistogram.js";
import { type IvhSettings, ibsiIvh } from "../features/ivh.js";
import { ibsiLocalIntensity } from "../features/localIntensity.js";
import { type MorphologyOptions, ibsiMorphologyTags } from "../features/morphology.js";
import { ibsiNgldm } from "../features/ngldm.js";
import { ibsiNgtdm } from "../features/ngtdm.js";
import type { DiscretisedRoi, FeatureValues } from "../features/types.js";
import { discretiseIbsiFbn, discretiseIbsiFbs } from "../image/discretise.js";
import { assertSameGeometry, boundingBox, cropToBox } from "../image/geometry.js";
import {
  type InterpolationMethod,
  type TargetSpacing,
  ibsiInterpolateImage,
  ibsiInterpolateMask,
  roundHalfEven,
} from "../image/interpolate.js";
import { type Vec3, Volume } from "../image/volume.js";

// ---------------------------------------------------------------------------------------------------
// Configurations

/** Discretisation for texture and intensity-histogram features. */
export type IbsiDiscretisation =
  /** Intensities are already grey levels 1, 2, ... (the digital phantom). */
  | { method: "none" }
  /** IBSI fixed bin size (Q3RU), counted from the re-segmentation lower bound (else the ROI minimum). */
  | { method: "fbs"; binWidth: number }
  /** IBSI fixed bin number (K15C) over [min, max] of the intensity mask. */
  | { method: "fbn"; binCount: number };

/** IVH discretisation; the re-segmentation range is passed on for "discrete" and "fbs" (IBSI P88C). */
export type IbsiIvhDiscretisation =
  | { mode: "discrete" }
  | { mode: "fbs"; binWidth: number }
  | { mode: "fbn"; binCount: number };

export interface IbsiInterpolation {
  /** Target spacing (mm) per axis x, y, z; null keeps the axis ([2, 2, null]: in-plane "2D" interpolation). */
  spacing: TargetSpacing;
  /** Image interpolation: linear (bilinear in-plane / trilinear) or cubic (tricubic spline). */
  method: InterpolationMethod;
  /** Round interpolated intensities to the nearest integer (68QD). */
  round: boolean;
  /** ROI mask interpolation method (IBSI: linear). */
  roiMethod: InterpolationMethod;
  /** Partial-volume threshold (IBSI: 0.5). */
  roiThreshold: number;
}

export interface IbsiConfig {
  name: string;
  /**
   * Texture approach: "2D" slice-wise (GLCM/GLRLM 2D_avg, 2D_comb, 2_5D_avg, 2_5D_comb; zone families 2D
   * and 2_5D), "3D" volumetric (3D_avg, 3D_comb; 3D), or "all" (every aggregation: the digital phantom).
   */
  approach: "2D" | "3D" | "all";
  /** Round the input intensities to the nearest integer before processing. */
  roundInput: boolean;
  /** null: no interpolation. */
  interpolation: IbsiInterpolation | null;
  /** Range re-segmentation [a, b] (b may be null: [a, inf)); null: none. */
  resegmentRange: [number, number | null] | null;
  /** Outlier filtering at mean +- n SD of the ROI (IBSI 7ACA uses 3); null: none. */
  outlierSigma: number | null;
  /** Discretisation for texture and intensity-histogram features. */
  discretisation: IbsiDiscretisation;
  /** Discretisation for intensity-volume histogram features. */
  ivh: IbsiIvhDiscretisation;
  /** GLCM, NGTDM and NGLDM Chebyshev distance (1). */
  distance: number;
  /** NGLDM coarseness alpha (0). */
  ngldmAlpha: number;
}

const CT_INTERPOLATION_2D: IbsiInterpolation = {
  spacing: [2, 2, null],
  method: "linear",
  round: true,
  roiMethod: "linear",
  roiThreshold: 0.5,
};
const CT_INTERPOLATION_3D: IbsiInterpolation = { ...CT_INTERPOLATION_2D, spacing: [2, 2, 2] };

/**
 * The IBSI 1 reference configurations (README 2.3; IBSI manual "Reference data sets"). Reference values
 * for C, D and E are not public; the configurations are given for users.
 */
export const IBSI_CONFIGS = {
  digital_phantom: {
    name: "digital_phantom",
    approach: "all",
    roundInput: false,
    interpolation: null,
    resegmentRange: null,
    outlierSigma: null,
    discretisation: { method: "none" },
    ivh: { mode: "discrete" },
    distance: 1,
    ngldmAlpha: 0,
  },
  config_A: {
    name: "config_A",
    approach: "2D",
    roundInput: true,
    interpolation: null,
    resegmentRange: [-500, 400],
    outlierSigma: null,
    discretisation: { method: "fbs", binWidth: 25 },
    ivh: { mode: "discrete" },
    distance: 1,
    ngldmAlpha: 0,
  },
  config_B: {
    name: "config_B",
    approach: "2D",
    roundInput: true,
    interpolation: CT_INTERPOLATION_2D,
    resegmentRange: [-500, 400],
    outlierSigma: null,
    discretisation: { method: "fbn", binCount: 32 },
    ivh: { mode: "discrete" },
    distance: 1,
    ngldmAlpha: 0,
  },
  config_C: {
    name: "config_C",
    approach: "3D",
    roundInput: true,
    interpolation: CT_INTERPOLATION_3D,
    resegmentRange: [-1000, 400],
    outlierSigma: null,
    discretisation: { method: "fbs", binWidth: 25 },
    ivh: { mode: "fbs", binWidth: 2.5 },
    distance: 1,
    ngldmAlpha: 0,
  },
  config_D: {
    name: "config_D",
    approach: "3D",
    roundInput: true,
    interpolation: CT_INTERPOLATION_3D,
    resegmentRange: null,
    outlierSigma: 3,
    discretisation: { method: "fbn", binCount: 32 },
    ivh: { mode: "discrete" },
    distance: 1,
    ngldmAlpha: 0,
  },
  config_E: {
    name: "config_E",
    approach: "3D",
    roundInput: true,
    interpolation: { ...CT_INTERPOLATION_3D, method: "cubic" },
    resegmentRange: [-1000, 400],
    outlierSigma: 3,
    discretisation: { method: "fbn", binCount: 32 },
    ivh: { mode: "fbn", binCount: 1000 },
    distance: 1,
    ngldmAlpha: 0,
  },
} as const satisfies Record<string, IbsiConfig>;

export type IbsiConfigName = keyof typeof IBSI_CONFIGS;

// ---------------------------------------------------------------------------------------------------
// Processing chain

/** The images and masks after each processing stage. */
export interface IbsiProcessed {
  config: IbsiConfig;
  /** Input image as float64 (rounded when configured) and the binary ROI on its grid. */
  initialImage: Volume<Float64Array>;
  initialMask: Volume<Uint8Array>;
  /** After interpolation (the same objects as the initial ones when there is none). */
  image: Volume<Float64Array>;
  /** Morphological mask: the interpolated, thresholded ROI. */
  morphMask: Volume<Uint8Array>;
  /** Intensity mask: the morphological mask after re-segmentation. */
  intensityMask: Volume<Uint8Array>;
  /** Re-segmentation range actually applied (range and outlier bounds intersected), or null. */
  resegmentation: [number, number] | null;
}

export interface IbsiOptions {
  /** Mask label of the ROI (default 1); mask values are rounded before the comparison. */
  label?: number;
  /** How Moran's I and Geary's C are computed (src/features/morphology.ts; default "auto"). */
  autocorrelation?: MorphologyOptions["autocorrelation"];
  /** Families to compute (default all): "morph", "loc", "stat", "ih", "ivh", "cm", "rlm", "szm", "dzm", "ngt", "ngl". */
  families?: readonly IbsiFamily[];
}

export const IBSI_FAMILIES = [
  "morph",
  "loc",
  "stat",
  "ih",
  "ivh",
  "cm",
  "rlm",
  "szm",
  "dzm",
  "ngt",
  "ngl",
] as const;
export type IbsiFamily = (typeof IBSI_FAMILIES)[number];

function checkConfig(c: IbsiConfig): void {
  const where = `IBSI configuration ${c.name}`;
  if (!["2D", "3D", "all"].includes(c.approach))
    throw new InputError(`${where}: approach '${c.approach}' is not one of 2D, 3D, all`);
  if (c.resegmentRange) {
    const [a, b] = c.resegmentRange;
    if (!Number.isFinite(a) || (b !== null && !(b >= a)))
      throw new InputError(`${where}: re-segmentation range [${a}, ${b}] is not a valid interval`);
  }
  if (c.outlierSigma !== null && !(c.outlierSigma > 0))
    throw new InputError(`${where}: outlier sigma ${c.outlierSigma} must be positive`);
  const d = c.discretisation;
  if (d.method === "fbs" && !(d.binWidth > 0))
    throw new InputError(`${where}: bin width ${d.binWidth} must be positive`);
  if (d.method === "fbn" && !(Number.isInteger(d.binCount) && d.binCount >= 1))
    throw new InputError(`${where}: bin count ${d.binCount} must be a positive integer`);
  if (!(Number.isInteger(c.distance) && c.distance >= 1))
    throw new InputError(`${where}: distance ${c.distance} must be a positive integer`);
}

/** Runs the IBSI processing chain (stages 1-3) and returns every intermediate image and mask. */
export function ibsiProcess(
  image: Volume,
  mask: Volume,
  config: IbsiConfig,
  options: IbsiOptions = {},
): IbsiProcessed {
  checkConfig(config);
  assertSameGeometry(image, mask, { tolerance: 1e-4 });
  const label = options.label ?? 1;
  const n = image.count;
  const x = new Float64Array(n);
  for (let v = 0; v < n; v++) x[v] = config.roundInput ? roundHalfEven(image.data[v]!) : image.data[v]!;
  const roi = new Uint8Array(n);
  let nRoi = 0;
  for (let v = 0; v < n; v++) {
    if (Math.round(mask.data[v]!) === label) {
      roi[v] = 1;
      nRoi++;
    }
  }
  if (nRoi === 0) throw new EmptyRoiError(`IBSI ${config.name}: the mask has no voxel with label ${label}`);
  const initialImage = new Volume(x, image);
  const initialMask = new Volume(roi, image);

  let img: Volume<Float64Array> = initialImage;
  let morph: Volume<Uint8Array> = initialMask;
  const ip = config.interpolation;
  if (ip) {
    img = ibsiInterpolateImage(initialImage, ip.spacing, { method: ip.method, round: ip.round });
    morph = ibsiInterpolateMask(initialMask, ip.spacing, {
      method: ip.roiMethod,
      threshold: ip.roiThreshold,
    });
  }
  const xi = img.data;
  const m = morph.data;

  // re-segmentation: range and outlier bounds intersected (IBSI IF9H)
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  if (config.resegmentRange) {
    lo = config.resegmentRange[0];
    hi = config.resegmentRange[1] ?? Number.POSITIVE_INFINITY;
  }
  if (config.outlierSigma !== null) {
    // mean and population SD of the morphological-mask intensities (IBSI 7ACA)
    let s = 0;
    let c = 0;
    for (let v = 0; v < m.length; v++) {
      if (m[v]) {
        s += xi[v]!;
        c++;
      }
    }
    const mean = s / c;
    let ss = 0;
    for (let v = 0; v < m.length; v++) if (m[v]) ss += (xi[v]! - mean) ** 2;
    const sd = Math.sqrt(ss / c);
    lo = Math.max(lo, mean - config.outlierSigma * sd);
    hi = Math.min(hi, mean + config.outlierSigma * sd);
  }
  const reseg = config.resegmentRange !== null || config.outlierSigma !== null;
  const im = new Uint8Array(m.length);
  let nInt = 0;
  for (let v = 0; v < m.length; v++) {
    if (m[v] && xi[v]! >= lo && xi[v]! <= hi) {
      im[v] = 1;
      nInt++;
    }
  }
  if (nInt === 0) {
    throw new EmptyRoiError(
      `IBSI ${config.name}: no ROI voxel is left after interpolation and re-segmentation to [${lo}, ${hi}]`,
    );
  }
  return {
    config,
    initialImage,
    initialMask,
    image: img,
    morphMask: morph,
    intensityMask: new Volume(im, img),
    resegmentation: reseg ? [lo, hi] : null,
  };
}

// ---------------------------------------------------------------------------------------------------
// Diagnostics

/** Mean, min and max of `x` over the voxels where `mask` is set (all voxels when mask is null). */
function intensityStats(
  x: Float64Array,
  mask: Uint8Array | null,
): { mean: number; min: number; max: number } {
  let s = 0;
  let c = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let v = 0; v < x.length; v++) {
    if (mask && !mask[v]) continue;
    const y = x[v]!;
    s += y;
    c++;
    if (y < lo) lo = y;
    if (y > hi) hi = y;
  }
  return { mean: s / c, min: lo, max: hi };
}

function count(m: Uint8Array): number {
  let c = 0;
  for (let v = 0; v < m.length; v++) c += m[v]!;
  return c;
}

function bbDims(m: Volume<Uint8Array>): Vec3 {
  const b = boundingBox(m);
  if (!b) return [0, 0, 0];
  return [b.max[0] - b.min[0] + 1, b.max[1] - b.min[1] + 1, b.max[2] - b.min[2] + 1];
}

/**
 * The IBSI image-processing diagnostics (compliance spreadsheet; ../shared/data ibsi1_diagnostics_A_B.csv),
 * keyed by tag: image and voxel dimensions and intensity mean/min/max of the initial and interpolated
 * image, and for the initial, interpolated and re-segmented ROI: intensity-mask dimensions, intensity-
 * and morphological-mask bounding-box dimensions and voxel counts, and intensity-mask mean/min/max.
 */
export function ibsiDiagnostics(
  image: Volume,
  mask: Volume,
  config: IbsiConfig,
  options: IbsiOptions = {},
): Record<string, number> {
  return ibsiDiagnosticsOf(ibsiProcess(image, mask, config, options));
}

/** Diagnostics of an already processed ROI. */
export function ibsiDiagnosticsOf(p: IbsiProcessed): Record<string, number> {
  const out: Record<string, number> = {};
  const axes = ["x", "y", "z"] as const;
  const imageStage = (suffix: string, vol: Volume<Float64Array>) => {
    axes.forEach((a, q) => {
      out[`img_dim_${a}_${suffix}`] = vol.size[q]!;
      out[`vox_dim_${a}_${suffix}`] = vol.spacing[q]!;
    });
    const s = intensityStats(vol.data, null);
    out[`mean_int_${suffix}`] = s.mean;
    out[`min_int_${suffix}`] = s.min;
    out[`max_int_${suffix}`] = s.max;
  };
  const roiStage = (
    suffix: string,
    vol: Volume<Float64Array>,
    intensity: Volume<Uint8Array>,
    morph: Volume<Uint8Array>,
  ) => {
    const bi = bbDims(intensity);
    const bm = bbDims(morph);
    axes.forEach((a, q) => {
      out[`int_mask_dim_${a}_${suffix}`] = intensity.size[q]!;
      out[`int_mask_bb_dim_${a}_${suffix}`] = bi[q]!;
      out[`morph_mask_bb_dim_${a}_${suffix}`] = bm[q]!;
    });
    out[`int_mask_vox_count_${suffix}`] = count(intensity.data);
    out[`morph_mask_vox_count_${suffix}`] = count(morph.data);
    const s = intensityStats(vol.data, intensity.data);
    out[`int_mask_mean_int_${suffix}`] = s.mean;
    out[`int_mask_min_int_${suffix}`] = s.min;
    out[`int_mask_max_int_${suffix}`] = s.max;
  };
  imageStage("init_img", p.initialImage);
  imageStage("interp_img", p.image);
  roiStage("init_roi", p.initialImage, p.initialMask, p.initialMask);
  roiStage("interp_roi", p.image, p.morphMask, p.morphMask);
  roiStage("reseg_roi", p.image, p.intensityMask, p.morphMask);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Features

/** Texture aggregations of a configuration. */
export function ibsiAggregations(approach: IbsiConfig["approach"]): {
  matrix: IbsiMatrixAggregation[];
  zone: IbsiZoneAggregation[];
} {
  if (approach === "all") return { matrix: [...IBSI_MATRIX_AGGREGATIONS], zone: [...IBSI_ZONE_AGGREGATIONS] };
  if (approach === "2D")
    return { matrix: ["2D_avg", "2D_comb", "2_5D_avg", "2_5D_comb"], zone: ["2D", "2_5D"] };
  return { matrix: ["3D_avg", "3D_comb"], zone: ["3D"] };
}

/** Grey levels of the intensity mask (0 outside) for texture and intensity-histogram features. */
export function ibsiDiscretise(p: IbsiProcessed): { levels: Int32Array; nLevels: number } {
  const x = p.image.data;
  const m = p.intensityMask.data;
  const d = p.config.discretisation;
  if (d.method === "fbs") {
    // IBSI recommends counting bins from the re-segmentation lower bound (Q3RU)
    const lower = p.config.resegmentRange ? p.config.resegmentRange[0] : undefined;
    return discretiseIbsiFbs(x, m, d.binWidth, lower);
  }
  if (d.method === "fbn") return discretiseIbsiFbn(x, m, d.binCount);
  const levels = new Int32Array(x.length);
  let nLevels = 0;
  for (let v = 0; v < x.length; v++) {
    if (!m[v]) continue;
    const g = x[v]!;
    if (!Number.isInteger(g) || g < 1) {
      throw new InputError(
        `IBSI ${p.config.name}: discretisation 'none' needs grey levels 1, 2, ..., voxel ${v} has ${g}`,
      );
    }
    levels[v] = g;
    if (g > nLevels) nLevels = g;
  }
  return { levels, nLevels };
}

function ivhSettings(c: IbsiConfig): IvhSettings {
  const range: [number | undefined, number | undefined] | undefined = c.resegmentRange
    ? [c.resegmentRange[0], c.resegmentRange[1] ?? undefined]
    : undefined;
  const v = c.ivh;
  if (v.mode === "discrete") return { mode: "discrete", range };
  if (v.mode === "fbs") return { mode: "fbs", binWidth: v.binWidth, range };
  return { mode: "fbn", binCount: v.binCount };
}

/** Every IBSI 1 feature of an already processed ROI, keyed by compliance tag. */
export function ibsiFeaturesOf(p: IbsiProcessed, options: IbsiOptions = {}): FeatureValues {
  const fam = new Set<IbsiFamily>(options.families ?? IBSI_FAMILIES);
  for (const f of fam)
    if (!IBSI_FAMILIES.includes(f))
      throw new InputError(`IBSI family '${f}' is not one of ${IBSI_FAMILIES.join(", ")}`);
  const c = p.config;
  const out: FeatureValues = {};
  const img = p.image;
  const im = p.intensityMask.data;

  // crop everything to the morphological mask's bounding box (it holds the intensity mask)
  const box = boundingBox(p.morphMask)!;
  const cImg = cropToBox(img, box);
  const cMorph = cropToBox(p.morphMask, box);
  const cInt = cropToBox(p.intensityMask, box);

  if (fam.has("morph")) {
    Object.assign(
      out,
      ibsiMorphologyTags(
        {
          morphologicalMask: cMorph.data,
          intensityMask: cInt.data,
          intensities: cImg.data,
          size: cImg.size,
          spacing: cImg.spacing,
        },
        { autocorrelation: options.autocorrelation },
      ),
    );
  }
  // local intensity: spheres draw on the whole (interpolated) image, centred on intensity-mask voxels
  if (fam.has("loc")) Object.assign(out, ibsiLocalIntensity(img, { data: im, size: img.size }));

  let nInt = 0;
  for (let v = 0; v < cInt.data.length; v++) nInt += cInt.data[v]!;
  const values = new Float64Array(nInt);
  for (let v = 0, q = 0; v < cInt.data.length; v++) if (cInt.data[v]) values[q++] = cImg.data[v]!;
  if (fam.has("stat")) Object.assign(out, ibsiStatisticsTags(values));
  if (fam.has("ivh")) Object.assign(out, ibsiIvh(values, null, ivhSettings(c)));

  const texture = (["ih", "cm", "rlm", "szm", "dzm", "ngt", "ngl"] as const).some((f) => fam.has(f));
  if (!texture) return out;
  const d = ibsiDiscretise({ ...p, image: cImg, intensityMask: cInt });
  if (fam.has("ih")) Object.assign(out, ibsiIntensityHistogram({ levels: d.levels, nLevels: d.nLevels }));
  const roi: DiscretisedRoi = {
    levels: d.levels,
    nLevels: d.nLevels,
    size: cImg.size,
    spacing: cImg.spacing,
  };
  const agg = ibsiAggregations(c.approach);
  for (const a of agg.matrix) {
    if (fam.has("cm")) Object.assign(out, ibsiGlcm(roi, { aggregation: a, distance: c.distance }));
    if (fam.has("rlm")) Object.assign(out, ibsiGlrlm(roi, { aggregation: a }));
  }
  for (const a of agg.zone) {
    if (fam.has("szm")) Object.assign(out, ibsiGlszm(roi, { aggregation: a }));
    if (fam.has("dzm")) Object.assign(out, ibsiGldzm(roi, cMorph.data, { aggregation: a }));
    if (fam.has("ngt")) Object.assign(out, ibsiNgtdm(roi, { aggregation: a, distance: c.distance }));
    if (fam.has("ngl"))
      Object.assign(out, ibsiNgldm(roi, { aggregation: a, distance: c.distance, alpha: c.ngldmAlpha }));
  }
  return out;
}

/**
 * IBSI 1 features of `image` inside the ROI `mask` (voxels equal to `options.label`, default 1) under an
 * IBSI configuration (`IBSI_CONFIGS.config_A`, ...), keyed by compliance-spreadsheet tag.
 */
export function ibsiFeatures(
  image: Volume,
  mask: Volume,
  config: IbsiConfig,
  options: IbsiOptions = {},
): FeatureValues {
  return ibsiFeaturesOf(ibsiProcess(image, mask, config, options), options);
}
