/**
 * FreeSurfer MGH / MGZ volumes (.mgh, .mgz = gzip of .mgh), as FreeSurfer documents the format
 * (surfer.nmr.mgh.harvard.edu/fswiki/FsTutorial/MghFormat) and nibabel reads it. Big-endian header:
 *
 *   int32 version (1), width, height, depth, nframes, type (0 uchar, 1 int32, 3 float32, 4 int16), dof
 *   int16 goodRASFlag
 *   float32 spacing x, y, z;  Mdc: x_r x_a x_s, y_r y_a y_s, z_r z_a z_s;  c_r c_a c_s
 *   (padding to byte 284) voxel data, column-major (x fastest), frames last; optional tags after it.
 *
 * Geometry: vox2ras = [Mdc * diag(spacing) | P0] with P0 = c_ras - Mdc * diag(spacing) * (dims / 2), the
 * centre voxel being (width/2, height/2, depth/2). When goodRASFlag <= 0 the header's direction fields are
 * not valid and FreeSurfer's defaults apply (spacing 1, x = (-1, 0, 0), y = (0, 0, -1), z = (0, 1, 0),
 * centre 0). World coordinates are RAS there; our Volume is LPS (x and y negated), as for NIfTI.
 */
import { FormatError } from "../errors.js";
import { type Mat3, type Vec3, Volume, type VoxelArray } from "../image/volume.js";
import { type Gunzipper, gunzip, isGzip } from "./common.js";

const HEADER_BYTES = 284;
const TYPES: Record<number, { name: string; bytes: number }> = {
  0: { name: "uchar", bytes: 1 },
  1: { name: "int32", bytes: 4 },
  3: { name: "float32", bytes: 4 },
  4: { name: "int16", bytes: 2 },
};

export function isMgh(bytes: Uint8Array): boolean {
  if (bytes.length < HEADER_BYTES) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (
    v.getInt32(0, false) === 1 &&
    v.getInt32(4, false) >= 1 &&
    v.getInt32(8, false) >= 1 &&
    v.getInt32(12, false) >= 1
  );
}

export interface MghOptions {
  source?: string;
  gunzip?: Gunzipper;
}

/** Parses .mgh bytes, or .mgz (gzip) bytes. Single-frame volumes only. */
export function parseMgh(input: Uint8Array, opts: MghOptions = {}): Volume {
  const src = opts.source;
  const bytes = isGzip(input) ? gunzip(input, src, "MGZ data", opts.gunzip) : input;
  if (bytes.length < HEADER_BYTES)
    throw new FormatError(
      `MGH file is ${bytes.length} bytes, shorter than its ${HEADER_BYTES}-byte header`,
      src,
    );
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getInt32(0, false);
  if (version !== 1) throw new FormatError(`MGH version is ${version}, expected 1`, src);
  const dims = [dv.getInt32(4, false), dv.getInt32(8, false), dv.getInt32(12, false)] as Vec3;
  const frames = dv.getInt32(16, false);
  const type = dv.getInt32(20, false);
  for (let a = 0; a < 3; a++)
    if (!(dims[a]! >= 1)) throw new FormatError(`MGH dimension ${a} is ${dims[a]}, must be >= 1`, src);
  if (!(frames >= 1)) throw new FormatError(`MGH nframes is ${frames}, must be >= 1`, src);
  if (frames > 1)
    throw new FormatError(
      `MGH file has ${frames} frames; only single-frame volumes are read (split it with mri_convert --frame N)`,
      src,
    );
  const t = TYPES[type];
  if (!t)
    throw new FormatError(`MGH data type ${type} is not supported (0 uchar, 1 int, 3 float, 4 short)`, src);
  const n = dims[0] * dims[1] * dims[2];
  const need = HEADER_BYTES + n * t.bytes;
  if (bytes.length < need)
    throw new FormatError(`MGH data is truncated: ${bytes.length} bytes, the header needs ${need}`, src);
  const goodRAS = dv.getInt16(28, false);
  let spacing: Vec3 = [1, 1, 1];
  let mdc = [-1, 0, 0, 0, 0, -1, 0, 1, 0]; // columns x, y, z stored consecutively: x_r x_a x_s, y_r ...
  let cRas: Vec3 = [0, 0, 0];
  if (goodRAS > 0) {
    spacing = [dv.getFloat32(30, false), dv.getFloat32(34, false), dv.getFloat32(38, false)];
    mdc = [];
    for (let i = 0; i < 9; i++) mdc.push(dv.getFloat32(42 + 4 * i, false));
    cRas = [dv.getFloat32(78, false), dv.getFloat32(82, false), dv.getFloat32(86, false)];
    for (const [what, vals] of [
      ["spacing", spacing],
      ["direction cosines", mdc],
      ["centre", cRas],
    ] as const)
      if (vals.some((x) => !Number.isFinite(x)))
        throw new FormatError(`MGH ${what} has a non-finite value`, src);
    if (spacing.some((s) => !(s > 0)))
      throw new FormatError(`MGH spacing [${spacing.join(", ")}] must be positive`, src);
  }
  // RAS direction of voxel axis c = mdc[3c .. 3c+2]; LPS = (-r, -a, s)
  const direction = [0, 0, 0, 0, 0, 0, 0, 0, 0] as Mat3;
  for (let c = 0; c < 3; c++) {
    direction[0 * 3 + c] = 0 - mdc[3 * c]!; // 0 - x, not -x: no negative zeros
    direction[1 * 3 + c] = 0 - mdc[3 * c + 1]!;
    direction[2 * 3 + c] = mdc[3 * c + 2]! + 0;
  }
  // P0 (RAS) = c_ras - sum_c mdc_c * spacing_c * dims_c / 2
  const p0 = [...cRas];
  for (let c = 0; c < 3; c++)
    for (let r = 0; r < 3; r++) p0[r] = p0[r]! - mdc[3 * c + r]! * spacing[c]! * (dims[c]! / 2);
  const origin: Vec3 = [0 - p0[0]!, 0 - p0[1]!, p0[2]! + 0];
  const data = decode(bytes, HEADER_BYTES, n, type);
  return new Volume(data, { size: dims, spacing, origin, direction });
}

function decode(bytes: Uint8Array, offset: number, n: number, type: number): VoxelArray {
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, bytes.byteLength - offset);
  switch (type) {
    case 0:
      return bytes.slice(offset, offset + n);
    case 1: {
      const a = new Int32Array(n);
      for (let i = 0; i < n; i++) a[i] = dv.getInt32(4 * i, false);
      return a;
    }
    case 3: {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = dv.getFloat32(4 * i, false);
      return a;
    }
    default: {
      const a = new Int16Array(n);
      for (let i = 0; i < n; i++) a[i] = dv.getInt16(2 * i, false);
      return a;
    }
  }
}

/** Encodes a volume as .mgh bytes (uint8, int16, int32 or float32 voxels; others as float32). */
export function encodeMgh(vol: Volume): Uint8Array {
  const n = vol.count;
  const d = vol.data;
  const type = d instanceof Uint8Array ? 0 : d instanceof Int16Array ? 4 : d instanceof Int32Array ? 1 : 3;
  const size = TYPES[type]!.bytes;
  const out = new Uint8Array(HEADER_BYTES + n * size);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, 1, false);
  for (let a = 0; a < 3; a++) dv.setInt32(4 + 4 * a, vol.size[a]!, false);
  dv.setInt32(16, 1, false);
  dv.setInt32(20, type, false);
  dv.setInt16(28, 1, false);
  for (let a = 0; a < 3; a++) dv.setFloat32(30 + 4 * a, vol.spacing[a]!, false);
  const D = vol.direction;
  const mdc: number[] = [];
  for (let c = 0; c < 3; c++) mdc.push(-D[0 * 3 + c]!, -D[1 * 3 + c]!, D[2 * 3 + c]!);
  for (let i = 0; i < 9; i++) dv.setFloat32(42 + 4 * i, mdc[i]!, false);
  // c_ras = P0 + Mdc * diag(spacing) * dims / 2, P0 = origin in RAS
  const c = [-vol.origin[0], -vol.origin[1], vol.origin[2]];
  for (let a = 0; a < 3; a++)
    for (let r = 0; r < 3; r++) c[r] = c[r]! + mdc[3 * a + r]! * vol.spacing[a]! * (vol.size[a]! / 2);
  for (let r = 0; r < 3; r++) dv.setFloat32(78 + 4 * r, c[r]!, false);
  const body = new DataView(out.buffer, HEADER_BYTES);
  for (let i = 0; i < n; i++) {
    const v = d[i]!;
    if (type === 0) out[HEADER_BYTES + i] = v;
    else if (type === 4) body.setInt16(2 * i, v, false);
    else if (type === 1) body.setInt32(4 * i, v, false);
    else body.setFloat32(4 * i, v, false);
  }
  return out;
}
