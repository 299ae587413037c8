/** `radiogenomics info FILE...`: geometry, datatype, intensity range; labels and voxel counts for masks. */
import type { Command } from "commander";
import { labelCounts } from "../image/geometry.js";
import { type Volume, isIntegerType } from "../image/volume.js";
import { readImage } from "../io/read.js";
import { dicomInfo } from "./dicomInfo.js";
import { action, formatJson, writeOutput } from "./util.js";

export interface ImageInfo {
  file: string;
  dataType: string;
  size: number[];
  spacing: number[];
  origin: number[];
  direction: number[];
  voxels: number;
  min: number;
  max: number;
  mean: number;
  nonFinite: number;
  /** Present for label images (integer type with few distinct values) or when --mask is given. */
  labels?: Array<{ label: number; voxels: number; volumeMm3: number }>;
}

const MAX_LABELS = 64;

export function describeImage(file: string, vol: Volume, forceMask = false): ImageInfo {
  const d = vol.data;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let finite = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!Number.isFinite(v)) continue;
    finite++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const info: ImageInfo = {
    file,
    dataType: vol.dataType,
    size: [...vol.size],
    spacing: [...vol.spacing],
    origin: [...vol.origin],
    direction: [...vol.direction],
    voxels: d.length,
    min,
    max,
    mean: finite > 0 ? sum / finite : Number.NaN,
    nonFinite: d.length - finite,
  };
  if (forceMask || (isIntegerType(vol.dataType) && min >= 0)) {
    const counts = labelCounts(vol);
    if (forceMask || counts.size <= MAX_LABELS) {
      const vv = vol.spacing[0] * vol.spacing[1] * vol.spacing[2];
      info.labels = [...counts.entries()].map(([label, voxels]) => ({
        label,
        voxels,
        volumeMm3: voxels * vv,
      }));
    }
  }
  return info;
}

const r = (v: number) => +v.toPrecision(7);

export function formatInfo(i: ImageInfo): string {
  const dir = i.direction;
  const lines = [
    `${i.file}`,
    `  datatype   ${i.dataType}`,
    `  size       ${i.size.join(" x ")}  (${i.voxels} voxels)`,
    `  spacing    ${i.spacing.map(r).join(" x ")} mm`,
    `  origin     (${i.origin.map(r).join(", ")}) mm, LPS`,
    `  direction  (${dir.slice(0, 3).map(r).join(", ")}) (${dir.slice(3, 6).map(r).join(", ")}) (${dir.slice(6, 9).map(r).join(", ")})`,
    `  intensity  min ${r(i.min)}  max ${r(i.max)}  mean ${r(i.mean)}${i.nonFinite ? `  (${i.nonFinite} NaN/Inf voxels)` : ""}`,
  ];
  if (i.labels) {
    if (i.labels.length === 0) lines.push("  labels     none (all voxels are 0)");
    else {
      lines.push("  labels     label  voxels  volume (mm^3)");
      for (const l of i.labels)
        lines.push(
          `             ${String(l.label).padStart(5)}  ${String(l.voxels).padStart(6)}  ${r(l.volumeMm3)}`,
        );
    }
  }
  return lines.join("\n");
}

export function register(program: Command): void {
  program
    .command("info")
    .description("show geometry, datatype and intensity range of images; labels and voxel counts of masks")
    .argument("<files...>", "image or mask files (.nii, .nii.gz, .nrrd, .nhdr, .mha, .mhd)")
    .option("--mask", "treat the files as label masks (always list labels)")
    .option("--json", "print JSON")
    .option("--series <uid>", "DICOM: describe this series (SeriesInstanceUID or SeriesNumber)")
    .action(
      action((files: string[], opts: { mask?: boolean; json?: boolean; series?: string }) => {
        const dicom = dicomInfo(files, opts);
        if (dicom !== undefined) return writeOutput("-", dicom);
        const infos = files.map((f) => describeImage(f, readImage(f, { allowNonFinite: true }), opts.mask));
        writeOutput(
          "-",
          opts.json ? formatJson(infos.length === 1 ? infos[0] : infos) : infos.map(formatInfo).join("\n\n"),
        );
      }),
    );
}
