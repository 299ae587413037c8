/**
 * The analysis chain of the built-in demo, on a feature table joined with the clinical table:
 * ComBat harmonisation by site (mutation preserved), feature-mutation association with FDR, a
 * cross-validated mutation model, survival (Kaplan-Meier/log-rank by mutation, a penalised-Cox radiomic
 * signature trained on 70% and validated on 30%), and consensus clustering of the imaging phenotypes
 * against the mutation. Browser-safe; the file-writing edge is run.ts.
 */

import { DataError } from "../errors.js";
import { associate, type AssociationRow } from "../stats/tests/associate.js";
import { adjustedRandIndex } from "../stats/clustering/clusterAgreement.js";
import { clustersVsCategorical } from "../stats/clustering/clusterAssociation.js";
import { combatApply, combatFit, combatTable } from "../stats/harmonisation/combat.js";
import { concordanceIndex } from "../stats/survival/concordance.js";
import { consensusCluster } from "../stats/clustering/consensus.js";
import { crossValidate } from "../stats/models/crossval.js";
import { coxnetPredict, cvCoxnet } from "../stats/survival/coxnet.js";
import { adjustPValues } from "../stats/tests/fdr.js";
import { logRank } from "../stats/survival/logrank.js";
import { auc, multiclassAuc } from "../stats/metrics/metrics.js";
import { Random } from "../stats/core/random.js";
import { riskStratify } from "../stats/survival/riskGroups.js";
import { type Dataset, datasetFromTables, fitPipeline, predictDataset } from "../stats/models/model.js";
import { stratifiedFolds } from "../stats/models/folds.js";
import { type Table, tableFromColumns } from "../stats/tables/table.js";
import { kruskalWallis } from "../stats/tests/univariate.js";

export interface DemoAnalysisOptions {
  mutation?: string;
  site?: string;
  time?: string;
  event?: string;
  seed?: number;
  /** Consensus-clustering resamples (default 50). */
  clusterReps?: number;
}

export interface SiteEffect {
  /** Features whose distribution differs between sites (Kruskal-Wallis, BH q < 0.05). */
  significant: number;
  total: number;
  /** Median Kruskal-Wallis p over features. */
  medianP: number;
}

export interface DemoAnalysis {
  n: number;
  features: number;
  harmonized: Table;
  siteEffectBefore: SiteEffect;
  siteEffectAfter: SiteEffect;
  /**
   * Site predictability (macro one-vs-rest AUC of a cross-validated lasso model predicting the site from
   * the features) before and after ComBat: about 0.5 when the site effect is gone.
   */
  siteAucBefore: number;
  siteAucAfter: number;
  /** Mutation model: nested 5-fold CV lasso (tuning inside, estimate outside), pooled AUC and DeLong CI. */
  mutationModel: {
    auc: number;
    ci: [number, number];
    selected: Array<{ feature: string; frequency: number }>;
  };
  /** Mutation association on the harmonised features (primary test rows, sorted by p). */
  association: AssociationRow[];
  survival: {
    logrankMutation: { chisq: number; p: number };
    signature: { selected: Array<{ feature: string; coef: number }>; lambda: number };
    cIndexTrain: number;
    cIndexValidation: number;
    /** Out-of-fold C-index (5-fold CV of the whole signature pipeline), pooled within folds. */
    cIndexCrossValidated: number;
    nTrain: number;
    nValidation: number;
    riskLogrankValidationP: number;
  };
  clustering: { k: number; kSelected: number; ari: number; fisherP: number; pac: number };
  notes: string[];
}

function numericFeatureNames(t: Table): string[] {
  return t.numericNames().filter((n) => n.startsWith("original_"));
}

/** Features with zero variance or any missing value carry no information for the chain: drop them. */
function usableFeatures(t: Table, names: string[]): string[] {
  return names.filter((n) => {
    const v = t.numeric(n);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const x of v) {
      if (!Number.isFinite(x)) return false;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    return max > min;
  });
}

function siteEffect(t: Table, features: string[], site: (string | null)[]): SiteEffect {
  const levels = [...new Set(site)].filter((s): s is string => s !== null).sort();
  const codes = site.map((s) => (s === null ? -1 : levels.indexOf(s)));
  const p = new Float64Array(features.length);
  features.forEach((f, j) => {
    const x = t.numeric(f);
    const groups = levels.map((_, g) => Float64Array.from(x.filter((_v, i) => codes[i] === g)));
    p[j] = kruskalWallis(groups).p;
  });
  const q = adjustPValues(p, "BH");
  let significant = 0;
  for (const v of q) if (v < 0.05) significant++;
  const sorted = [...p].sort((a, b) => a - b);
  return {
    significant,
    total: features.length,
    medianP: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
  };
}

/** Column-standardised copy (z-scores with the given means/SDs, or the data's own). */
function zscore(cols: Float64Array[], rows: number[]): { z: Float64Array[]; mean: number[]; sd: number[] } {
  const mean: number[] = [];
  const sd: number[] = [];
  const z = cols.map((c) => {
    let s = 0;
    for (const r of rows) s += c[r]!;
    const m = s / rows.length;
    let ss = 0;
    for (const r of rows) ss += (c[r]! - m) ** 2;
    const d = Math.sqrt(ss / (rows.length - 1)) || 1;
    mean.push(m);
    sd.push(d);
    return Float64Array.from(c, (v) => (v - m) / d);
  });
  return { z, mean, sd };
}

/** A model dataset: the given feature columns and a categorical target column. */
function datasetOf(t: Table, features: string[], target: string): Dataset {
  return datasetFromTables(t.select([...features, target]), undefined, { target }).data;
}

/**
 * How well the site can be predicted from the features: 5-fold CV of a lasso model (macro one-vs-rest
 * AUC). With `harmonize`, ComBat is fitted on each training fold and applied to its test fold, so that
 * the check itself leaks nothing (ComBat on all cases, then CV, gives below-chance AUCs).
 */
function siteAucCv(
  t: Table,
  features: string[],
  site: string,
  covariate: string,
  harmonize: boolean,
  seed: number,
): number {
  const d = datasetOf(t, features, site);
  const K = d.classes.length;
  const foldId = stratifiedFolds(d.y, 5, seed);
  const prob = new Float64Array(d.y.length * K);
  const batch = t.text(site) as string[];
  const cov = t.text(covariate) as string[];
  for (let f = 0; f < 5; f++) {
    const train = Int32Array.from(foldId.keys()).filter((i) => foldId[i] !== f);
    const test = Int32Array.from(foldId.keys()).filter((i) => foldId[i] === f);
    let x = d.x;
    if (harmonize) {
      const sub = (cols: Float64Array[], rows: Int32Array) =>
        cols.map((c) => Float64Array.from(rows, (r) => c[r]!));
      const fit = combatFit(
        sub(d.x, train),
        Array.from(train, (r) => batch[r]!),
        {
          categorical: { [covariate]: Array.from(train, (r) => cov[r]!) },
        },
      );
      const applied = combatApply(
        fit.model,
        sub(d.x, test),
        Array.from(test, (r) => batch[r]!),
        {
          categorical: { [covariate]: Array.from(test, (r) => cov[r]!) },
        },
      );
      x = d.x.map((c) => Float64Array.from(c));
      x.forEach((c, j) => {
        train.forEach((r, k) => {
          c[r] = fit.data[j]![k]!;
        });
        test.forEach((r, k) => {
          c[r] = applied[j]![k]!;
        });
      });
    }
    const model = fitPipeline({ ...d, x }, { model: "lasso" }, { rows: train, seed });
    const p = predictDataset(model, { ...d, x }, test);
    test.forEach((r, k) => {
      for (let c = 0; c < K; c++) prob[r * K + c] = p[k * K + c]!;
    });
  }
  const rows = Array.from({ length: d.y.length }, (_, i) => prob.subarray(i * K, (i + 1) * K));
  return multiclassAuc(rows, d.y, "macro").auc;
}

const pick = (c: ArrayLike<number>, rows: number[]) => Float64Array.from(rows, (r) => c[r]!);

interface Signature {
  selected: Array<{ feature: string; coef: number }>;
  lambda: number;
  /** Linear predictor for the given rows (scaled with the training statistics). */
  predict: (rows: number[]) => Float64Array;
}

/**
 * Elastic-net Cox signature fitted on `rows` only: features z-scored with the training means/SDs,
 * lambda chosen by 5-fold CV (lambda.min).
 */
function fitSignature(
  cols: Float64Array[],
  time: Float64Array,
  event: Float64Array,
  rows: number[],
  names: string[],
  seed: number,
): Signature {
  const { z } = zscore(cols, rows);
  const cv = cvCoxnet(
    pick(time, rows),
    pick(event, rows),
    z.map((c) => pick(c, rows)),
    { alpha: 0.5, nfolds: 5, seed, names },
  );
  const li = cv.indexMin;
  const beta = cv.path.beta[li]!;
  const selected = names
    .map((f, j) => ({ feature: f, coef: beta[j]! }))
    .filter((s) => s.coef !== 0)
    .sort((a, b) => Math.abs(b.coef) - Math.abs(a.coef));
  return {
    selected,
    lambda: cv.path.lambda[li]!,
    predict: (r) =>
      coxnetPredict(
        cv.path,
        li,
        z.map((c) => pick(c, r)),
      ),
  };
}

export function analyseCohort(table: Table, opts: DemoAnalysisOptions = {}): DemoAnalysis {
  const mutation = opts.mutation ?? "mutation";
  const siteCol = opts.site ?? "site";
  const timeCol = opts.time ?? "os_days";
  const eventCol = opts.event ?? "os_event";
  const seed = opts.seed ?? 1;
  const notes: string[] = [];
  const n = table.nRows;
  if (n < 10) throw new DataError(`the demo analysis needs at least 10 cases, got ${n}`);

  const all = numericFeatureNames(table);
  const features = usableFeatures(table, all);
  if (features.length < all.length)
    notes.push(`${all.length - features.length} constant or incomplete features dropped`);
  const site = table.text(siteCol);

  // 1. Harmonisation: ComBat by site, preserving the mutation.
  const siteEffectBefore = siteEffect(table, features, site);
  const { table: harmonized } = combatTable(table, {
    batch: siteCol,
    covariates: [mutation],
    categorical: [mutation],
    features,
  });
  const siteEffectAfter = siteEffect(harmonized, features, site);

  const siteAucBefore = siteAucCv(table, features, siteCol, mutation, false, seed);
  const siteAucAfter = siteAucCv(table, features, siteCol, mutation, true, seed);

  // 2. Association of each harmonised feature with the mutation, and a validated model.
  const assoc = associate(harmonized, mutation, { features, targetType: "binary", secondary: false });
  const association = assoc.rows.filter((r) => r.role === "primary").sort((a, b) => a.p - b.p);
  const cvMut = crossValidate(
    datasetOf(harmonized, features, mutation),
    { model: "lasso" },
    { folds: 5, nested: true, seed },
  );
  const mutationModel = {
    auc: cvMut.summary.auc,
    ci: cvMut.summary.aucCi ?? ([Number.NaN, Number.NaN] as [number, number]),
    selected: Object.entries(cvMut.selectionFrequency)
      .filter(([, f]) => f > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([feature, frequency]) => ({ feature, frequency })),
  };

  // 3. Survival: log-rank by mutation; penalised-Cox signature on 70%, validated on 30%.
  const time = harmonized.numeric(timeCol);
  const event = Uint8Array.from(harmonized.numeric(eventCol));
  const mut = harmonized.text(mutation);
  const lr = logRank(time, event, mut, { groupName: mutation });
  const rng = new Random(seed);
  const isTrain = new Uint8Array(n);
  for (const e of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (event[i] === e) idx.push(i);
    rng.shuffle(idx);
    const nTrain = Math.round(0.7 * idx.length);
    for (let k = 0; k < nTrain; k++) isTrain[idx[k]!] = 1;
  }
  const trainRows: number[] = [];
  const validRows: number[] = [];
  for (let i = 0; i < n; i++) (isTrain[i] ? trainRows : validRows).push(i);
  const cols = features.map((f) => harmonized.numeric(f));
  const ev = Float64Array.from(event);
  const sig = fitSignature(cols, time, ev, trainRows, features, seed);
  if (sig.selected.length === 0) notes.push("the Cox signature selected no feature");
  const scoreTrain = sig.predict(trainRows);
  const scoreValid = sig.predict(validRows);
  const cTrain = concordanceIndex(pick(time, trainRows), pick(ev, trainRows), scoreTrain, { reverse: true });
  const cValid = concordanceIndex(pick(time, validRows), pick(ev, validRows), scoreValid, { reverse: true });
  const risk = riskStratify(
    { time: pick(time, trainRows), event: pick(ev, trainRows), score: scoreTrain },
    { time: pick(time, validRows), event: pick(ev, validRows), score: scoreValid },
  );
  // Out-of-fold risk scores: the whole signature pipeline (scaling, lambda CV, fit) inside each fold.
  const folds = 5;
  const foldOf = new Int32Array(n);
  {
    const order = new Random(seed + 1).permutation(n);
    for (let r = 0; r < n; r++) foldOf[order[r]!] = r % folds;
  }
  const oof = new Float64Array(n);
  for (let f = 0; f < folds; f++) {
    const tr: number[] = [];
    const te: number[] = [];
    for (let i = 0; i < n; i++) (foldOf[i] === f ? te : tr).push(i);
    const fs = fitSignature(cols, time, ev, tr, features, seed + 2 + f);
    const sc = fs.predict(te);
    te.forEach((r, k) => {
      oof[r] = sc[k]!;
    });
  }
  // Scores from different folds are on different scales; Harrell's C within each fold, pooled by pairs.
  const cCv = concordanceIndex(time, ev, oof, { reverse: true, strata: foldOf });

  // 4. Consensus clustering of the harmonised, standardised features.
  const zAll = zscore(
    cols,
    Array.from({ length: n }, (_, i) => i),
  ).z;
  const p = features.length;
  const x = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) x[i * p + j] = zAll[j]![i]!;
  const cc = consensusCluster(x, n, p, {
    maxK: 4,
    reps: opts.clusterReps ?? 50,
    seed,
    algorithm: "hc",
    distance: "euclidean",
  });
  const k2 = cc.byK[0]!;
  const chosen = cc.byK[Math.max(0, Math.min(cc.byK.length - 1, Math.max(cc.kSelected, 2) - 2))]!;
  const mutCodes = Int32Array.from(mut, (m) => (m === "1" ? 1 : 0));
  const ari = adjustedRandIndex(k2.consensusClass, mutCodes);
  const assocClusters = clustersVsCategorical(chosen.consensusClass, mut);

  return {
    n,
    features: features.length,
    harmonized,
    siteEffectBefore,
    siteEffectAfter,
    siteAucBefore,
    siteAucAfter,
    mutationModel,
    association,
    survival: {
      logrankMutation: { chisq: lr.chisq, p: lr.p },
      signature: { selected: sig.selected, lambda: sig.lambda },
      cIndexTrain: cTrain.concordance,
      cIndexValidation: cValid.concordance,
      cIndexCrossValidated: cCv.concordance,
      nTrain: trainRows.length,
      nValidation: validRows.length,
      riskLogrankValidationP: risk.validation?.logrank?.p ?? Number.NaN,
    },
    clustering: {
      k: chosen.k,
      kSelected: cc.kSelected,
      ari,
      fisherP: assocClusters.fisherP,
      pac: chosen.pac,
    },
    notes,
  };
}

/** AUC of one feature for a 0/1 label, oriented so that values >= 0.5. */
export function orientedAuc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const a = auc(x, y);
  return Math.max(a, 1 - a);
}

/** Build the analysis table from per-case feature rows and the cohort's clinical columns. */
export function featureTable(
  rows: Array<Record<string, number>>,
  clinical: Record<string, ArrayLike<number> | (string | null)[]>,
): Table {
  const names = Object.keys(rows[0] ?? {});
  const data: Record<string, ArrayLike<number> | (string | null)[]> = { ...clinical };
  for (const f of names) data[f] = Float64Array.from(rows, (r) => r[f] ?? Number.NaN);
  return tableFromColumns(data, "demo");
}
