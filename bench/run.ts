/**
 * `npm run bench`: speed benchmarks that print ratios against the reference tools' documented timings.
 * Not a test: timings depend on the machine. Run each section alone with `npm run bench -- <name>`.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { extractFeatures } from "../src/extract/pipeline.js";
import { resolveParams } from "../src/extract/params.js";
import { readImage } from "../src/io/read.js";
import { dataPath, repoRoot } from "../test/helpers/data.js";

/** What the CLI uses for the image/mask hash diagnostics (PyRadiomics computes them too). */
const hasher = (b: Uint8Array) => createHash("sha1").update(b).digest("hex");

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
      const params = resolveParams({
        setting: { binWidth: 25, label: 1 },
        imageType: { Original: {} },
        featureClass: {
          shape: null,
          firstorder: null,
          glcm: null,
          glrlm: null,
          glszm: null,
          gldm: null,
          ngtdm: null,
        },
      });
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

const only = process.argv.slice(2);
for (const b of benches) {
  if (only.length && !only.includes(b.name)) continue;
  await b.run();
}
