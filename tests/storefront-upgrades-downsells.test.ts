import { describe, expect, it } from "vitest";
import { decodePayload, encodePayload, type Offer } from "@moments/engine";
import { decideStorefront, StorefrontQuery } from "~/storefront/offers.server";

/**
 * A linked downsell on the storefront (decision 027), as the app proxy answers the script: after a
 * "no" to the cart offer that names it (the script sends it in `dec`, and the place it took in
 * `seen`), the downsell comes back in that place, marked `after` so the script shows it there.
 */
const offer = (id: string, priority: number, variant: number, more: Partial<Offer> = {}): Offer => ({
  id,
  status: "active",
  type: "product",
  moments: ["cart"],
  priority,
  items: [
    {
      productId: `gid://shopify/Product/${variant + 1}`,
      variantId: `gid://shopify/ProductVariant/${variant}`,
      quantity: 1,
      prices: { EUR: 2500 },
    },
  ],
  copy: { en: { title: `Add ${id}` } },
  ...more,
});
const payload = (() => {
  const offers = [
    offer("off_cable", 50, 3001, { downsell: "off_strap" }),
    offer("off_cleaner", 20, 3002),
    offer("off_strap", 1, 3003),
  ];
  const d = decodePayload(encodePayload(offers, { journeyCap: 3, defaultLocale: "en" }, Date.now()));
  if (!d.ok) throw new Error(d.error.message);
  return d.payload;
})();
const query = (seen: string, dec: string) =>
  StorefrontQuery.parse({
    moment: "cart",
    jk: "j1",
    cur: "EUR",
    c: JSON.stringify([[9001, 90011, 1, 12900]]),
    seen,
    dec,
  });

describe("decideStorefront: a linked downsell after a decline", () => {
  it("GIVEN nothing declined WHEN the cart decides THEN the cable shows, and the strap (its downsell) does not", () => {
    const r = decideStorefront(payload, query("", ""), Date.now());
    expect(r.offers.map((o) => [o.id, o.after])).toEqual([["off_cable", undefined]]);
  });

  it("GIVEN the cable shown at the cart and declined WHEN the script asks again THEN the strap comes back in its place, marked as after the cable (not the cleaner, which ranks above it)", () => {
    const r = decideStorefront(payload, query("off_cable@cart", "off_cable"), Date.now());
    expect(r.offers.map((o) => [o.id, o.after])).toEqual([["off_strap", "off_cable"]]);
  });
});

describe("decideStorefront: a plan upgrade in the cart", () => {
  const PLAN = 7700000010;
  const upgrade: Offer = offer("off_pro", 5, 5002, {
    type: "subscription_upgrade",
    items: [
      {
        productId: "gid://shopify/Product/5000",
        variantId: "gid://shopify/ProductVariant/5002",
        quantity: 1,
        prices: { EUR: 4900 },
        sellingPlanId: `gid://shopify/SellingPlan/${PLAN}`,
      },
    ],
  });
  const decoded = decodePayload(encodePayload([upgrade], { journeyCap: 3, defaultLocale: "en" }, Date.now()));
  if (!decoded.ok) throw new Error(decoded.error.message);
  const cart = (plan?: number) =>
    StorefrontQuery.parse({
      moment: "cart",
      jk: "j1",
      cur: "EUR",
      c: JSON.stringify([[5000, 5001, 1, 1900, "", "", [], [], ...(plan ? [plan] : [])]]),
    });

  it("GIVEN Basic on its plan in the cart (the tuple's selling plan) WHEN decided THEN the script is told to replace that line and add Pro on the plan", () => {
    const r = decideStorefront(decoded.payload, cart(PLAN), Date.now());
    expect(r.offers.map((o) => o.lines.map((l) => ({ id: l.id, r: l.r, s: l.s })))).toEqual([
      [{ id: 5002, r: 5001, s: PLAN }],
    ]);
  });
});
