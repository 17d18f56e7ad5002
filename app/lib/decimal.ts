import { exponent } from "@moments/engine";

/**
 * Shopify's decimal strings ("12.50") -> integer minor units of `currency`, without a float.
 * Throws on anything that is not a plain decimal.
 */
export function decimalToMinor(decimal: string, currency: string): number {
  const e = exponent(currency);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(decimal).trim());
  if (!match) throw new RangeError(`not a decimal amount: "${decimal}"`);
  const [, sign, whole, frac = ""] = match;
  const padded = (frac + "0".repeat(e)).slice(0, e);
  const minor = Number(whole) * 10 ** e + Number(padded || "0");
  return sign ? -minor : minor;
}
