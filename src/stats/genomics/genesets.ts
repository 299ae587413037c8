/**
 * Gene sets: GMT parsing and single-sample gene-set scores.
 *
 * GMT (Broad/MSigDB): one set per line, tab-separated: name, description, gene, gene, ... Empty fields and
 * repeated genes are ignored; blank lines and lines starting with "#" are skipped.
 *
 * Scores (sets x samples), computed on the genes of the set that are present in the matrix:
 * - "meanz": mean z-score. Each gene is standardised across the samples, z = (x - mean) / sd (sd with
 *   n - 1), and the score of a sample is the mean of z over the set's genes with a value in that sample.
 *   (GSVA's method = "zscore", Lee et al. 2008, is this mean times sqrt(set size).)
 * - "ssgsea": single-sample GSEA (Barbie et al., Nature 2009) as GSVA's `method = "ssgsea"`. In each sample,
 *   genes are ranked by expression, r = 1 (lowest) .. n (highest; ties get the average rank, truncated to
 *   an integer as GSVA does), and walked from the highest to the lowest; the score is the sum over the walk
 *   of (running weighted fraction of set genes, weights r^alpha, alpha = 0.25) minus (running fraction of
 *   other genes). In closed form, with pos = 1 for the highest gene:
 *     ES = sum_{g in S} w_g (n - pos_g + 1) / sum_{g in S} w_g - sum_{g not in S} (n - pos_g + 1) / (n - |S|).
 *   With `normalize: true` all scores are divided by (max - min) of the whole score matrix (GSVA's
 *   ssgsea.norm = TRUE). The genes used are those without missing values and not constant across the
 *   samples (GSVA drops constant genes too).
 *
 * Sets with fewer than `minSize` (default 5) genes present, or more than `maxSize`, are skipped with a note.
 *
 * Browser-safe: no `node:` imports.
 */
import { FormatError, InputError } from "../../errors.js";
import type { ExpressionMatrix } from "./expression.js";

export interface GeneSet {
  name: string;
  description: string;
  genes: string[];
}

/** Parse GMT text. */
export function parseGmt(text: string, source = "gene sets"): GeneSet[] {
  const out: GeneSet[] = [];
  const seen = new Set<string>();
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "" || line.startsWith("#")) continue;
    const fields = line.split("\t");
    const name = fields[0].trim();
    if (fields.length < 2 || name === "")
      throw new FormatError(
        `line ${i + 1}: expected "name<TAB>description<TAB>genes...", got "${line.slice(0, 60)}"`,
        source,
      );
    if (seen.has(name)) throw new FormatError(`line ${i + 1}: duplicate gene set "${name}"`, source);
    seen.add(name);
    const genes: string[] = [];
    const inSet = new Set<string>();
    for (let f = 2; f < fields.length; f++) {
      const g = fields[f].trim();
      if (g === "" || inSet.has(g)) continue;
      inSet.add(g);
      genes.push(g);
    }
    out.push({ name, description: fields[1].trim(), genes });
  }
  if (out.length === 0) throw new FormatError("no gene sets found", source);
  return out;
}

export type GeneSetMethod = "meanz" | "ssgsea";

export interface GeneSetScoreOptions {
  method?: GeneSetMethod;
  /** Fewest genes present for a set to be scored. Default 5. */
  minSize?: number;
  maxSize?: number;
  /** ssGSEA weight exponent. Default 0.25. */
  alpha?: number;
  /** ssGSEA: divide by the range of all scores. Default false. */
  normalize?: boolean;
}

export interface GeneSetScores {
  method: GeneSetMethod;
  /** Scored sets (rows) and samples (columns). */
  sets: string[];
  samples: string[];
  /** sets x samples, row-major. */
  scores: Float64Array;
  /** Genes of each scored set present in the matrix (and usable). */
  sizes: number[];
  skipped: { name: string; present: number; total: number; reason: string }[];
  /** Genes left out of the scoring (missing values, constant). */
  genesDropped: number;
}

/** Single-sample scores of gene sets. */
export function geneSetScores(
  expr: ExpressionMatrix,
  sets: readonly GeneSet[],
  opts: GeneSetScoreOptions = {},
): GeneSetScores {
  const method = opts.method ?? "meanz";
  if (method !== "meanz" && method !== "ssgsea")
    throw new InputError(`unknown gene-set score "${method}" (use meanz or ssgsea)`);
  const minSize = opts.minSize ?? 5;
  const maxSize = opts.maxSize ?? Number.POSITIVE_INFINITY;
  const alpha = opts.alpha ?? 0.25;
  const ng = expr.genes.length;
  const ns = expr.samples.length;
  const x = expr.values;
  // usable genes: for ssGSEA complete and not constant; for mean z not constant (missing cells skipped)
  const usable = new Uint8Array(ng);
  const mean = new Float64Array(ng);
  const sd = new Float64Array(ng);
  let dropped = 0;
  for (let g = 0; g < ng; g++) {
    let m = 0;
    let s = 0;
    for (let j = 0; j < ns; j++) {
      const v = x[g * ns + j];
      if (Number.isFinite(v)) {
        m++;
        s += v;
      }
    }
    const mu = s / m;
    let ss = 0;
    for (let j = 0; j < ns; j++) {
      const v = x[g * ns + j];
      if (Number.isFinite(v)) ss += (v - mu) * (v - mu);
    }
    mean[g] = mu;
    sd[g] = m > 1 ? Math.sqrt(ss / (m - 1)) : 0;
    const ok = sd[g] > 0 && (method === "meanz" ? m >= 2 : m === ns);
    usable[g] = ok ? 1 : 0;
    if (!ok) dropped++;
  }
  const index = new Map<string, number>();
  expr.genes.forEach((name, g) => {
    if (usable[g]) index.set(name, g);
  });
  const scored: { name: string; idx: Int32Array }[] = [];
  const skipped: GeneSetScores["skipped"] = [];
  for (const set of sets) {
    const idx: number[] = [];
    for (const gname of set.genes) {
      const g = index.get(gname);
      if (g !== undefined) idx.push(g);
    }
    if (idx.length < minSize || idx.length > maxSize) {
      skipped.push({
        name: set.name,
        present: idx.length,
        total: set.genes.length,
        reason:
          idx.length < minSize
            ? `only ${idx.length} of ${set.genes.length} genes present (minimum ${minSize})`
            : `${idx.length} genes present (maximum ${maxSize})`,
      });
      continue;
    }
    scored.push({ name: set.name, idx: Int32Array.from(idx) });
  }
  const scores = new Float64Array(scored.length * ns);
  if (method === "meanz") {
    scored.forEach((s, r) => {
      for (let j = 0; j < ns; j++) {
        let acc = 0;
        let m = 0;
        for (const g of s.idx) {
          const v = x[g * ns + j];
          if (!Number.isFinite(v)) continue;
          acc += (v - mean[g]) / sd[g];
          m++;
        }
        scores[r * ns + j] = m > 0 ? acc / m : Number.NaN;
      }
    });
  } else {
    ssgsea(x, ng, ns, usable, scored, alpha, scores);
    if (opts.normalize) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const v of scores) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const range = hi - lo;
      for (let i = 0; i < scores.length; i++) scores[i] /= range;
    }
  }
  return {
    method,
    sets: scored.map((s) => s.name),
    samples: expr.samples.slice(),
    scores,
    sizes: scored.map((s) => s.idx.length),
    skipped,
    genesDropped: dropped,
  };
}

function ssgsea(
  x: Float64Array,
  ng: number,
  ns: number,
  usable: Uint8Array,
  sets: { name: string; idx: Int32Array }[],
  alpha: number,
  out: Float64Array,
): void {
  const genes: number[] = [];
  for (let g = 0; g < ng; g++) if (usable[g]) genes.push(g);
  const n = genes.length;
  const local = new Int32Array(ng).fill(-1);
  genes.forEach((g, i) => {
    local[g] = i;
  });
  const vals = new Float64Array(n);
  const order = new Int32Array(n);
  const rank = new Float64Array(n); // truncated average rank, 1 = lowest
  const walkPos = new Int32Array(n); // 1 = highest
  const half = (n * (n + 1)) / 2;
  for (let j = 0; j < ns; j++) {
    for (let i = 0; i < n; i++) {
      vals[i] = x[genes[i] * ns + j];
      order[i] = i;
    }
    order.sort((a, b) => vals[a] - vals[b] || a - b);
    let i = 0;
    while (i < n) {
      let e = i + 1;
      while (e < n && vals[order[e]] === vals[order[i]]) e++;
      const r = Math.trunc((i + 1 + e) / 2);
      for (let t = i; t < e; t++) rank[order[t]] = r;
      i = e;
    }
    // walk order: decreasing rank, ties in gene order (R's order(decreasing = TRUE) is stable)
    order.sort((a, b) => rank[b] - rank[a] || a - b);
    for (let p = 0; p < n; p++) walkPos[order[p]] = p + 1;
    sets.forEach((s, r) => {
      const k = s.idx.length;
      let sw = 0;
      let swp = 0;
      let sp = 0;
      for (const g of s.idx) {
        const li = local[g];
        const w = rank[li] ** alpha;
        const pp = n - walkPos[li] + 1;
        sw += w;
        swp += w * pp;
        sp += pp;
      }
      out[r * ns + j] = swp / sw - (half - sp) / (n - k);
    });
  }
}

/** Gene-set scores as an expression-like matrix (sets as "genes"), to test them between clusters. */
export function scoresAsMatrix(s: GeneSetScores): ExpressionMatrix {
  return { genes: s.sets.slice(), samples: s.samples.slice(), values: s.scores };
}
