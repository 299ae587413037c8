/**
 * One batch job: read an image/mask pair and extract features. Runs in the main thread or in a worker.
 * Errors are returned as data (never thrown) so that one bad case never stops a cohort.
 */
import { isRadiogenomicsError, printableMessage } from "../errors.js";
import type { ExtractionParams } from "../extract/params.js";
import { type LabelResult, extractFeatures } from "../extract/pipeline.js";
import { readImage } from "../io/read.js";
import { nodeSha1 } from "../util/nodeHash.js";

export interface CaseJob {
  caseId: string;
  image: string;
  mask: string;
  label?: number | number[] | "all";
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
): LabelResult[] {
  const image = readImage(imagePath);
  const mask = readImage(maskPath);
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
    const results = extractFiles(job.image, job.mask, job.params, job.label);
    return { caseId: job.caseId, status: "ok", results, ms: performance.now() - t0 };
  } catch (e) {
    const user = isRadiogenomicsError(e) || (e as NodeJS.ErrnoException)?.code === "ENOENT";
    const msg = e instanceof Error ? e.message : String(e);
    return {
      caseId: job.caseId,
      status: "error",
      error: printableMessage(msg),
      kind: user ? "user" : "internal",
      ms: performance.now() - t0,
    };
  }
}

/** piscina entry point. */
export default function worker(job: CaseJob): CaseOutcome {
  return extractCase(job);
}
