/**
 * DCE-MRI semi-quantitative kinetic maps from the phases of a case: a pre-contrast phase S0 and
 * post-contrast phases S1 ... Sn acquired at times t0 < t1 < ... < tn (seconds). Voxel-wise, on images of
 * one grid. Definitions (documented in docs/multiparametric.md, after Hylton 2006, Radiology 239:686, for
 * SER, and the standard semi-quantitative curve descriptors used in breast DCE radiomics, e.g. Saha et al.
 * 2018 Br J Cancer 119:508):
 *
 *   RE_i   = (S_i - S0) / S0                          relative enhancement of phase i (fraction)
 *   PE     = max_i RE_i                                peak enhancement (over post-contrast phases)
 *   TTP    = t_p - t0, p = argmax_i S_i (first max)    time to peak (s)
 *   washIn = (S_p - S0) / (t_p - t0)                   mean uptake slope to the peak (signal / s)
 *   washOut= (S_n - S_p) / (t_n - t_p), 0 if p = n      mean slope after the peak (signal / s; < 0 = washout)
 *   SER    = (S1 - S0) / (S_n - S0)                    signal enhancement ratio (early / late enhancement)
 *   IAUC_T = integral of RE(t) from t0 to t0 + T        initial area under the relative-enhancement curve,
 *            trapezoids on the sampled phases, RE linearly interpolated at t0 + T (s; up to t_n when the last
 *            phase comes earlier); T defaults to 90
 *   SUB_i  = S_i - S0                                   subtraction images
 *
 * Where a ratio's denominator is zero (S0 = 0 for RE, PE, IAUC; S_n = S0 for SER) the voxel is set to 0
 * and counted in `undefinedVoxels`, so that a map never carries NaN into feature extraction silently.
 */
import { InputError } from "../errors.js";
import { geometryDifferences } from "./geometry.js";
import { Volume } from "./volume.js";

export type KineticMapName =
  | "PE"
  | "TTP"
  | "washIn"
  | "washOut"
  | "SER"
  | "IAUC"
  | `RE${number}`
  | `SUB${number}`;

export interface KineticOptions {
  /** Integration window of IAUC (s), default 90. */
  iaucSeconds?: number;
  /** Names of the phases for messages (file names). */
  names?: string[];
}

export interface KineticMaps {
  maps: Map<KineticMapName, Volume<Float64Array>>;
  /** Per map, the number of voxels whose value was undefined (zero denominator) and set to 0. */
  undefinedVoxels: Map<KineticMapName, number>;
}

export function kineticMaps(phases: Volume[], times: number[], opts: KineticOptions = {}): KineticMaps {
  const name = (i: number) => opts.names?.[i] ?? `phase ${i}`;
  if (phases.length < 3)
    throw new InputError(
      `DCE kinetic maps need at least 3 phases (pre-contrast + 2 post-contrast), got ${phases.length}`,
    );
  if (times.length !== phases.length)
    throw new InputError(`${phases.length} phases but ${times.length} acquisition times`);
  for (let i = 0; i < times.length; i++) {
    if (!Number.isFinite(times[i]!)) throw new InputError(`acquisition time of ${name(i)} is ${times[i]}`);
    if (i > 0 && !(times[i]! > times[i - 1]!))
      throw new InputError(
        `acquisition times must increase: ${name(i)} at ${times[i]} s is not after ${name(i - 1)} at ${times[i - 1]} s`,
      );
  }
  for (let i = 1; i < phases.length; i++) {
    const d = geometryDifferences(phases[0]!, phases[i]!);
    if (d.length > 0)
      throw new InputError(
        `${name(i)} is not on the grid of ${name(0)} (${d.map((x) => x.property).join(", ")}); resample it first`,
      );
  }
  const T = opts.iaucSeconds ?? 90;
  if (!(T > 0)) throw new InputError(`IAUC window must be positive seconds, got ${T}`);
  const ref = phases[0]!;
  const nVox = ref.count;
  const n = phases.length - 1;
  const geom = ref.geometry;
  const maps = new Map<KineticMapName, Volume<Float64Array>>();
  const undef = new Map<KineticMapName, number>();
  const make = (key: KineticMapName) => {
    const v = new Volume(new Float64Array(nVox), geom);
    maps.set(key, v);
    undef.set(key, 0);
    return v.data;
  };
  const re = Array.from({ length: n }, (_, i) => make(`RE${i + 1}` as KineticMapName));
  const sub = Array.from({ length: n }, (_, i) => make(`SUB${i + 1}` as KineticMapName));
  const pe = make("PE");
  const ttp = make("TTP");
  const washIn = make("washIn");
  const washOut = make("washOut");
  const ser = make("SER");
  const iauc = make("IAUC");
  const bump = (k: KineticMapName) => undef.set(k, undef.get(k)! + 1);
  const s = new Float64Array(phases.length);
  const t0 = times[0]!;
  const tEnd = t0 + T;
  for (let v = 0; v < nVox; v++) {
    for (let i = 0; i <= n; i++) s[i] = phases[i]!.data[v]!;
    const s0 = s[0]!;
    let p = 1;
    for (let i = 2; i <= n; i++) if (s[i]! > s[p]!) p = i;
    for (let i = 1; i <= n; i++) {
      sub[i - 1]![v] = s[i]! - s0;
      if (s0 !== 0) re[i - 1]![v] = (s[i]! - s0) / s0;
      else bump(`RE${i}` as KineticMapName);
    }
    ttp[v] = times[p]! - t0;
    washIn[v] = (s[p]! - s0) / (times[p]! - t0);
    washOut[v] = p === n ? 0 : (s[n]! - s[p]!) / (times[n]! - times[p]!);
    if (s[n]! !== s0) ser[v] = (s[1]! - s0) / (s[n]! - s0);
    else bump("SER");
    if (s0 !== 0) {
      let peak = Number.NEGATIVE_INFINITY;
      for (let i = 1; i <= n; i++) peak = Math.max(peak, (s[i]! - s0) / s0);
      pe[v] = peak;
      // trapezoids of RE(t) on [t0, t0 + T]; RE(t0) = 0
      let area = 0;
      for (let i = 1; i <= n; i++) {
        const ta = times[i - 1]!;
        const tb = times[i]!;
        if (ta >= tEnd) break;
        const ra = (s[i - 1]! - s0) / s0;
        const rb = (s[i]! - s0) / s0;
        if (tb <= tEnd) area += ((ra + rb) / 2) * (tb - ta);
        else {
          const rEnd = ra + ((rb - ra) * (tEnd - ta)) / (tb - ta);
          area += ((ra + rEnd) / 2) * (tEnd - ta);
        }
      }
      iauc[v] = area;
    } else {
      bump("PE");
      bump("IAUC");
    }
  }
  return { maps, undefinedVoxels: undef };
}
