/**
 * src/analysis/harmonize.ts on tables in memory: the fit against neuroCombat's output (mean-only run, the
 * command test covers the parametric / non-parametric runs), batch and covariate from a joined clinical
 * table (same numbers as the single-table fit), a fitted model applied to new rows, and the errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type HarmonizeOptionStrings,
  parseHarmonizeOptions,
  runHarmonize,
} from "../../src/analysis/harmonize.js";
import { readTableFile } from "../../src/io/table-file.js";
import { type Table, tableFromColumns } from "../../src/stats/tables/table.js";
import { dataPath, skipUnlessData } from "../helpers/data.js";

const DIR = ["reference", "combat"] as const;
const base: HarmonizeOptionStrings = { method: "parametric", eb: true };

function maxRelErr(got: Table, want: Table, names: string[], rows?: number[]): number {
  let m = 0;
  for (const f of names) {
    const a = got.numeric(f);
    const b = want.numeric(f);
    const idx = rows ?? Array.from(b, (_, i) => i);
    idx.forEach((r, i) => {
      m = Math.max(m, Math.abs(a[i] - b[r]) / Math.abs(b[r]));
    });
  }
  return m;
}

describe("harmonisation analysis", { skip: skipUnlessData(...DIR) }, () => {
  test("mean-only fit = neuroCombat; a joined clinical table gives the same harmonised features", async () => {
    const input = await readTableFile(dataPath(...DIR, "combat_input_batch_affected.csv")!);
    const want = await readTableFile(
      dataPath(...DIR, "combat_output_parametric_meanonly_cov_diagnosis.csv")!,
    );
    const features = want.names.filter((n) => n !== "row");
    const messages: string[] = [];
    const run = runHarmonize(
      { features: input, onMessage: (m) => messages.push(m) },
      parseHarmonizeOptions({
        ...base,
        batch: "batch",
        covariates: ["diagnosis"],
        exclude: ["row"],
        meanOnly: true,
      }),
    );
    const err = maxRelErr(run.table, want, features);
    process.stderr.write(
      `harmonize (analysis) mean-only vs neuroCombat: max rel err ${err.toExponential(2)}\n`,
    );
    assert.ok(err < 1e-9, `max rel err ${err}`);
    assert.deepEqual(messages, run.messages);
    assert.match(
      messages[0],
      /^ComBat \(parametric, mean only\): 30 features, 569 samples, batches A \(245\), B \(162\), C \(162\); preserving diagnosis$/,
    );
    assert.equal(run.fitted?.kind, "combat");

    // the same data as a feature table (id + features) and a clinical table (id, batch, diagnosis; shuffled,
    // two cases missing): the joined fit equals the fit on the 567 cases in one table
    const ids = Array.from({ length: input.nRows }, (_, i) => `c${i}`);
    const fcols: Record<string, ArrayLike<number> | string[]> = { case_id: ids };
    for (const f of features) fcols[f] = input.numeric(f);
    const featTable = tableFromColumns(fcols, "features.csv");
    const keep = Array.from({ length: input.nRows - 2 }, (_, i) => input.nRows - 1 - i); // drops c0, c1
    const batch = input.text("batch");
    const diagnosis = input.text("diagnosis");
    const clinical = tableFromColumns(
      {
        case_id: keep.map((i) => ids[i]),
        batch: keep.map((i) => batch[i]),
        diagnosis: keep.map((i) => diagnosis[i]),
      },
      "clinical.csv",
    );
    const joined = runHarmonize(
      { features: featTable, clinical },
      parseHarmonizeOptions({ ...base, batch: "batch", covariates: ["diagnosis"] }),
    );
    assert.deepEqual(joined.table.names, featTable.names);
    assert.equal(joined.table.nRows, 567);
    assert.equal(joined.messages[0], "note: 2 cases have no clinical row and are left out");
    const single = runHarmonize(
      { features: input.rows(Array.from({ length: 567 }, (_, i) => i + 2)) },
      parseHarmonizeOptions({ ...base, batch: "batch", covariates: ["diagnosis"], exclude: ["row"] }),
    );
    assert.equal(maxRelErr(joined.table, single.table, features), 0);

    // the fitted model applied to rows of the training set reproduces their harmonised values
    const rows = [1, 4, 100, 300, 568];
    const applied = runHarmonize(
      { features: input.rows(rows), model: run.fitted, modelName: "m.json" },
      parseHarmonizeOptions(base),
    );
    assert.ok(maxRelErr(applied.table, run.table, features, rows) <= 1e-12);
    assert.equal(applied.fitted, undefined);
    assert.equal(applied.messages[0], "harmonised 30 features of 5 samples with m.json");
  });
});

test("harmonisation errors", () => {
  const t = tableFromColumns(
    { id: ["a", "b", "c", "d"], site: ["S1", "S1", "S2", "S2"], x: [1, 2, 3, 5] },
    "few.csv",
  );
  const opts = parseHarmonizeOptions(base);
  assert.throws(() => runHarmonize({ features: t }, opts), /--batch is required/);
  assert.throws(
    () => parseHarmonizeOptions({ ...base, method: "bayes" }),
    /--method must be parametric or nonparametric, got "bayes"/,
  );
  assert.equal(parseHarmonizeOptions({ ...base, method: "Non-Parametric" }).method, "non-parametric");
  assert.throws(
    () => runHarmonize({ features: t }, { ...opts, batch: "site", id: "nope" }),
    /few\.csv: id column "nope" not found/,
  );
  const noId = tableFromColumns({ x: [1, 2], y: [3, 4] }, "noid.csv");
  const clin = tableFromColumns({ id: ["a", "b"], site: ["S1", "S2"] }, "clin.csv");
  assert.throws(
    () => runHarmonize({ features: noId, clinical: clin }, { ...opts, batch: "site" }),
    /no id column found to join the tables/,
  );
  const other = tableFromColumns({ id: ["z"], site: ["S1"] }, "clin.csv");
  assert.throws(
    () =>
      runHarmonize({ features: t, clinical: other, featuresName: "dir/few.csv" }, { ...opts, batch: "site" }),
    /no case id is shared by dir\/few\.csv and clin\.csv/,
  );
});
