import { existsSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Locator, Page } from "playwright-core";
import { decodePayload, encodePayload, type Design, type Offer, type Payload } from "@moments/engine";
import { launchChromium, screenshotPath } from "../support/browser";
import { settings, storefrontOffers } from "../support/storefront/fixture";
import { decideInProcess, jacketInCart, startStorefront, type StorefrontServer } from "../support/storefront/server";

/**
 * The storefront script (the theme extension's built assets) renders each layout (decision 024)
 * with the offer's product image: the cart page block and the exit-intent dialog, in Chromium.
 */
let shop: StorefrontServer;
let browser: Browser;
let payload: Payload;

/** The fixture's offers in a layout, each with a product image. */
function publish(design: Design, image: Offer["image"] | undefined = ["/demo-products/", "tool-case.svg"]) {
  const now = Date.now();
  const offers = storefrontOffers(now).map((o) => ({ ...o, design, ...(image ? { image } : {}) }));
  const decoded = decodePayload(encodePayload(offers, settings, now));
  if (!decoded.ok) throw new Error(decoded.error.message);
  payload = decoded.payload;
}

beforeAll(async () => {
  publish("card");
  shop = await startStorefront((q) => decideInProcess(payload)(q), {
    exit: true,
    xsell: "off",
    grace: 300,
    dwell: 300,
    hidden: 1000,
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await shop?.close();
});

async function open(pathname: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(shop.url + pathname);
  await page.waitForFunction(() => (window as unknown as { __moments?: boolean }).__moments === true);
  return page;
}
const loaded = (scope: Locator) =>
  expect
    .poll(
      () =>
        scope
          .locator("img")
          .first()
          .evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0),
      { timeout: 5000 },
    )
    .toBe(true);
async function shoot(target: Locator, name: string) {
  const file = screenshotPath(name);
  await target.screenshot({ path: file });
  expect(existsSync(file) && statSync(file).size > 3_000).toBe(true);
}

describe("the cart page block in each layout", () => {
  for (const design of ["card", "compact", "banner"] as const)
    it(`GIVEN the care kit in the ${design} layout WHEN the cart page renders THEN the block shows it with the product image`, async () => {
      publish(design);
      shop.setCart(jacketInCart());
      const page = await open("/cart");
      const offer = page.locator("[data-moments-cart] .moments-offer");
      await offer.waitFor({ timeout: 5000 });
      expect(await offer.getAttribute("class")).toBe(`moments-offer moments-${design}`);
      await loaded(offer);
      expect(await offer.getByRole("heading").textContent()).toBe("Complete your order: care kit");
      // The compact layout leaves the text out; the others show it.
      expect((await offer.textContent())!.includes("Keeps the jacket waterproof.")).toBe(design !== "compact");
      expect(await offer.getByRole("button").count()).toBe(2);
      await shoot(page.locator("[data-moments-cart]"), `design-storefront-cart-${design}`);
      await page.context().close();
    });

  it("GIVEN an image URL that fails to load WHEN the block renders THEN the image is removed and the offer still shows", async () => {
    publish("card", ["/demo-products/", "missing.svg"]);
    const page = await open("/cart");
    const offer = page.locator("[data-moments-cart] .moments-offer");
    await offer.waitFor({ timeout: 5000 });
    await expect.poll(() => offer.locator("img").count(), { timeout: 5000 }).toBe(0);
    expect(await offer.getByRole("button").count()).toBe(2);
    await page.context().close();
  });
});

describe("the exit-intent dialog in the banner layout", () => {
  it("GIVEN the winter bundle as a banner WHEN the pointer leaves through the top THEN the dialog leads with the product image", async () => {
    publish("banner", ["/demo-products/", "parka.svg"]);
    shop.setCart(jacketInCart());
    const page = await open("/products/rain-jacket");
    await page.waitForTimeout(400);
    await page.mouse.move(640, 400);
    await page.mouse.move(640, 40, { steps: 6 });
    await page.mouse.move(640, -20, { steps: 2 });
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.count(), { timeout: 5000 }).toBe(1);
    await loaded(dialog);
    expect(await dialog.locator(".moments-offer").getAttribute("class")).toBe("moments-offer moments-banner");
    expect(await dialog.getByRole("heading").textContent()).toBe("Wait! Your winter bundle");
    await shoot(dialog, "design-storefront-exit-banner");
    await page.context().close();
  });
});
