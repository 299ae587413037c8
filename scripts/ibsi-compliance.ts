/**
 * Writes docs/ibsi-compliance.md: every IBSI 1 reference value of the digital phantom and of CT-phantom
 * configurations A and B next to the value of our IBSI mode (src/extract/ibsi.ts), judged with the
 * official compliance-spreadsheet rule (../shared/data/README.md section 2.6), with a summary per family
 * and data set and the image-processing diagnostics of A and B.
 *
 *   node --import tsx scripts/ibsi-compliance.ts            # (re)write docs/ibsi-compliance.md
 *   node --import tsx scripts/ibsi-compliance.ts --check    # exit 1 when the file is out of date
 *   node --import tsx scripts/ibsi-compliance.ts --out x.md # write elsewhere
 *
 * The reference data is found like the tests find it ($RADIOGENOMICS_DATA or ../shared/data).
 * Exit code 1 also when a reference value does not match or a family could not be computed.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  IBSI_CONFIGS,
  IBSI_FAMILIES,
  type IbsiFamily,
  type IbsiProcessed,
  ibsiDiagnosticsOf,
  ibsiFeaturesOf,
  ibsiProcess,
} from "../src/extract/ibsi.js";
import type { Volume } from "../src/image/volume.js";
import { readImage } from "../src/io/read.js";
import { VERSION } from "../src/version.js";
import { dataDir, dataPath, repoRoot } from "../test/helpers/data.js";
import {
  type IbsiReference,
  ibsiCompare,
  ibsiDiagnosticReferences,
  ibsiReferences,
} from "../test/helpers/ibsi.js";

type Verdict = "match" | "partial match" | "no match" | "not computed";

interface Row {
  ref: IbsiReference;
  got: number | undefined;
  diff: number;
  verdict: Verdict;
  note?: string;
}

const DATA_SETS = ["digital_phantom", "config_A", "config_B"] as const;
type DataSet = (typeof DATA_SETS)[number];

/** Family prefix of a compliance tag (morph_volume -> morph). */
function familyOf(tag: string): IbsiFamily | undefined {
  const p = tag.slice(0, tag.indexOf("_"));
  return (IBSI_FAMILIES as readonly string[]).includes(p) ? (p as IbsiFamily) : undefined;
}

function loadCase(ds: DataSet): { image: Volume; mask: Volume } {
  const parts =
    ds === "digital_phantom"
      ? [
          ["ibsi", "digital_phantom", "phantom.nii.gz"],
          ["ibsi", "digital_phantom", "mask.nii.gz"],
        ]
      : [
          ["ibsi", "ct_phantom", "nifti", "image", "phantom.nii.gz"],
          ["ibsi", "ct_phantom", "nifti", "mask", "mask.nii.gz"],
        ];
  const [ip, mp] = parts.map((p) => dataPath(...p));
  if (!ip || !mp)
    throw new Error(`reference images of ${ds} not found under ${dataDir() ?? "../shared/data"}`);
  return { image: readImage(ip), mask: readImage(mp) };
}

/** Each family computed on its own, so that a failing family is reported and the others still run. */
function computeFamilies(p: IbsiProcessed): {
  values: Record<string, number>;
  failed: Map<IbsiFamily, string>;
  ms: Map<IbsiFamily, number>;
} {
  const values: Record<string, number> = {};
  const failed = new Map<IbsiFamily, string>();
  const ms = new Map<IbsiFamily, number>();
  for (const f of IBSI_FAMILIES) {
    const t = performance.now();
    try {
      Object.assign(values, ibsiFeaturesOf(p, { families: [f] }));
    } catch (e) {
      failed.set(f, e instanceof Error ? e.message.split("\n")[0]! : String(e));
    }
    ms.set(f, performance.now() - t);
  }
  return { values, failed, ms };
}

function judge(
  refs: IbsiReference[],
  values: Record<string, number>,
  failed: Map<IbsiFamily, string>,
): Row[] {
  return refs.map((ref) => {
    const fam = familyOf(ref.tag);
    const got = values[ref.tag];
    if (got === undefined || (fam && failed.has(fam))) {
      const note = fam && failed.has(fam) ? `family failed: ${failed.get(fam)}` : "not computed";
      return { ref, got: undefined, diff: Number.NaN, verdict: "not computed", note };
    }
    const c = ibsiCompare(ref.value, got, ref.tolerance);
    const verdict: Verdict = c.verdict === "partial" ? "partial match" : c.verdict;
    return { ref, got, diff: c.diff, verdict };
  });
}

// --- formatting ---------------------------------------------------------------------------------------

/** A value with 6 significant digits, plain notation where reasonable. */
function fmt(x: number | undefined): string {
  if (x === undefined) return "—";
  if (Number.isNaN(x)) return "NaN";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (Number.isInteger(x) && a < 1e9) return String(x);
  if (a >= 1e-4 && a < 1e7) return String(Number(x.toPrecision(6)));
  return x.toExponential(5).replace(/e\+?/, "e");
}

function fmtRef(x: number): string {
  return String(x);
}

const SHORT: Record<DataSet, string> = { digital_phantom: "phantom", config_A: "A", config_B: "B" };

const esc = (s: string) => s.replace(/\|/g, "\\|");

const LABEL: Record<DataSet, string> = {
  digital_phantom: "digital phantom",
  config_A: "CT phantom, config A",
  config_B: "CT phantom, config B",
};

function summaryTable(rowsByDs: Map<DataSet, Row[]>): string[] {
  const out: string[] = [];
  out.push("| data set | family | reference values | match | partial match | no match | not computed |");
  out.push("|---|---|---:|---:|---:|---:|---:|");
  const totals = { n: 0, match: 0, partial: 0, none: 0, nc: 0 };
  for (const ds of DATA_SETS) {
    const rows = rowsByDs.get(ds)!;
    const families = [...new Set(rows.map((r) => r.ref.family))];
    for (const fam of families) {
      const fr = rows.filter((r) => r.ref.family === fam);
      const c = (v: Verdict) => fr.filter((r) => r.verdict === v).length;
      out.push(
        `| ${LABEL[ds]} | ${fam} | ${fr.length} | ${c("match")} | ${c("partial match")} | ${c("no match")} | ${c("not computed")} |`,
      );
    }
    const c = (v: Verdict) => rows.filter((r) => r.verdict === v).length;
    out.push(
      `| **${LABEL[ds]}** | **all** | **${rows.length}** | **${c("match")}** | **${c("partial match")}** | **${c("no match")}** | **${c("not computed")}** |`,
    );
    totals.n += rows.length;
    totals.match += c("match");
    totals.partial += c("partial match");
    totals.none += c("no match");
    totals.nc += c("not computed");
  }
  out.push(
    `| **all** | | **${totals.n}** | **${totals.match}** | **${totals.partial}** | **${totals.none}** | **${totals.nc}** |`,
  );
  return out;
}

function detailTable(rows: Row[], withCode: boolean): string[] {
  const out: string[] = [];
  out.push(
    withCode
      ? "| data set | family | feature | IBSI code | tag | ours | reference | tolerance | verdict |"
      : "| data set | stage | diagnostic | tag | ours | reference | tolerance | verdict |",
  );
  out.push(withCode ? "|---|---|---|---|---|---:|---:|---:|---|" : "|---|---|---|---|---:|---:|---:|---|");
  for (const r of rows) {
    const v = r.verdict === "match" ? "match" : `**${r.verdict}**${r.note ? ` (${esc(r.note)})` : ""}`;
    const cells = withCode
      ? [
          SHORT[r.ref.dataSet as DataSet],
          esc(r.ref.family),
          esc(r.ref.feature),
          r.ref.ibsiId,
          `\`${r.ref.tag}\``,
        ]
      : [SHORT[r.ref.dataSet as DataSet], esc(r.ref.family), esc(r.ref.feature), `\`${r.ref.tag}\``];
    cells.push(fmt(r.got), fmtRef(r.ref.value), r.ref.tolerance === 0 ? "—" : fmtRef(r.ref.tolerance), v);
    out.push(`| ${cells.join(" | ")} |`);
  }
  return out;
}

// --- main ---------------------------------------------------------------------------------------------

function main(): number {
  const args = process.argv.slice(2);
  const check = args.includes("--check");
  const oi = args.indexOf("--out");
  const outPath =
    oi >= 0 && args[oi + 1] ? resolve(args[oi + 1]!) : resolve(repoRoot, "docs", "ibsi-compliance.md");
  if (!dataDir()) {
    process.stderr.write(
      "error: reference data not found (set RADIOGENOMICS_DATA or place it in ../shared/data)\n",
    );
    return 2;
  }

  const rowsByDs = new Map<DataSet, Row[]>();
  const diagByDs = new Map<DataSet, Row[]>();
  let ct: { image: Volume; mask: Volume } | undefined;
  for (const ds of DATA_SETS) {
    const t = performance.now();
    const input = ds === "digital_phantom" ? loadCase(ds) : (ct ??= loadCase(ds));
    const processed = ibsiProcess(input.image, input.mask, IBSI_CONFIGS[ds]);
    const { values, failed, ms } = computeFamilies(processed);
    const refs = ibsiReferences(ds);
    if (refs.length === 0) throw new Error(`no reference values for ${ds}`);
    const rows = judge(refs, values, failed);
    rowsByDs.set(ds, rows);
    if (ds !== "digital_phantom")
      diagByDs.set(ds, judge(ibsiDiagnosticReferences(ds), ibsiDiagnosticsOf(processed), new Map()));
    const ok = rows.filter((r) => r.verdict === "match").length;
    const timing = [...ms].map(([f, m]) => `${f} ${m.toFixed(0)}`).join(", ");
    process.stdout.write(
      `${ds}: ${ok}/${rows.length} match (${((performance.now() - t) / 1000).toFixed(1)} s; ms per family: ${timing})\n`,
    );
    for (const [f, msg] of failed) process.stdout.write(`  family ${f} failed: ${msg}\n`);
    for (const r of rows.filter((r) => r.verdict !== "match")) {
      process.stdout.write(
        `  ${r.verdict}: ${r.ref.tag} ours ${fmt(r.got)} reference ${r.ref.value} ± ${r.ref.tolerance} (diff ${r.diff})\n`,
      );
    }
  }

  const md: string[] = [];
  md.push("# IBSI 1 compliance");
  md.push("");
  md.push(
    `Generated by \`node --import tsx scripts/ibsi-compliance.ts\` (radiogenomics ${VERSION}); do not edit by hand.`,
  );
  md.push("");
  md.push(
    "Every IBSI 1 reference value of the digital phantom and of the lung-cancer CT phantom under image-processing " +
      "configurations A and B, computed by the IBSI mode (`ibsiFeatures(image, mask, IBSI_CONFIGS[...])` in " +
      "`src/extract/ibsi.ts`). Reference values and tolerances are those of the IBSI reference manual " +
      "(Zwanenburg et al., Radiology 2020; ibsi.readthedocs.io), keyed by the tags of the IBSI compliance " +
      "spreadsheet. Reference values for configurations C, D and E are not public; those configurations are " +
      "implemented (`IBSI_CONFIGS.config_C` ... `config_E`) but cannot be listed here.",
  );
  md.push("");
  md.push(
    "**Rule** (the compliance spreadsheet's): with reference E, tolerance T and our value G, the difference E − G " +
      "is truncated toward zero at the decimal of E's third significant digit; *match* if it is at most T " +
      "(T = 0 where the manual gives none, i.e. agreement to 3 significant digits), *partial match* if below 3T, " +
      "*no match* otherwise.",
  );
  md.push("");
  md.push("**Processing.**");
  md.push("");
  md.push("| | digital phantom | config A | config B |");
  md.push("|---|---|---|---|");
  md.push("| texture approach | 2D, 2.5D and 3D | 2D, 2.5D | 2D, 2.5D |");
  md.push(
    "| interpolation | none | none | 2 × 2 mm in-plane, bilinear, grid centres aligned; intensities rounded |",
  );
  md.push("| ROI | mask | mask | bilinear, partial-volume threshold 0.5 |");
  md.push("| re-segmentation | none | [−500, 400] HU | [−500, 400] HU |");
  md.push("| texture and IH discretisation | none | FBS 25 HU from −500 | FBN 32 bins |");
  md.push("| IVH | discrete levels | discrete HU, range [−500, 400] | discrete HU, range [−500, 400] |");
  md.push("| GLCM / NGTDM / NGLDM distance, NGLDM α | 1, 0 | 1, 0 | 1, 0 |");
  md.push("");
  md.push("## Summary");
  md.push("");
  md.push(...summaryTable(rowsByDs));
  md.push("");
  md.push("## Image-processing diagnostics (configurations A and B)");
  md.push("");
  md.push(
    "From the compliance spreadsheet (the manual does not print them); same rule. `ibsiDiagnostics(image, mask, config)`.",
  );
  md.push("");
  for (const [ds, rows] of diagByDs) {
    const ok = rows.filter((r) => r.verdict === "match").length;
    md.push(`### ${LABEL[ds]}: ${ok}/${rows.length} match`);
    md.push("");
    md.push(...detailTable(rows, false));
    md.push("");
  }
  md.push("## Every reference value");
  md.push("");
  for (const ds of DATA_SETS) {
    const rows = rowsByDs.get(ds)!;
    const ok = rows.filter((r) => r.verdict === "match").length;
    md.push(`### ${LABEL[ds]}: ${ok}/${rows.length} match`);
    md.push("");
    md.push(...detailTable(rows, true));
    md.push("");
  }
  const text = `${md.join("\n").trimEnd()}\n`;

  const bad = [...rowsByDs.values(), ...diagByDs.values()].flat().filter((r) => r.verdict !== "match").length;
  if (check) {
    let old = "";
    try {
      old = readFileSync(outPath, "utf8");
    } catch {
      // missing file: out of date
    }
    if (old !== text) {
      process.stderr.write(`${outPath} is out of date: run node --import tsx scripts/ibsi-compliance.ts\n`);
      return 1;
    }
    process.stdout.write(`${outPath} is up to date\n`);
  } else {
    writeFileSync(outPath, text);
    process.stdout.write(`wrote ${outPath}\n`);
  }
  return bad > 0 ? 1 : 0;
}

process.exitCode = main();
