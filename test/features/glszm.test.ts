import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  GLSZM_FEATURE_NAMES,
  IBSI_ZONE_AGGREGATIONS,
  glszmFeatures,
  glszmMatrix,
  ibsiGlszm,
} from "../../src/features/glszm.js";
import type { DiscretisedRoi } from "../../src/features/types.js";
import { InputError } from "../../src/errors.js";
import { skipUnlessData } from "../helpers/data.js";
import { CONFIG_A_ZONE_AGGREGATIONS, flatRoi, ibsiTextureTests, randomRoi } from "../helpers/ibsi.js";
import {
  TEXTURE_CASES,
  checkMatrixWithoutEmptyColumns,
  pyradiomicsCase,
  pyradiomicsFeatureTests,
  reportSpeed,
} from "../helpers/pyradiomics.js";

/** Zones by union-find over every pair of same-level neighbours (independent of the flood fill). */
function naiveGlszm(roi: DiscretisedRoi, outOfPlane: number /* -1, or axis 0..2 (x, y, z) to exclude */) {
  const [nx, ny, nz] = roi.size;
  const n = nx * ny * nz;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const L = roi.levels;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const p = x + nx * (y + ny * z);
        if (!L[p]) continue;
        for (let dz = -1; dz <= 1; dz++)
          for (let dy = -1; dy <= 1; dy++)
            for (let dx = -1; dx <= 1; dx++) {
              const d = [dx, dy, dz];
              if (outOfPlane >= 0 && d[outOfPlane] !== 0) continue;
              const X = x + dx;
              const Y = y + dy;
              const Z = z + dz;
              if (X < 0 || Y < 0 || Z < 0 || X >= nx || Y >= ny || Z >= nz) continue;
              const q = X + nx * (Y + ny * Z);
              if (L[q] === L[p]) parent[find(q)] = find(p);
            }
      }
  const sizes = new Map<number, number>();
  for (let p = 0; p < n; p++) if (L[p]) sizes.set(find(p), (sizes.get(find(p)) ?? 0) + 1);
  // zone (level, size) -> count
  const out = new Map<string, number>();
  for (const [root, s] of sizes) out.set(`${L[root]}:${s}`, (out.get(`${L[root]}:${s}`) ?? 0) + 1);
  return out;
}

function asZoneMap(m: ReturnType<typeof glszmMatrix>) {
  const out = new Map<string, number>();
  const cols = m.maxZoneSize;
  for (let i = 0; i < m.greyLevels.length; i++)
    for (let s = 0; s < cols; s++) {
      const v = m.counts[i * cols + s]!;
      if (v) out.set(`${m.greyLevels[i]}:${s + 1}`, v);
    }
  return out;
}

describe("GLSZM", () => {
  it("finds the zones a union-find finds (26- and 8-connected, grid border, 2D)", () => {
    const cases: Array<[DiscretisedRoi, Parameters<typeof glszmMatrix>[1], number]> = [
      [randomRoi([8, 7, 6], 3, 0.7, 31), {}, -1],
      [randomRoi([8, 7, 6], 2, 1, 32), {}, -1],
      [randomRoi([9, 9, 1], 3, 0.8, 33), {}, -1],
      [randomRoi([7, 8, 6], 3, 0.7, 34), { force2D: true, force2Ddimension: 0 }, 2],
      [randomRoi([7, 8, 6], 3, 0.7, 35), { force2D: true, force2Ddimension: 2 }, 0],
    ];
    for (const [roi, s, oop] of cases) assert.deepEqual(asZoneMap(glszmMatrix(roi, s)), naiveGlszm(roi, oop));
  });

  for (const c of TEXTURE_CASES) {
    it(`matrix equals PyRadiomics' ${c}_glszm.npy`, {
      skip: skipUnlessData("pyradiomics", "baseline", `${c}_glszm.npy`),
    }, (t) => {
      // PyRadiomics deletes the zone-size columns that are empty
      const m = glszmMatrix(pyradiomicsCase(c)!);
      checkMatrixWithoutEmptyColumns(t, c, "glszm", m.counts, m.greyLevels.length, m.maxZoneSize);
    });
  }

  pyradiomicsFeatureTests("glszm", glszmFeatures, GLSZM_FEATURE_NAMES, {
    configs: "default, 2d, FBN, flatRegion",
    columns: 8,
    features: 16,
  });

  ibsiTextureTests(
    "GLSZM",
    "szm_",
    { aggregations: IBSI_ZONE_AGGREGATIONS, count: 48 },
    { aggregations: CONFIG_A_ZONE_AGGREGATIONS, count: 32 },
    (roi, aggregation) => ibsiGlszm(roi, { aggregation }),
  );

  it("handles a single voxel, a flat ROI and a one-slice grid", () => {
    const one: DiscretisedRoi = { size: [1, 1, 1], spacing: [1, 1, 1], levels: Int32Array.of(3), nLevels: 3 };
    const f1 = glszmFeatures(one);
    // one zone of one voxel at level 3
    assert.equal(f1.SmallAreaEmphasis, 1);
    assert.equal(f1.ZonePercentage, 1);
    assert.equal(f1.ZoneVariance, 0);
    assert.equal(f1.LowGrayLevelZoneEmphasis, 1 / 9);
    assert.equal(f1.HighGrayLevelZoneEmphasis, 9);
    // flat 3x3x3 block: one zone of 27 voxels
    const flat = flatRoi([3, 3, 3], 1);
    const f = glszmFeatures(flat);
    assert.equal(f.LargeAreaEmphasis, 27 * 27);
    assert.equal(f.ZonePercentage, 1 / 27);
    assert.equal(f.GrayLevelNonUniformity, 1);
    const roi = randomRoi([10, 9, 1], 4, 0.8, 36);
    assert.deepEqual(glszmFeatures(roi), glszmFeatures(roi, { force2D: true }));
    assert.throws(() => ibsiGlszm(roi, { aggregation: "2D_avg" as never }), InputError);
  });

  it("is fast on brain1", { skip: skipUnlessData("pyradiomics", "brain1_image.nrrd") }, (t) => {
    const roi = pyradiomicsCase("brain1")!;
    reportSpeed(t, "glszmFeatures brain1", () => glszmFeatures(roi));
  });
});
