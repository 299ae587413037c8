import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Command } from "commander";
import { register, runCluster } from "../../src/cli/cluster.js";
import { io } from "../../src/cli/util.js";
import { Random } from "../../src/stats/random.js";

/** A small synthetic cohort: 3 imaging phenotypes, IDH enriched in cluster A, 10 genes up in cluster B. */
function writeCohort(dir: string): void {
  const rng = new Random(1);
  const n = 60;
  const p = 12;
  const g = Array.from({ length: n }, (_, i) => Math.floor(i / 20));
  const cent = Array.from({ length: 3 }, () => Array.from({ length: p }, () => 2 * rng.normal()));
  const ids = Array.from({ length: n }, (_, i) => `P${String(i).padStart(3, "0")}`);
  const feat = [`case_id,${Array.from({ length: p }, (_, j) => `original_f${j}`).join(",")},diagnostics_x`];
  for (let i = 0; i < n; i++)
    feat.push(`${ids[i]},${cent[g[i]].map((c) => (c + rng.normal()).toFixed(5)).join(",")},1`);
  writeFileSync(join(dir, "features.csv"), `${feat.join("\n")}\n`);
  const clin = ["case_id,IDH,age,os_time,os_event"];
  for (let i = 0; i < n; i++) {
    const idh = (g[i] === 0 && rng.next() < 0.9) || rng.next() < 0.1 ? "mut" : "wt";
    clin.push(
      `${ids[i]},${idh},${(50 + 10 * g[i] + 5 * rng.normal()).toFixed(1)},${rng.exponential((1 + g[i]) / 10).toFixed(2)},${rng.next() < 0.7 ? 1 : 0}`,
    );
  }
  writeFileSync(join(dir, "clinical.csv"), `${clin.join("\n")}\n`);
  const ng = 200;
  const expr = [`gene,${ids.slice(0, 55).join(",")},EXTRA1`];
  for (let k = 0; k < ng; k++) {
    const row = ids
      .slice(0, 55)
      .map((_, i) => (6 + rng.normal() + (k < 10 && g[i] === 1 ? 2 : 0)).toFixed(4));
    expr.push(`GENE${k},${row.join(",")},5`);
  }
  writeFileSync(join(dir, "expr.csv"), `${expr.join("\n")}\n`);
  const up = Array.from({ length: 10 }, (_, k) => `GENE${k}`).join("\t");
  const rnd = Array.from({ length: 30 }, (_, k) => `GENE${50 + k}`).join("\t");
  writeFileSync(
    join(dir, "sets.gmt"),
    `UP\tup in B\t${up}\nRANDOM\tnull\t${rnd}\nTINY\ttoo small\tGENE1\tNOPE\n`,
  );
}

const dir = mkdtempSync(join(tmpdir(), "rg-cluster-"));
after(() => rmSync(dir, { recursive: true, force: true }));
writeCohort(dir);

const base = {
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
  json: false,
};

describe("cluster command", () => {
  it("finds the 3 phenotypes and links them to IDH, age, survival, genes, gene sets and the map", async () => {
    const out = join(dir, "out");
    const run = await runCluster(join(dir, "features.csv"), {
      ...base,
      labels: join(dir, "clinical.csv"),
      target: ["IDH", "age"],
      time: "os_time",
      event: "os_event",
      expression: join(dir, "expr.csv"),
      gmt: join(dir, "sets.gmt"),
      map: true,
      outDir: out,
    });
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
    for (const f of [
      "consensus_summary.csv",
      "clusters.csv",
      "consensus_matrix_k3.csv",
      "associations.csv",
      "expression_tests.csv",
      "geneset_scores.csv",
      "geneset_tests.csv",
      "radiogenomic_map.csv",
      "radiogenomic_map_rho.csv",
    ])
      assert.ok(readFileSync(join(out, f), "utf8").length > 0, f);
    const clusters = readFileSync(join(out, "clusters.csv"), "utf8").trim().split("\n");
    assert.equal(clusters.length, 61);
    assert.match(clusters[0], /^case_id,cluster,item_consensus,cluster_k2/);
  });

  it("registers with commander and prints a JSON summary", async () => {
    const program = new Command();
    program.exitOverride();
    register(program);
    let printed = "";
    const saved = { out: io.out, err: io.err };
    io.out = (t: string) => {
      printed += t;
    };
    io.err = () => {};
    try {
      await program.parseAsync([
        "node",
        "rg",
        "cluster",
        join(dir, "features.csv"),
        "--reps",
        "20",
        "--k-max",
        "4",
        "--json",
      ]);
    } finally {
      io.out = saved.out;
      io.err = saved.err;
    }
    const s = JSON.parse(printed);
    assert.equal(s.cases, 60);
    assert.equal(s.k, 3);
    assert.equal(s.byK.length, 3);
  });

  it("clear errors: NaN names the feature and case; no overlap with the expression samples", async () => {
    const bad = readFileSync(join(dir, "features.csv"), "utf8").replace(/^(P007,[^,]+,)[^,]+/m, "$1NA");
    writeFileSync(join(dir, "bad.csv"), bad);
    await assert.rejects(runCluster(join(dir, "bad.csv"), base), /feature original_f1, case P007 is missing/);
    writeFileSync(join(dir, "expr2.csv"), "gene,X1,X2,X3\nG1,1,2,3\nG2,2,3,4\n");
    await assert.rejects(
      runCluster(join(dir, "features.csv"), { ...base, reps: 5, expression: join(dir, "expr2.csv") }),
      /no overlap between the expression samples/,
    );
    await assert.rejects(
      runCluster(join(dir, "features.csv"), { ...base, kMax: 80 }),
      /60 samples are fewer than k = 80/,
    );
  });
});
