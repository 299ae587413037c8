/**
 * src/analysis/cluster.ts on tables in memory: a synthetic cohort with 3 imaging phenotypes, IDH enriched
 * in cluster A and 10 genes up in cluster B; the output files, summaries and the errors.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type ClusterInputs,
  type ClusterOptionStrings,
  clusterFiles,
  clusterSummary,
  clusterSummaryText,
  parseClusterOptions,
  runCluster,
} from "../../src/analysis/cluster.js";
import { parseGmt } from "../../src/stats/genomics/genesets.js";
import { parseCsv } from "../../src/stats/tables/table.js";
import { clusterCohortTexts } from "./cohorts.js";

const texts = clusterCohortTexts();
const features = () => parseCsv(texts.features, { name: "features.csv" });

const clusterDefaults: ClusterOptionStrings = {
  kMax: 5,
  reps: 40,
  pItem: "0.8",
  pFeature: "1",
  algorithm: "hc",
  linkage: "average",
  seed: 1,
  scale: true,
  orientation: "genes-by-samples",
  test: "auto",
  pAdjust: "bh",
  geneSetMethod: "meanz",
  minSetSize: 5,
  map: false,
  mapMaxQ: "0.05",
};

describe("cluster analysis", () => {
  it("finds the 3 phenotypes and links them to IDH, age, survival, genes, gene sets and the map", () => {
    const inputs: ClusterInputs = {
      features: features(),
      labels: parseCsv(texts.clinical, { name: "clinical.csv" }),
      expression: parseCsv(texts.expression, { name: "expr.csv" }),
      geneSets: parseGmt(texts.gmt, "sets.gmt"),
    };
    const run = runCluster(
      inputs,
      parseClusterOptions({
        ...clusterDefaults,
        target: ["IDH", "age"],
        time: "os_time",
        event: "os_event",
        map: true,
      }),
    );
    assert.equal(run.k, 3);
    assert.equal(run.featureNames.length, 12, "diagnostics_ columns are not features");
    const idh = run.associations.find((a) => a.variable === "IDH");
    assert.ok(idh && idh.kind === "categorical" && idh.fisherP < 1e-3, "IDH enriched in one cluster");
    const age = run.associations.find((a) => a.variable === "age");
    assert.ok(age && age.kind === "continuous" && age.p < 1e-6);
    assert.ok(run.associations.some((a) => a.kind === "survival"));
    const de = run.expression;
    assert.ok(de);
    const top = de.rows.filter((r) => r.q <= 0.05).map((r) => r.gene);
    assert.ok(
      top.length >= 10 && Array.from({ length: 10 }, (_, k) => `GENE${k}`).every((gn) => top.includes(gn)),
    );
    assert.ok(run.notes.some((m) => /5 clustered cases have no expression sample/.test(m)));
    assert.ok(run.notes.some((m) => /gene set TINY skipped/.test(m)));
    assert.ok(run.geneSets && run.geneSets.rows.find((r) => r.gene === "UP")!.q < 0.05);
    assert.ok(run.map && run.mapPairs?.every((r) => r.q <= 0.05));

    const files = clusterFiles(run);
    assert.deepEqual(Object.keys(files).sort(), [
      "associations.csv",
      "clusters.csv",
      "consensus_matrix_k3.csv",
      "consensus_summary.csv",
      "expression_tests.csv",
      "geneset_scores.csv",
      "geneset_tests.csv",
      "radiogenomic_map.csv",
      "radiogenomic_map_rho.csv",
    ]);
    const clusters = files["clusters.csv"].trim().split("\n");
    assert.equal(clusters.length, 61);
    assert.match(clusters[0], /^case_id,cluster,item_consensus,cluster_k2/);
    assert.equal(files["consensus_matrix_k3.csv"].trim().split("\n").length, 61);
    assert.equal(files["geneset_scores.csv"].split("\n")[0].split(",").length, 56); // gene_set + 55 samples
    assert.equal(files["radiogenomic_map_rho.csv"].trim().split("\n").length, 13); // header + 12 features
    const s = clusterSummary(run) as { cases: number; k: number; genesQ05: number };
    assert.equal(s.cases, 60);
    assert.equal(s.k, 3);
    assert.ok(s.genesQ05 >= 10);
    assert.match(clusterSummaryText(run), /selected k = 3 .*downstream k = 3/);
  });

  it("clear errors: NaN names the feature and case; no overlap with the expression samples; options", () => {
    const bad = texts.features.replace(/^(P007,[^,]+,)[^,]+/m, "$1NA");
    const opts = parseClusterOptions(clusterDefaults);
    assert.throws(
      () => runCluster({ features: parseCsv(bad, { name: "bad.csv" }) }, opts),
      /feature original_f1, case P007 is missing/,
    );
    const expr2 = parseCsv("gene,X1,X2,X3\nG1,1,2,3\nG2,2,3,4\n", { name: "expr2.csv" });
    assert.throws(
      () => runCluster({ features: features(), expression: expr2 }, { ...opts, reps: 5 }),
      /no overlap between the expression samples/,
    );
    assert.throws(
      () => runCluster({ features: features() }, { ...opts, kMax: 80 }),
      /60 samples are fewer than k = 80/,
    );
    const labels = parseCsv("id,IDH\nX1,mut\nX2,wt\n", { name: "lab.csv" });
    assert.throws(
      () =>
        runCluster({ features: features(), featuresName: "dir/f.csv", labels }, { ...opts, target: ["IDH"] }),
      /lab\.csv: no case id of dir\/f\.csv appears in column "id"/,
    );
    assert.throws(
      () => runCluster({ features: features() }, { ...opts, target: ["IDH"] }),
      /need --labels FILE/,
    );
    assert.throws(
      () => runCluster({ features: features() }, { ...opts, map: true }),
      /need --expression FILE/,
    );
    const badOpts: Array<[Partial<ClusterOptionStrings>, RegExp]> = [
      [{ algorithm: "pam" }, /--algorithm must be hc or km, got "pam"/],
      [{ pItem: "1.5" }, /--p-item must be a number in \(0, 1\], got "1.5"/],
      [{ pFeature: "0" }, /--p-feature must be a number in \(0, 1\]/],
      [{ k: 9 }, /--k must be in 2\.\.5, got 9/],
      [{ linkage: "foo" }, /unknown linkage "foo"/],
      [{ pAdjust: "sidak" }, /unknown p-value adjustment "sidak"/],
    ];
    for (const [o, re] of badOpts) assert.throws(() => parseClusterOptions({ ...clusterDefaults, ...o }), re);
  });
});
