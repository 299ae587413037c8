import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DataError } from "../../../src/errors.js";
import { logRank } from "../../../src/stats/survival/logrank.js";
import { skipUnlessData } from "../../helpers/data.js";
import { Comparer, readData, readJson } from "./survivalGoldens.js";

const skip = skipUnlessData("reference", "survival", "logrank.json");

interface LogrankGolden {
  label: string;
  formula: string;
  rho: number;
  chisq: number;
  df: number;
  p: number;
  groups: string[];
  n: number[];
  observed: number[];
  expected: number[];
  variance_matrix: number[][];
}

describe("log-rank / G-rho vs R survdiff", { skip }, () => {
  it("every case in logrank.json", () => {
    const golden = readJson<LogrankGolden[]>("logrank.json");
    const lung = readData("lung.csv");
    const vet = readData("veteran.csv");
    const cmp = new Comparer(1e-12, 1e-12);
    for (const g of golden) {
      const isLung = g.formula.includes("sex") || g.formula.includes("ph.ecog");
      const d = isLung ? lung : vet;
      const col = g.formula.split("~")[1].trim();
      const group = col === "celltype" ? vet._str.celltype : d[col];
      const levels = col === "celltype" ? ["squamous", "smallcell", "adeno", "large"] : undefined;
      const r = logRank(d.time, d.status, group, {
        eventCoding: isLung ? "12" : "01",
        rho: g.rho,
        groupName: col,
        levels,
      });
      assert.deepEqual(r.groups, g.groups, g.label);
      assert.deepEqual(r.n, g.n, `${g.label} n`);
      assert.equal(r.df, g.df, `${g.label} df`);
      cmp.check(`${g.label} chisq`, r.chisq, g.chisq);
      cmp.check(`${g.label} p`, r.p, g.p);
      cmp.checkAll(`${g.label} observed`, r.observed, g.observed);
      cmp.checkAll(`${g.label} expected`, r.expected, g.expected);
      g.variance_matrix.forEach((row, i) => {
        cmp.checkAll(`${g.label} var[${i}]`, r.variance[i], row);
      });
      if (col === "ph.ecog") assert.equal(r.nDropped, 1);
    }
    console.log(cmp.summary("logrank.json"));
    assert.deepEqual(cmp.misses, [], cmp.misses.join("\n"));
  });
});

describe("log-rank edge cases", () => {
  it("a group without events still gives a test (R keeps it: O = 0, E > 0)", () => {
    const r = logRank([1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 0, 0], ["a", "a", "a", "b", "b", "b"]);
    assert.equal(r.df, 1);
    assert.equal(r.observed[1], 0);
    assert.ok(r.expected[1] > 0 && r.chisq > 0 && r.p < 1);
    assert.ok(r.warnings.some((w) => /no events/.test(w)));
  });

  it("a group with nobody at risk at any event time is dropped with a warning", () => {
    const r = logRank([5, 6, 7, 1, 2], [1, 1, 0, 0, 0], ["a", "a", "b", "c", "c"]);
    assert.deepEqual(r.groups, ["a", "b", "c"]);
    assert.equal(r.expected[2], 0);
    assert.equal(r.df, 1);
    assert.ok(r.warnings.some((w) => /group c/.test(w)));
  });

  it("stratified test sums O, E and V over strata", () => {
    const time = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const ev = [1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1];
    const grp = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
    const st = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    const r = logRank(time, ev, grp, { strata: st });
    const a = logRank(time.slice(0, 6), ev.slice(0, 6), grp.slice(0, 6));
    const b = logRank(time.slice(6), ev.slice(6), grp.slice(6));
    for (let k = 0; k < 2; k++) {
      assert.ok(Math.abs(r.expected[k] - a.expected[k] - b.expected[k]) < 1e-12);
      assert.ok(Math.abs(r.variance[k][k] - a.variance[k][k] - b.variance[k][k]) < 1e-12);
    }
    const d = r.observed[0] - r.expected[0];
    assert.ok(Math.abs(r.chisq - (d * d) / r.variance[0][0]) < 1e-12);
  });

  it("a single group is an error", () => {
    assert.throws(() => logRank([1, 2], [1, 1], ["a", "a"]), DataError);
  });
});
