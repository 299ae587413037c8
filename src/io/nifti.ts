/**
 * NIfTI-1 / NIfTI-2 reader and NIfTI-1 writer, with the geometry rules of ITK's NiftiImageIO (and so of
 * SimpleITK and PyRadiomics):
 *
 * - NIfTI world coordinates are RAS; ITK's are LPS: origin = (-m03, -m13, m23), and direction column c
 *   is (-m0c, -m1c, m2c) normalised, where m is the chosen 4x4 voxel -> world matrix.
 * - Spacing is pixdim[1..3] (times 1000 for metres, 1/1000 for microns), not the matrix column norms.
 * - qform vs sform (ITK >= 5.2, `SetImageIOOrientationFromNIfTI`): both codes 0 -> origin 0, identity.
 *   Otherwise the sform is used when it agrees with the qform element-wise (1e-5 on the 3x3, 1e-7 on
 *   the offsets), or when its normalised 3x3 is orthonormal (1e-4) and either the qform code is 0, or
 *   the sform code is 1 (SCANNER_ANAT), or both codes are set and the two transforms are very similar
 *   (spacing, rotation and offset within 1e-4). Else the qform is used if its code is set; failing
 *   that the file has no orthonormal transform and a GeometryError is thrown.
 * - NIfTI-1 matrices are single precision (niftilib's mat44 is float): qto_xyz is computed in double from
 *   the float quaternion and rounded to float, as nifti_quatern_to_mat44 does.
 * - scl_slope / scl_inter: a slope of 0 (or non-finite) means 1; when slope != 1 or inter != 0 integer
 *   data become float32 (value cast to float, then float(value * slope + inter) in double), float32
 *   stays float32 and float64 stays float64. Otherwise the on-disk type is kept.
 * - 4D with dim[4..] = 1 is read as 3D; real 4D/5D data and vector/RGB/complex voxels are unsupported.
 *
 * Browser-safe: the separate-file variants (.hdr/.img, magic "ni1"/"ni2", Analyze 7.5) get the image file
 * through a caller-supplied loader.
 */

import { FormatError, GeometryError, TooLargeError, UnsupportedError } from "../errors.js";
import {
  type DataType,
  type Mat3,
  type Vec3,
  Volume,
  type VoxelArray,
  validateGeometry,
} from "../image/volume.js";
import {
  type DataFileLoader,
  type Gunzipper,
  DEFAULT_MAX_IMAGE_BYTES,
  concatBytes,
  countNonFinite,
  directionFromColumns,
  decodeVoxels,
  encodeVoxels,
  formatBytes,
  gunzip,
  gunzipHead,
  gzip,
  isGzip,
} from "./common.js";

/** NIfTI datatype codes (nifti1.h). */
export const NIFTI_TYPE = {
  UINT8: 2,
  INT16: 4,
  INT32: 8,
  FLOAT32: 16,
  COMPLEX64: 32,
  FLOAT64: 64,
  RGB24: 128,
  INT8: 256,
  UINT16: 512,
  UINT32: 768,
  INT64: 1024,
  UINT64: 1280,
  FLOAT128: 1536,
  COMPLEX128: 1792,
  COMPLEX256: 2048,
  RGBA32: 2304,
} as const;

const CODE_TO_TYPE: Record<number, DataType> = {
  2: "uint8",
  4: "int16",
  8: "int32",
  16: "float32",
  64: "float64",
  256: "int8",
  512: "uint16",
  768: "uint32",
};

const TYPE_TO_CODE: Record<DataType, number> = {
  uint8: 2,
  int16: 4,
  int32: 8,
  float32: 16,
  float64: 64,
  int8: 256,
  uint16: 512,
  uint32: 768,
};

const UNSUPPORTED_NAMES: Record<number, string> = {
  1: "binary (1 bit)",
  32: "complex64",
  128: "RGB24",
  1024: "int64",
  1280: "uint64",
  1536: "float128",
  1792: "complex128",
  2048: "complex256",
  2304: "RGBA32",
};

/** The header fields the reader uses (NIfTI-1 and NIfTI-2 alike). */
export interface NiftiHeader {
  /** 1 or 2 (NIfTI), 0 for an Analyze 7.5 header. */
  version: 0 | 1 | 2;
  /** True for single-file (.nii, magic n+1 / n+2), false for .hdr/.img pairs. */
  singleFile: boolean;
  littleEndian: boolean;
  headerSize: number;
  dim: number[];
  pixdim: number[];
  datatype: number;
  bitpix: number;
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  xyztUnits: number;
  intentCode: number;
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: [number, number, number];
  /** srow_x, srow_y, srow_z (4 each). */
  srow: number[];
  descrip: string;
}

export interface NiftiReadOptions {
  /** File name used in error messages. */
  source?: string;
  /**
   * For two-file NIfTI / Analyze (.hdr + .img): loads the image file. The name passed is the header's
   * name with .hdr replaced by .img (the loader may try .img.gz too).
   */
  loadDataFile?: DataFileLoader;
  /** gzip decompressor (default fflate; the Node edge passes node:zlib). */
  gunzip?: Gunzipper;
}

/** True when the (decompressed) bytes look like a NIfTI-1/-2 or Analyze header. */
export function isNifti(bytes: Uint8Array): boolean {
  if (bytes.length < 348) return false;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = dv.getInt32(0, true);
  const be = dv.getInt32(0, false);
  return le === 348 || be === 348 || le === 540 || be === 540;
}

function cstring(bytes: Uint8Array, off: number, len: number): string {
  let s = "";
  for (let i = 0; i < len; i++) {
    const c = bytes[off + i]!;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Parses a NIfTI-1 (348-byte) or NIfTI-2 (540-byte) header, either byte order. */
export function parseNiftiHeader(bytes: Uint8Array, source?: string): NiftiHeader {
  if (bytes.length < 4) throw new FormatError("file is too short to be NIfTI (truncated header)", source);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sLe = dv.getInt32(0, true);
  const sBe = dv.getInt32(0, false);
  const size = sLe === 348 || sLe === 540 ? sLe : sBe === 348 || sBe === 540 ? sBe : 0;
  if (size === 0)
    throw new FormatError(`not a NIfTI file (sizeof_hdr is ${sLe}, expected 348 or 540)`, source);
  if (bytes.length < size)
    throw new FormatError(`NIfTI header is truncated (${bytes.length} of ${size} bytes)`, source);
  let le = sLe === size;
  if (size === 348) {
    // niftilib decides the byte order from dim[0] (1..7) when it is set, else from sizeof_hdr
    const d0le = dv.getInt16(40, true);
    const d0be = dv.getInt16(40, false);
    if (d0le >= 1 && d0le <= 7) le = true;
    else if (d0be >= 1 && d0be <= 7) le = false;
    else throw new FormatError(`NIfTI dim[0] is ${d0le}, must be 1..7`, source);
    const magic = cstring(bytes, 344, 4);
    const version = magic === "n+1" || magic === "ni1" ? 1 : 0;
    const i16 = (o: number) => dv.getInt16(o, le);
    const f32 = (o: number) => dv.getFloat32(o, le);
    const dim = Array.from({ length: 8 }, (_, i) => i16(40 + 2 * i));
    const pixdim = Array.from({ length: 8 }, (_, i) => f32(76 + 4 * i));
    const srow = Array.from({ length: 12 }, (_, i) => f32(280 + 4 * i));
    return {
      version,
      singleFile: magic === "n+1",
      littleEndian: le,
      headerSize: 348,
      dim,
      pixdim,
      datatype: i16(70),
      bitpix: i16(72),
      voxOffset: f32(108),
      sclSlope: f32(112),
      sclInter: f32(116),
      xyztUnits: bytes[123]!,
      intentCode: i16(68),
      qformCode: version ? i16(252) : 0,
      sformCode: version ? i16(254) : 0,
      quatern: [f32(256), f32(260), f32(264)],
      qoffset: [f32(268), f32(272), f32(276)],
      srow,
      descrip: cstring(bytes, 148, 80),
    };
  }
  const magic = cstring(bytes, 4, 3);
  if (magic !== "n+2" && magic !== "ni2") throw new FormatError(`bad NIfTI-2 magic "${magic}"`, source);
  const i64 = (o: number) => Number(dv.getBigInt64(o, le));
  const f64 = (o: number) => dv.getFloat64(o, le);
  const i32 = (o: number) => dv.getInt32(o, le);
  const dim = Array.from({ length: 8 }, (_, i) => i64(16 + 8 * i));
  if (!(dim[0]! >= 1 && dim[0]! <= 7))
    throw new FormatError(`NIfTI dim[0] is ${dim[0]}, must be 1..7`, source);
  return {
    version: 2,
    singleFile: magic === "n+2",
    littleEndian: le,
    headerSize: 540,
    dim,
    pixdim: Array.from({ length: 8 }, (_, i) => f64(104 + 8 * i)),
    datatype: dv.getInt16(12, le),
    bitpix: dv.getInt16(14, le),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    xyztUnits: i32(500),
    intentCode: i32(504),
    qformCode: i32(344),
    sformCode: i32(348),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: Array.from({ length: 12 }, (_, i) => f64(400 + 8 * i)),
    descrip: cstring(bytes, 240, 80),
  };
}

/** Row-major 4x4 (only the top 3 rows are stored; the bottom row is 0 0 0 1). */
type Affine = number[];

/**
 * nifti_quatern_to_mat44: quaternion (b, c, d), offsets, voxel sizes and qfac -> 3x4 matrix.
 * `round` is Math.fround for NIfTI-1 (niftilib's float mat44) and identity for NIfTI-2.
 */
export function quaternToAffine(
  q: readonly number[],
  offset: readonly number[],
  pixdim: readonly number[],
  qfac: number,
  round: (x: number) => number = Math.fround,
): Affine {
  let [b, c, d] = q as [number, number, number];
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // special case: a 180 degree rotation; normalise (b, c, d)
    a = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= a;
    c *= a;
    d *= a;
    a = 0;
  } else a = Math.sqrt(a);
  const xd = pixdim[0]! > 0 ? pixdim[0]! : 1;
  const yd = pixdim[1]! > 0 ? pixdim[1]! : 1;
  let zd = pixdim[2]! > 0 ? pixdim[2]! : 1;
  if (qfac < 0) zd = -zd;
  return [
    round((a * a + b * b - c * c - d * d) * xd),
    round(2 * (b * c - a * d) * yd),
    round(2 * (b * d + a * c) * zd),
    round(offset[0]!),
    round(2 * (b * c + a * d) * xd),
    round((a * a + c * c - b * b - d * d) * yd),
    round(2 * (c * d - a * b) * zd),
    round(offset[1]!),
    round(2 * (b * d - a * c) * xd),
    round(2 * (c * d + a * b) * yd),
    round((a * a + d * d - c * c - b * b) * zd),
    round(offset[2]!),
  ];
}

function columnNorms(m: Affine): Vec3 {
  return [0, 1, 2].map((c) => Math.hypot(m[c]!, m[4 + c]!, m[8 + c]!)) as Vec3;
}

/** The 3x3 part with unit columns (NaN columns if a column is zero). */
function normalisedRotation(m: Affine): number[] {
  const n = columnNorms(m);
  const r: number[] = [];
  for (let row = 0; row < 3; row++) for (let c = 0; c < 3; c++) r.push(m[row * 4 + c]! / n[c]!);
  return r;
}

/** sform's "decomposable without skew" test: invertible and its normalised 3x3 is orthonormal (1e-4). */
function sformOrthonormal(m: Affine): boolean {
  const n = columnNorms(m);
  if (!(n[0] > 0 && n[1] > 0 && n[2] > 0)) return false;
  const r = normalisedRotation(m);
  // R R^T == I within 1e-4 (ITK: candidate_identity.is_identity(1e-4), single precision)
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += r[i * 3 + k]! * r[j * 3 + k]!;
      if (Math.abs(Math.fround(s) - (i === j ? 1 : 0)) > 1e-4) return false;
    }
  }
  return true;
}

/**
 * Chooses the voxel -> RAS matrix the way ITK's NiftiImageIO does; returns undefined when both codes are
 * unknown (ITK then uses origin 0 and the identity direction).
 */
export function chooseNiftiAffine(
  h: NiftiHeader,
  source?: string,
): { affine: Affine; from: "sform" | "qform" } | undefined {
  const qcode = Math.max(h.qformCode, 0);
  const scode = Math.max(h.sformCode, 0);
  if (qcode === 0 && scode === 0) return undefined;
  const round = h.version === 2 ? (x: number) => x : Math.fround;
  const dx = h.pixdim[1]!;
  const dy = h.pixdim[2]!;
  const dz = h.pixdim[3]!;
  const qfac = h.pixdim[0]! < 0 ? -1 : 1;
  // niftilib: an unset qform is diag(dx, dy, dz); an unset sform is all zeros.
  const qto: Affine =
    qcode > 0
      ? quaternToAffine(h.quatern, h.qoffset, [dx, dy, dz], qfac, round)
      : [dx, 0, 0, 0, 0, dy, 0, 0, 0, 0, dz, 0];
  const sto: Affine = scode > 0 ? h.srow.map(round) : new Array(12).fill(0);

  let similar = true;
  for (let r = 0; r < 3 && similar; r++) {
    for (let c = 0; c < 3; c++) if (Math.abs(sto[r * 4 + c]! - qto[r * 4 + c]!) > 1e-5) similar = false;
  }
  if (similar) {
    let t = 0;
    for (let r = 0; r < 3; r++) t += Math.abs(sto[r * 4 + 3]! - qto[r * 4 + 3]!);
    if (t > 1e-7) similar = false;
  }
  let preferSform = similar;
  if (!preferSform || scode !== 0) {
    if (sformOrthonormal(sto)) {
      if (qcode === 0 && scode !== 0) preferSform = true;
      else if (scode === 1) preferSform = true;
      else if (qcode !== 0 && scode !== 0) {
        // "very similar": same voxel sizes, same rotation, same offset (1e-4)
        const ns = columnNorms(sto);
        const nq = columnNorms(qto);
        let ok = ns.every((v, i) => Math.abs(v - nq[i]!) <= 1e-4);
        const rs = normalisedRotation(sto);
        const rq = normalisedRotation(qto);
        for (let i = 0; i < 3 && ok; i++) {
          for (let j = 0; j < 3; j++) {
            let s = 0;
            for (let k = 0; k < 3; k++) s += rs[i * 3 + k]! * rq[j * 3 + k]!;
            if (Math.abs(s - (i === j ? 1 : 0)) > 1e-4) ok = false;
          }
        }
        for (let r = 0; r < 3 && ok; r++) if (Math.abs(sto[r * 4 + 3]! - qto[r * 4 + 3]!) > 1e-4) ok = false;
        preferSform = ok;
      }
    }
  }
  if (preferSform) return { affine: sto, from: "sform" };
  if (qcode !== 0) return { affine: qto, from: "qform" };
  throw new GeometryError(
    `NIfTI sform (code ${scode}) is not a rotation + scaling (non-orthonormal direction) and there is no qform`,
    source,
  );
}

/** Geometry (LPS) of a NIfTI header, following ITK. */
export function niftiGeometry(
  h: NiftiHeader,
  source?: string,
): { size: Vec3; spacing: Vec3; origin: Vec3; direction: Mat3; transform: "sform" | "qform" | "none" } {
  const dim = h.dim;
  const ndim = dim[0]!;
  for (let i = 1; i <= ndim; i++) {
    if (!(dim[i]! >= 1)) throw new FormatError(`NIfTI dim[${i}] is ${dim[i]}, must be >= 1`, source);
  }
  // Vector / matrix intents: components in dim[5]
  if ([1004, 1005, 1006, 1007].includes(h.intentCode) && ndim >= 5 && dim[5]! > 1) {
    throw new UnsupportedError(
      `NIfTI vector/matrix image (intent ${h.intentCode}, ${dim[5]} components) is not supported`,
      source,
    );
  }
  let realdim = ndim;
  while (realdim > 3 && dim[realdim] === 1) realdim--;
  if (realdim > 3) {
    throw new UnsupportedError(
      `NIfTI image is ${realdim}D (dim ${dim.slice(1, ndim + 1).join("x")}): only 2D/3D scalar images are supported`,
      source,
    );
  }
  const size: Vec3 = [dim[1]!, realdim >= 2 ? dim[2]! : 1, realdim >= 3 ? dim[3]! : 1];
  const units = h.xyztUnits & 0x07;
  const scale = units === 1 ? 1e3 : units === 3 ? 1e-3 : 1;
  const sp = (i: number, used: boolean) => {
    const v = h.pixdim[i]!;
    if (used) return v * scale;
    // axes the file does not have: keep a usable spacing
    return Number.isFinite(v) && v > 0 ? v * scale : 1;
  };
  const spacing: Vec3 = [sp(1, true), sp(2, realdim >= 2), sp(3, realdim >= 3)];
  const chosen = chooseNiftiAffine(h, source);
  let origin: Vec3 = [0, 0, 0];
  let direction: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  if (chosen) {
    const m = chosen.affine;
    origin = [0 - m[3]!, 0 - m[7]!, m[11]! + 0]; // 0 - x: no negative zeros
    const cols: Vec3[] = [];
    for (let c = 0; c < 3; c++) {
      const v: Vec3 = [0 - m[c]!, 0 - m[4 + c]!, m[8 + c]! + 0];
      const n = Math.hypot(v[0], v[1], v[2]);
      cols.push(n > 0 ? [v[0] / n, v[1] / n, v[2] / n] : v);
    }
    direction = directionFromColumns(cols);
  }
  return { size, spacing, origin, direction, transform: chosen ? chosen.from : "none" };
}

/** Companion image file of a .hdr header: x.hdr -> x.img, x.hdr.gz -> x.img.gz. */
export function niftiImageFileFor(headerName: string): string {
  if (/\.hdr\.gz$/i.test(headerName)) return headerName.replace(/\.hdr\.gz$/i, ".img.gz");
  if (/\.hdr$/i.test(headerName)) return headerName.replace(/\.hdr$/i, ".img");
  return `${headerName}.img`;
}

/**
 * Checks the header fields the reader trusts (NIfTI-1/2 and Analyze): bitpix against the datatype,
 * vox_offset, scl_slope / scl_inter, and the quatern / srow values of the transforms in use. niftilib
 * silently reads a non-finite header float as 0; a corrupted header is reported instead. Throws
 * FormatError naming the field and the value.
 */
export function validateNiftiHeader(h: NiftiHeader, type: DataType, source?: string): void {
  const bits = bytesPerType(type) * 8;
  if (h.bitpix !== bits)
    throw new FormatError(
      `NIfTI bitpix is ${h.bitpix} but datatype ${h.datatype} (${type}) has ${bits} bits per voxel`,
      source,
    );
  const vo = h.voxOffset;
  if (!Number.isFinite(vo) || vo < 0)
    throw new FormatError(`NIfTI vox_offset is ${vo}, must be a finite offset >= 0`, source);
  if (h.version !== 0) {
    if (!Number.isFinite(h.sclSlope))
      throw new FormatError(`NIfTI scl_slope is ${h.sclSlope}, must be a finite number`, source);
    if (!Number.isFinite(h.sclInter))
      throw new FormatError(`NIfTI scl_inter is ${h.sclInter}, must be a finite number`, source);
    for (const [name, code] of [
      ["qform_code", h.qformCode],
      ["sform_code", h.sformCode],
    ] as const) {
      if (!(code >= 0 && code <= 5)) throw new FormatError(`NIfTI ${name} is ${code}, must be 0..5`, source);
    }
    if (h.qformCode > 0) {
      const q = [...h.quatern, ...h.qoffset];
      const names = ["quatern_b", "quatern_c", "quatern_d", "qoffset_x", "qoffset_y", "qoffset_z"];
      for (let i = 0; i < 6; i++)
        if (!Number.isFinite(q[i]!))
          throw new FormatError(`NIfTI ${names[i]} is ${q[i]} (qform_code ${h.qformCode})`, source);
      if (!Number.isFinite(h.pixdim[0]!))
        throw new FormatError(`NIfTI pixdim[0] (qfac) is ${h.pixdim[0]}`, source);
    }
    if (h.sformCode > 0) {
      for (let i = 0; i < 12; i++)
        if (!Number.isFinite(h.srow[i]!))
          throw new FormatError(
            `NIfTI srow_${"xyz"[i >> 2]}[${i & 3}] is ${h.srow[i]} (sform_code ${h.sformCode})`,
            source,
          );
    }
  }
}

/** Bytes a NIfTI header occupies before its extensions (348 / 540 plus the 4-byte extension flag). */
const NIFTI_HEAD_BYTES = 544;

export interface NiftiLimitOptions {
  /** Absolute cap on the voxel data bytes (default DEFAULT_MAX_IMAGE_BYTES). */
  maxBytes?: number;
}

/**
 * Reads a NIfTI-1/2 image (`.nii`, `.nii.gz`; `.hdr`+`.img` with `loadDataFile`) into a Volume with ITK's
 * LPS geometry and rescaling. The header is validated before any voxel data are decompressed; a gzip
 * stream is inflated only up to the size the header states (plus a margin), under the absolute cap.
 */
export function parseNifti(input: Uint8Array, opts: NiftiReadOptions & NiftiLimitOptions = {}): Volume {
  const source = opts.source;
  const gz = isGzip(input);
  const head = gz ? gunzipHead(input, NIFTI_HEAD_BYTES, source, "NIfTI gzip stream") : input;
  const h = parseNiftiHeader(head, source);
  const type = CODE_TO_TYPE[h.datatype];
  if (type === undefined) {
    const name = UNSUPPORTED_NAMES[h.datatype];
    if (name) throw new UnsupportedError(`NIfTI datatype ${h.datatype} (${name}) is not supported`, source);
    throw new FormatError(`NIfTI datatype ${h.datatype} is not a valid NIfTI datatype code`, source);
  }
  validateNiftiHeader(h, type, source);
  const g = niftiGeometry(h, source);
  validateGeometry(g, source);
  const n = g.size[0] * g.size[1] * g.size[2];
  const bpv = bytesPerType(type);
  const need = n * bpv;
  const cap = opts.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  // deflate expands at most ~1032:1: a larger stated size cannot be in this stream (corrupt dims)
  if (gz && need > input.length * 1032 + 1024)
    throw new FormatError(
      `NIfTI dim ${g.size.join("x")} of ${type} needs ${need} bytes, more than a ${input.length}-byte gzip stream can hold (corrupt dim?)`,
      source,
    );
  if (gz && need > cap)
    throw new TooLargeError(
      `NIfTI dim ${g.size.join("x")} of ${type} is ${formatBytes(need)} of voxel data, more than the limit of ${formatBytes(cap)} (raise it with --max-image-size)`,
      source,
    );

  let dataBytes: Uint8Array;
  let offset: number;
  let dataSource = source;
  if (h.singleFile) {
    offset = Math.max(Math.trunc(h.voxOffset), h.headerSize);
    dataBytes = gz
      ? gunzip(input, source, "NIfTI gzip stream", opts.gunzip, { expected: offset + need, maxBytes: cap })
      : input;
  } else {
    if (!opts.loadDataFile) {
      throw new UnsupportedError(
        "two-file NIfTI/Analyze header: the .img file cannot be loaded here",
        source,
      );
    }
    // the loader resolves names relative to the header's directory: pass the bare file name
    const imgName = niftiImageFileFor((source ?? "image.hdr").split(/[\\/]/).pop()!);
    const raw = opts.loadDataFile(imgName);
    dataSource = source ? niftiImageFileFor(source) : imgName;
    offset = Math.trunc(h.voxOffset);
    dataBytes = isGzip(raw)
      ? gunzip(raw, imgName, "NIfTI image gzip stream", opts.gunzip, {
          expected: offset + need,
          maxBytes: cap,
        })
      : raw;
  }
  const have = dataBytes.length - offset;
  if (have < need) {
    throw new FormatError(
      `voxel data is truncated: dim ${g.size.join("x")} of ${type} needs ${need} bytes after vox_offset ${offset}, ${Math.max(0, have)} present`,
      dataSource,
    );
  }
  if (have > need) {
    throw new FormatError(
      `voxel data does not match the dimensions: dim ${g.size.join("x")} of ${type} needs ${need} bytes after vox_offset ${offset}, ${have} present`,
      dataSource,
    );
  }
  let data: VoxelArray = decodeVoxels(dataBytes, offset, type, n, h.littleEndian, dataSource);

  // scl_slope / scl_inter as ITK applies them (Analyze files: never)
  let slope = h.version === 0 ? 1 : h.sclSlope;
  const inter = h.version === 0 ? 0 : h.sclInter;
  if (Math.abs(slope) < Number.EPSILON) slope = 1;
  const mustRescale = Math.abs(slope - 1) > Number.EPSILON || Math.abs(inter) > Number.EPSILON;
  if (mustRescale) {
    if (data instanceof Float64Array) {
      for (let i = 0; i < n; i++) data[i] = data[i]! * slope + inter;
    } else {
      // integers are first cast to float (ITK's CastCopy), then rescaled in double and stored as float
      const wasInteger = !(data instanceof Float32Array);
      const out = data instanceof Float32Array ? data : new Float32Array(n);
      const src = data;
      for (let i = 0; i < n; i++) out[i] = Math.fround(src[i]!) * slope + inter;
      data = out;
      if (wasInteger) {
        const bad = countNonFinite(out);
        if (bad > 0)
          throw new FormatError(
            `NIfTI scl_slope ${slope} / scl_inter ${inter} overflow float32 for ${bad} voxels (corrupt rescale fields?)`,
            source,
          );
      }
    }
  }
  return new Volume(data, g);
}

function bytesPerType(t: DataType): number {
  return t === "int8" || t === "uint8" ? 1 : t === "int16" || t === "uint16" ? 2 : t === "float64" ? 8 : 4;
}

export interface NiftiWriteOptions {
  /** gzip the whole file (.nii.gz). Default false. */
  gzip?: boolean;
  /** Text for the 80-byte `descrip` field. */
  description?: string;
  /** gzip compressor (default fflate level 6; the Node edge passes node:zlib). */
  compressor?: (bytes: Uint8Array) => Uint8Array;
}

/**
 * nifti_mat44_to_quatern for an orthonormal rotation R (row-major) -> quaternion (b, c, d) and qfac.
 */
export function rotationToQuatern(R: readonly number[]): { b: number; c: number; d: number; qfac: number } {
  let [r11, r12, r13, r21, r22, r23, r31, r32, r33] = R as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const det =
    r11 * r22 * r33 - r11 * r32 * r23 - r21 * r12 * r33 + r21 * r32 * r13 + r31 * r12 * r23 - r31 * r22 * r13;
  let qfac = 1;
  if (det <= 0) {
    qfac = -1;
    r13 = -r13;
    r23 = -r23;
    r33 = -r33;
  }
  let a = r11 + r22 + r33 + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b, c, d, qfac };
}

/**
 * Encodes a Volume as single-file NIfTI-1 (.nii, or .nii.gz with `gzip`), as ITK writes it: qform and
 * sform both code 1 (scanner anatomical) holding the LPS geometry converted to RAS, pixdim = spacing,
 * units mm/s, the voxel datatype unchanged, scl_slope 1 / scl_inter 0, little-endian, vox_offset 352.
 */
export function encodeNifti(vol: Volume, opts: NiftiWriteOptions = {}): Uint8Array {
  validateGeometry(vol.geometry, "NIfTI writer");
  const hdr = new Uint8Array(352);
  const dv = new DataView(hdr.buffer);
  const type = vol.dataType;
  const bpv = bytesPerType(type);
  dv.setInt32(0, 348, true);
  hdr[38] = "r".charCodeAt(0); // regular
  const dims = [3, vol.size[0], vol.size[1], vol.size[2], 1, 1, 1, 1];
  for (let i = 0; i < 8; i++) {
    if (dims[i]! > 32767)
      throw new UnsupportedError(`dimension ${dims[i]} is too large for NIfTI-1 (max 32767)`);
    dv.setInt16(40 + 2 * i, dims[i]!, true);
  }
  dv.setInt16(70, TYPE_TO_CODE[type], true);
  dv.setInt16(72, bpv * 8, true);
  // RAS direction D_ras = diag(-1,-1,1) D_lps
  const d = vol.direction;
  const R = [-d[0], -d[1], -d[2], -d[3], -d[4], -d[5], d[6], d[7], d[8]];
  const q = rotationToQuatern(R);
  const pixdim = [q.qfac, vol.spacing[0], vol.spacing[1], vol.spacing[2], 1, 1, 1, 1];
  for (let i = 0; i < 8; i++) dv.setFloat32(76 + 4 * i, pixdim[i]!, true);
  dv.setFloat32(108, 352, true); // vox_offset
  dv.setFloat32(112, 1, true); // scl_slope
  dv.setFloat32(116, 0, true); // scl_inter
  hdr[123] = 2 | 8; // mm, s
  const desc = (opts.description ?? "radiogenomics").slice(0, 79);
  for (let i = 0; i < desc.length; i++) hdr[148 + i] = desc.charCodeAt(i) & 0x7f;
  dv.setInt16(252, 1, true); // qform_code SCANNER_ANAT
  dv.setInt16(254, 1, true); // sform_code SCANNER_ANAT
  const oRas = [-vol.origin[0], -vol.origin[1], vol.origin[2]];
  dv.setFloat32(256, q.b, true);
  dv.setFloat32(260, q.c, true);
  dv.setFloat32(264, q.d, true);
  dv.setFloat32(268, oRas[0]!, true);
  dv.setFloat32(272, oRas[1]!, true);
  dv.setFloat32(276, oRas[2]!, true);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) dv.setFloat32(280 + 16 * r + 4 * c, R[r * 3 + c]! * vol.spacing[c]!, true);
    dv.setFloat32(280 + 16 * r + 12, oRas[r]!, true);
  }
  hdr[344] = "n".charCodeAt(0);
  hdr[345] = "+".charCodeAt(0);
  hdr[346] = "1".charCodeAt(0);
  hdr[347] = 0;
  // bytes 348..351: extension flag 0 (no extensions)
  const out = concatBytes([hdr, encodeVoxels(vol.data, true)]);
  return opts.gzip ? (opts.compressor ?? gzip)(out) : out;
}
