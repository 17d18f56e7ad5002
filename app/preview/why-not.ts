import type { Cart, Excluded, Offer } from "@moments/engine";
import { englishT, type AdminT } from "~/i18n/catalogue";
import { formatMoney } from "~/lib/money";
import { reasonWords } from "./reasons";

/**
 * Why the engine left the previewed offer out, in the merchant's words, as exact as the preview
 * knows: which kind of buyer the offer is for, and the cart total against the offer's range.
 * Other reasons read as the catalogue's `reasons` say; in the merchant's language (`t`) and locale
 * (`intl`, for money), English by default.
 */
export function whyNotWords(excluded: Excluded, offer: Offer, cart: Cart, t: AdminT = englishT, intl = "en"): string {
  if (excluded.reason === "segment_mismatch") {
    if (excluded.detail === "returning") return t("preview.forReturning");
    if (excluded.detail === "first_time") return t("preview.forFirstTime");
  }
  if (excluded.reason === "subtotal_out_of_range") {
    const money = (minor: number) => formatMoney(minor, cart.currency, intl);
    const range = offer.targeting?.subtotal?.[cart.currency];
    if (!range) return t("preview.noRange", { currency: cart.currency });
    if (range.min !== undefined && cart.subtotal < range.min)
      return t("preview.belowMin", { total: money(cart.subtotal), min: money(range.min) });
    if (range.max !== undefined && cart.subtotal > range.max)
      return t("preview.aboveMax", { total: money(cart.subtotal), max: money(range.max) });
  }
  // A swap with no line to swap (decision 027): say what it looks for, and a pricier line it leaves.
  if (excluded.reason === "trigger_not_in_cart" && excluded.detail?.startsWith("no line to upgrade"))
    return excluded.detail.includes("costs more") ? t("preview.upgradeCheaper") : t("preview.noLineToUpgrade");
  return reasonWords(excluded.reason, t);
}
