import { InvalidInput } from "./errors";
import { parseMinor } from "@moments/engine";

/**
 * A decimal string that is not one (e.g. "12,50", "", "1e3") or whose minor units leave the safe
 * integers. Typed so that a request boundary can answer 400 with the reason: the amount came from
 * the caller (a webhook payload, a token), not from a bug of ours.
 */
export class DecimalFormatError extends InvalidInput {
  override name = "DecimalFormatError";
}

/**
 * Shopify's decimal strings ("12.50") -> integer minor units of `currency` (the engine's
 * parseMinor). Throws DecimalFormatError on anything that is not a plain decimal of the currency.
 */
export function decimalToMinor(decimal: string, currency: string): number {
  const minor = parseMinor(String(decimal), currency);
  if (minor === null) {
    const plain = /^-?\d+(\.\d+)?$/.test(String(decimal).trim());
    throw new DecimalFormatError(plain ? `amount out of range: "${decimal}"` : `not a decimal amount: "${decimal}"`);
  }
  return minor;
}
