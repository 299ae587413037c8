/**
 * IBSI 1 reference values and the official compliance-spreadsheet comparison rule
 * (../shared/data/README.md section 2.6).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import type { DiscretisedRoi } from "../../src/features/types.js";
import { discretiseIbsiFbs } from "../../src/image/discretise.js";
import { cropToMask, selectLabel } from "../../src/image/geometry.js";
import type { Vec3, Volume } from "../../src/image/volume.js";
import { readImage } from "../../src/io/read.js";
import { dataPath, skipUnlessData } from "./data.js";
import { parseCsvRows } from "./pyradiomics.js";

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

/** Rows of an IBSI table under ibsi/ whose data_set is `dataSet`, as column name -> cell; [] when absent. */
function ibsiTableRows(file: string, dataSet: string): Map<string, string>[] {
  const p = dataPath("ibsi", file);
  if (!p) return [];
  const [head, ...rows] = parseCsvRows(readFileSync(p, "utf8"));
  return rows
    .map((r) => new Map(head!.map((name, c) => [name, r[c] ?? ""])))
    .filter((r) => r.get("data_set") === dataSet);
}

const tolerance = (cell: string) => (cell === "" ? 0 : Number(cell));

/** All reference rows of one data set ("digital_phantom", "config_A", "config_B"); [] when data is absent. */
export function ibsiReferences(dataSet: string): IbsiReference[] {
  return ibsiTableRows("ibsi1_reference_values_digital_phantom_A_B.csv", dataSet).map((r) => ({
    dataSet: r.get("data_set")!,
    family: r.get("family")!,
    feature: r.get("feature")!,
    ibsiId: r.get("ibsi_id")!,
    tag: r.get("tag")!,
    aggregation: r.get("aggregation")!,
    value: Number(r.get("value")),
    tolerance: tolerance(r.get("tolerance")!),
    consensus: r.get("consensus")!,
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
export function compareRefs(what: string, refs: IbsiReference[], got: object): void {
  const misses: string[] = [];
  for (const r of refs) {
    const g = (got as Record<string, number | undefined>)[r.tag];
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

/**
 * compareRefs on the `dataSet` reference rows whose tag starts with `prefix` (e.g. "cm_"), after checking
 * that there are `count` of them.
 */
export function compareFamily(dataSet: string, prefix: string, count: number, got: object): void {
  const refs = ibsiReferences(dataSet).filter((r) => r.tag.startsWith(prefix));
  assert.equal(refs.length, count, `${dataSet}: number of ${prefix}* reference rows`);
  compareRefs(`${dataSet} ${prefix}*`, refs, got);
}

/** compareFamily on the features of all `aggregations` together, `compute` giving one aggregation's. */
export function compareAggregations<A>(
  dataSet: string,
  prefix: string,
  count: number,
  aggregations: readonly A[],
  compute: (aggregation: A) => object,
): void {
  const got = {};
  for (const aggregation of aggregations) Object.assign(got, compute(aggregation));
  compareFamily(dataSet, prefix, count, got);
}

/** Config A is a 2D configuration: its texture reference values are for the 2D and 2.5D aggregations. */
export const CONFIG_A_MATRIX_AGGREGATIONS = ["2D_avg", "2D_comb", "2_5D_avg", "2_5D_comb"] as const;
export const CONFIG_A_ZONE_AGGREGATIONS = ["2D", "2_5D"] as const;

/**
 * Registers a texture family's two IBSI 1 reference tests: every `prefix` value of the digital phantom
 * over `phantom.aggregations` and of configuration A over `configA.aggregations` (`count` values each),
 * `compute` giving the features of one aggregation.
 */
export function ibsiTextureTests<A extends string>(
  family: string,
  prefix: string,
  phantom: { aggregations: readonly A[]; count: number },
  configA: { aggregations: readonly A[]; count: number },
  compute: (roi: DiscretisedRoi, aggregation: A) => object,
): void {
  const list = phantom.aggregations;
  const which = list.length === 6 ? "6 aggregations" : list.map((a) => a.replace("_", ".")).join(", ");
  it(`matches every IBSI 1 digital-phantom ${family} value (${which})`, {
    skip: skipUnlessData(...DIGITAL_PHANTOM_IMAGE),
  }, () => {
    const { roi } = digitalPhantom();
    compareAggregations("digital_phantom", prefix, phantom.count, list, (a) => compute(roi, a));
  });
  it("matches every IBSI 1 configuration A value (CT phantom, 2D and 2.5D)", {
    skip: skipUnlessData(...CT_PHANTOM_IMAGE),
  }, () => {
    const { roi } = configARoi();
    compareAggregations("config_A", prefix, configA.count, configA.aggregations, (a) => compute(roi, a));
  });
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
  return ibsiTableRows("ibsi1_diagnostics_A_B.csv", dataSet).map((r) => ({
    dataSet: r.get("data_set")!,
    family: r.get("stage")!,
    feature: r.get("diagnostic")!,
    ibsiId: "",
    tag: r.get("tag")!,
    aggregation: "",
    value: Number(r.get("value")),
    tolerance: tolerance(r.get("tolerance")!),
    consensus: r.get("consensus")!,
  }));
}

// --- Synthetic fixtures shared by the family tests ---------------------------------------------------

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Asserts |got - expected| <= tol * max(1, |expected|). */
export function close(got: number, expected: number, tol = 1e-12): void {
  assert.ok(
    Math.abs(got - expected) <= tol * Math.max(1, Math.abs(expected)),
    `got ${got}, expected ${expected}`,
  );
}

/** A 0/1 mask of `size` (x fastest) with 1 where `inside(i, j, k)`. */
export function grid(size: Vec3, inside: (i: number, j: number, k: number) => boolean): Uint8Array {
  const m = new Uint8Array(size[0] * size[1] * size[2]);
  let p = 0;
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++) for (let i = 0; i < size[0]; i++, p++) m[p] = inside(i, j, k) ? 1 : 0;
  return m;
}

/** Deterministic pseudo-random ROI: levels 1..nLevels with probability `fill` (at least one voxel). */
export function randomRoi(
  size: Vec3,
  nLevels: number,
  fill: number,
  seed: number,
  spacing: Vec3 = [1, 1, 1],
): DiscretisedRoi {
  const rnd = rng(seed);
  const n = size[0] * size[1] * size[2];
  const levels = new Int32Array(n);
  for (let p = 0; p < n; p++) if (rnd() < fill) levels[p] = 1 + Math.floor(rnd() * nLevels);
  if (!levels.some((v) => v > 0)) levels[0] = 1;
  return { size, spacing, levels, nLevels };
}

/**
 * A ROI from slices of rows of levels (one digit per voxel, i fastest; 0 = outside); nLevels defaults to
 * the largest level.
 */
export function levelsRoi(slices: string[][], nLevels?: number): DiscretisedRoi {
  const nz = slices.length;
  const ny = slices[0]!.length;
  const nx = slices[0]![0]!.length;
  const levels = new Int32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) levels[i + nx * (j + ny * k)] = Number(slices[k]![j]![i]);
  }
  return { levels, nLevels: nLevels ?? Math.max(...levels), size: [nx, ny, nz], spacing: [1, 1, 1] };
}

/** Non-zero cells of a (level x column) count matrix as "i,j:count" (1-based). */
export function matrixCells(m: { nLevels: number; nCols: number; counts: ArrayLike<number> }): string[] {
  const out: string[] = [];
  for (let a = 0; a < m.nLevels; a++) {
    for (let b = 0; b < m.nCols; b++) {
      const c = m.counts[a * m.nCols + b]!;
      if (c) out.push(`${a + 1},${b + 1}:${c}`);
    }
  }
  return out;
}

/** A ROI of `size` where every voxel has level `level` (nLevels defaults to `level`). */
export function flatRoi(size: Vec3, level: number, nLevels = level): DiscretisedRoi {
  return {
    size,
    spacing: [1, 1, 1],
    levels: new Int32Array(size[0] * size[1] * size[2]).fill(level),
    nLevels,
  };
}

/**
 * A slow, plainly written neighbourhood scan for the texture tests: for every ROI voxel (level v > 0), the
 * levels of its neighbours inside the grid (0 = outside the ROI) at the Chebyshev `distances`, leaving out
 * offsets along `outOfPlane` (axis 0..2 = x, y, z; -1 = none).
 */
export function naiveNeighbourLevels(
  roi: DiscretisedRoi,
  distances: number[],
  outOfPlane: number,
  visit: (v: number, neighbours: number[]) => void,
): void {
  const [nx, ny, nz] = roi.size;
  const D = Math.max(...distances);
  const L = roi.levels;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const v = L[x + nx * (y + ny * z)]!;
        if (!v) continue;
        const neighbours: number[] = [];
        for (let dz = -D; dz <= D; dz++)
          for (let dy = -D; dy <= D; dy++)
            for (let dx = -D; dx <= D; dx++) {
              const d = [dx, dy, dz];
              if (!distances.includes(Math.max(Math.abs(dx), Math.abs(dy), Math.abs(dz)))) continue;
              if (outOfPlane >= 0 && d[outOfPlane] !== 0) continue;
              const X = x + dx;
              const Y = y + dy;
              const Z = z + dz;
              if (X < 0 || Y < 0 || Z < 0 || X >= nx || Y >= ny || Z >= nz) continue;
              neighbours.push(L[X + nx * (Y + ny * Z)]!);
            }
        visit(v, neighbours);
      }
}
