import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { InputError } from "../../src/errors.js";
import { parseParams } from "../../src/extract/paramFile.js";
import { DEFAULT_SETTINGS, resolveParams, unsupportedSettings } from "../../src/extract/params.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";

test("every PyRadiomics example parameter file parses unchanged", {
  skip: skipUnlessData("pyradiomics", "params"),
}, () => {
  const dir = dataPath("pyradiomics", "params")!;
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "paramSchema.yaml");
  assert.ok(files.length >= 8);
  for (const f of files) {
    const p = parseParams(readFileSync(join(dir, f), "utf8"), f);
    assert.ok(Object.keys(p.imageTypes).length > 0, f);
    assert.ok(Object.keys(p.features).length > 0, f);
  }
  const ct = parseParams(readFileSync(join(dir, "exampleCT.yaml"), "utf8"));
  assert.equal(ct.settings.voxelArrayShift, 1000);
  assert.equal(ct.settings.padDistance, 10);
  assert.deepEqual(ct.imageTypes.LoG?.filter.sigma, [1, 2, 3, 4, 5]);
  // glcm lists every feature but SumAverage
  assert.ok(!ct.features.glcm!.includes("SumAverage"));
  assert.equal(ct.features.glcm!.length, 22);
  assert.deepEqual(unsupportedSettings(ct), [
    "resampling (resampledPixelSpacing [1,1,1]) is not supported yet",
    'image type "LoG" is not supported yet (supported: Original)',
    'image type "Wavelet" is not supported yet (supported: Original)',
  ]);
  const voxel = parseParams(readFileSync(join(dir, "exampleVoxel.yaml"), "utf8"));
  assert.ok(Number.isNaN(voxel.voxelSetting!.initValue!), "PyYAML's `nan` string reads as NaN");
  const shape = parseParams(readFileSync(join(dir, "example_allShape.yaml"), "utf8"));
  assert.ok(
    shape.features.shape!.includes("Compactness1"),
    "deprecated features named explicitly are enabled",
  );
});

test("PyRadiomics defaults", () => {
  const p = resolveParams({});
  assert.equal(p.settings.binWidth, 25);
  assert.equal(p.settings.label, 1);
  assert.equal(p.settings.minimumROIDimensions, 2);
  assert.deepEqual(p.settings.distances, [1]);
  assert.equal(p.settings.symmetricalGLCM, true);
  assert.deepEqual(Object.keys(p.imageTypes), ["Original"]);
  // all classes but shape2D, only active features
  assert.deepEqual(Object.keys(p.features).sort(), [
    "firstorder",
    "glcm",
    "gldm",
    "glrlm",
    "glszm",
    "ngtdm",
    "shape",
  ]);
  assert.ok(!p.features.glcm!.includes("Dissimilarity"));
  // `key:` with no value is None: restores the default
  const q = resolveParams({ setting: { binWidth: null, interpolator: null, weightingNorm: null } });
  assert.equal(q.settings.binWidth, DEFAULT_SETTINGS.binWidth);
  assert.equal(q.settings.weightingNorm, null);
  // image-type settings override the global ones
  const r = resolveParams({ setting: { binWidth: 10 }, imageType: { Original: { binWidth: 5 } } });
  assert.equal(r.settings.binWidth, 10);
  assert.equal(r.imageTypes.Original!.binWidth, 5);
});

test("unknown keys and wrong types are rejected with the key and what is allowed", () => {
  const bad: Array<[string, RegExp]> = [
    ["setting:\n  binwidth: 5\n", /unknown key "binwidth" in setting \(allowed: .*binWidth/],
    [
      "settings:\n  binWidth: 5\n",
      /unknown key "settings" \(allowed: setting, imageType, featureClass, voxelSetting, embed\)/,
    ],
    ["setting:\n  binWidth: 0\n", /"setting.binWidth": expected a number > 0, got 0/],
    ["setting:\n  binCount: 2.5\n", /"setting.binCount": expected an integer > 0, got 2.5/],
    ["setting:\n  force2D: yes please\n", /"setting.force2D": expected true or false/],
    ["setting:\n  distances: 1\n", /"setting.distances": expected a list of integers > 0/],
    [
      "setting:\n  resegmentRange: [1, 2, 3]\n",
      /"setting.resegmentRange": expected a list of numbers \(at least 1\) \(at most 2\)/,
    ],
    [
      "setting:\n  resegmentMode: percent\n",
      /"setting.resegmentMode": expected one of "absolute", "relative", "sigma"/,
    ],
    [
      "setting:\n  weightingNorm: l2\n",
      /expected one of "manhattan", "euclidean", "infinity", "no_weighting"/,
    ],
    [
      "setting:\n  interpolator: cubic\n",
      /"setting.interpolator": expected one of sitkNearestNeighbor, .* or an integer 0-9/,
    ],
    ["imageType:\n  Gabor: {}\n", /unknown image type "Gabor" in imageType \(allowed: Original, LoG/],
    ["imageType:\n  LoG:\n    sigmas: [1]\n", /unknown key "sigmas" in imageType.LoG/],
    ["featureClass:\n  texture:\n", /unknown feature class "texture" in featureClass \(allowed: firstorder/],
    [
      "featureClass:\n  glcm: [Contrast, Entropy]\n",
      /unknown feature "Entropy" in featureClass.glcm \(allowed: .*JointEntropy/,
    ],
    ["- a\n- b\n", /must be a mapping/],
    ["setting: [\n", /not valid YAML/],
  ];
  for (const [text, re] of bad) {
    assert.throws(
      () => parseParams(text, "p.yaml"),
      (e: unknown) => e instanceof InputError && re.test(e.message) && e.message.startsWith("p.yaml: "),
      text,
    );
  }
});
