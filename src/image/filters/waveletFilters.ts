/**
 * Wavelet filter banks in PyWavelets' conventions (`pywt.Wavelet(name).dec_lo / dec_hi`), generated from
 * their published definitions instead of typed-in tables:
 *
 * - `haar`, `db1` ... `db20` (Daubechies extremal phase): spectral factorisation of Daubechies' half-band
 *   polynomial P(y) = sum_k C(N-1+k, k) y^k (y = sin^2(w/2)), keeping the roots inside the unit circle
 *   (minimum phase), as in Daubechies, "Ten lectures on wavelets" (1992), section 6.1. These are the
 *   reconstruction low-pass filters of PyWavelets' tables (rec_lo, largest taps first).
 * - `sym2`, `sym3`: identical to db2 and db3 (the least-asymmetric choice of roots is the extremal-phase one
 *   for N <= 3).
 * - `coif1`: Daubechies' closed form with sqrt(7) (Ten lectures, section 8.2, table 8.1).
 *
 * Orthogonal banks: rec_lo = h, dec_lo = reverse(h), dec_hi[k] = (-1)^(k+1) h[k] ... as PyWavelets'
 * quadrature mirror: dec_hi[k] = (-1)^(k+1) dec_lo[L-1-k].
 *
 * Other names PyRadiomics accepts through PyWavelets (symN N >= 4, coifN N >= 2, bior/rbio, dmey) are not
 * generated yet and are refused with the list of the available names.
 */

import { InputError } from "../../errors.js";

export interface FilterBank {
  name: string;
  /** Decomposition low-pass (PyWavelets dec_lo). */
  decLo: Float64Array;
  /** Decomposition high-pass (PyWavelets dec_hi). */
  decHi: Float64Array;
  /** Reconstruction low-pass / high-pass (PyWavelets rec_lo / rec_hi). */
  recLo: Float64Array;
  recHi: Float64Array;
}

const MAX_DB = 20;

type C = [number, number];
const cmul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const csub = (a: C, b: C): C => [a[0] - b[0], a[1] - b[1]];
const cdiv = (a: C, b: C): C => {
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
};
const cabs = (a: C): number => Math.hypot(a[0], a[1]);
function csqrt(a: C): C {
  const r = cabs(a);
  const re = Math.sqrt((r + a[0]) / 2);
  const im = Math.sqrt(Math.max(0, (r - a[0]) / 2));
  return [re, a[1] < 0 ? -im : im];
}

/** Horner evaluation of a real polynomial (coefficients c[0] + c[1] x + ...) at complex x. */
function polyval(c: readonly number[], x: C): C {
  let r: C = [c[c.length - 1]!, 0];
  for (let k = c.length - 2; k >= 0; k--) r = [r[0] * x[0] - r[1] * x[1] + c[k]!, r[0] * x[1] + r[1] * x[0]];
  return r;
}

/** All complex roots of a real polynomial (Durand-Kerner, then Newton polishing). */
function polyRoots(c: readonly number[]): C[] {
  const n = c.length - 1;
  if (n < 1) return [];
  const lead = c[n]!;
  const m = c.map((v) => v / lead);
  let roots: C[] = [];
  for (let k = 0; k < n; k++) {
    const a = (2 * Math.PI * k) / n + 0.4;
    roots.push([0.9 * Math.cos(a), 0.9 * Math.sin(a)]);
  }
  for (let it = 0; it < 2000; it++) {
    let delta = 0;
    const next: C[] = [];
    for (let i = 0; i < n; i++) {
      let den: C = [1, 0];
      for (let j = 0; j < n; j++) if (j !== i) den = cmul(den, csub(roots[i]!, roots[j]!));
      const step = cdiv(polyval(m, roots[i]!), den);
      next.push(csub(roots[i]!, step));
      delta = Math.max(delta, cabs(step));
    }
    roots = next;
    if (delta < 1e-15) break;
  }
  const deriv = m.slice(1).map((v, k) => v * (k + 1));
  return roots.map((r0) => {
    let r = r0;
    for (let it = 0; it < 5; it++) {
      const d = polyval(deriv, r);
      if (cabs(d) === 0) break;
      r = csub(r, cdiv(polyval(m, r), d));
    }
    return r;
  });
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Daubechies extremal-phase scaling filter with N vanishing moments (length 2N), sum sqrt(2). */
export function daubechiesScaling(N: number): Float64Array {
  // P(y) roots -> z roots with z + 1/z = 2 - 4y, |z| < 1
  const p = Array.from({ length: N }, (_, k) => binomial(N - 1 + k, k));
  const zs: C[] = polyRoots(p).map((y) => {
    const b: C = [2 - 4 * y[0], -4 * y[1]];
    const disc = csqrt(csub(cmul(b, b), [4, 0]));
    const z1: C = [(b[0] + disc[0]) / 2, (b[1] + disc[1]) / 2];
    const z2: C = [(b[0] - disc[0]) / 2, (b[1] - disc[1]) / 2];
    return cabs(z1) < cabs(z2) ? z1 : z2;
  });
  // H(w) = (1 + w)^N * prod (1 - z_i w), w = z^-1; coefficients of w^0 ... w^(2N-1)
  let poly: C[] = [[1, 0]];
  const mulLinear = (a: C, b: C) => {
    // poly * (a + b w)
    const out: C[] = Array.from({ length: poly.length + 1 }, () => [0, 0] as C);
    for (let i = 0; i < poly.length; i++) {
      const t0 = cmul(poly[i]!, a);
      const t1 = cmul(poly[i]!, b);
      out[i] = [out[i]![0] + t0[0], out[i]![1] + t0[1]];
      out[i + 1] = [out[i + 1]![0] + t1[0], out[i + 1]![1] + t1[1]];
    }
    poly = out;
  };
  for (let i = 0; i < N; i++) mulLinear([1, 0], [1, 0]);
  for (const z of zs) mulLinear([1, 0], [-z[0], -z[1]]);
  const h = Float64Array.from(poly, (c) => c[0]);
  let s = 0;
  for (const v of h) s += v;
  for (let i = 0; i < h.length; i++) h[i] = (h[i]! * Math.SQRT2) / s;
  return h;
}

/** Coiflet 1 scaling filter (rec_lo), Daubechies' closed form. */
export function coif1Scaling(): Float64Array {
  const r7 = Math.sqrt(7);
  const k = 16 * Math.SQRT2;
  // PyWavelets' rec_lo order
  return Float64Array.from([1 - r7, 5 + r7, 14 + 2 * r7, 14 - 2 * r7, 1 - r7, -3 + r7], (v) => v / k);
}

function orthogonalBank(name: string, recLo: Float64Array): FilterBank {
  const L = recLo.length;
  const decLo = Float64Array.from({ length: L }, (_, k) => recLo[L - 1 - k]!);
  const decHi = Float64Array.from({ length: L }, (_, k) => (k % 2 === 0 ? -1 : 1) * decLo[L - 1 - k]!);
  const recHi = Float64Array.from({ length: L }, (_, k) => decHi[L - 1 - k]!);
  return { name, decLo, decHi, recLo, recHi };
}

/** Wavelet names this module can generate (the ones usable in `Wavelet: {wavelet: ...}`). */
export function availableWavelets(): string[] {
  return ["haar", ...Array.from({ length: MAX_DB }, (_, i) => `db${i + 1}`), "sym2", "sym3", "coif1"];
}

/** Names PyWavelets knows (discrete wavelets) but this module does not generate yet. */
const KNOWN_NOT_GENERATED =
  /^(db([2-3][0-9]|3[0-8])|sym([4-9]|1[0-9]|20)|coif([2-9]|1[0-7])|bior[1-6]\.[0-9]|rbio[1-6]\.[0-9]|dmey)$/;

const cache = new Map<string, FilterBank>();

/** The filter bank of a PyWavelets wavelet name; InputError naming the value and the allowed names. */
export function waveletFilterBank(name: string): FilterBank {
  const hit = cache.get(name);
  if (hit) return hit;
  let bank: FilterBank | undefined;
  const db = /^db([0-9]+)$/.exec(name);
  if (name === "haar") bank = orthogonalBank(name, daubechiesScaling(1));
  else if (db && Number(db[1]) >= 1 && Number(db[1]) <= MAX_DB)
    bank = orthogonalBank(name, daubechiesScaling(Number(db[1])));
  else if (name === "sym2" || name === "sym3")
    bank = orthogonalBank(name, daubechiesScaling(Number(name[3])));
  else if (name === "coif1") bank = orthogonalBank(name, coif1Scaling());
  if (!bank) {
    const why = KNOWN_NOT_GENERATED.test(name)
      ? "is a PyWavelets wavelet that radiogenomics does not provide yet"
      : "is not a known wavelet";
    throw new InputError(
      `Wavelet setting 'wavelet': '${name}' ${why} (available: haar, db1-db${MAX_DB}, sym2, sym3, coif1)`,
    );
  }
  cache.set(name, bank);
  return bank;
}
