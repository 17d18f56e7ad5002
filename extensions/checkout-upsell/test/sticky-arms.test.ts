// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { getExtension } from "@shopify/ui-extensions-tester";
import { assign, type Offer } from "@moments/engine";
import { line, metafield, offers, payloadJson } from "./support/fixtures";
import { renderTarget, unmountTarget } from "./support/render";

/**
 * Automatic allocation (decision 030): a buyer keeps the arm first shown in a journey when the
 * published weights move during it. Driven through the real payment-step target (OfferBlock, its
 * journey storage and decideView) on the tester's mock checkout.
 */
const flush = async () => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0));
};
interface MockApi {
  appMetafields: { value: unknown };
  checkoutToken: { value: unknown };
  lines: { value: unknown };
  cost: { subtotalAmount: { value: unknown } };
  localization: { currency: { value: unknown } };
}

const EXPERIMENT = "demo-laptop-care-price";
/** The demo offers with the laptop plan's variants re-weighted as the daily job would publish them. */
const withWeights = (full: number, minus15: number): Offer[] =>
  offers.map((o) =>
    o.id === "demo-laptop-care"
      ? {
          ...o,
          experiment: {
            ...o.experiment!,
            variants: o.experiment!.variants.map((v) => ({ ...v, weight: v.id === "full" ? full : minus15 })),
          },
        }
      : o,
  );
const BEFORE = withWeights(3300, 3300);
const AFTER = withWeights(500, 6100);
const spec = (list: Offer[]) => list.find((o) => o.id === "demo-laptop-care")!.experiment!;

describe("sticky arms across a weight change (payment step)", () => {
  const ext = getExtension("purchase.checkout.payment-method-list.render-after");
  const api = () => ext.shopify as unknown as MockApi;
  beforeEach(() => ext.setUp());
  afterEach(async () => {
    await unmountTarget();
    const { events } = await import("../src/ui/OfferBlock");
    ext.fetch = vi.fn().mockResolvedValue(new Response("{}"));
    for (let i = 0; i < 10 && events.pending > 0; i++) await events.flush();
    ext.tearDown();
  });

  test("GIVEN a journey shown the full-price arm WHEN the weights move so that its key now hashes to the discounted arm and the block renders again THEN it still shows the full-price arm", async () => {
    // A journey key in "full" under the old weights and in "minus15" under the new ones.
    let key = "";
    for (let i = 0; !key; i++) {
      const a = assign(spec(BEFORE), `sticky-${i}`);
      const b = assign(spec(AFTER), `sticky-${i}`);
      if (a.kind === "variant" && a.armId === "full" && b.kind === "variant" && b.armId === "minus15")
        key = `sticky-${i}`;
    }
    const s = api();
    s.checkoutToken.value = key;
    s.lines.value = [line("laptop", "laptop-16")];
    s.cost.subtotalAmount.value = { amount: 1199, currencyCode: "EUR" };
    s.localization.currency.value = { isoCode: "EUR" };
    s.appMetafields.value = metafield(payloadJson(BEFORE));
    const money = vi.spyOn(ext.shopify.i18n, "formatCurrency");
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect(money).toHaveBeenCalledWith(119.9, { currencyCode: "EUR" });
    expect(money).not.toHaveBeenCalledWith(101.91, expect.anything());
    const stored = await ext.shopify.storage.read<{ arms: Record<string, string> }>(`moments:journey:${key}`);
    expect(stored?.arms).toMatchObject({ [`${EXPERIMENT}:1`]: "full" });

    // The daily job publishes new weights; the buyer reaches the block again (next step, reload).
    await unmountTarget();
    s.appMetafields.value = metafield(payloadJson(AFTER));
    money.mockClear();
    await renderTarget(ext.shopify.extension.target);
    await flush();
    // Full price only: the 15% arm (101.91) would show its price first.
    expect(money.mock.calls.map((c) => c[0])).toEqual(expect.arrayContaining([119.9]));
    expect(money).not.toHaveBeenCalledWith(101.91, expect.anything());
  });

  test("GIVEN a new journey with the same kind of key WHEN it first renders under the new weights THEN it gets the arm the new weights give (the pin is per journey, not global)", async () => {
    let key = "";
    for (let i = 0; !key; i++) {
      const a = assign(spec(BEFORE), `fresh-${i}`);
      const b = assign(spec(AFTER), `fresh-${i}`);
      if (a.kind === "variant" && a.armId === "full" && b.kind === "variant" && b.armId === "minus15")
        key = `fresh-${i}`;
    }
    const s = api();
    s.checkoutToken.value = key;
    s.lines.value = [line("laptop", "laptop-16")];
    s.cost.subtotalAmount.value = { amount: 1199, currencyCode: "EUR" };
    s.localization.currency.value = { isoCode: "EUR" };
    s.appMetafields.value = metafield(payloadJson(AFTER));
    const money = vi.spyOn(ext.shopify.i18n, "formatCurrency");
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect(money).toHaveBeenCalledWith(101.91, { currencyCode: "EUR" });
  });
});
