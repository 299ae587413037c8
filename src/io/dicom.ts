/**
 * DICOM series (one single-frame CT/MR/PT slice per file) -> Volume, with dcmjs for parsing.
 *
 * Geometry as ITK/GDCM build it: voxel axis i runs along the row direction (ImageOrientationPatient
 * [0..2]), j along the column direction ([3..5]), k along their cross product (the slice normal);
 * slices are sorted by ImagePositionPatient projected on the normal; the origin is the position of the
 * first slice; in-plane spacing is PixelSpacing (column spacing, row spacing) and the slice spacing is
 * the distance between consecutive slices along the normal (it must be uniform). DICOM patient
 * coordinates are LPS, like ours.
 *
 * Voxels: stored values times RescaleSlope plus RescaleIntercept (HU for CT). When slope and intercept
 * are integers the result is int16 if every value fits, else int32; otherwise float32. (ITK/GDCM choose
 * the type from the stored type's range instead, so the type can differ; the values do not.)
 *
 * Supported: uncompressed transfer syntaxes (implicit / explicit VR little endian), 8/16/32-bit
 * MONOCHROME1/2 samples. Compressed pixel data and multi-frame files throw UnsupportedError.
 * Browser-safe: the caller supplies the file bytes.
 */

import type dcmjsModule from "dcmjs";

type Dcmjs = typeof dcmjsModule;
let dcmjsInstance: Dcmjs | undefined;

/**
 * dcmjs is large (its dictionary alone takes ~20 ms to load), so it is not imported up front: the Node
 * edge (read.ts) and a browser app hand it over before the first DICOM read.
 */
export function useDcmjs(m: Dcmjs): void {
  dcmjsInstance = m;
}

function dcmjs(): Dcmjs {
  if (!dcmjsInstance) throw new UnsupportedError("DICOM reading needs dcmjs: call useDcmjs(dcmjs) first");
  return dcmjsInstance;
}
import { FormatError, GeometryError, InputError, UnsupportedError } from "../errors.js";
import { type Mat3, type Vec3, Volume, type VoxelArray, validateGeometry } from "../image/volume.js";
import { HOST_LITTLE_ENDIAN, swapBytes } from "./common.js";

const UNCOMPRESSED = new Set(["1.2.840.10008.1.2", "1.2.840.10008.1.2.1"]);

export interface DicomFileInput {
  /** File name (for messages). */
  name: string;
  bytes: Uint8Array;
}

export interface DicomSeriesOptions {
  /** Which series to read when the files hold several (default: error listing them). */
  seriesInstanceUid?: string;
  /** Directory or description used in messages. */
  source?: string;
}

interface Slice {
  name: string;
  ipp: number[];
  iop: number[];
  pixelSpacing: number[];
  rows: number;
  columns: number;
  slope: number;
  intercept: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  pixels: ArrayBuffer;
  series: string;
  position: number;
}

function num(v: unknown): number {
  if (Array.isArray(v)) return Number(v[0]);
  return Number(v);
}

function nums(v: unknown): number[] {
  if (Array.isArray(v)) return v.map(Number);
  if (typeof v === "string") return v.split("\\").map(Number);
  if (typeof v === "number") return [v];
  return [];
}

/** True when the bytes carry the DICOM Part 10 preamble ("DICM" at offset 128). */
export function isDicom(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

/** dcmjs logs parsing remarks to the console; library code must not print, so they are silenced. */
function quietly<T>(fn: () => T): T {
  const d = dcmjs();
  const loggers = [d.log, d.log.getLogger("validation.dcmjs")];
  const saved = loggers.map((l) => l.getLevel());
  for (const l of loggers) l.setLevel("silent", false);
  try {
    return fn();
  } finally {
    loggers.forEach((l, i) => {
      l.setLevel(saved[i]!, false);
    });
  }
}

function parseSlice(f: DicomFileInput): Slice {
  if (!isDicom(f.bytes)) throw new FormatError("not a DICOM Part 10 file (no DICM preamble)", f.name);
  let file: ReturnType<Dcmjs["data"]["DicomMessage"]["readFile"]>;
  try {
    const ab = f.bytes.buffer.slice(
      f.bytes.byteOffset,
      f.bytes.byteOffset + f.bytes.byteLength,
    ) as ArrayBuffer;
    file = quietly(() => dcmjs().data.DicomMessage.readFile(ab));
  } catch (e) {
    throw new FormatError(`DICOM file cannot be parsed (${(e as Error).message})`, f.name);
  }
  const ts = String(file.meta["00020010"]?.Value?.[0] ?? "");
  const n = quietly(() => dcmjs().data.DicomMetaDictionary.naturalizeDataset(file.dict));
  if (!UNCOMPRESSED.has(ts))
    throw new UnsupportedError(
      `DICOM transfer syntax ${ts} (compressed or big-endian) is not supported`,
      f.name,
    );
  const frames = n.NumberOfFrames === undefined ? 1 : num(n.NumberOfFrames);
  if (frames !== 1)
    throw new UnsupportedError(`multi-frame DICOM (${frames} frames) is not supported`, f.name);
  const spp = n.SamplesPerPixel === undefined ? 1 : num(n.SamplesPerPixel);
  if (spp !== 1)
    throw new UnsupportedError(`DICOM with ${spp} samples per pixel (colour) is not supported`, f.name);
  const ipp = nums(n.ImagePositionPatient);
  const iop = nums(n.ImageOrientationPatient);
  const ps = nums(n.PixelSpacing);
  if (
    ipp.length !== 3 ||
    iop.length !== 6 ||
    ps.length !== 2 ||
    [...ipp, ...iop, ...ps].some((x) => !Number.isFinite(x))
  ) {
    throw new FormatError(
      "DICOM slice lacks ImagePositionPatient, ImageOrientationPatient or PixelSpacing (not a cross-sectional image?)",
      f.name,
    );
  }
  const pd = n.PixelData as ArrayBuffer[] | ArrayBuffer | undefined;
  const pixels = Array.isArray(pd) ? pd[0] : pd;
  if (!pixels) throw new FormatError("DICOM file has no PixelData", f.name);
  const slope = n.RescaleSlope === undefined ? 1 : num(n.RescaleSlope);
  const intercept = n.RescaleIntercept === undefined ? 0 : num(n.RescaleIntercept);
  return {
    name: f.name,
    ipp,
    iop,
    pixelSpacing: ps,
    rows: num(n.Rows),
    columns: num(n.Columns),
    slope: Number.isFinite(slope) && slope !== 0 ? slope : 1,
    intercept: Number.isFinite(intercept) ? intercept : 0,
    bitsAllocated: num(n.BitsAllocated),
    bitsStored: n.BitsStored === undefined ? num(n.BitsAllocated) : num(n.BitsStored),
    signed: num(n.PixelRepresentation) === 1,
    pixels,
    series: String(n.SeriesInstanceUID ?? ""),
    position: 0,
  };
}

/** Reads one DICOM series from the bytes of its files (any order). */
export function parseDicomSeries(files: DicomFileInput[], opts: DicomSeriesOptions = {}): Volume {
  const source = opts.source;
  const dicomFiles = files.filter((f) => isDicom(f.bytes));
  if (dicomFiles.length === 0) throw new InputError("no DICOM files found", source);
  let slices = dicomFiles.map(parseSlice);
  const seriesIds = [...new Set(slices.map((s) => s.series))];
  if (opts.seriesInstanceUid !== undefined) {
    slices = slices.filter((s) => s.series === opts.seriesInstanceUid);
    if (slices.length === 0)
      throw new InputError(
        `series ${opts.seriesInstanceUid} not found (series present: ${seriesIds.join(", ")})`,
        source,
      );
  } else if (seriesIds.length > 1) {
    throw new InputError(
      `the files hold ${seriesIds.length} series (${seriesIds.join(", ")}); choose one with seriesInstanceUid`,
      source,
    );
  }
  const first = slices[0]!;
  for (const s of slices) {
    if (s.rows !== first.rows || s.columns !== first.columns)
      throw new GeometryError(
        `slice is ${s.columns}x${s.rows}, the series is ${first.columns}x${first.rows}`,
        s.name,
      );
    if (s.iop.some((x, i) => Math.abs(x - first.iop[i]!) > 1e-4))
      throw new GeometryError(
        `ImageOrientationPatient ${s.iop.join("\\")} differs from ${first.iop.join("\\")}`,
        s.name,
      );
    if (s.pixelSpacing.some((x, i) => Math.abs(x - first.pixelSpacing[i]!) > 1e-6))
      throw new GeometryError(
        `PixelSpacing ${s.pixelSpacing.join("\\")} differs from ${first.pixelSpacing.join("\\")}`,
        s.name,
      );
  }
  const row = first.iop.slice(0, 3);
  const col = first.iop.slice(3, 6);
  const normal = [
    row[1]! * col[2]! - row[2]! * col[1]!,
    row[2]! * col[0]! - row[0]! * col[2]!,
    row[0]! * col[1]! - row[1]! * col[0]!,
  ];
  for (const s of slices)
    s.position = s.ipp[0]! * normal[0]! + s.ipp[1]! * normal[1]! + s.ipp[2]! * normal[2]!;
  slices.sort((a, b) => a.position - b.position);
  let sliceSpacing = 1;
  if (slices.length > 1) {
    sliceSpacing = (slices[slices.length - 1]!.position - slices[0]!.position) / (slices.length - 1);
    const tol = Math.max(1e-3, 0.01 * Math.abs(sliceSpacing));
    for (let k = 1; k < slices.length; k++) {
      const gap = slices[k]!.position - slices[k - 1]!.position;
      if (Math.abs(gap - sliceSpacing) > tol) {
        throw new GeometryError(
          `slices are not evenly spaced: ${slices[k - 1]!.name} -> ${slices[k]!.name} is ${gap.toPrecision(6)} mm, the series average is ${sliceSpacing.toPrecision(6)} mm (missing or duplicate slice?)`,
          source,
        );
      }
    }
  } else {
    throw new InputError("a DICOM series needs at least 2 slices to define its slice spacing", source);
  }
  const size: Vec3 = [first.columns, first.rows, slices.length];
  const spacing: Vec3 = [first.pixelSpacing[1]!, first.pixelSpacing[0]!, sliceSpacing];
  const origin = [...slices[0]!.ipp] as Vec3;
  const direction = [row[0], col[0], normal[0], row[1], col[1], normal[1], row[2], col[2], normal[2]].map(
    (x) => x! + 0,
  ) as Mat3;
  const geometry = { size, spacing, origin, direction };
  validateGeometry(geometry, source);

  const perSlice = first.rows * first.columns;
  const values = new Float64Array(perSlice * slices.length);
  let allInt = true;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  slices.forEach((s, k) => {
    const bytes = s.bitsAllocated / 8;
    if (![1, 2, 4].includes(bytes))
      throw new UnsupportedError(`BitsAllocated ${s.bitsAllocated} is not supported`, s.name);
    if (s.pixels.byteLength < perSlice * bytes)
      throw new FormatError(`PixelData has ${s.pixels.byteLength} bytes, ${perSlice * bytes} needed`, s.name);
    const off = k * perSlice;
    const intRescale = Number.isInteger(s.slope) && Number.isInteger(s.intercept);
    if (!intRescale) allInt = false;
    // only the low BitsStored bits are the value (the rest may hold overlays); signed values are
    // sign-extended from bit BitsStored - 1
    const bits = Math.min(s.bitsStored, s.bitsAllocated);
    const shift = 32 - bits;
    const le = new Uint8Array(s.pixels.slice(0, bytes * perSlice));
    if (bytes > 1 && !HOST_LITTLE_ENDIAN) swapBytes(le, bytes); // the transfer syntax is little-endian
    const src = bytes === 1 ? le : bytes === 2 ? new Uint16Array(le.buffer) : new Uint32Array(le.buffer);
    for (let p = 0; p < perSlice; p++) {
      const u = src[p]!;
      const raw =
        bits >= 32 ? (s.signed ? u | 0 : u) : s.signed ? (u << shift) >> shift : (u << shift) >>> shift;
      const v = raw * s.slope + s.intercept;
      values[off + p] = v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  });
  let data: VoxelArray;
  if (allInt && lo >= -32768 && hi <= 32767) data = Int16Array.from(values);
  else if (allInt && lo >= -2147483648 && hi <= 2147483647) data = Int32Array.from(values);
  else data = Float32Array.from(values);
  return new Volume(data, geometry);
}
