/**
 * Voxel-based maps on brain1's ROI, kernelRadius 2, all default classes (shape skipped), single thread.
 * Prints wall and CPU time and the ratio to issue #16's 5 s target. Run: node --import tsx bench/voxelBased.ts
 */
import { join } from "node:path";
import { voxelBasedFeatures } from "../src/extract/voxelBased.js";
import { readImage } from "../src/io/read.js";

const dir = process.env.RADIOGENOMICS_DATA
  ? join(process.env.RADIOGENOMICS_DATA, "pyradiomics")
  : "../shared/data/pyradiomics";
const image = readImage(join(dir, "brain1_image.nrrd"));
const mask = readImage(join(dir, "brain1_label.nrrd"));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const { plan } = voxelBasedFeatures(image, mask, { voxelSetting: { kernelRadius: 2 } });
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
console.log(
  `voxel-based brain1 r=2: ${plan.voxels.length} voxels x ${plan.featureNames.length} features: wall ${wall.toFixed(2)} s, CPU ${cpuS.toFixed(2)} s; target 5 s -> ratio ${(5 / wall).toFixed(2)}x`,
);
