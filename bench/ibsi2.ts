/**
 * `npm run bench -- ibsi2`: IBSI 2 filters on a volume of the CT phantom's size (204 x 201 x 60, whole
 * image, mirror padding), each against the same computation in scipy (bench/ibsi2_scipy.py, run side by
 * side when python3 with scipy is here), and the phase-2 extraction path restricted to the ROI box.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { applyFilter, parseFilterSpec } from "../src/image/filters/ibsi2/index.js";
import { Volume } from "../src/image/volume.js";
import { Random } from "../src/stats/random.js";
import { repoRoot } from "../test/helpers/data.js";

const SIZE: [number, number, number] = [204, 201, 60];

const CASES: [string, Record<string, unknown>][] = [
  ["mean 5 (3D)", { type: "mean", support: 5 }],
  ["LoG sigma 1.5 voxels (3D)", { type: "log", sigma: 1.5, truncate: 4 }],
  [
    "Laws L5E5E5, 24 orientations, energy 7",
    { type: "laws", kernel: "L5E5E5", rotationInvariant: true, energy: true, distance: 7 },
  ],
  [
    "db3 LLH level 1, 24 orientations",
    { type: "wavelet", family: "db3", band: "LLH", rotationInvariant: true },
  ],
  ["Simoncelli level 1 (3D FFT pair)", { type: "simoncelli", level: 1 }],
  [
    "Gabor 2D axial, 16 orientations, half-size 30",
    {
      type: "gabor",
      dimensions: "2D",
      sigma: 5,
      lambda: 2,
      gamma: 1.5,
      rotationInvariant: true,
      thetaStep: 22.5,
    },
  ],
];

export async function ibsi2Bench(): Promise<void> {
  console.log(`ibsi2: IBSI 2 filters on ${SIZE.join(" x ")} voxels (CT phantom size), 1 mm, mirror padding`);
  const rng = new Random(1);
  const data = Float64Array.from({ length: SIZE[0] * SIZE[1] * SIZE[2] }, () => rng.normal());
  const vol = new Volume(data, { size: SIZE, spacing: [1, 1, 1] });
  let anchor: Record<string, number> = {};
  const py = spawnSync(
    "python3",
    [join(repoRoot, "bench", "ibsi2_scipy.py"), String(SIZE[2]), String(SIZE[1]), String(SIZE[0])],
    { encoding: "utf8", timeout: 600_000 },
  );
  if (py.status === 0) anchor = JSON.parse(py.stdout.trim().split("\n").pop()!);
  else console.log("  (python3 with scipy not available: no side-by-side anchor)");
  for (const [name, raw] of CASES) {
    const spec = parseFilterSpec({ boundary: "mirror", ...raw });
    const t0 = performance.now();
    applyFilter(vol, spec);
    const whole = performance.now() - t0;
    // extraction path: only a 100 x 100 x 26 ROI box (the CT phantom's ROI at 1 mm) is needed
    const t1 = performance.now();
    applyFilter(vol, spec, { box: { lo: [52, 50, 17], hi: [152, 150, 43] } });
    const box = performance.now() - t1;
    const a = anchor[name];
    const ratio = a ? `  scipy ${a.toFixed(0)} ms -> ${(a / whole).toFixed(2)}x` : "";
    console.log(
      `  ${name.padEnd(48)} whole ${whole.toFixed(0).padStart(6)} ms, ROI box ${box.toFixed(0).padStart(6)} ms${ratio}`,
    );
  }
}
