/**
 * `radiogenomics filter IMAGE (--params p.yaml | --ibsi2 TEST) --out MAP.nii.gz`: the response map of
 * one IBSI 2 convolutional filter. --ibsi2 runs an IBSI 2 phase-1 test configuration by its id
 * (1.a.1 ... 8.a.3), i.e. loads the parameter file shipped in examples/ibsi2/.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { action, io } from "./util.js";

const IBSI2_DIR = fileURLToPath(new URL("../../examples/ibsi2/", import.meta.url));

/** Phase-1 test ids shipped as parameter files. */
export function ibsi2Tests(): string[] {
  if (!existsSync(IBSI2_DIR)) return [];
  return readdirSync(IBSI2_DIR)
    .filter((f) => /^\d+\.[a-z]\.?\d*\.yaml$/.test(f))
    .map((f) => f.replace(/\.yaml$/, ""))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

/** Read a filter parameter file: a YAML/JSON mapping with one `filter:` block. */
export async function loadFilterParams(path: string) {
  const { parse } = await import("yaml");
  const { parseFilterSpec } = await import("../image/filters/ibsi2/index.js");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new InputError("cannot read the parameter file", path);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new InputError(`not valid YAML: ${(e as Error).message.split("\n")[0]}`, path);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc))
    throw new InputError("the parameter file must be a mapping with a filter: block", path);
  const keys = Object.keys(doc);
  const extra = keys.filter((k) => k !== "filter");
  if (extra.length) throw new InputError(`unknown top-level key "${extra[0]}" (allowed: filter)`, path);
  return parseFilterSpec((doc as Record<string, unknown>).filter, path);
}

interface FilterOpts {
  params?: string;
  ibsi2?: string;
  out: string;
}

export function register(program: Command): void {
  program
    .command("filter")
    .description("apply an IBSI 2 convolutional filter and write the response map")
    .argument("<image>", "image file (.nii, .nii.gz, .nrrd, .nhdr, .mha, .mhd)")
    .option("-p, --params <file>", "parameter file with a filter: block (see docs/ibsi2-compliance.md)")
    .option("--ibsi2 <test>", "IBSI 2 phase-1 test id (1.a.1 ... 8.a.3): its shipped parameter file")
    .requiredOption("-o, --out <file>", "response map to write (.nii.gz, .nrrd, ...), float64")
    .action(
      action(async (imagePath: string, opts: FilterOpts) => {
        if (!opts.params === !opts.ibsi2) throw new InputError("give exactly one of --params and --ibsi2");
        let paramPath = opts.params;
        if (opts.ibsi2) {
          const tests = ibsi2Tests();
          if (!tests.includes(opts.ibsi2))
            throw new InputError(`--ibsi2 must be one of ${tests.join(", ")}; got "${opts.ibsi2}"`);
          paramPath = `${IBSI2_DIR}${opts.ibsi2}.yaml`;
        }
        const spec = await loadFilterParams(paramPath!);
        const { readImage } = await import("../io/read.js");
        const { writeImage } = await import("../io/write.js");
        const { applyFilter } = await import("../image/filters/ibsi2/index.js");
        const vol = readImage(imagePath);
        const settings = Object.entries(spec)
          .map(([k, v]) => `${k}=${v}`)
          .join(" ");
        io.err(
          `filter: ${settings} on ${vol.nx}x${vol.ny}x${vol.nz} voxels, spacing ${vol.spacing.join("x")} mm\n`,
        );
        const t0 = Date.now();
        let last = 0;
        const map = applyFilter(vol, spec, {
          onProgress: (done, total) => {
            const now = Date.now();
            if (now - last > 1000 || done === total) {
              last = now;
              io.err(`filter: ${done}/${total} orientations/planes\r${done === total ? "\n" : ""}`);
            }
          },
        });
        writeImage(opts.out, map);
        io.err(`filter: wrote ${opts.out} (${((Date.now() - t0) / 1000).toFixed(2)} s)\n`);
      }),
    );
}
