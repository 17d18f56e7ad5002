import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  coveredLine,
  decide,
  linesByPriceDesc,
  MOMENT_IDS,
  offerSpec,
  prepare,
  settingsSpec,
  type DecideInput,
  type Offer,
  type Settings,
} from "../src/index";
import { arb, cartLineArb, input, line, NOW, offer, payloadOf } from "./helpers";

const run = (offers: Offer[], over: Partial<DecideInput> = {}, settings: Partial<Settings> = {}) =>
  decide(input(offers, over, settings));
const shownIds = (offers: Offer[], over: Partial<DecideInput> = {}, settings: Partial<Settings> = {}) =>
  run(offers, over, settings).moments[0]!.offers.map((o) => o.offerId);
/** The exclusion reason of offer `id` at the first requested moment ("shown" when shown). */
const why = (
  offers: Offer[],
  over: Partial<DecideInput> = {},
  settings: Partial<Settings> = {},
  id = offers[0]!.id,
) => {
  const m = run(offers, over, settings).moments[0]!;
  if (m.offers.some((o) => o.offerId === id)) return "shown";
  return m.excluded.find((e) => e.offerId === id)?.reason;
};

describe("decide: eligibility rules (one reason each)", () => {
  it("GIVEN a plain offer and a matching cart WHEN deciding THEN it is shown", () => {
    expect(why([offer()])).toBe("shown");
  });
  it("GIVEN a paused offer THEN inactive", () => expect(why([offer({ status: "paused" })])).toBe("inactive"));
  it("GIVEN an offer starting later THEN scheduled_not_started", () =>
    expect(why([offer({ startsAt: NOW + 1 })])).toBe("scheduled_not_started"));
  it("GIVEN an offer whose end is now THEN expired (end exclusive)", () =>
    expect(why([offer({ endsAt: NOW })])).toBe("expired"));
  it("GIVEN an offer inside its schedule THEN shown", () =>
    expect(why([offer({ startsAt: NOW, endsAt: NOW + 1 })])).toBe("shown"));
  it("GIVEN a thank-you offer asked at cart THEN moment_mismatch", () =>
    expect(why([offer({ moments: ["thank_you"] })])).toBe("moment_mismatch"));
  it("GIVEN a USD-only offer and an EUR cart THEN currency_mismatch", () =>
    expect(why([offer({ targeting: { currencies: ["USD"] } })])).toBe("currency_mismatch"));
  it("GIVEN a FR-only offer and a DE buyer THEN country_mismatch", () =>
    expect(why([offer({ targeting: { countries: ["FR"] } })])).toBe("country_mismatch"));
  it("GIVEN a market-targeted offer and another market THEN country_mismatch", () =>
    expect(why([offer({ targeting: { markets: ["eu"] } })], { market: "us" })).toBe("country_mismatch"));
  it("GIVEN a French offer and an en buyer THEN language_mismatch", () =>
    expect(why([offer({ targeting: { languages: ["fr"] } })])).toBe("language_mismatch"));
  it("GIVEN a French offer and a fr-CA buyer THEN it matches on the language", () =>
    expect(why([offer({ targeting: { languages: ["fr"] } })], { locale: "fr-CA" })).toBe("shown"));
  it("GIVEN a mobile-only micro-offer and a desktop buyer THEN device_mismatch", () =>
    expect(why([offer({ type: "discount", targeting: { devices: ["mobile"] } })])).toBe("device_mismatch"));
  it("GIVEN a first-time-buyer offer and a returning buyer THEN segment_mismatch", () =>
    expect(why([offer({ targeting: { buyer: "first_time" } })], { buyer: { returning: true } })).toBe(
      "segment_mismatch",
    ));
  it("GIVEN a returning-buyer offer and an unknown buyer THEN segment_mismatch", () =>
    expect(why([offer({ targeting: { buyer: "returning" } })])).toBe("segment_mismatch"));
  it("GIVEN a VIP offer and a buyer without the tag THEN customer_tag_mismatch", () =>
    expect(why([offer({ targeting: { customerTags: ["vip"] } })], { buyer: { tags: ["b2b"] } })).toBe(
      "customer_tag_mismatch",
    ));
  it("GIVEN an offer excluding wholesale buyers and a wholesale buyer THEN customer_tag_mismatch", () =>
    expect(
      why([offer({ targeting: { excludeCustomerTags: ["wholesale"] } })], { buyer: { tags: ["wholesale"] } }),
    ).toBe("customer_tag_mismatch"));
  it("GIVEN a trigger product not in the cart THEN trigger_not_in_cart", () =>
    expect(why([offer({ targeting: { products: ["X"] } })])).toBe("trigger_not_in_cart"));
  it.each([
    ["products", { products: ["C1"] }],
    ["collections", { collections: ["COL1"] }],
    ["tags", { tags: ["shoes"] }],
    ["vendors", { vendors: ["Acme"] }],
  ])("GIVEN a trigger on %s matching a cart line THEN shown", (_, targeting) =>
    expect(why([offer({ targeting })])).toBe("shown"),
  );
  it("GIVEN a minimum EUR subtotal above the cart THEN subtotal_out_of_range", () =>
    expect(why([offer({ targeting: { subtotal: { EUR: { min: 5001 } } } })])).toBe("subtotal_out_of_range"));
  it("GIVEN a subtotal range only in USD and an EUR cart THEN subtotal_out_of_range", () =>
    expect(why([offer({ targeting: { subtotal: { USD: { min: 0 } } } })])).toBe("subtotal_out_of_range"));
  it("GIVEN a max quantity below the cart's THEN quantity_out_of_range", () =>
    expect(why([offer({ targeting: { quantity: { max: 0 } } })])).toBe("quantity_out_of_range"));
  it("GIVEN no price in the buyer's currency THEN no_price_in_currency", () =>
    expect(why([offer()], { cart: { lines: [line()], subtotal: 5000, currency: "GBP" } })).toBe(
      "no_price_in_currency",
    ));
  it("GIVEN a fixed discount without an amount in the buyer's currency THEN no_price_in_currency", () =>
    expect(why([offer({ discount: { kind: "fixed", amounts: { USD: 100 } } })])).toBe("no_price_in_currency"));
  it("GIVEN the offered product already in the cart THEN already_in_cart", () =>
    expect(
      why([offer()], {
        cart: { lines: [line({ productId: "P1", variantId: "V9" })], subtotal: 5000, currency: "EUR" },
      }),
    ).toBe("already_in_cart"));
  it("GIVEN the offered product was just bought THEN already_purchased", () =>
    expect(why([offer({ moments: ["thank_you"] })], { moments: ["thank_you"], purchasedProductIds: ["P1"] })).toBe(
      "already_purchased",
    ));
  it("GIVEN the offer was accepted earlier in the journey THEN accepted_in_journey", () =>
    expect(why([offer()], { journey: { accepted: ["o1"] } })).toBe("accepted_in_journey"));
  it("GIVEN zero inventory for the offered variant THEN out_of_stock", () =>
    expect(why([offer()], { inventory: { V1: 0 } })).toBe("out_of_stock"));
  it("GIVEN the variant marked unavailable THEN out_of_stock", () =>
    expect(why([offer()], { inventory: { V1: false } })).toBe("out_of_stock"));
  it("GIVEN no inventory information THEN the variant is assumed available", () =>
    expect(why([offer()], { inventory: {} })).toBe("shown"));
  it("GIVEN the buyer declined the offer earlier in the journey THEN declined_in_journey", () =>
    expect(why([offer()], { journey: { declined: ["o1"] } })).toBe("declined_in_journey"));
  it("GIVEN the default decline behaviour and another offer declined THEN this one is still shown", () =>
    expect(why([offer()], { journey: { declined: ["other"] } })).toBe("shown"));
  it("GIVEN afterDecline 'journey' and another offer declined THEN after_decline", () =>
    expect(why([offer()], { journey: { declined: ["other"] } }, { afterDecline: "journey" })).toBe("after_decline"));
  it("GIVEN afterDecline 'journey' and no decline yet THEN shown", () =>
    expect(why([offer()], { journey: { declined: [] } }, { afterDecline: "journey" })).toBe("shown"));
});

describe("decide: guardrails and ranking", () => {
  const three = [
    offer({ id: "a", priority: 1, items: [{ productId: "PA", variantId: "VA", quantity: 1, prices: { EUR: 100 } }] }),
    offer({ id: "b", priority: 3, items: [{ productId: "PB", variantId: "VB", quantity: 1, prices: { EUR: 100 } }] }),
    offer({ id: "c", priority: 2, items: [{ productId: "PC", variantId: "VC", quantity: 1, prices: { EUR: 100 } }] }),
  ];

  it("GIVEN three offers WHEN deciding THEN they are ranked by priority", () =>
    expect(shownIds(three)).toEqual(["b", "c", "a"]));
  it("GIVEN equal priorities WHEN deciding THEN ties break on offer id", () =>
    expect(shownIds(three.map((o) => ({ ...o, priority: 0 })))).toEqual(["a", "b", "c"]));
  it("GIVEN a per-moment limit of 1 THEN the lower-ranked offers are excluded as lower_priority", () => {
    const m = run(three, {}, { momentLimits: { cart: 1 } }).moments[0]!;
    expect(m.offers.map((o) => o.offerId)).toEqual(["b"]);
    expect(m.excluded.filter((e) => e.reason === "lower_priority").map((e) => e.offerId)).toEqual(["c", "a"]);
  });
  it("GIVEN the moment's slot already used earlier in the journey THEN moment_limit_reached", () =>
    expect(
      why(three, { journey: { shown: [{ offerId: "x", moment: "cart" }] } }, { momentLimits: { cart: 1 } }, "b"),
    ).toBe("moment_limit_reached"));
  it("GIVEN an offer shown earlier at this moment WHEN re-rendering THEN it keeps its slot", () =>
    expect(
      shownIds(three, { journey: { shown: [{ offerId: "a", moment: "cart" }] } }, { momentLimits: { cart: 1 } }),
    ).toEqual(["a"]));
  it("GIVEN a journey cap of 2 with 2 offers already shown THEN new offers hit journey_cap_reached", () =>
    expect(
      why(
        three,
        {
          journey: {
            shown: [
              { offerId: "x", moment: "checkout" },
              { offerId: "y", moment: "checkout" },
            ],
          },
        },
        { journeyCap: 2 },
        "b",
      ),
    ).toBe("journey_cap_reached"));
  it("GIVEN two offers for the same product THEN only the higher-ranked one shows (same_product_conflict)", () => {
    const m = run([offer({ id: "hi", priority: 5 }), offer({ id: "lo" })]).moments[0]!;
    expect(m.offers.map((o) => o.offerId)).toEqual(["hi"]);
    expect(m.excluded).toContainEqual({ offerId: "lo", reason: "same_product_conflict", detail: "P1" });
  });
  it("GIVEN an offer eligible at two requested moments THEN it shows only at the first", () => {
    const d = run([offer({ moments: ["cart", "checkout"] })], { moments: ["cart", "checkout"] });
    expect(d.moments.map((m) => m.offers.length)).toEqual([1, 0]);
    expect(d.moments[1]!.excluded[0]!.reason).toBe("same_product_conflict");
  });
  it("GIVEN a buyer in the hold-out THEN the offer is excluded as holdout and still takes the slot", () => {
    const held = offer({
      id: "h",
      priority: 9,
      items: [{ productId: "PH", variantId: "VH", quantity: 1, prices: { EUR: 100 } }],
      experiment: { id: "e", holdoutBps: 10000, variants: [{ id: "a", weight: 1 }] },
    });
    const m = run([held, ...three], {}, { momentLimits: { cart: 1 } }).moments[0]!;
    expect(m.offers).toEqual([]);
    expect(m.excluded[0]).toEqual({ offerId: "h", reason: "holdout", detail: "e" });
  });
  it("PROPERTY: a capped journey never exceeds its cap", () => {
    fc.assert(
      fc.property(
        fc.array(arb(offerSpec) as fc.Arbitrary<Offer>, { maxLength: 12 }),
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.constantFrom("o1", "o2", "a", "b", "zz"), { maxLength: 4 }),
        (offers, cap, prior) => {
          const shown = [...new Set(prior)].slice(0, cap).map((offerId) => ({ offerId, moment: "cart" as const }));
          const d = decide(
            input(
              offers.map((o) => ({ ...o, status: "active" as const })),
              {
                moments: [...MOMENT_IDS],
                journey: { shown },
              },
              { journeyCap: cap, momentLimits: { cart: 5, checkout: 5, thank_you: 5 } },
            ),
          );
          const ids = new Set<string>(shown.map((s) => s.offerId));
          for (const m of d.moments) {
            for (const o of m.offers) ids.add(o.offerId);
            for (const e of m.excluded) if (e.reason === "holdout") ids.add(e.offerId);
          }
          expect(ids.size).toBeLessThanOrEqual(cap);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("decide: output", () => {
  it("GIVEN a German buyer and copy in de THEN the German copy is used", () => {
    const o = offer({ copy: { en: { title: "Add" }, de: { title: "Hinzufügen" } } });
    expect(run([o], { locale: "de-DE" }).moments[0]!.offers[0]).toMatchObject({
      locale: "de",
      copy: { title: "Hinzufügen" },
    });
  });
  it("GIVEN a buyer locale without copy THEN the shop's default locale is used", () => {
    const o = offer({ copy: { fr: { title: "Ajouter" }, en: { title: "Add" } } });
    expect(run([o], { locale: "it" }).moments[0]!.offers[0]).toMatchObject({ locale: "en", copy: { title: "Add" } });
  });
  it("GIVEN a shown offer THEN its lines carry the attributes the Discount Function re-checks", () => {
    const shown = run([offer({ discount: { kind: "percent", percent: 10 } })]).moments[0]!.offers[0]!;
    expect(shown.price).toEqual({ currency: "EUR", original: 2000, final: 1800, savings: 200 });
    expect(shown.lines).toEqual([
      {
        action: "add",
        productId: "P1",
        variantId: "V1",
        quantity: 1,
        listTotal: 2000,
        finalTotal: 1800,
        attributes: {
          _moments_offer: "o1",
          _moments_variant: "",
          _moments_moment: "cart",
          _moments_token: `o1~~cart~${(NOW - 1000).toString(36)}`,
        },
      },
    ]);
  });
  it("GIVEN a variant upgrade THEN it swaps the cart line of the same product, keeping its quantity", () => {
    const up = offer({
      type: "variant_upgrade",
      items: [{ productId: "C1", variantId: "PRO", quantity: 1, prices: { EUR: 7000 } }],
    });
    const l = run([up], { cart: { lines: [line({ quantity: 2 })], subtotal: 10000, currency: "EUR" } }).moments[0]!
      .offers[0]!.lines[0]!;
    expect(l).toMatchObject({
      action: "swap",
      variantId: "PRO",
      replacesVariantId: "CV1",
      quantity: 2,
      listTotal: 14000,
    });
  });
  it("GIVEN a subscription upgrade THEN it swaps the line to the selling plan", () => {
    const sub = offer({
      type: "subscription_upgrade",
      items: [{ productId: "C1", variantId: "CV1", quantity: 1, prices: { EUR: 4500 }, sellingPlanId: "SP1" }],
    });
    expect(run([sub]).moments[0]!.offers[0]!.lines[0]).toMatchObject({
      action: "swap",
      sellingPlanId: "SP1",
      replacesVariantId: "CV1",
    });
  });
  it("GIVEN the cart line already on the selling plan THEN the subscription upgrade is already_in_cart", () => {
    const sub = offer({
      type: "subscription_upgrade",
      items: [{ productId: "C1", variantId: "CV1", quantity: 1, prices: { EUR: 4500 }, sellingPlanId: "SP1" }],
    });
    expect(why([sub], { cart: { lines: [line({ sellingPlanId: "SP1" })], subtotal: 5000, currency: "EUR" } })).toBe(
      "already_in_cart",
    );
  });
  it("GIVEN shipping insurance at 2% of the subtotal THEN it is priced from the subtotal", () => {
    const ins = offer({ type: "shipping_protection", pricing: { percent: 2, of: "subtotal" } });
    expect(run([ins]).moments[0]!.offers[0]!.price).toMatchObject({ original: 100, final: 100 });
  });
  it("GIVEN an experiment variant overriding the discount THEN the buyer's arm price and id are returned", () => {
    const o = offer({
      experiment: {
        id: "e1",
        holdoutBps: 0,
        variants: [{ id: "cheap", weight: 1, discount: { kind: "percent", percent: 50 } }],
      },
    });
    expect(run([o]).moments[0]!.offers[0]).toMatchObject({
      experimentId: "e1",
      armId: "cheap",
      price: { final: 1000 },
    });
  });
  it("GIVEN an experiment variant testing another moment THEN the offer follows the arm's moment", () => {
    const o = offer({
      experiment: { id: "e1", holdoutBps: 0, variants: [{ id: "late", weight: 1, moments: ["thank_you"] }] },
    });
    expect(why([o])).toBe("moment_mismatch");
  });
  it("PROPERTY: the covered line found in price order is the line the cart scan finds", () => {
    fc.assert(
      fc.property(arb(offerSpec) as fc.Arbitrary<Offer>, fc.array(cartLineArb, { maxLength: 8 }), (o, lines) => {
        const po = prepare(payloadOf([o], { journeyCap: 3, defaultLocale: "en" })).offers[0]!;
        expect(coveredLine(po, lines, linesByPriceDesc(lines))).toBe(coveredLine(po, lines));
      }),
      { numRuns: 500 },
    );
  });
  it("PROPERTY: decide never throws on schema-valid input and is deterministic", () => {
    fc.assert(
      fc.property(
        fc.array(arb(offerSpec) as fc.Arbitrary<Offer>, { maxLength: 10 }),
        arb(settingsSpec) as fc.Arbitrary<Settings>,
        fc.array(cartLineArb, { maxLength: 5 }),
        fc.string(),
        fc.constantFrom("EUR", "USD", "JPY"),
        (offers, settings, lines, buyerKey, currency) => {
          const inp: DecideInput = {
            now: NOW,
            moments: ["cart", "checkout", "thank_you"],
            buyerKey,
            cart: { lines, subtotal: lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0), currency },
            payload: payloadOf(offers, settings),
            journey: { shown: [{ offerId: "o1", moment: "cart" }], declined: ["o2"] },
          };
          const a = decide(inp);
          expect(decide({ ...inp, payload: { ...inp.payload } })).toEqual(a);
          for (const m of a.moments) {
            expect(m.offers.length + m.excluded.length).toBe(offers.length);
            for (const o of m.offers) expect(o.price.final >= 0 && o.price.final <= o.price.original).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
