/**
 * Deep-feature benchmark (`npm run bench -- embed`): time per case for the generated test model (Conv3d
 * 8 channels on a 50^3 FMCIB-shaped patch + pooling), split into patch preparation and inference, with
 * the ONNX Runtime session created once (as each batch worker does). With RADIOGENOMICS_ONNX=path (and
 * optionally RADIOGENOMICS_ONNX_PRESET=fmcib|ct-fm) a real FMCIB / CT-FM export is timed the same way.
 * There is no anchor to run here (the reference implementations are PyTorch notebooks): absolute times.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { preparePatch } from "../src/deep/embed.js";
import { embedCase, loadModel } from "../src/deep/node.js";
import { resolveEmbedSettings } from "../src/deep/settings.js";
import { testCase, testWeights } from "../test/helpers/deep.js";
import { convPoolModel } from "../test/helpers/onnx.js";

async function timeModel(label: string, modelPath: string, preset: string): Promise<void> {
  const { image, mask } = testCase();
  const settings = resolveEmbedSettings({ preset, model: modelPath });
  const t0 = performance.now();
  await loadModel(modelPath, settings);
  const tSession = performance.now() - t0;
  await embedCase(image, mask, settings); // warm-up
  const runs = 10;
  let tPatch = 0;
  const t1 = performance.now();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    preparePatch(image, mask, settings);
    tPatch += performance.now() - t;
    await embedCase(image, mask, settings);
  }
  const perCase = (performance.now() - t1 - tPatch) / runs;
  console.log(
    `  ${label}: session ${tSession.toFixed(0)} ms once; per case ${perCase.toFixed(1)} ms (patch ${settings.patchSize.join("x")} ${(tPatch / runs).toFixed(1)} ms of it)`,
  );
}

export async function benchEmbed(): Promise<void> {
  console.log("embed: deep features per case (ONNX Runtime CPU, 1 thread, session reused)");
  const dir = mkdtempSync(join(tmpdir(), "rg-bench-embed-"));
  const { weights, bias } = testWeights(8, 5);
  const path = join(dir, "conv8.onnx");
  writeFileSync(path, convPoolModel({ size: [50, 50, 50], weights, bias }));
  await timeModel("generated Conv3d(8, 3^3) + pooling, 50^3", path, "fmcib");
  const real = process.env.RADIOGENOMICS_ONNX;
  if (real) await timeModel(`user model ${real}`, real, process.env.RADIOGENOMICS_ONNX_PRESET ?? "fmcib");
  else console.log("  (set RADIOGENOMICS_ONNX=model.onnx to time a real FMCIB / CT-FM export too)");
}
