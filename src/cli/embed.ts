/**
 * `radiogenomics embed IMAGE MASK --model model.onnx --preset fmcib|ct-fm|custom`: deep features of one
 * case from the user's ONNX model, with the preprocessing recipe of the preset (options and the parameter
 * file's `embed:` section override it). The same columns as `extract` + an `embed:` section in `batch`.
 */
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { formatCsv, formatJsonRows } from "../extract/output.js";
import type { LabelResult } from "../extract/pipeline.js";
import { action, note, writeOutput } from "./util.js";

interface EmbedOpts {
  model?: string;
  preset?: string;
  params?: string;
  seed?: string;
  label?: string;
  out?: string;
  format?: string;
  diagnostics: boolean;
  pca?: string;
  savePatch?: string;
}

function parseSeed(v: string): [number, number, number] {
  const parts = v.split(",").map((s) => Number(s.trim()));
  if (parts.length !== 3 || parts.some((x) => !Number.isFinite(x)))
    throw new InputError(`--seed must be three numbers x,y,z in LPS mm (e.g. -12.5,40,102), got "${v}"`);
  return parts as [number, number, number];
}

export function register(program: Command): void {
  program
    .command("embed")
    .description(
      "deep features of one case from an ONNX model (FMCIB, CT-FM or a custom recipe), as columns deep_<preset>_<k>",
    )
    .argument("<image>", "image file or DICOM folder")
    .argument("<mask>", "segmentation mask (the patch is centred on the ROI centroid unless --seed is given)")
    .option("-m, --model <file>", "the ONNX model (.onnx; yours: no model is bundled or downloaded)")
    .option("--preset <name>", "preprocessing recipe: fmcib, ct-fm or custom (custom: keys from --params)")
    .option("-p, --params <file>", "parameter file with an embed: section (custom recipes, overrides)")
    .option("--seed <x,y,z>", "centre the patch on this LPS point (mm) instead of the ROI centroid")
    .option("-l, --label <n>", "label of the ROI in the mask (default 1)")
    .option("--pca <file>", "apply a saved PCA model (radiogenomics pca --save) to the embedding")
    .option(
      "--save-patch <file>",
      "also write the model's input patch (before scaling) as NIfTI, to check its placement",
    )
    .option("-o, --out <file>", 'output file (.csv or .json; "-" for stdout)', "-")
    .option("-f, --format <format>", "output format when writing to stdout: csv or json")
    .option("--no-diagnostics", "omit the diagnostics_* columns")
    .action(
      action(async (imagePath: string, maskPath: string, opts: EmbedOpts) => {
        const { loadParams } = await import("./extract.js");
        const { resolveEmbedSettings } = await import("../deep/settings.js");
        const params = opts.params ? await loadParams(opts.params) : undefined;
        const fromFile = (params?.raw as { embed?: Record<string, unknown> } | undefined)?.embed ?? {};
        const raw: Record<string, unknown> = { ...fromFile };
        if (params?.embed?.model) raw.model = params.embed.model; // resolved against the parameter file
        if (params?.embed?.pca) raw.pca = params.embed.pca;
        if (opts.preset) raw.preset = opts.preset;
        if (opts.model) raw.model = opts.model;
        if (opts.pca) raw.pca = opts.pca;
        if (raw.preset === undefined)
          throw new InputError(
            "--preset is required (fmcib, ct-fm or custom), or preset: in the embed section of --params",
          );
        const settings = resolveEmbedSettings(raw, opts.params ?? "command line");
        const label = opts.label === undefined ? 1 : Number(opts.label);
        if (!Number.isInteger(label) || label <= 0)
          throw new InputError(`--label must be a positive integer, got "${opts.label}"`);
        const seed = opts.seed ? parseSeed(opts.seed) : undefined;
        const { readImage } = await import("../io/read.js");
        const image = readImage(imagePath);
        const mask = readImage(maskPath);
        const { embedCase } = await import("../deep/node.js");
        const e = await embedCase(image, mask, settings, { label, seed, maskName: maskPath });
        note(
          `${settings.preset}: ${Object.keys(e.features).length} features from a ${settings.patchSize.join("x")} patch at ${e.diagnostics.diagnostics_Embed_PatchCenterLPS} (LPS mm, ${seed ? "seed" : "ROI centroid"}), spacing ${settings.spacing.join("x")} mm, axes ${settings.axes}`,
        );
        if (opts.savePatch) {
          const { patchVolume } = await import("../deep/embed.js");
          const { writeImage } = await import("../io/write.js");
          writeImage(opts.savePatch, patchVolume(image, settings, e.center));
          note(`patch written to ${opts.savePatch}`);
        }
        const result: LabelResult = { label, diagnostics: e.diagnostics, features: e.features };
        const rows = [{ ids: { Image: imagePath, Mask: maskPath }, result }];
        const format = opts.format ?? (opts.out && /\.json$/i.test(opts.out) ? "json" : "csv");
        if (format !== "csv" && format !== "json")
          throw new InputError(`--format must be csv or json, got "${format}"`);
        writeOutput(opts.out, format === "json" ? formatJsonRows(rows, opts) : formatCsv(rows, opts));
      }),
    );
}
