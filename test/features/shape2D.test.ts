import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SHAPE2D_FEATURES, shape2DFeatures } from "../../src/features/shape2D.js";
import { skipUnlessData } from "../helpers/data.js";
import { close, grid } from "../helpers/ibsi.js";
import { assertFeaturesMatch, baselineColumn, caseMask } from "../helpers/pyradiomics.js";

const TOL = 1e-10;

describe("shape2D vs PyRadiomics", () => {
  test("baseline_shape2D.csv (brain1, breast1, lung1 single-slice labels, force2Ddimension 0)", {
    skip: skipUnlessData("pyradiomics", "baseline", "baseline_shape2D.csv"),
  }, () => {
    let maxErr = 0;
    for (const c of ["brain1", "breast1", "lung1"]) {
      const col = baselineColumn("shape2D", `${c}_shape2D`);
      assert.equal(col.settings.force2Ddimension, 0);
      const m = caseMask(`${c}_label_2D.nrrd`);
      const ours = shape2DFeatures(m.data, m.size, m.spacing, 0);
      maxErr = Math.max(
        maxErr,
        assertFeaturesMatch(col.column, ours, col.values, SHAPE2D_FEATURES, TOL).maxRel,
      );
    }
    console.log(`shape2D vs baseline: max relative error ${maxErr.toExponential(2)}`);
  });

  test("the 2D label embedded in the 3D grid (as PyRadiomics resamples it) gives the same values", {
    skip: skipUnlessData("pyradiomics", "brain1_label_2D.nrrd"),
  }, () => {
    const m2 = caseMask("brain1_label_2D.nrrd");
    const m3 = caseMask("brain1_label.nrrd");
    // put the 2D slice at its z position in the 3D grid
    const z = Math.round((m2.origin[2] - m3.origin[2]) / m3.spacing[2]);
    const full = new Uint8Array(m3.data.length);
    full.set(m2.data, z * m3.size[0] * m3.size[1]);
    assert.deepEqual(
      shape2DFeatures(full, m3.size, m3.spacing, 0),
      shape2DFeatures(m2.data, m2.size, m2.spacing, 0),
    );
  });
});

describe("shape2D edge cases", () => {
  test("single pixel: the contour is a diamond through the edge midpoints", () => {
    const f = shape2DFeatures(
      grid([3, 3, 1], (i, j) => i === 1 && j === 1),
      [3, 3, 1],
      [0.5, 2, 7],
      0,
      {
        includeDeprecated: true,
      },
    );
    close(f.MeshSurface!, (0.5 * 2) / 2);
    close(f.PixelSurface!, 0.5 * 2);
    close(f.Perimeter!, 4 * Math.hypot(0.25, 1));
    close(f.MaximumDiameter!, 2);
    assert.equal(f.MajorAxisLength, 0);
    assert.ok(Number.isNaN(f.Elongation!), `Number.isNaN(f.Elongation!)`);
    close(f.SphericalDisproportion!, 1 / f.Sphericity!);
  });

  test("rectangle: PCA axis lengths and diameter", () => {
    // 5 x 2 pixels, spacing 1 x 3
    const f = shape2DFeatures(
      grid([7, 4, 1], (i, j) => i >= 1 && i <= 5 && j >= 1 && j <= 2),
      [7, 4, 1],
      [1, 3, 1],
      0,
    );
    close(f.PixelSurface!, 10 * 3);
    // pixel-centre variances: x (25-1)/12 * 1, y (4-1)/12 * 9
    close(f.MajorAxisLength!, 4 * Math.sqrt(27 / 12));
    close(f.MinorAxisLength!, 4 * Math.sqrt(2));
    // farthest contour vertices: midpoints (x = 0.5 .. 5.5 on the long rows, y = 1 .. 2 on the end columns)
    assert.ok(
      f.MaximumDiameter! > 5 && f.MaximumDiameter! < Math.hypot(6, 6),
      `f.MaximumDiameter! > 5 && f.MaximumDiameter! < Math.hypot(6, 6)`,
    );
  });

  test("ROI touching the border; other force2Ddimension values", () => {
    const inside = (a: number, b: number) => (a - 1) ** 2 + (b - 2) ** 2 <= 3;
    const xy = shape2DFeatures(
      grid([3, 5, 1], (i, j) => inside(i, j)),
      [3, 5, 1],
      [1, 1, 4],
      0,
    );
    // the same shape in the x-z plane (force2Ddimension 1 = y out of plane) and y-z plane (2 = x)
    const xz = shape2DFeatures(
      grid([3, 1, 5], (i, _j, k) => inside(i, k)),
      [3, 1, 5],
      [1, 4, 1],
      1,
    );
    const yz = shape2DFeatures(
      grid([1, 3, 5], (_i, j, k) => inside(j, k)),
      [1, 3, 5],
      [4, 1, 1],
      2,
    );
    for (const name of SHAPE2D_FEATURES) {
      close(xz[name]!, xy[name]!);
      close(yz[name]!, xy[name]!);
    }
  });

  test("a ROI thicker than one slice along force2Ddimension is rejected", () => {
    assert.throws(
      () =>
        shape2DFeatures(
          grid([2, 2, 2], () => true),
          [2, 2, 2],
          [1, 1, 1],
          0,
        ),
      {
        name: "InputError",
      },
    );
  });
});
