import type { ShownOffer } from "@moments/engine";
import { GatewayRefusal, type ShopGateway } from "~/gateway/types";

/**
 * The offer added to the paid order by Shopify's order editing (decision 026): begin, add each of
 * the offer's variants at Shopify's price for the order, discount each added line down to the
 * engine's price, check what Shopify calculated, and only then commit, with the buyer notified.
 * Nothing reaches the order before the commit: any refusal or surprise on the way leaves it as paid.
 */
export type EditOutcome =
  | { committed: true; chargedMinor: number; balanceMinor: number }
  /** Nothing was applied: Shopify refused, could not be reached before the commit, or priced above the offer. */
  | { committed: false; applied: "nothing"; reason: string; unreachable: boolean }
  /** The commit was sent and its answer lost: the order may or may not hold the offer. */
  | { committed: false; applied: "unknown"; reason: string };

/** Up to 60 characters of the offer's title: the discount's description on the order. */
const describe = (offer: ShownOffer) => (offer.copy.title || "Offer").slice(0, 60);

export function staffNote(offer: ShownOffer, surface: string): string {
  return `Moments: "${describe(offer)}" (offer ${offer.offerId}) added by the buyer on the ${surface} page.`.slice(
    0,
    255,
  );
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function addOfferToOrder(
  gateway: ShopGateway,
  orderId: string,
  offer: ShownOffer,
  note: string,
): Promise<EditOutcome> {
  let charged = 0;
  let session;
  try {
    session = await gateway.beginOrderEdit(orderId);
    for (const line of offer.lines) {
      const added = await session.addVariant(line.variantId, line.quantity);
      if (added.currency !== offer.price.currency) {
        return {
          committed: false,
          applied: "nothing",
          unreachable: false,
          reason: `Shopify prices the order in ${added.currency}, the offer is in ${offer.price.currency}`,
        };
      }
      let unit = added.unitMinor;
      const over = added.unitMinor * added.quantity - line.finalTotal;
      // Shopify's price above the offer's: a fixed discount per unit brings the line to the offer's
      // price (rounded in the buyer's favour); at or below it, the buyer pays Shopify's price.
      if (over > 0)
        unit = (await session.discountLine(added, Math.ceil(over / added.quantity), describe(offer)))
          .discountedUnitMinor;
      charged += unit * added.quantity;
    }
  } catch (error) {
    return {
      committed: false,
      applied: "nothing",
      unreachable: !(error instanceof GatewayRefusal),
      reason: message(error),
    };
  }
  if (charged > offer.price.final) {
    return {
      committed: false,
      applied: "nothing",
      unreachable: false,
      reason: `Shopify calculated ${charged} for the offer's items, above its price ${offer.price.final}`,
    };
  }
  try {
    const { balanceMinor } = await session.commit({ notifyCustomer: true, staffNote: note });
    return { committed: true, chargedMinor: charged, balanceMinor };
  } catch (error) {
    if (error instanceof GatewayRefusal)
      return { committed: false, applied: "nothing", unreachable: false, reason: error.message };
    return { committed: false, applied: "unknown", reason: message(error) };
  }
}
