/**
 * Shared helpers of the image readers and writers: gzip, voxel (de)serialisation with either byte
 * order, text helpers and the non-finite voxel count. Browser-safe: no `node:` imports.
 */

import { Gunzip, Inflate, gzipSync } from "fflate";
import { FormatError, TooLargeError, escapeControl } from "../errors.js";
import {
  type DataType,
  type Mat3,
  type Volume,
  type VoxelArray,
  allocate,
  bytesPerVoxel,
} from "../image/volume.js";

/** True when the bytes start with the gzip magic (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as in gzip trailers). */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const t = crcTable;
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A gzip decompressor: bytes of a whole gzip stream (one or more members) -> decompressed bytes. It must
 * throw on corrupt or truncated input, and throw OutputLimitError as soon as the output would exceed
 * `maxOut` bytes (without holding more than that). The Node edge passes node:zlib's (faster, native CRC
 * check); the default is fflate's, which runs anywhere.
 */
export type Gunzipper = (bytes: Uint8Array, maxOut?: number) => Uint8Array;

/** Thrown by a Gunzipper / Unzlibber whose output would pass its bound. */
export class OutputLimitError extends Error {
  constructor(readonly limit: number) {
    super(`output exceeds ${limit} bytes`);
  }
}

/** Absolute default cap on the bytes of one image's voxel data (decompressed): 4 GiB. */
export const DEFAULT_MAX_IMAGE_BYTES = 4 * 1024 ** 3;

/** Slack allowed past the size a header states before a stream counts as inconsistent. */
export function sizeMargin(expected: number): number {
  return Math.max(1 << 16, Math.ceil(expected / 100));
}

/** "4.0 GiB" style byte counts for messages. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/**
 * Bound for a decompression: the size the header states (plus sizeMargin) under the absolute cap
 * (`maxBytes`, default DEFAULT_MAX_IMAGE_BYTES). Without `expected` only the cap applies.
 */
export interface DecompressBound {
  expected?: number;
  maxBytes?: number;
}

function readU32le(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/**
 * fflate-based streaming gunzip: the input is pushed in slices and the output counted, so a bomb stops
 * at `maxOut`. Single-member streams get the trailer checks (length and CRC-32).
 */
export function fflateGunzip(bytes: Uint8Array, maxOut = Number.POSITIVE_INFINITY): Uint8Array {
  const n = bytes.length;
  if (n < 18) throw new Error("gzip stream too short");
  const chunks: Uint8Array[] = [];
  let total = 0;
  let members = 1;
  const g = new Gunzip((chunk) => {
    total += chunk.length;
    if (total > maxOut) throw new OutputLimitError(maxOut);
    chunks.push(chunk);
  });
  g.onmember = () => {
    members++;
  };
  const step = 1 << 20;
  for (let o = 0; o < n; o += step) g.push(bytes.subarray(o, Math.min(n, o + step)), o + step >= n);
  const out = chunks.length === 1 ? chunks[0]! : concatBytes(chunks);
  if (members === 1) {
    const isize = readU32le(bytes, n - 4);
    if (isize !== out.length % 2 ** 32)
      throw new Error(`length mismatch (trailer says ${isize} bytes, data has ${out.length})`);
    const crc = readU32le(bytes, n - 8);
    const got = crc32(out);
    if (crc !== got)
      throw new Error(`CRC-32 mismatch (trailer ${crc.toString(16)}, data ${got.toString(16)})`);
  }
  return out;
}

/**
 * The first `n` decompressed bytes of a gzip stream (fewer when the stream is shorter), decompressing
 * only as much input as that takes: lets a reader validate a header before inflating the data.
 */
export function gunzipHead(bytes: Uint8Array, n: number, source?: string, what = "gzip data"): Uint8Array {
  if (!isGzip(bytes)) throw new FormatError(`${what} does not start with the gzip magic bytes`, source);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const g = new Gunzip((chunk) => {
    chunks.push(chunk);
    total += chunk.length;
  });
  try {
    const step = 4096;
    for (let o = 0; o < bytes.length && total < n; o += step)
      g.push(bytes.subarray(o, Math.min(bytes.length, o + step)), o + step >= bytes.length);
  } catch (e) {
    if (total < n)
      throw new FormatError(
        `${what} is corrupt or truncated (gzip: ${(e as Error).message ?? String(e)})`,
        source,
      );
  }
  return concatBytes(chunks).subarray(0, n);
}

/**
 * Decompresses a gzip stream under a bound. FormatError naming `source` when the stream is not gzip, is
 * truncated or corrupt, or inflates to more than the header states; TooLargeError when the stated size
 * (or, with no stated size, the output) passes the absolute cap.
 */
export function gunzip(
  bytes: Uint8Array,
  source?: string,
  what = "gzip data",
  impl?: Gunzipper,
  bound: DecompressBound = {},
): Uint8Array {
  if (!isGzip(bytes)) throw new FormatError(`${what} does not start with the gzip magic bytes`, source);
  const limit = checkBound(bound, source, what);
  try {
    return (impl ?? fflateGunzip)(bytes, limit);
  } catch (e) {
    throw decompressError(e, bound, limit, source, what, "gzip");
  }
}

/** The output bound for a decompression (throws TooLargeError when the stated size passes the cap). */
function checkBound(bound: DecompressBound, source: string | undefined, what: string): number {
  const cap = bound.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  if (bound.expected === undefined) return cap;
  if (bound.expected > cap) throw tooLarge(bound.expected, cap, source, what);
  return bound.expected + sizeMargin(bound.expected);
}

function tooLarge(bytes: number, cap: number, source: string | undefined, what: string): TooLargeError {
  return new TooLargeError(
    `${what} holds ${formatBytes(bytes)} of voxel data, more than the limit of ${formatBytes(cap)} (raise it with --max-image-size)`,
    source,
  );
}

function decompressError(
  e: unknown,
  bound: DecompressBound,
  limit: number,
  source: string | undefined,
  what: string,
  kind: string,
): Error {
  if (e instanceof FormatError || e instanceof TooLargeError) return e;
  const code = (e as { code?: string } | undefined)?.code;
  if (e instanceof OutputLimitError || code === "ERR_BUFFER_TOO_LARGE") {
    if (bound.expected !== undefined)
      return new FormatError(
        `${what} inflates to more than the ${bound.expected} bytes the header states (decompression stopped at ${formatBytes(limit)})`,
        source,
      );
    return new TooLargeError(
      `${what} inflates to more than the limit of ${formatBytes(limit)} (raise it with --max-image-size)`,
      source,
    );
  }
  if (e instanceof RangeError)
    return new TooLargeError(
      `${what} is too large to decompress in memory (${e.message}; limit ${formatBytes(limit)})`,
      source,
    );
  return new FormatError(
    `${what} is corrupt or truncated (${kind}: ${(e as Error)?.message ?? String(e)})`,
    source,
  );
}

/** A zlib (RFC 1950) decompressor that throws on corrupt or truncated input (OutputLimitError past maxOut). */
export type Unzlibber = (bytes: Uint8Array, maxOut?: number) => Uint8Array;

/** Adler-32 (zlib trailers). */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  const n = data.length;
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + 3800); // keep the sums below 2^31 between reductions
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** fflate-based zlib decompression with header and Adler-32 checks. */
export function fflateUnzlib(bytes: Uint8Array, maxOut = Number.POSITIVE_INFINITY): Uint8Array {
  if (bytes.length < 6) throw new Error("zlib stream too short");
  const cmf = bytes[0]!;
  const flg = bytes[1]!;
  if ((cmf & 0x0f) !== 8 || ((cmf << 8) | flg) % 31 !== 0) throw new Error("bad zlib header");
  if (flg & 0x20) throw new Error("zlib preset dictionary is not supported");
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inf = new Inflate((chunk) => {
    total += chunk.length;
    if (total > maxOut) throw new OutputLimitError(maxOut);
    chunks.push(chunk);
  });
  const body = bytes.subarray(2);
  const step = 1 << 20;
  for (let o = 0; o < body.length; o += step)
    inf.push(body.subarray(o, Math.min(body.length, o + step)), o + step >= body.length);
  const out = chunks.length === 1 ? chunks[0]! : concatBytes(chunks);
  const n = bytes.length;
  const want = ((bytes[n - 4]! << 24) | (bytes[n - 3]! << 16) | (bytes[n - 2]! << 8) | bytes[n - 1]!) >>> 0;
  const got = adler32(out);
  if (want !== got)
    throw new Error(`Adler-32 mismatch (trailer ${want.toString(16)}, data ${got.toString(16)})`);
  return out;
}

/** Decompresses a zlib stream; FormatError naming `source` when corrupt or truncated. */
export function unzlib(
  bytes: Uint8Array,
  source?: string,
  what = "zlib data",
  impl?: Unzlibber,
  bound: DecompressBound = {},
): Uint8Array {
  const limit = checkBound(bound, source, what);
  try {
    return (impl ?? fflateUnzlib)(bytes, limit);
  } catch (e) {
    throw decompressError(e, bound, limit, source, what, "zlib");
  }
}

/** gzip-compresses bytes (fflate, level 6 by default). */
export function gzip(bytes: Uint8Array, level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 6): Uint8Array {
  return gzipSync(bytes, { level });
}

/** True on little-endian hosts (all current JS engines in practice). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the byte order of each `width`-byte element of `b` in place. */
export function swapBytes(b: Uint8Array, width: number): void {
  if (width === 2) {
    for (let i = 0; i + 1 < b.length; i += 2) {
      const t = b[i]!;
      b[i] = b[i + 1]!;
      b[i + 1] = t;
    }
  } else if (width === 4) {
    for (let i = 0; i + 3 < b.length; i += 4) {
      let t = b[i]!;
      b[i] = b[i + 3]!;
      b[i + 3] = t;
      t = b[i + 1]!;
      b[i + 1] = b[i + 2]!;
      b[i + 2] = t;
    }
  } else if (width === 8) {
    for (let i = 0; i + 7 < b.length; i += 8) {
      for (let a = 0; a < 4; a++) {
        const t = b[i + a]!;
        b[i + a] = b[i + 7 - a]!;
        b[i + 7 - a] = t;
      }
    }
  }
}

/**
 * Copies `n` voxels of `type` from `bytes` at `offset` (stored with the given byte order) into a new
 * typed array. Throws FormatError when the bytes are too few.
 */
function viewAs(type: DataType, buffer: ArrayBuffer, byteOffset: number, n: number): VoxelArray {
  switch (type) {
    case "int8":
      return new Int8Array(buffer, byteOffset, n);
    case "uint8":
      return new Uint8Array(buffer, byteOffset, n);
    case "int16":
      return new Int16Array(buffer, byteOffset, n);
    case "uint16":
      return new Uint16Array(buffer, byteOffset, n);
    case "int32":
      return new Int32Array(buffer, byteOffset, n);
    case "uint32":
      return new Uint32Array(buffer, byteOffset, n);
    case "float32":
      return new Float32Array(buffer, byteOffset, n);
    case "float64":
      return new Float64Array(buffer, byteOffset, n);
  }
}

export function decodeVoxels(
  bytes: Uint8Array,
  offset: number,
  type: DataType,
  n: number,
  littleEndian: boolean,
  source?: string,
  what = "voxel data",
): VoxelArray {
  const bpv = bytesPerVoxel(type);
  const need = n * bpv;
  if (offset < 0 || offset + need > bytes.length) {
    const have = Math.max(0, bytes.length - offset);
    throw new FormatError(
      `${what} is truncated: ${need} bytes needed for ${n} ${type} voxels, ${have} available`,
      source,
    );
  }
  const start = bytes.byteOffset + offset;
  if (
    (bpv === 1 || (littleEndian === HOST_LITTLE_ENDIAN && start % bpv === 0)) &&
    bytes.buffer instanceof ArrayBuffer
  ) {
    // Zero-copy view on the decoded buffer (the caller owns `bytes` and does not reuse it).
    return viewAs(type, bytes.buffer, start, n);
  }
  const out = allocate(type, n);
  const dst = new Uint8Array(out.buffer, out.byteOffset, need);
  dst.set(bytes.subarray(offset, offset + need));
  if (bpv > 1 && littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(dst, bpv);
  return out;
}

/** The voxel bytes of `data` in the requested byte order (a copy). */
export function encodeVoxels(data: VoxelArray, littleEndian = true): Uint8Array {
  const out = new Uint8Array(data.byteLength);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const bpv = data.BYTES_PER_ELEMENT;
  if (bpv > 1 && littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(out, bpv);
  return out;
}

/** Number of NaN / +-Infinity voxels (always 0 for integer images). */
export function countNonFinite(vol: Volume | VoxelArray): number {
  const d = "data" in vol && !ArrayBuffer.isView(vol) ? vol.data : (vol as VoxelArray);
  if (!(d instanceof Float32Array || d instanceof Float64Array)) return 0;
  let n = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    // v - v is NaN for NaN and +-Infinity, 0 otherwise
    if (v - v !== 0) n++;
  }
  return n;
}

/** A header excerpt safe to print: control bytes as \\xNN, at most `max` characters. */
export function printable(s: string, max = 40): string {
  return escapeControl(s.length > max ? `${s.slice(0, max)}...` : s);
}

const latin1 = new TextDecoder("latin1");

/** Bytes -> string, one char per byte (headers are ASCII / Latin-1). */
export function bytesToLatin1(bytes: Uint8Array): string {
  return latin1.decode(bytes);
}

/** ASCII string -> bytes. */
export function asciiToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Shortest decimal that reads back as the same float64 (JS's own Number -> string), for writing
 * geometry into text headers without loss.
 */
export function fmtNumber(x: number): string {
  return Object.is(x, -0) ? "0" : String(x);
}

/** Loads a detached data file named in a header, relative to the header. Returns its bytes. */
export type DataFileLoader = (name: string) => Uint8Array;

/** The row-major direction matrix whose columns are the three axis directions. */
export function directionFromColumns(cols: readonly (readonly number[])[]): Mat3 {
  const [a, b, c] = cols as [readonly number[], readonly number[], readonly number[]];
  return [a[0]!, b[0]!, c[0]!, a[1]!, b[1]!, c[1]!, a[2]!, b[2]!, c[2]!];
}

/** 3x3 row-major determinant. */
export function det3(m: readonly number[]): number {
  return (
    m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) -
    m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) +
    m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!)
  );
}
