import { fromAcceptLanguage, intlLocale, pickLanguage, translator, type Translate } from "@moments/surfaces/i18n";
import en from "./locales/en.default.json";
import de from "./locales/de.json";
import es from "./locales/es.json";
import fr from "./locales/fr.json";
import nl from "./locales/nl.json";

/**
 * The fixed texts of what the app itself shows a buyer: the follow-up email (greeting, thanks,
 * price line, code, footer, unsubscribe link), the unsubscribe page and the tracked link's
 * refusals. From locale files (app/email/locales, named like the extensions' locales/), in the
 * buyer's locale: the order's `customer_locale`, kept on the outbox row and signed into the
 * unsubscribe link. The offer's copy is the engine's, in the locale it picked for the copy.
 * docs/decisions/023-buyer-languages.md.
 */
export type EmailStrings = typeof en;
export const EMAIL_LANGUAGES = { en, de, fr, es, nl } as const satisfies Record<string, EmailStrings>;
export type EmailLanguage = keyof typeof EMAIL_LANGUAGES;
const LANGUAGE_IDS = Object.keys(EMAIL_LANGUAGES) as EmailLanguage[];

export interface BuyerText {
  /** The language of the fixed texts: `lang` of the page or message. */
  language: EmailLanguage;
  /** The buyer's locale as Intl accepts it: money is formatted in it. */
  intl: string;
  t: Translate<EmailStrings>;
}

const textFor = (language: EmailLanguage, intl: string): BuyerText => ({
  language,
  intl,
  t: translator(EMAIL_LANGUAGES[language], en),
});

/** The buyer's locale ("de-CH" -> German, "pt" -> English); null or empty -> English. */
export function buyerText(locale: string | null | undefined): BuyerText {
  return textFor(pickLanguage(locale, LANGUAGE_IDS, "en"), intlLocale(locale));
}

/** A page whose buyer locale is unknown (an old or broken link): the browser's Accept-Language. */
export function requestText(request: Request): BuyerText {
  const language = fromAcceptLanguage(request.headers.get("Accept-Language"), LANGUAGE_IDS, "en");
  return textFor(language, language);
}

/** A locale worth keeping from a webhook: a BCP 47-shaped tag of at most 35 characters, else null. */
export function storedLocale(locale: string | null | undefined): string | null {
  const tag = (locale ?? "").trim();
  return tag.length <= 35 && /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/.test(tag) ? tag : null;
}
