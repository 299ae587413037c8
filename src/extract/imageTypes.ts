/**
 * The image-type registry of the extraction pipeline: PyRadiomics' `imageType` section names (Original,
 * LoG, Wavelet, ...) -> a generator of derived images with their feature-name prefixes
 * (`log-sigma-1-0-mm-3D`, `wavelet-LLH`, ...), in PyRadiomics' order. Each generator gets the (normalised)
 * image, the image type's resolved settings and the ROI bounding box, and returns images covering just
 * that box whose values equal those of the whole-image filter there. Features are then computed on each
 * derived image with the same masks as the original (after re-segmentation), so filters are data of the
 * parameter file, and new ones (IBSI 2 filters, kinetic maps) plug in here.
 */
import { UnsupportedError } from "../errors.js";
import type { BoundingBox } from "../image/geometry.js";
import {
  type DerivedImage,
  checkLoG,
  checkWavelet,
  logImages,
  waveletImages,
} from "../image/filters/pyradiomicsTypes.js";
import { gradientMagnitude, intensityTransform } from "../image/filters/intensityTransforms.js";
import type { Volume } from "../image/volume.js";
import type { ImageTypeName } from "./featureNames.js";
import type { ExtractionSettings } from "./params.js";

export type { DerivedImage };

export type ImageTypeGenerator = (
  image: Volume,
  settings: ExtractionSettings,
  box: BoundingBox,
  source: string,
) => Iterable<DerivedImage>;

/** Checks an image type's settings against the image before any work (throws one clear InputError). */
export type ImageTypeCheck = (image: Volume, settings: ExtractionSettings, source: string) => void;

const CHECKS: Partial<Record<ImageTypeName, ImageTypeCheck>> = {
  LoG: (image, s, source) => checkLoG({ sigma: s.filter.sigma as number[] | undefined }, image, source),
  Wavelet: (_image, s) =>
    checkWavelet({
      wavelet: s.filter.wavelet as string | undefined,
      level: s.filter.level as number | undefined,
      start_level: s.filter.start_level as number | undefined,
    }),
};

const REGISTRY: Partial<Record<ImageTypeName, ImageTypeGenerator>> = {
  LoG: (image, s, box, source) =>
    logImages(image, { sigma: s.filter.sigma as number[] | undefined }, box, source),
  Wavelet: (image, s, box) =>
    waveletImages(
      image,
      {
        wavelet: s.filter.wavelet as string | undefined,
        level: s.filter.level as number | undefined,
        start_level: s.filter.start_level as number | undefined,
        force2D: s.force2D,
        force2Ddimension: s.force2Ddimension,
      },
      box,
    ),
  Square: (image, _s, box) => [intensityTransform("square", image, box)],
  SquareRoot: (image, _s, box) => [intensityTransform("squareroot", image, box)],
  Logarithm: (image, _s, box) => [intensityTransform("logarithm", image, box)],
  Exponential: (image, _s, box) => [intensityTransform("exponential", image, box)],
  Gradient: (image, s, box) => [
    gradientMagnitude(image, box, (s.filter.gradientUseSpacing as boolean | undefined) ?? true),
  ],
};

/** Image types the pipeline computes (Original is the image itself). */
export function supportedImageTypes(): ImageTypeName[] {
  return ["Original", ...(Object.keys(REGISTRY) as ImageTypeName[])];
}

export function registerImageType(
  name: ImageTypeName,
  generator: ImageTypeGenerator,
  check?: ImageTypeCheck,
): void {
  REGISTRY[name] = generator;
  if (check) CHECKS[name] = check;
}

/** Runs every enabled image type's settings check (before any feature is computed). */
export function checkImageTypes(
  imageTypes: Partial<Record<ImageTypeName, ExtractionSettings>>,
  image: Volume,
  source: string,
): void {
  for (const [name, s] of Object.entries(imageTypes) as Array<[ImageTypeName, ExtractionSettings]>)
    CHECKS[name]?.(image, s, source);
}

/** Derived images of one image type over the ROI box. */
export function deriveImages(
  name: ImageTypeName,
  image: Volume,
  settings: ExtractionSettings,
  box: BoundingBox,
  source: string,
): Iterable<DerivedImage> {
  const g = REGISTRY[name];
  if (!g)
    throw new UnsupportedError(
      `image type "${name}" is not supported yet (supported: ${supportedImageTypes().join(", ")})`,
    );
  return g(image, settings, box, source);
}
