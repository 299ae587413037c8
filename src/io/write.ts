/**
 * Node edge of the image writers: picks the format by file extension and writes the file.
 * .nii / .nii.gz (NIfTI-1), .nrrd (attached, gzip), .nhdr (+ .raw.gz next to it), .mha (zlib),
 * .mhd (+ .zraw next to it).
 */

import { encodeMgh } from "./mgh.js";
import { writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { FileAccessError, InputError } from "../errors.js";
import type { Volume } from "../image/volume.js";
import { encodeMetaImage, encodeMetaImageParts } from "./metaimage.js";
import { encodeNifti } from "./nifti.js";
import { encodeNrrd, encodeNrrdParts } from "./nrrd.js";

export interface WriteImageOptions {
  /** Compress the voxel data (default true; for .nii only when the name ends in .gz). */
  compress?: boolean;
}

/** node:zlib's gzip (level 6, as ITK/zlib's default). */
function nodeGzip(bytes: Uint8Array): Uint8Array {
  const b = gzipSync(bytes, { level: 6 });
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The files (path -> bytes) that writing `vol` to `path` produces. */
export function encodeImageFiles(
  path: string,
  vol: Volume,
  opts: WriteImageOptions = {},
): Map<string, Uint8Array> {
  const p = path.toLowerCase();
  const files = new Map<string, Uint8Array>();
  const compress = opts.compress ?? true;
  if (p.endsWith(".nii.gz")) files.set(path, encodeNifti(vol, { gzip: true, compressor: nodeGzip }));
  else if (p.endsWith(".mgz")) files.set(path, nodeGzip(encodeMgh(vol)));
  else if (p.endsWith(".mgh")) files.set(path, encodeMgh(vol));
  else if (p.endsWith(".nii")) files.set(path, encodeNifti(vol, { gzip: false }));
  else if (p.endsWith(".nrrd")) files.set(path, encodeNrrd(vol, { gzip: compress, compressor: nodeGzip }));
  else if (p.endsWith(".nhdr")) {
    const dataName = `${basename(path).replace(/\.nhdr$/i, "")}${compress ? ".raw.gz" : ".raw"}`;
    const { header, data } = encodeNrrdParts(vol, {
      gzip: compress,
      dataFile: dataName,
      compressor: nodeGzip,
    });
    files.set(path, header);
    files.set(join(dirname(path), dataName), data);
  } else if (p.endsWith(".mha")) files.set(path, encodeMetaImage(vol, { compress }));
  else if (p.endsWith(".mhd")) {
    const dataName = `${basename(path).replace(/\.mhd$/i, "")}${compress ? ".zraw" : ".raw"}`;
    const { header, data } = encodeMetaImageParts(vol, { compress, dataFile: dataName });
    files.set(path, header);
    files.set(join(dirname(path), dataName), data);
  } else {
    throw new InputError(
      `cannot tell the image format from the file name (use .nii, .nii.gz, .nrrd, .nhdr, .mha or .mhd)`,
      path,
    );
  }
  return files;
}

/** Writes `vol` to `path` in the format its extension names. */
export function writeImage(path: string, vol: Volume, opts: WriteImageOptions = {}): void {
  for (const [p, bytes] of encodeImageFiles(path, vol, opts)) {
    try {
      writeFileSync(p, bytes);
    } catch (e) {
      throw new FileAccessError(
        `cannot write file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        p,
      );
    }
  }
}

/** Asynchronous writeImage. */
export async function writeImageAsync(
  path: string,
  vol: Volume,
  opts: WriteImageOptions = {},
): Promise<void> {
  for (const [p, bytes] of encodeImageFiles(path, vol, opts)) {
    try {
      await writeFile(p, bytes);
    } catch (e) {
      throw new FileAccessError(
        `cannot write file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        p,
      );
    }
  }
}
