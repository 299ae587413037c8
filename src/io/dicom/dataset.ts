/**
 * DICOM Part 10 parsing with dcmjs: one file -> its transfer syntax and naturalized dataset.
 * Browser-safe: the caller supplies the bytes and hands dcmjs over (useDcmjs).
 */
import type dcmjsModule from "dcmjs";
import { FormatError, UnsupportedError } from "../../errors.js";

export type Dcmjs = typeof dcmjsModule;
let dcmjsInstance: Dcmjs | undefined;

/**
 * dcmjs is large (its dictionary alone takes ~20 ms to load), so it is not imported up front: the Node
 * edge (read.ts) and a browser app hand it over before the first DICOM read.
 */
export function useDcmjs(m: Dcmjs): void {
  dcmjsInstance = m;
}

export function dcmjs(): Dcmjs {
  if (!dcmjsInstance) throw new UnsupportedError("DICOM reading needs dcmjs: call useDcmjs(dcmjs) first");
  return dcmjsInstance;
}

export interface DicomFileInput {
  /** File name (for messages). */
  name: string;
  bytes: Uint8Array;
}

/** A naturalized dataset (keyword -> value), as dcmjs builds it. */
export type Dataset = Record<string, unknown>;

export interface ParsedDicom {
  name: string;
  transferSyntax: string;
  ds: Dataset;
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
export function quietly<T>(fn: () => T): T {
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

/** Parses one Part 10 file (throws FormatError naming the file when it is not DICOM or is damaged). */
export function parseDicomFile(f: DicomFileInput): ParsedDicom {
  if (f.bytes.length === 0) throw new FormatError("file is empty (0 bytes)", f.name);
  if (!isDicom(f.bytes)) throw new FormatError("not a DICOM Part 10 file (no DICM preamble)", f.name);
  let file: ReturnType<Dcmjs["data"]["DicomMessage"]["readFile"]>;
  try {
    const ab = f.bytes.buffer.slice(
      f.bytes.byteOffset,
      f.bytes.byteOffset + f.bytes.byteLength,
    ) as ArrayBuffer;
    file = quietly(() => dcmjs().data.DicomMessage.readFile(ab));
  } catch (e) {
    const m = (e as Error).message;
    throw new FormatError(
      `DICOM file cannot be parsed (${/bounds|offset|length|range/i.test(m) ? `truncated or damaged: ${m}` : m})`,
      f.name,
    );
  }
  const transferSyntax = String(file.meta["00020010"]?.Value?.[0] ?? "").replace(/\0/g, "");
  checkNumbers(file.dict, f.name);
  if (transferSyntax === "1.2.840.10008.1.2" || transferSyntax === "1.2.840.10008.1.2.1")
    checkPixelDataLength(f.bytes, transferSyntax === "1.2.840.10008.1.2", f.name);
  const ds = quietly(() => dcmjs().data.DicomMetaDictionary.naturalizeDataset(file.dict)) as Dataset;
  return { name: f.name, transferSyntax, ds };
}

/** DS/IS values dcmjs could not parse (it stores null): named with their text, never read as 0. */
function checkNumbers(
  dict: Record<string, { vr: string; Value?: unknown[]; _rawValue?: unknown }>,
  name: string,
): void {
  for (const [tag, el] of Object.entries(dict)) {
    if ((el.vr !== "DS" && el.vr !== "IS") || !el.Value) continue;
    const bad = el.Value.findIndex((x) => x === null || (typeof x === "number" && !Number.isFinite(x)));
    if (bad < 0) continue;
    const raw = Array.isArray(el._rawValue) ? el._rawValue[bad] : el._rawValue;
    if (String(raw ?? "").trim() === "") continue; // an empty value is "absent", not corrupt
    const entry = (
      dcmjs().data.DicomMetaDictionary as unknown as { dictionary: Record<string, { name?: string }> }
    ).dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`];
    throw new FormatError(
      `${entry?.name ?? `tag (${tag.slice(0, 4)},${tag.slice(4)})`} is "${String(raw ?? "").trim()}", not a finite number`,
      name,
    );
  }
}

/**
 * dcmjs zero-fills an element that runs past the end of the file; for native pixel data the declared
 * length of the last (7FE0,0010) element is checked against the bytes present.
 */
function checkPixelDataLength(b: Uint8Array, implicit: boolean, name: string): void {
  for (let o = b.length - 8; o >= 132; o--) {
    if (b[o] !== 0xe0 || b[o + 1] !== 0x7f || b[o + 2] !== 0x10 || b[o + 3] !== 0x00) continue;
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let len: number;
    let start: number;
    const vr = String.fromCharCode(b[o + 4]!, b[o + 5]!);
    if (!implicit && (vr === "OW" || vr === "OB")) {
      if (o + 12 > b.length) break;
      len = dv.getUint32(o + 8, true);
      start = o + 12;
    } else {
      len = dv.getUint32(o + 4, true);
      start = o + 8;
    }
    if (len === 0xffffffff) return;
    if (start + len > b.length)
      throw new FormatError(
        `PixelData element declares ${len} bytes but the file holds ${b.length - start}: truncated`,
        name,
      );
    return;
  }
}

export function num(v: unknown): number {
  // dcmjs turns an unparsable DS/IS ("nan", "abc") into null: that must stay NaN, never 0
  if (Array.isArray(v)) return v.length && v[0] !== null && v[0] !== undefined ? Number(v[0]) : Number.NaN;
  if (v === undefined || v === null || v === "") return Number.NaN;
  return Number(v);
}

export function nums(v: unknown): number[] {
  if (Array.isArray(v)) return v.map((x) => (x === null || x === undefined ? Number.NaN : Number(x)));
  if (typeof v === "string") return v.split("\\").map(Number);
  if (typeof v === "number") return [v];
  return [];
}

export function str(v: unknown): string {
  if (Array.isArray(v)) return v.length ? String(v[0] ?? "") : "";
  if (v === undefined || v === null) return "";
  if (typeof v === "object" && v && "Alphabetic" in v)
    return String((v as { Alphabetic: string }).Alphabetic);
  return String(v).trim();
}

/** First item of a sequence (dcmjs naturalizes a one-item sequence to the item or to a one-item array). */
export function item(v: unknown): Dataset | undefined {
  if (Array.isArray(v)) return v[0] as Dataset | undefined;
  if (v && typeof v === "object") return v as Dataset;
  return undefined;
}

export function items(v: unknown): Dataset[] {
  if (Array.isArray(v)) return v as Dataset[];
  if (v && typeof v === "object") return [v as Dataset];
  return [];
}

/** Storage SOP classes that are not images, by UID, named for messages. */
export const NON_IMAGE_CLASSES: Record<string, string> = {
  "1.2.840.10008.5.1.4.1.1.481.3": "RTSTRUCT (RT Structure Set)",
  "1.2.840.10008.5.1.4.1.1.66.4": "SEG (Segmentation)",
  "1.2.840.10008.5.1.4.1.1.88.11": "SR (Basic Text Structured Report)",
  "1.2.840.10008.5.1.4.1.1.88.22": "SR (Enhanced Structured Report)",
  "1.2.840.10008.5.1.4.1.1.88.33": "SR (Comprehensive Structured Report)",
  "1.2.840.10008.5.1.4.1.1.88.34": "SR (Comprehensive 3D Structured Report)",
  "1.2.840.10008.5.1.4.1.1.481.2": "RTDOSE",
  "1.2.840.10008.5.1.4.1.1.481.5": "RTPLAN",
  "1.2.840.10008.5.1.4.1.1.104.1": "Encapsulated PDF",
  "1.2.840.10008.5.1.4.1.1.66": "Raw Data",
  "1.2.840.10008.5.1.4.1.1.11.1": "Presentation State",
};

const NON_IMAGE_MODALITIES: Record<string, string> = {
  RTSTRUCT: "RTSTRUCT (RT Structure Set)",
  SEG: "SEG (Segmentation)",
  SR: "SR (Structured Report)",
  RTPLAN: "RTPLAN",
  PR: "Presentation State",
  KO: "Key Object Selection",
  DOC: "Encapsulated document",
};

/** "RTSTRUCT (RT Structure Set)" etc. for objects that are not images; undefined for images. */
export function nonImageKind(ds: Dataset): string | undefined {
  const cls = str(ds.SOPClassUID);
  if (NON_IMAGE_CLASSES[cls]) return NON_IMAGE_CLASSES[cls];
  const mod = str(ds.Modality);
  if (NON_IMAGE_MODALITIES[mod]) return NON_IMAGE_MODALITIES[mod];
  return undefined;
}
