/**
 * PyRadiomics parameter files (YAML/JSON) and extraction settings.
 *
 * The accepted keys and types follow PyRadiomics' own schema (radiomics/schemas/paramSchema.yaml):
 * sections `setting`, `imageType` (each image type may override settings), `featureClass`, `voxelSetting`.
 * Unknown keys and wrong types are rejected with the key's name and the allowed keys/values. Keys that
 * PyRadiomics accepts but we do not compute yet (image types other than Original, resampling, LBP settings)
 * are accepted by the schema and reported by `unsupportedSettings`, so callers can refuse them clearly.
 */

import { type EmbedSettings, resolveEmbedSettings } from "../deep/settings.js";
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

/**
 * A small declarative schema, mirroring PyRadiomics' paramSchema.yaml (kwalify): type, range, allowed
 * values. Hand-written rather than zod because zod alone costs ~120 ms of start-up, a fifth of a whole
 * `radiogenomics extract` run, and because the messages must name the key and what is allowed.
 */
type Rule =
  | { type: "int" | "float"; min?: number; minEx?: number; max?: number; nan?: boolean }
  | { type: "bool" }
  | { type: "enum"; values: readonly string[] }
  | { type: "list"; item: Rule; minLength?: number; maxLength?: number }
  | { type: "interpolator" };

const INT = (r: { min?: number; minEx?: number; max?: number } = {}): Rule => ({ type: "int", ...r });
const FLOAT = (r: { min?: number; minEx?: number; max?: number } = {}): Rule => ({ type: "float", ...r });
const BOOL: Rule = { type: "bool" };
const ENUM = (values: readonly string[]): Rule => ({ type: "enum", values });
const LIST = (item: Rule, r: { minLength?: number; maxLength?: number } = {}): Rule => ({
  type: "list",
  item,
  ...r,
});

/** The `setting` section (and per-image-type overrides). */
const SETTING_RULES: Record<string, Rule> = {
  minimumROIDimensions: INT({ min: 1, max: 3 }),
  minimumROISize: INT({ minEx: 0 }),
  geometryTolerance: FLOAT({ minEx: 0 }),
  correctMask: BOOL,
  additionalInfo: BOOL,
  label: INT({ minEx: 0 }),
  label_channel: INT({ min: 0 }),
  binWidth: FLOAT({ minEx: 0 }),
  binCount: INT({ minEx: 0 }),
  normalize: BOOL,
  normalizeScale: FLOAT({ minEx: 0 }),
  removeOutliers: FLOAT({ minEx: 0 }),
  resampledPixelSpacing: LIST(FLOAT({ min: 0 })),
  interpolator: { type: "interpolator" },
  padDistance: INT({ min: 0 }),
  distances: LIST(INT({ minEx: 0 }), { minLength: 1 }),
  force2D: BOOL,
  force2Ddimension: INT({ min: 0, max: 2 }),
  resegmentRange: LIST(FLOAT(), { minLength: 1, maxLength: 2 }),
  resegmentMode: ENUM(["absolute", "relative", "sigma"]),
  resegmentShape: BOOL,
  preCrop: BOOL,
  sigma: LIST(FLOAT({ minEx: 0 })),
  start_level: INT({ min: 0 }),
  level: INT({ minEx: 0 }),
  wavelet: ENUM(WAVELETS),
  gradientUseSpacing: BOOL,
  lbp2DRadius: FLOAT({ minEx: 0 }),
  lbp2DSamples: INT({ min: 1 }),
  lbp2DMethod: ENUM(["default", "ror", "uniform", "var"]),
  lbp3DLevels: INT({ min: 1 }),
  lbp3DIcosphereRadius: FLOAT({ minEx: 0 }),
  lbp3DIcosphereSubdivision: INT({ min: 0 }),
  voxelArrayShift: INT(),
  symmetricalGLCM: BOOL,
  weightingNorm: ENUM(WEIGHTING_NORMS),
  gldm_a: INT({ min: 0 }),
};

const VOXEL_SETTING_RULES: Record<string, Rule> = {
  kernelRadius: INT({ minEx: 0 }),
  maskedKernel: BOOL,
  initValue: { type: "float", nan: true },
  voxelBatch: INT({ minEx: 0 }),
};

const SECTIONS = ["setting", "imageType", "featureClass", "voxelSetting", "embed"];

function describeRule(r: Rule): string {
  switch (r.type) {
    case "bool":
      return "true or false";
    case "enum":
      return `one of ${r.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "interpolator":
      return `one of ${INTERPOLATORS.join(", ")} or an integer 0-9`;
    case "list":
      return `a list of ${describeRule(r.item)
        .replace(/^an integer/, "integers")
        .replace(
          /^a number/,
          "numbers",
        )}${r.minLength ? ` (at least ${r.minLength})` : ""}${r.maxLength ? ` (at most ${r.maxLength})` : ""}`;
    default: {
      const bounds: string[] = [];
      if (r.min !== undefined) bounds.push(`>= ${r.min}`);
      if (r.minEx !== undefined) bounds.push(`> ${r.minEx}`);
      if (r.max !== undefined) bounds.push(`<= ${r.max}`);
      return `${r.type === "int" ? "an integer" : "a number"}${bounds.length ? ` ${bounds.join(" and ")}` : ""}`;
    }
  }
}

/** PyYAML reads `nan`/`inf` as strings; PyRadiomics converts them with float(). */
function specialFloat(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^([+-]?)\.?(nan|inf|infinity)$/i.exec(v.trim());
  if (!m) return undefined;
  if (m[2]!.toLowerCase() === "nan") return Number.NaN;
  return m[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

function checkValue(v: unknown, r: Rule): unknown | typeof INVALID {
  switch (r.type) {
    case "bool":
      return typeof v === "boolean" ? v : INVALID;
    case "enum":
      return typeof v === "string" && r.values.includes(v) ? v : INVALID;
    case "interpolator":
      if (typeof v === "string" && (INTERPOLATORS as readonly string[]).includes(v)) return v;
      return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 9 ? v : INVALID;
    case "list": {
      if (!Array.isArray(v)) return INVALID;
      if (
        (r.minLength !== undefined && v.length < r.minLength) ||
        (r.maxLength !== undefined && v.length > r.maxLength)
      ) {
        return INVALID;
      }
      const out = v.map((x) => checkValue(x, r.item));
      return out.includes(INVALID) ? INVALID : out;
    }
    default: {
      let x = v;
      if (r.nan) x = specialFloat(v) ?? v;
      if (typeof x !== "number") return INVALID;
      if (Number.isNaN(x)) return r.nan ? x : INVALID;
      if (r.type === "int" && !Number.isInteger(x)) return INVALID;
      if (r.min !== undefined && !(x >= r.min)) return INVALID;
      if (r.minEx !== undefined && !(x > r.minEx)) return INVALID;
      if (r.max !== undefined && !(x <= r.max)) return INVALID;
      return x;
    }
  }
}

const INVALID = Symbol("invalid");

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Validate one mapping against rules; YAML `key:` with no value (null) means None in PyRadiomics. */
function checkMapping(
  obj: unknown,
  rules: Record<string, Rule>,
  where: string,
  source: string,
): Record<string, unknown> {
  if (obj === null || obj === undefined) return {};
  if (!isMapping(obj)) throw new InputError(`"${where}" must be a mapping of key: value`, source);
  const out: Record<string, unknown> = {};
  const unknown = Object.keys(obj).filter((k) => !(k in rules));
  if (unknown.length > 0) {
    throw new InputError(
      `unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")} in ${where} (allowed: ${Object.keys(rules).join(", ")})`,
      source,
    );
  }
  for (const [k, v] of Object.entries(obj)) {
    if (v === null || v === undefined) {
      out[k] = null;
      continue;
    }
    const rule = rules[k]!;
    const checked = checkValue(v, rule);
    if (checked === INVALID) {
      throw new InputError(
        `invalid value for "${where}.${k}": expected ${describeRule(rule)}, got ${JSON.stringify(v)}`,
        source,
      );
    }
    out[k] = checked;
  }
  return out;
}

/** A validated `setting` mapping (null = None). */
export type RawSettings = Record<string, unknown>;

export interface VoxelSettings {
  kernelRadius?: number | null;
  maskedKernel?: boolean | null;
  initValue?: number | null;
  voxelBatch?: number | null;
}

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
  voxelSetting: VoxelSettings | null;
  /** Deep features (`embed:` section): ONNX model and preprocessing recipe; null when absent. */
  embed: EmbedSettings | null;
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
  if (!isMapping(obj)) {
    throw new InputError(
      "a parameter file must be a mapping with sections setting / imageType / featureClass",
      source,
    );
  }
  const unknownSections = Object.keys(obj).filter((k) => !SECTIONS.includes(k));
  if (unknownSections.length > 0) {
    throw new InputError(
      `unknown key${unknownSections.length > 1 ? "s" : ""} ${unknownSections.map((k) => `"${k}"`).join(", ")} (allowed: ${SECTIONS.join(", ")})`,
      source,
    );
  }
  const setting = checkMapping(obj.setting, SETTING_RULES, "setting", source);
  const voxelSetting =
    obj.voxelSetting == null
      ? null
      : checkMapping(obj.voxelSetting, VOXEL_SETTING_RULES, "voxelSetting", source);
  let imageType: Record<string, RawSettings> | undefined;
  if (obj.imageType != null) {
    if (!isMapping(obj.imageType))
      throw new InputError('"imageType" must be a mapping of image type: settings', source);
    imageType = {};
    for (const [name, overrides] of Object.entries(obj.imageType)) {
      imageType[name] = checkMapping(overrides, SETTING_RULES, `imageType.${name}`, source);
    }
  }
  let featureClass: Record<string, string[] | null> | undefined;
  if (obj.featureClass != null) {
    if (!isMapping(obj.featureClass))
      throw new InputError('"featureClass" must be a mapping of class: [features]', source);
    featureClass = {};
    for (const [cls, list] of Object.entries(obj.featureClass)) {
      if (
        list !== null &&
        list !== undefined &&
        (!Array.isArray(list) || list.some((f) => typeof f !== "string"))
      ) {
        throw new InputError(
          `invalid value for "featureClass.${cls}": expected a list of feature names or nothing`,
          source,
        );
      }
      featureClass[cls] = (list as string[] | null | undefined) ?? null;
    }
  }
  const p = { setting, imageType, featureClass, voxelSetting: voxelSetting as VoxelSettings | null };
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
  const embed = obj.embed == null ? null : resolveEmbedSettings(obj.embed, source);
  return { settings, imageTypes, features, voxelSetting: p.voxelSetting, embed, raw: obj };
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
