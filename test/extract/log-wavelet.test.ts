/**
 * Acceptance (#8): PyRadiomics' LoG (sigma 1, 2, 3 mm) and Wavelet (coif1, level 1) image types against
 * current/<case>_log_wavelet.csv (PyRadiomics 3.1.1.dev111 with params/log_wavelet.yaml): every feature
 * name identical and in the same order, every value within relative 1e-6 (absolute 1e-9 at 0).
 * Run through the extraction pipeline with PyRadiomics' own parameter file, as `extract --params` does.
 * PyRadiomics computes shape on the Original image only; the derived images get the other six classes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { extractFeatures } from "../../src/extract/pipeline.js";
import { readFileSync } from "node:fs";
import { parseParams } from "../../src/extract/paramFile.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";
import { caseFiles, caseImage, readCurrent } from "../helpers/pyradiomics.js";

/** The whole pipeline driven by PyRadiomics' own parameter file (current/params/log_wavelet.yaml). */
function featuresFor(testCase: string): Map<string, number> {
  const files = caseFiles(testCase);
  const params = parseParams(
    readFileSync(dataPath("pyradiomics", "current", "params", "log_wavelet.yaml")!, "utf8"),
  );
  const r = extractFeatures(caseImage(files.image)!, caseImage(files.mask)!, params)[0]!;
  return new Map(Object.entries(r.features));
}

for (const testCase of ["brain1", "breast1"]) {
  test(`${testCase}: LoG 1/2/3 mm + wavelet coif1 equal current PyRadiomics (names, order, 1e-6)`, {
    skip: skipUnlessData("pyradiomics", "current", `${testCase}_log_wavelet.csv`),
  }, () => {
    const ref = readCurrent(`${testCase}_log_wavelet`)!;
    const expected = [...ref].filter(([k]) => !k.startsWith("diagnostics_"));
    const got = featuresFor(testCase);
    assert.ok(expected.length > 1100, `reference has ${expected.length} features`);
    assert.deepEqual(
      [...got.keys()],
      expected.map(([k]) => k),
      "feature names and order",
    );
    const misses: string[] = [];
    let worst = 0;
    for (const [name, cell] of expected) {
      const e = Number(cell);
      const g = got.get(name)!;
      const ok = e === 0 ? Math.abs(g) <= 1e-9 : Math.abs(g - e) <= 1e-6 * Math.abs(e);
      if (e !== 0) worst = Math.max(worst, Math.abs(g - e) / Math.abs(e));
      if (!ok) misses.push(`${name}: got ${g}, PyRadiomics ${e}`);
    }
    assert.deepEqual(misses, [], misses.join("\n"));
    process.stderr.write(
      `${testCase}: ${expected.length} features, max relative difference ${worst.toExponential(2)}\n`,
    );
  });
}
