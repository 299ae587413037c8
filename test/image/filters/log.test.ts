/**
 * LoG (ITK LaplacianRecursiveGaussian semantics) from first principles; the PyRadiomics comparison is in
 * test/extract/log-wavelet.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  laplacianOfGaussian,
  logImageName,
  recursiveFilterLine,
  recursiveGaussianCoefficients,
} from "../../../src/image/filters/log.js";
import { Volume } from "../../../src/image/volume.js";
import { rng } from "../../helpers/ibsi.js";

function randomVolume(size: [number, number, number], spacing: [number, number, number]): Volume {
  const r = rng(7);
  const d = new Int16Array(size[0] * size[1] * size[2]);
  for (let i = 0; i < d.length; i++) d[i] = Math.floor(r() * 1000);
  return new Volume(d, { size, spacing, origin: [1, 2, 3] });
}

function filterLine(c: ReturnType<typeof recursiveGaussianCoefficients>, x: number[]): Float64Array {
  const out = new Float64Array(x.length);
  recursiveFilterLine(c, Float64Array.from(x), out, new Float64Array(x.length), x.length);
  return out;
}

test("recursive Gaussian: smoothing keeps a constant line (border extension), 2nd derivative gives 0", () => {
  const line = new Array(40).fill(7);
  const g = filterLine(recursiveGaussianCoefficients(2, 0.5, 0, true), line);
  for (const v of g) assert.ok(Math.abs(v - 7) < 1e-12, `smoothed constant ${v}`);
  const d2 = filterLine(recursiveGaussianCoefficients(2, 0.5, 2, true), line);
  for (const v of d2) assert.ok(Math.abs(v) < 1e-12, `second derivative of a constant ${v}`);
});

test("recursive Gaussian impulse response approximates the sampled Gaussian and its 2nd derivative", () => {
  const n = 201;
  const c0 = n >> 1;
  const sigma = 6; // voxels (spacing 1)
  const imp = new Array(n).fill(0);
  imp[c0] = 1;
  const g = filterLine(recursiveGaussianCoefficients(sigma, 1, 0, false), imp);
  const d2 = filterLine(recursiveGaussianCoefficients(sigma, 1, 2, false), imp);
  let sum = 0;
  let maxErrG = 0;
  let maxErrD = 0;
  const peak = 1 / (sigma * Math.sqrt(2 * Math.PI));
  for (let i = 0; i < n; i++) {
    const x = i - c0;
    const gauss = peak * Math.exp((-x * x) / (2 * sigma * sigma));
    const second = (gauss * (x * x - sigma * sigma)) / sigma ** 4;
    sum += g[i]!;
    maxErrG = Math.max(maxErrG, Math.abs(g[i]! - gauss));
    maxErrD = Math.max(maxErrD, Math.abs(d2[i]! - second));
  }
  assert.ok(Math.abs(sum - 1) < 1e-9, `Gaussian kernel sums to 1 (${sum})`);
  // Deriche's 4th-order fit: within 0.5% (Gaussian) and 2% (second derivative) of the peak
  assert.ok(maxErrG < 0.005 * peak, `Gaussian fit error ${maxErrG}`);
  assert.ok(maxErrD < 0.02 * (peak / sigma ** 2), `second-derivative fit error ${maxErrD}`);
});

test("normalizeAcrossScale scales the second derivative by sigma^2", () => {
  const imp = new Array(60).fill(0);
  imp[30] = 1;
  const a = filterLine(recursiveGaussianCoefficients(3, 1.5, 2, false), imp);
  const b = filterLine(recursiveGaussianCoefficients(3, 1.5, 2, true), imp);
  for (let i = 0; i < 60; i++) assert.ok(Math.abs(b[i]! - 9 * a[i]!) < 1e-12 * Math.max(1, Math.abs(b[i]!)));
});

test("LoG restricted to a box equals the whole-image LoG there, bit for bit", () => {
  const vol = randomVolume([23, 17, 11], [0.8, 0.8, 2.5]);
  const whole = laplacianOfGaussian(vol, 2);
  const box = { min: [5, 3, 2] as [number, number, number], max: [15, 12, 7] as [number, number, number] };
  const part = laplacianOfGaussian(vol, 2, { box });
  assert.deepEqual(part.size, [11, 10, 6]);
  assert.deepEqual(part.origin, vol.indexToWorld([5, 3, 2]));
  for (let k = 0; k < 6; k++)
    for (let j = 0; j < 10; j++)
      for (let i = 0; i < 11; i++) {
        const w = whole.data[i + 5 + 23 * (j + 3 + 17 * (k + 2))]!;
        assert.equal(part.data[i + 11 * (j + 10 * k)], w);
      }
});

test("LoG of a linear ramp is ~0 away from the borders; output is float32 as ITK", () => {
  const size: [number, number, number] = [30, 30, 30];
  const d = new Float32Array(27000);
  for (let k = 0; k < 30; k++)
    for (let j = 0; j < 30; j++) for (let i = 0; i < 30; i++) d[i + 30 * (j + 30 * k)] = 2 * i + 3 * j - k;
  const out = laplacianOfGaussian(new Volume(d, { size, spacing: [1, 1, 1] }), 1.5);
  assert.ok(out.data instanceof Float32Array);
  assert.ok(Math.abs(out.data[15 + 30 * (15 + 30 * 15)]!) < 1e-4);
});

test("LoG refuses bad sigma values and too small images with one clear line", () => {
  const vol = randomVolume([10, 10, 5], [1, 1, 3]);
  assert.throws(() => laplacianOfGaussian(vol, 0), /LoG sigma must be greater than 0 mm, got 0/);
  assert.throws(() => laplacianOfGaussian(vol, -1), /greater than 0/);
  assert.throws(
    () => laplacianOfGaussian(vol, 20),
    /sigma 20 mm is too large for the image: axis 0 has 10 voxels/,
  );
  const flat = randomVolume([10, 10, 1], [1, 1, 3]);
  assert.throws(() => laplacianOfGaussian(flat, 1), /at least 4 voxels along every axis/);
});

test("LoG image names follow PyRadiomics (str(float) with '.' -> '-')", () => {
  assert.equal(logImageName(1), "log-sigma-1-0-mm-3D");
  assert.equal(logImageName(2.5), "log-sigma-2-5-mm-3D");
  assert.equal(logImageName(0.75), "log-sigma-0-75-mm-3D");
});
