import type { PrismaClient } from "@prisma/client";
import type { ThankYouOfferAnswer } from "@moments/contracts";
import { decide, exposureEventFields, type Decision, type ShownOffer } from "@moments/engine";
import { lineFactsForPayload, withLineFacts } from "~/catalog/line-facts.server";
import { ingestEvents } from "~/measurement/ingest.server";
import { committedOffers } from "~/models/order-edits.server";
import { FALLBACK_SURFACE, postPurchaseOffersMade, recordFallbackOffer } from "~/models/thank-you-fallback.server";
import { buyerKeyOf, decidePostPurchaseOffer } from "~/post-purchase/offer.server";
import { getPublishedPayload } from "~/publish/publish.server";
import type { ThankYouContext } from "./context.server";
import { withJourneyPins } from "~/allocation/pins.server";

/**
 * The server's decisions for the thank-you page (decision 026), on the shop's published payload
 * and the order as Shopify holds it: the thank-you moment's offer (re-decided at accept, so the
 * price is the engine's, never the page's), and the post-purchase moment's offer for a buyer whose
 * checkout skipped the post-purchase page (wallets), shown there instead.
 */

/** What only the page knows and may tell: hints that choose among the merchant's published offers. */
export interface PageHints {
  device?: "mobile" | "desktop";
  returning?: boolean;
  /** Offers the buyer declined earlier in the journey (a declined offer's downsell may take its place). */
  declined?: readonly string[];
}

/** The thank-you moment's decision for the order, as the block decided it (same payload, same journey key). */
export async function decideThankYou(
  prisma: PrismaClient,
  ctx: ThankYouContext,
  hints: PageHints,
  now: Date,
): Promise<Decision | null> {
  const published = await getPublishedPayload(prisma, ctx.shop.id);
  if (!published) return null;
  // The arm this journey was first counted in, when the weights moved since (decision 030).
  const payload = await withJourneyPins(prisma, ctx.shop.id, ctx.journeyKey, published);
  const { purchase } = ctx;
  const facts = await lineFactsForPayload(
    prisma,
    ctx.shop,
    payload,
    purchase.lines.map((l) => l.productId),
    { gateway: ctx.gateway },
  );
  const lines = withLineFacts(purchase.lines, facts);
  return decide({
    now: now.getTime(),
    moments: ["thank_you"],
    buyerKey: ctx.journeyKey,
    cart: { lines, subtotal: purchase.subtotal, currency: purchase.currency },
    country: purchase.country,
    locale: purchase.locale,
    device: hints.device,
    buyer: { returning: !!hints.returning },
    purchasedProductIds: purchase.lines.map((l) => l.productId),
    journey: { accepted: await committedOffers(prisma, ctx.shop.id, ctx.order.id), declined: hints.declined ?? [] },
    payload,
  });
}

/** The thank-you offer `offerId` as the engine prices it for this order now, or null when it is not eligible. */
export async function thankYouOffer(
  prisma: PrismaClient,
  ctx: ThankYouContext,
  offerId: string,
  hints: PageHints,
  now: Date,
): Promise<ShownOffer | null> {
  const decision = await decideThankYou(prisma, ctx, hints, now);
  return decision?.moments.flatMap((m) => m.offers).find((o) => o.offerId === offerId) ?? null;
}

/** The keys post-purchase rows of this order may carry: the reference id (checkout token) and the order GID. */
const orderKeys = (ctx: ThankYouContext) => [ctx.purchase.referenceId, ctx.order.id];

export type FallbackState = { due: true; made: string | null } | { due: false; reason: string };

/**
 * Is the post-purchase offer due on the thank-you page? Only when the post-purchase page made no
 * offer for this checkout (it was skipped: a wallet, or Shopify did not show it), and at most one
 * fallback offer per order: once the buyer took or refused it, none again.
 */
export async function fallbackState(prisma: PrismaClient, ctx: ThankYouContext): Promise<FallbackState> {
  const made = await postPurchaseOffersMade(prisma, ctx.shop.id, orderKeys(ctx));
  if (made.some((m) => m.surface !== FALLBACK_SURFACE))
    return { due: false, reason: "the post-purchase page made its offer for this checkout" };
  const settled = made.find((m) => m.status !== "offered");
  if (settled) return { due: false, reason: `the thank-you page's post-purchase offer was already ${settled.status}` };
  return { due: true, made: made[0]?.offerId ?? null };
}

/**
 * POST /api/thank-you/offer: the post-purchase moment's offer for this order when the post-purchase
 * page did not show one, recorded as made on the thank-you page (so the page, the email and a
 * later request agree), with its exposures logged here, where it is decided.
 */
export async function fallbackOffer(
  prisma: PrismaClient,
  ctx: ThankYouContext,
  now: Date,
): Promise<ThankYouOfferAnswer> {
  const state = await fallbackState(prisma, ctx);
  if (!state.due) return { offer: null, reason: state.reason };
  const { offer, reason, decision } = await decidePostPurchaseOffer(prisma, ctx.shop.id, ctx.purchase, {
    now,
    gateway: ctx.gateway,
  });
  if (decision) await recordExposures(prisma, ctx, decision, now);
  if (!offer) return { offer: null, reason: reason ?? "no offer" };
  if (state.made && state.made !== offer.offerId)
    return { offer: null, reason: "the offer made earlier is no longer eligible" };
  await recordFallbackOffer(
    prisma,
    ctx.shop.id,
    { referenceId: ctx.purchase.referenceId, orderId: ctx.order.id },
    offer,
  );
  return { offer };
}

/**
 * The decision's exposures, hold-out and variants alike, from the thank-you surface (ids dedupe
 * repeats), under the key the post-purchase decision assigns arms with: the purchase's reference id.
 */
async function recordExposures(
  prisma: PrismaClient,
  ctx: ThankYouContext,
  decision: Decision,
  now: Date,
): Promise<void> {
  const events = decision.moments.flatMap((m) =>
    m.exposures.map((x) => {
      const e = Object.assign(exposureEventFields(x, buyerKeyOf(ctx.purchase)), {
        surface: "thank_you" as const,
        occurredAt: now.getTime(),
      });
      return ctx.purchase.country ? Object.assign(e, { country: ctx.purchase.country }) : e;
    }),
  );
  if (!events.length || ctx.order.test) return;
  try {
    await ingestEvents(prisma, ctx.shop.id, events, now);
  } catch (error) {
    console.error("thank-you: exposures not recorded", error);
  }
}
