import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { auc } from "../../../src/stats/metrics/metrics.js";
import { Random } from "../../../src/stats/core/random.js";
import { timeDependentAuc } from "../../../src/stats/survival/timeAuc.js";

describe("time-dependent AUC (cumulative/dynamic, IPCW)", () => {
  it("without censoring equals the plain Mann-Whitney AUC of cases (T <= t) vs controls (T > t)", () => {
    const rng = new Random(1);
    const n = 300;
    const m = Array.from({ length: n }, () => Math.round(rng.normal() * 4) / 4); // ties in the marker
    const time = m.map((v) => Math.ceil(10 * rng.exponential(Math.exp(v))));
    const event = time.map(() => 1);
    const horizons = [2, 5, 10];
    const rows = timeDependentAuc(time, event, m, horizons);
    horizons.forEach((t, k) => {
      const labels = time.map((ti) => (ti <= t ? 1 : 0));
      const ref = auc(m, labels);
      assert.ok(Math.abs(rows[k].auc - ref) < 1e-12, `t=${t}: ${rows[k].auc} vs Mann-Whitney ${ref}`);
      assert.equal(rows[k].nCases + rows[k].nControls, n);
    });
  });

  it("hand-computed IPCW weights on a small censored sample", () => {
    // times 1(event) 2(censored) 3(event) 4(event) 5(censored); marker 5 1 4 2 3; horizon 3.5
    // censoring KM: G(2) = 1 - 1/4 = 0.75; cases: t=1 (G(1-) = 1), t=3 (G(3-) = 0.75); controls: t=4, t=5
    // case 1 (m=5) beats both controls (2, 3); case 3 (m=4) beats both -> AUC = 1
    const r1 = timeDependentAuc([1, 2, 3, 4, 5], [1, 0, 1, 1, 0], [5, 1, 4, 2, 3], [3.5])[0];
    assert.equal(r1.auc, 1);
    assert.deepEqual([r1.nCases, r1.nControls, r1.nCensoredBefore], [2, 2, 1]);
    // marker 5 1 2.5 2 3: case 1 beats both (weight 1), case 3 (m=2.5) beats 1 of 2 (weight 1/0.75)
    const r2 = timeDependentAuc([1, 2, 3, 4, 5], [1, 0, 1, 1, 0], [5, 1, 2.5, 2, 3], [3.5])[0];
    const w3 = 1 / 0.75;
    assert.ok(Math.abs(r2.auc - (1 * 2 + w3 * 1) / ((1 + w3) * 2)) < 1e-15);
  });

  it("with heavy independent censoring it is consistent for the uncensored AUC(t)", () => {
    const rng = new Random(9);
    const n = 4000;
    const m = Array.from({ length: n }, () => rng.normal());
    const tTrue = m.map((v) => rng.exponential(0.2 * Math.exp(v)));
    const cens = m.map(() => rng.exponential(0.15));
    const time = tTrue.map((t, i) => Math.min(t, cens[i]));
    const event = tTrue.map((t, i) => (t <= cens[i] ? 1 : 0));
    for (const t of [1, 3]) {
      const est = timeDependentAuc(time, event, m, [t])[0].auc;
      const truth = auc(
        m,
        tTrue.map((ti) => (ti <= t ? 1 : 0)),
      );
      assert.ok(Math.abs(est - truth) < 0.02, `t=${t}: IPCW ${est} vs uncensored ${truth}`);
    }
  });

  it("NaN when a horizon has no cases or no controls", () => {
    const r = timeDependentAuc([1, 2, 3], [1, 1, 1], [1, 2, 3], [0.5, 10]);
    assert.ok(Number.isNaN(r[0].auc) && Number.isNaN(r[1].auc));
  });
});
