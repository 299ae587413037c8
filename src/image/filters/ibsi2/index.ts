/**
 * IBSI 2 convolutional filters on a Volume: physical settings (mm, degrees) to voxel units, the
 * support check, and optional restriction of the work to a region (ROI bounding box plus the
 * filter's support) for feature extraction.
 */
import { InputError } from "../../../errors.js";
import { Volume } from "../../volume.js";
import {
  gaborFilter,
  lawsFilter,
  logFilter,
  logSupport,
  meanFilter,
  simoncelliFilter,
  waveletFilter,
} from "./filters.js";
import type { Grid } from "./grid.js";
import { lawsKernel, waveletFilters } from "./kernels.js";
import type { FilterSpec } from "./params.js";

export { BOUNDARY_MODES, type BoundaryMode, boundaryIndex } from "./grid.js";
export { type FilterSpec, parseFilterSpec, FILTER_TYPES } from "./params.js";

/**
 * Half-width (voxels, per axis) of the neighbourhood that one output voxel depends on; Infinity for
 * filters defined on the whole image (Gabor as the reference implementation builds it, Simoncelli).
 */
export function filterRadius(
  spec: FilterSpec,
  spacing: readonly number[],
  size: readonly number[],
): [number, number, number] {
  const twoD = spec.dimensions === "2D";
  const r = (v: number): [number, number, number] => [v, v, twoD ? 0 : v];
  switch (spec.type) {
    case "mean":
      return r((spec.support! - 1) / 2);
    case "log": {
      const out: [number, number, number] = [0, 0, 0];
      for (let a = 0; a < (twoD ? 2 : 3); a++)
        out[a] = (logSupport(spec.sigma! / spacing[a]!, spec.truncate!) - 1) / 2;
      return out;
    }
    case "laws": {
      const parts = spec.kernel!.match(/../g)!;
      const half = Math.max(...parts.map((p) => (lawsKernel(p)!.length - 1) / 2));
      return r(half + (spec.energy ? spec.distance! : 0));
    }
    case "wavelet": {
      const L = waveletFilters(spec.family!)!.lo.length;
      const odd = L % 2 === 0 ? L + 1 : L;
      let total = 0;
      for (let l = 1; l <= spec.level!; l++) total += ((odd - 1) / 2) * 2 ** (l - 1);
      return r(total);
    }
    case "gabor": {
      const planes = spec.orthogonalPlanes ? [2, 1, 0] : [2];
      const out: [number, number, number] = [0, 0, 0];
      for (const stack of planes) {
        const [ra, ca] = planeOf(stack);
        const h = gaborHalfSize(spec, spacing, size, stack);
        out[ra] = Math.max(out[ra], h);
        out[ca] = Math.max(out[ca], h);
      }
      return out;
    }
    default:
      return [Infinity, Infinity, Infinity];
  }
}

function planeOf(stack: number): [number, number] {
  return stack === 2 ? [1, 0] : stack === 1 ? [2, 0] : [2, 1];
}

/**
 * Half-size of the Gabor kernel in the planes orthogonal to `stack`: the reference implementation uses
 * the whole image (floor of the largest in-plane dimension / 2); past 6 envelope widths
 * (sigma, and sigma / gamma across the wave) the kernel is below 1.5e-8 of its peak, so larger images
 * stop there (phase-1 phantoms are smaller than that, so they get exactly the reference kernel).
 */
export function gaborHalfSize(
  spec: FilterSpec,
  spacing: readonly number[],
  size: readonly number[],
  stack: number,
): number {
  const [ra, ca] = planeOf(stack);
  const s = gaborSpacing(spacing);
  const env = Math.ceil(6 * (spec.sigma! / s) * Math.max(1, 1 / spec.gamma!));
  return Math.min(Math.floor(Math.max(size[ra]!, size[ca]!) / 2), env);
}

/** Spacing the Gabor settings (mm) are converted with: the largest in-plane (x, y) spacing. */
function gaborSpacing(spacing: readonly number[]): number {
  return Math.max(spacing[0]!, spacing[1]!);
}

function toGrid(vol: Volume, lo: readonly number[], hi: readonly number[]): Grid {
  const [nx, ny] = [vol.nx, vol.ny];
  const dx = hi[0]! - lo[0]!;
  const dy = hi[1]! - lo[1]!;
  const dz = hi[2]! - lo[2]!;
  const out = new Float64Array(dx * dy * dz);
  const src = vol.data;
  let t = 0;
  for (let k = lo[2]!; k < hi[2]!; k++)
    for (let j = lo[1]!; j < hi[1]!; j++) {
      const base = nx * (j + ny * k);
      for (let i = lo[0]!; i < hi[0]!; i++) out[t++] = src[base + i]!;
    }
  return { data: out, dims: [dx, dy, dz] };
}

export interface ApplyOptions {
  /**
   * Only the response inside this box (inclusive lo, exclusive hi voxel indices) is needed: the work is
   * restricted to the box grown by the filter's support (exact for every boundary mode but periodic,
   * and for local filters; whole-image filters and periodic boundaries fall back to the whole image).
   * Voxels outside the box are NaN in the result.
   */
  box?: { lo: [number, number, number]; hi: [number, number, number] };
  /** Called as orientations / planes finish (long filters): steps done of the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Response map of one IBSI 2 filter, float64, same geometry as the input. */
export function applyFilter(vol: Volume, spec: FilterSpec, opts: ApplyOptions = {}): Volume<Float64Array> {
  const size = [vol.nx, vol.ny, vol.nz];
  const spacing = vol.spacing;
  const twoD = spec.dimensions === "2D";
  const radius = filterRadius(spec, spacing, size);
  for (let a = 0; a < (twoD ? 2 : 3); a++) {
    if (spec.type === "gabor") break; // sized from the image itself
    const support = 2 * radius[a]! + 1;
    if (Number.isFinite(support) && support > size[a]!)
      throw new InputError(
        `the ${spec.type} kernel (support ${support} voxels along ${"xyz"[a]}) is larger than the image (${size[a]} voxels along ${"xyz"[a]})`,
      );
  }
  if (spec.type === "log") {
    const s = Math.min(...spacing.slice(0, twoD ? 2 : 3));
    if (logSupport(spec.sigma! / s, spec.truncate!) < 3)
      throw new InputError(
        `filter.sigma ${spec.sigma} mm is too small for the voxel spacing ${s} mm (the LoG kernel would be a single voxel)`,
      );
  }
  let lo: [number, number, number] = [0, 0, 0];
  let hi: [number, number, number] = [size[0]!, size[1]!, size[2]!];
  const local = radius.every((r) => Number.isFinite(r)) && spec.boundary !== "periodic";
  if (opts.box && local) {
    lo = [0, 1, 2].map((a) => Math.max(0, opts.box!.lo[a]! - radius[a]!)) as [number, number, number];
    hi = [0, 1, 2].map((a) => Math.min(size[a]!, opts.box!.hi[a]! + radius[a]!)) as [number, number, number];
  }
  const g = toGrid(vol, lo, hi);
  const r = runFilter(g, spec, spacing, size, opts.onProgress);
  const cropped = lo.every((v, a) => v === 0 && hi[a] === size[a]);
  if (cropped) return new Volume(r.data, vol.geometry);
  const out = new Float64Array(vol.count).fill(Number.NaN);
  let t = 0;
  for (let k = lo[2]; k < hi[2]; k++)
    for (let j = lo[1]; j < hi[1]; j++) {
      const base = vol.nx * (j + vol.ny * k);
      for (let i = lo[0]; i < hi[0]; i++) out[base + i] = r.data[t++]!;
    }
  return new Volume(out, vol.geometry);
}

function runFilter(
  g: Grid,
  spec: FilterSpec,
  spacing: readonly number[],
  fullSize: readonly number[],
  onProgress?: (done: number, total: number) => void,
): Grid {
  const twoD = spec.dimensions === "2D";
  switch (spec.type) {
    case "mean":
      return meanFilter(g, spec.support!, twoD, spec.boundary);
    case "log":
      return logFilter(
        g,
        spacing.map((s) => spec.sigma! / s),
        spec.truncate!,
        twoD,
        spec.boundary,
      );
    case "laws":
      return lawsFilter(g, {
        kernel: spec.kernel!.match(/../g)!,
        rotationInvariant: spec.rotationInvariant!,
        pooling: spec.pooling!,
        energy: spec.energy!,
        distance: spec.distance!,
        mode: spec.boundary,
        onProgress,
      });
    case "wavelet":
      return waveletFilter(g, {
        family: spec.family!,
        band: spec.band!,
        level: spec.level!,
        rotationInvariant: spec.rotationInvariant!,
        pooling: spec.pooling!,
        mode: spec.boundary,
        onProgress,
      });
    case "simoncelli":
      return simoncelliFilter(g, spec.level!, twoD);
    case "gabor": {
      const stackAxes = spec.orthogonalPlanes ? [2, 1, 0] : [2];
      const s = gaborSpacing(spacing);
      const thetas: number[] = [];
      const t0 = spec.theta!;
      if (spec.rotationInvariant) for (let t = t0; t < t0 + 360 - 1e-9; t += spec.thetaStep!) thetas.push(t);
      else thetas.push(t0);
      const acc: Grid[] = [];
      for (const [pi, stack] of stackAxes.entries()) {
        acc.push(
          gaborFilter(g, {
            sigma: spec.sigma! / s,
            lambda: spec.lambda! / s,
            gamma: spec.gamma!,
            thetas: thetas.map((d) => (d * Math.PI) / 180),
            pooling: spec.pooling!,
            stackAxes: [stack],
            mode: spec.boundary,
            halfSize: gaborHalfSize(spec, spacing, fullSize, stack),
            onProgress: onProgress ? (d, t) => onProgress(pi * t + d, stackAxes.length * t) : undefined,
          }),
        );
      }
      if (acc.length === 1) return acc[0]!;
      const out = new Float64Array(g.data.length);
      for (const a of acc) {
        if (spec.pooling === "max")
          for (let i = 0; i < out.length; i++)
            out[i] = Math.max(a === acc[0] ? -Infinity : out[i]!, a.data[i]!);
        else for (let i = 0; i < out.length; i++) out[i]! += a.data[i]! / acc.length;
      }
      return { data: out, dims: g.dims };
    }
  }
}
