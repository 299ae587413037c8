/**
 * The extraction pipeline against every PyRadiomics baseline column we support (all configurations except
 * _resampling, which belongs to the resampling issue) and against the current PyRadiomics outputs.
 * Tolerance: relative 1e-6 (absolute 1e-9 where the reference is 0). Every miss is printed with both values.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveParams } from "../../src/extract/params.js";
import { extractFeatures } from "../../src/extract/pipeline.js";
import { skipUnlessData } from "../helpers/data.js";
import {
  CURRENT_CASES,
  caseFiles,
  caseImage,
  checkStaleValue,
  compareFeatures,
  featureValues,
  readBaseline,
  readCurrent,
  staleValueOf,
} from "../helpers/pyradiomics.js";

const CLASSES = ["firstorder", "shape", "shape2D", "glcm", "glrlm", "glszm", "gldm", "ngtdm"] as const;
const CASES = ["brain1", "breast1"];
/** The classes in current/*.csv, in PyRadiomics' output order. */
const CURRENT_CLASSES = ["shape", "firstorder", "glcm", "glrlm", "glszm", "gldm", "ngtdm"];

/**
 * Compares every expected value; a stale baseline value recorded in test/known-deviations/shape.json
 * (`baseline` = [class, column]) is checked as exactly that deviation instead.
 */
function compare(
  label: string,
  expected: Map<string, number>,
  got: Record<string, number>,
  baseline?: [string, string],
): string[] {
  const misses: string[] = [];
  const plain = new Map<string, number>();
  for (const [name, e] of expected) {
    const dev = baseline && staleValueOf(baseline[0], baseline[1], name);
    const g = got[name];
    if (dev && g !== undefined) misses.push(...checkStaleValue(label, dev, e, g, 1e-6));
    else plain.set(name, e);
  }
  misses.push(...compareFeatures(label, got, plain).misses);
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
      const [r] = extractFeatures(caseImage(`${col.testCase}_image.nrrd`)!, caseImage(maskFile)!, params);
      const expected = featureValues(col.cells, `original_${cls}_`, true);
      checked += expected.size;
      misses.push(...compare(col.column, expected, r!.features, [cls, col.column]));
      // every active feature of the class is reported
      assert.equal(Object.keys(r!.features).length, expected.size, `${col.column}: feature count`);
    }
    for (const m of misses) console.log(`  MISS ${m}`);
    console.log(`  ${cls}: ${checked} baseline values in ${columns.length} columns, ${misses.length} misses`);
    assert.deepEqual(misses, []);
  });
}

for (const c of CURRENT_CASES) {
  test(`current PyRadiomics ${c.name}.csv`, {
    skip: skipUnlessData("pyradiomics", "current", `${c.name}.csv`),
  }, () => {
    const ref = readCurrent(c.name)!;
    const params = resolveParams({
      setting: { binWidth: 25, label: c.label },
      imageType: { Original: {} },
      featureClass: Object.fromEntries(CURRENT_CLASSES.map((c) => [c, null])),
    });
    const files = caseFiles(c.testCase);
    const [r] = extractFeatures(caseImage(files.image)!, caseImage(files.mask)!, params);
    const expected = featureValues(ref, "original_", true);
    const misses = compare(c.name, expected, r!.features);
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
