/**
 * p-value adjustment vs statsmodels `multipletests` and R `p.adjust`
 * (../shared/data/reference/univariate/multipletests_statsmodels.json, univariate_R_crosscheck.json).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { InputError } from "../../../src/errors.js";
import { adjustPValues, type PAdjustMethod, parsePAdjustMethod } from "../../../src/stats/tests/fdr.js";
import { dataPath, skipUnlessData } from "../../helpers/data.js";

const SM_METHOD: Record<string, PAdjustMethod> = {
  fdr_bh: "BH",
  fdr_by: "BY",
  holm: "holm",
  bonferroni: "bonferroni",
};

function compare(
  label: string,
  got: ArrayLike<number>,
  want: number[],
  tol: number,
  misses: string[],
): number {
  let maxErr = 0;
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    const err = got[i] === want[i] ? 0 : Math.abs(got[i] - want[i]) / Math.abs(want[i]);
    maxErr = Math.max(maxErr, err);
    if (!(err <= tol))
      misses.push(`${label}[${i}]: got ${got[i]}, want ${want[i]} (rel err ${err.toExponential(2)})`);
  }
  return maxErr;
}

describe("adjustPValues", () => {
  test("small hand-checked example and edge cases", () => {
    const p = [0.01, 0.02, 0.03, 0.04];
    // BH: m/i p = 0.04, 0.04, 0.04, 0.04
    const r12 = (v: number) => Math.round(v * 1e12) / 1e12;
    assert.deepEqual(Array.from(adjustPValues(p, "BH"), r12), [0.04, 0.04, 0.04, 0.04]);
    // Holm: 4*0.01, 3*0.02, 2*0.03, 1*0.04 -> cummax 0.04, 0.06, 0.06, 0.06
    const holm = adjustPValues(p, "holm");
    assert.deepEqual(
      Array.from(holm, (v) => Math.round(v * 1e12) / 1e12),
      [0.04, 0.06, 0.06, 0.06],
    );
    assert.deepEqual(Array.from(adjustPValues([0.5, 0.9], "bonferroni")), [1, 1]);
    // NaN passes through and does not count in m
    const withNaN = adjustPValues([0.01, Number.NaN, 0.02], "bonferroni");
    assert.equal(withNaN[0], 0.02);
    assert.ok(Number.isNaN(withNaN[1]));
    assert.equal(withNaN[2], 0.04);
    assert.equal(adjustPValues([], "BH").length, 0);
    assert.throws(() => adjustPValues([0.5, 1.2], "BH"), InputError);
    assert.equal(parsePAdjustMethod("fdr_bh"), "BH");
    assert.equal(parsePAdjustMethod("Holm"), "holm");
    assert.throws(() => parsePAdjustMethod("sidak"), /unknown p-value adjustment "sidak"/);
  });

  test("matches statsmodels multipletests (12 runs) and R p.adjust", {
    skip: skipUnlessData("reference", "univariate", "multipletests_statsmodels.json"),
  }, () => {
    const sm = JSON.parse(
      readFileSync(dataPath("reference", "univariate", "multipletests_statsmodels.json")!, "utf8"),
    );
    const misses: string[] = [];
    let maxErr = 0;
    for (const [key, run] of Object.entries<{
      p: number[];
      p_adjusted: number[];
      "reject_alpha_0.05": boolean[];
    }>(sm.results)) {
      const method = SM_METHOD[key.split(":")[1]];
      assert.ok(method, key);
      const adj = adjustPValues(run.p, method);
      maxErr = Math.max(maxErr, compare(key, adj, run.p_adjusted, 1e-14, misses));
      const reject = Array.from(adj, (v) => v <= 0.05);
      assert.deepEqual(reject, run["reject_alpha_0.05"], `${key}: rejections at alpha 0.05`);
    }
    const r = JSON.parse(
      readFileSync(dataPath("reference", "univariate", "univariate_R_crosscheck.json")!, "utf8"),
    );
    const mwu = sm.results["mwu_p:fdr_bh"].p as number[];
    const hand = sm.results["handmade12:fdr_bh"].p as number[];
    // R prints 15 significant digits
    maxErr = Math.max(
      maxErr,
      compare("R mwu_bh", adjustPValues(mwu, "BH"), r.p_adjust.mwu_bh, 1e-13, misses),
    );
    compare("R mwu_by", adjustPValues(mwu, "BY"), r.p_adjust.mwu_by, 1e-13, misses);
    compare("R mwu_holm", adjustPValues(mwu, "holm"), r.p_adjust.mwu_holm, 1e-13, misses);
    compare("R handmade12_bh", adjustPValues(hand, "BH"), r.p_adjust.handmade12_bh, 1e-13, misses);
    process.stderr.write(`fdr vs statsmodels: max rel err ${maxErr.toExponential(2)}\n`);
    if (misses.length) assert.fail(misses.join("\n"));
  });
});
