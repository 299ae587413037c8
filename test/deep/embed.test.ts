/**
 * Deep features through real ONNX Runtime (onnxruntime-node): a model built here with known weights
 * (Conv3d 3^3 + bias -> Relu -> GlobalAveragePool -> Flatten) gives the embedding computed by hand on the
 * prepared patch. ONNX Runtime computes in float32, the hand computation in float64: they agree to float32
 * accumulation error (relative 1e-5 on sums of ~10^4 products).
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { checkModelInput, preparePatch } from "../../src/deep/embed.js";
import { embedCase, loadModel } from "../../src/deep/node.js";
import { readModelSignature } from "../../src/deep/onnxModel.js";
import { resolveEmbedSettings } from "../../src/deep/settings.js";
import { testCase, testWeights } from "../helpers/deep.js";
import { convPoolModel, convPoolReference, onnxModel } from "../helpers/onnx.js";

const dir = mkdtempSync(join(tmpdir(), "rg-deep-"));

const K = 4;
const { weights, bias } = testWeights(K);
const size: [number, number, number] = [12, 10, 14];
const modelPath = join(dir, "model.onnx");
writeFileSync(modelPath, convPoolModel({ size, weights, bias }));

test("the ONNX signature reader gives the declared input and output shapes", () => {
  const sig = readModelSignature(convPoolModel({ size, weights, bias }));
  assert.deepEqual(sig.inputs, [{ name: "image", elemType: 1, shape: ["batch", 1, 12, 10, 14] }]);
  assert.deepEqual(sig.outputs, [{ name: "embedding", elemType: 1, shape: ["batch", K] }]);
  assert.throws(() => readModelSignature(new Uint8Array([1, 2, 3])), /ONNX model|not an ONNX model/);
});

test("onnxruntime-node: the generated model gives the hand-computed embedding of the prepared patch", async () => {
  const { image, mask } = testCase();
  const settings = resolveEmbedSettings({
    preset: "fmcib",
    model: modelPath,
    patchSize: size,
    spacing: [1, 1.2, 0.9],
  });
  const res = await embedCase(image, mask, settings);
  const patch = preparePatch(image, mask, settings);
  const want = convPoolReference(patch.data, size, weights, bias);
  const names = Object.keys(res.features);
  assert.deepEqual(names, ["deep_fmcib_0", "deep_fmcib_1", "deep_fmcib_2", "deep_fmcib_3"]);
  for (let c = 0; c < K; c++) {
    const got = res.features[`deep_fmcib_${c}`]!;
    assert.ok(
      Math.abs(got - want[c]!) <= 1e-5 * Math.max(1e-3, Math.abs(want[c]!)),
      `channel ${c}: ${got} vs ${want[c]}`,
    );
  }
  assert.ok(
    want.some((v) => v > 0.01),
    "the test model must not be all-zero after Relu",
  );
  assert.equal(res.diagnostics.diagnostics_Embed_Dimensions, K);
  // one session per process: the same promise for the same model
  assert.equal(loadModel(modelPath, settings), loadModel(modelPath, settings));
});

test("bad models: not 5-D, a static size that does not match the preset, a missing file, not ONNX", async () => {
  const { image, mask } = testCase();
  const flat = onnxModel({
    nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }],
    initializers: [],
    inputs: [{ name: "x", shape: [1, 1, 50, 50] }],
    outputs: [{ name: "y", shape: [1, 1, 50, 50] }],
  });
  const flatPath = join(dir, "flat.onnx");
  writeFileSync(flatPath, flat);
  const fm = resolveEmbedSettings({ preset: "fmcib", model: flatPath });
  await assert.rejects(
    embedCase(image, mask, fm),
    /has shape \[1, 1, 50, 50\] \(4-D\); an embedding model takes a 5-D tensor/,
  );
  const wrongPath = join(dir, "wrong.onnx");
  writeFileSync(wrongPath, convPoolModel({ size: [48, 48, 48], weights, bias }));
  await assert.rejects(
    embedCase(image, mask, resolveEmbedSettings({ preset: "fmcib", model: wrongPath })),
    /shape \[batch, 1, 48, 48, 48\], which does not match the fmcib preset's patch \[1, 1, 50, 50, 50\]/,
  );
  await assert.rejects(
    embedCase(image, mask, resolveEmbedSettings({ preset: "fmcib", model: join(dir, "missing.onnx") })),
    /ONNX model file not found/,
  );
  const junk = join(dir, "junk.onnx");
  writeFileSync(junk, "this is not a model");
  await assert.rejects(
    embedCase(image, mask, resolveEmbedSettings({ preset: "fmcib", model: junk })),
    /ONNX model|not an ONNX model/,
  );
  // a model declaring no shape is left for the runtime to check
  assert.doesNotThrow(() =>
    checkModelInput({ input: { name: "x", elemType: 1 } }, resolveEmbedSettings({ preset: "fmcib" })),
  );
});
