/**
 * One batch job: read an image/mask pair and extract features. Runs in the main thread or in a worker.
 * Errors are returned as data (never thrown) so that one bad case never stops a cohort.
 */
import { createHash } from "node:crypto";
import { isRadiogenomicsError } from "../errors.js";
import type { ExtractionParams } from "../extract/params.js";
import { type LabelResult, extractFeatures } from "../extract/pipeline.js";
import { readImage } from "../io/read.js";

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

const nodeSha1 = (b: Uint8Array) => createHash("sha1").update(b).digest("hex");

export function extractCase(job: CaseJob): CaseOutcome {
  const t0 = performance.now();
  try {
    const image = readImage(job.image);
    const mask = readImage(job.mask);
    const results = extractFeatures(image, mask, job.params, {
      label: job.label,
      hasher: nodeSha1,
      imageName: job.image,
      maskName: job.mask,
      extraDiagnostics: { diagnostics_Versions_Node: process.version },
    });
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
