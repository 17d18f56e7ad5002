import type { Reason } from "@moments/engine";
import { EN, englishT, type AdminT } from "~/i18n/catalogue";

/**
 * The engine's exclusion reasons in words a merchant understands ("why not shown"), from the
 * admin's catalogue (`reasons.<reason>`, decision 028): a new engine reason fails the build until
 * the English catalogue words it (and the catalogue test until German and French do).
 */
const REASONS = EN.reasons satisfies Record<Reason, string>;

/** The reason in the merchant's language (English by default). */
export const reasonWords = (reason: Reason, t: AdminT = englishT): string =>
  Object.hasOwn(REASONS, reason) ? t(`reasons.${reason}`) : reason;

/** The English words, by reason. */
export const REASON_WORDS: Record<Reason, string> = REASONS;
