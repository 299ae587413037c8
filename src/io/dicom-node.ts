/**
 * Node edge of the DICOM reader: walks folders (recursively), loads dcmjs and the WebAssembly codecs
 * (@cornerstonejs codec-libjpeg-turbo-8bit, codec-charls, codec-openjpeg; instantiated synchronously
 * from their packaged .wasm on the first frame that needs them), and reads RTSTRUCT masks onto their
 * reference series. The parsing itself is in src/io/dicom/ (browser-safe).
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, extname, join } from "node:path";
import { FileAccessError, FormatError, InputError } from "./../errors.js";
import type { Volume } from "../image/volume.js";
import {
  type DicomFileInput,
  type DicomSeriesInfo,
  type DicomSeriesOptions,
  type DicomVolumeResult,
  type FrameDecoder,
  type FrameInfo,
  type MaskResult,
  type RtStruct,
  TS,
  isDicom,
  listDicomSeries,
  parseDicomFile,
  parseDicomSeriesDetailed,
  parseRtStruct,
  rasteriseRtStruct,
  seriesReferences,
  setDicomCodecLoader,
  useDcmjs,
} from "./dicom/index.js";

const require = createRequire(import.meta.url);
let loaded = false;

interface WasmCodec {
  getEncodedBuffer(n: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number };
  delete?(): void;
}

const CODECS: Record<string, { pkg: string; cls: string }> = {
  [TS.jpegBaseline]: { pkg: "@cornerstonejs/codec-libjpeg-turbo-8bit", cls: "JPEGDecoder" },
  [TS.jpegExtended]: { pkg: "@cornerstonejs/codec-libjpeg-turbo-8bit", cls: "JPEGDecoder" },
  [TS.jpegLsLossless]: { pkg: "@cornerstonejs/codec-charls", cls: "JpegLSDecoder" },
  [TS.jpegLsNear]: { pkg: "@cornerstonejs/codec-charls", cls: "JpegLSDecoder" },
  [TS.j2kLossless]: { pkg: "@cornerstonejs/codec-openjpeg", cls: "J2KDecoder" },
  [TS.j2k]: { pkg: "@cornerstonejs/codec-openjpeg", cls: "J2KDecoder" },
};

const modules = new Map<string, Record<string, new () => WasmCodec>>();

/** Instantiates an Emscripten codec module synchronously from its packaged .wasm. */
function wasmModule(pkg: string): Record<string, new () => WasmCodec> {
  let m = modules.get(pkg);
  if (m) return m;
  const factory = require(`${pkg}/decodewasmjs`) as (arg: object) => Promise<unknown>;
  const bytes = readFileSync(require.resolve(`${pkg}/decodewasm`));
  const mod: Record<string, unknown> = {
    print() {},
    printErr() {},
    instantiateWasm(imports: WebAssembly.Imports, ok: (i: WebAssembly.Instance) => void) {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
      ok(inst);
      return inst.exports;
    },
  };
  void factory(mod).catch(() => undefined);
  m = mod as Record<string, new () => WasmCodec>;
  modules.set(pkg, m);
  return m;
}

function wasmDecoder(ts: string): FrameDecoder | undefined {
  const c = CODECS[ts];
  if (!c) return undefined;
  return (encoded: Uint8Array, info: FrameInfo) => {
    const Cls = wasmModule(c.pkg)[c.cls];
    if (!Cls) throw new Error(`${c.pkg} did not initialise`);
    const dec = new Cls();
    try {
      dec.getEncodedBuffer(encoded.length).set(encoded);
      dec.decode();
      const fi = dec.getFrameInfo();
      if (fi.width !== info.columns || fi.height !== info.rows)
        throw new FormatError(
          `encoded frame is ${fi.width}x${fi.height}, the header says ${info.columns}x${info.rows}`,
        );
      const out = dec.getDecodedBuffer().slice();
      const bytesPer = info.bitsAllocated / 8;
      const n = info.rows * info.columns * info.samplesPerPixel;
      if (fi.bitsPerSample <= 8 && bytesPer > 1) {
        if (ts === TS.jpegExtended || ts === TS.jpegBaseline) {
          if (info.bitsStored > 8)
            throw new InputError(`12-bit JPEG extended is not supported (libjpeg-turbo decodes 8-bit only)`);
        }
        const wide = new Uint8Array(n * bytesPer);
        for (let p = 0; p < n; p++) wide[p * bytesPer] = out[p]!;
        return wide;
      }
      return out;
    } finally {
      dec.delete?.();
    }
  };
}

/** Loads dcmjs (CommonJS build) and registers the codec loader, on the first DICOM read only. */
export function loadDicomSupport(): void {
  if (loaded) return;
  useDcmjs(require("dcmjs"));
  setDicomCodecLoader(wasmDecoder);
  loaded = true;
}

const DICOM_NAME = /\.(dcm|dicom|ima)$/i;

function readBytes(p: string): Uint8Array {
  try {
    const b = readFileSync(p);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new FileAccessError(
      `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      p,
    );
  }
}

/**
 * Every DICOM file under a folder (recursively). A file named *.dcm (or without extension, as PACS
 * exports often are) that is empty or lacks the DICM preamble is an error, never silently dropped;
 * DICOMDIR and other files (README.txt, ...) are skipped.
 */
export function collectDicomFiles(dir: string): DicomFileInput[] {
  const out: DicomFileInput[] = [];
  const walk = (d: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch (e) {
      throw new FileAccessError(`cannot read directory (${(e as NodeJS.ErrnoException).code})`, d);
    }
    for (const name of names) {
      if (name.startsWith(".")) continue;
      const p = join(d, name);
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (depth < 16) walk(p, depth + 1);
        continue;
      }
      if (!st.isFile() || name.toUpperCase() === "DICOMDIR") continue;
      const dicomName = DICOM_NAME.test(name) || extname(name) === "";
      if (st.size === 0) {
        if (dicomName) throw new FormatError("file is empty (0 bytes) in a DICOM folder", p);
        continue;
      }
      const bytes = readBytes(p);
      if (isDicom(bytes)) out.push({ name: p, bytes });
      else if (DICOM_NAME.test(name))
        throw new FormatError("not a DICOM Part 10 file (no DICM preamble) in a DICOM folder", p);
    }
  };
  walk(dir, 0);
  return out;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** DICOM input of a path: a folder (its series) or one file (one multi-frame object or a single slice). */
export function dicomFilesOf(path: string): DicomFileInput[] {
  loadDicomSupport();
  if (isDir(path)) {
    const files = collectDicomFiles(path);
    if (files.length === 0) throw new InputError("no DICOM files found in the folder", path);
    return files;
  }
  return [{ name: path, bytes: readBytes(path) }];
}

/** Reads a DICOM folder or file as a volume (see parseDicomSeriesDetailed). */
export function readDicomDetailed(path: string, opts: DicomSeriesOptions = {}): DicomVolumeResult {
  return parseDicomSeriesDetailed(dicomFilesOf(path), { source: path, ...opts });
}

export function readDicomSeries(path: string, opts: DicomSeriesOptions = {}): Volume {
  return readDicomDetailed(path, opts).volume;
}

export function listDicomPath(path: string): DicomSeriesInfo[] {
  return listDicomSeries(dicomFilesOf(path));
}

/** True when the file is a DICOM RTSTRUCT (cheap check: reads the file). */
export function dicomObjectKind(path: string): "rtstruct" | "seg" | "image" | "other" | undefined {
  if (isDir(path)) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  if (!isDicom(bytes)) return undefined;
  loadDicomSupport();
  const { ds } = parseDicomFile({ name: path, bytes });
  const m = String(ds.Modality ?? "");
  if (m === "RTSTRUCT") return "rtstruct";
  if (m === "SEG") return "seg";
  return ds.PixelData !== undefined ? "image" : "other";
}

export function readRtStruct(path: string): RtStruct {
  loadDicomSupport();
  return parseRtStruct({ name: path, bytes: readBytes(path) });
}

/** Rasterises an RTSTRUCT onto the reference DICOM series (folder or file). */
export function readRtStructMask(
  rtPath: string,
  referencePath: string,
  opts: { roi?: string; series?: string } = {},
): MaskResult & { image: Volume } {
  const rt = readRtStruct(rtPath);
  if (!isDir(referencePath) && !isDicomFile(referencePath))
    throw new InputError(
      `an RTSTRUCT needs its DICOM image series as the reference (got ${basename(referencePath)}, not DICOM)`,
      rtPath,
    );
  const ref = seriesReferences(dicomFilesOf(referencePath), {
    source: referencePath,
    ...(opts.series !== undefined ? { seriesInstanceUid: opts.series } : {}),
  });
  const r = rasteriseRtStruct(rt, { ...ref, source: referencePath }, opts.roi);
  return { ...r, image: ref.volume };
}

function isDicomFile(p: string): boolean {
  try {
    const b = readFileSync(p);
    return isDicom(b);
  } catch {
    return false;
  }
}
