import type { PrismaClient, Shop } from "@prisma/client";
import { assign, ATTR, decide, decodePayload, type Offer, type Payload } from "@moments/engine";
import { offerFromRow, shopSettings } from "~/publish/publish.server";
import { toSafeNumber } from "~/lib/bigint";
import type { ShopGateway } from "~/gateway/types";
import { renderEmail, type EmailContent } from "./content.server";
import { checkoutUrl } from "./outbox.server";
import { emailHash } from "./tokens.server";
import { offerContent, scheduleFollowUp } from "./schedule.server";
import { englishT, type AdminT } from "~/i18n/catalogue";

/** What the Emails admin page shows: counts, rates, the schedule and recent failures. */
export async function emailOverview(prisma: PrismaClient, shopId: string) {
  const [byStatus, clicked, optOuts, purchases, pending, failed, offers] = await Promise.all([
    prisma.outboxMessage.groupBy({ by: ["status"], where: { shopId }, _count: { _all: true } }),
    prisma.outboxMessage.count({ where: { shopId, status: "sent", clicks: { gt: 0 } } }),
    prisma.emailUnsubscribe.count({ where: { shopId } }),
    prisma.event.count({ where: { shopId, moment: "email", type: "purchase" } }),
    prisma.outboxMessage.findMany({
      where: { shopId, status: { in: ["pending", "sending"] } },
      orderBy: { nextAttemptAt: "asc" },
      take: 50,
      select: {
        id: true,
        recipient: true,
        offerId: true,
        locale: true,
        dueAt: true,
        nextAttemptAt: true,
        attempts: true,
        lastError: true,
        status: true,
      },
    }),
    prisma.outboxMessage.findMany({
      where: { shopId, status: "failed" },
      orderBy: { updatedAt: "desc" },
      take: 20,
      select: { id: true, recipient: true, offerId: true, attempts: true, lastError: true, updatedAt: true },
    }),
    prisma.offer.findMany({
      where: { shopId, moments: { some: { moment: "email" } }, status: { not: "archived" } },
      select: { id: true, name: true, status: true },
      orderBy: { name: "asc" },
    }),
  ]);
  const counts: Record<string, number> = { pending: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 };
  for (const r of byStatus) counts[r.status] = r._count._all;
  const sent = counts.sent ?? 0;
  const names = new Map(offers.map((o) => [o.id, o.name]));
  return {
    counts,
    /** Share of sent emails whose offer link was followed; purchases beside it. */
    takeRate: sent ? clicked / sent : null,
    purchaseRate: sent ? purchases / sent : null,
    /** Buyers who opted out, per sent email. */
    optOutRate: sent ? optOuts / sent : null,
    optOuts,
    pending: pending.map((p) => ({
      ...p,
      recipient: maskEmail(p.recipient),
      offerName: names.get(p.offerId) ?? p.offerId,
    })),
    failed: failed.map((f) => ({
      ...f,
      recipient: maskEmail(f.recipient),
      offerName: names.get(f.offerId) ?? f.offerId,
    })),
    offers,
  };
}

/** "jon@example.com" -> "j**@example.com": the admin lists the schedule without exposing addresses. */
export function maskEmail(email: string): string {
  const [user = "", domain = ""] = email.split("@");
  return `${user.slice(0, 1)}${"*".repeat(Math.max(2, user.length - 1))}@${domain}`;
}

export type PreviewResult = { ok: true; html: string; text: string; subject: string } | { ok: false; reason: string };

/**
 * The email an offer would send, rendered exactly as the worker renders it, for a made-up buyer
 * who just bought the offer's trigger product (or anything, when it has no trigger).
 */
export async function previewEmail(
  prisma: PrismaClient,
  shop: Shop,
  gateway: ShopGateway,
  offerId: string,
  opts: { locale: string; appUrl: string; secret: string; now?: Date; t?: AdminT },
): Promise<PreviewResult> {
  const now = opts.now ?? new Date();
  const t = opts.t ?? englishT;
  const row = await prisma.offer.findFirst({ where: { id: offerId, shopId: shop.id } });
  const parsed = row ? offerFromRow(row) : null;
  if (!row || !parsed) return { ok: false, reason: t("emails.previewNotFound") };
  const offer: Offer = {
    ...parsed,
    status: "active",
    moments: ["email"],
    startsAt: undefined,
    endsAt: undefined,
    experiment: undefined,
  };
  const currency = Object.keys(offer.items[0]?.prices ?? {})[0] ?? shop.currency;
  const trigger = offer.targeting?.products?.[0] ?? "gid://shopify/Product/1";
  const payload: Payload = {
    v: 1,
    publishedAt: now.getTime(),
    settings: { ...(await shopSettings(prisma, shop.id)), momentLimits: { email: 1 } },
    offers: [{ ...offer, targeting: offer.targeting?.products ? { products: offer.targeting.products } : undefined }],
  };
  const decision = decide({
    now: now.getTime(),
    moments: ["email"],
    buyerKey: "preview",
    cart: {
      lines: [{ productId: trigger, variantId: "gid://shopify/ProductVariant/1", quantity: 1, unitPrice: 0 }],
      subtotal: 0,
      currency,
    },
    locale: opts.locale,
    payload,
  });
  const shown = decision.moments[0]?.offers[0];
  if (!shown) {
    const why = decision.moments[0]?.excluded[0];
    return {
      ok: false,
      reason: why
        ? t("emails.previewNotSentBecause", { reason: why.reason.replace(/_/g, " ") })
        : t("emails.previewNotSent"),
    };
  }
  const [settings, products, purchased] = await Promise.all([
    prisma.shopSettings.findUnique({ where: { shopId: shop.id } }),
    gateway.getProducts([shown.lines[0]!.productId]).catch(() => []),
    offer.targeting?.products ? gateway.getProducts([trigger]).catch(() => []) : Promise.resolve([]),
  ]);
  const recipient = "buyer@example.com";
  const content: EmailContent = {
    v: 1,
    brandName: settings?.emailSenderName || shop.name,
    fromAddress: settings?.emailSenderAddress || `no-reply@${shop.domain}`,
    shopDomain: shop.domain,
    currencyDisplay: payload.settings.currencyDisplay,
    firstName: "Alex",
    purchased: { title: purchased[0]?.title ?? "your last order", quantity: 1 },
    offer: offerContent(shown),
    product: { title: products[0]?.title ?? shown.copy.title, imageUrl: products[0]?.imageUrl ?? null },
    discountCode: "MOMENTS-PREVIEW",
  };
  const fake = { offerId: shown.offerId, armId: null, customerId: null, recipientHash: emailHash(recipient) };
  content.checkoutUrl = checkoutUrl(shop.domain, content.offer.items, content.discountCode, fake);
  const rendered = renderEmail({
    outboxId: "preview",
    messageId: "<preview@moments>",
    shopId: shop.id,
    customerId: null,
    recipient,
    recipientHash: fake.recipientHash,
    // Previewed as a buyer with this locale reads it: fixed texts in it, copy in the engine's pick.
    locale: opts.locale,
    content,
    appUrl: opts.appUrl,
    secret: opts.secret,
    issuedAt: Math.floor(now.getTime() / 1000),
  });
  return { ok: true, html: rendered.html, text: rendered.text, subject: rendered.subject };
}

/**
 * Demo only: an order from a demo customer who accepts marketing, buying the trigger product of
 * the shop's first published email offer, scheduled exactly as orders/create would schedule it.
 */
export async function simulateDemoOrder(
  prisma: PrismaClient,
  shop: Shop,
  appUrl: string,
  now = new Date(),
  t: AdminT = englishT,
) {
  const publication = await prisma.publication.findUnique({ where: { shopId: shop.id } });
  const decoded = publication ? decodePayload(publication.payload) : null;
  const offers = decoded?.ok ? decoded.payload.offers : [];
  const offer = offers.find((o) => o.moments.includes("email"));
  if (!offer) return { scheduled: false as const, reason: t("emails.simulateNoOffer") };
  const customer = await prisma.demoCustomer.findFirst({
    where: { shopId: shop.id, marketingConsent: true },
    orderBy: { id: "asc" },
  });
  if (!customer) return { scheduled: false as const, reason: t("emails.simulateNoCustomer") };
  const currency = Object.keys(offer.items[0]?.prices ?? {})[0] ?? shop.currency;
  const productId =
    offer.targeting?.products?.[0] ??
    (
      await prisma.demoProduct.findFirst({
        where: { shopId: shop.id, id: { notIn: offer.items.map((i) => i.productId) } },
      })
    )?.id;
  const product = productId
    ? await prisma.demoProduct.findUnique({ where: { id: productId }, include: { variants: { take: 1 } } })
    : null;
  if (!product?.variants[0]) return { scheduled: false as const, reason: t("emails.simulateNoProduct") };
  const unit = toSafeNumber(
    currency === "EUR" ? product.variants[0].priceEurMinor : product.variants[0].priceUsdMinor,
    "price",
  );
  const orderId = `gid://shopify/Order/${now.getTime()}`;
  // The merchant asks to see the follow-up email: the simulated buyer is one outside the email
  // experiment's hold-out (a held-out buyer gets no email, by design). It is a test order, so it
  // logs no exposure and measurement never sees it.
  let journeyKey = `demo-sim-${now.getTime()}`;
  for (let i = 0; offer.experiment && assign(offer.experiment, journeyKey).kind === "holdout" && i < 1000; i++) {
    journeyKey = `demo-sim-${now.getTime()}-${i}`;
  }
  const order = {
    shopifyId: orderId,
    name: `#D${String(now.getTime()).slice(-5)}`,
    email: customer.email,
    customerId: customer.id,
    customerFirstName: customer.firstName,
    customerTags: customer.tags ? customer.tags.split(",") : [],
    locale: customer.locale,
    country: customer.country,
    currency,
    presentmentCurrency: currency,
    totalMinor: unit,
    subtotalMinor: unit,
    presentmentTotalMinor: unit,
    marketingConsent: true,
    sourceName: "demo",
    test: true,
    processedAt: now,
    attributes: { [ATTR.journey]: journeyKey },
    lines: [
      {
        lineId: `gid://shopify/LineItem/${now.getTime()}`,
        productId: product.id,
        variantId: product.variants[0].id,
        title: product.title,
        quantity: 1,
        unitMinor: unit,
        discountMinor: 0,
        attributes: {},
      },
    ],
  };
  const outcome = await prisma.$transaction((tx) =>
    scheduleFollowUp(tx, { shopId: shop.id, shopDomain: shop.domain, orderRowId: orderId, order }, { now, appUrl }),
  );
  return outcome.scheduled
    ? {
        scheduled: true as const,
        reason: t("emails.simulateScheduled", { customer: customer.firstName, product: product.title }),
      }
    : { scheduled: false as const, reason: t("emails.simulateNothing", { reason: outcome.reason.replace(/_/g, " ") }) };
}
