/**
 * `radiogenomics associate`: argument parsing with a fresh Command, the join of a feature and a label table,
 * and the results vs the scipy / statsmodels goldens (../shared/data/reference/univariate). The workflow on
 * tables in memory is tested in test/analysis/associate.test.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Command } from "commander";
import { register } from "../../src/cli/associate.js";
import { readTableFile } from "../../src/io/table-file.js";
import { Random } from "../../src/stats/core/random.js";
import { formatCsv, tableFromColumns } from "../../src/stats/tables/table.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";
import { runCli } from "../helpers/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "rg-associate-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Exit code of `radiogenomics associate ...`; what it writes to stderr is kept for stderrOf. */
let stderr = "";
async function run(args: string[]): Promise<number> {
  const r = await runCli("associate", ...args);
  stderr += r.stderr;
  return r.code;
}

/** What the commands run inside `fn` write to stderr. */
async function stderrOf(fn: () => Promise<unknown>): Promise<string> {
  const start = stderr.length;
  await fn();
  return stderr.slice(start);
}

describe("associate command", () => {
  test("Breast Cancer Wisconsin split into features + shuffled labels = scipy / statsmodels", {
    skip:
      skipUnlessData("reference", "univariate") ||
      skipUnlessData("reference", "classification", "breast_cancer_wisconsin.csv"),
  }, async () => {
    const t = await readTableFile(dataPath("reference", "classification", "breast_cancer_wisconsin.csv")!);
    const ids = Array.from({ length: t.nRows }, (_, i) => `case${String(i).padStart(3, "0")}`);
    const feats = t.names.filter((n) => n !== "target" && n !== "malignant");
    const fcols: Record<string, ArrayLike<number> | string[]> = { case_id: ids };
    for (const f of feats) fcols[f] = t.numeric(f);
    writeFileSync(join(tmp, "features.csv"), formatCsv(tableFromColumns(fcols)));
    const perm = new Random(5).permutation(t.nRows);
    const y = t.numeric("malignant");
    const labels = tableFromColumns({
      case_id: [...Array.from(perm, (i) => ids[i]), "extra1"],
      IDH: [...Array.from(perm, (i) => (y[i] === 1 ? "mut" : "wt")), "wt"],
    });
    writeFileSync(join(tmp, "labels.tsv"), formatCsv(labels, { delimiter: "\t" }));
    const out = join(tmp, "assoc.csv");
    const err = await stderrOf(async () => {
      assert.equal(
        await run([
          join(tmp, "features.csv"),
          join(tmp, "labels.tsv"),
          "--target",
          "IDH",
          "--positive",
          "mut",
          "--out",
          out,
        ]),
        0,
      );
    });
    assert.match(err, /ids without a match: 0 in .*features\.csv, 1 in .*labels\.tsv/);
    assert.match(
      err,
      /30 features vs IDH \(binary \[wt, mut\]\), 569 samples: \d+ significant at BH-adjusted p <= 0\.05/,
    );
    const res = await readTableFile(out);
    assert.deepEqual(res.names, [
      "feature",
      "test",
      "statistic",
      "p",
      "p_adj",
      "effect_size",
      "effect",
      "n",
      "note",
    ]);
    const g = JSON.parse(readFileSync(dataPath("reference", "univariate", "univariate_scipy.json")!, "utf8"));
    const sm = JSON.parse(
      readFileSync(dataPath("reference", "univariate", "multipletests_statsmodels.json")!, "utf8"),
    );
    const test_ = res.text("test");
    const feature = res.text("feature");
    const p = res.numeric("p");
    const padj = res.numeric("p_adj");
    const stat = res.numeric("statistic");
    let k = 0;
    let maxErr = 0;
    for (let i = 0; i < res.nRows; i++) {
      if (test_[i] !== "mann-whitney") continue;
      assert.equal(feature[i], g.per_feature[k].feature);
      assert.equal(stat[i], g.per_feature[k].mwu_U_malignant);
      const e1 = Math.abs(p[i] - g.per_feature[k].mwu_p) / g.per_feature[k].mwu_p;
      const e2 =
        Math.abs(padj[i] - sm.results["mwu_p:fdr_bh"].p_adjusted[k]) /
        sm.results["mwu_p:fdr_bh"].p_adjusted[k];
      maxErr = Math.max(maxErr, e1, e2);
      k++;
    }
    assert.equal(k, 30);
    assert.ok(maxErr < 1e-10, `max rel err ${maxErr}`);
    // JSON output with Holm, sorted, primary only
    const js = join(tmp, "assoc.json");
    assert.equal(
      await run([
        join(tmp, "features.csv"),
        join(tmp, "labels.tsv"),
        "-t",
        "IDH",
        "--fdr",
        "holm",
        "--no-secondary",
        "--sort",
        "--json",
        "-o",
        js,
        "-q",
      ]),
      0,
    );
    const j = JSON.parse(readFileSync(js, "utf8"));
    assert.equal(j.adjust, "holm");
    assert.equal(j.rows.length, 30);
    assert.deepEqual(j.unmatchedLabels, ["extra1"]);
    for (let i = 1; i < j.rows.length; i++) assert.ok(j.rows[i - 1].p <= j.rows[i].p);
  });

  test("single table: clear errors", async () => {
    const rng = new Random(9);
    const n = 30;
    const x = Float64Array.from({ length: n }, () => rng.normal());
    const t = tableFromColumns({
      PatientID: Array.from({ length: n }, (_, i) => `p${i}`),
      f1: x,
      f2: Float64Array.from(x, (v) => -2 * v + 0.1 * rng.normal()),
      grade: Array.from({ length: n }, (_, i) => ["G1", "G2", "G3"][i % 3]),
      ki67: Float64Array.from(x, (v) => v + 0.5 * rng.normal()),
    });
    const f = join(tmp, "single.csv");
    writeFileSync(f, formatCsv(t));
    const err = await stderrOf(async () => {
      assert.equal(await run([f, "--target", "IDH"]), 1);
      assert.equal(await run([f, "--target", "ki67", "--fdr", "sidak"]), 1);
      assert.equal(await run([f, join(tmp, "missing.csv"), "--target", "ki67"]), 1);
    });
    assert.match(err, /single\.csv: target column "IDH" not found/);
    assert.match(err, /unknown p-value adjustment "sidak"/);
    assert.match(err, /missing\.csv: no such file/);
    // commander: the required --target
    const program = new Command();
    program.exitOverride();
    register(program);
    for (const c of program.commands) c.exitOverride().configureOutput({ writeErr: () => {} });
    await assert.rejects(
      program.parseAsync(["associate", f], { from: "user" }),
      /required option '-t, --target <column>' not specified/,
    );
  });
});
