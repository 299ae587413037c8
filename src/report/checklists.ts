/**
 * Radiomics quality checklists pre-filled from a study run: RQS 1.0 (Lambin et al. 2017; 16 items,
 * -8..36 points), METRICS (Kocak et al. 2024, 30 items with expert weights and 5 conditions) and CLEAR
 * (Kocak et al. 2023, 58 reporting items, no score). Item lists, points and weights are those recorded in
 * ../shared/data/reference/rqs/README.md from the published tables (wording paraphrased). Each item is
 * answered "auto" (the run knows: it did or did not do it), "study" (answered in study.yaml's checklist
 * section) or left for the user; scores are computed only over answered items and the unknown ones listed.
 * Browser-safe.
 */

export type Source = "auto" | "study" | "user";

export interface ChecklistItem {
  id: number;
  section: string;
  item: string;
  source: Source;
  /** RQS: points; METRICS/CLEAR: 1 yes, 0 no; null = unknown (left for the user) or not applicable. */
  answer: number | null;
  applicable: boolean;
  why: string;
  /** RQS: the item's possible range; METRICS: weight. */
  min?: number;
  max?: number;
  weight?: number;
}

export interface Checklist {
  name: string;
  citation: string;
  items: ChecklistItem[];
  /** RQS: points over the known items and the range of those items; METRICS: weighted percentage. */
  score: number | null;
  scoreOf: string;
  unknown: number[];
}

/** What the run knows about itself (filled by the study runner). */
export interface RunFacts {
  extracted: boolean;
  ibsiSoftware: string;
  paramsReported: boolean;
  handcrafted: boolean;
  segmentation: boolean;
  featureReduction: string;
  multipleTesting: boolean;
  discrimination: boolean;
  resampling: boolean;
  calibration: boolean;
  decisionCurves: boolean;
  riskGroups: boolean;
  validation: "nested-cv" | "external" | "leave-site-out" | "none";
  nSites: number;
  harmonized: boolean;
  confounders: string[];
  uncertainty: boolean;
  missingReported: boolean;
  associations: boolean;
  geneMap: boolean;
  audit: boolean;
}

const RQS: Array<[number, string, string, number, number]> = [
  [1, "protocol", "Image protocol quality (documented; public protocol)", 0, 2],
  [2, "protocol", "Multiple segmentations (readers, algorithms or perturbation)", 0, 1],
  [3, "protocol", "Phantom study on all scanners", 0, 1],
  [4, "protocol", "Imaging at multiple time points (test-retest)", 0, 1],
  [5, "feature selection", "Feature reduction or adjustment for multiple testing", -3, 3],
  [6, "clinical", "Multivariable analysis with non-radiomics features", 0, 1],
  [7, "clinical", "Detect and discuss biological correlates", 0, 1],
  [8, "performance", "Cut-off analyses (risk groups)", 0, 1],
  [9, "performance", "Discrimination statistics and their significance (+1 with resampling)", 0, 2],
  [10, "performance", "Calibration statistics and their significance (+1 with resampling)", 0, 2],
  [11, "evidence", "Prospective study registered in a trial database", 0, 7],
  [12, "validation", "Validation (-5 none ... +5 three or more external institutes)", -5, 5],
  [13, "clinical", 'Comparison to "gold standard"', 0, 2],
  [14, "clinical", "Potential clinical utility (e.g. decision-curve analysis)", 0, 2],
  [15, "evidence", "Cost-effectiveness analysis", 0, 1],
  [16, "open science", "Open science and data (scans, segmentations, code, features: +1 each)", 0, 4],
];

function rqs(f: RunFacts, given: Record<string, number>): Checklist {
  const auto: Record<number, [number, string]> = {};
  auto[5] =
    f.featureReduction || f.multipleTesting
      ? [
          3,
          `${[f.featureReduction, f.multipleTesting ? "Benjamini-Hochberg FDR over the feature tests" : ""].filter(Boolean).join("; ")}`,
        ]
      : [-3, "neither feature reduction nor multiple-testing adjustment"];
  if (f.discrimination)
    auto[9] = [
      f.resampling ? 2 : 1,
      `AUC / C-index with CIs${f.resampling ? ", out-of-fold (resampling)" : ""}`,
    ];
  auto[10] = f.calibration
    ? [f.resampling ? 2 : 1, "calibration intercept/slope on out-of-fold predictions"]
    : [0, "no calibration statistics could be computed"];
  auto[14] = f.decisionCurves ? [2, "decision curves (net benefit)"] : [0, "no decision-curve analysis"];
  if (f.riskGroups) auto[8] = [1, "risk groups split at the training-fold median of the survival signature"];
  if (f.validation === "nested-cv")
    auto[12] = [
      2,
      "internal validation only (nested cross-validation, same data source); some raters score resampling-only validation -5",
    ];
  else if (f.validation === "leave-site-out")
    auto[12] = [
      f.nSites >= 3 ? 3 : 2,
      `leave-one-site-out over ${f.nSites} sites (models retrained without the held-out site); adjust in study.yaml if the sites are not distinct institutes`,
    ];
  else if (f.validation === "none") auto[12] = [-5, "no validation"];
  const items: ChecklistItem[] = RQS.map(([id, section, item, min, max]) => {
    const g = given[String(id)];
    if (g !== undefined)
      return {
        id,
        section,
        item,
        source: "study",
        answer: Math.max(min, Math.min(max, g)),
        applicable: true,
        why: "answered in study.yaml",
        min,
        max,
      };
    const a = auto[id];
    if (a) return { id, section, item, source: "auto", answer: a[0], applicable: true, why: a[1], min, max };
    return {
      id,
      section,
      item,
      source: "user",
      answer: null,
      applicable: true,
      why: "not known to the run: answer it in study.yaml (checklist.rqs)",
      min,
      max,
    };
  });
  const known = items.filter((i) => i.answer !== null);
  const score = known.reduce((s, i) => s + (i.answer ?? 0), 0);
  const lo = known.reduce((s, i) => s + (i.min ?? 0), 0);
  const hi = known.reduce((s, i) => s + (i.max ?? 0), 0);
  return {
    name: "RQS 1.0",
    citation: "Lambin P. et al., Nat Rev Clin Oncol 2017;14:749-762",
    items,
    score: known.length ? score : null,
    scoreOf: `${known.length} of 16 items known (their range ${lo} to ${hi}; full scale -8 to 36)`,
    unknown: items.filter((i) => i.answer === null).map((i) => i.id),
  };
}

const METRICS: Array<[number, string, string, number, string?]> = [
  [1, "study design", "Adherence to radiomics/ML-specific checklists or guidelines", 0.0368],
  [2, "study design", "Eligibility criteria describing a representative population", 0.0735],
  [3, "study design", "High-quality reference standard with a clear definition", 0.0919],
  [4, "imaging data", "Multi-center", 0.0438],
  [5, "imaging data", "Clinical translatability of the imaging data source", 0.0292],
  [6, "imaging data", "Imaging protocol with acquisition parameters", 0.0438],
  [7, "imaging data", "Interval between imaging and reference standard", 0.0292],
  [8, "segmentation", "Transparent description of segmentation methodology", 0.0337, "C1"],
  [9, "segmentation", "Formal evaluation of fully automated segmentation", 0.0225, "C2"],
  [10, "segmentation", "Test-set masks from a single reader or automated tool", 0.0112, "C1"],
  [
    11,
    "processing & extraction",
    "Appropriate image preprocessing with transparent description",
    0.0622,
    "C3",
  ],
  [12, "processing & extraction", "Standardized (IBSI-compliant) feature extraction software", 0.0311, "C3"],
  [
    13,
    "processing & extraction",
    "Transparent reporting of extraction parameters (or default-configuration statement)",
    0.0415,
    "C3",
  ],
  [14, "feature processing", "Removal of non-robust features", 0.02, "C4"],
  [15, "feature processing", "Removal of redundant features", 0.02, "C4"],
  [16, "feature processing", "Appropriate dimensionality compared to data size", 0.03, "C4"],
  [17, "feature processing", "Robustness assessment of end-to-end deep learning pipelines", 0.02, "C5"],
  [18, "preparation for modeling", "Proper data partitioning process", 0.0599],
  [19, "preparation for modeling", "Handling of confounding factors", 0.03],
  [20, "metrics & comparison", "Appropriate performance evaluation metrics for the task", 0.0352],
  [21, "metrics & comparison", "Consideration of uncertainty", 0.0234],
  [22, "metrics & comparison", "Calibration assessment", 0.0176],
  [23, "metrics & comparison", "Uni-parametric imaging or proof of its inferiority", 0.0117],
  [
    24,
    "metrics & comparison",
    "Comparison with a non-radiomic approach or proof of added clinical value",
    0.0293,
  ],
  [25, "metrics & comparison", "Comparison with simple or classical statistical models", 0.0176],
  [26, "testing", "Internal testing", 0.0375],
  [27, "testing", "External testing", 0.0749],
  [28, "open science", "Data availability", 0.0075],
  [29, "open science", "Code availability", 0.0075],
  [30, "open science", "Model availability", 0.0075],
];

function metrics(f: RunFacts, given: Record<string, boolean>): Checklist {
  // Conditions: C1 segmentation, C2 fully automatic segmentation (unknown: user), C3 hand-crafted
  // features, C4 tabular data, C5 end-to-end deep learning (not in this run).
  const cond: Record<string, boolean | null> = {
    C1: f.segmentation,
    C2: null,
    C3: f.handcrafted,
    C4: true,
    C5: false,
  };
  const auto: Record<number, [boolean, string]> = {};
  if (f.extracted) {
    auto[12] = [true, f.ibsiSoftware];
    auto[13] = [f.paramsReported, "the extraction parameter file is reproduced in the report"];
  }
  auto[18] = [
    f.validation !== "none",
    `${f.validation} with preprocessing, tuning and selection inside the training folds`,
  ];
  if (f.harmonized) auto[19] = [true, `ComBat harmonisation of ${f.confounders.join(", ")}`];
  if (f.discrimination)
    auto[20] = [true, "AUC (binary), macro AUC (multi-class), C-index (survival), Brier score"];
  if (f.uncertainty) auto[21] = [true, "95% confidence intervals (DeLong, bootstrap bands, C-index SE)"];
  auto[22] = [
    f.calibration,
    f.calibration ? "calibration curve, intercept and slope" : "calibration not estimable",
  ];
  auto[26] = [
    f.validation === "nested-cv" || f.validation === "leave-site-out",
    "out-of-fold predictions on cases not used for training",
  ];
  auto[27] = [
    f.validation === "external" || f.validation === "leave-site-out",
    f.validation === "external"
      ? "external test set"
      : f.validation === "leave-site-out"
        ? "each site held out in turn"
        : "no external test set in this run",
  ];
  const items: ChecklistItem[] = METRICS.map(([id, section, item, weight, c]) => {
    const applicable = c === undefined ? true : cond[c] !== false;
    if (!applicable)
      return {
        id,
        section,
        item,
        source: "auto",
        answer: null,
        applicable,
        why: `not applicable (condition ${c} is no)`,
        weight,
      };
    const g = given[String(id)];
    if (g !== undefined)
      return {
        id,
        section,
        item,
        source: "study",
        answer: g ? 1 : 0,
        applicable,
        why: "answered in study.yaml",
        weight,
      };
    const a = auto[id];
    if (a && (c === undefined || cond[c] === true))
      return { id, section, item, source: "auto", answer: a[0] ? 1 : 0, applicable, why: a[1], weight };
    return {
      id,
      section,
      item,
      source: "user",
      answer: null,
      applicable,
      why:
        c && cond[c] === null
          ? `depends on condition ${c} (fully automatic segmentation)`
          : "not known to the run: answer it in study.yaml (checklist.metrics)",
      weight,
    };
  });
  const known = items.filter((i) => i.applicable && i.answer !== null);
  const wKnown = known.reduce((s, i) => s + (i.weight ?? 0), 0);
  const wYes = known.reduce((s, i) => s + (i.answer ? (i.weight ?? 0) : 0), 0);
  return {
    name: "METRICS",
    citation: "Kocak B. et al., Insights Imaging 2024;15:8 (weights from Table 1)",
    items,
    score: wKnown > 0 ? (100 * wYes) / wKnown : null,
    scoreOf: `weighted % over ${known.length} known applicable items (sum of their weights ${wKnown.toFixed(4)})`,
    unknown: items.filter((i) => i.applicable && i.answer === null).map((i) => i.id),
  };
}

const CLEAR_SECTIONS: Array<[number, number, string]> = [
  [1, 6, "title, abstract, keywords, introduction"],
  [7, 12, "methods: study design"],
  [13, 18, "methods: data"],
  [19, 20, "methods: segmentation"],
  [21, 24, "methods: pre-processing"],
  [25, 28, "methods: feature extraction"],
  [29, 33, "methods: data preparation"],
  [34, 37, "methods: modelling"],
  [38, 43, "methods: evaluation"],
  [44, 48, "results"],
  [49, 52, "discussion"],
  [53, 58, "open science"],
];
/** Short item names (CLEAR v1.0, clearchecklist.github.io); items 3-6 and 49-52 are named by section only. */
const CLEAR_NAMES: Record<number, string> = {
  1: "Relevant title specifying the radiomic methodology",
  2: "Structured abstract",
  7: "Adherence to guidelines or checklists",
  8: "Ethical details",
  9: "Sample size calculation",
  10: "Study nature (retrospective/prospective)",
  11: "Eligibility criteria",
  12: "Flowchart of the technical pipeline",
  13: "Data source",
  14: "Overlap with previous work",
  15: "Data split methodology",
  16: "Imaging protocol",
  17: "Non-radiomic predictors",
  18: "Reference standard",
  19: "Segmentation strategy",
  20: "Segmentation operators",
  21: "Image pre-processing details",
  22: "Resampling method and parameters",
  23: "Discretisation method and parameters",
  24: "Image types (original, filtered) and filters",
  25: "Feature extraction method (2D/3D)",
  26: "Feature classes (IBSI names)",
  27: "Number of features",
  28: "Default-configuration statement",
  29: "Handling of missing data",
  30: "Class imbalance",
  31: "Segmentation reliability",
  32: "Feature scaling",
  33: "Dimension reduction",
  34: "Modelling algorithm",
  35: "Training and tuning",
  36: "Handling of confounders",
  37: "Model selection strategy",
  38: "Testing method",
  39: "Performance metrics",
  40: "Uncertainty of the metrics",
  41: "Statistical comparison of models (e.g. DeLong)",
  42: "Comparison with non-radiomic and combined models / clinical utility",
  43: "Interpretability and explainability",
  44: "Baseline demographic and clinical characteristics",
  45: "Eligibility flowchart",
  46: "Feature statistics",
  47: "Model performance",
  48: "Comparison with non-radiomic models",
  53: "Sharing images and segmentations (not essential)",
  54: "Sharing feature data",
  55: "Sharing pre-processing scripts or settings",
  56: "Sharing modelling code",
  57: "Sharing final model files",
  58: "Ready-to-use system (not essential)",
};

function clear(f: RunFacts, given: Record<string, boolean>): Checklist {
  const auto: Record<number, [boolean, string]> = {
    15: [true, `reported: ${f.validation}`],
    29: [f.missingReported, "missingness per column in the cohort summary; incomplete features left out"],
    32: [true, "z-scoring inside the training folds"],
    33: [true, f.featureReduction || "none"],
    34: [true, "reported in the models section"],
    35: [true, "lambda by inner cross-validation"],
    38: [true, "reported in the models section"],
    39: [f.discrimination, "AUC, Brier, C-index, calibration, net benefit"],
    40: [f.uncertainty, "95% CIs"],
    44: [true, "cohort summary (cases, sites, missingness)"],
    46: [f.associations, "association tables and plots"],
    47: [f.discrimination, "models and survival sections"],
  };
  if (f.extracted) {
    for (const id of [21, 22, 23, 24, 25, 26, 27, 28])
      auto[id] = [true, "extraction settings section (parameter file)"];
    auto[55] = [true, "the parameter file and study.yaml are embedded in the report"];
  }
  if (f.harmonized) auto[36] = [true, `ComBat by ${f.confounders.join(", ")}`];
  const items: ChecklistItem[] = [];
  for (let id = 1; id <= 58; id++) {
    const sec = CLEAR_SECTIONS.find(([a, b]) => id >= a && id <= b)![2];
    const item = CLEAR_NAMES[id] ?? `item ${id} (${sec}; wording not reproduced here)`;
    const g = given[String(id)];
    if (g !== undefined)
      items.push({
        id,
        section: sec,
        item,
        source: "study",
        answer: g ? 1 : 0,
        applicable: true,
        why: "answered in study.yaml",
      });
    else if (auto[id])
      items.push({
        id,
        section: sec,
        item,
        source: "auto",
        answer: auto[id]![0] ? 1 : 0,
        applicable: true,
        why: auto[id]![1],
      });
    else
      items.push({
        id,
        section: sec,
        item,
        source: "user",
        answer: null,
        applicable: true,
        why: "a reporting item of the manuscript: answer it in study.yaml (checklist.clear)",
      });
  }
  const known = items.filter((i) => i.answer !== null);
  return {
    name: "CLEAR",
    citation: "Kocak B. et al., Insights Imaging 2023;14:75 (CLEAR v1.0)",
    items,
    score: null,
    scoreOf: `${known.filter((i) => i.answer === 1).length} of ${known.length} known items reported (CLEAR has no numeric score)`,
    unknown: items.filter((i) => i.answer === null).map((i) => i.id),
  };
}

export function checklists(
  f: RunFacts,
  given: { rqs: Record<string, number>; metrics: Record<string, boolean>; clear: Record<string, boolean> },
): Checklist[] {
  return [rqs(f, given.rqs), metrics(f, given.metrics), clear(f, given.clear)];
}
