/**
 * MetaImage (ITK MetaIO) reader/writer: `.mha` (header and data in one file) and `.mhd` (+ `.raw` /
 * `.zraw`). Geometry as ITK's MetaImageIO: spacing = ElementSpacing (ElementSize if absent), origin =
 * Offset / Origin / Position, and row i of TransformMatrix / Rotation / Orientation is the world
 * direction of voxel axis i (i.e. the file stores the direction matrix transposed, row-major).
 * CompressedData uses zlib (gzip is accepted as well, as MetaIO's inflate does).
 *
 * Browser-safe: detached data files come through a caller-supplied loader.
 */

import { zlibSync } from "fflate";
import { FormatError, UnsupportedError } from "../errors.js";
import {
  type DataType,
  type Mat3,
  type Vec3,
  Volume,
  bytesPerVoxel,
  validateGeometry,
} from "../image/volume.js";
import {
  type DataFileLoader,
  type Gunzipper,
  type Unzlibber,
  asciiToBytes,
  bytesToLatin1,
  concatBytes,
  decodeVoxels,
  encodeVoxels,
  fmtNumber,
  gunzip,
  printable,
  isGzip,
  unzlib,
} from "./common.js";

export interface MetaImageReadOptions {
  source?: string;
  /** Loads a detached data file named by ElementDataFile (path relative to the header). */
  loadDataFile?: DataFileLoader;
  /** gzip decompressor (default fflate; the Node edge passes node:zlib). */
  gunzip?: Gunzipper;
  /** Absolute cap on the decompressed voxel bytes (default DEFAULT_MAX_IMAGE_BYTES). */
  maxBytes?: number;
  /** zlib decompressor (default fflate; the Node edge passes node:zlib). */
  unzlib?: Unzlibber;
}

const MET_TYPES: Record<string, DataType | null> = {
  MET_CHAR: "int8",
  MET_UCHAR: "uint8",
  MET_SHORT: "int16",
  MET_USHORT: "uint16",
  MET_INT: "int32",
  MET_UINT: "uint32",
  MET_LONG: "int32",
  MET_ULONG: "uint32",
  MET_FLOAT: "float32",
  MET_DOUBLE: "float64",
  MET_LONG_LONG: null,
  MET_ULONG_LONG: null,
};

const TYPE_TO_MET: Record<DataType, string> = {
  int8: "MET_CHAR",
  uint8: "MET_UCHAR",
  int16: "MET_SHORT",
  uint16: "MET_USHORT",
  int32: "MET_INT",
  uint32: "MET_UINT",
  float32: "MET_FLOAT",
  float64: "MET_DOUBLE",
};

/** Keys whose value names the same thing. */
const KEY_ALIASES: Record<string, string> = {
  Origin: "Offset",
  Position: "Offset",
  Rotation: "TransformMatrix",
  Orientation: "TransformMatrix",
  ElementByteOrderMSB: "BinaryDataByteOrderMSB",
};

const FIRST_KEYS = ["ObjectType", "NDims", "Comment", "ObjectSubType", "TransformType", "Name"];

/** True when the bytes start like a MetaImage header ("ObjectType = ..." or "NDims = ..."). */
export function isMetaImageHeader(bytes: Uint8Array): boolean {
  const head = bytesToLatin1(bytes.subarray(0, 64)).trimStart();
  return FIRST_KEYS.some((k) => new RegExp(`^${k}\\s*=`).test(head));
}

export interface MetaImageHeader {
  fields: Map<string, string>;
  /** Offset of the first byte after the ElementDataFile line. */
  dataOffset: number;
}

export function parseMetaImageHeader(bytes: Uint8Array, source?: string): MetaImageHeader {
  if (!isMetaImageHeader(bytes))
    throw new FormatError("not a MetaImage file (no ObjectType/NDims header)", source);
  const fields = new Map<string, string>();
  let p = 0;
  let done = false;
  while (p < bytes.length && !done) {
    let e = p;
    while (e < bytes.length && bytes[e] !== 0x0a) e++;
    const line = bytesToLatin1(bytes.subarray(p, e)).replace(/\r$/, "");
    p = e + 1;
    if (line.trim() === "") continue;
    const eq = line.indexOf("=");
    if (eq < 0)
      throw new FormatError(`MetaImage header line "${printable(line, 60)}" is not "Key = Value"`, source);
    const rawKey = line.slice(0, eq).trim();
    const key = KEY_ALIASES[rawKey] ?? rawKey;
    fields.set(key, line.slice(eq + 1).trim());
    if (key === "ElementDataFile") done = true;
  }
  if (!done)
    throw new FormatError("MetaImage header has no ElementDataFile line (truncated header?)", source);
  return { fields, dataOffset: Math.min(p, bytes.length) };
}

function numbers(s: string, key: string, n: number, source?: string): number[] {
  const v = s
    .split(/\s+/)
    .filter((t) => t.length > 0)
    .map(Number);
  if (v.length !== n || v.some((x) => !Number.isFinite(x))) {
    throw new FormatError(
      `MetaImage ${key} "${printable(s.trim(), 60)}" must have exactly ${n} finite numbers`,
      source,
    );
  }
  return v;
}

const isTrue = (s: string | undefined) => s !== undefined && /^(true|1|yes)$/i.test(s.trim());

/** Reads a MetaImage (.mha, or .mhd with `loadDataFile`) into a Volume. */
export function parseMetaImage(bytes: Uint8Array, opts: MetaImageReadOptions = {}): Volume {
  const source = opts.source;
  const { fields: f, dataOffset } = parseMetaImageHeader(bytes, source);
  const objectType = f.get("ObjectType");
  if (objectType !== undefined && objectType !== "Image")
    throw new UnsupportedError(`MetaImage ObjectType "${objectType}" is not supported (only Image)`, source);
  const nd = Number(f.get("NDims"));
  if (!Number.isInteger(nd))
    throw new FormatError(`MetaImage NDims "${f.get("NDims") ?? ""}" is missing or invalid`, source);
  if (nd < 2 || nd > 4)
    throw new UnsupportedError(`MetaImage with NDims = ${nd} is not supported (only 2 and 3)`, source);
  const dimSize = numbers(f.get("DimSize") ?? "", "DimSize", nd, source);
  if (dimSize.some((n) => !Number.isInteger(n) || n < 1))
    throw new FormatError(`MetaImage DimSize "${f.get("DimSize")}" must be positive integers`, source);
  let ndim = nd;
  if (nd === 4) {
    if (dimSize[3] !== 1)
      throw new UnsupportedError(
        `MetaImage is 4D (DimSize ${dimSize.join(" ")}): only 2D/3D supported`,
        source,
      );
    ndim = 3;
  }
  const channels = Number(f.get("ElementNumberOfChannels") ?? 1);
  if (channels !== 1)
    throw new UnsupportedError(
      `MetaImage with ${channels} channels per voxel (vector image) is not supported`,
      source,
    );
  const etName = (f.get("ElementType") ?? "").trim();
  if (!(etName in MET_TYPES)) {
    if (/_ARRAY$/.test(etName))
      throw new UnsupportedError(`MetaImage ElementType ${etName} (vector voxels) is not supported`, source);
    throw new FormatError(`MetaImage ElementType "${etName}" is missing or unknown`, source);
  }
  const type = MET_TYPES[etName];
  if (type === null || type === undefined)
    throw new UnsupportedError(`MetaImage ElementType ${etName} (64-bit integer) is not supported`, source);

  const size: Vec3 = [dimSize[0]!, dimSize[1]!, ndim >= 3 ? dimSize[2]! : 1];
  const spacingStr = f.get("ElementSpacing") ?? f.get("ElementSize");
  const sp = spacingStr ? numbers(spacingStr, "ElementSpacing", nd, source) : new Array(nd).fill(1);
  const spacing: Vec3 = [sp[0]!, sp[1]!, ndim >= 3 ? sp[2]! : 1];
  const off = f.has("Offset") ? numbers(f.get("Offset")!, "Offset", nd, source) : new Array(nd).fill(0);
  const origin: Vec3 = [off[0]!, off[1]!, ndim >= 3 ? off[2]! : 0];
  let direction: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  if (f.has("TransformMatrix")) {
    const t = numbers(f.get("TransformMatrix")!, "TransformMatrix", nd * nd, source);
    // row i of the file matrix = direction of axis i = column i of our D
    const at = (axis: number, comp: number) =>
      axis < nd && comp < nd ? t[axis * nd + comp]! : axis === comp ? 1 : 0;
    const d: number[] = [];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) d.push(at(c, r));
    direction = d as Mat3;
  }
  const geometry = { size, spacing, origin, direction };
  validateGeometry(geometry, source);

  const n = size[0] * size[1] * size[2];
  const bpv = bytesPerVoxel(type);
  const msb = isTrue(f.get("BinaryDataByteOrderMSB"));
  if (f.has("BinaryData") && !isTrue(f.get("BinaryData")))
    throw new UnsupportedError("MetaImage ASCII data (BinaryData = False) is not supported", source);
  const dataFile = f.get("ElementDataFile")!;
  let raw: Uint8Array;
  let dataSource = source;
  if (dataFile === "LOCAL") {
    raw = bytes.subarray(dataOffset);
  } else {
    if (/^LIST\b/.test(dataFile) || /%/.test(dataFile) || /\s/.test(dataFile.trim()))
      throw new UnsupportedError(
        `MetaImage ElementDataFile "${dataFile}" (several files) is not supported`,
        source,
      );
    if (!opts.loadDataFile)
      throw new UnsupportedError(
        `MetaImage data file "${dataFile}" cannot be loaded here (no file access)`,
        source,
      );
    raw = opts.loadDataFile(dataFile);
    dataSource = source ? `${source} -> ${dataFile}` : dataFile;
  }
  const headerSize = Number(f.get("HeaderSize") ?? 0);
  if (!Number.isInteger(headerSize) || headerSize < -1)
    throw new FormatError(
      `MetaImage HeaderSize "${printable(f.get("HeaderSize") ?? "")}" must be an integer >= -1`,
      source,
    );
  if (isTrue(f.get("CompressedData"))) {
    let un: Uint8Array;
    const bound = { expected: n * bpv, maxBytes: opts.maxBytes };
    if (isGzip(raw)) un = gunzip(raw, dataSource, "MetaImage compressed data", opts.gunzip, bound);
    else un = unzlib(raw, dataSource, "MetaImage compressed data", opts.unzlib, bound);
    if (un.length !== n * bpv) {
      throw new FormatError(
        `decompressed data has ${un.length} bytes but DimSize ${dimSize.join(" ")} of ${etName} needs ${n * bpv}`,
        dataSource,
      );
    }
    return new Volume(decodeVoxels(un, 0, type, n, !msb, dataSource), geometry);
  }
  let start = headerSize === -1 ? raw.length - n * bpv : Math.max(0, headerSize);
  if (start < 0) start = 0;
  if (raw.length - start > n * bpv) {
    throw new FormatError(
      `voxel data does not match DimSize: ${raw.length - start} bytes present, ${n * bpv} needed for ${dimSize.join("x")} ${etName}`,
      dataSource,
    );
  }
  return new Volume(decodeVoxels(raw, start, type, n, !msb, dataSource), geometry);
}

export interface MetaImageWriteOptions {
  /** zlib-compress the data (CompressedData = True). Default true. */
  compress?: boolean;
  /** Detached: name of the data file written next to the .mhd (returned separately). */
  dataFile?: string;
}

/** Header and data of a MetaImage. With `dataFile` the header names it, else the data is LOCAL. */
export function encodeMetaImageParts(
  vol: Volume,
  opts: MetaImageWriteOptions = {},
): { header: Uint8Array; data: Uint8Array } {
  const compress = opts.compress ?? true;
  const d = vol.direction;
  // row i = direction of axis i = column i of D
  const tm = [d[0], d[3], d[6], d[1], d[4], d[7], d[2], d[5], d[8]].map(fmtNumber).join(" ");
  const raw = encodeVoxels(vol.data, true);
  const data = compress ? zlibSync(raw) : raw;
  const lines = [
    "ObjectType = Image",
    "NDims = 3",
    "BinaryData = True",
    "BinaryDataByteOrderMSB = False",
    `CompressedData = ${compress ? "True" : "False"}`,
  ];
  if (compress) lines.push(`CompressedDataSize = ${data.length}`);
  lines.push(
    `TransformMatrix = ${tm}`,
    `Offset = ${vol.origin.map(fmtNumber).join(" ")}`,
    "CenterOfRotation = 0 0 0",
    `ElementSpacing = ${vol.spacing.map(fmtNumber).join(" ")}`,
    `DimSize = ${vol.size.join(" ")}`,
    `ElementType = ${TYPE_TO_MET[vol.dataType]}`,
    `ElementDataFile = ${opts.dataFile ?? "LOCAL"}`,
  );
  return { header: asciiToBytes(`${lines.join("\n")}\n`), data };
}

/** Encodes a Volume as a single-file MetaImage (.mha). */
export function encodeMetaImage(vol: Volume, opts: MetaImageWriteOptions = {}): Uint8Array {
  const { header, data } = encodeMetaImageParts(vol, { ...opts, dataFile: undefined });
  return concatBytes([header, data]);
}
