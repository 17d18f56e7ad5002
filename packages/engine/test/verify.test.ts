import { describe, expect, it } from "vitest";
import { decide, verifyOfferLine, type CartLine, type Offer } from "../src/index";
import { input, line, NOW, offer, payloadOf } from "./helpers";

const warranty = offer({
  id: "w",
  type: "warranty",
  items: [{ productId: "W", variantId: "WV", quantity: 1, prices: { EUR: 99900 } }],
  pricing: { percent: 10, of: "line" },
  targeting: { products: ["C1"] },
});
/** The line a surface adds for the shown offer, as decide() describes it. */
const addedLine = (o: Offer, buyerKey = "buyer-1"): CartLine => {
  const l = decide(input([o], { buyerKey })).moments[0]!.offers[0]!.lines[0]!;
  return {
    productId: l.productId,
    variantId: l.variantId,
    quantity: l.quantity,
    unitPrice: 0,
    attributes: l.attributes,
  };
};
const ctx = (lines: CartLine[]) => ({ now: NOW, cart: { lines, subtotal: 5000, currency: "EUR" } });

describe("verifyOfferLine (Discount Function / post-purchase signer)", () => {
  it("GIVEN the line decide() produced WHEN verified THEN it returns the published price and the discount to apply", () => {
    const l = addedLine(warranty);
    expect(verifyOfferLine(payloadOf([warranty]), l, ctx([line(), l]))).toEqual({
      ok: true,
      offerId: "w",
      listTotal: 99900,
      finalTotal: 500,
      discount: 99400,
    });
  });
  it("GIVEN a line without attributes THEN missing_attributes", () =>
    expect(verifyOfferLine(payloadOf([warranty]), line(), ctx([line()]))).toMatchObject({
      ok: false,
      reason: "missing_attributes",
    }));
  it("GIVEN an offer id that is not published THEN unknown_offer", () => {
    const l = addedLine(warranty);
    expect(verifyOfferLine(payloadOf([]), l, ctx([line(), l]))).toMatchObject({ ok: false, reason: "unknown_offer" });
  });
  it("GIVEN the offer ended since it was shown THEN expired", () => {
    const l = addedLine(warranty);
    expect(verifyOfferLine(payloadOf([{ ...warranty, endsAt: NOW }]), l, ctx([line(), l]))).toMatchObject({
      ok: false,
      reason: "expired",
    });
  });
  it("GIVEN the covered product was removed from the cart THEN trigger_removed", () => {
    const l = addedLine(warranty);
    expect(verifyOfferLine(payloadOf([warranty]), l, ctx([l]))).toMatchObject({ ok: false, reason: "trigger_removed" });
  });
  it("GIVEN the buyer edited the variant to another product THEN variant_mismatch", () => {
    const l = { ...addedLine(warranty), variantId: "OTHER" };
    expect(verifyOfferLine(payloadOf([warranty]), l, ctx([line(), l]))).toMatchObject({
      ok: false,
      reason: "variant_mismatch",
    });
  });
  it("GIVEN a different quantity than published THEN price_mismatch", () => {
    const l = { ...addedLine(warranty), quantity: 3 };
    expect(verifyOfferLine(payloadOf([warranty]), l, ctx([line(), l]))).toMatchObject({
      ok: false,
      reason: "price_mismatch",
    });
  });
  it("GIVEN the signer expects another price than the published one THEN price_mismatch", () => {
    const l = addedLine(warranty);
    expect(verifyOfferLine(payloadOf([warranty]), l, { ...ctx([line(), l]), expectedFinalTotal: 1 })).toMatchObject({
      ok: false,
      reason: "price_mismatch",
    });
  });
  it("GIVEN a buyer claiming an experiment arm they are not in THEN arm_mismatch", () => {
    const o = offer({
      experiment: {
        id: "e",
        holdoutBps: 0,
        variants: [
          { id: "a", weight: 1 },
          { id: "b", weight: 1, discount: { kind: "percent", percent: 90 } },
        ],
      },
    });
    const l = addedLine(o);
    const other = l.attributes!._moments_variant === "a" ? "b" : "a";
    const forged = { ...l, attributes: { ...l.attributes, _moments_variant: other } };
    expect(verifyOfferLine(payloadOf([o]), forged, { ...ctx([line(), forged]), buyerKey: "buyer-1" })).toMatchObject({
      ok: false,
      reason: "arm_mismatch",
    });
  });
  it("GIVEN an arm id that does not exist THEN unknown_variant", () => {
    const o = offer({ experiment: { id: "e", holdoutBps: 0, variants: [{ id: "a", weight: 1 }] } });
    const l = addedLine(o);
    const forged = { ...l, attributes: { ...l.attributes, _moments_variant: "zzz" } };
    expect(verifyOfferLine(payloadOf([o]), forged, ctx([line(), forged]))).toMatchObject({
      ok: false,
      reason: "unknown_variant",
    });
  });
  it("GIVEN a currency the offer has no price in THEN no_price_in_currency", () => {
    const l = addedLine(warranty);
    expect(
      verifyOfferLine(payloadOf([warranty]), l, {
        now: NOW,
        cart: { lines: [line(), l], subtotal: 5000, currency: "CHF" },
      }),
    ).toMatchObject({ ok: false, reason: "no_price_in_currency" });
  });
});
