/**
 * Voxel-based feature maps (PyRadiomics `voxelBased=True`): every enabled feature class computed in a
 * cubic kernel around each ROI voxel, one map per feature with the image's geometry.
 *
 * Semantics, as PyRadiomics' base.py (_initVoxelBasedCalculation / _calculateVoxels) and its C matrices:
 * - the voxels mapped are the ROI voxels (mask == label); every other voxel of a map holds `initValue`
 *   (default 0);
 * - the kernel of voxel c is the box c +- kernelRadius (default 1) along each axis, clipped at the image
 *   border (no padding); it contains the box's voxels that are in the ROI (`maskedKernel` true, the
 *   default) or all of the box's voxels (`maskedKernel` false);
 * - grey levels are discretised once, over the whole ROI (masked) or the whole image (unmasked), not per
 *   kernel; GLCM keeps the whole ROI's grey levels (and Ng) for every kernel, as PyRadiomics does;
 * - shape classes are not voxel-based (PyRadiomics skips them) and are reported as skipped;
 * - a feature whose computation fails in a kernel keeps `initValue` there (PyRadiomics' behaviour).
 * `voxelBatch` bounds how many voxels are processed per chunk (memory / progress granularity).
 */

import { EmptyRoiError, InputError } from "../errors.js";
import { discretisePyRadiomics } from "../image/discretise.js";
import { Volume } from "../image/volume.js";
import { type FamilyContext, computeFamily } from "./families.js";
import { FEATURE_CLASSES, type FeatureClassName } from "./featureNames.js";
import { type ExtractionParams, type ExtractionSettings, resolveParams } from "./params.js";
import { normalizeImage } from "./pipeline.js";

export interface VoxelSettingsResolved {
  kernelRadius: number;
  maskedKernel: boolean;
  initValue: number;
  voxelBatch: number;
}

/** PyRadiomics' voxel-based defaults, filled in and checked. */
export function resolveVoxelSettings(p: ExtractionParams): VoxelSettingsResolved {
  const v = p.voxelSetting ?? {};
  const kernelRadius = v.kernelRadius ?? 1;
  if (!Number.isInteger(kernelRadius) || kernelRadius < 1) {
    throw new InputError(`voxelSetting.kernelRadius must be an integer >= 1, got ${kernelRadius}`);
  }
  const voxelBatch = v.voxelBatch ?? -1;
  return {
    kernelRadius,
    maskedKernel: v.maskedKernel ?? true,
    initValue: v.initValue ?? 0,
    voxelBatch: voxelBatch > 0 ? voxelBatch : Number.POSITIVE_INFINITY,
  };
}

/** Everything the kernels of one image/label need, computed once (shareable with worker threads). */
export interface VoxelPlan {
  size: [number, number, number];
  spacing: [number, number, number];
  /** Intensities (after normalisation) on the full grid. */
  intensities: Float64Array;
  /** Kernel membership on the full grid (ROI when maskedKernel, all ones otherwise). */
  kernelMask: Uint8Array;
  /** Grey levels on the full grid (0 outside kernelMask). */
  levels: Int32Array;
  nLevels: number;
  /** Grey levels present in the discretised region, ascending. */
  greyLevels: Int32Array;
  /** Linear indices of the ROI voxels (storage order). */
  voxels: Int32Array;
  /** Feature classes and their output names (`original_<class>_<Feature>`), in output order. */
  classes: { cls: FeatureClassName; features: string[]; deprecated: boolean }[];
  featureNames: string[];
  skipped: string[];
  voxel: VoxelSettingsResolved;
  settings: ExtractionSettings;
}

function featureOrder(enabled: string[]): string[] {
  const key = (f: string) => `get${f}FeatureValue`;
  return [...enabled].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Prepare a voxel-based run: normalisation, the ROI voxels, one discretisation for all kernels. */
export function planVoxelBased(
  image: Volume,
  mask: Volume,
  params: ExtractionParams | Record<string, unknown>,
  options: { label?: number; maskName?: string } = {},
): VoxelPlan {
  const p: ExtractionParams =
    "imageTypes" in params && "features" in params ? (params as ExtractionParams) : resolveParams(params);
  const voxel = resolveVoxelSettings(p);
  const settings = p.imageTypes.Original ?? p.settings;
  const others = Object.keys(p.imageTypes).filter((t) => t !== "Original");
  if (others.length > 0) {
    throw new InputError(
      `voxel-based maps are computed on the Original image only; remove image type(s) ${others.join(", ")}`,
    );
  }
  const maskName = options.maskName ?? "mask";
  const [nx, ny, nz] = image.size;
  if (mask.size[0] !== nx || mask.size[1] !== ny || mask.size[2] !== nz) {
    throw new InputError(
      `${maskName} size ${mask.size.join("x")} differs from the image size ${image.size.join("x")} (voxel-based maps need the mask on the image grid)`,
    );
  }
  const work = settings.normalize
    ? normalizeImage(image, settings.normalizeScale, settings.removeOutliers)
    : image;
  const n = nx * ny * nz;
  const intensities =
    work.data instanceof Float64Array ? work.data : Float64Array.from(work.data as ArrayLike<number>);
  const label = options.label ?? settings.label;
  const roi = new Uint8Array(n);
  let count = 0;
  const md = mask.data;
  for (let i = 0; i < n; i++) {
    if (md[i] === label) {
      roi[i] = 1;
      count++;
    }
  }
  if (count === 0) throw new EmptyRoiError(`label ${label} is not present in ${maskName}`);
  const voxels = new Int32Array(count);
  for (let i = 0, q = 0; i < n; i++) if (roi[i]) voxels[q++] = i;
  const kernelMask = voxel.maskedKernel ? roi : new Uint8Array(n).fill(1);
  const { levels, nLevels } = discretisePyRadiomics(intensities, kernelMask, {
    binWidth: settings.binWidth,
    binCount: settings.binCount ?? undefined,
  });
  const seen = new Uint8Array(nLevels + 1);
  for (let i = 0; i < n; i++) if (kernelMask[i]) seen[levels[i]!] = 1;
  const gl: number[] = [];
  for (let g = 1; g <= nLevels; g++) if (seen[g]) gl.push(g);

  const classes: VoxelPlan["classes"] = [];
  const skipped: string[] = [];
  const featureNames: string[] = [];
  for (const [cls, enabled] of Object.entries(p.features) as [FeatureClassName, string[]][]) {
    if (cls === "shape" || cls === "shape2D") {
      skipped.push(cls);
      continue;
    }
    const features = featureOrder(enabled);
    const deprecated = enabled.some((f) =>
      (FEATURE_CLASSES[cls].deprecated as readonly string[]).includes(f),
    );
    classes.push({ cls, features, deprecated });
    for (const f of features) featureNames.push(`original_${cls}_${f}`);
  }
  return {
    size: [nx, ny, nz],
    spacing: [...image.spacing] as [number, number, number],
    intensities,
    kernelMask,
    levels,
    nLevels,
    greyLevels: Int32Array.from(gl),
    voxels,
    classes,
    featureNames,
    skipped,
    voxel,
    settings,
  };
}

/**
 * The kernel sub-ROI of one voxel as the families take it: the clipped box, its intensities, kernel
 * mask and levels. Exposed so tests can compute a kernel independently.
 */
export function kernelContext(plan: VoxelPlan, voxelIndex: number): FamilyContext {
  const [nx, ny, nz] = plan.size;
  const r = plan.voxel.kernelRadius;
  const i = voxelIndex % nx;
  const j = Math.floor(voxelIndex / nx) % ny;
  const k = Math.floor(voxelIndex / (nx * ny));
  const x0 = Math.max(0, i - r);
  const x1 = Math.min(nx - 1, i + r);
  const y0 = Math.max(0, j - r);
  const y1 = Math.min(ny - 1, j + r);
  const z0 = Math.max(0, k - r);
  const z1 = Math.min(nz - 1, k + r);
  const ex = x1 - x0 + 1;
  const ey = y1 - y0 + 1;
  const ez = z1 - z0 + 1;
  const m = ex * ey * ez;
  const intensities = new Float64Array(m);
  const mk = new Uint8Array(m);
  const levels = new Int32Array(m);
  for (let z = z0, q = 0; z <= z1; z++) {
    for (let y = y0; y <= y1; y++) {
      let t = x0 + nx * (y + ny * z);
      for (let x = x0; x <= x1; x++, q++, t++) {
        intensities[q] = plan.intensities[t]!;
        if (plan.kernelMask[t]) {
          mk[q] = 1;
          levels[q] = plan.levels[t]!;
        }
      }
    }
  }
  return {
    size: [ex, ey, ez],
    spacing: plan.spacing,
    intensities,
    morphMask: mk,
    intensityMask: mk,
    levels,
    nLevels: plan.nLevels,
    settings: plan.settings,
    greyLevels: plan.greyLevels,
  };
}

/**
 * Feature values for ROI voxels q0..q1-1 (indices into plan.voxels): out[f * (q1 - q0) + (q - q0)] for
 * feature f of plan.featureNames. A failing class leaves initValue.
 */
export function computeVoxelRange(plan: VoxelPlan, q0: number, q1: number): Float64Array {
  const nv = q1 - q0;
  const out = new Float64Array(plan.featureNames.length * nv).fill(plan.voxel.initValue);
  for (let q = q0; q < q1; q++) {
    const ctx = kernelContext(plan, plan.voxels[q]!);
    let f = 0;
    for (const c of plan.classes) {
      let values: Record<string, number> | undefined;
      try {
        values = computeFamily(c.cls, ctx, c.deprecated);
      } catch {
        values = undefined;
      }
      for (const name of c.features) {
        if (values) {
          const v = values[name];
          out[f * nv + (q - q0)] = v === undefined ? Number.NaN : v;
        }
        f++;
      }
    }
  }
  return out;
}

/** Place computed values (from computeVoxelRange) into full-size maps. */
export function placeVoxelRange(
  plan: VoxelPlan,
  maps: Float64Array[],
  q0: number,
  q1: number,
  values: Float64Array,
): void {
  const nv = q1 - q0;
  for (let f = 0; f < maps.length; f++) {
    const map = maps[f]!;
    for (let q = q0; q < q1; q++) map[plan.voxels[q]!] = values[f * nv + (q - q0)]!;
  }
}

/** Empty maps (initValue everywhere), one per feature. */
export function emptyMaps(plan: VoxelPlan): Float64Array[] {
  const n = plan.size[0] * plan.size[1] * plan.size[2];
  return plan.featureNames.map(() => new Float64Array(n).fill(plan.voxel.initValue));
}

/** Batches of ROI voxels [q0, q1) following voxelBatch (all at once when unset). */
export function voxelBatches(plan: VoxelPlan, chunk = Number.POSITIVE_INFINITY): [number, number][] {
  const size = Math.max(1, Math.min(plan.voxel.voxelBatch, chunk, plan.voxels.length));
  const out: [number, number][] = [];
  for (let q = 0; q < plan.voxels.length; q += size) out.push([q, Math.min(plan.voxels.length, q + size)]);
  return out;
}

/** Single-threaded voxel-based extraction: feature name -> map with the image's geometry. */
export function voxelBasedFeatures(
  image: Volume,
  mask: Volume,
  params: ExtractionParams | Record<string, unknown> = {},
  options: { label?: number; maskName?: string; onProgress?: (done: number, total: number) => void } = {},
): { maps: Map<string, Volume<Float64Array>>; plan: VoxelPlan } {
  const plan = planVoxelBased(image, mask, params, options);
  const maps = emptyMaps(plan);
  for (const [q0, q1] of voxelBatches(plan)) {
    placeVoxelRange(plan, maps, q0, q1, computeVoxelRange(plan, q0, q1));
    options.onProgress?.(q1, plan.voxels.length);
  }
  return { maps: toVolumes(plan, maps, image), plan };
}

export function toVolumes(
  plan: VoxelPlan,
  maps: Float64Array[],
  geometry: Volume,
): Map<string, Volume<Float64Array>> {
  const out = new Map<string, Volume<Float64Array>>();
  plan.featureNames.forEach((name, f) => {
    out.set(
      name,
      new Volume(maps[f]!, {
        size: geometry.size,
        spacing: geometry.spacing,
        origin: geometry.origin,
        direction: geometry.direction,
      }),
    );
  });
  return out;
}
