/**
 * Page script of the browser embedding test: the library's browser entry + onnxruntime-web (loaded by the
 * page from the locally served package files) embed a generated case with the generated model.
 */
import { embedVolume, openModel, type OrtModule, resolveEmbedSettings } from "../../src/browser.js";
import { testCase } from "../helpers/deep.js";

declare global {
  interface Window {
    runEmbedding(
      ort: OrtModule,
      model: Uint8Array,
      raw: Record<string, unknown>,
    ): Promise<Record<string, number>>;
  }
}

window.runEmbedding = async (ort, model, raw) => {
  const { image, mask } = testCase();
  const settings = resolveEmbedSettings(raw);
  const m = await openModel(ort, model, { source: "model.onnx" });
  const r = await embedVolume(m, image, mask, settings, { modelName: "model.onnx" });
  return r.features;
};
