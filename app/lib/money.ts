import type { CurrencyDisplay } from "@moments/engine";
import { formatMoney as formatMinorUnits } from "@moments/surfaces/i18n";

/**
 * Minor units -> a localised amount, via Intl (no float arithmetic on the amount itself), shown
 * the way the merchant chose in Settings (`currencyDisplay`). Scaled by the currency's ISO 4217
 * exponent, the unit every amount is stored in; the same function the post-purchase extension
 * formats with (@moments/surfaces/i18n). A malformed locale formats in English, never throws.
 */
export function formatMoney(
  minor: number,
  currency: string,
  locale = "en",
  currencyDisplay: CurrencyDisplay = "symbol",
): string {
  return formatMinorUnits(minor, currency, locale, currencyDisplay);
}
