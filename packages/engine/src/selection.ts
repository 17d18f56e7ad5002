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
  const armId = arm && arm.kind === "variant" ? arm.armId : undefined;
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
  const arms = effective(offer, armId);
  const { locale, copy } = resolveCopy(arms.copy, input.locale, settings);
  const token = offerToken(offer.id, armId, moment, payload.publishedAt);
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
          [ATTR.arm]: armId || "",
          [ATTR.moment]: moment,
          [ATTR.token]: token,
        },
      };
      // A swap keeps the line's own selling plan unless the offer names one (plan upgrade).
      const plan = item.sellingPlanId || (swap && from ? from.sellingPlanId : undefined);
      if (plan) line.sellingPlanId = plan;
      if (swap && from) {
        line.replacesVariantId = from.variantId;
        if (from.sellingPlanId) line.replacesSellingPlanId = from.sellingPlanId;
      }
      return line;
    }),
  };
  if (offer.experiment && armId) {
    shown.experimentId = offer.experiment.id;
    shown.armId = armId;
  }
  if (arms.design) shown.design = arms.design;
  if (offer.image) shown.image = offer.image[0]! + offer.image[1]!;
  if (candidate.replaces) shown.downsellOf = candidate.replaces.o.id;
  return shown;
}
