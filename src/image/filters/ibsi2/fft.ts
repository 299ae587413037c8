/**
 * Complex FFT on split real/imaginary Float64Arrays: iterative radix-2 for powers of two and
 * Bluestein's chirp-z algorithm for every other length (IBSI 2 frequency-domain filters are defined on
 * the image's own grid, so arbitrary lengths are needed). Forward: X[k] = sum x[n] e^{-2 pi i k n / N};
 * the inverse divides by N. Browser-safe, no allocation per sample.
 */

export function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** Radices of n when it factors into 2, 3, 4, 5 and 7 only (4s first), else undefined. */
function smoothRadices(n: number): number[] | undefined {
  const out: number[] = [];
  let m = n;
  while (m % 4 === 0) {
    out.push(4);
    m /= 4;
  }
  for (const p of [2, 3, 5, 7]) {
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
  }
  return m === 1 ? out : undefined;
}

/** Smallest n' >= n whose prime factors are 2, 3, 5 (a fast mixed-radix length). */
export function nextSmooth(n: number): number {
  for (let m = Math.max(1, n); ; m++) {
    let r = m;
    for (const p of [2, 3, 5]) while (r % p === 0) r /= p;
    if (r === 1) return m;
  }
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

interface Plan {
  n: number;
  /** radix-2: bit reversal + twiddles */
  rev?: Uint32Array;
  cos?: Float64Array;
  sin?: Float64Array;
  /** Bluestein: chirp and the FFT of its conjugate, on a power-of-two length m */
  m?: number;
  chirpRe?: Float64Array;
  chirpIm?: Float64Array;
  bRe?: Float64Array;
  bIm?: Float64Array;
  sub?: Plan;
  wRe?: Float64Array;
  wIm?: Float64Array;
  /** mixed radix (Stockham autosort): radices and a work buffer */
  radices?: number[];
  tRe?: Float64Array;
  tIm?: Float64Array;
}

const plans = new Map<number, Plan>();

function pow2Plan(n: number): Plan {
  const rev = new Uint32Array(n);
  let bits = 0;
  while (1 << bits < n) bits++;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  const cos = new Float64Array(n >> 1);
  const sin = new Float64Array(n >> 1);
  for (let k = 0; k < n >> 1; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = -Math.sin((2 * Math.PI * k) / n);
  }
  return { n, rev, cos, sin };
}

function getPlan(n: number): Plan {
  let p = plans.get(n);
  if (p) return p;
  const radices = isPow2(n) ? undefined : smoothRadices(n);
  if (isPow2(n)) p = pow2Plan(n);
  else if (radices) p = { n, radices, tRe: new Float64Array(n), tIm: new Float64Array(n) };
  else {
    const m = nextPow2(2 * n - 1);
    const chirpRe = new Float64Array(n);
    const chirpIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      // exp(-i pi k^2 / n), k^2 reduced mod 2n for accuracy
      const a = (Math.PI * ((k * k) % (2 * n))) / n;
      chirpRe[k] = Math.cos(a);
      chirpIm[k] = -Math.sin(a);
    }
    const bRe = new Float64Array(m);
    const bIm = new Float64Array(m);
    bRe[0] = chirpRe[0]!;
    bIm[0] = -chirpIm[0]!;
    for (let k = 1; k < n; k++) {
      bRe[k] = bRe[m - k] = chirpRe[k]!;
      bIm[k] = bIm[m - k] = -chirpIm[k]!;
    }
    const sub = getPlan(m);
    radix2(sub, bRe, bIm);
    p = { n, m, chirpRe, chirpIm, bRe, bIm, sub, wRe: new Float64Array(m), wIm: new Float64Array(m) };
  }
  plans.set(n, p);
  return p;
}

function radix2(p: Plan, re: Float64Array, im: Float64Array): void {
  const n = p.n;
  const rev = p.rev!;
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      let t = re[i]!;
      re[i] = re[j]!;
      re[j] = t;
      t = im[i]!;
      im[i] = im[j]!;
      im[j] = t;
    }
  }
  const cos = p.cos!;
  const sin = p.sin!;
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let s = 0; s < n; s += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!;
        const wi = sin[k * step]!;
        const a = s + k;
        const b = a + half;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a]! += xr;
        im[a]! += xi;
      }
    }
  }
}

/**
 * Mixed-radix Stockham FFT (radices 2, 3, 4, 5, 7): per stage of radix R with sub-transform size Ns,
 * element j (of n/R) loads x[j + r n/R], applies the twiddles exp(-2 pi i r k / (Ns R)) with
 * k = j mod Ns, does a radix-R DFT and stores at (j div Ns) Ns R + k + r Ns.
 */
function stockham(p: Plan, re: Float64Array, im: Float64Array): void {
  const n = p.n;
  let xr = re;
  let xi = im;
  let yr = p.tRe!;
  let yi = p.tIm!;
  let ns = 1;
  const vr = new Float64Array(7);
  const vi = new Float64Array(7);
  for (const R of p.radices!) {
    const nr = n / R;
    // radix-R roots exp(-2 pi i t / R)
    const cr = new Float64Array(R);
    const ci = new Float64Array(R);
    for (let t = 0; t < R; t++) {
      cr[t] = Math.cos((-2 * Math.PI * t) / R);
      ci[t] = Math.sin((-2 * Math.PI * t) / R);
    }
    // stage twiddles exp(-2 pi i r k / (ns R)), r < R, k < ns
    const twr = new Float64Array(R * ns);
    const twi = new Float64Array(R * ns);
    for (let r = 0; r < R; r++)
      for (let k = 0; k < ns; k++) {
        const ang = (-2 * Math.PI * r * k) / (ns * R);
        twr[r * ns + k] = Math.cos(ang);
        twi[r * ns + k] = Math.sin(ang);
      }
    for (let j = 0; j < nr; j++) {
      const k = j % ns;
      for (let r = 0; r < R; r++) {
        const a = xr[j + r * nr]!;
        const b = xi[j + r * nr]!;
        const c = twr[r * ns + k]!;
        const d = twi[r * ns + k]!;
        vr[r] = a * c - b * d;
        vi[r] = a * d + b * c;
      }
      const base = Math.floor(j / ns) * ns * R + k;
      for (let q = 0; q < R; q++) {
        let sr = 0;
        let si = 0;
        for (let r = 0; r < R; r++) {
          const t = (q * r) % R;
          sr += vr[r]! * cr[t]! - vi[r]! * ci[t]!;
          si += vr[r]! * ci[t]! + vi[r]! * cr[t]!;
        }
        yr[base + q * ns] = sr;
        yi[base + q * ns] = si;
      }
    }
    ns *= R;
    [xr, yr] = [yr, xr];
    [xi, yi] = [yi, xi];
  }
  if (xr !== re) {
    re.set(xr);
    im.set(xi);
  }
}

/** In-place forward FFT of length re.length (any length). */
export function fft(re: Float64Array, im: Float64Array): void {
  const p = getPlan(re.length);
  if (p.rev) {
    radix2(p, re, im);
    return;
  }
  if (p.radices) {
    stockham(p, re, im);
    return;
  }
  const n = p.n;
  const m = p.m!;
  const wRe = p.wRe!;
  const wIm = p.wIm!;
  wRe.fill(0);
  wIm.fill(0);
  const cr = p.chirpRe!;
  const ci = p.chirpIm!;
  for (let k = 0; k < n; k++) {
    wRe[k] = re[k]! * cr[k]! - im[k]! * ci[k]!;
    wIm[k] = re[k]! * ci[k]! + im[k]! * cr[k]!;
  }
  radix2(p.sub!, wRe, wIm);
  const bRe = p.bRe!;
  const bIm = p.bIm!;
  for (let k = 0; k < m; k++) {
    const r = wRe[k]! * bRe[k]! - wIm[k]! * bIm[k]!;
    const i = wRe[k]! * bIm[k]! + wIm[k]! * bRe[k]!;
    // conjugate for the inverse via the forward transform
    wRe[k] = r;
    wIm[k] = -i;
  }
  radix2(p.sub!, wRe, wIm);
  for (let k = 0; k < n; k++) {
    const r = wRe[k]! / m;
    const i = -wIm[k]! / m;
    re[k] = r * cr[k]! - i * ci[k]!;
    im[k] = r * ci[k]! + i * cr[k]!;
  }
}

/** In-place inverse FFT (divides by N). */
export function ifft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 0; i < n; i++) im[i] = -im[i]!;
  fft(re, im);
  for (let i = 0; i < n; i++) {
    re[i]! /= n;
    im[i] = -im[i]! / n;
  }
}

/** N-D (3D, x fastest) FFT in place along every axis whose length exceeds 1, or only the given axes. */
export function fftn(
  re: Float64Array,
  im: Float64Array,
  dims: readonly [number, number, number],
  inverse = false,
  axes: readonly number[] = [0, 1, 2],
): void {
  const [nx, ny, nz] = dims;
  for (const axis of axes) {
    const len = dims[axis]!;
    if (len <= 1) continue;
    const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
    const lr = new Float64Array(len);
    const li = new Float64Array(len);
    const o1 = axis === 0 ? ny : nx;
    const o2 = axis === 2 ? ny : nz;
    const s1 = axis === 0 ? nx : 1;
    const s2 = axis === 2 ? nx : nx * ny;
    for (let b = 0; b < o2; b++) {
      for (let a = 0; a < o1; a++) {
        const start = a * s1 + b * s2;
        for (let i = 0; i < len; i++) {
          lr[i] = re[start + i * stride]!;
          li[i] = im[start + i * stride]!;
        }
        if (inverse) ifft(lr, li);
        else fft(lr, li);
        for (let i = 0; i < len; i++) {
          re[start + i * stride] = lr[i]!;
          im[start + i * stride] = li[i]!;
        }
      }
    }
  }
}
