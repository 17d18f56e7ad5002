import { describe, expect, it } from "vitest";
import {
  formatMoney,
  fromAcceptLanguage,
  intlLocale,
  interpolate,
  pickLanguage,
  placeholdersByKey,
  translator,
} from "@moments/surfaces/i18n";

/** The buyer-facing strings' core: language choice, placeholders, money in the buyer's locale. */
const AVAILABLE = ["en", "de", "fr"] as const;

describe("language choice", () => {
  it("GIVEN a buyer locale THEN the tag, else its language, else English", () => {
    expect(
      ["de", "de-CH", "de_at", " FR-ca ", "pt", "pt-BR", "", null, undefined].map((l) =>
        pickLanguage(l, AVAILABLE, "en"),
      ),
    ).toEqual(["de", "de", "de", "fr", "en", "en", "en", "en", "en"]);
  });

  it("GIVEN an Accept-Language header THEN the best-ranked language served, else English", () => {
    expect(fromAcceptLanguage("pt-BR,pt;q=0.9,fr;q=0.8,de;q=0.85", AVAILABLE, "en")).toBe("de");
    expect(fromAcceptLanguage("fr-CH, fr;q=0.9, en;q=0.8", AVAILABLE, "en")).toBe("fr");
    expect(fromAcceptLanguage("de;q=0, *;q=0.5", AVAILABLE, "en")).toBe("en");
    expect(fromAcceptLanguage(null, AVAILABLE, "en")).toBe("en");
  });

  it("GIVEN a locale for Intl THEN a canonical tag, its language, or English: never a throw", () => {
    expect(["de_CH", "fr", "en_??", "", null, "x"].map((l) => intlLocale(l))).toEqual([
      "de-CH",
      "fr",
      "en",
      "en",
      "en",
      "en",
    ]);
  });
});

describe("translation", () => {
  const en = { a: { hi: "Hi {{name}}", only: "English only" } };
  const t = translator({ a: { hi: "Hallo {{ name }}" } }, en);

  it("GIVEN a key THEN the language's string, else the default's; placeholders filled, a missing value left visible", () => {
    expect(t("a.hi", { name: "Jo" })).toBe("Hallo Jo");
    expect(t("a.only")).toBe("English only");
    expect(interpolate("{{a}} and {{b}}", { a: 1 })).toBe("1 and {{b}}");
  });

  it("GIVEN a messages tree THEN every key path with its placeholders", () => {
    expect([...placeholdersByKey({ x: { y: "{{b}} {{a}}" }, z: "none" })]).toEqual([
      ["x.y", ["a", "b"]],
      ["z", []],
    ]);
  });
});

describe("money in the buyer's locale", () => {
  it("GIVEN minor units THEN Intl's format of the exact amount", () => {
    expect(formatMoney(3120, "EUR", "de")).toBe("31,20\u00a0€");
    expect(formatMoney(3120, "EUR", "en")).toBe("€31.20");
    expect(formatMoney(-3120, "EUR", "en")).toBe("-€31.20");
    expect(formatMoney(500, "JPY", "en")).toBe("¥500");
    expect(formatMoney(4900, "USD", "en-CA", "code")).toBe("USD\u00a049.00");
  });

  it("GIVEN a currency whose ISO exponent differs from Intl's digits THEN the amount is never rescaled", () => {
    // HUF: 2 decimals in ISO 4217 (the unit amounts are stored in), 0 in CLDR.
    expect(formatMoney(123400, "HUF", "en")).toBe("HUF\u00a01,234");
    expect(formatMoney(123456, "HUF", "en")).toBe("HUF\u00a01,234.56");
    // IQD: 3 in ISO, 0 in CLDR.
    expect(formatMoney(1000, "IQD", "en")).toBe("IQD\u00a01");
    expect(formatMoney(1500, "IQD", "en")).toBe("IQD\u00a01.500");
  });

  it("GIVEN a malformed locale THEN English formatting, no exception", () => {
    expect(formatMoney(3120, "EUR", "??")).toBe("€31.20");
  });
});
