import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  assign,
  decide,
  exposureEventFields,
  exposureEventId,
  type DecideInput,
  type Experiment,
  type Exposure,
  type MomentDecision,
  type MomentId,
  type Offer,
  type Settings,
} from "../src/index";
import { input, line, offer } from "./helpers";

// One moment with competing offers: a plain offer ranked first, then two experiment offers, and
// two places. Whatever the arms, the plain offer and experiment A take the places and experiment B
// is ranked out, so A is exposed in every journey and B in none.
const expA: Experiment = {
  id: "exp-A",
  holdoutBps: 5000,
  variants: [
    { id: "a1", weight: 1 },
    { id: "a2", weight: 1, discount: { kind: "percent", percent: 10 } },
  ],
};
const expB: Experiment = { id: "exp-B", holdoutBps: 3000, variants: [{ id: "b1", weight: 1 }] };
const plain = offer({ id: "plain", priority: 100, items: [item("P-PLAIN")] });
const offerA = offer({ id: "offer-A", priority: 50, items: [item("P-A")], experiment: expA });
const offerB = offer({ id: "offer-B", priority: 40, items: [item("P-B")], experiment: expB });
const LIMIT_2: Partial<Settings> = { momentLimits: { cart: 2 } };

function item(productId: string) {
  return { productId, variantId: productId + "-V", quantity: 1, prices: { EUR: 2000, USD: 2200 } };
}

const KEYS = Array.from({ length: 2000 }, (_, i) => `journey-${i}`);

const armOf = (e: Experiment, key: string) => {
  const a = assign(e, key);
  return a.kind === "holdout" ? "holdout" : a.armId;
};
const cartAt = (offers: Offer[], key: string, over: Partial<DecideInput> = {}, settings = LIMIT_2): MomentDecision =>
  decide(input(offers, { buyerKey: key, ...over }, settings)).moments[0]!;
const reasonOf = (m: MomentDecision, id: string) => m.excluded.find((e) => e.offerId === id)?.reason;

describe("exposures at a moment with competing offers", () => {
  it("GIVEN the keys under test WHEN assigned THEN both experiments have hold-out and variant journeys (every arm is covered)", () => {
    for (const e of [expA, expB]) {
      const arms = new Set(KEYS.map((k) => armOf(e, k)));
      expect([...arms].sort()).toEqual(
        e.variants
          .map((v) => v.id)
          .concat("holdout")
          .sort(),
      );
    }
  });

  it("GIVEN a selected experiment offer WHEN deciding for many journeys THEN it yields exactly one exposure whatever its arm", () => {
    for (const key of KEYS) {
      const m = cartAt([plain, offerA, offerB], key);
      expect(
        m.exposures.filter((x) => x.offerId === "offer-A"),
        key,
      ).toHaveLength(1);
    }
  });

  it("GIVEN a held-out offer at slot 2 WHEN deciding THEN its exposure keeps slot 2 and nothing is shown there", () => {
    let heldOut = 0;
    for (const key of KEYS) {
      const m = cartAt([plain, offerA, offerB], key);
      const x = m.exposures.find((e) => e.offerId === "offer-A")!;
      expect(x.slot).toBe(2);
      expect(m.offers.find((o) => o.offerId === "plain")?.slot).toBe(1);
      if (x.arm === "holdout") {
        heldOut++;
        expect(m.offers.map((o) => o.offerId)).toEqual(["plain"]);
        expect(reasonOf(m, "offer-A")).toBe("holdout");
      } else {
        expect(m.offers.map((o) => [o.offerId, o.slot])).toEqual([
          ["plain", 1],
          ["offer-A", 2],
        ]);
      }
    }
    expect(heldOut).toBeGreaterThan(0);
  });

  it("GIVEN a held-out experiment offer ranked first WHEN deciding THEN it keeps slot 1 and the next offer takes slot 2", () => {
    const first = { ...offerA, priority: 200 };
    let heldOut = 0;
    for (const key of KEYS) {
      const m = cartAt([first, plain, offerB], key);
      expect(m.exposures.map((x) => [x.offerId, x.slot])).toEqual([["offer-A", 1]]);
      if (armOf(expA, key) === "holdout") {
        heldOut++;
        expect(m.offers.map((o) => [o.offerId, o.slot, o.rank])).toEqual([["plain", 2, 1]]);
      } else {
        expect(m.offers.map((o) => [o.offerId, o.slot, o.rank])).toEqual([
          ["offer-A", 1, 1],
          ["plain", 2, 2],
        ]);
      }
    }
    expect(heldOut).toBeGreaterThan(0);
  });

  it("GIVEN two experiment offers that both take a place WHEN deciding THEN each has one exposure in place order, held out or not", () => {
    for (const key of KEYS) {
      const m = cartAt([plain, offerA, offerB], key, {}, { momentLimits: { cart: 3 } });
      expect(m.exposures.map((x) => [x.offerId, x.slot, x.arm])).toEqual([
        ["offer-A", 2, armOf(expA, key)],
        ["offer-B", 3, armOf(expB, key)],
      ]);
      // A held-out place stays empty: the shown offers keep the slot numbers of their places.
      const shown = m.offers.map((o) => o.slot);
      const expected = [1, ...m.exposures.filter((x) => x.arm !== "holdout").map((x) => x.slot)];
      expect(shown).toEqual(expected);
    }
  });

  it("GIVEN an experiment offer ranked out by higher-ranked offers WHEN deciding THEN it is lower_priority with no exposure in any arm", () => {
    for (const key of KEYS) {
      const m = cartAt([plain, offerA, offerB], key);
      expect(reasonOf(m, "offer-B"), key).toBe("lower_priority");
      expect(
        m.exposures.some((x) => x.offerId === "offer-B"),
        key,
      ).toBe(false);
    }
  });

  it("GIVEN the moment's places used earlier in the journey WHEN deciding THEN both experiment offers are moment_limit_reached with no exposure", () => {
    const journey = {
      shown: [
        { offerId: "earlier-1", moment: "cart" as MomentId },
        { offerId: "earlier-2", moment: "cart" as MomentId },
      ],
    };
    for (const key of KEYS) {
      const m = cartAt([offerA, offerB], key, { journey }, { momentLimits: { cart: 2 }, journeyCap: 10 });
      expect([reasonOf(m, "offer-A"), reasonOf(m, "offer-B")], key).toEqual([
        "moment_limit_reached",
        "moment_limit_reached",
      ]);
      expect(m.exposures, key).toEqual([]);
    }
  });

  it("GIVEN the journey cap reached by the offers ranked above WHEN deciding THEN the experiment offer is journey_cap_reached with no exposure", () => {
    for (const key of KEYS) {
      const m = cartAt([plain, offerA, offerB], key, {}, { momentLimits: { cart: 3 }, journeyCap: 2 });
      expect(reasonOf(m, "offer-B"), key).toBe("journey_cap_reached");
      expect(
        m.exposures.map((x) => x.offerId),
        key,
      ).toEqual(["offer-A"]);
    }
  });

  it("GIVEN an experiment offer of a product already selected WHEN deciding THEN it is same_product_conflict with no exposure", () => {
    const sameProduct = { ...offerB, items: [item("P-PLAIN")] };
    for (const key of KEYS) {
      const m = cartAt([plain, offerA, sameProduct], key, {}, { momentLimits: { cart: 3 } });
      expect(reasonOf(m, "offer-B"), key).toBe("same_product_conflict");
      expect(
        m.exposures.map((x) => x.offerId),
        key,
      ).toEqual(["offer-A"]);
    }
  });

  it("GIVEN an experiment offer selected at an earlier moment of the decision WHEN a later moment also targets it THEN it is exposed once, at the first", () => {
    const both = { ...offerA, moments: ["cart", "checkout"] as MomentId[] };
    for (const key of KEYS.slice(0, 200)) {
      const d = decide(input([both], { buyerKey: key, moments: ["cart", "checkout"] }, LIMIT_2));
      expect(d.moments.map((m) => m.exposures.length)).toEqual([1, 0]);
      expect(reasonOf(d.moments[1]!, "offer-A")).toBe("same_product_conflict");
    }
  });

  it("GIVEN many journeys WHEN deciding THEN each exposure's arm is assign()'s arm for that journey", () => {
    for (const key of KEYS) {
      const m = cartAt([plain, offerA, offerB], key, {}, { momentLimits: { cart: 3 } });
      for (const x of m.exposures) {
        const e = x.experimentId === expA.id ? expA : expB;
        expect(x.arm, key).toBe(armOf(e, key));
      }
    }
  });

  it("GIVEN a USD cart WHEN deciding THEN the exposure carries the cart's subtotal and currency", () => {
    const lines = [line({ unitPrice: 3150, quantity: 2 }), line({ productId: "C2", variantId: "CV2", unitPrice: 999 })];
    const m = cartAt([plain, offerA], "journey-usd", { cart: { lines, subtotal: 7299, currency: "USD" } });
    expect(m.exposures).toHaveLength(1);
    expect(m.exposures[0]).toMatchObject({ cartMinor: 7299, currency: "USD", moment: "cart" });
  });

  it("GIVEN a variant whose fixed discount has no amount in the cart's currency WHEN deciding for either arm THEN the offer is no_price_in_currency with no exposure", () => {
    const eurOnly: Experiment = {
      ...expA,
      variants: [
        { id: "a1", weight: 1 },
        { id: "a2", weight: 1, discount: { kind: "fixed", amounts: { EUR: 300 } } },
      ],
    };
    const usd = { cart: { lines: [line()], subtotal: 5000, currency: "USD" } };
    for (const key of KEYS.slice(0, 300)) {
      const m = cartAt([plain, { ...offerA, experiment: eurOnly }, offerB], key, usd);
      expect(reasonOf(m, "offer-A"), key).toBe("no_price_in_currency");
      expect(
        m.exposures.map((x) => [x.offerId, x.slot]),
        key,
      ).toEqual([["offer-B", 2]]);
    }
  });

  it("GIVEN an experiment without a version WHEN deciding THEN the exposure is version 1", () => {
    const m = cartAt([offerA], "journey-1");
    expect(m.exposures[0]!.version).toBe(1);
  });

  it("GIVEN an experiment at version 7 WHEN deciding THEN the exposure is version 7", () => {
    const m = cartAt([{ ...offerA, experiment: { ...expA, version: 7 } }], "journey-1");
    expect(m.exposures[0]!.version).toBe(7);
  });
});

describe("exposure event ids and fields", () => {
  it("GIVEN the same experiment, version and journey WHEN the id is built twice THEN it is the same", () => {
    expect(exposureEventId("exp-A", 1, "journey-1")).toBe(exposureEventId("exp-A", 1, "journey-1"));
    expect(exposureEventId("exp-A", 1, "journey-1")).toMatch(/^x[0-9a-z]{2,14}$/);
  });

  it("GIVEN another version, journey or experiment WHEN the id is built THEN it differs", () => {
    const id = exposureEventId("exp-A", 1, "journey-1");
    expect(exposureEventId("exp-A", 2, "journey-1")).not.toBe(id);
    expect(exposureEventId("exp-A", 1, "journey-2")).not.toBe(id);
    expect(exposureEventId("exp-B", 1, "journey-1")).not.toBe(id);
  });

  it("GIVEN 1,000,000 distinct journey keys WHEN ids are built THEN none collides", () => {
    const n = 1_000_000;
    const ids = new Set<string>();
    for (let i = 0; i < n; i++) ids.add(exposureEventId("exp-A", 1, `j${i.toString(36)}`));
    expect(ids.size).toBe(n);
  });

  it("GIVEN a hold-out and a variant exposure WHEN building the event fields THEN the arm, variant, version and cart are carried", () => {
    const base: Exposure = {
      experimentId: "exp-A",
      version: 3,
      offerId: "offer-A",
      moment: "cart",
      arm: "holdout",
      slot: 2,
      cartMinor: 5000,
      currency: "EUR",
    };
    expect(exposureEventFields(base, "j1")).toEqual({
      id: exposureEventId("exp-A", 3, "j1"),
      type: "exposure",
      moment: "cart",
      journeyKey: "j1",
      offerId: "offer-A",
      experimentId: "exp-A",
      version: 3,
      arm: "holdout",
      cartMinor: 5000,
      currency: "EUR",
    });
    const v = exposureEventFields({ ...base, arm: "a2" }, "j1");
    expect(v).toMatchObject({ arm: "variant", armId: "a2", id: exposureEventId("exp-A", 3, "j1") });
  });
});

// --- property: taking a place never depends on the offer's own arm -----------------------------

const MOMENTS: MomentId[] = ["cart", "checkout"];
const PRODUCTS = ["P1", "P2", "P3", "P4"];

const offerArb = (i: number): fc.Arbitrary<Offer> =>
  fc
    .record({
      priority: fc.integer({ min: 0, max: 5 }),
      product: fc.constantFrom(...PRODUCTS),
      moments: fc.subarray(MOMENTS, { minLength: 1 }),
      experiment: fc.option(
        fc.record({
          holdoutBps: fc.integer({ min: 0, max: 10000 }),
          variants: fc.integer({ min: 1, max: 3 }),
          discount: fc.constantFrom("none", "percent", "fixed-eur-only"),
          version: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
          variantMoments: fc.option(fc.subarray(MOMENTS, { minLength: 1 }), { nil: undefined }),
        }),
        { nil: undefined },
      ),
    })
    .map(({ priority, product, moments, experiment }) =>
      offer({
        id: `o${i}`,
        priority,
        moments,
        items: [item(product)],
        ...(experiment && {
          experiment: {
            id: `e${i}`,
            holdoutBps: experiment.holdoutBps,
            ...(experiment.version !== undefined && { version: experiment.version }),
            variants: Array.from({ length: experiment.variants }, (_, v) => ({
              id: `v${v}`,
              weight: 1 + v,
              // Variants change what the buyer sees (copy, discount, moment), never where the offer
              // stands: not a variant discount with no amount in the cart's currency, nor a variant
              // that moves the offer to another moment.
              copy: { en: { title: `variant ${v}` } },
              ...(v > 0 && experiment.variantMoments && { moments: experiment.variantMoments }),
              ...(v > 0 &&
                experiment.discount === "percent" && { discount: { kind: "percent" as const, percent: 5 * v } }),
              ...(v > 0 &&
                experiment.discount === "fixed-eur-only" && {
                  discount: { kind: "fixed" as const, amounts: { EUR: 100 * v } },
                }),
            })),
          },
        }),
      }),
    );

const scenarioArb = fc
  .integer({ min: 1, max: 6 })
  .chain((n) =>
    fc.record({
      offers: fc.tuple(...Array.from({ length: n }, (_, i) => offerArb(i))),
      key: fc.string({ minLength: 1, maxLength: 12 }),
      limits: fc.record({ cart: fc.integer({ min: 0, max: 3 }), checkout: fc.integer({ min: 0, max: 3 }) }),
      journeyCap: fc.integer({ min: 0, max: 5 }),
      shown: fc.array(
        fc.record({ offerId: fc.constantFrom("o0", "o1", "o2", "x9"), moment: fc.constantFrom(...MOMENTS) }),
        { maxLength: 3 },
      ),
      declined: fc.array(fc.constantFrom("o0", "o1", "o2"), { maxLength: 1 }),
      currency: fc.constantFrom("EUR", "USD"),
      target: fc.nat(),
    }),
  )
  .filter((s) => s.offers.some((o) => o.experiment));

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

const exposedOffers = (offers: Offer[], s: Scenario, only?: string) =>
  decide(
    input(
      offers,
      {
        buyerKey: s.key,
        moments: MOMENTS,
        journey: { shown: s.shown, declined: s.declined },
        cart: { lines: [line()], subtotal: 5000, currency: s.currency },
      },
      { momentLimits: s.limits, journeyCap: s.journeyCap },
    ),
  ).moments.flatMap((m) =>
    m.exposures.filter((x) => !only || x.offerId === only).map((x) => `${m.moment}:${x.offerId}:${x.slot}`),
  );

describe("property: exposure does not depend on the offer's own arm", () => {
  it("GIVEN random competing offers WHEN one experiment is forced all hold-out and then all variant THEN the same offers are exposed at the same places", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const withExp = s.offers.filter((o) => o.experiment);
        const target = withExp[s.target % withExp.length]!;
        const force = (bps: number) =>
          s.offers.map((o) => (o === target ? { ...o, experiment: { ...o.experiment!, holdoutBps: bps } } : o));
        // An arm that shows the offer at a later moment may change what other offers get there (a
        // treatment effect on them); the target's own exposure must not move.
        const only = target.experiment!.variants.some((v) => v.moments) ? target.id : undefined;
        expect(exposedOffers(force(10000), s, only)).toEqual(exposedOffers(force(0), s, only));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("an experiment on the moment itself", () => {
  // Hold-out and "early" place the offer in the cart; "late" shows it at checkout instead.
  const expM: Experiment = {
    id: "exp-M",
    holdoutBps: 3000,
    variants: [
      { id: "early", weight: 1 },
      { id: "late", weight: 1, moments: ["checkout"] },
    ],
  };
  const moved = offer({ id: "offer-M", priority: 10, moments: ["cart"], items: [item("P-M")], experiment: expM });
  const walk = (key: string) => decide(input([moved], { buyerKey: key, moments: ["cart", "checkout"] })).moments;

  it("GIVEN buyers of every arm walking cart then checkout WHEN decided THEN each is exposed once, at the cart, whatever the arm", () => {
    for (const key of KEYS.slice(0, 500)) {
      const [cart, checkout] = walk(key);
      expect(
        cart!.exposures.map((x) => [x.offerId, x.arm]),
        key,
      ).toEqual([["offer-M", armOf(expM, key)]]);
      expect(checkout!.exposures, key).toEqual([]);
    }
  });

  it("GIVEN a buyer in the arm that moves the offer to checkout WHEN decided THEN the cart keeps its place empty and checkout shows the offer", () => {
    const key = KEYS.find((k) => armOf(expM, k) === "late")!;
    const [cart, checkout] = walk(key);
    expect(cart!.offers).toEqual([]);
    expect(reasonOf(cart!, "offer-M")).toBe("moment_mismatch");
    expect(checkout!.offers.map((o) => [o.offerId, o.armId])).toEqual([["offer-M", "late"]]);
  });
});
