import { describe, expect, it, vi } from "vitest";
import { EventInput } from "../../../app/measurement/contract";
import {
  createBackend,
  createFlow,
  formatMinor,
  readStored,
  shouldRender,
  sumDecimals,
  type Backend,
  type ChangesetHost,
  type OfferView,
} from "../src/flow";

/** The extension's logic without React: ShouldRender, accept, decline, downsell, done. */
const offer = (offerId: string, step = 1, final = 3120): OfferView => ({
  referenceId: "ref-1",
  step,
  offerId,
  moment: "post_purchase",
  type: "product",
  locale: "en",
  title: `Add ${offerId}`,
  currency: "EUR",
  quantities: [
    {
      multiple: 1,
      original: 3900,
      final,
      savings: 3900 - final,
      changes: [{ type: "add_variant", variantId: 4600000500, quantity: 1 }],
    },
    {
      multiple: 2,
      original: 7800,
      final: final * 2,
      savings: 7800 - final * 2,
      changes: [{ type: "add_variant", variantId: 4600000500, quantity: 2 }],
    },
  ],
  lines: [{ productId: "gid://shopify/Product/1", variantId: "gid://shopify/ProductVariant/4600000500", quantity: 1 }],
  journeyKey: "gid://shopify/Customer/5",
});

function fakeBackend(script: { offers?: Array<OfferView | null>; sign?: () => Promise<{ token: string }> } = {}) {
  const queue = [...(script.offers ?? [])];
  const backend = {
    offer: vi.fn(async (_body?: { declineOfferId?: string }) => ({ offer: queue.length ? queue.shift()! : null })),
    sign: vi.fn(script.sign ?? (async () => ({ token: "signed.jwt.token" }))),
    events: vi.fn(async () => {}),
  };
  return backend satisfies Backend;
}

function fakeHost(status: "processed" | "unprocessed" = "processed", remaining = 2) {
  return {
    applyChangeset: vi.fn(async (_token: string) => ({
      status,
      errors: status === "processed" ? [] : [{ code: "payment_required", message: "no" }],
      changesetApplicationsRemaining: remaining,
    })),
    calculateChangeset: vi.fn(async () => ({
      status: "processed" as const,
      errors: [],
      calculatedPurchase: {
        addedShippingLines: [{ priceSet: { presentmentMoney: { amount: "4.90", currencyCode: "EUR" } } }],
        addedTaxLines: [
          { priceSet: { presentmentMoney: { amount: "5.10", currencyCode: "EUR" } } },
          { priceSet: { presentmentMoney: { amount: "0.05", currencyCode: "EUR" } } },
        ],
        totalOutstandingSet: { presentmentMoney: { amount: "41.25", currencyCode: "EUR" } },
      },
    })),
    done: vi.fn(async () => {}),
  } satisfies ChangesetHost;
}

describe("ShouldRender", () => {
  it("GIVEN the backend has no eligible offer WHEN ShouldRender runs THEN render is false and nothing is stored", async () => {
    const storage = { update: vi.fn(async () => {}) };
    expect(await shouldRender({ storage }, fakeBackend({ offers: [null] }))).toEqual({ render: false });
    expect(storage.update).not.toHaveBeenCalled();
  });

  it("GIVEN the backend fails WHEN ShouldRender runs THEN render is false (the buyer goes on to the thank-you page)", async () => {
    const storage = { update: vi.fn(async () => {}) };
    const failing = createBackend("https://app.test", "t", async () => ({
      ok: false,
      status: 500,
      json: async () => ({}),
    }));
    expect(await shouldRender({ storage }, failing)).toEqual({ render: false });
    const throwing = createBackend("https://app.test", "t", async () => {
      throw new TypeError("network down");
    });
    expect(await shouldRender({ storage }, throwing)).toEqual({ render: false });
    expect(storage.update).not.toHaveBeenCalled();
  });

  it("GIVEN a backend that never answers WHEN the timeout passes THEN render is false", async () => {
    const hanging = createBackend(
      "https://app.test",
      "t",
      (_url, init) =>
        new Promise((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(new Error("aborted")))),
      20,
    );
    expect(await shouldRender({ storage: { update: async () => {} } }, hanging)).toEqual({ render: false });
  });

  it("GIVEN an eligible offer WHEN ShouldRender runs THEN it asks with the input token, stores the offer and renders", async () => {
    const calls: Array<{ url: string; auth: string; body: string }> = [];
    const backend = createBackend("https://app.test/", "input.jwt", async (url, init) => {
      calls.push({ url, auth: init.headers.Authorization!, body: init.body });
      return { ok: true, status: 200, json: async () => ({ offer: offer("off_case") }) };
    });
    const storage = { update: vi.fn(async (_data: unknown) => {}) };
    expect(await shouldRender({ storage }, backend)).toEqual({ render: true });
    expect(calls).toEqual([{ url: "https://app.test/api/post-purchase/offer", auth: "Bearer input.jwt", body: "{}" }]);
    expect(readStored(storage.update.mock.calls[0]![0])?.offer.offerId).toBe("off_case");
  });
});

describe("Render's step machine", () => {
  it("GIVEN an offer WHEN the buyer accepts THEN the server signs at the shown price and the token is applied with applyChangeset", async () => {
    const backend = fakeBackend({ offers: [null] });
    const host = fakeHost();
    const flow = createFlow(offer("off_case"), backend, host);
    flow.selectMultiple(2);
    await flow.accept();
    expect(backend.sign).toHaveBeenCalledWith({
      referenceId: "ref-1",
      offerId: "off_case",
      multiple: 2,
      expected: { final: 6240, currency: "EUR" },
    });
    expect(host.applyChangeset).toHaveBeenCalledWith("signed.jwt.token");
    expect(flow.state).toMatchObject({ kind: "done", accepted: 1 });
    expect(host.done).toHaveBeenCalledTimes(1);
  });

  it("GIVEN an accepted offer and another one from the server WHEN the changeset is applied THEN the next step shows it", async () => {
    const flow = createFlow(offer("off_case"), fakeBackend({ offers: [offer("off_kit", 2, 1500)] }), fakeHost());
    await flow.accept();
    expect(flow.state).toMatchObject({
      kind: "offer",
      offer: { offerId: "off_kit", step: 2 },
      multiple: 1,
      busy: null,
    });
  });

  it("GIVEN Shopify allows no more changesets WHEN one was applied THEN the flow is done without asking for more", async () => {
    const backend = fakeBackend({ offers: [offer("off_kit", 2)] });
    const host = fakeHost("processed", 0);
    const flow = createFlow(offer("off_case"), backend, host);
    await flow.accept();
    expect(backend.offer).not.toHaveBeenCalled();
    expect(host.done).toHaveBeenCalled();
  });

  it("GIVEN Shopify cannot apply the changeset WHEN accepting THEN done, nothing counted as accepted", async () => {
    const host = fakeHost("unprocessed");
    const flow = createFlow(offer("off_case"), fakeBackend(), host);
    await flow.accept();
    expect(flow.state).toMatchObject({ kind: "done", accepted: 0 });
    expect(host.done).toHaveBeenCalled();
  });

  it("GIVEN the server refuses to sign WHEN accepting THEN nothing is applied and the buyer goes on", async () => {
    const host = fakeHost();
    const flow = createFlow(
      offer("off_case"),
      fakeBackend({ sign: async () => Promise.reject(new Error("409")) }),
      host,
    );
    await flow.accept();
    expect(host.applyChangeset).not.toHaveBeenCalled();
    expect(host.done).toHaveBeenCalled();
  });

  it("GIVEN an offer WHEN the buyer declines THEN the backend hears the decline and the downsell is shown", async () => {
    const backend = fakeBackend({ offers: [offer("off_kit", 2, 1500)] });
    const host = fakeHost();
    const flow = createFlow(offer("off_case"), backend, host);
    await flow.decline();
    expect(backend.offer).toHaveBeenCalledWith({ declineOfferId: "off_case" });
    expect(flow.state).toMatchObject({ kind: "offer", offer: { offerId: "off_kit" } });
    expect(host.applyChangeset).not.toHaveBeenCalled();
    expect(host.done).not.toHaveBeenCalled();
  });

  it("GIVEN no downsell WHEN the buyer declines THEN the flow is done", async () => {
    const host = fakeHost();
    const flow = createFlow(offer("off_case"), fakeBackend({ offers: [null] }), host);
    await flow.decline();
    expect(flow.state).toMatchObject({ kind: "done", accepted: 0 });
    expect(host.done).toHaveBeenCalledTimes(1);
  });

  it("GIVEN an offer WHEN it is previewed THEN shipping and tax come from calculateChangeset, added exactly", async () => {
    const host = fakeHost();
    const flow = createFlow(offer("off_case"), fakeBackend(), host);
    await flow.refreshPreview();
    expect(host.calculateChangeset).toHaveBeenCalledWith({
      changes: [{ type: "add_variant", variantId: 4600000500, quantity: 1 }],
    });
    expect(flow.state).toMatchObject({ preview: { shipping: "4.90", tax: "5.15", charged: "41.25" } });
  });

  it("GIVEN an offer shown twice WHEN impressions are sent THEN one contract-valid event with a stable id", async () => {
    const backend = fakeBackend();
    const flow = createFlow(offer("off_case"), backend, fakeHost(), () => 1_700_000_000_000);
    await flow.shown();
    await flow.shown();
    expect(backend.events).toHaveBeenCalledTimes(1);
    const [events] = backend.events.mock.calls[0] as unknown as [unknown[]];
    expect(EventInput.safeParse(events[0]).success).toBe(true);
    expect(events[0]).toMatchObject({
      type: "impression",
      moment: "post_purchase",
      surface: "post_purchase",
      offerId: "off_case",
      journeyKey: "gid://shopify/Customer/5",
    });
  });

  it("GIVEN an experiment offer WHEN its impression is sent THEN it names the buyer's arm as armId", async () => {
    const backend = fakeBackend();
    const flow = createFlow(
      { ...offer("off_case"), experimentId: "exp-pp", armId: "pp-v1" },
      backend,
      fakeHost(),
      () => 1_700_000_000_000,
    );
    await flow.shown();
    const [events] = backend.events.mock.calls[0] as unknown as [Array<Record<string, unknown>>];
    expect(EventInput.safeParse(events[0]).success).toBe(true);
    expect(events[0]).toMatchObject({ type: "impression", experimentId: "exp-pp", arm: "variant", armId: "pp-v1" });
    expect(events[0]).not.toHaveProperty("variantId");
  });
});

describe("money without floats", () => {
  it("GIVEN decimal strings WHEN added THEN the sum is exact", () => {
    expect(sumDecimals(["0.10", "0.20"])).toBe("0.30");
    expect(sumDecimals([])).toBe("0");
  });
  it("GIVEN minor units WHEN formatted THEN the buyer's locale shows them", () => {
    expect(formatMinor(3120, "EUR", "de-DE")).toBe("31,20\u00a0€");
    expect(formatMinor(500, "JPY", "en")).toBe("¥500");
  });
  it("GIVEN the merchant chose currency codes WHEN formatted THEN the ISO code is written", () => {
    expect(formatMinor(3120, "EUR", "en", "code")).toBe("EUR\u00a031.20");
    expect(formatMinor(4900, "USD", "en-CA", "narrowSymbol")).toBe("$49.00");
  });
});
