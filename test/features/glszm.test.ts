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
    }, () => {
      const m = glszmMatrix(pyradiomicsCase(c)!);
      const exp = readNpy(dataPath("pyradiomics", "baseline", `${c}_glszm.npy`)!);
      const n = m.greyLevels.length;
      const C = m.maxZoneSize;
      // PyRadiomics deletes the zone-size columns that are empty
      const cols: number[] = [];
      for (let s = 0; s < C; s++) if (m.counts.some((v, q) => v > 0 && q % C === s)) cols.push(s);
      assert.deepEqual(exp.shape, [n, cols.length]);
      let maxDiff = 0;
      for (let i = 0; i < n; i++)
        for (let t = 0; t < cols.length; t++)
          maxDiff = Math.max(maxDiff, Math.abs(m.counts[i * C + cols[t]!]! - exp.data[i * cols.length + t]!));
      assert.ok(maxDiff < 1e-12, `${c}: max |expected - computed| = ${maxDiff}`);
    });
  }

  it("features equal the PyRadiomics baselines (default, 2d, FBN, flatRegion)", {
    skip: skipUnlessData("pyradiomics", "baseline", "baseline_glszm.csv"),
  }, (t) => {
    const cols = pyradiomicsBaseline("glszm").filter((c) => BASELINE_CONFIG.test(c.column));
    assert.equal(cols.length, 8);
    const report: string[] = [];
    for (const col of cols) {
      const { texture, caseOptions } = columnSettings(col.settings);
      const got = glszmFeatures(pyradiomicsCase(col.testCase, caseOptions)!, texture);
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
      const exp = pyradiomicsCurrent(file, "glszm");
      assert.ok(exp && exp.size === 16, `${file}: expected 16 glszm features`);
      const got = glszmFeatures(pyradiomicsCase(cs, { label })!, {});
      assert.deepEqual(Object.keys(got).sort(), [...GLSZM_FEATURE_NAMES].sort());
      const r = compareFeatures(got, exp);
      t.diagnostic(`${file}: max rel error ${r.maxRel.toExponential(2)}`);
      if (r.misses.length) report.push(formatMisses(file, r.misses));
    }
    assert.equal(report.length, 0, report.join("\n"));
  });

  it("matches every IBSI 1 digital-phantom GLSZM value (2D, 2.5D, 3D)", {
    skip: skipUnlessData("ibsi", "digital_phantom", "phantom.nii.gz"),
  }, () => {
    const roi = ibsiPhantomRoi()!;
    const got: Record<string, number> = {};
    for (const agg of IBSI_ZONE_AGGREGATIONS) Object.assign(got, ibsiGlszm(roi, { aggregation: agg }));
    const refs = ibsiReferences("digital_phantom").filter((r) => r.tag.startsWith("szm_"));
    assert.equal(refs.length, 48);
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
    for (const agg of ["2D", "2_5D"] as const) Object.assign(got, ibsiGlszm(roi, { aggregation: agg }));
    const r = ibsiMisses("config_A", "szm_", got, ibsiReferences("config_A"), ibsiCompare);
    assert.equal(r.checked, 32);
    assert.equal(r.misses.length, 0, r.misses.join("\n"));
  });

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
    const flat: DiscretisedRoi = {
      size: [3, 3, 3],
      spacing: [1, 1, 1],
      levels: new Int32Array(27).fill(1),
      nLevels: 1,
    };
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
    for (let r = 0; r < 5; r++) glszmFeatures(roi);
    const reps = 20;
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) glszmFeatures(roi);
    t.diagnostic(`glszmFeatures brain1: ${((performance.now() - t0) / reps).toFixed(2)} ms`);
  });
});
