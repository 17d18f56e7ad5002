import { createHash } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import type { ThankYouAccepted } from "@moments/contracts";
import type { ShownOffer } from "@moments/engine";
import { ingestEvents } from "~/measurement/ingest.server";
import {
  claimOrderEdit,
  findOrderEdit,
  markCommitted,
  markInvoice,
  markNotCommitted,
  type OrderEditRow,
} from "~/models/order-edits.server";
import { markFallbackAccepted } from "~/models/thank-you-fallback.server";
import { buyerKeyOf, decidePostPurchaseOffer } from "~/post-purchase/offer.server";
import { shopSettings } from "~/publish/publish.server";
import { ThankYouRefusal, type AcceptRequest, type ThankYouContext } from "./context.server";
import { fallbackState, thankYouOffer } from "./decide.server";
import { addOfferToOrder, staffNote } from "./order-edit.server";

/**
 * POST /api/thank-you/accept (decision 026): the offer re-decided on the server for the order
 * Shopify holds, refused unless it is the offer and price the buyer saw, claimed once per (order,
 * offer), added to the paid order, and Shopify's invoice sent for the balance. The accept is
 * recorded for measurement like every other surface's, with its value in minor units.
 */
export async function acceptThankYouOffer(
  prisma: PrismaClient,
  ctx: ThankYouContext,
  body: AcceptRequest,
  now = new Date(),
): Promise<ThankYouAccepted> {
  const shopId = ctx.shop.id;
  if ((await shopSettings(prisma, shopId)).thankYouAccept === "new_checkout") {
    throw new ThankYouRefusal(409, "this shop takes thank-you offers through a new checkout");
  }
  // Answered before deciding again: once added, the offer is "accepted" and "just bought" for the
  // engine, so only the stored outcome can answer a retry. A failed attempt may be tried again.
  const earlier = await findOrderEdit(prisma, shopId, ctx.order.id, body.offerId);
  if (earlier && earlier.status !== "failed") return settledAnswer(earlier);

  const offer = await currentOffer(prisma, ctx, body, now);
  if (offer.lines.some((l) => l.action !== "add"))
    throw new ThankYouRefusal(409, "an upgrade cannot be added to a paid order");
  if (body.expected.currency !== offer.price.currency || body.expected.final !== offer.price.final) {
    throw new ThankYouRefusal(
      409,
      `price mismatch: ${body.expected.final} ${body.expected.currency} != ${offer.price.final} ${offer.price.currency}`,
    );
  }
  if (offer.price.currency !== ctx.order.currency)
    throw new ThankYouRefusal(409, `the order is in ${ctx.order.currency}, the offer in ${offer.price.currency}`);
  if (!ctx.order.editable)
    throw new ThankYouRefusal(
      409,
      `Shopify cannot edit this order: ${ctx.order.notEditableReasons.join("; ") || "not editable"}`,
    );

  // Measurement keys: the block's journey for a thank-you offer; the post-purchase decision's key
  // (the purchase's reference id) for the fallback, whose arm was assigned with it.
  const journeyKey = offer.moment === "post_purchase" ? buyerKeyOf(ctx.purchase) : ctx.journeyKey;
  const claim = await claimOrderEdit(prisma, shopId, { orderId: ctx.order.id, offer, journeyKey });
  if (!claim.claimed) return settledAnswer(claim.row);

  const outcome = await addOfferToOrder(ctx.gateway, ctx.order.id, offer, staffNote(offer, "thank-you"));
  if (!outcome.committed) {
    await markNotCommitted(
      prisma,
      shopId,
      claim.id,
      outcome.applied === "unknown" ? "unknown" : "failed",
      outcome.reason,
    );
    if (outcome.applied === "unknown")
      throw new ThankYouRefusal(
        502,
        `Shopify's answer to the order edit was lost; the order may hold the offer: ${outcome.reason}`,
      );
    throw new ThankYouRefusal(outcome.unreachable ? 502 : 409, `nothing was added: ${outcome.reason}`);
  }
  await markCommitted(prisma, shopId, claim.id, outcome);
  if (offer.moment === "post_purchase")
    await markFallbackAccepted(prisma, shopId, ctx.purchase.referenceId, offer.offerId, outcome.chargedMinor);
  await recordAccept(prisma, ctx, offer, journeyKey, outcome.chargedMinor, now);

  // Shopify's invoice collects the balance; an invoice that fails leaves the edit in place (the
  // merchant sees the balance on the order and can send it from the admin).
  let invoiceSent = false;
  if (outcome.balanceMinor > 0) {
    try {
      await ctx.gateway.sendOrderInvoice(ctx.order.id);
      invoiceSent = true;
      await markInvoice(prisma, shopId, claim.id, { sentAt: new Date() });
    } catch (error) {
      await markInvoice(prisma, shopId, claim.id, { error: error instanceof Error ? error.message : String(error) });
    }
  }
  return {
    status: "added",
    offerId: offer.offerId,
    charged: { amount: outcome.chargedMinor, currency: offer.price.currency },
    balance: { amount: outcome.balanceMinor, currency: offer.price.currency },
    invoiceSent,
  };
}

/** The offer as the server decides it now: the thank-you moment's, or the fallback's post-purchase offer. */
async function currentOffer(
  prisma: PrismaClient,
  ctx: ThankYouContext,
  body: AcceptRequest,
  now: Date,
): Promise<ShownOffer> {
  if (body.moment === "thank_you") {
    const offer = await thankYouOffer(
      prisma,
      ctx,
      body.offerId,
      { device: body.device, returning: body.returning, declined: body.declined },
      now,
    );
    if (!offer) throw new ThankYouRefusal(409, "the offer is not eligible for this order");
    return offer;
  }
  const state = await fallbackState(prisma, ctx);
  if (!state.due) throw new ThankYouRefusal(409, state.reason);
  if (state.made !== body.offerId) throw new ThankYouRefusal(409, "the offer was not made for this order");
  const { offer } = await decidePostPurchaseOffer(prisma, ctx.shop.id, ctx.purchase, { now, gateway: ctx.gateway });
  if (!offer || offer.offerId !== body.offerId) throw new ThankYouRefusal(409, "the offer is no longer this order's");
  return offer;
}

/** An earlier request's outcome for the same order and offer: its answer again, or why not now. */
function settledAnswer(row: OrderEditRow): ThankYouAccepted {
  if (row.status === "committed") {
    return {
      status: "added",
      offerId: row.offerId,
      charged: { amount: row.chargedMinor, currency: row.currency },
      balance: { amount: row.balanceMinor, currency: row.currency },
      invoiceSent: row.invoiceSentAt !== null,
    };
  }
  if (row.status === "pending") throw new ThankYouRefusal(409, "the offer is already being added to this order");
  if (row.status === "unknown")
    throw new ThankYouRefusal(409, "an earlier attempt's outcome is unknown; the merchant will check the order");
  throw new ThankYouRefusal(409, `an earlier attempt failed: ${row.lastError ?? "nothing was added"}`);
}

/** One accept event per (order, offer): its id is derived from them, so a retry never counts twice. */
async function recordAccept(
  prisma: PrismaClient,
  ctx: ThankYouContext,
  offer: ShownOffer,
  journeyKey: string,
  valueMinor: number,
  now: Date,
): Promise<void> {
  const event: Record<string, unknown> = {
    id: createHash("sha256").update(`ty:accept:${ctx.order.id}:${offer.offerId}`).digest("hex").slice(0, 40),
    type: "accept",
    moment: offer.moment,
    surface: "thank_you",
    journeyKey,
    offerId: offer.offerId,
    arm: offer.armId ? "variant" : "none",
    currency: offer.price.currency,
    valueMinor,
    occurredAt: now.getTime(),
  };
  if (offer.armId) event.armId = offer.armId;
  if (offer.experimentId) event.experimentId = offer.experimentId;
  if (ctx.purchase.country) event.country = ctx.purchase.country;
  try {
    await ingestEvents(prisma, ctx.shop.id, [event], now);
  } catch (error) {
    console.error("thank-you: accept not recorded", error);
  }
}
