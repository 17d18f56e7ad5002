import { InvalidInput } from "./errors";
import { exponent } from "@moments/engine";

/**
 * A decimal string that is not one (e.g. "12,50", "", "1e3") or whose minor units leave the safe
 * integers. Typed so that a request boundary can answer 400 with the reason: the amount came from
 * the caller (a webhook payload, a token), not from a bug of ours.
 */
export class DecimalFormatError extends InvalidInput {
  override name = "DecimalFormatError";
}

/**
 * Shopify's decimal strings ("12.50") -> integer minor units of `currency`, without a float.
 * Throws DecimalFormatError on anything that is not a plain decimal.
 */
export function decimalToMinor(decimal: string, currency: string): number {
  const e = exponent(currency);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(decimal).trim());
  if (!match) throw new DecimalFormatError(`not a decimal amount: "${decimal}"`);
  const [, sign, whole, frac = ""] = match;
  const padded = (frac + "0".repeat(e)).slice(0, e);
  const minor = Number(whole) * 10 ** e + Number(padded || "0");
  if (!Number.isSafeInteger(minor)) throw new DecimalFormatError(`amount out of range: "${decimal}"`);
  return sign ? -minor : minor;
}
