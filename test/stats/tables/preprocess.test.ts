import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  applyPreprocessor,
  fitPreprocessor,
  selectColumns,
  subsetRows,
} from "../../../src/stats/tables/preprocess.js";
import { skipUnlessData } from "../../helpers/data.js";
import { CLASSIFICATION, loadWdbc, readCsv } from "../models/classification-data.js";

describe("preprocessing fitted on training rows", () => {
  const a = Float64Array.from([1, 2, Number.NaN, 4, 100, 200]);
  const b = Float64Array.from([3, 3, 3, 3, 5, 6]); // constant in rows 0..3
  const c = Float64Array.from([Number.NaN, Number.NaN, Number.NaN, Number.NaN, 1, 2]); // missing in rows 0..3
  const d = Float64Array.from([1, 2, 3, 10, 0, 0]);
  const rows = Int32Array.from([0, 1, 2, 3]);

  it("imputes with training means/medians, drops constant and empty features, standardises with the population SD", () => {
    const pp = fitPreprocessor([a, b, c, d], ["a", "b", "c", "d"], rows, { impute: "mean" });
    assert.deepEqual(pp.features, ["a", "d"]);
    assert.deepEqual(
      pp.dropped.map((x) => x.name),
      ["b", "c"],
    );
    assert.match(pp.dropped[0].reason, /constant \(3\)/);
    assert.match(pp.dropped[1].reason, /all values missing/);
    // a on rows 0..3: observed 1, 2, 4 -> mean 7/3 (rows 4, 5 must not count)
    assert.equal(pp.fill[0], 7 / 3);
    const imputed = [1, 2, 7 / 3, 4];
    const m = imputed.reduce((s, v) => s + v, 0) / 4;
    const sd = Math.sqrt(imputed.reduce((s, v) => s + (v - m) ** 2, 0) / 4);
    assert.ok(Math.abs(pp.center[0] - m) < 1e-15 && Math.abs(pp.scale[0] - sd) < 1e-15);
    const med = fitPreprocessor([a, d], ["a", "d"], rows, { impute: "median" });
    assert.equal(med.fill[0], 2);
    assert.equal(med.fill[1], 2.5);
    const out = applyPreprocessor(pp, [a, d], Int32Array.from([2, 4]));
    assert.ok(Math.abs(out[0][0] - (7 / 3 - m) / sd) < 1e-15);
    assert.ok(Math.abs(out[0][1] - (100 - m) / sd) < 1e-12);
    const raw = fitPreprocessor([a, d], ["a", "d"], rows, { standardize: false });
    assert.deepEqual(raw.scale, [1, 1]);
    assert.deepEqual(raw.center, [0, 0]);
  });

  it("selects columns by name and names every missing one", () => {
    const cols = selectColumns([a, b], ["a", "b"], ["b", "a"]);
    assert.equal(cols[0], b);
    assert.throws(
      () => selectColumns([a, b], ["a", "b"], ["a", "x", "y"], "new.csv"),
      /new\.csv: missing feature columns: x, y/,
    );
    assert.deepEqual(Array.from(subsetRows([d], [3, 0])[0]), [10, 1]);
  });
});

describe("standardisation golden (sklearn StandardScaler on Breast Cancer Wisconsin)", {
  skip: skipUnlessData(...CLASSIFICATION, "standardisation_params.csv"),
}, () => {
  it("means and population SDs match standardisation_params.csv", () => {
    const d = loadWdbc();
    const pp = fitPreprocessor(d.columns, d.names);
    const { rows } = readCsv("standardisation_params.csv");
    let maxRel = 0;
    for (const r of rows) {
      const j = pp.features.indexOf(r[0]);
      assert.ok(j >= 0, r[0]);
      const em = Math.abs(pp.center[j] - Number(r[1])) / Math.abs(Number(r[1]));
      const es = Math.abs(pp.scale[j] - Number(r[2])) / Number(r[2]);
      maxRel = Math.max(maxRel, em, es);
      if (!(em < 1e-13 && es < 1e-13))
        console.log(`MISS ${r[0]}: ${pp.center[j]} / ${pp.scale[j]} vs ${r[1]} / ${r[2]}`);
    }
    console.log(`standardisation: max relative error ${maxRel.toExponential(2)}`);
    assert.ok(maxRel < 1e-13);
  });
});
