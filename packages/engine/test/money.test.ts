import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { charmDown, exponent, formatMinor, parseMinor, pct, priceOffer } from "../src/index";
import { baseSettings, offer } from "./helpers";

describe("money", () => {
  it("GIVEN an exact half minor unit WHEN taking a percentage THEN it rounds half-up", () => {
    expect(pct(1250, 10)).toBe(125);
    expect(pct(1255, 10)).toBe(126); // 125.5 -> 126
    expect(pct(1254, 10)).toBe(125); // 125.4 -> 125
  });

  it("GIVEN EUR with a 99 ending WHEN charming THEN it goes down to the previous x.99", () => {
    expect(charmDown(1274, 99, "EUR")).toBe(1199);
    expect(charmDown(1299, 99, "EUR")).toBe(1299);
  });

  it("GIVEN an amount below the ending WHEN charming THEN it is unchanged (never negative)", () => {
    expect(charmDown(50, 99, "EUR")).toBe(50);
  });

  it("GIVEN JPY (0 decimals) WHEN charming with ending 80 THEN the last two digits become 80", () => {
    expect(exponent("JPY")).toBe(0);
    expect(charmDown(2499, 80, "JPY")).toBe(2480);
  });

  it("GIVEN minor units WHEN formatting THEN no float is involved", () => {
    expect(formatMinor(1299, "EUR")).toBe("12.99");
    expect(formatMinor(5, "EUR")).toBe("0.05");
    expect(formatMinor(1980, "JPY")).toBe("1980");
    expect(formatMinor(1234, "KWD")).toBe("1.234");
  });

  it("GIVEN 15% off EUR 20.00 with a 99 ending WHEN pricing THEN final is 16.99 and savings 3.01", () => {
    const r = priceOffer(
      offer({ discount: { kind: "percent", percent: 15 } }),
      { kind: "percent", percent: 15 },
      "EUR",
      0,
      { ...baseSettings, charm: { EUR: 99 } },
    );
    expect(r).toMatchObject({ price: { currency: "EUR", original: 2000, final: 1699, savings: 301 } });
  });

  it("GIVEN a warranty priced at 10% of a EUR 499.00 line WHEN pricing THEN it costs 49.90, capped at the variant price", () => {
    const w = offer({ type: "warranty", pricing: { percent: 10, of: "line" } });
    expect(priceOffer(w, undefined, "EUR", 49900, baseSettings)).toMatchObject({
      price: { original: 2000, final: 2000 },
    });
    expect(priceOffer(w, undefined, "EUR", 9900, baseSettings)).toMatchObject({ price: { original: 990, final: 990 } });
  });

  it("GIVEN a bundle price WHEN pricing THEN the final total is split over the items and sums up exactly", () => {
    const b = offer({
      type: "bundle",
      items: [
        { productId: "P1", variantId: "V1", quantity: 1, prices: { EUR: 1000 } },
        { productId: "P2", variantId: "V2", quantity: 2, prices: { EUR: 333 } },
      ],
      discount: { kind: "bundle_price", prices: { EUR: 1333 } },
    });
    const r = priceOffer(b, b.discount, "EUR", 0, baseSettings);
    if ("missing" in r) throw new Error("missing");
    expect(r.price.original).toBe(1666);
    expect(r.split.reduce((a, x) => a + x, 0)).toBe(1333);
  });

  it("PROPERTY: a price is an integer, never negative and never above the undiscounted price", () => {
    const discount = fc.oneof(
      fc.record({ kind: fc.constant("percent" as const), percent: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ kind: fc.constant("fixed" as const), amounts: fc.record({ EUR: fc.integer({ min: 0, max: 1e9 }) }) }),
      fc.record({
        kind: fc.constant("bundle_price" as const),
        prices: fc.record({ EUR: fc.integer({ min: 0, max: 1e9 }) }),
      }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 1, max: 99 }),
        fc.option(discount, { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
        fc.integer({ min: 0, max: 1e9 }),
        (unit, qty, d, ending, pricePct, covered) => {
          const o = offer({ items: [{ productId: "P", variantId: "V", quantity: qty, prices: { EUR: unit } }] });
          if (pricePct) o.pricing = { percent: pricePct, of: "line" };
          const r = priceOffer(o, d, "EUR", covered, {
            ...baseSettings,
            charm: ending === undefined ? undefined : { EUR: ending },
          });
          if ("missing" in r) return;
          const { original, final, savings } = r.price;
          expect(Number.isInteger(final) && final >= 0 && final <= original && original <= unit * qty).toBe(true);
          expect(savings).toBe(original - final);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("parseMinor: the one decimal -> minor units converter", () => {
  it("GIVEN a decimal with the currency's decimals WHEN parsed THEN exact minor units", () => {
    expect([
      parseMinor("12.50", "EUR"),
      parseMinor("5000", "CLP"),
      parseMinor("1.250", "BHD"),
      parseMinor("-3.2", "EUR"),
    ]).toEqual([1250, 5000, 1250, -320]);
  });

  it("GIVEN trailing zeros past the exponent (Shopify's '1200.0' yen) WHEN parsed THEN they are read as nothing", () => {
    expect([parseMinor("1200.0", "JPY"), parseMinor("12.500", "EUR")]).toEqual([1200, 1250]);
  });

  it("GIVEN a non-zero digit past the exponent WHEN parsed THEN null, never rounded away", () => {
    expect([parseMinor("300.5", "JPY"), parseMinor("1.2505", "BHD"), parseMinor("12.505", "EUR")]).toEqual([
      null,
      null,
      null,
    ]);
  });

  it("GIVEN something that is not a plain decimal WHEN parsed THEN null", () => {
    expect(["12,50", "", "1e3", "+1", ".5", "1.", "0x10", " 1 2"].map((s) => parseMinor(s, "EUR"))).toEqual(
      Array(8).fill(null),
    );
  });

  it("GIVEN an amount beyond the safe integers WHEN parsed THEN null", () => {
    expect(parseMinor("99999999999999999", "EUR")).toBeNull();
  });
});
