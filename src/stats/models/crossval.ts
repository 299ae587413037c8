/**
 * Validation of model pipelines without information leaks: (repeated) stratified k-fold cross-validation
 * in which imputation, constant-feature removal, standardisation and feature selection are fitted inside
 * every training fold; nested cross-validation (hyperparameters tuned by an inner CV inside each outer
 * training fold, performance estimated on the outer folds); evaluation on an external test set.
 *
 * Non-nested mode for penalised logistic regression follows cv.glmnet: the outer folds both choose
 * lambda and estimate performance, which is slightly optimistic (the best of ~100 lambdas). Nested mode
 * is unbiased. Either way feature selection is refitted in every fold.
 *
 * Outputs per-fold results and pooled out-of-fold (OOF) class probabilities, plus summary metrics
 * (pooled OOF AUC with a DeLong CI, accuracy, Brier score, log-loss).
 */

import { DataError } from "../../errors.js";
import { delongCi } from "../metrics/delong.js";
import { foldRows, repeatedStratifiedFolds } from "./folds.js";
import { auc, brierScore, multiclassAuc } from "../metrics/metrics.js";
import {
  cvGlmnetPipeline,
  type Dataset,
  fitPipeline,
  type ModelFile,
  type PipelineSpec,
  pipelineLambdas,
  predictDataset,
} from "./model.js";
import { sigmoid } from "./glmnet.js";
import { Random } from "../core/random.js";

export { foldRows, repeatedStratifiedFolds, stratifiedFolds } from "./folds.js";

export interface CvOptions {
  /** Outer folds (default 5). */
  folds?: number;
  /** Repeats of the outer k-fold split (default 1). */
  repeats?: number;
  /** Nested CV: tune inside each outer training fold (default false). */
  nested?: boolean;
  seed?: number;
}

export interface FoldResult {
  repeat: number;
  fold: number;
  nTrain: number;
  nTest: number;
  /** Binary: AUC of the fold's test rows (NaN if one class); multi-class: macro one-vs-rest AUC. */
  auc: number;
  accuracy: number;
  logLoss: number;
  /** Features used by the fold's model. */
  selected: string[];
  /** Penalised logistic regression: lambda per binomial model; forest: mtry. */
  lambda?: number[];
  mtry?: number;
}

export interface CvSummary {
  /** Pooled OOF AUC (binary) or macro one-vs-rest AUC, averaged over repeats. */
  auc: number;
  /** SD of the pooled AUC over repeats (NaN for one repeat). */
  aucRepeatSd: number;
  /** DeLong 95% CI of the AUC of the repeat-averaged OOF probabilities (binary only). */
  aucCi?: [number, number];
  /** Mean and SD of the per-fold AUCs. */
  aucFoldMean: number;
  aucFoldSd: number;
  accuracy: number;
  /** Binary only: Brier score of the positive-class probability (averaged over repeats). */
  brier?: number;
  logLoss: number;
}

export interface CvResult {
  classes: string[];
  nested: boolean;
  folds: number;
  repeats: number;
  seed: number;
  /** Fold id per sample, one array per repeat. */
  foldIds: Int32Array[];
  /** OOF class probabilities (n x K row-major), one array per repeat. */
  oof: Float64Array[];
  /** OOF probabilities averaged over repeats. */
  pooled: Float64Array;
  perFold: FoldResult[];
  summary: CvSummary;
  /** Fraction of fitted folds in which each feature was selected. */
  selectionFrequency: Record<string, number>;
  notes: string[];
}

function argmax(prob: Float64Array, i: number, K: number): number {
  let a = 0;
  for (let c = 1; c < K; c++) if (prob[i * K + c] > prob[i * K + a]) a = c;
  return a;
}

/** Accuracy, log-loss (probabilities clipped to [1e-15, 1 - 1e-15] as sklearn) and AUC of rows. */
export function classificationMetrics(
  prob: Float64Array,
  y: ArrayLike<number>,
  K: number,
  rows?: ArrayLike<number>,
): { auc: number; accuracy: number; logLoss: number } {
  const idx = rows ?? Array.from({ length: y.length }, (_, i) => i);
  const m = idx.length;
  let correct = 0;
  let ll = 0;
  const counts = new Int32Array(K);
  for (let t = 0; t < m; t++) {
    const i = idx[t];
    if (argmax(prob, i, K) === y[i]) correct++;
    ll -= Math.log(Math.min(Math.max(prob[i * K + y[i]], 1e-15), 1 - 1e-15));
    counts[y[i]]++;
  }
  let a = Number.NaN;
  if (K === 2) {
    if (counts[0] > 0 && counts[1] > 0) {
      const sc = Float64Array.from(idx, (i) => prob[i * 2 + 1]);
      const lb = Float64Array.from(idx, (i) => y[i]);
      a = auc(sc, lb);
    }
  } else if (counts.every((c) => c > 0)) {
    const scores = Array.from(idx, (i) => prob.subarray(i * K, (i + 1) * K));
    a = multiclassAuc(
      scores,
      Array.from(idx, (i) => y[i]),
      "macro",
    ).auc;
  }
  return { auc: a, accuracy: correct / m, logLoss: ll / m };
}

function meanSd(v: number[]): [number, number] {
  const f = v.filter((x) => !Number.isNaN(x));
  if (f.length === 0) return [Number.NaN, Number.NaN];
  const m = f.reduce((a, b) => a + b, 0) / f.length;
  const s = f.length > 1 ? Math.sqrt(f.reduce((a, b) => a + (b - m) ** 2, 0) / (f.length - 1)) : Number.NaN;
  return [m, s];
}

/** Probabilities from one-vs-rest (or binary) linear predictors. */
function probsFromEta(etas: number[], K: number, out: Float64Array, i: number): void {
  if (K === 2) {
    const p = sigmoid(etas[0]);
    out[i * 2] = 1 - p;
    out[i * 2 + 1] = p;
    return;
  }
  let s = 0;
  for (let c = 0; c < K; c++) s += sigmoid(etas[c]);
  for (let c = 0; c < K; c++) out[i * K + c] = s > 0 ? sigmoid(etas[c]) / s : 1 / K;
}

/**
 * (Repeated) stratified k-fold cross-validation of a pipeline. Throws a DataError when a class has fewer
 * samples than folds.
 */
export function crossValidate(d: Dataset, spec: PipelineSpec, opts: CvOptions = {}): CvResult {
  const k = opts.folds ?? 5;
  const repeats = opts.repeats ?? 1;
  const nested = opts.nested ?? false;
  const seed = opts.seed ?? 1;
  const K = d.classes.length;
  const n = d.y.length;
  if (K < 2) throw new DataError("the outcome has one class only");
  const rng = new Random(seed);
  const foldIds = repeatedStratifiedFolds(d.y, k, repeats, rng.fork(), d.classes);
  const notes: string[] = [];
  const perFold: FoldResult[] = [];
  const oof: Float64Array[] = [];
  const selCount = new Map<string, number>();
  let fitted = 0;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const glm = spec.model !== "forest";

  if (!nested && glm && spec.lambda === undefined) {
    // cv.glmnet: lambda sequence from the whole data, lambda chosen on the same folds.
    const lambdas = pipelineLambdas(d, all, spec);
    const runs = foldIds.map((fid) => cvGlmnetPipeline(d, all, fid, spec, lambdas));
    const T = lambdas.length;
    const chosen: number[] = [];
    for (let t = 0; t < T; t++) {
      // Average the CV curve over repeats, then apply the rule.
      const L = lambdas[t].length;
      const cvm = new Float64Array(L);
      const cvsd = new Float64Array(L);
      for (const r of runs) {
        for (let l = 0; l < L; l++) {
          cvm[l] += r.cv[t].cvm[l] / runs.length;
          cvsd[l] += r.cv[t].cvsd[l] / runs.length;
        }
      }
      const sign = runs[0].cv[t].measure === "auc" ? -1 : 1;
      let im = 0;
      for (let l = 1; l < L; l++) if (sign * cvm[l] < sign * cvm[im]) im = l;
      let idx = im;
      if ((spec.lambdaRule ?? "min") === "1se") {
        const bound = sign * cvm[im] + (Number.isNaN(cvsd[im]) ? 0 : cvsd[im]);
        for (let l = 0; l < L; l++) {
          if (sign * cvm[l] <= bound) {
            idx = l;
            break;
          }
        }
      }
      chosen.push(idx);
    }
    notes.push(
      "lambda chosen on the same folds that estimate performance (cv.glmnet); the estimate is slightly optimistic: use nested CV for an unbiased one",
    );
    runs.forEach((run, r) => {
      const prob = new Float64Array(n * K);
      const etas = new Array<number>(T);
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < T; t++) etas[t] = run.eta[t][chosen[t] * n + i];
        probsFromEta(etas, K, prob, i);
      }
      oof.push(prob);
      for (let f = 0; f < k; f++) {
        const { train, test } = foldRows(foldIds[r], f);
        const m = classificationMetrics(prob, d.y, K, test);
        const sel = run.selected[f];
        for (const s of sel) selCount.set(s, (selCount.get(s) ?? 0) + 1);
        fitted++;
        perFold.push({
          repeat: r,
          fold: f,
          nTrain: train.length,
          nTest: test.length,
          ...m,
          selected: sel,
          lambda: chosen.map((c, t) => lambdas[t][c]),
        });
      }
    });
  } else {
    const fitSpec: PipelineSpec =
      spec.model === "forest" ? { ...spec, tuneMtry: nested && spec.mtry === undefined } : spec;
    foldIds.forEach((fid, r) => {
      const prob = new Float64Array(n * K);
      for (let f = 0; f < k; f++) {
        const { train, test } = foldRows(fid, f);
        const model: ModelFile = fitPipeline(d, fitSpec, { seed: rng.nextUint32(), rows: train });
        const p = predictDataset(model, d, test);
        for (let t = 0; t < test.length; t++)
          for (let c = 0; c < K; c++) prob[test[t] * K + c] = p[t * K + c];
        for (const s of model.features) selCount.set(s, (selCount.get(s) ?? 0) + 1);
        fitted++;
        const m = classificationMetrics(prob, d.y, K, test);
        perFold.push({
          repeat: r,
          fold: f,
          nTrain: train.length,
          nTest: test.length,
          ...m,
          selected: model.features,
          lambda: model.model.type === "glmnet" ? model.model.lambda : undefined,
          mtry: model.model.type === "forest" ? model.model.mtry : undefined,
        });
        for (const note of model.training.notes)
          if (!note.startsWith("feature ") && !notes.includes(note)) notes.push(note);
      }
      oof.push(prob);
    });
    if (nested) notes.push("nested CV: hyperparameters tuned inside each outer training fold");
  }

  const pooled = new Float64Array(n * K);
  for (const p of oof) for (let i = 0; i < pooled.length; i++) pooled[i] += p[i] / oof.length;
  const repAuc = oof.map((p) => classificationMetrics(p, d.y, K).auc);
  const [aucMean, aucSd] = meanSd(repAuc);
  const [fMean, fSd] = meanSd(perFold.map((f) => f.auc));
  const accs = oof.map((p) => classificationMetrics(p, d.y, K));
  const summary: CvSummary = {
    auc: aucMean,
    aucRepeatSd: aucSd,
    aucFoldMean: fMean,
    aucFoldSd: fSd,
    accuracy: accs.reduce((a, b) => a + b.accuracy, 0) / accs.length,
    logLoss: accs.reduce((a, b) => a + b.logLoss, 0) / accs.length,
  };
  if (K === 2) {
    const labels = Float64Array.from(d.y);
    const pos = Float64Array.from({ length: n }, (_, i) => pooled[i * 2 + 1]);
    const ci = delongCi(pos, labels);
    summary.aucCi = [ci.lower, ci.upper];
    summary.brier =
      oof.reduce(
        (a, p) =>
          a +
          brierScore(
            Float64Array.from({ length: n }, (_, i) => p[i * 2 + 1]),
            labels,
          ),
        0,
      ) / oof.length;
  }
  const selectionFrequency: Record<string, number> = {};
  for (const [nm, c] of [...selCount.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)))
    selectionFrequency[nm] = c / fitted;
  return {
    classes: d.classes.slice(),
    nested,
    folds: k,
    repeats,
    seed,
    foldIds,
    oof,
    pooled,
    perFold,
    summary,
    selectionFrequency,
    notes,
  };
}

export interface ExternalResult {
  model: ModelFile;
  /** Test-set probabilities (n_test x K). */
  prob: Float64Array;
  metrics: { auc: number; accuracy: number; logLoss: number; brier?: number; aucCi?: [number, number] };
}

/** Fit on the training dataset (with its own tuning) and evaluate on an external test dataset. */
export function externalValidation(
  train: Dataset,
  test: Dataset,
  spec: PipelineSpec,
  seed = 1,
): ExternalResult {
  const K = train.classes.length;
  if (test.classes.length !== K || test.classes.some((c, i) => c !== train.classes[i]))
    throw new DataError(
      `test classes (${test.classes.join(", ")}) differ from training classes (${train.classes.join(", ")})`,
    );
  const model = fitPipeline(train, spec, { seed });
  const prob = predictDataset(model, test);
  const m = classificationMetrics(prob, test.y, K);
  const metrics: ExternalResult["metrics"] = { ...m };
  if (K === 2) {
    const labels = Float64Array.from(test.y);
    const pos = Float64Array.from({ length: test.y.length }, (_, i) => prob[i * 2 + 1]);
    metrics.brier = brierScore(pos, labels);
    if (!Number.isNaN(m.auc)) {
      const ci = delongCi(pos, labels);
      metrics.aucCi = [ci.lower, ci.upper];
    }
  }
  return { model, prob, metrics };
}
