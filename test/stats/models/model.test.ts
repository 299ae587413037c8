import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Dataset,
  fitPipeline,
  predictColumns,
  predictModel,
  validateModel,
} from "../../../src/stats/models/model.js";
import { Random } from "../../../src/stats/core/random.js";
import { tableFromColumns } from "../../../src/stats/tables/table.js";

function cohort(K: number, seed: number): Dataset {
  const rng = new Random(seed);
  const n = 150;
  const y = Int32Array.from({ length: n }, (_, i) => i % K);
  const x = Array.from({ length: 6 }, () => Float64Array.from({ length: n }, () => rng.normal(10, 3)));
  for (let i = 0; i < n; i++) {
    x[0][i] += 8 * y[i];
    if (i % 17 === 0) x[1][i] = Number.NaN;
  }
  return { x, names: ["f0", "f1", "f2", "f3", "f4", "f5"], y, classes: ["A", "B", "C"].slice(0, K) };
}

describe("model files", () => {
  for (const spec of [
    { model: "lasso" },
    { model: "ridge" },
    { model: "elasticnet", alpha: 0.3 },
    { model: "forest", nTrees: 50 },
  ] as const) {
    it(`${spec.model}: JSON round trip, prediction by column name, original-scale coefficients`, () => {
      for (const K of [2, 3]) {
        const d = cohort(K, 7);
        const m = fitPipeline(d, spec, { seed: 3, target: "subtype" });
        const back = JSON.parse(JSON.stringify(m));
        validateModel(back);
        // A table with the columns shuffled and an extra column: looked up by name.
        const cols: Record<string, Float64Array | string[]> = {
          id: Array.from(d.y, (_, i) => `case${i}`),
        };
        for (const j of [5, 3, 1, 0, 2, 4]) cols[d.names[j]] = d.x[j];
        cols.extra = d.x[0];
        const t = tableFromColumns(cols);
        const p1 = predictModel(back, t);
        const direct = predictColumns(
          m,
          m.features.map((f) => d.x[d.names.indexOf(f)]),
        );
        assert.deepEqual(p1.prob, direct);
        let correct = 0;
        for (let i = 0; i < d.y.length; i++) if (p1.predicted[i] === d.classes[d.y[i]]) correct++;
        assert.ok(
          correct / d.y.length > 0.8,
          `${spec.model} K=${K}: training accuracy ${correct / d.y.length}`,
        );
        if (m.model.type === "glmnet") {
          assert.equal(m.model.coef.length, K === 2 ? 1 : K);
          // Original-scale coefficients reproduce the standardised-scale linear predictor.
          const mm = m.model;
          const i = 4;
          for (let t2 = 0; t2 < mm.coef.length; t2++) {
            let e1 = mm.intercept[t2];
            let e2 = mm.interceptOriginal[t2];
            m.features.forEach((f, j) => {
              const v = d.x[d.names.indexOf(f)][i];
              e1 += (mm.coef[t2][j] * (v - m.preprocess.center[j])) / m.preprocess.scale[j];
              e2 += mm.coefOriginal[t2][j] * v;
            });
            assert.ok(Math.abs(e1 - e2) < 1e-9 * (1 + Math.abs(e1)));
          }
        }
      }
    });
  }

  it("errors name the missing columns and reject foreign JSON", () => {
    const d = cohort(2, 1);
    const m = fitPipeline(d, { model: "lasso", lambda: 0.01 }, { seed: 1 });
    assert.ok(m.features.length >= 2);
    const t = tableFromColumns({ f0: d.x[0] }, "new_cases.csv");
    assert.throws(
      () => predictModel(m, t),
      /new_cases\.csv: missing feature columns? required by the model: .*f\d/,
    );
    assert.throws(
      () => validateModel({ format: "something" }, "x.json"),
      /x\.json: not a radiogenomics model file/,
    );
  });
});
