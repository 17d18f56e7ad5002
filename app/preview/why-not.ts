import type { Cart, Excluded, Offer } from "@moments/engine";
import { formatMoney } from "~/lib/money";
import { REASON_WORDS } from "./reasons";

/**
 * Why the engine left the previewed offer out, in the merchant's words, as exact as the preview
 * knows: which kind of buyer the offer is for, and the cart total against the offer's range.
 * Other reasons read as REASON_WORDS says.
 */
export function whyNotWords(excluded: Excluded, offer: Offer, cart: Cart): string {
  if (excluded.reason === "segment_mismatch") {
    if (excluded.detail === "returning")
      return "The offer is for returning buyers only, and this buyer is buying for the first time.";
    if (excluded.detail === "first_time")
      return "The offer is for first-time buyers only, and this buyer has bought before.";
  }
  if (excluded.reason === "subtotal_out_of_range") {
    const money = (minor: number) => formatMoney(minor, cart.currency);
    const range = offer.targeting?.subtotal?.[cart.currency];
    if (!range) return `The offer has no cart total range in ${cart.currency}, the currency this buyer pays in.`;
    if (range.min !== undefined && cart.subtotal < range.min)
      return `The cart total, ${money(cart.subtotal)}, is below the offer's minimum of ${money(range.min)}.`;
    if (range.max !== undefined && cart.subtotal > range.max)
      return `The cart total, ${money(cart.subtotal)}, is above the offer's maximum of ${money(range.max)}.`;
  }
  return REASON_WORDS[excluded.reason] ?? excluded.reason;
}
