/**
 * Glue for the PyRadiomics reference data in ../shared/data/pyradiomics, shared by the feature-family
 * tests and the extraction baseline test: the old baseline CSVs (columns = test case x configuration),
 * the `current/` feature,value CSVs, the expected texture matrices (.npy), the test cases' images (read
 * once per process) and their discretised ROI, the recorded stale baseline values, and the feature
 * comparison that prints every miss with both values.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, it } from "node:test";
import type { DiscretisedRoi, TextureSettings } from "../../src/features/types.js";
import { discretisePyRadiomics } from "../../src/image/discretise.js";
import { cropToMask, selectLabel } from "../../src/image/geometry.js";
import type { Volume } from "../../src/image/volume.js";
import { readImage } from "../../src/io/read.js";
import { dataPath, repoRoot, skipUnlessData } from "./data.js";
import { type NpyArray, readNpy } from "./npy.js";

// ---- CSV tables ----------------------------------------------------------------------------------

/** Splits a CSV text (RFC 4180 quoting, quoted newlines allowed) into rows of cells. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += c;
    } else if (c === '"') q = true;
    else if (c === ",") {
      row.push(cur);
      cur = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cur);
      rows.push(row);
      row = [];
      cur = "";
    } else cur += c;
  }
  if (cur.length > 0 || row.length > 0) {
    row.push(cur);
    rows.push(row);
  }
  return rows;
}

/** Python literal (dict/list/tuple of numbers, strings, True/False/None) -> JS value. */
export function parsePythonLiteral(s: string): unknown {
  const json = s
    .replace(/np\.float64\(([^)]*)\)/g, "$1")
    .replace(/'/g, '"')
    .replace(/\bTrue\b/g, "true")
    .replace(/\bFalse\b/g, "false")
    .replace(/\bNone\b/g, "null")
    .replace(/\(/g, "[")
    .replace(/\)/g, "]");
  return JSON.parse(json);
}

export interface BaselineColumn {
  /** Column name, e.g. "brain1_2d". */
  column: string;
  /** Test case (image/mask pair), e.g. "brain1". */
  testCase: string;
  /** Configuration suffix ("" for the default column). */
  config: string;
  settings: Record<string, unknown>;
  /** Row name -> raw cell. */
  cells: Map<string, string>;
}

/** Columns of baseline/baseline_<cls>.csv; [] when the data is absent. */
export function readBaseline(cls: string): BaselineColumn[] {
  const p = dataPath("pyradiomics", "baseline", `baseline_${cls}.csv`);
  if (!p) return [];
  const rows = parseCsvRows(readFileSync(p, "utf8"));
  const header = rows[0]!;
  const out: BaselineColumn[] = [];
  for (let c = 1; c < header.length; c++) {
    const cells = new Map<string, string>();
    for (const r of rows.slice(1)) cells.set(r[0]!, r[c] ?? "");
    const column = header[c]!;
    // the shape2D columns name their test case "<case>_2D" (the 2D label of <case>)
    const testCase = (cells.get("diagnostics_Configuration_TestCase") || column).split("_")[0]!;
    out.push({
      column,
      testCase,
      config: column.startsWith(`${testCase}_`) ? column.slice(testCase.length + 1) : "",
      settings: parsePythonLiteral(cells.get("diagnostics_Configuration_Settings") ?? "{}") as Record<
        string,
        unknown
      >,
      cells,
    });
  }
  return out;
}

/** `current/<name>.csv` as a map row name -> raw value; undefined when absent. */
export function readCurrent(name: string): Map<string, string> | undefined {
  const p = dataPath("pyradiomics", "current", `${name}.csv`);
  if (!p) return undefined;
  const rows = parseCsvRows(readFileSync(p, "utf8"));
  return new Map(rows.slice(1).map((r) => [r[0]!, r[1] ?? ""]));
}

/**
 * The feature rows whose name starts with `prefix` (e.g. "original_glcm_") as numbers, empty cells left
 * out; the names lose the prefix unless `keepPrefix`.
 */
export function featureValues(
  cells: Map<string, string>,
  prefix: string,
  keepPrefix = false,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of cells)
    if (k.startsWith(prefix) && v !== "") out.set(keepPrefix ? k : k.slice(prefix.length), Number(v));
  return out;
}

/** Column `column` of baseline_<cls>.csv (the file must exist) with its `original_<cls>_` feature values. */
export function baselineColumn(
  cls: string,
  column: string,
): BaselineColumn & { values: Map<string, number> } {
  const col = readBaseline(cls).find((c) => c.column === column);
  assert.ok(col, `baseline_${cls}.csv: no column ${column}`);
  return { ...col, values: featureValues(col.cells, `original_${cls}_`) };
}

// ---- test cases ----------------------------------------------------------------------------------

/** Test cases with texture matrices (.npy) and the texture baseline columns used by the family tests. */
export const TEXTURE_CASES = ["brain1", "breast1"] as const;
/** Baseline configurations reachable without the extraction pipeline's preprocessing. */
export const BASELINE_CONFIG = /^(brain1|breast1)(_2d|_FBN|_combined|_flatRegion)?$/;

export interface CurrentCase {
  /** current/<name>.csv, without the extension. */
  name: string;
  /** Test case: image and mask files as in caseFiles(). */
  testCase: string;
  label: number;
}
/** The current/ files computed with default settings (binWidth 25, original image). */
export const CURRENT_CASES: readonly CurrentCase[] = [
  { name: "brain1_default", testCase: "brain1", label: 1 },
  { name: "breast1_default", testCase: "breast1", label: 1 },
  ...[1, 7, 8, 9].map((label) => ({ name: `prostate_label${label}_default`, testCase: "prostate", label })),
];

/** Image and mask file names of a test case (the prostate phantom has its own naming). */
export function caseFiles(testCase: string): { image: string; mask: string } {
  if (testCase === "prostate")
    return { image: "prostate_phantom_subvolume.nrrd", mask: "prostate_phantom_subvolume-label.nrrd" };
  return { image: `${testCase}_image.nrrd`, mask: `${testCase}_label.nrrd` };
}

const imageCache = new Map<string, Volume>();
/** pyradiomics/<file> as read by readImage, once per process; undefined when absent. */
export function caseImage(file: string): Volume | undefined {
  let v = imageCache.get(file);
  if (!v) {
    const p = dataPath("pyradiomics", file);
    if (!p) return undefined;
    v = readImage(p);
    imageCache.set(file, v);
  }
  return v;
}

/** One label of pyradiomics/<file> as a 0/1 mask (the file must exist). */
export function caseMask(file: string, label = 1): Volume<Uint8Array> {
  const m = caseImage(file);
  assert.ok(m, `reference data pyradiomics/${file} not found`);
  return selectLabel(m, label, file);
}

export interface CaseOptions {
  binWidth?: number;
  binCount?: number;
  label?: number;
  /** PyRadiomics resegmentRange (absolute mode): keep ROI voxels within [lo, hi] (hi optional). */
  resegmentRange?: number[] | null;
}

/**
 * Discretised ROI of a PyRadiomics test case the way PyRadiomics' default extractor builds it (label,
 * bounding-box crop without padding, optional re-segmentation, binning), or undefined when the data is
 * absent.
 */
export function pyradiomicsCase(name: string, opts: CaseOptions = {}): DiscretisedRoi | undefined {
  const files = caseFiles(name);
  const image = caseImage(files.image);
  const maskImage = caseImage(files.mask);
  if (!image || !maskImage) return undefined;
  const c = cropToMask(image, selectLabel(maskImage, opts.label ?? 1));
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

// ---- comparison ----------------------------------------------------------------------------------

/** PyRadiomics-style relative comparison at our (much tighter) tolerance; absolute where expected is 0. */
export function featureMatches(expected: number, got: number, rel = 1e-6, abs = 1e-9): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(got);
  if (!Number.isFinite(got)) return false;
  if (expected === 0) return Math.abs(got) <= abs;
  return Math.abs(got - expected) <= rel * Math.abs(expected);
}

export interface Comparison {
  /** Number of reference values compared. */
  checked: number;
  /** One line per miss, with both values. */
  misses: string[];
  /** Largest relative error over the non-zero finite reference values. */
  maxRel: number;
}

/**
 * Compares every expected feature with the computed one (featureMatches at `rel`/`abs`); a missing
 * computed feature is a miss.
 */
export function compareFeatures(
  label: string,
  got: Record<string, number>,
  expected: Map<string, number>,
  rel = 1e-6,
  abs = 1e-9,
): Comparison {
  const misses: string[] = [];
  let maxRel = 0;
  for (const [name, exp] of expected) {
    const g = got[name];
    if (g === undefined) {
      misses.push(`${label} ${name}: missing (expected ${exp})`);
      continue;
    }
    const r = exp === 0 ? Math.abs(g) : Math.abs(g - exp) / Math.abs(exp);
    if (exp !== 0 && Number.isFinite(exp) && r > maxRel) maxRel = r;
    if (!featureMatches(exp, g, rel, abs))
      misses.push(`${label} ${name}: expected ${exp} got ${g} (rel ${r.toExponential(2)})`);
  }
  return { checked: expected.size, misses, maxRel };
}

/** Prints every miss and fails when there is any. */
export function assertNoMisses(misses: string[]): void {
  for (const m of misses) console.log(`MISS ${m}`);
  assert.deepEqual(misses, [], `${misses.length} reference values differ`);
}

/**
 * Compares the features `names` with their reference values (each must be present and finite) within
 * `rel` (absolute 1e-9 where the reference is 0); prints every miss and fails when there is any.
 */
export function assertFeaturesMatch(
  label: string,
  got: Record<string, number>,
  values: Map<string, number>,
  names: readonly string[],
  rel: number,
): Comparison {
  const expected = new Map<string, number>();
  for (const name of names) {
    const v = values.get(name);
    assert.ok(v !== undefined && Number.isFinite(v), `${label}: no reference value for ${name}`);
    expected.set(name, v);
  }
  const r = compareFeatures(label, got, expected, rel);
  assertNoMisses(r.misses);
  return r;
}

/**
 * Every CURRENT_CASES file: assertFeaturesMatch of `compute(case)` on the features `names` of `cls`;
 * returns the largest relative error.
 */
export function checkCurrentCases(
  cls: string,
  names: readonly string[],
  rel: number,
  compute: (c: CurrentCase) => Record<string, number>,
): number {
  let maxRel = 0;
  for (const c of CURRENT_CASES) {
    const cells = readCurrent(c.name);
    assert.ok(cells, `current/${c.name}.csv not found`);
    const values = featureValues(cells, `original_${cls}_`);
    maxRel = Math.max(maxRel, assertFeaturesMatch(`${c.name}.csv`, compute(c), values, names, rel).maxRel);
  }
  return maxRel;
}

// ---- texture families (glcm, glrlm, glszm, gldm, ngtdm) ---------------------------------------------

type TextureFeatures = (roi: DiscretisedRoi, settings: Partial<TextureSettings>) => Record<string, number>;

/**
 * Registers a texture family's two PyRadiomics feature tests: every BASELINE_CONFIG column of
 * baseline_<cls>.csv (`configs` names them; `columns` columns of `features` features each) and every
 * CURRENT_CASES file (the computed feature names must be exactly `names`), all within 1e-6 (relative).
 */
export function pyradiomicsFeatureTests(
  cls: string,
  compute: TextureFeatures,
  names: readonly string[],
  expected: { configs: string; columns: number; features: number },
): void {
  it(
    `features equal the PyRadiomics baselines (${expected.configs})`,
    {
      skip: skipUnlessData("pyradiomics", "baseline", `baseline_${cls}.csv`),
    },
    (t) => checkTextureBaseline(t, cls, compute, expected.columns, expected.features),
  );
  it(
    "features equal current PyRadiomics (brain1, breast1, prostate labels 1/7/8/9)",
    {
      skip: skipUnlessData("pyradiomics", "current"),
    },
    (t) => checkTextureCurrent(t, cls, compute, names, expected.features),
  );
}

function checkTextureBaseline(
  t: TestContext,
  cls: string,
  compute: TextureFeatures,
  columns: number,
  features: number,
): void {
  const cols = readBaseline(cls).filter((c) => BASELINE_CONFIG.test(c.column));
  assert.equal(cols.length, columns);
  const misses: string[] = [];
  for (const col of cols) {
    const { texture, caseOptions } = columnSettings(col.settings);
    const roi = pyradiomicsCase(col.testCase, caseOptions);
    assert.ok(roi, `case ${col.testCase} not found`);
    const expected = featureValues(col.cells, `original_${cls}_`);
    assert.equal(expected.size, features);
    const r = compareFeatures(col.column, compute(roi, texture), expected);
    t.diagnostic(`${col.column}: ${r.checked} values, max rel error ${r.maxRel.toExponential(2)}`);
    misses.push(...r.misses);
  }
  assertNoMisses(misses);
}

function checkTextureCurrent(
  t: TestContext,
  cls: string,
  compute: TextureFeatures,
  names: readonly string[],
  features: number,
): void {
  const misses: string[] = [];
  for (const c of CURRENT_CASES) {
    const cells = readCurrent(c.name);
    assert.ok(cells, `current/${c.name}.csv not found`);
    const expected = featureValues(cells, `original_${cls}_`);
    assert.equal(expected.size, features, `${c.name}: expected ${features} ${cls} features`);
    const got = compute(pyradiomicsCase(c.testCase, { label: c.label })!, {});
    assert.deepEqual(Object.keys(got).sort(), [...names].sort());
    const r = compareFeatures(c.name, got, expected);
    t.diagnostic(`${c.name}: ${r.checked} values, max rel error ${r.maxRel.toExponential(2)}`);
    misses.push(...r.misses);
  }
  assertNoMisses(misses);
}

/** PyRadiomics' expected matrix baseline/<testCase>_<matrix>.npy (the file must exist). */
export function baselineMatrix(testCase: string, matrix: string): NpyArray {
  const p = dataPath("pyradiomics", "baseline", `${testCase}_${matrix}.npy`);
  assert.ok(p, `reference data pyradiomics/baseline/${testCase}_${matrix}.npy not found`);
  return readNpy(p);
}

/**
 * A count matrix against PyRadiomics' baseline/<testCase>_<matrix>.npy, which stores it without the columns
 * that are empty for every row (and angle). `counts` is laid out [angle][row][column] with `nRows` x `nCols`
 * per angle; the .npy is [row][column] or, when `nAngles` is given, [row][column][angle]. Every cell must
 * agree within 1e-12.
 */
export function checkMatrixWithoutEmptyColumns(
  t: TestContext,
  testCase: string,
  matrix: string,
  counts: ArrayLike<number>,
  nRows: number,
  nCols: number,
  nAngles?: number,
): void {
  const exp = baselineMatrix(testCase, matrix);
  const na = nAngles ?? 1;
  const per = nRows * nCols;
  const cols: number[] = [];
  for (let c = 0; c < nCols; c++) {
    let s = 0;
    for (let a = 0; a < na; a++) for (let i = 0; i < nRows; i++) s += counts[a * per + i * nCols + c]!;
    if (s > 0) cols.push(c);
  }
  const k = cols.length;
  assert.deepEqual(exp.shape, nAngles === undefined ? [nRows, k] : [nRows, k, na]);
  let maxDiff = 0;
  for (let a = 0; a < na; a++)
    for (let i = 0; i < nRows; i++)
      for (let j = 0; j < k; j++) {
        const e = exp.data[(i * k + j) * na + a]!;
        maxDiff = Math.max(maxDiff, Math.abs(counts[a * per + i * nCols + cols[j]!]! - e));
      }
  assertMatrixDiff(t, testCase, matrix, exp, maxDiff);
}

/** Reports the largest |expected - computed| over the cells of a baseline matrix; it must be below 1e-12. */
export function assertMatrixDiff(
  t: TestContext,
  testCase: string,
  matrix: string,
  exp: NpyArray,
  maxDiff: number,
): void {
  t.diagnostic(`${testCase}_${matrix}.npy: ${exp.data.length} cells, max |expected - computed| ${maxDiff}`);
  assert.ok(maxDiff < 1e-12, `${testCase}: max |expected - computed| = ${maxDiff}`);
}

/** Mean time of `run` over 20 repetitions after 5 warm-up runs, reported as a test diagnostic. */
export function reportSpeed(t: TestContext, label: string, run: () => void): void {
  for (let r = 0; r < 5; r++) run();
  const reps = 20;
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) run();
  t.diagnostic(`${label}: ${((performance.now() - t0) / reps).toFixed(2)} ms`);
}

// ---- recorded stale baseline values (test/known-deviations/shape.json) --------------------------------

export interface StaleBaselineValue {
  /** Reference file under the data dir, e.g. "pyradiomics/baseline/baseline_shape.csv". */
  reference: string;
  column: string;
  /** Full feature name, e.g. "original_shape_MeshVolume". */
  feature: string;
  /** The value the old baseline holds. */
  staleValue: number;
  /** The reference our value must match instead, e.g. "pyradiomics/current/brain1_default.csv". */
  correctReference: string;
  evidence: string;
}

/** The stale PyRadiomics baseline values recorded in test/known-deviations/shape.json. */
export function staleBaselineValues(): StaleBaselineValue[] {
  const text = readFileSync(join(repoRoot, "test", "known-deviations", "shape.json"), "utf8");
  return (JSON.parse(text) as { deviations: StaleBaselineValue[] }).deviations;
}

/** The recorded stale value of (baseline_<cls>.csv, column, feature), if any. */
export function staleValueOf(cls: string, column: string, feature: string): StaleBaselineValue | undefined {
  const ref = `pyradiomics/baseline/baseline_${cls}.csv`;
  return staleBaselineValues().find(
    (d) => d.reference === ref && d.column === column && d.feature === feature,
  );
}

/**
 * Checks one recorded stale value: the baseline still holds it (`baselineValue`), our value misses it
 * (> 1e-6 relative) and matches the correct reference instead (within `rel`). Returns the misses.
 */
export function checkStaleValue(
  label: string,
  d: StaleBaselineValue,
  baselineValue: number,
  ours: number,
  rel: number,
): string[] {
  const misses: string[] = [];
  const correctCells = readCurrent(
    d.correctReference.replace(/^pyradiomics\/current\//, "").replace(/\.csv$/, ""),
  );
  assert.ok(correctCells, `reference data ${d.correctReference} not found`);
  const correct = Number(correctCells.get(d.feature));
  const stale = Math.abs(ours - baselineValue) / Math.abs(baselineValue);
  console.log(
    `known deviation ${label} ${d.feature}: ours ${ours}, stale baseline ${baselineValue} (rel ${stale.toExponential(2)}), ${d.correctReference} ${correct}`,
  );
  if (baselineValue !== d.staleValue)
    misses.push(
      `${label} ${d.feature}: baseline now holds ${baselineValue}, not the recorded ${d.staleValue}`,
    );
  if (!(stale > 1e-6))
    misses.push(
      `${label} ${d.feature}: now matches the stale baseline: remove it from known-deviations/shape.json`,
    );
  if (!featureMatches(correct, ours, rel))
    misses.push(`${label} ${d.feature}: got ${ours}, ${d.correctReference} has ${correct}`);
  return misses;
}
