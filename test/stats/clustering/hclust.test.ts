import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { DataError, InputError } from "../../../src/errors.js";
import {
  condensedIndex,
  cutree,
  type DistanceMetric,
  distanceMatrix,
  hclust,
  type Linkage,
} from "../../../src/stats/clustering/hclust.js";
import { Random } from "../../../src/stats/core/random.js";
import { fixturePath } from "../../helpers/data.js";

/** 1-D points 0, 1, 3, 7, 15: every merge height below is worked out by hand in the comments. */
const line = Float64Array.from([0, 1, 3, 7, 15]);
const lineDist = distanceMatrix(line, 5, 1, "euclidean");

describe("hclust: hand-computed 5-point example", () => {
  it("condensed distances are |xi - xj| in R's dist order", () => {
    assert.deepEqual(Array.from(lineDist), [1, 3, 7, 15, 2, 6, 14, 4, 12, 8]);
    assert.equal(condensedIndex(5, 3, 4), 9);
    assert.equal(condensedIndex(5, 4, 1), 6);
  });
  it("single linkage: 1, 2, 4, 8; merges and order as R", () => {
    const t = hclust(lineDist, 5, "single");
    assert.deepEqual(Array.from(t.height), [1, 2, 4, 8]);
    assert.deepEqual(Array.from(t.merge), [-1, -2, -3, 1, -4, 2, -5, 3]);
    assert.deepEqual(Array.from(t.order), [4, 3, 2, 0, 1]);
    assert.deepEqual(Array.from(cutree(t, 2)), [1, 1, 1, 1, 2]);
    assert.deepEqual(Array.from(cutree(t, 3)), [1, 1, 1, 2, 3]);
    assert.deepEqual(Array.from(cutree(t, 5)), [1, 2, 3, 4, 5]);
    assert.deepEqual(Array.from(cutree(t, 1)), [1, 1, 1, 1, 1]);
  });
  it("complete linkage: 1, max(3,2) = 3, max(7,6,4) = 7, 15", () => {
    const t = hclust(lineDist, 5, "complete");
    assert.deepEqual(Array.from(t.height), [1, 3, 7, 15]);
  });
  it("average linkage: 1, (3+2)/2, (7+6+4)/3, (15+14+12+8)/4", () => {
    const t = hclust(lineDist, 5, "average");
    const want = [1, 2.5, 17 / 3, 49 / 4];
    t.height.forEach((h, i) => {
      assert.ok(Math.abs(h - want[i]) < 1e-14, `height ${i}: ${h} vs ${want[i]}`);
    });
  });
  it("ward.D2: height^2 = 2 n_i n_j / (n_i + n_j) * |centroid_i - centroid_j|^2", () => {
    const t = hclust(lineDist, 5, "ward.D2");
    // {0}+{1}; {0,1} (c 0.5) + {3}; {0,1,3} (c 4/3) + {7}; {0,1,3,7} (c 2.75) + {15}
    const want = [
      1,
      Math.sqrt((4 / 3) * 2.5 ** 2),
      Math.sqrt(1.5 * (7 - 4 / 3) ** 2),
      Math.sqrt(1.6 * 12.25 ** 2),
    ];
    t.height.forEach((h, i) => {
      assert.ok(Math.abs(h - want[i]) < 1e-12, `height ${i}: ${h} vs ${want[i]}`);
    });
    assert.deepEqual(Array.from(t.merge), [-1, -2, -3, 1, -4, 2, -5, 3]);
  });
  it("1 - Pearson distance: perfectly correlated items are at 0, anti-correlated at 2", () => {
    const x = Float64Array.from([1, 2, 3, 2, 4, 6, 3, 2, 1]);
    const d = distanceMatrix(x, 3, 3, "pearson");
    const want = [0, 2, 2];
    d.forEach((v, i) => {
      assert.ok(Math.abs(v - want[i]) < 1e-15, `${v} vs ${want[i]}`);
    });
  });
  it("errors: fewer than 2 items, wrong length, non-finite distance, constant item for correlation", () => {
    assert.throws(() => hclust(new Float64Array(0), 1), DataError);
    assert.throws(() => hclust(new Float64Array(2), 3), InputError);
    assert.throws(() => hclust(Float64Array.from([1, Number.NaN, 2]), 3), DataError);
    assert.throws(
      () =>
        distanceMatrix(Float64Array.from([1, 1, 1, 1, 2, 3]), 2, 3, "pearson", { itemNames: ["P1", "P2"] }),
      /P1 has the same value for every feature/,
    );
  });
});

describe("hclust: speed", () => {
  it("1000 items, average linkage, well under a second", () => {
    const rng = new Random(5);
    const n = 1000;
    const p = 10;
    const x = new Float64Array(n * p);
    for (let i = 0; i < x.length; i++) x[i] = rng.normal();
    const t0 = performance.now();
    const d = distanceMatrix(x, n, p, "euclidean");
    const t1 = performance.now();
    const tree = hclust(d, n, "average");
    const t2 = performance.now();
    console.log(`n=1000: distances ${(t1 - t0).toFixed(0)} ms, hclust average ${(t2 - t1).toFixed(0)} ms`);
    for (let i = 1; i < n - 1; i++)
      assert.ok(tree.height[i] >= tree.height[i - 1] - 1e-12, "average heights monotone");
    assert.ok(t2 - t1 < 3000);
  });
});

interface HcGolden {
  cases: Array<{
    name: string;
    distance: DistanceMetric;
    n: number;
    p: number;
    x: number[][];
    dist: number[];
    trees: Array<{
      method: Linkage;
      merge: number[][];
      height: number[];
      order: number[];
      cutree: number[][];
    }>;
  }>;
}

const hcFile = ["reference", "clustering", "hclust_R.json"];
describe("hclust vs R stats::hclust / cutree / dist", { skip: false }, () => {
  it("every case and linkage: merges, heights (1e-12 rel), order, cutree k = 2..6", () => {
    const g = JSON.parse(readFileSync(fixturePath(...hcFile), "utf8")) as HcGolden;
    const misses: string[] = [];
    let maxDistErr = 0;
    let maxHeightErr = 0;
    for (const c of g.cases) {
      const x = Float64Array.from(c.x.flat());
      const d = distanceMatrix(x, c.n, c.p, c.distance);
      d.forEach((v, i) => {
        const e = Math.abs(v - c.dist[i]) / Math.max(1, Math.abs(c.dist[i]));
        maxDistErr = Math.max(maxDistErr, e);
        if (e > 1e-12) misses.push(`${c.name} dist[${i}]: ours ${v} R ${c.dist[i]}`);
      });
      for (const tr of c.trees) {
        // cluster R's own distances so that the tree comparison does not depend on our dist rounding
        const t = hclust(c.dist, c.n, tr.method);
        const label = `${c.name} ${tr.method}`;
        const merge = Array.from(t.merge);
        if (JSON.stringify(merge) !== JSON.stringify(tr.merge.flat()))
          misses.push(`${label} merge: ours ${JSON.stringify(merge)} R ${JSON.stringify(tr.merge.flat())}`);
        tr.height.forEach((h, i) => {
          const e = Math.abs(t.height[i] - h) / Math.max(1, Math.abs(h));
          maxHeightErr = Math.max(maxHeightErr, e);
          if (e > 1e-12) misses.push(`${label} height[${i}]: ours ${t.height[i]} R ${h}`);
        });
        const order = Array.from(t.order, (v) => v + 1);
        if (JSON.stringify(order) !== JSON.stringify(tr.order))
          misses.push(`${label} order: ours ${order} R ${tr.order}`);
        tr.cutree.forEach((want, i) => {
          const got = Array.from(cutree(t, i + 2));
          if (JSON.stringify(got) !== JSON.stringify(want))
            misses.push(`${label} cutree k=${i + 2}: ours ${got} R ${want}`);
        });
      }
    }
    console.log(
      `hclust vs R: max rel error distances ${maxDistErr.toExponential(2)}, heights ${maxHeightErr.toExponential(2)}`,
    );
    assert.deepEqual(misses, [], misses.join("\n"));
  });
});
