/**
 * The PyRadiomics feature catalogue: class -> feature names, with the deprecated ones marked
 * (computed only when named explicitly in a parameter file, as in PyRadiomics). The lists are the
 * family modules' own.
 */
import { FIRST_ORDER_DEPRECATED_FEATURES, FIRST_ORDER_FEATURES } from "../features/firstorder.js";
import { GLCM_DEPRECATED_NAMES, GLCM_FEATURE_NAMES } from "../features/glcm.js";
import { GLDM_DEPRECATED_NAMES, GLDM_FEATURE_NAMES } from "../features/gldm.js";
import { GLRLM_FEATURE_NAMES } from "../features/glrlm.js";
import { GLSZM_FEATURE_NAMES } from "../features/glszm.js";
import { NGTDM_FEATURE_NAMES } from "../features/ngtdm.js";
import { SHAPE_DEPRECATED_FEATURES, SHAPE_FEATURES } from "../features/shape.js";
import { SHAPE2D_DEPRECATED_FEATURES, SHAPE2D_FEATURES } from "../features/shape2D.js";

export const FEATURE_CLASSES = {
  firstorder: { active: FIRST_ORDER_FEATURES, deprecated: FIRST_ORDER_DEPRECATED_FEATURES },
  shape: { active: SHAPE_FEATURES, deprecated: SHAPE_DEPRECATED_FEATURES },
  shape2D: { active: SHAPE2D_FEATURES, deprecated: SHAPE2D_DEPRECATED_FEATURES },
  glcm: { active: GLCM_FEATURE_NAMES, deprecated: GLCM_DEPRECATED_NAMES },
  glrlm: { active: GLRLM_FEATURE_NAMES, deprecated: [] },
  glszm: { active: GLSZM_FEATURE_NAMES, deprecated: [] },
  gldm: { active: GLDM_FEATURE_NAMES, deprecated: GLDM_DEPRECATED_NAMES },
  ngtdm: { active: NGTDM_FEATURE_NAMES, deprecated: [] },
} as const satisfies Record<string, { active: readonly string[]; deprecated: readonly string[] }>;

export type FeatureClassName = keyof typeof FEATURE_CLASSES;

export const FEATURE_CLASS_NAMES = Object.keys(FEATURE_CLASSES) as FeatureClassName[];

/** Image types PyRadiomics knows; only "Original" is computed so far. */
export const IMAGE_TYPES = [
  "Original",
  "LoG",
  "Wavelet",
  "Square",
  "SquareRoot",
  "Logarithm",
  "Exponential",
  "Gradient",
  "LBP2D",
  "LBP3D",
] as const;

export type ImageTypeName = (typeof IMAGE_TYPES)[number];

export const SUPPORTED_IMAGE_TYPES: readonly ImageTypeName[] = [
  "Original",
  "LoG",
  "Wavelet",
  "Square",
  "SquareRoot",
  "Logarithm",
  "Exponential",
  "Gradient",
];
