/**
 * Helpers shared by the texture families (GLCM, GLRLM, GLSZM, GLDM, NGTDM): input checks, a zero-padded
 * copy of the level grid (so neighbour look-ups need no bounds checks), the grey levels present,
 * nan-aware averaging, the run/zone-style feature core and a small symmetric eigenvalue solver.
 */

import { EmptyRoiError, InputError } from "../errors.js";
import type { Vec3 } from "../image/volume.js";
import type { DiscretisedRoi, FeatureValues, TextureSettings } from "./types.js";
import { DEFAULT_TEXTURE_SETTINGS } from "./types.js";

/** numpy.spacing(1): the epsilon PyRadiomics adds inside logarithms and denominators. */
export const EPS = 2.220446049250313e-16;

/** Settings with defaults filled in. */
export function textureSettings(s?: Partial<TextureSettings>): TextureSettings {
  return { ...DEFAULT_TEXTURE_SETTINGS, ...(s ?? {}) };
}

/** Throws when the grid and level array disagree, a level is negative, or no voxel is in the ROI. */
export function checkRoi(roi: DiscretisedRoi, what: string): number {
  const [nx, ny, nz] = roi.size;
  const n = nx * ny * nz;
  if (!(nx >= 1 && ny >= 1 && nz >= 1) || roi.levels.length !== n) {
    throw new InputError(
      `${what}: level array has ${roi.levels.length} elements but grid ${roi.size.join("x")} needs ${n}`,
    );
  }
  let count = 0;
  const l = roi.levels;
  for (let p = 0; p < n; p++) {
    const v = l[p]!;
    if (v > 0) count++;
    else if (v < 0) throw new InputError(`${what}: grey level ${v} at voxel ${p} is negative`);
  }
  if (count === 0) throw new EmptyRoiError(`${what}: the ROI has no voxels`);
  return count;
}

/** Grey levels present in the ROI (ascending) and the map level -> row index (-1 when absent). */
export interface PresentLevels {
  /** Levels that occur in the ROI, ascending (PyRadiomics' `grayLevels`). */
  levels: Int32Array;
  /** index[level] = row of that level in a matrix without empty levels, or -1. Length maxLevel + 1. */
  index: Int32Array;
  /** Largest level in the ROI (PyRadiomics' `Ng`). */
  maxLevel: number;
}

export function presentLevels(levels: Int32Array): PresentLevels {
  let maxLevel = 0;
  for (let p = 0; p < levels.length; p++) if (levels[p]! > maxLevel) maxLevel = levels[p]!;
  const seen = new Uint8Array(maxLevel + 1);
  for (let p = 0; p < levels.length; p++) seen[levels[p]!] = 1;
  const index = new Int32Array(maxLevel + 1).fill(-1);
  let n = 0;
  for (let g = 1; g <= maxLevel; g++) if (seen[g]) index[g] = n++;
  const out = new Int32Array(n);
  for (let g = 1; g <= maxLevel; g++) if (seen[g]) out[index[g]!] = g;
  return { levels: out, index, maxLevel };
}

/** Identity level map for IBSI matrices: rows are levels 1..nLevels. */
export function allLevels(nLevels: number): PresentLevels {
  const index = new Int32Array(nLevels + 1);
  const levels = new Int32Array(nLevels);
  index[0] = -1;
  for (let g = 1; g <= nLevels; g++) {
    index[g] = g - 1;
    levels[g - 1] = g;
  }
  return { levels, index, maxLevel: nLevels };
}

/**
 * The level grid copied into a zero border of `pad` voxels, plus the padded linear index of every ROI
 * voxel (in storage order: x fastest, then y, then z) and its slice k.
 */
export interface PaddedGrid {
  data: Int32Array;
  /** Padded dimensions. */
  nx: number;
  ny: number;
  nz: number;
  pad: number;
  /** Padded linear index of each ROI voxel. */
  voxels: Int32Array;
  /** Slice (unpadded k) of each ROI voxel. */
  slice: Int32Array;
  /** Unpadded size. */
  size: Vec3;
}

export function padGrid(roi: DiscretisedRoi, pad: number, nRoi: number): PaddedGrid {
  const [sx, sy, sz] = roi.size;
  const nx = sx + 2 * pad;
  const ny = sy + 2 * pad;
  const nz = sz + 2 * pad;
  const data = new Int32Array(nx * ny * nz);
  const voxels = new Int32Array(nRoi);
  const slice = new Int32Array(nRoi);
  const l = roi.levels;
  let p = 0;
  let q = 0;
  for (let k = 0; k < sz; k++) {
    for (let j = 0; j < sy; j++) {
      let t = pad + nx * (j + pad + ny * (k + pad));
      for (let i = 0; i < sx; i++, p++, t++) {
        const v = l[p]!;
        if (v > 0) {
          data[t] = v;
          voxels[q] = t;
          slice[q++] = k;
        }
      }
    }
  }
  return { data, nx, ny, nz, pad, voxels, slice, size: [sx, sy, sz] };
}

/** Linear offsets in a padded grid for direction triplets [di, dj, dk]. */
export function linearOffsets(g: PaddedGrid, offsets: Int32Array): Int32Array {
  const n = offsets.length / 3;
  const out = new Int32Array(n);
  for (let a = 0; a < n; a++) {
    out[a] = offsets[3 * a]! + g.nx * (offsets[3 * a + 1]! + g.ny * offsets[3 * a + 2]!);
  }
  return out;
}

/** numpy.nanmean over values[start + stride * t], t < count. NaN when every value is NaN (or count 0). */
export function nanMean(values: Float64Array, count: number, stride = 1, start = 0): number {
  let s = 0;
  let n = 0;
  for (let t = 0; t < count; t++) {
    const v = values[start + stride * t]!;
    if (!Number.isNaN(v)) {
      s += v;
      n++;
    }
  }
  return n === 0 ? Number.NaN : s / n;
}

/** Plain mean (NaN propagates), as numpy.mean. */
export function plainMean(values: Float64Array, count: number, stride = 1, start = 0): number {
  if (count === 0) return Number.NaN;
  let s = 0;
  for (let t = 0; t < count; t++) s += values[start + stride * t]!;
  return s / count;
}

/** p * log2(p + eps) with 0 for p = 0 (so eps = 0 gives the IBSI convention 0 log 0 = 0). */
export function plogp(p: number, eps: number): number {
  return p > 0 ? p * Math.log2(p + eps) : 0;
}

/*
 * Run/zone/dependence-style features, shared by GLRLM, GLSZM, GLDM (PyRadiomics) and the IBSI
 * GLRLM/GLSZM definitions. For a count matrix P (rows: grey level values iv, columns: run length / zone
 * size / dependence jv) with total N = sum P and Nv voxels:
 */
export const ZF = {
  /** sum_j P.j / j^2 / N (SRE, SAE, SDE; IBSI rlm.sre, szm.sze) */
  shortEmph: 0,
  /** sum_j P.j j^2 / N */
  longEmph: 1,
  /** sum_i Pi.^2 / N */
  glnu: 2,
  /** sum_i Pi.^2 / N^2 */
  glnuNorm: 3,
  /** sum_j P.j^2 / N */
  sizeNu: 4,
  /** sum_j P.j^2 / N^2 */
  sizeNuNorm: 5,
  /** N / Nv */
  percentage: 6,
  /** sum p (i - mu_i)^2 */
  glVar: 7,
  /** sum p (j - mu_j)^2 */
  sizeVar: 8,
  /** -sum p log2(p + eps) */
  entropy: 9,
  /** sum_i Pi. / i^2 / N */
  lowGl: 10,
  /** sum_i Pi. i^2 / N */
  highGl: 11,
  /** sum P / (i^2 j^2) / N */
  shortLowGl: 12,
  /** sum P i^2 / j^2 / N */
  shortHighGl: 13,
  /** sum P j^2 / i^2 / N */
  longLowGl: 14,
  /** sum P i^2 j^2 / N */
  longHighGl: 15,
} as const;
export const N_ZF = 16;

/** The column values j = 1, 2, ..., n of a count matrix (run length, zone size, dependence count). */
export function columnValues(n: number): Float64Array {
  const jv = new Float64Array(n);
  for (let c = 0; c < n; c++) jv[c] = c + 1;
  return jv;
}

/**
 * PyRadiomics features of one nRows x nCols count matrix P (rows = `greyLevels`, column c = c + 1; the
 * percentage from sum_j j P.j; entropy epsilon numpy.spacing(1)), named by `slots` (name, ZF slot).
 * Also returns the whole ZF vector.
 */
export function pyradiomicsZoneFeatures(
  P: Float64Array,
  greyLevels: ArrayLike<number>,
  nCols: number,
  slots: ReadonlyArray<[string, number]>,
): { features: FeatureValues; vals: Float64Array } {
  const m = greyLevels.length;
  const vals = new Float64Array(N_ZF);
  zoneFeatures(
    P,
    0,
    m,
    nCols,
    greyLevels,
    columnValues(nCols),
    Number.NaN,
    EPS,
    new Float64Array(m),
    new Float64Array(nCols),
    vals,
    0,
  );
  const features: FeatureValues = {};
  for (const [name, slot] of slots) features[name] = vals[slot]!;
  return { features, vals };
}

/**
 * Fills out[o .. o+15] with the ZF features of the nRows x nCols count matrix P[base + r * nCols + c].
 * `Nv` is the voxel count for the percentage feature (pass NaN to use sum_j j P.j). `rowSum`/`colSum`
 * are work arrays of at least nRows / nCols. Returns N (sum of P); when N is 0 every feature is NaN.
 */
export function zoneFeatures(
  P: Float64Array,
  base: number,
  nRows: number,
  nCols: number,
  iv: ArrayLike<number>,
  jv: ArrayLike<number>,
  Nv: number,
  eps: number,
  rowSum: Float64Array,
  colSum: Float64Array,
  out: Float64Array,
  o = 0,
): number {
  rowSum.fill(0, 0, nRows);
  colSum.fill(0, 0, nCols);
  let N = 0;
  let sShortLow = 0;
  let sShortHigh = 0;
  let sLongLow = 0;
  let sLongHigh = 0;
  for (let r = 0; r < nRows; r++) {
    const i2 = iv[r]! * iv[r]!;
    let rs = 0;
    const row = base + r * nCols;
    for (let c = 0; c < nCols; c++) {
      const v = P[row + c]!;
      if (v === 0) continue;
      const j2 = jv[c]! * jv[c]!;
      rs += v;
      colSum[c] = colSum[c]! + v;
      sShortLow += v / (i2 * j2);
      sShortHigh += (v * i2) / j2;
      sLongLow += (v * j2) / i2;
      sLongHigh += v * i2 * j2;
    }
    rowSum[r] = rs;
    N += rs;
  }
  if (N === 0) {
    out.fill(Number.NaN, o, o + N_ZF);
    return 0;
  }
  let shortE = 0;
  let longE = 0;
  let sizeNu = 0;
  let muJ = 0;
  let voxels = 0;
  for (let c = 0; c < nCols; c++) {
    const v = colSum[c]!;
    if (v === 0) continue;
    const j = jv[c]!;
    shortE += v / (j * j);
    longE += v * j * j;
    sizeNu += v * v;
    muJ += v * j;
    voxels += v * j;
  }
  muJ /= N;
  let glnu = 0;
  let lowGl = 0;
  let highGl = 0;
  let muI = 0;
  for (let r = 0; r < nRows; r++) {
    const v = rowSum[r]!;
    if (v === 0) continue;
    const i = iv[r]!;
    glnu += v * v;
    lowGl += v / (i * i);
    highGl += v * i * i;
    muI += v * i;
  }
  muI /= N;
  let glVar = 0;
  for (let r = 0; r < nRows; r++) {
    const v = rowSum[r]!;
    if (v !== 0) glVar += (v / N) * (iv[r]! - muI) ** 2;
  }
  let sizeVar = 0;
  for (let c = 0; c < nCols; c++) {
    const v = colSum[c]!;
    if (v !== 0) sizeVar += (v / N) * (jv[c]! - muJ) ** 2;
  }
  let ent = 0;
  for (let r = 0; r < nRows; r++) {
    const row = base + r * nCols;
    for (let c = 0; c < nCols; c++) {
      const v = P[row + c]!;
      if (v !== 0) ent -= plogp(v / N, eps);
    }
  }
  const nv = Number.isNaN(Nv) ? voxels : Nv;
  out[o + ZF.shortEmph] = shortE / N;
  out[o + ZF.longEmph] = longE / N;
  out[o + ZF.glnu] = glnu / N;
  out[o + ZF.glnuNorm] = glnu / (N * N);
  out[o + ZF.sizeNu] = sizeNu / N;
  out[o + ZF.sizeNuNorm] = sizeNu / (N * N);
  out[o + ZF.percentage] = N / nv;
  out[o + ZF.glVar] = glVar;
  out[o + ZF.sizeVar] = sizeVar;
  out[o + ZF.entropy] = ent;
  out[o + ZF.lowGl] = lowGl / N;
  out[o + ZF.highGl] = highGl / N;
  out[o + ZF.shortLowGl] = sShortLow / N;
  out[o + ZF.shortHighGl] = sShortHigh / N;
  out[o + ZF.longLowGl] = sLongLow / N;
  out[o + ZF.longHighGl] = sLongHigh / N;
  return N;
}

/**
 * Eigenvalues (ascending) of the symmetric n x n matrix `a` (row-major; destroyed), by Householder
 * reduction to tridiagonal form and the implicit QL algorithm with Wilkinson shifts.
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  // Householder tridiagonalisation (eigenvalues only)
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    let h = 0;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(a[i * n + k]!);
      if (scale === 0) {
        e[i] = a[i * n + l]!;
      } else {
        for (let k = 0; k <= l; k++) {
          a[i * n + k] = a[i * n + k]! / scale;
          h += a[i * n + k]! * a[i * n + k]!;
        }
        let f = a[i * n + l]!;
        const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        a[i * n + l] = f - g;
        f = 0;
        for (let j = 0; j <= l; j++) {
          let gg = 0;
          for (let k = 0; k <= j; k++) gg += a[j * n + k]! * a[i * n + k]!;
          for (let k = j + 1; k <= l; k++) gg += a[k * n + j]! * a[i * n + k]!;
          e[j] = gg / h;
          f += e[j]! * a[i * n + j]!;
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          const fj = a[i * n + j]!;
          const gj = e[j]! - hh * fj;
          e[j] = gj;
          for (let k = 0; k <= j; k++) a[j * n + k] = a[j * n + k]! - (fj * e[k]! + gj * a[i * n + k]!);
        }
      }
    } else {
      e[i] = a[i * n + l]!;
    }
    d[i] = h;
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i]!;
  // implicit QL on the tridiagonal (d: diagonal, e[1..n-1]: sub-diagonal)
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]!) + Math.abs(d[m + 1]!);
        if (Math.abs(e[m]!) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (++iter > 60) break;
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = Math.hypot(g, 1);
      g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] = d[i + 1]! - p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - p;
        r = (d[i]! - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (r === 0 && i >= l) continue;
      d[l] = d[l]! - p;
      e[l] = g;
      e[m] = 0;
    }
  }
  d.sort();
  return d;
}
