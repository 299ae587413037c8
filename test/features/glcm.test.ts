import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ibsiDirections, pyradiomicsAngles } from "../../src/features/directions.js";
import {
  GLCM_FEATURE_NAMES,
  IBSI_MATRIX_AGGREGATIONS,
  glcmFeatures,
  glcmMatrices,
  ibsiGlcm,
} from "../../src/features/glcm.js";
import { symmetricEigenvalues } from "../../src/features/texture-util.js";
import type { DiscretisedRoi } from "../../src/features/types.js";
import { EmptyRoiError, InputError } from "../../src/errors.js";
import { skipUnlessData } from "../helpers/data.js";
import { CONFIG_A_MATRIX_AGGREGATIONS, flatRoi, ibsiTextureTests, randomRoi } from "../helpers/ibsi.js";
import {
  TEXTURE_CASES,
  assertMatrixDiff,
  baselineMatrix,
  pyradiomicsCase,
  pyradiomicsFeatureTests,
  reportSpeed,
} from "../helpers/pyradiomics.js";

/** Straightforward co-occurrence count with explicit bounds checks (independent of the padded-grid code). */
function naiveGlcm(roi: DiscretisedRoi, angles: Int32Array, symmetric: boolean) {
  const [nx, ny, nz] = roi.size;
  const present = [...new Set(roi.levels)].filter((v) => v > 0).sort((a, b) => a - b);
  const row = new Map(present.map((v, i) => [v, i]));
  const n = present.length;
  const na = angles.length / 3;
  const c = new Float64Array(na * n * n);
  const at = (x: number, y: number, z: number) =>
    x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz ? 0 : roi.levels[x + nx * (y + ny * z)]!;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const v = at(x, y, z);
        if (!v) continue;
        for (let a = 0; a < na; a++) {
          const w = at(x + angles[3 * a]!, y + angles[3 * a + 1]!, z + angles[3 * a + 2]!);
          if (!w) continue;
          c[a * n * n + row.get(v)! * n + row.get(w)!]++;
          if (symmetric) c[a * n * n + row.get(w)! * n + row.get(v)!]++;
        }
      }
  return c;
}

describe("GLCM", () => {
  it("generates PyRadiomics' angles in generate_angles order", () => {
    // PyRadiomics enumerates (z, y, x) offsets from +d to -d, z slowest, keeping the first half
    const expected: number[] = [];
    for (let z = 1; z >= -1; z--)
      for (let y = 1; y >= -1; y--)
        for (let x = 1; x >= -1; x--) if (expected.length < 39 && (x || y || z)) expected.push(x, y, z);
    assert.deepEqual([...pyradiomicsAngles([10, 10, 10], [1])], expected);
    // force2D (z out of plane): the 4 in-plane angles; a one-slice grid gives the same 4
    const inPlane = [1, 1, 0, 0, 1, 0, -1, 1, 0, 1, 0, 0];
    assert.deepEqual([...pyradiomicsAngles([10, 10, 10], [1], true, 0)], inPlane);
    assert.deepEqual([...pyradiomicsAngles([10, 10, 1], [1])], inPlane);
    // bidirectional: 26 neighbours, second half mirrors the first
    const bi = pyradiomicsAngles([10, 10, 10], [1], false, 0, true);
    assert.equal(bi.length / 3, 26);
    for (let a = 0; a < 13; a++)
      for (let d = 0; d < 3; d++) assert.equal(bi[3 * (25 - a) + d]! + bi[3 * a + d]!, 0);
    // distances [1, 2]: (5^3 - 3^3) / 2 + (3^3 - 1) / 2 angles; offsets larger than the grid are not generated
    assert.equal(pyradiomicsAngles([10, 10, 10], [1, 2]).length / 3, 62);
    assert.equal(pyradiomicsAngles([10, 10, 2], [2]).length / 3, (25 * 3 - 9 * 3) / 2);
    assert.equal(pyradiomicsAngles([1, 1, 1], [1]).length, 0);
    assert.throws(() => pyradiomicsAngles([5, 5, 5], [0]), InputError);
    // IBSI: the unit directions scaled by the distance (13 in 3D, 4 in 2D), not the whole Chebyshev shell
    assert.deepEqual(
      [...ibsiDirections(false, 3)],
      expected.map((v) => 3 * v),
    );
    assert.deepEqual(
      [...ibsiDirections(true, 2)],
      inPlane.map((v) => 2 * v),
    );
  });

  it("counts co-occurrences like a naive count (holes, grid border, 2D, distances, asymmetric)", () => {
    const cases: Array<[DiscretisedRoi, Parameters<typeof glcmMatrices>[1]]> = [
      [randomRoi([7, 6, 5], 5, 0.7, 1), {}],
      [randomRoi([7, 6, 5], 5, 1, 2), {}], // ROI fills the grid: touches every border
      [randomRoi([9, 8, 1], 4, 0.8, 3), {}], // 2D input
      [randomRoi([6, 6, 6], 6, 0.6, 4), { distances: [1, 2] }],
      [randomRoi([6, 7, 5], 4, 0.8, 5), { symmetricalGLCM: false }],
      [randomRoi([6, 7, 5], 4, 0.8, 6), { force2D: true, force2Ddimension: 1 }],
    ];
    for (const [roi, s] of cases) {
      const m = glcmMatrices(roi, s);
      const angles = pyradiomicsAngles(
        roi.size,
        s?.distances ?? [1],
        s?.force2D ?? false,
        s?.force2Ddimension ?? 0,
      );
      assert.deepEqual([...m.angles], [...angles]);
      assert.deepEqual([...m.counts], [...naiveGlcm(roi, angles, s?.symmetricalGLCM ?? true)]);
    }
  });

  for (const c of TEXTURE_CASES) {
    it(`matrices equal PyRadiomics' ${c}_glcm.npy`, {
      skip: skipUnlessData("pyradiomics", "baseline", `${c}_glcm.npy`),
    }, (t) => {
      const roi = pyradiomicsCase(c)!;
      const m = glcmMatrices(roi);
      const exp = baselineMatrix(c, "glcm");
      const n = m.greyLevels.length;
      assert.deepEqual(exp.shape, [n, n, m.nAngles]);
      let maxDiff = 0;
      for (let a = 0; a < m.nAngles; a++) {
        let sum = 0;
        for (let q = 0; q < n * n; q++) sum += m.counts[a * n * n + q]!;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            const d = Math.abs(
              m.counts[a * n * n + i * n + j]! / sum - exp.data[(i * n + j) * m.nAngles + a]!,
            );
            maxDiff = Math.max(maxDiff, d);
          }
      }
      assertMatrixDiff(t, c, "glcm", exp, maxDiff);
    });
  }

  pyradiomicsFeatureTests("glcm", glcmFeatures, GLCM_FEATURE_NAMES, {
    configs: "default, 2d, FBN, combined, flatRegion",
    columns: 10,
    features: 24,
  });

  ibsiTextureTests(
    "GLCM",
    "cm_",
    { aggregations: IBSI_MATRIX_AGGREGATIONS, count: 150 },
    { aggregations: CONFIG_A_MATRIX_AGGREGATIONS, count: 100 },
    (roi, aggregation) => ibsiGlcm(roi, { aggregation, distance: 1 }),
  );

  it("computes symmetric eigenvalues (used by MCC)", () => {
    // A = H diag(lambda) H with H a Householder reflection: eigenvalues known exactly
    const n = 12;
    const lambda = Array.from({ length: n }, (_, i) => ((i * 7) % 5 === 0 ? 0 : ((i * 37) % 11) - 3.5));
    const v = Array.from({ length: n }, (_, i) => Math.cos(i + 0.3));
    const vv = v.reduce((s, x) => s + x * x, 0);
    const H = (i: number, j: number) => (i === j ? 1 : 0) - (2 * v[i]! * v[j]!) / vv;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += H(i, k) * lambda[k]! * H(k, j);
        A[i * n + j] = acc;
      }
    const got = symmetricEigenvalues(A, n);
    const want = [...lambda].sort((a, b) => a - b);
    for (let i = 0; i < n; i++)
      assert.ok(Math.abs(got[i]! - want[i]!) < 1e-12, `eigenvalue ${i}: ${got[i]} vs ${want[i]}`);
    const two = symmetricEigenvalues(Float64Array.of(2, 1, 1, 2), 2);
    assert.ok(Math.abs(two[0]! - 1) < 1e-15 && Math.abs(two[1]! - 3) < 1e-15, `${two}`);
  });

  it("handles a single voxel, separated voxels and a flat ROI", () => {
    const one: DiscretisedRoi = { size: [1, 1, 1], spacing: [1, 1, 1], levels: Int32Array.of(3), nLevels: 3 };
    const f1 = glcmFeatures(one);
    for (const name of GLCM_FEATURE_NAMES) {
      if (name === "MCC") assert.equal(f1[name], 1);
      else assert.ok(Number.isNaN(f1[name]), `${name} should be NaN for a single voxel, got ${f1[name]}`);
    }
    // two voxels that are not neighbours: every angle is empty
    const apart: DiscretisedRoi = {
      size: [3, 1, 1],
      spacing: [1, 1, 1],
      levels: Int32Array.of(1, 0, 2),
      nLevels: 2,
    };
    assert.ok(Number.isNaN(glcmFeatures(apart).Contrast));
    // flat ROI: PyRadiomics' Ng = 1 conventions
    const flat = flatRoi([3, 3, 3], 2);
    const f = glcmFeatures(flat);
    const want: Record<string, number> = {
      JointAverage: 2,
      SumAverage: 4,
      Autocorrelation: 4,
      Contrast: 0,
      Correlation: 1,
      JointEnergy: 1,
      MaximumProbability: 1,
      Imc1: 0,
      Imc2: 0,
      MCC: 1,
      Idmn: 1,
      Idn: 1,
      Id: 1,
      Idm: 1,
      InverseVariance: 0,
      ClusterTendency: 0,
      SumSquares: 0,
      DifferenceAverage: 0,
    };
    for (const [k, v] of Object.entries(want)) assert.equal(f[k], v, k);
    assert.ok(Math.abs(f.JointEntropy!) < 1e-15);
  });

  it("treats a one-slice grid as 2D and applies weighting norms", () => {
    const roi = randomRoi([12, 10, 1], 6, 0.8, 11);
    assert.deepEqual(glcmFeatures(roi), glcmFeatures(roi, { force2D: true, force2Ddimension: 0 }));
    // equal weights for every angle (infinity norm, isotropic spacing, distance 1) = no_weighting
    const cube = randomRoi([6, 6, 6], 5, 0.8, 12, [2, 2, 2]);
    const a = glcmFeatures(cube, { weightingNorm: "infinity" });
    const b = glcmFeatures(cube, { weightingNorm: "no_weighting" });
    for (const k of GLCM_FEATURE_NAMES) assert.ok(Math.abs(a[k]! - b[k]!) <= 1e-12 * Math.abs(b[k]!), k);
    // deprecated features equal their active twins
    const d = glcmFeatures(cube, {}, { includeDeprecated: true });
    assert.equal(d.Dissimilarity, d.DifferenceAverage);
    assert.equal(d.Homogeneity1, d.Id);
    assert.equal(d.Homogeneity2, d.Idm);
    assert.ok(Math.abs(d.SumVariance! - d.ClusterTendency!) < 1e-9 * d.ClusterTendency!);
    assert.equal(glcmFeatures(cube).Dissimilarity, undefined);
  });

  it("rejects bad input with typed errors", () => {
    const roi = randomRoi([4, 4, 4], 3, 0.8, 13);
    assert.throws(() => glcmFeatures(roi, { weightingNorm: "cosine" as never }), InputError);
    assert.throws(
      () => glcmFeatures({ size: [2, 2, 2], spacing: [1, 1, 1], levels: new Int32Array(8), nLevels: 1 }),
      EmptyRoiError,
    );
    assert.throws(
      () => glcmFeatures({ size: [2, 2, 2], spacing: [1, 1, 1], levels: new Int32Array(7), nLevels: 1 }),
      InputError,
    );
    assert.throws(() => ibsiGlcm(roi, { aggregation: "4D" as never }), InputError);
  });

  it("is fast on brain1", { skip: skipUnlessData("pyradiomics", "brain1_image.nrrd") }, (t) => {
    const roi = pyradiomicsCase("brain1")!;
    reportSpeed(t, "glcmFeatures brain1 (4137 voxels, 33 levels)", () => glcmFeatures(roi));
  });
});
