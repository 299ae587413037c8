/**
 * `radiogenomics cluster` end to end on a small synthetic cohort written by the test: files written to
 * --out-dir, the JSON summary, user errors. The analysis itself is tested in test/analysis/cluster.test.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Command } from "commander";
import { register } from "../../src/cli/cluster.js";
import { io } from "../../src/cli/util.js";
import { clusterCohortTexts } from "../analysis/cohorts.js";
import { runCli as runMain } from "../helpers/cli.js";

function writeCohort(dir: string): void {
  const t = clusterCohortTexts();
  writeFileSync(join(dir, "features.csv"), t.features);
  writeFileSync(join(dir, "clinical.csv"), t.clinical);
  writeFileSync(join(dir, "expr.csv"), t.expression);
  writeFileSync(join(dir, "sets.gmt"), t.gmt);
}

const dir = mkdtempSync(join(tmpdir(), "rg-cluster-"));
after(() => rmSync(dir, { recursive: true, force: true }));
writeCohort(dir);

async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runMain("cluster", ...args);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe("cluster command", () => {
  it("writes the result tables of the whole chain to --out-dir", async () => {
    const out = join(dir, "out");
    const r = await runCli([
      join(dir, "features.csv"),
      "--k-max",
      "5",
      "--reps",
      "40",
      "--labels",
      join(dir, "clinical.csv"),
      "--target",
      "IDH,age",
      "--time",
      "os_time",
      "--event",
      "os_event",
      "--expression",
      join(dir, "expr.csv"),
      "--gmt",
      join(dir, "sets.gmt"),
      "--map",
      "--out-dir",
      out,
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /downstream k = 3/);
    assert.match(r.err, /note: 5 clustered cases have no expression sample/);
    assert.match(r.err, /tables written to /);
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

  it("user errors are one line with exit code 1", async () => {
    const bad = readFileSync(join(dir, "features.csv"), "utf8").replace(/^(P007,[^,]+,)[^,]+/m, "$1NA");
    writeFileSync(join(dir, "bad.csv"), bad);
    let r = await runCli([join(dir, "bad.csv"), "--reps", "5"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /feature original_f1, case P007 is missing/);
    r = await runCli([
      join(dir, "features.csv"),
      "--reps",
      "5",
      "--gmt",
      join(dir, "nope.gmt"),
      "--expression",
      join(dir, "expr.csv"),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.err, /nope\.gmt: cannot read the GMT file/);
  });
});
