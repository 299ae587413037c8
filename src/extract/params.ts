/**
 * PyRadiomics parameter files (YAML/JSON) and extraction settings.
 *
 * The accepted keys and types follow PyRadiomics' own schema (radiomics/schemas/paramSchema.yaml):
 * sections `setting`, `imageType` (each image type may override settings), `featureClass`, `voxelSetting`.
 * Unknown keys and wrong types are rejected with the key's name and the allowed keys/values. Keys that
 * PyRadiomics accepts but we do not compute yet (image types other than Original, resampling, LBP settings)
 * are accepted by the schema and reported by `unsupportedSettings`, so callers can refuse them clearly.
 */

import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { InputError } from "../errors.js";
import {
  FEATURE_CLASSES,
  FEATURE_CLASS_NAMES,
  type FeatureClassName,
  IMAGE_TYPES,
  type ImageTypeName,
  SUPPORTED_IMAGE_TYPES,
} from "./featureNames.js";

const INTERPOLATORS = [
  "sitkNearestNeighbor",
  "sitkLinear",
  "sitkBSpline",
  "sitkGaussian",
  "sitkLabelGaussian",
  "sitkHammingWindowedSinc",
  "sitkCosineWindowedSinc",
  "sitkWelchWindowedSinc",
  "sitkLanczosWindowedSinc",
  "sitkBlackmanWindowedSinc",
] as const;

const WEIGHTING_NORMS = ["manhattan", "euclidean", "infinity", "no_weighting"] as const;

const WAVELETS = [
  "haar",
  ...Array.from({ length: 20 }, (_, i) => `db${i + 1}`),
  ...Array.from({ length: 19 }, (_, i) => `sym${i + 2}`),
  ...Array.from({ length: 5 }, (_, i) => `coif${i + 1}`),
  "bior1.1",
  "bior1.3",
  "bior1.5",
  "bior2.2",
  "bior2.4",
  "bior2.6",
  "bior2.8",
  "bior3.1",
  "bior3.3",
  "bior3.5",
  "bior3.7",
  "bior3.9",
  "bior4.4",
  "bior5.5",
  "bior6.8",
  "rbio1.1",
  "rbio1.3",
  "rbio1.5",
  "rbio2.2",
  "rbio2.4",
  "rbio2.6",
  "rbio2.8",
  "rbio3.1",
  "rbio3.3",
  "rbio3.5",
  "rbio3.7",
  "rbio3.9",
  "rbio4.4",
  "rbio5.5",
  "rbio6.8",
  "dmey",
];

const int = () => z.number().int();
const num = () => z.number();
// YAML `key:` with no value means None in PyRadiomics.
const opt = <T extends z.ZodType>(t: T) => t.nullable().optional();

/** The `setting` section (and per-image-type overrides). */
const settingShape = {
  minimumROIDimensions: opt(int().min(1).max(3)),
  minimumROISize: opt(int().positive()),
  geometryTolerance: opt(num().positive()),
  correctMask: opt(z.boolean()),
  additionalInfo: opt(z.boolean()),
  label: opt(int().positive()),
  label_channel: opt(int().min(0)),
  binWidth: opt(num().positive()),
  binCount: opt(int().positive()),
  normalize: opt(z.boolean()),
  normalizeScale: opt(num().positive()),
  removeOutliers: opt(num().positive()),
  resampledPixelSpacing: opt(z.array(num().min(0))),
  interpolator: opt(z.union([z.enum(INTERPOLATORS), int().min(0).max(9)])),
  padDistance: opt(int().min(0)),
  distances: opt(z.array(int().positive()).min(1)),
  force2D: opt(z.boolean()),
  force2Ddimension: opt(int().min(0).max(2)),
  resegmentRange: opt(z.array(num()).min(1).max(2)),
  resegmentMode: opt(z.enum(["absolute", "relative", "sigma"])),
  resegmentShape: opt(z.boolean()),
  preCrop: opt(z.boolean()),
  sigma: opt(z.array(num().positive())),
  start_level: opt(int().min(0)),
  level: opt(int().positive()),
  wavelet: opt(z.enum(WAVELETS as [string, ...string[]])),
  gradientUseSpacing: opt(z.boolean()),
  lbp2DRadius: opt(num().positive()),
  lbp2DSamples: opt(int().min(1)),
  lbp2DMethod: opt(z.enum(["default", "ror", "uniform", "var"])),
  lbp3DLevels: opt(int().min(1)),
  lbp3DIcosphereRadius: opt(num().positive()),
  lbp3DIcosphereSubdivision: opt(int().min(0)),
  voxelArrayShift: opt(int()),
  symmetricalGLCM: opt(z.boolean()),
  weightingNorm: opt(z.enum(WEIGHTING_NORMS)),
  gldm_a: opt(int().min(0)),
};

const settingSchema = z.object(settingShape).strict();

const voxelSettingSchema = z
  .object({
    kernelRadius: opt(int().positive()),
    maskedKernel: opt(z.boolean()),
    // PyYAML reads `nan` as a string; PyRadiomics converts it with float().
    initValue: opt(
      z.preprocess(
        (v) =>
          typeof v === "string" && /^[+-]?(\.?nan|\.?inf)$/i.test(v)
            ? Number(v.replace(".", "").replace(/inf/i, "Infinity").replace(/nan/i, "NaN"))
            : v,
        z.union([num(), z.nan()]),
      ),
    ),
    voxelBatch: opt(int().positive()),
  })
  .strict();

const paramFileSchema = z
  .object({
    setting: opt(settingSchema),
    imageType: opt(z.record(z.string(), opt(settingSchema))),
    featureClass: opt(z.record(z.string(), opt(z.array(z.string())))),
    voxelSetting: opt(voxelSettingSchema),
  })
  .strict();

export type RawSettings = z.infer<typeof settingSchema>;

/** Fully resolved settings for one image type (PyRadiomics defaults filled in). */
export interface ExtractionSettings {
  minimumROIDimensions: number;
  minimumROISize: number | null;
  geometryTolerance: number | null;
  correctMask: boolean;
  additionalInfo: boolean;
  label: number;
  binWidth: number;
  binCount: number | null;
  normalize: boolean;
  normalizeScale: number;
  removeOutliers: number | null;
  resampledPixelSpacing: number[] | null;
  interpolator: string | number;
  padDistance: number;
  distances: number[];
  force2D: boolean;
  force2Ddimension: 0 | 1 | 2;
  resegmentRange: number[] | null;
  resegmentMode: "absolute" | "relative" | "sigma";
  resegmentShape: boolean;
  preCrop: boolean;
  voxelArrayShift: number;
  symmetricalGLCM: boolean;
  weightingNorm: null | "manhattan" | "euclidean" | "infinity" | "no_weighting";
  gldm_a: number;
  /** Filter-specific keys (sigma, wavelet, ...) kept as given. */
  filter: Partial<RawSettings>;
}

/** PyRadiomics' defaults (featureextractor.getDefaultSettings + feature-class defaults). */
export const DEFAULT_SETTINGS: ExtractionSettings = {
  minimumROIDimensions: 2,
  minimumROISize: null,
  geometryTolerance: null,
  correctMask: false,
  additionalInfo: true,
  label: 1,
  binWidth: 25,
  binCount: null,
  normalize: false,
  normalizeScale: 1,
  removeOutliers: null,
  resampledPixelSpacing: null,
  interpolator: "sitkBSpline",
  padDistance: 5,
  distances: [1],
  force2D: false,
  force2Ddimension: 0,
  resegmentRange: null,
  resegmentMode: "absolute",
  resegmentShape: false,
  preCrop: false,
  voxelArrayShift: 0,
  symmetricalGLCM: true,
  weightingNorm: null,
  gldm_a: 0,
  filter: {},
};

/** Enabled features per class: the list of names to compute (deprecated ones only when named). */
export type EnabledFeatures = Partial<Record<FeatureClassName, string[]>>;

export interface ExtractionParams {
  /** Global settings (the `setting` section). */
  settings: ExtractionSettings;
  /** Enabled image types with their resolved settings (global settings overridden per type). */
  imageTypes: Partial<Record<ImageTypeName, ExtractionSettings>>;
  /** Enabled feature classes and features. */
  features: EnabledFeatures;
  voxelSetting: z.infer<typeof voxelSettingSchema> | null;
  /** The parsed parameter object as given (for provenance). */
  raw: unknown;
}

const FILTER_KEYS = [
  "sigma",
  "start_level",
  "level",
  "wavelet",
  "gradientUseSpacing",
  "lbp2DRadius",
  "lbp2DSamples",
  "lbp2DMethod",
  "lbp3DLevels",
  "lbp3DIcosphereRadius",
  "lbp3DIcosphereSubdivision",
] as const;

function formatPath(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".");
}

function allowedKeysAt(path: PropertyKey[]): string[] {
  if (path.length === 0) return ["setting", "imageType", "featureClass", "voxelSetting"];
  if (path[0] === "voxelSetting") return ["kernelRadius", "maskedKernel", "initValue", "voxelBatch"];
  return Object.keys(settingShape);
}

/** Turn a zod error into one line naming the key and what is allowed. */
function describeZodError(err: z.ZodError, source: string): InputError {
  const issue = err.issues[0]!;
  const where = formatPath(issue.path as PropertyKey[]);
  let msg: string;
  if (issue.code === "unrecognized_keys") {
    const keys = (issue as { keys: string[] }).keys;
    const allowed = allowedKeysAt(issue.path as PropertyKey[]);
    msg = `unknown key${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}${where ? ` in ${where}` : ""} (allowed: ${allowed.join(", ")})`;
  } else if (issue.code === "invalid_value") {
    const values = (issue as { values: unknown[] }).values;
    msg = `invalid value for "${where}" (allowed: ${values.map((v) => JSON.stringify(v)).join(", ")})`;
  } else if (issue.code === "invalid_union" && where.endsWith("interpolator")) {
    msg = `invalid value for "${where}" (allowed: ${INTERPOLATORS.join(", ")} or an integer 0-9)`;
  } else {
    msg = `invalid value for "${where || "parameters"}": ${issue.message}`;
  }
  return new InputError(msg, source);
}

function resolve(base: ExtractionSettings, raw: RawSettings | null | undefined): ExtractionSettings {
  const out: ExtractionSettings = { ...base, filter: { ...base.filter } };
  if (!raw) return out;
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    if ((FILTER_KEYS as readonly string[]).includes(k)) {
      (out.filter as Record<string, unknown>)[k] = v;
      continue;
    }
    if (k === "label_channel") continue;
    // null means "None": for keys whose default is not null, None restores the default.
    const target = out as unknown as Record<string, unknown>;
    target[k] = v === null ? (DEFAULT_SETTINGS as unknown as Record<string, unknown>)[k] : v;
  }
  return out;
}

/** Validate and resolve a parameter object (already parsed from YAML/JSON). */
export function resolveParams(input: unknown, source = "parameters"): ExtractionParams {
  const obj = input ?? {};
  const parsed = paramFileSchema.safeParse(obj);
  if (!parsed.success) throw describeZodError(parsed.error, source);
  const p = parsed.data;
  const settings = resolve(DEFAULT_SETTINGS, p.setting);

  const imageTypes: Partial<Record<ImageTypeName, ExtractionSettings>> = {};
  const givenTypes = p.imageType ?? { Original: {} };
  for (const [name, overrides] of Object.entries(givenTypes)) {
    if (!(IMAGE_TYPES as readonly string[]).includes(name)) {
      throw new InputError(
        `unknown image type "${name}" in imageType (allowed: ${IMAGE_TYPES.join(", ")})`,
        source,
      );
    }
    imageTypes[name as ImageTypeName] = resolve(settings, overrides);
  }

  const features: EnabledFeatures = {};
  const givenClasses =
    p.featureClass ??
    Object.fromEntries(FEATURE_CLASS_NAMES.filter((c) => c !== "shape2D").map((c) => [c, null]));
  for (const [cls, list] of Object.entries(givenClasses)) {
    if (!(FEATURE_CLASS_NAMES as string[]).includes(cls)) {
      throw new InputError(
        `unknown feature class "${cls}" in featureClass (allowed: ${FEATURE_CLASS_NAMES.join(", ")})`,
        source,
      );
    }
    const c = FEATURE_CLASSES[cls as FeatureClassName];
    const all = [...c.active, ...c.deprecated] as string[];
    if (!list || list.length === 0) {
      features[cls as FeatureClassName] = [...c.active];
      continue;
    }
    for (const f of list) {
      if (!all.includes(f)) {
        throw new InputError(
          `unknown feature "${f}" in featureClass.${cls} (allowed: ${all.join(", ")})`,
          source,
        );
      }
    }
    features[cls as FeatureClassName] = [...new Set(list)];
  }
  return { settings, imageTypes, features, voxelSetting: p.voxelSetting ?? null, raw: obj };
}

/** Parse a PyRadiomics parameter file's text (YAML or JSON). */
export function parseParams(text: string, source = "parameters"): ExtractionParams {
  let obj: unknown;
  try {
    obj = parseYaml(text);
  } catch (e) {
    throw new InputError(`not valid YAML/JSON: ${(e as Error).message.split("\n")[0]}`, source);
  }
  if (obj !== null && obj !== undefined && (typeof obj !== "object" || Array.isArray(obj))) {
    throw new InputError(
      "a parameter file must be a mapping with sections setting / imageType / featureClass",
      source,
    );
  }
  return resolveParams(obj, source);
}

/**
 * Settings that are valid PyRadiomics but that this version does not compute yet, as human-readable
 * reasons (empty when everything requested is supported).
 */
export function unsupportedSettings(params: ExtractionParams): string[] {
  const out: string[] = [];
  const add = (m: string) => {
    if (!out.includes(m)) out.push(m);
  };
  for (const [name, s] of Object.entries(params.imageTypes)) {
    if (!SUPPORTED_IMAGE_TYPES.includes(name as ImageTypeName)) {
      add(`image type "${name}" is not supported yet (supported: ${SUPPORTED_IMAGE_TYPES.join(", ")})`);
    }
    if (s?.resampledPixelSpacing?.some((v) => v !== 0)) {
      add(
        `resampling (resampledPixelSpacing ${JSON.stringify(s.resampledPixelSpacing)}) is not supported yet`,
      );
    }
  }
  if (params.voxelSetting) add("voxel-based extraction (voxelSetting) is not supported yet");
  return out;
}
