/**
 * Distributions: checked against closed forms (identities that hold exactly, including in the far tails),
 * a few published table values, and the p-values scipy/R computed for the univariate goldens
 * (../shared/data/reference/univariate), recomputed here from the statistics and degrees of freedom
 * stored next to them.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  chi2Cdf,
  chi2Quantile,
  chi2Sf,
  erf,
  erfc,
  fCdf,
  fSf,
  hypergeometricLogPmf,
  logBeta,
  logGamma,
  normalCdf,
  normalIsf,
  normalPdf,
  normalQuantile,
  normalSf,
  normalTwoSided,
  regGammaP,
  regGammaQ,
  regIncBeta,
  regIncBetaUpper,
  studentTCdf,
  studentTQuantile,
  studentTSf,
  studentTTwoSided,
} from "../../../src/stats/core/distributions.js";
import { dataPath, skipUnlessData } from "../../helpers/data.js";

/** Collects relative errors; fails listing every miss with both values. */
class RelCheck {
  misses: string[] = [];
  maxErr = 0;
  constructor(
    readonly name: string,
    readonly tol: number,
  ) {}
  /** Relative error |got - want| / max(|want|, absFloor); `cond` scales the tolerance for ill-conditioned checks. */
  check(label: string, got: number, want: number, absFloor = 0, cond = 1): void {
    const err = want === got ? 0 : Math.abs(got - want) / Math.max(Math.abs(want), absFloor);
    if (!(err <= this.tol * cond))
      this.misses.push(`${label}: got ${got}, want ${want} (rel err ${err.toExponential(2)})`);
    if (Number.isFinite(err)) this.maxErr = Math.max(this.maxErr, err);
  }
  done(): void {
    if (this.misses.length)
      assert.fail(`${this.name}: ${this.misses.length} misses\n${this.misses.join("\n")}`);
  }
}

describe("erf / normal", () => {
  test("published values (Abramowitz & Stegun 7.1, 26.2) and symmetry", () => {
    const c = new RelCheck("normal", 1e-15);
    // A&S Table 26.1 / standard two-sided critical values
    c.check("Phi(1.959963984540054)", normalCdf(1.959963984540054), 0.975);
    c.check("Phi^-1(0.975)", normalQuantile(0.975), 1.959963984540054);
    c.check("Phi^-1(0.995)", normalQuantile(0.995), 2.5758293035489004);
    c.check("Phi^-1(0.95)", normalQuantile(0.95), 1.6448536269514722);
    c.check("erf(1)", erf(1), 0.8427007929497149);
    c.check("erfc(1)", erfc(1), 0.15729920705028513);
    c.check("erfc(5)", erfc(5), 1.5374597944280349e-12);
    c.check("erfc(10)", erfc(10), 2.088487583762545e-45);
    c.check("normalPdf(0)", normalPdf(0), 1 / Math.sqrt(2 * Math.PI));
    for (const z of [0.1, 0.5, 0.7, 1, 2, 3, 5, 8, 12]) {
      c.check(`Phi(-z)=Q(z) z=${z}`, normalCdf(-z), normalSf(z));
      c.check(`erfc(-x)=2-erfc(x) x=${z}`, erfc(-z), 2 - erfc(z));
      c.check(`erf = 1 - erfc, x=${z / 4}`, erf(z / 4), 1 - erfc(z / 4), 1e-3);
      c.check(`two-sided z=${z}`, normalTwoSided(z), 2 * normalSf(z));
    }
    c.done();
  });

  test("far tail: Q(z) and erfc(x) vs their Laplace continued fractions", () => {
    // Q(z) = phi(z) / (z + 1/(z + 2/(z + 3/(z + ...)))), erfc(x) = e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + ...))),
    // both converging fast for large arguments. z and x are chosen so that z^2, x^2 are exact doubles.
    const c = new RelCheck("normal far tail", 3e-15);
    for (const z of [10, 15, 20, 25, 30, 35, 37.5]) {
      let cf = z;
      for (let k = 300; k >= 1; k--) cf = z + k / cf;
      const phi = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
      c.check(`Q(${z})`, normalSf(z), phi / cf);
      c.check(`Phi(-${z})`, normalCdf(-z), phi / cf);
      c.check(`pdf(${z})`, normalPdf(z), phi);
    }
    for (const x of [5, 10, 15.5, 20, 26.5]) {
      let cf = x;
      for (let k = 300; k >= 1; k--) cf = x + k / 2 / cf;
      c.check(`erfc(${x})`, erfc(x), Math.exp(-x * x) / Math.sqrt(Math.PI) / cf);
    }
    // the exact exponent shows up to ~1e-300
    assert.ok(normalSf(37) > 5e-300 && normalSf(37) < 6e-300, `Q(37) = ${normalSf(37)}`);
    c.done();
  });

  test("quantile round trip, including p = 1e-300", () => {
    const c = new RelCheck("normal quantile", 2e-15);
    for (const p of [
      1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10, 1e-5, 0.001, 0.02, 0.07, 0.2, 0.5, 0.8, 0.93,
    ]) {
      const z = normalQuantile(p);
      // d log Phi = (phi/Phi) dz ~ |z| dz and dz ~ eps |z|: the round trip is conditioned by 1 + z^2
      c.check(`Phi(Phi^-1(${p}))`, normalCdf(z), p, 0, 1 + z * z);
      c.check(`isf(${p})`, normalIsf(p), -z, 1);
    }
    assert.equal(normalQuantile(0), Number.NEGATIVE_INFINITY);
    assert.equal(normalQuantile(1), Number.POSITIVE_INFINITY);
    assert.ok(Number.isNaN(normalQuantile(1.5)));
    c.done();
  });
});

describe("gamma and beta functions", () => {
  test("logGamma: factorials, half-integers, reflection", () => {
    const c = new RelCheck("logGamma", 4e-15);
    let fact = 1;
    for (let n = 1; n <= 25; n++) {
      c.check(`logGamma(${n})`, logGamma(n), Math.log(fact), 1);
      fact *= n;
    }
    // Gamma(n + 1/2) = (2n)! / (4^n n!) sqrt(pi)
    let g = Math.sqrt(Math.PI);
    for (let n = 0; n <= 20; n++) {
      c.check(`logGamma(${n}.5)`, logGamma(n + 0.5), Math.log(g), 1);
      g *= n + 0.5;
    }
    c.check("logGamma(-0.5)", logGamma(-0.5), Math.log(2 * Math.sqrt(Math.PI)), 1);
    // Stirling at large x: log Gamma(x) ~ (x - 1/2) log x - x + log sqrt(2 pi) + 1/(12x)
    const x = 1e8;
    c.check(
      "logGamma(1e8)",
      logGamma(x),
      (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x),
    );
    c.check("logBeta(0.5,0.5)", logBeta(0.5, 0.5), Math.log(Math.PI));
    c.check("logBeta(300,200)", logBeta(300, 200), logGamma(300) + logGamma(200) - logGamma(500), 1);
    c.check("logBeta(3,4)", logBeta(3, 4), Math.log(1 / 60));
    assert.equal(logGamma(0), Number.POSITIVE_INFINITY);
    c.done();
  });

  test("regularised incomplete gamma: closed forms for integer and half-integer a", () => {
    // a result of size e^-E carries a relative error ~E eps from its exponent (E <= 745): 1e-13 in the far tail
    const c = new RelCheck("gamma", 1e-13);
    // Q(n, x) = e^-x sum_{k<n} x^k / k! and P(n, x) = e^-x sum_{k>=n} x^k / k! (Poisson tails; positive terms,
    // so both sums are accurate; each term computed as a product to avoid log/exp rounding)
    for (const n of [1, 2, 5, 10, 30]) {
      for (const x of [0.01, 0.5, 3, 10, 40, 200, 700]) {
        const ex = Math.exp(-x);
        let term = ex; // x^k e^-x / k!
        let lower = 0;
        for (let k = 0; k < n; k++) {
          lower += term;
          term *= x / (k + 1);
        }
        let upper = 0;
        for (let k = n; k < n + 2000; k++) {
          upper += term;
          term *= x / (k + 1);
          if (term < upper * 1e-18) break;
        }
        if (ex > 1e-290 && lower > 1e-290) c.check(`Q(${n},${x})`, regGammaQ(n, x), lower);
        if (ex > 1e-290 && upper > 1e-290) c.check(`P(${n},${x})`, regGammaP(n, x), upper);
      }
    }
    // chi-square with 1 and 2 df: Q(1/2, x) = erfc(sqrt x); chi2Sf(x, 2) = exp(-x/2)
    for (const r of [1e-3, 0.5, 1.5, 4.5, 10, 17.5, 25.5]) {
      const x = r * r; // exact, so that sqrt(x) = r exactly
      c.check(`Q(0.5,${x})`, regGammaQ(0.5, x), erfc(r));
      c.check(`chi2Sf(${x},1)`, chi2Sf(x, 1), 2 * normalSf(r));
      c.check(`chi2Sf(${2 * x},2)`, chi2Sf(2 * x, 2), Math.exp(-x));
      c.check(`chi2Cdf(${2 * x},2)`, chi2Cdf(2 * x, 2), -Math.expm1(-x));
      c.check(`P+Q(${x})`, regGammaP(3.7, x) + regGammaQ(3.7, x), 1);
    }
    c.done();
  });

  test("regularised incomplete beta: closed forms and symmetry", () => {
    const c = new RelCheck("beta", 1e-13);
    // dyadic x so that 1 - x is exact
    for (const x of [2 ** -27, 2 ** -7, 0.3125, 0.5, 0.765625, 1 - 2 ** -7, 1 - 2 ** -30]) {
      for (const a of [0.5, 1, 3.5, 40, 1000]) {
        // I_x(a, 1) = x^a; 1 - I_x(1, b) = (1-x)^b
        const xa = x ** a;
        if (xa > 1e-300) c.check(`I_${x}(${a},1)`, regIncBeta(x, a, 1), xa);
        const yb = (1 - x) ** a;
        if (yb > 1e-300) c.check(`1-I_${x}(1,${a})`, regIncBetaUpper(x, 1, a), yb);
        // symmetry I_x(a, b) = 1 - I_{1-x}(b, a)
        c.check(`sym ${x},${a}`, regIncBeta(x, a, 2.5), regIncBetaUpper(1 - x, 2.5, a), 1e-300);
      }
    }
    // I_x(a, b) for integer a, b: binomial tail sum_{j>=a} C(n, j) x^j (1-x)^(n-j), n = a + b - 1 (positive terms
    // by recurrence from the mode-free start j = n)
    for (const [x, a, b] of [
      [0.3, 5, 8],
      [0.05, 20, 30],
      [0.9, 40, 3],
      [0.25, 60, 70],
    ]) {
      const n = a + b - 1;
      let term = x ** n; // j = n
      let s = 0;
      for (let j = n; j >= a; j--) {
        s += term;
        term *= (j / (n - j + 1)) * ((1 - x) / x);
      }
      c.check(`I_${x}(${a},${b})`, regIncBeta(x, a, b), s, 1e-300);
    }
    for (const a of [0.5, 3, 60, 1e4]) c.check(`I_0.5(${a},${a}) = 1/2`, regIncBeta(0.5, a, a), 0.5);
    c.done();
  });
});

describe("t, chi-square, F", () => {
  test("t with 1 and 2 df (closed forms) into the far tail", () => {
    const c = new RelCheck("t closed forms", 2e-14);
    for (const t of [0.01, 0.5, 1, 3, 10, 1e3, 1e8, 1e100, 1e160, 1e250]) {
      // Cauchy: P(T > t) = atan(1/t)/pi
      c.check(`t1 sf ${t}`, studentTSf(t, 1), Math.atan2(1, t) / Math.PI);
      c.check(`t1 cdf ${-t}`, studentTCdf(-t, 1), Math.atan2(1, t) / Math.PI);
      // df = 2: P(T > t) = (1 - t / sqrt(2 + t^2)) / 2 = 1 / (sqrt(2+t^2) (sqrt(2+t^2) + t))
      // df = 2: P(T > t) = (1 - t / sqrt(2 + t^2)) / 2 = 1 / (sqrt(2+t^2) (sqrt(2+t^2) + t)) ~ 1/(2t^2) for huge t
      const r = t < 1e100 ? Math.sqrt(2 + t * t) : t;
      const want = t < 1e100 ? 1 / (r * (r + t)) : 0.5 / t / t;
      c.check(`t2 sf ${t}`, studentTSf(t, 2), want);
      c.check(`t2 two-sided ${t}`, studentTTwoSided(t, 2), 2 * want);
    }
    c.done();
  });

  test("t -> normal, F(1, df) = t^2, F(d1, inf-like) consistency", () => {
    const c = new RelCheck("t/F", 1e-13);
    for (const df of [1, 3, 10.5, 100, 567, 1e4, 1e6, 1e8]) {
      for (const t of [0.2, 1.5, 4, 12, 40]) {
        c.check(`F(${t}^2;1,${df})`, fSf(t * t, 1, df), studentTTwoSided(t, df), 1e-300);
        c.check(`Fcdf+Fsf ${df}`, fCdf(t, 3, df) + fSf(t, 3, df), 1);
      }
    }
    // very large df: t approaches the normal; the relative gap is about (t^4 + 2t^2 + 1) / (4 df) (< 2e-13 here)
    for (const t of [0.5, 2, 5]) c.check(`t(1e15)~N ${t}`, studentTSf(t, 0.99e15), normalSf(t), 0, 3);
    // F(2, d2) closed form: P(F > x) = (1 + 2x/d2)^(-d2/2)
    for (const [x, d2] of [
      [0.5, 10],
      [30, 40],
      [1000, 566],
      [3000, 566],
    ])
      c.check(`F(${x};2,${d2})`, fSf(x, 2, d2), Math.exp((-d2 / 2) * Math.log1p((2 * x) / d2)));
    c.done();
  });

  test("quantiles invert the CDFs (t, chi-square), also far in the tails", () => {
    const c = new RelCheck("quantiles", 1e-13);
    c.check("t_{0.975,10}", studentTQuantile(0.975, 10), 2.228138851986274); // scipy.stats.t.ppf
    c.check("t_{0.975,1}", studentTQuantile(0.975, 1), Math.tan(Math.PI * 0.475));
    c.check("chi2_{0.95,1}", chi2Quantile(0.95, 1), 1.959963984540054 ** 2);
    c.check("chi2_{0.9,2}", chi2Quantile(0.9, 2), -2 * Math.log(0.1));
    c.check("chi2_{1e-100,2}", chi2Quantile(1e-100, 2), 2e-100);
    for (const df of [1, 2.5, 7, 30, 500]) {
      for (const p of [1e-100, 1e-10, 0.01, 0.3, 0.6, 0.99, 1 - 1e-12]) {
        const t = studentTQuantile(p, df);
        if (p < 0.5) c.check(`tcdf(tq(${p},${df}))`, studentTCdf(t, df), p);
        else c.check(`tsf(tq(${p},${df}))`, studentTSf(t, df), 1 - p);
        const x = chi2Quantile(p, df);
        if (p < 0.5) c.check(`chi2cdf(q(${p},${df}))`, chi2Cdf(x, df), p);
        else c.check(`chi2sf(q(${p},${df}))`, chi2Sf(x, df), 1 - p);
      }
    }
    c.done();
  });
});

describe("hypergeometric", () => {
  test("log pmf sums to one and matches exact binomial coefficients", () => {
    const c = new RelCheck("hypergeometric", 1e-13);
    for (const [K, n, N] of [
      [10, 5, 50],
      [284, 212, 569],
      [27, 24, 30],
      [1000, 1000, 5000],
    ]) {
      let s = 0;
      for (let k = Math.max(0, n - (N - K)); k <= Math.min(n, K); k++)
        s += Math.exp(hypergeometricLogPmf(k, K, n, N));
      c.check(`sum pmf ${K},${n},${N}`, s, 1);
    }
    // exact small case: C(5,3) C(4,1) / C(9,4) = 10 * 4 / 126
    c.check("pmf(3;5,4,9)", Math.exp(hypergeometricLogPmf(3, 5, 4, 9)), 40 / 126);
    c.check(
      "pmf(0;10,5,50)",
      Math.exp(hypergeometricLogPmf(0, 10, 5, 50)),
      (40 * 39 * 38 * 37 * 36) / (50 * 49 * 48 * 47 * 46),
    );
    assert.equal(hypergeometricLogPmf(6, 10, 5, 50), Number.NEGATIVE_INFINITY);
    c.done();
  });
});

describe("scipy / R p-values recomputed from the stored statistics", {
  skip: skipUnlessData("reference", "univariate"),
}, () => {
  test("t, chi-square p-values (univariate_scipy.json, univariate_R_crosscheck.json)", () => {
    const path = dataPath("reference", "univariate", "univariate_scipy.json")!;
    const g = JSON.parse(readFileSync(path, "utf8"));
    const c = new RelCheck("p from statistic", 1e-12);
    for (const f of g.per_feature) {
      const n = f.n_malignant + f.n_benign;
      c.check(`${f.feature} welch_p`, studentTTwoSided(f.welch_t, f.welch_df), f.welch_p);
      c.check(`${f.feature} student_p`, studentTTwoSided(f.student_t, n - 2), f.student_p);
      const tr = (r: number) => r * Math.sqrt((n - 2) / ((1 - r) * (1 + r)));
      c.check(`${f.feature} pearson_p`, studentTTwoSided(tr(f.pearson_r_vs_malignant), n - 2), f.pearson_p);
      c.check(
        `${f.feature} spearman_p`,
        studentTTwoSided(tr(f.spearman_rho_vs_malignant), n - 2),
        f.spearman_p,
      );
    }
    for (const t of g.two_by_two) {
      if (t.chi2_yates > 0) c.check(`${t.name} p_yates`, chi2Sf(t.chi2_yates, 1), t.p_yates);
      c.check(`${t.name} p_no_correction`, chi2Sf(t.chi2_no_correction, 1), t.p_no_correction);
    }
    process.stderr.write(`distributions vs scipy p-values: max rel err ${c.maxErr.toExponential(2)}\n`);
    c.done();
  });
});
