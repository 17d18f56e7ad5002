import { intlLocale, pickLanguage, translator, type Translate } from "@moments/surfaces/i18n";
import en from "../locales/en.default.json";
import de from "../locales/de.json";
import es from "../locales/es.json";
import fr from "../locales/fr.json";
import nl from "../locales/nl.json";

/**
 * The post-purchase page's fixed strings in the buyer's language. Shopify translates checkout UI
 * extensions from their locales/ folder (i18n.translate), but the post-purchase API has no such
 * API: it gives the buyer's locale (`inputData.locale`) only, and Shopify CLI does not load a
 * post-purchase extension's locales/. So the files follow the checkout extension's convention
 * (locales/en.default.json, de.json, ...) and are bundled here; a language without a file reads
 * English. The offer's own copy (title, body, CTA) comes translated from the backend (the engine
 * picks the copy's locale). docs/decisions/023-buyer-languages.md.
 */
export type Strings = typeof en;
export const LANGUAGES = { en, de, fr, es, nl } as const satisfies Record<string, Strings>;
export type Language = keyof typeof LANGUAGES;

export interface BuyerStrings {
  language: Language;
  /** The buyer's locale as Intl accepts it: money is formatted in it (Shopify's own default). */
  intl: string;
  t: Translate<Strings>;
}

export function buyerStrings(locale: string | null | undefined): BuyerStrings {
  const language = pickLanguage(locale, Object.keys(LANGUAGES) as Language[], "en");
  return { language, intl: intlLocale(locale), t: translator(LANGUAGES[language], en) };
}
