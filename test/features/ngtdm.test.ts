import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IBSI_ZONE_AGGREGATIONS } from "../../src/features/glszm.js";
import { NGTDM_FEATURE_NAMES, ibsiNgtdm, ngtdmFeatures, ngtdmMatrix } from "../../src/features/ngtdm.js";
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

/** n_i and s_i by scanning each voxel's Chebyshev shells with explicit bounds checks. */
function naiveNgtdm(roi: DiscretisedRoi, distances: number[], outOfPlane: number) {
  const [nx, ny, nz] = roi.size;
  const D = Math.max(...distances);
  const L = roi.levels;
  const n = new Map<number, number>();
  const s = new Map<number, number>();
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const v = L[x + nx * (y + ny * z)]!;
        if (!v) continue;
        let count = 0;
        let sum = 0;
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
              if (w) {
                count++;
                sum += w;
              }
            }
        n.set(v, (n.get(v) ?? 0) + 1);
        s.set(v, (s.get(v) ?? 0) + (count ? Math.abs(v - sum / count) : 0));
      }
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
    }, () => {
      const m = ngtdmMatrix(pyradiomicsCase(c)!);
      const exp = readNpy(dataPath("pyradiomics", "baseline", `${c}_ngtdm.npy`)!);
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
      assert.ok(maxDiff < 1e-12, `${c}: max |expected - computed| = ${maxDiff}`);
    });
  }

  it("features equal the PyRadiomics baselines (default, 2d, FBN, flatRegion)", {
    skip: skipUnlessData("pyradiomics", "baseline", "baseline_ngtdm.csv"),
  }, (t) => {
    const cols = pyradiomicsBaseline("ngtdm").filter((c) => BASELINE_CONFIG.test(c.column));
    assert.equal(cols.length, 8);
    const report: string[] = [];
    for (const col of cols) {
      const { texture, caseOptions } = columnSettings(col.settings);
      const got = ngtdmFeatures(pyradiomicsCase(col.testCase, caseOptions)!, texture);
      assert.equal(col.values.size, 5);
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
      const exp = pyradiomicsCurrent(file, "ngtdm");
      assert.ok(exp && exp.size === 5, `${file}: expected 5 ngtdm features`);
      const got = ngtdmFeatures(pyradiomicsCase(cs, { label })!, {});
      assert.deepEqual(Object.keys(got).sort(), [...NGTDM_FEATURE_NAMES].sort());
      const r = compareFeatures(got, exp);
      t.diagnostic(`${file}: max rel error ${r.maxRel.toExponential(2)}`);
      if (r.misses.length) report.push(formatMisses(file, r.misses));
    }
    assert.equal(report.length, 0, report.join("\n"));
  });

  it("matches every IBSI 1 digital-phantom NGTDM value (2D, 2.5D, 3D)", {
    skip: skipUnlessData("ibsi", "digital_phantom", "phantom.nii.gz"),
  }, () => {
    const roi = ibsiPhantomRoi()!;
    const got: Record<string, number> = {};
    for (const agg of IBSI_ZONE_AGGREGATIONS)
      Object.assign(got, ibsiNgtdm(roi, { aggregation: agg, distance: 1 }));
    const refs = ibsiReferences("digital_phantom").filter((r) => r.tag.startsWith("ngt_"));
    assert.equal(refs.length, 15);
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
    for (const agg of ["2D", "2_5D"] as const)
      Object.assign(got, ibsiNgtdm(roi, { aggregation: agg, distance: 1 }));
    const r = ibsiMisses("config_A", "ngt_", got, ibsiReferences("config_A"), ibsiCompare);
    assert.equal(r.checked, 10);
    assert.equal(r.misses.length, 0, r.misses.join("\n"));
  });

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
    const flat: DiscretisedRoi = {
      size: [3, 3, 3],
      spacing: [1, 1, 1],
      levels: new Int32Array(27).fill(4),
      nLevels: 4,
    };
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
    for (let r = 0; r < 5; r++) ngtdmFeatures(roi);
    const reps = 20;
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) ngtdmFeatures(roi);
    t.diagnostic(`ngtdmFeatures brain1: ${((performance.now() - t0) / reps).toFixed(2)} ms`);
  });
});
