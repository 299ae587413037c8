/**
 * Predictive model pipelines: preprocessing (imputation, constant-feature removal, standardisation),
 * feature selection and a classifier (penalised logistic regression or random forest), all fitted on the
 * training rows only; hyperparameters (lambda, optionally mtry) tuned inside the training rows; the fitted
 * pipeline serialises to a JSON model file that `predictModel` applies to new cases.
 *
 * Classes: two classes give one binomial model for the positive class (classes[1]); more classes give
 * one-vs-rest binomial models whose probabilities are normalised to sum 1 (random forests are natively
 * multi-class).
 */

import { DataError, InputError } from "../../errors.js";
import { foldRows, stratifiedFolds } from "./folds.js";
import { fitForest, type ForestJson, forestFromJson, forestToJson, predictForest } from "./forest.js";
import { type GlmnetPath, glmnetBinomial, pathCoef, pathLinearPredictor, sigmoid } from "./glmnet.js";
import { auc } from "../metrics/metrics.js";
import {
  applyPreprocessor,
  type DroppedFeature,
  fitPreprocessor,
  type ImputeMethod,
  type Preprocessor,
  selectColumns,
} from "../tables/preprocess.js";
import { Random } from "../core/random.js";
import { type SelectOptions, selectFeatures } from "./selection.js";
import { factor, guessIdColumn, joinTables, type Table } from "../tables/table.js";

export type ModelType = "lasso" | "ridge" | "elasticnet" | "forest";
export type LambdaRule = "min" | "1se";
export type TuneMeasure = "deviance" | "auc";

export interface PipelineSpec {
  model: ModelType;
  /** Elastic-net mixing for "elasticnet" (default 0.5); lasso = 1, ridge = 0. */
  alpha?: number;
  /** Fixed lambda (skips tuning). */
  lambda?: number;
  /** Which cross-validated lambda to use (default "min"). */
  lambdaRule?: LambdaRule;
  /** Cross-validation measure for lambda (default "deviance"). */
  tuneMeasure?: TuneMeasure;
  /** Folds of the inner (tuning) cross-validation (default 5; reduced to the smallest class size). */
  innerFolds?: number;
  nlambda?: number;
  impute?: ImputeMethod;
  select?: SelectOptions;
  /** Random forest: trees (default 500), mtry (default sqrt(p)), minimum leaf size (default 1). */
  nTrees?: number;
  mtry?: number;
  minLeafSize?: number;
  /** Random forest: choose mtry among sqrt(p)/2, sqrt(p), 2 sqrt(p) by OOB error (inside the training rows). */
  tuneMtry?: boolean;
}

/** Class labels, features and outcome for model fitting. */
export interface Dataset {
  /** One Float64Array per feature (NaN = missing). */
  x: Float64Array[];
  names: string[];
  /** Class index per sample (0..classes.length-1). */
  y: Int32Array;
  classes: string[];
  /** Case ids (optional, for output) and the name of their column. */
  ids?: string[];
  idColumn?: string;
}

export interface GlmnetModelJson {
  type: "glmnet";
  alpha: number;
  /** "binary": one model for classes[1]; "ovr": one model per class. */
  multiclass: "binary" | "ovr";
  /** Class modelled by each binomial model. */
  targets: string[];
  lambda: number[];
  /** On the standardised scale of the preprocessed features. */
  intercept: number[];
  coef: number[][];
  /** The same models on the original feature scale (after imputation). */
  interceptOriginal: number[];
  coefOriginal: number[][];
}

export interface ForestModelJson extends ForestJson {
  type: "forest";
}

export interface TuningInfo {
  /** Per binomial model: the lambda path CV (lambda.min / lambda.1se and the measure). */
  lambda?: {
    target: string;
    measure: TuneMeasure;
    folds: number;
    lambdaMin: number;
    lambda1se: number;
    chosen: number;
    cvmAtChosen: number;
  }[];
  mtry?: { candidates: number[]; oobError: number[]; chosen: number };
}

export interface ModelFile {
  format: "radiogenomics-model";
  version: 1;
  target: string;
  classes: string[];
  /** Input feature columns the model needs, in model order. */
  features: string[];
  preprocess: { impute: ImputeMethod; fill: number[]; center: number[]; scale: number[] };
  model: GlmnetModelJson | ForestModelJson;
  training: {
    nSamples: number;
    classCounts: Record<string, number>;
    spec: PipelineSpec;
    seed: number;
    nInputFeatures: number;
    dropped: DroppedFeature[];
    selection: { method: string; scoreName: string; k: number };
    tuning: TuningInfo;
    notes: string[];
    created?: string;
    software?: string;
  };
}

/** Elastic-net alpha of a spec. */
export function specAlpha(spec: PipelineSpec): number {
  if (spec.model === "lasso") return 1;
  if (spec.model === "ridge") return 0;
  const a = spec.alpha ?? 0.5;
  if (!(a >= 0 && a <= 1)) throw new InputError(`alpha must be in [0, 1], got ${a}`);
  return a;
}

// ---------------------------------------------------------------------------------------------
// Preprocessing + selection fitted on training rows ("stage")
// ---------------------------------------------------------------------------------------------

interface Stage {
  /** Preprocessor restricted to the selected features. */
  pp: Preprocessor;
  /** Column index (into Dataset.x) of each selected feature. */
  cols: number[];
  dropped: DroppedFeature[];
  scoreName: string;
}

function fitStage(d: Dataset, rows: Int32Array, spec: PipelineSpec): { stage: Stage; x: Float64Array[] } {
  const forest = spec.model === "forest";
  const pp = fitPreprocessor(d.x, d.names, rows, { impute: spec.impute ?? "mean", standardize: !forest });
  if (pp.features.length === 0)
    throw new DataError("no usable feature: every feature is constant or missing in the training rows");
  const nameIdx = new Map(d.names.map((nm, j) => [nm, j]));
  const kept = pp.features.map((nm) => nameIdx.get(nm)!);
  const xAll = applyPreprocessor(
    pp,
    kept.map((j) => d.x[j]),
    rows,
  );
  const yTr = new Int32Array(rows.length);
  for (let t = 0; t < rows.length; t++) yTr[t] = d.y[rows[t]];
  const sel = selectFeatures(xAll, yTr, d.classes.length, spec.select ?? { method: "none" });
  const s = sel.selected;
  const ppSel: Preprocessor = {
    features: s.map((t) => pp.features[t]),
    impute: pp.impute,
    fill: s.map((t) => pp.fill[t]),
    center: s.map((t) => pp.center[t]),
    scale: s.map((t) => pp.scale[t]),
    dropped: pp.dropped,
  };
  return {
    stage: { pp: ppSel, cols: s.map((t) => kept[t]), dropped: pp.dropped, scoreName: sel.scoreName },
    x: s.map((t) => xAll[t]),
  };
}

function applyStage(stage: Stage, d: Dataset, rows: Int32Array): Float64Array[] {
  return applyPreprocessor(
    stage.pp,
    stage.cols.map((j) => d.x[j]),
    rows,
  );
}

function targetsOf(K: number): number[] {
  return K === 2 ? [1] : Array.from({ length: K }, (_, c) => c);
}

function binaryOf(y: ArrayLike<number>, c: number): Float64Array {
  return Float64Array.from(y as ArrayLike<number>, (v) => (v === c ? 1 : 0));
}

function rowsLabels(d: Dataset, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let t = 0; t < rows.length; t++) out[t] = d.y[rows[t]];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cross-validated lambda (cv.glmnet conventions)
// ---------------------------------------------------------------------------------------------

export interface LambdaCv {
  lambda: Float64Array;
  /** Mean CV measure per lambda (deviance: lower is better; AUC: higher is better). */
  cvm: Float64Array;
  cvsd: Float64Array;
  indexMin: number;
  index1se: number;
  measure: TuneMeasure;
}

/** Binomial deviance per observation with cv.glmnet's probability clamping to [1e-5, 1 - 1e-5]. */
function devianceMean(eta: Float64Array, off: number, y: Float64Array, rows: ArrayLike<number>): number {
  let s = 0;
  for (let t = 0; t < rows.length; t++) {
    const p = Math.min(Math.max(sigmoid(eta[off + rows[t]]), 1e-5), 1 - 1e-5);
    const yi = y[rows[t]];
    s += -2 * (yi * Math.log(p) + (1 - yi) * Math.log(1 - p));
  }
  return s / rows.length;
}

/**
 * cv.glmnet's summary of per-fold measures: cvm = fold-size-weighted mean, cvsd = sqrt(weighted mean of
 * squared deviations / (nfolds - 1)); lambda.min = the largest lambda at the best cvm; lambda.1se = the
 * largest lambda whose cvm is within one cvsd of the best.
 */
export function summariseLambdaCv(
  lambda: Float64Array,
  raw: Float64Array[],
  weights: number[],
  measure: TuneMeasure,
): LambdaCv {
  const L = lambda.length;
  const cvm = new Float64Array(L);
  const cvsd = new Float64Array(L);
  const nf = raw.length;
  for (let l = 0; l < L; l++) {
    let sw = 0;
    let s = 0;
    let used = 0;
    for (let f = 0; f < nf; f++) {
      const v = raw[f][l];
      if (Number.isNaN(v)) continue;
      sw += weights[f];
      s += weights[f] * v;
      used++;
    }
    const m = s / sw;
    let s2 = 0;
    for (let f = 0; f < nf; f++) {
      const v = raw[f][l];
      if (Number.isNaN(v)) continue;
      s2 += weights[f] * (v - m) ** 2;
    }
    cvm[l] = m;
    cvsd[l] = used > 1 ? Math.sqrt(s2 / sw / (used - 1)) : Number.NaN;
  }
  const sign = measure === "auc" ? -1 : 1;
  let best = Number.POSITIVE_INFINITY;
  for (let l = 0; l < L; l++) if (sign * cvm[l] < best) best = sign * cvm[l];
  let indexMin = 0;
  for (let l = 0; l < L; l++) {
    if (sign * cvm[l] <= best) {
      indexMin = l; // lambda decreasing: the first index at the best value is the largest lambda
      break;
    }
  }
  const bound = sign * cvm[indexMin] + (Number.isNaN(cvsd[indexMin]) ? 0 : cvsd[indexMin]);
  let index1se = indexMin;
  for (let l = 0; l < L; l++) {
    if (sign * cvm[l] <= bound) {
      index1se = l;
      break;
    }
  }
  return { lambda, cvm, cvsd, indexMin, index1se, measure };
}

/**
 * Cross-validate the glmnet pipeline over fixed lambda sequences (one per binomial target): in every
 * fold, preprocessing and selection are fitted on the fold's training rows, the path is fitted there and
 * the held-out rows are predicted at every lambda. `rows` are the rows in play, `fold[t]` the fold of
 * rows[t]. Returns per target the CV summary and the out-of-fold linear predictors (lambda-major:
 * eta[l * rows.length + t]).
 */
export function cvGlmnetPipeline(
  d: Dataset,
  rows: Int32Array,
  fold: Int32Array,
  spec: PipelineSpec,
  lambdas: Float64Array[],
): { cv: LambdaCv[]; eta: Float64Array[]; selected: string[][] } {
  const K = d.classes.length;
  const targets = targetsOf(K);
  const alpha = specAlpha(spec);
  const measure = spec.tuneMeasure ?? "deviance";
  const m = rows.length;
  let nf = 0;
  for (let t = 0; t < m; t++) nf = Math.max(nf, fold[t] + 1);
  const eta = targets.map((_, c) => new Float64Array(lambdas[c].length * m));
  const raw: Float64Array[][] = targets.map(() => []);
  const weights: number[] = [];
  const selected: string[][] = [];
  const yAll = rowsLabels(d, rows);
  for (let f = 0; f < nf; f++) {
    const { train, test } = foldRows(fold, f);
    if (test.length === 0) continue;
    const trRows = Int32Array.from(train, (t) => rows[t]);
    const teRows = Int32Array.from(test, (t) => rows[t]);
    const { stage, x } = fitStage(d, trRows, spec);
    selected.push(stage.pp.features);
    const xte = applyStage(stage, d, teRows);
    const yTr = rowsLabels(d, trRows);
    weights.push(test.length);
    targets.forEach((c, ti) => {
      const lam = lambdas[ti];
      const L = lam.length;
      const ybin = binaryOf(yTr, c);
      let pred: Float64Array;
      let Lp: number;
      let hasBoth = false;
      for (let i = 1; i < ybin.length; i++) if (ybin[i] !== ybin[0]) hasBoth = true;
      if (hasBoth) {
        const path = glmnetBinomial(x, ybin, { alpha, lambda: lam });
        pred = pathLinearPredictor(path, xte);
        Lp = path.lambda.length;
      } else {
        // One class in this training fold for this one-vs-rest target: constant prediction.
        const q = ybin[0] === 1 ? 1 - 1e-5 : 1e-5;
        pred = new Float64Array(test.length).fill(Math.log(q / (1 - q)));
        Lp = 1;
      }
      const e = eta[ti];
      const nt = test.length;
      for (let l = 0; l < L; l++) {
        const src = Math.min(l, Lp - 1) * nt; // cv.glmnet: missing lambdas take the last fitted one
        for (let s = 0; s < nt; s++) e[l * m + test[s]] = pred[src + s];
      }
      const yb = binaryOf(yAll, c);
      const r = new Float64Array(L);
      const testArr = Array.from(test);
      for (let l = 0; l < L; l++) {
        if (measure === "deviance") r[l] = devianceMean(e, l * m, yb, testArr);
        else {
          const sc = new Float64Array(nt);
          const lb = new Float64Array(nt);
          let pos = 0;
          for (let s = 0; s < nt; s++) {
            sc[s] = e[l * m + test[s]];
            lb[s] = yb[test[s]];
            pos += lb[s];
          }
          r[l] = pos > 0 && pos < nt ? auc(sc, lb) : Number.NaN;
        }
      }
      raw[ti].push(r);
    });
  }
  const cv = targets.map((_, ti) => summariseLambdaCv(lambdas[ti], raw[ti], weights, measure));
  return { cv, eta, selected };
}

/**
 * The automatic lambda sequence of each binomial target when the pipeline (preprocessing, selection,
 * path) is fitted on `rows`: what cv.glmnet uses for its folds.
 */
export function pipelineLambdas(d: Dataset, rows: Int32Array, spec: PipelineSpec): Float64Array[] {
  const { x } = fitStage(d, rows, spec);
  const yRows = rowsLabels(d, rows);
  const alpha = specAlpha(spec);
  return targetsOf(d.classes.length).map(
    (c) => glmnetBinomial(x, binaryOf(yRows, c), { alpha, nlambda: spec.nlambda ?? 100 }).lambda,
  );
}

// ---------------------------------------------------------------------------------------------
// Fitting a pipeline
// ---------------------------------------------------------------------------------------------

export interface FitOptions {
  seed?: number;
  /** Rows to fit on (default all). */
  rows?: Int32Array;
  /** Target (outcome) column name, recorded in the model file. */
  target?: string;
}

function classCounts(y: ArrayLike<number>, K: number): Int32Array {
  const c = new Int32Array(K);
  for (let i = 0; i < y.length; i++) c[y[i]]++;
  return c;
}

/** Fit the whole pipeline on `rows` of the dataset; tuning (lambda, mtry) uses those rows only. */
export function fitPipeline(d: Dataset, spec: PipelineSpec, opts: FitOptions = {}): ModelFile {
  const seed = opts.seed ?? 1;
  const rng = new Random(seed);
  const rows = opts.rows ?? Int32Array.from({ length: d.y.length }, (_, i) => i);
  const K = d.classes.length;
  if (K < 2) throw new DataError("the outcome has one class only");
  const yRows = rowsLabels(d, rows);
  const counts = classCounts(yRows, K);
  for (let c = 0; c < K; c++)
    if (counts[c] === 0) throw new DataError(`class "${d.classes[c]}" has no sample in the training rows`);
  const notes: string[] = [];
  const { stage, x } = fitStage(d, rows, spec);
  for (const dr of stage.dropped) notes.push(`feature "${dr.name}" dropped: ${dr.reason}`);
  const tuning: TuningInfo = {};
  let model: GlmnetModelJson | ForestModelJson;
  if (spec.model === "forest") {
    const p = x.length;
    const base = Math.max(1, Math.floor(Math.sqrt(p)));
    let mtry = Math.min(p, spec.mtry ?? base);
    if (spec.tuneMtry && spec.mtry === undefined && p > 1) {
      const cand = Array.from(new Set([Math.max(1, Math.floor(base / 2)), base, Math.min(p, 2 * base)]));
      const errs = cand.map(
        (mt) =>
          fitForest(x, yRows, K, {
            nTrees: spec.nTrees ?? 500,
            mtry: mt,
            minLeafSize: spec.minLeafSize,
            seed: seed + 7919,
          }).oobError ?? 1,
      );
      let bi = cand.indexOf(base);
      for (let t = 0; t < cand.length; t++) if (errs[t] < errs[bi]) bi = t;
      mtry = cand[bi];
      tuning.mtry = { candidates: cand, oobError: errs, chosen: mtry };
    }
    const f = fitForest(x, yRows, K, {
      nTrees: spec.nTrees ?? 500,
      mtry,
      minLeafSize: spec.minLeafSize,
      seed: rng,
    });
    model = { type: "forest", ...forestToJson(f) };
  } else {
    const alpha = specAlpha(spec);
    const targets = targetsOf(K);
    const paths: GlmnetPath[] = targets.map((c) =>
      glmnetBinomial(
        x,
        binaryOf(yRows, c),
        spec.lambda !== undefined
          ? { alpha, lambda: [spec.lambda] }
          : { alpha, nlambda: spec.nlambda ?? 100 },
      ),
    );
    const chosen = paths.map(() => 0);
    if (spec.lambda === undefined) {
      let folds = spec.innerFolds ?? 5;
      let minCount = Number.POSITIVE_INFINITY;
      for (let c = 0; c < K; c++) minCount = Math.min(minCount, counts[c]);
      if (minCount < folds) {
        if (minCount < 2)
          throw new DataError(
            `a class has ${minCount} sample in the training rows: cannot tune lambda by cross-validation`,
          );
        notes.push(`inner cross-validation reduced from ${folds} to ${minCount} folds (smallest class)`);
        folds = minCount;
      }
      const fold = stratifiedFolds(yRows, folds, rng.fork(), d.classes);
      const res = cvGlmnetPipeline(
        d,
        rows,
        fold,
        spec,
        paths.map((p) => p.lambda),
      );
      tuning.lambda = res.cv.map((cv, ti) => {
        const idx = (spec.lambdaRule ?? "min") === "1se" ? cv.index1se : cv.indexMin;
        chosen[ti] = idx;
        return {
          target: d.classes[targets[ti]],
          measure: cv.measure,
          folds,
          lambdaMin: cv.lambda[cv.indexMin],
          lambda1se: cv.lambda[cv.index1se],
          chosen: cv.lambda[idx],
          cvmAtChosen: cv.cvm[idx],
        };
      });
    }
    const coef = paths.map((p, ti) => Array.from(pathCoef(p, chosen[ti])));
    const intercept = paths.map((p, ti) => p.a0[chosen[ti]]);
    const coefOriginal = coef.map((b) => b.map((v, j) => v / stage.pp.scale[j]));
    const interceptOriginal = intercept.map(
      (a, ti) => a - coefOriginal[ti].reduce((s, v, j) => s + v * stage.pp.center[j], 0),
    );
    model = {
      type: "glmnet",
      alpha,
      multiclass: K === 2 ? "binary" : "ovr",
      targets: targets.map((c) => d.classes[c]),
      lambda: paths.map((p, ti) => p.lambda[chosen[ti]]),
      intercept,
      coef,
      interceptOriginal,
      coefOriginal,
    };
    for (const p of paths) if (p.warning) notes.push(p.warning);
  }
  const cc: Record<string, number> = {};
  d.classes.forEach((c, k) => {
    cc[c] = counts[k];
  });
  return {
    format: "radiogenomics-model",
    version: 1,
    target: opts.target ?? "outcome",
    classes: d.classes.slice(),
    features: stage.pp.features.slice(),
    preprocess: {
      impute: stage.pp.impute,
      fill: stage.pp.fill,
      center: stage.pp.center,
      scale: stage.pp.scale,
    },
    model,
    training: {
      nSamples: rows.length,
      classCounts: cc,
      spec,
      seed,
      nInputFeatures: d.names.length,
      dropped: stage.dropped,
      selection: {
        method: spec.select?.method ?? "none",
        scoreName: stage.scoreName,
        k: stage.pp.features.length,
      },
      tuning,
      notes,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Prediction
// ---------------------------------------------------------------------------------------------

/**
 * Class probabilities (n x K, row-major) for feature columns aligned to `model.features` (NaN =
 * missing, imputed with the training values).
 */
export function predictColumns(model: ModelFile, columns: Float64Array[]): Float64Array {
  const K = model.classes.length;
  const p = model.features.length;
  if (columns.length !== p)
    throw new InputError(`the model needs ${p} feature columns, got ${columns.length}`);
  const n = p > 0 ? columns[0].length : 0;
  const pp: Preprocessor = { ...model.preprocess, features: model.features, dropped: [] };
  const x = applyPreprocessor(pp, columns);
  const out = new Float64Array(n * K);
  const m = model.model;
  if (m.type === "forest") return predictForest(forestFromJson(m), x);
  const probs = m.coef.map((b, t) => {
    const pr = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let e = m.intercept[t];
      for (let j = 0; j < p; j++) e += b[j] * x[j][i];
      pr[i] = sigmoid(e);
    }
    return pr;
  });
  if (m.multiclass === "binary") {
    for (let i = 0; i < n; i++) {
      out[i * 2 + 1] = probs[0][i];
      out[i * 2] = 1 - probs[0][i];
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < K; c++) s += probs[c][i];
    for (let c = 0; c < K; c++) out[i * K + c] = s > 0 ? probs[c][i] / s : 1 / K;
  }
  return out;
}

/** Probabilities for the rows of a dataset (columns looked up by name). */
export function predictDataset(model: ModelFile, d: Dataset, rows?: Int32Array): Float64Array {
  const cols = selectColumns(d.x, d.names, model.features);
  const sub = rows ? cols.map((c) => Float64Array.from(rows, (i) => c[i])) : cols;
  return predictColumns(model, sub);
}

export interface Prediction {
  classes: string[];
  /** n x K probabilities, row-major. */
  prob: Float64Array;
  /** Most probable class per row. */
  predicted: string[];
}

/**
 * Apply a model file to a table of new cases: the model's feature columns are looked up by name (an
 * InputError names every missing column; non-numeric columns are errors from the table).
 */
export function predictModel(model: ModelFile, table: Table): Prediction {
  validateModel(model);
  const missing = model.features.filter((f) => !table.has(f));
  if (missing.length > 0) {
    const list =
      missing.length > 10
        ? `${missing.slice(0, 10).join(", ")} and ${missing.length - 10} more`
        : missing.join(", ");
    throw new InputError(
      `missing feature column${missing.length > 1 ? "s" : ""} required by the model: ${list}`,
      table.source,
    );
  }
  const cols = model.features.map((f) => table.numeric(f));
  const prob = predictColumns(model, cols);
  const K = model.classes.length;
  const n = table.nRows;
  const predicted: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let arg = 0;
    for (let c = 1; c < K; c++) if (prob[i * K + c] > prob[i * K + arg]) arg = c;
    predicted[i] = model.classes[arg];
  }
  return { classes: model.classes.slice(), prob, predicted };
}

/** Structural check of a parsed model file; throws FormatError-like InputErrors naming the problem. */
export function validateModel(m: unknown, source?: string): asserts m is ModelFile {
  const fail = (msg: string): never => {
    throw new InputError(`not a radiogenomics model file: ${msg}`, source);
  };
  if (typeof m !== "object" || m === null) fail("not a JSON object");
  const o = m as Record<string, unknown>;
  if (o.format !== "radiogenomics-model") fail(`"format" is ${JSON.stringify(o.format)}`);
  if (o.version !== 1) fail(`unsupported version ${JSON.stringify(o.version)}`);
  if (!Array.isArray(o.classes) || o.classes.length < 2) fail('"classes" must list at least two classes');
  if (!Array.isArray(o.features)) fail('"features" missing');
  const f = o.features as unknown[];
  const pp = o.preprocess as Record<string, unknown> | undefined;
  if (!pp || !Array.isArray(pp.fill) || !Array.isArray(pp.center) || !Array.isArray(pp.scale))
    fail('"preprocess" incomplete');
  const ppo = pp as { fill: unknown[]; center: unknown[]; scale: unknown[] };
  if (ppo.fill.length !== f.length || ppo.center.length !== f.length || ppo.scale.length !== f.length)
    fail("preprocessing and features differ in length");
  const model = o.model as Record<string, unknown> | undefined;
  if (!model || (model.type !== "glmnet" && model.type !== "forest"))
    fail('"model.type" must be glmnet or forest');
  if (model?.type === "glmnet") {
    const coef = model.coef as unknown[][] | undefined;
    if (!Array.isArray(coef) || coef.some((b) => !Array.isArray(b) || b.length !== f.length))
      fail("coefficients do not match the features");
  } else if (model && (model.nFeatures !== f.length || !Array.isArray(model.trees)))
    fail("forest does not match the features");
}

// ---------------------------------------------------------------------------------------------
// Building a dataset from tables
// ---------------------------------------------------------------------------------------------

export interface DatasetOptions {
  target: string;
  /** Id column joining features and labels (when labels are a separate table). */
  idColumn?: string;
  /** Level of a binary target coded as the positive class (default: the second level in sorted order). */
  positive?: string;
  /** Feature columns to leave out. */
  exclude?: string[];
  /** Use these classes, in this order (e.g. a test set coded like its training set). */
  classes?: string[];
}

/**
 * Features + outcome from a feature table (and a separate label table joined on the id column, or the
 * target taken from the feature table). Rows with a missing outcome are dropped (noted). Non-numeric
 * feature columns are an error naming them (PyRadiomics `diagnostics_*` columns are skipped with a note).
 */
export function datasetFromTables(
  features: Table,
  labels: Table | undefined,
  opts: DatasetOptions,
): { data: Dataset; notes: string[] } {
  const idOf = guessIdColumn;
  const notes: string[] = [];
  let table = features;
  let id = opts.idColumn ?? idOf(features);
  if (labels) {
    if (!labels.has(opts.target)) labels.column(opts.target, "target column");
    id = opts.idColumn ?? idOf(features) ?? idOf(labels);
    if (!id)
      throw new InputError("no id column to join features and labels: name it with --id", labels.source);
    if (!features.has(id)) features.column(id, "id column");
    if (!labels.has(id)) labels.column(id, "id column");
    const lab = labels.select([id, opts.target]);
    const j = joinTables(features.has(opts.target) ? features.drop([opts.target]) : features, lab, id);
    if (j.unmatchedA.length > 0)
      notes.push(`${j.unmatchedA.length} feature rows have no label and were left out`);
    if (j.unmatchedB.length > 0)
      notes.push(`${j.unmatchedB.length} labels have no feature row and were left out`);
    table = j.table;
  } else if (!features.has(opts.target)) features.column(opts.target, "target column");
  const f = factor(table, opts.target);
  let classes = f.levels;
  if (opts.classes) {
    const pos = new Map(opts.classes.map((c, k) => [c, k]));
    const unknown = classes.filter((c) => !pos.has(c));
    if (unknown.length > 0)
      throw new DataError(
        `target "${opts.target}" has classes not seen in training: ${unknown.join(", ")}`,
        table.source,
      );
    const map = classes.map((c) => pos.get(c)!);
    const codes = Int32Array.from(f.codes, (c) => (c < 0 ? -1 : map[c]));
    return finishDataset(table, opts, id, opts.classes.slice(), codes, notes, true);
  }
  if (classes.length < 2)
    throw new DataError(
      `target "${opts.target}" has ${classes.length === 0 ? "no values" : `one class only ("${classes[0]}")`}`,
      table.source,
    );
  let codes = f.codes;
  if (opts.positive !== undefined) {
    if (classes.length !== 2)
      throw new InputError(
        `--positive applies to a binary target; "${opts.target}" has ${classes.length} classes`,
      );
    const k = classes.indexOf(opts.positive);
    if (k < 0)
      throw new InputError(`positive class "${opts.positive}" not among ${classes.join(", ")}`, table.source);
    if (k === 0) {
      classes = [classes[1], classes[0]];
      codes = Int32Array.from(codes, (c) => (c < 0 ? c : 1 - c));
    }
  }
  return finishDataset(table, opts, id, classes, codes, notes, false);
}

function finishDataset(
  table: Table,
  opts: DatasetOptions,
  id: string | undefined,
  classes: string[],
  codes: Int32Array,
  notes: string[],
  allowEmptyClass: boolean,
): { data: Dataset; notes: string[] } {
  const keep: number[] = [];
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) keep.push(i);
  if (keep.length < codes.length)
    notes.push(`${codes.length - keep.length} rows with a missing "${opts.target}" were left out`);
  const exclude = new Set([opts.target, ...(id ? [id] : []), ...(opts.exclude ?? [])]);
  const nonNumeric: string[] = [];
  const names: string[] = [];
  let skippedDiag = 0;
  for (const c of table.columns) {
    if (exclude.has(c.name)) continue;
    if (c.kind !== "numeric") {
      if (c.name.startsWith("diagnostics_")) {
        skippedDiag++;
        continue;
      }
      nonNumeric.push(c.name);
      continue;
    }
    names.push(c.name);
  }
  if (skippedDiag > 0) notes.push(`${skippedDiag} non-numeric diagnostics_* columns skipped`);
  if (nonNumeric.length > 0) {
    const list =
      nonNumeric.length > 10
        ? `${nonNumeric.slice(0, 10).join(", ")} and ${nonNumeric.length - 10} more`
        : nonNumeric.join(", ");
    throw new InputError(
      `non-numeric feature column${nonNumeric.length > 1 ? "s" : ""}: ${list} (leave them out with --exclude)`,
      table.source,
    );
  }
  if (names.length === 0) throw new InputError("no numeric feature columns", table.source);
  const x = names.map((nm) => {
    const v = table.numeric(nm);
    return Float64Array.from(keep, (i) => v[i]);
  });
  const y = Int32Array.from(keep, (i) => codes[i]);
  const idText = id && table.has(id) ? table.text(id) : undefined;
  const ids = idText ? keep.map((i) => idText[i] ?? String(i + 1)) : undefined;
  const counts = classCounts(y, classes.length);
  if (!allowEmptyClass)
    for (let c = 0; c < classes.length; c++)
      if (counts[c] === 0)
        throw new DataError(
          `class "${classes[c]}" of "${opts.target}" has no sample with features`,
          table.source,
        );
  return { data: { x, names, y, classes, ids, idColumn: ids ? id : undefined }, notes };
}
