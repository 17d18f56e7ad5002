// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { getExtension } from "@shopify/ui-extensions-tester";
import { line, metafield, offers, payloadJson, variantGid } from "./support/fixtures";
import { renderTarget, unmountTarget } from "./support/render";

// Decision 027 in the checkout extension: the demo's subscription / plan upgrade at the payment step
// (the buyer's Planner Basic line, on its monthly plan, is switched to Pro on the plan with one
// `updateCartLine`), and a linked downsell taking the declined offer's place in the checkout block.

const flush = async () => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0));
};
const $ = (s: string) => document.body.querySelector<HTMLElement>(s);
const buttons = () => [...document.body.querySelectorAll<HTMLElement>("s-button")];

interface MockApi {
  appMetafields: { value: unknown };
  lines: { value: unknown };
  checkoutToken: { value: unknown };
  cost: { subtotalAmount: { value: unknown } };
  localization: { currency: { value: unknown } };
  applyCartLinesChange: unknown;
}

describe("purchase.checkout.payment-method-list.render-after: the plan upgrade", () => {
  const ext = getExtension("purchase.checkout.payment-method-list.render-after");
  const api = () => ext.shopify as unknown as MockApi;
  const setCart = (lines: ReturnType<typeof line>[]) => {
    api().lines.value = lines;
    api().cost.subtotalAmount.value = {
      amount: lines.reduce((a, l) => a + l.cost.totalAmount.amount, 0),
      currencyCode: "EUR",
    };
    api().localization.currency.value = { isoCode: "EUR" };
  };
  beforeEach(() => {
    ext.setUp();
    api().appMetafields.value = metafield(payloadJson());
  });
  afterEach(async () => {
    await unmountTarget();
    const { events } = await import("../src/ui/OfferBlock");
    ext.fetch = vi.fn().mockResolvedValue(new Response("{}"));
    for (let i = 0; i < 10 && events.pending > 0; i++) await events.flush();
  });

  test("GIVEN Planner Basic on its monthly plan WHEN the Pro plan upgrade is accepted THEN that line is updated to Pro on the plan, with the offer's attributes (no line added)", async () => {
    const basic = line("saas", "saas-basic");
    setCart([basic]);
    const apply = vi.fn().mockResolvedValue({ type: "success" });
    api().applyCartLinesChange = apply;
    const money = vi.spyOn(ext.shopify.i18n, "formatCurrency");
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect($("s-heading")?.textContent).toBe("Go Pro for 20% less");
    // The plan's price: Pro at 49.00 EUR, 20% off.
    expect(money).toHaveBeenCalledWith(39.2, expect.objectContaining({ currencyCode: "EUR" }));
    buttons()[0]!.click();
    await flush();
    expect(apply).toHaveBeenCalledTimes(1);
    expect(apply).toHaveBeenCalledWith({
      type: "updateCartLine",
      id: basic.id,
      merchandiseId: variantGid("saas", "saas-pro"),
      quantity: 1,
      sellingPlanId: basic.merchandise.sellingPlan!.id,
      attributes: [
        { key: "_moments_offer", value: "demo-saas-pro" },
        { key: "_moments_moment", value: "payment" },
        { key: "_moments_token", value: expect.stringMatching(/^demo-saas-pro~~payment~/) },
      ],
    });
  });

  test("GIVEN Planner Pro already on the plan WHEN it renders THEN the upgrade is not offered", async () => {
    setCart([line("saas", "saas-pro")]);
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect($("s-heading")).toBeNull();
  });
});

describe("purchase.checkout.block.render: a linked downsell after a decline", () => {
  const ext = getExtension("purchase.checkout.block.render");
  const api = () => ext.shopify as unknown as MockApi;
  beforeEach(() => {
    ext.setUp();
    // The tool case names the drill's shipping insurance as its downsell; no experiments, so no
    // place of this journey is held out.
    const linked = offers.map((o) => ({
      ...o,
      experiment: undefined,
      ...(o.id === "demo-drill-case" ? { downsell: "demo-drill-insurance" } : {}),
    }));
    api().appMetafields.value = metafield(payloadJson(linked));
    api().checkoutToken.value = "tok-downsell";
    const drill = line("drill");
    api().lines.value = [drill];
    api().cost.subtotalAmount.value = { amount: drill.cost.totalAmount.amount, currencyCode: "EUR" };
    api().localization.currency.value = { isoCode: "EUR" };
  });
  afterEach(async () => {
    await unmountTarget();
    const { events } = await import("../src/ui/OfferBlock");
    ext.fetch = vi.fn().mockResolvedValue(new Response("{}"));
    for (let i = 0; i < 10 && events.pending > 0; i++) await events.flush();
  });

  test("GIVEN the tool case shown with the drill WHEN the buyer declines it THEN the insurance it names takes its place in the same block, and not before", async () => {
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect($("s-heading")?.textContent).toBe("Keep it all together");
    buttons()[1]!.click();
    await flush();
    expect($("s-heading")?.textContent).toBe("Insure this delivery");
    const stored = await ext.shopify.storage.read<{ declined: string[]; shown: Array<{ offerId: string }> }>(
      "moments:journey:tok-downsell",
    );
    expect(stored?.declined).toEqual(["demo-drill-case"]);
    expect(stored?.shown.map((s) => s.offerId)).toEqual(["demo-drill-case", "demo-drill-insurance"]);
  });
});
