import { describe, expect, test, vi } from "vitest";
import { assign, decodePayload, encodePayload, type Offer } from "@moments/engine";
import {
  acceptChanges,
  decideView,
  deviceHint,
  EventQueue,
  type Host,
  loadJourney,
  MAX_BATCH,
  type OfferEvent,
  readPayload,
  type Snapshot,
  tagCheckoutWithJourney,
  toMinor,
} from "@moments/surfaces/checkout";
import { line, metafield, NOW, payloadJson } from "./support/fixtures";

const payload = () => {
  const d = decodePayload(payloadJson());
  if (!d.ok) throw new Error(d.error.message);
  return d.payload;
};
const snap = (lines: ReturnType<typeof line>[], extra: Partial<Snapshot> = {}): Snapshot => ({
  lines: lines.map((l) => ({
    productId: l.merchandise.product!.id,
    variantId: l.merchandise.id,
    quantity: l.quantity,
    unitPrice: toMinor(l.cost.totalAmount) / l.quantity,
    attributes: {},
  })),
  lineIds: lines.map((l) => l.id),
  currency: "EUR",
  subtotal: lines.reduce((s, l) => s + toMinor(l.cost.totalAmount), 0),
  ...extra,
});
const view = (s: Snapshot, moment: "checkout" | "information" | "payment" = "checkout", journey = {}) =>
  decideView({
    payload: payload(),
    snapshot: s,
    moment,
    journeyKey: "k1",
    journey: { shown: [], accepted: [], declined: [], ...journey },
    now: NOW,
  });

describe("payload -> decision -> view", () => {
  test("GIVEN a mobile buyer with a parka WHEN deciding the checkout moment THEN the mobile-only sizing kit wins on priority", () => {
    const v = view(snap([line("parka", "parka-m")], { device: "mobile" }));
    expect(v.kind === "offer" && v.offer.offerId).toBe("demo-parka-sizing-mobile");
  });

  test("GIVEN a desktop buyer with a parka WHEN deciding the checkout moment THEN the mobile-only offer is not shown", () => {
    const v = view(snap([line("parka", "parka-m")], { device: "desktop" }));
    expect(v.kind).toBe("none");
  });

  test("GIVEN the offer was declined earlier in the journey WHEN deciding THEN it is not shown", () => {
    const v = view(snap([line("drill")]), "checkout", { declined: ["demo-drill-case"] });
    expect(v.kind === "offer" ? v.offer.offerId : v.kind).not.toBe("demo-drill-case");
  });

  test("GIVEN a payload that throws inside the engine WHEN deciding THEN nothing is shown and the reason says so", () => {
    const broken = { ...payload(), offers: null } as unknown as ReturnType<typeof payload>;
    const v = decideView({
      payload: broken,
      snapshot: snap([line("drill")]),
      moment: "checkout",
      journeyKey: "k",
      journey: {},
      now: NOW,
    });
    expect(v.kind === "none" && v.reason.startsWith("engine_error")).toBe(true);
  });

  test("GIVEN the metafield entries WHEN read twice THEN the payload is decoded once and reused", () => {
    const entries = metafield(payloadJson());
    const a = readPayload(entries);
    expect(a.ok).toBe(true);
    expect(readPayload(entries)).toBe(a);
    expect(readPayload([])).toEqual({ ok: false, problem: "payload_missing" });
    expect(readPayload(metafield("nope"))).toEqual({ ok: false, problem: "payload_invalid:" });
  });

  test("GIVEN a variant upgrade WHEN its line is not in the cart any more THEN accepting reports it instead of adding a line", () => {
    const v = view(snap([line("parka", "parka-m")]), "information");
    if (v.kind !== "offer") throw new Error("expected an offer");
    expect(acceptChanges(v.offer, snap([]))).toEqual({ error: "line_to_upgrade_missing" });
  });

  test("GIVEN Basic bought once and Basic on the plan WHEN the Pro plan upgrade is accepted THEN the line it decided on (the one-time line, first) is updated to Pro on the plan", () => {
    const onPlan = line("saas", "saas-basic");
    const once = line("saas", "saas-basic", 1, "EUR", { id: "gid://shopify/CartLine/once" });
    const plan = onPlan.merchandise.sellingPlan!.id;
    const s = snap([once, onPlan]);
    s.lines[1]!.sellingPlanId = plan;
    const v = view(s, "payment");
    if (v.kind !== "offer") throw new Error("expected an offer");
    expect(v.offer.lines[0]).toMatchObject({ action: "swap", sellingPlanId: plan });
    expect(v.offer.lines[0]!.replacesSellingPlanId).toBeUndefined();
    expect(acceptChanges(v.offer, s)).toEqual([
      expect.objectContaining({ type: "updateCartLine", id: once.id, sellingPlanId: plan }),
    ]);
    // The line on the plan is not the one decided: with only it left, the change finds no line.
    expect(acceptChanges(v.offer, snap([onPlan], { lines: [s.lines[1]!], lineIds: [onPlan.id] }))).toEqual({
      error: "line_to_upgrade_missing",
    });
  });

  test("GIVEN user agents WHEN hinted THEN phones are mobile and the rest desktop", () => {
    expect(deviceHint("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Mobile/15E148")).toBe("mobile");
    expect(deviceHint("Mozilla/5.0 (X11; Linux x86_64) Chrome/156")).toBe("desktop");
    expect(deviceHint(undefined)).toBeUndefined();
  });

  test("GIVEN checkout money WHEN converted THEN it is integer minor units per the currency's exponent", () => {
    expect(toMinor({ amount: 31.2, currencyCode: "EUR" })).toBe(3120);
    expect(toMinor({ amount: 0.1 + 0.2, currencyCode: "USD" })).toBe(30);
    expect(toMinor({ amount: 2480, currencyCode: "JPY" })).toBe(2480);
  });
});

describe("event queue", () => {
  const shopify = { sessionToken: { get: async () => "tok" } } as unknown as Host;
  const ev = (i: number): Omit<OfferEvent, "id" | "occurredAt"> => ({
    type: "impression",
    moment: "checkout",
    surface: "checkout",
    journeyKey: "k",
    offerId: `o${i}`,
    arm: "none",
  });

  test("GIVEN events pushed WHEN the delay passes THEN they go in one batch with the session token, and push never waits", async () => {
    vi.useFakeTimers();
    const send = vi.fn().mockResolvedValue({ ok: true, status: 200 });
    const q = new EventQueue(
      () => shopify,
      () => "https://app.example",
      send,
      1000,
    );
    q.push(ev(1));
    q.push(ev(2));
    expect(send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    vi.useRealTimers();
    expect(send).toHaveBeenCalledTimes(1);
    const [url, init] = send.mock.calls[0]!;
    expect(url).toBe("https://app.example/api/events");
    expect(init.headers.Authorization).toBe("Bearer tok");
    const body = JSON.parse(init.body) as { events: OfferEvent[] };
    expect(body.events.map((e) => e.offerId)).toEqual(["o1", "o2"]);
    expect(new Set(body.events.map((e) => e.id)).size).toBe(2);
  });

  test("GIVEN more than a batch WHEN flushed THEN no request carries more than the contract's maximum", async () => {
    const send = vi.fn().mockResolvedValue({ ok: true, status: 200 });
    const q = new EventQueue(
      () => shopify,
      () => "https://app.example",
      send,
      60_000,
    );
    for (let i = 0; i < MAX_BATCH + 5; i++) q.push(ev(i));
    await q.flush();
    await q.flush();
    const sizes = send.mock.calls.map((c) => (JSON.parse(c[1].body) as { events: unknown[] }).events.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_BATCH);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(MAX_BATCH + 5);
  });

  test("GIVEN the backend is down WHEN flushed THEN the batch is retried once with the same ids, then dropped", async () => {
    const send = vi.fn().mockRejectedValue(new Error("offline"));
    const q = new EventQueue(
      () => shopify,
      () => "https://app.example",
      send,
      60_000,
    );
    q.push(ev(1));
    await q.flush();
    expect(q.pending).toBe(1);
    await q.flush();
    expect(q.pending).toBe(0);
    const ids = send.mock.calls.map((c) => (JSON.parse(c[1].body) as { events: OfferEvent[] }).events[0]!.id);
    expect(ids[0]).toBe(ids[1]);
  });

  test("GIVEN a once-key WHEN the same impression is pushed twice THEN it is queued once", () => {
    const q = new EventQueue(
      () => shopify,
      () => undefined,
      vi.fn(),
      60_000,
    );
    q.push(ev(1), "i:k:o1:checkout");
    q.push(ev(1), "i:k:o1:checkout");
    expect(q.pending).toBe(1);
  });
});

describe("the journey attribute on the checkout", () => {
  const hostWith = (extra: Partial<Host>): Host =>
    ({
      lines: { value: [] },
      appMetafields: { value: [] },
      storage: { read: async () => null, write: async () => undefined },
      i18n: { translate: (k: string) => k, formatCurrency: (n: number) => String(n) },
      ...extra,
    }) as Host;

  test("GIVEN a checkout without it WHEN the journey loads THEN `_moments_journey` is written once with the journey key", async () => {
    const apply = vi.fn(async () => ({ type: "success" as const }));
    expect(
      await tagCheckoutWithJourney(hostWith({ applyAttributeChange: apply, attributes: { value: [] } }), "k1"),
    ).toBe(true);
    expect(apply).toHaveBeenCalledExactlyOnceWith({ type: "updateAttribute", key: "_moments_journey", value: "k1" });
  });

  test("GIVEN the attribute already holds the key WHEN the journey loads again THEN nothing is written", async () => {
    const apply = vi.fn(async () => ({ type: "success" as const }));
    const host = hostWith({
      applyAttributeChange: apply,
      attributes: { value: [{ key: "_moments_journey", value: "k1" }] },
    });
    expect(await tagCheckoutWithJourney(host, "k1")).toBe(false);
    expect(apply).not.toHaveBeenCalled();
  });

  test("GIVEN attributes cannot be updated (instructions) or the target has no such API WHEN tagging THEN nothing is attempted", async () => {
    const apply = vi.fn(async () => ({ type: "success" as const }));
    const locked = hostWith({
      applyAttributeChange: apply,
      instructions: { value: { attributes: { canUpdateAttributes: false } } },
    });
    expect(await tagCheckoutWithJourney(locked, "k1")).toBe(false);
    expect(await tagCheckoutWithJourney(hostWith({}), "k1")).toBe(false);
    expect(apply).not.toHaveBeenCalled();
  });

  test("GIVEN Shopify refuses the change (accelerated checkout) WHEN tagging THEN it resolves false and nothing throws", async () => {
    const apply = vi.fn(async () => {
      throw new Error("accelerated checkout");
    });
    expect(await tagCheckoutWithJourney(hostWith({ applyAttributeChange: apply }), "k1")).toBe(false);
  });

  test("GIVEN the storefront's key on the checkout WHEN the journey loads THEN it is the journey key (not the checkout token) and is never overwritten", async () => {
    const apply = vi.fn(async () => ({ type: "success" as const }));
    const host = hostWith({
      applyAttributeChange: apply,
      attributes: { value: [{ key: "_moments_journey", value: "sf-key" }] },
      checkoutToken: { value: "tok-9" },
    });
    expect((await loadJourney(host)).key).toBe("sf-key");
    expect(await tagCheckoutWithJourney(host, "tok-9")).toBe(false);
    expect(apply).not.toHaveBeenCalled();
  });

  test("GIVEN no journey attribute WHEN the journey loads THEN the checkout token is the key", async () => {
    expect((await loadJourney(hostWith({ attributes: { value: [] }, checkoutToken: { value: "tok-9" } }))).key).toBe(
      "tok-9",
    );
  });
});

describe("placements and exposures (limit 2, a held-out first place)", () => {
  const item = (n: number) => ({
    productId: `gid://shopify/Product/${n}`,
    variantId: `gid://shopify/ProductVariant/${n}`,
    quantity: 1,
    prices: { EUR: 1000 },
  });
  const exp = { id: "exp_first", holdoutBps: 5000, variants: [{ id: "v", weight: 1 }] };
  const offers: Offer[] = [
    {
      id: "off_first",
      status: "active",
      type: "product",
      moments: ["checkout"],
      priority: 2,
      items: [item(2)],
      copy: { en: { title: "First" } },
      experiment: exp,
    },
    {
      id: "off_second",
      status: "active",
      type: "product",
      moments: ["checkout"],
      priority: 1,
      items: [item(3)],
      copy: { en: { title: "Second" } },
    },
  ];
  const d = decodePayload(
    encodePayload(offers, { journeyCap: 5, defaultLocale: "en", momentLimits: { checkout: 2 } }, NOW - 60_000),
  );
  if (!d.ok) throw new Error(d.error.message);
  const cart: Snapshot = {
    lines: [
      {
        productId: "gid://shopify/Product/1",
        variantId: "gid://shopify/ProductVariant/1",
        quantity: 1,
        unitPrice: 5000,
      },
    ],
    lineIds: ["l1"],
    currency: "EUR",
    subtotal: 5000,
  };
  const keyIn = (arm: "holdout" | "variant") => {
    for (let i = 0; ; i++) if (assign(exp, `b${i}`).kind === arm) return `b${i}`;
  };
  const at = (journeyKey: string, slot: number) =>
    decideView({ payload: d.payload, snapshot: cart, moment: "checkout", journeyKey, journey: {}, now: NOW, slot });

  test("GIVEN a held-out buyer WHEN placements 1 and 2 decide THEN place 1 is empty (hold-out), place 2 shows the second offer, and both carry the same hold-out exposure", () => {
    const key = keyIn("holdout");
    const one = at(key, 1);
    const two = at(key, 2);
    expect(one).toMatchObject({ kind: "holdout", offerId: "off_first", experimentId: "exp_first" });
    expect(two.kind === "offer" && two.offer.offerId).toBe("off_second");
    expect(one.exposures).toEqual([
      {
        experimentId: "exp_first",
        version: 1,
        offerId: "off_first",
        moment: "checkout",
        arm: "holdout",
        slot: 1,
        cartMinor: 5000,
        currency: "EUR",
      },
    ]);
    expect(two.exposures).toEqual(one.exposures);
  });

  test("GIVEN a variant buyer WHEN placements 1 and 2 decide THEN each shows its own place and both carry the same variant exposure", () => {
    const key = keyIn("variant");
    const one = at(key, 1);
    const two = at(key, 2);
    expect(one.kind === "offer" && one.offer.offerId).toBe("off_first");
    expect(two.kind === "offer" && two.offer.offerId).toBe("off_second");
    expect(one.exposures.map((x) => [x.arm, x.slot])).toEqual([["v", 1]]);
    expect(two.exposures).toEqual(one.exposures);
  });
});
