// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { getExtension } from "@shopify/ui-extensions-tester";
import { EventInput } from "~/measurement/contract";
import { line, metafield, offers, payloadJson, variantGid } from "./support/fixtures";
import { renderTarget, unmountTarget } from "./support/render";

const flush = async () => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0));
};
const $ = (s: string) => document.body.querySelector<HTMLElement>(s);
const $$ = (s: string) => [...document.body.querySelectorAll<HTMLElement>(s)];
const buttons = () => $$("s-button");

/** The mock `shopify` fields these tests set (the tester's proxy lets any of them be replaced). */
interface MockApi {
  appMetafields: { value: unknown };
  checkoutToken: { value: unknown };
  lines: { value: unknown };
  cost: { subtotalAmount: { value: unknown } };
  localization: { currency: { value: unknown }; language: { value: unknown } };
  instructions: { value: unknown };
  settings: { value: unknown };
  applyCartLinesChange: unknown;
}
const api = (ext: { shopify: unknown }) => ext.shopify as MockApi;

/**
 * The mock has no `buyerIdentity` (it needs protected-data access) and its proxy refuses new
 * properties: layer one on top, the rest of the API read through the prototype.
 */
function withBuyer(ordersCount: number) {
  const g = globalThis as { shopify?: object };
  const layered = Object.create(g.shopify!) as object;
  // defineProperty, not assignment: an assignment would reach the proxy's set trap.
  Object.defineProperty(layered, "buyerIdentity", {
    value: { customer: { value: { id: `gid://shopify/Customer/${ordersCount}`, ordersCount } } },
  });
  g.shopify = layered;
}

/** Flushes the extension's event queue into a mock backend; returns the events, each checked against the contract. */
async function sentEvents(ext: { fetch: typeof fetch }): Promise<Array<Record<string, unknown>>> {
  const send = vi.fn().mockResolvedValue(new Response("{}"));
  ext.fetch = send;
  const { events } = await import("../src/ui/OfferBlock");
  await events.flush();
  const sent = send.mock.calls.flatMap(
    (c) => (JSON.parse(c[1].body) as { events: Array<Record<string, unknown>> }).events,
  );
  for (const e of sent) expect(EventInput.safeParse(e).success, JSON.stringify(e)).toBe(true);
  return sent;
}

function setCart(shopify: unknown, lines: ReturnType<typeof line>[], currency: "EUR" | "USD" = "EUR") {
  const s = shopify as MockApi;
  s.lines.value = lines;
  const subtotal = lines.reduce((a, l) => a + l.cost.totalAmount.amount, 0);
  s.cost.subtotalAmount.value = { amount: subtotal, currencyCode: currency };
  s.localization.currency.value = { isoCode: currency };
}

/**
 * The target's mock host with the demo offers published, set up before each test and unmounted
 * after; `also` adds what a describe block needs on top.
 */
function withPublishedOffers<T extends Parameters<typeof getExtension>[0]>(target: T, also?: () => void) {
  const ext = getExtension(target);
  beforeEach(() => {
    ext.setUp();
    api(ext).appMetafields.value = metafield(payloadJson());
    also?.();
  });
  afterEach(async () => {
    await unmountTarget();
    // The event queue outlives a test; what a test left queued (e.g. an accept's click) would
    // otherwise land in the next test's sentEvents() whenever the 2 s flush timer has not fired yet.
    const { events } = await import("../src/ui/OfferBlock");
    ext.fetch = vi.fn().mockResolvedValue(new Response("{}"));
    for (let i = 0; i < 10 && events.pending > 0; i++) await events.flush();
    ext.tearDown();
  });
  return ext;
}

describe("purchase.checkout.block.render (before payment)", () => {
  const ext = withPublishedOffers("purchase.checkout.block.render", () => {
    api(ext).checkoutToken.value = "tok-8";
  });

  test("GIVEN a drill in the cart WHEN the block renders THEN it shows the tool-case offer at its published price", async () => {
    setCart(ext.shopify, [line("drill")]);
    const money = vi.spyOn(ext.shopify.i18n, "formatCurrency");
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect($("s-heading")?.textContent).toBe("Keep it all together");
    // 39.00 EUR list, 20% off = 31.20 EUR, formatted by the checkout's i18n.
    expect(money).toHaveBeenCalledWith(31.2, { currencyCode: "EUR" });
    expect(money).toHaveBeenCalledWith(39, { currencyCode: "EUR" });
    expect(buttons().map((b) => b.textContent)).toEqual(["offer.add", "offer.decline"]);
  });

  test("GIVEN the German checkout WHEN the block renders THEN the merchant's German copy is shown", async () => {
    setCart(ext.shopify, [line("drill")]);
    api(ext).localization.language.value = { isoCode: "de" };
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect($("s-heading")?.textContent).toBe("Alles an einem Platz");
  });

  test("GIVEN a phone WHEN a parka buyer reaches checkout THEN the mobile-only sizing-kit micro-offer is shown", async () => {
    setCart(ext.shopify, [line("parka", "parka-m")]);
    const original = Object.getOwnPropertyDescriptor(globalThis, "navigator");
    Object.defineProperty(globalThis, "navigator", {
      value: { userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Mobile/15E148" },
      configurable: true,
    });
    try {
      await renderTarget(ext.shopify.extension.target);
      await flush();
      expect($("s-heading")?.textContent).toBe("Not sure about the size?");
    } finally {
      if (original) Object.defineProperty(globalThis, "navigator", original);
    }
  });

  test("GIVEN a returning customer WHEN an offer is for first-time buyers only THEN it is not shown, and a first-timer sees it", async () => {
    const firstTimeOnly = offers.map((o) =>
      o.id === "demo-drill-case" ? { ...o, targeting: { ...o.targeting, buyer: "first_time" as const } } : o,
    );
    api(ext).appMetafields.value = metafield(payloadJson(firstTimeOnly));
    setCart(ext.shopify, [line("drill")]);
    withBuyer(4);
    await renderTarget(ext.shopify.extension.target);
    await flush();
    // Another drill offer (the insurance) may take the place; the first-time-only one never does.
    expect($("s-heading")?.textContent).not.toBe("Keep it all together");
    await unmountTarget();
    withBuyer(0);
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect($("s-heading")?.textContent).toBe("Keep it all together");
  });

  test("GIVEN the accept button WHEN clicked THEN applyCartLinesChange adds the variant with the offer attributes, then confirms", async () => {
    setCart(ext.shopify, [line("drill")]);
    const apply = vi.fn().mockResolvedValue({ type: "success" });
    api(ext).applyCartLinesChange = apply;
    await renderTarget(ext.shopify.extension.target);
    await flush();
    buttons()[0]!.click();
    await flush();
    expect(apply).toHaveBeenCalledTimes(1);
    expect(apply).toHaveBeenCalledWith({
      type: "addCartLine",
      merchandiseId: variantGid("tool-case"),
      quantity: 1,
      attributes: [
        { key: "_moments_offer", value: "demo-drill-case" },
        // The demo tool case runs a price experiment: this journey (tok-8) is in its "case20" arm.
        { key: "_moments_variant", value: "case20" },
        { key: "_moments_moment", value: "checkout" },
        { key: "_moments_token", value: expect.stringMatching(/^demo-drill-case~case20~checkout~/) },
      ],
    });
    expect($("s-banner")?.getAttribute("heading")).toBe("offer.added");
    const sent = await sentEvents(ext);
    // (The impression went out with an earlier test: one impression per offer and moment per page.)
    const actions = sent.filter((e) => e.type !== "impression" && e.type !== "exposure");
    expect(actions.map((e) => e.type)).toEqual(["click", "accept"]);
    expect(actions[1]).toMatchObject({
      offerId: "demo-drill-case",
      moment: "checkout",
      surface: "checkout",
      arm: "variant",
      armId: "case20",
      valueMinor: 3120,
      currency: "EUR",
      journeyKey: "tok-8",
    });
  });

  test("GIVEN a bundle WHEN accepted THEN every item is added with its attributes", async () => {
    setCart(ext.shopify, [line("headset", "headset-black")]);
    const apply = vi.fn().mockResolvedValue({ type: "success" });
    api(ext).applyCartLinesChange = apply;
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect($("s-heading")?.textContent).toBe("Travel-ready bundle");
    buttons()[0]!.click();
    await flush();
    expect(apply.mock.calls.map((c) => [c[0].merchandiseId, c[0].attributes[0].value])).toEqual([
      [variantGid("cable"), "demo-headset-bundle"],
      [variantGid("insurance"), "demo-headset-bundle"],
    ]);
  });

  test("GIVEN a bundle whose second line is refused WHEN accepting THEN the first line is removed again and an error shows", async () => {
    const headset = line("headset", "headset-black");
    setCart(ext.shopify, [headset]);
    const added = line("cable", "cable", 1, "EUR", {
      id: "gid://shopify/CartLine/added-cable",
      attributes: [{ key: "_moments_offer", value: "demo-headset-bundle" }],
    });
    const apply = vi.fn(async (change: { type: string }) => {
      if (change.type === "addCartLine" && apply.mock.calls.length === 1) {
        // The checkout now holds the cable the offer added.
        api(ext).lines.value = [headset, added];
        return { type: "success" };
      }
      if (change.type !== "removeCartLine") return { type: "error", message: "sold out" };
      api(ext).lines.value = [headset];
      return { type: "success" };
    });
    api(ext).applyCartLinesChange = apply;
    await renderTarget(ext.shopify.extension.target);
    await flush();
    buttons()[0]!.click();
    await flush();
    expect(apply.mock.calls.map((c) => c[0].type)).toEqual(["addCartLine", "addCartLine", "removeCartLine"]);
    expect(apply).toHaveBeenLastCalledWith({ type: "removeCartLine", id: added.id, quantity: 1 });
    expect($("s-banner")?.textContent).toBe("offer.error");
  });

  test("GIVEN the checkout refuses the change WHEN accepting THEN a plain error shows and the offer stays", async () => {
    setCart(ext.shopify, [line("drill")]);
    api(ext).applyCartLinesChange = vi.fn().mockResolvedValue({ type: "error", message: "nope" });
    await renderTarget(ext.shopify.extension.target);
    await flush();
    buttons()[0]!.click();
    await flush();
    expect($("s-banner")?.textContent).toBe("offer.error");
    expect($("s-heading")?.textContent).toBe("Keep it all together");
  });

  test("GIVEN the checkout forbids adding lines WHEN the block renders THEN nothing is shown", async () => {
    setCart(ext.shopify, [line("drill")]);
    api(ext).instructions.value = { lines: { canAddCartLine: false, canUpdateCartLine: false } };
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect(document.body.childNodes.length).toBe(0);
  });

  test("GIVEN a decline WHEN the block renders again in the same journey THEN the offer stays hidden", async () => {
    setCart(ext.shopify, [line("drill")]);
    await renderTarget(ext.shopify.extension.target);
    await flush();
    buttons()[1]!.click();
    await flush();
    expect($("s-heading")?.textContent).not.toBe("Keep it all together");
    // A new render (e.g. the next checkout step) reads the journey from storage.
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect($("s-heading")?.textContent).not.toBe("Keep it all together");
    const stored = await ext.shopify.storage.read<{ declined: string[] }>("moments:journey:tok-8");
    expect(stored?.declined).toEqual(["demo-drill-case"]);
    expect((await sentEvents(ext)).filter((e) => e.type !== "impression").map((e) => e.type)).toEqual(["decline"]);
  });

  test("GIVEN a broken payload WHEN the block renders THEN nothing is shown and it is reported once", async () => {
    setCart(ext.shopify, [line("drill")]);
    api(ext).appMetafields.value = metafield('{"v":1,"o":[["x"]]}');
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await renderTarget(ext.shopify.extension.target);
    await flush();
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect(document.body.childNodes.length).toBe(0);
    expect(error.mock.calls.filter((c) => String(c[0]).includes("payload_invalid"))).toHaveLength(1);
  });

  test("GIVEN no payload metafield WHEN the block renders THEN nothing is shown", async () => {
    setCart(ext.shopify, [line("drill")]);
    api(ext).appMetafields.value = [];
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect(document.body.childNodes.length).toBe(0);
  });
});

describe("purchase.checkout.cart-line-list.render-after (before payment)", () => {
  const ext = withPublishedOffers("purchase.checkout.cart-line-list.render-after");

  test("GIVEN slot 2 and two checkout offers WHEN it renders THEN it shows the second one", async () => {
    setCart(ext.shopify, [line("drill"), line("headset", "headset-black")]);
    // Without experiments, so no place is held out for this random journey key.
    api(ext).appMetafields.value = metafield(payloadJson(offers.map((o) => ({ ...o, experiment: undefined }))));
    api(ext).settings.value = { slot: 2 };
    await renderTarget(ext.shopify.extension.target);
    await flush();
    // Places by priority: the tool case (50), the drill's shipping insurance (45), then the bundle (40).
    expect($("s-heading")?.textContent).toBe("Insure this delivery");
  });
});

describe("purchase.checkout.contact.render-after (form entry)", () => {
  const ext = withPublishedOffers("purchase.checkout.contact.render-after");

  test("GIVEN a standard parka WHEN the upgrade is accepted THEN the line is swapped to the premium variant", async () => {
    const parka = line("parka", "parka-m");
    setCart(ext.shopify, [parka]);
    const apply = vi.fn().mockResolvedValue({ type: "success" });
    api(ext).applyCartLinesChange = apply;
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect($("s-heading")?.textContent).toBe("Upgrade to Premium Gore-Tex");
    expect(buttons()[0]!.textContent).toBe("Upgrade my parka");
    buttons()[0]!.click();
    await flush();
    expect(apply).toHaveBeenCalledWith(
      expect.objectContaining({
        type: "updateCartLine",
        id: parka.id,
        merchandiseId: variantGid("parka", "parka-premium-m"),
        quantity: 1,
      }),
    );
  });
});

describe("purchase.checkout.shipping-option-list.render-after (shipping step)", () => {
  const ext = withPublishedOffers("purchase.checkout.shipping-option-list.render-after");

  test("GIVEN a framed print in a USD cart WHEN it renders THEN shipping insurance is offered in USD", async () => {
    setCart(ext.shopify, [line("print", "print-50", 1, "USD")], "USD");
    const money = vi.spyOn(ext.shopify.i18n, "formatCurrency");
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect($("s-heading")?.textContent).toBe("Insure your framed print");
    expect(money).toHaveBeenCalledWith(5.49, { currencyCode: "USD" });
  });

  test("GIVEN a cart without a print WHEN it renders THEN nothing is shown", async () => {
    setCart(ext.shopify, [line("drill")]);
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect(document.body.childNodes.length).toBe(0);
  });
});

describe("purchase.checkout.payment-method-list.render-after (payment step)", () => {
  const ext = withPublishedOffers("purchase.checkout.payment-method-list.render-after");

  test("GIVEN a laptop WHEN it renders for a buyer in a variant arm THEN the protection plan is priced at 10% of the laptop", async () => {
    setCart(ext.shopify, [line("laptop", "laptop-16")]);
    // Find a journey key that lands in the "full" arm (deterministic assignment).
    const { assign } = await import("@moments/engine");
    const exp = offers.find((o) => o.id === "demo-laptop-care")!.experiment!;
    let key = "";
    for (let i = 0; !key; i++) {
      const a = assign(exp, `k${i}`);
      if (a.kind === "variant" && a.armId === "full") key = `k${i}`;
    }
    api(ext).checkoutToken.value = key;
    const money = vi.spyOn(ext.shopify.i18n, "formatCurrency");
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect($("s-heading")?.textContent).toBe("Protect your laptop for 3 years");
    expect(money).toHaveBeenCalledWith(119.9, { currencyCode: "EUR" });
  });

  test("GIVEN a buyer in the hold-out WHEN it renders THEN nothing is shown, its exposure is sent with the deterministic id and no impression", async () => {
    setCart(ext.shopify, [line("laptop", "laptop-16")]);
    const { assign } = await import("@moments/engine");
    const exp = offers.find((o) => o.id === "demo-laptop-care")!.experiment!;
    let key = "";
    for (let i = 0; !key; i++) if (assign(exp, `h${i}`).kind === "holdout") key = `h${i}`;
    api(ext).checkoutToken.value = key;
    const send = vi.fn().mockResolvedValue(new Response("{}"));
    ext.fetch = send;
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect(document.body.childNodes.length).toBe(0);
    const { events } = await import("../src/ui/OfferBlock");
    await events.flush();
    const sent = send.mock.calls.flatMap((c) => JSON.parse(c[1].body).events);
    const { exposureEventId } = await import("@moments/engine");
    expect(sent).toContainEqual(
      expect.objectContaining({
        id: exposureEventId("demo-laptop-care-price", 1, key),
        type: "exposure",
        arm: "holdout",
        offerId: "demo-laptop-care",
        experimentId: "demo-laptop-care-price",
        version: 1,
        cartMinor: 119900,
        journeyKey: key,
        moment: "payment",
      }),
    );
    expect(
      sent.filter((e: { type: string; journeyKey: string }) => e.type === "impression" && e.journeyKey === key),
    ).toEqual([]);
    expect(send.mock.calls[0]![0]).toBe("https://example.com/api/events");
    expect(send.mock.calls[0]![1].headers.Authorization).toBe("Bearer mock-session-token");
    for (const e of sent) expect(EventInput.safeParse(e).success, JSON.stringify(e)).toBe(true);
  });
});

describe("purchase.thank-you.block.render", () => {
  const ext = withPublishedOffers("purchase.thank-you.block.render");

  test("GIVEN a headset was bought WHEN the page renders THEN the cable offer links to a new checkout carrying the offer", async () => {
    setCart(ext.shopify, [line("headset", "headset-black")]);
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect($("s-heading")?.textContent).toBe("One more thing for your headset");
    const href = decodeURIComponent(buttons()[0]!.getAttribute("href") ?? "");
    expect(href).toContain("https://mock-shop.myshopify.com/cart/add?");
    expect(href).toContain(`items[0][id]=${variantGid("cable").split("/").pop()}`);
    expect(href).toContain("items[0][properties][_moments_offer]=demo-headset-cable-ty");
    expect(href).toContain("return_to=/checkout");
  });

  test("GIVEN the order carries the storefront's journey attribute WHEN the thank-you offer links to a new checkout THEN the new cart carries that journey key", async () => {
    setCart(ext.shopify, [line("headset", "headset-black")]);
    (api(ext) as unknown as { attributes: { value: unknown } }).attributes.value = [
      { key: "_moments_journey", value: "sf-journey-7" },
    ];
    await renderTarget(ext.shopify.extension.target);
    await flush();
    const href = decodeURIComponent(buttons()[0]!.getAttribute("href") ?? "");
    expect(href).toContain("attributes[_moments_journey]=sf-journey-7");
  });
});

describe("customer-account.order-status.block.render", () => {
  const ext = withPublishedOffers("customer-account.order-status.block.render");

  test("GIVEN a Planner subscription was bought WHEN the page renders THEN the onboarding offer is shown with a decline", async () => {
    setCart(ext.shopify, [line("saas", "saas-basic")]);
    // The order's checkout token is the journey key: one in the experiment's variant arm, so the
    // offer is shown (a random key would land in the hold-out now and then and show nothing).
    const { assign } = await import("@moments/engine");
    const exp = offers.find((o) => o.id === "demo-saas-onboarding-ty")!.experiment!;
    let key = "";
    for (let i = 0; !key; i++) if (assign(exp, `order-tok-${i}`).kind === "variant") key = `order-tok-${i}`;
    api(ext).checkoutToken.value = key;
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect($("s-heading")?.textContent).toBe("Get set up in an hour");
    expect(buttons().map((b) => b.textContent)).toEqual(["offer.newCheckout", "offer.decline"]);
  });
});
