/**
 * `radiogenomics cluster features.csv`: consensus clustering of imaging phenotypes and its links to labels,
 * survival, gene expression and gene sets.
 *
 *   radiogenomics cluster features.csv [--id case_id] [--k-max 6] [--reps 100] [--p-item 0.8]
 *     [--algorithm hc|km] [--seed 1] [--labels clinical.csv --target IDH[,subtype] --time t --event e]
 *     [--expression expr.csv --orientation genes-by-samples] [--gmt sets.gmt] [--map] [--out-dir DIR] [--json]
 *
 * Thin: reads the tables, calls src/stats, writes CSV files to --out-dir and a summary to stdout.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { DataError, FileAccessError, InputError } from "../errors.js";
import { readTableFile } from "../io/table-file.js";
import {
  type ClusterAssociation,
  clustersVsCategorical,
  clustersVsContinuous,
  clustersVsSurvival,
} from "../stats/clusterAssociation.js";
import {
  assertFiniteMatrix,
  type ConsensusAlgorithm,
  type ConsensusResult,
  consensusCluster,
  standardizeColumns,
} from "../stats/consensus.js";
import {
  alignExpression,
  type DiffExprResult,
  differentialExpression,
  type ExpressionOrientation,
  expressionFromTable,
} from "../stats/expression.js";
import { parsePAdjustMethod } from "../stats/fdr.js";
import { type GeneSetMethod, geneSetScores, parseGmt, scoresAsMatrix } from "../stats/genesets.js";
import { parseDistance, parseLinkage } from "../stats/hclust.js";
import { radiogenomicMap, radiogenomicPairs } from "../stats/radiogenomicMap.js";
import { guessIdColumn, survivalVariable, type Table, tableIds, variableType } from "../stats/table.js";
import { action, formatJson, note, parseIntOption, parseList, writeOutput } from "./util.js";

interface ClusterOpts {
  id?: string;
  features?: string[];
  exclude?: string[];
  kMax: number;
  k?: number;
  reps: number;
  pItem: string;
  pFeature: string;
  algorithm: string;
  distance?: string;
  linkage: string;
  seed: number;
  scale: boolean;
  labels?: string;
  labelsId?: string;
  target?: string[];
  categorical?: string[];
  time?: string;
  event?: string;
  expression?: string;
  orientation: string;
  geneColumn?: string;
  test: string;
  pAdjust: string;
  gmt?: string;
  geneSetMethod: string;
  minSetSize: number;
  map: boolean;
  mapMaxQ: string;
  outDir?: string;
  json: boolean;
}

function parseFraction(name: string, v: string): number {
  const x = Number(v);
  if (!(x > 0 && x <= 1)) throw new InputError(`--${name} must be a number in (0, 1], got "${v}"`);
  return x;
}

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isNaN(v) ? "" : String(v);
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

function toCsv(header: string[], rows: unknown[][]): string {
  return `${[header.map(csvCell).join(","), ...rows.map((r) => r.map(csvCell).join(","))].join("\n")}\n`;
}

export interface ClusterRun {
  ids: string[];
  featureNames: string[];
  consensus: ConsensusResult;
  k: number;
  clusters: Int32Array;
  associations: ClusterAssociation[];
  expression?: DiffExprResult;
  geneSets?: DiffExprResult;
  notes: string[];
}

/** Reads the feature table into an items x features matrix. */
function featureMatrix(
  table: Table,
  opts: ClusterOpts,
): { ids: string[]; idColumn: string; names: string[]; x: Float64Array; notes: string[] } {
  const idColumn = opts.id ?? guessIdColumn(table);
  if (!idColumn)
    throw new InputError("no id column found (name it case_id, id, PatientID... or pass --id)", table.source);
  const ids = tableIds(table, idColumn);
  const notes: string[] = [];
  let names: string[];
  if (opts.features) {
    names = opts.features;
    for (const n of names) table.numeric(n);
  } else {
    const exclude = new Set([idColumn, ...(opts.exclude ?? [])]);
    names = table.numericNames().filter((n) => !exclude.has(n) && !n.startsWith("diagnostics_"));
  }
  // constant features carry no information (and break standardisation)
  const kept: string[] = [];
  for (const n of names) {
    const v = table.numeric(n);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const a of v) {
      if (a < lo) lo = a;
      if (a > hi) hi = a;
    }
    if (lo === hi) notes.push(`feature ${n} is constant: left out`);
    else kept.push(n);
  }
  if (kept.length === 0)
    throw new DataError("no numeric, non-constant feature columns to cluster", table.source);
  const n = ids.length;
  const p = kept.length;
  const x = new Float64Array(n * p);
  kept.forEach((name, j) => {
    const v = table.numeric(name);
    for (let i = 0; i < n; i++) x[i * p + j] = v[i];
  });
  assertFiniteMatrix(x, n, p, ids, kept);
  return { ids, idColumn, names: kept, x, notes };
}

/** The whole `cluster` analysis (exported for tests). */
export async function runCluster(featuresPath: string, opts: ClusterOpts): Promise<ClusterRun> {
  const table = await readTableFile(featuresPath);
  const fm = featureMatrix(table, opts);
  const notes = fm.notes;
  const { ids, names, x } = fm;
  const n = ids.length;
  const p = names.length;
  if (opts.scale) standardizeColumns(x, n, p);
  const algorithm = opts.algorithm as ConsensusAlgorithm;
  if (algorithm !== "hc" && algorithm !== "km")
    throw new InputError(`--algorithm must be hc or km, got "${opts.algorithm}"`);
  const linkage = parseLinkage(opts.linkage);
  const consensus = consensusCluster(x, n, p, {
    maxK: opts.kMax,
    reps: opts.reps,
    pItem: parseFraction("p-item", opts.pItem),
    pFeature: parseFraction("p-feature", opts.pFeature),
    algorithm,
    distance: parseDistance(opts.distance ?? (algorithm === "km" ? "euclidean" : "pearson")),
    innerLinkage: linkage,
    finalLinkage: linkage,
    seed: opts.seed,
    itemNames: ids,
    featureNames: names,
  });
  let k: number;
  if (opts.k !== undefined) {
    if (opts.k < 2 || opts.k > opts.kMax)
      throw new InputError(`--k must be in 2..${opts.kMax}, got ${opts.k}`);
    k = opts.k;
  } else if (consensus.kSelected > 1) k = consensus.kSelected;
  else {
    k = consensus.kByPAC;
    notes.push(
      `no stable cluster structure (no k with PAC <= 0.2 and all clusters >= 5% of cases); downstream tests use the lowest-PAC k = ${k}`,
    );
  }
  const clusters = consensus.byK[k - 2].consensusClass;
  const pAdjust = parsePAdjustMethod(opts.pAdjust);

  // labels and survival
  const associations: ClusterAssociation[] = [];
  if (opts.labels) {
    const lab = await readTableFile(opts.labels);
    const lid = opts.labelsId ?? (lab.has(fm.idColumn) ? fm.idColumn : guessIdColumn(lab));
    if (!lid) throw new InputError("no id column found (pass --labels-id)", lab.source);
    const labIds = tableIds(lab, lid);
    const pos = new Map(labIds.map((v, i) => [v, i]));
    const rowOf = ids.map((id) => pos.get(id) ?? -1);
    const matched = rowOf.filter((r) => r >= 0).length;
    if (matched === 0)
      throw new DataError(
        `no case id of ${featuresPath} appears in column "${lid}" (e.g. ${ids.slice(0, 3).join(", ")})`,
        lab.source,
      );
    if (matched < n) notes.push(`${n - matched} clustered cases have no row in ${lab.source}`);
    for (const target of opts.target ?? []) {
      const type = variableType(lab, target, opts.categorical ?? []);
      if (type === "empty" || type === "constant") {
        notes.push(`${target}: ${type}, not tested`);
        continue;
      }
      if (type === "continuous") {
        const v = lab.numeric(target);
        associations.push(
          clustersVsContinuous(
            clusters,
            rowOf.map((r) => (r < 0 ? Number.NaN : v[r])),
            target,
          ),
        );
      } else {
        const v = lab.text(target);
        associations.push(
          clustersVsCategorical(
            clusters,
            rowOf.map((r) => (r < 0 ? null : v[r])),
            target,
            { seed: opts.seed },
          ),
        );
      }
    }
    if (opts.time || opts.event) {
      if (!opts.time || !opts.event) throw new InputError("survival needs both --time and --event");
      const sv = survivalVariable(lab, opts.time, opts.event);
      associations.push(
        clustersVsSurvival(
          clusters,
          rowOf.map((r) => (r < 0 ? Number.NaN : sv.time[r])),
          rowOf.map((r) => (r < 0 ? -1 : sv.event[r])),
          `${opts.time}/${opts.event}`,
        ),
      );
    }
  } else if (opts.target || opts.time) throw new InputError("--target/--time need --labels FILE");

  // expression, gene sets, radiogenomic map
  let expression: DiffExprResult | undefined;
  let geneSets: DiffExprResult | undefined;
  const out = opts.outDir;
  if (opts.expression) {
    const et = await readTableFile(opts.expression);
    const orientation = opts.orientation as ExpressionOrientation;
    const expr = expressionFromTable(et, orientation, opts.geneColumn);
    const al = alignExpression(expr, ids);
    if (al.missingInExpression.length > 0)
      notes.push(
        `${al.missingInExpression.length} clustered cases have no expression sample (e.g. ${al.missingInExpression.slice(0, 3).join(", ")})`,
      );
    const cl = Int32Array.from(al.caseIndex, (i) => clusters[i]);
    expression = differentialExpression(al.expr, cl, { pAdjust, test: opts.test as "auto" });
    if (opts.gmt) {
      let text: string;
      try {
        text = readFileSync(opts.gmt, "utf8");
      } catch {
        throw new FileAccessError("cannot read the GMT file", opts.gmt);
      }
      const sets = parseGmt(text, opts.gmt);
      const method = opts.geneSetMethod as GeneSetMethod;
      const scores = geneSetScores(al.expr, sets, { method, minSize: opts.minSetSize });
      for (const s of scores.skipped) notes.push(`gene set ${s.name} skipped: ${s.reason}`);
      if (scores.sets.length > 0) {
        geneSets = differentialExpression(scoresAsMatrix(scores), cl, { pAdjust, test: opts.test as "auto" });
        if (out) {
          const rows = scores.sets.map((s, r) => [
            s,
            ...Array.from(scores.scores.subarray(r * scores.samples.length, (r + 1) * scores.samples.length)),
          ]);
          writeOutput(join(out, "geneset_scores.csv"), toCsv(["gene_set", ...scores.samples], rows));
        }
      } else notes.push("no gene set has enough genes in the expression matrix");
    }
    if (opts.map) {
      const nm = al.expr.samples.length;
      const fx = new Float64Array(nm * p);
      const raw = fm.x;
      // the map uses the unscaled features (ranks are scale-free anyway)
      al.caseIndex.forEach((i, t) => {
        for (let j = 0; j < p; j++) fx[t * p + j] = raw[i * p + j];
      });
      const map = radiogenomicMap(fx, names, al.expr, { pAdjust });
      const maxQ = Number(opts.mapMaxQ);
      const pairs = radiogenomicPairs(map, { maxQ });
      notes.push(
        `radiogenomic map: ${names.length} features x ${map.genes.length} genes, ${pairs.length} pairs with q <= ${maxQ}`,
      );
      if (out) {
        writeOutput(
          join(out, "radiogenomic_map.csv"),
          toCsv(
            ["feature", "gene", "n", "rho", "p", "q"],
            pairs.map((r) => [r.feature, r.gene, r.n, r.rho, r.p, r.q]),
          ),
        );
        const ng = map.genes.length;
        writeOutput(
          join(out, "radiogenomic_map_rho.csv"),
          toCsv(
            ["feature", ...map.genes],
            names.map((f, i) => [f, ...Array.from(map.rho.subarray(i * ng, (i + 1) * ng))]),
          ),
        );
      }
    }
  } else if (opts.gmt || opts.map) throw new InputError("--gmt and --map need --expression FILE");

  if (out) writeFiles(out, ids, fm.idColumn, consensus, k, associations, expression, geneSets);
  return { ids, featureNames: names, consensus, k, clusters, associations, expression, geneSets, notes };
}

function writeFiles(
  out: string,
  ids: string[],
  idColumn: string,
  c: ConsensusResult,
  k: number,
  associations: ClusterAssociation[],
  expression?: DiffExprResult,
  geneSets?: DiffExprResult,
): void {
  writeOutput(
    join(out, "consensus_summary.csv"),
    toCsv(
      ["k", "area", "delta_area", "pac", "smallest_cluster", "mean_cluster_consensus"],
      c.byK.map((b) => {
        const cc = Array.from(b.clusterConsensus).filter((v) => !Number.isNaN(v));
        return [
          b.k,
          b.area,
          b.deltaArea,
          b.pac,
          Math.min(...b.clusterSize),
          cc.reduce((s, v) => s + v, 0) / cc.length,
        ];
      }),
    ),
  );
  const byK = c.byK;
  const chosen = byK[k - 2];
  writeOutput(
    join(out, "clusters.csv"),
    toCsv(
      [idColumn, "cluster", "item_consensus", ...byK.map((b) => `cluster_k${b.k}`)],
      ids.map((id, i) => [
        id,
        chosen.consensusClass[i],
        chosen.itemConsensus[i * k + chosen.consensusClass[i] - 1],
        ...byK.map((b) => b.consensusClass[i]),
      ]),
    ),
  );
  const n = ids.length;
  writeOutput(
    join(out, `consensus_matrix_k${k}.csv`),
    toCsv(
      [idColumn, ...ids],
      ids.map((id, i) => [id, ...Array.from(chosen.consensusMatrix.subarray(i * n, (i + 1) * n))]),
    ),
  );
  if (associations.length > 0) writeOutput(join(out, "associations.csv"), associationCsv(associations));
  if (expression) writeOutput(join(out, "expression_tests.csv"), diffCsv(expression, "gene"));
  if (geneSets) writeOutput(join(out, "geneset_tests.csv"), diffCsv(geneSets, "gene_set"));
}

function associationRows(associations: ClusterAssociation[]): unknown[][] {
  return associations.map((a) => {
    if (a.kind === "categorical")
      return [
        a.variable,
        a.kind,
        "chi-square",
        a.chiSquare.statistic,
        a.chiSquare.df,
        a.chiSquare.p,
        a.fisherP,
        a.fisherMethod,
        a.n,
        a.warnings.join("; "),
      ];
    if (a.kind === "continuous")
      return [a.variable, a.kind, "kruskal-wallis", a.H, a.df, a.p, "", "", a.n, ""];
    return [
      a.variable,
      a.kind,
      "log-rank",
      a.logRank.chisq,
      a.logRank.df,
      a.p,
      "",
      "",
      a.n,
      a.logRank.warnings.join("; "),
    ];
  });
}

function associationCsv(associations: ClusterAssociation[]): string {
  return toCsv(
    ["variable", "type", "test", "statistic", "df", "p", "fisher_p", "fisher_method", "n", "notes"],
    associationRows(associations),
  );
}

function diffCsv(d: DiffExprResult, what: string): string {
  const rows = d.rows.slice().sort((a, b) => (Number.isNaN(a.p) ? 1 : Number.isNaN(b.p) ? -1 : a.p - b.p));
  return toCsv(
    [
      what,
      "n",
      "test",
      "statistic",
      "df",
      "p",
      "q",
      "logFC",
      "effect",
      "top_cluster",
      ...d.clusters.map((c) => `mean_${c}`),
      ...d.clusters.map((c) => `logFC_${c}_vs_rest`),
    ],
    rows.map((r) => [
      r.gene,
      r.n,
      r.test,
      r.statistic,
      r.df,
      r.p,
      r.q,
      r.logFC,
      r.effect,
      r.topCluster,
      ...r.mean,
      ...r.logFCvsRest,
    ]),
  );
}

function summary(run: ClusterRun): Record<string, unknown> {
  const c = run.consensus;
  const sig = (d?: DiffExprResult) => (d ? d.rows.filter((r) => r.q <= 0.05).length : undefined);
  return {
    cases: run.ids.length,
    features: run.featureNames.length,
    k: run.k,
    kSelected: c.kSelected,
    kByPAC: c.kByPAC,
    kByDeltaArea: c.kByDeltaArea,
    byK: c.byK.map((b) => ({
      k: b.k,
      area: b.area,
      deltaArea: b.deltaArea,
      pac: b.pac,
      clusterSizes: Array.from(b.clusterSize),
      clusterConsensus: Array.from(b.clusterConsensus),
    })),
    associations: run.associations.map((a) =>
      a.kind === "categorical"
        ? {
            variable: a.variable,
            type: a.kind,
            chisq: a.chiSquare.statistic,
            df: a.chiSquare.df,
            p: a.chiSquare.p,
            fisherP: a.fisherP,
            n: a.n,
          }
        : a.kind === "continuous"
          ? { variable: a.variable, type: a.kind, H: a.H, df: a.df, p: a.p, n: a.n }
          : { variable: a.variable, type: a.kind, chisq: a.logRank.chisq, df: a.logRank.df, p: a.p, n: a.n },
    ),
    genesTested: run.expression ? run.expression.rows.filter((r) => !Number.isNaN(r.p)).length : undefined,
    genesQ05: sig(run.expression),
    geneSetsQ05: sig(run.geneSets),
    notes: run.notes,
  };
}

function humanSummary(run: ClusterRun): string {
  const lines: string[] = [];
  lines.push(
    `${run.ids.length} cases, ${run.featureNames.length} features; consensus clustering k = 2..${run.consensus.byK.length + 1}`,
  );
  lines.push("k  area    delta   PAC     sizes");
  for (const b of run.consensus.byK)
    lines.push(
      `${String(b.k).padEnd(3)}${b.area.toFixed(4)}  ${b.deltaArea.toFixed(4)}  ${b.pac.toFixed(4)}  ${Array.from(b.clusterSize).join("/")}`,
    );
  lines.push(
    `selected k = ${run.consensus.kSelected} (lowest PAC: ${run.consensus.kByPAC}; delta area: ${run.consensus.kByDeltaArea}); downstream k = ${run.k}`,
  );
  for (const a of run.associations) {
    const p =
      a.kind === "categorical"
        ? `chi-square p = ${a.chiSquare.p.toPrecision(3)}, Fisher p = ${a.fisherP.toPrecision(3)}`
        : `p = ${a.p.toPrecision(3)}`;
    lines.push(`${a.variable} (${a.kind}): ${p} (n = ${a.n})`);
  }
  if (run.expression)
    lines.push(
      `expression: ${run.expression.rows.filter((r) => r.q <= 0.05).length} of ${run.expression.rows.length} genes with q <= 0.05 (${run.expression.test})`,
    );
  if (run.geneSets)
    lines.push(
      `gene sets: ${run.geneSets.rows.filter((r) => r.q <= 0.05).length} of ${run.geneSets.rows.length} with q <= 0.05`,
    );
  return `${lines.join("\n")}\n`;
}

export function register(program: Command): void {
  program
    .command("cluster")
    .description(
      "consensus clustering of imaging features, linked to labels, survival, gene expression and gene sets",
    )
    .argument(
      "<features>",
      "feature table (CSV/TSV/Parquet): one row per case, an id column, numeric features",
    )
    .option("--id <column>", "case id column (default: guessed, e.g. case_id)")
    .option(
      "--features <list>",
      "comma-separated feature columns to use (default: all numeric, no diagnostics_*)",
      parseList,
    )
    .option("--exclude <list>", "feature columns to leave out", parseList)
    .option("--k-max <n>", "largest number of clusters", parseIntOption("k-max"), 6)
    .option("--k <n>", "number of clusters for the downstream tests (default: selected)", parseIntOption("k"))
    .option("--reps <n>", "resamples", parseIntOption("reps"), 100)
    .option("--p-item <fraction>", "fraction of cases per resample", "0.8")
    .option("--p-feature <fraction>", "fraction of features per resample", "1")
    .option("--algorithm <alg>", "inner clustering: hc (hierarchical) or km (k-means)", "hc")
    .option("--distance <d>", "hc distance: pearson (1 - r, default), spearman, euclidean, manhattan")
    .option("--linkage <l>", "hc linkage (inner and final): average, complete, single, ward.D2", "average")
    .option("--seed <n>", "random seed", parseIntOption("seed"), 1)
    .option("--no-scale", "do not standardise the features (default: z-score each feature)")
    .option("--labels <file>", "clinical/molecular table to test the clusters against")
    .option("--labels-id <column>", "id column of the labels table (default: same as --id, or guessed)")
    .option("--target <list>", "label columns to test (chi-square/Fisher or Kruskal-Wallis)", parseList)
    .option("--categorical <list>", "numeric label columns to treat as categorical", parseList)
    .option("--time <column>", "survival time column in the labels table (log-rank test)")
    .option("--event <column>", "event column (1 = event, 0 = censored)")
    .option("--expression <file>", "gene expression table")
    .option(
      "--orientation <o>",
      "expression layout: genes-by-samples (a gene column, one column per case) or samples-by-genes",
      "genes-by-samples",
    )
    .option(
      "--gene-column <column>",
      "gene (or sample id) column of the expression table (default: first column)",
    )
    .option("--test <t>", "per-gene test: auto, mann-whitney, welch, kruskal", "auto")
    .option("--p-adjust <m>", "multiple-testing adjustment: bh, by, holm, bonferroni", "bh")
    .option("--gmt <file>", "gene sets (GMT) to score per sample and test between clusters")
    .option("--gene-set-method <m>", "gene-set score: meanz (mean z-score) or ssgsea", "meanz")
    .option(
      "--min-set-size <n>",
      "fewest genes present for a set to be scored",
      parseIntOption("min-set-size"),
      5,
    )
    .option("--map", "feature x gene Spearman map (needs --expression)", false)
    .option("--map-max-q <q>", "keep map pairs with q <= this in radiogenomic_map.csv", "0.05")
    .option("--out-dir <dir>", "write the result tables here")
    .option("--json", "print the summary as JSON", false)
    .action(
      action(async (featuresPath: string, opts: ClusterOpts) => {
        const run = await runCluster(featuresPath, opts);
        for (const m of run.notes) note(`note: ${m}`);
        writeOutput(undefined, opts.json ? formatJson(summary(run)) : humanSummary(run));
        if (opts.outDir) note(`tables written to ${opts.outDir}`);
      }),
    );
}
