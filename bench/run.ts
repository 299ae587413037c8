/**
 * `npm run bench`: speed benchmarks that print ratios against the reference tools' documented timings.
 * Not a test: timings depend on the machine. Run each section alone with `npm run bench -- <name>`.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { extractFeatures } from "../src/extract/pipeline.js";
import { resolveParams } from "../src/extract/params.js";
import { readImage } from "../src/io/read.js";
import { nodeSha1 } from "../src/util/nodeHash.js";
import { combatFit } from "../src/stats/harmonisation/combat.js";
import { consensusCluster } from "../src/stats/clustering/consensus.js";
import { cvCoxnet } from "../src/stats/survival/coxnet.js";
import { delongPairedTest } from "../src/stats/metrics/delong.js";
import { fitForest } from "../src/stats/models/forest.js";
import { glmnetBinomial } from "../src/stats/models/glmnet.js";
import { Random } from "../src/stats/core/random.js";
import { dataPath, repoRoot } from "../test/helpers/data.js";
import { ibsi2Bench } from "./ibsi2.js";
import { benchDicom } from "./dicom.js";

/** What the CLI uses for the image/mask hash diagnostics (PyRadiomics computes them too). */
const hasher = nodeSha1;

type Bench = { name: string; run: () => Promise<void> | void };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function timeRepeated(fn: () => void, minRuns = 5, minMs = 1500): { median: number; runs: number } {
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minMs) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
    if (times.length >= 200) break;
  }
  return { median: median(times), runs: times.length };
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

/** PyRadiomics 3.x reference timings on this kind of machine (issue #5): in-process ms per case. */
const PYRADIOMICS_IN_PROCESS_MS: Record<string, number> = { brain1: 120, breast1: 20 };
const PYRADIOMICS_PROCESS_MS = 600;

const benches: Bench[] = [
  {
    name: "extract",
    run() {
      // PyRadiomics defaults: binWidth 25, label 1, Original image, every class but shape2D
      const params = resolveParams({});
      console.log("extract: all default classes, binWidth 25, original image (read + features, in process)");
      for (const c of ["brain1", "breast1"]) {
        const img = dataPath("pyradiomics", `${c}_image.nrrd`);
        const msk = dataPath("pyradiomics", `${c}_label.nrrd`);
        if (!img || !msk) {
          console.log(`  ${c}: SKIPPED (reference data not found)`);
          continue;
        }
        // warm-up (JIT)
        for (let i = 0; i < 3; i++) extractFeatures(readImage(img), readImage(msk), params, { hasher });
        let readMs = 0;
        const r = timeRepeated(() => {
          const t = performance.now();
          const image = readImage(img);
          const mask = readImage(msk);
          readMs = performance.now() - t;
          extractFeatures(image, mask, params, { hasher });
        });
        const ref = PYRADIOMICS_IN_PROCESS_MS[c]!;
        console.log(
          `  ${c.padEnd(8)} ${fmt(r.median)} ms/case (median of ${r.runs}; read ~${fmt(readMs)} ms)  PyRadiomics ~${ref} ms  -> ${(ref / r.median).toFixed(1)}x faster`,
        );
      }
      console.log(
        `  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (PyRadiomics ~90 MiB)`,
      );
      const img = dataPath("pyradiomics", "brain1_image.nrrd");
      const msk = dataPath("pyradiomics", "brain1_label.nrrd");
      const bin = join(repoRoot, "dist", "cli", "bin.js");
      if (img && msk) {
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const t = performance.now();
          const p = spawnSync(process.execPath, [bin, "extract", img, msk, "--out", "/dev/null"], {
            stdio: "ignore",
          });
          times.push(performance.now() - t);
          if (p.status !== 0) {
            console.log("  whole process: SKIPPED (run `npm run build` first)");
            return;
          }
        }
        const m = median(times);
        console.log(
          `  whole \`radiogenomics extract\` process, brain1: ${fmt(m)} ms (median of 5)  PyRadiomics CLI ~${PYRADIOMICS_PROCESS_MS} ms -> ${(PYRADIOMICS_PROCESS_MS / m).toFixed(1)}x faster`,
        );
      }
    },
  },
];

/** Synthetic cohort data: n samples x p features (column-major), a few informative for a 0/1 label. */
function synthetic(n: number, p: number, seed: number): { x: Float64Array[]; y: Float64Array } {
  const rng = new Random(seed);
  const y = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
  const x = Array.from({ length: p }, (_, j) =>
    Float64Array.from(y, (yi) => rng.normal() + (j < 10 ? 0.8 * yi : 0)),
  );
  return { x, y };
}

function once(label: string, fn: () => void, note: string, referenceMs?: number): void {
  fn(); // warm-up (JIT)
  const r = timeRepeated(fn, 3, 500);
  const ratio = referenceMs ? ` -> ${(referenceMs / r.median).toFixed(0)}x faster` : "";
  console.log(`  ${label.padEnd(50)} ${fmt(r.median).padStart(7)} ms (median of ${r.runs})  ${note}${ratio}`);
}

benches.push({
  name: "stats",
  run() {
    console.log("stats: cohort sizes from the radiogenomics literature (interactive speed is the bar)");
    const a = synthetic(1000, 1500, 1);
    once(
      "LASSO path (glmnet), 1000 x 1500, 100 lambdas",
      () => glmnetBinomial(a.x, a.y, { alpha: 1 }),
      "interactive target: seconds",
    );
    const b = synthetic(300, 200, 2);
    once(
      "random forest, 100 trees, 300 x 200",
      () => fitForest(b.x, Int32Array.from(b.y), 2, { nTrees: 100, seed: 1 }),
      "ml-random-forest: 8 s (issue #3)",
      8000,
    );
    const batch = Array.from({ length: 1000 }, (_, i) => ["A", "B", "C"][i % 3]!);
    once("ComBat (parametric EB), 1000 x 1500", () => combatFit(a.x, batch), "interactive target: seconds");
    const big = synthetic(10000, 2, 3);
    once(
      "DeLong paired test, 10 000 cases",
      () => delongPairedTest(big.x[0]!, big.x[1]!, big.y),
      "target: well under 100 ms",
    );
    const c = synthetic(300, 50, 4);
    const m = new Float64Array(300 * 50);
    for (let i = 0; i < 300; i++) for (let j = 0; j < 50; j++) m[i * 50 + j] = c.x[j]![i]!;
    once(
      "consensus clustering, 300 x 50, k 2..6, 100 reps",
      () => consensusCluster(m, 300, 50, { maxK: 6, reps: 100, seed: 1 }),
      "interactive target: seconds",
    );
    const sv = synthetic(200, 300, 5);
    const rng = new Random(6);
    const time = Float64Array.from(sv.y, (yi) => rng.exponential(yi ? 2 : 1));
    const event = Float64Array.from(time, () => (rng.next() < 0.8 ? 1 : 0));
    once(
      "penalised Cox, 200 x 300, 5-fold CV lambda",
      () => cvCoxnet(time, event, sv.x, { nfolds: 5, seed: 1 }),
      "interactive target: seconds",
    );
  },
});

benches.push({ name: "ibsi2", run: ibsi2Bench });
benches.push({
  name: "filters",
  run() {
    // Issue #8: brain1, Original + LoG (1, 2, 3 mm) + Wavelet coif1 level 1, all classes (~1,130 features),
    // whole process against PyRadiomics 3.x here: ~4.5 s, ~330 MiB peak RSS.
    const PY_MS = 4500;
    const PY_MIB = 330;
    const img = dataPath("pyradiomics", "brain1_image.nrrd");
    const msk = dataPath("pyradiomics", "brain1_label.nrrd");
    if (!img || !msk) {
      console.log("filters: SKIPPED (reference data not found)");
      return;
    }
    const child = join(repoRoot, "bench", "filters-child.mjs");
    const times: number[] = [];
    let rss = 0;
    let features = 0;
    const cpu: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const p = spawnSync(process.execPath, [child, img, msk], { encoding: "utf8" });
      times.push(performance.now() - t);
      if (p.status !== 0) {
        console.log(`filters: SKIPPED (run \`npm run build\` first): ${p.stderr.split("\n")[0]}`);
        return;
      }
      const r = JSON.parse(p.stdout) as { features: number; maxRssKiB: number; cpuMs: number };
      rss = Math.max(rss, r.maxRssKiB / 1024);
      cpu.push(r.cpuMs);
      features = r.features;
    }
    const m = median(times);
    console.log(
      `filters: brain1 LoG 1/2/3 mm + wavelet coif1, all classes, ${features} features, whole process: ${fmt(m)} ms wall (median of 5; CPU ${fmt(median(cpu))} ms), peak RSS ${rss.toFixed(0)} MiB; PyRadiomics ~${PY_MS} ms / ~${PY_MIB} MiB -> ${(PY_MS / m).toFixed(1)}x faster, ${(PY_MIB / rss).toFixed(1)}x less memory`,
    );
  },
});

benches.push({ name: "dicom", run: benchDicom });
benches.push({
  name: "embed",
  async run() {
    const { benchEmbed } = await import("./embed.js");
    await benchEmbed();
  },
});

const only = process.argv.slice(2);
for (const b of benches) {
  if (only.length && !only.includes(b.name)) continue;
  await b.run();
}
