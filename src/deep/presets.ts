/**
 * Preprocessing recipes of published imaging foundation models, as data. Each preset states where its
 * numbers come from; a `custom` recipe gives the same keys in the parameter file's `embed:` section.
 *
 * Tensor layout: every preset feeds a float32 tensor [1, 1, n0, n1, n2] whose three spatial axes point
 * along the anatomical directions of `axes` (see src/image/patch.ts).
 */
import type { Vec3 } from "../image/volume.js";
import type { Interpolation } from "../image/patch.js";

export type PresetName = "fmcib" | "ct-fm" | "custom";
export const PRESET_NAMES: readonly PresetName[] = ["fmcib", "ct-fm", "custom"];

export interface Recipe {
  /** Patch voxel spacing (mm) along tensor axes 0, 1, 2. */
  spacing: Vec3;
  /** Patch size (voxels) along tensor axes 0, 1, 2. */
  patchSize: Vec3;
  /** Anatomical direction of tensor axes 0, 1, 2 (e.g. "SPL"). */
  axes: string;
  /** Where the patch is centred: the ROI centroid, or a seed point given per case (LPS mm). */
  placement: "centroid" | "seed";
  interpolator: Interpolation;
  /** Intensity window [lo, hi] mapped linearly onto `range`. */
  window: [number, number];
  range: [number, number];
  /** Clip the mapped intensities to `range`. */
  clip: boolean;
  /** Value of patch voxels outside the image, in input units ("input") or after scaling ("output"). */
  padValue: number;
  padStage: "input" | "output";
}

export interface Preset extends Recipe {
  name: Exclude<PresetName, "custom">;
  /** Where each number comes from. */
  source: string;
}

/**
 * FMCIB (Pai et al., Nature Machine Intelligence 2024; github.com/AIM-Harvard/foundation-cancer-image-biomarker,
 * fmcib/preprocessing/__init__.py as released with the model weights): Spacingd(pixdim=1, bilinear),
 * NormalizeIntensityd(subtrahend=-1024, divisor=3072) i.e. (HU + 1024) / 3072 without clipping,
 * Orientationd("LPS"), SeedBasedPatchCropd(50^3 around the seed in LPS world coordinates), then
 * Transposed(0, 3, 2, 1) so that the tensor axes run S, P, L, and SpatialPadd(50^3) with zeros after
 * scaling. Two differences, both stated in the output diagnostics: (1) the repository snaps the seed to
 * its 1 mm resampled grid (integer truncation), we sample exactly around the seed; (2) a later revision
 * of the repository uses ScaleIntensityRanged(-1024, 3072, 0, 1, clip=True) instead: give
 * `window: [-1024, 3072]`, `clip: true` to reproduce that one.
 */
const FMCIB: Preset = {
  name: "fmcib",
  source:
    "FMCIB (AIM-Harvard/foundation-cancer-image-biomarker, fmcib/preprocessing): 1 mm linear, LPS seed, 50^3, (HU+1024)/3072, tensor axes S,P,L, pad 0 after scaling",
  spacing: [1, 1, 1],
  patchSize: [50, 50, 50],
  axes: "SPL",
  placement: "centroid",
  interpolator: "linear",
  window: [-1024, 2048],
  range: [0, 1],
  clip: false,
  padValue: 0,
  padStage: "output",
};

/**
 * CT-FM (Pai et al., arXiv:2501.09001; huggingface.co/project-lighter/ct_fm_feature_extractor and
 * github.com/project-lighter/CT-FM extract_feat_LP.py): Orientationd("SPL"), Spacingd(1 mm, bilinear),
 * ScaleIntensityRanged(a_min=-1024, a_max=2048, b_min=0, b_max=1, clip=True), a crop centred on the mask
 * centre padded with zeros before scaling (0 HU). The 512-d embedding is the global average of the
 * encoder's last feature map. Patch size: 48^3 lesion patches (the size the model is compared at in
 * radiomics benchmarks; the repository's whole-organ script crops 160^3: set `patchSize` to match your
 * export). When the ONNX model declares a static input size, that size must equal `patchSize`.
 */
const CT_FM: Preset = {
  name: "ct-fm",
  source:
    "CT-FM (project-lighter/CT-FM, ct_fm_feature_extractor): SPL, 1 mm linear, clip [-1024, 2048] -> [0, 1], mask-centred crop, pad 0 HU",
  spacing: [1, 1, 1],
  patchSize: [48, 48, 48],
  axes: "SPL",
  placement: "centroid",
  interpolator: "linear",
  window: [-1024, 2048],
  range: [0, 1],
  clip: true,
  padValue: 0,
  padStage: "input",
};

export const PRESETS: Readonly<Record<Exclude<PresetName, "custom">, Preset>> = {
  fmcib: FMCIB,
  "ct-fm": CT_FM,
};
