import fc from "fast-check";
import type { CartLine, DecideInput, Offer, Payload, Settings, Spec } from "../src/index";

export const NOW = 1_800_000_000_000;

export const baseSettings: Settings = { journeyCap: 5, momentLimits: { cart: 3, checkout: 3 }, defaultLocale: "en" };

/** A minimal active cart offer: product P1/V1 at EUR 20.00, no targeting. */
export function offer(over: Partial<Offer> = {}): Offer {
  return {
    id: "o1",
    status: "active",
    type: "product",
    moments: ["cart"],
    priority: 1,
    items: [{ productId: "P1", variantId: "V1", quantity: 1, prices: { EUR: 2000, USD: 2200 } }],
    copy: { en: { title: "Add P1" } },
    ...over,
  };
}

export const line = (over: Partial<CartLine> = {}): CartLine => ({
  productId: "C1",
  variantId: "CV1",
  quantity: 1,
  unitPrice: 5000,
  vendor: "Acme",
  tags: ["shoes"],
  collectionIds: ["COL1"],
  ...over,
});

export const payloadOf = (offers: Offer[], settings: Partial<Settings> = {}): Payload => ({
  v: 1,
  publishedAt: NOW - 1000,
  settings: { ...baseSettings, ...settings },
  offers,
});

export function input(offers: Offer[], over: Partial<DecideInput> = {}, settings: Partial<Settings> = {}): DecideInput {
  const lines = over.cart?.lines ?? [line()];
  return {
    now: NOW,
    moments: ["cart"],
    buyerKey: "buyer-1",
    cart: { lines, subtotal: lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0), currency: "EUR" },
    country: "DE",
    locale: "en",
    device: "desktop",
    payload: payloadOf(offers, settings),
    ...over,
  };
}

// --- fast-check arbitraries derived from the same spec the decoder validates against ---------

const POOL = ["P1", "P2", "V1", "V2", "o1", "o2", "a", "b"];
export function arb(s: Spec): fc.Arbitrary<unknown> {
  switch (s.k) {
    case "?":
      return arb(s.of);
    case "s":
      if (s.re) return fc.stringMatching(s.re).filter((x) => x.length >= (s.min ?? 0) && x.length <= (s.max ?? 1e9));
      return fc.oneof(
        fc.constantFrom(...POOL.filter((p) => p.length >= (s.min ?? 0))),
        fc.string({ minLength: s.min ?? 0, maxLength: Math.min(s.max ?? 8, 8) }),
      );
    case "i": {
      const hi = Math.min(s.max, Number.MAX_SAFE_INTEGER);
      return fc.oneof(fc.integer({ min: s.min, max: Math.min(hi, s.min + 20000) }), fc.constantFrom(s.min, hi));
    }
    case "e":
      return fc.constantFrom(...s.v);
    case "a":
      return fc.array(arb(s.of), { minLength: s.min ?? 0, maxLength: Math.max(s.min ?? 0, Math.min(s.max ?? 3, 3)) });
    case "r":
      return fc.dictionary(arb(s.key) as fc.Arbitrary<string>, arb(s.of), { maxKeys: 2 });
    case "o": {
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      const required: string[] = [];
      for (const [k, v] of Object.entries(s.f)) {
        model[k] = arb(v);
        if (v.k !== "?") required.push(k);
      }
      return fc.record(model, { requiredKeys: required });
    }
    case "u":
      return fc.oneof(...Object.values(s.of).map(arb));
  }
}

export const cartLineArb: fc.Arbitrary<CartLine> = fc.record(
  {
    productId: fc.constantFrom("P1", "P2", "P3"),
    variantId: fc.constantFrom("V1", "V2", "V3"),
    quantity: fc.integer({ min: 1, max: 5 }),
    unitPrice: fc.integer({ min: 0, max: 100000 }),
    vendor: fc.constantFrom("a", "b"),
    tags: fc.array(fc.constantFrom("a", "b", "P1")),
    collectionIds: fc.array(fc.constantFrom("a", "b")),
    sellingPlanId: fc.constantFrom("a", "b"),
  },
  { requiredKeys: ["productId", "variantId", "quantity", "unitPrice"] },
);
