/**
 * Money: integer minor units of one presentment currency. Never floats.
 * Rounding rules (documented in docs/engine.md):
 *  - percentages round half-up to the minor unit: pct(x, p) = floor((x * p + 50) / 100);
 *  - a discount never makes a price negative, nor above the undiscounted price;
 *  - an optional charm ending (e.g. EUR 99 -> x.99) is applied only downward.
 */
export interface Money {
  amount: number;
  currency: string;
}

/** ISO 4217 currencies whose minor-unit exponent differs from 2 (0 and 3); every other has 2. */
const EXPONENT_0 = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(" ");
const EXPONENT_3 = "BHD IQD JOD KWD LYD OMR TND".split(" ");
export const exponent = (currency: string): number =>
  EXPONENT_0.includes(currency) ? 0 : EXPONENT_3.includes(currency) ? 3 : 2;

/** Half-up rounded `percent`% of an integer amount (integer arithmetic only). */
export const pct = (amount: number, percent: number): number => Math.floor((amount * percent + 50) / 100);

/**
 * Largest amount <= `amount` whose last digits equal `ending` (modulo 10^max(2, exponent)),
 * e.g. EUR 1274 with ending 99 -> 1199; JPY 2480 with ending 80 -> 2480. Unchanged if that
 * would go below zero or if the ending does not fit the modulus.
 */
export function charmDown(amount: number, ending: number, currency: string): number {
  const mod = 10 ** Math.max(2, exponent(currency));
  if (ending >= mod) return amount;
  const c = amount - ((((amount - ending) % mod) + mod) % mod);
  return c >= 0 ? c : amount;
}

/**
 * A decimal string ("12.50", "-3", "1250.0") -> integer minor units of `currency`, without a
 * float; null when it is not one: anything but an optional minus, digits and an optional point
 * with digits, a digit past the currency's exponent that is not zero (0.5 JPY, 1.2505 BHD: never
 * rounded away), or beyond the safe integers. The one converter of the app, the admin's form
 * and the Discount Function.
 */
export function parseMinor(decimal: string, currency: string): number | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal.trim());
  if (!m) return null;
  const e = exponent(currency);
  const fraction = m[3] || "";
  if (/[^0]/.test(fraction.slice(e))) return null;
  const minor = Number(m[2]) * Math.pow(10, e) + Number((fraction + "000").slice(0, e) || "0");
  if (!Number.isSafeInteger(minor)) return null;
  return m[1] ? -minor : minor;
}

/** Formats minor units for display without floats: 1299 EUR -> "12.99". */
export function formatMinor(amount: number, currency: string): string {
  const e = exponent(currency);
  if (e === 0) return String(amount);
  const s = String(Math.abs(amount)).padStart(e + 1, "0");
  return `${amount < 0 ? "-" : ""}${s.slice(0, -e)}.${s.slice(-e)}`;
}
