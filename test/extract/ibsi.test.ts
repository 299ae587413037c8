import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EmptyRoiError, InputError } from "../../src/errors.js";
import {
  IBSI_CONFIGS,
  type IbsiConfig,
  type IbsiProcessed,
  ibsiAggregations,
  ibsiDiagnosticsOf,
  ibsiFeatures,
  ibsiFeaturesOf,
  ibsiProcess,
} from "../../src/extract/ibsi.js";
import { ibsiInterpolateImage, ibsiInterpolateMask } from "../../src/image/interpolate.js";
import { type Vec3, Volume } from "../../src/image/volume.js";
import { readImage } from "../../src/io/read.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";
import {
  CT_PHANTOM_IMAGE,
  DIGITAL_PHANTOM_IMAGE,
  compareRefs,
  ctPhantom,
  ibsiDiagnosticReferences,
  ibsiReferences,
  rng,
} from "../helpers/ibsi.js";

/** The CT phantom processed under a configuration, once per configuration and test file. */
const processed = new Map<string, IbsiProcessed>();
function ct(name: "config_A" | "config_B"): IbsiProcessed {
  let p = processed.get(name);
  if (!p) {
    const { image, mask } = ctPhantom();
    p = ibsiProcess(image, mask, IBSI_CONFIGS[name]);
    processed.set(name, p);
  }
  return p;
}

describe("IBSI mode: digital phantom", () => {
  test("every reference value (all 11 families, every aggregation)", {
    skip: skipUnlessData(...DIGITAL_PHANTOM_IMAGE),
  }, () => {
    const image = readImage(dataPath(...DIGITAL_PHANTOM_IMAGE)!);
    const mask = readImage(dataPath("ibsi", "digital_phantom", "mask.nii.gz")!);
    const got = ibsiFeatures(image, mask, IBSI_CONFIGS.digital_phantom);
    const refs = ibsiReferences("digital_phantom");
    assert.equal(refs.length, 482);
    compareRefs("IBSI mode, digital phantom", refs, got);
  });
});

for (const name of ["config_A", "config_B"] as const) {
  describe(`IBSI mode: CT phantom ${name}`, () => {
    const skip = skipUnlessData(...CT_PHANTOM_IMAGE);

    test("processing diagnostics (every stage, compliance-spreadsheet tags)", { skip }, () => {
      const refs = ibsiDiagnosticReferences(name);
      assert.equal(refs.length, 60);
      compareRefs(`IBSI mode, ${name} diagnostics`, refs, ibsiDiagnosticsOf(ct(name)));
    });

    test("every reference value", { skip }, () => {
      const got = ibsiFeaturesOf(ct(name));
      const refs = ibsiReferences(name);
      assert.equal(refs.length, 346);
      compareRefs(`IBSI mode, ${name}`, refs, got);
    });
  });
}

// --- the pipeline on synthetic images (no reference data needed) ------------------------------------

/** A 24 x 22 x 10 CT-like image (integer HU with noise and a bone rim) and an ellipsoid ROI. */
function synthetic(): { image: Volume<Float32Array>; mask: Volume<Uint8Array> } {
  const r = rng(17);
  const size: Vec3 = [24, 22, 10];
  const n = size[0] * size[1] * size[2];
  const img = new Float32Array(n);
  const msk = new Uint8Array(n);
  let p = 0;
  for (let k = 0; k < size[2]; k++) {
    for (let j = 0; j < size[1]; j++) {
      for (let i = 0; i < size[0]; i++, p++) {
        const d = ((i - 11.5) / 8) ** 2 + ((j - 10.5) / 7) ** 2 + ((k - 4.5) / 3.6) ** 2;
        img[p] =
          d < 1
            ? Math.round(40 + 60 * r() - 30 * d)
            : d < 1.3
              ? 700 + Math.round(300 * r())
              : -800 - Math.round(150 * r());
        msk[p] = d < 1.25 ? 1 : 0;
      }
    }
  }
  // a few air voxels inside the ROI
  for (let q = 0; q < 6; q++) img[11 + size[0] * (10 + size[1] * (2 + q))] = -900;
  const geom = { size, spacing: [0.977, 0.977, 3] as Vec3, origin: [-12, 30, 7] as Vec3 };
  return { image: new Volume(img, geom), mask: new Volume(msk, geom) };
}

describe("IBSI mode: processing chain on a synthetic image", () => {
  test("config C: trilinear 2 mm grid, rounding, ROI threshold 0.5, range [-1000, 400]", () => {
    const { image, mask } = synthetic();
    const p = ibsiProcess(image, mask, IBSI_CONFIGS.config_C);
    const x = ibsiInterpolateImage(image.withData(Float64Array.from(image.data)), [2, 2, 2], {
      method: "linear",
      round: true,
    });
    const m = ibsiInterpolateMask(mask, [2, 2, 2]);
    assert.deepEqual(p.image.size, [12, 11, 15]);
    assert.deepEqual([...p.image.data], [...x.data]);
    assert.deepEqual([...p.morphMask.data], [...m.data]);
    for (let v = 0; v < m.count; v++) {
      const want = m.data[v] && x.data[v]! >= -1000 && x.data[v]! <= 400 ? 1 : 0;
      assert.equal(p.intensityMask.data[v], want);
    }
    assert.deepEqual(p.resegmentation, [-1000, 400]);
  });

  test("config D: outlier filtering at mean +- 3 SD of the morphological-mask intensities", () => {
    const { image, mask } = synthetic();
    const p = ibsiProcess(image, mask, IBSI_CONFIGS.config_D);
    const xs: number[] = [];
    for (let v = 0; v < p.morphMask.count; v++) if (p.morphMask.data[v]) xs.push(p.image.data[v]!);
    const mean = xs.reduce((s, y) => s + y, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, y) => s + (y - mean) ** 2, 0) / xs.length);
    let removed = 0;
    for (let v = 0; v < p.morphMask.count; v++) {
      const inside = p.morphMask.data[v] === 1 && Math.abs(p.image.data[v]! - mean) <= 3 * sd;
      assert.equal(p.intensityMask.data[v], inside ? 1 : 0);
      if (p.morphMask.data[v] && !inside) removed++;
    }
    assert.ok(removed > 0, "the air voxels are outliers");
    assert.ok(Math.abs(p.resegmentation![0] - (mean - 3 * sd)) < 1e-9);
  });

  test("config E: tricubic image interpolation, trilinear ROI; range and outlier bounds intersect", () => {
    const { image, mask } = synthetic();
    const p = ibsiProcess(image, mask, IBSI_CONFIGS.config_E);
    const x = ibsiInterpolateImage(image.withData(Float64Array.from(image.data)), [2, 2, 2], {
      method: "cubic",
      round: true,
    });
    assert.deepEqual([...p.image.data], [...x.data]);
    const [lo, hi] = p.resegmentation!;
    assert.ok(lo >= -1000 && hi <= 400);
  });

  test("3D configurations give the 3D aggregations only, 2D ones the 2D and 2.5D; every family is present", () => {
    const { image, mask } = synthetic();
    for (const [name, config] of Object.entries(IBSI_CONFIGS) as [string, IbsiConfig][]) {
      if (name === "digital_phantom") continue;
      const f = ibsiFeatures(image, mask, config);
      const keys = Object.keys(f);
      const agg = ibsiAggregations(config.approach);
      for (const a of agg.matrix) {
        assert.equal(
          keys.filter((k) => k.startsWith("cm_") && k.endsWith(`_${a}`)).length,
          25,
          `${name} cm ${a}`,
        );
        assert.equal(
          keys.filter((k) => k.startsWith("rlm_") && k.endsWith(`_${a}`)).length,
          16,
          `${name} rlm ${a}`,
        );
      }
      for (const a of agg.zone) {
        for (const [fam, nf] of [
          ["szm_", 16],
          ["dzm_", 16],
          ["ngt_", 5],
          ["ngl_", 17],
        ] as const) {
          assert.equal(
            keys.filter((k) => k.startsWith(fam) && k.endsWith(`_${a}`)).length,
            nf,
            `${name} ${fam} ${a}`,
          );
        }
      }
      const n3 = keys.filter((k) => /_3D(_avg|_comb)?$/.test(k)).length;
      const n2 = keys.filter((k) => /_(2D|2_5D)(_avg|_comb)?$/.test(k)).length;
      assert.ok(config.approach === "3D" ? n2 === 0 && n3 > 0 : n3 === 0 && n2 > 0, name);
      for (const fam of ["morph_", "loc_", "stat_", "ih_", "ivh_"]) {
        assert.ok(
          keys.some((k) => k.startsWith(fam)),
          `${name}: no ${fam} feature`,
        );
      }
      for (const k of keys) {
        assert.ok(typeof f[k] === "number" && !Number.isNaN(f[k]), `${name} ${k} = ${f[k]}`);
      }
    }
  });

  test("FBS counts from the re-segmentation lower bound, FBN over the ROI range", () => {
    const { image, mask } = synthetic();
    const pc = ibsiProcess(image, mask, IBSI_CONFIGS.config_C);
    const ih = ibsiFeaturesOf(pc, { families: ["ih", "stat"] });
    // FBS 25 from -1000: mean level = mean(floor((x + 1000) / 25) + 1) over the intensity mask
    let s = 0;
    let c = 0;
    for (let v = 0; v < pc.intensityMask.count; v++) {
      if (!pc.intensityMask.data[v]) continue;
      s += Math.floor((pc.image.data[v]! + 1000) / 25) + 1;
      c++;
    }
    assert.ok(Math.abs(ih.ih_mean! - s / c) < 1e-12);
    const pb = ibsiProcess(image, mask, IBSI_CONFIGS.config_E);
    const fb = ibsiFeaturesOf(pb, { families: ["ih"] });
    assert.equal(fb.ih_min, 1);
    assert.equal(fb.ih_max, 32);
  });

  test("options: label, families", () => {
    const { image, mask } = synthetic();
    const relabelled = mask.withData(Uint8Array.from(mask.data, (v) => (v ? 4 : 0)));
    const a = ibsiFeatures(image, mask, IBSI_CONFIGS.config_B, { families: ["stat", "ngt"] });
    const b = ibsiFeatures(image, relabelled, IBSI_CONFIGS.config_B, { families: ["stat", "ngt"], label: 4 });
    assert.deepEqual(a, b);
    assert.ok(Object.keys(a).every((k) => k.startsWith("stat_") || k.startsWith("ngt_")));
  });

  test("errors", () => {
    const { image, mask } = synthetic();
    assert.throws(() => ibsiFeatures(image, mask, IBSI_CONFIGS.config_A, { label: 2 }), EmptyRoiError);
    assert.throws(
      () => ibsiFeatures(image, mask, { ...IBSI_CONFIGS.config_A, resegmentRange: [2000, 3000] }),
      EmptyRoiError,
    );
    assert.throws(
      () => ibsiFeatures(image, mask, { ...IBSI_CONFIGS.config_A, resegmentRange: [400, -500] }),
      InputError,
    );
    assert.throws(
      () =>
        ibsiFeatures(image, mask, {
          ...IBSI_CONFIGS.config_A,
          discretisation: { method: "fbn", binCount: 0 },
        }),
      InputError,
    );
    assert.throws(
      () => ibsiFeatures(image, mask, IBSI_CONFIGS.config_A, { families: ["glcm" as never] }),
      InputError,
    );
    // discretisation "none" needs grey levels 1, 2, ...
    assert.throws(
      () => ibsiFeatures(image, mask, IBSI_CONFIGS.digital_phantom, { families: ["ih"] }),
      InputError,
    );
    const other = new Volume(new Uint8Array(mask.count), { size: mask.size, spacing: [1, 1, 1] });
    assert.throws(() => ibsiFeatures(image, other, IBSI_CONFIGS.config_A));
  });
});
