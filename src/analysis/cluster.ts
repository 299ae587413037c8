/**
 * Clustering workflow: consensus clustering of imaging phenotypes and their links to labels (chi-square /
 * Fisher, Kruskal-Wallis), survival (log-rank), gene expression (per-gene tests), gene-set scores and a
 * feature x gene Spearman map.
 *
 * Browser-safe: takes tables already read, returns the results, the CSV output files and the summaries.
 *   const opts = parseClusterOptions({ kMax: 6, reps: 100, ... });
 *   const run = runCluster({ features, labels, expression, geneSets }, opts);
 *   clusterFiles(run); clusterSummary(run); clusterSummaryText(run);
 */
import { DataError, InputError } from "../errors.js";
import {
  type ClusterAssociation,
  clustersVsCategorical,
  clustersVsContinuous,
  clustersVsSurvival,
} from "../stats/clustering/clusterAssociation.js";
import {
  assertFiniteMatrix,
  type ConsensusAlgorithm,
  type ConsensusResult,
  consensusCluster,
  standardizeColumns,
} from "../stats/clustering/consensus.js";
import {
  alignExpression,
  type DiffExprResult,
  type DiffTest,
  differentialExpression,
  type ExpressionOrientation,
  expressionFromTable,
} from "../stats/genomics/expression.js";
import { type PAdjustMethod, parsePAdjustMethod } from "../stats/tests/fdr.js";
import {
  type GeneSet,
  type GeneSetMethod,
  type GeneSetScores,
  geneSetScores,
  scoresAsMatrix,
} from "../stats/genomics/genesets.js";
import {
  type DistanceMetric,
  type Linkage,
  parseDistance,
  parseLinkage,
} from "../stats/clustering/hclust.js";
import {
  type RadiogenomicMap,
  type RadiogenomicPair,
  radiogenomicMap,
  radiogenomicPairs,
} from "../stats/genomics/radiogenomicMap.js";
import {
  guessIdColumn,
  survivalVariable,
  type Table,
  tableIds,
  variableType,
} from "../stats/tables/table.js";
import { type OutputFiles, toCsv } from "./csv.js";

/** Validated options of the clustering workflow. */
export interface ClusterOptions {
  /** Case id column of the feature table (default: guessed). */
  id?: string;
  /** Feature columns (default: every numeric column but the id, `exclude` and diagnostics_*). */
  features?: string[];
  exclude?: string[];
  kMax: number;
  /** Number of clusters of the downstream tests (default: the selected k). */
  k?: number;
  reps: number;
  pItem: number;
  pFeature: number;
  algorithm: ConsensusAlgorithm;
  distance: DistanceMetric;
  linkage: Linkage;
  seed: number;
  /** Z-score each feature before clustering. */
  scale: boolean;
  /** Id column of the labels table (default: the feature id column if present, else guessed). */
  labelsId?: string;
  /** Label columns tested against the clusters. */
  target?: string[];
  /** Numeric label columns treated as categorical. */
  categorical?: string[];
  /** Survival time / event columns of the labels table. */
  time?: string;
  event?: string;
  orientation: ExpressionOrientation;
  geneColumn?: string;
  test: DiffTest;
  pAdjust: PAdjustMethod;
  geneSetMethod: GeneSetMethod;
  minSetSize: number;
  /** Feature x gene Spearman map (needs expression). */
  map: boolean;
  /** Pairs of the map with q <= this go to radiogenomic_map.csv. */
  mapMaxQ: number;
}

/** Options as typed on the command line (fractions and names as strings), with the defaults applied. */
export type ClusterOptionStrings = Omit<ClusterOptions, ClusterParsed | "distance"> &
  Record<ClusterParsed, string> & { distance?: string };
type ClusterParsed =
  | "pItem"
  | "pFeature"
  | "algorithm"
  | "linkage"
  | "orientation"
  | "test"
  | "pAdjust"
  | "geneSetMethod"
  | "mapMaxQ";

export interface ClusterInputs {
  /** Feature table: one row per case, an id column, numeric features. */
  features: Table;
  /** How messages name the feature table (default `features.source`). */
  featuresName?: string;
  /** Clinical / molecular labels to test the clusters against. */
  labels?: Table;
  /** Gene expression table. */
  expression?: Table;
  /** Gene sets (parsed GMT) scored per sample and tested between clusters. */
  geneSets?: GeneSet[];
}

export interface ClusterRun {
  idColumn: string;
  ids: string[];
  featureNames: string[];
  consensus: ConsensusResult;
  k: number;
  clusters: Int32Array;
  associations: ClusterAssociation[];
  expression?: DiffExprResult;
  geneSets?: DiffExprResult;
  geneSetScores?: GeneSetScores;
  map?: RadiogenomicMap;
  /** Pairs of the map with q <= mapMaxQ. */
  mapPairs?: RadiogenomicPair[];
  notes: string[];
}

function parseFraction(name: string, v: string): number {
  const x = Number(v);
  if (!(x > 0 && x <= 1)) throw new InputError(`--${name} must be a number in (0, 1], got "${v}"`);
  return x;
}

/** Check and convert the command-line options (InputError naming the option). */
export function parseClusterOptions(o: ClusterOptionStrings): ClusterOptions {
  const algorithm = o.algorithm as ConsensusAlgorithm;
  if (algorithm !== "hc" && algorithm !== "km")
    throw new InputError(`--algorithm must be hc or km, got "${o.algorithm}"`);
  const linkage = parseLinkage(o.linkage);
  const pItem = parseFraction("p-item", o.pItem);
  const pFeature = parseFraction("p-feature", o.pFeature);
  const distance = parseDistance(o.distance ?? (algorithm === "km" ? "euclidean" : "pearson"));
  if (o.k !== undefined && (o.k < 2 || o.k > o.kMax))
    throw new InputError(`--k must be in 2..${o.kMax}, got ${o.k}`);
  return {
    id: o.id,
    features: o.features,
    exclude: o.exclude,
    kMax: o.kMax,
    k: o.k,
    reps: o.reps,
    pItem,
    pFeature,
    algorithm,
    distance,
    linkage,
    seed: o.seed,
    scale: o.scale,
    labelsId: o.labelsId,
    target: o.target,
    categorical: o.categorical,
    time: o.time,
    event: o.event,
    orientation: o.orientation as ExpressionOrientation, // checked by expressionFromTable
    geneColumn: o.geneColumn,
    test: o.test as DiffTest,
    pAdjust: parsePAdjustMethod(o.pAdjust),
    geneSetMethod: o.geneSetMethod as GeneSetMethod, // checked by geneSetScores
    minSetSize: o.minSetSize,
    map: o.map,
    mapMaxQ: Number(o.mapMaxQ),
  };
}

/** Reads the feature table into an items x features matrix. */
function featureMatrix(
  table: Table,
  opts: ClusterOptions,
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

/** Tests of the clusters against the label columns and survival. */
function labelAssociations(
  inputs: ClusterInputs,
  lab: Table,
  ids: string[],
  idColumn: string,
  clusters: Int32Array,
  opts: ClusterOptions,
  notes: string[],
): ClusterAssociation[] {
  const associations: ClusterAssociation[] = [];
  const n = ids.length;
  const lid = opts.labelsId ?? (lab.has(idColumn) ? idColumn : guessIdColumn(lab));
  if (!lid) throw new InputError("no id column found (pass --labels-id)", lab.source);
  const labIds = tableIds(lab, lid);
  const pos = new Map(labIds.map((v, i) => [v, i]));
  const rowOf = ids.map((id) => pos.get(id) ?? -1);
  const matched = rowOf.filter((r) => r >= 0).length;
  if (matched === 0)
    throw new DataError(
      `no case id of ${inputs.featuresName ?? inputs.features.source} appears in column "${lid}" (e.g. ${ids.slice(0, 3).join(", ")})`,
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
  return associations;
}

/** The whole clustering analysis on tables already read. */
export function runCluster(inputs: ClusterInputs, opts: ClusterOptions): ClusterRun {
  if (!inputs.labels && (opts.target || opts.time))
    throw new InputError("--target/--time need --labels FILE");
  if (!inputs.expression && (inputs.geneSets || opts.map))
    throw new InputError("--gmt and --map need --expression FILE");
  const fm = featureMatrix(inputs.features, opts);
  const notes = fm.notes;
  const { ids, names, x } = fm;
  const n = ids.length;
  const p = names.length;
  if (opts.scale) standardizeColumns(x, n, p);
  const consensus = consensusCluster(x, n, p, {
    maxK: opts.kMax,
    reps: opts.reps,
    pItem: opts.pItem,
    pFeature: opts.pFeature,
    algorithm: opts.algorithm,
    distance: opts.distance,
    innerLinkage: opts.linkage,
    finalLinkage: opts.linkage,
    seed: opts.seed,
    itemNames: ids,
    featureNames: names,
  });
  let k: number;
  if (opts.k !== undefined) k = opts.k;
  else if (consensus.kSelected > 1) k = consensus.kSelected;
  else {
    k = consensus.kByPAC;
    notes.push(
      `no stable cluster structure (no k with PAC <= 0.2 and all clusters >= 5% of cases); downstream tests use the lowest-PAC k = ${k}`,
    );
  }
  const clusters = consensus.byK[k - 2].consensusClass;
  const pAdjust = opts.pAdjust;
  const run: ClusterRun = {
    idColumn: fm.idColumn,
    ids,
    featureNames: names,
    consensus,
    k,
    clusters,
    associations: inputs.labels
      ? labelAssociations(inputs, inputs.labels, ids, fm.idColumn, clusters, opts, notes)
      : [],
    notes,
  };

  // expression, gene sets, radiogenomic map
  if (inputs.expression) {
    const expr = expressionFromTable(inputs.expression, opts.orientation, opts.geneColumn);
    const al = alignExpression(expr, ids);
    if (al.missingInExpression.length > 0)
      notes.push(
        `${al.missingInExpression.length} clustered cases have no expression sample (e.g. ${al.missingInExpression.slice(0, 3).join(", ")})`,
      );
    const cl = Int32Array.from(al.caseIndex, (i) => clusters[i]);
    run.expression = differentialExpression(al.expr, cl, { pAdjust, test: opts.test });
    if (inputs.geneSets) {
      const scores = geneSetScores(al.expr, inputs.geneSets, {
        method: opts.geneSetMethod,
        minSize: opts.minSetSize,
      });
      for (const s of scores.skipped) notes.push(`gene set ${s.name} skipped: ${s.reason}`);
      if (scores.sets.length > 0) {
        run.geneSetScores = scores;
        run.geneSets = differentialExpression(scoresAsMatrix(scores), cl, { pAdjust, test: opts.test });
      } else notes.push("no gene set has enough genes in the expression matrix");
    }
    if (opts.map) {
      const nm = al.expr.samples.length;
      const fx = new Float64Array(nm * p);
      // the features as clustered (standardising does not change the Spearman ranks)
      al.caseIndex.forEach((i, t) => {
        for (let j = 0; j < p; j++) fx[t * p + j] = x[i * p + j];
      });
      const map = radiogenomicMap(fx, names, al.expr, { pAdjust });
      run.map = map;
      run.mapPairs = radiogenomicPairs(map, { maxQ: opts.mapMaxQ });
      notes.push(
        `radiogenomic map: ${names.length} features x ${map.genes.length} genes, ${run.mapPairs.length} pairs with q <= ${opts.mapMaxQ}`,
      );
    }
  }
  return run;
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

/**
 * The CSV tables of a run, by file name: consensus_summary.csv, clusters.csv, consensus_matrix_k<k>.csv,
 * and where they apply associations.csv, expression_tests.csv, geneset_scores.csv, geneset_tests.csv,
 * radiogenomic_map.csv, radiogenomic_map_rho.csv.
 */
export function clusterFiles(run: ClusterRun): OutputFiles {
  const files: OutputFiles = {};
  const { ids, idColumn, k } = run;
  const c = run.consensus;
  if (run.geneSetScores) {
    const scores = run.geneSetScores;
    const ns = scores.samples.length;
    files["geneset_scores.csv"] = toCsv(
      ["gene_set", ...scores.samples],
      scores.sets.map((s, r) => [s, ...Array.from(scores.scores.subarray(r * ns, (r + 1) * ns))]),
    );
  }
  if (run.map && run.mapPairs) {
    const map = run.map;
    files["radiogenomic_map.csv"] = toCsv(
      ["feature", "gene", "n", "rho", "p", "q"],
      run.mapPairs.map((r) => [r.feature, r.gene, r.n, r.rho, r.p, r.q]),
    );
    const ng = map.genes.length;
    files["radiogenomic_map_rho.csv"] = toCsv(
      ["feature", ...map.genes],
      run.featureNames.map((f, i) => [f, ...Array.from(map.rho.subarray(i * ng, (i + 1) * ng))]),
    );
  }
  files["consensus_summary.csv"] = toCsv(
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
  );
  const byK = c.byK;
  const chosen = byK[k - 2];
  files["clusters.csv"] = toCsv(
    [idColumn, "cluster", "item_consensus", ...byK.map((b) => `cluster_k${b.k}`)],
    ids.map((id, i) => [
      id,
      chosen.consensusClass[i],
      chosen.itemConsensus[i * k + chosen.consensusClass[i] - 1],
      ...byK.map((b) => b.consensusClass[i]),
    ]),
  );
  const n = ids.length;
  files[`consensus_matrix_k${k}.csv`] = toCsv(
    [idColumn, ...ids],
    ids.map((id, i) => [id, ...Array.from(chosen.consensusMatrix.subarray(i * n, (i + 1) * n))]),
  );
  if (run.associations.length > 0)
    files["associations.csv"] = toCsv(
      ["variable", "type", "test", "statistic", "df", "p", "fisher_p", "fisher_method", "n", "notes"],
      associationRows(run.associations),
    );
  if (run.expression) files["expression_tests.csv"] = diffCsv(run.expression, "gene");
  if (run.geneSets) files["geneset_tests.csv"] = diffCsv(run.geneSets, "gene_set");
  return files;
}

/** The JSON summary of a run (`--json`). */
export function clusterSummary(run: ClusterRun): Record<string, unknown> {
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

/** The human-readable summary of a run (several lines, trailing newline; the notes are not included). */
export function clusterSummaryText(run: ClusterRun): string {
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
