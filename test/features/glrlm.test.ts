import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pyradiomicsAngles } from "../../src/features/directions.js";
import { IBSI_MATRIX_AGGREGATIONS } from "../../src/features/glcm.js";
import { GLRLM_FEATURE_NAMES, glrlmFeatures, glrlmMatrices, ibsiGlrlm } from "../../src/features/glrlm.js";
import type { DiscretisedRoi } from "../../src/features/types.js";
import { InputError } from "../../src/errors.js";
import { skipUnlessData } from "../helpers/data.js";
import { CONFIG_A_MATRIX_AGGREGATIONS, flatRoi, ibsiTextureTests, randomRoi } from "../helpers/ibsi.js";
import {
  TEXTURE_CASES,
  checkMatrixWithoutEmptyColumns,
  pyradiomicsCase,
  pyradiomicsFeatureTests,
  reportSpeed,
} from "../helpers/pyradiomics.js";

/**
 * Runs found from their first voxel: a ROI voxel starts a run along a when the voxel before it is not a
 * ROI voxel of the same level; the run extends while the next voxel is.
 */
function naiveGlrlm(roi: DiscretisedRoi, angles: Int32Array) {
  const [nx, ny, nz] = roi.size;
  const present = [...new Set(roi.levels)].filter((v) => v > 0).sort((a, b) => a - b);
  const row = new Map(present.map((v, i) => [v, i]));
  const n = present.length;
  const Nr = Math.max(nx, ny, nz);
  const na = angles.length / 3;
  const c = new Float64Array(na * n * Nr);
  const at = (x: number, y: number, z: number) =>
    x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz ? 0 : roi.levels[x + nx * (y + ny * z)]!;
  for (let a = 0; a < na; a++) {
    const [dx, dy, dz] = [angles[3 * a]!, angles[3 * a + 1]!, angles[3 * a + 2]!];
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          const v = at(x, y, z);
          if (!v || at(x - dx, y - dy, z - dz) === v) continue;
          let len = 1;
          while (at(x + len * dx, y + len * dy, z + len * dz) === v) len++;
          c[a * n * Nr + row.get(v)! * Nr + len - 1]++;
        }
  }
  return c;
}

describe("GLRLM", () => {
  it("counts runs like a naive run search (holes, grid border, 2D, force2D)", () => {
    const cases: Array<[DiscretisedRoi, Parameters<typeof glrlmMatrices>[1]]> = [
      [randomRoi([7, 6, 5], 3, 0.8, 21), {}],
      [randomRoi([8, 5, 4], 2, 1, 22), {}], // fills the grid: runs end at every border
      [randomRoi([9, 8, 1], 3, 0.8, 23), {}], // 2D input
      [randomRoi([6, 7, 5], 3, 0.8, 24), { force2D: true, force2Ddimension: 2 }],
    ];
    for (const [roi, s] of cases) {
      const m = glrlmMatrices(roi, s);
      const angles = pyradiomicsAngles(roi.size, [1], s?.force2D ?? false, s?.force2Ddimension ?? 0);
      assert.deepEqual([...m.angles], [...angles]);
      assert.deepEqual([...m.counts], [...naiveGlrlm(roi, angles)]);
    }
  });

  it("empties angles along which the ROI is one voxel thick (PyRadiomics multiElement)", () => {
    // two voxels on the (1,1,1) diagonal of a 2x2x2 grid: only angle (z,y,x) = (1,1,1) sees two voxels
    const levels = new Int32Array(8);
    levels[0] = 2;
    levels[7] = 2;
    const m = glrlmMatrices({ size: [2, 2, 2], spacing: [1, 1, 1], levels, nLevels: 2 });
    assert.equal(m.nAngles, 13);
    const per = m.greyLevels.length * m.maxRunLength;
    for (let a = 0; a < 13; a++) {
      const sum = m.counts.subarray(a * per, (a + 1) * per).reduce((s, v) => s + v, 0);
      assert.equal(sum, a === 0 ? 1 : 0, `angle ${a}`);
    }
    assert.equal(m.counts[1], 1); // one run of length 2
    assert.equal(
      glrlmFeatures({ size: [2, 2, 2], spacing: [1, 1, 1], levels, nLevels: 2 }).RunPercentage,
      0.5,
    );
  });

  for (const c of TEXTURE_CASES) {
    it(`matrices equal PyRadiomics' ${c}_glrlm.npy`, {
      skip: skipUnlessData("pyradiomics", "baseline", `${c}_glrlm.npy`),
    }, (t) => {
      // PyRadiomics deletes the run-length columns that are empty for every angle
      const m = glrlmMatrices(pyradiomicsCase(c)!);
      checkMatrixWithoutEmptyColumns(t, c, "glrlm", m.counts, m.greyLevels.length, m.maxRunLength, m.nAngles);
    });
  }

  pyradiomicsFeatureTests("glrlm", glrlmFeatures, GLRLM_FEATURE_NAMES, {
    configs: "default, 2d, FBN, combined, flatRegion",
    columns: 10,
    features: 16,
  });

  ibsiTextureTests(
    "GLRLM",
    "rlm_",
    { aggregations: IBSI_MATRIX_AGGREGATIONS, count: 96 },
    { aggregations: CONFIG_A_MATRIX_AGGREGATIONS, count: 64 },
    (roi, aggregation) => ibsiGlrlm(roi, { aggregation }),
  );

  it("handles a single voxel, a flat ROI and a one-slice grid", () => {
    const one: DiscretisedRoi = { size: [1, 1, 1], spacing: [1, 1, 1], levels: Int32Array.of(2), nLevels: 2 };
    for (const v of Object.values(glrlmFeatures(one))) assert.ok(Number.isNaN(v));
    // flat 4x3x2 block: runs of the full line length along each angle
    const flat = flatRoi([4, 3, 2], 1);
    const f = glrlmFeatures(flat);
    assert.equal(f.GrayLevelNonUniformityNormalized, 1);
    assert.equal(f.GrayLevelVariance, 0);
    assert.equal(f.LowGrayLevelRunEmphasis, 1);
    // x-direction alone (angle (0,0,1) in PyRadiomics order is the last): 6 runs of length 4
    const m = glrlmMatrices(flat);
    assert.equal(m.counts[12 * m.maxRunLength + 3], 6);
    const roi = randomRoi([10, 9, 1], 4, 0.8, 25);
    assert.deepEqual(glrlmFeatures(roi), glrlmFeatures(roi, { force2D: true }));
    assert.throws(() => glrlmFeatures(roi, { weightingNorm: "l3" as never }), InputError);
    assert.throws(() => ibsiGlrlm(roi, { aggregation: "2D" as never }), InputError);
  });

  it("is fast on brain1", { skip: skipUnlessData("pyradiomics", "brain1_image.nrrd") }, (t) => {
    const roi = pyradiomicsCase("brain1")!;
    reportSpeed(t, "glrlmFeatures brain1", () => glrlmFeatures(roi));
  });
});
