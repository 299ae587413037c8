import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { SHAPE2D_FEATURES, shape2DFeatures } from "../../src/features/shape2D.js";
import { selectLabel } from "../../src/image/geometry.js";
import type { Vec3 } from "../../src/image/volume.js";
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

const TOL = 1e-10;

function labelMask(file: string, label = 1) {
  return selectLabel(readImage(dataPath("pyradiomics", file)!), label, file);
}

describe("shape2D vs PyRadiomics", () => {
  test("baseline_shape2D.csv (brain1, breast1, lung1 single-slice labels, force2Ddimension 0)", {
    skip: skipUnlessData("pyradiomics", "baseline", "baseline_shape2D.csv"),
  }, () => {
    const base = readBaseline("baseline_shape2D.csv");
    let maxErr = 0;
    for (const c of ["brain1", "breast1", "lung1"]) {
      const col = base.get(`${c}_shape2D`)!;
      assert.match(col.get("diagnostics_Configuration_Settings")!, /'force2Ddimension': 0/);
      const m = labelMask(`${c}_label_2D.nrrd`);
      const ours = shape2DFeatures(m.data, m.size, m.spacing, 0);
      maxErr = Math.max(
        maxErr,
        compareAll(
          `${c}_shape2D`,
          ours,
          (n) => Number(col.get(`original_shape2D_${n}`)),
          SHAPE2D_FEATURES,
          TOL,
        ),
      );
    }
    console.log(`shape2D vs baseline: max relative error ${maxErr.toExponential(2)}`);
  });

  test("the 2D label embedded in the 3D grid (as PyRadiomics resamples it) gives the same values", {
    skip: skipUnlessData("pyradiomics", "brain1_label_2D.nrrd"),
  }, () => {
    const m2 = labelMask("brain1_label_2D.nrrd");
    const m3 = labelMask("brain1_label.nrrd");
    // put the 2D slice at its z position in the 3D grid
    const z = Math.round((m2.origin[2] - m3.origin[2]) / m3.spacing[2]);
    const full = new Uint8Array(m3.data.length);
    full.set(m2.data, z * m3.size[0] * m3.size[1]);
    assert.deepEqual(
      shape2DFeatures(full, m3.size, m3.spacing, 0),
      shape2DFeatures(m2.data, m2.size, m2.spacing, 0),
    );
  });
});

function grid(size: Vec3, inside: (i: number, j: number, k: number) => boolean): Uint8Array {
  const m = new Uint8Array(size[0] * size[1] * size[2]);
  let p = 0;
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++) for (let i = 0; i < size[0]; i++, p++) m[p] = inside(i, j, k) ? 1 : 0;
  return m;
}

describe("shape2D edge cases", () => {
  const close = (x: number, y: number) =>
    assert.ok(Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(y)), `${x} vs ${y}`);

  test("single pixel: the contour is a diamond through the edge midpoints", () => {
    const f = shape2DFeatures(
      grid([3, 3, 1], (i, j) => i === 1 && j === 1),
      [3, 3, 1],
      [0.5, 2, 7],
      0,
      {
        includeDeprecated: true,
      },
    );
    close(f.MeshSurface!, (0.5 * 2) / 2);
    close(f.PixelSurface!, 0.5 * 2);
    close(f.Perimeter!, 4 * Math.hypot(0.25, 1));
    close(f.MaximumDiameter!, 2);
    assert.equal(f.MajorAxisLength, 0);
    assert.ok(Number.isNaN(f.Elongation!), `Number.isNaN(f.Elongation!)`);
    close(f.SphericalDisproportion!, 1 / f.Sphericity!);
  });

  test("rectangle: PCA axis lengths and diameter", () => {
    // 5 x 2 pixels, spacing 1 x 3
    const f = shape2DFeatures(
      grid([7, 4, 1], (i, j) => i >= 1 && i <= 5 && j >= 1 && j <= 2),
      [7, 4, 1],
      [1, 3, 1],
      0,
    );
    close(f.PixelSurface!, 10 * 3);
    // pixel-centre variances: x (25-1)/12 * 1, y (4-1)/12 * 9
    close(f.MajorAxisLength!, 4 * Math.sqrt(27 / 12));
    close(f.MinorAxisLength!, 4 * Math.sqrt(2));
    // farthest contour vertices: midpoints (x = 0.5 .. 5.5 on the long rows, y = 1 .. 2 on the end columns)
    assert.ok(
      f.MaximumDiameter! > 5 && f.MaximumDiameter! < Math.hypot(6, 6),
      `f.MaximumDiameter! > 5 && f.MaximumDiameter! < Math.hypot(6, 6)`,
    );
  });

  test("ROI touching the border; other force2Ddimension values", () => {
    const inside = (a: number, b: number) => (a - 1) ** 2 + (b - 2) ** 2 <= 3;
    const xy = shape2DFeatures(
      grid([3, 5, 1], (i, j) => inside(i, j)),
      [3, 5, 1],
      [1, 1, 4],
      0,
    );
    // the same shape in the x-z plane (force2Ddimension 1 = y out of plane) and y-z plane (2 = x)
    const xz = shape2DFeatures(
      grid([3, 1, 5], (i, _j, k) => inside(i, k)),
      [3, 1, 5],
      [1, 4, 1],
      1,
    );
    const yz = shape2DFeatures(
      grid([1, 3, 5], (_i, j, k) => inside(j, k)),
      [1, 3, 5],
      [4, 1, 1],
      2,
    );
    for (const name of SHAPE2D_FEATURES) {
      close(xz[name]!, xy[name]!);
      close(yz[name]!, xy[name]!);
    }
  });

  test("a ROI thicker than one slice along force2Ddimension is rejected", () => {
    assert.throws(
      () =>
        shape2DFeatures(
          grid([2, 2, 2], () => true),
          [2, 2, 2],
          [1, 1, 1],
          0,
        ),
      {
        name: "InputError",
      },
    );
  });
});
