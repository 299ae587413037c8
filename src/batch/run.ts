/**
 * Cohort extraction: parallel (worker threads), resumable (a JSON-lines state file written as each case
 * finishes), shardable (--shard i/n for cluster array jobs), with progress callbacks. One failing case
 * is recorded and the rest goes on.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { Piscina } from "piscina";
import { InputError } from "../errors.js";
import type { ExtractionParams } from "../extract/params.js";
import { type CaseJob, type CaseOutcome, extractCase } from "./extractCase.js";

export interface BatchCase {
  caseId: string;
  image: string;
  mask: string;
  label?: number | number[] | "all";
  /** RTSTRUCT ROI name(s) (manifest column ROI). */
  roi?: string;
  /** Seed point (LPS mm) for deep-feature patches (manifest columns coordX, coordY, coordZ). */
  seed?: [number, number, number];
}

export interface Shard {
  /** 1-based shard index. */
  index: number;
  count: number;
}

export interface BatchOptions {
  cases: BatchCase[];
  params: ExtractionParams;
  /** Worker threads (default: available cores; 1 = in-process). */
  workers?: number;
  /** JSON-lines file recording every finished case (enables resume). */
  statePath?: string;
  /** Skip cases already recorded as ok in statePath. */
  resume?: boolean;
  shard?: Shard;
  onProgress?: (done: number, total: number, outcome: CaseOutcome) => void;
}

export interface BatchResult {
  /** Outcomes for the cases of this shard, in manifest order (resumed cases included). */
  outcomes: CaseOutcome[];
  resumed: number;
}

export function parseShard(v: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new InputError(`--shard must look like i/n with 1 <= i <= n (e.g. 3/10), got "${v}"`);
  }
  return { index, count };
}

/**
 * `--shard auto` / `--shard auto/N`: the shard from the scheduler's environment: SLURM_ARRAY_TASK_ID
 * (1-based with `--array=1-N`; N from SLURM_ARRAY_TASK_COUNT unless given) or Kubernetes'
 * JOB_COMPLETION_INDEX (0-based; N must be given, as an Indexed Job's `completions`).
 */
export function autoShard(v: string, env: Record<string, string | undefined>): Shard {
  const m = /^auto(?:\/(\d+))?$/.exec(v.trim());
  if (!m) throw new InputError(`--shard must be i/n, auto or auto/n, got "${v}"`);
  const given = m[1] ? Number(m[1]) : undefined;
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const count = given ?? Number(env.SLURM_ARRAY_TASK_COUNT);
    return parseShard(`${env.SLURM_ARRAY_TASK_ID}/${count}`);
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    if (given === undefined)
      throw new InputError("--shard auto with JOB_COMPLETION_INDEX needs the shard count: --shard auto/N");
    return parseShard(`${Number(env.JOB_COMPLETION_INDEX) + 1}/${given}`);
  }
  throw new InputError(
    "--shard auto: no scheduler variable set (SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX); run inside an array job or pass --shard i/n",
  );
}

/** The cases belonging to a shard: every n-th case, starting at the i-th (stable across runs). */
export function shardCases<T>(cases: T[], shard?: Shard): T[] {
  if (!shard) return cases;
  return cases.filter((_, i) => i % shard.count === shard.index - 1);
}

/**
 * Finished cases recorded in a state file (the last line per case wins; with `includeErrors`, failed cases
 * are kept too, otherwise a failure forgets the case so that a resume retries it).
 */
export function loadState(path: string, includeErrors = false): Map<string, CaseOutcome> {
  const done = new Map<string, CaseOutcome>();
  if (!existsSync(path)) return done;
  const lines = readFileSync(path, "utf8").split("\n");
  for (const line of lines) {
    if (!line.trim()) continue;
    try {
      const o = JSON.parse(line, (_k, v) => (v === "NaN" ? Number.NaN : v)) as CaseOutcome;
      if (o.status === "ok" || includeErrors) done.set(o.caseId, o);
      else done.delete(o.caseId);
    } catch {
      // a line cut short by a crash: ignore it, the case is simply re-run
    }
  }
  return done;
}

function stateLine(o: CaseOutcome): string {
  return `${JSON.stringify(o, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v))}\n`;
}

export async function runBatch(opts: BatchOptions): Promise<BatchResult> {
  const cases = shardCases(opts.cases, opts.shard);
  const ids = new Set<string>();
  for (const c of opts.cases) {
    if (ids.has(c.caseId)) throw new InputError(`duplicate case id "${c.caseId}" in the manifest`);
    ids.add(c.caseId);
  }
  const previous = opts.statePath && opts.resume ? loadState(opts.statePath) : new Map<string, CaseOutcome>();
  if (opts.statePath) mkdirSync(dirname(opts.statePath), { recursive: true });
  const todo = cases.filter((c) => !previous.has(c.caseId));
  const outcomes = new Map<string, CaseOutcome>(previous);
  let done = cases.length - todo.length;
  const record = (o: CaseOutcome) => {
    outcomes.set(o.caseId, o);
    if (opts.statePath) appendFileSync(opts.statePath, stateLine(o));
    done++;
    opts.onProgress?.(done, cases.length, o);
  };
  const jobs: CaseJob[] = todo.map((c) => ({ ...c, params: opts.params }));
  const workers = Math.max(1, Math.min(opts.workers ?? availableParallelism(), jobs.length));
  if (workers <= 1) {
    for (const job of jobs) record(await extractCase(job));
  } else {
    // Under tsx (development) this module is .ts and so is the worker; built, both are .js.
    const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
    const pool = new Piscina({
      filename: new URL(`./extractCase.${ext}`, import.meta.url).href,
      minThreads: workers,
      maxThreads: workers,
    });
    let poolError: unknown;
    pool.on("error", (e: unknown) => {
      poolError = e;
    });
    try {
      await Promise.all(
        jobs.map((job) =>
          pool.run(job).then(
            (o: CaseOutcome) => record(o),
            (e: unknown) =>
              record({
                caseId: job.caseId,
                status: "error",
                error: String((e as Error)?.message ?? e),
                kind: "internal",
                ms: 0,
              }),
          ),
        ),
      );
    } finally {
      await pool.destroy();
    }
    if (poolError && outcomes.size === previous.size) throw poolError;
  }
  return {
    outcomes: cases.map((c) => outcomes.get(c.caseId)!).filter((o) => o !== undefined),
    resumed: cases.length - todo.length,
  };
}
