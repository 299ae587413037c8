/**
 * The extraction pipeline against every PyRadiomics baseline column we support (all configurations except
 * _resampling, which belongs to the resampling issue) and against the current PyRadiomics outputs.
 * Tolerance: relative 1e-6 (absolute 1e-9 where the reference is 0). Every miss is printed with both values.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { resolveParams } from "../../src/extract/params.js";
import { extractFeatures } from "../../src/extract/pipeline.js";
import { readImage } from "../../src/io/read.js";
import { dataPath, repoRoot, skipUnlessData } from "../helpers/data.js";
import { featureMatches, readBaseline, readCurrent } from "../helpers/pyradiomics.js";

const CLASSES = ["firstorder", "shape", "shape2D", "glcm", "glrlm", "glszm", "gldm", "ngtdm"] as const;
const CASES = ["brain1", "breast1"];

interface Deviation {
  source: string;
  feature: string;
  reference: number;
  correct: number;
  evidence: string;
}
const deviations: Deviation[] = JSON.parse(
  readFileSync(join(repoRoot, "test", "known-deviations", "pyradiomics-baseline.json"), "utf8"),
).deviations;

const imageCache = new Map<string, ReturnType<typeof readImage>>();
function load(file: string) {
  let v = imageCache.get(file);
  if (!v) {
    v = readImage(dataPath("pyradiomics", file)!);
    imageCache.set(file, v);
  }
  return v;
}

function compare(
  label: string,
  expected: Map<string, number>,
  got: Record<string, number>,
  source: string,
): string[] {
  const misses: string[] = [];
  for (const [name, e] of expected) {
    const dev = deviations.find((d) => d.source === source && d.feature === name);
    const g = got[name];
    if (g === undefined) {
      misses.push(`${label} ${name}: missing (expected ${e})`);
      continue;
    }
    if (dev) {
      // A documented stale reference: the reference must still say what we recorded, and we must match
      // the correct value instead. A change in either shows up here.
      if (!featureMatches(dev.reference, e, 1e-12))
        misses.push(`${label} ${name}: known deviation changed: reference now ${e}`);
      if (!featureMatches(dev.correct, g))
        misses.push(`${label} ${name}: got ${g}, documented correct value ${dev.correct}`);
      console.log(`  known deviation ${label} ${name}: reference ${e}, ours ${g} (${dev.evidence})`);
      continue;
    }
    if (!featureMatches(e, g))
      misses.push(`${label} ${name}: expected ${e}, got ${g}, rel ${Math.abs(g - e) / Math.abs(e)}`);
  }
  return misses;
}

for (const cls of CLASSES) {
  test(`PyRadiomics baseline_${cls}.csv, every supported configuration`, {
    skip: skipUnlessData("pyradiomics", "baseline"),
  }, () => {
    const columns = readBaseline(cls).filter((c) => CASES.includes(c.testCase) && c.config !== "resampling");
    assert.ok(columns.length > 0, "no baseline columns");
    const misses: string[] = [];
    let checked = 0;
    for (const col of columns) {
      const settings = { ...col.settings } as Record<string, unknown>;
      if (cls === "shape") settings.resegmentRange = null; // the PyRadiomics harness computes shape without re-segmentation
      const params = resolveParams({
        setting: settings,
        imageType: { Original: {} },
        featureClass: { [cls]: null },
      });
      const maskFile =
        col.config === "shape2D" ? `${col.testCase}_label_2D.nrrd` : `${col.testCase}_label.nrrd`;
      const [r] = extractFeatures(load(`${col.testCase}_image.nrrd`), load(maskFile), params);
      const expected = new Map<string, number>();
      for (const [k, v] of col.cells)
        if (k.startsWith(`original_${cls}_`) && v !== "") expected.set(k, Number(v));
      checked += expected.size;
      misses.push(...compare(col.column, expected, r!.features, `baseline_${cls}.csv:${col.column}`));
      // every active feature of the class is reported
      assert.equal(Object.keys(r!.features).length, expected.size, `${col.column}: feature count`);
    }
    for (const m of misses) console.log(`  MISS ${m}`);
    console.log(`  ${cls}: ${checked} baseline values in ${columns.length} columns, ${misses.length} misses`);
    assert.deepEqual(misses, []);
  });
}

const CURRENT = [
  { name: "brain1_default", image: "brain1_image.nrrd", mask: "brain1_label.nrrd", label: 1 },
  { name: "breast1_default", image: "breast1_image.nrrd", mask: "breast1_label.nrrd", label: 1 },
  ...[1, 7, 8, 9].map((l) => ({
    name: `prostate_label${l}_default`,
    image: "prostate_phantom_subvolume.nrrd",
    mask: "prostate_phantom_subvolume-label.nrrd",
    label: l,
  })),
];

for (const c of CURRENT) {
  test(`current PyRadiomics ${c.name}.csv`, {
    skip: skipUnlessData("pyradiomics", "current", `${c.name}.csv`),
  }, () => {
    const ref = readCurrent(c.name)!;
    const params = resolveParams({
      setting: { binWidth: 25, label: c.label },
      imageType: { Original: {} },
      featureClass: {
        shape: null,
        firstorder: null,
        glcm: null,
        glrlm: null,
        glszm: null,
        gldm: null,
        ngtdm: null,
      },
    });
    const [r] = extractFeatures(load(c.image), load(c.mask), params);
    const expected = new Map<string, number>();
    for (const [k, v] of ref) if (k.startsWith("original_")) expected.set(k, Number(v));
    const misses = compare(c.name, expected, r!.features, `current/${c.name}.csv`);
    for (const m of misses) console.log(`  MISS ${m}`);
    console.log(`  ${c.name}: ${expected.size} values, ${misses.length} misses`);
    assert.deepEqual(misses, []);
    assert.deepEqual(Object.keys(r!.features), [...expected.keys()], "feature order as PyRadiomics");
    // diagnostics that describe the ROI agree with PyRadiomics
    for (const k of [
      "diagnostics_Mask-original_VoxelNum",
      "diagnostics_Mask-original_VolumeNum",
      "diagnostics_Image-original_Hash",
      "diagnostics_Mask-original_Hash",
    ]) {
      assert.equal(String(r!.diagnostics[k]), ref.get(k), k);
    }
  });
}
