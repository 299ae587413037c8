/**
 * Gene expression matrices and per-gene differential expression between imaging clusters.
 *
 * Matrix layout: genes x samples, row-major Float64Array (`values[g * nSamples + s]`), NaN = missing.
 * `expressionFromTable` reads either orientation from a Table, chosen explicitly:
 * - "genes-by-samples": one row per gene, a gene-name column, one column per sample (case id);
 * - "samples-by-genes": one row per sample, an id column, one column per gene.
 *
 * Differential expression (`differentialExpression`), one test per gene on the samples with a value:
 * - 2 clusters: Mann-Whitney U (default; R wilcox.test(exact = FALSE, correct = TRUE)) or Welch's t test;
 *   effect sizes: logFC = mean(other) - mean(reference) where the reference is the first cluster
 *   (expression assumed on a log2 scale; with `logScale: false`, logFC = log2((mean(other) + 1) /
 *   (mean(reference) + 1))), AUC = P(other > reference) + P(tie)/2 from U, and Cohen's d (pooled SD);
 * - k > 2 clusters: Kruskal-Wallis (tie-corrected), effect size epsilon^2 = H / (n - 1), and per cluster the
 *   one-vs-rest logFC; `topCluster` = the cluster with the largest mean;
 * - q-values: Benjamini-Hochberg over the tested genes (`pAdjust` for another method). Genes with fewer than
 *   `minPerGroup` values in some cluster, or constant across the samples, get p = NaN and are not counted.
 *
 * Browser-safe: no `node:` imports.
 */
import { DataError, InputError } from "../../errors.js";
import { adjustPValues, type PAdjustMethod } from "../tests/fdr.js";
import type { Table } from "../tables/table.js";
import { kruskalCodes, mannWhitneyU, tTest } from "../tests/univariate.js";

export type ExpressionOrientation = "genes-by-samples" | "samples-by-genes";

export interface ExpressionMatrix {
  genes: string[];
  samples: string[];
  /** genes x samples, row-major; NaN = missing. */
  values: Float64Array;
  source?: string;
}

/**
 * Expression matrix from a table. `idColumn` is the gene-name column (genes-by-samples) or the sample-id
 * column (samples-by-genes); default: the first column. Every other column must be numeric.
 */
export function expressionFromTable(
  table: Table,
  orientation: ExpressionOrientation,
  idColumn?: string,
): ExpressionMatrix {
  const id = idColumn ?? table.names[0];
  if (id === undefined) throw new InputError("expression table has no columns", table.source);
  const rowIds = table.text(id).map((v, i) => {
    if (v === null || v.trim() === "")
      throw new InputError(
        `column "${id}", row ${i + 1}: missing ${orientation === "genes-by-samples" ? "gene name" : "sample id"}`,
        table.source,
      );
    return v.trim();
  });
  const dup = firstDuplicate(rowIds);
  if (dup)
    throw new InputError(
      `column "${id}": duplicate ${orientation === "genes-by-samples" ? "gene" : "sample"} "${dup}"`,
      table.source,
    );
  const colNames = table.names.filter((n) => n !== id);
  if (colNames.length === 0)
    throw new InputError(`expression table has no value columns besides "${id}"`, table.source);
  const cols = colNames.map((n) => table.numeric(n));
  const nr = rowIds.length;
  const nc = colNames.length;
  if (orientation === "genes-by-samples") {
    const values = new Float64Array(nr * nc);
    for (let s = 0; s < nc; s++) {
      const c = cols[s];
      for (let g = 0; g < nr; g++) values[g * nc + s] = c[g];
    }
    return { genes: rowIds, samples: colNames.map((s) => s.trim()), values, source: table.source };
  }
  if (orientation !== "samples-by-genes")
    throw new InputError(
      `unknown expression orientation "${orientation}" (use genes-by-samples or samples-by-genes)`,
    );
  const values = new Float64Array(nc * nr);
  for (let g = 0; g < nc; g++) values.set(cols[g], g * nr);
  return { genes: colNames.map((s) => s.trim()), samples: rowIds, values, source: table.source };
}

function firstDuplicate(a: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const v of a) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return undefined;
}

/**
 * Restrict and reorder the samples of an expression matrix to the given case ids. Returns the matrix for the
 * matched ids (in the order of `caseIds`), the positions in `caseIds` that matched, and the unmatched ids on
 * both sides. No overlap at all is a DataError naming a few ids of each side.
 */
export function alignExpression(
  expr: ExpressionMatrix,
  caseIds: readonly string[],
): { expr: ExpressionMatrix; caseIndex: Int32Array; missingInExpression: string[]; notClustered: string[] } {
  const pos = new Map<string, number>();
  expr.samples.forEach((s, i) => {
    pos.set(s, i);
  });
  const caseIndex: number[] = [];
  const exprIndex: number[] = [];
  const missingInExpression: string[] = [];
  caseIds.forEach((id, i) => {
    const j = pos.get(id.trim());
    if (j === undefined) missingInExpression.push(id);
    else {
      caseIndex.push(i);
      exprIndex.push(j);
    }
  });
  const used = new Set(exprIndex);
  const notClustered = expr.samples.filter((_, j) => !used.has(j));
  if (caseIndex.length === 0) {
    const a = caseIds.slice(0, 3).join(", ");
    const b = expr.samples.slice(0, 3).join(", ");
    throw new DataError(
      `no overlap between the expression samples (e.g. ${b}) and the feature case ids (e.g. ${a}); check the orientation and the id column`,
      expr.source,
    );
  }
  const ng = expr.genes.length;
  const ns = expr.samples.length;
  const m = exprIndex.length;
  const values = new Float64Array(ng * m);
  for (let g = 0; g < ng; g++)
    for (let t = 0; t < m; t++) values[g * m + t] = expr.values[g * ns + exprIndex[t]];
  return {
    expr: { genes: expr.genes, samples: exprIndex.map((j) => expr.samples[j]), values, source: expr.source },
    caseIndex: Int32Array.from(caseIndex),
    missingInExpression,
    notClustered,
  };
}

export type DiffTest = "auto" | "mann-whitney" | "welch" | "kruskal";

export interface DiffExprOptions {
  /** "auto" (default): Mann-Whitney for 2 clusters, Kruskal-Wallis for more. */
  test?: DiffTest;
  pAdjust?: PAdjustMethod;
  /** Values are log-scale (default true): logFC is a difference of means. */
  logScale?: boolean;
  /** Fewest values per cluster for a gene to be tested. Default 2. */
  minPerGroup?: number;
}

export interface DiffExprRow {
  gene: string;
  /** Samples with a value. */
  n: number;
  test: "mann-whitney" | "welch" | "kruskal";
  /** U (Mann-Whitney, of the non-reference cluster), t (Welch) or H (Kruskal-Wallis). */
  statistic: number;
  /** Degrees of freedom (Welch, Kruskal-Wallis); NaN for Mann-Whitney. */
  df: number;
  p: number;
  q: number;
  /** Mean per cluster (cluster order of the result). */
  mean: number[];
  /** 2 clusters: logFC of the second cluster vs the first; k > 2: NaN (see logFCvsRest). */
  logFC: number;
  /** Per cluster: logFC of the cluster vs all other samples. */
  logFCvsRest: number[];
  /** AUC (Mann-Whitney), Cohen's d (Welch) or epsilon^2 (Kruskal-Wallis). */
  effect: number;
  /** Cluster with the largest mean. */
  topCluster: string;
}

export interface DiffExprResult {
  clusters: string[];
  test: "mann-whitney" | "welch" | "kruskal";
  pAdjust: PAdjustMethod;
  rows: DiffExprRow[];
  /** Genes skipped (too few values, constant) with the reason. */
  skipped: { gene: string; reason: string }[];
}

/**
 * Per-gene tests between clusters. `clusters` gives the cluster label of each sample of `expr` (same order;
 * use `alignExpression` first).
 */
export function differentialExpression(
  expr: ExpressionMatrix,
  clusters: ArrayLike<number>,
  opts: DiffExprOptions = {},
): DiffExprResult {
  const ns = expr.samples.length;
  const ng = expr.genes.length;
  if (clusters.length !== ns)
    throw new InputError(`${clusters.length} cluster labels for ${ns} expression samples`);
  const levels = Array.from(new Set(Array.from(clusters))).sort((a, b) => a - b);
  const k = levels.length;
  if (k < 2) throw new DataError(`differential expression needs at least 2 clusters, found ${k}`);
  const code = new Int32Array(ns);
  const li = new Map(levels.map((v, i) => [v, i]));
  for (let s = 0; s < ns; s++) code[s] = li.get(clusters[s]) as number;
  const requested = opts.test ?? "auto";
  const test: DiffExprRow["test"] = requested === "auto" ? (k === 2 ? "mann-whitney" : "kruskal") : requested;
  if ((test === "mann-whitney" || test === "welch") && k !== 2)
    throw new InputError(`${test} compares 2 clusters; there are ${k} (use kruskal)`);
  const logScale = opts.logScale ?? true;
  const minPer = opts.minPerGroup ?? 2;
  const method = opts.pAdjust ?? "BH";
  const names = levels.map(String);

  const rows: DiffExprRow[] = [];
  const skipped: { gene: string; reason: string }[] = [];
  const vals = new Float64Array(ns);
  const codes = new Int32Array(ns);
  const count = new Int32Array(k);
  const sum = new Float64Array(k);
  for (let g = 0; g < ng; g++) {
    let m = 0;
    count.fill(0);
    sum.fill(0);
    for (let s = 0; s < ns; s++) {
      const v = expr.values[g * ns + s];
      if (!Number.isFinite(v)) continue;
      vals[m] = v;
      codes[m] = code[s];
      count[code[s]]++;
      sum[code[s]] += v;
      m++;
    }
    const gene = expr.genes[g];
    const mean = Array.from(sum, (v, c) => v / count[c]);
    let total = 0;
    for (let c = 0; c < k; c++) total += sum[c];
    const fc = (a: number, b: number) => (logScale ? a - b : Math.log2((a + 1) / (b + 1)));
    const logFCvsRest = mean.map((mu, c) => fc(mu, (total - sum[c]) / (m - count[c])));
    let top = 0;
    for (let c = 1; c < k; c++) if (mean[c] > mean[top]) top = c;
    let constant = true;
    for (let t = 1; t < m; t++)
      if (vals[t] !== vals[0]) {
        constant = false;
        break;
      }
    const base = { gene, n: m, test, mean, logFCvsRest, topCluster: names[top] };
    const fewest = Math.min(...count);
    if (fewest < minPer || constant) {
      const reason = constant ? "constant across the samples" : `fewer than ${minPer} values in a cluster`;
      skipped.push({ gene, reason });
      rows.push({
        ...base,
        statistic: Number.NaN,
        df: Number.NaN,
        p: Number.NaN,
        q: Number.NaN,
        logFC: k === 2 ? fc(mean[1], mean[0]) : Number.NaN,
        effect: Number.NaN,
      });
      continue;
    }
    const v = vals.subarray(0, m);
    const cd = codes.subarray(0, m);
    if (test === "kruskal") {
      const r = kruskalCodes(v, cd, k);
      rows.push({
        ...base,
        statistic: r.H,
        df: r.df,
        p: r.p,
        q: Number.NaN,
        logFC: k === 2 ? fc(mean[1], mean[0]) : Number.NaN,
        effect: r.epsilonSquared,
      });
      continue;
    }
    const a: number[] = [];
    const b: number[] = [];
    for (let t = 0; t < m; t++) (cd[t] === 1 ? a : b).push(v[t]);
    if (test === "mann-whitney") {
      const r = mannWhitneyU(a, b);
      rows.push({
        ...base,
        statistic: r.U,
        df: Number.NaN,
        p: r.p,
        q: Number.NaN,
        logFC: fc(mean[1], mean[0]),
        effect: r.auc,
      });
    } else {
      const r = tTest(a, b);
      rows.push({
        ...base,
        statistic: r.t,
        df: r.df,
        p: r.p,
        q: Number.NaN,
        logFC: fc(mean[1], mean[0]),
        effect: r.cohensD,
      });
    }
  }
  const q = adjustPValues(
    rows.map((r) => r.p),
    method,
  );
  rows.forEach((r, i) => {
    r.q = q[i];
  });
  return { clusters: names, test, pAdjust: method, rows, skipped };
}
