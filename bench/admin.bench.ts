/**
 * Admin load figures in headless Chromium against the built demo server: LCP and CLS of the home,
 * offers index and offer edit pages, p75 over cold loads (a fresh browser context each: no cache).
 * Baseline, same run: the very same rendered page as static HTML without scripts or stylesheets,
 * served by a plain node:http server (what the network and the browser cost on their own).
 * Budgets: our aim locally (LCP <= 1 s, CLS <= 0.05); Built for Shopify asks LCP < 2.5 s and
 * CLS < 0.1 at p75 for admin apps. Builds the app itself when the sources are newer than its build.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser } from "playwright-core";
import { emptyOfferForm, type OfferForm } from "~/offers/form";
import { launchChromium } from "../tests/support/browser";
import { BROWSER_UA, demoModeEnv, startServer } from "../tests/support/server";
import { percentile, report } from "./lib/report";

const root = process.cwd();
const SAMPLES = 7;
const bin = (name: string) => path.join(root, "node_modules", name);

// Its own production build (.tmp/build-bench), rebuilt when app/ or packages/ changed since, so the
// figures are of the current code and a shared build/ is never overwritten mid-run.
const BUILD = path.join(root, ".tmp/build-bench");
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  return newest;
}
const serverBuild = path.join(BUILD, "server/index.js");
if (
  !existsSync(serverBuild) ||
  Math.max(newestMtime(path.join(root, "app")), newestMtime(path.join(root, "packages"))) >
    statSync(serverBuild).mtimeMs
) {
  execFileSync(process.execPath, [bin("@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", MOMENTS_BUILD_DIR: BUILD },
    stdio: ["ignore", "ignore", "inherit"],
  });
}
mkdirSync(path.join(root, ".tmp/bench"), { recursive: true });
const dbFile = path.join(root, ".tmp/bench/admin-bench.db");
rmSync(dbFile, { force: true });
const dbUrl = `file:${dbFile}`;
execFileSync(process.execPath, [bin("prisma/build/index.js"), "migrate", "deploy"], {
  cwd: root,
  env: { ...process.env, DATABASE_URL: dbUrl },
  stdio: ["ignore", "ignore", "inherit"],
});

// The server seeds the demo shop at start-up; the offer page needs an offer, made as the merchant
// would (over HTTP: the bench bundle keeps workspace packages such as the engine external).
const server = await startServer({ ...demoModeEnv(dbUrl), MOMENTS_BUILD_DIR: BUILD });
const UA = { "User-Agent": BROWSER_UA };
const found = (await (await fetch(`${server.url}/app/offers/products?q=Care%2B`, { headers: UA })).json()) as {
  products: Array<{ id: string; title: string; variants: Array<{ id: string }> }>;
};
const product = found.products[0]!;
const form: OfferForm = {
  ...emptyOfferForm(["EUR", "USD"]),
  name: "Laptop protection",
  type: "warranty",
  moments: ["checkout"],
  items: [{ productId: product.id, variantId: product.variants[0]!.id, quantity: "1", title: product.title }],
  copy: { en: { title: "Protect your laptop for 3 years", body: "", cta: "Add", decline: "No thanks" } },
  experiment: { enabled: false, holdoutPct: "10", variants: [] },
};
const created = await fetch(`${server.url}/app/offers/new`, {
  method: "POST",
  headers: UA,
  body: new URLSearchParams({ intent: "save", form: JSON.stringify(form) }),
  redirect: "manual",
});
const offerPath = new URL(created.headers.get("location") ?? "", server.url).pathname;
if (!/^\/app\/offers\/off_/.test(offerPath))
  throw new Error(`bench offer not created: ${created.status} ${await created.text()}`);

const PAGES = [
  { name: "home", path: "/app", ready: "Setup checklist" },
  { name: "offers index", path: "/app/offers", ready: "Warranty / protection plan" },
  { name: "offer edit", path: offerPath, ready: "Protect your laptop for 3 years" },
];

const VITALS = `new Promise((resolve) => {
  let lcp = 0, cls = 0;
  new PerformanceObserver((l) => { for (const e of l.getEntries()) lcp = e.startTime; }).observe({ type: "largest-contentful-paint", buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) cls += e.value; }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => resolve({ lcp, cls }), 250);
})`;

async function measure(browser: Browser, url: string, ready?: string) {
  const lcps: number[] = [];
  const clss: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    if (ready) await page.getByText(ready).first().waitFor();
    await page.waitForLoadState("networkidle");
    const v = (await page.evaluate(VITALS)) as { lcp: number; cls: number };
    lcps.push(v.lcp);
    clss.push(v.cls);
    await context.close();
  }
  return {
    lcp: percentile(
      lcps.sort((a, b) => a - b),
      75,
    ),
    cls: percentile(
      clss.sort((a, b) => a - b),
      75,
    ),
  };
}

const browser = await launchChromium();
try {
  for (const p of PAGES) {
    // The baseline: this page's rendered DOM as static HTML, no scripts, no stylesheets.
    const probe = await browser.newPage();
    await probe.goto(server.url + p.path);
    await probe.getByText(p.ready).first().waitFor();
    const html = (await probe.content()).replace(/<script[\s\S]*?<\/script>/g, "").replace(/<link[^>]*>/g, "");
    await probe.close();
    const staticServer = createServer((_req, res) =>
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html),
    );
    await new Promise<void>((r) => staticServer.listen(0, "127.0.0.1", r));
    const base = await measure(browser, `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}/`);
    staticServer.close();

    const app = await measure(browser, server.url + p.path, p.ready);
    report({
      name: `admin ${p.name} LCP p75`,
      value: app.lcp,
      unit: "ms",
      baseline: { value: base.lcp, label: "static HTML of the page" },
      budget: { limit: 1000, kind: "max" },
    });
    report({
      name: `admin ${p.name} CLS p75 (static HTML of the page: ${base.cls.toFixed(3)})`,
      value: app.cls,
      unit: "",
      budget: { limit: 0.05, kind: "max" },
    });
  }
} finally {
  await browser.close();
  await server.stop();
}
