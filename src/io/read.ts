/**
 * Node edge of the image readers: reads a file, picks the format by content (magic bytes) and name, and
 * hands the bytes to the browser-safe parsers. Detached data files (.nhdr, .mhd, .hdr/.img) are loaded
 * relative to the header.
 */

import { constants as bufferConstants } from "node:buffer";
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { inflateSync as zlibInflateSync, gunzipSync as zlibGunzipSync } from "node:zlib";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { FileAccessError, FormatError, TooLargeError } from "../errors.js";
import { DEFAULT_MAX_IMAGE_BYTES, formatBytes } from "./common.js";
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

/**
 * Reads a whole file after checking it is a regular file (never a device or FIFO: /dev/zero would never
 * end) no larger than `maxBytes`.
 */
function readBytes(path: string, maxBytes = DEFAULT_MAX_IMAGE_BYTES, what = "image file"): Uint8Array {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch (e) {
    throw new FileAccessError(describeFsError(e), path);
  }
  if (st.isDirectory()) throw new FileAccessError("is a directory, not an image file", path);
  if (!st.isFile()) throw new FileAccessError(`${what} is not a regular file (device, FIFO or socket)`, path);
  if (st.size > maxBytes)
    throw new TooLargeError(
      `${what} is ${formatBytes(st.size)}, more than the limit of ${formatBytes(maxBytes)} (raise it with --max-image-size)`,
      path,
    );
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

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * Loader of the data file a detached header names. The name is resolved next to the header; an absolute
 * name, or one whose real path (symbolic links followed) leaves the header's folder, is refused unless
 * `allowExternalData`. The data file must be a regular file within `maxBytes`; the parsers then check
 * its size against the header.
 */
export function dataFileLoader(
  headerPath: string,
  opts: { maxBytes?: number; allowExternalData?: boolean } = {},
): (name: string) => Uint8Array {
  const dir = dirname(resolve(headerPath));
  return (name: string) => {
    const p = isAbsolute(name) ? name : resolve(dir, name);
    if (!opts.allowExternalData) {
      if (isAbsolute(name))
        throw new FormatError(
          `the header names the data file "${name}" by absolute path; data files must sit in the header's folder (pass --allow-external-data to allow it)`,
          headerPath,
        );
      const realDir = realOrSelf(dir);
      let target = p;
      if (!existsSync(p) && /\.img$/i.test(p) && existsSync(`${p}.gz`)) target = `${p}.gz`;
      const rel = relative(realDir, realOrSelf(target));
      if (rel === "" || rel.startsWith("..") || isAbsolute(rel))
        throw new FormatError(
          `the header's data file "${name}" resolves outside the header's folder; data files must sit in the header's folder (pass --allow-external-data to allow it)`,
          headerPath,
        );
    }
    // two-file NIfTI may be stored as .img.gz
    const target = !existsSync(p) && /\.img$/i.test(p) && existsSync(`${p}.gz`) ? `${p}.gz` : p;
    try {
      return readBytes(target, opts.maxBytes, "data file named in the header");
    } catch (e) {
      if (e instanceof FileAccessError && !existsSync(target))
        throw new FileAccessError("data file named in the header: file not found", target);
      throw e;
    }
  };
}

/** node:zlib's gunzip (native speed, checks CRC and length, handles multi-member streams), bounded. */
export function nodeGunzip(bytes: Uint8Array, maxOut = DEFAULT_MAX_IMAGE_BYTES): Uint8Array {
  // The gzip trailer holds the uncompressed size (mod 2^32): one output chunk of that size avoids
  // node:zlib collecting and concatenating 16 KiB chunks (a full extra copy of the volume). The trailer
  // is not trusted past the bound, so a forged one cannot make us allocate more.
  const n = bytes.length;
  const isize =
    n >= 18
      ? (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0
      : 0;
  const limit = Math.min(maxOut, bufferConstants.MAX_LENGTH);
  const chunkSize = isize >= 64 * 1024 && isize < 1 << 30 && isize <= limit ? isize + 1 : 64 * 1024;
  const b = zlibGunzipSync(bytes, { chunkSize, maxOutputLength: limit });
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** node:zlib's zlib inflate (checks the Adler-32 trailer), bounded. */
export function nodeUnzlib(bytes: Uint8Array, maxOut = DEFAULT_MAX_IMAGE_BYTES): Uint8Array {
  const b = zlibInflateSync(bytes, { maxOutputLength: Math.min(maxOut, bufferConstants.MAX_LENGTH) });
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
  const bytes = readBytes(path, opts.maxBytes);
  if (isDicom(bytes)) return checkFinite(readDicomSeries(path), path, opts);
  return parseImage(bytes, path, {
    ...opts,
    loadDataFile: dataFileLoader(path, opts),
    gunzip: nodeGunzip,
    unzlib: nodeUnzlib,
  });
}

/** Asynchronous readImage (the file is read without blocking; parsing is synchronous). */
export async function readImageAsync(path: string, opts: ReadImageOptions = {}): Promise<Volume> {
  if (isDirectory(path)) return checkFinite(readDicomSeries(path), path, opts);
  let bytes: Uint8Array;
  const st = await stat(path).catch((e: unknown) => {
    throw new FileAccessError(describeFsError(e), path);
  });
  if (!st.isFile() || st.size > (opts.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES))
    bytes = readBytes(path, opts.maxBytes);
  else {
    try {
      const b = await readFile(path);
      bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      throw new FileAccessError(describeFsError(e), path);
    }
  }
  if (isDicom(bytes)) return checkFinite(readDicomSeries(path), path, opts);
  return parseImage(bytes, path, {
    ...opts,
    loadDataFile: dataFileLoader(path, opts),
    gunzip: nodeGunzip,
    unzlib: nodeUnzlib,
  });
}

export { type ImageFormat, type ReadImageOptions, detectFormat, formatFromName, parseImage };
