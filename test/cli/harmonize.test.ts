/**
 * `radiogenomics harmonize`: parse arguments with a fresh Command, fit on the ComBat golden input and compare
 * with neuroCombat's output; save the model and apply it to new samples.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { readTableFile } from "../../src/io/table-file.js";
import { formatCsv } from "../../src/stats/tables/table.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";
import { runCli } from "../helpers/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "rg-harmonize-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Exit code of `radiogenomics harmonize ...`; what it writes to stderr is kept for stderrOf. */
let stderr = "";
async function run(args: string[]): Promise<number> {
  const r = await runCli("harmonize", ...args);
  stderr += r.stderr;
  return r.code;
}

/** What the commands run inside `fn` write to stderr. */
async function stderrOf(fn: () => Promise<unknown>): Promise<string> {
  const start = stderr.length;
  await fn();
  return stderr.slice(start);
}

const DIR = ["reference", "combat"] as const;

describe("harmonize command", { skip: skipUnlessData(...DIR) }, () => {
  test("fit = neuroCombat (parametric and non-parametric, diagnosis preserved); model applied to new rows", async () => {
    const input = dataPath(...DIR, "combat_input_batch_affected.csv")!;
    for (const [method, golden] of [
      ["parametric", "combat_output_parametric_cov_diagnosis.csv"],
      ["nonparametric", "combat_output_nonparametric_cov_diagnosis.csv"],
    ]) {
      const out = join(tmp, `h-${method}.csv`);
      const model = join(tmp, `m-${method}.json`);
      const err = await stderrOf(async () => {
        assert.equal(
          await run([
            input,
            "--batch",
            "batch",
            "--covariates",
            "diagnosis",
            "--exclude",
            "row",
            "--method",
            method,
            "-o",
            out,
            "--model-out",
            model,
          ]),
          0,
        );
      });
      assert.match(
        err,
        /ComBat \((parametric|nonparametric)\): 30 features, 569 samples, batches A \(245\), B \(162\), C \(162\); preserving diagnosis/,
      );
      const got = await readTableFile(out);
      const want = await readTableFile(dataPath(...DIR, golden)!);
      assert.deepEqual(got.names.slice(0, 3), ["row", "batch", "diagnosis"]);
      let maxErr = 0;
      for (const f of want.names.filter((n) => n !== "row")) {
        const a = got.numeric(f);
        const b = want.numeric(f);
        for (let i = 0; i < b.length; i++) maxErr = Math.max(maxErr, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
      }
      assert.ok(maxErr < 1e-9, `${method}: max rel err ${maxErr}`);
      process.stderr.write(`harmonize ${method} vs neuroCombat: max rel err ${maxErr.toExponential(2)}\n`);
      const m = JSON.parse(readFileSync(model, "utf8"));
      assert.equal(m.kind, "combat");
      assert.deepEqual(m.columns, { batch: "batch", covariates: ["diagnosis"] });
    }
    // apply the parametric model to 10 "new" rows (here: rows of the training set, so the result is known)
    const src = await readTableFile(input);
    const rows = src.rows(Array.from({ length: 10 }, (_, i) => 3 * i + 1));
    const newFile = join(tmp, "new.csv");
    writeFileSync(newFile, formatCsv(rows));
    const applied = join(tmp, "applied.parquet");
    assert.equal(await run([newFile, "--model", join(tmp, "m-parametric.json"), "-o", applied, "-q"]), 0);
    const a = await readTableFile(applied);
    const full = await readTableFile(join(tmp, "h-parametric.csv"));
    for (const f of ["mean radius", "worst fractal dimension"]) {
      const v = a.numeric(f);
      const w = full.numeric(f);
      for (let i = 0; i < 10; i++)
        assert.ok(Math.abs(v[i] - w[3 * i + 1]) <= 1e-12 * Math.abs(w[3 * i + 1]), f);
    }
  });

  test("clear errors: missing --batch, unknown column, unseen batch, bad method", async () => {
    const input = dataPath(...DIR, "combat_input_batch_affected.csv")!;
    const f = join(tmp, "few.csv");
    writeFileSync(f, "id,site,x,y\na,S1,1,2\nb,S1,2,3\nc,S2,3,5\nd,S2,4,4\ne,S3,5,1\n");
    const err = await stderrOf(async () => {
      assert.equal(await run([input, "-q"]), 1);
      assert.equal(await run([input, "--batch", "scanner"]), 1);
      assert.equal(await run([input, "--batch", "batch", "--method", "bayes"]), 1);
      assert.equal(await run([f, "--batch", "site", "--id", "id"]), 1);
      assert.equal(await run([f, "--batch", "site", "--model", join(tmp, "m-parametric.json")]), 1);
    });
    assert.match(err, /--batch is required/);
    assert.match(err, /combat_input_batch_affected\.csv: batch column "scanner" not found/);
    assert.match(err, /--method must be parametric or nonparametric, got "bayes"/);
    assert.match(err, /few\.csv: ComBat needs at least 2 samples per batch; batch "S3" has 1/);
    assert.match(
      err,
      /few\.csv: feature column "mean radius" not found|few\.csv: column "mean radius" not found/,
    );
  });
});
