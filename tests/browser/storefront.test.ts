import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { EventInput } from "~/measurement/contract";
import { launchChromium, screenshotPath } from "../support/browser";
import { freshDatabase, type TestDatabase } from "../support/db";
import { ROOT } from "../support/paths";
import { realModeEnv, startServer, TEST_API_SECRET, type RunningServer } from "../support/server";
import { BEANIE, JACKET, KIT, SCARF } from "../support/storefront/fixture";
import { seedStorefrontShop } from "../support/storefront/seed";
import { forwardToApp, jacketInCart, startStorefront, type StorefrontServer } from "../support/storefront/server";

/**
 * The theme app extension's built assets in Debian Chromium, on a local storefront page that
 * loads them the way a theme renders the blocks. Offers come from the BUILT app through its app
 * proxy route: the local storefront signs each request like Shopify does and forwards it.
 */
let db: TestDatabase;
let app: RunningServer;
let shop: StorefrontServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  db = freshDatabase("storefront");
  await seedStorefrontShop(db.prisma);
  app = await startServer(realModeEnv(db.url));
  shop = await startStorefront(forwardToApp(app.url, TEST_API_SECRET));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await app?.stop();
  await db?.prisma.$disconnect();
});
beforeEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  shop.adds.length = 0;
  shop.beacons.length = 0;
  shop.offerRequests.length = 0;
  shop.cartUpdates.length = 0;
  shop.setCart(jacketInCart());
});

const MOBILE_UA =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36";

async function open(
  kind: "desktop" | "mobile",
  pathname = "/products/rain-jacket",
  context?: BrowserContext,
): Promise<Page> {
  const ctx =
    context ??
    (await browser.newContext(
      kind === "desktop"
        ? { viewport: { width: 1280, height: 800 } }
        : {
            viewport: { width: 390, height: 844 },
            deviceScaleFactor: 2,
            isMobile: true,
            hasTouch: true,
            userAgent: MOBILE_UA,
          },
    ));
  if (!context) {
    contexts.push(ctx);
    // Every layout shift the page has, as the browser measures it (the CLS entries).
    await ctx.addInitScript(() => {
      const w = window as unknown as { shifts: number[] };
      w.shifts = [];
      new PerformanceObserver((l) =>
        l.getEntries().forEach((e) => w.shifts.push((e as unknown as { value: number }).value)),
      ).observe({ type: "layout-shift", buffered: true });
    });
  }
  const page = await ctx.newPage();
  await page.goto(shop.url + pathname);
  await page.waitForFunction(() => (window as unknown as { __moments?: boolean }).__moments === true);
  await page.waitForTimeout(400); // the embed's minimum time on page (dwell 300 ms in the test page)
  return page;
}

/** A real pointer path: from the page up through its top edge, out of the viewport. */
async function leaveThroughTop(page: Page, x = 640) {
  await page.mouse.move(x, 400);
  await page.mouse.move(x, 40, { steps: 6 });
  await page.mouse.move(x, -20, { steps: 2 });
}

/** Scrolls the page down the way a reader does (Chromium's synthetic scroll gesture, 1.2 px/ms). */
async function readDown(page: Page, px: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.synthesizeScrollGesture", {
    x: 195,
    y: 420,
    yDistance: -px,
    speed: 1200,
    gestureSourceType: "default",
  });
  await cdp.detach();
}

/**
 * A real finger drag: touchStart, touchMoves every ~16 ms, touchEnd (Chromium adds the fling).
 * The finger moves down by `px` over `ms`, so the page scrolls back up. A fast flick sends its
 * moves on schedule without waiting for replies (slow round trips must not slow the finger); a
 * slow drag waits for each (so a busy machine cannot bunch them into a burst) and rests before
 * lifting, as a reading finger does, so no fling follows.
 */
async function swipeDown(page: Page, px: number, ms: number) {
  const cdp = await page.context().newCDPSession(page);
  const [x, y0] = [195, 200];
  const slow = px / ms < 1;
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y: y0 }] });
  const steps = Math.max(2, Math.round(ms / 16));
  const t0 = Date.now();
  const sent: Array<Promise<unknown>> = [];
  for (let i = 1; i <= steps; i++) {
    const wait = t0 + (ms * i) / steps - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const move = cdp.send("Input.dispatchTouchEvent", {
      type: "touchMove",
      touchPoints: [{ x, y: y0 + (px * i) / steps }],
    });
    if (slow) await move;
    else sent.push(move);
  }
  if (slow) await new Promise((r) => setTimeout(r, 150));
  sent.push(cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] }));
  await Promise.all(sent);
  await cdp.detach();
}

const dialog = (page: Page) => page.getByRole("dialog");
const beaconEvents = () => shop.beacons.flatMap((b) => b.events);

describe("desktop exit intent", () => {
  it("GIVEN the product page WHEN the pointer leaves through the top and stays out THEN the limited-time bundle dialog opens", async () => {
    const page = await open("desktop");
    await leaveThroughTop(page);
    await expect.poll(() => dialog(page).count(), { timeout: 5000 }).toBe(1);
    await expect.poll(() => dialog(page).getByRole("heading").textContent()).toBe("Wait! Your winter bundle");
    const text = await dialog(page).textContent();
    expect(text).toContain("€60.00"); // the undiscounted bundle, struck through
    expect(text).toContain("€45.00"); // the merchant's bundle price
    expect(text).toMatch(/Offer ends in 1:59:\d\d/); // the offer's endsAt, 2 h after publishing
    expect(shop.offerRequests.at(-1)?.get("moment")).toBe("exit_intent");
    await page.screenshot({ path: screenshotPath("storefront-exit-desktop") });
  });

  it("GIVEN the product page WHEN the pointer moves around, even near the top edge, THEN nothing opens", async () => {
    const page = await open("desktop");
    for (const [x, y] of [
      [100, 100],
      [1200, 700],
      [640, 3],
      [20, 400],
      [640, 1],
      [900, 200],
    ] as const)
      await page.mouse.move(x, y, { steps: 4 });
    await page.mouse.wheel(0, 800);
    await page.mouse.wheel(0, -800);
    await page.waitForTimeout(800);
    expect(await dialog(page).count()).toBe(0);
    expect(shop.offerRequests).toHaveLength(0);
  });

  it("GIVEN the pointer left through the top WHEN it comes back within the grace period THEN nothing opens", async () => {
    const page = await open("desktop");
    await leaveThroughTop(page);
    await page.mouse.move(640, 100); // back after a few ms: a slip, not an exit
    await page.waitForTimeout(800);
    expect(await dialog(page).count()).toBe(0);
  });

  it("GIVEN the dialog was shown WHEN the shopper leaves again, on this page or a new one in the session, THEN it never shows twice", async () => {
    const page = await open("desktop");
    await leaveThroughTop(page);
    await expect.poll(() => dialog(page).count(), { timeout: 5000 }).toBe(1);
    await page.keyboard.press("Escape");
    await leaveThroughTop(page);
    await page.waitForTimeout(800);
    expect(await dialog(page).count()).toBe(0);
    const again = await open("desktop", "/products/rain-jacket", page.context());
    await leaveThroughTop(again);
    await again.waitForTimeout(800);
    expect(await dialog(again).count()).toBe(0);
    expect(shop.offerRequests.filter((q) => q.get("moment") === "exit_intent")).toHaveLength(1);
  });

  it("GIVEN a checkout path WHEN the pointer leaves through the top THEN no exit intent, no request", async () => {
    const page = await open("desktop", "/checkouts/c1");
    await leaveThroughTop(page);
    await page.waitForTimeout(800);
    expect(await dialog(page).count()).toBe(0);
    expect(shop.offerRequests).toHaveLength(0);
  });
});

describe("mobile exit intent (Chromium mobile emulation, touch)", () => {
  it("GIVEN a shopper who scrolled down WHEN they flick fast back up THEN the dialog opens", async () => {
    const page = await open("mobile");
    await readDown(page, 1500);
    await page.waitForTimeout(300);
    await swipeDown(page, 400, 64); // ~6 px/ms, and the fling after it
    await expect.poll(() => dialog(page).count(), { timeout: 5000 }).toBe(1);
    await page.screenshot({ path: screenshotPath("storefront-exit-mobile") });
  });

  it("GIVEN a shopper who scrolled down WHEN they scroll back up slowly, reading THEN nothing opens", async () => {
    const page = await open("mobile");
    await readDown(page, 1500);
    await page.waitForTimeout(300);
    const deepest = await page.evaluate(() => scrollY);
    for (let i = 0; i < 3; i++) await swipeDown(page, 250, 1200); // ~0.2 px/ms: reading back up
    await page.waitForTimeout(800);
    expect(await page.evaluate(() => scrollY)).toBeLessThan(deepest - 600); // the page did scroll back up
    expect(await dialog(page).count()).toBe(0);
  });

  it("GIVEN a shopper who touched the page WHEN they press back THEN the dialog opens instead of leaving", async () => {
    const page = await open("mobile");
    await page.touchscreen.tap(195, 600);
    await page.waitForFunction(() => (history.state as { moments?: number } | null)?.moments === 1);
    const before = page.url();
    await page.evaluate(() => history.back());
    await expect.poll(() => dialog(page).count(), { timeout: 5000 }).toBe(1);
    expect(page.url()).toBe(before);
  });
});

describe("the dialog", () => {
  it("GIVEN the exit dialog WHEN used with the keyboard only THEN focus stays inside, Escape closes and focus returns to the opener", async () => {
    const page = await open("desktop");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab"); // header links, then the page's "Add to cart" button
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("buy");
    await leaveThroughTop(page);
    await expect.poll(() => dialog(page).count(), { timeout: 5000 }).toBe(1);
    const focused = () =>
      page.evaluate(() => ({
        cls: document.activeElement?.className,
        inside: !!document.activeElement?.closest("[role=dialog]"),
      }));
    expect((await focused()).cls).toBe("moments-accept");
    const seen = new Set<string>();
    for (let i = 0; i < 7; i++) {
      await page.keyboard.press(i % 3 === 2 ? "Shift+Tab" : "Tab");
      const f = await focused();
      expect(f.inside).toBe(true);
      seen.add(String(f.cls));
    }
    expect([...seen].sort()).toEqual(["moments-accept", "moments-decline", "moments-x"]);
    await page.keyboard.press("Escape");
    expect(await dialog(page).count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("buy");
  });

  it("GIVEN the exit dialog WHEN the shopper accepts with Enter THEN /cart/add.js gets both bundle lines with the offer, arm and moment properties", async () => {
    const page = await open("desktop");
    await leaveThroughTop(page);
    await expect.poll(() => dialog(page).count(), { timeout: 5000 }).toBe(1);
    await page.keyboard.press("Enter");
    await expect.poll(() => shop.adds.length).toBe(1);
    const items = shop.adds[0]!.items;
    expect(items.map((i) => [i.id, i.quantity])).toEqual([
      [BEANIE.variant, 1],
      [SCARF.variant, 1],
    ]);
    for (const i of items) {
      expect(i.properties).toMatchObject({
        _moments_offer: "off_bundle",
        _moments_variant: "A",
        _moments_moment: "exit_intent",
      });
      expect(i.properties?._moments_token).toMatch(/^off_bundle~A~exit_intent~/);
    }
    await expect.poll(() => dialog(page).count()).toBe(0);
  });

  it("GIVEN the exit dialog open WHEN axe checks the page THEN no serious or critical violations", async () => {
    const page = await open("desktop");
    await leaveThroughTop(page);
    await expect.poll(() => dialog(page).count(), { timeout: 5000 }).toBe(1);
    await page.waitForFunction(() => [...document.styleSheets].some((s) => s.href?.endsWith("/assets/moments.css")));
    await page.addScriptTag({ content: readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8") });
    const result = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run: (ctx: unknown) => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }>;
          };
        }
      ).axe;
      const r = await axe.run({ include: [[".moments-overlay"]] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    expect(result.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  });

  it("GIVEN the shopper said No thanks WHEN a new session leaves the page again THEN the declined bundle is not offered again", async () => {
    const page = await open("desktop");
    await leaveThroughTop(page);
    await expect.poll(() => dialog(page).count(), { timeout: 5000 }).toBe(1);
    await dialog(page).getByRole("button", { name: "No thanks" }).click();
    expect(await dialog(page).count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem("moments_dec"))).toBe("off_bundle");
    // A new browser session: session cookies gone, localStorage kept.
    await page.context().clearCookies();
    const next = await open("desktop", "/products/rain-jacket", page.context());
    await leaveThroughTop(next);
    await expect
      .poll(() => shop.offerRequests.filter((q) => q.get("moment") === "exit_intent").length, { timeout: 5000 })
      .toBe(2);
    expect(shop.offerRequests.at(-1)?.get("dec")).toBe("off_bundle");
    await next.waitForTimeout(500);
    expect(await dialog(next).count()).toBe(0);
  });
});

describe("cart cross-sell", () => {
  it("GIVEN the cart page app block WHEN the jacket is in the cart THEN the care kit shows inline and Add posts its cart-moment properties", async () => {
    const page = await open("desktop", "/cart");
    const block = page.locator("[data-moments-cart] section");
    await expect.poll(() => block.count(), { timeout: 5000 }).toBe(1);
    expect(await block.getByRole("heading").textContent()).toBe("Complete your order: care kit");
    expect(await page.evaluate(() => (window as unknown as { shifts: number[] }).shifts)).toEqual([]); // the reserved slot held it
    expect(await block.textContent()).toContain("€15.20"); // 20% off €19.00, priced by the engine
    await block.getByRole("button", { name: /Add kit/ }).click();
    await expect.poll(() => shop.adds.length).toBe(1);
    expect(shop.adds[0]!.items).toEqual([
      {
        id: KIT.variant,
        quantity: 1,
        properties: expect.objectContaining({
          _moments_offer: "off_kit",
          _moments_variant: "",
          _moments_moment: "cart",
        }),
      },
    ]);
    const q = shop.offerRequests[0]!;
    expect(JSON.parse(q.get("c")!)).toEqual([
      [JACKET.product, JACKET.variant, 1, JACKET.cents, "Northwind", "", ["outerwear", "waterproof"], [501]],
    ]);
  });

  it("GIVEN the theme adds the jacket through the Cart AJAX API WHEN the add succeeds THEN the cross-sell drawer opens", async () => {
    shop.setCart([]);
    const page = await open("desktop");
    await page.click("#buy");
    await expect.poll(() => dialog(page).count(), { timeout: 5000 }).toBe(1);
    expect(await dialog(page).getAttribute("class")).toContain("moments-drawer");
    expect(await dialog(page).getByRole("heading").textContent()).toBe("Complete your order: care kit");
    await page.screenshot({ path: screenshotPath("storefront-drawer") });
  });
  it("GIVEN an older theme that adds with XMLHttpRequest WHEN the add succeeds THEN the cross-sell opens too", async () => {
    shop.setCart([]);
    const page = await open("desktop");
    await page.evaluate((variant) => {
      const x = new XMLHttpRequest();
      x.open("POST", "/cart/add.js");
      x.setRequestHeader("Content-Type", "application/json");
      x.send(JSON.stringify({ items: [{ id: variant, quantity: 1 }] }));
    }, JACKET.variant);
    await expect.poll(() => dialog(page).count(), { timeout: 5000 }).toBe(1);
  });

  it("GIVEN the theme's add fails (422) WHEN it returns THEN no cross-sell opens", async () => {
    shop.setCart([]);
    const page = await open("desktop");
    await page.evaluate(() =>
      fetch("/cart/add.js", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ items: [{ id: 999, quantity: 1 }] }),
      }),
    );
    await page.waitForTimeout(800);
    expect(await dialog(page).count()).toBe(0);
    expect(shop.offerRequests).toHaveLength(0);
  });
});

describe("events", () => {
  it("GIVEN exit intent, an impression, a decline and an accept WHEN the page is hidden THEN one sendBeacon batch carries contract-valid storefront events", async () => {
    const page = await open("desktop", "/cart");
    await expect.poll(() => page.locator("[data-moments-cart] section").count(), { timeout: 5000 }).toBe(1);
    await page.locator("[data-moments-cart] section").getByRole("button", { name: "No thanks" }).click();
    await leaveThroughTop(page);
    await expect.poll(() => dialog(page).count(), { timeout: 5000 }).toBe(1);
    await dialog(page)
      .getByRole("button", { name: /Add the bundle/ })
      .click();
    await expect.poll(() => shop.adds.length).toBe(1);
    await expect.poll(() => beaconEvents().filter((e) => e.type === "accept").length, { timeout: 5000 }).toBe(1);
    const journeyKey = await page.evaluate(() => localStorage.getItem("moments_jk"));
    const events = beaconEvents().filter((e) => e.journeyKey === journeyKey); // not a closed page's late beacon
    expect(events.map((e) => `${e.type}:${e.moment}:${e.offerId ?? "-"}`)).toEqual([
      "impression:cart:off_kit",
      "decline:cart:off_kit",
      "exit_intent:exit_intent:-",
      "impression:exit_intent:off_bundle",
      "accept:exit_intent:off_bundle",
    ]);
    for (const e of events) expect(EventInput.safeParse(e).success, JSON.stringify(e)).toBe(true);
    expect(events.every((e) => e.surface === "storefront" && e.device === "desktop")).toBe(true);
    expect(events.at(-1)).toMatchObject({
      valueMinor: 4500,
      currency: "EUR",
      arm: "variant",
      experimentId: "exp_bundle",
      armId: "A",
    });
  });
});

describe("the journey key on the cart (cart attribute _moments_journey)", () => {
  const journeyKeyOf = (page: Page) => page.evaluate(() => localStorage.getItem("moments_jk"));

  it("GIVEN a cart without a journey key WHEN the page loads THEN the cart carries the script's moments_jk key, written once", async () => {
    const page = await open("desktop");
    const key = await journeyKeyOf(page);
    expect(key).toMatch(/\S/);
    await expect.poll(() => shop.cartAttributes()._moments_journey, { timeout: 5000 }).toBe(key);
    expect(shop.cartUpdates).toEqual([{ attributes: { _moments_journey: key } }]);
  });

  it("GIVEN the key already written on this cart WHEN the page is reloaded and another page opened THEN nothing is written again", async () => {
    const page = await open("desktop");
    await expect.poll(() => shop.cartUpdates.length, { timeout: 5000 }).toBe(1);
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { __moments?: boolean }).__moments === true);
    await open("desktop", "/cart", page.context());
    await page.waitForTimeout(800);
    expect(shop.cartUpdates).toHaveLength(1);
    expect(shop.cartAttributes()._moments_journey).toBe(await journeyKeyOf(page));
  });

  it("GIVEN a cart that already carries another journey key WHEN the page loads THEN that key is kept (no write)", async () => {
    shop.setCart(jacketInCart(), { _moments_journey: "checkout-journey-1" });
    const page = await open("desktop");
    expect(await journeyKeyOf(page)).not.toBe("checkout-journey-1");
    await page.waitForTimeout(800);
    expect(shop.cartUpdates).toHaveLength(0);
    expect(shop.cartAttributes()._moments_journey).toBe("checkout-journey-1");
  });

  it("GIVEN the key written, then a new cart without it (after an order) WHEN the page loads again THEN the key is written on the new cart", async () => {
    const page = await open("desktop");
    await expect.poll(() => shop.cartUpdates.length, { timeout: 5000 }).toBe(1);
    shop.setCart(jacketInCart());
    await page.reload();
    await expect.poll(() => shop.cartUpdates.length, { timeout: 5000 }).toBe(2);
    expect(shop.cartAttributes()._moments_journey).toBe(await journeyKeyOf(page));
  });
});
