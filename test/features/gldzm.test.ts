import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EmptyRoiError, InputError } from "../../src/errors.js";
import {
  type CountMatrix,
  distanceToRoiEdge,
  gldzmMatrices,
  ibsiGldzm,
  labelZones,
} from "../../src/features/gldzm.js";
import type { DiscretisedRoi } from "../../src/features/types.js";
import type { Vec3 } from "../../src/image/volume.js";
import { skipUnlessData } from "../helpers/data.js";
import { compareRefs, configARoi, digitalPhantom, ibsiReferences } from "../helpers/ibsi.js";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `got ${a}, expected ${b}`);

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 2D ROI from rows of levels (row j = one string of digits; 0 = outside). */
function roi2d(rows: string[], nLevels?: number): DiscretisedRoi {
  const ny = rows.length;
  const nx = rows[0]!.length;
  const levels = new Int32Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) levels[i + nx * j] = Number(rows[j]![i]);
  return { levels, nLevels: nLevels ?? Math.max(...levels), size: [nx, ny, 1], spacing: [1, 1, 1] };
}

/** Non-zero cells of a count matrix as "i,j:count". */
function cells(m: CountMatrix): string[] {
  const out: string[] = [];
  for (let a = 0; a < m.nLevels; a++) {
    for (let b = 0; b < m.nCols; b++) {
      const c = m.counts[a * m.nCols + b]!;
      if (c) out.push(`${a + 1},${b + 1}:${c}`);
    }
  }
  return out;
}

// 5 x 5 slice: distance rings 1 (border), 2, 3 (centre). Zones: the level-1 ring (15 voxels, d 1),
// the level-2 inner ring (8, d 2), the level-3 centre (d 3) and a level-3 corner voxel (d 1).
const TOY = ["11111", "12221", "12321", "12221", "11113"];

describe("GLDZM: hand-computed 2D example", () => {
  test("matrix", () => {
    const ms = gldzmMatrices(roi2d(TOY), null, "2D");
    assert.equal(ms.length, 1);
    assert.deepEqual(cells(ms[0]!), ["1,1:1", "2,2:1", "3,1:1", "3,3:1"]);
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
    assert.deepEqual(cells(ms[0]!), ["1,1:1", "2,1:1", "3,1:2"]);
  });
  test("zero padding around the ROI changes nothing", () => {
    const base = roi2d(TOY);
    const padded = roi2d(["0000000", ...TOY.map((r) => `0${r}0`), "0000000"]);
    assert.deepEqual(
      cells(gldzmMatrices(padded, null, "2D")[0]!),
      cells(gldzmMatrices(base, null, "2D")[0]!),
    );
  });
  test("distance from the morphological mask, zones from the intensity mask", () => {
    // centre voxel removed from the intensity mask only: no edge appears there
    const roi = roi2d(["11111", "12221", "12021", "12221", "11113"]);
    const morph = new Uint8Array(25).fill(1);
    assert.deepEqual(cells(gldzmMatrices(roi, morph, "2D")[0]!), ["1,1:1", "2,2:1", "3,1:1"]);
    // same hole in the morphological mask: the inner ring now touches the edge
    assert.deepEqual(cells(gldzmMatrices(roi, null, "2D")[0]!), ["1,1:1", "2,1:1", "3,1:1"]);
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
    const roi: DiscretisedRoi = {
      levels: new Int32Array(27).fill(1),
      nLevels: 1,
      size: [3, 3, 3],
      spacing: [1, 1, 1],
    };
    assert.deepEqual(cells(gldzmMatrices(roi, null, "3D")[0]!), ["1,1:1"]);
    const ms = gldzmMatrices(roi, null, "2D");
    assert.equal(ms.length, 3);
    for (const m of ms) assert.deepEqual(cells(m), ["1,1:1"]);
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
    const got = {};
    for (const aggregation of ["2D", "2_5D", "3D"] as const) {
      Object.assign(got, ibsiGldzm(roi, crop.mask.data, { aggregation }));
    }
    const refs = ibsiReferences("digital_phantom").filter((r) => r.tag.startsWith("dzm_"));
    assert.equal(refs.length, 48);
    compareRefs("digital phantom GLDZM", refs, got);
  });
});

describe("GLDZM: IBSI 1 config A (CT phantom)", () => {
  test("every dzm_* reference value, 2D and 2.5D", {
    skip: skipUnlessData("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz"),
  }, () => {
    // Distance map from the morphological mask (the ROI), zones from the re-segmented intensity mask.
    const { roi, morph } = configARoi();
    const got = {};
    for (const aggregation of ["2D", "2_5D"] as const) {
      Object.assign(got, ibsiGldzm(roi, morph, { aggregation }));
    }
    const refs = ibsiReferences("config_A").filter((r) => r.tag.startsWith("dzm_"));
    assert.equal(refs.length, 32);
    compareRefs("config A GLDZM", refs, got);
  });
});
