import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db } from "~/db.server";
import { recordEvent } from "~/post-purchase/changeset.server";
import { jsonBody, requirePostPurchase } from "~/post-purchase/context.server";
import { nextPostPurchaseOffer, recordDecline } from "~/post-purchase/offer.server";
import { CORS_HEADERS, jsonError, jsonResponse } from "~/post-purchase/token.server";

/**
 * POST /api/post-purchase/offer (Authorization: Bearer <inputData.token>)
 * Body: {} for the current offer, or { declineOfferId } to decline it and get the next (downsell).
 * Answers { offer: PostPurchaseOfferView | null, reason? }.
 */
const Body = z.object({ declineOfferId: z.string().min(1).max(64).optional() });

export const loader = ({ request }: LoaderFunctionArgs) =>
  request.method === "OPTIONS" ? new Response(null, { status: 204, headers: CORS_HEADERS }) : jsonError(405, "use POST");

export async function action({ request }: ActionFunctionArgs) {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
  if (request.method !== "POST") return jsonError(405, "use POST");
  const { shop, purchase } = await requirePostPurchase(request);
  const body = Body.safeParse(await jsonBody(request));
  if (!body.success) return jsonError(400, body.error.issues[0]!.message);
  const prisma = db();
  if (body.data.declineOfferId) {
    const row = await prisma.postPurchaseOffer.findUnique({
      where: { shopId_referenceId_offerId: { shopId: shop.id, referenceId: purchase.referenceId, offerId: body.data.declineOfferId } },
    });
    if (!row) return jsonError(404, "offer was not made for this purchase");
    if (await recordDecline(prisma, shop.id, purchase.referenceId, row.offerId)) {
      await recordEvent(prisma, shop.id, purchase, "decline", row.offerId, { experimentId: row.experimentId ?? undefined, armVariantId: row.armVariantId ?? undefined });
    }
  }
  const next = await nextPostPurchaseOffer(prisma, shop.id, purchase);
  return jsonResponse(200, next.offer ? { offer: next.offer } : { offer: null, reason: next.reason });
}
