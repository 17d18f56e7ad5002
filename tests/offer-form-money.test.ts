/**
 * The offer form's amounts in currencies whose minor unit is not the cent: the form converts
 * decimals to minor units with the engine's ISO 4217 exponents (CLP and JPY 0 decimals, BHD 3,
 * EUR 2), both when the merchant saves and when a stored offer opens in the editor.
 */
import { describe, expect, it } from "vitest";
import { OfferSchema, type Offer } from "@moments/engine";
import { emptyOfferForm, formToOffer, offerToForm, type OfferForm } from "~/offers/form";
import { typedAmountToMinor, minorToTypedAmount } from "~/offers/money";

const VARIANT = "gid://shopify/ProductVariant/1";
const PRICES = { [VARIANT]: { CLP: 25000, BHD: 9500, JPY: 3000, EUR: 2490 } };

/** A valid single-product offer with an amount-off discount in the given currencies. */
function amountOffForm(amounts: Record<string, string>): OfferForm {
  const form = emptyOfferForm(Object.keys(amounts));
  form.name = "Cable";
  form.items = [{ productId: "gid://shopify/Product/1", variantId: VARIANT, quantity: "1", title: "Cable" }];
  form.copy.en!.title = "Add a cable";
  form.discount = { kind: "fixed", percent: "", amounts };
  return form;
}

function amountOffOffer(amounts: Record<string, number>): Offer {
  return {
    id: "o1",
    status: "active",
    type: "product",
    moments: ["checkout"],
    priority: 0,
    items: [{ productId: "gid://shopify/Product/1", variantId: VARIANT, quantity: 1, prices: PRICES[VARIANT] }],
    copy: { en: { title: "Add a cable" } },
    discount: { kind: "fixed", amounts },
  };
}

const mapped = (amounts: Record<string, string>) => formToOffer(amountOffForm(amounts), "o1", PRICES, []);
const opened = (amounts: Record<string, number>) =>
  offerToForm(amountOffOffer(amounts), { name: "Cable", currencies: Object.keys(amounts), titles: {} });

describe("the offer form's amounts in the currency's own minor unit", () => {
  it("GIVEN 5000 CLP off WHEN the form is saved THEN the offer takes 5000 minor units off (the peso has no decimals)", () => {
    const r = mapped({ CLP: "5000" });
    expect(r.errors).toEqual({});
    expect(r.offer!.discount).toEqual({ kind: "fixed", amounts: { CLP: 5000 } });
  });

  it("GIVEN 5000.50 CLP off WHEN the form is saved THEN the amount field says it is not an amount", () => {
    expect(mapped({ CLP: "5000.50" }).errors).toEqual({
      "discount.amounts.CLP": "Not an amount: write it like 12.50.",
    });
  });

  it("GIVEN 1.250 BHD off WHEN the form is saved THEN the offer takes 1250 fils off (the dinar has 3 decimals)", () => {
    const r = mapped({ BHD: "1.250" });
    expect(r.errors).toEqual({});
    expect(r.offer!.discount).toEqual({ kind: "fixed", amounts: { BHD: 1250 } });
  });

  it("GIVEN 2.5 BHD off WHEN the form is saved THEN the missing decimals count as zeros (2500 fils)", () => {
    expect(mapped({ BHD: "2.5" }).offer!.discount).toEqual({ kind: "fixed", amounts: { BHD: 2500 } });
  });

  it("GIVEN 1.2505 BHD off WHEN the form is saved THEN the amount field says it is not an amount", () => {
    expect(mapped({ BHD: "1.2505" }).errors).toEqual({ "discount.amounts.BHD": "Not an amount: write it like 12.50." });
  });

  it("GIVEN a minimum cart total of 20000 CLP WHEN the form is saved THEN the engine offer needs 20000 minor units", () => {
    const form = amountOffForm({ CLP: "1000" });
    form.targeting.minSubtotal = { CLP: "20000" };
    const r = formToOffer(form, "o1", PRICES, []);
    expect(r.offer!.targeting).toEqual({ subtotal: { CLP: { min: 20000 } } });
  });

  it("GIVEN amounts off in CLP, BHD, JPY and EUR WHEN the form is saved THEN the engine schema accepts the offer", () => {
    const r = mapped({ CLP: "5000", BHD: "1.250", JPY: "300", EUR: "2.50" });
    expect(r.offer!.discount).toEqual({ kind: "fixed", amounts: { CLP: 5000, BHD: 1250, JPY: 300, EUR: 250 } });
    expect(OfferSchema.safeParse(r.offer).success).toBe(true);
  });

  it("GIVEN a stored offer with 5000 CLP off WHEN it opens in the editor THEN the field shows 5000", () => {
    expect(opened({ CLP: 5000 }).discount.amounts).toEqual({ CLP: "5000" });
  });

  it("GIVEN a stored offer with 1250 fils off WHEN it opens in the editor THEN the field shows 1.250 BHD", () => {
    expect(opened({ BHD: 1250 }).discount.amounts).toEqual({ BHD: "1.250" });
  });

  it("GIVEN a stored offer with 5 cents off WHEN it opens in the editor THEN the field shows 0.05 EUR", () => {
    expect(opened({ EUR: 5 }).discount.amounts).toEqual({ EUR: "0.05" });
  });
});

describe("the form's money converter", () => {
  it("GIVEN a comma as the decimal separator WHEN converted THEN it reads like a point", () => {
    expect(typedAmountToMinor("12,5", "EUR")).toBe(1250);
  });

  it("GIVEN a decimal in JPY WHEN converted THEN it is not an amount (the yen has no decimals)", () => {
    expect(typedAmountToMinor("300.5", "JPY")).toBeNull();
  });

  it("GIVEN an amount beyond the safe integers WHEN converted THEN it is not an amount", () => {
    expect(typedAmountToMinor("99999999999999999", "EUR")).toBeNull();
  });

  it("GIVEN any amount in CLP, BHD, JPY or EUR WHEN converted to a decimal and back THEN it is unchanged", () => {
    for (const [minor, currency] of [
      [5000, "CLP"],
      [1250, "BHD"],
      [7, "BHD"],
      [300, "JPY"],
      [2490, "EUR"],
    ] as const) {
      expect(typedAmountToMinor(minorToTypedAmount(minor, currency), currency)).toBe(minor);
    }
  });
});

describe("an amount off that would give the products away", () => {
  it("GIVEN 500 EUR off a 24.90 EUR product WHEN the form is saved THEN the amount field says it would give it away", () => {
    const r = mapped({ EUR: "500" });
    expect(r.offer).toBeNull();
    expect(r.errors["discount.amounts.EUR"]).toBe(
      "The amount off must be below the items' price (24.90 EUR): this would give them away.",
    );
  });

  it("GIVEN exactly the product's price off WHEN the form is saved THEN it is refused too", () => {
    expect(mapped({ EUR: "24.90" }).errors["discount.amounts.EUR"]).toContain("would give them away");
  });

  it("GIVEN an amount off below the price in every currency WHEN the form is saved THEN it is accepted", () => {
    // With no price floor: 0.01 EUR left is below the default floor of 10% (decision 032,
    // tests/editor-safety.rules.test.ts); this rule is only about exceeding the price.
    const r = formToOffer(amountOffForm({ EUR: "24.89", CLP: "5000" }), "o1", PRICES, [], {}, { priceFloorPercent: 0 });
    expect(r.errors).toEqual({});
    expect(r.offer!.discount).toEqual({ kind: "fixed", amounts: { EUR: 2489, CLP: 5000 } });
  });

  it("GIVEN a warranty priced as a percentage WHEN its amount off exceeds the product's list price THEN no list total applies and it is not refused for that", () => {
    const form = amountOffForm({ EUR: "30" });
    form.pricingPercent = "10";
    expect(formToOffer(form, "o1", PRICES, []).errors["discount.amounts.EUR"]).toBeUndefined();
  });
});
