import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  FIRST_ORDER_FEATURES,
  firstOrderFeatures,
  ibsiStatistics,
  percentileSorted,
} from "../../src/features/firstorder.js";
import { discretisePyRadiomics } from "../../src/image/discretise.js";
import { ibsiCompare, ibsiReferences } from "../helpers/ibsi.js";
import { selectLabel } from "../../src/image/geometry.js";
import { readImage } from "../../src/io/read.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";

// ---- reference tables ----------------------------------------------------------------------------

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += c;
    } else if (c === '"') q = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Baseline CSV: column name -> (row name -> cell). */
function readBaseline(file: string): Map<string, Map<string, string>> {
  const lines = readFileSync(dataPath("pyradiomics", "baseline", file)!, "utf8")
    .split("\n")
    .filter(Boolean);
  const head = splitCsvLine(lines[0]!);
  const cols = new Map<string, Map<string, string>>();
  for (let c = 1; c < head.length; c++) cols.set(head[c]!, new Map());
  for (const line of lines.slice(1)) {
    const cells = splitCsvLine(line);
    for (let c = 1; c < head.length; c++) cols.get(head[c]!)!.set(cells[0]!, cells[c]!);
  }
  return cols;
}

/** current/<case>.csv: feature -> value. */
function readCurrent(file: string): Map<string, number> {
  const lines = readFileSync(dataPath("pyradiomics", "current", file)!, "utf8")
    .split("\n")
    .filter(Boolean);
  const out = new Map<string, number>();
  for (const l of lines.slice(1)) {
    const [k, v] = splitCsvLine(l);
    if (k!.startsWith("original_")) out.set(k!, Number(v));
  }
  return out;
}

const relErr = (got: number, want: number) =>
  want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);

/** Compares ours against reference values; prints every miss and returns the max relative error. */
function compareAll(
  label: string,
  ours: Record<string, number>,
  ref: (name: string) => number | undefined,
  names: readonly string[],
  tol: number,
): number {
  let maxErr = 0;
  const misses: string[] = [];
  for (const name of names) {
    const want = ref(name);
    assert.ok(want !== undefined && Number.isFinite(want), `${label}: no reference value for ${name}`);
    const got = ours[name]!;
    const e = relErr(got, want!);
    const limit = want === 0 ? 1e-9 : tol;
    if (!(e <= limit)) misses.push(`${label} ${name}: ours ${got} reference ${want} (rel. diff ${e})`);
    if (e > maxErr) maxErr = e;
  }
  if (misses.length > 0) console.log(misses.join("\n"));
  assert.deepEqual(misses, [], `${label}: ${misses.length} values differ`);
  return maxErr;
}

const TOL = 1e-10;

/** ROI intensities and PyRadiomics levels (fixed bin width) of one label, in linear-index order. */
function roiOf(imageFile: string, maskFile: string, label: number, binWidth: number) {
  const img = readImage(dataPath("pyradiomics", imageFile)!);
  const m = selectLabel(readImage(dataPath("pyradiomics", maskFile)!), label, maskFile);
  const { levels } = discretisePyRadiomics(img.data, m.data, { binWidth });
  const n = m.data.reduce((s, v) => s + v, 0);
  const intensities = new Float64Array(n);
  const lv = new Int32Array(n);
  for (let i = 0, q = 0; i < m.data.length; i++) {
    if (!m.data[i]) continue;
    intensities[q] = img.data[i]!;
    lv[q++] = levels[i]!;
  }
  const [sx, sy, sz] = img.spacing;
  return { intensities, levels: lv, voxelVolume: sx * sy * sz };
}

/** A numeric setting from a baseline `diagnostics_Configuration_Settings` cell (Python dict repr). */
function setting(settings: string, key: string, fallback: number): number {
  const m = new RegExp(`'${key}': ([-0-9.e]+)`).exec(settings);
  return m ? Number(m[1]) : fallback;
}

describe("firstorder vs PyRadiomics", () => {
  test("baseline_firstorder.csv default columns (brain1, breast1)", {
    skip: skipUnlessData("pyradiomics", "baseline", "baseline_firstorder.csv"),
  }, () => {
    const base = readBaseline("baseline_firstorder.csv");
    let maxErr = 0;
    for (const c of ["brain1", "breast1"]) {
      const col = base.get(c)!;
      const settings = col.get("diagnostics_Configuration_Settings")!;
      const binWidth = setting(settings, "binWidth", 25);
      const voxelArrayShift = setting(settings, "voxelArrayShift", 0);
      assert.equal(voxelArrayShift, 2000, "the default baseline column uses voxelArrayShift 2000");
      const roi = roiOf(`${c}_image.nrrd`, `${c}_label.nrrd`, 1, binWidth);
      const ours = firstOrderFeatures({ ...roi, voxelArrayShift });
      maxErr = Math.max(
        maxErr,
        compareAll(
          `baseline ${c}`,
          ours,
          (n) => Number(col.get(`original_firstorder_${n}`)),
          FIRST_ORDER_FEATURES,
          TOL,
        ),
      );
    }
    console.log(`firstorder vs baseline: max relative error ${maxErr.toExponential(2)}`);
  });

  test("current PyRadiomics (brain1, breast1, prostate labels 1/7/8/9; binWidth 25, shift 0)", {
    skip: skipUnlessData("pyradiomics", "current", "prostate_label9_default.csv"),
  }, () => {
    const cases: [string, string, string, number][] = [
      ["brain1_image.nrrd", "brain1_label.nrrd", "brain1_default.csv", 1],
      ["breast1_image.nrrd", "breast1_label.nrrd", "breast1_default.csv", 1],
      ...[1, 7, 8, 9].map(
        (l) =>
          [
            "prostate_phantom_subvolume.nrrd",
            "prostate_phantom_subvolume-label.nrrd",
            `prostate_label${l}_default.csv`,
            l,
          ] as [string, string, string, number],
      ),
    ];
    let maxErr = 0;
    for (const [image, mask, csv, label] of cases) {
      const roi = roiOf(image, mask, label, 25);
      const ours = firstOrderFeatures({ ...roi, voxelArrayShift: 0 });
      const ref = readCurrent(csv);
      maxErr = Math.max(
        maxErr,
        compareAll(csv, ours, (n) => ref.get(`original_firstorder_${n}`), FIRST_ORDER_FEATURES, TOL),
      );
    }
    console.log(`firstorder vs current PyRadiomics: max relative error ${maxErr.toExponential(2)}`);
  });
});

describe("firstorder definitions and edge cases", () => {
  test("numpy linear percentiles (R type 7)", () => {
    const s = Float64Array.of(1, 2, 3, 4);
    assert.ok(
      Math.abs(percentileSorted(s, 10) - 1.3) < 1e-15,
      `Math.abs(percentileSorted(s, 10) - 1.3) < 1e-15`,
    );
    assert.ok(
      Math.abs(percentileSorted(s, 90) - 3.7) < 1e-15,
      `Math.abs(percentileSorted(s, 90) - 3.7) < 1e-15`,
    );
    assert.equal(percentileSorted(s, 50), 2.5);
    assert.equal(percentileSorted(s, 0), 1);
    assert.equal(percentileSorted(s, 100), 4);
    assert.equal(percentileSorted(Float64Array.of(7), 25), 7);
  });

  test("small hand-computed ROI", () => {
    const x = Float64Array.of(1, 2, 2, 3, 7);
    const f = firstOrderFeatures({
      intensities: x,
      levels: Int32Array.of(1, 1, 1, 1, 2),
      voxelVolume: 2,
      voxelArrayShift: 10,
    });
    const close = (a: number, b: number) =>
      assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
    const mean = 3;
    const dev = [...x].map((v) => v - mean); // -2 -1 -1 0 4
    const m2 = dev.reduce((s, d) => s + d * d, 0) / 5; // 22/5
    close(f.Mean!, mean);
    close(f.Variance!, m2);
    close(f.Skewness!, dev.reduce((s, d) => s + d ** 3, 0) / 5 / m2 ** 1.5);
    close(f.Kurtosis!, dev.reduce((s, d) => s + d ** 4, 0) / 5 / m2 ** 2);
    close(
      f.Energy!,
      [...x].reduce((s, v) => s + (v + 10) ** 2, 0),
    );
    close(f.TotalEnergy!, 2 * f.Energy!);
    close(f.RootMeanSquared!, Math.sqrt(f.Energy! / 5));
    close(f.MeanAbsoluteDeviation!, 8 / 5);
    close(f.Median!, 2);
    close(f["10Percentile"]!, 1.4);
    close(f["90Percentile"]!, 5.4);
    close(f.InterquartileRange!, 3 - 2);
    close(f.Range!, 6);
    // robust MAD over {2, 2, 3} (1.4 <= x <= 5.4)
    close(f.RobustMeanAbsoluteDeviation!, (1 / 3 + 1 / 3 + 2 / 3) / 3);
    close(f.Entropy!, -(0.8 * Math.log2(0.8) + 0.2 * Math.log2(0.2)));
    close(f.Uniformity!, 0.8 ** 2 + 0.2 ** 2);
  });

  test("single voxel and flat ROI: zero spread, skewness and kurtosis 0 (PyRadiomics convention)", () => {
    for (const n of [1, 6]) {
      const f = firstOrderFeatures(
        { intensities: new Float64Array(n).fill(-3.5), levels: new Int32Array(n).fill(4), voxelVolume: 1 },
        { includeDeprecated: true },
      );
      assert.equal(f.Variance, 0);
      assert.equal(f.StandardDeviation, 0);
      assert.equal(f.Skewness, 0);
      assert.equal(f.Kurtosis, 0);
      assert.equal(f.Range, 0);
      assert.equal(f.InterquartileRange, 0);
      assert.equal(f.RobustMeanAbsoluteDeviation, 0);
      assert.equal(f.Mean, -3.5);
      assert.equal(f.Median, -3.5);
      assert.equal(f.Uniformity, 1);
      assert.ok(Math.abs(f.Entropy!) < 1e-15, `Math.abs(f.Entropy!) < 1e-15`);
      assert.equal(f.Energy, n * 3.5 * 3.5);
    }
  });

  test("deprecated StandardDeviation only on request; empty ROI and mismatched inputs throw", () => {
    const input = { intensities: Float64Array.of(1, 2), levels: Int32Array.of(1, 1), voxelVolume: 1 };
    assert.equal(firstOrderFeatures(input).StandardDeviation, undefined);
    assert.equal(firstOrderFeatures(input, { includeDeprecated: true }).StandardDeviation, 0.5);
    assert.throws(
      () =>
        firstOrderFeatures({ intensities: new Float64Array(0), levels: new Int32Array(0), voxelVolume: 1 }),
      {
        name: "EmptyRoiError",
      },
    );
    assert.throws(() => firstOrderFeatures({ ...input, levels: Int32Array.of(1) }), { name: "InputError" });
  });
});

describe("IBSI intensity-based statistics", () => {
  test("digital phantom: every stat_* reference value matches", {
    skip: skipUnlessData("ibsi", "digital_phantom", "phantom.nii.gz"),
  }, () => {
    const img = readImage(dataPath("ibsi", "digital_phantom", "phantom.nii.gz")!);
    const m = selectLabel(readImage(dataPath("ibsi", "digital_phantom", "mask.nii.gz")!), 1);
    const x: number[] = [];
    for (let i = 0; i < m.data.length; i++) if (m.data[i]) x.push(img.data[i]!);
    assert.equal(x.length, 74);
    const ours = ibsiStatistics(x) as unknown as Record<string, number>;
    const refs = ibsiReferences("digital_phantom").filter((r) => r.tag.startsWith("stat_"));
    assert.equal(refs.length, 18);
    const misses: string[] = [];
    for (const r of refs) {
      const got = ours[r.tag];
      const { verdict, diff } = ibsiCompare(r.value, got!, r.tolerance);
      if (verdict !== "match")
        misses.push(`${r.tag}: ours ${got} reference ${r.value} (tol ${r.tolerance}, diff ${diff})`);
    }
    if (misses.length) console.log(misses.join("\n"));
    assert.deepEqual(misses, []);
  });

  test("definitions on a small set (excess kurtosis, medad, cov, qcod)", () => {
    const s = ibsiStatistics([1, 2, 2, 3, 7]);
    const close = (a: number, b: number) =>
      assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
    const f = firstOrderFeatures({
      intensities: Float64Array.of(1, 2, 2, 3, 7),
      levels: Int32Array.of(1, 1, 1, 1, 1),
      voxelVolume: 1,
    });
    close(s.stat_kurt, f.Kurtosis! - 3);
    close(s.stat_var, f.Variance!);
    close(s.stat_medad, (1 + 0 + 0 + 1 + 5) / 5);
    close(s.stat_cov, Math.sqrt(22 / 5) / 3);
    close(s.stat_qcod, (3 - 2) / (3 + 2));
    close(s.stat_energy, 1 + 4 + 4 + 9 + 49);
    close(s.stat_rms, Math.sqrt(67 / 5));
    close(s.stat_rmad, f.RobustMeanAbsoluteDeviation!);
    const flat = ibsiStatistics([5, 5, 5]);
    assert.equal(flat.stat_skew, 0);
    assert.equal(flat.stat_kurt, 0);
  });
});
