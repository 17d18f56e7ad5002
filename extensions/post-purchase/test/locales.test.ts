import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { placeholdersByKey, type Messages } from "@moments/surfaces/i18n";
import { EXTENSION_DIR } from "../bundle";
import { buyerStrings } from "../src/i18n";
import { calculated, loadBundle, mount, offer, readable, stubBackend, type Callback } from "./harness";

/**
 * The post-purchase page in the buyer's language: the shipped bundle, mounted with Shopify's
 * `inputData.locale`, shows every fixed string from locales/<language>.json and money in that
 * locale; the offer's own copy stays as the backend sent it.
 */
let registered: Record<string, Callback> = {};
beforeAll(async () => {
  registered = await loadBundle();
}, 60_000);
afterEach(() => vi.unstubAllGlobals());

const LOCALES = path.join(EXTENSION_DIR, "locales");
const read = (file: string) => JSON.parse(readFileSync(path.join(LOCALES, file), "utf8")) as Messages;
const english = read("en.default.json");

/** The fixed parts of every English string (placeholders cut out): none may show in another language. */
const englishFragments = [...placeholdersByKey(english).keys()]
  .map((key) => key.split(".").reduce<Messages | string>((node, part) => (node as Messages)[part]!, english) as string)
  .flatMap((s) => s.split(/\{\{\s*\w+\s*\}\}/))
  .map((s) => s.trim())
  .filter((s) => s.length >= 4); // "Taxes: " stays "Taxes:" (French writes the word alike, "Taxes :")

/** An offer with no CTA or decline copy of its own (the fixed defaults show), in two quantities. */
const bare = offer("off_case", 1, {
  cta: undefined,
  decline: undefined,
  title: "Étui",
  quantities: [offer("x", 1).quantities[0]!, { ...offer("x", 1).quantities[0]!, multiple: 2 }],
});

/** An amount as Intl writes it for the locale (the expected side, independent of the code under test). */
const eur = (locale: string, amount: number) =>
  new Intl.NumberFormat(locale, { style: "currency", currency: "EUR" }).format(amount);

async function page(locale: string, step = 1) {
  stubBackend({});
  const { root } = await mount(registered, { offer: { ...bare, step } }, { locale, calculate: calculated });
  return readable(root).join("\n");
}

describe("the post-purchase page in the buyer's language", () => {
  it("GIVEN a German buyer (de) THEN every fixed string is German, money is German, no English string remains", async () => {
    const text = await page("de");
    expect(eur("de", 7.8)).toBe("7,80\u00a0€");
    expect(englishFragments.length).toBeGreaterThanOrEqual(12);
    for (const s of [
      "Zu deiner Bestellung hinzufügen",
      "Mit einem Klick, ohne deine Zahlungsdaten erneut einzugeben.",
      "Du sparst 7,80\u00a0€",
      "Menge",
      "Versand: 4,90\u00a0€",
      "Steuern: 5,10\u00a0€",
      "Jetzt zu zahlen: 41,25\u00a0€",
      "Jetzt bezahlen · 31,20\u00a0€",
      "Angebot ablehnen",
      "39,00\u00a0€",
    ]) {
      expect(text).toContain(s);
    }
    for (const fragment of englishFragments) expect(text).not.toContain(fragment);
    expect(text).toContain("Étui"); // the offer's copy, as sent
  });

  it("GIVEN a French buyer (fr-FR) on the second offer THEN the strings are French, money French", async () => {
    const text = await page("fr-FR", 2);
    const fr = (n: number) => eur("fr-FR", n);
    for (const s of [
      "Une offre de plus pour votre commande",
      "En un clic, sans saisir à nouveau vos informations de paiement.",
      `Vous économisez ${fr(7.8)}`,
      "Quantité",
      `Livraison\u00a0: ${fr(4.9)}`,
      `Taxes\u00a0: ${fr(5.1)}`,
      `Débité maintenant\u00a0: ${fr(41.25)}`,
      `Payer maintenant · ${fr(31.2)}`,
      "Refuser cette offre",
    ]) {
      expect(text).toContain(s);
    }
    for (const fragment of englishFragments) expect(text).not.toContain(fragment);
  });

  it("GIVEN a Swiss German buyer (de-CH) THEN German strings, money the Swiss way", async () => {
    const text = await page("de-CH");
    expect(text).toContain("Angebot ablehnen");
    expect(text).toContain(`Du sparst ${eur("de-CH", 7.8)}`);
  });

  it("GIVEN a language without a file (pt-BR) or a malformed locale THEN English strings; money in the buyer's locale", async () => {
    const pt = await page("pt-BR");
    for (const s of ["Add this to your order", "Quantity", "Decline this offer", `You save ${eur("pt-BR", 7.8)}`])
      expect(pt).toContain(s);
    const broken = await page("en_??");
    expect(broken).toContain("You save €7.80");
    expect(broken).toContain("Pay now · €31.20");
  });

  it("GIVEN nothing stored for Render THEN the closing line is in the buyer's language too", async () => {
    stubBackend({});
    const { root, api } = await mount(registered, null, { locale: "fr" });
    expect(readable(root).join(" ")).toBe("Merci\u00a0!");
    expect(api.done).toHaveBeenCalled();
  });
});

describe("the locale files", () => {
  it("GIVEN every file in locales/ THEN it has exactly the default file's keys and placeholders, and is bundled", () => {
    const files = readdirSync(LOCALES).filter((f) => f.endsWith(".json"));
    expect(files).toContain("en.default.json");
    expect(files.length).toBeGreaterThanOrEqual(3);
    const expected = [...placeholdersByKey(english)].sort();
    for (const file of files) {
      expect([...placeholdersByKey(read(file))].sort(), file).toEqual(expected);
      const language = file.split(".")[0]!;
      expect(buyerStrings(language).language, `${file} is not imported by src/i18n.ts`).toBe(language);
    }
  });

  it("GIVEN a locale THEN its language is picked by tag, then language, then English", () => {
    expect(
      ["de", "de-AT", "DE_ch", "fr-CA", "es-MX", "nl-BE", "pt", "", "zz-ZZ"].map((l) => buyerStrings(l).language),
    ).toEqual(["de", "de", "de", "fr", "es", "nl", "en", "en", "en"]);
    expect(buyerStrings(undefined).t("offer.youSave", { amount: "€1.00" })).toBe("You save €1.00");
  });
});
