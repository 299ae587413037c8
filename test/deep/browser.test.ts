/**
 * The embedding in a real browser: headless Chromium (Debian's /usr/bin/chromium through playwright-core)
 * runs the library's browser entry with onnxruntime-web (WebAssembly, files served from the local package)
 * and gets the same embedding as the hand computation. Every request must stay on 127.0.0.1.
 * Skipped with a message when Chromium is absent (.ci/run installs it).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, normalize } from "node:path";
import { test } from "node:test";
import { preparePatch } from "../../src/deep/embed.js";
import { resolveEmbedSettings } from "../../src/deep/settings.js";
import { testCase, testWeights } from "../helpers/deep.js";
import { convPoolModel, convPoolReference } from "../helpers/onnx.js";

const CHROMIUM = "/usr/bin/chromium";
const root = join(import.meta.dirname, "..", "..");
const ortDir = join(root, "node_modules", "onnxruntime-web", "dist");

test("onnxruntime-web in headless Chromium gives the hand-computed embedding; no request leaves 127.0.0.1", {
  skip: existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install chromium)`,
  timeout: 120_000,
}, async () => {
  const esbuild = await import("esbuild");
  const bundle = await esbuild.build({
    entryPoints: [join(import.meta.dirname, "browser-entry.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    external: ["onnxruntime-web"],
    logLevel: "silent",
  });
  const size: [number, number, number] = [10, 12, 9];
  const { weights, bias } = testWeights(5, 23);
  const model = convPoolModel({ size, weights, bias });
  const raw = { preset: "ct-fm", patchSize: size, spacing: [1.1, 0.9, 1.3] };
  const page = `<!doctype html><meta charset="utf-8"><title>embed</title><script type="module" src="/bundle.js"></script>`;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end(page);
    } else if (url.pathname === "/bundle.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(bundle.outputFiles[0]!.text);
    } else if (url.pathname.startsWith("/ort/")) {
      const f = normalize(join(ortDir, url.pathname.slice(5)));
      if (!f.startsWith(ortDir) || !existsSync(f)) return void res.writeHead(404).end();
      const type = f.endsWith(".wasm") ? "application/wasm" : "text/javascript";
      res.writeHead(200, { "content-type": type }).end(readFileSync(f));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const requests: string[] = [];
  const errors: string[] = [];
  try {
    const p = await browser.newPage();
    p.on("request", (r) => requests.push(r.url()));
    p.on("pageerror", (e) => errors.push(String(e)));
    await p.goto(`${origin}/`);
    await p.waitForFunction(() => typeof window.runEmbedding === "function");
    const got = await p.evaluate(
      async ({ modelBytes, raw }) => {
        const ort = await import("/ort/ort.wasm.min.mjs" as string);
        ort.env.wasm.wasmPaths = "/ort/";
        ort.env.wasm.numThreads = 1;
        return window.runEmbedding(ort, Uint8Array.from(modelBytes), raw);
      },
      { modelBytes: [...model], raw },
    );
    const { image, mask } = testCase();
    const want = convPoolReference(
      preparePatch(image, mask, resolveEmbedSettings(raw)).data,
      size,
      weights,
      bias,
    );
    assert.deepEqual(
      Object.keys(got),
      want.map((_, k) => `deep_ct-fm_${k}`),
    );
    for (let k = 0; k < want.length; k++)
      assert.ok(
        Math.abs(got[`deep_ct-fm_${k}`]! - want[k]!) <= 1e-5 * Math.max(1e-3, Math.abs(want[k]!)),
        `${k}: ${got[`deep_ct-fm_${k}`]} vs ${want[k]}`,
      );
    assert.ok(want.some((v) => v > 0.01));
    assert.deepEqual(errors, []);
    assert.ok(requests.length > 0);
    for (const u of requests) assert.ok(u.startsWith(`${origin}/`), `request left 127.0.0.1: ${u}`);
  } finally {
    await browser.close();
    server.close();
  }
});
