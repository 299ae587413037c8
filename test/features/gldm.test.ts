import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GLDM_FEATURE_NAMES, gldmFeatures, gldmMatrix } from "../../src/features/gldm.js";
import type { DiscretisedRoi } from "../../src/features/types.js";
import { InputError } from "../../src/errors.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";
import {
  BASELINE_CONFIG,
  CURRENT_FILES,
  TEXTURE_CASES,
  columnSettings,
  compareFeatures,
  formatMisses,
  pyradiomicsBaseline,
  pyradiomicsCase,
  pyradiomicsCurrent,
  randomRoi,
  readNpy,
} from "../helpers/npy.js";

/** Dependence of every ROI voxel by looping over the Chebyshev shells (level -> dependence -> count). */
function naiveGldm(roi: DiscretisedRoi, distances: number[], alpha: number, outOfPlane: number) {
  const [nx, ny, nz] = roi.size;
  const D = Math.max(...distances);
  const L = roi.levels;
  const out = new Map<string, number>();
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const v = L[x + nx * (y + ny * z)]!;
        if (!v) continue;
        let dep = 0;
        for (let dz = -D; dz <= D; dz++)
          for (let dy = -D; dy <= D; dy++)
            for (let dx = -D; dx <= D; dx++) {
              const d = [dx, dy, dz];
              if (!distances.includes(Math.max(Math.abs(dx), Math.abs(dy), Math.abs(dz)))) continue;
              if (outOfPlane >= 0 && d[outOfPlane] !== 0) continue;
              const X = x + dx;
              const Y = y + dy;
              const Z = z + dz;
              if (X < 0 || Y < 0 || Z < 0 || X >= nx || Y >= ny || Z >= nz) continue;
              const w = L[X + nx * (Y + ny * Z)]!;
              if (w && Math.abs(v - w) <= alpha) dep++;
            }
        out.set(`${v}:${dep}`, (out.get(`${v}:${dep}`) ?? 0) + 1);
      }
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
    }, () => {
      const m = gldmMatrix(pyradiomicsCase(c)!);
      const exp = readNpy(dataPath("pyradiomics", "baseline", `${c}_gldm.npy`)!);
      const n = m.greyLevels.length;
      const C = m.nOffsets + 1;
      // PyRadiomics deletes the dependence columns that are empty
      const cols: number[] = [];
      for (let d = 0; d < C; d++) if (m.counts.some((v, q) => v > 0 && q % C === d)) cols.push(d);
      assert.deepEqual(exp.shape, [n, cols.length]);
      let maxDiff = 0;
      for (let i = 0; i < n; i++)
        for (let t = 0; t < cols.length; t++)
          maxDiff = Math.max(maxDiff, Math.abs(m.counts[i * C + cols[t]!]! - exp.data[i * cols.length + t]!));
      assert.ok(maxDiff < 1e-12, `${c}: max |expected - computed| = ${maxDiff}`);
    });
  }

  it("features equal the PyRadiomics baselines (default, 2d, FBN, flatRegion)", {
    skip: skipUnlessData("pyradiomics", "baseline", "baseline_gldm.csv"),
  }, (t) => {
    const cols = pyradiomicsBaseline("gldm").filter((c) => BASELINE_CONFIG.test(c.column));
    assert.equal(cols.length, 8);
    const report: string[] = [];
    for (const col of cols) {
      const { texture, caseOptions } = columnSettings(col.settings);
      const got = gldmFeatures(pyradiomicsCase(col.testCase, caseOptions)!, texture);
      assert.equal(col.values.size, 14);
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
      const exp = pyradiomicsCurrent(file, "gldm");
      assert.ok(exp && exp.size === 14, `${file}: expected 14 gldm features`);
      const got = gldmFeatures(pyradiomicsCase(cs, { label })!, {});
      assert.deepEqual(Object.keys(got).sort(), [...GLDM_FEATURE_NAMES].sort());
      const r = compareFeatures(got, exp);
      t.diagnostic(`${file}: max rel error ${r.maxRel.toExponential(2)}`);
      if (r.misses.length) report.push(formatMisses(file, r.misses));
    }
    assert.equal(report.length, 0, report.join("\n"));
  });

  it("handles a single voxel, a flat ROI and a one-slice grid", () => {
    const one: DiscretisedRoi = { size: [1, 1, 1], spacing: [1, 1, 1], levels: Int32Array.of(2), nLevels: 2 };
    const f1 = gldmFeatures(one);
    assert.equal(f1.SmallDependenceEmphasis, 1); // dependence 0 -> j = 1
    assert.equal(f1.DependenceVariance, 0);
    assert.equal(f1.HighGrayLevelEmphasis, 4);
    // flat 3x3x3 block: the centre voxel has 26 dependent neighbours
    const flat: DiscretisedRoi = {
      size: [3, 3, 3],
      spacing: [1, 1, 1],
      levels: new Int32Array(27).fill(1),
      nLevels: 1,
    };
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
    for (let r = 0; r < 5; r++) gldmFeatures(roi);
    const reps = 20;
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) gldmFeatures(roi);
    t.diagnostic(`gldmFeatures brain1: ${((performance.now() - t0) / reps).toFixed(2)} ms`);
  });
});
