/**
 * `radiogenomics demo [DIR]`: the built-in example. Generates the synthetic cohort and runs the chain
 * on it (what `npm start` runs).
 */
import type { Command } from "commander";
import { runDemo } from "../demo/run.js";
import { action, io, note, parseIntOption } from "./util.js";

export function register(program: Command): void {
  program
    .command("demo")
    .description("generate the built-in synthetic radiogenomic cohort and run the analysis chain on it")
    .argument("[dir]", "output directory", "demo-output")
    .option("--patients <n>", "number of synthetic patients", parseIntOption("patients"), 40)
    .option("--seed <n>", "random seed", parseIntOption("seed"), 20261127)
    .option("-q, --quiet", "print only the final summary")
    .action(
      action(async (dir: string, opts: { patients: number; seed: number; quiet?: boolean }) => {
        const summary = await runDemo({
          dir,
          patients: opts.patients,
          seed: opts.seed,
          log: opts.quiet ? () => {} : note,
        });
        io.out(`${summary}\n`);
      }),
    );
}
