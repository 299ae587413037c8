/**
 * Node edge: an image and its mask, where the mask may be a DICOM RTSTRUCT (rasterised onto the image
 * series, `roi` chooses the ROIs) and the image a DICOM folder or file (`series` chooses the series).
 */
import { InputError } from "../errors.js";
import type { Volume } from "../image/volume.js";
import { dicomObjectKind, readDicomDetailed, readRtStructMask } from "./dicom-node.js";
import { type ReadImageOptions, readImage } from "./read.js";
import { statSync } from "node:fs";

export interface PairOptions extends ReadImageOptions {
  /** RTSTRUCT ROI(s): name or number, comma-separated, or "all". */
  roi?: string;
  /** DICOM series of the image (SeriesInstanceUID or SeriesNumber). */
  series?: string;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Reads an image (DICOM folder/file allowed, with --series) the way readImage does. */
export function readImageSelecting(
  path: string,
  opts: PairOptions = {},
): { volume: Volume; notes: string[] } {
  if (opts.series !== undefined || isDir(path) || dicomObjectKind(path) !== undefined) {
    const r = readDicomDetailed(path, opts.series !== undefined ? { seriesInstanceUid: opts.series } : {});
    return { volume: r.volume, notes: r.notes };
  }
  return { volume: readImage(path, opts), notes: [] };
}

export function readImageAndMask(
  imagePath: string,
  maskPath: string,
  opts: PairOptions = {},
): { image: Volume; mask: Volume; notes: string[] } {
  const kind = dicomObjectKind(maskPath);
  if (kind === "rtstruct") {
    const r = readRtStructMask(maskPath, imagePath, { roi: opts.roi, series: opts.series });
    return { image: r.image, mask: r.mask, notes: r.notes };
  }
  if (opts.roi !== undefined && kind !== "seg")
    throw new InputError("--roi applies to an RTSTRUCT or SEG mask only", maskPath);
  const image = readImageSelecting(imagePath, opts);
  const mask = readImageSelecting(maskPath, { ...opts, series: undefined });
  return { image: image.volume, mask: mask.volume, notes: [...image.notes, ...mask.notes] };
}
