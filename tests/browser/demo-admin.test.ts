import { existsSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { freshDatabase, type TestDatabase } from "../support/db";
import { demoModeEnv, startServer, type RunningServer } from "../support/server";
import { launchChromium, screenshotPath } from "../support/browser";

let db: TestDatabase;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  db = freshDatabase("demo-admin");
  server = await startServer(demoModeEnv(db.url));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.prisma.$disconnect();
});

describe("the demo admin in Chromium", () => {
  it("GIVEN a fresh demo server WHEN a browser opens it THEN the home page shows the demo shop, no login", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const response = await page.goto(server.url);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/app");
    await expect.poll(() => page.getByRole("heading", { name: "Moments Demo Store" }).count()).toBe(1);
    await expect.poll(() => page.getByText("Checkout: before payment").count()).toBe(1);
    const file = screenshotPath("demo-home");
    await page.screenshot({ path: file, fullPage: true });
    expect(existsSync(file) && statSync(file).size > 10_000).toBe(true);
    await page.close();
  });

  it("GIVEN every admin and demo page WHEN a browser opens it THEN it has a title and nothing it loads answers 404 (favicon included)", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const missing: string[] = [];
    page.on("response", (r) => {
      if (r.status() === 404) missing.push(r.url());
    });
    const titles: Record<string, string> = {};
    for (const path of ["/app", "/app/offers", "/app/experiments", "/app/dashboard", "/app/settings", "/app/emails", "/demo/journey", "/demo/post-purchase"]) {
      const response = await page.goto(`${server.url}${path}`);
      expect(response?.status(), path).toBe(200);
      await page.waitForLoadState("networkidle");
      titles[path] = await page.title();
    }
    expect(Object.entries(titles).filter(([, title]) => !title.endsWith("· Moments"))).toEqual([]);
    expect(missing).toEqual([]);
    await page.close();
  });

  it("GIVEN a path no route serves WHEN a browser opens it THEN the root error page shows the status and a title", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const response = await page.goto(`${server.url}/no-such-page`);
    expect(response?.status()).toBe(404);
    await expect.poll(() => page.getByRole("heading", { name: "This page does not exist" }).count()).toBe(1);
    expect(await page.title()).toBe("404 · Moments");
    const file = screenshotPath("root-error-404");
    await page.screenshot({ path: file, fullPage: true });
    expect(existsSync(file)).toBe(true);
    await page.close();
  });

  it("GIVEN the demo server WHEN asked where it listens THEN it is loopback only", () => {
    expect(new URL(server.url).hostname).toBe("127.0.0.1");
  });
});
