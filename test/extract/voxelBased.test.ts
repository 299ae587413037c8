import assert from "node:assert/strict";
import { test } from "node:test";
import { computeFamily } from "../../src/extract/families.js";
import { resolveParams } from "../../src/extract/params.js";
import { voxelBasedFeatures } from "../../src/extract/voxelBased.js";
import { discretisePyRadiomics } from "../../src/image/discretise.js";
import { Volume } from "../../src/image/volume.js";

// Synthetic image with a ROI that touches the image border (kernel clipping) and has holes.
const size: [number, number, number] = [12, 11, 8];
const n = size[0] * size[1] * size[2];
let seed = 7;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const img = new Float64Array(n);
const msk = new Uint8Array(n);
for (let k = 0, p = 0; k < size[2]; k++)
  for (let j = 0; j < size[1]; j++)
    for (let i = 0; i < size[0]; i++, p++) {
      img[p] = Math.floor(rnd() * 200) + i * 3;
      if (i < 9 && j > 1 && k < 6 && rnd() > 0.15) msk[p] = 1;
      if (rnd() > 0.97) msk[p] = 2;
    }
const geometry = {
  size,
  spacing: [0.8, 0.9, 1.5] as [number, number, number],
  origin: [3, -2, 1] as [number, number, number],
};
const image = new Volume(img, geometry);
const mask = new Volume(msk, geometry);
const r = 1;
const params = resolveParams({ setting: { binWidth: 20 }, voxelSetting: { kernelRadius: r, initValue: -7 } });

/** Independent reference: the ROI restricted to the clipped box, cropped, levels from the whole ROI. */
function reference(p: number): Record<string, number> {
  const { levels, nLevels } = discretisePyRadiomics(
    img,
    msk.map((v) => (v === 1 ? 1 : 0)),
    { binWidth: 20 },
  );
  const present = [...new Set([...levels].filter((l) => l > 0))].sort((a, b) => a - b);
  const c = [p % size[0], Math.floor(p / size[0]) % size[1], Math.floor(p / (size[0] * size[1]))];
  const lo = c.map((v) => Math.max(0, v - r));
  const hi = c.map((v, d) => Math.min(size[d]! - 1, v + r));
  const ext = [0, 1, 2].map((d) => hi[d]! - lo[d]! + 1) as [number, number, number];
  const m = ext[0] * ext[1] * ext[2];
  const ints = new Float64Array(m);
  const mk = new Uint8Array(m);
  const lv = new Int32Array(m);
  let q = 0;
  for (let k = lo[2]!; k <= hi[2]!; k++)
    for (let j = lo[1]!; j <= hi[1]!; j++)
      for (let i = lo[0]!; i <= hi[0]!; i++, q++) {
        const t = i + size[0] * (j + size[1] * k);
        ints[q] = img[t]!;
        if (msk[t] === 1) {
          mk[q] = 1;
          lv[q] = levels[t]!;
        }
      }
  const out: Record<string, number> = {};
  for (const cls of ["firstorder", "glcm", "glrlm", "glszm", "gldm", "ngtdm"] as const) {
    let v: Record<string, number> = {};
    try {
      v = computeFamily(
        cls,
        {
          size: ext,
          spacing: geometry.spacing,
          intensities: ints,
          morphMask: mk,
          intensityMask: mk,
          levels: lv,
          nLevels,
          settings: params.settings,
          greyLevels: Int32Array.from(present),
        },
        false,
      );
    } catch {
      v = {};
    }
    for (const [f, x] of Object.entries(v)) out[`original_${cls}_${f}`] = x;
  }
  return out;
}

test("voxel-based maps equal the features of each voxel's kernel sub-ROI (20 random ROI voxels, every class)", () => {
  const { maps, plan } = voxelBasedFeatures(image, mask, params);
  assert.deepEqual(plan.skipped, ["shape"]);
  for (const cls of ["firstorder", "glcm", "glrlm", "glszm", "gldm", "ngtdm"]) {
    assert.ok(
      plan.featureNames.some((f) => f.startsWith(`original_${cls}_`)),
      cls,
    );
  }
  const roiVoxels = [...plan.voxels];
  let checked = 0;
  for (let s = 0; s < 20; s++) {
    const p = roiVoxels[Math.floor(rnd() * roiVoxels.length)]!;
    const ref = reference(p);
    for (const name of plan.featureNames) {
      const got = maps.get(name)!.data[p]!;
      const want = name in ref ? ref[name]! : -7;
      if (Number.isNaN(want)) assert.ok(Number.isNaN(got), `${name} at ${p}`);
      else
        assert.ok(
          Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)),
          `${name} at ${p}: ${got} vs ${want}`,
        );
      checked++;
    }
  }
  assert.ok(checked >= 20 * 80);
});

test("voxel-based maps have the image geometry and initValue outside the ROI", () => {
  const { maps } = voxelBasedFeatures(image, mask, params);
  for (const v of maps.values()) {
    assert.deepEqual(v.size, image.size);
    assert.deepEqual(v.spacing, image.spacing);
    assert.deepEqual(v.origin, image.origin);
    assert.deepEqual(v.direction, image.direction);
    for (let p = 0; p < n; p++) if (msk[p] !== 1) assert.equal(v.data[p], -7);
  }
});

test("kernelRadius 0 is refused with one clear line", () => {
  assert.throws(
    () => voxelBasedFeatures(image, mask, { voxelSetting: { kernelRadius: 0 } }),
    /voxelSetting\.kernelRadius.*> 0|kernelRadius must be/,
  );
});
