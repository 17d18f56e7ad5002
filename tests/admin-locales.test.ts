/**
 * The admin's catalogues (decision 028): German and French say everything English says, with the
 * same placeholders, and nothing English does not; the playbook's English texts are the templates'
 * own; the locale Shopify passes is negotiated to a language the admin is written in.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { placeholdersByKey, type Messages } from "@moments/surfaces/i18n";
import { CATALOGUE_FILES, EN, englishT } from "~/i18n/catalogue";
import { CATALOGUES } from "~/i18n/catalogues.server";
import { adminLocale, ADMIN_LANGUAGES } from "~/i18n/languages";
import { OFFER_TEMPLATES } from "~/offers/templates";
import { ROOT } from "./support/paths";

const LOCALES = path.join(ROOT, "app/locales");
/** The message at a dotted key. */
const textAt = (messages: Messages, key: string) =>
  String(key.split(".").reduce<unknown>((node, part) => (node as Messages)[part], messages));
const read = (language: string, file: string) =>
  JSON.parse(readFileSync(path.join(LOCALES, language, `${file}.json`), "utf8")) as Messages;

describe("the admin's message catalogues", () => {
  it("GIVEN the locale folders WHEN listed THEN every language has exactly English's files, and each file its own top-level keys", () => {
    for (const language of ADMIN_LANGUAGES)
      expect(readdirSync(path.join(LOCALES, language)).sort(), language).toEqual(
        CATALOGUE_FILES.map((f) => `${f}.json`).sort(),
      );
    const owners = new Map<string, string>();
    for (const file of CATALOGUE_FILES)
      for (const key of Object.keys(read("en", file))) {
        expect(owners.get(key), `"${key}" in ${file}.json`).toBeUndefined();
        owners.set(key, file);
      }
  });

  for (const language of ADMIN_LANGUAGES.filter((l) => l !== "en"))
    it(`GIVEN ${language} WHEN compared with English file by file THEN it has exactly English's keys, each with English's placeholders, and no message left empty`, () => {
      const empty: string[] = [];
      for (const file of CATALOGUE_FILES) {
        const english = placeholdersByKey(read("en", file));
        const messages = read(language, file);
        const translated = placeholdersByKey(messages);
        expect([...translated.keys()].sort(), `${language}/${file}.json keys`).toEqual([...english.keys()].sort());
        for (const [key, vars] of english) expect(translated.get(key), `${language}/${file}.json ${key}`).toEqual(vars);
        for (const key of translated.keys()) if (!textAt(messages, key).trim()) empty.push(`${file}: ${key}`);
      }
      expect(empty).toEqual([]);
    });

  it("GIVEN German and French WHEN read THEN no message is still the English one, but for words the languages share", () => {
    // Words German or French write as English does (product names, loanwords, codes).
    const shared = new Set([
      "Moments",
      "Moment",
      "Shopify",
      "Plus",
      "Banner",
      "Desktop",
      "Mobile",
      "Status",
      "Text",
      "Layout",
      "Downsell",
      "Version",
      "Experiment",
      "Type",
      "Start",
      "Offer",
      "Active",
      "impressions",
      "Impressions",
      "version",
      "Verdict",
      "France",
      "Canada",
      "mobile",
    ]);
    const english = [...placeholdersByKey(EN as unknown as Messages).keys()];
    for (const language of ["de", "fr"] as const) {
      const untranslated = english.filter((key) => {
        const value = textAt(CATALOGUES[language] as unknown as Messages, key);
        if (value !== textAt(EN as unknown as Messages, key)) return false;
        const words = value.replace(/\{\{\s*\w+\s*\}\}/g, " ").match(/[A-Za-z]{3,}/g) ?? [];
        return words.some((w) => !shared.has(w));
      });
      expect(untranslated, language).toEqual([]);
    }
  });

  it("GIVEN the playbook WHEN its English texts are read THEN they are the templates' own (name, summary, guide, rule, slots)", () => {
    for (const t of OFFER_TEMPLATES) {
      const text = (
        EN.playbook as Record<
          string,
          { name: string; summary: string; guide: string; rule: string; slots: Record<string, string> }
        >
      )[t.id];
      expect(text, t.id).toBeDefined();
      expect({ ...text, slots: Object.values(text!.slots) }).toEqual({
        name: t.name,
        summary: t.summary,
        guide: t.guide,
        rule: t.rule,
        slots: t.slots.map((s) => s.label),
      });
    }
    expect(Object.keys(EN.playbook).sort()).toEqual(OFFER_TEMPLATES.map((t) => t.id).sort());
  });

  it("GIVEN a message with placeholders WHEN translated THEN the values fill them, and a missing value stays visible", () => {
    expect(englishT("home.createOfferFor", { moment: "Exit intent" })).toBe("Create offer for Exit intent");
    expect(englishT("home.createOfferFor")).toBe("Create offer for {{moment}}");
  });
});

describe("the admin locale Shopify passes", () => {
  it.each([
    ["de", "de", "de"],
    ["de-CH", "de", "de-CH"],
    ["de_AT", "de", "de-AT"],
    ["fr", "fr", "fr"],
    ["fr-CA", "fr", "fr-CA"],
    ["en-GB", "en", "en-GB"],
    ["pt-BR", "en", "en"],
    ["", "en", "en"],
    [null, "en", "en"],
    ["<script>", "en", "en"],
  ])("GIVEN %j WHEN negotiated THEN the texts are %s and Intl formats in %s", (tag, language, intl) => {
    expect(adminLocale(tag)).toEqual({ language, intl });
  });
});
