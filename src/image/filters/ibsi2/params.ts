/**
 * IBSI 2 filter settings as data: the `filter:` block of a parameter file, validated, with physical
 * units (mm, degrees) as the IBSI 2 manual states them. Unknown keys and wrong values are refused,
 * naming the key, the value and what is allowed.
 */
import { InputError } from "../../../errors.js";
import { BOUNDARY_MODES, type BoundaryMode } from "./grid.js";
import { LAWS_NAMES, parseLawsName, WAVELET_NAMES } from "./kernels.js";

export const FILTER_TYPES = ["mean", "log", "laws", "gabor", "wavelet", "simoncelli"] as const;
export type FilterType = (typeof FILTER_TYPES)[number];

export interface FilterSpec {
  type: FilterType;
  /** "2D": slice by slice in the axial (x, y) plane; "3D": volumetric */
  dimensions: "2D" | "3D";
  boundary: BoundaryMode;
  /** mean: support in voxels */
  support?: number;
  /** log, gabor: mm */
  sigma?: number;
  /** log: kernel half-width in units of sigma (IBSI 2: 4) */
  truncate?: number;
  /** laws: kernel name, x axis first (E5L5S5, L5S5) */
  kernel?: string;
  rotationInvariant?: boolean;
  pooling?: "max" | "mean";
  energy?: boolean;
  /** laws energy: Chebyshev distance delta (window 2 delta + 1) */
  distance?: number;
  /** gabor: wavelength, mm */
  lambda?: number;
  /** gabor: spatial aspect ratio */
  gamma?: number;
  /** gabor: orientation, degrees (first orientation when rotation invariant) */
  theta?: number;
  /** gabor: orientation step, degrees (rotation invariant: theta, theta + step, ... < theta + 360) */
  thetaStep?: number;
  /** gabor: also filter the coronal and sagittal planes and average (IBSI 2 "orthogonal planes") */
  orthogonalPlanes?: boolean;
  /** wavelet: family (haar, db1 ... db4, coif1) */
  family?: string;
  /** wavelet: sub-band, one L/H letter per axis, x first */
  band?: string;
  /** wavelet, simoncelli: decomposition level */
  level?: number;
}

const COMMON = ["type", "dimensions", "boundary"];
const KEYS: Record<FilterType, string[]> = {
  mean: [...COMMON, "support"],
  log: [...COMMON, "sigma", "truncate"],
  laws: [...COMMON, "kernel", "rotationInvariant", "pooling", "energy", "distance"],
  gabor: [
    ...COMMON,
    "sigma",
    "lambda",
    "gamma",
    "theta",
    "thetaStep",
    "rotationInvariant",
    "pooling",
    "orthogonalPlanes",
  ],
  wavelet: [...COMMON, "family", "band", "level", "rotationInvariant", "pooling"],
  simoncelli: [...COMMON, "level"],
};

const BOUNDARY_ALIASES: Record<string, BoundaryMode> = {
  constant: "constant",
  zero: "constant",
  nearest: "nearest",
  periodic: "periodic",
  wrap: "periodic",
  mirror: "mirror",
};

function fail(source: string | undefined, key: string, value: unknown, allowed: string): never {
  throw new InputError(`filter.${key}: ${JSON.stringify(value)} is not allowed (${allowed})`, source);
}

function num(
  o: Record<string, unknown>,
  key: string,
  source: string | undefined,
  opts: { integer?: boolean; min?: number; positive?: boolean; def?: number },
): number | undefined {
  const v = o[key];
  if (v === undefined) return opts.def;
  if (typeof v !== "number" || !Number.isFinite(v)) fail(source, key, v, "a number");
  if (opts.integer && !Number.isInteger(v)) fail(source, key, v, "an integer");
  if (opts.positive && v <= 0) fail(source, key, v, "a positive number");
  if (opts.min !== undefined && v < opts.min) fail(source, key, v, `at least ${opts.min}`);
  return v;
}

function bool(o: Record<string, unknown>, key: string, source: string | undefined, def: boolean): boolean {
  const v = o[key];
  if (v === undefined) return def;
  if (typeof v !== "boolean") fail(source, key, v, "true or false");
  return v;
}

function required<T>(v: T | undefined, key: string, type: string, source: string | undefined): T {
  if (v === undefined) throw new InputError(`filter.${key} is required for filter type ${type}`, source);
  return v;
}

/** Validate a `filter:` object from a parameter file. */
export function parseFilterSpec(raw: unknown, source?: string): FilterSpec {
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new InputError(
      "filter: must be a mapping (type: mean | log | laws | gabor | wavelet | simoncelli, ...)",
      source,
    );
  const o = raw as Record<string, unknown>;
  const type = o.type;
  if (typeof type !== "string" || !(FILTER_TYPES as readonly string[]).includes(type))
    fail(source, "type", type, `one of ${FILTER_TYPES.join(", ")}`);
  const t = type as FilterType;
  for (const k of Object.keys(o))
    if (!KEYS[t].includes(k))
      fail(source, k, o[k], `unknown key for type ${t}; allowed keys: ${KEYS[t].join(", ")}`);
  const dims = o.dimensions ?? (t === "laws" ? undefined : "3D");
  if (dims !== undefined && dims !== "2D" && dims !== "3D") fail(source, "dimensions", dims, "2D or 3D");
  const b = o.boundary ?? "mirror";
  if (typeof b !== "string" || !(b in BOUNDARY_ALIASES))
    fail(source, "boundary", b, `one of ${BOUNDARY_MODES.join(", ")} (aliases zero, wrap)`);
  const spec: FilterSpec = {
    type: t,
    dimensions: (dims as "2D" | "3D") ?? "3D",
    boundary: BOUNDARY_ALIASES[b]!,
  };
  const pooling = o.pooling;
  if (pooling !== undefined && pooling !== "max" && pooling !== "mean")
    fail(source, "pooling", pooling, "max or mean");
  switch (t) {
    case "mean":
      spec.support = required(num(o, "support", source, { integer: true, min: 1 }), "support", t, source);
      if (spec.support % 2 === 0) fail(source, "support", spec.support, "an odd number of voxels");
      break;
    case "log":
      spec.sigma = required(num(o, "sigma", source, { positive: true }), "sigma", t, source);
      spec.truncate = num(o, "truncate", source, { positive: true, def: 4 });
      break;
    case "laws": {
      const k = o.kernel;
      const parts = typeof k === "string" ? parseLawsName(k) : undefined;
      if (!parts) fail(source, "kernel", k, `2 or 3 of ${LAWS_NAMES.join(", ")}, x axis first, e.g. E5L5S5`);
      spec.kernel = parts.join("");
      const want = parts.length === 2 ? "2D" : "3D";
      if (o.dimensions !== undefined && o.dimensions !== want)
        fail(source, "dimensions", o.dimensions, `${want} for a ${parts.length}-part kernel`);
      spec.dimensions = want;
      spec.rotationInvariant = bool(o, "rotationInvariant", source, false);
      spec.pooling = (pooling as "max" | "mean") ?? "max";
      spec.energy = bool(o, "energy", source, false);
      spec.distance = num(o, "distance", source, { integer: true, min: 1, def: 7 });
      break;
    }
    case "gabor":
      spec.sigma = required(num(o, "sigma", source, { positive: true }), "sigma", t, source);
      spec.lambda = required(num(o, "lambda", source, { positive: true }), "lambda", t, source);
      spec.gamma = required(num(o, "gamma", source, { positive: true }), "gamma", t, source);
      spec.theta = num(o, "theta", source, { def: 0 });
      spec.rotationInvariant = bool(o, "rotationInvariant", source, false);
      spec.thetaStep = num(o, "thetaStep", source, { positive: true });
      if (spec.rotationInvariant && spec.thetaStep === undefined)
        throw new InputError("filter.thetaStep is required when filter.rotationInvariant is true", source);
      spec.pooling = (pooling as "max" | "mean") ?? "mean";
      spec.orthogonalPlanes = bool(
        o,
        "orthogonalPlanes",
        source,
        spec.rotationInvariant && spec.dimensions === "3D",
      );
      if (spec.dimensions === "2D" && spec.orthogonalPlanes)
        fail(source, "orthogonalPlanes", true, "false when dimensions is 2D");
      break;
    case "wavelet": {
      const f = o.family;
      if (typeof f !== "string" || !WAVELET_NAMES.includes(f.toLowerCase()))
        fail(source, "family", f, `one of ${WAVELET_NAMES.join(", ")}`);
      spec.family = f.toLowerCase();
      const band = o.band;
      const n = spec.dimensions === "2D" ? 2 : 3;
      if (typeof band !== "string" || !new RegExp(`^[LH]{${n}}$`, "i").test(band))
        fail(source, "band", band, `${n} letters L or H, x axis first (dimensions ${spec.dimensions})`);
      spec.band = band.toUpperCase();
      spec.level = num(o, "level", source, { integer: true, min: 1, def: 1 });
      spec.rotationInvariant = bool(o, "rotationInvariant", source, false);
      spec.pooling = (pooling as "max" | "mean") ?? "mean";
      break;
    }
    case "simoncelli":
      spec.level = num(o, "level", source, { integer: true, min: 1, def: 1 });
      break;
  }
  return spec;
}
