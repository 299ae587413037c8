/**
 * Adapter between the pipeline's cropped ROI and the feature-family functions in src/features.
 */
import { UnsupportedError } from "../errors.js";
import type { Vec3 } from "../image/volume.js";
import type { FeatureValues } from "../features/types.js";
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
}

export function computeFamily(cls: FeatureClassName, _ctx: FamilyContext, _deprecated: boolean): FeatureValues {
  throw new UnsupportedError(`feature class ${cls} is not available yet`);
}
