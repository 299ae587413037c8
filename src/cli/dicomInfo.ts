/** `info` on DICOM input: the series in a folder, the ROIs of an RTSTRUCT; the image itself via describeImage. */
import { statSync } from "node:fs";
import { dicomObjectKind, listDicomPath, readDicomDetailed, readRtStruct } from "../io/dicom-node.js";
import { describeImage, formatInfo } from "./info.js";
import { formatJson } from "./util.js";

const r = (v: number) => +v.toPrecision(7);

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Text (or JSON) for the DICOM arguments, or undefined when none is DICOM (the caller handles them). */
export function dicomInfo(
  files: string[],
  opts: { json?: boolean; series?: string; mask?: boolean },
): string | undefined {
  const kinds = files.map((f) => (isDir(f) ? "dir" : dicomObjectKind(f)));
  if (kinds.every((k) => k === undefined)) return undefined;
  const out: unknown[] = [];
  const text: string[] = [];
  files.forEach((f, i) => {
    const k = kinds[i];
    if (k === "rtstruct") {
      const rt = readRtStruct(f);
      out.push({
        file: f,
        kind: "RTSTRUCT",
        frameOfReferenceUid: rt.frameOfReferenceUid,
        referencedSeries: rt.referencedSeriesUids,
        rois: rt.rois.map((x) => ({ number: x.number, name: x.name, contours: x.contours.length })),
      });
      text.push(
        [
          `${f}`,
          "  RTSTRUCT (RT Structure Set)",
          `  frame of reference  ${rt.frameOfReferenceUid}`,
          `  referenced series   ${rt.referencedSeriesUids.join(", ") || "(none)"}`,
          "  ROIs       number  name  (contours)",
          ...rt.rois.map(
            (x) => `             ${String(x.number).padStart(6)}  ${x.name}  (${x.contours.length})`,
          ),
        ].join("\n"),
      );
      return;
    }
    if (k === "dir" || k === "image" || k === "other" || k === "seg") {
      const list = listDicomPath(f);
      const lines = [
        `${f}`,
        "  series  modality  description  files  frames  size  spacing (mm)  phases  SeriesInstanceUID",
      ];
      for (const s of list)
        lines.push(
          `  ${(s.seriesNumber || "-").padStart(6)}  ${s.modality.padEnd(8)}  ${s.description || "-"}  ${s.files}  ${s.nonImage ? `[${s.nonImage}]` : `${s.frames}  ${s.size.join("x")}  ${s.spacing ? s.spacing.map(r).join(" x ") : "?"}  ${s.phases}`}  ${s.seriesInstanceUid}${(s as { problem?: string }).problem ? `  PROBLEM: ${(s as { problem?: string }).problem}` : ""}`,
        );
      const images = list.filter((s) => !s.nonImage);
      const entry: Record<string, unknown> = { file: f, series: list };
      if (
        opts.series !== undefined ||
        (images.length === 1 && images[0]!.phases === 1 && !(images[0] as { problem?: string }).problem)
      ) {
        const d = readDicomDetailed(f, opts.series !== undefined ? { seriesInstanceUid: opts.series } : {});
        const info = describeImage(f, d.volume, opts.mask);
        entry.image = info;
        lines.push("", formatInfo(info), ...d.notes.map((n) => `  note: ${n}`));
      }
      out.push(entry);
      text.push(lines.join("\n"));
      return;
    }
    throw new Error(`unreachable kind ${String(k)}`);
  });
  if (opts.json) return formatJson(out.length === 1 ? out[0] : out);
  return text.join("\n\n");
}
