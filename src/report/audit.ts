/**
 * Subgroup and fairness audit of a model's out-of-fold (or external) predictions. For each subgroup column
 * (sex, age band, ethnicity, site, scanner vendor, field strength...) and each of its levels:
 * discrimination (AUC with DeLong CI for a binary target; Harrell's C with its CI for a survival score),
 * calibration intercept and slope, sensitivity and specificity at the chosen threshold, and the gap to the
 * whole cohort with a test of the group against the rest of the cohort (DeLong test for two independent
 * ROC curves; a z test on the difference of two independent C-indices). p-values are Holm-adjusted over
 * every group tested in the audit and a group is flagged when the adjusted p < 0.05, so a fair cohort
 * flags a group with probability at most 5% in all. Groups too small to judge (fewer than `minGroup`
 * cases, or fewer than 3 cases of either class / 3 events) are listed and marked, never dropped.
 * Browser-safe.
 */
import * as S from "../stats/index.js";
import { type Num, num } from "../analysis/study/stages.js";

export interface AuditRow {
  column: string;
  level: string;
  n: number;
  /** Positives (binary) or events (survival). */
  nPositive: number;
  status: "ok" | "too small";
  reason: string;
  metric: "AUC" | "C-index";
  value: Num;
  ci: [Num, Num];
  calibrationIntercept: Num;
  calibrationSlope: Num;
  sensitivity: Num;
  specificity: Num;
  /** Group value minus whole-cohort value. */
  gap: Num;
  /** Test of the group against the rest of the cohort, and its Holm-adjusted p. */
  p: Num;
  pAdjusted: Num;
  flagged: boolean;
}

export interface AuditResult {
  target: string;
  metric: "AUC" | "C-index";
  whole: { n: number; value: Num; ci: [Num, Num] };
  threshold: number | null;
  minGroup: number;
  rows: AuditRow[];
  flagged: string[];
  notes: string[];
}

/** Subgroup values: a text column as is; a numeric column with more than 6 values in tertile bands. */
export function subgroupValues(
  column: string,
  values: ArrayLike<number> | (string | null)[],
  numeric: boolean,
): { values: (string | null)[]; note?: string } {
  if (!numeric) return { values: Array.from(values as (string | null)[]) };
  const v = Array.from(values as ArrayLike<number>);
  const distinct = [...new Set(v.filter((x) => Number.isFinite(x)))].sort((a, b) => a - b);
  if (distinct.length <= 6) return { values: v.map((x) => (Number.isFinite(x) ? String(x) : null)) };
  const sorted = v.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const c1 = S.bootstrap.quantileSorted(Float64Array.from(sorted), 1 / 3);
  const c2 = S.bootstrap.quantileSorted(Float64Array.from(sorted), 2 / 3);
  const f = (x: number) => String(Math.round(x * 100) / 100);
  return {
    values: v.map((x) =>
      !Number.isFinite(x) ? null : x <= c1 ? `<= ${f(c1)}` : x <= c2 ? `${f(c1)} - ${f(c2)}` : `> ${f(c2)}`,
    ),
    note: `numeric subgroup column "${column}" split into tertile bands (<= ${f(c1)}, ${f(c1)} - ${f(c2)}, > ${f(c2)})`,
  };
}

function holm(p: number[]): number[] {
  const m = p.length;
  const order = p.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(m);
  let run = 0;
  order.forEach(([v, i], k) => {
    run = Math.max(run, Math.min(1, (m - k) * v));
    out[i] = run;
  });
  return out;
}

const normalTwoSided = (z: number) => S.distributions.normalTwoSided(z);

export interface BinaryAuditInput {
  target: string;
  prob: ArrayLike<number>;
  label: ArrayLike<number>;
  groups: Array<{ column: string; values: (string | null)[] }>;
  threshold: number;
  minGroup: number;
  notes?: string[];
}

/** Audit of binary predictions (probabilities of the positive class, labels 0/1). */
export function auditBinary(inp: BinaryAuditInput): AuditResult {
  const prob = Float64Array.from(inp.prob);
  const y = Int32Array.from(inp.label);
  const whole = S.delong.delongCi(prob, y);
  const rows: AuditRow[] = [];
  for (const g of inp.groups) {
    const levels = [...new Set(g.values.map((v) => v ?? "(missing)"))].sort();
    for (const level of levels) {
      const inG: number[] = [];
      const rest: number[] = [];
      g.values.forEach((v, i) => {
        ((v ?? "(missing)") === level ? inG : rest).push(i);
      });
      const pg = Float64Array.from(inG, (i) => prob[i]!);
      const yg = Int32Array.from(inG, (i) => y[i]!);
      let pos = 0;
      for (const v of yg) pos += v;
      const neg = yg.length - pos;
      let tp = 0;
      let tn = 0;
      yg.forEach((v, k) => {
        const pr = pg[k]! >= inp.threshold ? 1 : 0;
        if (pr && v) tp++;
        if (!pr && !v) tn++;
      });
      const row: AuditRow = {
        column: g.column,
        level,
        n: inG.length,
        nPositive: pos,
        status: "ok",
        reason: "",
        metric: "AUC",
        value: null,
        ci: [null, null],
        calibrationIntercept: null,
        calibrationSlope: null,
        sensitivity: pos ? tp / pos : null,
        specificity: neg ? tn / neg : null,
        gap: null,
        p: null,
        pAdjusted: null,
        flagged: false,
      };
      let restPos = 0;
      for (const i of rest) restPos += y[i]!;
      if (inG.length < inp.minGroup || pos < 3 || neg < 3 || restPos < 3 || rest.length - restPos < 3) {
        row.status = "too small";
        row.reason =
          inG.length < inp.minGroup
            ? `${inG.length} cases < ${inp.minGroup}`
            : pos < 3 || neg < 3
              ? `${pos} positive / ${neg} negative (need 3 of each)`
              : "the rest of the cohort has fewer than 3 cases of a class";
      } else {
        const ci = S.delong.delongCi(pg, yg);
        row.value = num(ci.auc);
        row.ci = [num(ci.lower), num(ci.upper)];
        row.gap = num(ci.auc - whole.auc);
        const t = S.delong.delongUnpairedTest(
          pg,
          yg,
          Float64Array.from(rest, (i) => prob[i]!),
          Int32Array.from(rest, (i) => y[i]!),
        );
        row.p = num(t.pValue);
        if (row.p === null && ci.auc !== t.auc2) row.p = 0;
        try {
          const lc = S.calibration.logisticCalibration(pg, yg);
          row.calibrationIntercept = num(lc.intercept);
          row.calibrationSlope = num(lc.slope);
        } catch {
          row.reason = "calibration not estimable (separated)";
        }
      }
      rows.push(row);
    }
  }
  return finish(
    inp.target,
    "AUC",
    { n: y.length, value: num(whole.auc), ci: [num(whole.lower), num(whole.upper)] },
    inp.threshold,
    inp.minGroup,
    rows,
    inp.notes ?? [],
  );
}

function finish(
  target: string,
  metric: "AUC" | "C-index",
  whole: AuditResult["whole"],
  threshold: number | null,
  minGroup: number,
  rows: AuditRow[],
  notes: string[],
): AuditResult {
  const tested = rows.filter((r) => r.p !== null);
  const adj = holm(tested.map((r) => r.p!));
  tested.forEach((r, k) => {
    r.pAdjusted = num(adj[k]!);
    r.flagged = adj[k]! < 0.05;
  });
  return {
    target,
    metric,
    whole,
    threshold,
    minGroup,
    rows,
    flagged: rows.filter((r) => r.flagged).map((r) => `${r.column}=${r.level}`),
    notes,
  };
}

export interface SurvivalAuditInput {
  target: string;
  score: ArrayLike<number>;
  time: ArrayLike<number>;
  event: ArrayLike<number>;
  /** Pairs are formed within strata only (e.g. the CV folds the scores came from). */
  strata?: ArrayLike<number>;
  groups: Array<{ column: string; values: (string | null)[] }>;
  minGroup: number;
  notes?: string[];
}

/** Audit of a survival risk score (higher = shorter survival) by Harrell's C. */
export function auditSurvival(inp: SurvivalAuditInput): AuditResult {
  const cidx = (rows: number[]) =>
    S.concordance.concordanceIndex(
      Float64Array.from(rows, (i) => inp.time[i]!),
      Float64Array.from(rows, (i) => inp.event[i]!),
      Float64Array.from(rows, (i) => inp.score[i]!),
      { reverse: true, strata: inp.strata ? Int32Array.from(rows, (i) => inp.strata![i]!) : undefined },
    );
  const all = Array.from({ length: inp.time.length }, (_, i) => i);
  const whole = cidx(all);
  const rows: AuditRow[] = [];
  for (const g of inp.groups) {
    const levels = [...new Set(g.values.map((v) => v ?? "(missing)"))].sort();
    for (const level of levels) {
      const inG: number[] = [];
      const rest: number[] = [];
      g.values.forEach((v, i) => {
        ((v ?? "(missing)") === level ? inG : rest).push(i);
      });
      let ev = 0;
      for (const i of inG) ev += inp.event[i]!;
      const row: AuditRow = {
        column: g.column,
        level,
        n: inG.length,
        nPositive: ev,
        status: "ok",
        reason: "",
        metric: "C-index",
        value: null,
        ci: [null, null],
        calibrationIntercept: null,
        calibrationSlope: null,
        sensitivity: null,
        specificity: null,
        gap: null,
        p: null,
        pAdjusted: null,
        flagged: false,
      };
      if (inG.length < inp.minGroup || ev < 3) {
        row.status = "too small";
        row.reason =
          inG.length < inp.minGroup ? `${inG.length} cases < ${inp.minGroup}` : `${ev} events (need 3)`;
      } else {
        const c = cidx(inG);
        const r = cidx(rest);
        row.value = num(c.concordance);
        row.ci = [num(c.concordance - 1.959964 * c.se), num(c.concordance + 1.959964 * c.se)];
        row.gap = num(c.concordance - whole.concordance);
        const se = Math.sqrt(c.se ** 2 + r.se ** 2);
        row.p = se > 0 ? num(normalTwoSided((c.concordance - r.concordance) / se)) : null;
      }
      rows.push(row);
    }
  }
  return finish(
    inp.target,
    "C-index",
    {
      n: all.length,
      value: num(whole.concordance),
      ci: [num(whole.concordance - 1.959964 * whole.se), num(whole.concordance + 1.959964 * whole.se)],
    },
    null,
    inp.minGroup,
    rows,
    inp.notes ?? [],
  );
}
