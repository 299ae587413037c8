/**
 * src/io parsers, src/image, src/features, src/stats, src/analysis and the extraction pipeline must run in a
 * browser (the web app extracts in a Web Worker): walk the static import graph from src/browser.ts and
 * fail on any `node:` module or Node-only package.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { repoRoot } from "./helpers/data.js";

const NODE_ONLY_PACKAGES = ["piscina", "cli-progress", "commander"];

test("nothing reachable from src/browser.ts imports a Node-only module", () => {
  const seen = new Set<string>();
  const offenders: string[] = [];
  const visit = (file: string, from: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    // static imports and re-exports (type-only imports are erased and do not count)
    const re = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?["']([^"']+)["']/gm;
    for (const m of text.matchAll(re)) {
      const spec = m[1]!;
      if (spec.startsWith("node:") || NODE_ONLY_PACKAGES.includes(spec)) {
        offenders.push(`${file.replace(`${repoRoot}/`, "")} imports ${spec} (reached from ${from})`);
      } else if (spec.startsWith(".")) {
        visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")), file.replace(`${repoRoot}/`, ""));
      }
    }
  };
  visit(join(repoRoot, "src", "browser.ts"), "entry");
  console.log(`  ${seen.size} modules reachable from src/browser.ts`);
  assert.ok(seen.size > 50);
  assert.deepEqual(offenders, []);
});
