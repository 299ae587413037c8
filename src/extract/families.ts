/**
 * Adapter between the pipeline's cropped ROI and the PyRadiomics-compatible feature families.
 */
import { firstOrderFeatures } from "../features/firstorder.js";
import { glcmFeatures } from "../features/glcm.js";
import { gldmFeatures } from "../features/gldm.js";
import { glrlmFeatures } from "../features/glrlm.js";
import { glszmFeatures } from "../features/glszm.js";
import { ngtdmFeatures } from "../features/ngtdm.js";
import { shapeFeatures } from "../features/shape.js";
import { shape2DFeatures } from "../features/shape2D.js";
import type { DiscretisedRoi, FeatureValues, TextureSettings } from "../features/types.js";
import type { Vec3 } from "../image/volume.js";
import type { FeatureClassName } from "./featureNames.js";
import type { ExtractionSettings } from "./params.js";

/** The ROI as the pipeline hands it to each family: everything cropped to the ROI bounding box. */
export interface FamilyContext {
  size: Vec3;
  spacing: Vec3;
  /** Image intensities (after normalisation) on the cropped grid. */
  intensities: Float64Array;
  /** Morphological mask (shape features). */
  morphMask: Uint8Array;
  /** Intensity mask (after re-segmentation). */
  intensityMask: Uint8Array;
  /** PyRadiomics grey levels on the cropped grid, 0 outside the intensity mask. */
  levels: Int32Array;
  nLevels: number;
  settings: ExtractionSettings;
  /** Voxel-based maps: the whole ROI's grey levels, kept for every kernel (see DiscretisedRoi). */
  greyLevels?: Int32Array;
}

function textureSettings(s: ExtractionSettings): TextureSettings {
  return {
    distances: s.distances,
    force2D: s.force2D,
    force2Ddimension: s.force2Ddimension,
    symmetricalGLCM: s.symmetricalGLCM,
    weightingNorm: s.weightingNorm,
    gldm_a: s.gldm_a,
  };
}

function roiValues(ctx: FamilyContext): { intensities: Float64Array; levels: Int32Array } {
  let n = 0;
  const m = ctx.intensityMask;
  for (let i = 0; i < m.length; i++) if (m[i]) n++;
  const intensities = new Float64Array(n);
  const levels = new Int32Array(n);
  for (let i = 0, q = 0; i < m.length; i++) {
    if (!m[i]) continue;
    intensities[q] = ctx.intensities[i]!;
    levels[q++] = ctx.levels[i]!;
  }
  return { intensities, levels };
}

export function computeFamily(
  cls: FeatureClassName,
  ctx: FamilyContext,
  includeDeprecated: boolean,
): FeatureValues {
  const s = ctx.settings;
  const opts = { includeDeprecated };
  const roi: DiscretisedRoi = {
    size: ctx.size,
    spacing: ctx.spacing,
    levels: ctx.levels,
    nLevels: ctx.nLevels,
    ...(ctx.greyLevels ? { greyLevels: ctx.greyLevels } : {}),
  };
  switch (cls) {
    case "firstorder": {
      const v = roiValues(ctx);
      const [sx, sy, sz] = ctx.spacing;
      return firstOrderFeatures(
        {
          intensities: v.intensities,
          levels: v.levels,
          voxelVolume: sx * sy * sz,
          voxelArrayShift: s.voxelArrayShift,
        },
        opts,
      );
    }
    case "shape":
      return shapeFeatures(ctx.morphMask, ctx.size, ctx.spacing, opts);
    case "shape2D":
      return shape2DFeatures(ctx.morphMask, ctx.size, ctx.spacing, s.force2Ddimension, opts);
    case "glcm":
      return glcmFeatures(roi, textureSettings(s), opts);
    case "glrlm":
      return glrlmFeatures(roi, textureSettings(s));
    case "glszm":
      return glszmFeatures(roi, textureSettings(s));
    case "gldm":
      return gldmFeatures(roi, textureSettings(s), opts);
    case "ngtdm":
      return ngtdmFeatures(roi, textureSettings(s));
  }
}
