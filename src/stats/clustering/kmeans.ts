/**
 * k-means clustering: k-means++ seeding (Arthur & Vassilvitskii 2007) followed by Lloyd iterations, best of
 * several seeded restarts (lowest total within-cluster sum of squares). Rows of a row-major n x p matrix are
 * the items.
 *
 * Lloyd step: assign each item to its nearest centre (squared Euclidean; ties go to the lower centre index),
 * then move each centre to the mean of its items. An emptied cluster is re-seeded with the item farthest from
 * its current centre (as scikit-learn does). Iteration stops when no assignment changes (a fixed point: then
 * the objective cannot decrease further by Lloyd steps) or after `maxIter` iterations.
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError, InputError } from "../../errors.js";
import { Random } from "../core/random.js";

export interface KMeansOptions {
  /** Number of restarts (best total within-SS kept). Default 10. */
  nStart?: number;
  /** Maximum Lloyd iterations per restart. Default 100. */
  maxIter?: number;
  /** Seed (default 1) or a generator to draw from. */
  seed?: number;
  random?: Random;
  /** Initial centres (k x p, row-major): skips seeding and restarts. */
  centers?: Float64Array;
}

export interface KMeansResult {
  /** Cluster of each item, 0-based. */
  cluster: Int32Array;
  /** k x p centres, row-major. */
  centers: Float64Array;
  /** Items per cluster. */
  size: Int32Array;
  /** Within-cluster sum of squares per cluster. */
  withinSS: Float64Array;
  totWithinSS: number;
  /** Total sum of squares about the grand mean; betweenSS = totSS - totWithinSS. */
  totSS: number;
  betweenSS: number;
  /** Lloyd iterations of the kept restart. */
  iterations: number;
  converged: boolean;
}

/** k-means of the n rows of a row-major n x p matrix. */
export function kmeans(
  x: Float64Array,
  n: number,
  p: number,
  k: number,
  opts: KMeansOptions = {},
): KMeansResult {
  if (x.length !== n * p) throw new InputError(`matrix has ${x.length} values, expected ${n} x ${p}`);
  if (!Number.isInteger(k) || k < 1) throw new InputError(`k must be a positive integer, got ${k}`);
  if (n < k) throw new DataError(`k-means: ${n} items are fewer than k = ${k} clusters`);
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i]))
      throw new DataError(`k-means: item ${Math.floor(i / p) + 1}, feature ${(i % p) + 1} is ${x[i]}`);
  const maxIter = opts.maxIter ?? 100;
  const rng = opts.random ?? new Random(opts.seed ?? 1);
  if (opts.centers) {
    if (opts.centers.length !== k * p)
      throw new InputError(`centers has ${opts.centers.length} values, expected ${k} x ${p}`);
    return finish(x, n, p, k, lloyd(x, n, p, k, Float64Array.from(opts.centers), maxIter));
  }
  const nStart = opts.nStart ?? 10;
  if (!Number.isInteger(nStart) || nStart < 1)
    throw new InputError(`nStart must be a positive integer, got ${nStart}`);
  let best: LloydState | undefined;
  for (let s = 0; s < nStart; s++) {
    const c = kmeansPlusPlus(x, n, p, k, rng);
    const r = lloyd(x, n, p, k, c, maxIter);
    if (!best || r.totWithinSS < best.totWithinSS) best = r;
  }
  return finish(x, n, p, k, best as LloydState);
}

interface LloydState {
  cluster: Int32Array;
  centers: Float64Array;
  totWithinSS: number;
  iterations: number;
  converged: boolean;
}

/**
 * k-means++ seeding: first centre uniform, each next centre drawn with probability proportional to the
 * squared distance to the nearest centre chosen so far.
 */
export function kmeansPlusPlus(x: Float64Array, n: number, p: number, k: number, rng: Random): Float64Array {
  const centers = new Float64Array(k * p);
  const d2 = new Float64Array(n);
  const first = rng.int(n);
  centers.set(x.subarray(first * p, first * p + p), 0);
  for (let i = 0; i < n; i++) d2[i] = sqDist(x, i * p, centers, 0, p);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += d2[i];
    let pick: number;
    if (total > 0) {
      const u = rng.next() * total;
      let acc = 0;
      pick = n - 1;
      for (let i = 0; i < n; i++) {
        acc += d2[i];
        if (acc > u) {
          pick = i;
          break;
        }
      }
    } else {
      pick = rng.int(n); // all items coincide with chosen centres
    }
    centers.set(x.subarray(pick * p, pick * p + p), c * p);
    for (let i = 0; i < n; i++) {
      const d = sqDist(x, i * p, centers, c * p, p);
      if (d < d2[i]) d2[i] = d;
    }
  }
  return centers;
}

function sqDist(a: Float64Array, ao: number, b: Float64Array, bo: number, p: number): number {
  let s = 0;
  for (let j = 0; j < p; j++) {
    const d = a[ao + j] - b[bo + j];
    s += d * d;
  }
  return s;
}

function lloyd(
  x: Float64Array,
  n: number,
  p: number,
  k: number,
  centers: Float64Array,
  maxIter: number,
): LloydState {
  const cluster = new Int32Array(n).fill(-1);
  const counts = new Int32Array(k);
  const dist = new Float64Array(n);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    iterations++;
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bd = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const d = sqDist(x, i * p, centers, c * p, p);
        if (d < bd) {
          bd = d;
          best = c;
        }
      }
      dist[i] = bd;
      if (cluster[i] !== best) {
        cluster[i] = best;
        changed++;
      }
    }
    // re-seed empty clusters with the items farthest from their centres
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[cluster[i]]++;
    for (let c = 0; c < k; c++) {
      if (counts[c] > 0) continue;
      let far = -1;
      let fd = -1;
      for (let i = 0; i < n; i++)
        if (counts[cluster[i]] > 1 && dist[i] > fd) {
          fd = dist[i];
          far = i;
        }
      if (far < 0) break; // cannot happen with n >= k
      counts[cluster[far]]--;
      cluster[far] = c;
      counts[c] = 1;
      dist[far] = 0;
      changed++;
    }
    if (changed === 0) {
      converged = true;
      break;
    }
    updateCenters(x, n, p, k, cluster, counts, centers);
  }
  let tot = 0;
  for (let i = 0; i < n; i++) tot += sqDist(x, i * p, centers, cluster[i] * p, p);
  return { cluster, centers, totWithinSS: tot, iterations, converged };
}

function updateCenters(
  x: Float64Array,
  n: number,
  p: number,
  k: number,
  cluster: Int32Array,
  counts: Int32Array,
  centers: Float64Array,
): void {
  centers.fill(0);
  for (let i = 0; i < n; i++) {
    const o = cluster[i] * p;
    for (let j = 0; j < p; j++) centers[o + j] += x[i * p + j];
  }
  for (let c = 0; c < k; c++) {
    const f = 1 / counts[c];
    for (let j = 0; j < p; j++) centers[c * p + j] *= f;
  }
}

function finish(x: Float64Array, n: number, p: number, k: number, s: LloydState): KMeansResult {
  const size = new Int32Array(k);
  for (let i = 0; i < n; i++) size[s.cluster[i]]++;
  // report exact means of the final assignment
  const centers = new Float64Array(k * p);
  updateCenters(x, n, p, k, s.cluster, size, centers);
  const withinSS = new Float64Array(k);
  for (let i = 0; i < n; i++) withinSS[s.cluster[i]] += sqDist(x, i * p, centers, s.cluster[i] * p, p);
  let totWithinSS = 0;
  for (let c = 0; c < k; c++) totWithinSS += withinSS[c];
  const grand = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) grand[j] += x[i * p + j] / n;
  let totSS = 0;
  for (let i = 0; i < n; i++) totSS += sqDist(x, i * p, grand, 0, p);
  return {
    cluster: s.cluster,
    centers,
    size,
    withinSS,
    totWithinSS,
    totSS,
    betweenSS: totSS - totWithinSS,
    iterations: s.iterations,
    converged: s.converged,
  };
}
