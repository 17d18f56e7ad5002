import { exponent, formatMinor } from "@moments/engine";

/**
 * The offer form's one money converter: decimal strings as the merchant types them <-> integer
 * minor units, with each currency's ISO 4217 exponent from the engine (`exponent()`: CLP and JPY
 * 0 decimals, BHD 3, EUR 2). No floats on the way.
 */

/** Minor units -> the decimal string an input shows (1250 BHD -> "1.250"); "" when absent. */
export function minorToDecimal(minor: number | undefined, currency: string): string {
  return minor === undefined ? "" : formatMinor(minor, currency);
}

/**
 * A typed amount ("12.50", "12,5", "5000") -> minor units of `currency`, or null when it is not
 * an amount in that currency: not a plain non-negative decimal, more decimals than the currency
 * has (any for CLP, a fourth for BHD), or beyond the safe integers.
 */
export function decimalToMinor(typed: string, currency: string): number | null {
  const m = /^(\d+)(?:[.,](\d+))?$/.exec(typed.trim());
  if (!m) return null;
  const e = exponent(currency);
  const fraction = m[2] ?? "";
  if (fraction.length > e) return null;
  const minor = Number(m[1]) * 10 ** e + Number(fraction.padEnd(e, "0") || "0");
  return Number.isSafeInteger(minor) ? minor : null;
}
