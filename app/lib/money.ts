import type { CurrencyDisplay } from "@moments/engine";

/**
 * Minor units -> a localised amount, via Intl (no float arithmetic on the amount itself), shown
 * the way the merchant chose in Settings (`currencyDisplay`).
 */
export function formatMoney(minor: number, currency: string, locale = "en", currencyDisplay: CurrencyDisplay = "symbol"): string {
  const digits = new Intl.NumberFormat(locale, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 10 ** digits);
  const frac = String(abs % 10 ** digits).padStart(digits, "0");
  // Intl formats a decimal string exactly, so the amount never becomes a binary float.
  const decimal = (digits > 0 ? `${whole}.${frac}` : `${whole}`) as `${number}`;
  const formatted = new Intl.NumberFormat(locale, { style: "currency", currency, currencyDisplay }).format(decimal);
  return sign + formatted;
}
