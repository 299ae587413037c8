/**
 * Format detection and the format-independent entry point of the parsers, browser-safe: bytes in,
 * Volume out. Detached data files come through `loadDataFile`; gzip/zlib default to fflate (the Node
 * edge, read.ts, passes node:zlib).
 */

import { FormatError } from "../errors.js";
import type { Volume } from "../image/volume.js";
import { type Gunzipper, type Unzlibber, countNonFinite, isGzip } from "./common.js";
import { isMetaImageHeader, parseMetaImage } from "./metaimage.js";
import { isMgh, parseMgh } from "./mgh.js";
import { isNifti, parseNifti } from "./nifti.js";
import { isNrrd, parseNrrd } from "./nrrd.js";

export type ImageFormat = "nifti" | "nrrd" | "metaimage" | "mgh";

export interface ReadImageOptions {
  /** Accept NaN/Inf voxels (default false: a FormatError says how many there are). */
  allowNonFinite?: boolean;
  /** Force a format instead of detecting it. */
  format?: ImageFormat;
  /**
   * Absolute cap on one image's voxel data and file bytes (default DEFAULT_MAX_IMAGE_BYTES, 4 GiB;
   * CLI --max-image-size). Compressed data are inflated only up to the size the header states.
   */
  maxBytes?: number;
  /**
   * Let a detached header (.nhdr `data file`, .mhd `ElementDataFile`) name a data file outside its own
   * folder or by absolute path (default false; CLI --allow-external-data).
   */
  allowExternalData?: boolean;
}

/** Format from the file name alone, or undefined. */
export function formatFromName(path: string): ImageFormat | undefined {
  const p = path.toLowerCase();
  if (p.endsWith(".nii") || p.endsWith(".nii.gz") || p.endsWith(".hdr") || p.endsWith(".hdr.gz"))
    return "nifti";
  if (p.endsWith(".nrrd") || p.endsWith(".nhdr")) return "nrrd";
  if (p.endsWith(".mha") || p.endsWith(".mhd")) return "metaimage";
  if (p.endsWith(".mgz") || p.endsWith(".mgh")) return "mgh";
  return undefined;
}

/**
 * Format from the content (magic bytes; a gzip stream is looked into), falling back to the name.
 * Throws FormatError when neither identifies a supported format.
 */
export function detectFormat(bytes: Uint8Array, path = ""): ImageFormat {
  if (isNrrd(bytes)) return "nrrd";
  if (isNifti(bytes)) return "nifti";
  if (isMetaImageHeader(bytes)) return "metaimage";
  if (isMgh(bytes)) return "mgh";
  if (isGzip(bytes)) {
    // a whole-file gzip stream is .nii.gz or .mgz (NRRD and MetaImage compress only their data)
    const byName = formatFromName(path);
    if (byName === "mgh") return "mgh";
    if (byName === undefined || byName === "nifti") return "nifti";
  }
  const byName = formatFromName(path);
  if (byName) {
    throw new FormatError(
      `content does not match its ${byName} extension (wrong magic bytes: ${hexHead(bytes)})`,
      path,
    );
  }
  throw new FormatError(
    `unknown image format (not NIfTI, NRRD, MetaImage or MGH/MGZ; first bytes ${hexHead(bytes)})`,
    path,
  );
}

function hexHead(bytes: Uint8Array): string {
  return (
    Array.from(bytes.subarray(0, 8))
      .map((b) => b.toString(16).padStart(2, "0"))
      .join(" ") || "empty file"
  );
}

/** Parses image bytes already in memory (format by content, then name). */
export function parseImage(
  bytes: Uint8Array,
  path: string,
  opts: ReadImageOptions & {
    loadDataFile?: (name: string) => Uint8Array;
    gunzip?: Gunzipper;
    unzlib?: Unzlibber;
  } = {},
): Volume {
  const format = opts.format ?? detectFormat(bytes, path);
  const common = {
    source: path,
    loadDataFile: opts.loadDataFile,
    gunzip: opts.gunzip,
    unzlib: opts.unzlib,
    maxBytes: opts.maxBytes,
  };
  let vol: Volume;
  switch (format) {
    case "nifti":
      vol = parseNifti(bytes, common);
      break;
    case "nrrd":
      vol = parseNrrd(bytes, common);
      break;
    case "metaimage":
      vol = parseMetaImage(bytes, common);
      break;
    case "mgh":
      vol = parseMgh(bytes, { source: path, gunzip: opts.gunzip });
      break;
  }
  return checkFinite(vol, path, opts);
}

export function checkFinite(vol: Volume, path: string, opts: ReadImageOptions): Volume {
  if (!opts.allowNonFinite) {
    const bad = countNonFinite(vol);
    if (bad > 0) {
      throw new FormatError(
        `${bad} of ${vol.data.length} voxels are NaN or Inf (an image must hold finite intensities; \`info\` and \`convert\` read such files)`,
        path,
      );
    }
  }
  return vol;
}
