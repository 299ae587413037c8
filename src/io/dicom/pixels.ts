/**
 * Pixel data of one DICOM object -> raw frames (little-endian samples, BitsAllocated wide).
 *
 * Uncompressed (implicit/explicit VR little endian, deflated explicit VR little endian: dcmjs inflates
 * the dataset), RLE Lossless (decoded here, PS3.5 Annex G) and JPEG Lossless processes 14 / SV1
 * (jpeg-lossless-decoder-js, pure JS) are built in. JPEG baseline/extended, JPEG-LS and JPEG 2000 are
 * decoded by WebAssembly codecs that the environment registers (registerDicomDecoder / setDicomCodecLoader):
 * the Node edge loads the @cornerstonejs codec packages synchronously on first use; a browser app loads
 * them (async) and registers them before reading. Browser-safe.
 */
import { Decoder as JpegLosslessDecoder } from "jpeg-lossless-decoder-js";
import { FormatError, UnsupportedError } from "../../errors.js";

export const TS = {
  implicitLE: "1.2.840.10008.1.2",
  explicitLE: "1.2.840.10008.1.2.1",
  deflatedLE: "1.2.840.10008.1.2.1.99",
  explicitBE: "1.2.840.10008.1.2.2",
  jpegBaseline: "1.2.840.10008.1.2.4.50",
  jpegExtended: "1.2.840.10008.1.2.4.51",
  jpegLossless14: "1.2.840.10008.1.2.4.57",
  jpegLosslessSV1: "1.2.840.10008.1.2.4.70",
  jpegLsLossless: "1.2.840.10008.1.2.4.80",
  jpegLsNear: "1.2.840.10008.1.2.4.81",
  j2kLossless: "1.2.840.10008.1.2.4.90",
  j2k: "1.2.840.10008.1.2.4.91",
  rle: "1.2.840.10008.1.2.5",
} as const;

export const TS_NAMES: Record<string, string> = {
  [TS.implicitLE]: "implicit VR little endian",
  [TS.explicitLE]: "explicit VR little endian",
  [TS.deflatedLE]: "deflated explicit VR little endian",
  [TS.explicitBE]: "explicit VR big endian",
  [TS.jpegBaseline]: "JPEG baseline (process 1)",
  [TS.jpegExtended]: "JPEG extended (process 2 & 4)",
  [TS.jpegLossless14]: "JPEG lossless (process 14)",
  [TS.jpegLosslessSV1]: "JPEG lossless SV1",
  [TS.jpegLsLossless]: "JPEG-LS lossless",
  [TS.jpegLsNear]: "JPEG-LS near-lossless",
  [TS.j2kLossless]: "JPEG 2000 lossless",
  [TS.j2k]: "JPEG 2000",
  [TS.rle]: "RLE lossless",
};

const NATIVE = new Set<string>([TS.implicitLE, TS.explicitLE, TS.deflatedLE, TS.explicitBE]);

export interface FrameInfo {
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  samplesPerPixel: number;
}

/** Decodes one encoded frame to little-endian samples of BitsAllocated bits (rows*columns*spp of them). */
export type FrameDecoder = (encoded: Uint8Array, info: FrameInfo) => Uint8Array;

const decoders = new Map<string, FrameDecoder>();
let codecLoader: ((transferSyntax: string) => FrameDecoder | undefined) | undefined;

export function registerDicomDecoder(transferSyntaxes: string | string[], decoder: FrameDecoder): void {
  for (const ts of Array.isArray(transferSyntaxes) ? transferSyntaxes : [transferSyntaxes])
    decoders.set(ts, decoder);
}

/** A synchronous loader asked for a decoder the first time a transfer syntax is met (Node edge). */
export function setDicomCodecLoader(loader: (transferSyntax: string) => FrameDecoder | undefined): void {
  codecLoader = loader;
}

export function isNativeSyntax(ts: string): boolean {
  return NATIVE.has(ts);
}

export function supportedTransferSyntaxes(): string[] {
  return [...NATIVE, TS.rle, TS.jpegLossless14, TS.jpegLosslessSV1, ...decoders.keys()];
}

function decoderFor(ts: string, name: string): FrameDecoder {
  let d = decoders.get(ts);
  if (!d && codecLoader) {
    d = codecLoader(ts);
    if (d) decoders.set(ts, d);
  }
  if (!d)
    throw new UnsupportedError(
      `DICOM transfer syntax ${ts}${TS_NAMES[ts] ? ` (${TS_NAMES[ts]})` : ""} has no decoder${TS_NAMES[ts] ? " registered (registerDicomDecoder)" : ""}`,
      name,
    );
  return d;
}

/** PS3.5 Annex G: RLE Lossless, one segment per byte plane (most significant first) and sample. */
export function decodeRle(encoded: Uint8Array, info: FrameInfo, name = ""): Uint8Array {
  const bytesPer = info.bitsAllocated / 8;
  const n = info.rows * info.columns;
  const spp = info.samplesPerPixel;
  const out = new Uint8Array(n * bytesPer * spp);
  if (encoded.length < 64) throw new FormatError("RLE frame shorter than its 64-byte header", name);
  const dv = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const nseg = dv.getUint32(0, true);
  if (nseg !== bytesPer * spp)
    throw new FormatError(`RLE frame has ${nseg} segments, ${bytesPer * spp} expected`, name);
  for (let s = 0; s < nseg; s++) {
    const start = dv.getUint32(4 + 4 * s, true);
    const end = s + 1 < nseg ? dv.getUint32(8 + 4 * s, true) : encoded.length;
    if (start < 64 || end > encoded.length || end < start)
      throw new FormatError(`RLE segment ${s + 1} offsets ${start}..${end} are out of range`, name);
    const sample = Math.floor(s / bytesPer);
    const byteInSample = bytesPer - 1 - (s % bytesPer); // segments run most significant byte first
    // sample-interleaved output (PlanarConfiguration 0), little-endian
    const stride = bytesPer * spp;
    let o = sample * bytesPer + byteInSample;
    let count = 0;
    let p = start;
    while (p < end && count < n) {
      const h = encoded[p++]!;
      if (h < 128) {
        const len = h + 1;
        if (p + len > end) throw new FormatError(`RLE segment ${s + 1} is truncated`, name);
        for (let i = 0; i < len && count < n; i++, count++, o += stride) out[o] = encoded[p + i]!;
        p += len;
      } else if (h > 128) {
        const len = 257 - h;
        const v = encoded[p++]!;
        for (let i = 0; i < len && count < n; i++, count++, o += stride) out[o] = v;
      }
    }
    if (count < n) throw new FormatError(`RLE segment ${s + 1} decodes to ${count} of ${n} bytes`, name);
  }
  return out;
}

function decodeJpegLossless(encoded: Uint8Array, info: FrameInfo, name: string): Uint8Array {
  const ab = encoded.buffer.slice(encoded.byteOffset, encoded.byteOffset + encoded.byteLength) as ArrayBuffer;
  let px: Uint8Array | Uint16Array;
  try {
    px = new JpegLosslessDecoder().decode(ab, 0, ab.byteLength, info.bitsAllocated / 8);
  } catch (e) {
    throw new FormatError(`JPEG lossless frame cannot be decoded (${(e as Error).message})`, name);
  }
  return new Uint8Array(px.buffer, px.byteOffset, px.byteLength);
}

/** All frames of the pixel data element, decoded; each is checked against rows x columns x spp x bits. */
export function decodeFrames(
  pixelData: unknown,
  ts: string,
  info: FrameInfo,
  frameCount: number,
  name: string,
): Uint8Array[] {
  const frameBytes = info.rows * info.columns * info.samplesPerPixel * (info.bitsAllocated / 8);
  const parts = (Array.isArray(pixelData) ? pixelData : pixelData ? [pixelData] : []) as ArrayBuffer[];
  if (parts.length === 0) throw new FormatError("DICOM file has no PixelData", name);
  const frames: Uint8Array[] = [];
  if (NATIVE.has(ts)) {
    const total = parts.reduce((a, p) => a + p.byteLength, 0);
    const all =
      parts.length === 1
        ? new Uint8Array(parts[0]!)
        : (() => {
            const b = new Uint8Array(total);
            let o = 0;
            for (const p of parts) {
              b.set(new Uint8Array(p), o);
              o += p.byteLength;
            }
            return b;
          })();
    const need = frameBytes * frameCount;
    if (all.length < need)
      throw new FormatError(
        `PixelData has ${all.length} bytes, ${need} needed (${frameCount} frame(s) of ${info.columns}x${info.rows}, ${info.samplesPerPixel} sample(s) of ${info.bitsAllocated} bits): truncated`,
        name,
      );
    if (all.length > need + 1)
      throw new FormatError(
        `PixelData has ${all.length} bytes, ${need} expected (${frameCount} frame(s) of ${info.columns}x${info.rows}, ${info.bitsAllocated} bits): BitsAllocated, Rows or Columns are wrong`,
        name,
      );
    for (let f = 0; f < frameCount; f++) {
      const fr = all.slice(f * frameBytes, (f + 1) * frameBytes);
      if (ts === TS.explicitBE && info.bitsAllocated > 8) {
        const w = info.bitsAllocated / 8;
        for (let i = 0; i < fr.length; i += w) fr.subarray(i, i + w).reverse();
      }
      frames.push(fr);
    }
    return frames;
  }
  if (parts.length < frameCount)
    throw new FormatError(
      `encapsulated PixelData holds ${parts.length} frame(s), ${frameCount} expected`,
      name,
    );
  const decode: FrameDecoder =
    ts === TS.rle
      ? (e, i) => decodeRle(e, i, name)
      : ts === TS.jpegLossless14 || ts === TS.jpegLosslessSV1
        ? (e, i) => decodeJpegLossless(e, i, name)
        : decoderFor(ts, name);
  for (let f = 0; f < frameCount; f++) {
    let out: Uint8Array;
    try {
      out = decode(new Uint8Array(parts[f]!), info);
    } catch (e) {
      if (e instanceof FormatError || e instanceof UnsupportedError) throw e;
      throw new FormatError(
        `frame ${f + 1} (${TS_NAMES[ts] ?? ts}) cannot be decoded: ${(e as Error).message ?? e}`,
        name,
      );
    }
    if (out.length < frameBytes)
      throw new FormatError(
        `frame ${f + 1} (${TS_NAMES[ts] ?? ts}) decodes to ${out.length} bytes, ${frameBytes} needed`,
        name,
      );
    frames.push(out.length === frameBytes ? out : out.slice(0, frameBytes));
  }
  return frames;
}
