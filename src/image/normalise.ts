/**
 * MRI intensity normalisation (arbitrary units differ between scanners and sessions):
 *
 * - z-score within a reference region (a normal-tissue or brain mask, or the ROI itself):
 *   x' = (x - mean_ref) / sd_ref, sd the population SD (ddof 0) of the reference voxels.
 * - fixed range: intensities in [lo, hi] mapped linearly onto [a, b] (optionally clipped).
 * - Nyul-Udupa histogram standardisation (Nyul & Udupa 1999, MRM 42:1072; Nyul, Udupa & Zhang 2000, IEEE
 *   TMI 19:143): landmarks are percentiles of the foreground intensities, default pc1 = 1, deciles 10..90,
 *   pc2 = 99 (percentiles by linear interpolation, R type 7 / numpy's default: features/firstorder's). Training maps each image's
 *   [pc1, pc2] linearly onto the standard scale [s1, s2] and averages the mapped landmarks; applying maps an
 *   image's landmarks piecewise-linearly onto the learned standard landmarks (the first and last segments
 *   extended beyond pc1 / pc2). The learned model is plain data, saved with the study.
 */
import { InputError } from "../errors.js";
import { percentileSorted } from "../features/firstorder.js";
import type { Volume, VoxelArray } from "./volume.js";
import { Volume as Vol } from "./volume.js";

function regionValues(
  image: Volume,
  region: Volume | null,
  label: number | "nonzero",
  what: string,
): Float64Array {
  if (!region) return Float64Array.from(image.data);
  if (region.count !== image.count)
    throw new InputError(`${what} has ${region.count} voxels, the image ${image.count}`);
  const out: number[] = [];
  for (let i = 0; i < image.count; i++) {
    const r = region.data[i]!;
    if (label === "nonzero" ? r !== 0 : r === label) out.push(image.data[i]!);
  }
  if (out.length === 0) throw new InputError(`${what} selects no voxel (label ${label})`);
  return Float64Array.from(out);
}

function mapVolume(image: Volume, f: (x: number) => number): Volume<Float64Array> {
  const d = new Float64Array(image.count);
  const src: VoxelArray = image.data;
  for (let i = 0; i < d.length; i++) d[i] = f(src[i]!);
  return new Vol(d, image.geometry);
}

export interface ZScoreResult {
  image: Volume<Float64Array>;
  mean: number;
  sd: number;
  n: number;
}

/** z-score with the mean and population SD of the reference region's voxels (the whole image without one). */
export function zscoreNormalise(
  image: Volume,
  reference: Volume | null,
  opts: { label?: number | "nonzero"; what?: string } = {},
): ZScoreResult {
  const v = regionValues(image, reference, opts.label ?? "nonzero", opts.what ?? "the reference region");
  let s = 0;
  for (const x of v) s += x;
  const mean = s / v.length;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  const sd = Math.sqrt(ss / v.length);
  if (!(sd > 0))
    throw new InputError(
      `${opts.what ?? "the reference region"} has constant intensity (${mean}): z-scores are undefined`,
    );
  return { image: mapVolume(image, (x) => (x - mean) / sd), mean, sd, n: v.length };
}

/** Linear map of [lo, hi] onto [a, b], clipped to [a, b] when `clip`. */
export function fixedRangeNormalise(
  image: Volume,
  window: [number, number],
  range: [number, number] = [0, 1],
  clip = false,
): Volume<Float64Array> {
  const [lo, hi] = window;
  const [a, b] = range;
  if (!(hi > lo)) throw new InputError(`fixed-range window [${lo}, ${hi}] must have lo < hi`);
  const k = (b - a) / (hi - lo);
  const min = Math.min(a, b);
  const max = Math.max(a, b);
  return mapVolume(image, (x) => {
    const y = a + (x - lo) * k;
    return clip ? Math.min(max, Math.max(min, y)) : y;
  });
}

export interface NyulModel {
  kind: "nyul";
  /** Landmark percentiles, increasing (default 1, 10, 20, ..., 90, 99). */
  percentiles: number[];
  /** Standard scale [s1, s2] onto which [pc1, pc2] is mapped in training. */
  scale: [number, number];
  /** Learned standard landmark intensities, one per percentile (first = s1, last = s2). */
  standard: number[];
  /** Number of training images. */
  n: number;
}

export const NYUL_DEFAULT_PERCENTILES = [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99];

/** The landmarks (intensities at the model's percentiles) of an image within its foreground. */
export function nyulLandmarks(
  image: Volume,
  foreground: Volume | null,
  percentiles: number[],
  what = "the image",
): number[] {
  const v = regionValues(image, foreground, "nonzero", `the foreground of ${what}`).sort();
  const lm = percentiles.map((p) => percentileSorted(v, p));
  for (let i = 1; i < lm.length; i++)
    if (!(lm[i]! > lm[i - 1]!))
      throw new InputError(
        `${what}: landmarks at percentiles ${percentiles[i - 1]} and ${percentiles[i]} are equal (${lm[i]}); the histogram is too narrow for Nyul standardisation`,
      );
  return lm;
}

/** Learns the standard landmarks from training images (each with its foreground mask, or null = all voxels). */
export function fitNyul(
  images: Array<{ image: Volume; foreground: Volume | null; name?: string }>,
  opts: { percentiles?: number[]; scale?: [number, number] } = {},
): NyulModel {
  const percentiles = opts.percentiles ?? NYUL_DEFAULT_PERCENTILES;
  const scale = opts.scale ?? [0, 100];
  if (images.length === 0) throw new InputError("Nyul standardisation needs at least one training image");
  if (
    percentiles.length < 2 ||
    percentiles.some((p, i) => !(p >= 0 && p <= 100) || (i > 0 && !(p > percentiles[i - 1]!)))
  )
    throw new InputError(`Nyul percentiles must increase within 0..100, got [${percentiles.join(", ")}]`);
  if (!(scale[1] > scale[0])) throw new InputError(`Nyul scale [${scale.join(", ")}] must have s1 < s2`);
  const sum = new Float64Array(percentiles.length);
  for (const [i, it] of images.entries()) {
    const lm = nyulLandmarks(it.image, it.foreground, percentiles, it.name ?? `training image ${i + 1}`);
    const k = (scale[1] - scale[0]) / (lm[lm.length - 1]! - lm[0]!);
    for (let j = 0; j < lm.length; j++) sum[j] = sum[j]! + scale[0] + (lm[j]! - lm[0]!) * k;
  }
  const standard = Array.from(sum, (s) => s / images.length);
  return {
    kind: "nyul",
    percentiles: [...percentiles],
    scale: [scale[0], scale[1]],
    standard,
    n: images.length,
  };
}

/** The piecewise-linear map taking an image's landmarks `lm` onto the model's standard landmarks. */
export function nyulMapping(model: NyulModel, lm: readonly number[]): (x: number) => number {
  const st = model.standard;
  const last = lm.length - 1;
  return (x: number) => {
    // segment j: [lm[j], lm[j+1]]; below lm[0] / above lm[last] the end segments are extended
    let j = 0;
    if (x >= lm[last]!) j = last - 1;
    else while (j < last - 1 && x >= lm[j + 1]!) j++;
    return st[j]! + ((x - lm[j]!) * (st[j + 1]! - st[j]!)) / (lm[j + 1]! - lm[j]!);
  };
}

/** Maps an image onto the standard scale: its landmarks go to the model's standard landmarks. */
export function applyNyul(
  model: NyulModel,
  image: Volume,
  foreground: Volume | null,
  what = "the image",
): Volume<Float64Array> {
  return mapVolume(image, nyulMapping(model, nyulLandmarks(image, foreground, model.percentiles, what)));
}

/** Validates a parsed Nyul model (from a saved study). */
export function parseNyulModel(obj: unknown, source?: string): NyulModel {
  const m = obj as Partial<NyulModel> | null;
  const ok =
    m?.kind === "nyul" &&
    Array.isArray(m.percentiles) &&
    Array.isArray(m.standard) &&
    m.standard.length === m.percentiles.length &&
    m.standard.every((x, i) => Number.isFinite(x) && (i === 0 || x > m.standard![i - 1]!)) &&
    Array.isArray(m.scale) &&
    m.scale.length === 2;
  if (!ok)
    throw new InputError(
      "not a Nyul model (kind, percentiles, scale, increasing standard landmarks)",
      source,
    );
  return m as NyulModel;
}
