import { formatMinor, parseMinor } from "@moments/engine";

/**
 * The offer form's money: decimal strings as the merchant types them <-> integer minor units,
 * through the engine's converters (`parseMinor`, `formatMinor`: each currency's ISO 4217
 * exponent, CLP and JPY 0 decimals, BHD 3, EUR 2). No floats on the way.
 */

/** Minor units -> the decimal string an input shows (1250 BHD -> "1.250"); "" when absent. */
export function minorToTypedAmount(minor: number | undefined, currency: string): string {
  return minor === undefined ? "" : formatMinor(minor, currency);
}

/**
 * A typed amount ("12.50", "12,5", "5000") -> minor units of `currency`, or null when it is not
 * an amount in that currency: not a plain non-negative decimal (a comma reads as the point), more
 * decimals than the currency has (any for CLP, a fourth for BHD), or beyond the safe integers.
 */
export function typedAmountToMinor(typed: string, currency: string): number | null {
  const plain = typed.trim();
  if (!/^\d+([.,]\d+)?$/.test(plain)) return null;
  return parseMinor(plain.replace(",", "."), currency);
}
