/** Delta radiomics on a hand-checked two- and three-time-point table; missing time points reported, not invented. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { deltaFeatures } from "../../src/analysis/delta.js";
import { parseCsv } from "../../src/stats/table.js";
import { runCli } from "../helpers/cli.js";

const CSV = [
  "patient,timepoint,site,original_firstorder_Mean,original_shape_MeshVolume",
  "P1,0,A,10,2000",
  "P1,1,A,15,1500",
  "P2,0,B,-4,0",
  "P2,1,B,-2,100",
  "P2,2,B,-8,50",
  "P3,1,A,3,300", // no baseline
  "P4,0,A,1,1", // baseline only
  "",
].join("\n");

test("absolute and relative change from the baseline, one row per later time point", () => {
  const r = deltaFeatures(parseCsv(CSV, { name: "t.csv" }), {
    id: "patient",
    time: "timepoint",
    baseline: "0",
  });
  const t = r.table;
  assert.deepEqual(t.names, [
    "patient",
    "timepoint",
    "delta_abs_original_firstorder_Mean",
    "delta_rel_original_firstorder_Mean",
    "delta_abs_original_shape_MeshVolume",
    "delta_rel_original_shape_MeshVolume",
  ]);
  assert.deepEqual(t.text("patient"), ["P1", "P2", "P2"]);
  assert.deepEqual([...t.numeric("timepoint")], [1, 1, 2]);
  assert.deepEqual([...t.numeric("delta_abs_original_firstorder_Mean")], [5, 2, -4]);
  // relative to |baseline|: (15-10)/10, (-2+4)/4, (-8+4)/4
  assert.deepEqual([...t.numeric("delta_rel_original_firstorder_Mean")], [0.5, 0.5, -1]);
  assert.deepEqual([...t.numeric("delta_abs_original_shape_MeshVolume")], [-500, 100, 50]);
  const rel = t.numeric("delta_rel_original_shape_MeshVolume");
  assert.equal(rel[0], -0.25);
  assert.ok(Number.isNaN(rel[1]!) && Number.isNaN(rel[2]!)); // baseline volume 0
  assert.deepEqual(r.noBaseline, ["P3"]);
  assert.deepEqual(r.baselineOnly, ["P4"]);
  assert.equal(r.zeroBaseline.get("original_shape_MeshVolume"), 2);
  assert.ok(r.notes.some((n) => /left out 1 text column\(s\): site/.test(n)));
  assert.ok(
    r.notes.some((n) => /1 patient\(s\) have no baseline \(timepoint = 0\) row and get no delta: P3/.test(n)),
  );
});

test("bad input: duplicate time point, missing column, no pair at all", () => {
  const dup = parseCsv("patient,timepoint,f\nP1,0,1\nP1,0,2\n");
  assert.throws(
    () => deltaFeatures(dup, { id: "patient", time: "timepoint", baseline: "0" }),
    /patient P1 has two rows for time point 0/,
  );
  assert.throws(
    () => deltaFeatures(dup, { id: "patient", time: "visit", baseline: "0" }),
    /column "visit" not found/,
  );
  const none = parseCsv("patient,timepoint,f\nP1,0,1\nP2,0,2\n");
  assert.throws(
    () => deltaFeatures(none, { id: "patient", time: "timepoint", baseline: "0" }),
    /no patient has both the baseline/,
  );
});

test("delta command: writes the table and reports what it left out", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rg-delta-"));
  const input = join(dir, "features.csv");
  writeFileSync(input, CSV);
  const out = join(dir, "delta.csv");
  const r = await runCli(
    "delta",
    input,
    "--id",
    "patient",
    "--time",
    "timepoint",
    "--baseline",
    "0",
    "--kind",
    "absolute",
    "-o",
    out,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /no baseline .* P3/);
  assert.match(r.stderr, /3 \(patient, time point\) rows x 2 delta columns/);
  const t = parseCsv(readFileSync(out, "utf8"));
  assert.deepEqual([...t.numeric("delta_abs_original_firstorder_Mean")], [5, 2, -4]);
  const bad = await runCli(
    "delta",
    input,
    "--id",
    "patient",
    "--time",
    "timepoint",
    "--baseline",
    "0",
    "--kind",
    "ratio",
    "-o",
    out,
  );
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--kind must be absolute, relative or both/);
});
