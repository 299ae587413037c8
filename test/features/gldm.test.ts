import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GLDM_FEATURE_NAMES, gldmFeatures, gldmMatrix } from "../../src/features/gldm.js";
import type { DiscretisedRoi } from "../../src/features/types.js";
import { InputError } from "../../src/errors.js";
import { skipUnlessData } from "../helpers/data.js";
import { flatRoi, naiveNeighbourLevels, randomRoi } from "../helpers/ibsi.js";
import {
  TEXTURE_CASES,
  checkMatrixWithoutEmptyColumns,
  pyradiomicsCase,
  pyradiomicsFeatureTests,
  reportSpeed,
} from "../helpers/pyradiomics.js";

/** Dependence of every ROI voxel by looping over the Chebyshev shells (level -> dependence -> count). */
function naiveGldm(roi: DiscretisedRoi, distances: number[], alpha: number, outOfPlane: number) {
  const out = new Map<string, number>();
  naiveNeighbourLevels(roi, distances, outOfPlane, (v, neighbours) => {
    const dep = neighbours.filter((w) => w && Math.abs(v - w) <= alpha).length;
    out.set(`${v}:${dep}`, (out.get(`${v}:${dep}`) ?? 0) + 1);
  });
  return out;
}

function asMap(m: ReturnType<typeof gldmMatrix>) {
  const out = new Map<string, number>();
  const cols = m.nOffsets + 1;
  for (let i = 0; i < m.greyLevels.length; i++)
    for (let d = 0; d < cols; d++)
      if (m.counts[i * cols + d]) out.set(`${m.greyLevels[i]}:${d}`, m.counts[i * cols + d]!);
  return out;
}

describe("GLDM", () => {
  it("counts dependences like a naive neighbourhood scan (alpha, distances, border, 2D)", () => {
    const cases: Array<[DiscretisedRoi, Parameters<typeof gldmMatrix>[1], number]> = [
      [randomRoi([7, 6, 5], 4, 0.7, 41), {}, -1],
      [randomRoi([7, 6, 5], 4, 1, 42), { gldm_a: 1 }, -1],
      [randomRoi([9, 8, 1], 3, 0.8, 43), {}, -1],
      [randomRoi([6, 6, 6], 5, 0.7, 44), { distances: [1, 2], gldm_a: 2 }, -1],
      [randomRoi([6, 7, 5], 3, 0.8, 45), { force2D: true, force2Ddimension: 1 }, 1],
    ];
    for (const [roi, s, oop] of cases)
      assert.deepEqual(asMap(gldmMatrix(roi, s)), naiveGldm(roi, s?.distances ?? [1], s?.gldm_a ?? 0, oop));
  });

  for (const c of TEXTURE_CASES) {
    it(`matrix equals PyRadiomics' ${c}_gldm.npy`, {
      skip: skipUnlessData("pyradiomics", "baseline", `${c}_gldm.npy`),
    }, (t) => {
      // PyRadiomics deletes the dependence columns that are empty
      const m = gldmMatrix(pyradiomicsCase(c)!);
      checkMatrixWithoutEmptyColumns(t, c, "gldm", m.counts, m.greyLevels.length, m.nOffsets + 1);
    });
  }

  pyradiomicsFeatureTests("gldm", gldmFeatures, GLDM_FEATURE_NAMES, {
    configs: "default, 2d, FBN, flatRegion",
    columns: 8,
    features: 14,
  });

  it("handles a single voxel, a flat ROI and a one-slice grid", () => {
    const one: DiscretisedRoi = { size: [1, 1, 1], spacing: [1, 1, 1], levels: Int32Array.of(2), nLevels: 2 };
    const f1 = gldmFeatures(one);
    assert.equal(f1.SmallDependenceEmphasis, 1); // dependence 0 -> j = 1
    assert.equal(f1.DependenceVariance, 0);
    assert.equal(f1.HighGrayLevelEmphasis, 4);
    // flat 3x3x3 block: the centre voxel has 26 dependent neighbours
    const flat = flatRoi([3, 3, 3], 1);
    const m = gldmMatrix(flat);
    assert.equal(m.counts[26], 1);
    assert.equal(m.counts[7], 8); // corners: 7 neighbours
    const d = gldmFeatures(flat, {}, { includeDeprecated: true });
    assert.equal(d.GrayLevelNonUniformityNormalized, 1);
    assert.equal(d.DependencePercentage, 1);
    const roi = randomRoi([10, 9, 1], 4, 0.8, 46);
    assert.deepEqual(gldmFeatures(roi), gldmFeatures(roi, { force2D: true }));
    assert.throws(() => gldmFeatures(roi, { gldm_a: -1 }), InputError);
  });

  it("is fast on brain1", { skip: skipUnlessData("pyradiomics", "brain1_image.nrrd") }, (t) => {
    const roi = pyradiomicsCase("brain1")!;
    reportSpeed(t, "gldmFeatures brain1", () => gldmFeatures(roi));
  });
});
