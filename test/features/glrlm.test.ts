import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pyradiomicsAngles } from "../../src/features/directions.js";
import { IBSI_MATRIX_AGGREGATIONS } from "../../src/features/glcm.js";
import { GLRLM_FEATURE_NAMES, glrlmFeatures, glrlmMatrices, ibsiGlrlm } from "../../src/features/glrlm.js";
import type { DiscretisedRoi } from "../../src/features/types.js";
import { InputError } from "../../src/errors.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";
import { ibsiCompare, ibsiReferences } from "../helpers/ibsi.js";
import {
  BASELINE_CONFIG,
  CURRENT_FILES,
  TEXTURE_CASES,
  columnSettings,
  compareFeatures,
  formatMisses,
  ibsiConfigARoi,
  ibsiMisses,
  ibsiPhantomRoi,
  pyradiomicsBaseline,
  pyradiomicsCase,
  pyradiomicsCurrent,
  randomRoi,
  readNpy,
} from "../helpers/npy.js";

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
    }, () => {
      const m = glrlmMatrices(pyradiomicsCase(c)!);
      const exp = readNpy(dataPath("pyradiomics", "baseline", `${c}_glrlm.npy`)!);
      const n = m.greyLevels.length;
      const Nr = m.maxRunLength;
      // PyRadiomics deletes the run-length columns that are empty for every angle
      const cols: number[] = [];
      for (let r = 0; r < Nr; r++) {
        let s = 0;
        for (let a = 0; a < m.nAngles; a++)
          for (let i = 0; i < n; i++) s += m.counts[a * n * Nr + i * Nr + r]!;
        if (s > 0) cols.push(r);
      }
      assert.deepEqual(exp.shape, [n, cols.length, m.nAngles]);
      let maxDiff = 0;
      for (let a = 0; a < m.nAngles; a++)
        for (let i = 0; i < n; i++)
          for (let t = 0; t < cols.length; t++) {
            const e = exp.data[(i * cols.length + t) * m.nAngles + a]!;
            maxDiff = Math.max(maxDiff, Math.abs(m.counts[a * n * Nr + i * Nr + cols[t]!]! - e));
          }
      assert.ok(maxDiff < 1e-12, `${c}: max |expected - computed| = ${maxDiff}`);
    });
  }

  it("features equal the PyRadiomics baselines (default, 2d, FBN, combined, flatRegion)", {
    skip: skipUnlessData("pyradiomics", "baseline", "baseline_glrlm.csv"),
  }, (t) => {
    const cols = pyradiomicsBaseline("glrlm").filter((c) => BASELINE_CONFIG.test(c.column));
    assert.equal(cols.length, 10);
    const report: string[] = [];
    for (const col of cols) {
      const { texture, caseOptions } = columnSettings(col.settings);
      const got = glrlmFeatures(pyradiomicsCase(col.testCase, caseOptions)!, texture);
      assert.equal(col.values.size, 16);
      const r = compareFeatures(got, col.values);
      t.diagnostic(`${col.column}: max rel error ${r.maxRel.toExponential(2)}`);
      if (r.misses.length) report.push(formatMisses(col.column, r.misses));
    }
    assert.equal(report.length, 0, report.join("\n"));
  });

  it("features equal current PyRadiomics (brain1, breast1, prostate labels 1/7/8/9)", {
    skip: skipUnlessData("pyradiomics", "current"),
  }, (t) => {
    const report: string[] = [];
    for (const [file, cs, label] of CURRENT_FILES) {
      const exp = pyradiomicsCurrent(file, "glrlm");
      assert.ok(exp && exp.size === 16, `${file}: expected 16 glrlm features`);
      const got = glrlmFeatures(pyradiomicsCase(cs, { label })!, {});
      assert.deepEqual(Object.keys(got).sort(), [...GLRLM_FEATURE_NAMES].sort());
      const r = compareFeatures(got, exp);
      t.diagnostic(`${file}: max rel error ${r.maxRel.toExponential(2)}`);
      if (r.misses.length) report.push(formatMisses(file, r.misses));
    }
    assert.equal(report.length, 0, report.join("\n"));
  });

  it("matches every IBSI 1 digital-phantom GLRLM value (6 aggregations)", {
    skip: skipUnlessData("ibsi", "digital_phantom", "phantom.nii.gz"),
  }, () => {
    const roi = ibsiPhantomRoi()!;
    const got: Record<string, number> = {};
    for (const agg of IBSI_MATRIX_AGGREGATIONS) Object.assign(got, ibsiGlrlm(roi, { aggregation: agg }));
    const refs = ibsiReferences("digital_phantom").filter((r) => r.tag.startsWith("rlm_"));
    assert.equal(refs.length, 96);
    const misses: string[] = [];
    for (const r of refs) {
      const g = got[r.tag];
      const v = g === undefined ? undefined : ibsiCompare(r.value, g, r.tolerance);
      if (v?.verdict !== "match")
        misses.push(`${r.tag}: reference ${r.value} got ${g} (${v?.verdict ?? "missing"})`);
    }
    assert.equal(misses.length, 0, misses.join("\n"));
  });

  it("matches every IBSI 1 configuration A value (CT phantom, 2D and 2.5D)", {
    skip: skipUnlessData("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz"),
  }, () => {
    const roi = ibsiConfigARoi()!;
    const got: Record<string, number> = {};
    for (const agg of ["2D_avg", "2D_comb", "2_5D_avg", "2_5D_comb"] as const)
      Object.assign(got, ibsiGlrlm(roi, { aggregation: agg }));
    const r = ibsiMisses("config_A", "rlm_", got, ibsiReferences("config_A"), ibsiCompare);
    assert.equal(r.checked, 64);
    assert.equal(r.misses.length, 0, r.misses.join("\n"));
  });

  it("handles a single voxel, a flat ROI and a one-slice grid", () => {
    const one: DiscretisedRoi = { size: [1, 1, 1], spacing: [1, 1, 1], levels: Int32Array.of(2), nLevels: 2 };
    for (const v of Object.values(glrlmFeatures(one))) assert.ok(Number.isNaN(v));
    // flat 4x3x2 block: runs of the full line length along each angle
    const flat: DiscretisedRoi = {
      size: [4, 3, 2],
      spacing: [1, 1, 1],
      levels: new Int32Array(24).fill(1),
      nLevels: 1,
    };
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
    for (let r = 0; r < 5; r++) glrlmFeatures(roi);
    const reps = 20;
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) glrlmFeatures(roi);
    t.diagnostic(`glrlmFeatures brain1: ${((performance.now() - t0) / reps).toFixed(2)} ms`);
  });
});
