/**
 * Shared CLI plumbing: error handling with exit codes, output to a file or stdout.
 * Exit codes: 0 ok; 1 user error (one line on stderr); 2 internal error.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { InvalidArgumentError } from "commander";
import { isRadiogenomicsError, printableMessage } from "../errors.js";

/**
 * Where the CLI writes. Tests replace these to capture output in process (node:test itself reports on
 * the real stdout, so the process streams must not be patched).
 */
export const io = {
  out: (s: string): void => {
    process.stdout.write(s);
  },
  err: (s: string): void => {
    process.stderr.write(s);
  },
};

export const EXIT_OK = 0;
export const EXIT_USER = 1;
export const EXIT_INTERNAL = 2;

/** Print one line for an error and return the exit code it maps to. */
export function reportError(e: unknown): number {
  if (isRadiogenomicsError(e)) {
    io.err(`radiogenomics: error: ${oneLine(e.message)}\n`);
    return EXIT_USER;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err === "object" && typeof err.code === "string" && err.path) {
    // Node file-system errors are user errors (missing file, permission denied).
    const what =
      err.code === "ENOENT"
        ? "no such file or directory"
        : err.code === "EACCES"
          ? "permission denied"
          : err.code;
    io.err(`radiogenomics: error: ${err.path}: ${what}\n`);
    return EXIT_USER;
  }
  const msg = err instanceof Error ? err.message : String(e);
  io.err(`radiogenomics: internal error: ${oneLine(msg)}\n`);
  if (process.env.RADIOGENOMICS_DEBUG && err instanceof Error && err.stack) io.err(`${err.stack}\n`);
  else io.err("(set RADIOGENOMICS_DEBUG=1 for a stack trace; please report this as a bug)\n");
  return EXIT_INTERNAL;
}

function oneLine(s: string): string {
  return printableMessage(s);
}

/**
 * Wrap a command action: runs it, maps thrown errors to exit codes. The action may return an exit code.
 */
// biome-ignore lint/suspicious/noExplicitAny: commander passes heterogeneous arguments
export function action<A extends any[]>(fn: (...args: A) => unknown): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      if (typeof code === "number" && code !== 0) process.exitCode = code;
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };
}

/** Write text to a file (creating parent directories) or to stdout when path is "-" or undefined. */
export function writeOutput(path: string | undefined, text: string): void {
  if (path === undefined || path === "-") {
    io.out(text.endsWith("\n") ? text : `${text}\n`);
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Message for humans on stderr (progress, notes), kept off stdout so stdout stays machine-readable. */
export function note(msg: string): void {
  io.err(`${msg}\n`);
}

/** Parse a comma-separated list option. */
export function parseList(v: string): string[] {
  return v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Parse an integer option with a clear error. */
export function parseIntOption(name: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`--${name} must be an integer, got "${v}"`);
    return n;
  };
}

/**
 * JSON for every command's output (summary.json, --json): a missing value (NaN) is `null`, an infinite
 * one is the string "Infinity" / "-Infinity" (reported as such, never turned into a missing value).
 */
export function formatJson(value: unknown): string {
  const replacer = (_k: string, v: unknown) =>
    typeof v === "number" && !Number.isFinite(v) ? (Number.isNaN(v) ? null : String(v)) : v;
  return `${JSON.stringify(value, replacer, 2)}\n`;
}
