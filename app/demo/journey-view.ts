import type { CurrencyDisplay, ShownOffer } from "@moments/engine";
import type { OfferPreviewCardProps } from "~/components/OfferPreviewCard";
import { DEMO_CATALOG, demoVariantGid } from "./catalog";

/** A demo variant's title as the catalog names it ("Product - Variant"), by its GID. */
export function variantTitle(variantId: string): string {
  for (const [pi, p] of DEMO_CATALOG.entries())
    for (const [vi, v] of p.variants.entries())
      if (demoVariantGid(pi, vi) === variantId) return p.variants.length > 1 ? `${p.title} - ${v.title}` : p.title;
  return variantId;
}

/** The card's data (no controls): what the demo pages pass to OfferPreviewCard. */
export type BuyerCard = Omit<OfferPreviewCardProps, "actions">;

/**
 * What a buyer sees of a shown offer on the demo pages: the card the surfaces render, in the
 * offer's (or its arm's) layout with its product image, in the buyer's currency and locale.
 */
export function buyerCard(
  offer: ShownOffer,
  words: { cta: string; decline: string },
  currencyDisplay: CurrencyDisplay | undefined,
): BuyerCard {
  return {
    title: offer.copy.title,
    body: offer.copy.body ?? null,
    cta: words.cta,
    decline: words.decline,
    currency: offer.price.currency,
    currencyDisplay: currencyDisplay ?? "symbol",
    original: offer.price.original,
    final: offer.price.final,
    savings: offer.price.savings,
    locale: offer.locale,
    design: offer.design ?? "card",
    image: offer.image ?? null,
    lines: offer.lines.map((l) => ({ title: variantTitle(l.variantId), quantity: l.quantity })),
  };
}

/** What the app asks Shopify when the buyer adds a thank-you offer to the paid order (decision 026). */
export function orderEditSteps(offer: ShownOffer, money: (minor: number) => string): string[] {
  return [
    "orderEditBegin on the paid order",
    ...offer.lines.flatMap((l) => [
      `orderEditAddVariant ${l.variantId} x${l.quantity}`,
      ...(l.listTotal > l.finalTotal
        ? [
            `orderEditAddLineItemDiscount: ${money(l.listTotal - l.finalTotal)} off, to the offer's ${money(l.finalTotal)}`,
          ]
        : []),
    ]),
    "orderEditCommit (notifyCustomer: true), then orderInvoiceSend for the balance",
  ];
}
