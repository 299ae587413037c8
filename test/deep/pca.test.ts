/**
 * PCA for embeddings against R's prcomp (golden generated with Debian's R by
 * test/fixtures/reference/pca/make_pca_golden.R; signs fixed there as here: largest |loading| positive).
 * The matrix has rank 5 in 6 columns, so the first 5 components are compared.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { applyPca, parsePcaModel } from "../../src/deep/pca.js";
import { fitPca } from "../../src/deep/pcaFit.js";

const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "fixtures", "reference", "pca", "pca_prcomp.json"), "utf8"),
) as {
  columns: string[];
  x: number[][];
  unscaled: { sdev: number[]; rotation: number[][]; scores: number[][] };
  scaled: { sdev: number[]; rotation: number[][]; scores: number[][] };
};

function relClose(a: number, b: number, tol: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

for (const scale of [false, true]) {
  test(`PCA equals prcomp(center = TRUE, scale. = ${scale ? "TRUE" : "FALSE"}): sdev, loadings, scores`, () => {
    const g = scale ? golden.scaled : golden.unscaled;
    const cols = golden.columns.map((_, j) => Float64Array.from(golden.x.map((r) => r[j]!)));
    const m = fitPca(golden.columns, cols, 5, { scale });
    for (let k = 0; k < 5; k++) {
      relClose(m.sdev[k]!, g.sdev[k]!, 1e-12, `sdev ${k + 1}`);
      for (let j = 0; j < 6; j++)
        relClose(m.components[k]![j]!, g.rotation[k]![j]!, 1e-10, `loading ${k + 1},${j}`);
    }
    for (let i = 0; i < golden.x.length; i++) {
      const s = applyPca(m, golden.x[i]!);
      for (let k = 0; k < 5; k++) relClose(s[k]!, g.scores[i]![k]!, 1e-10, `score ${i},${k + 1}`);
    }
    // a saved model round-trips through JSON unchanged
    const again = parsePcaModel(JSON.parse(JSON.stringify(m)));
    assert.deepEqual(applyPca(again, golden.x[3]!), applyPca(m, golden.x[3]!));
  });
}

test("PCA refuses too many components, too few cases, non-finite values and a wrong value count", () => {
  const cols = [Float64Array.from([1, 2, 3]), Float64Array.from([2, 1, 0])];
  assert.throws(() => fitPca(["a", "b"], cols, 3), /integer from 1 to 2/);
  assert.throws(() => fitPca(["a"], [Float64Array.from([1])], 1), /at least 2 cases/);
  assert.throws(
    () => fitPca(["a", "b"], [Float64Array.from([1, Number.NaN, 3]), cols[1]!], 1),
    /column "a" has a non-finite value in row 2/,
  );
  const m = fitPca(["a", "b"], cols, 1);
  assert.throws(() => applyPca(m, [1]), /expects 2 values/);
  assert.throws(() => parsePcaModel({ kind: "other" }), /not a PCA model file/);
});
