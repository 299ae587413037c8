/**
 * The built-in synthetic radiogenomic cohort (no downloaded data): about 40 "patients", each a 3D MR-like
 * image with a tumour-like lesion and its mask, where lesion shape and texture depend on a simulated
 * mutation, images carry a simulated scanner/site effect, and survival depends on the mutation and on
 * tumour volume. Deterministic for a given seed, browser-safe.
 *
 * Ground truth that the analysis chain is expected to recover:
 * - mutant lesions are lobulated (lower sphericity, larger surface/volume) and heterogeneous (fine-grained
 *   texture with higher variance and grey-level entropy); wild-type lesions are smooth ellipsoids with
 *   homogeneous, coarse texture;
 * - site B scans are brighter and higher-contrast, site C darker and noisier (an intensity effect that
 *   ComBat should remove while keeping the mutation effect);
 * - survival is Weibull (shape WEIBULL_SHAPE) with proportional hazards:
 *   hazard = h0(t) * exp(LOG_HR_MUTATION * mutant + LOG_HR_VOLUME * z(log volume)).
 */

import { Volume } from "../image/volume.js";
import { Random } from "../stats/core/random.js";

export const LOG_HR_MUTATION = Math.log(5);
export const LOG_HR_VOLUME = 1.2;
export const WEIBULL_SHAPE = 2;

export interface SyntheticPatient {
  caseId: string;
  mutation: 0 | 1;
  site: "A" | "B" | "C";
  age: number;
  sex: "F" | "M";
  /** Lesion volume in mm^3 (voxel count x voxel volume). */
  lesionVolume: number;
  osDays: number;
  osEvent: 0 | 1;
  image: Volume<Int16Array>;
  mask: Volume<Uint8Array>;
}

export interface CohortOptions {
  patients?: number;
  seed?: number;
  /** Image grid (voxels) and spacing (mm). */
  size?: [number, number, number];
  spacing?: [number, number, number];
}

const SITES = ["A", "B", "C"] as const;
/** Per site: intensity scale, offset, and extra noise SD (a scanner/protocol effect). */
const SITE_EFFECT: Record<(typeof SITES)[number], { scale: number; offset: number; noise: number }> = {
  A: { scale: 1.0, offset: 0, noise: 0 },
  B: { scale: 1.25, offset: 30, noise: 2 },
  C: { scale: 0.8, offset: -20, noise: 6 },
};

/** Smooth random field: white noise box-blurred (twice) with radius r, rescaled to unit SD. */
function smoothField(rng: Random, nx: number, ny: number, nz: number, r: number): Float32Array {
  const out = new Float32Array(nx * ny * nz);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  blur3(out, nx, ny, nz, r);
  blur3(out, nx, ny, nz, r);
  let ss = 0;
  for (let i = 0; i < out.length; i++) ss += out[i]! * out[i]!;
  const f = 1 / Math.sqrt(ss / out.length || 1);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * f;
  return out;
}

/** Box-blur a field in place along all three axes (radius r voxels) to give it spatial correlation. */
function blur3(f: Float32Array, nx: number, ny: number, nz: number, r: number): void {
  if (r <= 0) return;
  const tmp = new Float32Array(Math.max(nx, ny, nz));
  const pass = (n: number, stride: number, count: number, base: (c: number) => number) => {
    for (let c = 0; c < count; c++) {
      const b = base(c);
      for (let t = 0; t < n; t++) tmp[t] = f[b + t * stride]!;
      for (let t = 0; t < n; t++) {
        let s = 0;
        let m = 0;
        for (let u = Math.max(0, t - r); u <= Math.min(n - 1, t + r); u++, m++) s += tmp[u]!;
        f[b + t * stride] = s / m;
      }
    }
  };
  pass(nx, 1, ny * nz, (c) => c * nx);
  pass(ny, nx, nx * nz, (c) => (c % nx) + Math.floor(c / nx) * nx * ny);
  pass(nz, nx * ny, nx * ny, (c) => c);
}

export function generateCohort(options: CohortOptions = {}): SyntheticPatient[] {
  const n = options.patients ?? 40;
  const rng = new Random(options.seed ?? 20261127);
  const [nx, ny, nz] = options.size ?? [64, 64, 32];
  const spacing = options.spacing ?? [0.8, 0.8, 2.0];
  const voxelVolume = spacing[0] * spacing[1] * spacing[2];

  // Balanced design: mutation and site independent of each other.
  const mutations = new Int32Array(n);
  for (let i = 0; i < n; i++) mutations[i] = i % 2;
  rng.shuffle(mutations);
  const sites = new Int32Array(n);
  for (let i = 0; i < n; i++) sites[i] = i % 3;
  rng.shuffle(sites);

  const patients: SyntheticPatient[] = [];
  const logVolumes: number[] = [];
  for (let p = 0; p < n; p++) {
    const prng = rng.fork();
    const mutant = mutations[p] as 0 | 1;
    const site = SITES[sites[p]!]!;
    const eff = SITE_EFFECT[site];

    // Lesion geometry (mm), centred near the middle of the field of view.
    const cx = (nx / 2 + prng.normal(0, 2)) * spacing[0];
    const cy = (ny / 2 + prng.normal(0, 2)) * spacing[1];
    const cz = (nz / 2 + prng.normal(0, 1)) * spacing[2];
    const r0 = Math.max(5, prng.normal(mutant ? 11 : 10, 2));
    const axes = [1 + prng.normal(0, 0.08), 1 + prng.normal(0, 0.08), 1 + prng.normal(0, 0.08)];
    // Lobulation: random low-order spherical modulation, strong for mutants.
    const lobes = mutant ? 0.28 : 0.05;
    const lobeCount = 4;
    const lobeDirs: number[][] = [];
    const lobeAmp: number[] = [];
    for (let l = 0; l < lobeCount; l++) {
      const u = prng.normal();
      const v = prng.normal();
      const w = prng.normal();
      const len = Math.hypot(u, v, w) || 1;
      lobeDirs.push([u / len, v / len, w / len]);
      lobeAmp.push(lobes * (0.6 + 0.8 * prng.next()));
    }

    const background = smoothField(prng, nx, ny, nz, 4);
    const coarse = smoothField(prng, nx, ny, nz, 2);
    const fine = new Float32Array(nx * ny * nz);
    for (let i = 0; i < fine.length; i++) fine[i] = prng.normal();
    blur3(fine, nx, ny, nz, mutant ? 0 : 1);

    const img = new Int16Array(nx * ny * nz);
    const msk = new Uint8Array(nx * ny * nz);
    let inside = 0;
    let q = 0;
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++, q++) {
          const dx = (i * spacing[0] - cx) / axes[0]!;
          const dy = (j * spacing[1] - cy) / axes[1]!;
          const dz = (k * spacing[2] - cz) / axes[2]!;
          const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
          let radius = r0;
          if (d > 0) {
            let mod = 0;
            for (let l = 0; l < lobeCount; l++) {
              const c = (dx * lobeDirs[l]![0]! + dy * lobeDirs[l]![1]! + dz * lobeDirs[l]![2]!) / d;
              mod += lobeAmp[l]! * Math.max(0, c) ** 3;
            }
            radius = r0 * (1 - lobes / 2 + mod);
          }
          const inLesion = d <= radius;
          let v: number;
          if (inLesion) {
            msk[q] = 1;
            inside++;
            const rel = d / radius;
            // Mutants: heterogeneous with a darker (necrotic-like) core; wild type: homogeneous.
            const core = mutant ? -35 * Math.max(0, 1 - rel * 1.6) : 0;
            v = 220 + core + (mutant ? 28 : 7) * fine[q]! + (mutant ? 6 : 14) * coarse[q]!;
          } else {
            v = 110 + 12 * background[q]! + 4 * fine[q]!;
          }
          v = v * eff.scale + eff.offset + prng.normal(0, 3 + eff.noise);
          img[q] = Math.round(v);
        }
      }
    }
    const geometry = {
      size: [nx, ny, nz] as [number, number, number],
      spacing: [...spacing] as [number, number, number],
      origin: [-(nx / 2) * spacing[0], -(ny / 2) * spacing[1], -(nz / 2) * spacing[2]] as [
        number,
        number,
        number,
      ],
    };
    const lesionVolume = inside * voxelVolume;
    logVolumes.push(Math.log(lesionVolume));
    patients.push({
      caseId: `P${String(p + 1).padStart(3, "0")}`,
      mutation: mutant,
      site,
      age: Math.round(prng.normal(58, 11)),
      sex: prng.next() < 0.5 ? "F" : "M",
      lesionVolume,
      osDays: 0,
      osEvent: 0,
      image: new Volume(img, geometry),
      mask: new Volume(msk, geometry),
    });
  }

  // Survival: exponential times with a proportional-hazards effect; administrative + random censoring.
  const mean = logVolumes.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(logVolumes.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) || 1;
  // Weibull: S(t) = exp(-(t/scale)^shape * exp(lp)); median ~900 days for a wild-type patient of average volume
  const scale = 900 / Math.log(2) ** (1 / WEIBULL_SHAPE);
  for (let p = 0; p < n; p++) {
    const pt = patients[p]!;
    const z = (logVolumes[p]! - mean) / sd;
    const lp = LOG_HR_MUTATION * pt.mutation + LOG_HR_VOLUME * z;
    const t = scale * (rng.exponential(1) * Math.exp(-lp)) ** (1 / WEIBULL_SHAPE);
    const censor = 600 + rng.next() * 1800;
    pt.osDays = Math.max(1, Math.round(Math.min(t, censor)));
    pt.osEvent = t <= censor ? 1 : 0;
  }
  return patients;
}

/** Clinical/molecular table of a cohort as CSV text (one row per patient). */
export function cohortClinicalCsv(
  patients: SyntheticPatient[],
  imagePath: (p: SyntheticPatient) => string,
  maskPath: (p: SyntheticPatient) => string,
): string {
  const rows = ["case_id,image,mask,mutation,site,age,sex,os_days,os_event"];
  for (const p of patients) {
    rows.push(
      [p.caseId, imagePath(p), maskPath(p), p.mutation, p.site, p.age, p.sex, p.osDays, p.osEvent].join(","),
    );
  }
  return `${rows.join("\n")}\n`;
}
