/**
 * The analysis stages of a study run, on a feature table joined with the clinical table: cohort summary,
 * ComBat harmonisation (with PCA before/after), associations (volcano, marker heatmap, feature x gene map,
 * correlation clustergram), validated models (ROC with CI band, calibration, decision curves), survival
 * (out-of-fold penalised-Cox signature, Kaplan-Meier by risk group with numbers at risk) and consensus
 * clustering. Every stage returns plain JSON (numbers, strings, arrays; NaN as null), so that a result
 * read back from the stage cache is identical to a fresh one. Browser-safe.
 */
import { Matrix, EigenvalueDecomposition } from "ml-matrix";
import { DataError } from "../../errors.js";
import * as S from "../../stats/index.js";
import type { Table } from "../../stats/tables/table.js";
import type { StudySpec, TargetSpec } from "./spec.js";

/** JSON-safe number: NaN/Infinity become null (JSON has no NaN). */
export type Num = number | null;
export const num = (x: number): Num => (Number.isFinite(x) ? x : null);
/** Round-trip through JSON: what a stage returns equals what the cache gives back. */
export const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v));

export interface Cohort {
  table: Table;
  ids: string[];
  features: string[];
  notes: string[];
}

export interface CohortSummary {
  n: number;
  nFeatureColumns: number;
  nFeaturesUsed: number;
  droppedFeatures: string[];
  /** Level counts of the batch, subgroup and classification-target columns. */
  categorical: Array<{ column: string; levels: Array<{ level: string; n: number }> }>;
  /** Missing values per clinical column (all columns, fraction). */
  missingness: Array<{ column: string; missing: number; fraction: number }>;
  /** Cases in the clinical table without features, and feature rows without clinical data. */
  unmatchedClinical: string[];
  unmatchedFeatures: string[];
  notes: string[];
}

/** Join the features with the clinical table on the id, pick the usable feature columns. */
export function prepareCohort(
  features: Table,
  clinical: Table,
  spec: StudySpec,
): { cohort: Cohort; summary: CohortSummary } {
  const notes: string[] = [];
  const clinicalCols = clinical.names.filter((n) => n !== spec.id);
  const featureCols = features
    .numericNames([spec.id])
    .filter((n) => !n.startsWith("diagnostics_") && !clinicalCols.includes(n));
  const joined = S.table.joinTables(features.select([spec.id, ...featureCols]), clinical, spec.id);
  const table = joined.table;
  const dropped: string[] = [];
  const used = featureCols.filter((f) => {
    const v = table.numeric(f);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const x of v) {
      if (!Number.isFinite(x)) {
        dropped.push(f);
        return false;
      }
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    if (!(hi > lo)) dropped.push(f);
    return hi > lo;
  });
  if (dropped.length)
    notes.push(
      `${dropped.length} constant or incomplete feature column(s) left out: ${dropped.slice(0, 5).join(", ")}${dropped.length > 5 ? ", ..." : ""}`,
    );
  if (used.length < 2)
    throw new DataError(`only ${used.length} usable feature column(s) after joining on "${spec.id}"`);
  const ids = table.text(spec.id).map((x) => x ?? "");
  const idsF = new Set(features.text(spec.id));
  const idsC = new Set(clinical.text(spec.id));
  const unmatchedClinical = [...idsC].filter((x) => x !== null && !idsF.has(x)) as string[];
  const unmatchedFeatures = [...idsF].filter((x) => x !== null && !idsC.has(x)) as string[];
  if (unmatchedClinical.length) notes.push(`${unmatchedClinical.length} clinical case(s) without features`);
  if (unmatchedFeatures.length)
    notes.push(`${unmatchedFeatures.length} feature row(s) without clinical data`);
  const catCols = [
    ...new Set([
      ...(spec.harmonize ? [spec.harmonize.batch] : []),
      ...spec.audit.subgroups,
      ...spec.targets.filter((t) => t.type !== "survival").map((t) => t.column ?? t.name),
    ]),
  ];
  const categorical = catCols.map((column) => {
    const counts = new Map<string, number>();
    for (const v of table.text(column)) counts.set(v ?? "(missing)", (counts.get(v ?? "(missing)") ?? 0) + 1);
    const levels = [...counts.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([level, n]) => ({ level, n }));
    return { column, levels };
  });
  const missingness = clinicalCols.map((column) => {
    let m = 0;
    for (let i = 0; i < table.nRows; i++) if (table.isMissing(column, i)) m++;
    return { column, missing: m, fraction: m / table.nRows };
  });
  return {
    cohort: { table, ids, features: used, notes },
    summary: {
      n: table.nRows,
      nFeatureColumns: featureCols.length,
      nFeaturesUsed: used.length,
      droppedFeatures: dropped,
      categorical,
      missingness,
      unmatchedClinical,
      unmatchedFeatures,
      notes,
    },
  };
}

// ---------------------------------------------------------------- helpers

function zCols(cols: Float64Array[]): Float64Array[] {
  return cols.map((c) => {
    const n = c.length;
    let s = 0;
    for (const v of c) s += v;
    const m = s / n;
    let ss = 0;
    for (const v of c) ss += (v - m) ** 2;
    const sd = Math.sqrt(ss / (n - 1)) || 1;
    return Float64Array.from(c, (v) => (v - m) / sd);
  });
}

/** First two principal components of z-scored columns (scores per row, variance explained). */
export function pca2(cols: Float64Array[]): { pc1: number[]; pc2: number[]; explained: [number, number] } {
  const z = zCols(cols);
  const n = z[0]!.length;
  const p = z.length;
  const cov = new Matrix(p, p);
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++) {
      let s = 0;
      const za = z[a]!;
      const zb = z[b]!;
      for (let i = 0; i < n; i++) s += za[i]! * zb[i]!;
      cov.set(a, b, s / (n - 1));
      cov.set(b, a, s / (n - 1));
    }
  const evd = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const vals = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = vals.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  const total = vals.reduce((s, v) => s + v, 0);
  const score = (k: number) => {
    const j = order[k]![1];
    // Sign convention: the largest loading is positive (deterministic orientation).
    let big = 0;
    for (let a = 0; a < p; a++) if (Math.abs(vecs.get(a, j)) > Math.abs(big)) big = vecs.get(a, j);
    const sign = big < 0 ? -1 : 1;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += z[a]![i]! * vecs.get(a, j) * sign;
      out.push(s);
    }
    return out;
  };
  return { pc1: score(0), pc2: score(1), explained: [order[0]![0] / total, order[1]![0] / total] };
}

function kruskalCount(
  t: Table,
  features: string[],
  group: (string | null)[],
): { significant: number; total: number } {
  const levels = [...new Set(group)].filter((s): s is string => s !== null).sort();
  const p = new Float64Array(features.length);
  features.forEach((f, j) => {
    const x = t.numeric(f);
    const groups = levels.map((lv) => Float64Array.from(x.filter((_v, i) => group[i] === lv)));
    p[j] = S.univariate.kruskalWallis(groups).p;
  });
  const q = S.fdr.adjustPValues(p, "BH");
  let significant = 0;
  for (const v of q) if (v < 0.05) significant++;
  return { significant, total: features.length };
}

// ---------------------------------------------------------------- harmonisation

export interface HarmonizeResult {
  batch: string;
  covariates: string[];
  method: string;
  pca: {
    before: { pc1: Num[]; pc2: Num[]; explained: Num[] };
    after: { pc1: Num[]; pc2: Num[]; explained: Num[] };
    site: string[];
  };
  siteEffectBefore: { significant: number; total: number };
  siteEffectAfter: { significant: number; total: number };
  /** Harmonised feature values (features x cases), used by the later stages. */
  values: Num[][];
}

export function harmonizeStage(c: Cohort, spec: StudySpec): HarmonizeResult {
  const h = spec.harmonize!;
  const { table } = S.combat.combatTable(c.table, {
    batch: h.batch,
    covariates: h.covariates,
    features: c.features,
    id: spec.id,
  });
  const site = c.table.text(h.batch).map((s) => s ?? "");
  const before = pca2(c.features.map((f) => c.table.numeric(f)));
  const after = pca2(c.features.map((f) => table.numeric(f)));
  const pj = (r: ReturnType<typeof pca2>) => ({
    pc1: r.pc1.map(num),
    pc2: r.pc2.map(num),
    explained: r.explained.map(num),
  });
  return plain({
    batch: h.batch,
    covariates: h.covariates,
    method: "ComBat (parametric empirical Bayes, Johnson et al. 2007), fitted on all cases",
    pca: { before: pj(before), after: pj(after), site },
    siteEffectBefore: kruskalCount(c.table, c.features, site),
    siteEffectAfter: kruskalCount(table, c.features, site),
    values: c.features.map((f) => Array.from(table.numeric(f), num)),
  });
}

/** The cohort with harmonised feature values in place of the raw ones. */
export function withValues(c: Cohort, values: Num[][]): Cohort {
  let t = c.table;
  c.features.forEach((f, j) => {
    t = t.withColumn({
      kind: "numeric",
      name: f,
      values: Float64Array.from(values[j]!, (v) => v ?? Number.NaN),
    });
  });
  return { ...c, table: t };
}

// ---------------------------------------------------------------- associations

export interface AssociationTarget {
  target: string;
  test: string;
  effectName: string;
  rows: Array<{ feature: string; effect: Num; p: Num; q: Num; n: number }>;
}

export interface AssociationResult {
  targets: AssociationTarget[];
  /** Feature x marker -log10(q) for the top features (rows) and every marker (columns). */
  heatmap: { features: string[]; markers: string[]; value: Num[][] };
  /** Feature x gene Spearman map (top features x genes), when a gene table was given. */
  geneMap?: { features: string[]; genes: string[]; rho: Num[][]; q: Num[][] };
  /** Feature-feature Spearman correlation of the top features in clustered order, with the dendrogram. */
  correlation: { features: string[]; r: Num[][]; merge: number[]; height: Num[] };
}

export function associateStage(c: Cohort, spec: StudySpec, genes?: Table): AssociationResult {
  const targets: AssociationTarget[] = [];
  const classTargets = spec.targets.filter((t) => t.type !== "survival");
  const markers = [
    ...new Set([
      ...classTargets.map((t) => t.column ?? t.name),
      ...spec.audit.subgroups,
      ...(spec.harmonize?.covariates ?? []),
    ]),
  ].filter((m) => c.table.has(m));
  const qByMarker = new Map<string, Map<string, number>>();
  for (const m of markers) {
    const tg = classTargets.find((t) => (t.column ?? t.name) === m);
    const isText = c.table.column(m).kind === "text";
    const levels = new Set(c.table.text(m).filter((x) => x !== null));
    const type = tg
      ? tg.type === "binary"
        ? "binary"
        : "categorical"
      : levels.size === 2
        ? "binary"
        : isText
          ? "categorical"
          : "continuous";
    const res = S.associate.associate(c.table, m, {
      features: c.features,
      targetType: type,
      positive: tg?.positive,
      secondary: false,
      id: spec.id,
    });
    const rows = res.rows.filter((r) => r.role === "primary");
    qByMarker.set(m, new Map(rows.map((r) => [r.feature, r.pAdjusted])));
    if (tg)
      targets.push({
        target: tg.name,
        test: rows[0]?.test ?? "",
        effectName: rows[0]?.effectName ?? "",
        rows: rows
          .map((r) => ({
            feature: r.feature,
            effect: num(r.effectSize),
            p: num(r.p),
            q: num(r.pAdjusted),
            n: r.n,
          }))
          .sort((a, b) => (a.p ?? 2) - (b.p ?? 2) || (a.feature < b.feature ? -1 : 1)),
      });
  }
  // Top features: smallest q over the markers (ties by name).
  const best = c.features
    .map((f) => ({ f, q: Math.min(...markers.map((m) => qByMarker.get(m)?.get(f) ?? 1)) }))
    .sort((a, b) => a.q - b.q || (a.f < b.f ? -1 : 1));
  const top = best.slice(0, Math.min(30, best.length)).map((b) => b.f);
  const heatmap = {
    features: top,
    markers,
    value: top.map((f) => markers.map((m) => num(-Math.log10(qByMarker.get(m)?.get(f) ?? Number.NaN)))),
  };

  let geneMap: AssociationResult["geneMap"];
  if (genes) {
    const gid = spec.id;
    const geneNames = genes.numericNames([gid]);
    const pos = new Map(genes.text(gid).map((v, i) => [v, i]));
    const rows = c.ids.map((id) => pos.get(id));
    const keep = rows.map((r, i) => (r === undefined ? -1 : i)).filter((i) => i >= 0);
    const ns = keep.length;
    const tf = top.slice(0, 20);
    const fx = new Float64Array(ns * tf.length);
    keep.forEach((i, s) => {
      tf.forEach((f, j) => {
        fx[s * tf.length + j] = c.table.numeric(f)[i]!;
      });
    });
    const values = new Float64Array(geneNames.length * ns);
    geneNames.forEach((g, gi) => {
      const col = genes.numeric(g);
      keep.forEach((i, s) => {
        values[gi * ns + s] = col[rows[i]!]!;
      });
    });
    const map = S.radiogenomicMap.radiogenomicMap(fx, tf, {
      genes: geneNames,
      samples: keep.map((i) => c.ids[i]!),
      values,
    });
    const G = geneNames.length;
    geneMap = {
      features: tf,
      genes: geneNames,
      rho: tf.map((_, j) => geneNames.map((_g, k) => num(map.rho[j * G + k]!))),
      q: tf.map((_, j) => geneNames.map((_g, k) => num(map.q[j * G + k]!))),
    };
  }

  const tc = top.slice(0, Math.min(30, top.length));
  const cm = S.correlation.correlationMatrix(
    tc.map((f) => c.table.numeric(f)),
    { method: "spearman", names: tc },
  );
  const m = tc.length;
  const dist = new Float64Array((m * (m - 1)) / 2);
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++) {
      const r = cm.values[i * m + j]!;
      dist[S.hclust.condensedIndex(m, i, j)] = Number.isFinite(r) ? 1 - Math.abs(r) : 1;
    }
  const tree = S.hclust.hclust(dist, m, "average");
  const order = Array.from(tree.order);
  return plain({
    targets,
    heatmap,
    geneMap,
    correlation: {
      features: order.map((i) => tc[i]!),
      r: order.map((i) => order.map((j) => num(cm.values[i * m + j]!))),
      // The dendrogram in the original item numbering plus the leaf order (for drawing).
      merge: Array.from(tree.merge),
      height: Array.from(tree.height, num),
      order,
    } as AssociationResult["correlation"],
  });
}

// ---------------------------------------------------------------- models

export interface BinaryEvaluation {
  n: number;
  nPositive: number;
  auc: Num;
  aucCi: [Num, Num];
  brier: Num;
  roc: { fpr: Num[]; tpr: Num[] };
  /** Pointwise 95% bootstrap band of the sensitivity on a fixed false-positive-rate grid. */
  rocBand: { fpr: Num[]; lower: Num[]; upper: Num[] };
  calibration: {
    intercept: Num;
    interceptCi: [Num, Num];
    slope: Num;
    slopeCi: [Num, Num];
    note: string;
    bins: Array<{ predicted: Num; observed: Num; n: number; lower: Num; upper: Num }>;
  };
  decision: { threshold: Num[]; model: Num[]; treatAll: Num[] };
  threshold: number;
  sensitivity: Num;
  specificity: Num;
}

export interface ModelTargetResult {
  target: string;
  type: "binary" | "multiclass";
  classes: string[];
  positive?: string;
  scheme: string;
  model: string;
  /** Out-of-fold (or external) positive-class probability per case (binary); ids in `ids`. */
  ids: string[];
  prob: Num[];
  label: number[];
  evaluation?: BinaryEvaluation;
  /** Multi-class: macro one-vs-rest AUC. */
  macroAuc?: Num;
  selected: Array<{ feature: string; frequency: number }>;
  external?: {
    source: string;
    n: number;
    evaluation: BinaryEvaluation;
    ids: string[];
    prob: Num[];
    label: number[];
  };
  notes: string[];
}

/** Wilson score interval of a proportion. */
function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [Number.NaN, Number.NaN];
  const z = 1.959963984540054;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

function sensAtFpr(prob: Float64Array, y: Int32Array, grid: number[]): number[] {
  const roc = S.metrics.rocCurve(prob, y, { dropIntermediate: false });
  return grid.map((g) => {
    // Step ROC: the largest TPR with FPR <= g.
    let best = 0;
    for (let k = 0; k < roc.fpr.length; k++)
      if (roc.fpr[k]! <= g + 1e-12 && roc.tpr[k]! > best) best = roc.tpr[k]!;
    return best;
  });
}

/** Discrimination, calibration and decision-curve evaluation of binary probabilities. */
export function evaluateBinary(
  prob: Float64Array,
  y: Int32Array,
  threshold: number,
  seed: number,
): BinaryEvaluation {
  const n = y.length;
  let nPos = 0;
  for (const v of y) nPos += v;
  const ci = S.delong.delongCi(prob, y);
  const roc = S.metrics.rocCurve(prob, y);
  const grid = Array.from({ length: 51 }, (_, k) => k / 50);
  const reps = 200;
  const rng = new S.random.Random(seed);
  const boot: number[][] = grid.map(() => []);
  const idx = new Int32Array(n);
  for (let r = 0; r < reps; r++) {
    let pos = 0;
    for (let i = 0; i < n; i++) {
      idx[i] = rng.int(n);
      pos += y[idx[i]!]!;
    }
    if (pos === 0 || pos === n) continue;
    const s = sensAtFpr(
      Float64Array.from(idx, (i) => prob[i]!),
      Int32Array.from(idx, (i) => y[i]!),
      grid,
    );
    s.forEach((v, k) => {
      boot[k]!.push(v);
    });
  }
  const q = (a: number[], p: number) => {
    const s = [...a].sort((u, v) => u - v);
    return s.length ? S.bootstrap.quantileSorted(Float64Array.from(s), p) : Number.NaN;
  };
  let cal: BinaryEvaluation["calibration"];
  const nb = Math.max(3, Math.min(10, Math.floor(n / 10)));
  const curve = S.calibration.calibrationCurve(prob, y, { nBins: nb, strategy: "quantile" });
  const bins = Array.from(curve.meanPredicted, (mp, k) => {
    const [lo, hi] = wilson(curve.positives[k]!, curve.counts[k]!);
    return {
      predicted: num(mp),
      observed: num(curve.fractionPositive[k]!),
      n: curve.counts[k]!,
      lower: num(lo),
      upper: num(hi),
    };
  });
  try {
    const lc = S.calibration.logisticCalibration(prob, y);
    cal = {
      intercept: num(lc.intercept),
      interceptCi: [num(lc.interceptLower), num(lc.interceptUpper)],
      slope: num(lc.slope),
      slopeCi: [num(lc.slopeLower), num(lc.slopeUpper)],
      note: "",
      bins,
    };
  } catch (e) {
    cal = {
      intercept: null,
      interceptCi: [null, null],
      slope: null,
      slopeCi: [null, null],
      note: `calibration intercept/slope not estimable: ${(e as Error).message}`,
      bins,
    };
  }
  const thr = Array.from({ length: 99 }, (_, k) => (k + 1) / 100);
  const dc = S.decisionCurve.decisionCurve(prob, y, { thresholds: thr });
  let tp = 0;
  let tn = 0;
  for (let i = 0; i < n; i++) {
    const pr = prob[i]! >= threshold ? 1 : 0;
    if (pr === 1 && y[i] === 1) tp++;
    if (pr === 0 && y[i] === 0) tn++;
  }
  return plain({
    n,
    nPositive: nPos,
    auc: num(ci.auc),
    aucCi: [num(ci.lower), num(ci.upper)],
    brier: num(S.metrics.brierScore(prob, y)),
    roc: { fpr: Array.from(roc.fpr, num), tpr: Array.from(roc.tpr, num) },
    rocBand: {
      fpr: grid,
      lower: boot.map((b) => num(q(b, 0.025))),
      upper: boot.map((b) => num(q(b, 0.975))),
    },
    calibration: cal,
    decision: {
      threshold: thr,
      model: Array.from(dc.netBenefit, num),
      treatAll: Array.from(dc.treatAll, num),
    },
    threshold,
    sensitivity: num(tp / nPos),
    specificity: num(tn / (n - nPos)),
  });
}

function targetDataset(c: Cohort, t: TargetSpec, features: string[]): S.model.Dataset {
  const col = t.column ?? t.name;
  return S.model.datasetFromTables(c.table.select([spec_id(c), ...features, col]), undefined, {
    target: col,
    positive: t.positive,
    idColumn: spec_id(c),
  }).data;
}
const spec_id = (c: Cohort) => c.table.names[0]!;

export function modelStage(c: Cohort, spec: StudySpec, external?: Cohort): ModelTargetResult[] {
  const out: ModelTargetResult[] = [];
  const pipe: S.model.PipelineSpec = { model: spec.model.type };
  for (const t of spec.targets.filter((x) => x.type !== "survival")) {
    const d = targetDataset(c, t, c.features);
    const K = d.classes.length;
    const n = d.y.length;
    const notes: string[] = [];
    const prob = new Float64Array(n * K);
    let selected: Array<{ feature: string; frequency: number }> = [];
    let scheme: string;
    if (spec.validation.scheme === "leave-site-out") {
      const siteCol = spec.validation.site!;
      const siteOf = new Map(c.table.text(spec_id(c)).map((id, i) => [id, c.table.text(siteCol)[i] ?? ""]));
      const site = (d.ids ?? []).map((id) => siteOf.get(id) ?? "");
      const sites = [...new Set(site)].sort();
      scheme = `leave-one-site-out over ${sites.length} sites of "${siteCol}" (${sites.join(", ")})`;
      const freq = new Map<string, number>();
      for (const s of sites) {
        const train = Int32Array.from(site.keys()).filter((i) => site[i] !== s);
        const test = Int32Array.from(site.keys()).filter((i) => site[i] === s);
        const fit = S.model.fitPipeline(d, pipe, { rows: train, seed: spec.seed });
        const p = S.model.predictDataset(fit, d, test);
        test.forEach((r, k) => {
          for (let j = 0; j < K; j++) prob[r * K + j] = p[k * K + j]!;
        });
        for (const f of fit.features) freq.set(f, (freq.get(f) ?? 0) + 1 / sites.length);
      }
      selected = [...freq.entries()].map(([feature, frequency]) => ({ feature, frequency }));
    } else {
      const cv = S.crossval.crossValidate(d, pipe, {
        folds: spec.validation.folds,
        nested: true,
        seed: spec.seed,
      });
      prob.set(cv.pooled);
      scheme = `nested ${spec.validation.folds}-fold cross-validation (tuning inside each outer training fold)`;
      selected = Object.entries(cv.selectionFrequency).map(([feature, frequency]) => ({
        feature,
        frequency,
      }));
      notes.push(...cv.notes);
    }
    selected = selected
      .filter((s) => s.frequency > 0)
      .sort((a, b) => b.frequency - a.frequency || (a.feature < b.feature ? -1 : 1))
      .slice(0, 15);
    const res: ModelTargetResult = {
      target: t.name,
      type: K === 2 ? "binary" : "multiclass",
      classes: d.classes,
      scheme,
      model: `${spec.model.type} (standardised features, lambda by inner CV)`,
      ids: d.ids ?? [],
      prob: [],
      label: Array.from(d.y),
      selected,
      notes,
    };
    if (K === 2) {
      res.positive = d.classes[1];
      const p1 = Float64Array.from({ length: n }, (_, i) => prob[i * 2 + 1]!);
      res.prob = Array.from(p1, num);
      res.evaluation = evaluateBinary(p1, d.y, spec.audit.threshold, spec.seed);
      if (external && spec.validation.scheme === "external") {
        const de = S.model.datasetFromTables(
          external.table.select([spec_id(external), ...c.features, t.column ?? t.name]),
          undefined,
          { target: t.column ?? t.name, classes: d.classes, idColumn: spec_id(external) },
        ).data;
        const fit = S.model.fitPipeline(d, pipe, { seed: spec.seed });
        const pe = S.model.predictDataset(fit, de);
        const pe1 = Float64Array.from({ length: de.y.length }, (_, i) => pe[i * 2 + 1]!);
        res.external = {
          source: spec.validation.external!,
          n: de.y.length,
          evaluation: evaluateBinary(pe1, de.y, spec.audit.threshold, spec.seed),
          ids: de.ids ?? [],
          prob: Array.from(pe1, num),
          label: Array.from(de.y),
        };
      }
    } else {
      const rows = Array.from({ length: n }, (_, i) => prob.subarray(i * K, (i + 1) * K));
      res.macroAuc = num(S.metrics.multiclassAuc(rows, d.y, "macro").auc);
      res.prob = [];
    }
    out.push(plain(res));
  }
  return out;
}

// ---------------------------------------------------------------- survival

export interface KmGroup {
  label: string;
  n: number;
  events: number;
  time: Num[];
  surv: Num[];
  lower: Num[];
  upper: Num[];
}

export interface SurvivalTargetResult {
  target: string;
  time: string;
  event: string;
  n: number;
  events: number;
  /** Out-of-fold C-index of the penalised-Cox signature (pairs within folds). */
  cIndex: Num;
  cIndexCi: [Num, Num];
  signature: Array<{ feature: string; frequency: number }>;
  ids: string[];
  /** Out-of-fold risk score and risk group (high = above its fold's training median). */
  score: Num[];
  riskGroup: string[];
  /** Fold of each case (the score is comparable within a fold only). */
  fold: number[];
  time_: Num[];
  event_: number[];
  km: Array<{
    by: string;
    groups: KmGroup[];
    logrankP: Num;
    atRisk: { times: number[]; counts: Record<string, number[]> };
  }>;
  notes: string[];
}

function kmOf(
  time: Float64Array,
  ev: Float64Array,
  group: string[],
  by: string,
): SurvivalTargetResult["km"][number] {
  const fit = S.kaplanMeier.kaplanMeier(time, ev, { group });
  const lr = S.logrank.logRank(time, ev, group);
  let tmax = 0;
  for (const t of time) if (t > tmax) tmax = t;
  const step = niceStep(tmax / 5);
  const times = Array.from({ length: Math.floor(tmax / step) + 1 }, (_, k) => k * step);
  const counts: Record<string, number[]> = {};
  const groups = fit.curves.map((cv) => {
    counts[cv.label] = times.map((tt) => {
      let k = 0;
      for (let i = 0; i < time.length; i++) if (group[i] === cv.label && time[i]! >= tt) k++;
      return k;
    });
    return {
      label: cv.label,
      n: cv.n,
      events: cv.events,
      time: Array.from(cv.time, num),
      surv: Array.from(cv.surv, num),
      lower: Array.from(cv.lower, num),
      upper: Array.from(cv.upper, num),
    };
  });
  return { by, groups, logrankP: num(lr.p), atRisk: { times, counts } };
}

function niceStep(x: number): number {
  const e = 10 ** Math.floor(Math.log10(x || 1));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * e >= x) return m * e;
  return 10 * e;
}

export function survivalStage(c: Cohort, spec: StudySpec): SurvivalTargetResult[] {
  const out: SurvivalTargetResult[] = [];
  for (const t of spec.targets.filter((x) => x.type === "survival")) {
    const tAll = c.table.numeric(t.time!);
    const eAll = c.table.numeric(t.event!);
    const rows: number[] = [];
    for (let i = 0; i < c.table.nRows; i++)
      if (Number.isFinite(tAll[i]!) && Number.isFinite(eAll[i]!)) rows.push(i);
    const notes: string[] = [];
    if (rows.length < c.table.nRows)
      notes.push(`${c.table.nRows - rows.length} case(s) without time/event left out`);
    const n = rows.length;
    const time = Float64Array.from(rows, (r) => tAll[r]!);
    const ev = Float64Array.from(rows, (r) => eAll[r]!);
    const cols = c.features.map((f) => {
      const v = c.table.numeric(f);
      return Float64Array.from(rows, (r) => v[r]!);
    });
    const folds = spec.validation.folds;
    const foldOf = new Int32Array(n);
    const order = new S.random.Random(spec.seed + 1).permutation(n);
    for (let r = 0; r < n; r++) foldOf[order[r]!] = r % folds;
    const score = new Float64Array(n);
    const high: string[] = new Array(n).fill("low");
    const freq = new Map<string, number>();
    for (let f = 0; f < folds; f++) {
      const tr: number[] = [];
      const te: number[] = [];
      for (let i = 0; i < n; i++) (foldOf[i] === f ? te : tr).push(i);
      const pick = (a: Float64Array, rr: number[]) => Float64Array.from(rr, (r) => a[r]!);
      // z-score with the training statistics
      const stats = cols.map((col) => {
        let s = 0;
        for (const r of tr) s += col[r]!;
        const m = s / tr.length;
        let ss = 0;
        for (const r of tr) ss += (col[r]! - m) ** 2;
        return [m, Math.sqrt(ss / (tr.length - 1)) || 1] as const;
      });
      const z = (rr: number[]) =>
        cols.map((col, j) => Float64Array.from(rr, (r) => (col[r]! - stats[j]![0]) / stats[j]![1]));
      const cv = S.coxnet.cvCoxnet(pick(time, tr), pick(ev, tr), z(tr), {
        alpha: 0.5,
        nfolds: 5,
        seed: spec.seed + 2 + f,
        names: c.features,
      });
      const li = cv.indexMin;
      const beta = cv.path.beta[li]!;
      c.features.forEach((name, j) => {
        if (beta[j] !== 0) freq.set(name, (freq.get(name) ?? 0) + 1 / folds);
      });
      const sTr = S.coxnet.coxnetPredict(cv.path, li, z(tr));
      const sTe = S.coxnet.coxnetPredict(cv.path, li, z(te));
      const med = [...sTr].sort((a, b) => a - b)[Math.floor(sTr.length / 2)]!;
      te.forEach((r, k) => {
        score[r] = sTe[k]!;
        high[r] = sTe[k]! > med ? "high" : "low";
      });
    }
    const cc = S.concordance.concordanceIndex(time, ev, score, { reverse: true, strata: foldOf });
    const km = [kmOf(time, ev, high, "signature risk group (out-of-fold)")];
    for (const b of spec.targets.filter((x) => x.type === "binary")) {
      const g = c.table.text(b.column ?? b.name);
      const gr = rows.map((r) => g[r] ?? "");
      if (gr.every((x) => x !== ""))
        km.push(
          kmOf(
            time,
            ev,
            gr.map((x) => `${b.name}=${x}`),
            b.name,
          ),
        );
    }
    let nEv = 0;
    for (const e of ev) nEv += e;
    out.push(
      plain({
        target: t.name,
        time: t.time!,
        event: t.event!,
        n,
        events: nEv,
        cIndex: num(cc.concordance),
        cIndexCi: [num(cc.concordance - 1.96 * cc.se), num(cc.concordance + 1.96 * cc.se)],
        signature: [...freq.entries()]
          .map(([feature, frequency]) => ({ feature, frequency }))
          .sort((a, b) => b.frequency - a.frequency || (a.feature < b.feature ? -1 : 1))
          .slice(0, 15),
        ids: rows.map((r) => c.ids[r]!),
        score: Array.from(score, num),
        riskGroup: high,
        fold: Array.from(foldOf),
        time_: Array.from(time, num),
        event_: Array.from(ev),
        km,
        notes,
      }),
    );
  }
  return out;
}

// ---------------------------------------------------------------- clustering

export interface ClusterResult {
  k: number;
  kSelected: number;
  reps: number;
  cdf: Array<{ k: number; x: number[]; cdf: Num[]; pac: Num }>;
  /** Consensus matrix of the chosen k in the tree's leaf order (at most 120 cases shown). */
  heatmap: { ids: string[]; values: Num[][]; cluster: number[] };
  assignment: number[];
  association: Array<{ target: string; fisherP: Num; ari: Num }>;
}

export function clusterStage(c: Cohort, spec: StudySpec): ClusterResult {
  const n = c.table.nRows;
  const z = zCols(c.features.map((f) => c.table.numeric(f)));
  const p = z.length;
  const x = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) x[i * p + j] = z[j]![i]!;
  const reps = 50;
  const cc = S.consensus.consensusCluster(x, n, p, {
    maxK: Math.min(6, n - 1),
    reps,
    seed: spec.seed,
    algorithm: "hc",
    distance: "euclidean",
  });
  const chosen = cc.byK[Math.max(0, Math.min(cc.byK.length - 1, Math.max(cc.kSelected, 2) - 2))]!;
  const order = Array.from(chosen.tree.order);
  const stepN = Math.max(1, Math.ceil(n / 120));
  const shown = order.filter((_, k) => k % stepN === 0);
  const association = spec.targets
    .filter((t) => t.type !== "survival")
    .map((t) => {
      const lab = c.table.text(t.column ?? t.name).map((v) => v ?? "");
      const levels = [...new Set(lab)].sort();
      const codes = Int32Array.from(lab, (v) => levels.indexOf(v));
      return {
        target: t.name,
        fisherP: num(S.clusterAssociation.clustersVsCategorical(chosen.consensusClass, lab).fisherP),
        ari: num(S.clusterAgreement.adjustedRandIndex(chosen.consensusClass, codes)),
      };
    });
  return plain({
    k: chosen.k,
    kSelected: cc.kSelected,
    reps,
    cdf: cc.byK.map((b) => ({
      k: b.k,
      x: Array.from({ length: b.cdf.length }, (_, i) => (i + 1) / b.cdf.length),
      cdf: Array.from(b.cdf, num),
      pac: num(b.pac),
    })),
    heatmap: {
      ids: shown.map((i) => c.ids[i]!),
      values: shown.map((i) => shown.map((j) => num(chosen.consensusMatrix[i * n + j]!))),
      cluster: shown.map((i) => chosen.consensusClass[i]!),
    },
    assignment: Array.from(chosen.consensusClass),
    association,
  });
}
