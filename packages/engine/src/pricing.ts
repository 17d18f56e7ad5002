import type { Copy, Discount, Offer, Settings } from "./model";
import type { Price } from "./decision";
import { charmDown, pct } from "./money";

// Pricing, copy and the line token: what a selected offer shows (decide) and what a cart line
// must cost (verifyOfferLine). Rules: docs/engine.md, "Money and rounding".

export interface Priced {
  price: Price;
  /** Final total per item (the offer's final split proportionally, remainder on the last). */
  split: number[];
  /** Undiscounted total per item. */
  list: number[];
  qty: number[];
}
export type PriceResult = Priced | { missing: string };

/** The discount's amount in `currency` (fixed or bundle price), undefined when it has none. */
const amountIn = (discount: Discount, currency: string) =>
  (discount.kind === "fixed" ? discount.amounts : discount.kind === "bundle_price" ? discount.prices : {})[currency];

/**
 * The offer's undiscounted and final price in `currency`, and the final split per item.
 * Percent pricing (warranty/protection) prices the offer at `percent`% of the covered line's unit
 * price (or of the subtotal), capped at the variant's published price.
 */
export function priceOffer(
  offer: Offer,
  discount: Discount | undefined,
  currency: string,
  covered: number,
  settings: Settings,
  /** Swap offers: the quantity of the line being replaced. */
  swapQuantity?: number,
): PriceResult {
  const missing = missingPrice(offer, discount, currency);
  if (missing) return { missing };
  const list: number[] = [];
  const qty: number[] = [];
  let listTotal = 0;
  for (const item of offer.items) {
    const quantity = swapQuantity === undefined ? item.quantity : swapQuantity;
    qty.push(quantity);
    list.push(item.prices[currency]! * quantity);
    listTotal += item.prices[currency]! * quantity;
  }
  const original = offer.pricing ? Math.min(listTotal, pct(covered, offer.pricing.percent)) : listTotal;
  let final = original;
  if (discount) {
    if (discount.kind === "percent") final = original - pct(original, discount.percent);
    else if (discount.kind === "fixed") final = original - amountIn(discount, currency)!;
    else final = Math.min(original, amountIn(discount, currency)!);
  }
  const ending = settings.charm && settings.charm[currency];
  if (ending !== undefined && final !== listTotal) final = charmDown(final, ending, currency);
  final = Math.max(0, Math.min(original, final));
  // Split the final total across items proportionally (floor), remainder on the last item.
  const split: number[] = [];
  let rest = final;
  list.forEach((total, i) => {
    const share = i === list.length - 1 ? rest : listTotal ? Math.floor((final * total) / listTotal) : 0;
    split.push(share);
    rest -= share;
  });
  return { price: { currency, original, final, savings: original - final }, split, list, qty };
}

/** Why the offer cannot be priced in `currency`, or undefined when it can. */
export function missingPrice(offer: Offer, discount: Discount | undefined, currency: string): string | undefined {
  for (const item of offer.items)
    if (item.prices[currency] === undefined) return `${item.variantId} has no ${currency} price`;
  if (discount && discount.kind !== "percent" && amountIn(discount, currency) === undefined)
    return `discount has no ${currency} amount`;
  return undefined;
}

/** What the buyer's experiment arm (`armId`) changes: moments, discount, copy, design. */
export function effective(offer: Offer, armId: string | undefined) {
  const variant =
    armId === undefined || !offer.experiment
      ? undefined
      : offer.experiment.variants.find((candidate) => candidate.id === armId);
  if (!variant) return { moments: offer.moments, discount: offer.discount, copy: offer.copy, design: offer.design };
  return {
    moments: variant.moments || offer.moments,
    discount: variant.discount || offer.discount,
    // Object.assign, not a spread: extensions are bundled for ES2015, where a spread costs a helper.
    copy: variant.copy ? Object.assign({}, offer.copy, variant.copy) : offer.copy,
    design: variant.design || offer.design,
  };
}

/** The copy in the buyer's locale, else their language, else the default locale, else any. */
export function resolveCopy(
  copy: Offer["copy"],
  locale: string | undefined,
  settings: Settings,
): { locale: string; copy: Copy } {
  const tries = [locale, locale && locale.split("-")[0], settings.defaultLocale];
  for (const l of tries) if (l && copy[l]) return { locale: l, copy: copy[l]! };
  const first = Object.keys(copy)[0];
  return first ? { locale: first, copy: copy[first]! } : { locale: settings.defaultLocale, copy: { title: "" } };
}

export const offerToken = (offerId: string, arm: string | undefined, moment: string, publishedAt: number) =>
  `${offerId}~${arm || ""}~${moment}~${publishedAt.toString(36)}`;
