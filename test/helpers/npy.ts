/**
 * Minimal reader for NumPy .npy files (format version 1.0/2.0, little-endian float64 or int types),
 * enough for the expected texture matrices in ../shared/data/pyradiomics/baseline. Returns the data in
 * C (row-major) order whatever the file's `fortran_order`.
 */
import { readFileSync } from "node:fs";
import { discretiseIbsiFbs, discretisePyRadiomics } from "../../src/image/discretise.js";
import { cropToMask, selectLabel } from "../../src/image/geometry.js";
import { readImage } from "../../src/io/read.js";
import type { DiscretisedRoi, TextureSettings } from "../../src/features/types.js";
import { dataPath } from "./data.js";

export interface NpyArray {
  shape: number[];
  /** Row-major (C order) values. */
  data: Float64Array;
}

export function readNpy(path: string): NpyArray {
  const buf = readFileSync(path);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 6));
  if (magic !== "\x93NUMPY") throw new Error(`${path}: not a .npy file`);
  const major = bytes[6]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder("latin1").decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1] === "True";
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new Error(`${path}: cannot parse header ${header}`);
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const off = start + headerLen;
  const raw = new Float64Array(n);
  const kinds: Record<string, [number, (o: number) => number]> = {
    "<f8": [8, (o) => dv.getFloat64(o, true)],
    "<f4": [4, (o) => dv.getFloat32(o, true)],
    "<i8": [8, (o) => Number(dv.getBigInt64(o, true))],
    "<i4": [4, (o) => dv.getInt32(o, true)],
    "<i2": [2, (o) => dv.getInt16(o, true)],
    "|u1": [1, (o) => dv.getUint8(o)],
  };
  const kind = kinds[descr];
  if (!kind) throw new Error(`${path}: unsupported dtype ${descr}`);
  const [width, get] = kind;
  for (let t = 0; t < n; t++) raw[t] = get(off + t * width);
  if (!fortran || shape.length < 2) return { shape, data: raw };
  // Fortran order: first index fastest. Re-order to C order.
  const data = new Float64Array(n);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  for (let t = 0; t < n; t++) {
    // t enumerates Fortran order; compute C offset
    let c = 0;
    for (let d = 0; d < nd; d++) c = c * shape[d]! + idx[d]!;
    data[c] = raw[t]!;
    for (let d = 0; d < nd; d++) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return { shape, data };
}

// ---------------------------------------------------------------------------------------------------
// PyRadiomics reference-case glue for the texture tests (glcm, glrlm, glszm, gldm, ngtdm): loads a test
// case the way PyRadiomics' default extractor does (label, bounding-box crop without padding, optional
// resegmentation, binning) and reads the baseline/current feature tables.

export interface CaseOptions {
  binWidth?: number;
  binCount?: number;
  label?: number;
  /** PyRadiomics resegmentRange (absolute mode): keep ROI voxels within [lo, hi] (hi optional). */
  resegmentRange?: number[] | null;
}

const caseFiles: Record<string, [string, string]> = {
  prostate: ["prostate_phantom_subvolume.nrrd", "prostate_phantom_subvolume-label.nrrd"],
};

const imageCache = new Map<string, ReturnType<typeof readImage>>();
function cachedImage(path: string) {
  let v = imageCache.get(path);
  if (!v) {
    v = readImage(path);
    imageCache.set(path, v);
  }
  return v;
}

/** Discretised ROI of a PyRadiomics test case, or undefined when the data is absent. */
export function pyradiomicsCase(name: string, opts: CaseOptions = {}): DiscretisedRoi | undefined {
  const [imgName, maskName] = caseFiles[name] ?? [`${name}_image.nrrd`, `${name}_label.nrrd`];
  const ip = dataPath("pyradiomics", imgName);
  const mp = dataPath("pyradiomics", maskName);
  if (!ip || !mp) return undefined;
  const image = cachedImage(ip);
  const mask = selectLabel(cachedImage(mp), opts.label ?? 1);
  const c = cropToMask(image, mask);
  const m = c.mask.data;
  const r = opts.resegmentRange;
  if (r && r.length > 0) {
    for (let p = 0; p < m.length; p++) {
      const v = c.image.data[p]!;
      if (m[p] && (v < r[0]! || (r.length > 1 && v > r[1]!))) m[p] = 0;
    }
  }
  const bins = opts.binCount !== undefined ? { binCount: opts.binCount } : { binWidth: opts.binWidth ?? 25 };
  const d = discretisePyRadiomics(c.image.data, m, bins);
  return { size: c.image.size, spacing: c.image.spacing, levels: d.levels, nLevels: d.nLevels };
}

/** Splits a CSV text (RFC 4180 quoting) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (q) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") {
      row.push(cur);
      cur = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cur);
      rows.push(row);
      row = [];
      cur = "";
    } else cur += ch;
  }
  if (cur.length > 0 || row.length > 0) {
    row.push(cur);
    rows.push(row);
  }
  return rows;
}

/** A Python dict literal of plain values (as in diagnostics_Configuration_Settings) as an object. */
export function parsePythonDict(s: string): Record<string, unknown> {
  const json = s
    .replace(/'/g, '"')
    .replace(/\bTrue\b/g, "true")
    .replace(/\bFalse\b/g, "false")
    .replace(/\bNone\b/g, "null");
  return JSON.parse(json) as Record<string, unknown>;
}

export interface BaselineColumn {
  column: string;
  testCase: string;
  settings: Record<string, unknown>;
  /** Feature name (without `original_<class>_`) -> value. */
  values: Map<string, number>;
}

/** Columns of baseline/baseline_<cls>.csv; [] when the data is absent. */
export function pyradiomicsBaseline(cls: string): BaselineColumn[] {
  const p = dataPath("pyradiomics", "baseline", `baseline_${cls}.csv`);
  if (!p) return [];
  const rows = parseCsv(readFileSync(p, "utf8"));
  const head = rows[0]!;
  const cols: BaselineColumn[] = head.slice(1).map((column) => ({
    column,
    testCase: column,
    settings: {},
    values: new Map(),
  }));
  const prefix = `original_${cls}_`;
  for (const r of rows.slice(1)) {
    const key = r[0]!;
    for (let c = 1; c < r.length; c++) {
      const col = cols[c - 1]!;
      if (key === "diagnostics_Configuration_TestCase") col.testCase = r[c]!;
      else if (key === "diagnostics_Configuration_Settings") col.settings = parsePythonDict(r[c]!);
      else if (key.startsWith(prefix)) col.values.set(key.slice(prefix.length), Number(r[c]));
    }
  }
  return cols;
}

/** Features of one class from current/<file>.csv (feature,value rows); undefined when absent. */
export function pyradiomicsCurrent(file: string, cls: string): Map<string, number> | undefined {
  const p = dataPath("pyradiomics", "current", file);
  if (!p) return undefined;
  const out = new Map<string, number>();
  const prefix = `original_${cls}_`;
  for (const r of parseCsv(readFileSync(p, "utf8"))) {
    if (r[0]?.startsWith(prefix)) out.set(r[0].slice(prefix.length), Number(r[1]));
  }
  return out;
}

/** Texture settings and case options of a baseline column's settings dict (PyRadiomics defaults otherwise). */
export function columnSettings(s: Record<string, unknown>): {
  texture: Partial<TextureSettings>;
  caseOptions: CaseOptions;
} {
  return {
    texture: {
      distances: (s.distances as number[] | undefined) ?? [1],
      force2D: Boolean(s.force2D ?? false),
      force2Ddimension: ((s.force2Ddimension as number | undefined) ?? 0) as 0 | 1 | 2,
      symmetricalGLCM: (s.symmetricalGLCM as boolean | undefined) ?? true,
      weightingNorm: (s.weightingNorm as TextureSettings["weightingNorm"] | undefined) ?? null,
      gldm_a: (s.gldm_a as number | undefined) ?? 0,
    },
    caseOptions: {
      binWidth: s.binWidth as number | undefined,
      binCount: s.binCount as number | undefined,
      label: (s.label as number | undefined) ?? 1,
      resegmentRange: (s.resegmentRange as number[] | null | undefined) ?? null,
    },
  };
}

export interface Miss {
  feature: string;
  expected: number;
  got: number;
  relError: number;
}

/**
 * Compares computed features with expected ones: |got - exp| <= rel * |exp|, or <= abs when exp is 0.
 * Every expected feature must be present. Returns the misses and the largest relative error seen.
 */
export function compareFeatures(
  got: Record<string, number>,
  expected: Map<string, number>,
  rel = 1e-6,
  abs = 1e-9,
): { misses: Miss[]; maxRel: number } {
  const misses: Miss[] = [];
  let maxRel = 0;
  for (const [feature, exp] of expected) {
    const g = got[feature];
    if (g === undefined || Number.isNaN(g) !== Number.isNaN(exp)) {
      misses.push({ feature, expected: exp, got: g ?? Number.NaN, relError: Number.POSITIVE_INFINITY });
      continue;
    }
    if (Number.isNaN(exp)) continue;
    const err = Math.abs(g - exp);
    const r = exp === 0 ? err : err / Math.abs(exp);
    if (exp !== 0 && r > maxRel) maxRel = r;
    if (exp === 0 ? err > abs : r > rel) misses.push({ feature, expected: exp, got: g, relError: r });
  }
  return { misses, maxRel };
}

export function formatMisses(label: string, misses: Miss[]): string {
  return misses
    .map(
      (m) =>
        `${label} ${m.feature}: expected ${m.expected} got ${m.got} (rel ${m.relError.toExponential(2)})`,
    )
    .join("\n");
}

/**
 * The IBSI 1 digital phantom as a discretised ROI (README 2.1: no processing, levels are the image
 * values inside the mask, Ng = 6), or undefined when the data is absent.
 */
export function ibsiPhantomRoi(): DiscretisedRoi | undefined {
  const ip = dataPath("ibsi", "digital_phantom", "phantom.nii.gz");
  const mp = dataPath("ibsi", "digital_phantom", "mask.nii.gz");
  if (!ip || !mp) return undefined;
  const c = cropToMask(readImage(ip), readImage(mp));
  const levels = new Int32Array(c.image.data.length);
  for (let p = 0; p < levels.length; p++) if (c.mask.data[p]) levels[p] = c.image.data[p]!;
  return { size: c.image.size, spacing: c.image.spacing, levels, nLevels: 6 };
}

/** Deterministic pseudo-random ROI for synthetic tests: levels 1..nLevels with probability `fill`. */
export function randomRoi(
  size: [number, number, number],
  nLevels: number,
  fill: number,
  seed: number,
  spacing: [number, number, number] = [1, 1, 1],
): DiscretisedRoi {
  let a = seed >>> 0;
  const rnd = () => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const n = size[0] * size[1] * size[2];
  const levels = new Int32Array(n);
  for (let p = 0; p < n; p++) if (rnd() < fill) levels[p] = 1 + Math.floor(rnd() * nLevels);
  if (!levels.some((v) => v > 0)) levels[0] = 1;
  return { size, spacing, levels, nLevels };
}

/** Reference-data tests run only with the data present (skip message otherwise). */
export const TEXTURE_CASES = ["brain1", "breast1"] as const;
/** Baseline configurations reachable without the lead's preprocessing pipeline. */
export const BASELINE_CONFIG = /^(brain1|breast1)(_2d|_FBN|_combined|_flatRegion)?$/;
/** current/ files with default settings: [file, case, label]. */
export const CURRENT_FILES: ReadonlyArray<[string, string, number]> = [
  ["brain1_default.csv", "brain1", 1],
  ["breast1_default.csv", "breast1", 1],
  ["prostate_label1_default.csv", "prostate", 1],
  ["prostate_label7_default.csv", "prostate", 7],
  ["prostate_label8_default.csv", "prostate", 8],
  ["prostate_label9_default.csv", "prostate", 9],
];

let configA: DiscretisedRoi | undefined;
/**
 * IBSI 1 configuration A on the CT phantom (README 2.3): no interpolation, intensities rounded,
 * re-segmentation [-500, 400] HU, fixed bin size 25 HU from -500; 2D/2.5D texture. Undefined when absent.
 */
export function ibsiConfigARoi(): DiscretisedRoi | undefined {
  if (configA) return configA;
  const ip = dataPath("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz");
  const mp = dataPath("ibsi", "ct_phantom", "nifti", "mask", "mask.nii.gz");
  if (!ip || !mp) return undefined;
  const c = cropToMask(readImage(ip), readImage(mp));
  const image = Float64Array.from(c.image.data, (v) => Math.round(v));
  const mask = new Uint8Array(image.length);
  for (let p = 0; p < image.length; p++)
    if (c.mask.data[p] && image[p]! >= -500 && image[p]! <= 400) mask[p] = 1;
  const d = discretiseIbsiFbs(image, mask, 25, -500);
  configA = { size: c.image.size, spacing: c.image.spacing, levels: d.levels, nLevels: d.nLevels };
  return configA;
}

/** Compares computed IBSI values with every reference row whose tag starts with `prefix`. */
export function ibsiMisses(
  dataSet: string,
  prefix: string,
  got: Record<string, number>,
  refs: Array<{ tag: string; value: number; tolerance: number }>,
  compare: (e: number, g: number, tol: number) => { verdict: string },
): { checked: number; misses: string[] } {
  const misses: string[] = [];
  let checked = 0;
  for (const r of refs) {
    if (!r.tag.startsWith(prefix)) continue;
    checked++;
    const g = got[r.tag];
    const v = g === undefined ? undefined : compare(r.value, g, r.tolerance);
    if (v?.verdict !== "match")
      misses.push(
        `${dataSet} ${r.tag}: reference ${r.value} (tolerance ${r.tolerance}) got ${g} (${v?.verdict ?? "missing"})`,
      );
  }
  return { checked, misses };
}
