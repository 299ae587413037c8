import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InputError } from "../../src/errors.js";
import {
  type IbsiGrid,
  ibsiInterpolateImage,
  ibsiInterpolateMask,
  ibsiInterpolationGrid,
  roundHalfEven,
  sampleOnGrid,
} from "../../src/image/interpolate.js";
import { type Mat3, type Vec3, Volume } from "../../src/image/volume.js";
import { rng } from "../helpers/ibsi.js";

const close = (a: number, b: number, tol = 1e-12, what = "") =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what} got ${a}, expected ${b}`);

/** A volume whose voxel (i, j, k) holds f(i, j, k). */
function volumeOf(
  size: Vec3,
  spacing: Vec3,
  f: (i: number, j: number, k: number) => number,
): Volume<Float64Array> {
  const data = new Float64Array(size[0] * size[1] * size[2]);
  let p = 0;
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++) for (let i = 0; i < size[0]; i++) data[p++] = f(i, j, k);
  return new Volume(data, { size, spacing });
}

/** Original-index coordinate of new grid point q along axis a. */
const coord = (g: IbsiGrid, a: number, q: number) => g.start[a]! + q * g.step[a]!;

describe("IBSI interpolation grid (026Q, QCY4)", () => {
  test("the manual's example: 4 x 4 at 3 mm to 2 mm gives 6 x 6, centres aligned", () => {
    const g = ibsiInterpolationGrid(
      { size: [4, 4, 1], spacing: [3, 3, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
      [2, 2, null],
    );
    assert.deepEqual(g.size, [6, 6, 1]);
    assert.deepEqual(g.spacing, [2, 2, 1]);
    close(g.step[0], 2 / 3);
    // x_b,g = (n_a - 1 - s_b/s_a (n_b - 1)) / 2 = (3 - 10/3) / 2
    close(g.start[0], -1 / 6);
    // the grid centres coincide: original centre 1.5 (index), new centre start + step * 2.5
    close(coord(g, 0, 2.5), 1.5);
    assert.deepEqual(g.kept, [false, false, true]);
    assert.equal(g.start[2], 0);
    assert.equal(g.step[2], 1);
  });

  test("grid size is the ceiling of the fractional size; centres align for random grids", () => {
    const r = rng(5);
    for (let t = 0; t < 200; t++) {
      const na = 1 + Math.floor(r() * 300);
      const sa = 0.3 + r() * 4;
      const sb = 0.3 + r() * 4;
      const g = ibsiInterpolationGrid(
        { size: [na, 1, 1], spacing: [sa, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
        [sb, null, null],
      );
      const nb = g.size[0];
      assert.ok(
        nb >= (na * sa) / sb - 1e-9 && nb - 1 < (na * sa) / sb + 1e-9,
        `n_a ${na} s_a ${sa} s_b ${sb}: n_b ${nb}`,
      );
      // world extent is centred: mean of first and last new points = centre of the original grid
      close((coord(g, 0, 0) + coord(g, 0, nb - 1)) / 2, (na - 1) / 2, 1e-9);
      close(g.step[0] * sa, sb, 1e-12);
    }
  });

  test("rounding noise does not add a voxel; a kept or equal spacing leaves the axis alone", () => {
    // 10 x 0.3 / 0.1 = 30.000000000000004 in floating point: 30 voxels, not 31
    const geom = {
      size: [10, 204, 60] as Vec3,
      spacing: [0.3, 0.977, 3] as Vec3,
      origin: [0, 0, 0] as Vec3,
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as Mat3,
    };
    const g = ibsiInterpolationGrid(geom, [0.1, 0.977, null]);
    assert.deepEqual(g.size, [30, 204, 60]);
    assert.deepEqual(g.kept, [false, true, true]);
    assert.deepEqual([g.start[1], g.step[1]], [0, 1]);
  });

  test("CT phantom geometry, config B (2 x 2 mm in-plane): 100 x 99 x 60", () => {
    const g = ibsiInterpolationGrid(
      {
        size: [204, 201, 60],
        spacing: [0.977, 0.977, 3],
        origin: [0, 0, 0],
        direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      },
      [2, 2, null],
    );
    assert.deepEqual(g.size, [100, 99, 60]); // ceil(99.654), ceil(98.19)
    const g3 = ibsiInterpolationGrid(
      {
        size: [204, 201, 60],
        spacing: [0.977, 0.977, 3],
        origin: [0, 0, 0],
        direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      },
      [2, 2, 2],
    );
    assert.deepEqual(g3.size, [100, 99, 90]);
  });

  test("world geometry: same direction, centres coincide in world coordinates", () => {
    const d: Mat3 = [0, -1, 0, 1, 0, 0, 0, 0, -1]; // a rotation with a flip
    const src = new Volume(new Float64Array(7 * 5 * 3), {
      size: [7, 5, 3],
      spacing: [0.8, 1.3, 2.5],
      origin: [10, -20, 5],
      direction: d,
    });
    const out = ibsiInterpolateImage(src, [2, 0.5, null], { method: "linear" });
    assert.deepEqual(out.direction, d);
    assert.deepEqual(out.spacing, [2, 0.5, 2.5]);
    const c0 = src.indexToWorld([(7 - 1) / 2, (5 - 1) / 2, (3 - 1) / 2]);
    const c1 = out.indexToWorld(out.size.map((n) => (n - 1) / 2));
    for (let a = 0; a < 3; a++) close(c1[a]!, c0[a]!, 1e-12);
  });

  test("invalid spacing", () => {
    const v = new Volume(new Float64Array(8), { size: [2, 2, 2] });
    assert.throws(() => ibsiInterpolationGrid(v, [0, 1, 1]), InputError);
    assert.throws(() => ibsiInterpolationGrid(v, [Number.NaN, 1, 1]), InputError);
    assert.throws(
      () =>
        ibsiInterpolateMask(new Volume(new Uint8Array(8), { size: [2, 2, 2] }), [1, 1, 1], { threshold: 0 }),
      InputError,
    );
  });
});

describe("trilinear / bilinear interpolation", () => {
  // f is trilinear in (i, j, k) (cross terms included), so trilinear interpolation reproduces it exactly
  const f = (i: number, j: number, k: number) =>
    1 + 2 * i - 3 * j + 0.5 * k + 0.25 * i * j - 0.125 * i * j * k;
  const clamp = (x: number, n: number) => Math.min(Math.max(x, 0), n - 1);

  test("exact on trilinear functions; beyond the grid the nearest boundary value (clamped coordinate)", () => {
    const size: Vec3 = [9, 7, 5];
    const src = volumeOf(size, [0.977, 0.977, 3], f);
    let worst = 0;
    for (const target of [
      [2, 2, 2],
      [0.5, 0.7, 1.3],
      [3.1, 0.4, 4],
    ] as const) {
      const g = ibsiInterpolationGrid(src, target);
      const out = sampleOnGrid(src, g, "linear");
      let p = 0;
      for (let k = 0; k < g.size[2]; k++) {
        for (let j = 0; j < g.size[1]; j++) {
          for (let i = 0; i < g.size[0]; i++, p++) {
            const want = f(clamp(coord(g, 0, i), 9), clamp(coord(g, 1, j), 7), clamp(coord(g, 2, k), 5));
            worst = Math.max(worst, Math.abs(out[p]! - want));
          }
        }
      }
    }
    console.log(`trilinear vs exact trilinear function: max |diff| = ${worst}`);
    assert.ok(worst < 1e-11);
  });

  test("in-plane (bilinear): slices stay where they are and are not mixed", () => {
    const src = volumeOf([6, 5, 4], [1, 1, 3], f);
    const out = ibsiInterpolateImage(src, [0.6, 1.7, null], { method: "linear" });
    assert.equal(out.size[2], 4);
    assert.deepEqual(out.origin.slice(2), [0]);
    const g = ibsiInterpolationGrid(src, [0.6, 1.7, null]);
    for (let k = 0; k < 4; k++) {
      for (let j = 0; j < out.size[1]; j++) {
        for (let i = 0; i < out.size[0]; i++) {
          const want = f(clamp(coord(g, 0, i), 6), clamp(coord(g, 1, j), 5), k);
          close(out.get(i, j, k), want, 1e-12, `(${i}, ${j}, ${k})`);
        }
      }
    }
  });

  test("rounding (68QD) gives integers; 2 mm -> 1 mm doubles the grid", () => {
    const r = rng(2);
    const src = volumeOf([5, 4, 3], [2, 2, 2], () => Math.round(2000 * r() - 1000));
    const out = ibsiInterpolateImage(src, [1, 1, 1], { method: "linear", round: true });
    assert.deepEqual(out.size, [10, 8, 6]);
    const raw = ibsiInterpolateImage(src, [1, 1, 1], { method: "linear" });
    let fractional = 0;
    for (let v = 0; v < out.count; v++) {
      assert.ok(Number.isInteger(out.data[v]!));
      assert.equal(out.data[v], roundHalfEven(raw.data[v]!));
      if (!Number.isInteger(raw.data[v]!)) fractional++;
    }
    assert.ok(fractional > 0);
  });

  test("nearest neighbour picks the closest original voxel", () => {
    const src = volumeOf([4, 1, 1], [3, 1, 1], (i) => 10 * i);
    const g = ibsiInterpolationGrid(src, [2, null, null]);
    const out = sampleOnGrid(src, g, "nearest");
    const want = [...Array(g.size[0]).keys()].map(
      (q) => 10 * Math.min(3, Math.max(0, Math.floor(coord(g, 0, q) + 0.5))),
    );
    assert.deepEqual([...out], want);
  });

  test("round half to even", () => {
    assert.deepEqual(
      [2.5, 3.5, -2.5, -0.5, 1.2, -1.7, 0.49999999999999994].map(roundHalfEven),
      [2, 4, -2, -0, 1, -2, 0],
    );
  });
});

describe("cubic B-spline interpolation (tricubic)", () => {
  /**
   * Independent 1D reference: the B-spline coefficients of the edge-padded signal from the tridiagonal
   * system (c[i-1] + 4 c[i] + c[i+1]) / 6 = p[i] with mirror boundaries, solved by the Thomas algorithm,
   * then the spline evaluated directly.
   */
  function reference1d(x: Float64Array, pad: number, at: number[]): number[] {
    const n = x.length + 2 * pad;
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) p[i] = x[Math.min(Math.max(i - pad, 0), x.length - 1)]!;
    // rows: a c[i-1] + b c[i] + c c[i+1] = 6 p[i]; mirror: c[-1] = c[1], c[n] = c[n-2]
    const lower = new Float64Array(n).fill(1);
    const diag = new Float64Array(n).fill(4);
    const upper = new Float64Array(n).fill(1);
    upper[0] = 2;
    lower[n - 1] = 2;
    const rhs = p.map((v) => 6 * v);
    for (let i = 1; i < n; i++) {
      const m = lower[i]! / diag[i - 1]!;
      diag[i] = diag[i]! - m * upper[i - 1]!;
      rhs[i] = rhs[i]! - m * rhs[i - 1]!;
    }
    const c = new Float64Array(n);
    c[n - 1] = rhs[n - 1]! / diag[n - 1]!;
    for (let i = n - 2; i >= 0; i--) c[i] = (rhs[i]! - upper[i]! * c[i + 1]!) / diag[i]!;
    const beta = (t: number) => {
      const a = Math.abs(t);
      if (a < 1) return 2 / 3 - a * a + (a * a * a) / 2;
      if (a < 2) return (2 - a) ** 3 / 6;
      return 0;
    };
    const mirror = (i: number) => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);
    return at.map((xa) => {
      const xp = xa + pad;
      const i0 = Math.floor(xp);
      let s = 0;
      for (let k = i0 - 1; k <= i0 + 2; k++) s += c[mirror(k)]! * beta(xp - k);
      return s;
    });
  }

  test("1D: against a direct tridiagonal solve and B-spline evaluation", () => {
    const r = rng(4);
    let worst = 0;
    for (const [na, sa, sb] of [
      [9, 1, 0.7],
      [20, 0.977, 2],
      [3, 2, 0.5],
      [40, 1, 1.9],
    ] as const) {
      const src = volumeOf([na, 1, 1], [sa, 1, 1], () => Math.round(1000 * r() - 500));
      const g = ibsiInterpolationGrid(src, [sb, null, null]);
      const ours = sampleOnGrid(src, g, "cubic");
      const ref = reference1d(
        src.data,
        12,
        [...Array(g.size[0]).keys()].map((q) => coord(g, 0, q)),
      );
      for (let q = 0; q < ref.length; q++) worst = Math.max(worst, Math.abs(ours[q]! - ref[q]!));
    }
    console.log(`cubic B-spline vs direct solve: max |diff| = ${worst}`);
    assert.ok(worst < 1e-9);
  });

  test("3D is the separable product: reproduces the samples at the original points and linear ramps inside", () => {
    const f = (i: number, j: number, k: number) => 3 * i - 2 * j + 5 * k + 7;
    const src = volumeOf([30, 28, 26], [1, 1, 1], f);
    // a grid with start 0 and step 1 on every axis (not "kept"): the spline interpolates the samples
    const ident: IbsiGrid = {
      ...ibsiInterpolationGrid(src, [null, null, null]),
      kept: [false, false, false],
    };
    const same = sampleOnGrid(src, ident, "cubic");
    let worst = 0;
    for (let v = 0; v < same.length; v++) worst = Math.max(worst, Math.abs(same[v]! - src.data[v]!));
    assert.ok(worst < 1e-9, `samples at the knots differ by ${worst}`);
    // linear functions are reproduced away from the edge-padded boundary (errors decay as 0.268^d)
    const g = ibsiInterpolationGrid(src, [0.7, 1.3, 0.9]);
    const out = sampleOnGrid(src, g, "cubic");
    let p = 0;
    let inner = 0;
    for (let k = 0; k < g.size[2]; k++) {
      for (let j = 0; j < g.size[1]; j++) {
        for (let i = 0; i < g.size[0]; i++, p++) {
          const x = [coord(g, 0, i), coord(g, 1, j), coord(g, 2, k)];
          if (x.some((c, a) => c < 11 || c > src.size[a]! - 12)) continue;
          inner++;
          close(out[p]!, f(x[0]!, x[1]!, x[2]!), 1e-5, `(${x})`);
        }
      }
    }
    assert.ok(inner > 50);
  });
});

describe("ROI interpolation and the partial-volume threshold (E8H9)", () => {
  test("1D: linear mask fractions thresholded at 0.5", () => {
    // n_a 4, 1 mm -> 0.5 mm: 8 points at -0.25, 0.25, ..., 3.25; fractions 0, .25, .75, 1, 1, .75, .25, 0
    const m = new Volume(Uint8Array.of(0, 1, 1, 0), { size: [4, 1, 1] });
    assert.deepEqual([...ibsiInterpolateMask(m, [0.5, null, null]).data], [0, 0, 1, 1, 1, 1, 0, 0]);
    assert.deepEqual(
      [...ibsiInterpolateMask(m, [0.5, null, null], { threshold: 0.8 }).data],
      [0, 0, 0, 1, 1, 0, 0, 0],
    );
    assert.deepEqual(
      [...ibsiInterpolateMask(m, [0.5, null, null], { threshold: 0.2 }).data],
      [0, 1, 1, 1, 1, 1, 1, 0],
    );
  });

  test("a fraction of 0.5 is in the ROI, also when it comes out as 0.4999999999999998", () => {
    // n_a 2, 1 mm -> 0.4 mm: n_b 5, start -0.3, the third point is 0.5
    const m = new Volume(Uint8Array.of(1, 0), { size: [2, 1, 1] });
    assert.deepEqual([...ibsiInterpolateMask(m, [0.4, null, null]).data], [1, 1, 1, 0, 0]);
    const m2 = new Volume(Uint8Array.of(0, 1), { size: [2, 1, 1] });
    assert.deepEqual([...ibsiInterpolateMask(m2, [0.4, null, null]).data], [0, 0, 1, 1, 1]);
    // n_a 4, 0.3 mm -> 0.2 mm: n_b 6, the second point lies at 0.4999999999999998 in floating point
    const geom = { size: [4, 1, 1] as Vec3, spacing: [0.3, 1, 1] as Vec3 };
    const g = ibsiInterpolationGrid({ ...geom, origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, [
      0.2,
      null,
      null,
    ]);
    assert.equal(g.size[0], 6);
    assert.ok(coord(g, 0, 1) < 0.5 && coord(g, 0, 1) > 0.5 - 1e-15);
    const m3 = new Volume(Uint8Array.of(0, 1, 0, 0), geom);
    // points -1/6, 0.5, 7/6, 11/6, 2.5, 19/6: fractions 0, 0.5, 5/6, 1/6, 0, 0
    assert.deepEqual([...ibsiInterpolateMask(m3, [0.2, null, null]).data], [0, 1, 1, 0, 0, 0]);
  });

  test("3D: the thresholded mask equals thresholding the interpolated 0/1 image; labels count as 1", () => {
    const r = rng(8);
    const size: Vec3 = [8, 7, 6];
    const lab = new Int16Array(size[0] * size[1] * size[2]).map(() => (r() < 0.5 ? 0 : 3));
    const mask = new Volume(lab, { size, spacing: [0.9, 1.1, 2.5] });
    const target = [0.6, 1.5, 1.2] as const;
    const got = ibsiInterpolateMask(mask, target);
    const frac = ibsiInterpolateImage(mask.withData(Float64Array.from(lab, (v) => (v ? 1 : 0))), target, {
      method: "linear",
    });
    assert.deepEqual(got.size, frac.size);
    let n = 0;
    for (let v = 0; v < got.count; v++) {
      assert.equal(got.data[v], frac.data[v]! >= 0.5 - 1e-12 ? 1 : 0);
      n += got.data[v]!;
    }
    assert.ok(n > 0 && n < got.count);
  });
});
