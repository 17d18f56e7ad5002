import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import type { ThankYouAcceptBody, ThankYouOfferBody } from "@moments/contracts";
import { gatewayForShop, SHOP_REF_SELECT, type ShopRef } from "~/gateway/for-shop.server";
import { GatewayError, type OrderFacts, type ShopGateway } from "~/gateway/types";
import { MAX_AMOUNT_MINOR } from "~/lib/bigint";
import type { Holds, SameKeys } from "~/lib/contract-check";
import { shopFromDest } from "~/measurement/http.server";
import { verifyCheckoutSessionToken, type CheckoutSessionToken } from "~/measurement/session-token.server";
import type { Purchase } from "~/post-purchase/offer.server";

/**
 * What both thank-you endpoints establish before deciding anything (decision 026): the checkout
 * session token (signature, exp, aud: verifyCheckoutSessionToken, the events endpoint's check) names
 * the shop; the body names the order, which is read from the shop's own store (Shopify's Admin API,
 * or the demo store) and must be the caller's: the same checkout token, the token's customer when
 * it carries one, recent, not cancelled. The purchase the engine decides on is that order, never
 * anything the body says about it.
 */
export class ThankYouRefusal extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 502 | 503,
    message: string,
  ) {
    super(message);
    this.name = "ThankYouRefusal";
  }
}

/** The thank-you page shows right after checkout; an order older than this is not edited from it. */
export const THANK_YOU_WINDOW_MS = 2 * 3_600_000;
export const MAX_BODY_BYTES = 8 * 1024;

const OrderRef = z.object({
  orderId: z.string().regex(/^gid:\/\/shopify\/Order\/\d{1,20}$/, "must be an Order GID"),
  checkoutToken: z.string().min(1).max(128),
});
export const OfferBody = OrderRef;
export const AcceptBody = OrderRef.extend({
  offerId: z.string().min(1).max(64),
  moment: z.enum(["thank_you", "post_purchase"]),
  expected: z.object({
    final: z.number().int().min(0).max(MAX_AMOUNT_MINOR),
    currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code"),
  }),
  device: z.enum(["mobile", "desktop"]).optional(),
  returning: z.boolean().optional(),
  declined: z.array(z.string().min(1).max(64)).max(50).optional(),
});
export type AcceptRequest = z.output<typeof AcceptBody>;

/** The schemas validate the contract's bodies, the ones the extension sends: a drift fails the typecheck. */
export type ThankYouContractChecks = [
  Holds<SameKeys<ThankYouAcceptBody, z.input<typeof AcceptBody>>>,
  Holds<ThankYouAcceptBody extends z.input<typeof AcceptBody> ? true : false>,
  Holds<SameKeys<ThankYouOfferBody, z.input<typeof OfferBody>>>,
];

export interface ThankYouContext {
  shop: ShopRef & { name: string };
  gateway: ShopGateway;
  order: OrderFacts;
  /** The order as the engine decides on it (the post-purchase module's shape: the fallback shares it). */
  purchase: Purchase;
  /** The order's journey: its `_moments_journey` attribute, else its checkout token (as the block keys it). */
  journeyKey: string;
}

export interface ContextDeps {
  prisma: PrismaClient;
  secret: string;
  apiKey: string;
  now?: Date;
  /** Tests and the demo may hand the gateway in; otherwise gatewayForShop decides demo or real. */
  gatewayFor?: (shop: ShopRef) => Promise<ShopGateway>;
}

/** The JSON body, bounded and parsed by `schema`; a 400/413 refusal with the reason otherwise. */
export async function readBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new ThankYouRefusal(413, `body: at most ${MAX_BODY_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ThankYouRefusal(400, "body: not JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ThankYouRefusal(400, `${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  return parsed.data;
}

/** The verified session token's claims, or a 401 refusal with the reason. Checked before the body is read. */
export function verifyCaller(request: Request, deps: ContextDeps): CheckoutSessionToken {
  const checked = verifyCheckoutSessionToken(
    request.headers.get("authorization"),
    deps.secret,
    deps.apiKey,
    (deps.now ?? new Date()).getTime(),
  );
  if (!checked.ok) throw new ThankYouRefusal(401, checked.reason);
  return checked.token;
}

/** Loads the order the verified caller names and checks it is the caller's; throws a ThankYouRefusal otherwise. */
export async function thankYouContext(
  token: CheckoutSessionToken,
  ref: { orderId: string; checkoutToken: string },
  deps: ContextDeps,
): Promise<ThankYouContext> {
  const now = deps.now ?? new Date();
  const domain = shopFromDest(token.dest);
  const shop = await deps.prisma.shop.findUnique({
    where: { domain },
    select: { ...SHOP_REF_SELECT, name: true, uninstalledAt: true },
  });
  if (!shop || shop.uninstalledAt) throw new ThankYouRefusal(404, `shop ${domain} is not installed`);
  let gateway: ShopGateway;
  let order: OrderFacts | null;
  try {
    gateway = await (deps.gatewayFor ?? ((s: ShopRef) => gatewayForShop(deps.prisma, s)))(shop);
    order = await gateway.getOrder(ref.orderId);
  } catch (error) {
    if (error instanceof GatewayError) throw new ThankYouRefusal(502, `the order could not be read: ${error.message}`);
    throw error;
  }
  if (!order) throw new ThankYouRefusal(404, "order not found in this shop");
  if (!order.checkoutToken || order.checkoutToken !== ref.checkoutToken)
    throw new ThankYouRefusal(403, "checkout token is not this order's");
  const sub = token.sub;
  if (sub && order.customerId && sub !== order.customerId)
    throw new ThankYouRefusal(403, "the session's customer did not place this order");
  if (order.cancelled) throw new ThankYouRefusal(409, "the order was cancelled");
  if (now.getTime() - order.createdAt.getTime() > THANK_YOU_WINDOW_MS)
    throw new ThankYouRefusal(409, "the order is too old to add to from the thank-you page");
  const purchase: Purchase = {
    referenceId: order.checkoutToken,
    orderId: order.id,
    currency: order.currency,
    lines: order.lines.map((l) => ({
      productId: l.productId,
      variantId: l.variantId,
      quantity: l.quantity,
      unitPrice: Math.round(l.totalMinor / Math.max(1, l.quantity)),
      attributes: {},
    })),
    subtotal: order.subtotalMinor,
  };
  if (order.customerId) purchase.customerId = order.customerId;
  if (order.country) purchase.country = order.country;
  if (order.locale) purchase.locale = order.locale;
  return {
    shop: { id: shop.id, domain: shop.domain, currency: shop.currency, isDemo: shop.isDemo, name: shop.name },
    gateway,
    order,
    purchase,
    journeyKey: order.journeyAttribute || order.checkoutToken,
  };
}
