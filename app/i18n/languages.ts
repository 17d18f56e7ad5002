/**
 * The admin's languages (docs/decisions/028-admin-languages.md): the merchant's Shopify admin
 * locale, as Shopify passes it on the app's URL (`?locale=de-CH`), negotiated to a language the
 * admin is written in. Shared by the server (loader, actions) and the browser (the demo's switch).
 */
import { intlLocale, pickLanguage } from "@moments/surfaces/i18n";

/** English is the source every other catalogue is checked against, and the fallback. */
export const ADMIN_LANGUAGES = ["en", "de", "fr"] as const;
export type AdminLanguage = (typeof ADMIN_LANGUAGES)[number];
export const DEFAULT_LANGUAGE: AdminLanguage = "en";

/** Each language in its own words, for the demo's language switch. */
export const LANGUAGE_NAMES: Record<AdminLanguage, string> = { en: "English", de: "Deutsch", fr: "Français" };

/** The admin locale as the app uses it: the language of its texts and the tag Intl formats in. */
export interface AdminLocale {
  language: AdminLanguage;
  /** "de-CH" for a Swiss German admin (numbers and dates as the Swiss write them); "en" when the language is not served. */
  intl: string;
}

/** "de-CH" -> German texts, Swiss formats; "fr" -> French; "pt-BR", "", garbage -> English. */
export function adminLocale(tag: string | null | undefined): AdminLocale {
  const language = pickLanguage(tag, ADMIN_LANGUAGES, DEFAULT_LANGUAGE);
  const intl = intlLocale(tag, language);
  // A tag of another language (pt-BR) formats like the texts read, not like a language the page is not in.
  return { language, intl: intl.split("-")[0]!.toLowerCase() === language ? intl : language };
}
