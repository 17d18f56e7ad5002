import { existsSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { assign } from "@moments/engine";
import { getPublishedPayload } from "~/publish/publish.server";
import { DEMO_SHOP_DOMAIN } from "~/shop-context.server";
import { launchChromium, screenshotPath } from "../support/browser";
import { freshDatabase, type TestDatabase } from "../support/db";
import { BROWSER_UA, demoModeEnv, realModeEnv, startServer, type RunningServer } from "../support/server";

/**
 * The demo storefront in Debian Chromium: theme pages rendered from the extension's real Liquid
 * blocks, the extension's real built script, the demo's cart, and the demo's stand-in for
 * Shopify's app proxy in front of the real proxy handlers. What the buyer sees comes from the
 * demo shop's published payload; what the script reports lands in the demo's measurement.
 */
let db: TestDatabase;
let server: RunningServer;
let browser: Browser;
let shopId = "";
/** Journey keys the demo experiments show their offer to (a held-out key sees nothing, by design). */
let cableBuyer = "";
let exitBuyer = "";
let cableOffer = "";
let exitOffer = "";
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  db = freshDatabase("demo-store");
  // A fresh demo database: start-up seeds the demo shop and publishes the demo offers.
  server = await startServer(demoModeEnv(db.url));
  shopId = (await db.prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } })).id;
  const payload = (await getPublishedPayload(db.prisma, shopId))!;
  const cable = payload.offers.find((o) => o.id.startsWith("demo-cart-headset-cable"))!;
  const exit = payload.offers.find((o) => o.id.startsWith("demo-exit-print-case"))!;
  [cableOffer, exitOffer] = [cable.id, exit.id];
  const shown = (o: typeof cable, key: string) => assign(o.experiment!, key).kind === "variant";
  for (let i = 1; !cableBuyer; i++) if (shown(cable, `store-buyer-${i}`)) cableBuyer = `store-buyer-${i}`;
  for (let i = 1; !exitBuyer; i++)
    if (shown(exit, `store-buyer-${i}`) && `store-buyer-${i}` !== cableBuyer) exitBuyer = `store-buyer-${i}`;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
  await db?.prisma.$disconnect();
});

/** A new visitor whose journey key (the script's `moments_jk`) is `journeyKey`. */
async function visitor(journeyKey: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  contexts.push(ctx);
  await ctx.addInitScript(
    (jk) => localStorage.getItem("moments_jk") || localStorage.setItem("moments_jk", jk),
    journeyKey,
  );
  return ctx.newPage();
}

async function open(page: Page, path: string) {
  const response = await page.goto(server.url + path);
  expect(response?.status()).toBe(200);
  await page.waitForFunction(() => (window as unknown as { __moments?: boolean }).__moments === true);
}

async function shot(page: Page, name: string) {
  const file = screenshotPath(name);
  await page.screenshot({ path: file });
  expect(existsSync(file) && statSync(file).size > 10_000).toBe(true);
}

const storedEvents = (journeyKey: string) =>
  db.prisma.event.findMany({
    where: { shopId, journeyKey },
    select: { type: true, moment: true, offerId: true, surface: true },
  });

describe("the demo storefront in Chromium", () => {
  it("GIVEN the demo admin WHEN its Storefront tab is clicked THEN the store's home page lists the demo catalog", async () => {
    const page = await visitor(cableBuyer);
    await page.goto(`${server.url}/app`);
    await page.getByRole("link", { name: "Storefront (demo)" }).click();
    await page.waitForURL(/\/demo\/store$/);
    await expect.poll(() => page.getByRole("heading", { name: "Made to be used, every day" }).count()).toBe(1);
    await expect.poll(() => page.getByRole("link", { name: /Studio ANC Headset/ }).count()).toBe(1);
    await shot(page, "demo-store-home");
  });

  it("GIVEN the headset page WHEN the visitor adds it to the cart THEN the theme's Ajax add opens the Moments cross-sell drawer with the proxy's spare-cable offer, and the events reach the measurement", async () => {
    const page = await visitor(cableBuyer);
    await open(page, "/demo/store/products/headset");
    await expect.poll(() => page.getByRole("heading", { name: "Studio ANC Headset" }).count()).toBe(1);
    await page.getByRole("button", { name: "Add to cart" }).click();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => dialog.getByRole("heading").textContent()).toBe("A spare cable for the road");
    const text = (await dialog.textContent()) ?? "";
    expect(text).toMatch(/€\d+\.\d\d/);
    expect(await page.locator("[data-cart-count]").textContent()).toBe("1");
    await dialog.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished))); // the drawer slides in
    await shot(page, "demo-store-cross-sell-drawer");

    // The proxy logged the exposure where it decided; the script's impression came through the proxy.
    await expect
      .poll(async () => (await storedEvents(cableBuyer)).map((e) => `${e.type}:${e.moment}:${e.surface}`).sort(), {
        timeout: 10_000,
      })
      .toEqual(expect.arrayContaining(["exposure:cart:storefront", "impression:cart:storefront"]));
    expect((await storedEvents(cableBuyer)).find((e) => e.type === "impression")?.offerId).toBe(cableOffer);
  });

  it("GIVEN the headset in the cart WHEN the cart page opens THEN the 'Complete your order' block shows the cable inline, and accepting it adds the line at the offer price", async () => {
    const page = await visitor(cableBuyer);
    await open(page, "/demo/store/products/headset");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect.poll(() => page.getByRole("dialog").count(), { timeout: 10_000 }).toBe(1);
    await page.keyboard.press("Escape");
    await open(page, "/demo/store/cart");
    const block = page.locator("[data-moments-cart] section");
    await expect
      .poll(() => block.getByRole("heading").textContent(), { timeout: 10_000 })
      .toBe("A spare cable for the road");
    const price = /€\d+\.\d\d/.exec((await block.locator(".moments-price strong").textContent()) ?? "")![0];
    await shot(page, "demo-store-cart-cross-sell");

    await block.getByRole("button", { name: /Add to cart/ }).click();
    // The block reloads the cart page (its default setting): the cable is a cart line now, priced
    // by the Discount Function at what the offer said.
    await expect.poll(() => page.locator(".cart-item").count(), { timeout: 10_000 }).toBe(2);
    const cable = page.locator(".cart-item", { hasText: "Premium Braided Audio Cable" });
    await expect.poll(() => cable.locator("td.right").textContent()).toContain(price);
    const cart = (await (await page.request.get(`${server.url}/demo/store/cart.js`)).json()) as {
      attributes: Record<string, string>;
      items: Array<{ product_title: string; properties: Record<string, string>; final_line_price: number }>;
    };
    const added = cart.items.find((i) => i.product_title === "Premium Braided Audio Cable")!;
    expect(added.properties._moments_offer).toBe(cableOffer);
    // The journey key rides the cart (the script's cart/update.js) towards checkout and the order.
    expect(cart.attributes._moments_journey).toBe(cableBuyer);
    // So do the arms the proxy decided for that key, hold-out included (decision 035): the checkout pins them.
    expect(cart.attributes._moments_arms?.split(" ")[0]).toBe(cableBuyer);
    expect(cart.attributes._moments_arms).toMatch(/ [\w-]+:\d+:[\w-]+/);
    // "Check out" continues in the buyer-journey simulator with this cart and journey key.
    const checkout = new URL((await page.getByRole("link", { name: "Check out" }).getAttribute("href"))!, server.url);
    expect(checkout.pathname).toBe("/demo/journey");
    expect(checkout.searchParams.getAll("item")).toEqual(["headset-black", "cable"]);
    expect(checkout.searchParams.get("buyer")).toBe(cableBuyer);
    await expect
      .poll(async () => (await storedEvents(cableBuyer)).some((e) => e.type === "accept"), { timeout: 10_000 })
      .toBe(true);
    await page.evaluate(() => scrollTo(0, 0));
    await shot(page, "demo-store-cart-accepted");
  });

  it("GIVEN the framed print in the cart WHEN the pointer leaves through the top THEN the exit-intent offer opens, and 'No thanks' closes it, is remembered and measured", async () => {
    const page = await visitor(exitBuyer);
    await open(page, "/demo/store/products/print");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect.poll(() => page.getByText("Added to your cart.").count()).toBe(1);
    // The embed's default minimum time on page is 3 s; then a real pointer path out through the top.
    await page.waitForTimeout(3200);
    await page.mouse.move(640, 400);
    await page.mouse.move(640, 40, { steps: 6 });
    await page.mouse.move(640, -20, { steps: 2 });
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => dialog.getByRole("heading").textContent()).toBe("Before you go: keep your frames safe");
    await shot(page, "demo-store-exit-intent");

    await dialog.getByRole("button", { name: "No thanks" }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem("moments_dec"))).toBe(exitOffer);
    await expect
      .poll(async () => (await storedEvents(exitBuyer)).map((e) => `${e.type}:${e.moment}`).sort(), { timeout: 10_000 })
      .toEqual(
        expect.arrayContaining([
          "decline:exit_intent",
          "exit_intent:exit_intent",
          "exposure:exit_intent",
          "impression:exit_intent",
        ]),
      );
    await shot(page, "demo-store-exit-declined");
  });
});

describe("the demo storefront outside demo mode", () => {
  it("GIVEN the app in real mode WHEN the store, its cart or its app proxy stand-in are requested THEN each is not found", async () => {
    const real = freshDatabase("demo-store-real");
    const s = await startServer(realModeEnv(real.url));
    try {
      const get = (path: string, init: RequestInit = {}) =>
        fetch(`${s.url}${path}`, { ...init, headers: { "User-Agent": BROWSER_UA, ...init.headers } });
      for (const path of [
        "/demo/store",
        "/demo/store/products/headset",
        "/demo/store/cart",
        "/demo/store/cart.js",
        "/demo/store/assets/moments.js",
        "/apps/moments/offers?moment=cart&jk=x&cur=EUR",
      ]) {
        expect((await get(path)).status, path).toBe(404);
      }
      const post = await get("/apps/moments/events", {
        method: "POST",
        body: JSON.stringify({ events: [] }),
        headers: { "Content-Type": "application/json" },
      });
      expect(post.status).toBe(404);
    } finally {
      await s.stop();
      await real.prisma.$disconnect();
    }
  });
});
