import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { SHAPE_FEATURES, shapeFeatures } from "../../src/features/shape.js";
import { selectLabel } from "../../src/image/geometry.js";
import type { Vec3 } from "../../src/image/volume.js";
import { readImage } from "../../src/io/read.js";
import { dataPath, repoRoot, skipUnlessData } from "../helpers/data.js";

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
  skip: Set<string> = new Set(),
): number {
  let maxErr = 0;
  const misses: string[] = [];
  for (const name of names) {
    if (skip.has(name)) continue;
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

interface Deviation {
  column: string;
  feature: string;
  staleValue: number;
}

const TOL = 1e-10;

function labelMask(file: string, label = 1) {
  return selectLabel(readImage(dataPath("pyradiomics", file)!), label, file);
}

// ---- PyRadiomics references ----------------------------------------------------------------------

describe("shape vs PyRadiomics", () => {
  test("baseline_shape.csv default columns (brain1, breast1, lung1)", {
    skip: skipUnlessData("pyradiomics", "baseline", "baseline_shape.csv"),
  }, () => {
    const base = readBaseline("baseline_shape.csv");
    const deviations = (
      JSON.parse(readFileSync(join(repoRoot, "test", "known-deviations", "shape.json"), "utf8")) as {
        deviations: Deviation[];
      }
    ).deviations;
    let maxErr = 0;
    for (const c of ["brain1", "breast1", "lung1"]) {
      const m = labelMask(`${c}_label.nrrd`);
      const ours = shapeFeatures(m.data, m.size, m.spacing);
      const col = base.get(c)!;
      const dev = deviations.filter((d) => d.column === c);
      const devNames = new Set(dev.map((d) => d.feature.replace("original_shape_", "")));
      maxErr = Math.max(
        maxErr,
        compareAll(
          `baseline ${c}`,
          ours,
          (n) => Number(col.get(`original_shape_${n}`)),
          SHAPE_FEATURES,
          TOL,
          devNames,
        ),
      );
      // the recorded stale values: still in the baseline, not reproduced, and current PyRadiomics agrees with us
      if (dev.length > 0) {
        const current = readCurrent(`${c}_default.csv`);
        for (const d of dev) {
          const name = d.feature.replace("original_shape_", "");
          const stale = Number(col.get(d.feature));
          assert.equal(
            stale,
            d.staleValue,
            `${c} ${d.feature}: baseline no longer holds the recorded stale value`,
          );
          const e = relErr(ours[name]!, stale);
          console.log(
            `known deviation ${c} ${name}: ours ${ours[name]} stale baseline ${stale} (rel. ${e.toExponential(2)})`,
          );
          assert.ok(
            e > 1e-6,
            `${c} ${name} now matches the stale baseline: remove it from known-deviations/shape.json`,
          );
          assert.ok(
            relErr(ours[name]!, current.get(d.feature)!) <= TOL,
            `${c} ${name} differs from current PyRadiomics`,
          );
        }
      }
    }
    console.log(`shape vs baseline: max relative error ${maxErr.toExponential(2)}`);
  });

  const currentCases: [string, string, string, number][] = [
    ["brain1", "brain1_label.nrrd", "brain1_default.csv", 1],
    ["breast1", "breast1_label.nrrd", "breast1_default.csv", 1],
    ...[1, 7, 8, 9].map(
      (l) =>
        ["prostate", "prostate_phantom_subvolume-label.nrrd", `prostate_label${l}_default.csv`, l] as [
          string,
          string,
          string,
          number,
        ],
    ),
  ];
  test("current PyRadiomics (brain1, breast1, prostate labels 1/7/8/9)", {
    skip: skipUnlessData("pyradiomics", "current", "prostate_label9_default.csv"),
  }, () => {
    let maxErr = 0;
    for (const [name, maskFile, csv, label] of currentCases) {
      const m = labelMask(maskFile, label);
      const ours = shapeFeatures(m.data, m.size, m.spacing);
      const ref = readCurrent(csv);
      maxErr = Math.max(
        maxErr,
        compareAll(
          `${name} label ${label}`,
          ours,
          (n) => ref.get(`original_shape_${n}`),
          SHAPE_FEATURES,
          TOL,
        ),
      );
    }
    console.log(`shape vs current PyRadiomics: max relative error ${maxErr.toExponential(2)}`);
  });

  test("speed on brain1 (PyRadiomics: ~33 ms)", {
    skip: skipUnlessData("pyradiomics", "brain1_label.nrrd"),
  }, () => {
    const m = labelMask("brain1_label.nrrd");
    const ref = shapeFeatures(m.data, m.size, m.spacing);
    const times: number[] = [];
    for (let r = 0; r < 20; r++) {
      const t = performance.now();
      const f = shapeFeatures(m.data, m.size, m.spacing);
      times.push(performance.now() - t);
      assert.equal(f.MeshVolume, ref.MeshVolume);
    }
    times.sort((a, b) => a - b);
    console.log(
      `shape brain1 (full 256x256x25 mask): min ${times[0]!.toFixed(2)} ms, median ${times[10]!.toFixed(2)} ms`,
    );
  });
});

// ---- synthetic cases -----------------------------------------------------------------------------

function grid(size: Vec3, inside: (i: number, j: number, k: number) => boolean): Uint8Array {
  const m = new Uint8Array(size[0] * size[1] * size[2]);
  let p = 0;
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++) for (let i = 0; i < size[0]; i++, p++) m[p] = inside(i, j, k) ? 1 : 0;
  return m;
}

describe("shape edge cases", () => {
  test("single voxel: the mesh is an octahedron through the face centres", () => {
    const sp: Vec3 = [0.7, 1.3, 2.5];
    const f = shapeFeatures(
      grid([3, 3, 3], (i, j, k) => i === 1 && j === 1 && k === 1),
      [3, 3, 3],
      sp,
      {
        includeDeprecated: true,
      },
    );
    const [a, b, c] = sp.map((s) => s / 2) as Vec3; // half-axes of the octahedron
    const close = (x: number, y: number) =>
      assert.ok(Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(y)), `${x} vs ${y}`);
    close(f.MeshVolume!, (4 / 3) * a * b * c);
    // 8 congruent faces, each with vertices (a,0,0), (0,b,0), (0,0,c)
    close(f.SurfaceArea!, 8 * 0.5 * Math.sqrt((b * c) ** 2 + (a * c) ** 2 + (a * b) ** 2));
    close(f.VoxelVolume!, sp[0] * sp[1] * sp[2]);
    close(f.Maximum3DDiameter!, Math.max(...sp));
    close(f.Maximum2DDiameterSlice!, Math.max(sp[0], sp[1])); // vertices sharing z: the 4 in-plane ones
    close(f.Maximum2DDiameterColumn!, Math.max(sp[0], sp[2]));
    close(f.Maximum2DDiameterRow!, Math.max(sp[1], sp[2]));
    assert.equal(f.MajorAxisLength, 0);
    assert.equal(f.LeastAxisLength, 0);
    assert.ok(
      Number.isNaN(f.Elongation!) && Number.isNaN(f.Flatness!),
      "0/0 axis ratios are NaN as in PyRadiomics",
    );
    close(f.Sphericity!, (36 * Math.PI * f.MeshVolume! ** 2) ** (1 / 3) / f.SurfaceArea!);
    close(f.Compactness2!, f.Sphericity! ** 3);
    close(f.SphericalDisproportion!, 1 / f.Sphericity!);
  });

  test("ROI touching the image border gives the same values as the ROI inside a larger grid", () => {
    const inside = (i: number, j: number, k: number) => (i - 2) ** 2 + (j - 2) ** 2 + 2 * (k - 1) ** 2 <= 5;
    const small = grid([5, 5, 3], inside);
    const big = grid(
      [9, 8, 7],
      (i, j, k) => i >= 2 && j >= 3 && k >= 1 && i < 7 && j < 8 && k < 4 && inside(i - 2, j - 3, k - 1),
    );
    const sp: Vec3 = [0.8, 0.9, 3];
    assert.deepEqual(shapeFeatures(small, [5, 5, 3], sp), shapeFeatures(big, [9, 8, 7], sp));
  });

  test("single-slice ROI: least axis and flatness are 0, 2D diameters in-plane", () => {
    const size: Vec3 = [6, 5, 3];
    const f = shapeFeatures(
      grid(size, (i, j, k) => k === 1 && i >= 1 && i <= 4 && j >= 1 && j <= 3),
      size,
      [1, 1, 2],
    );
    assert.equal(f.LeastAxisLength, 0);
    assert.equal(f.Flatness, 0);
    // a 4 x 3 rectangle of voxels: pixel-centre variances (n^2 - 1)/12 along x and y
    assert.ok(
      Math.abs(f.MajorAxisLength! - 4 * Math.sqrt(15 / 12)) < 1e-12,
      `Math.abs(f.MajorAxisLength! - 4 * Math.sqrt(15 / 12)) < 1e-12`,
    );
    assert.ok(
      Math.abs(f.MinorAxisLength! - 4 * Math.sqrt(8 / 12)) < 1e-12,
      `Math.abs(f.MinorAxisLength! - 4 * Math.sqrt(8 / 12)) < 1e-12`,
    );
    assert.equal(f.VoxelVolume, 12 * 2);
    assert.ok(f.MeshVolume! > 0 && f.MeshVolume! < 24, `f.MeshVolume! > 0 && f.MeshVolume! < 24`);
  });

  test("empty mask throws EmptyRoiError", () => {
    assert.throws(() => shapeFeatures(new Uint8Array(8), [2, 2, 2], [1, 1, 1]), { name: "EmptyRoiError" });
  });
});
