/**
 * Deep imaging features: a patch is cut from the image as a model's preprocessing recipe says (spacing,
 * size, placement, orientation, intensity window), fed to an ONNX model, and its output vector becomes
 * feature columns `deep_<preset>_<k>` (k from 0, in the output tensor's order), beside the radiomic
 * features of the same case.
 *
 * Browser-safe: the ONNX Runtime module (onnxruntime-node in Node, onnxruntime-web in a page) is passed in
 * by the caller; this file only uses its InferenceSession / Tensor API.
 */
import type { InferenceSession, Tensor } from "onnxruntime-common";
import { InputError } from "../errors.js";
import {
  type PatchSpec,
  axisDirections,
  maskCentroid,
  patchVoxelWorld,
  samplePatch,
} from "../image/patch.js";
import { type Mat3, type Vec3, Volume } from "../image/volume.js";
import { type ModelSignature, type ValueInfo, formatShape, readModelSignature } from "./onnxModel.js";
import { type PcaModel, applyPca } from "./pca.js";
import type { EmbedSettings } from "./settings.js";

/** The part of an ONNX Runtime module used here (onnxruntime-node and onnxruntime-web both provide it). */
export interface OrtModule {
  InferenceSession: {
    create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => Tensor;
}

export interface EmbeddingModel {
  signature: ModelSignature;
  input: ValueInfo;
  output: ValueInfo;
  /** Runs the model on one float32 tensor and returns its output, flattened. */
  run(data: Float32Array, dims: readonly number[]): Promise<Float32Array>;
}

/** Opens an ONNX model (bytes) in the given runtime; the input/output used are checked to be float32 tensors. */
export async function openModel(
  ort: OrtModule,
  bytes: Uint8Array,
  opts: {
    inputName?: string | null;
    outputName?: string | null;
    source?: string;
    sessionOptions?: InferenceSession.SessionOptions;
  } = {},
): Promise<EmbeddingModel> {
  const signature = readModelSignature(bytes, opts.source);
  const pick = (list: ValueInfo[], name: string | null | undefined, what: string): ValueInfo => {
    if (!name) return list[0]!;
    const hit = list.find((v) => v.name === name);
    if (!hit)
      throw new InputError(
        `the model has no ${what} named "${name}" (${what}s: ${list.map((v) => v.name).join(", ")})`,
        opts.source,
      );
    return hit;
  };
  const input = pick(signature.inputs, opts.inputName, "input");
  const output = pick(signature.outputs, opts.outputName, "output");
  if (input.elemType !== 1)
    throw new InputError(
      `model input "${input.name}" is not float32 (ONNX element type ${input.elemType})`,
      opts.source,
    );
  const session = await ort.InferenceSession.create(bytes, opts.sessionOptions);
  return {
    signature,
    input,
    output,
    async run(data, dims) {
      const feeds: Record<string, Tensor> = { [input.name]: new ort.Tensor("float32", data, dims) };
      const result = await session.run(feeds, [output.name]);
      const t = result[output.name];
      if (!t) throw new InputError(`the model produced no output "${output.name}"`, opts.source);
      const d = t.data;
      if (!(d instanceof Float32Array) && !(d instanceof Float64Array))
        throw new InputError(
          `model output "${output.name}" is not a floating-point tensor (${t.type})`,
          opts.source,
        );
      return d instanceof Float32Array ? d : Float32Array.from(d);
    },
  };
}

/**
 * Checks the model's declared input against the recipe: 5-D [batch, channel, d0, d1, d2], one channel,
 * and every fixed spatial size equal to the patch size. Throws naming both shapes.
 */
export function checkModelInput(
  model: Pick<EmbeddingModel, "input">,
  settings: EmbedSettings,
  source?: string,
): void {
  const shape = model.input.shape;
  const want = [1, 1, ...settings.patchSize];
  const recipe = `the ${settings.preset} preset's patch ${formatShape(want)}`;
  if (!shape) return; // the model declares no shape: ONNX Runtime checks at run time
  if (shape.length !== 5)
    throw new InputError(
      `model input "${model.input.name}" has shape ${formatShape(shape)} (${shape.length}-D); an embedding model takes a 5-D tensor [batch, channel, d0, d1, d2] like ${recipe}`,
      source,
    );
  for (let a = 0; a < 5; a++) {
    const d = shape[a];
    if (typeof d === "number" && d > 0 && d !== want[a])
      throw new InputError(
        `model input "${model.input.name}" has shape ${formatShape(shape)}, which does not match ${recipe} (axis ${a}: ${d} vs ${want[a]})`,
        source,
      );
  }
}

export interface PatchOptions {
  /** Label of the ROI whose centroid centres the patch (placement "centroid"). */
  label?: number;
  /** Seed point (LPS mm), required for placement "seed". */
  seed?: Vec3;
  maskName?: string;
}

/** The sampling grid of a recipe around `center`. */
function patchSpec(settings: EmbedSettings, center: Vec3, padValue: number): PatchSpec {
  return {
    center,
    size: settings.patchSize,
    spacing: settings.spacing,
    axes: settings.axes,
    interpolation: settings.interpolator,
    padValue,
  };
}

export interface PreparedPatch {
  data: Float32Array;
  dims: [number, number, number, number, number];
  center: Vec3;
}

/** Maps input intensities through the recipe's window (and clip); patch voxels outside the image get the pad value. */
export function preparePatch(
  image: Volume,
  mask: Volume | null,
  settings: EmbedSettings,
  opts: PatchOptions = {},
): PreparedPatch {
  let center: Vec3;
  if (settings.placement === "seed") {
    if (!opts.seed)
      throw new InputError(
        'placement "seed" needs a seed point per case (--seed x,y,z, or coordX/coordY/coordZ manifest columns, LPS mm)',
      );
    center = opts.seed;
  } else {
    if (opts.seed) center = opts.seed;
    else {
      if (!mask) throw new InputError('placement "centroid" needs a mask');
      center = maskCentroid(mask, opts.label ?? 1, opts.maskName);
    }
  }
  const raw = samplePatch(image, patchSpec(settings, center, Number.NaN));
  const [w0, w1] = settings.window;
  const [r0, r1] = settings.range;
  const scale = (r1 - r0) / (w1 - w0);
  const map = (x: number) => {
    const y = r0 + (x - w0) * scale;
    return settings.clip ? Math.min(r1, Math.max(r0, y)) : y;
  };
  const outsideValue = settings.padStage === "output" ? settings.padValue : map(settings.padValue);
  for (let i = 0; i < raw.length; i++) {
    const x = raw[i]!;
    raw[i] = Number.isNaN(x) ? outsideValue : map(x);
  }
  const [n0, n1, n2] = settings.patchSize;
  return { data: raw, dims: [1, 1, n0, n1, n2], center };
}

export interface EmbedResult {
  features: Record<string, number>;
  /** Centre of the patch (LPS mm). */
  center: Vec3;
  diagnostics: Record<string, string | number>;
}

/** One case's embedding (or, with a PCA model, its principal-component scores) as named columns. */
export async function embedVolume(
  model: EmbeddingModel,
  image: Volume,
  mask: Volume | null,
  settings: EmbedSettings,
  opts: PatchOptions & { pca?: PcaModel | null; modelName?: string } = {},
): Promise<EmbedResult> {
  checkModelInput(model, settings, opts.modelName);
  const patch = preparePatch(image, mask, settings, opts);
  const out = await model.run(patch.data, patch.dims);
  for (let i = 0; i < out.length; i++)
    if (!Number.isFinite(out[i]!))
      throw new InputError(`the model returned a non-finite value at output index ${i}`, opts.modelName);
  const features: Record<string, number> = {};
  if (opts.pca) {
    const scores = applyPca(opts.pca, Float64Array.from(out), opts.modelName);
    for (let k = 0; k < scores.length; k++) features[`${settings.prefix}pc${k + 1}`] = scores[k]!;
  } else {
    for (let k = 0; k < out.length; k++) features[`${settings.prefix}${k}`] = out[k]!;
  }
  const p = (v: readonly number[]) => `(${v.map((x) => Number(x.toFixed(6))).join(", ")})`;
  return {
    features,
    center: patch.center,
    diagnostics: {
      diagnostics_Embed_Preset: settings.preset,
      diagnostics_Embed_Model: opts.modelName ?? "",
      diagnostics_Embed_Input: `${model.input.name} ${formatShape(model.input.shape)}`,
      diagnostics_Embed_Placement: opts.seed ? "seed" : settings.placement,
      diagnostics_Embed_PatchCenterLPS: p(patch.center),
      diagnostics_Embed_PatchSize: p(settings.patchSize),
      diagnostics_Embed_PatchSpacing: p(settings.spacing),
      diagnostics_Embed_Axes: settings.axes,
      diagnostics_Embed_Window: `${p(settings.window)} -> ${p(settings.range)}${settings.clip ? " clipped" : ""}`,
      diagnostics_Embed_Dimensions: out.length,
    },
  };
}

/**
 * The patch as an image in world space (input intensities, before the window), for checking where a model
 * looked: volume axis x = tensor axis 2 (fastest), y = axis 1, z = axis 0.
 */
export function patchVolume(image: Volume, settings: EmbedSettings, center: Vec3): Volume<Float32Array> {
  const spec = patchSpec(settings, center, settings.padStage === "input" ? settings.padValue : 0);

  const data = samplePatch(image, spec);
  const [d0, d1, d2] = axisDirections(settings.axes);
  const direction: Mat3 = [d2[0], d1[0], d0[0], d2[1], d1[1], d0[1], d2[2], d1[2], d0[2]];
  return new Volume(data, {
    size: [settings.patchSize[2], settings.patchSize[1], settings.patchSize[0]],
    spacing: [settings.spacing[2], settings.spacing[1], settings.spacing[0]],
    origin: patchVoxelWorld(spec, [0, 0, 0]),
    direction,
  });
}
