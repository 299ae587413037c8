/**
 * Rotation invariance of separable filters (IBSI 2 manual, "rotation invariance"): the filter is applied
 * in every right-handed orientation of the image grid (4 in 2D, the 24 rotations of the cube in 3D) and
 * the responses pooled. A rotation of the grid by multiples of 90 degrees permutes the axes and mirrors
 * some of them, so for separable kernels it amounts to permuting the 1D kernels among the axes and
 * flipping some of them. The table below lists, for each orientation, which (possibly flipped) kernel
 * acts along x, y and z; identical orientations (equal or symmetric kernels) are merged as in the IBSI 2
 * reference implementation, which matters for average pooling.
 */

type Sym = "gx" | "gy" | "gz" | "jgx" | "jgy" | "jgz";

const TABLE_2D: readonly [Sym, Sym][] = [
  ["gx", "gy"],
  ["jgy", "gx"],
  ["jgx", "jgy"],
  ["gy", "jgx"],
];

const TABLE_3D: readonly [Sym, Sym, Sym][] = [
  ["gx", "gy", "gz"],
  ["jgz", "gy", "gx"],
  ["jgx", "gy", "jgz"],
  ["gz", "gy", "jgx"],
  ["gy", "gz", "gx"],
  ["gy", "jgz", "jgx"],
  ["gy", "jgx", "gz"],
  ["jgx", "jgy", "gz"],
  ["jgy", "gx", "gz"],
  ["jgz", "jgx", "gy"],
  ["jgz", "jgy", "jgx"],
  ["jgz", "gx", "jgy"],
  ["jgy", "jgx", "jgz"],
  ["gx", "jgy", "jgz"],
  ["gy", "gx", "jgz"],
  ["gz", "jgx", "jgy"],
  ["gz", "jgy", "gx"],
  ["gz", "gx", "gy"],
  ["jgx", "gz", "gy"],
  ["jgy", "gz", "jgx"],
  ["gx", "gz", "jgy"],
  ["jgx", "jgz", "jgy"],
  ["jgy", "jgz", "gx"],
  ["gx", "jgz", "gy"],
];

function equal(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function flip(a: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[a.length - 1 - i]!;
  return out;
}

function symbolMap(k: readonly Float64Array[]): Record<Sym, Sym> {
  const m: Record<Sym, Sym> = { gx: "gx", gy: "gy", gz: "gz", jgx: "jgx", jgy: "jgy", jgz: "jgz" };
  const [x, y, z] = k;
  if (equal(x!, y!)) {
    m.gy = m.gx;
    m.jgy = m.jgx;
  }
  if (z && equal(x!, z)) {
    m.gz = m.gx;
    m.jgz = m.jgx;
  }
  if (z && equal(y!, z)) {
    m.gz = m.gy;
    m.jgz = m.jgy;
  }
  if (equal(x!, flip(x!))) m.jgx = m.gx;
  if (equal(y!, flip(y!))) m.jgy = m.gy;
  if (z && equal(z, flip(z))) m.jgz = m.gz;
  return m;
}

function resolve(sym: Sym, k: readonly Float64Array[]): Float64Array {
  const axis = sym.endsWith("x") ? 0 : sym.endsWith("y") ? 1 : 2;
  return sym.startsWith("j") ? flip(k[axis]!) : k[axis]!;
}

/**
 * Orientations of a separable kernel set (kernels already odd-length, x first), each with its kernels
 * per axis and, when given, the matching pre-filter kernels (wavelet low-pass cascade).
 * rotationInvariant false: the identity only.
 */
export function orientations(
  kernels: readonly Float64Array[],
  preKernels: readonly Float64Array[] | undefined,
  rotationInvariant: boolean,
): { k: Float64Array[]; pre?: Float64Array[] }[] {
  if (!rotationInvariant) return [{ k: [...kernels], pre: preKernels ? [...preKernels] : undefined }];
  const table: readonly (readonly Sym[])[] = kernels.length === 2 ? TABLE_2D : TABLE_3D;
  const m = symbolMap(kernels);
  const pm = preKernels ? symbolMap(preKernels) : undefined;
  const seen = new Set<string>();
  const out: { k: Float64Array[]; pre?: Float64Array[] }[] = [];
  for (const row of table) {
    const ks = row.map((s) => m[s]);
    const ps = pm ? row.map((s) => pm[s]) : [];
    const key = [...ks, ...ps].join(",");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      k: ks.map((s) => resolve(s, kernels)),
      pre: preKernels ? ps.map((s) => resolve(s, preKernels)) : undefined,
    });
  }
  return out;
}
