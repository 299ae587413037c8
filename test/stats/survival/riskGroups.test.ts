import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { kaplanMeier } from "../../../src/stats/survival/kaplanMeier.js";
import { logRank } from "../../../src/stats/survival/logrank.js";
import { Random } from "../../../src/stats/core/random.js";
import { assignRiskGroups, riskCutoffs, riskStratify } from "../../../src/stats/survival/riskGroups.js";

describe("risk stratification", () => {
  it("cut-offs are R type-7 quantiles of the training scores; ties go to the lower group", () => {
    assert.deepEqual(riskCutoffs([4, 1, 3, 2], "median"), [2.5]);
    assert.deepEqual(riskCutoffs([1, 2, 3, 4, 5, 6, 7], "tertile"), [3, 5]);
    assert.deepEqual(Array.from(assignRiskGroups([2.5, 2.6, 1], [2.5])), [0, 1, 0]);
  });

  it("validation uses the training cut-offs; KM and log-rank per set agree with direct calls", () => {
    const rng = new Random(4);
    const mk = (n: number) => {
      const score = Array.from({ length: n }, () => rng.normal());
      const time = score.map((s) => rng.exponential(0.1 * Math.exp(s)));
      const event = time.map(() => (rng.next() < 0.8 ? 1 : 0));
      return { time, event, score };
    };
    const train = mk(120);
    const valid = mk(80);
    const r = riskStratify(train, valid, { split: "tertile" });
    assert.deepEqual(r.groupNames, ["low", "intermediate", "high"]);
    assert.deepEqual(r.cutoffs, riskCutoffs(train.score, "tertile"));
    assert.deepEqual(
      Array.from(r.validation?.group ?? []),
      Array.from(assignRiskGroups(valid.score, r.cutoffs)),
    );
    assert.deepEqual(r.train.counts, [40, 40, 40]);
    const lr = logRank(valid.time, valid.event, r.validation?.labels ?? [], {
      levels: ["low", "intermediate", "high"],
    });
    assert.equal(r.validation?.logrank?.chisq, lr.chisq);
    const km = kaplanMeier(valid.time, valid.event, {
      group: r.validation?.labels,
      levels: ["low", "intermediate", "high"],
    });
    assert.deepEqual(Array.from(r.validation?.km.curves[2].surv ?? []), Array.from(km.curves[2].surv));
    // a score that really predicts risk separates the groups
    assert.ok((r.train.logrank?.p ?? 1) < 0.01);
  });
});
