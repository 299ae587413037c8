/**
 * Locates the shared reference data (../shared/data or $RADIOGENOMICS_DATA). Tests that need it call
 * `dataTest()` / `requireData()`: when the data is absent (a user's fresh clone) they are skipped with a
 * visible message; in CI the data is present and they run.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function dataDir(): string | undefined {
  const env = process.env.RADIOGENOMICS_DATA;
  if (env && existsSync(env)) return resolve(env);
  const rel = resolve(repoRoot, "..", "shared", "data");
  return existsSync(rel) ? rel : undefined;
}

/** Absolute path of a file under the data dir, or undefined if the data dir (or the file) is missing. */
export function dataPath(...parts: string[]): string | undefined {
  const d = dataDir();
  if (!d) return undefined;
  const p = join(d, ...parts);
  return existsSync(p) ? p : undefined;
}

/**
 * Skip reason for node:test (`{ skip: skipUnlessData("pyradiomics") }`): false when the data is there,
 * otherwise a message that node:test prints next to the skipped test.
 */
export function skipUnlessData(...parts: string[]): false | string {
  if (dataPath(...parts)) return false;
  const msg = `SKIPPED: reference data ${join(...parts)} not found (set RADIOGENOMICS_DATA or place it in ../shared/data)`;
  process.stderr.write(`${msg}\n`);
  return msg;
}

export function requireData(...parts: string[]): string {
  const p = dataPath(...parts);
  if (!p) throw new Error(`reference data ${join(...parts)} not found`);
  return p;
}

export { repoRoot };

/**
 * Reference outputs generated for this repository by a script kept next to them
 * (test/fixtures/reference/<area>/, e.g. R goldens with their generating .R file). Always present.
 */
export function fixturePath(...parts: string[]): string {
  return join(repoRoot, "test", "fixtures", ...parts);
}
