import { existsSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { encodePayload, type Offer } from "@moments/engine";
import { demoProductGid, demoVariantGid } from "~/demo/catalog";
import { DEMO_SHOP_DOMAIN } from "~/shop-context.server";
import { freshDatabase, type TestDatabase } from "../support/db";
import { demoModeEnv, startServer, type RunningServer } from "../support/server";
import { launchChromium, screenshotPath } from "../support/browser";

/** The post-purchase moment of the demo journey in Chromium: accept (signed + verified), then decline. */
const offer = (pi: number, id: string, priority: number, eur: number, usd: number): Offer => ({
  id,
  status: "active",
  type: "product",
  moments: ["post_purchase"],
  priority,
  items: [{ productId: demoProductGid(pi), variantId: demoVariantGid(pi, 0), quantity: 1, prices: { EUR: eur, USD: usd } }],
  discount: { kind: "percent", percent: 15 },
  copy: { en: { title: `One-click ${id}`, cta: `Add ${id} to my order`, decline: "No thanks" } },
});
const OFFERS = [offer(11, "onboarding", 90, 9900, 9900), offer(9, "insurance", 80, 499, 549), offer(5, "case", 70, 3900, 4200)];

let db: TestDatabase;
let server: RunningServer;
let browser: Browser;
let orderId: string;

beforeAll(async () => {
  db = freshDatabase("demo-post-purchase");
  server = await startServer(demoModeEnv(db.url));
  const shop = await db.prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } });
  const payload = encodePayload(OFFERS, { journeyCap: 10, defaultLocale: "en" }, Date.now() - 60_000);
  await db.prisma.publication.upsert({
    where: { shopId: shop.id },
    create: { shopId: shop.id, payload, bytes: payload.length, offerCount: OFFERS.length, publishedAt: new Date() },
    update: { payload, bytes: payload.length, offerCount: OFFERS.length, publishedAt: new Date() },
  });
  const offered = new Set(OFFERS.map((o) => o.items[0]!.productId));
  const orders = await db.prisma.order.findMany({ where: { shopId: shop.id }, orderBy: { processedAt: "desc" }, take: 200 });
  orderId = orders.find((o) => !(JSON.parse(o.lines) as Array<{ productId: string }>).some((l) => offered.has(l.productId)))!.shopifyId;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.prisma.$disconnect();
});

describe("/demo/post-purchase in Chromium", () => {
  it("GIVEN a demo order WHEN the buyer accepts, then declines THEN the signed changeset is shown verified and the downsell follows", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const response = await page.goto(`${server.url}/demo/post-purchase?order=${encodeURIComponent(orderId)}`);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.getByRole("heading", { name: "One-click onboarding" }).count()).toBe(1);
    await page.getByRole("button", { name: "Add onboarding to my order" }).click();
    await expect.poll(() => page.getByText("Changeset signed and verified").count()).toBe(1);
    await expect.poll(() => page.getByRole("heading", { name: "One-click insurance" }).count()).toBe(1);
    const file = screenshotPath("demo-post-purchase");
    await page.screenshot({ path: file, fullPage: true });
    expect(existsSync(file) && statSync(file).size > 10_000).toBe(true);
    await page.getByRole("button", { name: "No thanks" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "One-click case" }).count()).toBe(1);
    // The history names the offers as the merchant did, never by their ids.
    const history = (await page.getByRole("heading", { name: "Offers made for this purchase" }).locator("xpath=..").textContent()) ?? "";
    expect(history).toMatch(/Step 1: [^·]*onboarding[^·]* · /i);
    expect(history).not.toMatch(/off_[a-z0-9]/);
    await page.screenshot({ path: screenshotPath("demo-post-purchase-history"), fullPage: true });
    await page.close();
  });
});
