import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { coxDesign, coxph } from "../../../src/stats/survival/cox.js";
import { coxZph } from "../../../src/stats/survival/coxZph.js";
import { Random } from "../../../src/stats/core/random.js";
import { skipUnlessData } from "../../helpers/data.js";
import { readData } from "./survivalGoldens.js";

/**
 * Independent brute-force score test for beta(t) = beta + theta g(t) (Breslow ties, identity g centred at
 * the event mean), straight from the definitions (Grambsch & Therneau 1994): returns the global chisq.
 */
function bruteForceGlobal(time: number[], event: number[], x: number[][], eta: Float64Array): number {
  const n = time.length;
  const p = x.length;
  const evTimes = time.filter((_, i) => event[i] === 1);
  const gmean = evTimes.reduce((a, b) => a + b, 0) / evTimes.length;
  const distinct = [...new Set(evTimes)].sort((a, b) => a - b);
  const u = new Array(2 * p).fill(0);
  const info = Array.from({ length: 2 * p }, () => new Array(2 * p).fill(0));
  for (const t of distinct) {
    const g = t - gmean;
    let s0 = 0;
    const s1 = new Array(p).fill(0);
    const s2 = Array.from({ length: p }, () => new Array(p).fill(0));
    for (let i = 0; i < n; i++) {
      if (time[i] < t) continue;
      const r = Math.exp(eta[i]);
      s0 += r;
      for (let a = 0; a < p; a++) {
        s1[a] += r * x[a][i];
        for (let b = 0; b < p; b++) s2[a][b] += r * x[a][i] * x[b][i];
      }
    }
    let d = 0;
    for (let i = 0; i < n; i++) {
      if (time[i] === t && event[i] === 1) {
        d++;
        for (let a = 0; a < p; a++) u[p + a] += g * (x[a][i] - s1[a] / s0);
      }
    }
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) {
        const v = d * (s2[a][b] / s0 - (s1[a] / s0) * (s1[b] / s0));
        info[a][b] += v;
        info[a][p + b] += g * v;
        info[p + a][b] += g * v;
        info[p + a][p + b] += g * g * v;
      }
    }
  }
  // solve info * y = u by Gaussian elimination
  const m = info.map((row, i) => [...row, u[i]]);
  const k = 2 * p;
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
    [m[c], m[piv]] = [m[piv], m[c]];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let q = c; q <= k; q++) m[r][q] -= f * m[c][q];
    }
  }
  let stat = 0;
  for (let a = 0; a < k; a++) stat += (m[a][k] / m[a][a]) * u[a];
  return stat;
}

describe("cox.zph (Schoenfeld-residual PH test)", () => {
  it("equals a brute-force score test for a time-varying coefficient (Breslow, identity transform)", () => {
    const rng = new Random(11);
    const n = 80;
    const x1 = Array.from({ length: n }, () => rng.normal());
    const x2 = Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
    const time = x1.map(
      (v, i) => Math.round(10 * rng.exponential(Math.exp(0.5 * v - 0.3 * x2[i]))) / 10 + 0.1,
    );
    const event = time.map(() => (rng.next() < 0.75 ? 1 : 0));
    const fit = coxph(time, event, [x1, x2], { ties: "breslow" });
    const z = coxZph(fit, { transform: "identity" });
    const bf = bruteForceGlobal(time, event, [x1, x2], fit.linearPredictors);
    assert.ok(z.global);
    const rel = Math.abs(z.global.chisq - bf) / bf;
    console.log(`cox.zph GLOBAL ${z.global.chisq} vs brute force ${bf} (rel ${rel.toExponential(2)})`);
    assert.ok(rel < 1e-9, `GLOBAL ${z.global.chisq} vs brute force ${bf}`);
  });

  it("does not reject proportional hazards on PH data, rejects a crossing-hazards effect", () => {
    const rng = new Random(5);
    const n = 600;
    const x = Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
    // PH: constant log-HR 0.8
    const tPh = x.map((v) => rng.exponential(Math.exp(0.8 * v)));
    const ePh = tPh.map(() => 1);
    const ph = coxZph(coxph(tPh, ePh, [x]));
    assert.ok(ph.table[0].p > 0.01, `PH data p = ${ph.table[0].p}`);
    // non-PH: group 1 has a high early hazard and no late excess (Weibull shapes differ)
    const tNon = x.map((v) => (v ? rng.exponential(1) ** 2 : rng.exponential(1) ** 0.5));
    const non = coxZph(coxph(tNon, ePh, [x]));
    assert.ok(non.table[0].p < 1e-6, `non-PH data p = ${non.table[0].p}`);
  });

  it("a categorical term is tested with df = its number of columns", {
    skip: skipUnlessData("reference", "survival", "veteran.csv"),
  }, () => {
    const vet = readData("veteran.csv");
    const d = coxDesign([
      { name: "karno", values: vet.karno },
      { name: "celltype", values: vet._str.celltype, levels: ["squamous", "smallcell", "adeno", "large"] },
    ]);
    const fit = coxph(vet.time, vet.status, d.columns, {
      names: d.names,
      assign: d.assign,
      termNames: d.terms,
    });
    const z = coxZph(fit);
    assert.deepEqual(
      z.table.map((r) => [r.term, r.df]),
      [
        ["karno", 1],
        ["celltype", 3],
      ],
    );
    assert.equal(z.global?.df, 4);
    const perColumn = coxZph(fit, { terms: false });
    assert.equal(perColumn.table.length, 4);
    for (const r of [...z.table, ...perColumn.table]) assert.ok(r.chisq >= 0 && r.p >= 0 && r.p <= 1);
  });
});
