/**
 * The extraction pipeline (PyRadiomics-compatible mode): image + mask + settings -> named features and
 * diagnostics, one result per label.
 *
 * Order of operations, as PyRadiomics' RadiomicsFeatureExtractor.execute:
 * 1. image diagnostics on the image as read; normalisation of the whole image (normalize / normalizeScale /
 *    removeOutliers);
 * 2. mask check: geometry (geometryTolerance; correctMask resamples the mask onto the image grid
 *    nearest-neighbour), label present, ROI dimensionality (minimumROIDimensions) and size (minimumROISize);
 * 3. re-segmentation (resegmentRange / resegmentMode) giving the intensity mask; shape uses the
 *    morphological mask unless resegmentShape;
 * 4. crop to the ROI bounding box, discretise (binWidth / binCount), compute the enabled feature classes.
 */

import { EmptyRoiError, InputError, UnsupportedError } from "../errors.js";
import { connectedComponents } from "../image/components.js";
import { discretisePyRadiomics } from "../image/discretise.js";
import {
  type BoundingBox,
  boundingBox,
  geometryDifferences,
  describeGeometryDifferences,
  labelCounts,
} from "../image/geometry.js";
import { resampleNearest } from "../image/resample.js";
import { type Vec3, Volume, type VoxelArray } from "../image/volume.js";
import { type Hasher, sha1 } from "../util/sha1.js";
import { VERSION } from "../version.js";
import { type FamilyContext, computeFamily } from "./families.js";
import { FEATURE_CLASSES, type FeatureClassName, type ImageTypeName } from "./featureNames.js";
import { checkImageTypes, deriveImages } from "./imageTypes.js";
import {
  type ExtractionParams,
  type ExtractionSettings,
  resolveParams,
  unsupportedSettings,
} from "./params.js";

export type DiagnosticValue = string | number;

export interface LabelResult {
  label: number;
  diagnostics: Record<string, DiagnosticValue>;
  /** Feature name (`original_<class>_<Feature>`) -> value, in PyRadiomics' order. */
  features: Record<string, number>;
}

export interface ExtractOptions {
  /** Label value(s) to extract; "all" = every non-zero label in the mask. Default: the settings' label. */
  label?: number | number[] | "all";
  /** Hash function for the image/mask hash diagnostics (default: a portable SHA-1). */
  hasher?: Hasher;
  /** Names used in messages (file paths). */
  imageName?: string;
  maskName?: string;
  /** Extra diagnostics to report (e.g. runtime versions from the Node edge). */
  extraDiagnostics?: Record<string, DiagnosticValue>;
}

const tuple = (v: readonly number[]) => `(${v.join(", ")})`;

function bufferBytes(a: VoxelArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** SHA-1 of the mask as PyRadiomics computes it: the pixel buffer cast to uint32. */
function maskHash(mask: VoxelArray, hasher: Hasher): string {
  // int32 and uint32 share their bit patterns: no cast needed
  if (mask instanceof Uint32Array || mask instanceof Int32Array) return hasher(bufferBytes(mask));
  const u = new Uint32Array(mask.length);
  for (let i = 0; i < mask.length; i++) u[i] = mask[i]! >>> 0;
  return hasher(bufferBytes(u));
}

function imageStats(d: VoxelArray): { mean: number; min: number; max: number } {
  let s = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    s += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: s / d.length, min, max };
}

/**
 * sitk.Normalize (ITK NormalizeImageFilter: shift by the mean, scale by 1/sigma with the n-1 standard
 * deviation), outlier clipping at +-removeOutliers, then multiplication by normalizeScale.
 */
export function normalizeImage(
  image: Volume,
  scale: number,
  removeOutliers: number | null,
): Volume<Float64Array> {
  const d = image.data;
  const n = d.length;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = d[i]!;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  const variance = (sumSq - (sum * sum) / n) / (n - 1);
  const sigma = Math.sqrt(variance);
  const shift = -mean;
  const factor = 1 / sigma;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = (d[i]! + shift) * factor;
    if (removeOutliers !== null) {
      if (v > removeOutliers) v = removeOutliers;
      else if (v < -removeOutliers) v = -removeOutliers;
    }
    out[i] = v * scale;
  }
  return image.withData(out);
}

/** PyRadiomics resegmentMask: keep ROI voxels within the thresholds. Returns the new binary mask. */
export function resegment(
  image: ArrayLike<number>,
  roi: Uint8Array,
  range: number[],
  mode: "absolute" | "relative" | "sigma",
): Uint8Array {
  const sorted = [...range].sort((a, b) => a - b);
  let thresholds: number[];
  if (mode === "absolute") thresholds = sorted;
  else {
    let n = 0;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (let i = 0; i < roi.length; i++) {
      if (!roi[i]) continue;
      const v = image[i]!;
      n++;
      sum += v;
      if (v > max) max = v;
    }
    if (mode === "relative") thresholds = sorted.map((t) => max * t);
    else {
      const mean = sum / n;
      let ss = 0;
      for (let i = 0; i < roi.length; i++) if (roi[i]) ss += (image[i]! - mean) ** 2;
      const sd = Math.sqrt(ss / n); // numpy.std: population SD
      thresholds = sorted.map((t) => mean + sd * t);
    }
  }
  const lo = thresholds[0]!;
  const hi = thresholds.length === 2 ? thresholds[1]! : Number.POSITIVE_INFINITY;
  const out = new Uint8Array(roi.length);
  for (let i = 0; i < roi.length; i++) {
    if (!roi[i]) continue;
    const v = image[i]!;
    if (v >= lo && v <= hi) out[i] = 1;
  }
  return out;
}

function countNonZero(a: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i]) n++;
  return n;
}

function settingsForDiagnostics(s: ExtractionSettings): string {
  const { filter, ...rest } = s;
  return JSON.stringify({ ...rest, ...filter });
}

/**
 * PyRadiomics reports the features of a class sorted by the name of their getter method,
 * `get<Name>FeatureValue` (so "MeanAbsoluteDeviation" comes before "Mean").
 */
function featureOrder(enabled: string[]): string[] {
  const key = (f: string) => `get${f}FeatureValue`;
  return [...enabled].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Extract features for one image/mask pair. `params` is a resolved parameter set (see parseParams) or
 * a plain settings object in PyRadiomics' parameter-file layout.
 */
export function extractFeatures(
  image: Volume,
  mask: Volume,
  params: ExtractionParams | Record<string, unknown> = {},
  options: ExtractOptions = {},
): LabelResult[] {
  const p: ExtractionParams =
    "imageTypes" in params && "features" in params ? (params as ExtractionParams) : resolveParams(params);
  const unsupported = unsupportedSettings(p);
  if (unsupported.length > 0) throw new UnsupportedError(unsupported.join("; "));
  const settings = p.imageTypes.Original ?? p.settings;
  const hasher = options.hasher ?? sha1;
  const maskName = options.maskName ?? "mask";

  // --- image diagnostics (on the image as read) and normalisation
  const imgStats = imageStats(image.data);
  const baseDiagnostics: Record<string, DiagnosticValue> = {
    diagnostics_Versions_radiogenomics: VERSION,
    ...(options.extraDiagnostics ?? {}),
    diagnostics_Configuration_Settings: settingsForDiagnostics(settings),
    diagnostics_Configuration_EnabledImageTypes: JSON.stringify(
      Object.fromEntries(Object.keys(p.imageTypes).map((k) => [k, {}])),
    ),
    "diagnostics_Image-original_Hash": hasher(bufferBytes(image.data)),
    "diagnostics_Image-original_Dimensionality": image.size[2] === 1 ? "2D" : "3D",
    "diagnostics_Image-original_Spacing": tuple(image.spacing),
    "diagnostics_Image-original_Size": tuple(image.size),
    "diagnostics_Image-original_Mean": imgStats.mean,
    "diagnostics_Image-original_Minimum": imgStats.min,
    "diagnostics_Image-original_Maximum": imgStats.max,
    "diagnostics_Mask-original_Hash": maskHash(mask.data, hasher),
    "diagnostics_Mask-original_Spacing": tuple(mask.spacing),
    "diagnostics_Mask-original_Size": tuple(mask.size),
  };
  const work: Volume = settings.normalize
    ? normalizeImage(image, settings.normalizeScale, settings.removeOutliers)
    : image;
  checkImageTypes(p.imageTypes, work, options.imageName ?? "image");

  // --- geometry check / correction
  let maskOnGrid: Volume = mask;
  let corrected = false;
  const tol = settings.geometryTolerance ?? 1e-6;
  const diffs = geometryDifferences(image, mask, tol, tol);
  if (diffs.length > 0) {
    if (!settings.correctMask) {
      throw new InputError(
        `${maskName} does not match the image geometry: ${describeGeometryDifferences(diffs)} (set correctMask: true to resample the mask onto the image grid, or raise geometryTolerance)`,
      );
    }
    maskOnGrid = resampleNearest(mask, image);
    corrected = true;
  }

  // --- labels
  let labels: number[];
  if (options.label === "all") {
    labels = [...labelCounts(mask).keys()];
    if (labels.length === 0) throw new EmptyRoiError(`${maskName} has no non-zero voxels`);
  } else if (Array.isArray(options.label)) labels = options.label;
  else labels = [options.label ?? settings.label];

  const results: LabelResult[] = [];
  for (const label of labels) {
    results.push(
      extractLabel(work, maskOnGrid, mask, label, corrected, settings, p, baseDiagnostics, maskName),
    );
  }
  return results;
}

function extractLabel(
  image: Volume,
  maskOnGrid: Volume,
  originalMask: Volume,
  label: number,
  corrected: boolean,
  settings: ExtractionSettings,
  p: ExtractionParams,
  baseDiagnostics: Record<string, DiagnosticValue>,
  maskName: string,
): LabelResult {
  const size = image.size;
  const [nx, ny, nz] = size;
  const md = maskOnGrid.data;
  // One pass over the full grid: voxel count, bounding box and centre of mass of the label.
  let count = 0;
  let x0 = nx;
  let y0 = ny;
  let z0 = nz;
  let x1 = -1;
  let y1 = -1;
  let z1 = -1;
  let sx = 0;
  let sy = 0;
  let sz = 0;
  for (let k = 0, p = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) {
        if (md[p] !== label) continue;
        count++;
        sx += i;
        sy += j;
        sz += k;
        if (i < x0) x0 = i;
        if (i > x1) x1 = i;
        if (j < y0) y0 = j;
        if (j > y1) y1 = j;
        if (k < z0) z0 = k;
        if (k > z1) z1 = k;
      }
    }
  }
  if (count === 0) {
    const present = [...labelCounts(originalMask).keys()];
    throw new EmptyRoiError(
      `label ${label} is not present in ${maskName}${corrected ? " after resampling onto the image grid" : ""} (labels present: ${present.length ? present.join(", ") : "none, the mask is empty"})`,
    );
  }
  const extent: Vec3 = [x1 - x0 + 1, y1 - y0 + 1, z1 - z0 + 1];
  const ndims = extent.filter((e) => e > 1).length;
  if (ndims === 0) {
    throw new EmptyRoiError(
      `label ${label} in ${maskName} contains a single voxel: features cannot be computed for a single voxel`,
    );
  }
  if (ndims < settings.minimumROIDimensions) {
    throw new EmptyRoiError(
      `label ${label} in ${maskName} spans ${ndims} dimension(s) (bounding box ${extent.join("x")}), fewer than minimumROIDimensions ${settings.minimumROIDimensions}`,
    );
  }
  if (settings.minimumROISize !== null && count <= settings.minimumROISize) {
    throw new EmptyRoiError(
      `label ${label} in ${maskName} has ${count} voxels, not more than minimumROISize ${settings.minimumROISize}`,
    );
  }

  // Everything below works on the ROI bounding box only.
  const nc = extent[0] * extent[1] * extent[2];
  const roi = new Uint8Array(nc);
  const intensities = new Float64Array(nc);
  const img = image.data;
  for (let k = z0, q = 0; k <= z1; k++) {
    for (let j = y0; j <= y1; j++) {
      const start = x0 + nx * (j + ny * k);
      for (let i = 0; i < extent[0]; i++, q++) {
        intensities[q] = img[start + i]!;
        if (md[start + i] === label) roi[q] = 1;
      }
    }
  }

  const diagnostics: Record<string, DiagnosticValue> = { ...baseDiagnostics };
  const com: Vec3 = [sx / count, sy / count, sz / count];
  const cc = connectedComponents(roi, extent, true); // PyRadiomics counts 26-connected components
  const prefix = corrected ? "diagnostics_Mask-corrected" : "diagnostics_Mask-original";
  if (corrected) {
    diagnostics["diagnostics_Mask-corrected_Size"] = tuple(size);
    diagnostics["diagnostics_Mask-corrected_Spacing"] = tuple(image.spacing);
  }
  diagnostics[`${prefix}_BoundingBox`] = tuple([x0, y0, z0, ...extent]);
  diagnostics[`${prefix}_VoxelNum`] = count;
  diagnostics[`${prefix}_VolumeNum`] = cc.count;
  diagnostics[`${prefix}_CenterOfMassIndex`] = tuple(com);
  diagnostics[`${prefix}_CenterOfMass`] = tuple(image.indexToWorld(com));

  // --- re-segmentation (intensity mask); shape keeps the morphological mask unless resegmentShape
  let intensityMask: Uint8Array = roi;
  if (settings.resegmentRange) {
    intensityMask = resegment(intensities, roi, settings.resegmentRange, settings.resegmentMode);
    const kept = countNonZero(intensityMask);
    if (kept <= 1) {
      throw new EmptyRoiError(
        `re-segmentation (${settings.resegmentMode} range ${JSON.stringify(settings.resegmentRange)}) kept ${kept} voxel(s) of label ${label} in ${maskName}; cannot compute features`,
      );
    }
    diagnostics["diagnostics_Mask-resegmented_VoxelNum"] = kept;
    const rbox = boundingBox(new Volume(intensityMask, { size: extent }))!;
    diagnostics["diagnostics_Mask-resegmented_BoundingBox"] = tuple([
      rbox.min[0] + x0,
      rbox.min[1] + y0,
      rbox.min[2] + z0,
      rbox.max[0] - rbox.min[0] + 1,
      rbox.max[1] - rbox.min[1] + 1,
      rbox.max[2] - rbox.min[2] + 1,
    ]);
  }
  const morphMask = settings.resegmentShape ? intensityMask : roi;
  const { levels, nLevels } = discretisePyRadiomics(intensities, intensityMask, {
    binWidth: settings.binWidth,
    binCount: settings.binCount ?? undefined,
  });

  const ctx: FamilyContext = {
    size: extent,
    spacing: [...image.spacing] as Vec3,
    intensities,
    morphMask,
    intensityMask,
    levels,
    nLevels,
    settings,
  };

  const features: Record<string, number> = {};
  const classes = Object.keys(p.features) as FeatureClassName[];
  const isShape = (c: FeatureClassName) => c === "shape" || c === "shape2D";
  const addFamily = (cls: FeatureClassName, c: FamilyContext, prefix: string) => {
    const enabled = p.features[cls]!;
    const wantsDeprecated = enabled.some((f) =>
      (FEATURE_CLASSES[cls].deprecated as readonly string[]).includes(f),
    );
    const values = computeFamily(cls, c, wantsDeprecated);
    for (const f of featureOrder(enabled)) {
      const v = values[f];
      features[`${prefix}_${cls}_${f}`] = v === undefined ? Number.NaN : v;
    }
  };
  // shape first, on the original image only (PyRadiomics computes shape before the image-type loop), then
  // the other classes for each enabled image type in the parameter file's order
  for (const cls of classes.filter(isShape)) addFamily(cls, ctx, "original");
  const intensityClasses = classes.filter((c) => !isShape(c));
  const box: BoundingBox = { min: [x0, y0, z0], max: [x1, y1, z1] };
  for (const [typeName, typeSettings] of Object.entries(p.imageTypes) as Array<
    [ImageTypeName, ExtractionSettings]
  >) {
    if (typeName === "Original") {
      for (const cls of intensityClasses) addFamily(cls, ctx, "original");
      continue;
    }
    for (const d of deriveImages(typeName, image, typeSettings, box, maskName)) {
      const derived = Float64Array.from(d.image.data);
      const disc = discretisePyRadiomics(derived, intensityMask, {
        binWidth: typeSettings.binWidth,
        binCount: typeSettings.binCount ?? undefined,
      });
      const dctx: FamilyContext = {
        ...ctx,
        intensities: derived,
        levels: disc.levels,
        nLevels: disc.nLevels,
        settings: typeSettings,
      };
      for (const cls of intensityClasses) addFamily(cls, dctx, d.name);
    }
  }
  return { label, diagnostics, features };
}
