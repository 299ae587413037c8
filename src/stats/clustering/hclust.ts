/**
 * Agglomerative hierarchical clustering with R's `hclust` semantics (stats/src/hclust.f: Murtagh's
 * nearest-neighbour-list algorithm with Lance-Williams updates), so that merges, heights, ties and the
 * dendrogram order are the same as `hclust(d, method)` in R, and `cutree(tree, k)` numbers the clusters the
 * way R does (in order of first appearance among the items).
 *
 * Distances are stored "condensed": the strict upper triangle row by row, i.e. the pair (i, j), i < j
 * (0-based) at `i*n - i*(i+1)/2 + j - i - 1`. This is the order of R's `dist` vector (its lower triangle
 * column by column), so an R `dist` can be passed as it is. Memory is n(n-1)/2 doubles; time is O(n^2) per
 * merge in the worst case but usually close to O(n^2) overall (1000 items: a few tens of milliseconds).
 *
 * Linkages (Lance-Williams updates of d(k, i u j)):
 * - "single":   min(d_ki, d_kj)
 * - "complete": max(d_ki, d_kj)
 * - "average" (UPGMA): (n_i d_ki + n_j d_kj) / (n_i + n_j)
 * - "mcquitty" (WPGMA): (d_ki + d_kj) / 2
 * - "ward.D2": Ward's minimum-variance criterion on squared distances; heights are sqrt of the criterion,
 *   so they equal the Euclidean-distance Ward heights (Murtagh & Legendre 2014)
 * - "ward.D": the same update applied to the distances as given (R's historical "ward")
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError, InputError } from "../../errors.js";
import { rankAverage } from "../core/ranks.js";

export type Linkage = "single" | "complete" | "average" | "mcquitty" | "ward.D" | "ward.D2";
export type DistanceMetric = "euclidean" | "pearson" | "spearman" | "manhattan";

export const LINKAGES: readonly Linkage[] = [
  "single",
  "complete",
  "average",
  "mcquitty",
  "ward.D",
  "ward.D2",
];
export const DISTANCE_METRICS: readonly DistanceMetric[] = ["euclidean", "pearson", "spearman", "manhattan"];

/** A dendrogram in R's `hclust` layout. */
export interface HClustTree {
  /** Number of items. */
  n: number;
  /**
   * (n-1) x 2 merges, row-major, R convention: a negative entry -i is the single item i (1-based); a positive
   * entry m is the cluster formed at merge m (1-based).
   */
  merge: Int32Array;
  /** Height (criterion value) of each merge. */
  height: Float64Array;
  /** Dendrogram leaf order, 0-based item indices (R's `order` minus 1). */
  order: Int32Array;
  method: Linkage;
}

/** Index of pair (i, j), i != j, in a condensed distance vector of n items. */
export function condensedIndex(n: number, i: number, j: number): number {
  if (i > j) {
    const t = i;
    i = j;
    j = t;
  }
  return i * n - (i * (i + 1)) / 2 + j - i - 1;
}

/** Parse a linkage name (accepts "ward" for "ward.D2", "upgma", "wpgma"). */
export function parseLinkage(name: string): Linkage {
  const s = name.trim().toLowerCase();
  const map: Record<string, Linkage> = {
    single: "single",
    complete: "complete",
    average: "average",
    upgma: "average",
    mcquitty: "mcquitty",
    wpgma: "mcquitty",
    "ward.d": "ward.D",
    "ward.d2": "ward.D2",
    ward: "ward.D2",
  };
  const m = map[s];
  if (!m) throw new InputError(`unknown linkage "${name}" (use ${LINKAGES.join(", ")})`);
  return m;
}

/** Parse a distance name ("1-pearson", "correlation" accepted for "pearson"). */
export function parseDistance(name: string): DistanceMetric {
  const s = name.trim().toLowerCase();
  if (s === "euclidean") return "euclidean";
  if (s === "pearson" || s === "1-pearson" || s === "correlation") return "pearson";
  if (s === "spearman" || s === "1-spearman") return "spearman";
  if (s === "manhattan") return "manhattan";
  throw new InputError(`unknown distance "${name}" (use ${DISTANCE_METRICS.join(", ")})`);
}

/**
 * Condensed distance matrix between the rows (items) of a row-major n x p matrix.
 * "euclidean" and "manhattan" as R's `dist`; "pearson" is 1 - r between items (ConsensusClusterPlus'
 * `1 - cor(d)`), "spearman" 1 - rho (Pearson on average ranks). Values must be finite. An item with zero
 * variance has an undefined correlation: it throws a DataError for the correlation distances.
 * `rows` restricts to a subset of items (in the given order) and `cols` to a subset of features.
 */
export function distanceMatrix(
  x: Float64Array,
  n: number,
  p: number,
  metric: DistanceMetric = "euclidean",
  subset: { rows?: Int32Array; cols?: Int32Array; itemNames?: readonly string[] } = {},
): Float64Array {
  if (x.length !== n * p) throw new InputError(`matrix has ${x.length} values, expected ${n} x ${p}`);
  const rows = subset.rows ?? identity(n);
  const cols = subset.cols ?? identity(p);
  const m = rows.length;
  const q = cols.length;
  // gather the submatrix (contiguous rows) so the pair loop is cache friendly
  const a = new Float64Array(m * q);
  for (let r = 0; r < m; r++) {
    const base = rows[r] * p;
    for (let c = 0; c < q; c++) a[r * q + c] = x[base + cols[c]];
  }
  const out = new Float64Array((m * (m - 1)) / 2);
  if (metric === "pearson" || metric === "spearman") {
    if (metric === "spearman") {
      for (let r = 0; r < m; r++) {
        const row = a.subarray(r * q, r * q + q);
        row.set(rankAverage(row).ranks);
      }
    }
    // centre and scale each row to unit norm; then 1 - r = 1 - <a_i, a_j>
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let c = 0; c < q; c++) s += a[r * q + c];
      const mean = s / q;
      let ss = 0;
      for (let c = 0; c < q; c++) {
        const v = a[r * q + c] - mean;
        a[r * q + c] = v;
        ss += v * v;
      }
      if (!(ss > 0)) {
        const name = subset.itemNames?.[rows[r]] ?? `item ${rows[r] + 1}`;
        throw new DataError(
          `${name} has the same value for every feature: its correlation distance is undefined`,
        );
      }
      const f = 1 / Math.sqrt(ss);
      for (let c = 0; c < q; c++) a[r * q + c] *= f;
    }
    let k = 0;
    for (let i = 0; i < m; i++) {
      const bi = i * q;
      for (let j = i + 1; j < m; j++) {
        const bj = j * q;
        let s = 0;
        for (let c = 0; c < q; c++) s += a[bi + c] * a[bj + c];
        out[k++] = 1 - s;
      }
    }
    return out;
  }
  let k = 0;
  for (let i = 0; i < m; i++) {
    const bi = i * q;
    for (let j = i + 1; j < m; j++) {
      const bj = j * q;
      let s = 0;
      if (metric === "euclidean") {
        for (let c = 0; c < q; c++) {
          const d = a[bi + c] - a[bj + c];
          s += d * d;
        }
        out[k++] = Math.sqrt(s);
      } else {
        for (let c = 0; c < q; c++) s += Math.abs(a[bi + c] - a[bj + c]);
        out[k++] = s;
      }
    }
  }
  return out;
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/**
 * Hierarchical clustering of n items from a condensed distance vector (not modified). Same algorithm, tie
 * breaking and output as R's `hclust(d, method)`.
 */
export function hclust(dist: ArrayLike<number>, n: number, method: Linkage = "complete"): HClustTree {
  if (!Number.isInteger(n) || n < 2)
    throw new DataError(`hierarchical clustering needs at least 2 items, got ${n}`);
  const len = (n * (n - 1)) / 2;
  if (dist.length !== len)
    throw new InputError(`distance vector has ${dist.length} values, expected ${len} for ${n} items`);
  const diss = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    const v = dist[i];
    if (!Number.isFinite(v)) throw new DataError(`distance ${i + 1} is ${v}; distances must be finite`);
    diss[i] = v;
  }
  const isWard = method === "ward.D" || method === "ward.D2";
  if (method === "ward.D2") for (let i = 0; i < len; i++) diss[i] *= diss[i];

  const INF = 1e300;
  const membr = new Float64Array(n).fill(1);
  const flag = new Uint8Array(n).fill(1);
  const nn = new Int32Array(n);
  const disnn = new Float64Array(n);
  const ia = new Int32Array(n - 1);
  const ib = new Int32Array(n - 1);
  const crit = new Float64Array(n - 1);
  // row offset: pair (i, j), i < j, lives at off[i] + j
  const off = new Float64Array(n);
  for (let i = 0; i < n; i++) off[i] = i * n - (i * (i + 1)) / 2 - i - 1;

  // nearest neighbour of each item among the items to its right (first one on ties)
  for (let i = 0; i < n - 1; i++) {
    let dmin = INF;
    let jm = 0;
    const o = off[i];
    for (let j = i + 1; j < n; j++) {
      const d = diss[o + j];
      if (dmin > d) {
        dmin = d;
        jm = j;
      }
    }
    nn[i] = jm;
    disnn[i] = dmin;
  }

  let jj = 0;
  for (let step = 0; step < n - 1; step++) {
    // least dissimilarity in the NN list (first one on ties)
    let dmin = INF;
    let im = 0;
    let jm = 0;
    for (let i = 0; i < n - 1; i++) {
      if (flag[i] && disnn[i] < dmin) {
        dmin = disnn[i];
        im = i;
        jm = nn[i];
      }
    }
    const i2 = Math.min(im, jm);
    const j2 = Math.max(im, jm);
    ia[step] = i2;
    ib[step] = j2;
    crit[step] = method === "ward.D2" ? Math.sqrt(dmin) : dmin;
    flag[j2] = 0;

    // Lance-Williams update of the distances to the new cluster (kept in slot i2)
    dmin = INF;
    const d12 = diss[off[i2] + j2];
    const mi = membr[i2];
    const mj = membr[j2];
    for (let k = 0; k < n; k++) {
      if (!flag[k] || k === i2) continue;
      const ind1 = i2 < k ? off[i2] + k : off[k] + i2;
      const ind2 = j2 < k ? off[j2] + k : off[k] + j2;
      const dk1 = diss[ind1];
      const dk2 = diss[ind2];
      let v: number;
      if (isWard) {
        const mk = membr[k];
        v = ((mi + mk) * dk1 + (mj + mk) * dk2 - mk * d12) / (mi + mj + mk);
      } else if (method === "single") v = Math.min(dk1, dk2);
      else if (method === "complete") v = Math.max(dk1, dk2);
      else if (method === "average") v = (mi * dk1 + mj * dk2) / (mi + mj);
      else v = (dk1 + dk2) / 2; // mcquitty
      diss[ind1] = v;
      if (i2 < k) {
        if (v < dmin) {
          dmin = v;
          jj = k;
        }
      } else if (v < disnn[k]) {
        // k < i2: i2 may now be k's nearest neighbour to the right
        disnn[k] = v;
        nn[k] = i2;
      }
    }
    membr[i2] = mi + mj;
    disnn[i2] = dmin;
    nn[i2] = jj;

    // recompute the NN of items that pointed at i2 or j2
    for (let i = 0; i < n - 1; i++) {
      if (flag[i] && (nn[i] === i2 || nn[i] === j2)) {
        let dm = INF;
        const o = off[i];
        for (let j = i + 1; j < n; j++) {
          if (flag[j]) {
            const d = diss[o + j];
            if (d < dm) {
              dm = d;
              jj = j;
            }
          }
        }
        nn[i] = jj;
        disnn[i] = dm;
      }
    }
  }
  return { n, ...mergesToR(n, ia, ib), height: crit, method };
}

/**
 * Converts the (i2, j2) merge history (0-based lowest-index representatives) to R's merge matrix and
 * computes the dendrogram order (R's HCASS2).
 */
function mergesToR(n: number, ia: Int32Array, ib: Int32Array): { merge: Int32Array; order: Int32Array } {
  const m = n - 1;
  // cluster currently represented by item i: 0 = singleton, s > 0 = formed at merge s
  const rep = new Int32Array(n);
  const iia = new Int32Array(m);
  const iib = new Int32Array(m);
  for (let s = 0; s < m; s++) {
    const a = ia[s];
    const b = ib[s];
    let x = rep[a] > 0 ? rep[a] : -(a + 1);
    let y = rep[b] > 0 ? rep[b] : -(b + 1);
    // singletons first; two singletons or two clusters in increasing order (R's convention)
    if (x > 0 && y < 0) {
      const t = x;
      x = y;
      y = t;
    } else if (x > 0 && y > 0 && x > y) {
      const t = x;
      x = y;
      y = t;
    }
    // R: two singletons keep (-i2, -j2) with i2 < j2, i.e. x = -(a+1), y = -(b+1)
    iia[s] = x;
    iib[s] = y;
    rep[a] = s + 1;
    rep[b] = s + 1;
  }
  const merge = new Int32Array(2 * m);
  for (let s = 0; s < m; s++) {
    merge[2 * s] = iia[s];
    merge[2 * s + 1] = iib[s];
  }
  // order: expand the last merge recursively, left child first
  const order = new Int32Array(n);
  let k = 0;
  const stack: number[] = [m];
  while (stack.length > 0) {
    const v = stack.pop() as number;
    if (v < 0) {
      order[k++] = -v - 1;
      continue;
    }
    stack.push(iib[v - 1], iia[v - 1]);
  }
  return { merge, order };
}

/**
 * Cut a tree into k groups (R's `cutree(tree, k)`): the partition after n - k merges. Labels are 1..k,
 * numbered in order of first appearance among the items (item 0 is always in group 1).
 */
export function cutree(tree: HClustTree, k: number): Int32Array {
  const n = tree.n;
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new InputError(`cutree: k must be an integer in 1..${n}, got ${k}`);
  // union the first n - k merges
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  // representative item of each merged cluster
  const repOf = new Int32Array(n - 1);
  for (let s = 0; s < n - k; s++) {
    const a = tree.merge[2 * s];
    const b = tree.merge[2 * s + 1];
    const ra = a < 0 ? -a - 1 : repOf[a - 1];
    const rb = b < 0 ? -b - 1 : repOf[b - 1];
    const fa = find(ra);
    const fb = find(rb);
    parent[fb] = fa;
    repOf[s] = fa;
  }
  const label = new Int32Array(n);
  const code = new Int32Array(n).fill(0);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (code[r] === 0) code[r] = ++next;
    label[i] = code[r];
  }
  return label;
}
