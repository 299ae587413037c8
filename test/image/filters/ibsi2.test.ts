/**
 * IBSI 2 convolutional filters from first principles: boundary modes on tiny hand-checked arrays,
 * impulse responses equal to the kernels written out from the manual's formulas, the mean filter on a
 * constant image, orthonormal wavelet energy conservation and perfect reconstruction, rotation
 * invariance on the IBSI 2 orientation phantom, and work restricted to an ROI box equal to the whole.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fft, fftn, ifft } from "../../../src/image/filters/ibsi2/fft.js";
import {
  gaborFilter,
  lawsFilter,
  logFilter,
  meanFilter,
  simoncelliFilter,
  waveletFilter,
} from "../../../src/image/filters/ibsi2/filters.js";
import {
  type BoundaryMode,
  boundaryIndex,
  convolveAxis,
  convolveSeparable,
  type Grid,
} from "../../../src/image/filters/ibsi2/grid.js";
import { applyFilter, parseFilterSpec } from "../../../src/image/filters/ibsi2/index.js";
import { lawsKernel, WAVELET_NAMES, waveletFilters } from "../../../src/image/filters/ibsi2/kernels.js";
import { orientations } from "../../../src/image/filters/ibsi2/rotation.js";
import { Volume } from "../../../src/image/volume.js";
import { readImage } from "../../../src/io/read.js";
import { Random } from "../../../src/stats/random.js";
import { dataPath, skipUnlessData } from "../../helpers/data.js";

function line(values: number[]): Grid {
  return { data: Float64Array.from(values), dims: [values.length, 1, 1] };
}

function randomGrid(dims: [number, number, number], seed = 7): Grid {
  const rng = new Random(seed);
  const data = new Float64Array(dims[0] * dims[1] * dims[2]);
  for (let i = 0; i < data.length; i++) data[i] = rng.next() * 100 - 50;
  return { data, dims };
}

function impulse(dims: [number, number, number], at: [number, number, number]): Grid {
  const data = new Float64Array(dims[0] * dims[1] * dims[2]);
  data[at[0] + dims[0] * (at[1] + dims[1] * at[2])] = 1;
  return { data, dims };
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what = ""): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++)
    if (!(Math.abs(a[i]! - b[i]!) <= tol)) assert.fail(`${what}[${i}]: ${a[i]} vs ${b[i]} (tol ${tol})`);
}

describe("boundary modes (hand-checked)", () => {
  test("index maps of [a b c] two voxels beyond each edge", () => {
    const pad = (mode: BoundaryMode) => [-2, -1, 0, 1, 2, 3, 4].map((i) => boundaryIndex(i, 3, mode));
    assert.deepEqual(pad("constant"), [-1, -1, 0, 1, 2, -1, -1]);
    assert.deepEqual(pad("nearest"), [0, 0, 0, 1, 2, 2, 2]);
    assert.deepEqual(pad("periodic"), [1, 2, 0, 1, 2, 0, 1]);
    // IBSI mirror: the edge voxel is repeated (b a | a b c | c b)
    assert.deepEqual(pad("mirror"), [1, 0, 0, 1, 2, 2, 1]);
  });
  test("5-tap sum of [1 2 3] in every mode", () => {
    const box = [1, 1, 1, 1, 1];
    const run = (mode: BoundaryMode) => Array.from(convolveAxis(line([1, 2, 3]), box, 0, mode).data);
    assert.deepEqual(run("constant"), [6, 6, 6]); // 0 0 1 2 3 0 0
    assert.deepEqual(run("nearest"), [8, 10, 12]); // 1 1 1 2 3 3 3
    assert.deepEqual(run("periodic"), [11, 10, 9]); // 2 3 1 2 3 1 2
    assert.deepEqual(run("mirror"), [9, 10, 11]); // 2 1 1 2 3 3 2
  });
  test("convolution (not correlation): the impulse response is the kernel, centre tap at the origin", () => {
    const r = convolveAxis(line([0, 0, 1, 0, 0]), [1, 2, 3], 0, "constant");
    assert.deepEqual(Array.from(r.data), [0, 1, 2, 3, 0]);
    // even kernels get a trailing zero: [a b] acts as [a b 0], tap a one voxel before the origin
    const e = convolveAxis(line([0, 0, 1, 0, 0]), [5, 7], 0, "constant");
    assert.deepEqual(Array.from(e.data), [0, 5, 7, 0, 0]);
  });
  test("each axis: y and z lines filtered like x lines", () => {
    const g = randomGrid([4, 5, 6]);
    const k = [0.5, -1, 2];
    for (const axis of [1, 2]) {
      const r = convolveAxis(g, k, axis, "mirror");
      // extract one line along axis and compare with the 1D result
      const [nx, ny, nz] = g.dims;
      const len = g.dims[axis]!;
      const stride = axis === 1 ? nx : nx * ny;
      const start = 1 + (axis === 1 ? nx * ny * 2 : nx * 3);
      const l = Array.from({ length: len }, (_, t) => g.data[start + t * stride]!);
      const want = convolveAxis(line(l), k, 0, "mirror").data;
      close(
        Array.from({ length: len }, (_, t) => r.data[start + t * stride]!),
        want,
        1e-12,
        `axis ${axis}`,
      );
      assert.equal(nz, 6);
    }
  });
});

describe("FFT", () => {
  test("radix-2, mixed-radix and Bluestein lengths agree with the direct DFT, and invert", () => {
    for (const n of [1, 2, 8, 5, 12, 31, 64, 97, 6, 9, 10, 15, 28, 30, 49, 60, 270]) {
      const rng = new Random(n);
      const re = Float64Array.from({ length: n }, () => rng.next() - 0.5);
      const im = Float64Array.from({ length: n }, () => rng.next() - 0.5);
      const dr = new Float64Array(n);
      const di = new Float64Array(n);
      for (let k = 0; k < n; k++)
        for (let t = 0; t < n; t++) {
          const a = (-2 * Math.PI * k * t) / n;
          dr[k]! += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
          di[k]! += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
        }
      const fr = Float64Array.from(re);
      const fi = Float64Array.from(im);
      fft(fr, fi);
      close(fr, dr, 1e-10, `re n=${n}`);
      close(fi, di, 1e-10, `im n=${n}`);
      ifft(fr, fi);
      close(fr, re, 1e-12, `inverse n=${n}`);
    }
  });
});

describe("mean filter", () => {
  test("keeps a constant image (every mode but zero padding; zero padding in the interior)", () => {
    const dims: [number, number, number] = [9, 8, 7];
    const g: Grid = { data: new Float64Array(9 * 8 * 7).fill(3.5), dims };
    for (const mode of ["nearest", "periodic", "mirror"] as const)
      close(meanFilter(g, 5, false, mode).data, g.data, 1e-12, mode);
    const z = meanFilter(g, 5, false, "constant");
    assert.ok(Math.abs(z.data[4 + 9 * (4 + 8 * 3)]! - 3.5) < 1e-12);
    assert.ok(Math.abs(z.data[0]! - (3.5 * 27) / 125) < 1e-12); // corner: 3x3x3 of 5x5x5 inside
  });
  test("impulse response: 1/M^d on the support (2D: in-plane only)", () => {
    const r = meanFilter(impulse([7, 7, 3], [3, 3, 1]), 3, true, "constant");
    for (let k = 0; k < 3; k++)
      for (let j = 0; j < 7; j++)
        for (let i = 0; i < 7; i++) {
          const want = k === 1 && Math.abs(i - 3) <= 1 && Math.abs(j - 3) <= 1 ? 1 / 9 : 0;
          assert.ok(Math.abs(r.data[i + 7 * (j + 7 * k)]! - want) < 1e-15);
        }
  });
});

describe("Laplacian of Gaussian", () => {
  test("impulse response equals the manual's kernel formula (3D and 2D)", () => {
    const s = 1.5;
    const truncate = 4;
    const n = 17;
    const c = 8;
    for (const d of [3, 2]) {
      const r = logFilter(impulse([n, n, n], [c, c, c]), [s, s, s], truncate, d === 2, "constant");
      const half = Math.floor(truncate * s + 0.5); // 6
      for (let k = 0; k < n; k++)
        for (let j = 0; j < n; j++)
          for (let i = 0; i < n; i++) {
            const x = i - c;
            const y = j - c;
            const z = k - c;
            const inside =
              Math.abs(x) <= half && Math.abs(y) <= half && (d === 3 ? Math.abs(z) <= half : z === 0);
            const r2 = x * x + y * y + (d === 3 ? z * z : 0);
            const want = inside
              ? (-1 / (s * s)) *
                (1 / (2 * Math.PI * s * s)) ** (d / 2) *
                (d - r2 / (s * s)) *
                Math.exp(-r2 / (2 * s * s))
              : 0;
            const got = r.data[i + n * (j + n * k)]!;
            assert.ok(Math.abs(got - want) < 1e-14, `d=${d} (${x},${y},${z}): ${got} vs ${want}`);
          }
    }
  });
});

describe("Laws filters", () => {
  test("kernels have unit L2 norm", () => {
    for (const name of ["L3", "E3", "S3", "L5", "E5", "S5", "W5", "R5"]) {
      const k = lawsKernel(name)!;
      assert.ok(Math.abs(k.reduce((s, v) => s + v * v, 0) - 1) < 1e-15, name);
    }
  });
  test("impulse response of E5L5S5 is E5(x) L5(y) S5(z)", () => {
    const r = lawsFilter(impulse([9, 9, 9], [4, 4, 4]), {
      kernel: ["E5", "L5", "S5"],
      rotationInvariant: false,
      pooling: "max",
      energy: false,
      distance: 7,
      mode: "constant",
    });
    const e = lawsKernel("E5")!;
    const l = lawsKernel("L5")!;
    const s = lawsKernel("S5")!;
    for (let k = 0; k < 9; k++)
      for (let j = 0; j < 9; j++)
        for (let i = 0; i < 9; i++) {
          const inside = Math.abs(i - 4) <= 2 && Math.abs(j - 4) <= 2 && Math.abs(k - 4) <= 2;
          const want = inside ? e[i - 2]! * l[j - 2]! * s[k - 2]! : 0;
          assert.ok(Math.abs(r.data[i + 9 * (j + 9 * k)]! - want) < 1e-15);
        }
  });
  test("24 distinct orientations in 3D for three different asymmetric kernels, 4 in 2D", () => {
    const a = Float64Array.from([1, 2, 3]);
    const b = Float64Array.from([4, 5, 7]);
    const c = Float64Array.from([-1, 0, 9]);
    assert.equal(orientations([a, b, c], undefined, true).length, 24);
    assert.equal(orientations([a, b], undefined, true).length, 4);
    // identical symmetric kernels: a single orientation
    const sym = Float64Array.from([1, 2, 1]);
    assert.equal(orientations([sym, sym, sym], undefined, true).length, 1);
  });
  test("energy map: mean of |response| over the (2 delta + 1)^3 neighbourhood", () => {
    const g = randomGrid([7, 7, 7]);
    const resp = lawsFilter(g, {
      kernel: ["L3", "E3", "S3"],
      rotationInvariant: false,
      pooling: "max",
      energy: false,
      distance: 1,
      mode: "periodic",
    });
    const en = lawsFilter(g, {
      kernel: ["L3", "E3", "S3"],
      rotationInvariant: false,
      pooling: "max",
      energy: true,
      distance: 1,
      mode: "periodic",
    });
    const at = (i: number, j: number, k: number) =>
      resp.data[((i + 7) % 7) + 7 * (((j + 7) % 7) + 7 * ((k + 7) % 7))]!;
    let s = 0;
    for (let dk = -1; dk <= 1; dk++)
      for (let dj = -1; dj <= 1; dj++) for (let di = -1; di <= 1; di++) s += Math.abs(at(di, 3 + dj, 6 + dk));
    assert.ok(Math.abs(en.data[0 + 7 * (3 + 7 * 6)]! - s / 27) < 1e-12);
  });
});

describe("separable wavelets", () => {
  test("coefficient tables are orthonormal (sum sqrt 2, unit norm, even shifts orthogonal)", () => {
    // the tables are PyWavelets' (the IBSI 2 reference implementations use them), which hold the
    // coefficients to about 1e-12, hence the tolerance
    const tol = 1e-11;
    for (const name of WAVELET_NAMES) {
      const { lo, hi } = waveletFilters(name)!;
      const L = lo.length;
      assert.ok(Math.abs(lo.reduce((s, v) => s + v, 0) - Math.SQRT2) < tol, `${name} sum`);
      assert.ok(Math.abs(hi.reduce((s, v) => s + v, 0)) < tol, `${name} hi sum`);
      for (let m = 0; 2 * m < L; m++) {
        let ll = 0;
        let lh = 0;
        for (let k = 0; k + 2 * m < L; k++) {
          ll += lo[k]! * lo[k + 2 * m]!;
          lh += lo[k]! * hi[k + 2 * m]!;
        }
        assert.ok(Math.abs(ll - (m === 0 ? 1 : 0)) < tol, `${name} shift ${m}`);
        if (m === 0) assert.ok(Math.abs(lh) < tol, `${name} lo.hi`);
      }
    }
  });
  test("undecimated transform: energy conserved (sum over the 8 bands = 8 |x|^2) and perfect reconstruction", () => {
    const g = randomGrid([8, 6, 10]);
    const e0 = g.data.reduce((s, v) => s + v * v, 0);
    for (const family of ["haar", "db2", "db3", "coif1"]) {
      const f = waveletFilters(family)!;
      let energy = 0;
      const rec = new Float64Array(g.data.length);
      for (const band of ["LLL", "LLH", "LHL", "LHH", "HLL", "HLH", "HHL", "HHH"]) {
        const r = waveletFilter(g, {
          family,
          band,
          level: 1,
          rotationInvariant: false,
          pooling: "mean",
          mode: "periodic",
        });
        energy += r.data.reduce((s, v) => s + v * v, 0);
        // synthesis: the time-reversed analysis filters (odd-extended as the analysis ones)
        const ks = band.split("").map((c) => {
          const k = c === "L" ? f.lo : f.hi;
          const odd = new Float64Array(k.length % 2 ? k.length : k.length + 1);
          odd.set(k);
          return odd.reverse();
        });
        const s = convolveSeparable(r, ks, "periodic");
        for (let i = 0; i < rec.length; i++) rec[i]! += s.data[i]! / 8;
      }
      assert.ok(Math.abs(energy / (8 * e0) - 1) < 1e-10, `${family} energy ${energy / (8 * e0)}`);
      close(rec, g.data, 1e-8, `${family} reconstruction`); // values up to 50: relative 2e-10
    }
  });
  test("level 2 uses the a trous filters: LLL level 2 Haar on an impulse", () => {
    const r = waveletFilter(impulse([9, 1, 1], [4, 0, 0]), {
      family: "haar",
      band: "LLL",
      level: 2,
      rotationInvariant: false,
      pooling: "mean",
      mode: "constant",
    });
    // 1D part along x: [h h] then dilated [h 0 h]; y and z see a single voxel (gain (h + h)... no: taps
    // outside the 1-voxel axes are zero-padded, so only the centre taps h*h count per axis)
    const h = Math.SQRT1_2;
    const yz = (h * h) ** 2; // centre tap of each level along y and z
    const want = new Float64Array(9);
    // x: conv of [h h 0] (offsets -1, 0) and [h 0 h 0 0] (offsets -2, 0) gives offsets -3, -2, -1, 0 * h^2
    for (const off of [-3, -2, -1, 0]) want[4 + off]! += h * h; // response at i = 4 + offset
    close(
      r.data,
      want.map((v) => v * yz),
      1e-15,
      "haar level 2",
    );
  });
});

describe("Simoncelli wavelet", () => {
  test("zero response to a constant image and linear", () => {
    // odd grids: the reference implementation's centred frequency grid has its zero on a sample only
    // there (see docs/ibsi2-compliance.md)
    const dims: [number, number, number] = [13, 11, 9];
    const c: Grid = { data: new Float64Array(13 * 11 * 9).fill(4), dims };
    for (const l of [1, 2])
      close(simoncelliFilter(c, l, false).data, new Float64Array(c.data.length), 1e-12, `level ${l}`);
    const a = randomGrid(dims, 1);
    const b = randomGrid(dims, 2);
    const sum: Grid = { data: a.data.map((v, i) => v + 2 * b.data[i]!), dims };
    const ra = simoncelliFilter(a, 1, false).data;
    const rb = simoncelliFilter(b, 1, false).data;
    close(
      simoncelliFilter(sum, 1, false).data,
      ra.map((v, i) => v + 2 * rb[i]!),
      1e-9,
      "linearity",
    );
  });
  test("passes a cosine at half the band's top frequency with gain 1 (odd grid, exact centre)", () => {
    // on an odd grid n = 2m + 1 the centred frequency grid has its zero on a sample; bin k has |w| = k / m
    const n = 17;
    const m = 8;
    const k = 4; // |w| = 1/2 = wmax / 2 at level 1: H = cos(0) = 1
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = Math.cos((2 * Math.PI * k * i) / n);
    const r = simoncelliFilter({ data, dims: [n, 1, 1] }, 1, false);
    close(r.data, data, 1e-10, "cosine");
    assert.equal(m * 2 + 1, n);
  });
});

describe("Gabor filter", () => {
  test("impulse response modulus equals the Gaussian envelope of the manual's kernel", () => {
    const n = 21;
    const c = 10;
    const sigma = 2;
    const gamma = 0.5;
    const theta = Math.PI / 3;
    const r = gaborFilter(impulse([n, n, 1], [c, c, 0]), {
      sigma,
      lambda: 3,
      gamma,
      thetas: [theta],
      pooling: "mean",
      stackAxes: [2],
      mode: "constant",
    });
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        // kernel offsets: row r = j - c, column q = i - c
        const row = j - c;
        const col = i - c;
        const u = Math.sin(theta) * row + Math.cos(theta) * col;
        const v = -Math.cos(theta) * row + Math.sin(theta) * col;
        const want = Math.exp(-(u * u + gamma * gamma * v * v) / (2 * sigma * sigma));
        assert.ok(Math.abs(r.data[i + n * j]! - want) < 1e-10, `(${i},${j})`);
      }
  });
});

function rotateZ90(v: Grid): Grid {
  // (i, j, k) -> (ny - 1 - j, i, k): a 90-degree in-plane rotation, dims (ny, nx, nz)
  const [nx, ny, nz] = v.dims;
  const out = new Float64Array(v.data.length);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) out[ny - 1 - j + ny * (i + nx * k)] = v.data[i + nx * (j + ny * k)]!;
  return { data: out, dims: [ny, nx, nz] };
}

function rotateX90(v: Grid): Grid {
  // (i, j, k) -> (i, nz - 1 - k, j): rotation about x, dims (nx, nz, ny)
  const [nx, ny, nz] = v.dims;
  const out = new Float64Array(v.data.length);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) out[i + nx * (nz - 1 - k + nz * j)] = v.data[i + nx * (j + ny * k)]!;
  return { data: out, dims: [nx, nz, ny] };
}

describe("rotation invariance on the IBSI 2 orientation phantom", () => {
  const path = dataPath("ibsi2", "digital_phantoms", "orientation", "image", "orientation.nii.gz");
  const skip = skipUnlessData("ibsi2", "digital_phantoms", "orientation");
  const load = (): Grid => {
    const v = readImage(path!);
    // a 16-slice block keeps the test fast
    const [nx, ny] = [v.nx, v.ny];
    const nz = 16;
    const data = new Float64Array(nx * ny * nz);
    for (let t = 0; t < data.length; t++) data[t] = v.data[t + nx * ny * 8]!;
    return { data, dims: [nx, ny, nz] };
  };
  test("orientation phantom is 32 x 48 x 64 (axis order as stored)", { skip }, () => {
    const v = readImage(path!);
    assert.deepEqual([v.nx, v.ny, v.nz], [32, 48, 64]);
  });
  test("rotation-invariant Laws (max pooling, energy): f(R x) = R f(x) for rotations about z and x", {
    skip,
  }, () => {
    const g = load();
    const o = {
      kernel: ["E5", "W5", "R5"],
      rotationInvariant: true,
      pooling: "max" as const,
      energy: true,
      distance: 2,
      mode: "mirror" as const,
    };
    // the phantom is a smooth gradient, which W5 and R5 annihilate; noise on it gives every kernel work
    const noisy = randomGrid(g.dims, 11);
    for (let i = 0; i < noisy.data.length; i++) noisy.data[i]! += g.data[i]!;
    for (const img of [g, noisy]) {
      const fx = lawsFilter(img, o);
      close(lawsFilter(rotateZ90(img), o).data, rotateZ90(fx).data, 1e-9, "about z");
      close(lawsFilter(rotateX90(img), o).data, rotateX90(fx).data, 1e-9, "about x");
    }
    // and not invariant without pooling over orientations
    const plain = lawsFilter(noisy, { ...o, rotationInvariant: false, energy: false });
    const rot = lawsFilter(rotateZ90(noisy), { ...o, rotationInvariant: false, energy: false });
    const want = rotateZ90(plain).data;
    assert.ok(rot.data.some((v, i) => Math.abs(v - want[i]!) > 1e-3));
  });
  test("rotation-invariant Gabor (step pi/4, average): in-plane rotation commutes with the filter", {
    skip,
  }, () => {
    const g = load();
    const o = {
      sigma: 2,
      lambda: 2,
      gamma: 0.5,
      thetas: [0, 1, 2, 3, 4, 5, 6, 7].map((t) => (t * Math.PI) / 4),
      pooling: "mean" as const,
      stackAxes: [2],
      mode: "mirror" as const,
      halfSize: 24,
    };
    const fx = gaborFilter(g, o);
    close(gaborFilter(rotateZ90(g), o).data, rotateZ90(fx).data, 1e-8, "gabor about z");
  });
  test("LoG is rotation invariant without pooling", { skip }, () => {
    const g = load();
    const fx = logFilter(g, [1.5, 1.5, 1.5], 4, false, "nearest");
    close(
      logFilter(rotateZ90(g), [1.5, 1.5, 1.5], 4, false, "nearest").data,
      rotateZ90(fx).data,
      1e-9,
      "log",
    );
  });
});

describe("applyFilter on a Volume", () => {
  const vol = (dims: [number, number, number]) => {
    const g = randomGrid(dims, 3);
    return new Volume(g.data, { size: dims, spacing: [2, 2, 2] });
  };
  test("work restricted to the ROI box plus the support gives the whole-image values in the box", () => {
    const v = vol([30, 28, 26]);
    const box = { lo: [12, 3, 10] as [number, number, number], hi: [20, 9, 15] as [number, number, number] };
    const specs = [
      { type: "log", sigma: 3, boundary: "mirror" },
      {
        type: "laws",
        kernel: "E5L5S5",
        rotationInvariant: true,
        energy: true,
        distance: 2,
        boundary: "nearest",
      },
      {
        type: "wavelet",
        family: "db2",
        band: "LHL",
        level: 2,
        rotationInvariant: true,
        boundary: "constant",
      },
      { type: "mean", support: 5, boundary: "mirror", dimensions: "2D" },
    ];
    for (const raw of specs) {
      const spec = parseFilterSpec(raw);
      const full = applyFilter(v, spec);
      const part = applyFilter(v, spec, { box });
      let checked = 0;
      for (let k = box.lo[2]; k < box.hi[2]; k++)
        for (let j = box.lo[1]; j < box.hi[1]; j++)
          for (let i = box.lo[0]; i < box.hi[0]; i++) {
            const t = i + 30 * (j + 28 * k);
            assert.ok(Math.abs(part.data[t]! - full.data[t]!) < 1e-9, `${raw.type} at ${i},${j},${k}`);
            checked++;
          }
      assert.equal(checked, 8 * 6 * 5);
    }
  });
  test("sigma in mm: LoG sigma 3 mm at 2 mm spacing is sigma 1.5 voxels", () => {
    const v = new Volume(impulse([21, 21, 21], [10, 10, 10]).data, {
      size: [21, 21, 21],
      spacing: [2, 2, 2],
    });
    const r = applyFilter(v, parseFilterSpec({ type: "log", sigma: 3, truncate: 4, boundary: "constant" }));
    const want = logFilter(impulse([21, 21, 21], [10, 10, 10]), [1.5, 1.5, 1.5], 4, false, "constant");
    close(r.data, want.data, 0, "log mm");
  });
  test("a kernel larger than the image is refused", () => {
    assert.throws(
      () => applyFilter(vol([10, 10, 10]), parseFilterSpec({ type: "mean", support: 15 })),
      /larger than the image/,
    );
  });
  test("bad settings are refused naming the key and the allowed values", () => {
    assert.throws(() => parseFilterSpec({ type: "blur" }), /filter.type.*one of mean, log/);
    assert.throws(
      () => parseFilterSpec({ type: "wavelet", family: "db9", band: "LLH" }),
      /filter.family.*one of haar/,
    );
    assert.throws(() => parseFilterSpec({ type: "mean", support: 5, sigma: 2 }), /unknown key/);
    assert.throws(
      () => parseFilterSpec({ type: "mean", support: 5, boundary: "reflect" }),
      /filter.boundary/,
    );
    assert.throws(() => parseFilterSpec({ type: "laws", kernel: "E5X5" }), /filter.kernel/);
  });
  test("fftn runs along each axis (3D transform of an impulse is flat)", () => {
    const re = impulse([4, 3, 5], [0, 0, 0]).data;
    const im = new Float64Array(re.length);
    fftn(re, im, [4, 3, 5]);
    close(re, new Float64Array(re.length).fill(1), 1e-12, "flat");
  });
});
