/** Synthetic DICOM objects for tests, written with dcmjs (naturalized dataset -> Part 10 bytes). */
import dcmjs from "dcmjs";
import { deflateSync } from "fflate";

// biome-ignore lint/suspicious/noExplicitAny: dcmjs has no typings for its writer
const d = dcmjs as any;
d.log.setLevel("silent");

let uidCounter = 0;
export function uid(tag = ""): string {
  uidCounter++;
  return `2.25.${1000 + uidCounter}${tag.replace(/\D/g, "")}`;
}

/**
 * Deflated explicit VR little endian: dcmjs writes the meta header with that transfer syntax but the
 * dataset uncompressed, so the dataset after the meta group is deflated here (raw deflate, PS3.5 A.5).
 */
export function writeDeflated(ds: Record<string, unknown>): Uint8Array {
  const plain = writeDicom(ds, "1.2.840.10008.1.2.1.99");
  const dv = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  const metaEnd = 144 + dv.getUint32(140, true);
  const body = deflateSync(plain.subarray(metaEnd));
  const out = new Uint8Array(metaEnd + body.length);
  out.set(plain.subarray(0, metaEnd));
  out.set(body, metaEnd);
  return out;
}

/** PackBits-style RLE encoding of one byte plane (PS3.5 G.3.1): literal runs and replicate runs. */
function rlePlane(b: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < b.length) {
    let run = 1;
    while (i + run < b.length && run < 128 && b[i + run] === b[i]) run++;
    if (run >= 2) {
      out.push(257 - run, b[i]!);
      i += run;
      continue;
    }
    let lit = 1;
    while (i + lit < b.length && lit < 128 && !(i + lit + 1 < b.length && b[i + lit] === b[i + lit + 1]))
      lit++;
    out.push(lit - 1);
    for (let q = 0; q < lit; q++) out.push(b[i + q]!);
    i += lit;
  }
  if (out.length % 2) out.push(128); // pad segments to even length with a no-op header
  return out;
}

/** RLE Lossless encoding of one frame of 16-bit samples (two segments: high bytes, then low bytes). */
export function rleEncode16(px: Int16Array | Uint16Array): Uint8Array {
  const u = new Uint16Array(px.buffer, px.byteOffset, px.length);
  const hi = new Uint8Array(u.length);
  const lo = new Uint8Array(u.length);
  for (let i = 0; i < u.length; i++) {
    hi[i] = u[i]! >> 8;
    lo[i] = u[i]! & 0xff;
  }
  const s1 = rlePlane(hi);
  const s2 = rlePlane(lo);
  const out = new Uint8Array(64 + s1.length + s2.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 2, true);
  dv.setUint32(4, 64, true);
  dv.setUint32(8, 64 + s1.length, true);
  out.set(s1, 64);
  out.set(s2, 64 + s1.length);
  return out;
}

/** Writes a naturalized dataset as a Part 10 file in the given transfer syntax. */
export function writeDicom(ds: Record<string, unknown>, transferSyntax = "1.2.840.10008.1.2.1"): Uint8Array {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: ds.SOPClassUID,
    MediaStorageSOPInstanceUID: ds.SOPInstanceUID,
    TransferSyntaxUID: transferSyntax,
    ImplementationClassUID: "2.25.1234",
  };
  const dict = new d.data.DicomDict(d.data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = d.data.DicomMetaDictionary.denaturalizeDataset(ds);
  const ab: ArrayBuffer = d.data.DicomMessage ? dict.write({ fragmentMultiframe: false }) : dict.write();
  return new Uint8Array(ab);
}

export interface SliceSpec {
  rows: number;
  columns: number;
  pixels: Int16Array | Uint16Array;
  ipp: number[];
  iop?: number[];
  spacing?: number[];
  series: string;
  study?: string;
  frameOfReference?: string;
  extra?: Record<string, unknown>;
}

/** A CT slice (int16, rescale -1024/1 unless extra overrides). */
export function ctSlice(s: SliceSpec, instance: number): Record<string, unknown> {
  const signed = s.pixels instanceof Int16Array;
  return {
    SOPClassUID: "1.2.840.10008.5.1.4.1.1.2",
    SOPInstanceUID: uid(),
    StudyInstanceUID: s.study ?? "2.25.1",
    SeriesInstanceUID: s.series,
    FrameOfReferenceUID: s.frameOfReference ?? "2.25.2",
    Modality: "CT",
    SeriesNumber: "1",
    InstanceNumber: String(instance),
    ImagePositionPatient: s.ipp,
    ImageOrientationPatient: s.iop ?? [1, 0, 0, 0, 1, 0],
    PixelSpacing: s.spacing ?? [0.5, 0.75],
    SliceThickness: "2",
    Rows: s.rows,
    Columns: s.columns,
    SamplesPerPixel: 1,
    PhotometricInterpretation: "MONOCHROME2",
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: signed ? 1 : 0,
    RescaleSlope: "1",
    RescaleIntercept: "-1024",
    PixelData: s.pixels.buffer.slice(s.pixels.byteOffset, s.pixels.byteOffset + s.pixels.byteLength),
    _vrMap: { PixelData: "OW" },
    ...s.extra,
  };
}

/** Deterministic test pixels (smooth + noise) for slice k. */
export function testPixels(
  rows: number,
  columns: number,
  k: number,
  signed = true,
): Int16Array | Uint16Array {
  const a = signed ? new Int16Array(rows * columns) : new Uint16Array(rows * columns);
  let seed = 12345 + k * 7919;
  for (let j = 0; j < rows; j++)
    for (let i = 0; i < columns; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      a[j * columns + i] =
        Math.round(800 + 600 * Math.sin(i / 5 + k) * Math.cos(j / 7)) + (seed % 50) - (signed ? 500 : 0);
    }
  return a;
}

/** A series of n slices along z at the given spacing. */
export function ctSeries(
  n: number,
  opts: {
    rows?: number;
    columns?: number;
    dz?: number;
    series?: string;
    extra?: (k: number) => Record<string, unknown>;
  } = {},
) {
  const rows = opts.rows ?? 12;
  const columns = opts.columns ?? 10;
  const series = opts.series ?? uid();
  const out: Array<{ name: string; ds: Record<string, unknown>; pixels: Int16Array | Uint16Array }> = [];
  for (let k = 0; k < n; k++) {
    const pixels = testPixels(rows, columns, k);
    const ds = ctSlice(
      { rows, columns, pixels, ipp: [-10, 20, 5 + k * (opts.dz ?? 2)], series, extra: opts.extra?.(k) },
      k + 1,
    );
    out.push({ name: `s${k}.dcm`, ds, pixels });
  }
  return out;
}

export { d as dcmjsAny };
