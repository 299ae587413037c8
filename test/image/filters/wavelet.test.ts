/**
 * Wavelet filter banks and the PyRadiomics/PyWavelets stationary transform from first principles:
 * closed-form coefficients, orthonormality, energy conservation, box restriction, naming; the PyRadiomics
 * comparison is in test/extract/log-wavelet.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { waveletDecomposition, waveletAxes } from "../../../src/image/filters/wavelet.js";
import { availableWavelets, waveletFilterBank } from "../../../src/image/filters/waveletFilters.js";
import { Volume } from "../../../src/image/volume.js";
import { rng } from "../../helpers/ibsi.js";

test("db2, db3 and coif1 equal their closed forms (Daubechies, Ten lectures)", () => {
  const s3 = Math.sqrt(3);
  const k = 4 * Math.SQRT2;
  const db2 = [(1 + s3) / k, (3 + s3) / k, (3 - s3) / k, (1 - s3) / k];
  const r = Math.sqrt(10);
  const q = Math.sqrt(5 + 2 * r);
  const k3 = 16 * Math.SQRT2;
  const db3 = [
    1 + r + q,
    5 + r + 3 * q,
    10 - 2 * r + 2 * q,
    10 - 2 * r - 2 * q,
    5 + r - 3 * q,
    1 + r - q,
  ].map((v) => v / k3);
  const r7 = Math.sqrt(7);
  const coif1 = [1 - r7, 5 + r7, 14 + 2 * r7, 14 - 2 * r7, 1 - r7, -3 + r7].map((v) => v / (16 * Math.SQRT2));
  for (const [name, h] of [
    ["db2", db2],
    ["sym2", db2],
    ["db3", db3],
    ["sym3", db3],
    ["coif1", coif1],
  ] as const) {
    const b = waveletFilterBank(name);
    for (const [i, v] of h.entries())
      assert.ok(Math.abs(b.recLo[i]! - v) < 1e-13, `${name} rec_lo[${i}] ${b.recLo[i]} vs ${v}`);
    // PyWavelets: dec_lo is rec_lo reversed
    for (const [i, v] of h.entries()) assert.ok(Math.abs(b.decLo[h.length - 1 - i]! - v) < 1e-13);
  }
  const haar = waveletFilterBank("haar").decHi;
  assert.ok(Math.abs(haar[0]! + Math.SQRT1_2) < 1e-15 && Math.abs(haar[1]! - Math.SQRT1_2) < 1e-15);
});

test("every generated bank is orthonormal with 2-shifts, QMF high-pass, sum sqrt(2), zero-mean high-pass", () => {
  for (const name of availableWavelets()) {
    const { decLo: h, decHi: g } = waveletFilterBank(name);
    const L = h.length;
    let sum = 0;
    let gsum = 0;
    for (let i = 0; i < L; i++) {
      sum += h[i]!;
      gsum += g[i]!;
    }
    // root finding in float64: high orders (db15-db20) lose a few digits, still ~1e-12
    assert.ok(Math.abs(sum - Math.SQRT2) < 1e-10, `${name} sum ${sum}`);
    assert.ok(Math.abs(gsum) < 1e-10, `${name} high-pass sum ${gsum}`);
    for (let s = 0; s < L; s += 2) {
      let hh = 0;
      let gg = 0;
      let hg = 0;
      for (let i = 0; i + s < L; i++) {
        hh += h[i]! * h[i + s]!;
        gg += g[i]! * g[i + s]!;
      }
      for (let i = 0; i < L; i++) if (i + s < L) hg += h[i]! * g[i + s]!;
      const want = s === 0 ? 1 : 0;
      assert.ok(Math.abs(hh - want) < 1e-11, `${name} <h, h shifted ${s}> = ${hh}`);
      assert.ok(Math.abs(gg - want) < 1e-11, `${name} <g, g shifted ${s}> = ${gg}`);
      assert.ok(Math.abs(hg) < 1e-11, `${name} <h, g shifted ${s}> = ${hg}`);
    }
  }
});

function randomVolume(size: [number, number, number]): Volume {
  const r = rng(11);
  const d = new Float64Array(size[0] * size[1] * size[2]);
  for (let i = 0; i < d.length; i++) d[i] = r() * 100 - 50;
  return new Volume(d, { size, spacing: [0.7, 0.7, 2], origin: [3, -2, 1] });
}

test("undecimated periodic transform conserves energy: sum of the 8 sub-band energies = 8 x input", () => {
  const vol = randomVolume([12, 10, 8]); // even sizes: no wrap padding
  let e0 = 0;
  for (const v of vol.data) e0 += v * v;
  for (const w of ["haar", "db2", "coif1", "db6"]) {
    const bands = waveletDecomposition(vol, { wavelet: w });
    assert.equal(bands.length, 8);
    let e = 0;
    for (const b of bands) for (const v of b.image.data) e += v * v;
    assert.ok(Math.abs(e / e0 - 8) < 1e-10, `${w}: energy ratio ${e / e0}`);
  }
});

test("haar on a tiny line matches the hand-computed periodic convolution (PyWavelets' tap alignment)", () => {
  // 1D along x only; PyWavelets swt: out[o] = sum_j f[j] x[(o + F/2 - j) mod N], dec_lo = [1, 1]/sqrt2
  const x = [1, 2, 4, 8];
  const vol = new Volume(Float64Array.from(x), { size: [4, 1, 1] });
  const [hi, lo] = waveletDecomposition(vol, { wavelet: "haar", axes: [0] });
  const s = Math.SQRT1_2;
  assert.equal(hi!.name, "wavelet-H");
  assert.equal(lo!.name, "wavelet-L");
  const wantLo = [(2 + 1) * s, (4 + 2) * s, (8 + 4) * s, (1 + 8) * s];
  const wantHi = [(2 - 1) * s, (4 - 2) * s, (8 - 4) * s, (1 - 8) * s];
  for (const [i, v] of wantLo.entries()) assert.ok(Math.abs(lo!.image.data[i]! - v) < 1e-12, `lo ${i}`);
  // dec_hi = [-1, 1]/sqrt2: out[o] = -x[o+1] + x[o]  ... times s
  for (const [i, v] of wantHi.entries())
    assert.ok(Math.abs(hi!.image.data[i]! + v) < 1e-12, `hi ${i} ${hi!.image.data[i]}`);
});

test("odd sizes use PyRadiomics' wrap padding by one voxel: x[N] = x[0], then crop", () => {
  const x = [1, 2, 4];
  const vol = new Volume(Float64Array.from(x), { size: [3, 1, 1] });
  const lo = waveletDecomposition(vol, { wavelet: "haar", axes: [0] })[1]!;
  const s = Math.SQRT1_2;
  // padded [1, 2, 4, 1]: lo[o] = (p[o+1] + p[o]) s
  for (const [i, v] of [3 * s, 6 * s, 5 * s].entries()) assert.ok(Math.abs(lo.image.data[i]! - v) < 1e-12);
});

test("box restriction equals the whole transform (levels 2, start_level 1, odd sizes, wrap-around)", () => {
  const vol = randomVolume([13, 9, 7]);
  const opts = { wavelet: "db3", level: 2, start_level: 1 };
  const whole = waveletDecomposition(vol, opts);
  const box = { min: [0, 4, 1] as [number, number, number], max: [5, 8, 6] as [number, number, number] };
  const part = waveletDecomposition(vol, { ...opts, box });
  assert.deepEqual(
    part.map((b) => b.name),
    whole.map((b) => b.name),
  );
  assert.deepEqual(whole.map((b) => b.name).slice(0, 2), ["wavelet-LLH", "wavelet-LHL"]);
  assert.equal(whole[7]!.name, "wavelet2-LLH");
  assert.equal(whole.at(-1)!.name, "wavelet2-LLL");
  assert.equal(whole.length, 15);
  for (let b = 0; b < whole.length; b++) {
    const W = whole[b]!.image;
    const P = part[b]!.image;
    assert.deepEqual(P.size, [6, 5, 6]);
    for (let k = 0; k < 6; k++)
      for (let j = 0; j < 5; j++)
        for (let i = 0; i < 6; i++) {
          const w = W.data[i + 13 * (j + 4 + 9 * (k + 1))]!;
          const p = P.data[i + 6 * (j + 5 * k)]!;
          assert.ok(
            Math.abs(w - p) <= 1e-12 * Math.max(1, Math.abs(w)),
            `${whole[b]!.name} (${i},${j},${k})`,
          );
        }
  }
});

test("force2D leaves out the force2Ddimension axis (numpy index): 3 sub-bands + LL", () => {
  assert.deepEqual(waveletAxes(true, 0), [0, 1]);
  assert.deepEqual(waveletAxes(true, 2), [1, 2]);
  const bands = waveletDecomposition(randomVolume([8, 8, 4]), { axes: waveletAxes(true, 0) });
  assert.deepEqual(
    bands.map((b) => b.name),
    ["wavelet-LH", "wavelet-HL", "wavelet-HH", "wavelet-LL"],
  );
});

test("unknown or unavailable wavelet names and bad levels are refused with one clear line", () => {
  const vol = randomVolume([8, 8, 8]);
  assert.throws(
    () => waveletDecomposition(vol, { wavelet: "coif9x" }),
    /'coif9x' is not a known wavelet \(available: haar, db1-db20/,
  );
  assert.throws(
    () => waveletDecomposition(vol, { wavelet: "sym8" }),
    /'sym8' is a PyWavelets wavelet that radiogenomics does not provide yet/,
  );
  assert.throws(() => waveletDecomposition(vol, { level: 0 }), /'level': must be an integer >= 1, got 0/);
  assert.throws(() => waveletDecomposition(vol, { start_level: -1 }), /'start_level'/);
});
