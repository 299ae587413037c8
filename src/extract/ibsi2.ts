/**
 * IBSI 2 phase 2 (arXiv:2006.05470, "phase 2: CT phantom"): the IBSI processing chain (interpolation,
 * ROI partial-volume threshold, range re-segmentation; src/extract/ibsi.ts), then one IBSI 2 filter on the
 * processed image, then the 18 intensity statistics (stat_*) of the response map inside the intensity
 * mask. Configurations are data: examples/ibsi2/phase2/<id>.yaml.
 */
import { InputError } from "../errors.js";
import { ibsiStatisticsTags } from "../features/firstorder.js";
import { applyFilter, type FilterSpec, parseFilterSpec } from "../image/filters/ibsi2/index.js";
import { boundingBox } from "../image/geometry.js";
import type { Volume } from "../image/volume.js";
import { type IbsiConfig, type IbsiInterpolation, ibsiProcess } from "./ibsi.js";

export interface Ibsi2Phase2Config {
  /** "2D": slice-wise filters; "3D": volumetric. */
  approach: "2D" | "3D";
  /** null: the image is filtered on its own grid. */
  interpolation: IbsiInterpolation | null;
  resegmentRange: [number, number] | null;
  /** null: the unfiltered image (configurations 1.A, 1.B). */
  filter: FilterSpec | null;
}

const KEYS = ["approach", "interpolation", "resegmentRange"];
const INTERP_KEYS = ["spacing", "method", "round", "roiMethod", "roiThreshold"];

/** Validate a phase-2 parameter document: { ibsi2: {approach, interpolation, resegmentRange}, filter? }. */
export function parseIbsi2Phase2(doc: unknown, source?: string): Ibsi2Phase2Config {
  if (!doc || typeof doc !== "object" || Array.isArray(doc))
    throw new InputError("the parameter file must be a mapping with an ibsi2: block", source);
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d))
    if (k !== "ibsi2" && k !== "filter")
      throw new InputError(`unknown top-level key "${k}" (allowed: ibsi2, filter)`, source);
  const b = d.ibsi2 as Record<string, unknown> | undefined;
  if (!b || typeof b !== "object") throw new InputError("ibsi2: block missing", source);
  for (const k of Object.keys(b))
    if (!KEYS.includes(k))
      throw new InputError(`ibsi2.${k}: unknown key (allowed: ${KEYS.join(", ")})`, source);
  if (b.approach !== "2D" && b.approach !== "3D")
    throw new InputError(`ibsi2.approach: ${JSON.stringify(b.approach)} is not allowed (2D or 3D)`, source);
  let interpolation: IbsiInterpolation | null = null;
  if (b.interpolation !== undefined && b.interpolation !== "none") {
    const ip = b.interpolation as Record<string, unknown>;
    if (!ip || typeof ip !== "object") throw new InputError("ibsi2.interpolation: a mapping or none", source);
    for (const k of Object.keys(ip))
      if (!INTERP_KEYS.includes(k))
        throw new InputError(
          `ibsi2.interpolation.${k}: unknown key (allowed: ${INTERP_KEYS.join(", ")})`,
          source,
        );
    const sp = ip.spacing;
    if (
      !Array.isArray(sp) ||
      sp.length !== 3 ||
      sp.some((v) => v !== null && !(typeof v === "number" && v > 0))
    )
      throw new InputError(
        `ibsi2.interpolation.spacing: ${JSON.stringify(sp)} is not 3 positive numbers (null keeps an axis)`,
        source,
      );
    const methods = ["nearest", "linear", "cubic"];
    const m = ip.method ?? "cubic";
    const rm = ip.roiMethod ?? "linear";
    if (typeof m !== "string" || !methods.includes(m))
      throw new InputError(
        `ibsi2.interpolation.method: ${JSON.stringify(m)} is not one of ${methods.join(", ")}`,
        source,
      );
    if (typeof rm !== "string" || !methods.includes(rm))
      throw new InputError(
        `ibsi2.interpolation.roiMethod: ${JSON.stringify(rm)} is not one of ${methods.join(", ")}`,
        source,
      );
    const thr = ip.roiThreshold ?? 0.5;
    if (typeof thr !== "number" || !(thr > 0 && thr <= 1))
      throw new InputError(
        `ibsi2.interpolation.roiThreshold: ${JSON.stringify(thr)} is not in (0, 1]`,
        source,
      );
    interpolation = {
      spacing: sp as [number | null, number | null, number | null],
      method: m as IbsiInterpolation["method"],
      round: ip.round === undefined ? true : Boolean(ip.round),
      roiMethod: rm as IbsiInterpolation["roiMethod"],
      roiThreshold: thr,
    };
  }
  let reseg: [number, number] | null = null;
  if (b.resegmentRange !== undefined && b.resegmentRange !== null) {
    const r = b.resegmentRange;
    if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === "number") || !(r[1] >= r[0]))
      throw new InputError(`ibsi2.resegmentRange: ${JSON.stringify(r)} is not an interval [a, b]`, source);
    reseg = [r[0], r[1]];
  }
  const filter = d.filter === undefined ? null : parseFilterSpec(d.filter, source);
  if (filter && filter.dimensions !== b.approach)
    throw new InputError(
      `filter.dimensions ${filter.dimensions} does not match ibsi2.approach ${b.approach as string}`,
      source,
    );
  return { approach: b.approach, interpolation, resegmentRange: reseg, filter };
}

/** The 18 stat_* tags of the response map inside the ROI after IBSI processing. */
export function ibsi2Phase2Features(
  image: Volume,
  mask: Volume,
  cfg: Ibsi2Phase2Config,
  label = 1,
  onProgress?: (done: number, total: number) => void,
): Record<string, number> {
  const config: IbsiConfig = {
    name: "IBSI 2 phase 2",
    approach: cfg.approach,
    roundInput: true,
    interpolation: cfg.interpolation,
    resegmentRange: cfg.resegmentRange,
    outlierSigma: null,
    discretisation: { method: "fbn", binCount: 32 },
    ivh: { mode: "discrete" },
    distance: 1,
    ngldmAlpha: 0,
  };
  const p = ibsiProcess(image, mask, config, { label, families: ["stat"] });
  let response: Volume = p.image;
  if (cfg.filter) {
    const bb = boundingBox(p.intensityMask)!;
    response = applyFilter(p.image, cfg.filter, {
      box: { lo: bb.min, hi: [bb.max[0] + 1, bb.max[1] + 1, bb.max[2] + 1] },
      onProgress,
    });
  }
  const m = p.intensityMask.data;
  let n = 0;
  for (let v = 0; v < m.length; v++) n += m[v]!;
  const values = new Float64Array(n);
  for (let v = 0, q = 0; v < m.length; v++) if (m[v]) values[q++] = response.data[v]!;
  return ibsiStatisticsTags(values);
}
