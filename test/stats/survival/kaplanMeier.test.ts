import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DataError } from "../../../src/errors.js";
import {
  type ConfType,
  kaplanMeier,
  kmAtTimes,
  kmQuantiles,
  kmSummary,
  kmTable,
} from "../../../src/stats/survival/kaplanMeier.js";
import { skipUnlessData } from "../../helpers/data.js";
import { Comparer, numCol, readCsv, readData, strCol } from "./survivalGoldens.js";

const skip = skipUnlessData("reference", "survival", "lung.csv");

function compareTable(file: string, confType: ConfType, by: "none" | "sex" | "trt"): Comparer {
  const data = readData(by === "trt" ? "veteran.csv" : "lung.csv");
  const fit = kaplanMeier(data.time, data.status, {
    eventCoding: by === "trt" ? "01" : "12",
    confType,
    group: by === "none" ? undefined : data[by],
    groupName: by === "none" ? undefined : by,
  });
  const rows = kmTable(fit);
  const csv = readCsv(file);
  const cmp = new Comparer(1e-12, 1e-15);
  const n = csv.rows.length;
  assert.equal(rows.length, n, `${file}: ${rows.length} rows, R ${n}`);
  const strata = csv.header.includes("strata") ? strCol(csv, "strata") : undefined;
  const cols = ["time", "n_risk", "n_event", "n_censor", "surv", "std_err", "lower", "upper"] as const;
  const golden = Object.fromEntries(cols.map((c) => [c, numCol(csv, c)]));
  for (let i = 0; i < n; i++) {
    if (strata) assert.equal(rows[i].strata, strata[i], `row ${i} strata`);
    for (const c of cols) cmp.check(`${file} row ${i + 1} ${c}`, rows[i][c], golden[c][i]);
  }
  return cmp;
}

describe("Kaplan-Meier vs R survfit + summary(censored = TRUE)", { skip }, () => {
  const cases: Array<[string, ConfType, "none" | "sex" | "trt"]> = [
    ["km_lung_overall_conflog.csv", "log", "none"],
    ["km_lung_overall_confloglog.csv", "log-log", "none"],
    ["km_lung_overall_confplain.csv", "plain", "none"],
    ["km_lung_by_sex_conflog.csv", "log", "sex"],
    ["km_lung_by_sex_confloglog.csv", "log-log", "sex"],
    ["km_lung_by_sex_confplain.csv", "plain", "sex"],
    ["km_veteran_by_trt_conflog.csv", "log", "trt"],
  ];
  for (const [file, ct, by] of cases) {
    it(`${file}`, () => {
      const cmp = compareTable(file, ct, by);
      console.log(cmp.summary(file));
      assert.deepEqual(cmp.misses, [], cmp.misses.slice(0, 20).join("\n"));
    });
  }

  it("median, its CI and the restricted mean (rmean = common) match km_median_summary.csv", () => {
    const csv = readCsv("km_median_summary.csv");
    const groups = strCol(csv, "group");
    const lung = readData("lung.csv");
    const vet = readData("veteran.csv");
    const all = kmSummary(kaplanMeier(lung.time, lung.status, { eventCoding: "12" }));
    const bySex = kmSummary(
      kaplanMeier(lung.time, lung.status, { eventCoding: "12", group: lung.sex, groupName: "sex" }),
    );
    const byTrt = kmSummary(kaplanMeier(vet.time, vet.status, { group: vet.trt, groupName: "trt" }));
    const mine = new Map([...all, ...bySex, ...byTrt].map((r) => [r.label, r]));
    const cmp = new Comparer(1e-10);
    const cols = ["n", "events", "median", "median_lower", "median_upper", "rmean", "se_rmean"];
    const golden = Object.fromEntries(cols.map((c) => [c, numCol(csv, c)]));
    groups.forEach((g, i) => {
      const r = mine.get(g);
      assert.ok(r, `group ${g} missing`);
      cmp.check(`${g} n`, r.n, golden.n[i]);
      cmp.check(`${g} events`, r.events, golden.events[i]);
      cmp.check(`${g} median`, r.median, golden.median[i]);
      cmp.check(`${g} median_lower`, r.medianLower, golden.median_lower[i]);
      cmp.check(`${g} median_upper`, r.medianUpper, golden.median_upper[i]);
      cmp.check(`${g} rmean`, r.rmean, golden.rmean[i]);
      cmp.check(`${g} se_rmean`, r.seRmean, golden.se_rmean[i]);
    });
    console.log(cmp.summary("km_median_summary.csv"));
    assert.deepEqual(cmp.misses, [], cmp.misses.join("\n"));
    // rmean = "common": sex=2 integrates to 1022 (the whole fit's last time), not its own 965
    assert.equal(mine.get("sex=2")?.rmeanEnd, 1022);
  });
});

describe("Kaplan-Meier on hand-checked fixtures", () => {
  it("product-limit estimate, Greenwood SE and counts on a tiny sample", () => {
    // times 1,2,2,3+,4 ; events at 1, 2, 2, 4
    const fit = kaplanMeier([1, 2, 2, 3, 4], [1, 1, 1, 0, 1]);
    const c = fit.curves[0];
    assert.deepEqual(Array.from(c.time), [1, 2, 3, 4]);
    assert.deepEqual(Array.from(c.nRisk), [5, 4, 2, 1]);
    assert.deepEqual(Array.from(c.nEvent), [1, 2, 0, 1]);
    assert.deepEqual(Array.from(c.nCensor), [0, 0, 1, 0]);
    assert.ok(Math.abs(c.surv[0] - 0.8) < 1e-15);
    assert.ok(Math.abs(c.surv[1] - 0.4) < 1e-15);
    assert.equal(c.surv[3], 0);
    // Greenwood: var(log S) at t=2 = 1/(5*4) + 2/(4*2)
    assert.ok(Math.abs(c.seLogSurv[1] - Math.sqrt(1 / 20 + 2 / 8)) < 1e-15);
    assert.ok(Number.isNaN(c.stdErr[3]) && Number.isNaN(c.lower[3]) && Number.isNaN(c.upper[3]));
    // median: 1 - S first >= 0.5 at t = 2
    assert.equal(kmQuantiles(fit, [0.5])[0].quantile, 2);
    // restricted mean up to 4: 1*1 + 1*0.8 + 1*0.4 + 1*0.4
    assert.ok(Math.abs(kmSummary(fit)[0].rmean - 2.6) < 1e-12);
  });

  it("numbers at risk and survival at chosen times", () => {
    const fit = kaplanMeier([1, 2, 2, 3, 4], [1, 1, 1, 0, 1]);
    const at = kmAtTimes(fit, [0, 2, 2.5, 10]);
    assert.deepEqual(
      at.map((r) => [r.time, r.nRisk, r.nEvent, r.nCensor, Math.round(r.surv * 1e12) / 1e12]),
      [
        [0, 5, 0, 0, 1],
        [2, 4, 3, 0, 0.4],
        [2.5, 2, 0, 0, 0.4],
        [10, 0, 1, 1, 0],
      ],
    );
  });

  it("rejects negative, missing or miscoded input with the row named", () => {
    assert.throws(
      () => kaplanMeier([1, -2], [1, 0]),
      (e: Error) => e instanceof DataError && /row 2/.test(e.message),
    );
    assert.throws(
      () => kaplanMeier([1, Number.NaN], [1, 0]),
      (e: Error) => e instanceof DataError && /missing/.test(e.message),
    );
    assert.throws(
      () => kaplanMeier([1, 2], [1, 2]),
      (e: Error) => e instanceof DataError && /eventCoding/.test(e.message),
    );
    assert.throws(() => kaplanMeier([1, 2], [1, 0], { eventCoding: "12" }), DataError);
    assert.throws(() => kaplanMeier([1, 2, 3], [1, 0]), DataError);
  });
});
