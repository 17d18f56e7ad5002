// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { getExtension } from "@shopify/ui-extensions-tester";
import { ARMS_MAX_LENGTH } from "@moments/contracts";
import { assign, type Offer } from "@moments/engine";
import { checkoutReachedEvent, guardsBeforeCheckout, storefrontArms } from "@moments/surfaces/checkout";
import { line, metafield, offers, payloadJson, settings } from "./support/fixtures";
import { renderTarget, unmountTarget } from "./support/render";

/**
 * The storefront's arms carried into the checkout (decision 035): the `_moments_arms` cart
 * attribute the storefront script writes reaches the checkout as an attribute; the block pins the
 * arms it names for its journey (the same arm for the same offer). Whether the journey reached the
 * checkout is reported apart, once per journey key and whatever its arms (`checkout_reached`), so
 * that a lost `_moments_arms` write never decides whether a journey counts. Hostile values are ignored. Driven through the real payment-step
 * target (OfferBlock, journey storage, decideView, the event queue) on the tester's mock checkout.
 */
const flush = async () => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0));
};
interface MockApi {
  appMetafields: { value: unknown };
  checkoutToken: { value: unknown };
  attributes: { value: unknown };
  lines: { value: unknown };
  cost: { subtotalAmount: { value: unknown } };
  localization: { currency: { value: unknown } };
}

const EXPERIMENT = "demo-laptop-care-price";
/** The laptop plan (payment step) weighted as the daily job would publish it, also shown in the cart. */
const weighted = (full: number, minus15: number, moments?: Offer["moments"]): Offer[] =>
  offers.map((o) =>
    o.id === "demo-laptop-care"
      ? {
          ...o,
          moments: moments ?? o.moments,
          experiment: {
            ...o.experiment!,
            variants: o.experiment!.variants.map((v) => ({ ...v, weight: v.id === "full" ? full : minus15 })),
          },
        }
      : o,
  );
const AFTER = weighted(500, 6100);
/** No offer decided before the checkout: the cart and exit-intent offers left out. */
const atSteps = AFTER.filter((o) => !o.moments.some((m) => m === "cart" || m === "exit_intent"));
/** A fresh storefront journey key (journey storage outlives a test) the published weights put in the 15% arm. */
const keyInMinus15 = (prefix: string) => {
  const spec = AFTER.find((o) => o.id === "demo-laptop-care")!.experiment!;
  for (let i = 0; ; i++) {
    const a = assign(spec, `${prefix}${String(i).padStart(8, "0")}`);
    if (a.kind === "variant" && a.armId === "minus15") return `${prefix}${String(i).padStart(8, "0")}`;
  }
};

describe("the _moments_arms attribute, read", () => {
  const KEY = "3f1a9c0d5e7b2a4c6d8e0f1a2b3c4d5e";
  test("GIVEN the storefront's value for this journey WHEN read THEN each experiment version's first arm", () => {
    expect(storefrontArms(`${KEY} exp-a:1:holdout exp-b:3:v_2 exp-a:1:v_9`, KEY)).toEqual({
      "exp-a:1": "holdout",
      "exp-b:3": "v_2",
    });
  });
  test.each([
    ["another journey's arms", `someone-else-1 exp-a:1:full`],
    ["a value over the size bound", `${KEY} ${"exp-a:1:full ".repeat(ARMS_MAX_LENGTH / 10)}`],
    ["no string at all", 42],
    ["an empty value", ""],
    ["only malformed entries", `${KEY} exp-a:0:full exp-a:1: :1:x exp/a:1:full exp-a:1:full:extra exp-a:x:full`],
    ["script and markup", `${KEY} <script>alert(1)</script> exp-a:1:"><img`],
  ])("GIVEN %s WHEN read THEN nothing is pinned", (_name, value) => {
    expect(storefrontArms(value, KEY)).toBeNull();
  });
  test("GIVEN more entries than the bound WHEN read THEN only the first eight count", () => {
    const entries = Array.from({ length: 12 }, (_, i) => `exp-${i}:1:a`).join(" ");
    expect(Object.keys(storefrontArms(`${KEY} ${entries}`, KEY)!)).toHaveLength(8);
  });
});

describe("checkout_reached", () => {
  const KEY = "3f1a9c0d5e7b2a4c6d8e0f1a2b3c4d5e";
  test("GIVEN a journey key WHEN the checkout reports it reached THEN one journey-level event, its id from the key alone, naming no offer, experiment or arm", () => {
    const e = checkoutReachedEvent(KEY, "payment");
    expect(e).toEqual({
      id: expect.stringMatching(/^cr[0-9a-z]{14}$/),
      type: "checkout_reached",
      moment: "payment",
      surface: "checkout",
      journeyKey: KEY,
      arm: "none",
    });
    // Every step and placement of the journey: the same event (the server keeps one).
    expect(checkoutReachedEvent(KEY, "information").id).toBe(e.id);
    expect(checkoutReachedEvent(KEY + "x", "payment").id).not.toBe(e.id);
  });
  test("GIVEN payloads WHEN asked whether reaching the checkout is worth reporting THEN only with an experiment placed before the checkout", async () => {
    const { decodePayload } = await import("@moments/engine");
    const decode = (list: Offer[]) => {
      const d = decodePayload(payloadJson(list));
      if (!d.ok) throw new Error("payload");
      return d.payload;
    };
    expect(guardsBeforeCheckout(decode(offers))).toBe(true);
    expect(guardsBeforeCheckout(decode(atSteps))).toBe(false);
    // A variant placed in the cart is an offer decided before the checkout too.
    const variantInCart = weighted(1, 1).filter((o) => !o.moments.some((m) => m === "cart" || m === "exit_intent"));
    const laptop = variantInCart.find((o) => o.id === "demo-laptop-care")!;
    laptop.experiment = {
      ...laptop.experiment!,
      variants: laptop.experiment!.variants.map((v, i) => (i === 0 ? { ...v, moments: ["cart"] } : v)),
    };
    expect(guardsBeforeCheckout(decode(variantInCart))).toBe(true);
  });
});

describe("storefront arms at the payment step", () => {
  const ext = getExtension("purchase.checkout.payment-method-list.render-after");
  const api = () => ext.shopify as unknown as MockApi;
  const fetched = vi.fn();
  beforeEach(() => {
    ext.setUp();
    fetched.mockReset().mockResolvedValue(new Response("{}"));
  });
  afterEach(async () => {
    await unmountTarget();
    const { events } = await import("../src/ui/OfferBlock");
    ext.fetch = vi.fn().mockResolvedValue(new Response("{}"));
    for (let i = 0; i < 10 && events.pending > 0; i++) await events.flush();
    ext.tearDown();
  });

  async function renderWith(
    attributes: Array<{ key: string; value: string }>,
    list: Offer[] = AFTER,
    token = "checkout-token-1",
  ) {
    const s = api();
    s.checkoutToken.value = token;
    s.attributes.value = attributes;
    s.lines.value = [line("laptop", "laptop-16")];
    s.cost.subtotalAmount.value = { amount: 1199, currencyCode: "EUR" };
    s.localization.currency.value = { isoCode: "EUR" };
    s.appMetafields.value = metafield(payloadJson(list, settings));
    const money = vi.spyOn(ext.shopify.i18n, "formatCurrency");
    await renderTarget(ext.shopify.extension.target);
    await flush();
    return money;
  }

  test("GIVEN the storefront showed the full-price arm under this journey key WHEN the checkout's weights give the key the 15% arm THEN the block shows the full-price arm and keeps it", async () => {
    const key = keyInMinus15("kept");
    const money = await renderWith([
      { key: "_moments_journey", value: key },
      { key: "_moments_arms", value: `${key} ${EXPERIMENT}:1:full` },
    ]);
    expect(money).toHaveBeenCalledWith(119.9, { currencyCode: "EUR" });
    expect(money).not.toHaveBeenCalledWith(101.91, expect.anything());
    const stored = await ext.shopify.storage.read<{ arms: Record<string, string> }>(`moments:journey:${key}`);
    expect(stored?.arms).toMatchObject({ [`${EXPERIMENT}:1`]: "full" });
  });

  test.each([
    { name: "arms of another journey key", value: `someone-else-99 ${EXPERIMENT}:1:full` },
    { name: "an arm the experiment does not have", value: `KEY ${EXPERIMENT}:1:platinum` },
    { name: "a malformed value", value: `KEY ${EXPERIMENT}:1:full;drop table` },
    { name: "an oversized value", value: `KEY ${EXPERIMENT}:1:full ${"x".repeat(5000)}` },
  ])(
    "GIVEN $name in the attribute WHEN the block renders THEN it decides as published (the 15% arm), without an error",
    async ({ name, value }) => {
      const key = keyInMinus15(name.split(" ").pop()!);
      const money = await renderWith([
        { key: "_moments_journey", value: key },
        { key: "_moments_arms", value: value.replace("KEY", key) },
      ]);
      // The 15% arm's price (its full price shows struck through beside it; the full-price arm never formats 101.91).
      expect(money).toHaveBeenCalledWith(101.91, { currencyCode: "EUR" });
    },
  );

  test("GIVEN arms without the storefront's journey attribute (the checkout keys by its token) WHEN the block renders THEN they are not used", async () => {
    const token = keyInMinus15("token");
    const money = await renderWith([{ key: "_moments_arms", value: `${token} ${EXPERIMENT}:1:full` }], AFTER, token);
    // Decided as published for the token (the 15% arm), although the value names the token itself.
    expect(money).toHaveBeenCalledWith(101.91, { currencyCode: "EUR" });
  });

  /** The events the block posted (the queue flushed to a fetch spy). */
  async function sentEvents() {
    const { events } = await import("../src/ui/OfferBlock");
    ext.fetch = fetched;
    for (let i = 0; i < 10 && events.pending > 0; i++) await events.flush();
    return fetched.mock.calls.flatMap(
      (c) => (JSON.parse((c[1] as { body: string }).body) as { events: Array<Record<string, unknown>> }).events,
    );
  }

  test("GIVEN an offer shown in the cart and at this step WHEN the checkout renders THEN it reports the journey reached once, with no arm, and no exposure at the cart moment", async () => {
    const key = keyInMinus15("reach");
    await renderWith(
      [
        { key: "_moments_journey", value: key },
        { key: "_moments_arms", value: `${key} ${EXPERIMENT}:1:full` },
      ],
      weighted(500, 6100, ["cart", "payment"]),
    );
    const sent = await sentEvents();
    expect(sent.filter((e) => e.type === "checkout_reached")).toEqual([
      { ...checkoutReachedEvent(key, "payment"), occurredAt: expect.any(Number) },
    ]);
    // The storefront's exposure is the journey's visitor row; the checkout claims no storefront moment.
    expect(sent.filter((e) => e.moment === "cart" || e.moment === "exit_intent")).toEqual([]);
    // The step's own exposure is the same arm (pinned), under the canonical exposure id.
    expect(sent.filter((e) => e.type === "exposure" && e.moment === "payment")).toEqual([
      expect.objectContaining({ armId: "full", journeyKey: key }),
    ]);
  });

  test.each([
    { name: "the cart's arms lost (a hold-out buyer who left the storefront at once)", arms: null },
    { name: "the hold-out's arm", arms: `${EXPERIMENT}:1:holdout` },
  ])("GIVEN $name WHEN the checkout renders THEN the same journey-level report is sent", async ({ arms }) => {
    const key = keyInMinus15(arms ? "held" : "lost");
    const attributes = [{ key: "_moments_journey", value: key }];
    if (arms) attributes.push({ key: "_moments_arms", value: `${key} ${arms}` });
    await renderWith(attributes, weighted(500, 6100, ["cart", "payment"]));
    const sent = await sentEvents();
    expect(sent.filter((e) => e.type === "checkout_reached")).toEqual([
      { ...checkoutReachedEvent(key, "payment"), occurredAt: expect.any(Number) },
    ]);
  });

  test("GIVEN no offer decided before the checkout WHEN the checkout renders THEN nothing reports reaching it", async () => {
    const key = keyInMinus15("steps");
    await renderWith([{ key: "_moments_journey", value: key }], atSteps);
    const sent = await sentEvents();
    expect(sent.some((e) => e.type === "exposure")).toBe(true);
    expect(sent.filter((e) => e.type === "checkout_reached")).toEqual([]);
  });
});
