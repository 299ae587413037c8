/**
 * `radiogenomics extract IMAGE MASK [--params p.yaml] [--label N|all] [--out FILE]`: radiomic features of
 * one image/mask pair, PyRadiomics-compatible names and parameter files.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve as resolvePath } from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { formatCsv, formatJsonRows } from "../extract/output.js";
import { type ExtractionParams, resolveParams } from "../extract/params.js";
import { extractFiles, extractFilesWithEmbed } from "../batch/extractCase.js";
import type { IbsiConfig } from "../extract/ibsi.js";
import type { LabelResult } from "../extract/pipeline.js";
import { action, writeOutput } from "./util.js";

/** Read and validate a parameter file (the YAML parser is loaded only then); defaults without one. */
export async function loadParams(path: string | undefined): Promise<ExtractionParams> {
  if (!path) return resolveParams({});
  const { parseParams } = await import("../extract/paramFile.js");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new InputError("cannot read the parameter file", path);
  }
  const params = parseParams(text, path);
  // the embed section's files are named relative to the parameter file
  if (params.embed) {
    const base = dirname(resolvePath(path));
    const rel = (f: string | null) => (f === null || isAbsolute(f) ? f : resolvePath(base, f));
    params.embed = { ...params.embed, model: rel(params.embed.model), pca: rel(params.embed.pca) };
  }
  return params;
}

export function parseLabelOption(v: string | undefined): number | number[] | "all" | undefined {
  if (v === undefined) return undefined;
  if (v === "all") return "all";
  const parts = v.split(",").map((s) => Number(s.trim()));
  if (parts.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new InputError(`--label must be a positive integer, a comma-separated list, or "all"; got "${v}"`);
  }
  return parts.length === 1 ? parts[0] : parts;
}

interface ExtractOpts {
  params?: string;
  label?: string;
  out?: string;
  format?: "csv" | "json";
  diagnostics: boolean;
  ibsi?: string;
  voxelBased?: boolean;
  outDir?: string;
  ibsi2?: string;
  roi?: string;
  series?: string;
}

/** IBSI mode: features keyed by IBSI compliance tags, for one of the IBSI 1 configurations. */
async function extractIbsi(
  imagePath: string,
  maskPath: string,
  config: string,
  label: number | undefined,
  dicom: { roi?: string; series?: string } = {},
) {
  const { IBSI_CONFIGS, ibsiFeatures } = await import("../extract/ibsi.js");
  const c = (IBSI_CONFIGS as Record<string, IbsiConfig>)[config];
  if (!c)
    throw new InputError(`--ibsi must be one of ${Object.keys(IBSI_CONFIGS).join(", ")}, got "${config}"`);
  const { readImageAndMask } = await import("../io/pair.js");
  const { image, mask } = readImageAndMask(imagePath, maskPath, dicom);
  const features = ibsiFeatures(image, mask, c, { label });
  return { label: label ?? 1, diagnostics: { diagnostics_Configuration_IBSI: config }, features };
}

/** IBSI 2 phase 2: one configuration (1.A ... 9.B) from its shipped parameter file; the 18 stat_* tags. */
async function extractIbsi2(imagePath: string, maskPath: string, config: string, label: number | undefined) {
  const { fileURLToPath } = await import("node:url");
  const { existsSync, readdirSync } = await import("node:fs");
  const dir = fileURLToPath(new URL("../../examples/ibsi2/phase2/", import.meta.url));
  const ids = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .map((f) => f.slice(0, -5))
        .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
    : [];
  if (!ids.includes(config))
    throw new InputError(`--ibsi2 must be one of ${ids.join(", ")}; got "${config}"`);
  const path = `${dir}${config}.yaml`;
  const { parse } = await import("yaml");
  const { parseIbsi2Phase2, ibsi2Phase2Features } = await import("../extract/ibsi2.js");
  const cfg = parseIbsi2Phase2(parse(readFileSync(path, "utf8")), path);
  const { readImage } = await import("../io/read.js");
  const { io } = await import("./util.js");
  io.err(`extract: IBSI 2 phase 2 configuration ${config} (${path})\n`);
  let last = 0;
  const features = ibsi2Phase2Features(readImage(imagePath), readImage(maskPath), cfg, label ?? 1, (d, t) => {
    const now = Date.now();
    if (now - last > 1000 || d === t) {
      last = now;
      io.err(`extract: filter ${d}/${t} orientations/planes\r${d === t ? "\n" : ""}`);
    }
  });
  return { label: label ?? 1, diagnostics: { diagnostics_Configuration_IBSI2: config }, features };
}

export function register(program: Command): void {
  program
    .command("extract")
    .description("extract IBSI-compliant, PyRadiomics-compatible radiomic features from one image and mask")
    .argument("<image>", "image file (.nii, .nii.gz, .nrrd, .nhdr, .mha, .mhd)")
    .argument("<mask>", "segmentation mask (same formats, or a DICOM RTSTRUCT with --roi)")
    .option(
      "--roi <names>",
      'RTSTRUCT ROI name(s) or number(s), comma-separated, or "all" (labels 1, 2, ... in that order)',
    )
    .option("--series <uid>", "DICOM series of the image folder: SeriesInstanceUID or SeriesNumber")
    .option("-p, --params <file>", "PyRadiomics parameter file (YAML or JSON)")
    .option("-l, --label <label>", 'label value, comma-separated labels, or "all" (one row per label)')
    .option("-o, --out <file>", 'output file (.csv or .json; "-" for stdout)', "-")
    .option("-f, --format <format>", "output format when writing to stdout: csv or json")
    .option("--no-diagnostics", "omit the diagnostics_* columns")
    .option(
      "--ibsi <config>",
      "IBSI mode instead of PyRadiomics mode: every IBSI 1 feature (compliance tags) under a configuration: digital_phantom, config_A ... config_E",
    )
    .option("--voxel-based", "voxel-based feature maps (PyRadiomics voxelSetting), one NIfTI map per feature")
    .option("--out-dir <dir>", "folder for the --voxel-based maps")
    .option(
      "--ibsi2 <config>",
      "IBSI 2 phase 2 instead of PyRadiomics mode: a filter configuration 1.A ... 9.B on the CT phantom, the 18 stat_* tags",
    )
    .action(
      action(async (imagePath: string, maskPath: string, opts: ExtractOpts) => {
        const label = parseLabelOption(opts.label);
        if (opts.voxelBased) {
          const { runVoxelBased } = await import("./voxelBased.js");
          if (label !== undefined && typeof label !== "number")
            throw new InputError("--voxel-based takes a single --label");
          await runVoxelBased(imagePath, maskPath, await loadParams(opts.params), label, opts.outDir);
          return;
        }
        let results: LabelResult[];
        if (opts.ibsi2) {
          if (opts.params || opts.ibsi)
            throw new InputError(
              "--ibsi2 excludes --params and --ibsi (the configuration fixes the processing)",
            );
          if (label !== undefined && typeof label !== "number")
            throw new InputError("--ibsi2 takes a single --label");
          results = [(await extractIbsi2(imagePath, maskPath, opts.ibsi2, label)) as unknown as LabelResult];
        } else if (opts.ibsi) {
          if (opts.params)
            throw new InputError(
              "--ibsi and --params exclude each other (an IBSI configuration fixes the processing)",
            );
          if (label !== undefined && typeof label !== "number")
            throw new InputError("--ibsi takes a single --label");
          results = [
            await extractIbsi(imagePath, maskPath, opts.ibsi, label, { roi: opts.roi, series: opts.series }),
          ];
        } else {
          const params = await loadParams(opts.params);
          const dicom = { roi: opts.roi, series: opts.series };
          results = params.embed
            ? await extractFilesWithEmbed(imagePath, maskPath, params, label, undefined, dicom)
            : extractFiles(imagePath, maskPath, params, label, dicom);
        }
        const multi = results.length > 1 || label === "all" || Array.isArray(label);
        const rows = results.map((r) => ({
          ids: { Image: imagePath, Mask: maskPath, ...(multi ? { Label: r.label } : {}) },
          result: r,
        }));
        const format = opts.format ?? (opts.out && /\.json$/i.test(opts.out) ? "json" : "csv");
        if (format !== "csv" && format !== "json")
          throw new InputError(`--format must be csv or json, got "${format}"`);
        const text = format === "json" ? formatJsonRows(rows, opts) : formatCsv(rows, opts);
        writeOutput(opts.out, text);
      }),
    );
}
