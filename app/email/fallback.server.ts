import type { Prisma, PrismaClient } from "@prisma/client";
import type { CartLine, Payload, ShownOffer } from "@moments/engine";
import { recordEmailExposures } from "./events.server";
import { decideOnOrder } from "./order-decision";
import type { OrderCreated } from "~/orders/order-payload.server";

type Tx = Prisma.TransactionClient;

/**
 * The post-purchase offer in the follow-up email (decision 026): a buyer whose checkout skipped the
 * post-purchase page (wallets) and whose thank-you page did not show its offer either gets it in
 * the email, when the shop has no email offer for the order. Scheduled with the order (the
 * post-purchase decision for it, as the post-purchase page would have made it: the same payload,
 * the purchase's reference id as the key) and checked again before sending, since the thank-you
 * page may show it after the order arrived.
 */
export interface EmailFallback {
  moment: "post_purchase";
  /** The purchase's reference id (the checkout token), as post-purchase rows are keyed. */
  referenceId: string;
}

/** Has the post-purchase page or the thank-you page made a post-purchase offer for this order? */
export async function postPurchaseShown(
  prisma: PrismaClient | Tx,
  shopId: string,
  keys: readonly string[],
): Promise<boolean> {
  const known = keys.filter(Boolean);
  if (!known.length) return false;
  const row = await prisma.postPurchaseOffer.findFirst({
    where: { shopId, OR: [{ referenceId: { in: known } }, { orderId: { in: known } }] },
    select: { id: true },
  });
  return row !== null;
}

/**
 * The post-purchase offer the email may carry for this order, or null: none when either page
 * already made one, when the order came without a checkout, or when the decision holds the buyer
 * out or has no offer the post-purchase page could have added (swaps are not offered there).
 */
export async function postPurchaseForEmail(
  tx: Tx,
  shopId: string,
  order: OrderCreated,
  lines: CartLine[],
  payload: Payload,
  now: Date,
): Promise<{ offer: ShownOffer; fallback: EmailFallback } | null> {
  const referenceId = order.checkoutToken;
  if (!referenceId || !payload.offers.some((o) => o.moments.includes("post_purchase"))) return null;
  if (await postPurchaseShown(tx, shopId, [referenceId, order.shopifyId])) return null;
  const decision = decideOnOrder(order, lines, "post_purchase", referenceId, payload, now);
  const md = decision.moments[0];
  // The thank-you page deciding the same later sends the same event ids, so nothing counts twice.
  await recordEmailExposures(tx, shopId, order, md, referenceId, now);
  const offer = md?.offers.find((o) => o.slot === 1);
  if (!offer || offer.lines.some((l) => l.action !== "add")) return null;
  return { offer, fallback: { moment: "post_purchase", referenceId } };
}
