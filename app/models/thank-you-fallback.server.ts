import type { PrismaClient } from "@prisma/client";
import type { ShownOffer } from "@moments/engine";

/**
 * The post-purchase offers made for an order (PostPurchaseOffer rows), as the wallet fallback reads
 * and writes them (decision 026). `moment` holds the surface that made the offer (the schema's
 * meaning): `post_purchase` for the post-purchase page, `thank_you` for the fallback on the
 * thank-you page. Rows are found by the purchase's reference id (the checkout token) or the order
 * GID, whichever the surface knew.
 */
export const FALLBACK_SURFACE = "thank_you";

export interface MadeOffer {
  offerId: string;
  surface: string;
  status: string;
}

export async function postPurchaseOffersMade(
  prisma: PrismaClient,
  shopId: string,
  keys: readonly string[],
): Promise<MadeOffer[]> {
  const known = keys.filter(Boolean);
  if (!known.length) return [];
  const rows = await prisma.postPurchaseOffer.findMany({
    where: { shopId, OR: [{ referenceId: { in: known } }, { orderId: { in: known } }] },
    select: { offerId: true, moment: true, status: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => ({ offerId: r.offerId, surface: r.moment, status: r.status }));
}

/** Records the fallback offer made on the thank-you page (idempotent: the first record stays). */
export async function recordFallbackOffer(
  prisma: PrismaClient,
  shopId: string,
  order: { referenceId: string; orderId: string },
  offer: ShownOffer,
): Promise<void> {
  await prisma.postPurchaseOffer.upsert({
    where: { shopId_referenceId_offerId: { shopId, referenceId: order.referenceId, offerId: offer.offerId } },
    create: {
      shopId,
      referenceId: order.referenceId,
      orderId: order.orderId,
      offerId: offer.offerId,
      experimentId: offer.experimentId ?? null,
      armId: offer.armId ?? null,
      moment: FALLBACK_SURFACE,
      step: 1,
      currency: offer.price.currency,
      finalMinor: offer.price.final,
    },
    update: {},
  });
}

/** The fallback offer was added to the order. */
export async function markFallbackAccepted(
  prisma: PrismaClient,
  shopId: string,
  referenceId: string,
  offerId: string,
  finalMinor: number,
): Promise<void> {
  await prisma.postPurchaseOffer.updateMany({
    where: { shopId, referenceId, offerId, moment: FALLBACK_SURFACE },
    data: { status: "accepted", finalMinor },
  });
}
