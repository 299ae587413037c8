import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { DataError } from "../../../src/errors.js";
import type { ExpressionMatrix } from "../../../src/stats/genomics/expression.js";
import { adjustPValues } from "../../../src/stats/tests/fdr.js";
import { radiogenomicMap, radiogenomicPairs } from "../../../src/stats/genomics/radiogenomicMap.js";
import { Random } from "../../../src/stats/core/random.js";
import { spearman } from "../../../src/stats/tests/univariate.js";
import { fixturePath } from "../../helpers/data.js";

function fixture(ns: number, nf: number, ng: number, seed: number) {
  const rng = new Random(seed);
  const f = new Float64Array(ns * nf);
  for (let i = 0; i < f.length; i++) f[i] = Math.round(rng.normal() * 4) / 4; // ties
  const values = new Float64Array(ng * ns);
  for (let g = 0; g < ng; g++)
    for (let s = 0; s < ns; s++) values[g * ns + s] = rng.normal() + (g < 3 ? 3 * f[s * nf] : 0);
  const expr: ExpressionMatrix = {
    genes: Array.from({ length: ng }, (_, g) => `G${g}`),
    samples: Array.from({ length: ns }, (_, s) => `s${s}`),
    values,
  };
  return { f, names: Array.from({ length: nf }, (_, j) => `f${j}`), expr };
}

describe("radiogenomic map", () => {
  it("every pair equals the Spearman test of univariate.ts; q = BH over all pairs", () => {
    const { f, names, expr } = fixture(30, 4, 25, 2);
    expr.values[7 * 30 + 4] = Number.NaN; // gene 7: complete-pairs path
    expr.values[7 * 30 + 11] = Number.NaN;
    const m = radiogenomicMap(f, names, expr);
    let maxErr = 0;
    for (let j = 0; j < 4; j++)
      for (let g = 0; g < 25; g++) {
        const xs: number[] = [];
        const ys: number[] = [];
        for (let s = 0; s < 30; s++) {
          const y = expr.values[g * 30 + s];
          if (Number.isNaN(y)) continue;
          xs.push(f[s * 4 + j]);
          ys.push(y);
        }
        const r = spearman(xs, ys);
        const i = j * 25 + g;
        maxErr = Math.max(maxErr, Math.abs(m.rho[i] - r.r), Math.abs(m.p[i] - r.p) / r.p);
        assert.ok(Math.abs(m.rho[i] - r.r) < 1e-13, `rho f${j} G${g}: ${m.rho[i]} vs ${r.r}`);
        assert.ok(Math.abs(m.p[i] - r.p) <= 1e-10 * r.p, `p f${j} G${g}: ${m.p[i]} vs ${r.p}`);
      }
    assert.equal(m.n[7], 28);
    assert.deepEqual(m.q, adjustPValues(m.p, "BH"));
    console.log(`radiogenomic map vs per-pair spearman(): max error ${maxErr.toExponential(2)}`);
    const pairs = radiogenomicPairs(m, { maxQ: 0.05 });
    assert.ok(
      pairs.length >= 3 &&
        pairs.slice(0, 3).every((p) => p.feature === "f0" && ["G0", "G1", "G2"].includes(p.gene)),
    );
  });
  it("constant gene gives NaN; missing feature value is a DataError naming feature and case", () => {
    const { f, names, expr } = fixture(10, 2, 3, 4);
    expr.values.fill(1, 0, 10);
    const m = radiogenomicMap(f, names, expr);
    assert.ok(Number.isNaN(m.rho[0]) && Number.isNaN(m.p[0]));
    f[3 * 2 + 1] = Number.NaN;
    assert.throws(
      () => radiogenomicMap(f, names, expr),
      (e: unknown) => e instanceof DataError && /feature f1, case s3/.test(e.message),
    );
  });
  it("speed: 100 features x 20 000 genes x 100 samples", () => {
    const { f, names, expr } = fixture(100, 100, 20000, 9);
    const t0 = performance.now();
    const m = radiogenomicMap(f, names, expr);
    const ms = performance.now() - t0;
    console.log(`radiogenomic map 100 x 20000 (n = 100): ${ms.toFixed(0)} ms`);
    assert.equal(m.rho.length, 2e6);
    assert.ok(ms < 30000);
  });
});

interface MapGolden {
  features: string[];
  genes: string[];
  featureMatrix: number[][];
  geneMatrix: number[][];
  rho: number[][];
  p: number[][];
  q: number[][];
}

const file = ["reference", "clustering", "radiogenomic_map_R.json"];
describe("radiogenomic map vs R cor(method = 'spearman') / cor.test(exact = FALSE) / p.adjust('BH')", {
  skip: false,
}, () => {
  it("6 features x 40 genes (ties): rho 1e-13, p and q 1e-9 relative", () => {
    const g = JSON.parse(readFileSync(fixturePath(...file), "utf8")) as MapGolden;
    const ns = g.featureMatrix.length;
    const ng = g.genes.length;
    const values = new Float64Array(ng * ns);
    for (let s = 0; s < ns; s++) for (let j = 0; j < ng; j++) values[j * ns + s] = g.geneMatrix[s][j];
    const m = radiogenomicMap(Float64Array.from(g.featureMatrix.flat()), g.features, {
      genes: g.genes,
      samples: Array.from({ length: ns }, (_, s) => `s${s}`),
      values,
    });
    const misses: string[] = [];
    let maxRho = 0;
    let maxP = 0;
    g.features.forEach((fname, i) => {
      g.genes.forEach((gname, j) => {
        const k = i * ng + j;
        const er = Math.abs(m.rho[k] - g.rho[i][j]);
        const ep = Math.max(
          Math.abs(m.p[k] - g.p[i][j]) / g.p[i][j],
          Math.abs(m.q[k] - g.q[i][j]) / g.q[i][j],
        );
        maxRho = Math.max(maxRho, er);
        maxP = Math.max(maxP, ep);
        if (er > 1e-13) misses.push(`${fname} ${gname} rho: ours ${m.rho[k]} R ${g.rho[i][j]}`);
        if (ep > 1e-9)
          misses.push(`${fname} ${gname} p/q: ours ${m.p[k]}/${m.q[k]} R ${g.p[i][j]}/${g.q[i][j]}`);
      });
    });
    console.log(
      `radiogenomic map vs R: max abs error rho ${maxRho.toExponential(2)}, max rel error p/q ${maxP.toExponential(2)}`,
    );
    assert.deepEqual(misses, [], misses.join("\n"));
  });
});
