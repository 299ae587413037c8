/**
 * IBSI 1 reference values and the official compliance-spreadsheet comparison rule
 * (../shared/data/README.md section 2.6).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { DiscretisedRoi } from "../../src/features/types.js";
import { discretiseIbsiFbs } from "../../src/image/discretise.js";
import { cropToMask, selectLabel } from "../../src/image/geometry.js";
import type { Volume } from "../../src/image/volume.js";
import { readImage } from "../../src/io/read.js";
import { dataPath } from "./data.js";

export interface IbsiReference {
  dataSet: string;
  family: string;
  feature: string;
  ibsiId: string;
  tag: string;
  aggregation: string;
  value: number;
  /** 0 when the manual gives no tolerance. */
  tolerance: number;
  consensus: string;
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += c;
    } else if (c === '"') q = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** All reference rows of one data set ("digital_phantom", "config_A", "config_B"); [] when data is absent. */
export function ibsiReferences(dataSet: string): IbsiReference[] {
  const p = dataPath("ibsi", "ibsi1_reference_values_digital_phantom_A_B.csv");
  if (!p) return [];
  const lines = readFileSync(p, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const head = splitCsvLine(lines[0]!);
  const col = (n: string) => head.indexOf(n);
  return lines
    .slice(1)
    .map(splitCsvLine)
    .filter((r) => r[col("data_set")] === dataSet)
    .map((r) => ({
      dataSet: r[col("data_set")]!,
      family: r[col("family")]!,
      feature: r[col("feature")]!,
      ibsiId: r[col("ibsi_id")]!,
      tag: r[col("tag")]!,
      aggregation: r[col("aggregation")]!,
      value: Number(r[col("value")]),
      tolerance: r[col("tolerance")] === "" ? 0 : Number(r[col("tolerance")]),
      consensus: r[col("consensus")]!,
    }));
}

/** Excel ROUNDDOWN: truncate toward zero at `digits` decimals (digits may be negative). */
function roundDown(x: number, digits: number): number {
  const f = 10 ** digits;
  // guard against binary representation noise (e.g. 0.3 * 10 = 2.9999999999999996)
  const y = x * f;
  const t = Math.trunc(y + (y >= 0 ? 1e-9 : -1e-9) * Math.max(1, Math.abs(y)) * 1e-6);
  return t / f;
}

export type IbsiVerdict = "match" | "partial" | "no match";

/** The compliance-spreadsheet rule: truncate the difference at E's 3rd significant digit, compare to tol. */
export function ibsiCompare(
  expected: number,
  got: number,
  tolerance: number,
): { diff: number; verdict: IbsiVerdict } {
  if (!Number.isFinite(got)) return { diff: Number.POSITIVE_INFINITY, verdict: "no match" };
  const digits = expected === 0 ? 0 : 3 - (1 + Math.floor(Math.log10(Math.abs(expected))));
  const diff = Math.abs(roundDown(expected - got, digits));
  const verdict: IbsiVerdict = diff <= tolerance ? "match" : diff < 3 * tolerance ? "partial" : "no match";
  return { diff, verdict };
}

// --- Shared IBSI 1 fixtures and the reference comparison used by the family tests ----------------

/**
 * Compare every reference row with the computed value under the compliance rule; print every miss
 * with both values and fail when any row does not match.
 */
export function compareRefs(what: string, refs: IbsiReference[], got: Record<string, number>): void {
  const misses: string[] = [];
  for (const r of refs) {
    const g = got[r.tag];
    const c = ibsiCompare(r.value, g ?? Number.NaN, r.tolerance);
    if (c.verdict !== "match") {
      misses.push(
        `${r.tag}: expected ${r.value} (tol ${r.tolerance}), got ${g} (${c.verdict}, diff ${c.diff})`,
      );
    }
  }
  for (const m of misses) console.log(`MISS ${what} ${m}`);
  console.log(`${what}: ${refs.length - misses.length}/${refs.length} IBSI reference values match`);
  assert.equal(misses.length, 0, misses.join("\n"));
}

export const DIGITAL_PHANTOM_IMAGE = ["ibsi", "digital_phantom", "phantom.nii.gz"] as const;
export const CT_PHANTOM_IMAGE = ["ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz"] as const;
export const CT_PHANTOM_MASK = ["ibsi", "ct_phantom", "nifti", "mask", "mask.nii.gz"] as const;

/** The digital phantom (README 2.1): no processing, the grey levels are the discretised intensities. */
export function digitalPhantom() {
  const image = readImage(dataPath(...DIGITAL_PHANTOM_IMAGE)!);
  const mask = selectLabel(readImage(dataPath("ibsi", "digital_phantom", "mask.nii.gz")!), 1);
  const crop = cropToMask(image, mask);
  const levels = new Int32Array(crop.mask.count);
  let nLevels = 0;
  for (let v = 0; v < levels.length; v++) {
    if (!crop.mask.data[v]) continue;
    levels[v] = crop.image.data[v]!;
    nLevels = Math.max(nLevels, levels[v]!);
  }
  return { image, mask, crop, roi: { levels, nLevels, size: crop.image.size, spacing: crop.image.spacing } };
}

/** The CT phantom image and mask as read from disk (read once per process). */
let ctCache: { image: Volume; mask: Volume } | undefined;
export function ctPhantom(): { image: Volume; mask: Volume } {
  ctCache ??= {
    image: readImage(dataPath(...CT_PHANTOM_IMAGE)!),
    mask: readImage(dataPath(...CT_PHANTOM_MASK)!),
  };
  return ctCache;
}

export interface ConfigAFixture {
  /** The CT phantom with intensities rounded to the nearest integer (IBSI), Float64. */
  image: Volume<Float64Array>;
  /** Morphological mask (label 1 of the mask file). */
  morph: Volume<Uint8Array>;
  /** Intensity mask: the morphological mask re-segmented to [-500, 400] HU. */
  intensityMask: Uint8Array;
  /** IBSI fixed bin size 25 HU from -500 on the intensity mask. */
  levels: Int32Array;
  nLevels: number;
}

/**
 * IBSI 1 config A on the CT phantom (README 2.3), built by hand and independently of the IBSI pipeline
 * in src/extract: no interpolation, so only the re-segmentation range [-500, 400] HU (intensity mask) and
 * IBSI fixed bin size 25 HU from -500. Intensities rounded (IBSI). Built once per process.
 */
let configACache: ConfigAFixture | undefined;
export function configA(): ConfigAFixture {
  if (configACache) return configACache;
  const ct = ctPhantom();
  const morph = selectLabel(ct.mask, 1);
  const hu = new Float64Array(ct.image.count);
  for (let v = 0; v < hu.length; v++) hu[v] = Math.round(ct.image.data[v]!);
  const intensityMask = new Uint8Array(hu.length);
  for (let v = 0; v < hu.length; v++)
    intensityMask[v] = morph.data[v] && hu[v]! >= -500 && hu[v]! <= 400 ? 1 : 0;
  const { levels, nLevels } = discretiseIbsiFbs(hu, intensityMask, 25, -500);
  configACache = { image: ct.image.withData(hu), morph, intensityMask, levels, nLevels };
  return configACache;
}

/** Config A's discretised intensity mask cropped to the morphological mask's bounding box, and that mask. */
export function configARoi(): { roi: DiscretisedRoi; morph: Uint8Array } {
  const a = configA();
  const crop = cropToMask(a.image.withData(a.levels), a.morph);
  const morphCrop = cropToMask(a.morph, a.morph).mask;
  return {
    roi: { levels: crop.image.data, nLevels: a.nLevels, size: crop.image.size, spacing: crop.image.spacing },
    morph: morphCrop.data,
  };
}

/**
 * The image-processing diagnostics of configs A and B (ibsi1_diagnostics_A_B.csv) as reference rows
 * (family = processing stage, feature = diagnostic name); [] when the data is absent.
 */
export function ibsiDiagnosticReferences(dataSet: string): IbsiReference[] {
  const p = dataPath("ibsi", "ibsi1_diagnostics_A_B.csv");
  if (!p) return [];
  const lines = readFileSync(p, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const head = splitCsvLine(lines[0]!);
  const col = (n: string) => head.indexOf(n);
  return lines
    .slice(1)
    .map(splitCsvLine)
    .filter((r) => r[col("data_set")] === dataSet)
    .map((r) => ({
      dataSet: r[col("data_set")]!,
      family: r[col("stage")]!,
      feature: r[col("diagnostic")]!,
      ibsiId: "",
      tag: r[col("tag")]!,
      aggregation: "",
      value: Number(r[col("value")]),
      tolerance: r[col("tolerance")] === "" ? 0 : Number(r[col("tolerance")]),
      consensus: r[col("consensus")]!,
    }));
}
