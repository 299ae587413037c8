/**
 * The JSON written by the analysis commands (summary.json, --json): missing values are JSON null (issue
 * #15, survival summary), infinite values stay visible as "Infinity" / "-Infinity".
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatJson } from "../../src/cli/util.js";

describe("formatJson", () => {
  it("writes NaN as null, +-Inf as strings, finite numbers unchanged", () => {
    const text = formatJson({
      hr: Number.NaN,
      ci: [1.5, Number.NaN],
      upper: Number.POSITIVE_INFINITY,
      lo: -Infinity,
      n: 3,
    });
    assert.deepEqual(JSON.parse(text), {
      hr: null,
      ci: [1.5, null],
      upper: "Infinity",
      lo: "-Infinity",
      n: 3,
    });
    assert.ok(!text.includes('"NaN"'));
  });
  it("typed arrays keep their NaN as null too", () => {
    const v = JSON.parse(formatJson({ x: Array.from(new Float64Array([0.25, Number.NaN])) }));
    assert.deepEqual(v, { x: [0.25, null] });
  });
});
