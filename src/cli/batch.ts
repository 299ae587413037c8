/**
 * `radiogenomics batch MANIFEST --out features.csv`: extract a whole cohort, in parallel, resumable and
 * shardable. One failing case is reported (and listed in <out>.errors.csv); the rest goes on.
 */
import { writeFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { manifestCases } from "../batch/manifest.js";
import type { CaseOutcome } from "../batch/extractCase.js";
import {
  type BatchCase,
  type Shard,
  autoShard,
  loadState,
  parseShard,
  runBatch,
  shardCases,
} from "../batch/run.js";
import { InputError } from "../errors.js";
import { type ResultRow, csvCell, formatCsv } from "../extract/output.js";
import { readTableFile } from "../io/table-file.js";
import { loadParams } from "./extract.js";
import { EXIT_USER, action, note, parseIntOption, writeOutput } from "./util.js";

interface BatchOpts {
  params?: string;
  out: string;
  workers?: number;
  resume?: boolean;
  shard?: string;
  id?: string;
  progress: boolean;
  diagnostics: boolean;
  mergeShards?: number;
}

/** The feature table (ok cases, manifest order) and <out>.errors.csv (failed cases). */
function writeResults(
  cases: BatchCase[],
  outcomes: CaseOutcome[],
  out: string,
  opts: { diagnostics: boolean },
): { nErr: number; errPath: string } {
  const byId = new Map(cases.map((c) => [c.caseId, c]));
  const rows: ResultRow[] = [];
  const errors: string[] = ["case_id,image,mask,error"];
  for (const o of outcomes) {
    const c = byId.get(o.caseId)!;
    if (o.status === "ok") {
      for (const r of o.results) {
        rows.push({
          ids: {
            case_id: o.caseId,
            Image: c.image,
            Mask: c.mask,
            ...(o.results.length > 1 || c.label === "all" ? { Label: r.label } : {}),
          },
          result: r,
        });
      }
    } else errors.push([o.caseId, c.image, c.mask, o.error].map(csvCell).join(","));
  }
  if (rows.length > 0) writeOutput(out, formatCsv(rows, opts));
  const nErr = outcomes.filter((o) => o.status === "error").length;
  const errPath = `${out.replace(/\.csv$/i, "")}.errors.csv`;
  if (nErr > 0) writeFileSync(errPath, `${errors.join("\n")}\n`);
  return { nErr, errPath };
}

/** Output file of one shard: features.csv -> features.shard3of10.csv. */
function shardOutput(out: string, shard: Shard): string {
  return out.replace(/(\.csv)?$/i, `.shard${shard.index}of${shard.count}$1`);
}

export function register(program: Command): void {
  program
    .command("batch")
    .description("extract features for every case of a manifest (CSV with id, Image, Mask[, Label] columns)")
    .argument("<manifest>", "CSV/TSV manifest; relative paths are resolved against its folder")
    .requiredOption("-o, --out <file>", "feature table to write (CSV)")
    .option("-p, --params <file>", "PyRadiomics parameter file (YAML or JSON)")
    .option("-w, --workers <n>", "worker threads (default: number of cores)", parseIntOption("workers"))
    .option("--resume", "skip cases already finished in a previous run (kept in <out>.state.jsonl)")
    .option("--shard <i/n>", "process only shard i of n (every n-th case), e.g. for a SLURM array job")
    .option(
      "--merge-shards <n>",
      "combine the results of shards 1..n (run earlier with --shard i/n and the same --out) into --out",
      parseIntOption("merge-shards"),
    )
    .option("--id <column>", "id column of the manifest")
    .option("--no-progress", "no progress bar")
    .option("--no-diagnostics", "omit the diagnostics_* columns")
    .action(
      action(async (manifestPath: string, opts: BatchOpts) => {
        const params = await loadParams(opts.params);
        const table = await readTableFile(manifestPath);
        const base = dirname(resolve(manifestPath));
        const cases = manifestCases(table, (p) => (isAbsolute(p) ? p : resolve(base, p)), opts.id);
        if (cases.length === 0) throw new InputError("the manifest has no cases", manifestPath);
        const shard = opts.shard
          ? opts.shard.startsWith("auto")
            ? autoShard(opts.shard, process.env)
            : parseShard(opts.shard)
          : undefined;
        if (opts.mergeShards !== undefined) {
          // Combine the finished shards (their state files hold every case's result) into one table.
          const outcomes: CaseOutcome[] = [];
          const missing: string[] = [];
          for (let i = 1; i <= opts.mergeShards; i++) {
            const sOut = shardOutput(opts.out, { index: i, count: opts.mergeShards });
            const state = loadState(`${sOut}.state.jsonl`, true);
            for (const c of shardCases(cases, { index: i, count: opts.mergeShards })) {
              const o = state.get(c.caseId);
              if (o) outcomes.push(o);
              else missing.push(c.caseId);
            }
          }
          if (missing.length > 0) {
            throw new InputError(
              `${missing.length} case(s) have no result in the shard state files (${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}); run those shards first`,
            );
          }
          const order = new Map(cases.map((c, i) => [c.caseId, i]));
          outcomes.sort((a, b) => order.get(a.caseId)! - order.get(b.caseId)!);
          const { nErr, errPath } = writeResults(cases, outcomes, opts.out, opts);
          note(
            `merged ${opts.mergeShards} shards: ${outcomes.length - nErr} of ${outcomes.length} cases -> ${opts.out}` +
              (nErr > 0 ? `; ${nErr} failed, see ${errPath}` : ""),
          );
          return nErr > 0 ? EXIT_USER : 0;
        }
        const out = shard ? shardOutput(opts.out, shard) : opts.out;
        const statePath = `${out}.state.jsonl`;
        const bar =
          opts.progress && process.stderr.isTTY
            ? new SingleBar({
                format: "extracting [{bar}] {value}/{total} cases | {eta_formatted} left | {last}",
                hideCursor: true,
              })
            : undefined;
        const started = performance.now();
        const result = await runBatch({
          cases,
          params,
          workers: opts.workers,
          statePath,
          resume: opts.resume,
          shard,
          onProgress: (done, total, o) => {
            const status = o.status === "ok" ? "ok" : `FAILED: ${o.error}`;
            if (bar) {
              if (done === 1 || !bar.getTotal()) bar.start(total, 0, { last: "" });
              bar.update(done, { last: `${o.caseId} ${o.status === "ok" ? "ok" : "FAILED"}` });
            } else if (o.status === "error" || opts.progress) {
              note(`[${done}/${total}] ${o.caseId} ${status}`);
            }
          },
        });
        bar?.stop();
        const { nErr, errPath } = writeResults(cases, result.outcomes, out, opts);
        const secs = ((performance.now() - started) / 1000).toFixed(1);
        note(
          `${result.outcomes.length - nErr} of ${result.outcomes.length} cases extracted in ${secs} s${result.resumed ? ` (${result.resumed} resumed)` : ""} -> ${out}` +
            (nErr > 0 ? `; ${nErr} failed, see ${errPath}` : ""),
        );
        return nErr > 0 ? EXIT_USER : 0;
      }),
    );
}
