/**
 * Report plots as Vega-Lite specifications, rendered to SVG strings by Vega's headless renderer (no canvas,
 * no network: the data are inlined in each spec). One function per plot type; `renderSvg` turns a spec
 * into an inline SVG.
 */
import * as vega from "vega";
import * as vl from "vega-lite";
import type {
  AssociationResult,
  BinaryEvaluation,
  ClusterResult,
  HarmonizeResult,
  Num,
  SurvivalTargetResult,
} from "../analysis/study/stages.js";
import type { AuditResult } from "./audit.js";

// biome-ignore lint/suspicious/noExplicitAny: Vega-Lite specifications are plain JSON
export type Spec = Record<string, any>;

const FONT = "Helvetica, Arial, sans-serif";
const CONFIG = {
  font: FONT,
  view: { stroke: "#ccc" },
  axis: { labelFontSize: 10, titleFontSize: 11, grid: true, gridColor: "#eee" },
  legend: { labelFontSize: 10, titleFontSize: 11 },
  title: { fontSize: 12, anchor: "start" },
};

/** Render a Vega-Lite spec to an SVG string (headless, deterministic). */
export async function renderSvg(spec: Spec): Promise<string> {
  const full = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: CONFIG,
    background: "white",
    ...spec,
  };
  const compiled = vl.compile(full as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

const finite = (v: Num | undefined): v is number => typeof v === "number" && Number.isFinite(v);

export function rocSpec(ev: BinaryEvaluation, title: string): Spec {
  const curve = ev.roc.fpr.map((f, i) => ({ fpr: f, tpr: ev.roc.tpr[i] }));
  const band = ev.rocBand.fpr
    .map((f, i) => ({ fpr: f, lower: ev.rocBand.lower[i], upper: ev.rocBand.upper[i] }))
    .filter((d) => finite(d.lower) && finite(d.upper));
  return {
    title,
    width: 260,
    height: 240,
    layer: [
      {
        data: { values: band },
        mark: { type: "area", opacity: 0.25, color: "#4c78a8", interpolate: "step-after" },
        encoding: {
          x: { field: "fpr", type: "quantitative", title: "1 - specificity", scale: { domain: [0, 1] } },
          y: { field: "lower", type: "quantitative", title: "sensitivity", scale: { domain: [0, 1] } },
          y2: { field: "upper" },
        },
      },
      {
        data: { values: [{ a: 0 }, { a: 1 }] },
        mark: { type: "line", strokeDash: [4, 4], color: "#999" },
        encoding: { x: { field: "a", type: "quantitative" }, y: { field: "a", type: "quantitative" } },
      },
      {
        data: { values: curve },
        mark: { type: "line", color: "#1f4e79", strokeWidth: 2 },
        encoding: {
          x: { field: "fpr", type: "quantitative" },
          y: { field: "tpr", type: "quantitative" },
          order: { field: "fpr" },
        },
      },
    ],
  };
}

export function calibrationSpec(ev: BinaryEvaluation, title: string): Spec {
  const bins = ev.calibration.bins.filter((b) => finite(b.predicted) && finite(b.observed));
  return {
    title,
    width: 260,
    height: 240,
    layer: [
      {
        data: { values: [{ a: 0 }, { a: 1 }] },
        mark: { type: "line", strokeDash: [4, 4], color: "#999" },
        encoding: {
          x: { field: "a", type: "quantitative", title: "predicted probability", scale: { domain: [0, 1] } },
          y: { field: "a", type: "quantitative", title: "observed fraction", scale: { domain: [0, 1] } },
        },
      },
      {
        data: { values: bins },
        mark: { type: "rule", color: "#4c78a8" },
        encoding: {
          x: { field: "predicted", type: "quantitative" },
          y: { field: "lower", type: "quantitative" },
          y2: { field: "upper" },
        },
      },
      {
        data: { values: bins },
        mark: { type: "line", point: { filled: true, size: 50 }, color: "#1f4e79" },
        encoding: {
          x: { field: "predicted", type: "quantitative" },
          y: { field: "observed", type: "quantitative" },
          tooltip: [{ field: "n", type: "quantitative" }],
        },
      },
    ],
  };
}

export function decisionSpec(ev: BinaryEvaluation, title: string): Spec {
  const rows: Array<{ t: Num; nb: Num; strategy: string }> = [];
  ev.decision.threshold.forEach((t, i) => {
    rows.push({ t, nb: ev.decision.model[i] ?? null, strategy: "model" });
    rows.push({ t, nb: ev.decision.treatAll[i] ?? null, strategy: "treat all" });
    rows.push({ t, nb: 0, strategy: "treat none" });
  });
  const prev = ev.nPositive / ev.n;
  const lo = -0.05;
  const shown = rows.filter((r) => finite(r.nb) && r.nb >= lo);
  return {
    title,
    width: 300,
    height: 220,
    data: { values: shown },
    mark: { type: "line", clip: true },
    encoding: {
      x: { field: "t", type: "quantitative", title: "threshold probability" },
      y: {
        field: "nb",
        type: "quantitative",
        title: "net benefit",
        scale: { domain: [lo, Math.max(0.05, prev)] },
      },
      color: {
        field: "strategy",
        type: "nominal",
        scale: { domain: ["model", "treat all", "treat none"], range: ["#1f4e79", "#e45756", "#888"] },
      },
    },
  };
}

export function kmSpec(km: SurvivalTargetResult["km"][number], title: string): Spec {
  const lines: Array<Record<string, unknown>> = [];
  for (const g of km.groups) {
    lines.push({ group: g.label, time: 0, surv: 1, lower: 1, upper: 1 });
    for (const [i, t] of g.time.entries())
      lines.push({ group: g.label, time: t, surv: g.surv[i], lower: g.lower[i], upper: g.upper[i] });
  }
  const risk: Array<Record<string, unknown>> = [];
  for (const [label, counts] of Object.entries(km.atRisk.counts))
    counts.forEach((c, i) => {
      risk.push({ group: label, time: km.atRisk.times[i], n: c });
    });
  const tmax = km.atRisk.times[km.atRisk.times.length - 1] ?? 1;
  const xs = { domain: [0, Math.max(tmax, ...lines.map((l) => (l.time as number) ?? 0))] };
  return {
    title,
    vconcat: [
      {
        width: 320,
        height: 220,
        layer: [
          {
            data: { values: lines.filter((l) => finite(l.lower as Num) && finite(l.upper as Num)) },
            mark: { type: "area", interpolate: "step-after", opacity: 0.18 },
            encoding: {
              x: { field: "time", type: "quantitative", scale: xs, title: "time" },
              y: {
                field: "lower",
                type: "quantitative",
                scale: { domain: [0, 1] },
                title: "survival probability",
              },
              y2: { field: "upper" },
              color: { field: "group", type: "nominal", legend: null },
            },
          },
          {
            data: { values: lines },
            mark: { type: "line", interpolate: "step-after", strokeWidth: 2 },
            encoding: {
              x: { field: "time", type: "quantitative", scale: xs },
              y: { field: "surv", type: "quantitative" },
              color: { field: "group", type: "nominal", title: null, legend: { orient: "top-right" } },
            },
          },
        ],
      },
      {
        width: 320,
        height: 14 * Object.keys(km.atRisk.counts).length,
        title: { text: "numbers at risk", fontSize: 10, fontWeight: "normal" },
        data: { values: risk },
        mark: { type: "text", fontSize: 10 },
        encoding: {
          x: { field: "time", type: "quantitative", scale: xs, axis: null },
          y: { field: "group", type: "nominal", title: null, axis: { grid: false } },
          text: { field: "n", type: "quantitative" },
          color: { field: "group", type: "nominal", legend: null },
        },
      },
    ],
  };
}

export function volcanoSpec(t: AssociationResult["targets"][number]): Spec {
  const rows = t.rows
    .filter((r) => finite(r.effect) && finite(r.q))
    .map((r) => ({
      feature: r.feature,
      effect: r.effect,
      mlq: -Math.log10(Math.max(r.q as number, 1e-300)),
      sig: (r.q as number) < 0.05 ? "q < 0.05" : "n.s.",
    }));
  return {
    title: `Volcano: ${t.target} (${t.test})`,
    width: 300,
    height: 240,
    layer: [
      {
        data: { values: rows },
        mark: { type: "point", filled: true, size: 30, opacity: 0.8 },
        encoding: {
          x: {
            field: "effect",
            type: "quantitative",
            title: t.effectName || "effect",
            scale: { zero: false },
          },
          y: { field: "mlq", type: "quantitative", title: "-log10 q (BH)" },
          color: {
            field: "sig",
            type: "nominal",
            scale: { domain: ["q < 0.05", "n.s."], range: ["#d62728", "#999"] },
            title: null,
          },
          tooltip: [{ field: "feature" }],
        },
      },
      {
        data: { values: [{ y: -Math.log10(0.05) }] },
        mark: { type: "rule", strokeDash: [4, 4], color: "#666" },
        encoding: { y: { field: "y", type: "quantitative" } },
      },
    ],
  };
}

const short = (f: string) => f.replace(/^original_/, "");

export function heatmapSpec(
  title: string,
  rows: string[],
  cols: string[],
  value: Num[][],
  opts: { legend: string; diverging?: boolean; rowSort?: boolean },
): Spec {
  const cells: Array<Record<string, unknown>> = [];
  rows.forEach((r, i) => {
    cols.forEach((c, j) => {
      cells.push({ row: short(r), col: short(c), v: value[i]?.[j] ?? null });
    });
  });
  return {
    title,
    data: { values: cells },
    width: Math.max(120, 16 * cols.length),
    height: Math.max(120, 11 * rows.length),
    mark: { type: "rect" },
    encoding: {
      x: {
        field: "col",
        type: "nominal",
        sort: cols.map(short),
        title: null,
        axis: { labelAngle: -45, labelLimit: 120 },
      },
      y: {
        field: "row",
        type: "nominal",
        sort: rows.map(short),
        title: null,
        axis: { labelLimit: 220, labelFontSize: 9 },
      },
      color: {
        field: "v",
        type: "quantitative",
        title: opts.legend,
        scale: opts.diverging ? { scheme: "redblue", domain: [-1, 1], reverse: true } : { scheme: "viridis" },
      },
      tooltip: [{ field: "row" }, { field: "col" }, { field: "v", format: ".3f" }],
    },
  };
}

/** Dendrogram segments (x in leaf positions 0..n-1, y in merge height) from an R-style merge matrix. */
export function dendrogramSegments(
  merge: number[],
  height: Num[],
  order: number[],
): Array<{ x: number; x2: number; y: number; y2: number }> {
  const n = order.length;
  const pos = new Map<number, number>();
  order.forEach((item, k) => {
    pos.set(item, k);
  });
  const nodeX: number[] = [];
  const nodeH: number[] = [];
  const seg: Array<{ x: number; x2: number; y: number; y2: number }> = [];
  const child = (c: number): [number, number] =>
    c < 0 ? [pos.get(-c - 1)!, 0] : [nodeX[c - 1]!, nodeH[c - 1]!];
  for (let m = 0; m < n - 1; m++) {
    const [xa, ha] = child(merge[2 * m]!);
    const [xb, hb] = child(merge[2 * m + 1]!);
    const h = height[m] ?? 0;
    seg.push(
      { x: xa, x2: xa, y: ha, y2: h },
      { x: xb, x2: xb, y: hb, y2: h },
      { x: xa, x2: xb, y: h, y2: h },
    );
    nodeX.push((xa + xb) / 2);
    nodeH.push(h);
  }
  return seg;
}

export function clustergramSpec(cor: AssociationResult["correlation"] & { order?: number[] }): Spec {
  const m = cor.features.length;
  const seg = dendrogramSegments(cor.merge, cor.height, cor.order ?? Array.from({ length: m }, (_, i) => i));
  const cells: Array<Record<string, unknown>> = [];
  cor.features.forEach((r, i) => {
    cor.features.forEach((_c, j) => {
      cells.push({ i, j, row: short(r), v: cor.r[i]?.[j] ?? null });
    });
  });
  const size = Math.max(160, 11 * m);
  const xs = { domain: [-0.5, m - 0.5], nice: false, zero: false };
  return {
    title: "Feature correlation clustergram (Spearman, average linkage on 1 - |rho|)",
    vconcat: [
      {
        width: size,
        height: 70,
        data: { values: seg },
        mark: { type: "rule", color: "#444" },
        encoding: {
          x: { field: "x", type: "quantitative", scale: xs, axis: null },
          x2: { field: "x2" },
          y: { field: "y", type: "quantitative", axis: { title: "1 - |rho|", grid: false } },
          y2: { field: "y2" },
        },
      },
      {
        width: size,
        height: size,
        data: { values: cells },
        transform: [
          { calculate: "datum.j - 0.5", as: "x0" },
          { calculate: "datum.j + 0.5", as: "x1" },
        ],
        mark: { type: "rect" },
        encoding: {
          x: { field: "x0", type: "quantitative", scale: xs, axis: null },
          x2: { field: "x1" },
          y: {
            field: "row",
            type: "nominal",
            sort: cor.features.map(short),
            title: null,
            axis: { labelFontSize: 9, labelLimit: 220 },
          },
          color: {
            field: "v",
            type: "quantitative",
            title: "rho",
            scale: { scheme: "redblue", domain: [-1, 1], reverse: true },
          },
        },
      },
    ],
  };
}

export function pcaSpec(h: HarmonizeResult): Spec {
  const panel = (which: "before" | "after") => {
    const d = h.pca[which];
    const ex = d.explained.map((e) => (finite(e) ? `${(100 * e).toFixed(1)}%` : "?"));
    return {
      title: `${which} ComBat`,
      width: 240,
      height: 220,
      data: { values: d.pc1.map((x, i) => ({ pc1: x, pc2: d.pc2[i], site: h.pca.site[i] })) },
      mark: { type: "point", filled: true, size: 40, opacity: 0.85 },
      encoding: {
        x: { field: "pc1", type: "quantitative", title: `PC1 (${ex[0]})`, scale: { zero: false } },
        y: { field: "pc2", type: "quantitative", title: `PC2 (${ex[1]})`, scale: { zero: false } },
        color: { field: "site", type: "nominal", title: h.batch },
        shape: { field: "site", type: "nominal", title: h.batch },
      },
    };
  };
  return { title: `PCA of the features coloured by ${h.batch}`, hconcat: [panel("before"), panel("after")] };
}

export function consensusCdfSpec(cl: ClusterResult): Spec {
  const rows: Array<Record<string, unknown>> = [];
  for (const c of cl.cdf)
    c.x.forEach((x, i) => {
      rows.push({ k: `k=${c.k}`, x, cdf: c.cdf[i] });
    });
  return {
    title: "Consensus CDF",
    width: 260,
    height: 220,
    data: { values: rows },
    mark: { type: "line", interpolate: "step-after" },
    encoding: {
      x: { field: "x", type: "quantitative", title: "consensus index" },
      y: { field: "cdf", type: "quantitative", title: "CDF", scale: { domain: [0, 1] } },
      color: { field: "k", type: "nominal", title: null },
    },
  };
}

export function consensusHeatmapSpec(cl: ClusterResult): Spec {
  const ids = cl.heatmap.ids;
  const cells: Array<Record<string, unknown>> = [];
  ids.forEach((a, i) => {
    ids.forEach((b, j) => {
      cells.push({ a, b, v: cl.heatmap.values[i]?.[j] ?? null });
    });
  });
  const size = Math.max(160, Math.min(360, 6 * ids.length));
  return {
    title: `Consensus matrix, k = ${cl.k} (cases in cluster order)`,
    width: size,
    height: size,
    data: { values: cells },
    mark: { type: "rect" },
    encoding: {
      x: { field: "a", type: "ordinal", sort: ids, axis: null },
      y: { field: "b", type: "ordinal", sort: ids, axis: null },
      color: {
        field: "v",
        type: "quantitative",
        title: "consensus",
        scale: { scheme: "blues", domain: [0, 1] },
      },
    },
  };
}

export function auditSpec(a: AuditResult): Spec {
  const rows = a.rows
    .filter((r) => finite(r.value))
    .map((r) => ({
      group: `${r.column}=${r.level}`,
      v: r.value,
      lo: r.ci[0],
      hi: r.ci[1],
      flag: r.flagged ? "flagged" : "not flagged",
    }));
  return {
    title: `${a.metric} by subgroup (${a.target}); dashed line: whole cohort`,
    width: 280,
    height: Math.max(60, 18 * rows.length),
    layer: [
      {
        data: { values: rows },
        mark: { type: "rule" },
        encoding: {
          y: { field: "group", type: "nominal", title: null, sort: null },
          x: { field: "lo", type: "quantitative", title: a.metric, scale: { domain: [0, 1] } },
          x2: { field: "hi" },
          color: {
            field: "flag",
            type: "nominal",
            scale: { domain: ["flagged", "not flagged"], range: ["#d62728", "#1f4e79"] },
            title: null,
          },
        },
      },
      {
        data: { values: rows },
        mark: { type: "point", filled: true, size: 50 },
        encoding: {
          y: { field: "group", type: "nominal", sort: null },
          x: { field: "v", type: "quantitative" },
          color: { field: "flag", type: "nominal" },
        },
      },
      {
        data: { values: [{ v: a.whole.value }] },
        mark: { type: "rule", strokeDash: [4, 4], color: "#666" },
        encoding: { x: { field: "v", type: "quantitative" } },
      },
    ],
  };
}
