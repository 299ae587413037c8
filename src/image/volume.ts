/**
 * Volume: a scalar 3D image as one typed array plus its world geometry.
 *
 * Conventions (those of ITK/SimpleITK, and so of PyRadiomics):
 * - voxel (i, j, k) is stored at data[i + nx * (j + ny * k)] (x fastest; numpy's C-order (z, y, x)).
 * - world coordinates are LPS millimetres: world = origin + D * diag(spacing) * [i, j, k]^T, where D is
 *   the 3x3 direction-cosine matrix stored row-major, its column c being the world direction of axis c.
 * - 2D images have size[2] === 1.
 */

import { GeometryError, InputError } from "../errors.js";

export type Vec3 = [number, number, number];
/** Row-major 3x3 matrix; column c is the direction of voxel axis c. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export type VoxelArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

export type DataType = "int8" | "uint8" | "int16" | "uint16" | "int32" | "uint32" | "float32" | "float64";

export const DATA_TYPES: readonly DataType[] = [
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "float32",
  "float64",
];

export interface Geometry {
  size: Vec3;
  spacing: Vec3;
  origin: Vec3;
  direction: Mat3;
}

export const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function dataTypeOf(a: VoxelArray): DataType {
  if (a instanceof Int8Array) return "int8";
  if (a instanceof Uint8Array) return "uint8";
  if (a instanceof Int16Array) return "int16";
  if (a instanceof Uint16Array) return "uint16";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint32Array) return "uint32";
  if (a instanceof Float32Array) return "float32";
  return "float64";
}

export function allocate(type: DataType, n: number): VoxelArray {
  switch (type) {
    case "int8":
      return new Int8Array(n);
    case "uint8":
      return new Uint8Array(n);
    case "int16":
      return new Int16Array(n);
    case "uint16":
      return new Uint16Array(n);
    case "int32":
      return new Int32Array(n);
    case "uint32":
      return new Uint32Array(n);
    case "float32":
      return new Float32Array(n);
    case "float64":
      return new Float64Array(n);
  }
}

export function bytesPerVoxel(type: DataType): number {
  switch (type) {
    case "int8":
    case "uint8":
      return 1;
    case "int16":
    case "uint16":
      return 2;
    case "int32":
    case "uint32":
    case "float32":
      return 4;
    case "float64":
      return 8;
  }
}

export function isIntegerType(type: DataType): boolean {
  return type !== "float32" && type !== "float64";
}

/**
 * Checks that a geometry is usable: positive integer sizes, finite positive spacing, finite origin and
 * an orthonormal direction matrix (within `tol`). Throws GeometryError naming `source`.
 */
export function validateGeometry(g: Geometry, source?: string, tol = 1e-4): void {
  for (let a = 0; a < 3; a++) {
    const n = g.size[a]!;
    if (!Number.isInteger(n) || n < 1)
      throw new GeometryError(`size along axis ${a} is ${n}, must be a positive integer`, source);
    const s = g.spacing[a]!;
    if (!Number.isFinite(s) || s <= 0)
      throw new GeometryError(`spacing along axis ${a} is ${s}, must be positive`, source);
    if (!Number.isFinite(g.origin[a]!))
      throw new GeometryError(`origin along axis ${a} is ${g.origin[a]}`, source);
  }
  const d = g.direction;
  for (const v of d)
    if (!Number.isFinite(v)) throw new GeometryError("direction matrix has a non-finite entry", source);
  // D^T D = I
  for (let c1 = 0; c1 < 3; c1++) {
    for (let c2 = c1; c2 < 3; c2++) {
      let dot = 0;
      for (let r = 0; r < 3; r++) dot += d[r * 3 + c1]! * d[r * 3 + c2]!;
      const want = c1 === c2 ? 1 : 0;
      if (Math.abs(dot - want) > tol) {
        throw new GeometryError(
          `direction matrix is not orthonormal (columns ${c1},${c2} dot product ${dot.toPrecision(6)}, expected ${want})`,
          source,
        );
      }
    }
  }
}

export class Volume<T extends VoxelArray = VoxelArray> implements Geometry {
  readonly data: T;
  readonly size: Vec3;
  readonly spacing: Vec3;
  readonly origin: Vec3;
  readonly direction: Mat3;

  constructor(data: T, geometry: Partial<Geometry> & { size: Vec3 }) {
    this.data = data;
    this.size = [...geometry.size] as Vec3;
    this.spacing = [...(geometry.spacing ?? [1, 1, 1])] as Vec3;
    this.origin = [...(geometry.origin ?? [0, 0, 0])] as Vec3;
    this.direction = [...(geometry.direction ?? IDENTITY)] as Mat3;
    const n = this.size[0] * this.size[1] * this.size[2];
    if (data.length !== n) {
      throw new InputError(
        `voxel array has ${data.length} elements but size ${this.size.join("x")} needs ${n}`,
      );
    }
  }

  get dataType(): DataType {
    return dataTypeOf(this.data);
  }
  get nx(): number {
    return this.size[0];
  }
  get ny(): number {
    return this.size[1];
  }
  get nz(): number {
    return this.size[2];
  }
  /** Number of voxels. */
  get count(): number {
    return this.data.length;
  }
  /** The geometry alone (copies). */
  get geometry(): Geometry {
    return {
      size: [...this.size] as Vec3,
      spacing: [...this.spacing] as Vec3,
      origin: [...this.origin] as Vec3,
      direction: [...this.direction] as Mat3,
    };
  }

  /** Linear offset of voxel (i, j, k). */
  offset(i: number, j: number, k: number): number {
    return i + this.size[0] * (j + this.size[1] * k);
  }

  get(i: number, j: number, k: number): number {
    return this.data[i + this.size[0] * (j + this.size[1] * k)]!;
  }

  /** Continuous index -> LPS world point (mm). */
  indexToWorld(idx: readonly number[]): Vec3 {
    return indexToWorld(this, idx);
  }

  /** LPS world point (mm) -> continuous index. */
  worldToIndex(p: readonly number[]): Vec3 {
    return worldToIndex(this, p);
  }

  /** A new Volume with the same geometry and other data. */
  withData<U extends VoxelArray>(data: U): Volume<U> {
    return new Volume(data, this);
  }
}

export function indexToWorld(g: Geometry, idx: readonly number[]): Vec3 {
  const d = g.direction;
  const s0 = idx[0]! * g.spacing[0];
  const s1 = idx[1]! * g.spacing[1];
  const s2 = idx[2]! * g.spacing[2];
  return [
    g.origin[0] + d[0] * s0 + d[1] * s1 + d[2] * s2,
    g.origin[1] + d[3] * s0 + d[4] * s1 + d[5] * s2,
    g.origin[2] + d[6] * s0 + d[7] * s1 + d[8] * s2,
  ];
}

/** Inverse of indexToWorld; D is orthonormal so D^-1 = D^T. */
export function worldToIndex(g: Geometry, p: readonly number[]): Vec3 {
  const d = g.direction;
  const x = p[0]! - g.origin[0];
  const y = p[1]! - g.origin[1];
  const z = p[2]! - g.origin[2];
  return [
    (d[0] * x + d[3] * y + d[6] * z) / g.spacing[0],
    (d[1] * x + d[4] * y + d[7] * z) / g.spacing[1],
    (d[2] * x + d[5] * y + d[8] * z) / g.spacing[2],
  ];
}
