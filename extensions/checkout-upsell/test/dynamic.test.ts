// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { getExtension } from "@shopify/ui-extensions-tester";
import { encodePayload, type Complements, type Offer } from "@moments/engine";
import { DEMO_CATALOG, demoProductGid } from "~/demo/catalog";
import { line, metafield, NOW, settings, variantGid } from "./support/fixtures";
import { renderTarget, unmountTarget } from "./support/render";

// A dynamic offer (decision 034) in the checkout block: no product of its own, the headset's best
// complement from the published complement table shown, priced and added as any offer.

const flush = async () => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0));
};
const $ = (s: string) => document.body.querySelector<HTMLElement>(s);
const prop = (el: HTMLElement | null, name: string) =>
  (el as unknown as Record<string, unknown> | null)?.[name] ?? el?.getAttribute(name);

const CDN = "https://cdn.shopify.com/s/files/1/0612/3456/7890/files/";
const gid = (key: string) => demoProductGid(DEMO_CATALOG.findIndex((p) => p.key === key));
const complement = (key: string, eur: number, usd: number) => ({
  productId: gid(key),
  variantId: variantGid(key),
  prices: { EUR: eur, USD: usd },
  image: [CDN, `${key}.jpg`],
});
/** The headset's complements, best first: the cable, then the stand-in second best (the tool case). */
const TABLE: Complements = [
  { productId: gid("headset"), items: [complement("cable", 2490, 2690), complement("tool-case", 3900, 4200)] },
];
const DYNAMIC: Offer = {
  id: "dyn-checkout",
  status: "active",
  type: "dynamic",
  moments: ["checkout"],
  priority: 90,
  items: [],
  discount: { kind: "percent", percent: 20 },
  copy: { en: { title: "Often bought with your order", body: "Picked from what buyers add.", cta: "Add" } },
  experiment: { id: "dyn-exp", holdoutBps: 0, variants: [{ id: "dyn-a", weight: 1 }] },
};

interface MockApi {
  appMetafields: { value: unknown };
  checkoutToken: { value: unknown };
  lines: { value: unknown };
  cost: { subtotalAmount: { value: unknown } };
  localization: { currency: { value: unknown } };
  applyCartLinesChange: unknown;
}

describe("purchase.checkout.block.render: a dynamic offer", () => {
  const ext = getExtension("purchase.checkout.block.render");
  const api = () => ext.shopify as unknown as MockApi;
  const show = async (lines: ReturnType<typeof line>[]) => {
    api().appMetafields.value = metafield(encodePayload([DYNAMIC], settings, NOW - 60_000, TABLE));
    api().lines.value = lines;
    api().cost.subtotalAmount.value = {
      amount: lines.reduce((s, l) => s + l.cost.totalAmount.amount, 0),
      currencyCode: "EUR",
    };
    api().localization.currency.value = { isoCode: "EUR" };
    await renderTarget(ext.shopify.extension.target);
    await flush();
  };
  beforeEach(() => {
    ext.setUp();
    api().checkoutToken.value = "tok-dynamic";
    ext.fetch = vi.fn().mockResolvedValue(new Response("{}"));
  });
  afterEach(async () => {
    await unmountTarget();
    ext.tearDown();
  });

  test("GIVEN a headset in the checkout WHEN the block renders THEN it offers the headset's best complement (the cable) with its image and the offer's discount, and adds it with the offer's attributes", async () => {
    const apply = vi.fn().mockResolvedValue({ type: "success" });
    api().applyCartLinesChange = apply;
    await show([line("headset", "headset-black")]);
    expect($("s-heading")?.textContent).toBe("Often bought with your order");
    expect(prop($("s-product-thumbnail"), "src")).toBe(`${CDN}cable.jpg`);
    // 20% off EUR 24.90 = EUR 19.92, the list price beside it ("offer.was": the tester's i18n key).
    expect($("s-text[type=strong]")?.textContent).toBe("19.92");
    expect(document.body.textContent).toContain("offer.was");
    document.body.querySelector<HTMLElement>("s-button")!.click();
    await flush();
    expect(apply).toHaveBeenCalledWith({
      type: "addCartLine",
      merchandiseId: variantGid("cable"),
      quantity: 1,
      attributes: [
        { key: "_moments_offer", value: "dyn-checkout" },
        { key: "_moments_variant", value: "dyn-a" },
        { key: "_moments_moment", value: "checkout" },
        { key: "_moments_token", value: expect.stringMatching(/^dyn-checkout~dyn-a~checkout~/) },
      ],
    });
  });

  test("GIVEN the cable already in the checkout WHEN the block renders THEN the next complement (the tool case) is offered", async () => {
    await show([line("headset", "headset-black"), line("cable")]);
    expect(prop($("s-product-thumbnail"), "src")).toBe(`${CDN}tool-case.jpg`);
    // 20% off EUR 39.00 (the tester formats amounts as plain numbers).
    expect($("s-text[type=strong]")?.textContent).toBe("31.2");
  });

  test("GIVEN a cart whose products have no complement WHEN the block renders THEN nothing is shown", async () => {
    await show([line("drill")]);
    expect($("s-heading")).toBeNull();
    expect($("s-button")).toBeNull();
  });
});
