import { createHash, randomUUID } from "node:crypto";
import type { DemoOrder, PrismaClient } from "@prisma/client";
import { SignJWT } from "jose";
import {
  THANK_YOU_ACCEPT_PATH,
  THANK_YOU_OFFER_PATH,
  type ThankYouAcceptAnswer,
  type ThankYouOfferAnswer,
} from "@moments/contracts";
import type { CartLine, CurrencyDisplay } from "@moments/engine";
import { env } from "~/env.server";
import { demoOrderLines } from "~/gateway/demo-orders.server";
import { toSafeNumber } from "~/lib/bigint";
import { THANK_YOU_WINDOW_MS } from "~/thank-you/context.server";
import { thankYouAcceptResponse, thankYouOfferResponse } from "~/thank-you/http.server";
import en from "../../extensions/checkout-upsell/locales/en.default.json";
import de from "../../extensions/checkout-upsell/locales/de.json";
import fr from "../../extensions/checkout-upsell/locales/fr.json";
import { buyerCard, type BuyerCard } from "./journey-view";

/** The block's own words, as the demo journey renders them. */
const STRINGS: Record<string, typeof en.offer> = { en: en.offer, de: de.offer, fr: fr.offer };

/**
 * The demo journey's thank-you step with the order edit (decision 026): the demo plays Shopify's
 * part. It places the walked cart as a demo order (the demo store's order, which the demo gateway
 * edits), signs the checkout session token the thank-you extension would send (with the app
 * secret), and calls the same endpoints the extension calls, so the demo runs the real path: the
 * token check, the server's decision and price, the idempotency, the gateway's order edit.
 */
export interface DemoBuyerOrder {
  journeyKey: string;
  currency: string;
  country: string;
  locale: string;
  lines: readonly CartLine[];
}

/** The same walked cart is the same order (until it is older than the thank-you window). */
function demoOrderId(buyer: DemoBuyerOrder): string {
  const key = JSON.stringify([
    buyer.journeyKey,
    buyer.currency,
    buyer.country,
    buyer.locale,
    buyer.lines.map((l) => [l.variantId, l.quantity]),
  ]);
  const digits = BigInt(`0x${createHash("sha256").update(key).digest("hex").slice(0, 12)}`) % 9_000_000_000n;
  return `gid://shopify/Order/${1_000_000_000n + digits}`;
}

/** The demo order the thank-you page confirms: placed now for this cart, kept while it is recent. */
export async function placeDemoOrder(
  prisma: PrismaClient,
  shopId: string,
  buyer: DemoBuyerOrder,
  now = new Date(),
): Promise<DemoOrder> {
  const orderId = demoOrderId(buyer);
  const existing = await prisma.demoOrder.findUnique({ where: { shopId_orderId: { shopId, orderId } } });
  if (existing && now.getTime() - existing.createdAt.getTime() < THANK_YOU_WINDOW_MS) return existing;
  if (existing) await prisma.demoOrder.delete({ where: { id: existing.id } });
  const lines = buyer.lines.map((l, i) => ({
    lineItemId: `gid://shopify/LineItem/${orderId.split("/").pop()}${i}`,
    productId: l.productId,
    variantId: l.variantId,
    quantity: l.quantity,
    unitMinor: l.unitPrice,
    discountMinor: 0,
  }));
  const total = lines.reduce((s, l) => s + l.unitMinor * l.quantity, 0);
  // The journey key plays the checkout token (the extension keys journeys by it).
  return prisma.demoOrder.create({
    data: {
      shopId,
      orderId,
      checkoutToken: buyer.journeyKey,
      currency: buyer.currency,
      country: buyer.country,
      locale: buyer.locale,
      lines: JSON.stringify(lines),
      subtotalMinor: total,
      totalMinor: total,
      receivedMinor: total,
      createdAt: now,
    },
  });
}

/** The session token Shopify gives the thank-you extension: HS256 with the app secret, aud = the API key. */
async function demoSessionToken(shopDomain: string): Promise<string> {
  const e = env();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ dest: `https://${shopDomain}`, aud: e.SHOPIFY_API_KEY, jti: randomUUID() })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + 300)
    .sign(new TextEncoder().encode(e.SHOPIFY_API_SECRET));
}

async function call(
  prisma: PrismaClient,
  shopDomain: string,
  path: string,
  body: object,
): Promise<{ status: number; json: unknown }> {
  const request = new Request(`${env().SHOPIFY_APP_URL}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await demoSessionToken(shopDomain)}` },
    body: JSON.stringify(body),
  });
  const respond = path === THANK_YOU_ACCEPT_PATH ? thankYouAcceptResponse : thankYouOfferResponse;
  const res = await respond(request, { prisma });
  return { status: res.status, json: await res.json() };
}

/** What the thank-you extension asks for a wallet checkout: the post-purchase offer, if due. */
export async function demoFallbackOffer(
  prisma: PrismaClient,
  shopDomain: string,
  order: DemoOrder,
): Promise<ThankYouOfferAnswer | { error: string }> {
  const { json } = await call(prisma, shopDomain, THANK_YOU_OFFER_PATH, {
    orderId: order.orderId,
    checkoutToken: order.checkoutToken,
  });
  return json as ThankYouOfferAnswer | { error: string };
}

/** The buyer's "Add to order", as the extension sends it. */
export async function demoAcceptThankYou(
  prisma: PrismaClient,
  shopDomain: string,
  order: DemoOrder,
  offer: {
    offerId: string;
    moment: "thank_you" | "post_purchase";
    final: number;
    currency: string;
    device: "mobile" | "desktop";
    returning: boolean;
  },
): Promise<ThankYouAcceptAnswer> {
  const { json } = await call(prisma, shopDomain, THANK_YOU_ACCEPT_PATH, {
    orderId: order.orderId,
    checkoutToken: order.checkoutToken,
    offerId: offer.offerId,
    moment: offer.moment,
    expected: { final: offer.final, currency: offer.currency },
    device: offer.device,
    returning: offer.returning,
  });
  return json as ThankYouAcceptAnswer;
}

/** The demo order as the thank-you step shows it after edits: lines, totals, balance, invoice. */
export interface DemoOrderView {
  orderId: string;
  checkoutToken: string;
  currency: string;
  lines: Array<{ variantId: string; quantity: number; unitMinor: number; discountMinor: number; added: boolean }>;
  totalMinor: number;
  paidMinor: number;
  balanceMinor: number;
  invoiceSent: boolean;
  /** The app's record of each accept (ThankYouOrderEdit) and the staff notes the commits left on the order. */
  edits: Array<{ offerId: string; title: string; moment: string; chargedMinor: number; status: string }>;
  staffNotes: string[];
}

export async function demoOrderView(
  prisma: PrismaClient,
  shopId: string,
  order: DemoOrder,
  titleOf: (offerId: string) => string,
): Promise<DemoOrderView> {
  const fresh = (await prisma.demoOrder.findUnique({ where: { id: order.id } })) ?? order;
  const edits = await prisma.thankYouOrderEdit.findMany({
    where: { shopId, orderId: fresh.orderId },
    orderBy: { createdAt: "asc" },
  });
  const committed = JSON.parse(fresh.edits) as Array<{ staffNote: string; lineItemIds: string[] }>;
  const added = new Set(committed.flatMap((e) => e.lineItemIds));
  const total = toSafeNumber(fresh.totalMinor, "totalMinor");
  const paid = toSafeNumber(fresh.receivedMinor, "receivedMinor");
  return {
    orderId: fresh.orderId,
    checkoutToken: fresh.checkoutToken,
    currency: fresh.currency,
    lines: demoOrderLines(fresh).map((l) => ({
      variantId: l.variantId,
      quantity: l.quantity,
      unitMinor: l.unitMinor,
      discountMinor: l.discountMinor,
      added: added.has(l.lineItemId),
    })),
    totalMinor: total,
    paidMinor: paid,
    balanceMinor: total - paid,
    invoiceSent: fresh.invoiceSentAt !== null,
    edits: edits.map((e) => ({
      offerId: e.offerId,
      title: titleOf(e.offerId),
      moment: e.moment,
      chargedMinor: toSafeNumber(e.chargedMinor, "chargedMinor"),
      status: e.status,
    })),
    staffNotes: committed.map((e) => e.staffNote),
  };
}

/** The thank-you step's offer as the demo page renders and accepts it. */
export interface DemoThankYouOffer {
  card: BuyerCard;
  offerId: string;
  moment: "thank_you" | "post_purchase";
  final: number;
  currency: string;
}

export interface DemoThankYouStep {
  mode: "order_edit" | "new_checkout";
  /** The buyer paid with a wallet: the post-purchase page was skipped. */
  wallet: boolean;
  order: DemoOrderView | null;
  /** The post-purchase offer the thank-you page shows instead (wallet), or why none. */
  fallback: DemoThankYouOffer | null;
  fallbackReason: string | null;
}

/**
 * The thank-you step in order-edit mode: the walked cart placed as the demo order, and for a wallet
 * buyer the post-purchase offer the extension would be answered, through the real endpoint.
 */
export async function demoThankYouStep(
  prisma: PrismaClient,
  shop: { id: string; domain: string },
  buyer: DemoBuyerOrder & { wallet: boolean },
  mode: DemoThankYouStep["mode"],
  currencyDisplay: CurrencyDisplay | undefined,
  titleOf: (offerId: string) => string,
): Promise<DemoThankYouStep> {
  const step: DemoThankYouStep = { mode, wallet: buyer.wallet, order: null, fallback: null, fallbackReason: null };
  if (mode !== "order_edit" || buyer.lines.length === 0) return step;
  const order = await placeDemoOrder(prisma, shop.id, buyer);
  if (buyer.wallet) {
    const answer = await demoFallbackOffer(prisma, shop.domain, order);
    if ("error" in answer) step.fallbackReason = answer.error;
    else if (!answer.offer) step.fallbackReason = answer.reason ?? "no offer";
    else {
      const o = answer.offer;
      const words = {
        cta: o.copy.cta ?? STRINGS[buyer.locale]?.add ?? "Add to order",
        decline: o.copy.decline ?? STRINGS[buyer.locale]?.decline ?? "No thanks",
      };
      step.fallback = {
        card: buyerCard(o, words, currencyDisplay),
        offerId: o.offerId,
        moment: "post_purchase",
        final: o.price.final,
        currency: o.price.currency,
      };
    }
  }
  step.order = await demoOrderView(prisma, shop.id, order, titleOf);
  return step;
}
