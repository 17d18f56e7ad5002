/**
 * Dynamic offers at the Discount Function (decision 034): the function prices one line per dynamic
 * offer, only a published complement of a product that triggers it, and at thank-you (taken in a
 * new checkout) a complement of any product the offer targets.
 */
import { describe, expect, test } from "vitest";
import { encodePayload, type Complements, type Offer } from "@moments/engine";
import { verifyLines } from "@moments/surfaces/discount";
import { DEMO_CATALOG, demoProductGid, demoVariantGid } from "~/demo/catalog";
import { PUBLISHED_AT, runInput, settings, type LineSpec } from "./support/fixtures";

const productOf = (key: string) => demoProductGid(DEMO_CATALOG.findIndex((p) => p.key === key));
const complement = (key: string) => {
  const pi = DEMO_CATALOG.findIndex((p) => p.key === key);
  const v = DEMO_CATALOG[pi]!.variants[0]!;
  return { productId: demoProductGid(pi), variantId: demoVariantGid(pi, 0), prices: { EUR: v.eur, USD: v.usd } };
};
/** The headset's complements: the cable, then the insurance; the drill's: the tool case. */
const TABLE: Complements = [
  { productId: productOf("headset"), items: [complement("cable"), complement("insurance")] },
  { productId: productOf("drill"), items: [complement("tool-case")] },
];
const dynamicOffer = (over: Partial<Offer> = {}): Offer => ({
  id: "dyn",
  status: "active",
  type: "dynamic",
  moments: ["checkout", "thank_you"],
  priority: 1,
  items: [],
  discount: { kind: "percent", percent: 10 },
  copy: { en: { title: "Goes well with it" } },
  ...over,
});
const payloadWith = (offer: Offer) => encodePayload([offer], settings, PUBLISHED_AT, TABLE);
const verdicts = (lines: LineSpec[], offer = dynamicOffer()) =>
  verifyLines(runInput(lines, { payload: payloadWith(offer) })).map((v) => (v.ok ? "ok" : v.reason));
const at = (moment: string) => ({ id: "dyn", moment });

describe("Discount Function: dynamic offer lines", () => {
  test("GIVEN a headset in the cart and its best complement added from the offer WHEN run THEN that line is priced", () => {
    expect(
      verdicts([
        { product: "headset", variant: "headset-black" },
        { product: "cable", offer: at("checkout") },
      ]),
    ).toEqual(["ok"]);
  });

  test("GIVEN two of the headset's complements both carrying the offer WHEN run THEN only the first is priced, the second is charged in full", () => {
    expect(
      verdicts([
        { product: "headset", variant: "headset-black" },
        { product: "cable", offer: at("checkout") },
        { product: "insurance", offer: at("checkout") },
      ]),
    ).toEqual(["ok", "duplicate_line"]);
  });

  test("GIVEN the same complement added twice as separate lines WHEN run THEN the second line is charged in full", () => {
    expect(
      verdicts([
        { product: "headset", variant: "headset-black" },
        { product: "cable", offer: at("checkout") },
        { product: "cable", offer: at("checkout") },
      ]),
    ).toEqual(["ok", "duplicate_line"]);
  });

  test("GIVEN a product that is no complement of the cart's products WHEN it carries the offer THEN it is charged in full", () => {
    expect(
      verdicts([
        { product: "headset", variant: "headset-black" },
        { product: "print", variant: "print-50", offer: at("checkout") },
      ]),
    ).toEqual(["variant_mismatch"]);
  });

  test("GIVEN a thank-you dynamic offer targeting the drill and the headset WHEN the headset's complement is taken in a new checkout THEN it is priced", () => {
    const offer = dynamicOffer({ targeting: { products: [productOf("drill"), productOf("headset")] } });
    expect(verdicts([{ product: "cable", offer: at("thank_you") }], offer)).toEqual(["ok"]);
  });

  test("GIVEN a thank-you dynamic offer with no product trigger WHEN a complement of any table trigger is taken in a new checkout THEN it is priced, and a non-complement is not", () => {
    expect(verdicts([{ product: "tool-case", offer: at("thank_you") }])).toEqual(["ok"]);
    expect(verdicts([{ product: "print", variant: "print-50", offer: at("thank_you") }])).toEqual(["variant_mismatch"]);
  });
});

describe("Discount Function: fixed offers", () => {
  test("GIVEN a fixed offer's product added twice as separate lines WHEN run THEN the second line is charged in full", () => {
    const offer: Offer = {
      ...dynamicOffer({ id: "fixed", type: "product", items: [{ ...complement("cable"), quantity: 1 }] }),
    };
    const lines: LineSpec[] = [
      { product: "headset", variant: "headset-black" },
      { product: "cable", offer: { id: "fixed", moment: "checkout" } },
      { product: "cable", offer: { id: "fixed", moment: "checkout" } },
    ];
    expect(verifyLines(runInput(lines, { payload: payloadWith(offer) })).map((v) => (v.ok ? "ok" : v.reason))).toEqual([
      "ok",
      "duplicate_line",
    ]);
  });
});
