/**
 * Random forest classification (Breiman 2001; the algorithm of R's randomForest and sklearn's
 * RandomForestClassifier): bootstrap samples, CART trees grown with Gini splits on a random subset of
 * mtry = floor(sqrt(p)) features per node, thresholds at midpoints between consecutive distinct values,
 * leaves holding class proportions; the forest averages the leaf proportions (sklearn's
 * predict_proba).
 *
 * Speed: feature values are ranked once per forest; at a node, a candidate feature's samples are put in
 * order by filtering the feature's global order by node membership (large nodes, O(n)) or by insertion
 * sort on integer ranks (small nodes), then scanned once with running class weights (O(1) Gini update per
 * sample). Bootstrap duplicates are carried as weights.
 *
 * Out-of-bag (OOB): every sample is predicted by the trees that did not see it (OOB probabilities and
 * error). Importances: impurity (mean decrease in Gini, weighted by node size, normalised to sum 1
 * like sklearn's feature_importances_) and permutation importance the way Breiman and R's randomForest
 * compute it: per tree, the feature's values are permuted among that tree's OOB samples and the drop in
 * OOB accuracy is averaged over trees (R `importance(type = 1, scale = FALSE)`), with its standard error.
 */

import { DataError, InputError } from "../../errors.js";
import { Random } from "../core/random.js";

export interface ForestOptions {
  /** Number of trees (default 500). */
  nTrees?: number;
  /** Features tried per split (default floor(sqrt(p)), at least 1). */
  mtry?: number;
  /** Minimum (bootstrap-weighted) samples in a leaf (default 1). */
  minLeafSize?: number;
  /** Maximum depth (default unlimited). */
  maxDepth?: number;
  /** Draw a bootstrap sample per tree (default true); false grows every tree on all samples (no OOB). */
  bootstrap?: boolean;
  /** Seed or generator (default seed 1). */
  seed?: number | Random;
  /** Compute OOB permutation importance (default false: it costs about one extra OOB pass per feature used). */
  permutationImportance?: boolean;
}

/** One tree in flat arrays; node 0 is the root; leaves have feature -1. */
export interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Class proportions per node: value[node * nClasses + k]. */
  value: Float64Array;
}

export interface RandomForest {
  nClasses: number;
  nFeatures: number;
  mtry: number;
  trees: Tree[];
  /** Normalised mean decrease in impurity per feature (sums to 1 unless no split was made). */
  impurityImportance: Float64Array;
  /** OOB mean decrease in accuracy per feature (when requested), and its standard error over trees. */
  permutationImportance?: Float64Array;
  permutationImportanceSE?: Float64Array;
  /** OOB class probabilities (n x nClasses, row-major; NaN for samples that were never OOB). */
  oobProb?: Float64Array;
  /** OOB misclassification rate over samples that were OOB at least once. */
  oobError?: number;
}

/** Sort order of a column and dense ranks of its values (ties share a rank, 0-based). */
function rankColumn(col: Float64Array): { order: Int32Array; rank: Int32Array } {
  const n = col.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => col[a] - col[b]);
  const rank = new Int32Array(n);
  let r = 0;
  for (let t = 0; t < n; t++) {
    if (t > 0 && col[order[t]] !== col[order[t - 1]]) r++;
    rank[order[t]] = r;
  }
  return { order, rank };
}

/** Growable node storage for one tree. */
class TreeBuilder {
  feature: number[] = [];
  threshold: number[] = [];
  left: number[] = [];
  right: number[] = [];
  value: number[] = [];
  constructor(private readonly k: number) {}
  add(dist: Float64Array, total: number): number {
    const id = this.feature.length;
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    for (let c = 0; c < this.k; c++) this.value.push(total > 0 ? dist[c] / total : 0);
    return id;
  }
  finish(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
    };
  }
}

/** Leaf reached by sample i (columns x); `override` replaces feature `of` by value `ov`. */
function leafOf(tree: Tree, x: Float64Array[], i: number, of = -1, ov = 0): number {
  let node = 0;
  const { feature, threshold, left, right } = tree;
  for (;;) {
    const f = feature[node];
    if (f < 0) return node;
    const v = f === of ? ov : x[f][i];
    node = v <= threshold[node] ? left[node] : right[node];
  }
}

/**
 * Grow a classification forest. `x`: one Float64Array per feature (no NaN: impute first); `y`: class
 * index 0..nClasses-1 per sample.
 */
export function fitForest(
  x: Float64Array[],
  y: ArrayLike<number>,
  nClasses: number,
  opts: ForestOptions = {},
): RandomForest {
  const p = x.length;
  const n = y.length;
  if (p === 0) throw new DataError("random forest needs at least one feature");
  if (n < 2) throw new DataError("random forest needs at least two samples");
  const K = nClasses;
  const yy = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = y[i];
    if (!(Number.isInteger(c) && c >= 0 && c < K))
      throw new InputError(`class index ${c} out of range (row ${i + 1})`);
    yy[i] = c;
  }
  for (let j = 0; j < p; j++) {
    if (x[j].length !== n) throw new InputError(`feature ${j + 1} has ${x[j].length} values, expected ${n}`);
    for (let i = 0; i < n; i++)
      if (Number.isNaN(x[j][i])) throw new InputError(`feature ${j + 1} has a missing value at row ${i + 1}`);
  }
  const nTrees = opts.nTrees ?? 500;
  const mtry = Math.max(1, Math.min(p, opts.mtry ?? Math.floor(Math.sqrt(p))));
  const minLeaf = Math.max(1, opts.minLeafSize ?? 1);
  const maxDepth = opts.maxDepth ?? Number.POSITIVE_INFINITY;
  const bootstrap = opts.bootstrap ?? true;
  const rng = opts.seed instanceof Random ? opts.seed : new Random(opts.seed ?? 1);
  const ranked = x.map(rankColumn);
  const ranks = ranked.map((r) => r.rank);
  const orders = ranked.map((r) => r.order);
  const posInNode = new Int32Array(n).fill(-1);

  const trees: Tree[] = [];
  const mdi = new Float64Array(p);
  const counts = new Int32Array(n);
  const idx = new Int32Array(n); // unique in-bag samples, partitioned per node
  const wt = new Float64Array(n); // their bootstrap multiplicities (by position in idx)
  const sPos = new Int32Array(n); // node positions in the candidate feature's order
  const sRank = new Int32Array(n); // and their ranks
  const tmpIdx = new Int32Array(n);
  const tmpWt = new Float64Array(n);
  const featPerm = new Int32Array(p);
  const dist = new Float64Array(K);
  const leftD = new Float64Array(K);
  const rightD = new Float64Array(K);
  const bestLeftD = new Float64Array(K);
  const stackStart: number[] = [];
  const stackEnd: number[] = [];
  const stackDepth: number[] = [];
  const stackNode: number[] = [];
  const oobSum = new Float64Array(n * K);
  const oobCount = new Int32Array(n);
  const permImp = opts.permutationImportance ? new Float64Array(p) : undefined;
  const permImp2 = opts.permutationImportance ? new Float64Array(p) : undefined;
  const used = new Uint8Array(p);

  for (let t = 0; t < nTrees; t++) {
    const trng = rng.fork();
    counts.fill(0);
    if (bootstrap) for (let i = 0; i < n; i++) counts[trng.int(n)]++;
    else counts.fill(1);
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (counts[i] > 0) {
        idx[m] = i;
        wt[m] = counts[i];
        m++;
      }
    }
    const tb = new TreeBuilder(K);
    dist.fill(0);
    for (let s = 0; s < m; s++) dist[yy[idx[s]]] += wt[s];
    const root = tb.add(dist, n);
    stackStart.push(0);
    stackEnd.push(m);
    stackDepth.push(0);
    stackNode.push(root);
    const treeTotal = n;
    while (stackStart.length > 0) {
      const start = stackStart.pop()!;
      const end = stackEnd.pop()!;
      const depth = stackDepth.pop()!;
      const node = stackNode.pop()!;
      dist.fill(0);
      let total = 0;
      for (let s = start; s < end; s++) {
        dist[yy[idx[s]]] += wt[s];
        total += wt[s];
      }
      let sumSq = 0;
      let nonzero = 0;
      for (let c = 0; c < K; c++) {
        sumSq += dist[c] * dist[c];
        if (dist[c] > 0) nonzero++;
      }
      if (nonzero <= 1 || total < 2 * minLeaf || depth >= maxDepth || end - start < 2) continue;
      const parentScore = sumSq / total; // Gini: impurity = 1 - sumSq/total^2
      // Random features without replacement; keep drawing past features that cannot split here.
      for (let j = 0; j < p; j++) featPerm[j] = j;
      let bestScore = parentScore + 1e-12 * total;
      let bestFeat = -1;
      let bestThr = 0;
      let tried = 0;
      for (let s = start; s < end; s++) posInNode[idx[s]] = s - start;
      for (let draw = 0; draw < p && (tried < mtry || bestFeat < 0); draw++) {
        const r = draw + trng.int(p - draw);
        const f = featPerm[r];
        featPerm[r] = featPerm[draw];
        featPerm[draw] = f;
        const rk = ranks[f];
        const len = end - start;
        if (len * 8 > n) {
          // Large node: filter the feature's global order by node membership (O(n), no sorting).
          const ord = orders[f];
          let q = 0;
          for (let t = 0; t < n; t++) {
            const i = ord[t];
            const pos = posInNode[i];
            if (pos >= 0) {
              sPos[q] = pos;
              sRank[q] = rk[i];
              q++;
            }
          }
        } else {
          // Small node: insertion sort of (rank, position) pairs.
          for (let a = 0; a < len; a++) {
            const v = rk[idx[start + a]];
            let b = a - 1;
            while (b >= 0 && sRank[b] > v) {
              sRank[b + 1] = sRank[b];
              sPos[b + 1] = sPos[b];
              b--;
            }
            sRank[b + 1] = v;
            sPos[b + 1] = a;
          }
        }
        if (sRank[0] === sRank[len - 1]) continue; // constant in this node: does not count toward mtry
        tried++;
        leftD.fill(0);
        for (let c = 0; c < K; c++) rightD[c] = dist[c];
        let nl = 0;
        let nr = total;
        let sl = 0;
        let sr = sumSq;
        for (let s = 0; s < len - 1; s++) {
          const pos = sPos[s];
          const c = yy[idx[start + pos]];
          const w = wt[start + pos];
          sl += w * (2 * leftD[c] + w);
          leftD[c] += w;
          sr -= w * (2 * rightD[c] - w);
          rightD[c] -= w;
          nl += w;
          nr -= w;
          if (sRank[s + 1] === sRank[s]) continue;
          if (nl < minLeaf || nr < minLeaf) continue;
          const score = sl / nl + sr / nr;
          if (score > bestScore) {
            bestScore = score;
            bestFeat = f;
            // Midpoint between the two distinct values.
            const lo = x[f][idx[start + pos]];
            const hi = x[f][idx[start + sPos[s + 1]]];
            let thr = (lo + hi) / 2;
            if (!(thr < hi)) thr = lo;
            bestThr = thr;
          }
        }
      }
      for (let s = start; s < end; s++) posInNode[idx[s]] = -1;
      if (bestFeat < 0) continue;
      // Partition [start, end) by the threshold (stable, via scratch buffers).
      const col = x[bestFeat];
      let lw = 0;
      let nL = 0;
      let nR = 0;
      bestLeftD.fill(0);
      for (let s = start; s < end; s++) {
        if (col[idx[s]] <= bestThr) {
          idx[start + nL] = idx[s];
          wt[start + nL] = wt[s];
          nL++;
          lw += wt[s];
          bestLeftD[yy[idx[s]]] += wt[s];
        } else {
          tmpIdx[nR] = idx[s];
          tmpWt[nR] = wt[s];
          nR++;
        }
      }
      for (let s = 0; s < nR; s++) {
        idx[start + nL + s] = tmpIdx[s];
        wt[start + nL + s] = tmpWt[s];
      }
      const rw = total - lw;
      for (let c = 0; c < K; c++) rightD[c] = dist[c] - bestLeftD[c];
      // Weighted impurity decrease N_t*G_t - N_L*G_L - N_R*G_R = score_children - score_parent.
      let sqL = 0;
      let sqR = 0;
      for (let c = 0; c < K; c++) {
        sqL += bestLeftD[c] * bestLeftD[c];
        sqR += rightD[c] * rightD[c];
      }
      mdi[bestFeat] += (sqL / lw + sqR / rw - parentScore) / treeTotal;
      const ln = tb.add(bestLeftD, lw);
      const rn = tb.add(rightD, rw);
      tb.feature[node] = bestFeat;
      tb.threshold[node] = bestThr;
      tb.left[node] = ln;
      tb.right[node] = rn;
      stackStart.push(start + nL, start);
      stackEnd.push(end, start + nL);
      stackDepth.push(depth + 1, depth + 1);
      stackNode.push(rn, ln);
    }
    const tree = tb.finish();
    trees.push(tree);

    if (!bootstrap) continue;
    // Out-of-bag predictions for this tree.
    let nOob = 0;
    let correct = 0;
    const oob: number[] = [];
    for (let i = 0; i < n; i++) {
      if (counts[i] > 0) continue;
      oob.push(i);
      const leaf = leafOf(tree, x, i);
      const vo = leaf * K;
      let arg = 0;
      for (let c = 0; c < K; c++) {
        oobSum[i * K + c] += tree.value[vo + c];
        if (tree.value[vo + c] > tree.value[vo + arg]) arg = c;
      }
      oobCount[i]++;
      nOob++;
      if (arg === yy[i]) correct++;
    }
    if (permImp && permImp2 && nOob > 0) {
      used.fill(0);
      for (let nd = 0; nd < tree.feature.length; nd++) if (tree.feature[nd] >= 0) used[tree.feature[nd]] = 1;
      const perm = new Float64Array(nOob);
      for (let j = 0; j < p; j++) {
        if (!used[j]) continue; // permuting an unused feature changes nothing: drop 0
        for (let s = 0; s < nOob; s++) perm[s] = x[j][oob[s]];
        trng.shuffle(perm);
        let c2 = 0;
        for (let s = 0; s < nOob; s++) {
          const i = oob[s];
          const vo = leafOf(tree, x, i, j, perm[s]) * K;
          let arg = 0;
          for (let c = 1; c < K; c++) if (tree.value[vo + c] > tree.value[vo + arg]) arg = c;
          if (arg === yy[i]) c2++;
        }
        const drop = (correct - c2) / nOob;
        permImp[j] += drop;
        permImp2[j] += drop * drop;
      }
    }
  }

  let mdiSum = 0;
  for (let j = 0; j < p; j++) mdiSum += mdi[j];
  if (mdiSum > 0) for (let j = 0; j < p; j++) mdi[j] /= mdiSum;
  const forest: RandomForest = { nClasses: K, nFeatures: p, mtry, trees, impurityImportance: mdi };
  if (bootstrap) {
    const prob = new Float64Array(n * K);
    let wrong = 0;
    let seen = 0;
    for (let i = 0; i < n; i++) {
      if (oobCount[i] === 0) {
        for (let c = 0; c < K; c++) prob[i * K + c] = Number.NaN;
        continue;
      }
      let arg = 0;
      for (let c = 0; c < K; c++) {
        prob[i * K + c] = oobSum[i * K + c] / oobCount[i];
        if (prob[i * K + c] > prob[i * K + arg]) arg = c;
      }
      seen++;
      if (arg !== yy[i]) wrong++;
    }
    forest.oobProb = prob;
    forest.oobError = seen > 0 ? wrong / seen : Number.NaN;
  }
  if (permImp && permImp2) {
    const se = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      const mean = permImp[j] / nTrees;
      const v = Math.max(0, permImp2[j] / nTrees - mean * mean);
      permImp[j] = mean;
      se[j] = nTrees > 1 ? Math.sqrt((v * nTrees) / (nTrees - 1) / nTrees) : Number.NaN;
    }
    forest.permutationImportance = permImp;
    forest.permutationImportanceSE = se;
  }
  return forest;
}

/** Class probabilities (n x nClasses, row-major): the mean of the trees' leaf proportions. */
export function predictForest(forest: RandomForest, x: Float64Array[]): Float64Array {
  if (x.length !== forest.nFeatures)
    throw new InputError(`expected ${forest.nFeatures} features, got ${x.length}`);
  const n = x.length > 0 ? x[0].length : 0;
  const K = forest.nClasses;
  const out = new Float64Array(n * K);
  for (const tree of forest.trees) {
    for (let i = 0; i < n; i++) {
      const vo = leafOf(tree, x, i) * K;
      for (let c = 0; c < K; c++) out[i * K + c] += tree.value[vo + c];
    }
  }
  const T = forest.trees.length;
  for (let i = 0; i < out.length; i++) out[i] /= T;
  return out;
}

/** JSON form of a forest (typed arrays as plain arrays). */
export interface ForestJson {
  nClasses: number;
  nFeatures: number;
  mtry: number;
  trees: { feature: number[]; threshold: number[]; left: number[]; right: number[]; value: number[] }[];
}

export function forestToJson(f: RandomForest): ForestJson {
  return {
    nClasses: f.nClasses,
    nFeatures: f.nFeatures,
    mtry: f.mtry,
    trees: f.trees.map((t) => ({
      feature: Array.from(t.feature),
      threshold: Array.from(t.threshold),
      left: Array.from(t.left),
      right: Array.from(t.right),
      value: Array.from(t.value),
    })),
  };
}

export function forestFromJson(j: ForestJson): RandomForest {
  return {
    nClasses: j.nClasses,
    nFeatures: j.nFeatures,
    mtry: j.mtry,
    trees: j.trees.map((t) => ({
      feature: Int32Array.from(t.feature),
      threshold: Float64Array.from(t.threshold),
      left: Int32Array.from(t.left),
      right: Int32Array.from(t.right),
      value: Float64Array.from(t.value),
    })),
    impurityImportance: new Float64Array(j.nFeatures),
  };
}
