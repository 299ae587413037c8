import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EmptyRoiError, InputError } from "../../src/errors.js";
import {
  PEAK_SPHERE_RADIUS_MM,
  ibsiLocalIntensity,
  sphereMeans,
  sphereMeansNaive,
  sphereRows,
} from "../../src/features/localIntensity.js";
import type { Vec3 } from "../../src/image/volume.js";
import { skipUnlessData } from "../helpers/data.js";
import { close, compareFamily, configA, digitalPhantom, rng } from "../helpers/ibsi.js";

describe("local intensity: sphere", () => {
  test("radius of a 1 cm^3 sphere", () => {
    close((4 / 3) * Math.PI * (PEAK_SPHERE_RADIUS_MM / 10) ** 3, 1);
  });
  test("voxel counts against enumeration", () => {
    for (const spacing of [
      [2, 2, 2],
      [0.977, 0.977, 3],
      [1, 1, 1],
      [0.5, 0.7, 5],
      [10, 10, 10],
    ] as Vec3[]) {
      const rows = sphereRows(spacing);
      const r = PEAK_SPHERE_RADIUS_MM;
      let n = 0;
      for (let k = -20; k <= 20; k++) {
        for (let j = -20; j <= 20; j++) {
          for (let i = -20; i <= 20; i++) {
            if ((i * spacing[0]) ** 2 + (j * spacing[1]) ** 2 + (k * spacing[2]) ** 2 <= r * r) n++;
          }
        }
      }
      assert.equal(rows.nVoxels, n, `spacing ${spacing}`);
    }
    assert.equal(sphereRows([2, 2, 2]).nVoxels, 123);
    assert.equal(sphereRows([10, 10, 10]).nVoxels, 1);
  });
});

describe("local intensity: hand-computed example", () => {
  // A row of 5 voxels 5 mm apart (6.2 mm sphere: the voxel and its two x-neighbours); 100 mm in y, z.
  const image = {
    data: Float64Array.of(1, 5, 3, 9, 2),
    size: [5, 1, 1] as Vec3,
    spacing: [5, 100, 100] as Vec3,
  };
  test("means, peaks", () => {
    const mask = { data: Uint8Array.of(1, 1, 1, 0, 1), size: image.size };
    const means = sphereMeans(image, Int32Array.of(0, 1, 2, 4));
    const want = [3, 3, 17 / 3, 5.5];
    for (let q = 0; q < 4; q++) close(means[q]!, want[q]!);
    const f = ibsiLocalIntensity(image, mask);
    close(f.loc_peak_loc, 3); // around the maximum 5 (voxel 1)
    close(f.loc_peak_glob, 17 / 3); // voxel 2 draws on the 9 outside the ROI
  });
  test("several maximum voxels: the highest peak among them", () => {
    const img = {
      data: Float64Array.of(5, 0, 0, 1, 5, 4),
      size: [6, 1, 1] as Vec3,
      spacing: [5, 100, 100] as Vec3,
    };
    const f = ibsiLocalIntensity(img, { data: Uint8Array.of(1, 1, 1, 1, 1, 1), size: img.size });
    close(f.loc_peak_loc, 10 / 3); // (1 + 5 + 4) / 3 at voxel 4, not (5 + 0) / 2 at voxel 0
  });
  test("single-voxel ROI", () => {
    const f = ibsiLocalIntensity(image, { data: Uint8Array.of(0, 0, 0, 1, 0), size: image.size });
    close(f.loc_peak_loc, 14 / 3);
    close(f.loc_peak_glob, 14 / 3);
  });
});

describe("local intensity: row prefix sums against the naive sphere", () => {
  test("random images, ROIs touching the grid border, anisotropic spacing", () => {
    const r = rng(9);
    let worst = 0;
    for (let trial = 0; trial < 12; trial++) {
      const size: Vec3 = [3 + Math.floor(r() * 20), 3 + Math.floor(r() * 20), 1 + Math.floor(r() * 8)];
      const spacing: Vec3 = [0.5 + r() * 2, 0.5 + r() * 2, 0.5 + r() * 4];
      const n = size[0] * size[1] * size[2];
      const data = new Float64Array(n).map(() => (2000 * r() - 1000) / 3); // not dyadic: sums round
      const centres = Int32Array.from({ length: n }, (_, v) => v).filter(() => r() < 0.5);
      const a = sphereMeans({ data, size, spacing }, centres);
      const b = sphereMeansNaive({ data, size, spacing }, centres);
      for (let q = 0; q < a.length; q++) worst = Math.max(worst, Math.abs(a[q]! - b[q]!));
    }
    console.log(`sphere means, prefix sums vs naive: max |diff| = ${worst}`);
    assert.ok(worst < 1e-9);
  });
  test("timing on a CT-like 100k-voxel ROI (0.977 x 0.977 x 3 mm)", () => {
    const size: Vec3 = [200, 200, 60];
    const n = size[0] * size[1] * size[2];
    const r = rng(1);
    const data = new Float32Array(n).map(() => Math.round(-1000 + 1500 * r()));
    const mask = new Uint8Array(n);
    let roi = 0;
    for (let k = 0; k < 60; k++) {
      for (let j = 0; j < 200; j++) {
        for (let i = 0; i < 200; i++) {
          if ((i - 100) ** 2 / 1.1 + (j - 100) ** 2 / 1.1 + ((k - 30) * 3.07) ** 2 <= 41 ** 2) {
            mask[i + 200 * (j + 200 * k)] = 1;
            roi++;
          }
        }
      }
    }
    const image = { data, size, spacing: [0.977, 0.977, 3] as Vec3 };
    let t = performance.now();
    const fast = ibsiLocalIntensity(image, { data: mask, size });
    const tFast = performance.now() - t;
    t = performance.now();
    const naive = ibsiLocalIntensity(image, { data: mask, size }, { naive: true });
    const tNaive = performance.now() - t;
    console.log(
      `local intensity, ${roi} ROI voxels, ${sphereRows(image.spacing).nVoxels}-voxel sphere: ` +
        `prefix sums ${tFast.toFixed(0)} ms, naive ${tNaive.toFixed(0)} ms`,
    );
    close(fast.loc_peak_glob, naive.loc_peak_glob, 1e-12);
    close(fast.loc_peak_loc, naive.loc_peak_loc, 1e-12);
  });
});

describe("local intensity: errors", () => {
  test("grid mismatch, empty ROI, non-finite ROI intensity", () => {
    const image = { data: new Float64Array(8), size: [2, 2, 2] as Vec3, spacing: [1, 1, 1] as Vec3 };
    assert.throws(
      () => ibsiLocalIntensity(image, { data: new Uint8Array(8), size: [2, 2, 2] }),
      EmptyRoiError,
    );
    assert.throws(() => ibsiLocalIntensity(image, { data: new Uint8Array(4), size: [2, 2, 1] }), InputError);
    assert.throws(
      () => ibsiLocalIntensity({ ...image, size: [2, 2, 3] }, { data: new Uint8Array(12), size: [2, 2, 3] }),
      InputError,
    );
    const nan = { ...image, data: new Float64Array(8).fill(Number.NaN) };
    assert.throws(
      () => ibsiLocalIntensity(nan, { data: new Uint8Array(8).fill(1), size: [2, 2, 2] }),
      InputError,
    );
    assert.throws(() => sphereRows([0, 1, 1]), InputError);
  });
});

// --- IBSI 1 reference data -------------------------------------------------------------------------

describe("local intensity: IBSI 1 digital phantom", () => {
  test("loc_peak_loc, loc_peak_glob", {
    skip: skipUnlessData("ibsi", "digital_phantom", "phantom.nii.gz"),
  }, () => {
    // The sphere reaches beyond the ROI: the whole image (with its non-ROI voxels 1 and 9) is used.
    const { image, mask } = digitalPhantom();
    const got = ibsiLocalIntensity(image, mask);
    compareFamily("digital_phantom", "loc_", 2, got);
  });
});

describe("local intensity: IBSI 1 config A (CT phantom)", () => {
  test("loc_peak_loc, loc_peak_glob", {
    skip: skipUnlessData("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz"),
  }, () => {
    // Centres: the re-segmented intensity mask; sphere: every image voxel.
    const a = configA();
    const got = ibsiLocalIntensity(a.image, { data: a.intensityMask, size: a.image.size });
    compareFamily("config_A", "loc_", 2, got);
  });
});
