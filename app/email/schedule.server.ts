import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { ATTR, decodePayload, type CartLine, type ShownOffer } from "@moments/engine";
import { withLineFacts } from "~/catalog/line-facts.server";
import { env } from "~/env.server";
import type { OrderCreatedContext, OrderCreatedHandler } from "~/orders/order-created";
import type { OrderCreated } from "~/orders/order-payload.server";
import type { EmailContent } from "./content.server";
import { messageIdFor } from "./content.server";
import { storedLocale } from "./i18n.server";
import { emailHash } from "./tokens.server";
import { recordEmailExposures, recordEmailPurchase } from "./events.server";
import { postPurchaseForEmail, type EmailFallback } from "./fallback.server";
import { decideOnOrder } from "./order-decision";
import { withJourneyPins } from "~/allocation/pins.server";

type Tx = Prisma.TransactionClient;

export const EMAIL_DELAY_MIN_HOURS = 24;
export const EMAIL_DELAY_MAX_HOURS = 72;
const clampDelay = (h: number) => Math.min(EMAIL_DELAY_MAX_HOURS, Math.max(EMAIL_DELAY_MIN_HOURS, Math.round(h)));

export type ScheduleOutcome =
  | { scheduled: true; outboxId: string; dueAt: Date; offerId: string }
  | {
      scheduled: false;
      reason: "no_consent" | "no_email" | "unsubscribed" | "not_published" | "no_offer" | "already_scheduled";
    };

export interface ScheduleOptions {
  now: Date;
  /** Public base URL of the app: the Message-ID's host. */
  appUrl: string;
}

/**
 * The email's journey key: the journey of the order that scheduled it, so its exposures join that
 * journey's arms and orders. The order's `_moments_journey` attribute (written by the storefront or
 * checkout), else its checkout token (the key checkout and post-purchase use when no attribute was
 * written); the customer or email hash only for an order that carries neither (e.g. created by API).
 * `checkoutToken` is read when the orders/create parser provides it (app/orders).
 */
export function orderJourneyKey(order: OrderCreated & { checkoutToken?: string | null }): string {
  return order.attributes[ATTR.journey] || order.checkoutToken || order.customerId || emailHash(order.email ?? "");
}

/**
 * orders/create -> at most one follow-up email for the order. Runs inside the webhook's
 * transaction, so the outbox row commits with the order (or not at all). Nothing is scheduled
 * without the buyer's marketing consent, for an unsubscribed buyer, or twice for one order.
 */
export async function scheduleFollowUp(
  tx: Tx,
  ctx: OrderCreatedContext,
  opts: ScheduleOptions,
): Promise<ScheduleOutcome> {
  const { order, shopId } = ctx;
  if (!order.marketingConsent) return { scheduled: false, reason: "no_consent" };
  if (!order.email) return { scheduled: false, reason: "no_email" };
  const hash = emailHash(order.email);
  const unsubscribed = await tx.emailUnsubscribe.findFirst({
    where: { shopId, OR: [{ emailHash: hash }, ...(order.customerId ? [{ customerId: order.customerId }] : [])] },
    select: { shopId: true },
  });
  if (unsubscribed) return { scheduled: false, reason: "unsubscribed" };
  const existing = await tx.outboxMessage.findUnique({
    where: { shopId_orderShopifyId: { shopId, orderShopifyId: order.shopifyId } },
    select: { id: true },
  });
  if (existing) return { scheduled: false, reason: "already_scheduled" };

  const publication = await tx.publication.findUnique({ where: { shopId } });
  const decoded = publication ? decodePayload(publication.payload) : null;
  if (!decoded?.ok) return { scheduled: false, reason: "not_published" };

  // The order's lines are the email's "cart": they trigger offers, and what was bought is excluded.
  const sameCurrency = order.presentmentCurrency === order.currency;
  const orderLines: CartLine[] = order.lines
    .filter((l) => l.productId && l.variantId)
    .map((l) => ({
      productId: l.productId!,
      variantId: l.variantId!,
      quantity: l.quantity,
      unitPrice: sameCurrency ? l.unitMinor : 0,
      attributes: l.attributes,
    }));
  // Tag and collection triggers: facts the webhook fetched before this transaction.
  const lines = ctx.lineFacts ? withLineFacts(orderLines, ctx.lineFacts) : orderLines;
  const journeyKey = orderJourneyKey(order);
  // The arm this journey was first counted in, when the weights moved since (decision 030).
  const payload = await withJourneyPins(tx, shopId, journeyKey, decoded.payload);
  const decision = decideOnOrder(order, lines, "email", journeyKey, payload, opts.now, order.customerTags);
  const md = decision.moments[0];
  // In the webhook's transaction. A test order still gets its email, so a merchant can try the flow.
  await recordEmailExposures(tx, shopId, order, md, journeyKey, opts.now);
  // One email, one placement: place 1, or no email when the buyer is held out of it.
  let shown = md?.offers.find((o) => o.slot === 1);
  // No email offer for this order: the post-purchase offer, when neither the post-purchase page nor
  // the thank-you page made it (a wallet checkout skips the first; decision 026). Checked again at send.
  let fallback: EmailFallback | undefined;
  if (!shown && !md?.exposures.some((x) => x.slot === 1 && x.arm === "holdout")) {
    const pp = await postPurchaseForEmail(tx, shopId, order, lines, decoded.payload, opts.now);
    if (pp) ({ offer: shown, fallback } = pp);
  }
  if (!shown) return { scheduled: false, reason: "no_offer" };

  const [shop, settings, offerRow] = await Promise.all([
    tx.shop.findUnique({ where: { id: shopId }, select: { name: true, domain: true } }),
    tx.shopSettings.findUnique({ where: { shopId } }),
    tx.offer.findFirst({ where: { id: shown.offerId, shopId }, select: { definition: true } }),
  ]);
  const delayHours = clampDelay(offerDelayHours(offerRow?.definition) ?? settings?.emailDelayHours ?? 48);
  const dueAt = new Date(opts.now.getTime() + delayHours * 3_600_000);
  const content = contentFor(shown, ctx, {
    brandName: settings?.emailSenderName || shop?.name || ctx.shopDomain,
    fromAddress: settings?.emailSenderAddress || `no-reply@${shop?.domain ?? ctx.shopDomain}`,
    shopDomain: shop?.domain ?? ctx.shopDomain,
    currencyDisplay: decoded.payload.settings.currencyDisplay,
  });
  const id = newOutboxId();
  await tx.outboxMessage.create({
    data: {
      id,
      shopId,
      orderShopifyId: order.shopifyId,
      customerId: order.customerId,
      recipient: order.email,
      recipientHash: hash,
      locale: shown.locale,
      buyerLocale: storedLocale(order.locale),
      currency: shown.price.currency,
      offerId: shown.offerId,
      armId: shown.armId ?? null,
      experimentId: shown.experimentId ?? null,
      // The journey key travels in the content snapshot (no column for it): the send, the click
      // and the checkout link report under it (events.server journeyKeyOf).
      content: JSON.stringify({ ...content, journeyKey, ...(fallback ? { fallback } : {}) }),
      dueAt,
      nextAttemptAt: dueAt,
      messageId: messageIdFor(id, opts.appUrl),
    },
  });
  return { scheduled: true, outboxId: id, dueAt, offerId: shown.offerId };
}

/** An offer may set its own delay: `emailDelayHours` in its stored definition (24..72). */
function offerDelayHours(definition: string | undefined): number | null {
  if (!definition) return null;
  try {
    const v = (JSON.parse(definition) as { emailDelayHours?: unknown }).emailDelayHours;
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

/** The outbox id is also the Message-ID's local part and the demo `.eml` file name. */
const newOutboxId = () => `ob${randomUUID().replace(/-/g, "")}`;

function contentFor(
  shown: ShownOffer,
  ctx: OrderCreatedContext,
  shopFields: Pick<EmailContent, "brandName" | "fromAddress" | "shopDomain" | "currencyDisplay">,
): EmailContent {
  const first = ctx.order.lines[0];
  return {
    v: 1,
    ...shopFields,
    firstName: ctx.order.customerFirstName,
    purchased: { title: first?.title ?? ctx.order.name ?? "", quantity: first?.quantity ?? 1 },
    offer: offerContent(shown),
  };
}

/** The offer as an email shows it: the scheduler's content and the admin's preview share it. */
export function offerContent(shown: ShownOffer): EmailContent["offer"] {
  const { price } = shown;
  return {
    id: shown.offerId,
    type: shown.type,
    title: shown.copy.title,
    body: shown.copy.body ?? null,
    cta: shown.copy.cta ?? null,
    items: shown.lines.map((l) => ({ productId: l.productId, variantId: l.variantId, quantity: l.quantity })),
    price: { currency: price.currency, original: price.original, final: price.final, savings: price.savings },
    percentOff: price.original > 0 ? Math.floor((price.savings * 10000) / price.original) / 10000 : 0,
    ...(shown.design ? { design: shown.design } : {}),
    ...(shown.image ? { image: shown.image } : {}),
  };
}

/** The handler registered in app/orders/handlers.server.ts. */
export const emailOrderHandler: OrderCreatedHandler = async (tx, ctx) => {
  const now = new Date();
  await recordEmailPurchase(tx, ctx.shopId, ctx.order, now);
  await scheduleFollowUp(tx, ctx, { now, appUrl: env().SHOPIFY_APP_URL });
};
