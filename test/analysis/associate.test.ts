/**
 * src/analysis/associate.ts on tables in memory: a single table with a continuous target, a feature table
 * joined to a label table (unmatched ids, sorting, summaries), and the errors. The scipy / statsmodels goldens
 * are checked end to end in test/cli/associate.test.ts.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type AssociateOptionStrings,
  associateJson,
  associateSummaryText,
  parseAssociateOptions,
  runAssociate,
} from "../../src/analysis/associate.js";
import { Random } from "../../src/stats/core/random.js";
import { type Table, tableFromColumns } from "../../src/stats/tables/table.js";

const defaults: AssociateOptionStrings = { target: "ki67", fdr: "bh", secondary: true, alpha: "0.05" };

function single(): Table {
  const rng = new Random(9);
  const n = 30;
  const x = Float64Array.from({ length: n }, () => rng.normal());
  return tableFromColumns(
    {
      PatientID: Array.from({ length: n }, (_, i) => `p${i}`),
      f1: x,
      f2: Float64Array.from(x, (v) => -2 * v + 0.1 * rng.normal()),
      grade: Array.from({ length: n }, (_, i) => ["G1", "G2", "G3"][i % 3]),
      ki67: Float64Array.from(x, (v) => v + 0.5 * rng.normal()),
    },
    "single.csv",
  );
}

describe("association analysis", () => {
  test("single table, continuous target: Spearman + Pearson per feature, Kruskal-Wallis for text", () => {
    const { result, samples, unmatched } = runAssociate(
      { features: single() },
      parseAssociateOptions(defaults),
    );
    assert.equal(result.targetType, "continuous");
    assert.equal(samples, 30);
    assert.deepEqual(unmatched, [[], []]);
    assert.deepEqual(
      result.rows.map((r) => `${r.feature}:${r.test}`),
      ["f1:spearman", "f1:pearson", "f2:spearman", "f2:pearson", "grade:kruskal-wallis"],
    );
  });

  test("features joined to labels: unmatched ids, primary-only sorted rows, JSON and summary", () => {
    const features = single().select(["PatientID", "f1", "f2", "grade"]);
    const t = single();
    const ids = t.text("PatientID");
    const k = t.numeric("ki67");
    const labels = tableFromColumns(
      {
        PatientID: [...ids.slice(2).reverse(), "extra"],
        IDH: [...Array.from(k.slice(2), (v) => (v > 0 ? "mut" : "wt")).reverse(), "wt"],
      },
      "labels.csv",
    );
    const run = runAssociate(
      { features, labels, featuresName: "dir/features.csv" },
      parseAssociateOptions({ ...defaults, target: "IDH", positive: "mut", secondary: false, sort: true }),
    );
    assert.equal(run.result.targetType, "binary");
    assert.equal(run.samples, 28);
    assert.deepEqual(run.unmatched, [["p0", "p1"], ["extra"]]);
    assert.equal(run.result.rows.length, 3);
    for (let i = 1; i < run.result.rows.length; i++)
      assert.ok(run.result.rows[i - 1].p <= run.result.rows[i].p);
    assert.equal(run.result.rows[2].feature, "grade"); // f1 and f2 carry the signal, grade does not
    const js = associateJson(run) as { samples: number; unmatchedLabels: string[] };
    assert.equal(js.samples, 28);
    assert.deepEqual(js.unmatchedLabels, ["extra"]);
    assert.equal(
      associateSummaryText(run).split("\n")[0],
      "ids without a match: 2 in dir/features.csv, 1 in labels.csv (e.g. p0, p1)",
    );
    assert.match(
      associateSummaryText(run),
      /3 features vs IDH \(binary \[wt, mut\]\), 28 samples: \d+ significant at BH-adjusted p <= 0\.05\n$/,
    );
  });

  test("clear errors", () => {
    const opts = parseAssociateOptions(defaults);
    assert.throws(
      () => runAssociate({ features: single() }, { ...opts, target: "IDH" }),
      /single\.csv: target column "IDH" not found/,
    );
    const labels = tableFromColumns({ case_id: ["x"], ki67: [1] }, "labels.csv");
    assert.throws(
      () => runAssociate({ features: single(), labels }, opts),
      /cannot tell which column holds the case ids/,
    );
    const other = tableFromColumns({ PatientID: ["x", "y"], ki67: [1, 2] }, "labels.csv");
    assert.throws(
      () => runAssociate({ features: single(), labels: other }, opts),
      /no id of single\.csv matches one of labels\.csv \(column "PatientID"\)/,
    );
    const both = tableFromColumns({ PatientID: ["p1", "p2"], ki67: [1, 2] }, "labels.csv");
    assert.throws(
      () => runAssociate({ features: single(), labels: both }, opts),
      /the target "ki67" is also a column of single\.csv/,
    );
    assert.throws(
      () => parseAssociateOptions({ ...defaults, alpha: "2" }),
      /--alpha must be between 0 and 1, got "2"/,
    );
    assert.throws(
      () => parseAssociateOptions({ ...defaults, fdr: "sidak" }),
      /unknown p-value adjustment "sidak"/,
    );
    assert.throws(
      () => parseAssociateOptions({ ...defaults, targetType: "ordinal" }),
      /--target-type must be binary, categorical or continuous/,
    );
  });
});
