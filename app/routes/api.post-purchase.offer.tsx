import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db } from "~/db.server";
import { recordEvent } from "~/post-purchase/changeset.server";
import { postPurchaseAction, postPurchaseLoader } from "~/post-purchase/context.server";
import { nextPostPurchaseOffer, recordDecline } from "~/post-purchase/offer.server";
import { jsonError, jsonResponse } from "~/post-purchase/token.server";

/**
 * POST /api/post-purchase/offer (Authorization: Bearer <inputData.token>)
 * Body: {} for the current offer, or { declineOfferId } to decline it and get the next (downsell).
 * Answers { offer: PostPurchaseOfferView | null, reason? }.
 */
const Body = z.object({ declineOfferId: z.string().min(1).max(64).optional() });

export const loader = postPurchaseLoader;

export const action = ({ request }: ActionFunctionArgs) =>
  postPurchaseAction(request, async ({ shop, purchase }, raw) => {
    const body = Body.safeParse(raw);
    if (!body.success) return jsonError(400, body.error.issues[0]!.message);
    const prisma = db();
    if (body.data.declineOfferId) {
      const row = await prisma.postPurchaseOffer.findUnique({
        where: {
          shopId_referenceId_offerId: {
            shopId: shop.id,
            referenceId: purchase.referenceId,
            offerId: body.data.declineOfferId,
          },
        },
      });
      if (!row) return jsonError(404, "offer was not made for this purchase");
      if (await recordDecline(prisma, shop.id, purchase.referenceId, row.offerId)) {
        await recordEvent(prisma, shop.id, purchase, "decline", row.offerId, {
          experimentId: row.experimentId ?? undefined,
          armId: row.armId ?? undefined,
        });
      }
    }
    const next = await nextPostPurchaseOffer(prisma, shop.id, purchase);
    return jsonResponse(200, next.offer ? { offer: next.offer } : { offer: null, reason: next.reason });
  });
