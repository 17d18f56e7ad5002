import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { decodePayload, encodePayload, type Offer } from "@moments/engine";
import { launchChromium, screenshotPath } from "../support/browser";
import { JACKET, KIT, settings } from "../support/storefront/fixture";
import { decideInProcess, startStorefront, type StorefrontServer } from "../support/storefront/server";

/**
 * A linked downsell on the storefront (decision 027), with the theme extension's built script in
 * Chromium: "No thanks" to the cart page's offer shows the offer it names in the same block.
 */
const CLOTH = { product: 2002, variant: 20021 };
const gid = (kind: string, n: number) => `gid://shopify/${kind}/${n}`;
const cartOffer = (
  id: string,
  priority: number,
  item: { product: number; variant: number },
  eur: number,
  title: string,
  more: Partial<Offer> = {},
): Offer => ({
  id,
  status: "active",
  type: "product",
  moments: ["cart"],
  priority,
  items: [
    {
      productId: gid("Product", item.product),
      variantId: gid("ProductVariant", item.variant),
      quantity: 1,
      prices: { EUR: eur },
    },
  ],
  copy: { en: { title, cta: "Add", decline: "No thanks" } },
  targeting: { products: [gid("Product", JACKET.product)] },
  ...more,
});

let shop: StorefrontServer;
let browser: Browser;

beforeAll(async () => {
  const offers = [
    cartOffer("off_kit", 10, KIT, 1900, "Complete your order: care kit", { downsell: "off_cloth" }),
    cartOffer("off_cloth", 1, CLOTH, 700, "Just the cleaning cloth, then?"),
  ];
  const decoded = decodePayload(encodePayload(offers, settings, Date.now()));
  if (!decoded.ok) throw new Error(decoded.error.message);
  shop = await startStorefront(decideInProcess(decoded.payload));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await shop?.close();
});

describe("the cart page block: a decline shows the linked downsell in its place", () => {
  it("GIVEN the care kit on the cart page WHEN the shopper says No thanks THEN the cleaning cloth it names takes its place, asked for with the kit declined", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${shop.url}/cart`);
    const block = page.locator("[data-moments-cart] section");
    await expect.poll(() => block.textContent(), { timeout: 10_000 }).toContain("Complete your order: care kit");
    await block.getByRole("button", { name: "No thanks" }).click();
    await expect.poll(() => block.textContent(), { timeout: 10_000 }).toContain("Just the cleaning cloth, then?");
    const last = shop.offerRequests[shop.offerRequests.length - 1]!;
    expect(last.get("dec")).toBe("off_kit");
    expect(last.get("seen")).toBe("off_kit@cart");
    await block.screenshot({ path: screenshotPath("downsell-storefront-cart") });
    // The cloth declined too: the block empties (nothing names another offer).
    await block.getByRole("button", { name: "No thanks" }).click();
    await expect.poll(() => page.locator("[data-moments-cart] section").count(), { timeout: 10_000 }).toBe(0);
    await page.close();
  });
});
