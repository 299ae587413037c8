/**
 * Batch manifests: a CSV/TSV with one row per case. Columns (case-insensitive): an id column
 * (`case_id`, `id`, `ID`, `patient`, `subject`; else the first column), `Image`, `Mask`, and optionally
 * `Label` (a number or "all"), and `ROI` (RTSTRUCT ROI name(s) when the mask is an RTSTRUCT). This is
 * PyRadiomics' batch format (Image, Mask, Label) with an id added.
 * Relative paths are resolved against the manifest's directory. For deep features placed at a seed point,
 * `coordX`, `coordY`, `coordZ` give it in LPS millimetres (FMCIB's manifest convention).
 */
import { InputError } from "../errors.js";
import type { Table } from "../stats/tables/table.js";
import type { BatchCase } from "./run.js";

const ID_NAMES = ["case_id", "caseid", "id", "patient", "patient_id", "subject", "subject_id"];

function findColumn(table: Table, wanted: string[]): string | undefined {
  const lower = new Map(table.names.map((n) => [n.toLowerCase(), n]));
  for (const w of wanted) {
    const hit = lower.get(w);
    if (hit) return hit;
  }
  return undefined;
}

export function manifestCases(
  table: Table,
  resolvePath: (p: string) => string,
  idColumn?: string,
): BatchCase[] {
  const imageCol = findColumn(table, ["image", "image_path", "imagepath"]);
  const maskCol = findColumn(table, ["mask", "mask_path", "maskpath", "label_path", "segmentation"]);
  if (!imageCol || !maskCol) {
    throw new InputError(
      `a manifest needs "Image" and "Mask" columns (found: ${table.names.join(", ")})`,
      table.source,
    );
  }
  const idCol =
    idColumn ?? findColumn(table, ID_NAMES) ?? table.names.find((n) => n !== imageCol && n !== maskCol);
  if (idColumn && !table.has(idColumn))
    throw new InputError(`id column "${idColumn}" not found`, table.source);
  const labelCol = findColumn(table, ["label"]);
  const roiCol = findColumn(table, ["roi", "roi_name", "roiname", "structure"]);
  const rois = roiCol ? table.text(roiCol) : undefined;
  const coordCols = ["coordx", "coordy", "coordz"].map((c) => findColumn(table, [c]));
  if (coordCols.some((c) => c) && !coordCols.every((c) => c))
    throw new InputError(
      "a seed point needs all three columns coordX, coordY, coordZ (LPS mm)",
      table.source,
    );
  const coords = coordCols.every((c) => c) ? coordCols.map((c) => table.text(c!)) : undefined;
  const images = table.text(imageCol);
  const masks = table.text(maskCol);
  const ids = idCol ? table.text(idCol) : undefined;
  const labels = labelCol ? table.text(labelCol) : undefined;
  const cases: BatchCase[] = [];
  for (let i = 0; i < table.nRows; i++) {
    const row = i + 2; // 1-based, after the header line
    const image = images[i];
    const mask = masks[i];
    if (!image || !mask) throw new InputError(`row ${row}: missing Image or Mask path`, table.source);
    const caseId = ids?.[i] ?? `case${i + 1}`;
    let label: BatchCase["label"];
    const l = labels?.[i];
    if (l !== null && l !== undefined && l !== "") {
      if (l === "all") label = "all";
      else {
        const n = Number(l);
        if (!Number.isInteger(n) || n <= 0)
          throw new InputError(
            `row ${row}: Label must be a positive integer or "all", got "${l}"`,
            table.source,
          );
        label = n;
      }
    }
    const roi = rois?.[i];
    let seed: BatchCase["seed"];
    if (coords) {
      const xyz = coords.map((col) => col[i]);
      if (xyz.some((v) => v !== null && v !== undefined && v !== "")) {
        const nums = xyz.map((v) => Number(v));
        if (
          xyz.some((v) => v === null || v === undefined || v === "") ||
          nums.some((v) => !Number.isFinite(v))
        )
          throw new InputError(
            `row ${row}: coordX/coordY/coordZ must be three numbers (LPS mm), got "${xyz.join('", "')}"`,
            table.source,
          );
        seed = nums as [number, number, number];
      }
    }
    cases.push({
      caseId,
      image: resolvePath(image),
      mask: resolvePath(mask),
      label,
      ...(roi ? { roi } : {}),
      ...(seed ? { seed } : {}),
    });
  }
  return cases;
}
