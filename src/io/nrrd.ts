/**
 * NRRD reader/writer (teem's "Nearly Raw Raster Data", http://teem.sourceforge.net/nrrd/format.html).
 *
 * Geometry follows ITK's NrrdImageIO: for each domain axis with a `space directions` vector, the
 * spacing is the vector's length and the direction column the normalised vector; `space origin` is the
 * origin; RAS / LAS spaces are converted to LPS by negating the flipped world axes. Without a space,
 * `spacings` gives the spacing (direction identity, origin from `axis mins` when present).
 *
 * Browser-safe: a detached data file (`.nhdr` + `data file:`) is fetched through a caller-supplied
 * loader, so file access stays at the edge (read.ts).
 */

import { FormatError, UnsupportedError } from "../errors.js";
import {
  type DataType,
  type Mat3,
  type Vec3,
  Volume,
  type VoxelArray,
  allocate,
  bytesPerVoxel,
  validateGeometry,
} from "../image/volume.js";
import {
  type DataFileLoader,
  type Gunzipper,
  asciiToBytes,
  bytesToLatin1,
  concatBytes,
  directionFromColumns,
  decodeVoxels,
  encodeVoxels,
  fmtNumber,
  gunzip,
  printable,
  gzip,
} from "./common.js";

export interface NrrdHeader {
  /** Format version from the magic line (NRRD000<version>). */
  version: number;
  /** Field name (lower case, canonical spelling) -> raw value. */
  fields: Map<string, string>;
  /** `key:=value` pairs. */
  keyValues: Map<string, string>;
  /** Byte offset of the attached data (just after the blank line), or the file length if none. */
  dataOffset: number;
}

export interface NrrdReadOptions {
  /** File name used in error messages. */
  source?: string;
  /** Loads a detached data file named by `data file:` (path relative to the header). */
  loadDataFile?: DataFileLoader;
  /** gzip decompressor (default fflate; the Node edge passes node:zlib). */
  gunzip?: Gunzipper;
  /** Absolute cap on the decompressed voxel bytes (default DEFAULT_MAX_IMAGE_BYTES). */
  maxBytes?: number;
}

const TYPE_ALIASES: Record<string, DataType | "int64" | "uint64" | "block"> = {
  "signed char": "int8",
  int8: "int8",
  int8_t: "int8",
  uchar: "uint8",
  "unsigned char": "uint8",
  uint8: "uint8",
  uint8_t: "uint8",
  short: "int16",
  "short int": "int16",
  "signed short": "int16",
  "signed short int": "int16",
  int16: "int16",
  int16_t: "int16",
  ushort: "uint16",
  "unsigned short": "uint16",
  "unsigned short int": "uint16",
  uint16: "uint16",
  uint16_t: "uint16",
  int: "int32",
  "signed int": "int32",
  int32: "int32",
  int32_t: "int32",
  uint: "uint32",
  "unsigned int": "uint32",
  uint32: "uint32",
  uint32_t: "uint32",
  longlong: "int64",
  "long long": "int64",
  "long long int": "int64",
  "signed long long": "int64",
  "signed long long int": "int64",
  int64: "int64",
  int64_t: "int64",
  ulonglong: "uint64",
  "unsigned long long": "uint64",
  "unsigned long long int": "uint64",
  uint64: "uint64",
  uint64_t: "uint64",
  float: "float32",
  double: "float64",
  block: "block",
};

/** NRRD type string -> our DataType (throws UnsupportedError for 64-bit integers and block). */
export function nrrdTypeToDataType(type: string, source?: string): DataType {
  const t = TYPE_ALIASES[type.trim().toLowerCase().replace(/\s+/g, " ")];
  if (t === undefined) throw new FormatError(`unknown NRRD type "${type}"`, source);
  if (t === "int64" || t === "uint64" || t === "block")
    throw new UnsupportedError(`NRRD type "${type}" (${t}) is not supported`, source);
  return t;
}

const NRRD_TYPE_NAME: Record<DataType, string> = {
  int8: "int8",
  uint8: "uint8",
  int16: "short",
  uint16: "unsigned short",
  int32: "int",
  uint32: "unsigned int",
  float32: "float",
  float64: "double",
};

/** Field-name spellings teem accepts -> canonical name. */
const FIELD_ALIASES: Record<string, string> = {
  centerings: "centers",
  datafile: "data file",
  byteskip: "byte skip",
  lineskip: "line skip",
  axismins: "axis mins",
  axismaxs: "axis maxs",
  oldmin: "old min",
  oldmax: "old max",
  old_min: "old min",
  old_max: "old max",
  "space dimension": "space dimension",
};

/** True when the bytes start with the NRRD magic "NRRD000". */
export function isNrrd(bytes: Uint8Array): boolean {
  return bytesToLatin1(bytes.subarray(0, 7)) === "NRRD000";
}

/** Parses the text header; the data (attached or not) is not touched. */
export function parseNrrdHeader(bytes: Uint8Array, source?: string): NrrdHeader {
  if (!isNrrd(bytes)) throw new FormatError("not a NRRD file (missing NRRD000x magic)", source);
  // Header ends at the first empty line ("\n\n" or "\n\r\n") or at the end of the file (detached header).
  let end = -1;
  let dataOffset = bytes.length;
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) {
      end = i;
      dataOffset = i + 2;
      break;
    }
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) {
      end = i;
      dataOffset = i + 3;
      break;
    }
  }
  const text = bytesToLatin1(bytes.subarray(0, end < 0 ? bytes.length : end));
  const lines = text.split(/\r?\n/);
  const magic = lines[0]!.trim();
  const version = Number(magic.slice(7));
  if (!/^NRRD000[1-5]$/.test(magic))
    throw new FormatError(
      `bad NRRD magic line "${printable(magic)}" (format versions NRRD0001..NRRD0005 exist)`,
      source,
    );
  const fields = new Map<string, string>();
  const keyValues = new Map<string, string>();
  for (let li = 1; li < lines.length; li++) {
    const line = lines[li]!;
    if (line.trim() === "" || line.startsWith("#")) continue;
    const kv = line.indexOf(":=");
    const colon = line.indexOf(": ");
    if (kv >= 0 && (colon < 0 || kv < colon)) {
      keyValues.set(line.slice(0, kv), line.slice(kv + 2));
      continue;
    }
    if (colon < 0) {
      throw new FormatError(
        `NRRD header line ${li + 1} is not "field: value": "${printable(line, 60)}"`,
        source,
      );
    }
    let name = line.slice(0, colon).trim().toLowerCase();
    name = FIELD_ALIASES[name] ?? name;
    fields.set(name, line.slice(colon + 2).trim());
  }
  return { version, fields, keyValues, dataOffset };
}

/** Parses "(x,y,z)" -> numbers, or "none" -> undefined. */
function parseVector(s: string, what: string, source?: string): number[] | undefined {
  const t = s.trim();
  if (t === "none") return undefined;
  if (!t.startsWith("(") || !t.endsWith(")")) {
    throw new FormatError(`NRRD ${what} "${t}" is not a vector "(x,y,z)" or none`, source);
  }
  const parts = t.slice(1, -1).split(",");
  const v = parts.map((p) => parseNumber(p, what, source));
  return v;
}

function parseNumber(s: string, what: string, source?: string): number {
  const t = s.trim();
  const lower = t.toLowerCase();
  if (lower === "nan") return Number.NaN;
  if (lower === "inf" || lower === "+inf") return Number.POSITIVE_INFINITY;
  if (lower === "-inf") return Number.NEGATIVE_INFINITY;
  const v = Number(t);
  if (t === "" || Number.isNaN(v)) throw new FormatError(`NRRD ${what}: "${t}" is not a number`, source);
  return v;
}

/** Splits "(a,b,c) none (d,e,f)" into its vector / none tokens. */
function splitVectors(s: string): string[] {
  return s.match(/\([^)]*\)|none/g) ?? [];
}

type SpaceKind = "LPS" | "RAS" | "LAS" | "other";

function spaceOf(s: string | undefined): { kind: SpaceKind; dim: number } | undefined {
  if (s === undefined) return undefined;
  switch (s.trim().toLowerCase()) {
    case "left-posterior-superior":
    case "lps":
      return { kind: "LPS", dim: 3 };
    case "right-anterior-superior":
    case "ras":
      return { kind: "RAS", dim: 3 };
    case "left-anterior-superior":
    case "las":
      return { kind: "LAS", dim: 3 };
    case "left-posterior-superior-time":
    case "lpst":
      return { kind: "LPS", dim: 4 };
    case "right-anterior-superior-time":
    case "rast":
      return { kind: "RAS", dim: 4 };
    case "left-anterior-superior-time":
    case "last":
      return { kind: "LAS", dim: 4 };
    case "scanner-xyz":
    case "3d-right-handed":
    case "3d-left-handed":
      return { kind: "other", dim: 3 };
    case "scanner-xyz-time":
    case "3d-right-handed-time":
    case "3d-left-handed-time":
      return { kind: "other", dim: 4 };
    default:
      return undefined;
  }
}

/** Sign per world axis that takes the space's coordinates to LPS. */
function toLpsSigns(kind: SpaceKind): Vec3 {
  if (kind === "RAS") return [-1, -1, 1];
  // LAS: only the A/P axis is flipped. (ITK's NrrdImageIO negates the first axis here instead.)
  if (kind === "LAS") return [1, -1, 1];
  return [1, 1, 1];
}

const DOMAIN_KINDS = new Set(["domain", "space", "time", "???", "none", ""]);

function cross(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
}

/**
 * Reads a NRRD (attached `.nrrd`, or detached `.nhdr` with `loadDataFile`) into a Volume.
 * 2D images get size[2] = 1; non-spatial axes of size 1 are dropped, larger ones are unsupported.
 */
export function parseNrrd(bytes: Uint8Array, opts: NrrdReadOptions = {}): Volume {
  const source = opts.source;
  const h = parseNrrdHeader(bytes, source);
  const f = h.fields;
  const need = (name: string) => {
    const v = f.get(name);
    if (v === undefined) throw new FormatError(`NRRD header has no "${name}" field`, source);
    return v;
  };
  const type = nrrdTypeToDataType(need("type"), source);
  const dimension = Number(need("dimension"));
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > 16)
    throw new FormatError(`NRRD dimension "${f.get("dimension")}" is invalid`, source);
  const sizes = need("sizes")
    .split(/\s+/)
    .map((s) => Number(s));
  if (sizes.length !== dimension || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new FormatError(
      `NRRD sizes "${f.get("sizes")}" must be ${dimension} positive integers (dimension ${dimension})`,
      source,
    );
  }
  // Which axes are domain (spatial) axes.
  const kinds = f.has("kinds") ? f.get("kinds")!.split(/\s+/) : undefined;
  if (kinds && kinds.length !== dimension)
    throw new FormatError(
      `NRRD kinds "${f.get("kinds")}" has ${kinds.length} entries for dimension ${dimension}`,
      source,
    );
  const space = spaceOf(f.get("space"));
  if (f.has("space") && !space)
    throw new UnsupportedError(`NRRD space "${f.get("space")}" is not supported`, source);
  let spaceDim = space?.dim ?? 0;
  if (f.has("space dimension")) {
    const sd = Number(f.get("space dimension"));
    if (!Number.isInteger(sd) || sd < 1)
      throw new FormatError(`NRRD space dimension "${f.get("space dimension")}" is invalid`, source);
    if (space && sd !== space.dim)
      throw new FormatError(`NRRD space dimension ${sd} contradicts space "${f.get("space")}"`, source);
    spaceDim = sd;
  }
  let dirs: (number[] | undefined)[] | undefined;
  if (f.has("space directions")) {
    if (spaceDim === 0)
      throw new FormatError(`NRRD has "space directions" but no "space" or "space dimension"`, source);
    const toks = splitVectors(f.get("space directions")!);
    if (toks.length !== dimension)
      throw new FormatError(
        `NRRD space directions has ${toks.length} entries for dimension ${dimension}`,
        source,
      );
    dirs = toks.map((t) => parseVector(t, "space directions", source));
    for (const d of dirs) {
      if (d && d.length !== spaceDim)
        throw new FormatError(
          `NRRD space direction has ${d.length} components, space dimension is ${spaceDim}`,
          source,
        );
    }
  }
  const domainAxes: number[] = [];
  for (let a = 0; a < dimension; a++) {
    const k = kinds?.[a]?.toLowerCase() ?? "";
    let isDomain = DOMAIN_KINDS.has(k);
    if (kinds === undefined) isDomain = dirs ? dirs[a] !== undefined : true;
    if (dirs && dirs[a] === undefined) isDomain = false;
    if (isDomain) domainAxes.push(a);
    else if (sizes[a] !== 1) {
      throw new UnsupportedError(
        `NRRD axis ${a} is non-spatial (kind "${kinds?.[a] ?? "none"}") with size ${sizes[a]}: vector/multi-component images are not supported`,
        source,
      );
    }
  }
  // Trailing domain axes of size 1 beyond the third (e.g. time with one frame) are dropped.
  while (domainAxes.length > 3 && sizes[domainAxes[domainAxes.length - 1]!] === 1) domainAxes.pop();
  if (domainAxes.length > 3 || domainAxes.length < 1) {
    throw new UnsupportedError(
      `NRRD with ${domainAxes.length} spatial axes is not supported (only 2D and 3D)`,
      source,
    );
  }

  const size: Vec3 = [1, 1, 1];
  const spacing: Vec3 = [1, 1, 1];
  const origin: Vec3 = [0, 0, 0];
  const cols: Vec3[] = [];
  const signs = toLpsSigns(space?.kind ?? "LPS");
  for (let i = 0; i < domainAxes.length; i++) size[i] = sizes[domainAxes[i]!]!;
  if (dirs) {
    for (let i = 0; i < domainAxes.length; i++) {
      const v = dirs[domainAxes[i]!]!;
      let len = 0;
      for (const x of v) len += x * x;
      len = Math.sqrt(len);
      spacing[i] = len;
      const c: Vec3 = [0, 0, 0];
      for (let r = 0; r < Math.min(3, v.length); r++) c[r] = len > 0 ? (signs[r]! * v[r]!) / len : 0;
      cols.push(c);
    }
    if (spaceDim > 3) {
      for (const c of dirs) {
        if (c?.slice(3).some((x) => x !== 0))
          throw new UnsupportedError(
            `NRRD space directions with a non-zero time component are not supported`,
            source,
          );
      }
    }
  } else if (f.has("spacings")) {
    const sp = f
      .get("spacings")!
      .split(/\s+/)
      .map((s) => parseNumber(s, "spacings", source));
    if (sp.length !== dimension)
      throw new FormatError(`NRRD spacings has ${sp.length} entries for dimension ${dimension}`, source);
    for (let i = 0; i < domainAxes.length; i++) {
      const s = sp[domainAxes[i]!]!;
      // teem writes NaN for "unknown"; a domain axis needs a real spacing, so NaN is reported
      if (!Number.isFinite(s) || s <= 0)
        throw new FormatError(
          `NRRD spacings: axis ${domainAxes[i]} is ${f.get("spacings")!.trim().split(/\s+/)[domainAxes[i]!]}, must be a positive number`,
          source,
        );
      spacing[i] = s;
    }
  }
  // Complete the direction matrix: missing columns (2D images, or no space directions) from the identity
  // / the cross product, so the matrix stays orthonormal and right-handed where possible.
  if (cols.length === 0) {
    cols.push([1, 0, 0], [0, 1, 0], [0, 0, 1]);
  } else if (cols.length === 1) {
    // 1D: pick any orthonormal completion
    const a = cols[0]!;
    const helper: Vec3 = Math.abs(a[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
    const b = cross(a, helper);
    const nb = Math.hypot(...b);
    cols.push([b[0] / nb, b[1] / nb, b[2] / nb]);
    cols.push(cross(a, cols[1]!));
  } else if (cols.length === 2) {
    if (spaceDim === 2) cols.push([0, 0, 1]);
    else cols.push(cross(cols[0]!, cols[1]!));
  }
  while (cols.length < 3) cols.push([0, 0, 1]);
  // (+ 0 turns negative zeros into zeros)
  const direction = directionFromColumns(cols).map((x) => x + 0) as Mat3;

  if (f.has("space origin")) {
    const o = parseVector(f.get("space origin")!, "space origin", source);
    if (!o || (spaceDim && o.length !== spaceDim))
      throw new FormatError(
        `NRRD space origin "${f.get("space origin")}" must have ${spaceDim} components`,
        source,
      );
    for (let r = 0; r < Math.min(3, o.length); r++) origin[r] = signs[r]! * o[r]! + 0;
  } else if (!dirs && f.has("axis mins")) {
    const mins = f
      .get("axis mins")!
      .split(/\s+/)
      .map((s) => parseNumber(s, "axis mins", source));
    const centers = f.get("centers")?.split(/\s+/);
    for (let i = 0; i < domainAxes.length; i++) {
      const a = domainAxes[i]!;
      const m = mins[a];
      if (m === undefined || Number.isNaN(m)) continue;
      // teem's default centring is cell: the first sample sits half a spacing inside the axis min
      const c = centers?.[a] ?? "cell";
      origin[i] = c === "node" ? m : m + spacing[i]! / 2;
    }
  }

  const geometry = { size, spacing, origin, direction };
  validateGeometry(geometry, source);

  // ---- data ----
  const n = size[0] * size[1] * size[2];
  const encoding = (f.get("encoding") ?? "").toLowerCase();
  if (!encoding) throw new FormatError(`NRRD header has no "encoding" field`, source);
  const bpv = bytesPerVoxel(type);
  let littleEndian = true;
  if (bpv > 1 && (encoding === "raw" || encoding === "gzip" || encoding === "gz")) {
    const e = f.get("endian")?.toLowerCase();
    if (e === "little") littleEndian = true;
    else if (e === "big") littleEndian = false;
    else
      throw new FormatError(
        `NRRD endian "${f.get("endian") ?? ""}" must be little or big for type ${type}`,
        source,
      );
  }
  let raw: Uint8Array;
  let dataSource = source;
  const dataFile = f.get("data file");
  if (dataFile !== undefined) {
    if (/^LIST\b/.test(dataFile) || /%/.test(dataFile))
      throw new UnsupportedError(
        `NRRD "data file: ${dataFile}" (several data files) is not supported`,
        source,
      );
    if (!opts.loadDataFile)
      throw new UnsupportedError(
        `NRRD detached data file "${dataFile}" cannot be loaded here (no file access)`,
        source,
      );
    raw = opts.loadDataFile(dataFile);
    dataSource = source ? `${source} -> ${dataFile}` : dataFile;
  } else {
    if (h.dataOffset >= bytes.length && n > 0)
      throw new FormatError(
        "NRRD file has no data after the header (truncated, or a detached header without data file)",
        source,
      );
    raw = bytes.subarray(h.dataOffset);
  }
  const lineSkip = Number(f.get("line skip") ?? 0);
  if (!Number.isInteger(lineSkip) || lineSkip < 0)
    throw new FormatError(`NRRD line skip "${f.get("line skip")}" is invalid`, source);
  for (let l = 0, p = 0; l < lineSkip; l++) {
    while (p < raw.length && raw[p] !== 0x0a) p++;
    if (p >= raw.length)
      throw new FormatError(`NRRD line skip ${lineSkip} goes past the end of the data`, dataSource);
    p++;
    if (l === lineSkip - 1) raw = raw.subarray(p);
  }
  const byteSkip = Number(f.get("byte skip") ?? 0);
  if (!Number.isInteger(byteSkip) || byteSkip < -1)
    throw new FormatError(`NRRD byte skip "${f.get("byte skip")}" is invalid`, source);

  let data: VoxelArray;
  switch (encoding) {
    case "raw": {
      const off = byteSkip === -1 ? raw.length - n * bpv : byteSkip;
      if (off < 0)
        throw new FormatError(
          `voxel data is truncated: ${n * bpv} bytes needed, ${raw.length} available`,
          dataSource,
        );
      data = decodeVoxels(raw, off, type, n, littleEndian, dataSource);
      if (raw.length - off > n * bpv) {
        throw new FormatError(
          `voxel data does not match the sizes: ${raw.length - off} bytes present, sizes ${sizes.join(" ")} of type ${type} need ${n * bpv}`,
          dataSource,
        );
      }
      break;
    }
    case "gzip":
    case "gz": {
      if (byteSkip === -1)
        throw new FormatError("NRRD byte skip -1 is only allowed with raw encoding", source);
      const un = gunzip(raw, dataSource, "NRRD gzip data", opts.gunzip, {
        expected: byteSkip + n * bpv,
        maxBytes: opts.maxBytes,
      });
      data = decodeVoxels(un, byteSkip, type, n, littleEndian, dataSource);
      if (un.length - byteSkip !== n * bpv) {
        throw new FormatError(
          `decompressed data has ${un.length - byteSkip} bytes but sizes ${sizes.join(" ")} of type ${type} need ${n * bpv}`,
          dataSource,
        );
      }
      break;
    }
    case "ascii":
    case "text":
    case "txt": {
      const txt = bytesToLatin1(raw.subarray(Math.max(0, byteSkip)));
      const toks = txt.split(/[\s,]+/).filter((t) => t.length > 0);
      if (toks.length < n)
        throw new FormatError(
          `ASCII voxel data is truncated: ${n} values needed, ${toks.length} found`,
          dataSource,
        );
      data = allocate(type, n);
      for (let i = 0; i < n; i++) {
        const v = Number(toks[i]);
        if (Number.isNaN(v) && toks[i]!.toLowerCase() !== "nan")
          throw new FormatError(`ASCII voxel ${i} "${toks[i]}" is not a number`, dataSource);
        data[i] = v;
      }
      break;
    }
    case "hex": {
      const txt = bytesToLatin1(raw.subarray(Math.max(0, byteSkip))).replace(/\s+/g, "");
      if (txt.length < 2 * n * bpv)
        throw new FormatError(
          `hex voxel data is truncated: ${2 * n * bpv} digits needed, ${txt.length} found`,
          dataSource,
        );
      const b = new Uint8Array(n * bpv);
      for (let i = 0; i < b.length; i++) {
        const v = Number.parseInt(txt.substr(2 * i, 2), 16);
        if (Number.isNaN(v))
          throw new FormatError(`hex voxel data has a non-hex digit near byte ${i}`, dataSource);
        b[i] = v;
      }
      data = decodeVoxels(b, 0, type, n, littleEndian, dataSource);
      break;
    }
    case "bzip2":
    case "bz2":
      throw new UnsupportedError(`NRRD encoding "${encoding}" is not supported (use raw or gzip)`, source);
    default:
      throw new FormatError(`unknown NRRD encoding "${f.get("encoding")}"`, source);
  }
  return new Volume(data, geometry);
}

export interface NrrdWriteOptions {
  /** gzip-compress the voxel data (default true). */
  gzip?: boolean;
  /** Write a detached header (`.nhdr`) naming this data file instead of attaching the data. */
  dataFile?: string;
  /** gzip compressor (default fflate level 6; the Node edge passes node:zlib). */
  compressor?: (bytes: Uint8Array) => Uint8Array;
}

/**
 * Encodes a Volume as an attached NRRD (LPS space, `space directions` = direction columns x spacing,
 * little-endian). With `dataFile`, returns the header only and `data` separately (see encodeNrrdDetached).
 */
export function encodeNrrd(vol: Volume, opts: NrrdWriteOptions = {}): Uint8Array {
  const { header, data } = encodeNrrdParts(vol, opts);
  return opts.dataFile ? header : concatBytes([header, data]);
}

/** Header and (possibly compressed) data of a NRRD, for writing a detached `.nhdr` + data file. */
export function encodeNrrdParts(
  vol: Volume,
  opts: NrrdWriteOptions = {},
): { header: Uint8Array; data: Uint8Array } {
  const useGzip = opts.gzip ?? true;
  const d = vol.direction;
  const dirs: string[] = [];
  for (let c = 0; c < 3; c++) {
    const s = vol.spacing[c]!;
    dirs.push(`(${fmtNumber(d[c]! * s)},${fmtNumber(d[3 + c]! * s)},${fmtNumber(d[6 + c]! * s)})`);
  }
  const lines = [
    "NRRD0004",
    "# Complete NRRD file format specification at:",
    "# http://teem.sourceforge.net/nrrd/format.html",
    `type: ${NRRD_TYPE_NAME[vol.dataType]}`,
    "dimension: 3",
    "space: left-posterior-superior",
    `sizes: ${vol.size.join(" ")}`,
    `space directions: ${dirs.join(" ")}`,
    "kinds: domain domain domain",
  ];
  if (bytesPerVoxel(vol.dataType) > 1) lines.push("endian: little");
  lines.push(`encoding: ${useGzip ? "gzip" : "raw"}`);
  lines.push(`space origin: (${vol.origin.map(fmtNumber).join(",")})`);
  if (opts.dataFile) lines.push(`data file: ${opts.dataFile}`);
  const header = asciiToBytes(`${lines.join("\n")}\n${opts.dataFile ? "" : "\n"}`);
  const rawData = encodeVoxels(vol.data, true);
  return { header, data: useGzip ? (opts.compressor ?? gzip)(rawData) : rawData };
}
