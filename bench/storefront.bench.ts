/**
 * Storefront moments: the theme app extension's script size (compressed, as the CDN serves it)
 * and the Lighthouse performance score of the local storefront test page with and without the
 * app embed, both measured in this run (the page without the embed is the baseline).
 * Budgets: script <= 8 KB gzip (theme-check warns above 10 KB); at most 2 Lighthouse points
 * lost to the embed (Shopify's App Store limit is 10).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { bundleForNode } from "../scripts/lib/bundle.mjs";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import { report } from "./lib/report";
import { CHROMIUM, CHROMIUM_FLAGS } from "../tests/support/browser";
import type * as StorefrontSupport from "../tests/support/storefront/server";
import type * as StorefrontFixture from "../tests/support/storefront/fixture";

// `npm run bench` runs the bundled file from .tmp/bench with the repo root as cwd.
const root = process.cwd();
const tmp = path.join(root, ".tmp/bench");
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 5);

// --- 1. the script, freshly built, and what it would weigh with the engine in the browser -------
const built = spawnSync(process.execPath, [path.join(root, "packages/storefront/build.mjs")], { encoding: "utf8" });
if (built.status !== 0) throw new Error(`storefront build failed:\n${built.stderr}`);
const asset = (f: string) => readFileSync(path.join(root, "extensions/moments-theme/assets", f));
const gzip = (b: Uint8Array) => gzipSync(b, { level: 9 }).length;
const brotli = (b: Uint8Array) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const js = asset("moments.js");
const css = asset("moments.css");

// The rejected data path: decide() + decodePayload() shipped to the browser (the engine alone,
// before any UI), built with the same settings as the script.
const engineOnly = await build({
  stdin: { contents: `import { decide, decodePayload } from "@moments/engine"; (window as any).m = { decide, decodePayload };`, loader: "ts", resolveDir: root },
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2019",
  write: false,
  logLevel: "error",
});
const engineBytes = engineOnly.outputFiles[0]!.contents;

report({
  name: "storefront moments.js gzip",
  value: gzip(js) / 1024,
  unit: "KB",
  baseline: { value: gzip(engineBytes) / 1024, label: "engine+decoder alone, if decided in the browser" },
  budget: { limit: 8, kind: "max" },
});
report({
  name: "storefront moments.js brotli",
  value: brotli(js) / 1024,
  unit: "KB",
  baseline: { value: brotli(engineBytes) / 1024, label: "engine+decoder alone" },
  budget: { limit: 10, kind: "max", unit: "KB (theme-check warning)" },
});
report({ name: "storefront moments.css gzip", value: gzip(css) / 1024, unit: "KB", baseline: { value: css.length / 1024, label: "uncompressed" } });

// --- 2. Lighthouse: the test page with and without the embed, same run, same Chromium ---------
const supportFile = path.join(tmp, "storefront-support.mjs");
await bundleForNode({
  stdin: {
    contents: `export { startStorefront, decideInProcess } from "./tests/support/storefront/server.ts"; export { storefrontPayload } from "./tests/support/storefront/fixture.ts";`,
    loader: "ts",
    resolveDir: root,
  },
  outfile: supportFile,
});
const support = (await import(pathToFileURL(supportFile).href)) as typeof StorefrontSupport & typeof StorefrontFixture;
const shop = await support.startStorefront(support.decideInProcess(support.storefrontPayload().payload));

const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM,
  chromeFlags: ["--headless=new", ...CHROMIUM_FLAGS, "--disable-extensions"],
  logLevel: "silent",
});

interface Run {
  score: number;
  cls: number;
}
async function audit(url: string): Promise<Run> {
  const result = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance"] });
  const s = result?.lhr.categories.performance?.score;
  if (typeof s !== "number") throw new Error(`Lighthouse gave no performance score for ${url}: ${result?.lhr.runtimeError?.message ?? "unknown"}`);
  return { score: Math.round(s * 100), cls: result!.lhr.audits["cumulative-layout-shift"]?.numericValue ?? NaN };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pages = {
  product: { without: [] as Run[], with: [] as Run[] },
  cart: { without: [] as Run[], with: [] as Run[] },
};
try {
  // Alternating runs, so a slow moment of the machine hits both variants alike. The cart page
  // "with" has the app block and the embed; "without" has neither.
  for (let i = 0; i < RUNS; i++) {
    pages.product.without.push(await audit(`${shop.url}/products/rain-jacket?embed=0`));
    pages.product.with.push(await audit(`${shop.url}/products/rain-jacket`));
    pages.cart.without.push(await audit(`${shop.url}/cart?embed=0&block=0`));
    pages.cart.with.push(await audit(`${shop.url}/cart`));
  }
} finally {
  chrome.kill();
  await shop.close();
}
for (const [name, runs] of Object.entries(pages)) {
  const base = median(runs.without.map((r) => r.score));
  const withApp = median(runs.with.map((r) => r.score));
  const label = name === "product" ? "embed" : "embed + cart block";
  report({ name: `lighthouse performance, ${name} page with the ${label}`, value: withApp, unit: "points", baseline: { value: base, label: "same page without the app" } });
  report({ name: `lighthouse points lost to the ${label} (${name} page)`, value: base - withApp, unit: "points", budget: { limit: 2, kind: "max" } });
  report({
    name: `cumulative layout shift, ${name} page with the ${label}`,
    value: Math.max(...runs.with.map((r) => r.cls)),
    unit: "CLS",
    baseline: { value: Math.max(...runs.without.map((r) => r.cls)), label: "without the app" },
    budget: { limit: 0.01, kind: "max" },
  });
  console.log(`# ${name} page scores (median of ${RUNS}): without ${runs.without.map((r) => r.score).join(",")}; with ${runs.with.map((r) => r.score).join(",")}`);
}
