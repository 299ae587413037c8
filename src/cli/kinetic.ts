/**
 * `radiogenomics kinetic PRE POST1 POST2 ... --times 0,60,120 --out-dir maps/`: DCE-MRI kinetic maps
 * (src/image/kinetics.ts) written as NIfTI, ready for `extract` (one map per image).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { kineticMaps } from "../image/kinetics.js";
import { readImage } from "../io/read.js";
import { writeImage } from "../io/write.js";
import { action, note } from "./util.js";

interface KineticOpts {
  times: string;
  outDir: string;
  iauc?: string;
}

export function register(program: Command): void {
  program
    .command("kinetic")
    .description(
      "DCE-MRI kinetic maps (RE per phase, PE, TTP, wash-in, wash-out, SER, IAUC, subtractions) as NIfTI",
    )
    .argument(
      "<phases...>",
      "pre-contrast image, then the post-contrast phases in acquisition order (one grid)",
    )
    .requiredOption(
      "--times <list>",
      "acquisition time of each phase in seconds, comma-separated (e.g. 0,60,120,240)",
    )
    .requiredOption("--out-dir <dir>", "folder for kinetic-<map>.nii.gz")
    .option("--iauc <seconds>", "IAUC integration window (s)", "90")
    .action(
      action(async (paths: string[], opts: KineticOpts) => {
        const times = opts.times.split(",").map((s) => Number(s.trim()));
        if (times.some((t) => !Number.isFinite(t)))
          throw new InputError(`--times must be numbers (seconds), got "${opts.times}"`);
        const iaucSeconds = Number(opts.iauc);
        const phases = paths.map((p) => readImage(p));
        const { maps, undefinedVoxels } = kineticMaps(phases, times, { iaucSeconds, names: paths });
        mkdirSync(opts.outDir, { recursive: true });
        for (const [name, vol] of maps) writeImage(join(opts.outDir, `kinetic-${name}.nii.gz`), vol);
        for (const [name, n] of undefinedVoxels)
          if (n > 0) note(`kinetic-${name}: ${n} voxel(s) with a zero denominator set to 0`);
        note(`${maps.size} kinetic maps from ${paths.length} phases -> ${opts.outDir}`);
      }),
    );
}
