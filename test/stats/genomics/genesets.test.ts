import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { FormatError } from "../../../src/errors.js";
import type { ExpressionMatrix } from "../../../src/stats/genomics/expression.js";
import { geneSetScores, parseGmt } from "../../../src/stats/genomics/genesets.js";
import { Random } from "../../../src/stats/core/random.js";
import { fixturePath } from "../../helpers/data.js";

describe("GMT parsing", () => {
  it("name, description, genes; blank lines, comments, empty fields and repeats ignored", () => {
    const sets = parseGmt("# c\nSET1\tdesc one\tA\tB\t\tA\r\n\nSET2\thttp://x\tC\n");
    assert.deepEqual(sets, [
      { name: "SET1", description: "desc one", genes: ["A", "B"] },
      { name: "SET2", description: "http://x", genes: ["C"] },
    ]);
  });
  it("errors: no tab, duplicate name, empty file", () => {
    assert.throws(
      () => parseGmt("JUSTANAME\n", "x.gmt"),
      (e: unknown) => e instanceof FormatError && /x.gmt: line 1/.test(e.message),
    );
    assert.throws(() => parseGmt("S\td\tA\nS\td\tB\n"), /duplicate gene set "S"/);
    assert.throws(() => parseGmt("\n\n"), FormatError);
  });
});

function randomExpr(ng: number, ns: number, seed: number): ExpressionMatrix {
  const rng = new Random(seed);
  return {
    genes: Array.from({ length: ng }, (_, g) => `g${g}`),
    samples: Array.from({ length: ns }, (_, s) => `s${s}`),
    values: Float64Array.from({ length: ng * ns }, () => rng.normal(5, 2)),
  };
}

describe("gene-set scores", () => {
  it("meanz: mean over the set of (x - mean) / sd, sd with n - 1 (hand example)", () => {
    const e: ExpressionMatrix = {
      genes: ["A", "B", "C"],
      samples: ["s1", "s2", "s3"],
      values: Float64Array.from([1, 2, 3, 10, 30, 20, 7, 7, 7]),
    };
    const s = geneSetScores(e, [{ name: "AB", description: "", genes: ["A", "B", "Z"] }], { minSize: 2 });
    // A: z = -1, 0, 1; B: mean 20, sd 10: z = -1, 1, 0
    assert.deepEqual(Array.from(s.scores), [-1, 0.5, 0.5]);
    assert.deepEqual(s.sizes, [2]);
    assert.equal(s.genesDropped, 1, "the constant gene C is not used");
  });
  it("ssgsea: equals the literal running-sum walk (Barbie 2009) on tie-free data", () => {
    const e = randomExpr(60, 5, 3);
    const set = { name: "S", description: "", genes: ["g1", "g5", "g7", "g20", "g33", "g59"] };
    const s = geneSetScores(e, [set], { method: "ssgsea" });
    const n = 60;
    const inSet = new Set([1, 5, 7, 20, 33, 59]);
    for (let j = 0; j < 5; j++) {
      const v = Array.from({ length: n }, (_, g) => e.values[g * 5 + j]);
      const asc = Array.from({ length: n }, (_, g) => g).sort((a, b) => v[a] - v[b]);
      const rank = new Array<number>(n);
      asc.forEach((g, i) => {
        rank[g] = i + 1;
      });
      const walk = asc.slice().reverse();
      let totalW = 0;
      for (const g of inSet) totalW += rank[g] ** 0.25;
      let cin = 0;
      let cout = 0;
      let es = 0;
      for (const g of walk) {
        if (inSet.has(g)) cin += rank[g] ** 0.25;
        else cout += 1;
        es += cin / totalW - cout / (n - inSet.size);
      }
      assert.ok(Math.abs(s.scores[j] - es) < 1e-10, `sample ${j}: ${s.scores[j]} vs walk ${es}`);
    }
  });
  it("sets with too few genes present are skipped with a note", () => {
    const e = randomExpr(20, 4, 1);
    const s = geneSetScores(e, [
      { name: "OK", description: "", genes: ["g1", "g2", "g3", "g4", "g5"] },
      { name: "SMALL", description: "", genes: ["g1", "g2", "x", "y", "z"] },
    ]);
    assert.deepEqual(s.sets, ["OK"]);
    assert.equal(s.skipped[0].name, "SMALL");
    assert.match(s.skipped[0].reason, /only 2 of 5 genes present \(minimum 5\)/);
  });
});

interface GsvaGolden {
  genes: string[];
  samples: string[];
  expression: number[][];
  sets: Record<string, string[]>;
  minSize: number;
  ssgsea_sets: string[];
  ssgsea: number[][];
  ssgsea_norm: number[][];
  zscore_sets: string[];
  zscore: number[][];
}

const file = ["reference", "clustering", "genesets_GSVA.json"];
describe("gene-set scores vs GSVA (ssgsea, ssgsea.norm, zscore)", { skip: false }, () => {
  it("same sets kept, scores to 1e-10 relative (meanz x sqrt(size) = GSVA zscore)", () => {
    const g = JSON.parse(readFileSync(fixturePath(...file), "utf8")) as GsvaGolden;
    const e: ExpressionMatrix = {
      genes: g.genes,
      samples: g.samples,
      values: Float64Array.from(g.expression.flat()),
    };
    const sets = Object.entries(g.sets).map(([name, genes]) => ({ name, description: "", genes }));
    const ns = g.samples.length;
    const misses: string[] = [];
    let maxErr = 0;
    const cmp = (what: string, ours: number, ref: number) => {
      const err = Math.abs(ours - ref) / Math.max(1, Math.abs(ref));
      maxErr = Math.max(maxErr, err);
      if (!(err <= 1e-10)) misses.push(`${what}: ours ${ours} GSVA ${ref}`);
    };
    const ss = geneSetScores(e, sets, { method: "ssgsea", minSize: g.minSize });
    const ssn = geneSetScores(e, sets, { method: "ssgsea", minSize: g.minSize, normalize: true });
    const mz = geneSetScores(e, sets, { method: "meanz", minSize: g.minSize });
    assert.deepEqual(ss.sets, g.ssgsea_sets);
    assert.deepEqual(mz.sets, g.zscore_sets);
    ss.sets.forEach((name, r) => {
      for (let j = 0; j < ns; j++) {
        cmp(`ssgsea ${name} ${g.samples[j]}`, ss.scores[r * ns + j], g.ssgsea[r][j]);
        cmp(`ssgsea.norm ${name} ${g.samples[j]}`, ssn.scores[r * ns + j], g.ssgsea_norm[r][j]);
        cmp(`zscore ${name} ${g.samples[j]}`, mz.scores[r * ns + j] * Math.sqrt(mz.sizes[r]), g.zscore[r][j]);
      }
    });
    console.log(`gene-set scores vs GSVA: max rel error ${maxErr.toExponential(2)}`);
    assert.deepEqual(misses, [], misses.join("\n"));
  });
});
