/**
 * One batch job: read an image/mask pair and extract features. Runs in the main thread or in a worker.
 * Errors are returned as data (never thrown) so that one bad case never stops a cohort.
 */
import { isRadiogenomicsError } from "../errors.js";
import type { ExtractionParams } from "../extract/params.js";
import { type LabelResult, extractFeatures } from "../extract/pipeline.js";
import { readImageAndMask } from "../io/pair.js";
import { nodeSha1 } from "../util/nodeHash.js";

export interface CaseJob {
  caseId: string;
  image: string;
  mask: string;
  label?: number | number[] | "all";
  /** RTSTRUCT ROI name(s) when the mask is an RTSTRUCT. */
  roi?: string;
  params: ExtractionParams;
}

export type CaseOutcome =
  | { caseId: string; status: "ok"; results: LabelResult[]; ms: number }
  | { caseId: string; status: "error"; error: string; kind: "user" | "internal"; ms: number };

/** Read an image/mask pair and extract features (throws typed errors); the CLI's `extract` uses it too. */
export function extractFiles(
  imagePath: string,
  maskPath: string,
  params: ExtractionParams,
  label?: number | number[] | "all",
  dicom: { roi?: string; series?: string } = {},
): LabelResult[] {
  const { image, mask } = readImageAndMask(imagePath, maskPath, dicom);
  return extractFeatures(image, mask, params, {
    label,
    hasher: nodeSha1,
    imageName: imagePath,
    maskName: maskPath,
    extraDiagnostics: { diagnostics_Versions_Node: process.version },
  });
}

export function extractCase(job: CaseJob): CaseOutcome {
  const t0 = performance.now();
  try {
    const results = extractFiles(job.image, job.mask, job.params, job.label, { roi: job.roi });
    return { caseId: job.caseId, status: "ok", results, ms: performance.now() - t0 };
  } catch (e) {
    const user = isRadiogenomicsError(e) || (e as NodeJS.ErrnoException)?.code === "ENOENT";
    const msg = e instanceof Error ? e.message : String(e);
    return {
      caseId: job.caseId,
      status: "error",
      error: msg.replace(/\s*\n\s*/g, " "),
      kind: user ? "user" : "internal",
      ms: performance.now() - t0,
    };
  }
}

/** piscina entry point. */
export default function worker(job: CaseJob): CaseOutcome {
  return extractCase(job);
}
