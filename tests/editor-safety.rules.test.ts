/**
 * The editor's safety rules without a database (decision 032): the price floor and the free-gift
 * choice in the one form schema, the warning for weights that starve an arm, and the browser
 * draft's pure parts (what is stored, what is read back, what the page does with it).
 */
import { describe, expect, it } from "vitest";
import { emptyOfferForm, formToOffer, type OfferForm } from "~/offers/form";
import { belowFloor, floorPrice } from "~/offers/form-floor";
import { starvedArms } from "~/offers/experiment-weights";
import { decideDraft, decodeDraft, draftKey, encodeDraft, isSubmitToken, submitToken } from "~/offers/draft";

const A = "gid://shopify/ProductVariant/1";
const B = "gid://shopify/ProductVariant/2";
// 39.00 EUR / 45.00 USD / 5000 JPY for A; 10.00 EUR / 12.00 USD for B.
const PRICES = { [A]: { EUR: 3900, USD: 4500, JPY: 5000 }, [B]: { EUR: 1000, USD: 1200 } };

function form(patch: (f: OfferForm) => void = () => {}): OfferForm {
  const f = emptyOfferForm(["EUR", "USD"]);
  f.name = "Cable";
  f.items = [{ productId: "gid://shopify/Product/1", variantId: A, quantity: "1", title: "Cable" }];
  f.copy.en!.title = "Add a cable";
  patch(f);
  return f;
}
const check = (f: OfferForm, floor?: number) =>
  formToOffer(f, "o1", PRICES, ["a0", "a1", "a2"], {}, floor === undefined ? {} : { priceFloorPercent: floor });

describe("the price floor and the free-gift choice (form schema)", () => {
  it("GIVEN 100% off without the choice WHEN checked THEN the discount field says it gives the products away, and nothing else is wrong", () => {
    const r = check(form((f) => (f.discount.percent = "100")));
    expect(r.offer).toBeNull();
    expect(r.errors).toEqual({
      "discount.percent":
        "This gives the products away: buyers pay nothing. Tick “This is a free gift” if that is what you mean, or lower the discount.",
    });
  });

  it("GIVEN 100% off marked a free gift WHEN checked THEN it is a valid offer at 100% off", () => {
    const r = check(
      form((f) => {
        f.discount.percent = "100";
        f.freeGift = true;
      }),
    );
    expect(r.errors).toEqual({});
    expect(r.offer!.discount).toEqual({ kind: "percent", percent: 100 });
  });

  it("GIVEN the default floor (10%) WHEN 90% and 91% off are checked THEN 90% saves (charges exactly the floor) and 91% names the floor", () => {
    expect(check(form((f) => (f.discount.percent = "90"))).errors).toEqual({});
    expect(check(form((f) => (f.discount.percent = "91"))).errors["discount.percent"]).toBe(
      "91% off charges less than your price floor (10% of the item's price, set in Settings). Lower the discount, or tick “This is a free gift”.",
    );
  });

  it("GIVEN a shop floor of 50% WHEN 60% off is checked THEN it is refused; with a floor of 0 only 100% off is", () => {
    expect(
      check(
        form((f) => (f.discount.percent = "60")),
        50,
      ).errors["discount.percent"],
    ).toContain("price floor (50%");
    expect(
      check(
        form((f) => (f.discount.percent = "50")),
        50,
      ).errors,
    ).toEqual({});
    expect(
      check(
        form((f) => (f.discount.percent = "99")),
        0,
      ).errors,
    ).toEqual({});
    expect(
      check(
        form((f) => (f.discount.percent = "100")),
        0,
      ).errors["discount.percent"],
    ).toContain("gives the products away");
  });

  it("GIVEN an amount off per currency WHEN one currency's remaining price is below the floor THEN only that currency's field says so, with the amounts in it", () => {
    // EUR: 39.00 - 36.00 = 3.00 < 3.90 (10% of 39.00); USD: 45.00 - 40.00 = 5.00 >= 4.50.
    const r = check(
      form((f) => (f.discount = { kind: "fixed", percent: "", amounts: { EUR: "36.00", USD: "40.00" } })),
    );
    expect(r.errors).toEqual({
      "discount.amounts.EUR":
        "This charges 3.00 EUR, below your price floor of 3.90 EUR (10% of 39.00 EUR, set in Settings). Lower the amount, or tick “This is a free gift”.",
    });
  });

  it("GIVEN an amount off above the price WHEN marked a free gift THEN it is still refused (a discount never exceeds the price)", () => {
    const r = check(
      form((f) => {
        f.discount = { kind: "fixed", percent: "", amounts: { EUR: "500", USD: "1" } };
        f.freeGift = true;
      }),
    );
    expect(r.errors["discount.amounts.EUR"]).toContain("would give them away");
    expect(r.errors["discount.amounts.USD"]).toBeUndefined();
  });

  it("GIVEN a bundle priced at 0 or under the floor of the items' total WHEN checked THEN refused per currency until marked a free gift", () => {
    const bundle = (amounts: Record<string, string>, gift = false) =>
      form((f) => {
        f.type = "bundle";
        f.items.push({ productId: "gid://shopify/Product/2", variantId: B, quantity: "2", title: "Plug" });
        f.discount = { kind: "bundle_price", percent: "", amounts };
        f.freeGift = gift;
      });
    // Totals: EUR 39.00 + 2 x 10.00 = 59.00 (floor 5.90); USD 45.00 + 24.00 = 69.00 (floor 6.90).
    const r = check(bundle({ EUR: "0", USD: "6.89" }));
    expect(r.errors["discount.amounts.EUR"]).toContain("gives the products away");
    expect(r.errors["discount.amounts.USD"]).toContain("below your price floor of 6.90 USD (10% of 69.00 USD");
    expect(check(bundle({ EUR: "5.90", USD: "6.90" })).errors).toEqual({});
    expect(check(bundle({ EUR: "0", USD: "6.89" }, true)).errors).toEqual({});
  });

  it("GIVEN a currency without decimals WHEN the amount off leaves less than the floor THEN the message is in whole yen", () => {
    const f = form((x) => (x.discount = { kind: "fixed", percent: "", amounts: { JPY: "4600" } }));
    expect(check(f).errors["discount.amounts.JPY"]).toContain("charges 400 JPY, below your price floor of 500 JPY");
  });

  it("GIVEN a warranty priced as a percentage WHEN its amount off is checked THEN the floor does not apply (no list total to compare)", () => {
    const f = form((x) => {
      x.type = "warranty";
      x.pricingPercent = "10";
      x.discount = { kind: "fixed", percent: "", amounts: { EUR: "38.00" } };
    });
    expect(check(f).errors["discount.amounts.EUR"]).toBeUndefined();
  });

  it("GIVEN an experiment variant at 95% off WHEN checked THEN the variant's discount field is refused, the offer's own is fine", () => {
    const f = form((x) => {
      x.experiment.enabled = true;
      x.experiment.variants = [
        { id: "", name: "A", weight: "1", title: "", body: "", discountPercent: "", design: "" },
        { id: "", name: "B", weight: "1", title: "", body: "", discountPercent: "95", design: "" },
      ];
    });
    expect(check(f).errors).toEqual({
      "experiment.variants.1.discountPercent":
        "95% off charges less than your price floor (10% of the item's price, set in Settings). Lower the discount, or tick “This is a free gift”.",
    });
    expect(check({ ...f, freeGift: true }).errors).toEqual({});
  });

  it("GIVEN the floor arithmetic WHEN prices are 64-bit minor units THEN the comparison is exact (no float rounding)", () => {
    const big = 2 ** 53 - 1;
    expect(belowFloor(Math.ceil(big / 10), big, 10)).toBe(false);
    expect(belowFloor(Math.floor(big / 10), big, 10)).toBe(true);
    expect(floorPrice(3900, 10)).toBe(390);
    expect(floorPrice(999, 10)).toBe(100);
    expect(belowFloor(0, 0, 10)).toBe(false);
  });
});

describe("weights that starve an arm", () => {
  const arms = (...weights: string[]) => weights.map((weight, i) => ({ name: `V${i + 1}`, weight }));

  it("GIVEN equal weights, even ten arms of 10% WHEN looked at THEN no arm is starved", () => {
    expect(starvedArms(arms("1", "1"))).toEqual([]);
    expect(starvedArms(arms(...Array<string>(10).fill("1")))).toEqual([]);
  });

  it("GIVEN a weight of 0 next to others WHEN looked at THEN that arm is starved for good (never shown)", () => {
    expect(starvedArms(arms("1", "0"))).toEqual([{ index: 1, name: "V2", share: 0, times: Infinity, largest: "V1" }]);
  });

  it("GIVEN 95 / 5 WHEN looked at THEN the 5% arm is starved and takes about 19 times as long", () => {
    expect(starvedArms(arms("95", "5"))).toEqual([{ index: 1, name: "V2", share: 0.05, times: 19, largest: "V1" }]);
    // At the threshold (10 of 100) it is not.
    expect(starvedArms(arms("90", "10"))).toEqual([]);
  });

  it("GIVEN automatic allocation WHEN an arm's weight is small THEN only a weight of 0 warns (the job sets the shares)", () => {
    expect(starvedArms(arms("95", "5"), "automatic")).toEqual([]);
    expect(starvedArms(arms("1", "0"), "automatic")).toHaveLength(1);
  });

  it("GIVEN one arm, all zero or an unreadable weight WHEN looked at THEN no warning (nothing competes, or the rules say it)", () => {
    expect(starvedArms(arms("0"))).toEqual([]);
    expect(starvedArms(arms("0", "0"))).toEqual([]);
    expect(starvedArms(arms("1", "x", "0"))).toEqual([]);
  });
});

describe("the draft kept in the browser (pure parts)", () => {
  const initial = form();
  const typed = form((f) => (f.name = "Cable, typed"));
  const stored = (patch: Record<string, unknown> = {}) =>
    JSON.stringify({ v: 1, savedAt: 1_790_000_000_000, base: "2026-12-03T06:00:00.000Z", form: typed, ...patch });

  it("GIVEN a shop and an offer WHEN keyed THEN one key per shop and offer, 'new' for an unsaved offer", () => {
    expect(draftKey("a.myshopify.com", "off_1")).toBe("moments:offer-draft:a.myshopify.com:off_1");
    expect(draftKey("a.myshopify.com", null)).toBe("moments:offer-draft:a.myshopify.com:new");
    expect(draftKey("b.myshopify.com", null)).not.toBe(draftKey("a.myshopify.com", null));
  });

  it("GIVEN a draft WHEN encoded and decoded THEN it comes back as it was", () => {
    const d = { v: 1 as const, savedAt: 5, base: "new", form: typed, token: "abc" };
    expect(decodeDraft(encodeDraft(d))).toEqual(d);
  });

  it.each([
    ["nothing", null],
    ["not JSON", "{nope"],
    ["JSON null", "null"],
    ["a number", "42"],
    ["another version", stored({ v: 2 })],
    ["no time", stored({ savedAt: "yesterday" })],
    ["no base", stored({ base: 7 })],
    ["a form of another shape (no copy)", stored({ form: { ...typed, copy: undefined } })],
    ["a form with a wrong type", stored({ form: { ...typed, type: "lottery" } })],
    ["no form", stored({ form: undefined })],
  ])("GIVEN %s stored WHEN decoded THEN it is ignored (null), never thrown", (_what, raw) => {
    expect(decodeDraft(raw)).toBeNull();
  });

  it("GIVEN a draft of the version on the page WHEN the page opens THEN it is restored", () => {
    const d = decodeDraft(stored())!;
    expect(decideDraft(d, { base: "2026-12-03T06:00:00.000Z", savedToken: null, initial })).toEqual({
      kind: "restore",
      draft: d,
    });
  });

  it("GIVEN a draft taken before the offer was saved again WHEN the page opens THEN the merchant is asked", () => {
    const d = decodeDraft(stored())!;
    expect(decideDraft(d, { base: "2026-12-03T07:00:00.000Z", savedToken: null, initial }).kind).toBe("ask");
  });

  it("GIVEN the save the draft was submitted with succeeded WHEN its page opens THEN the draft is dropped; another token does not", () => {
    const d = decodeDraft(stored({ token: "t1" }))!;
    const base = "2026-12-03T07:00:00.000Z";
    expect(decideDraft(d, { base, savedToken: "t1", initial }).kind).toBe("clear");
    expect(decideDraft(d, { base, savedToken: "t2", initial }).kind).toBe("ask");
  });

  it("GIVEN a draft equal to the saved form (keys in another order) WHEN the page opens THEN it is dropped, no banner", () => {
    const reordered = Object.fromEntries(Object.entries(initial).reverse()) as unknown as OfferForm;
    const d = decodeDraft(stored({ form: reordered }))!;
    expect(decideDraft(d, { base: "2026-12-03T06:00:00.000Z", savedToken: null, initial }).kind).toBe("clear");
    expect(decideDraft(null, { base: "new", savedToken: null, initial }).kind).toBe("none");
  });

  it("GIVEN submit tokens WHEN made THEN they are 16 lowercase letters or digits, and only those pass the check", () => {
    const t = submitToken();
    expect(isSubmitToken(t)).toBe(true);
    expect(submitToken(() => 0)).toBe("aaaaaaaaaaaaaaaa");
    expect(isSubmitToken("x")).toBe(false);
    expect(isSubmitToken("AAAAAAAAAAAAAAAA")).toBe(false);
    expect(isSubmitToken(null)).toBe(false);
  });
});
