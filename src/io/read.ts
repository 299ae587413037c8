/**
 * Node edge of the image readers: reads a file, picks the format by content (magic bytes) and name, and
 * hands the bytes to the browser-safe parsers. Detached data files (.nhdr, .mhd, .hdr/.img) are loaded
 * relative to the header.
 */

import { readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { inflateSync as zlibInflateSync, gunzipSync as zlibGunzipSync } from "node:zlib";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { FileAccessError } from "../errors.js";
import type { Volume } from "../image/volume.js";
import {
  type ImageFormat,
  type ReadImageOptions,
  checkFinite,
  detectFormat,
  formatFromName,
  parseImage,
} from "./parse.js";
import { isDicom } from "./dicom/dataset.js";
import { readDicomSeries } from "./dicom-node.js";

export { readDicomSeries };

function readBytes(path: string): Uint8Array {
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new FileAccessError(describeFsError(e), path);
  }
}

function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "ENOENT") return "file not found";
  if (err.code === "EISDIR") return "is a directory, not an image file";
  if (err.code === "EACCES") return "permission denied";
  return `cannot read file (${err.code ?? err.message})`;
}

function loaderFor(headerPath: string): (name: string) => Uint8Array {
  const dir = dirname(headerPath);
  return (name: string) => {
    const p = isAbsolute(name) ? name : resolve(dir, name);
    try {
      const b = readFileSync(p);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      // two-file NIfTI may be stored as .img.gz
      if (/\.img$/i.test(p)) {
        try {
          const b = readFileSync(`${p}.gz`);
          return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
        } catch {
          /* report the original name */
        }
      }
      throw new FileAccessError(`data file named in the header: ${describeFsError(e)}`, p);
    }
  };
}

/** node:zlib's gunzip (native speed, checks CRC and length, handles multi-member streams). */
export function nodeGunzip(bytes: Uint8Array): Uint8Array {
  // The gzip trailer holds the uncompressed size (mod 2^32): one output chunk of that size avoids
  // node:zlib collecting and concatenating 16 KiB chunks (a full extra copy of the volume).
  const n = bytes.length;
  const isize =
    n >= 18
      ? (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0
      : 0;
  const chunkSize = isize >= 64 * 1024 && isize < 1 << 30 ? isize + 1 : 64 * 1024;
  const b = zlibGunzipSync(bytes, { chunkSize });
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** node:zlib's zlib inflate (checks the Adler-32 trailer). */
export function nodeUnzlib(bytes: Uint8Array): Uint8Array {
  const b = zlibInflateSync(bytes);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Reads a NIfTI (.nii, .nii.gz, .hdr/.img), NRRD (.nrrd, .nhdr) or MetaImage (.mha, .mhd) image, or a
 * directory holding one DICOM series.
 */
export function readImage(path: string, opts: ReadImageOptions = {}): Volume {
  if (isDirectory(path)) return checkFinite(readDicomSeries(path), path, opts);
  const bytes = readBytes(path);
  if (isDicom(bytes)) return checkFinite(readDicomSeries(path), path, opts);
  return parseImage(bytes, path, {
    ...opts,
    loadDataFile: loaderFor(path),
    gunzip: nodeGunzip,
    unzlib: nodeUnzlib,
  });
}

/** Asynchronous readImage (the file is read without blocking; parsing is synchronous). */
export async function readImageAsync(path: string, opts: ReadImageOptions = {}): Promise<Volume> {
  if (isDirectory(path)) return checkFinite(readDicomSeries(path), path, opts);
  let bytes: Uint8Array;
  try {
    const b = await readFile(path);
    bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new FileAccessError(describeFsError(e), path);
  }
  if (isDicom(bytes)) return checkFinite(readDicomSeries(path), path, opts);
  return parseImage(bytes, path, {
    ...opts,
    loadDataFile: loaderFor(path),
    gunzip: nodeGunzip,
    unzlib: nodeUnzlib,
  });
}

export { type ImageFormat, type ReadImageOptions, detectFormat, formatFromName, parseImage };
