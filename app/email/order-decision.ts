import { decide, type CartLine, type Decision, type MomentId, type Payload } from "@moments/engine";
import type { OrderCreated } from "~/orders/order-payload.server";

/**
 * The engine's decision for one moment on a placed order: the order's lines are the "cart" (they
 * trigger offers, and what was bought is excluded), priced in the buyer's currency.
 */
export function decideOnOrder(
  order: OrderCreated,
  lines: CartLine[],
  moment: MomentId,
  buyerKey: string,
  payload: Payload,
  now: Date,
  buyerTags?: string[],
): Decision {
  const sameCurrency = order.presentmentCurrency === order.currency;
  return decide({
    now: now.getTime(),
    moments: [moment],
    buyerKey,
    cart: {
      lines,
      subtotal: sameCurrency ? order.subtotalMinor : order.presentmentTotalMinor,
      currency: order.presentmentCurrency,
    },
    country: order.country ?? undefined,
    locale: order.locale ?? undefined,
    ...(buyerTags ? { buyer: { tags: buyerTags } } : {}),
    purchasedProductIds: lines.map((l) => l.productId),
    payload,
  });
}
