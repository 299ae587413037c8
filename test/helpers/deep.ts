/** Small generated cases and weights for the deep-feature tests. */
import { Volume } from "../../src/image/volume.js";
import { Random } from "../../src/stats/random.js";

export function testWeights(k: number, seed = 7): { weights: Float32Array; bias: Float32Array } {
  const rng = new Random(seed);
  const weights = new Float32Array(k * 27);
  for (let i = 0; i < weights.length; i++) weights[i] = Math.fround(rng.next() - 0.5);
  const bias = new Float32Array(k);
  for (let i = 0; i < k; i++) bias[i] = Math.fround((i - k / 2) * 0.05);
  return { weights, bias };
}

/** A CT-like image (HU) with a bright lesion, and its mask. */
export function testCase(): { image: Volume; mask: Volume } {
  const size: [number, number, number] = [40, 36, 20];
  const n = size[0] * size[1] * size[2];
  const img = new Int16Array(n);
  const msk = new Uint8Array(n);
  const rng = new Random(3);
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++) {
        const o = i + size[0] * (j + size[1] * k);
        const r2 = (i - 22) ** 2 + (j - 15) ** 2 + ((k - 9) * 2) ** 2;
        img[o] = Math.round(-800 + 40 * i + 10 * j - 5 * k + (r2 < 49 ? 900 : 0) + 30 * rng.next());
        if (r2 < 49) msk[o] = 1;
      }
  const geom = {
    size,
    spacing: [0.8, 0.75, 2] as [number, number, number],
    origin: [-20, 10, 30] as [number, number, number],
  };
  return { image: new Volume(img, geom), mask: new Volume(msk, geom) };
}
