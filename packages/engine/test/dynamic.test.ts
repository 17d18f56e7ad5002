import { describe, expect, it } from "vitest";
import {
  decide,
  decodePayload,
  encodePayload,
  verifyOfferLine,
  type CartLine,
  type Complements,
  type DecideInput,
  type Offer,
  type Payload,
} from "../src/index";
import { input, line, NOW, offer } from "./helpers";
import { makeComplements, makeOffers, settings as fixtureSettings, withImages } from "./fixtures";

// Dynamic offers (decision 034): the offered product is chosen per cart from the payload's
// complement table, then the offer is checked, exposed, held out and priced as any offer.

const item = (n: number, eur = 1000 * n) => ({
  productId: `gid://shopify/Product/${n}`,
  variantId: `gid://shopify/ProductVariant/${n}0`,
  prices: { EUR: eur, USD: eur + 100 },
  image: ["https://cdn.shopify.com/s/files/1/0001/", `p${n}.jpg`],
});

/** Headset (1) -> cable (11), case (12), stand (13); laptop (2) -> headset (1), sleeve (21). */
const TABLE: Complements = [
  { productId: "gid://shopify/Product/1", items: [item(11), item(12), item(13)] },
  { productId: "gid://shopify/Product/2", items: [item(1), item(21)] },
];

const cartLine = (n: number, unitPrice: number, over: Partial<CartLine> = {}): CartLine =>
  line({
    productId: `gid://shopify/Product/${n}`,
    variantId: `gid://shopify/ProductVariant/${n}0`,
    unitPrice,
    ...over,
  });

const DYN = offer({ id: "dyn", type: "dynamic", items: [], discount: { kind: "percent", percent: 10 } });

function run(offers: Offer[], lines: CartLine[], over: Partial<DecideInput> = {}, table: Complements = TABLE) {
  const base = input(offers, { cart: { lines, subtotal: 0, currency: "EUR" }, ...over });
  const payload: Payload = { ...base.payload, complements: table };
  return decide({ ...base, payload }).moments[0]!;
}

describe("dynamic offers: the product chosen per cart", () => {
  it("GIVEN a headset in the cart WHEN deciding THEN its best complement (the cable) is offered, priced by the offer's discount, with its image", () => {
    const m = run([DYN], [cartLine(1, 9900)]);
    expect(m.offers).toHaveLength(1);
    const shown = m.offers[0]!;
    expect(shown).toMatchObject({
      offerId: "dyn",
      type: "dynamic",
      image: "https://cdn.shopify.com/s/files/1/0001/p11.jpg",
    });
    expect(shown.lines).toEqual([
      expect.objectContaining({
        action: "add",
        productId: "gid://shopify/Product/11",
        variantId: "gid://shopify/ProductVariant/110",
        quantity: 1,
        listTotal: 11000,
        finalTotal: 9900,
      }),
    ]);
    expect(shown.price).toEqual({ currency: "EUR", original: 11000, final: 9900, savings: 1100 });
  });

  it("GIVEN the best complement already in the cart WHEN deciding THEN the next one is offered", () => {
    const m = run([DYN], [cartLine(1, 9900), cartLine(11, 1500)]);
    expect(m.offers[0]!.lines[0]!.productId).toBe("gid://shopify/Product/12");
  });

  it("GIVEN the best complement out of stock (or sold out at 0) WHEN deciding THEN it is passed over", () => {
    const out = { "gid://shopify/ProductVariant/110": false, "gid://shopify/ProductVariant/120": 0 };
    const m = run([DYN], [cartLine(1, 9900)], { inventory: out });
    expect(m.offers[0]!.lines[0]!.productId).toBe("gid://shopify/Product/13");
  });

  it("GIVEN two cart products WHEN deciding THEN the priciest line's best complement comes first; ties keep cart order; a second best waits for every line's best", () => {
    // Laptop (2) costs more than the headset (1): the laptop's best (the headset) is in the cart,
    // so the headset's best (the cable) wins over the laptop's second best (the sleeve).
    let m = run([DYN], [cartLine(1, 9900), cartLine(2, 99900)]);
    expect(m.offers[0]!.lines[0]!.productId).toBe("gid://shopify/Product/11");
    // Same price: cart order decides. With the headset not in the cart, the laptop's best is it.
    const table: Complements = [TABLE[1]!, { productId: "gid://shopify/Product/3", items: [item(31)] }];
    m = run([DYN], [cartLine(3, 5000), cartLine(2, 5000)], {}, table);
    expect(m.offers[0]!.lines[0]!.productId).toBe("gid://shopify/Product/31");
    m = run([DYN], [cartLine(2, 5000), cartLine(3, 5000)], {}, table);
    expect(m.offers[0]!.lines[0]!.productId).toBe("gid://shopify/Product/1");
  });

  it("GIVEN a trigger on the offer WHEN deciding THEN only triggering lines' complements are chosen from", () => {
    const onLaptop = { ...DYN, targeting: { products: ["gid://shopify/Product/2"] } };
    const m = run([onLaptop], [cartLine(1, 99999), cartLine(2, 5000)]);
    expect(m.offers[0]!.lines[0]!.productId).toBe("gid://shopify/Product/21");
  });

  it("GIVEN no complement can be offered WHEN deciding THEN the offer is excluded as no_complement, each passed-over complement and why in the detail", () => {
    let m = run([DYN], [cartLine(7, 5000)]);
    expect(m.offers).toEqual([]);
    expect(m.excluded).toEqual([{ offerId: "dyn", reason: "no_complement" }]);

    m = run([DYN], [cartLine(2, 5000), cartLine(1, 900)], {
      purchasedProductIds: ["gid://shopify/Product/21"],
      inventory: { "gid://shopify/ProductVariant/110": false },
      cart: {
        lines: [cartLine(2, 5000), cartLine(1, 900), cartLine(12, 1), cartLine(13, 1)],
        subtotal: 0,
        currency: "EUR",
      },
    });
    expect(m.excluded).toEqual([
      {
        offerId: "dyn",
        reason: "no_complement",
        detail:
          "gid://shopify/Product/1 already_in_cart, gid://shopify/Product/11 out_of_stock, " +
          "gid://shopify/Product/21 already_purchased, gid://shopify/Product/12 already_in_cart, " +
          "gid://shopify/Product/13 already_in_cart",
      },
    ]);
  });

  it("GIVEN a currency no complement is priced in WHEN deciding THEN no_complement says so; without a table every cart is no_complement", () => {
    const m = run([DYN], [cartLine(2, 5000)], {
      cart: { lines: [cartLine(2, 5000)], subtotal: 5000, currency: "GBP" },
    });
    expect(m.excluded[0]).toEqual({
      offerId: "dyn",
      reason: "no_complement",
      detail: "gid://shopify/Product/1 no_price_in_currency, gid://shopify/Product/21 no_price_in_currency",
    });
    expect(
      decide(input([DYN], { cart: { lines: [cartLine(1, 9900)], subtotal: 9900, currency: "EUR" } })).moments[0]!
        .excluded,
    ).toEqual([{ offerId: "dyn", reason: "no_complement" }]);
  });

  it("GIVEN a fixed offer of the cable ranked higher WHEN deciding THEN the dynamic offer's cable is same_product_conflict, like any two offers of one product", () => {
    const cable = offer({
      id: "cable",
      priority: 5,
      items: [
        {
          productId: "gid://shopify/Product/11",
          variantId: "gid://shopify/ProductVariant/110",
          quantity: 1,
          prices: { EUR: 900 },
        },
      ],
    });
    const m = run([cable, DYN], [cartLine(1, 9900)]);
    expect(m.offers.map((o) => o.offerId)).toEqual(["cable"]);
    expect(m.excluded).toEqual([
      { offerId: "dyn", reason: "same_product_conflict", detail: "gid://shopify/Product/11" },
    ]);
  });
});

describe("dynamic offers: exposure and hold-out as any offer", () => {
  const experiment = { id: "x", holdoutBps: 5000, variants: [{ id: "a", weight: 1 }] };
  const withExperiment = { ...DYN, experiment };
  const fixed = offer({ id: "dyn", experiment, items: [{ ...item(11), quantity: 1 }], discount: DYN.discount });

  it("GIVEN an experiment WHEN 200 buyers decide THEN arms, exposures and hold-outs are exactly those of the same offer with the chosen product fixed", () => {
    for (let b = 0; b < 200; b++) {
      const over = { buyerKey: `buyer-${b}` };
      const dyn = run([withExperiment], [cartLine(1, 9900)], over);
      const same = run([fixed], [cartLine(1, 9900)], over);
      expect(dyn.exposures).toEqual(same.exposures);
      expect(dyn.excluded).toEqual(same.excluded);
      expect(dyn.offers.map((o) => [o.armId, o.lines, o.price])).toEqual(
        same.offers.map((o) => [o.armId, o.lines, o.price]),
      );
    }
  });

  it("GIVEN no complement WHEN deciding THEN no place is taken and nothing is exposed (as an offer whose trigger is missing)", () => {
    const m = run([withExperiment], [cartLine(7, 5000)]);
    expect(m.exposures).toEqual([]);
    expect(m.excluded).toEqual([{ offerId: "dyn", reason: "no_complement" }]);
  });
});

describe("dynamic offers: the Discount Function's check", () => {
  const payload: Payload = { ...input([DYN]).payload, complements: TABLE };
  const cart = (lines: CartLine[]) => ({ lines, subtotal: 0, currency: "EUR" });
  const shown = run([DYN], [cartLine(1, 9900)]).offers[0]!;
  const offerLine = cartLine(11, 11000, { attributes: shown.lines[0]!.attributes });

  it("GIVEN the line decide added WHEN verifying THEN it is priced as shown", () => {
    const r = verifyOfferLine(payload, offerLine, { now: NOW, cart: cart([cartLine(1, 9900), offerLine]) });
    expect(r).toEqual({ ok: true, offerId: "dyn", listTotal: 11000, finalTotal: 9900, discount: 1100 });
  });

  it("GIVEN a variant that is no complement of the cart's products WHEN verifying THEN variant_mismatch (no discount)", () => {
    const other = cartLine(21, 500, { attributes: shown.lines[0]!.attributes });
    expect(verifyOfferLine(payload, other, { now: NOW, cart: cart([cartLine(1, 9900), other]) })).toEqual({
      ok: false,
      reason: "variant_mismatch",
      detail: "gid://shopify/ProductVariant/210",
    });
    // The trigger removed: the cable is no complement of anything left in the cart.
    expect(verifyOfferLine(payload, offerLine, { now: NOW, cart: cart([offerLine]) })).toMatchObject({
      ok: false,
      reason: "variant_mismatch",
    });
  });
});

describe("dynamic offers: the payload", () => {
  it("GIVEN a complement table WHEN encoded and decoded THEN it round-trips, and a payload without one is byte-identical to before", () => {
    const offers = [{ ...DYN, id: "dyn" }];
    const json = encodePayload(offers, input([]).payload.settings, NOW, TABLE);
    const decoded = decodePayload(json);
    expect(decoded.ok && decoded.payload.complements).toEqual(TABLE);
    expect(encodePayload(offers, input([]).payload.settings, NOW, [])).toBe(
      encodePayload(offers, input([]).payload.settings, NOW),
    );
  });

  it("GIVEN a bad complement WHEN decoding THEN the error names its model path", () => {
    const json = JSON.parse(encodePayload([DYN], input([]).payload.settings, NOW, TABLE));
    json.p[0].h = [];
    const decoded = decodePayload(JSON.stringify(json));
    expect(decoded.ok ? null : decoded.error).toEqual({ path: "complements[0].items", message: expect.any(String) });
  });

  it("GIVEN the largest table (COMPLEMENT_TRIGGERS_MAX triggers x 3 complements, every one distinct, images, 2 currencies) beside 200 offers WHEN encoded THEN it adds at most 14 KB", () => {
    const big = makeComplements();
    const offers = withImages(makeOffers(200));
    const without = Buffer.byteLength(encodePayload(offers, fixtureSettings, NOW));
    const withTable = Buffer.byteLength(encodePayload(offers, fixtureSettings, NOW, big));
    expect(withTable - without).toBeLessThanOrEqual(14 * 1024);

    const decoded = decodePayload(encodePayload(offers, fixtureSettings, NOW, big));
    expect(decoded.ok && decoded.payload.complements).toEqual(big);
  });
});
