import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SHAPE_FEATURES, shapeFeatures } from "../../src/features/shape.js";
import type { Vec3 } from "../../src/image/volume.js";
import { skipUnlessData } from "../helpers/data.js";
import { close, grid } from "../helpers/ibsi.js";
import {
  assertFeaturesMatch,
  assertNoMisses,
  baselineColumn,
  caseFiles,
  caseMask,
  checkCurrentCases,
  checkStaleValue,
  staleBaselineValues,
} from "../helpers/pyradiomics.js";

const TOL = 1e-10;

// ---- PyRadiomics references ----------------------------------------------------------------------

describe("shape vs PyRadiomics", () => {
  test("baseline_shape.csv default columns (brain1, breast1, lung1)", {
    skip: skipUnlessData("pyradiomics", "baseline", "baseline_shape.csv"),
  }, () => {
    const deviations = staleBaselineValues();
    let maxErr = 0;
    for (const c of ["brain1", "breast1", "lung1"]) {
      const m = caseMask(`${c}_label.nrrd`);
      const ours = shapeFeatures(m.data, m.size, m.spacing);
      const ref = baselineColumn("shape", c).values;
      // the recorded stale values: still in the baseline, not reproduced, and current PyRadiomics agrees with us
      const dev = deviations.filter(
        (d) => d.reference === "pyradiomics/baseline/baseline_shape.csv" && d.column === c,
      );
      const devNames = new Set(dev.map((d) => d.feature.replace("original_shape_", "")));
      const names = SHAPE_FEATURES.filter((n) => !devNames.has(n));
      maxErr = Math.max(maxErr, assertFeaturesMatch(`baseline ${c}`, ours, ref, names, TOL).maxRel);
      const misses: string[] = [];
      for (const d of dev) {
        const name = d.feature.replace("original_shape_", "");
        misses.push(...checkStaleValue(c, d, ref.get(name)!, ours[name]!, TOL));
      }
      assertNoMisses(misses);
    }
    console.log(`shape vs baseline: max relative error ${maxErr.toExponential(2)}`);
  });

  test("current PyRadiomics (brain1, breast1, prostate labels 1/7/8/9)", {
    skip: skipUnlessData("pyradiomics", "current", "prostate_label9_default.csv"),
  }, () => {
    const maxErr = checkCurrentCases("shape", SHAPE_FEATURES, TOL, (c) => {
      const m = caseMask(caseFiles(c.testCase).mask, c.label);
      return shapeFeatures(m.data, m.size, m.spacing);
    });
    console.log(`shape vs current PyRadiomics: max relative error ${maxErr.toExponential(2)}`);
  });

  test("speed on brain1 (PyRadiomics: ~33 ms)", {
    skip: skipUnlessData("pyradiomics", "brain1_label.nrrd"),
  }, () => {
    const m = caseMask("brain1_label.nrrd");
    const ref = shapeFeatures(m.data, m.size, m.spacing);
    const times: number[] = [];
    for (let r = 0; r < 20; r++) {
      const t = performance.now();
      const f = shapeFeatures(m.data, m.size, m.spacing);
      times.push(performance.now() - t);
      assert.equal(f.MeshVolume, ref.MeshVolume);
    }
    times.sort((a, b) => a - b);
    console.log(
      `shape brain1 (full 256x256x25 mask): min ${times[0]!.toFixed(2)} ms, median ${times[10]!.toFixed(2)} ms`,
    );
  });
});

// ---- synthetic cases -----------------------------------------------------------------------------

describe("shape edge cases", () => {
  test("single voxel: the mesh is an octahedron through the face centres", () => {
    const sp: Vec3 = [0.7, 1.3, 2.5];
    const f = shapeFeatures(
      grid([3, 3, 3], (i, j, k) => i === 1 && j === 1 && k === 1),
      [3, 3, 3],
      sp,
      {
        includeDeprecated: true,
      },
    );
    const [a, b, c] = sp.map((s) => s / 2) as Vec3; // half-axes of the octahedron
    close(f.MeshVolume!, (4 / 3) * a * b * c);
    // 8 congruent faces, each with vertices (a,0,0), (0,b,0), (0,0,c)
    close(f.SurfaceArea!, 8 * 0.5 * Math.sqrt((b * c) ** 2 + (a * c) ** 2 + (a * b) ** 2));
    close(f.VoxelVolume!, sp[0] * sp[1] * sp[2]);
    close(f.Maximum3DDiameter!, Math.max(...sp));
    close(f.Maximum2DDiameterSlice!, Math.max(sp[0], sp[1])); // vertices sharing z: the 4 in-plane ones
    close(f.Maximum2DDiameterColumn!, Math.max(sp[0], sp[2]));
    close(f.Maximum2DDiameterRow!, Math.max(sp[1], sp[2]));
    assert.equal(f.MajorAxisLength, 0);
    assert.equal(f.LeastAxisLength, 0);
    assert.ok(
      Number.isNaN(f.Elongation!) && Number.isNaN(f.Flatness!),
      "0/0 axis ratios are NaN as in PyRadiomics",
    );
    close(f.Sphericity!, (36 * Math.PI * f.MeshVolume! ** 2) ** (1 / 3) / f.SurfaceArea!);
    close(f.Compactness2!, f.Sphericity! ** 3);
    close(f.SphericalDisproportion!, 1 / f.Sphericity!);
  });

  test("ROI touching the image border gives the same values as the ROI inside a larger grid", () => {
    const inside = (i: number, j: number, k: number) => (i - 2) ** 2 + (j - 2) ** 2 + 2 * (k - 1) ** 2 <= 5;
    const small = grid([5, 5, 3], inside);
    const big = grid(
      [9, 8, 7],
      (i, j, k) => i >= 2 && j >= 3 && k >= 1 && i < 7 && j < 8 && k < 4 && inside(i - 2, j - 3, k - 1),
    );
    const sp: Vec3 = [0.8, 0.9, 3];
    assert.deepEqual(shapeFeatures(small, [5, 5, 3], sp), shapeFeatures(big, [9, 8, 7], sp));
  });

  test("single-slice ROI: least axis and flatness are 0, 2D diameters in-plane", () => {
    const size: Vec3 = [6, 5, 3];
    const f = shapeFeatures(
      grid(size, (i, j, k) => k === 1 && i >= 1 && i <= 4 && j >= 1 && j <= 3),
      size,
      [1, 1, 2],
    );
    assert.equal(f.LeastAxisLength, 0);
    assert.equal(f.Flatness, 0);
    // a 4 x 3 rectangle of voxels: pixel-centre variances (n^2 - 1)/12 along x and y
    assert.ok(
      Math.abs(f.MajorAxisLength! - 4 * Math.sqrt(15 / 12)) < 1e-12,
      `Math.abs(f.MajorAxisLength! - 4 * Math.sqrt(15 / 12)) < 1e-12`,
    );
    assert.ok(
      Math.abs(f.MinorAxisLength! - 4 * Math.sqrt(8 / 12)) < 1e-12,
      `Math.abs(f.MinorAxisLength! - 4 * Math.sqrt(8 / 12)) < 1e-12`,
    );
    assert.equal(f.VoxelVolume, 12 * 2);
    assert.ok(f.MeshVolume! > 0 && f.MeshVolume! < 24, `f.MeshVolume! > 0 && f.MeshVolume! < 24`);
  });

  test("empty mask throws EmptyRoiError", () => {
    assert.throws(() => shapeFeatures(new Uint8Array(8), [2, 2, 2], [1, 1, 1]), { name: "EmptyRoiError" });
  });
});
