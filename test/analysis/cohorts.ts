/**
 * Synthetic cohorts (and R's lung data split in two) as CSV / GMT texts, shared by the workflow tests in
 * test/analysis (parsed in memory) and the command tests in test/cli (written to files).
 */
import { readFileSync } from "node:fs";
import { Random } from "../../src/stats/core/random.js";
import { survPath } from "../stats/survival/survivalGoldens.js";

/** R's lung.csv with a case id column, split into features (meal.cal, wt.loss) and clinical (the rest). */
export function lungTexts(): { features: string; clinical: string } {
  const lines = readFileSync(survPath("lung.csv"), "utf8").trim().split(/\r?\n/);
  const header = lines[0].split(",");
  const rows = lines.slice(1).map((l) => l.split(","));
  const fi = ['"meal.cal"', '"wt.loss"'].map((c) => header.indexOf(c));
  const ci = header.map((_, j) => j).filter((j) => !fi.includes(j));
  const part = (cols: number[]) =>
    [
      ["case_id", ...cols.map((j) => header[j])].join(","),
      ...rows.map((r, i) => [`L${i + 1}`, ...cols.map((j) => r[j])].join(",")),
    ].join("\n");
  return { features: part(fi), clinical: part(ci) };
}

/**
 * 160 cases, 30 radiomic features; hazard exp(0.9 F0 - 0.7 F1); clinical os_days, os_event, sex, age and a
 * cohort column marking every third case "validation".
 */
export function survivalCohortTexts(): { features: string; clinical: string } {
  const rng = new Random(2);
  const n = 160;
  const p = 30;
  const x = Array.from({ length: p }, () => Array.from({ length: n }, () => rng.normal()));
  const ids = Array.from({ length: n }, (_, i) => `P${String(i).padStart(3, "0")}`);
  const features = [
    ["case_id", ...x.map((_, j) => `original_firstorder_F${j}`)].join(","),
    ...ids.map((id, i) => [id, ...x.map((c) => c[i].toFixed(6))].join(",")),
  ].join("\n");
  const rowsC = ids.map((id, i) => {
    const eta = 0.9 * x[0][i] - 0.7 * x[1][i];
    const t = rng.exponential(0.002 * Math.exp(eta));
    const c = rng.exponential(0.001);
    const sex = rng.next() < 0.5 ? "F" : "M";
    return [
      id,
      Math.ceil(Math.min(t, c)),
      t <= c ? 1 : 0,
      sex,
      Math.round(50 + 10 * rng.normal()),
      i % 3 === 0 ? "validation" : "train",
    ].join(",");
  });
  return { features, clinical: ["case_id,os_days,os_event,sex,age,cohort", ...rowsC].join("\n") };
}

/**
 * 60 cases in 3 imaging phenotypes (12 features + a diagnostics_ column); IDH enriched in the first, age
 * rising with the phenotype, survival; 200 genes of 55 of the cases (+ a sample without features), 10 genes
 * up in the second phenotype; gene sets UP (those 10), RANDOM and TINY (too small).
 */
export function clusterCohortTexts(): Record<"features" | "clinical" | "expression" | "gmt", string> {
  const rng = new Random(1);
  const n = 60;
  const p = 12;
  const g = Array.from({ length: n }, (_, i) => Math.floor(i / 20));
  const cent = Array.from({ length: 3 }, () => Array.from({ length: p }, () => 2 * rng.normal()));
  const ids = Array.from({ length: n }, (_, i) => `P${String(i).padStart(3, "0")}`);
  const feat = [`case_id,${Array.from({ length: p }, (_, j) => `original_f${j}`).join(",")},diagnostics_x`];
  for (let i = 0; i < n; i++)
    feat.push(`${ids[i]},${cent[g[i]].map((c) => (c + rng.normal()).toFixed(5)).join(",")},1`);
  const clin = ["case_id,IDH,age,os_time,os_event"];
  for (let i = 0; i < n; i++) {
    const idh = (g[i] === 0 && rng.next() < 0.9) || rng.next() < 0.1 ? "mut" : "wt";
    clin.push(
      `${ids[i]},${idh},${(50 + 10 * g[i] + 5 * rng.normal()).toFixed(1)},${rng.exponential((1 + g[i]) / 10).toFixed(2)},${rng.next() < 0.7 ? 1 : 0}`,
    );
  }
  const expr = [`gene,${ids.slice(0, 55).join(",")},EXTRA1`];
  for (let k = 0; k < 200; k++) {
    const row = ids
      .slice(0, 55)
      .map((_, i) => (6 + rng.normal() + (k < 10 && g[i] === 1 ? 2 : 0)).toFixed(4));
    expr.push(`GENE${k},${row.join(",")},5`);
  }
  const up = Array.from({ length: 10 }, (_, k) => `GENE${k}`).join("\t");
  const rnd = Array.from({ length: 30 }, (_, k) => `GENE${50 + k}`).join("\t");
  return {
    features: `${feat.join("\n")}\n`,
    clinical: `${clin.join("\n")}\n`,
    expression: `${expr.join("\n")}\n`,
    gmt: `UP\tup in B\t${up}\nRANDOM\tnull\t${rnd}\nTINY\ttoo small\tGENE1\tNOPE\n`,
  };
}

/**
 * 120 cases, 12 features (one missing value in F2) + a constant and a diagnostics_ column; EGFR mutant when
 * F0 + 0.8 F1 + noise > 0. Labels in another order with one unlabelled case and a one-class column; a table
 * with a text feature; labels with only 3 mutants.
 */
export function modelCohortTexts(): Record<"features" | "labels" | "text" | "tinyLabels", string> {
  const rng = new Random(17);
  const n = 120;
  const p = 12;
  const ids = Array.from({ length: n }, (_, i) => `P${String(i + 1).padStart(3, "0")}`);
  const x = Array.from({ length: p }, () => Array.from({ length: n }, () => rng.normal()));
  const y = x[0].map((v, i) => (v + 0.8 * x[1][i] + rng.normal(0, 0.7) > 0 ? "mutant" : "wild-type"));
  const header = [
    "case_id",
    ...x.map((_, j) => `original_firstorder_F${j}`),
    "constant_feature",
    "diagnostics_Versions_PyRadiomics",
  ];
  const rows = ids.map((id, i) =>
    [id, ...x.map((c) => (i === 5 && c === x[2] ? "" : String(c[i]))), "1", "v3.1"].join(","),
  );
  const lab = ids.map((id, i) => `${id},${i === 7 ? "NA" : y[i]},same`).reverse();
  return {
    features: `${[header.join(","), ...rows].join("\n")}\n`,
    labels: `case_id,EGFR,onlyone\n${lab.join("\n")}\n`,
    text: `case_id,f1,f2\n${ids.map((id, i) => `${id},${x[0][i]},${i % 2 ? "high" : "low"}`).join("\n")}\n`,
    tinyLabels: `case_id,EGFR\n${ids.map((id, i) => `${id},${i < 3 ? "mutant" : "wild-type"}`).join("\n")}\n`,
  };
}
