/**
 * One batch job: read an image/mask pair and extract features (and, with an `embed:` section, deep
 * features from the user's ONNX model). Runs in the main thread or in a worker. Errors are returned as
 * data (never thrown) so that one bad case never stops a cohort.
 */
import { embedCase } from "../deep/node.js";
import { isRadiogenomicsError, printableMessage } from "../errors.js";
import type { ExtractionParams } from "../extract/params.js";
import { type LabelResult, extractFeatures } from "../extract/pipeline.js";
import type { Vec3, Volume } from "../image/volume.js";
import { readImageAndMask } from "../io/pair.js";
import { nodeSha1 } from "../util/nodeHash.js";

export interface CaseJob {
  caseId: string;
  image: string;
  mask: string;
  label?: number | number[] | "all";
  /** RTSTRUCT ROI name(s) when the mask is an RTSTRUCT. */
  roi?: string;
  /** Seed point (LPS mm) for deep-feature patches placed at a seed (manifest coordX/coordY/coordZ). */
  seed?: Vec3;
  params: ExtractionParams;
}

export type CaseOutcome =
  | { caseId: string; status: "ok"; results: LabelResult[]; ms: number }
  | { caseId: string; status: "error"; error: string; kind: "user" | "internal"; ms: number };

function extractVolumes(
  image: Volume,
  mask: Volume,
  imagePath: string,
  maskPath: string,
  params: ExtractionParams,
  label?: number | number[] | "all",
): LabelResult[] {
  return extractFeatures(image, mask, params, {
    label,
    hasher: nodeSha1,
    imageName: imagePath,
    maskName: maskPath,
    extraDiagnostics: { diagnostics_Versions_Node: process.version },
  });
}

/** Read an image/mask pair and extract features (throws typed errors); the CLI's `extract` uses it too. */
export function extractFiles(
  imagePath: string,
  maskPath: string,
  params: ExtractionParams,
  label?: number | number[] | "all",
  dicom: { roi?: string; series?: string } = {},
): LabelResult[] {
  const { image, mask } = readImageAndMask(imagePath, maskPath, dicom);
  return extractVolumes(image, mask, imagePath, maskPath, params, label);
}

/**
 * extractFiles plus, when the parameters have an `embed:` section, the deep features of each label's
 * patch appended to that label's features (ONNX Runtime loaded on demand, one session per process;
 * imported statically here because tsx resolves dynamic imports of .ts modules only on the main thread).
 */
export async function extractFilesWithEmbed(
  imagePath: string,
  maskPath: string,
  params: ExtractionParams,
  label?: number | number[] | "all",
  seed?: Vec3,
  dicom: { roi?: string; series?: string } = {},
): Promise<LabelResult[]> {
  const { image, mask } = readImageAndMask(imagePath, maskPath, dicom);
  const results = extractVolumes(image, mask, imagePath, maskPath, params, label);
  if (!params.embed) return results;
  for (const r of results) {
    const e = await embedCase(image, mask, params.embed, { label: r.label, seed, maskName: maskPath });
    Object.assign(r.features, e.features);
    Object.assign(r.diagnostics, e.diagnostics);
  }
  return results;
}

export async function extractCase(job: CaseJob): Promise<CaseOutcome> {
  const t0 = performance.now();
  try {
    const dicom = job.roi !== undefined ? { roi: job.roi } : {};
    const results = job.params.embed
      ? await extractFilesWithEmbed(job.image, job.mask, job.params, job.label, job.seed, dicom)
      : extractFiles(job.image, job.mask, job.params, job.label, dicom);
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
export default function worker(job: CaseJob): Promise<CaseOutcome> {
  return extractCase(job);
}
