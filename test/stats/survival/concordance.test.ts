import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { concordanceIndex } from "../../../src/stats/survival/concordance.js";
import { Random } from "../../../src/stats/core/random.js";
import { skipUnlessData } from "../../helpers/data.js";
import { Comparer, numCol, readCsv, readData, readJson } from "./survivalGoldens.js";

const skip = skipUnlessData("reference", "survival", "cindex.json");

interface CindexGolden {
  label: string;
  formula: string;
  reverse: boolean;
  c_index: number;
  se: number;
  concordant: number;
  discordant: number;
  tied_x: number;
  tied_y: number;
  tied_xy: number;
  n: number;
}

/** Brute-force O(n^2) pair counting with R's rules (reverse = FALSE orientation). */
function bruteForce(time: number[], event: number[], x: number[]) {
  let c = 0;
  let d = 0;
  let tx = 0;
  let ty = 0;
  let txy = 0;
  const n = time.length;
  for (let i = 0; i < n; i++) {
    if (!event[i]) continue;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      if (time[j] > time[i] || (time[j] === time[i] && !event[j])) {
        if (x[j] > x[i]) c++;
        else if (x[j] < x[i]) d++;
        else tx++;
      } else if (time[j] === time[i] && event[j] && j > i) {
        if (x[j] === x[i]) txy++;
        else ty++;
      }
    }
  }
  return { c, d, tx, ty, txy };
}

describe("Harrell's C vs R survival::concordance", { skip }, () => {
  it("every case in cindex.json (counts exact, C and SE to 1e-12)", () => {
    const golden = readJson<CindexGolden[]>("cindex.json");
    const lung = readData("lung.csv");
    const vet = readData("veteran.csv");
    const lp = numCol(readCsv("lung_coxlp_age_sex_phecog_efron.csv"), "lp");
    const cmp = new Comparer(1e-12);
    for (const g of golden) {
      let time: number[];
      let status: number[];
      let x: number[];
      let coding: "01" | "12" = "12";
      if (g.label.startsWith("veteran")) {
        time = vet.time;
        status = vet.status;
        x = vet.karno;
        coding = "01";
      } else {
        const pred = g.label.includes("coxlp") ? lp : g.label.includes("phecog") ? lung["ph.ecog"] : lung.age;
        const keep = pred.map((v) => !Number.isNaN(v));
        time = lung.time.filter((_, i) => keep[i]);
        status = lung.status.filter((_, i) => keep[i]);
        x = pred.filter((_, i) => keep[i]);
      }
      const r = concordanceIndex(time, status, x, { reverse: g.reverse, eventCoding: coding });
      assert.equal(r.n, g.n, `${g.label} n`);
      assert.equal(r.concordant, g.concordant, `${g.label} concordant`);
      assert.equal(r.discordant, g.discordant, `${g.label} discordant`);
      assert.equal(r.tiedX, g.tied_x, `${g.label} tied.x`);
      assert.equal(r.tiedY, g.tied_y, `${g.label} tied.y`);
      assert.equal(r.tiedXY, g.tied_xy, `${g.label} tied.xy`);
      cmp.check(`${g.label} C`, r.concordance, g.c_index);
      cmp.check(`${g.label} se`, r.se, g.se);
    }
    console.log(cmp.summary("cindex.json"));
    assert.deepEqual(cmp.misses, [], cmp.misses.join("\n"));
  });
});

describe("C-index counting on simulated data with heavy ties", () => {
  it("matches brute-force pair counting", () => {
    const rng = new Random(7);
    for (let rep = 0; rep < 20; rep++) {
      const n = 40 + rep;
      const time = Array.from({ length: n }, () => 1 + rng.int(12));
      const event = Array.from({ length: n }, () => (rng.next() < 0.6 ? 1 : 0));
      const x = Array.from({ length: n }, () => rng.int(5));
      const r = concordanceIndex(time, event, x);
      const b = bruteForce(time, event, x);
      assert.deepEqual(
        [r.concordant, r.discordant, r.tiedX, r.tiedY, r.tiedXY],
        [b.c, b.d, b.tx, b.ty, b.txy],
      );
      const rr = concordanceIndex(time, event, x, { reverse: true });
      assert.ok(Math.abs(rr.concordance - (1 - r.concordance)) < 1e-15);
      assert.equal(rr.concordant, b.d);
    }
  });

  it("strata restrict pairs to the same stratum", () => {
    const time = [1, 2, 3, 4, 1, 2, 3, 4];
    const event = [1, 1, 1, 1, 1, 1, 1, 1];
    const x = [1, 2, 3, 4, 4, 3, 2, 1];
    const r = concordanceIndex(time, event, x, { strata: [0, 0, 0, 0, 1, 1, 1, 1] });
    assert.equal(r.concordant, 6);
    assert.equal(r.discordant, 6);
    assert.equal(r.concordance, 0.5);
  });
});
