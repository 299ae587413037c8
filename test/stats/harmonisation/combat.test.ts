/**
 * ComBat vs neuroCombat 0.2.12 (cross-checked with sva::ComBat to 1e-12): every output CSV and every
 * estimate in combat_estimates.json (../shared/data/reference/combat; tolerance advice 1e-9 relative).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { DataError, InputError } from "../../../src/errors.js";
import { readTableFile } from "../../../src/io/table-file.js";
import { type CombatOptions, combatApply, combatFit } from "../../../src/stats/harmonisation/combat.js";
import { Random } from "../../../src/stats/core/random.js";
import type { Table } from "../../../src/stats/tables/table.js";
import { dataPath, skipUnlessData } from "../../helpers/data.js";

const DIR = ["reference", "combat"] as const;
const TOL = 1e-9;

const RUNS: Record<string, { covariates: boolean; options: CombatOptions }> = {
  parametric_cov_diagnosis: { covariates: true, options: {} },
  nonparametric_cov_diagnosis: { covariates: true, options: { parametric: false } },
  parametric_no_covariates: { covariates: false, options: {} },
  parametric_meanonly_cov_diagnosis: { covariates: true, options: { meanOnly: true } },
  no_eb_cov_diagnosis: { covariates: true, options: { eb: false } },
};

let input: Table | undefined;
async function load() {
  input ??= await readTableFile(dataPath(...DIR, "combat_input_batch_affected.csv")!);
  const t = input;
  const features = t.names.filter((n) => n !== "row" && n !== "batch" && n !== "diagnosis");
  return {
    t,
    features,
    X: features.map((f) => t.numeric(f)),
    batch: t.text("batch") as string[],
    diagnosis: t.text("diagnosis") as string[],
  };
}

function maxRel(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  label: string,
  misses: string[],
  tol = TOL,
): number {
  let m = 0;
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    const err = got[i] === want[i] ? 0 : Math.abs(got[i] - want[i]) / Math.abs(want[i]);
    if (!(err <= tol))
      misses.push(`${label}[${i}]: got ${got[i]}, want ${want[i]} (rel err ${err.toExponential(2)})`);
    m = Math.max(m, err);
  }
  return m;
}

describe("ComBat vs neuroCombat / sva", { skip: skipUnlessData(...DIR) }, () => {
  for (const [run, cfg] of Object.entries(RUNS)) {
    test(`${run}: harmonised data and estimates`, async () => {
      const { features, X, batch, diagnosis } = await load();
      const res = combatFit(X, batch, cfg.covariates ? { categorical: { diagnosis } } : undefined, {
        ...cfg.options,
        featureNames: features,
      });
      const misses: string[] = [];
      const out = await readTableFile(dataPath(...DIR, `combat_output_${run}.csv`)!);
      assert.deepEqual(
        Array.from(out.numeric("row")),
        Array.from({ length: 569 }, (_, i) => i),
      );
      let maxOut = 0;
      features.forEach((f, j) => {
        maxOut = Math.max(maxOut, maxRel(res.data[j], out.numeric(f), `${run} ${f}`, misses));
      });
      const est = JSON.parse(readFileSync(dataPath(...DIR, "combat_estimates.json")!, "utf8")).runs[run];
      assert.deepEqual(res.model.batches, est.batches);
      const e = res.model.estimates;
      const errs: Record<string, number> = { output: maxOut };
      const cmpMatrix = (name: string, got: number[][], want: number[][]) => {
        errs[name] = Math.max(...want.map((row, k) => maxRel(got[k], row, `${run} ${name}[${k}]`, misses)));
      };
      cmpMatrix("gamma_hat", e.gammaHat, est.gamma_hat);
      cmpMatrix("delta_hat", e.deltaHat, est.delta_hat);
      cmpMatrix("gamma_star", e.gammaStar, est.gamma_star);
      cmpMatrix("delta_star", e.deltaStar, est.delta_star);
      errs.gamma_bar = maxRel(e.gammaBar, est.gamma_bar, `${run} gamma_bar`, misses);
      errs.t2 = maxRel(e.t2, est.t2, `${run} t2`, misses);
      if (est.a_prior === null) {
        assert.equal(e.aPrior, null);
        assert.equal(e.bPrior, null);
      } else {
        errs.a_prior = maxRel(e.aPrior!, est.a_prior, `${run} a_prior`, misses);
        errs.b_prior = maxRel(e.bPrior!, est.b_prior, `${run} b_prior`, misses);
      }
      errs.var_pooled = maxRel(res.model.varPooled, est.var_pooled, `${run} var_pooled`, misses);
      errs.grand_mean = maxRel(res.model.grandMean, est.grand_mean, `${run} grand_mean`, misses);
      process.stderr.write(
        `combat ${run}: max rel err ${Object.entries(errs)
          .map(([k, v]) => `${k} ${v.toExponential(1)}`)
          .join(", ")}\n`,
      );
      if (misses.length) assert.fail(`${misses.length} misses\n${misses.slice(0, 50).join("\n")}`);
    });
  }

  test("batch effect removed (README sanity: mean between-batch gap 1.06 -> 0.07)", async () => {
    const { X, batch, diagnosis } = await load();
    const gap = (cols: ArrayLike<number>[]) => {
      let total = 0;
      for (const c of cols) {
        const sums = new Map<string, [number, number]>();
        let m = 0;
        for (let i = 0; i < c.length; i++) m += c[i];
        m /= c.length;
        let ss = 0;
        for (let i = 0; i < c.length; i++) ss += (c[i] - m) ** 2;
        const sd = Math.sqrt(ss / (c.length - 1));
        for (let i = 0; i < c.length; i++) {
          const s = sums.get(batch[i]) ?? [0, 0];
          s[0] += c[i];
          s[1]++;
          sums.set(batch[i], s);
        }
        const means = [...sums.values()].map(([s, k]) => s / k);
        total += (Math.max(...means) - Math.min(...means)) / sd;
      }
      return total / cols.length;
    };
    const res = combatFit(X, batch, { categorical: { diagnosis } });
    assert.equal(gap(X).toFixed(2), "1.06");
    assert.equal(gap(res.data).toFixed(2), "0.07");
  });

  test("combatApply on the training samples reproduces combatFit; model survives JSON", async () => {
    const { X, batch, diagnosis } = await load();
    for (const options of [{}, { parametric: false }, { meanOnly: true }, { eb: false }]) {
      const res = combatFit(X, batch, { categorical: { diagnosis } }, options);
      const model = JSON.parse(JSON.stringify(res.model));
      // a test subset (every 5th sample) harmonised with the training model
      const idx = Array.from({ length: 569 }, (_, i) => i).filter((i) => i % 5 === 0);
      const sub = X.map((c) => Float64Array.from(idx, (i) => c[i]));
      const applied = combatApply(
        model,
        sub,
        idx.map((i) => batch[i]),
        { categorical: { diagnosis: idx.map((i) => diagnosis[i]) } },
      );
      const misses: string[] = [];
      applied.forEach((col, j) => {
        maxRel(
          col,
          Float64Array.from(idx, (i) => res.data[j][i]),
          `apply ${JSON.stringify(options)} f${j}`,
          misses,
          1e-12,
        );
      });
      if (misses.length) assert.fail(misses.slice(0, 20).join("\n"));
    }
  });
});

describe("ComBat: errors and edge cases", () => {
  const rng = new Random(3);
  const n = 24;
  const batch = Array.from({ length: n }, (_, i) => ["s1", "s2", "s3"][i % 3]);
  const X = Array.from({ length: 5 }, (_, j) =>
    Float64Array.from({ length: n }, (_, i) => rng.normal() + (i % 3) * 0.5 + j),
  );

  test("clear errors: single-sample batch, NaN, unseen batch, unseen covariate level, singular design", () => {
    const b1 = batch.slice();
    b1[0] = "lonely";
    assert.throws(
      () => combatFit(X, b1),
      (e: Error) => e instanceof DataError && /batch "lonely" has 1/.test(e.message),
    );
    const Xn = X.map((c) => c.slice());
    Xn[2][7] = Number.NaN;
    assert.throws(
      () => combatFit(Xn, batch, undefined, { featureNames: ["a", "b", "c", "d", "e"] }),
      (e: Error) => e instanceof InputError && /feature "c", row 8: missing/.test(e.message),
    );
    const fit = combatFit(X, batch);
    assert.throws(
      () =>
        combatApply(
          fit.model,
          X,
          batch.map((b) => (b === "s2" ? "s9" : b)),
        ),
      /batch "s9" \(row 2\) was not seen in training/,
    );
    const sex = Array.from({ length: n }, (_, i) => (i % 2 ? "F" : "M"));
    const fs = combatFit(X, batch, { categorical: { sex } });
    assert.throws(
      () => combatApply(fs.model, X, batch, { categorical: { sex: sex.map((s) => (s === "F" ? "X" : s)) } }),
      /covariate "sex", row 2: level "X" not seen/,
    );
    assert.throws(() => combatFit(X, batch, { categorical: { site: batch } }), /design is singular/);
    assert.throws(
      () =>
        combatFit(
          X,
          batch.map(() => "one"),
        ),
      /at least 2 batches/,
    );
  });

  test("constant feature is left unchanged; zero variance within a batch needs EB", () => {
    const Xc = [...X, new Float64Array(n).fill(4.2)];
    const r = combatFit(Xc, batch, undefined, { featureNames: ["a", "b", "c", "d", "e", "flat"] });
    assert.deepEqual(Array.from(r.data[5]), Array.from(Xc[5]));
    assert.match(r.model.notes.join("\n"), /feature "flat": zero pooled variance, left unchanged/);
    // the other features are harmonised exactly as without the constant one
    const r0 = combatFit(X, batch);
    for (let j = 0; j < 5; j++)
      for (let i = 0; i < n; i++) assert.ok(Math.abs(r.data[j][i] - r0.data[j][i]) < 1e-12);
    const Xb = X.map((c) => c.slice());
    for (let i = 0; i < n; i += 3) Xb[1][i] = 7; // constant within batch s1
    const eb = combatFit(Xb, batch, undefined, { featureNames: ["a", "b", "c", "d", "e"] });
    assert.match(eb.model.notes.join("\n"), /feature "b": zero variance within batch "s1"/);
    assert.ok(eb.data.every((c) => c.every(Number.isFinite)));
    assert.throws(
      () => combatFit(Xb, batch, undefined, { eb: false, featureNames: ["a", "b", "c", "d", "e"] }),
      /feature "b" has zero variance within batch "s1"/,
    );
  });

  test("continuous covariate effect is preserved", () => {
    const age = Float64Array.from({ length: n }, () => 40 + 20 * rng.next());
    // batch shifts and scales, a true age slope of 0.3 and little noise
    const Y = X.map((c, j) =>
      Float64Array.from(c, (v, i) => 0.05 * (v - j) * (1 + (i % 3)) + (i % 3) * 0.5 + 0.3 * age[i]),
    );
    const r = combatFit(Y, batch, { continuous: { age } });
    // slope of the harmonised feature on age (OLS within batch-free data) stays ~0.3
    for (const c of r.data) {
      let ma = 0;
      let my = 0;
      for (let i = 0; i < n; i++) {
        ma += age[i] / n;
        my += c[i] / n;
      }
      let sxy = 0;
      let sxx = 0;
      for (let i = 0; i < n; i++) {
        sxy += (age[i] - ma) * (c[i] - my);
        sxx += (age[i] - ma) ** 2;
      }
      assert.ok(Math.abs(sxy / sxx - 0.3) < 0.02, `slope ${sxy / sxx}`);
    }
    assert.deepEqual(r.model.continuous, ["age"]);
  });

  test("speed: 1000 samples x 1500 features (parametric) well under 2 s", () => {
    const N = 1000;
    const P = 1500;
    const b = Array.from({ length: N }, (_, i) => `b${i % 4}`);
    const cols = Array.from({ length: P }, (_, j) => {
      const c = new Float64Array(N);
      for (let i = 0; i < N; i++) c[i] = rng.normal() * (1 + (i % 4) * 0.2) + (i % 4) * 0.3 + j;
      return c;
    });
    // CPU time rather than wall time, so that a loaded machine does not make the test flaky
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    combatFit(cols, b, { continuous: { x: Float64Array.from({ length: N }, () => rng.next()) } });
    const cpu = process.cpuUsage(c0);
    const ms = (cpu.user + cpu.system) / 1000;
    process.stderr.write(
      `combat 1000 x 1500 parametric: ${ms.toFixed(0)} ms CPU (${(performance.now() - t0).toFixed(0)} ms wall)\n`,
    );
    assert.ok(ms < 2000, `${ms} ms`);
  });
});
