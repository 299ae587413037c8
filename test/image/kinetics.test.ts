/**
 * DCE kinetic maps on synthetic enhancement curves with analytic answers: each voxel's curve is piecewise
 * linear (uptake slope k to a peak at t_p, then washout slope w), sampled at 0, 60, 120, 240, 360 s, so
 * every map has a closed form; checked to floating-point precision.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { kineticMaps } from "../../src/image/kinetics.js";
import { Volume } from "../../src/image/volume.js";

const times = [0, 60, 120, 240, 360];

/** Voxel v: S0 = 100 + v, uptake k = 0.5 + 0.1 v per s until t_p, then slope w = -0.05 v per s. */
function curve(v: number, t: number, tp: number): number {
  const s0 = 100 + v;
  const k = 0.5 + 0.1 * v;
  const w = -0.05 * v;
  return t <= tp ? s0 + k * t : s0 + k * tp + w * (t - tp);
}

function phases(tp: number, nVox = 6): Volume[] {
  return times.map(
    (t) =>
      new Volume(
        Float64Array.from({ length: nVox }, (_, v) => curve(v, t, tp)),
        { size: [nVox, 1, 1] },
      ),
  );
}

const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test("peak at 120 s: PE, TTP, wash-in, wash-out, SER, IAUC90, RE and subtraction as their formulas", () => {
  const { maps, undefinedVoxels } = kineticMaps(phases(120), times);
  for (let v = 0; v < 6; v++) {
    const s0 = 100 + v;
    const k = 0.5 + 0.1 * v;
    const w = -0.05 * v;
    const s = times.map((t) => curve(v, t, 120));
    // the maximum is at 120 s when w < 0; for v = 0 (w = 0) the curve is flat after 120 s and the first max counts
    close(maps.get("TTP")!.data[v]!, 120, `TTP ${v}`);
    close(maps.get("PE")!.data[v]!, (k * 120) / s0, `PE ${v}`);
    close(maps.get("washIn")!.data[v]!, k, `washIn ${v}`);
    close(maps.get("washOut")!.data[v]!, w, `washOut ${v}`);
    close(maps.get("SER")!.data[v]!, (k * 60) / (k * 120 + w * 240), `SER ${v}`);
    // IAUC over 0..90 s: RE(t) = k t / s0 is linear there, area = k 90^2 / (2 s0)
    close(maps.get("IAUC")!.data[v]!, (k * 90 * 90) / (2 * s0), `IAUC ${v}`);
    for (let i = 1; i < 5; i++) {
      close(maps.get(`RE${i}` as "PE")!.data[v]!, (s[i]! - s0) / s0, `RE${i} ${v}`);
      close(maps.get(`SUB${i}` as "PE")!.data[v]!, s[i]! - s0, `SUB${i} ${v}`);
    }
  }
  assert.ok([...undefinedVoxels.values()].every((n) => n === 0));
});

test("peak at the last phase: wash-out 0; IAUC with a window past a phase boundary", () => {
  const { maps } = kineticMaps(phases(400), times, { iaucSeconds: 150 });
  for (let v = 0; v < 6; v++) {
    const s0 = 100 + v;
    const k = 0.5 + 0.1 * v;
    close(maps.get("TTP")!.data[v]!, 360, "TTP");
    close(maps.get("washOut")!.data[v]!, 0, "washOut");
    close(maps.get("washIn")!.data[v]!, k, "washIn");
    close(maps.get("SER")!.data[v]!, 60 / 360, "SER");
    close(maps.get("IAUC")!.data[v]!, (k * 150 * 150) / (2 * s0), "IAUC150");
  }
});

test("zero denominators are set to 0 and counted, never NaN", () => {
  const p = [0, 10, 0].map((x) => new Volume(new Float64Array([x, 5]), { size: [2, 1, 1] }));
  const { maps, undefinedVoxels } = kineticMaps(p, [0, 30, 60]);
  assert.equal(maps.get("PE")!.data[0], 0);
  assert.equal(undefinedVoxels.get("PE"), 1);
  assert.equal(undefinedVoxels.get("SER"), 2); // voxel 0: S_n = S0 = 0; voxel 1: S_n = S0 = 5
  assert.ok([...maps.values()].every((m) => m.data.every(Number.isFinite)));
});

test("bad DCE input: fewer than 3 phases, unsorted times, a phase on another grid", () => {
  const p = phases(120);
  assert.throws(() => kineticMaps(p.slice(0, 2), [0, 60]), /at least 3 phases/);
  assert.throws(
    () => kineticMaps(p, [0, 60, 50, 240, 360], { names: ["pre", "p1", "p2", "p3", "p4"] }),
    /p2 at 50 s is not after p1 at 60 s/,
  );
  const moved = new Volume(new Float64Array(6), { size: [6, 1, 1], spacing: [2, 1, 1] });
  assert.throws(
    () => kineticMaps([p[0]!, moved, p[2]!], [0, 60, 120]),
    /phase 1 is not on the grid of phase 0 \(spacing\)/,
  );
});

test("kinetic command: maps written as NIfTI; fewer than 3 phases refused with one line", async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { writeImage } = await import("../../src/io/write.js");
  const { readImage } = await import("../../src/io/read.js");
  const { runCli } = await import("../helpers/cli.js");
  const dir = mkdtempSync(join(tmpdir(), "rg-kinetic-"));
  const files = phases(120).map((p, i) => {
    const f = join(dir, `phase${i}.nii.gz`);
    writeImage(f, p);
    return f;
  });
  const out = join(dir, "maps");
  const r = await runCli("kinetic", ...files, "--times", times.join(","), "--out-dir", out);
  assert.equal(r.code, 0, r.stderr);
  const ser = readImage(join(out, "kinetic-SER.nii.gz"));
  const direct = kineticMaps(phases(120), times).maps.get("SER")!;
  assert.deepEqual([...ser.data], [...direct.data]);
  const bad = await runCli("kinetic", files[0]!, files[1]!, "--times", "0,60", "--out-dir", out);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /at least 3 phases/);
});
