import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EmptyRoiError, InputError } from "../../src/errors.js";
import { ibsiNgldm, ngldmDependence, ngldmMatrices } from "../../src/features/ngldm.js";
import type { DiscretisedRoi } from "../../src/features/types.js";
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

const TOY = [["112", "122", "322"]];

describe("NGLDM: hand-computed 2D example", () => {
  test("dependence counts, alpha 0", () => {
    // row-major (i fastest): j_k includes the voxel itself
    assert.deepEqual([...ngldmDependence(levelsRoi(TOY), true)], [3, 3, 3, 3, 5, 5, 1, 4, 4]);
    assert.deepEqual(matrixCells(ngldmMatrices(levelsRoi(TOY), { aggregation: "2D" })[0]!), [
      "1,3:3",
      "2,3:1",
      "2,4:2",
      "2,5:2",
      "3,1:1",
    ]);
  });
  test("dependence counts, alpha 1", () => {
    assert.deepEqual([...ngldmDependence(levelsRoi(TOY), true, 1, 1)], [4, 6, 4, 5, 9, 6, 3, 6, 4]);
  });
  test("features", () => {
    const f = ibsiNgldm(levelsRoi(TOY), { aggregation: "2D" });
    const ns = 9;
    close(f.ngl_lde_2D!, (3 / 9 + 1 / 9 + 2 / 16 + 2 / 25 + 1) / ns);
    close(f.ngl_hde_2D!, (3 * 9 + 9 + 2 * 16 + 2 * 25 + 1) / ns);
    close(f.ngl_lgce_2D!, (3 + 5 / 4 + 1 / 9) / ns);
    close(f.ngl_hgce_2D!, (3 + 5 * 4 + 9) / ns);
    close(f.ngl_ldlge_2D!, (3 / 9 + 1 / 36 + 2 / 64 + 2 / 100 + 1 / 9) / ns); // s / (i^2 j^2)
    close(f.ngl_hdlge_2D!, (27 + 9 / 4 + 32 / 4 + 50 / 4 + 1 / 9) / ns); // s j^2 / i^2
    close(f.ngl_ldhge_2D!, (3 / 9 + 4 / 9 + (4 * 2) / 16 + (4 * 2) / 25 + 9) / ns); // s i^2 / j^2
    close(f.ngl_hdhge_2D!, (3 * 9 + 4 * 9 + 4 * 2 * 16 + 4 * 2 * 25 + 9) / ns);
    close(f.ngl_glnu_2D!, (9 + 25 + 1) / ns);
    close(f.ngl_glnu_norm_2D!, (9 + 25 + 1) / ns ** 2);
    close(f.ngl_dcnu_2D!, (1 + 16 + 4 + 4) / ns);
    close(f.ngl_dcnu_norm_2D!, (1 + 16 + 4 + 4) / ns ** 2);
    assert.equal(f.ngl_dc_perc_2D, 1);
    const mu = (3 + 10 + 3) / ns;
    close(f.ngl_gl_var_2D!, (3 * (1 - mu) ** 2 + 5 * (2 - mu) ** 2 + (3 - mu) ** 2) / ns);
    const muJ = (9 + 3 + 8 + 10 + 1) / ns;
    close(
      f.ngl_dc_var_2D!,
      (4 * (3 - muJ) ** 2 + 2 * (4 - muJ) ** 2 + 2 * (5 - muJ) ** 2 + (1 - muJ) ** 2) / ns,
    );
    const p = [3, 1, 2, 2, 1].map((c) => c / ns);
    close(f.ngl_dc_entr_2D!, -p.reduce((s, x) => s + x * Math.log2(x), 0));
    close(f.ngl_dc_energy_2D!, (9 + 1 + 4 + 4 + 1) / ns ** 2);
    assert.equal(Object.keys(f).length, 17);
  });
  test("neighbours outside the ROI do not count", () => {
    // the 0 is outside: every voxel next to it loses one dependent neighbour
    assert.deepEqual(
      [...ngldmDependence(levelsRoi([["101", "111", "111"]]), true)],
      [3, 0, 3, 5, 8, 5, 4, 6, 4],
    );
  });
  test("2D (in-plane) vs 3D neighbourhoods", () => {
    const roi = levelsRoi([
      ["11", "11"],
      ["11", "11"],
    ]);
    assert.deepEqual([...ngldmDependence(roi, true)], new Array(8).fill(4));
    assert.deepEqual([...ngldmDependence(roi, false)], new Array(8).fill(8));
    const f2 = ibsiNgldm(roi, { aggregation: "2D" });
    const f25 = ibsiNgldm(roi, { aggregation: "2_5D" });
    close(f2.ngl_hde_2D!, 16);
    close(f25.ngl_hde_2_5D!, 16);
    close(ibsiNgldm(roi, { aggregation: "3D" }).ngl_hde_3D!, 64);
  });
});

describe("NGLDM: against a brute-force count", () => {
  test("random 3D ROIs, distance 1 and 2, alpha 0 and 1", () => {
    const r = rng(5);
    for (let trial = 0; trial < 20; trial++) {
      const size: Vec3 = [1 + Math.floor(r() * 7), 1 + Math.floor(r() * 7), 1 + Math.floor(r() * 5)];
      const [nx, ny, nz] = size;
      const levels = new Int32Array(nx * ny * nz).map(() => (r() < 0.2 ? 0 : 1 + Math.floor(r() * 4)));
      const roi: DiscretisedRoi = { levels, nLevels: 4, size, spacing: [1, 1, 1] };
      for (const inPlane of [false, true]) {
        for (const delta of [1, 2]) {
          for (const alpha of [0, 1]) {
            const got = ngldmDependence(roi, inPlane, delta, alpha);
            for (let v = 0; v < levels.length; v++) {
              const i = v % nx;
              const j = Math.floor(v / nx) % ny;
              const k = Math.floor(v / (nx * ny));
              let want = 0;
              if (levels[v]) {
                for (let w = 0; w < levels.length; w++) {
                  const ii = w % nx;
                  const jj = Math.floor(w / nx) % ny;
                  const kk = Math.floor(w / (nx * ny));
                  if (inPlane && kk !== k) continue;
                  if (Math.max(Math.abs(ii - i), Math.abs(jj - j), Math.abs(kk - k)) > delta) continue;
                  if (levels[w] && Math.abs(levels[w]! - levels[v]!) <= alpha) want++;
                }
              }
              assert.equal(
                got[v],
                want,
                `trial ${trial} voxel ${v} inPlane ${inPlane} delta ${delta} alpha ${alpha}`,
              );
            }
          }
        }
      }
    }
  });
});

describe("NGLDM: edge cases", () => {
  test("single voxel", () => {
    for (const aggregation of ["2D", "2_5D", "3D"] as const) {
      const f = ibsiNgldm(levelsRoi([["000", "030", "000"]]), { aggregation });
      assert.equal(f[`ngl_lde_${aggregation}`], 1);
      assert.equal(f[`ngl_hde_${aggregation}`], 1);
      assert.equal(f[`ngl_hgce_${aggregation}`], 9);
      assert.equal(f[`ngl_dc_entr_${aggregation}`], 0);
      assert.equal(f[`ngl_dc_energy_${aggregation}`], 1);
    }
  });
  test("flat 3 x 3 x 3 ROI touching the grid border", () => {
    const roi = flatRoi([3, 3, 3], 1);
    // corners 8, edges 12, faces 18, centre 27 neighbours (self included)
    assert.deepEqual(matrixCells(ngldmMatrices(roi, { aggregation: "3D" })[0]!), [
      "1,8:8",
      "1,12:12",
      "1,18:6",
      "1,27:1",
    ]);
    assert.equal(ngldmMatrices(roi, { aggregation: "2D" }).length, 3);
  });
  test("errors", () => {
    const roi = levelsRoi(TOY);
    assert.throws(() => ibsiNgldm(roi, { aggregation: "2D", distance: 0 }), InputError);
    assert.throws(() => ibsiNgldm(roi, { aggregation: "2D", alpha: -1 }), InputError);
    assert.throws(() => ibsiNgldm({ ...roi, nLevels: 2 }, { aggregation: "2D" }), InputError);
    assert.throws(() => ibsiNgldm({ ...roi, size: [2, 2, 1] }, { aggregation: "2D" }), InputError);
    assert.throws(() => ibsiNgldm(levelsRoi([["00"]], 1), { aggregation: "3D" }), EmptyRoiError);
  });
});

// --- IBSI 1 reference data -------------------------------------------------------------------------

describe("NGLDM: IBSI 1 digital phantom", () => {
  test("every ngl_* reference value, 2D, 2.5D and 3D (distance 1, alpha 0)", {
    skip: skipUnlessData("ibsi", "digital_phantom", "phantom.nii.gz"),
  }, () => {
    const { roi } = digitalPhantom();
    compareAggregations("digital_phantom", "ngl_", 51, ["2D", "2_5D", "3D"] as const, (aggregation) =>
      ibsiNgldm(roi, { aggregation, distance: 1, alpha: 0 }),
    );
  });
});

describe("NGLDM: IBSI 1 config A (CT phantom)", () => {
  test("every ngl_* reference value, 2D and 2.5D", {
    skip: skipUnlessData("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz"),
  }, () => {
    const { roi } = configARoi();
    compareAggregations("config_A", "ngl_", 34, CONFIG_A_ZONE_AGGREGATIONS, (aggregation) =>
      ibsiNgldm(roi, { aggregation }),
    );
  });
});
