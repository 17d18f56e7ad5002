import type { MomentId } from "./model";
import { ATTR, type DecideInput, type LineToAdd, type ShownOffer } from "./decision";
import { isSwap, type PreparedOffer } from "./prepare";
import { effective, offerToken, priceOffer, resolveCopy, type Priced } from "./pricing";
import type { Candidate } from "./rules";

// The last step of a decision: what a selected offer shows (decide.ts selects it).

/** The offer as shown at its place: priced (only once selected), copy, lines to add or swap. */
export function showOffer(
  prepared: PreparedOffer,
  candidate: Candidate,
  moment: MomentId,
  rank: number,
  slot: number,
  input: DecideInput,
): ShownOffer {
  const { arm, from } = candidate;
  const offer = prepared.o;
  const { cart, payload } = input;
  const settings = payload.settings;
  const variantId = arm && arm.kind === "variant" ? arm.variantId : undefined;
  const swap = isSwap(offer);
  const covered = offer.pricing && offer.pricing.of === "subtotal" ? cart.subtotal : from ? from.unitPrice : 0;
  // Cannot miss: the price rule passed.
  const priced = priceOffer(
    offer,
    candidate.discount,
    cart.currency,
    covered,
    settings,
    swap && from ? from.quantity : undefined,
  ) as Priced;
  const arms = effective(offer, variantId);
  const { locale, copy } = resolveCopy(arms.copy, input.locale, settings);
  const token = offerToken(offer.id, variantId, moment, payload.publishedAt);
  const shown: ShownOffer = {
    offerId: offer.id,
    type: offer.type,
    moment,
    rank,
    slot,
    locale,
    copy,
    price: priced.price,
    lines: offer.items.map((item, i) => {
      const line: LineToAdd = {
        action: swap ? "swap" : "add",
        productId: item.productId,
        variantId: item.variantId,
        quantity: priced.qty[i]!,
        listTotal: priced.list[i]!,
        finalTotal: priced.split[i]!,
        attributes: {
          [ATTR.offer]: offer.id,
          [ATTR.variant]: variantId || "",
          [ATTR.moment]: moment,
          [ATTR.token]: token,
        },
      };
      if (item.sellingPlanId) line.sellingPlanId = item.sellingPlanId;
      if (swap && from) line.replacesVariantId = from.variantId;
      return line;
    }),
  };
  if (offer.experiment && variantId) {
    shown.experimentId = offer.experiment.id;
    shown.variantId = variantId;
  }
  if (arms.design) shown.design = arms.design;
  return shown;
}
