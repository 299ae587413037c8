import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DataError } from "../../../src/errors.js";
import { type ConfusionMatrix, confusionMatrix } from "../../../src/stats/metrics/metrics.js";
import { Random } from "../../../src/stats/core/random.js";
import {
  closestTopLeft,
  operatingPointAtSensitivity,
  operatingPointAtSpecificity,
  operatingPoints,
  youdenOptimal,
} from "../../../src/stats/metrics/roc.js";

function data(seed: number, n: number, ties: boolean) {
  const rng = new Random(seed);
  const s = new Float64Array(n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.next() < 0.4 ? 1 : 0;
    s[i] = ties ? rng.int(8) + y[i] : rng.normal() + y[i];
  }
  y[0] = 1;
  y[1] = 0;
  return { s, y };
}

/** Every distinct score (high to low) with its confusion matrix, by brute force. */
function allPoints(s: Float64Array, y: Uint8Array): ConfusionMatrix[] {
  const u = Array.from(new Set(s)).sort((a, b) => b - a);
  return u.map((t) => confusionMatrix(s, y, t));
}

const counts = (c: ConfusionMatrix) => [c.tp, c.fp, c.tn, c.fn];

describe("operating points", () => {
  test("Youden and closest-top-left equal brute-force search (ties: highest threshold)", () => {
    for (let rep = 0; rep < 40; rep++) {
      const { s, y } = data(rep, 20 + rep * 3, rep % 2 === 0);
      const pts = allPoints(s, y);
      let best = pts[0];
      for (const p of pts) if (p.youden > best.youden + 1e-12) best = p;
      const yo = youdenOptimal(s, y);
      assert.deepEqual(counts(yo), counts(best));
      assert.equal(yo.threshold, best.threshold);
      assert.ok(Math.abs(yo.youden - best.youden) < 1e-15);
      for (const t of yo.tiedThresholds)
        assert.ok(Math.abs(confusionMatrix(s, y, t).youden - yo.youden) < 1e-12);
      let bt = pts[0];
      const d = (p: ConfusionMatrix) => (1 - p.sensitivity) ** 2 + (1 - p.specificity) ** 2;
      for (const p of pts) if (d(p) < d(bt) - 1e-15) bt = p;
      assert.deepEqual(counts(closestTopLeft(s, y)), counts(bt));
      // midpoint thresholds give the same confusion matrix
      const mid = youdenOptimal(s, y, { thresholdStyle: "midpoint" });
      assert.deepEqual(counts(confusionMatrix(s, y, mid.threshold)), counts(best));
    }
  });

  test("cut-offs at target sensitivity / specificity equal brute force", () => {
    for (let rep = 0; rep < 30; rep++) {
      const { s, y } = data(100 + rep, 40, rep % 3 === 0);
      const pts = allPoints(s, y);
      for (const target of [0.5, 0.8, 0.9, 0.95, 1]) {
        const okSens = pts.filter((p) => p.sensitivity >= target);
        const want = okSens[0]; // highest threshold reaching the sensitivity
        const got = operatingPointAtSensitivity(s, y, target);
        assert.deepEqual(counts(got), counts(want));
        const okSpec = pts.filter((p) => p.specificity >= target);
        const got2 = operatingPointAtSpecificity(s, y, target);
        if (okSpec.length === 0) {
          assert.equal(got2.threshold, Number.POSITIVE_INFINITY);
          assert.deepEqual([got2.tp, got2.fp], [0, 0]);
        } else assert.deepEqual(counts(got2), counts(okSpec[okSpec.length - 1]));
      }
    }
  });

  test("operatingPoints at arbitrary thresholds equal confusionMatrix", () => {
    const { s, y } = data(7, 60, true);
    const ts = [-100, -1, 0, 0.5, 1, 3, 3.5, 8, 9, 100, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    const pts = operatingPoints(s, y, ts);
    for (let k = 0; k < ts.length; k++) assert.deepEqual(pts[k], confusionMatrix(s, y, ts[k]));
    assert.throws(() => operatingPoints(s, y, [Number.NaN]), DataError);
    assert.throws(() => operatingPointAtSensitivity(s, y, 1.5), DataError);
  });

  test("hand example", () => {
    // scores 0.9(+) 0.8(+) 0.7(-) 0.6(+) 0.2(-) 0.1(-)
    const s = [0.1, 0.6, 0.7, 0.2, 0.9, 0.8];
    const y = [0, 1, 0, 0, 1, 1];
    const yo = youdenOptimal(s, y);
    // t=0.8: sens 2/3 spec 1 -> J 2/3 ; t=0.6: sens 1 spec 2/3 -> J 2/3 (tie): highest threshold wins
    assert.equal(yo.threshold, 0.8);
    assert.deepEqual(Array.from(yo.tiedThresholds), [0.8, 0.6]);
    assert.deepEqual(
      Array.from(youdenOptimal(s, y, { thresholdStyle: "midpoint" }).tiedThresholds),
      [0.75, 0.4],
    );
    const at = operatingPointAtSensitivity(s, y, 0.9);
    assert.equal(at.threshold, 0.6);
    assert.equal(at.specificity, 2 / 3);
  });
});
