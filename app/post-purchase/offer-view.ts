import type { AddVariantChange, PostPurchaseOfferView, QuantityOption } from "@moments/contracts";
import { formatMinor, type CurrencyDisplay, type ShownOffer } from "@moments/engine";
import { sizedImage } from "~/lib/images";
import type { Purchase } from "./offer.server";

/** A single-item offer may be taken up to this many times over (the quantity picker). */
export const MAX_QUANTITY_MULTIPLE = 5;

export const buyerKeyOf = (p: Purchase) => p.referenceId;

// ---------------------------------------------------------------------------------------------
// What the extension receives and what gets signed (shapes in @moments/contracts, shared with the
// extension): both built from the server's ShownOffer.

const numericId = (id: string) => {
  const n = Number(id.slice(id.lastIndexOf("/") + 1));
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`not a Shopify numeric id: ${id}`);
  return n;
};

/**
 * The `changes` of a changeset for the offer taken `multiple` times: one `add_variant` per line,
 * the line's discount as a fixed amount so the price is exactly the engine's (no second rounding).
 */
export function changesFor(offer: ShownOffer, multiple: number): AddVariantChange[] {
  return offer.lines.map((l) => {
    const change: AddVariantChange = {
      type: "add_variant",
      variantId: numericId(l.variantId),
      quantity: l.quantity * multiple,
    };
    const off = (l.listTotal - l.finalTotal) * multiple;
    if (off > 0) {
      change.discount = {
        value: Number(formatMinor(off, offer.price.currency)),
        valueType: "fixed_amount",
        title: discountTitle(offer),
      };
    }
    return change;
  });
}

const discountTitle = (o: ShownOffer) => (o.copy.title || "Offer").slice(0, 60);

export function maxMultiple(offer: ShownOffer): number {
  return offer.lines.length === 1 && offer.type !== "warranty" && offer.type !== "shipping_protection"
    ? MAX_QUANTITY_MULTIPLE
    : 1;
}

export function priceFor(offer: ShownOffer, multiple: number) {
  const { original, final, savings } = offer.price;
  return { original: original * multiple, final: final * multiple, savings: savings * multiple };
}

/**
 * The view the server answers: the contract's, plus the arm under its first name, `armVariantId`,
 * which post-purchase extensions deployed before decision 020 read (new ones read `armId`).
 */
export type ServedOfferView = PostPurchaseOfferView & { armVariantId?: string };

export function offerView(
  offer: ShownOffer,
  purchase: Purchase,
  step: number,
  currencyDisplay?: CurrencyDisplay,
): ServedOfferView {
  const quantities: QuantityOption[] = [];
  for (let m = 1; m <= maxMultiple(offer); m++)
    quantities.push({ multiple: m, ...priceFor(offer, m), changes: changesFor(offer, m) });
  const view: ServedOfferView = {
    referenceId: purchase.referenceId,
    step,
    offerId: offer.offerId,
    moment: offer.moment,
    type: offer.type,
    locale: offer.locale,
    title: offer.copy.title,
    currency: offer.price.currency,
    quantities,
    lines: offer.lines.map((l) => ({ productId: l.productId, variantId: l.variantId, quantity: l.quantity })),
    journeyKey: buyerKeyOf(purchase),
  };
  if (offer.experimentId) view.experimentId = offer.experimentId;
  if (offer.armId) {
    view.armId = offer.armId;
    view.armVariantId = offer.armId;
  }
  if (offer.copy.body) view.body = offer.copy.body;
  if (offer.copy.cta) view.cta = offer.copy.cta;
  if (offer.copy.decline) view.decline = offer.copy.decline;
  if (offer.design) view.design = offer.design;
  if (offer.image) view.image = sizedImage(offer.image, 1000);
  if (currencyDisplay) view.currencyDisplay = currencyDisplay;
  return view;
}
