/**
 * The `embed:` section of a parameter file (and the `embed` command's options): which ONNX model, which
 * preprocessing preset, and per-key overrides. Unknown keys and wrong types are refused with the allowed
 * keys and values, like the rest of the parameter file.
 */
import { InputError } from "../errors.js";
import { axisDirections } from "../image/patch.js";
import type { Vec3 } from "../image/volume.js";
import { PRESETS, PRESET_NAMES, type PresetName, type Recipe } from "./presets.js";

export interface EmbedSettings extends Recipe {
  preset: PresetName;
  /** Path of the .onnx model (the user's; nothing is bundled or downloaded). */
  model: string | null;
  /** Graph input / output to use (default: the first). */
  inputName: string | null;
  outputName: string | null;
  /** A saved PCA model (from `radiogenomics pca --save`) applied to the embedding. */
  pca: string | null;
  /** Column prefix: deep_<preset>_ (or `prefix`). */
  prefix: string;
}

const KEYS = [
  "model",
  "preset",
  "spacing",
  "patchSize",
  "axes",
  "placement",
  "interpolator",
  "window",
  "range",
  "clip",
  "padValue",
  "padStage",
  "inputName",
  "outputName",
  "pca",
  "prefix",
] as const;

/** Keys a `custom` recipe must give (the others have defaults). */
const CUSTOM_REQUIRED = ["spacing", "patchSize", "axes", "window"] as const;

const CUSTOM_DEFAULTS: Omit<Recipe, "spacing" | "patchSize" | "axes" | "window"> = {
  placement: "centroid",
  interpolator: "linear",
  range: [0, 1],
  clip: false,
  padValue: 0,
  padStage: "output",
};

function fail(key: string, want: string, got: unknown, source?: string): never {
  throw new InputError(
    `invalid value for "embed.${key}": expected ${want}, got ${JSON.stringify(got)}`,
    source,
  );
}

function vec3(key: string, v: unknown, integer: boolean, source?: string): Vec3 {
  const want = integer ? "a positive integer or a list of 3" : "a positive number (mm) or a list of 3";
  const list = typeof v === "number" ? [v, v, v] : v;
  if (!Array.isArray(list) || list.length !== 3) fail(key, want, v, source);
  for (const x of list)
    if (typeof x !== "number" || !Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x)))
      fail(key, want, v, source);
  return list as Vec3;
}

function pair(key: string, v: unknown, source?: string): [number, number] {
  if (
    !Array.isArray(v) ||
    v.length !== 2 ||
    !v.every((x) => typeof x === "number" && Number.isFinite(x)) ||
    v[0] >= v[1]
  )
    fail(key, "a list [lo, hi] of two finite numbers with lo < hi", v, source);
  return [v[0], v[1]];
}

function oneOf<T extends string>(key: string, v: unknown, allowed: readonly T[], source?: string): T {
  if (typeof v !== "string" || !allowed.includes(v as T))
    fail(key, `one of ${allowed.join(", ")}`, v, source);
  return v as T;
}

function str(key: string, v: unknown, source?: string): string {
  if (typeof v !== "string" || v === "") fail(key, "a non-empty string", v, source);
  return v;
}

/** Validates an `embed:` mapping (from a parameter file or assembled from command-line options). */
export function resolveEmbedSettings(raw: unknown, source?: string): EmbedSettings {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new InputError('"embed" must be a mapping (model, preset, ...)', source);
  const obj = raw as Record<string, unknown>;
  const unknown = Object.keys(obj).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new InputError(
      `unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")} in embed (allowed: ${KEYS.join(", ")})`,
      source,
    );
  if (obj.preset === undefined)
    throw new InputError(`"embed.preset" is required (one of ${PRESET_NAMES.join(", ")})`, source);
  const preset = oneOf("preset", obj.preset, PRESET_NAMES, source);
  let base: Partial<Recipe>;
  if (preset === "custom") {
    const missing = CUSTOM_REQUIRED.filter((k) => obj[k] === undefined);
    if (missing.length > 0)
      throw new InputError(
        `the custom preset needs ${missing.map((k) => `"embed.${k}"`).join(", ")} (a custom recipe states its spacing, patch size, axes and intensity window)`,
        source,
      );
    base = { ...CUSTOM_DEFAULTS };
  } else {
    const { name: _n, source: _s, ...recipe } = PRESETS[preset];
    base = recipe;
  }
  const r: Recipe = {
    spacing: obj.spacing !== undefined ? vec3("spacing", obj.spacing, false, source) : base.spacing!,
    patchSize: obj.patchSize !== undefined ? vec3("patchSize", obj.patchSize, true, source) : base.patchSize!,
    axes: obj.axes !== undefined ? str("axes", obj.axes, source).toUpperCase() : base.axes!,
    placement:
      obj.placement !== undefined
        ? oneOf("placement", obj.placement, ["centroid", "seed"] as const, source)
        : base.placement!,
    interpolator:
      obj.interpolator !== undefined
        ? oneOf("interpolator", obj.interpolator, ["linear", "nearest"] as const, source)
        : base.interpolator!,
    window: obj.window !== undefined ? pair("window", obj.window, source) : base.window!,
    range: obj.range !== undefined ? pair("range", obj.range, source) : base.range!,
    clip:
      obj.clip !== undefined
        ? typeof obj.clip === "boolean"
          ? obj.clip
          : fail("clip", "true or false", obj.clip, source)
        : base.clip!,
    padValue:
      obj.padValue !== undefined
        ? typeof obj.padValue === "number" && Number.isFinite(obj.padValue)
          ? obj.padValue
          : fail("padValue", "a finite number", obj.padValue, source)
        : base.padValue!,
    padStage:
      obj.padStage !== undefined
        ? oneOf("padStage", obj.padStage, ["input", "output"] as const, source)
        : base.padStage!,
  };
  try {
    axisDirections(r.axes);
  } catch (e) {
    throw new InputError(`invalid value for "embed.axes": ${(e as Error).message}`, source);
  }
  const prefix = obj.prefix !== undefined ? str("prefix", obj.prefix, source) : `deep_${preset}_`;
  return {
    ...r,
    preset,
    model: obj.model !== undefined && obj.model !== null ? str("model", obj.model, source) : null,
    inputName: obj.inputName !== undefined ? str("inputName", obj.inputName, source) : null,
    outputName: obj.outputName !== undefined ? str("outputName", obj.outputName, source) : null,
    pca: obj.pca !== undefined && obj.pca !== null ? str("pca", obj.pca, source) : null,
    prefix,
  };
}
