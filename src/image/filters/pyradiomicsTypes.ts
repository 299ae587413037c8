/**
 * PyRadiomics' LoG and Wavelet image types as generators of named derived images, for the extraction
 * pipeline's image-type registry: each yields `{ name, image }` with PyRadiomics' image-type name
 * (`log-sigma-1-0-mm-3D`, `wavelet-LLH`, ...), in PyRadiomics' order. With `box` (the ROI bounding box)
 * only that box is computed and returned; its values equal those of the whole-image filter.
 */

import { InputError } from "../../errors.js";
import type { BoundingBox } from "../geometry.js";
import type { Volume } from "../volume.js";
import { laplacianOfGaussian, logImageName, logSigmaProblem } from "./log.js";
import { waveletAxes, waveletDecomposition } from "./wavelet.js";
import { waveletFilterBank } from "./waveletFilters.js";

export interface DerivedImage {
  name: string;
  image: Volume;
}

export interface LoGTypeOptions {
  sigma?: number[];
}

export interface WaveletTypeOptions {
  wavelet?: string;
  level?: number;
  start_level?: number;
  force2D?: boolean;
  force2Ddimension?: number;
}

/** Validates LoG options against the image before any work; throws InputError (one clear line). */
export function checkLoG(options: LoGTypeOptions, image: Volume, source = "image"): void {
  const sigmas = options.sigma ?? [];
  if (!Array.isArray(sigmas) || sigmas.length === 0) {
    throw new InputError("LoG setting 'sigma': give a non-empty list of sigma values in mm, e.g. [1.0, 3.0]");
  }
  for (const s of sigmas) {
    if (typeof s !== "number")
      throw new InputError(`LoG setting 'sigma': ${JSON.stringify(s)} is not a number`);
    const p = logSigmaProblem(s, image.size, image.spacing);
    if (p) throw new InputError(`${source}: LoG setting 'sigma': ${p}`);
  }
}

/** Validates Wavelet options (name, level, start_level) before any work. */
export function checkWavelet(options: WaveletTypeOptions): void {
  waveletFilterBank(options.wavelet ?? "coif1");
  const level = options.level ?? 1;
  const start = options.start_level ?? 0;
  if (!Number.isInteger(level) || level < 1)
    throw new InputError(`Wavelet setting 'level': must be an integer >= 1, got ${JSON.stringify(level)}`);
  if (!Number.isInteger(start) || start < 0)
    throw new InputError(
      `Wavelet setting 'start_level': must be an integer >= 0, got ${JSON.stringify(start)}`,
    );
}

export function* logImages(
  image: Volume,
  options: LoGTypeOptions,
  box?: BoundingBox,
  source = "image",
): Generator<DerivedImage> {
  checkLoG(options, image, source);
  for (const s of options.sigma!) {
    yield { name: logImageName(s), image: laplacianOfGaussian(image, s, { box, source }) };
  }
}

export function* waveletImages(
  image: Volume,
  options: WaveletTypeOptions,
  box?: BoundingBox,
): Generator<DerivedImage> {
  checkWavelet(options);
  const axes = waveletAxes(options.force2D ?? false, options.force2Ddimension ?? 0);
  yield* waveletDecomposition(image, {
    wavelet: options.wavelet,
    level: options.level,
    start_level: options.start_level,
    axes,
    box,
  });
}
