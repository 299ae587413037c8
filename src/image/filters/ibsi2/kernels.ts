/**
 * Kernel tables of the IBSI 2 filters: Laws' 1D kernels (IBSI 2 manual, Laws kernels table; normalised
 * to unit L2 norm as the manual requires) and the orthonormal wavelet decomposition low-pass filters of
 * the families IBSI 2 uses (coefficients as PyWavelets' dec_lo). High-pass filters follow from the
 * quadrature-mirror relation dec_hi[k] = (-1)^(k+1) dec_lo[L-1-k].
 */

const LAWS_RAW: Record<string, number[]> = {
  L3: [1, 2, 1],
  E3: [-1, 0, 1],
  S3: [-1, 2, -1],
  L5: [1, 4, 6, 4, 1],
  E5: [-1, -2, 0, 2, 1],
  S5: [-1, 0, 2, 0, -1],
  W5: [-1, 2, 0, -2, 1],
  R5: [1, -4, 6, -4, 1],
};

export const LAWS_NAMES: readonly string[] = Object.keys(LAWS_RAW);

/** Unit-norm Laws kernel by name (L3, E3, S3, L5, E5, S5, W5, R5). */
export function lawsKernel(name: string): Float64Array | undefined {
  const raw = LAWS_RAW[name.toUpperCase()];
  if (!raw) return undefined;
  const norm = Math.sqrt(raw.reduce((s, v) => s + v * v, 0));
  return Float64Array.from(raw, (v) => v / norm);
}

/** Split a Laws kernel string ("E5L5S5", "L5S5") into 1D kernel names; first is the x axis. */
export function parseLawsName(s: string): string[] | undefined {
  if (!/^([LESWR][35])+$/i.test(s)) return undefined;
  const parts: string[] = [];
  for (let i = 0; i < s.length; i += 2) parts.push(s.slice(i, i + 2).toUpperCase());
  if (parts.length < 2 || parts.length > 3) return undefined;
  if (parts.some((p) => !lawsKernel(p))) return undefined;
  return parts;
}

const DEC_LO: Record<string, number[]> = {
  haar: [Math.SQRT1_2, Math.SQRT1_2],
  db1: [Math.SQRT1_2, Math.SQRT1_2],
  db2: [-0.12940952255092145, 0.22414386804185735, 0.836516303737469, 0.48296291314469025],
  db3: [
    0.035226291882100656, -0.08544127388224149, -0.13501102001039084, 0.4598775021193313, 0.8068915093133388,
    0.3326705529509569,
  ],
  db4: [
    -0.010597401784997278, 0.032883011666982945, 0.030841381835986965, -0.18703481171888114,
    -0.02798376941698385, 0.6308807679295904, 0.7148465705525415, 0.23037781330885523,
  ],
  coif1: [
    -0.01565572813546454, -0.0727326195128539, 0.38486484686420286, 0.8525720202122554, 0.3378976624578092,
    -0.0727326195128539,
  ],
};

export const WAVELET_NAMES: readonly string[] = Object.keys(DEC_LO);

export function waveletFilters(name: string): { lo: Float64Array; hi: Float64Array } | undefined {
  const lo = DEC_LO[name.toLowerCase()];
  if (!lo) return undefined;
  const L = lo.length;
  const hi = new Float64Array(L);
  for (let k = 0; k < L; k++) hi[k] = (k % 2 === 0 ? -1 : 1) * lo[L - 1 - k]!;
  return { lo: Float64Array.from(lo), hi };
}
