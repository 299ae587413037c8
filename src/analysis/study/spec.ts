/**
 * study.yaml: one file describing a radiogenomic study (inputs, targets, harmonisation, analyses,
 * validation, audit subgroups, seed, checklist answers). Parsed and validated here before any long work
 * starts; every problem is one line naming the file, the field and the value. Browser-safe: file access
 * (existence, reading the tables' headers) is done by the caller and passed in.
 */
import { InputError } from "../../errors.js";
import type { Table } from "../../stats/tables/table.js";

export type TargetType = "binary" | "multiclass" | "survival";
export type ValidationScheme = "nested-cv" | "external" | "leave-site-out";
export const ANALYSES = ["qc", "harmonize", "associate", "model", "survival", "cluster", "audit"] as const;
export type AnalysisName = (typeof ANALYSES)[number];

export interface TargetSpec {
  name: string;
  type: TargetType;
  /** Binary/multi-class: the label column (default `name`). */
  column?: string;
  /** Binary: the level coded as positive (default: the second of the sorted levels). */
  positive?: string;
  /** Survival: time and event columns. */
  time?: string;
  event?: string;
}

export interface StudySpec {
  name: string;
  seed: number;
  /** Cohort manifest (id, Image, Mask columns) to extract from, or a finished feature table. */
  manifest?: string;
  features?: string;
  /** PyRadiomics-style parameter file (with `manifest`). */
  params?: string;
  /** Label / clinical table, joined on `id`. */
  clinical: string;
  id: string;
  targets: TargetSpec[];
  harmonize?: { batch: string; covariates: string[] };
  analyses: AnalysisName[];
  validation: { scheme: ValidationScheme; folds: number; site?: string; external?: string };
  model: { type: "lasso" | "ridge" | "elasticnet" | "forest" };
  audit: { subgroups: string[]; threshold: number; minGroup: number };
  /** Optional gene-expression / molecular table (id + one numeric column per gene) for the feature x gene map. */
  genes?: string;
  /** Checklist answers the run cannot know: { rqs: { "11": 0 }, metrics: { "2": "yes" }, clear: { "8": "yes" } }. */
  checklist: {
    rqs: Record<string, number>;
    metrics: Record<string, boolean>;
    clear: Record<string, boolean>;
  };
}

/** All validation problems at once, one line each. */
export class StudyValidationError extends InputError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join("\n"));
    this.problems = problems;
  }
}

const TOP_KEYS = [
  "name",
  "seed",
  "manifest",
  "features",
  "params",
  "clinical",
  "id",
  "targets",
  "harmonize",
  "analyses",
  "validation",
  "model",
  "audit",
  "genes",
  "checklist",
];
const TARGET_KEYS = ["name", "type", "column", "positive", "time", "event"];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown) => (typeof v === "string" ? `"${v}"` : JSON.stringify(v));

/**
 * Check the structure of a parsed study file (unknown keys, types, allowed values, required fields).
 * Returns the spec with defaults applied, or throws StudyValidationError listing every problem.
 */
export function parseStudy(raw: unknown, file = "study.yaml"): StudySpec {
  const errs: string[] = [];
  const err = (field: string, msg: string) => errs.push(`${file}: ${field}: ${msg}`);
  if (!isObj(raw)) throw new StudyValidationError([`${file}: the file must be a YAML mapping of keys`]);
  const unknown = (o: Obj, allowed: string[], where: string) => {
    for (const k of Object.keys(o))
      if (!allowed.includes(k))
        err(where ? `${where}.${k}` : k, `unknown key (allowed: ${allowed.join(", ")})`);
  };
  unknown(raw, TOP_KEYS, "");
  const str = (o: Obj, key: string, where: string, required: boolean): string | undefined => {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) err(where + key, "required");
      return undefined;
    }
    if (typeof v !== "string" && typeof v !== "number") {
      err(where + key, `must be a string, got ${show(v)}`);
      return undefined;
    }
    return String(v);
  };
  const strList = (o: Obj, key: string, where: string): string[] => {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
      err(where + key, `must be a list of column names, got ${show(v)}`);
      return [];
    }
    return v as string[];
  };

  const name = str(raw, "name", "", false) ?? "study";
  let seed = 1;
  if (raw.seed !== undefined) {
    if (typeof raw.seed !== "number" || !Number.isInteger(raw.seed) || raw.seed < 0)
      err("seed", `must be a non-negative integer, got ${show(raw.seed)}`);
    else seed = raw.seed;
  }
  const manifest = str(raw, "manifest", "", false);
  const features = str(raw, "features", "", false);
  if (manifest === undefined && features === undefined)
    err("manifest", "required: give `manifest` (images to extract) or `features` (a feature table)");
  if (manifest !== undefined && features !== undefined)
    err("features", "give either `manifest` or `features`, not both");
  const params = str(raw, "params", "", false);
  if (params !== undefined && manifest === undefined) err("params", "only used with `manifest`");
  const clinical = str(raw, "clinical", "", true) ?? "";
  const id = str(raw, "id", "", true) ?? "";

  const targets: TargetSpec[] = [];
  if (!Array.isArray(raw.targets) || raw.targets.length === 0) err("targets", "required: a list of targets");
  else
    raw.targets.forEach((t, i) => {
      const w = `targets[${i}].`;
      if (!isObj(t)) {
        err(`targets[${i}]`, `must be a mapping (name, type, ...), got ${show(t)}`);
        return;
      }
      unknown(t, TARGET_KEYS, `targets[${i}]`);
      const tn = str(t, "name", w, true);
      const type = str(t, "type", w, true);
      if (type !== undefined && !["binary", "multiclass", "survival"].includes(type))
        err(`${w}type`, `must be binary, multiclass or survival, got ${show(type)}`);
      const spec: TargetSpec = { name: tn ?? "", type: (type ?? "binary") as TargetType };
      const column = str(t, "column", w, false);
      const positive = str(t, "positive", w, false);
      if (column !== undefined) spec.column = column;
      if (positive !== undefined) spec.positive = positive;
      if (type === "survival") {
        spec.time = str(t, "time", w, true);
        spec.event = str(t, "event", w, true);
      }
      if (targets.some((o) => o.name === spec.name)) err(`${w}name`, `duplicate target ${show(spec.name)}`);
      targets.push(spec);
    });

  let harmonize: StudySpec["harmonize"];
  if (raw.harmonize !== undefined) {
    if (!isObj(raw.harmonize))
      err("harmonize", `must be a mapping (batch, covariates), got ${show(raw.harmonize)}`);
    else {
      unknown(raw.harmonize, ["batch", "covariates"], "harmonize");
      const batch = str(raw.harmonize, "batch", "harmonize.", true);
      harmonize = { batch: batch ?? "", covariates: strList(raw.harmonize, "covariates", "harmonize.") };
    }
  }

  let analyses: AnalysisName[] = [...ANALYSES];
  if (raw.analyses !== undefined) {
    const list = Array.isArray(raw.analyses) ? raw.analyses : [raw.analyses];
    analyses = [];
    for (const a of list) {
      if (typeof a !== "string" || !(ANALYSES as readonly string[]).includes(a))
        err("analyses", `unknown analysis ${show(a)} (allowed: ${ANALYSES.join(", ")})`);
      else analyses.push(a as AnalysisName);
    }
  }
  if (analyses.includes("harmonize") && !harmonize && raw.analyses !== undefined)
    err("analyses", "harmonize needs a `harmonize:` section with the batch column");
  if (!harmonize) analyses = analyses.filter((a) => a !== "harmonize");
  if (manifest === undefined) analyses = analyses.filter((a) => a !== "qc");

  const validation: StudySpec["validation"] = { scheme: "nested-cv", folds: 5 };
  if (raw.validation !== undefined) {
    const v = raw.validation;
    if (!isObj(v)) err("validation", `must be a mapping (scheme, folds, site, external), got ${show(v)}`);
    else {
      unknown(v, ["scheme", "folds", "site", "external"], "validation");
      const scheme = str(v, "scheme", "validation.", false) ?? "nested-cv";
      if (!["nested-cv", "external", "leave-site-out"].includes(scheme))
        err("validation.scheme", `must be nested-cv, external or leave-site-out, got ${show(scheme)}`);
      validation.scheme = scheme as ValidationScheme;
      if (v.folds !== undefined) {
        if (typeof v.folds !== "number" || !Number.isInteger(v.folds) || v.folds < 2)
          err("validation.folds", `must be an integer >= 2, got ${show(v.folds)}`);
        else validation.folds = v.folds;
      }
      const site = str(v, "site", "validation.", scheme === "leave-site-out");
      if (site !== undefined) validation.site = site;
      const external = str(v, "external", "validation.", scheme === "external");
      if (external !== undefined) validation.external = external;
    }
  }

  const model: StudySpec["model"] = { type: "lasso" };
  if (raw.model !== undefined) {
    if (!isObj(raw.model)) err("model", `must be a mapping (type), got ${show(raw.model)}`);
    else {
      unknown(raw.model, ["type"], "model");
      const type = str(raw.model, "type", "model.", false) ?? "lasso";
      if (!["lasso", "ridge", "elasticnet", "forest"].includes(type))
        err("model.type", `must be lasso, ridge, elasticnet or forest, got ${show(type)}`);
      else model.type = type as StudySpec["model"]["type"];
    }
  }

  const audit: StudySpec["audit"] = { subgroups: [], threshold: 0.5, minGroup: 10 };
  if (raw.audit !== undefined) {
    if (!isObj(raw.audit))
      err("audit", `must be a mapping (subgroups, threshold, min_group), got ${show(raw.audit)}`);
    else {
      unknown(raw.audit, ["subgroups", "threshold", "min_group"], "audit");
      audit.subgroups = strList(raw.audit, "subgroups", "audit.");
      const th = raw.audit.threshold;
      if (th !== undefined) {
        if (typeof th !== "number" || !(th > 0 && th < 1))
          err("audit.threshold", `must be a probability strictly between 0 and 1, got ${show(th)}`);
        else audit.threshold = th;
      }
      const mg = raw.audit.min_group;
      if (mg !== undefined) {
        if (typeof mg !== "number" || !Number.isInteger(mg) || mg < 2)
          err("audit.min_group", `must be an integer >= 2, got ${show(mg)}`);
        else audit.minGroup = mg;
      }
    }
  }

  const genes = str(raw, "genes", "", false);
  const checklist: StudySpec["checklist"] = { rqs: {}, metrics: {}, clear: {} };
  if (raw.checklist !== undefined) {
    if (!isObj(raw.checklist))
      err("checklist", `must be a mapping (rqs, metrics, clear), got ${show(raw.checklist)}`);
    else {
      unknown(raw.checklist, ["rqs", "metrics", "clear"], "checklist");
      for (const [list, max] of [
        ["rqs", 16],
        ["metrics", 30],
        ["clear", 58],
      ] as const) {
        const o = raw.checklist[list];
        if (o === undefined || o === null) continue;
        if (!isObj(o)) {
          err(`checklist.${list}`, `must map item numbers to answers, got ${show(o)}`);
          continue;
        }
        for (const [k, v] of Object.entries(o)) {
          const num = Number(k);
          if (!Number.isInteger(num) || num < 1 || num > max) {
            err(`checklist.${list}.${k}`, `no such item (items are 1..${max})`);
            continue;
          }
          if (list === "rqs") {
            if (typeof v !== "number" || !Number.isInteger(v))
              err(`checklist.rqs.${k}`, `must be the item's points (an integer), got ${show(v)}`);
            else checklist.rqs[String(num)] = v;
          } else if (typeof v !== "boolean")
            err(`checklist.${list}.${k}`, `must be yes or no, got ${show(v)}`);
          else checklist[list][String(num)] = v;
        }
      }
    }
  }
  if (errs.length) throw new StudyValidationError(errs);
  const spec: StudySpec = {
    name,
    seed,
    clinical,
    id,
    targets,
    analyses,
    validation,
    model,
    audit,
    checklist,
  };
  if (manifest !== undefined) spec.manifest = manifest;
  if (features !== undefined) spec.features = features;
  if (params !== undefined) spec.params = params;
  if (harmonize) spec.harmonize = harmonize;
  if (genes !== undefined) spec.genes = genes;
  return spec;
}

/** The files a study reads, by field (relative to the study file as written). */
export function studyFiles(spec: StudySpec): Array<{ field: string; path: string }> {
  const out: Array<{ field: string; path: string }> = [];
  for (const field of ["manifest", "features", "params", "clinical", "genes"] as const) {
    const p = spec[field];
    if (p !== undefined) out.push({ field, path: p });
  }
  if (spec.validation.external) out.push({ field: "validation.external", path: spec.validation.external });
  return out;
}

export interface StudyTables {
  clinical: Table;
  /** Header of the manifest (with `manifest`) or the feature table (with `features`). */
  manifestColumns?: string[];
  features?: Table;
  genes?: Table;
  external?: Table;
}

/**
 * Check the study against its tables (before extraction): every named column exists, each binary or
 * multi-class target has at least two classes (and a binary one exactly two), survival columns are
 * numeric. Throws StudyValidationError with one line per problem.
 */
export function checkStudyTables(spec: StudySpec, t: StudyTables, file = "study.yaml"): void {
  const errs: string[] = [];
  const c = t.clinical;
  const col = (field: string, name: string | undefined, table: Table = c, tableField = spec.clinical) => {
    if (name === undefined) return false;
    if (!table.has(name)) {
      errs.push(
        `${file}: ${field}: column "${name}" not found in ${tableField} (columns: ${table.names.slice(0, 12).join(", ")}${table.names.length > 12 ? ", ..." : ""})`,
      );
      return false;
    }
    return true;
  };
  col("id", spec.id);
  if (t.manifestColumns && !t.manifestColumns.includes(spec.id))
    errs.push(`${file}: id: column "${spec.id}" not found in ${spec.manifest ?? spec.features}`);
  if (spec.manifest && t.manifestColumns)
    for (const need of ["Image", "Mask"])
      if (!t.manifestColumns.includes(need))
        errs.push(`${file}: manifest: ${spec.manifest} has no "${need}" column`);
  spec.targets.forEach((tg, i) => {
    const w = `targets[${i}]`;
    if (tg.type === "survival") {
      for (const k of ["time", "event"] as const) {
        if (col(`${w}.${k}`, tg[k])) {
          const v = c.column(tg[k]!);
          if (v.kind !== "numeric")
            errs.push(
              `${file}: ${w}.${k}: column "${tg[k]}" must be numeric, it holds text (e.g. "${c.text(tg[k]!).find((x) => x !== null && Number.isNaN(Number(x))) ?? ""}")`,
            );
        }
      }
      return;
    }
    const name = tg.column ?? tg.name;
    if (!col(`${w}.column`, name)) return;
    const levels = [...new Set(c.text(name).filter((x): x is string => x !== null && x !== ""))].sort();
    if (levels.length < 2)
      errs.push(
        `${file}: ${w}: target "${name}" has one class only (${levels.length ? `"${levels[0]}"` : "no values"}); a model needs at least two`,
      );
    else if (tg.type === "binary" && levels.length > 2)
      errs.push(
        `${file}: ${w}: binary target "${name}" has ${levels.length} classes (${levels.slice(0, 6).join(", ")}); use type: multiclass`,
      );
    if (tg.positive !== undefined && levels.length >= 2 && !levels.includes(tg.positive))
      errs.push(
        `${file}: ${w}.positive: "${tg.positive}" is not a level of "${name}" (levels: ${levels.join(", ")})`,
      );
  });
  if (spec.harmonize) {
    col("harmonize.batch", spec.harmonize.batch);
    for (const [i, cv] of spec.harmonize.covariates.entries()) col(`harmonize.covariates[${i}]`, cv);
  }
  if (spec.validation.site) col("validation.site", spec.validation.site);
  for (const [i, g] of spec.audit.subgroups.entries()) col(`audit.subgroups[${i}]`, g);
  if (t.genes) col("genes", spec.id, t.genes, spec.genes);
  if (t.external) {
    if (!t.external.has(spec.id))
      errs.push(`${file}: validation.external: ${spec.validation.external} has no id column "${spec.id}"`);
  }
  if (errs.length) throw new StudyValidationError(errs);
}

/** Stable JSON (sorted keys) for hashing settings. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (isObj(v))
    return `{${Object.keys(v)
      .sort()
      .filter((k) => v[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}
