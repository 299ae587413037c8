import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EmptyRoiError, InputError } from "../../src/errors.js";
import { distanceToRoiEdge, gldzmMatrices, ibsiGldzm, labelZones } from "../../src/features/gldzm.js";
import type { Vec3 } from "../../src/image/volume.js";
import { skipUnlessData } from "../helpers/data.js";
import {
  CONFIG_A_ZONE_AGGREGATIONS,
  close,
  compareAggregations,
  configARoi,
  digitalPhantom,
  flatRoi,
  levelsRoi,
  matrixCells,
  rng,
} from "../helpers/ibsi.js";

/** A 2D ROI from rows of levels (row j = one string of digits; 0 = outside). */
const roi2d = (rows: string[], nLevels?: number) => levelsRoi([rows], nLevels);

// 5 x 5 slice: distance rings 1 (border), 2, 3 (centre). Zones: the level-1 ring (15 voxels, d 1),
// the level-2 inner ring (8, d 2), the level-3 centre (d 3) and a level-3 corner voxel (d 1).
const TOY = ["11111", "12221", "12321", "12221", "11113"];

describe("GLDZM: hand-computed 2D example", () => {
  test("matrix", () => {
    const ms = gldzmMatrices(roi2d(TOY), null, "2D");
    assert.equal(ms.length, 1);
    assert.deepEqual(matrixCells(ms[0]!), ["1,1:1", "2,2:1", "3,1:1", "3,3:1"]);
    assert.equal(ms[0]!.nVoxels, 25);
  });
  test("features", () => {
    for (const agg of ["2D", "2_5D"] as const) {
      const f = ibsiGldzm(roi2d(TOY), null, { aggregation: agg });
      const t = (name: string) => f[`${name}_${agg}`]!;
      close(t("dzm_sde"), (1 + 1 / 4 + 1 / 9 + 1) / 4);
      close(t("dzm_lde"), (1 + 4 + 9 + 1) / 4);
      close(t("dzm_lgze"), (1 + 1 / 4 + 1 / 9 + 1 / 9) / 4);
      close(t("dzm_hgze"), (1 + 4 + 9 + 9) / 4);
      close(t("dzm_sdlge"), (1 + 1 / 16 + 1 / 81 + 1 / 9) / 4);
      close(t("dzm_sdhge"), (1 + 1 + 1 + 9) / 4);
      close(t("dzm_ldlge"), (1 + 1 + 1 + 1 / 9) / 4);
      close(t("dzm_ldhge"), (1 + 16 + 81 + 9) / 4);
      close(t("dzm_glnu"), (1 + 1 + 4) / 4);
      close(t("dzm_glnu_norm"), (1 + 1 + 4) / 16);
      close(t("dzm_zdnu"), (4 + 1 + 1) / 4);
      close(t("dzm_zdnu_norm"), (4 + 1 + 1) / 16);
      close(t("dzm_z_perc"), 4 / 25);
      close(t("dzm_gl_var"), (1.25 ** 2 + 0.25 ** 2 + 2 * 0.75 ** 2) / 4); // mean level 2.25
      close(t("dzm_zd_var"), (2 * 0.75 ** 2 + 0.25 ** 2 + 1.25 ** 2) / 4); // mean distance 1.75
      close(t("dzm_zd_entr"), 2);
      assert.equal(Object.keys(f).length, 16);
    }
  });
  test("3D on a single slice: every voxel touches the out-of-grid neighbours above and below", () => {
    const ms = gldzmMatrices(roi2d(TOY), null, "3D");
    assert.deepEqual(matrixCells(ms[0]!), ["1,1:1", "2,1:1", "3,1:2"]);
  });
  test("zero padding around the ROI changes nothing", () => {
    const base = roi2d(TOY);
    const padded = roi2d(["0000000", ...TOY.map((r) => `0${r}0`), "0000000"]);
    assert.deepEqual(
      matrixCells(gldzmMatrices(padded, null, "2D")[0]!),
      matrixCells(gldzmMatrices(base, null, "2D")[0]!),
    );
  });
  test("distance from the morphological mask, zones from the intensity mask", () => {
    // centre voxel removed from the intensity mask only: no edge appears there
    const roi = roi2d(["11111", "12221", "12021", "12221", "11113"]);
    const morph = new Uint8Array(25).fill(1);
    assert.deepEqual(matrixCells(gldzmMatrices(roi, morph, "2D")[0]!), ["1,1:1", "2,2:1", "3,1:1"]);
    // same hole in the morphological mask: the inner ring now touches the edge
    assert.deepEqual(matrixCells(gldzmMatrices(roi, null, "2D")[0]!), ["1,1:1", "2,1:1", "3,1:1"]);
  });
  test("8-connected zones in 2D", () => {
    const z = labelZones(roi2d(["122", "212", "221"]).levels, [3, 3, 1], true);
    assert.equal(z.nZones, 2); // the diagonal 1s link, and so do the two groups of 2s
  });
});

describe("GLDZM: distance map against brute force", () => {
  /** Smallest Manhattan distance to a voxel outside the mask, the grid's outside included. */
  function bruteDistance(mask: Uint8Array, size: Vec3, inPlane: boolean): Int32Array {
    const [nx, ny, nz] = size;
    const d = new Int32Array(mask.length);
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const v = i + nx * (j + ny * k);
          if (!mask[v]) continue;
          // nearest outside-grid voxel
          let best = Math.min(i + 1, nx - i, j + 1, ny - j);
          if (!inPlane) best = Math.min(best, k + 1, nz - k);
          for (let kk = inPlane ? k : 0; kk <= (inPlane ? k : nz - 1); kk++) {
            for (let jj = 0; jj < ny; jj++) {
              for (let ii = 0; ii < nx; ii++) {
                if (mask[ii + nx * (jj + ny * kk)]) continue;
                best = Math.min(best, Math.abs(ii - i) + Math.abs(jj - j) + Math.abs(kk - k));
              }
            }
          }
          d[v] = best;
        }
      }
    }
    return d;
  }
  test("random masks, 3D and in-plane", () => {
    const r = rng(3);
    for (let trial = 0; trial < 30; trial++) {
      const size: Vec3 = [1 + Math.floor(r() * 9), 1 + Math.floor(r() * 9), 1 + Math.floor(r() * 6)];
      const n = size[0] * size[1] * size[2];
      const p = 0.6 + 0.4 * r();
      const mask = new Uint8Array(n).map(() => (r() < p ? 1 : 0));
      for (const inPlane of [false, true]) {
        assert.deepEqual(
          [...distanceToRoiEdge(mask, size, inPlane)],
          [...bruteDistance(mask, size, inPlane)],
          `trial ${trial} size ${size} inPlane ${inPlane}`,
        );
      }
    }
  });
});

describe("GLDZM: edge cases", () => {
  test("single voxel", () => {
    for (const agg of ["2D", "2_5D", "3D"] as const) {
      const f = ibsiGldzm(roi2d(["000", "020", "000"]), null, { aggregation: agg });
      assert.equal(f[`dzm_sde_${agg}`], 1);
      assert.equal(f[`dzm_lde_${agg}`], 1);
      assert.equal(f[`dzm_hgze_${agg}`], 4);
      assert.equal(f[`dzm_z_perc_${agg}`], 1);
      assert.equal(f[`dzm_gl_var_${agg}`], 0);
      assert.equal(f[`dzm_zd_entr_${agg}`], 0);
    }
  });
  test("flat 3 x 3 x 3 ROI: one zone per slice in 2D, one zone in 3D", () => {
    const roi = flatRoi([3, 3, 3], 1);
    assert.deepEqual(matrixCells(gldzmMatrices(roi, null, "3D")[0]!), ["1,1:1"]);
    const ms = gldzmMatrices(roi, null, "2D");
    assert.equal(ms.length, 3);
    for (const m of ms) assert.deepEqual(matrixCells(m), ["1,1:1"]);
    const f = ibsiGldzm(roi, null, { aggregation: "2_5D" });
    close(f.dzm_z_perc_2_5D!, 3 / 27);
    close(ibsiGldzm(roi, null, { aggregation: "2D" }).dzm_z_perc_2D!, 1 / 9);
  });
  test("2D skips slices without ROI voxels", () => {
    const levels = new Int32Array(18);
    levels[4] = 1; // slice 0 centre
    const ms = gldzmMatrices({ levels, nLevels: 1, size: [3, 3, 2], spacing: [1, 1, 1] }, null, "2D");
    assert.equal(ms.length, 1);
  });
  test("errors", () => {
    const roi = roi2d(TOY);
    assert.throws(() => ibsiGldzm(roi, new Uint8Array(25), { aggregation: "2D" }), InputError);
    assert.throws(() => ibsiGldzm(roi, new Uint8Array(3), { aggregation: "2D" }), InputError);
    assert.throws(() => ibsiGldzm(roi, null, { aggregation: "4D" as never }), InputError);
    assert.throws(() => ibsiGldzm({ ...roi, nLevels: 2 }, null, { aggregation: "3D" }), InputError);
    assert.throws(() => ibsiGldzm(roi2d(["000"], 1), null, { aggregation: "3D" }), EmptyRoiError);
  });
});

// --- IBSI 1 reference data -------------------------------------------------------------------------

describe("GLDZM: IBSI 1 digital phantom", () => {
  test("every dzm_* reference value, 2D, 2.5D and 3D", {
    skip: skipUnlessData("ibsi", "digital_phantom", "phantom.nii.gz"),
  }, () => {
    const { roi, crop } = digitalPhantom();
    compareAggregations("digital_phantom", "dzm_", 48, ["2D", "2_5D", "3D"] as const, (aggregation) =>
      ibsiGldzm(roi, crop.mask.data, { aggregation }),
    );
  });
});

describe("GLDZM: IBSI 1 config A (CT phantom)", () => {
  test("every dzm_* reference value, 2D and 2.5D", {
    skip: skipUnlessData("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz"),
  }, () => {
    // Distance map from the morphological mask (the ROI), zones from the re-segmented intensity mask.
    const { roi, morph } = configARoi();
    compareAggregations("config_A", "dzm_", 32, CONFIG_A_ZONE_AGGREGATIONS, (aggregation) =>
      ibsiGldzm(roi, morph, { aggregation }),
    );
  });
});
