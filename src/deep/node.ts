/**
 * Node edge of the deep-feature extractor: reads the user's .onnx file, opens it once per process (so once
 * per batch worker) in onnxruntime-node, loaded on demand only by the commands that embed.
 */
import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { FileAccessError } from "../errors.js";
import type { Vec3, Volume } from "../image/volume.js";
import { type EmbedResult, type EmbeddingModel, type OrtModule, embedVolume, openModel } from "./embed.js";
import { type PcaModel, parsePcaModel } from "./pca.js";
import type { EmbedSettings } from "./settings.js";

const sessions = new Map<string, Promise<EmbeddingModel>>();

function readModelFile(path: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new FileAccessError("the ONNX model is not a regular file", path);
    size = st.size;
  } catch (e) {
    if (e instanceof FileAccessError) throw e;
    throw new FileAccessError(
      "ONNX model file not found (give the path of your .onnx export; no model is bundled or downloaded)",
      path,
    );
  }
  if (size === 0) throw new FileAccessError("the ONNX model file is empty", path);
  return new Uint8Array(readFileSync(path));
}

/** The model at `path`, opened once per process and input/output choice. */
export function loadModel(
  path: string,
  settings: Pick<EmbedSettings, "inputName" | "outputName">,
): Promise<EmbeddingModel> {
  const key = `${path}\u0000${settings.inputName ?? ""}\u0000${settings.outputName ?? ""}`;
  let m = sessions.get(key);
  if (!m) {
    m = (async () => {
      const bytes = readModelFile(path);
      const ort = (await import("onnxruntime-node")) as unknown as OrtModule;
      return openModel(ort, bytes, {
        inputName: settings.inputName,
        outputName: settings.outputName,
        source: path,
        sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: "all" },
      });
    })();
    sessions.set(key, m);
    m.catch(() => sessions.delete(key));
  }
  return m;
}

const pcas = new Map<string, PcaModel>();

export function loadPca(path: string): PcaModel {
  let m = pcas.get(path);
  if (!m) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      throw new FileAccessError("cannot read the PCA model file", path);
    }
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      throw new FileAccessError("the PCA model file is not JSON", path);
    }
    m = parsePcaModel(obj, path);
    pcas.set(path, m);
  }
  return m;
}

/** One case's deep features with the model named by the settings. */
export async function embedCase(
  image: Volume,
  mask: Volume | null,
  settings: EmbedSettings,
  opts: { label?: number; seed?: Vec3; maskName?: string } = {},
): Promise<EmbedResult> {
  if (!settings.model)
    throw new FileAccessError('no ONNX model given (--model FILE, or "model:" in the embed section)');
  const model = await loadModel(settings.model, settings);
  const pca = settings.pca ? loadPca(settings.pca) : null;
  return embedVolume(model, image, mask, settings, { ...opts, pca, modelName: basename(settings.model) });
}
