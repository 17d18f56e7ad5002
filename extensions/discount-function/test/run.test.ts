import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { Offer } from "@moments/engine";
import { cartLinesDiscountsGenerateRun, verifyLines } from "@moments/surfaces/discount";
import type { RunInput } from "@moments/contracts";
import { demoOffers, PUBLISHED_AT, runInput } from "./support/fixtures";
import { outputErrors } from "./support/schema";

const discounts = (input: RunInput) => {
  const out = cartLinesDiscountsGenerateRun(input);
  expect(outputErrors(out)).toEqual([]);
  const map: Record<string, string> = {};
  for (const op of out.operations)
    for (const c of op.productDiscountsAdd.candidates) map[c.targets[0]!.cartLine.id] = c.value.fixedAmount.amount;
  return map;
};
const reasons = (input: RunInput) => verifyLines(input).map((v) => (v.ok ? "ok" : v.reason));
const caseLine = { product: "tool-case", offer: { id: "demo-drill-case", moment: "checkout" } };

describe("cart.lines.discounts.generate.run: valid offer lines", () => {
  test("GIVEN the static fixture (drill + case added from the offer) WHEN run THEN the case gets exactly the published 20% off", () => {
    const input = JSON.parse(
      readFileSync(new URL("./fixtures/drill-with-case.json", import.meta.url), "utf8"),
    ) as RunInput;
    expect(discounts(input)).toEqual({ "gid://shopify/CartLine/2": "7.80" });
  });

  test("GIVEN a USD cart WHEN run THEN the discount is the USD published one", () => {
    const input = runInput([{ product: "drill" }, caseLine], { currency: "USD" });
    // 42.00 USD list, 20% off -> 33.60.
    expect(Object.values(discounts(input))).toEqual(["8.40"]);
  });

  test("GIVEN a bundle's two lines WHEN run THEN together they cost the bundle price", () => {
    const offer = { id: "demo-headset-bundle", moment: "checkout" };
    const input = runInput([
      { product: "headset", variant: "headset-black" },
      { product: "cable", offer },
      { product: "insurance", offer },
    ]);
    const d = discounts(input);
    const total = Object.values(d).reduce((s, a) => s + Math.round(Number(a) * 100), 0);
    // List 24.90 + 4.99, bundle price 24.90: 4.99 off in all.
    expect(total).toBe(499);
    expect(Object.keys(d)).toHaveLength(2);
  });

  test("GIVEN a parka swapped to the premium variant WHEN run THEN the upgrade gets its 10% off", () => {
    const input = runInput([
      { product: "parka", variant: "parka-premium-m", offer: { id: "demo-parka-upgrade", moment: "information" } },
    ]);
    expect(Object.values(discounts(input))).toEqual(["32.90"]);
  });

  test("GIVEN a protection plan in the experiment's full-price arm WHEN run THEN it costs 10% of the laptop", () => {
    const input = runInput([
      { product: "laptop", variant: "laptop-16" },
      { product: "laptop-warranty", offer: { id: "demo-laptop-care", moment: "payment", arm: "full" } },
    ]);
    // Plan list 149.00; 10% of 1199.00 = 119.90; discount 29.10.
    expect(Object.values(discounts(input))).toEqual(["29.10"]);
  });

  test("GIVEN a thank-you offer taken in a new checkout (its trigger was in the paid order) WHEN run THEN it gets its published price", () => {
    const input = runInput([{ product: "cable", offer: { id: "demo-headset-cable-ty", moment: "thank_you" } }]);
    // 24.90 EUR, 15% off -> 21.16: 3.74 off.
    expect(Object.values(discounts(input))).toEqual(["3.74"]);
  });

  test("GIVEN a checkout offer's line claiming the thank-you moment WHEN run THEN zero discount (its trigger is still required)", () => {
    const input = runInput([{ product: "tool-case", offer: { id: "demo-drill-case", moment: "thank_you" } }]);
    expect(reasons(input)).toEqual(["moment_mismatch"]);
  });

  test("GIVEN the discount is not a product discount WHEN run THEN there are no operations", () => {
    expect(
      cartLinesDiscountsGenerateRun(runInput([{ product: "drill" }, caseLine], { classes: ["ORDER"] })).operations,
    ).toEqual([]);
  });

  test("GIVEN a cart without offer lines WHEN run THEN nothing is discounted", () => {
    expect(
      cartLinesDiscountsGenerateRun(runInput([{ product: "drill" }, { product: "tool-case" }])).operations,
    ).toEqual([]);
  });
});

describe("cart.lines.discounts.generate.run: nothing for a line the payload does not confirm", () => {
  test("GIVEN a forged token (edited offer attribute) WHEN run THEN zero discount", () => {
    const input = runInput([{ product: "drill" }, { ...caseLine, attrs: { offer: "demo-headset-bundle" } }]);
    expect(discounts(input)).toEqual({});
    expect(reasons(input)).toEqual(["forged_token"]);
  });

  test("GIVEN a consistent forgery claiming the offer on another variant WHEN run THEN zero discount", () => {
    const input = runInput([
      { product: "drill" },
      { product: "cable", offer: { id: "demo-drill-case", moment: "checkout" } },
    ]);
    expect(discounts(input)).toEqual({});
    expect(reasons(input)).toEqual(["variant_mismatch"]);
  });

  test("GIVEN the buyer raised the offer line's quantity WHEN run THEN zero discount (the price holds for the published quantity)", () => {
    const input = runInput([{ product: "drill" }, { ...caseLine, quantity: 5 }]);
    expect(discounts(input)).toEqual({});
    expect(reasons(input)).toEqual(["price_mismatch"]);
  });

  test("GIVEN a line claiming a moment the offer does not run at WHEN run THEN zero discount", () => {
    const input = runInput([
      { product: "drill" },
      { product: "tool-case", offer: { id: "demo-drill-case", moment: "payment" } },
    ]);
    expect(reasons(input)).toEqual(["moment_mismatch"]);
  });

  test("GIVEN an unknown offer WHEN run THEN zero discount", () => {
    const input = runInput([
      { product: "drill" },
      { product: "tool-case", offer: { id: "made-up", moment: "checkout" } },
    ]);
    expect(discounts(input)).toEqual({});
    expect(reasons(input)).toEqual(["unknown_offer"]);
  });

  test("GIVEN an offer that ended before today WHEN run THEN zero discount", () => {
    const ended: Offer[] = demoOffers.map((o) =>
      o.id === "demo-drill-case" ? { ...o, endsAt: Date.UTC(2026, 10, 22) } : o,
    );
    const input = runInput([{ product: "drill" }, caseLine], { offers: ended, date: "2026-11-24" });
    expect(discounts(input)).toEqual({});
    expect(reasons(input)).toEqual(["expired"]);
  });

  test("GIVEN a paused offer (no longer published) WHEN run THEN zero discount", () => {
    const input = runInput([{ product: "drill" }, caseLine], {
      offers: demoOffers.filter((o) => o.id !== "demo-drill-case"),
    });
    expect(reasons(input)).toEqual(["unknown_offer"]);
  });

  test("GIVEN the trigger item was removed from the cart WHEN run THEN zero discount", () => {
    const input = runInput([caseLine]);
    expect(discounts(input)).toEqual({});
    expect(reasons(input)).toEqual(["trigger_removed"]);
  });

  test("GIVEN a missing or broken payload WHEN run THEN zero discount", () => {
    expect(reasons(runInput([{ product: "drill" }, caseLine], { payload: null }))).toEqual(["payload_missing"]);
    expect(reasons(runInput([{ product: "drill" }, caseLine], { payload: "{not json" }))).toEqual(["payload_invalid"]);
  });
});

describe("cart.lines.discounts.generate.run: never above the published discount", () => {
  test("GIVEN the line costs less than the published list price WHEN run THEN the buyer pays the published price, not less", () => {
    // Published: 39.00 -> 31.20. The line now costs 35.00: discount 3.80, not 7.80.
    const input = runInput([{ product: "drill" }, { ...caseLine, unit: 3500 }]);
    expect(Object.values(discounts(input))).toEqual(["3.80"]);
  });

  test("GIVEN any line price and quantity WHEN run THEN the discount is between zero and the published one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 3 }), (unit, quantity) => {
        const input = runInput([{ product: "drill" }, { ...caseLine, unit, quantity }]);
        for (const v of verifyLines(input)) {
          if (!v.ok) continue;
          expect(v.discount).toBeGreaterThanOrEqual(0);
          expect(v.discount).toBeLessThanOrEqual(780);
          expect(unit * quantity - v.discount).toBeGreaterThanOrEqual(Math.min(unit * quantity, 3120));
        }
      }),
      { numRuns: 200 },
    );
  });

  test("GIVEN the payload was republished after the line was added WHEN the price is unchanged THEN the line is still honoured", () => {
    const input = runInput([
      { product: "drill" },
      {
        product: "tool-case",
        offer: { id: "demo-drill-case", moment: "checkout", publishedAt: PUBLISHED_AT - 86_400_000 },
      },
    ]);
    expect(Object.values(discounts(input))).toEqual(["7.80"]);
  });
});
