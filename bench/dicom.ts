/** DICOM benchmark (issue #9): the 60-slice IBSI CT phantom series and its RTSTRUCT vs `info` on the NIfTI. */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadDicomSupport, readRtStruct } from "../src/io/dicom-node.js";
import {
  parseDicomSeries,
  parseRtStruct,
  rasteriseRtStruct,
  seriesReferences,
} from "../src/io/dicom/index.js";
import { readImage } from "../src/io/read.js";
import { dataPath } from "../test/helpers/data.js";

function median(fn: () => void, runs = 7): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[runs >> 1]!;
}

export function benchDicom(): void {
  const dir = dataPath("ibsi", "ct_phantom", "dicom", "image");
  const rtDir = dataPath("ibsi", "ct_phantom", "dicom", "mask");
  const nii = dataPath("ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz");
  if (!dir || !rtDir || !nii) {
    console.log("dicom: shared data missing, skipped");
    return;
  }
  loadDicomSupport();
  const rtPath = join(rtDir, "DCM_RS_00060.dcm");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".dcm"))
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
  readRtStruct(rtPath);
  const tNifti = median(() => readImage(nii));
  const tSeries = median(() => readImage(dir)); // files read from disk + parsed
  const tParse = median(() => parseDicomSeries(files)); // bytes in memory
  const ref = seriesReferences(files);
  const rtBytes = { name: rtPath, bytes: new Uint8Array(readFileSync(rtPath)) };
  const rt = parseRtStruct(rtBytes);
  const tRtParse = median(() => parseRtStruct(rtBytes));
  const tRaster = median(() => rasteriseRtStruct(rt, ref, "GTV-1"));
  const r = (x: number) => (x / tNifti).toFixed(2);
  console.log(`dicom: NIfTI read (info's read) ${tNifti.toFixed(1)} ms (anchor)`);
  console.log(
    `dicom: 60-slice CT series read ${tSeries.toFixed(1)} ms = ${r(tSeries)}x NIfTI (target < 300 ms); parse from memory ${tParse.toFixed(1)} ms`,
  );
  console.log(
    `dicom: RTSTRUCT parse ${tRtParse.toFixed(1)} ms, rasterise GTV-1 ${tRaster.toFixed(1)} ms = ${r(tRaster)}x NIfTI (target < 100 ms)`,
  );
}
