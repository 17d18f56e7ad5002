import type { PrismaClient } from "@prisma/client";
import {
  decide,
  exposureEventFields,
  type CartLine,
  type CurrencyDisplay,
  type Decision,
  type MomentId,
  type ShownOffer,
} from "@moments/engine";
import { lineFactsForPayload, withLineFacts, type GatewaySource } from "~/catalog/line-facts.server";
import { decimalToMinor } from "~/lib/decimal";
import { toSafeNumber } from "~/lib/bigint";
import { ingestEvents } from "~/measurement/ingest.server";
import { getPublishedPayload } from "~/publish/publish.server";
import type { PostPurchaseInputData } from "./token.server";
import { withJourneyPins } from "~/allocation/pins.server";
import { buyerKeyOf, offerView, type ServedOfferView } from "./offer-view";

export {
  buyerKeyOf,
  changesFor,
  MAX_QUANTITY_MULTIPLE,
  maxMultiple,
  offerView,
  priceFor,
  type ServedOfferView,
} from "./offer-view";

/** Shopify accepts at most this many post-purchase changesets per order; so do we. */
export const MAX_ACCEPTED_PER_PURCHASE = 3;
/** Offers made on the post-purchase page per purchase (the first plus downsells/next offers). */
export const MAX_STEPS = 3;

/** The purchase as the engine sees it: what was just bought is the "cart". Money in minor units. */
export interface Purchase {
  referenceId: string;
  /** The order GID when known (demo, thank-you, email); post-purchase knows only the reference. */
  orderId?: string;
  customerId?: string;
  currency: string;
  country?: string;
  locale?: string;
  lines: CartLine[];
  subtotal: number;
}

const gid = (type: string, id: string) => (id.startsWith("gid://") ? id : `gid://shopify/${type}/${id}`);

/** From the verified token's `input_data` (presentment currency: what the buyer paid in). */
export function purchaseFromInput(input: PostPurchaseInputData): Purchase {
  const p = input.initialPurchase;
  const currency = p.totalPriceSet.presentmentMoney.currencyCode.toUpperCase();
  const lines: CartLine[] = p.lineItems.map((l) => {
    const total = decimalToMinor(l.totalPriceSet.presentmentMoney.amount, currency);
    const line: CartLine = {
      productId: gid("Product", l.product.id),
      variantId: gid("ProductVariant", l.product.variant.id),
      quantity: l.quantity,
      unitPrice: Math.floor(total / l.quantity),
    };
    if (l.sellingPlanId) line.sellingPlanId = gid("SellingPlan", l.sellingPlanId);
    return line;
  });
  const purchase: Purchase = {
    referenceId: p.referenceId,
    currency,
    lines,
    subtotal: lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0),
  };
  if (p.customerId) purchase.customerId = gid("Customer", p.customerId);
  if (p.destinationCountryCode) purchase.country = p.destinationCountryCode.toUpperCase();
  if (input.locale) purchase.locale = input.locale;
  return purchase;
}

/**
 * The journey key: the initial purchase's reference id, which is its checkout token (orders/create
 * carries it as `checkout_token`), so post-purchase exposures and events join the order, and the
 * arm is the one the checkout's journey had when it keyed by the token.
 */

export interface OffersMade {
  offered: string[];
  accepted: string[];
  declined: string[];
  /** Every offer made for the order, whatever its outcome (never make one of these again). */
  all: string[];
}

/**
 * What was already offered for an order, by its post-purchase reference id and/or order GID: the
 * thank-you fallback and the follow-up email exclude `all` so an order never sees an offer twice.
 */
export async function offersAlreadyMadeForOrder(
  prisma: PrismaClient,
  shopId: string,
  referenceIdOrOrderId: string | readonly string[],
): Promise<OffersMade> {
  const keys = (typeof referenceIdOrOrderId === "string" ? [referenceIdOrOrderId] : [...referenceIdOrOrderId]).filter(
    Boolean,
  );
  const made: OffersMade = { offered: [], accepted: [], declined: [], all: [] };
  if (keys.length === 0) return made;
  const rows = await prisma.postPurchaseOffer.findMany({
    where: { shopId, OR: [{ referenceId: { in: keys } }, { orderId: { in: keys } }] },
    orderBy: [{ step: "asc" }, { createdAt: "asc" }],
  });
  for (const r of rows) {
    if (made.all.includes(r.offerId)) continue;
    made.all.push(r.offerId);
    (r.status === "accepted" ? made.accepted : r.status === "declined" ? made.declined : made.offered).push(r.offerId);
  }
  return made;
}

export interface PostPurchaseDecision {
  offer: ShownOffer | null;
  /** Why there is no offer, in plain words (for logs, the demo page and the extension's tests). */
  reason?: string;
  decision?: Decision;
  /** The merchant's price display (Settings), for the surface that formats the amounts. */
  currencyDisplay?: CurrencyDisplay;
}

/**
 * The one server-side decision for a purchase's post-purchase offer: the engine, on the shop's
 * published payload, with the purchase as cart, its products as purchased, and the offers already
 * accepted or declined for it as the journey: a declined offer's linked downsell comes next, in
 * its place (decision 027). Swap offers (variant / plan upgrades) are the engine's
 * `swap_unavailable` here: a changeset cannot change a purchased line. Deterministic: the same
 * purchase and history give the same offer, so the signer re-decides and the thank-you fallback
 * shows "the same offer".
 */
export async function decidePostPurchaseOffer(
  prisma: PrismaClient,
  shopId: string,
  purchase: Purchase,
  opts: { now?: Date; moments?: readonly MomentId[]; excludeAllMade?: boolean; gateway?: GatewaySource } = {},
): Promise<PostPurchaseDecision> {
  const published = await getPublishedPayload(prisma, shopId);
  if (!published) return { offer: null, reason: "nothing published" };
  // The arm this journey was first counted in, when the weights moved since (decision 030).
  const payload = await withJourneyPins(prisma, shopId, buyerKeyOf(purchase), published);
  // The purchase carries product ids only; tag and collection triggers need the catalog's facts
  // (cached, so the signer's re-decision sees what the offer call saw).
  const facts = await lineFactsForPayload(
    prisma,
    shopId,
    payload,
    purchase.lines.map((l) => l.productId),
    { gateway: opts.gateway },
  );
  const lines = withLineFacts(purchase.lines, facts);
  const made = await offersAlreadyMadeForOrder(prisma, shopId, [purchase.referenceId, purchase.orderId ?? ""]);
  // Only the buyer's own "no"s are declines (the "a no ends the journey" setting reads them); offers
  // merely made are set aside as inactive, not left out, so the downsell links that name them hold.
  const setAside = new Set(opts.excludeAllMade ? made.all : []);
  const offers = setAside.size
    ? payload.offers.map((o) => (setAside.has(o.id) ? { ...o, status: "paused" as const } : o))
    : payload.offers;
  const moments = opts.moments ?? (["post_purchase"] as const);
  const { currencyDisplay } = payload.settings;
  const decision = decide({
    now: (opts.now ?? new Date()).getTime(),
    moments,
    buyerKey: buyerKeyOf(purchase),
    cart: { lines, subtotal: purchase.subtotal, currency: purchase.currency },
    country: purchase.country,
    locale: purchase.locale,
    purchasedProductIds: purchase.lines.map((l) => l.productId),
    journey: { accepted: made.accepted, declined: made.declined },
    payload: setAside.size ? { ...payload, offers } : payload,
  });
  // The page is one placement: place 1, empty when the buyer is held out of it (never the next offer).
  const offer = decision.moments.flatMap((m) => m.offers).find((o) => o.slot === 1);
  if (offer) return { offer, decision, currencyDisplay };
  const held = decision.moments.some((m) => m.exposures.some((x) => x.slot === 1 && x.arm === "holdout"));
  return { offer: null, reason: held ? "held out" : "no eligible offer", decision, currencyDisplay };
}

export type NextOffer = { offer: ServedOfferView; shown: ShownOffer } | { offer: null; reason: string };

/**
 * The offer to show now for this purchase (the pending one again when ShouldRender runs twice),
 * recorded as offered; null once MAX_STEPS offers were made or MAX_ACCEPTED were accepted.
 */
export async function nextPostPurchaseOffer(
  prisma: PrismaClient,
  shopId: string,
  purchase: Purchase,
  now = new Date(),
): Promise<NextOffer> {
  const rows = await prisma.postPurchaseOffer.findMany({ where: { shopId, referenceId: purchase.referenceId } });
  if (rows.filter((r) => r.status === "accepted").length >= MAX_ACCEPTED_PER_PURCHASE)
    return { offer: null, reason: "accepted limit reached" };
  const { offer, reason, currencyDisplay, decision } = await decidePostPurchaseOffer(prisma, shopId, purchase, { now });
  if (decision) await recordPostPurchaseExposures(prisma, shopId, purchase, decision, now);
  if (!offer) return { offer: null, reason: reason ?? "no offer" };
  const existing = rows.find((r) => r.offerId === offer.offerId);
  if (existing && existing.status !== "offered") return { offer: null, reason: "offer already settled" };
  if (!existing && rows.length >= MAX_STEPS) return { offer: null, reason: "step limit reached" };
  const step = existing?.step ?? rows.length + 1;
  if (!existing)
    await recordOfferMade(
      prisma,
      shopId,
      { referenceId: purchase.referenceId, orderId: purchase.orderId },
      offer,
      step,
    );
  return { offer: offerView(offer, purchase, step, currencyDisplay), shown: offer };
}

/**
 * Logs the decision's exposures (hold-out and variants alike) on the server, where the offer is
 * decided: one code path, no round trip through the extension. Deterministic ids make the next
 * call's (ShouldRender runs twice, downsells re-decide) duplicates. Never fails the buyer's flow.
 */
async function recordPostPurchaseExposures(
  prisma: PrismaClient,
  shopId: string,
  purchase: Purchase,
  decision: Decision,
  now: Date,
): Promise<void> {
  const key = buyerKeyOf(purchase);
  const events = decision.moments.flatMap((m) =>
    m.exposures.map((x) => {
      const e = Object.assign(exposureEventFields(x, key), {
        surface: "post_purchase" as const,
        occurredAt: now.getTime(),
      });
      return purchase.country ? Object.assign(e, { country: purchase.country }) : e;
    }),
  );
  if (!events.length) return;
  try {
    await ingestEvents(prisma, shopId, events, now);
  } catch (error) {
    console.error("post-purchase: exposures not recorded", error);
  }
}

/**
 * Records that `offer` was made for an order (idempotent). The thank-you fallback and the email
 * call it too (referenceId = the order GID when there was no post-purchase page), so that
 * `offersAlreadyMadeForOrder` sees every surface's offers.
 */
/** What every post-purchase row (an offer made, an upsell signed) keeps of the purchase and the offer. */
export const offerColumns = (purchase: { referenceId: string; orderId?: string }, offer: ShownOffer) => ({
  referenceId: purchase.referenceId,
  orderId: purchase.orderId ?? null,
  offerId: offer.offerId,
  experimentId: offer.experimentId ?? null,
  armId: offer.armId ?? null,
  moment: offer.moment,
});

export async function recordOfferMade(
  prisma: PrismaClient,
  shopId: string,
  order: { referenceId: string; orderId?: string },
  offer: ShownOffer,
  step = 1,
): Promise<void> {
  await prisma.postPurchaseOffer.upsert({
    where: { shopId_referenceId_offerId: { shopId, referenceId: order.referenceId, offerId: offer.offerId } },
    create: {
      shopId,
      ...offerColumns(order, offer),
      step,
      currency: offer.price.currency,
      finalMinor: offer.price.final,
    },
    update: {},
  });
}

/** Once the order GID of a post-purchase reference id is known, offers and upsells are found by it. */
export async function linkPurchaseToOrder(
  prisma: Pick<PrismaClient, "postPurchaseOffer" | "postPurchaseUpsell">,
  shopId: string,
  referenceId: string,
  orderId: string,
): Promise<void> {
  await prisma.postPurchaseOffer.updateMany({ where: { shopId, referenceId, orderId: null }, data: { orderId } });
  await prisma.postPurchaseUpsell.updateMany({ where: { shopId, referenceId, orderId: null }, data: { orderId } });
}

/**
 * Attribution of post-purchase additions: the line a changeset adds carries no properties, so the
 * signed upsell rows are the record (offer, experiment arm, moment, Shopify variants, price).
 */
export async function postPurchaseUpsellsFor(
  prisma: PrismaClient,
  shopId: string,
  referenceIdOrOrderId: string | readonly string[],
) {
  const keys = (typeof referenceIdOrOrderId === "string" ? [referenceIdOrOrderId] : [...referenceIdOrOrderId]).filter(
    Boolean,
  );
  const rows = await prisma.postPurchaseUpsell.findMany({
    where: { shopId, OR: [{ referenceId: { in: keys } }, { orderId: { in: keys } }] },
    orderBy: { signedAt: "asc" },
  });
  return rows.map((r) => ({
    referenceId: r.referenceId,
    orderId: r.orderId,
    offerId: r.offerId,
    experimentId: r.experimentId,
    armId: r.armId,
    moment: r.moment,
    variantIds: JSON.parse(r.variantIds) as string[],
    quantity: r.quantity,
    currency: r.currency,
    finalMinor: toSafeNumber(r.finalMinor, "finalMinor"),
    jti: r.jti,
    signedAt: r.signedAt,
  }));
}

/** Marks an offered offer declined; false when it was not pending for this purchase. */
export async function recordDecline(
  prisma: PrismaClient,
  shopId: string,
  referenceId: string,
  offerId: string,
): Promise<boolean> {
  const { count } = await prisma.postPurchaseOffer.updateMany({
    where: { shopId, referenceId, offerId, status: "offered" },
    data: { status: "declined" },
  });
  return count === 1;
}
