import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IBSI_ZONE_AGGREGATIONS } from "../../src/features/glszm.js";
import { NGTDM_FEATURE_NAMES, ibsiNgtdm, ngtdmFeatures, ngtdmMatrix } from "../../src/features/ngtdm.js";
import type { DiscretisedRoi } from "../../src/features/types.js";
import { InputError } from "../../src/errors.js";
import { skipUnlessData } from "../helpers/data.js";
import {
  CONFIG_A_ZONE_AGGREGATIONS,
  flatRoi,
  ibsiTextureTests,
  naiveNeighbourLevels,
  randomRoi,
} from "../helpers/ibsi.js";
import {
  TEXTURE_CASES,
  assertMatrixDiff,
  baselineMatrix,
  pyradiomicsCase,
  pyradiomicsFeatureTests,
  reportSpeed,
} from "../helpers/pyradiomics.js";

/** n_i and s_i by scanning each voxel's Chebyshev shells with explicit bounds checks. */
function naiveNgtdm(roi: DiscretisedRoi, distances: number[], outOfPlane: number) {
  const n = new Map<number, number>();
  const s = new Map<number, number>();
  naiveNeighbourLevels(roi, distances, outOfPlane, (v, neighbours) => {
    const inRoi = neighbours.filter((w) => w > 0);
    const sum = inRoi.reduce((a, w) => a + w, 0);
    n.set(v, (n.get(v) ?? 0) + 1);
    s.set(v, (s.get(v) ?? 0) + (inRoi.length ? Math.abs(v - sum / inRoi.length) : 0));
  });
  return { n, s };
}

describe("NGTDM", () => {
  it("sums neighbourhood differences like a naive scan (distances, border, 2D)", () => {
    const cases: Array<[DiscretisedRoi, Parameters<typeof ngtdmMatrix>[1], number]> = [
      [randomRoi([7, 6, 5], 5, 0.7, 51), {}, -1],
      [randomRoi([7, 6, 5], 5, 1, 52), {}, -1],
      [randomRoi([9, 8, 1], 4, 0.8, 53), {}, -1],
      [randomRoi([6, 6, 6], 5, 0.6, 54), { distances: [2] }, -1],
      [randomRoi([6, 7, 5], 3, 0.8, 55), { force2D: true, force2Ddimension: 0 }, 2],
    ];
    for (const [roi, st, oop] of cases) {
      const m = ngtdmMatrix(roi, st);
      const ref = naiveNgtdm(roi, st?.distances ?? [1], oop);
      assert.deepEqual(
        [...m.greyLevels],
        [...ref.n.keys()].sort((a, b) => a - b),
      );
      for (let r = 0; r < m.greyLevels.length; r++) {
        assert.equal(m.n[r], ref.n.get(m.greyLevels[r]!));
        assert.ok(Math.abs(m.s[r]! - ref.s.get(m.greyLevels[r]!)!) < 1e-9);
      }
    }
  });

  for (const c of TEXTURE_CASES) {
    it(`matrix equals PyRadiomics' ${c}_ngtdm.npy`, {
      skip: skipUnlessData("pyradiomics", "baseline", `${c}_ngtdm.npy`),
    }, (t) => {
      const m = ngtdmMatrix(pyradiomicsCase(c)!);
      const exp = baselineMatrix(c, "ngtdm");
      const k = m.greyLevels.length;
      assert.deepEqual(exp.shape, [k, 3]);
      let maxDiff = 0;
      for (let r = 0; r < k; r++) {
        maxDiff = Math.max(
          maxDiff,
          Math.abs(m.n[r]! - exp.data[3 * r]!),
          Math.abs(m.s[r]! - exp.data[3 * r + 1]!),
          Math.abs(m.greyLevels[r]! - exp.data[3 * r + 2]!),
        );
      }
      assertMatrixDiff(t, c, "ngtdm", exp, maxDiff);
    });
  }

  pyradiomicsFeatureTests("ngtdm", ngtdmFeatures, NGTDM_FEATURE_NAMES, {
    configs: "default, 2d, FBN, flatRegion",
    columns: 8,
    features: 5,
  });

  ibsiTextureTests(
    "NGTDM",
    "ngt_",
    { aggregations: IBSI_ZONE_AGGREGATIONS, count: 15 },
    { aggregations: CONFIG_A_ZONE_AGGREGATIONS, count: 10 },
    (roi, aggregation) => ibsiNgtdm(roi, { aggregation, distance: 1 }),
  );

  it("handles a single voxel, isolated voxels, a flat ROI and a one-slice grid", () => {
    // PyRadiomics counts a voxel without neighbours (n = 1, s = 0): coarseness 1e6, the rest 0
    const one: DiscretisedRoi = { size: [1, 1, 1], spacing: [1, 1, 1], levels: Int32Array.of(2), nLevels: 2 };
    assert.deepEqual(ngtdmFeatures(one), {
      Coarseness: 1e6,
      Contrast: 0,
      Busyness: 0,
      Complexity: 0,
      Strength: 0,
    });
    // IBSI leaves voxels without neighbours out: nothing is left
    const apart: DiscretisedRoi = {
      size: [3, 1, 1],
      spacing: [1, 1, 1],
      levels: Int32Array.of(1, 0, 2),
      nLevels: 2,
    };
    assert.equal(
      ngtdmMatrix(apart).n.reduce((a, b) => a + b, 0),
      2,
    );
    assert.ok(Number.isNaN(ibsiNgtdm(apart, { aggregation: "3D" }).ngt_coarseness_3D));
    const flat = flatRoi([3, 3, 3], 4);
    assert.deepEqual(ngtdmFeatures(flat), {
      Coarseness: 1e6,
      Contrast: 0,
      Busyness: 0,
      Complexity: 0,
      Strength: 0,
    });
    const roi = randomRoi([10, 9, 1], 4, 0.8, 56);
    assert.deepEqual(ngtdmFeatures(roi), ngtdmFeatures(roi, { force2D: true }));
    assert.throws(() => ibsiNgtdm(roi, { aggregation: "3D_comb" as never }), InputError);
  });

  it("is fast on brain1", { skip: skipUnlessData("pyradiomics", "brain1_image.nrrd") }, (t) => {
    const roi = pyradiomicsCase("brain1")!;
    reportSpeed(t, "ngtdmFeatures brain1", () => ngtdmFeatures(roi));
  });
});
