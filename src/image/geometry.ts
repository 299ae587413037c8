/**
 * Geometry checks between images and masks, label handling and bounding-box cropping.
 */

import { EmptyRoiError, GeometryError } from "../errors.js";
import { type Geometry, type Vec3, type VoxelArray, Volume, allocate, dataTypeOf } from "./volume.js";

export interface GeometryDifference {
  property: "size" | "spacing" | "origin" | "direction";
  a: number[];
  b: number[];
  /** Largest absolute element difference. */
  maxDifference: number;
  tolerance: number;
}

/**
 * Differences between two geometries, with SimpleITK's rule: origin and spacing are compared with an
 * absolute tolerance of `coordinateTolerance * spacing_a[0]`, direction cosines with
 * `directionTolerance` (both 1e-6 by default, as in ITK's ImageToImageFilter and PyRadiomics'
 * `geometryTolerance`). Size must be identical.
 */
export function geometryDifferences(
  a: Geometry,
  b: Geometry,
  coordinateTolerance = 1e-6,
  directionTolerance = 1e-6,
): GeometryDifference[] {
  const out: GeometryDifference[] = [];
  const maxAbs = (x: readonly number[], y: readonly number[]) => {
    let m = 0;
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
    return m;
  };
  const sizeDiff = maxAbs(a.size, b.size);
  if (sizeDiff !== 0) {
    out.push({ property: "size", a: [...a.size], b: [...b.size], maxDifference: sizeDiff, tolerance: 0 });
  }
  const coordTol = Math.abs(coordinateTolerance * a.spacing[0]);
  const sp = maxAbs(a.spacing, b.spacing);
  if (sp > coordTol)
    out.push({
      property: "spacing",
      a: [...a.spacing],
      b: [...b.spacing],
      maxDifference: sp,
      tolerance: coordTol,
    });
  const or = maxAbs(a.origin, b.origin);
  if (or > coordTol)
    out.push({
      property: "origin",
      a: [...a.origin],
      b: [...b.origin],
      maxDifference: or,
      tolerance: coordTol,
    });
  const dr = maxAbs(a.direction, b.direction);
  if (dr > directionTolerance) {
    out.push({
      property: "direction",
      a: [...a.direction],
      b: [...b.direction],
      maxDifference: dr,
      tolerance: directionTolerance,
    });
  }
  return out;
}

const fmt = (v: number[]) => `(${v.map((x) => +x.toPrecision(8)).join(", ")})`;

export function describeGeometryDifferences(diffs: GeometryDifference[]): string {
  return diffs
    .map((d) =>
      d.property === "size"
        ? `size ${d.a.join("x")} vs ${d.b.join("x")}`
        : `${d.property} ${fmt(d.a)} vs ${fmt(d.b)} (max difference ${d.maxDifference.toPrecision(3)} > tolerance ${d.tolerance.toPrecision(3)})`,
    )
    .join("; ");
}

/** Throws a GeometryError saying what differs, and by how much, when mask and image do not share a grid. */
export function assertSameGeometry(
  image: Geometry,
  mask: Geometry,
  opts: { tolerance?: number; imageName?: string; maskName?: string } = {},
): void {
  const tol = opts.tolerance ?? 1e-6;
  const diffs = geometryDifferences(image, mask, tol, tol);
  if (diffs.length > 0) {
    const what = `${opts.maskName ?? "mask"} does not match the geometry of ${opts.imageName ?? "image"}`;
    throw new GeometryError(`${what}: ${describeGeometryDifferences(diffs)}`);
  }
}

/** Label values present in a mask (excluding 0) with their voxel counts, ascending by label. */
export function labelCounts(mask: Volume | VoxelArray): Map<number, number> {
  const data = mask instanceof Volume ? mask.data : mask;
  const counts = new Map<number, number>();
  // Fast path for small integer label ranges.
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== 0) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return new Map([...counts.entries()].sort((x, y) => x[0] - y[0]));
}

/** Binary (0/1) Uint8Array of the voxels equal to `label`. */
export function selectLabel(mask: Volume, label: number, source?: string): Volume<Uint8Array> {
  const d = mask.data;
  const out = new Uint8Array(d.length);
  let n = 0;
  for (let i = 0; i < d.length; i++) {
    if (d[i] === label) {
      out[i] = 1;
      n++;
    }
  }
  if (n === 0) {
    const present = [...labelCounts(mask).keys()];
    throw new EmptyRoiError(
      `label ${label} is not present in the mask (labels present: ${present.length ? present.join(", ") : "none, the mask is empty"})`,
      source,
    );
  }
  return new Volume(out, mask);
}

export interface BoundingBox {
  /** Inclusive lower voxel index per axis. */
  min: Vec3;
  /** Inclusive upper voxel index per axis. */
  max: Vec3;
}

/** Bounding box of the non-zero voxels, or undefined when the mask is empty. */
export function boundingBox(mask: Volume): BoundingBox | undefined {
  const [nx, ny, nz] = mask.size;
  const d = mask.data;
  let x0 = nx;
  let y0 = ny;
  let z0 = nz;
  let x1 = -1;
  let y1 = -1;
  let z1 = -1;
  let p = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) {
        if (d[p] !== 0) {
          if (i < x0) x0 = i;
          if (i > x1) x1 = i;
          if (j < y0) y0 = j;
          if (j > y1) y1 = j;
          if (k < z0) z0 = k;
          if (k > z1) z1 = k;
        }
      }
    }
  }
  if (x1 < 0) return undefined;
  return { min: [x0, y0, z0], max: [x1, y1, z1] };
}

/** Extract the sub-volume [min, max] (inclusive, clipped to the image); origin moves accordingly. */
export function cropToBox<T extends VoxelArray>(vol: Volume<T>, box: BoundingBox): Volume<T> {
  const [nx, ny] = vol.size;
  const g = boxGeometry(vol, box);
  const { lo, size } = g;
  const out = allocate(dataTypeOf(vol.data), size[0] * size[1] * size[2]) as T;
  let q = 0;
  for (let k = lo[2]; k < lo[2] + size[2]; k++) {
    for (let j = lo[1]; j < lo[1] + size[1]; j++) {
      const start = lo[0] + nx * (j + ny * k);
      out.set(vol.data.subarray(start, start + size[0]) as never, q);
      q += size[0];
    }
  }
  return new Volume(out, { size, spacing: g.spacing, origin: g.origin, direction: g.direction });
}

/**
 * The geometry of the sub-grid covering `box` (clipped to the volume): its size, the world position of its
 * first voxel, the volume's spacing and direction; `lo` is its first voxel's index in the volume.
 */
export function boxGeometry(
  vol: Geometry & { indexToWorld(idx: readonly number[]): Vec3 },
  box: BoundingBox,
): Geometry & { lo: Vec3 } {
  const lo = box.min.map((v) => Math.max(0, v)) as Vec3;
  const hi = box.max.map((v, a) => Math.min(vol.size[a]! - 1, v)) as Vec3;
  return {
    lo,
    size: [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1],
    spacing: vol.spacing,
    origin: vol.indexToWorld(lo),
    direction: vol.direction,
  };
}

/**
 * Crop image and mask to the mask's bounding box grown by `padding` voxels on each side (clipped to the
 * image), as PyRadiomics' preCrop/padDistance do.
 */
export function cropToMask<T extends VoxelArray, M extends VoxelArray>(
  image: Volume<T>,
  mask: Volume<M>,
  padding = 0,
): { image: Volume<T>; mask: Volume<M>; box: BoundingBox } {
  const bb = boundingBox(mask);
  if (!bb) throw new EmptyRoiError("the mask has no non-zero voxels");
  const box: BoundingBox = {
    min: bb.min.map((v) => v - padding) as Vec3,
    max: bb.max.map((v) => v + padding) as Vec3,
  };
  return { image: cropToBox(image, box), mask: cropToBox(mask, box), box };
}
