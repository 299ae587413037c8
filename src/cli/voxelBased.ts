/** `extract --voxel-based --out-dir DIR`: voxel-based feature maps, one NIfTI file per feature. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import type { ExtractionParams } from "../extract/params.js";
import { voxelBasedFeatures } from "../extract/voxelBased.js";
import { readImage } from "../io/read.js";
import { writeImage } from "../io/write.js";
import { note } from "./util.js";

export async function runVoxelBased(
  imagePath: string,
  maskPath: string,
  params: ExtractionParams,
  label: number | undefined,
  outDir: string | undefined,
): Promise<void> {
  if (!outDir) throw new InputError("--voxel-based needs --out-dir <dir> for the feature maps");
  const started = performance.now();
  const { maps, plan } = voxelBasedFeatures(readImage(imagePath), readImage(maskPath), params, {
    label,
    maskName: maskPath,
    onProgress: (done, total) => note(`voxel-based: ${done}/${total} voxels`),
  });
  const v = plan.voxel;
  note(
    `voxel-based: kernelRadius ${v.kernelRadius}, maskedKernel ${v.maskedKernel}, initValue ${v.initValue}; ${plan.voxels.length} ROI voxels, ${maps.size} maps` +
      (plan.skipped.length ? `; skipped ${plan.skipped.join(", ")} (not voxel-based, as PyRadiomics)` : ""),
  );
  mkdirSync(outDir, { recursive: true });
  for (const [name, vol] of maps) writeImage(join(outDir, `${name}.nii.gz`), vol);
  note(`wrote ${maps.size} maps to ${outDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
