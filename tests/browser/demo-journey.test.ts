import { existsSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { ensureDemoOffers } from "~/demo/demo-offers";
import { demoGateway } from "~/gateway/demo.server";
import { assign } from "@moments/engine";
import { getPublishedPayload, publishShop } from "~/publish/publish.server";
import { DEMO_SHOP_DOMAIN } from "~/shop-context.server";
import { freshDatabase, type TestDatabase } from "../support/db";
import { BROWSER_UA, demoModeEnv, realModeEnv, startServer, type RunningServer } from "../support/server";
import { launchChromium, screenshotPath } from "../support/browser";

let db: TestDatabase;
let server: RunningServer;
let browser: Browser;
/** A buyer key outside the tool case experiment's hold-out (its held-out buyers see nothing there). */
let buyer = "";

beforeAll(async () => {
  db = freshDatabase("demo-journey");
  server = await startServer(demoModeEnv(db.url));
  // The demo seed creates the shop at start-up; give it the demo offers and publish them, as the
  // demo start-up does once ensureDemoOffers is wired in.
  const shop = await db.prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } });
  await ensureDemoOffers(db.prisma, shop.id);
  const published = await publishShop(db.prisma, shop, demoGateway(db.prisma, shop.id));
  expect(published.ok).toBe(true);
  const drillCase = (await getPublishedPayload(db.prisma, shop.id))!.offers.find((o) => o.id.startsWith("demo-drill-case") && o.experiment)!;
  for (let i = 1; !buyer; i++) if (assign(drillCase.experiment!, `demo-buyer-${i}`).kind === "variant") buyer = `demo-buyer-${i}`;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.prisma.$disconnect();
});

describe("the demo buyer journey in Chromium", () => {
  it("GIVEN a drill, a parka and a framed print WHEN the journey page opens THEN each checkout moment shows what its extension would render, and why", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const q =
      `item=drill&item=parka-m&item=print-50&currency=EUR&country=DE&locale=en&device=desktop&buyer=${buyer}`;
    const response = await page.goto(`${server.url}/demo/journey?${q}`);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.getByRole("heading", { name: "Buyer journey" }).count()).toBe(1);
    for (const heading of ["Keep it all together", "Upgrade to Premium Gore-Tex", "Insure your framed print"]) {
      await expect.poll(() => page.getByRole("heading", { name: heading }).count(), { message: heading }).toBe(1);
    }
    await expect.poll(() => page.getByText(/Discount Function takes off €7\.80/).count()).toBe(1);
    await expect.poll(() => page.getByRole("link", { name: "see the post-purchase moment" }).count()).toBe(1);
    const file = screenshotPath("demo-journey");
    await page.screenshot({ path: file, fullPage: true });
    expect(existsSync(file) && statSync(file).size > 10_000).toBe(true);
    await page.close();
  });

  it("GIVEN the German selector WHEN changed THEN the page re-renders the journey in German", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/demo/journey?item=drill&locale=en&buyer=${buyer}`);
    await page.getByLabel("Language").selectOption("de");
    await expect.poll(() => page.getByRole("heading", { name: "Alles an einem Platz" }).count()).toBe(1);
    await expect.poll(() => page.getByRole("button", { name: "Nein, danke" }).count()).toBeGreaterThan(0);
    await page.close();
  });
});

describe("the journey page outside demo mode", () => {
  it("GIVEN the app in real mode WHEN /demo/journey is requested THEN it is not found", async () => {
    const real = freshDatabase("demo-journey-real");
    const s = await startServer(realModeEnv(real.url));
    try {
      const r = await fetch(`${s.url}/demo/journey`, { headers: { "User-Agent": BROWSER_UA } });
      expect(r.status).toBe(404);
    } finally {
      await s.stop();
      await real.prisma.$disconnect();
    }
  });
});
