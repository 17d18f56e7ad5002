import { ATTR } from "@moments/engine";
import type { PrismaClient } from "@prisma/client";
import { lineFactsForPayload, type LineFacts } from "~/catalog/line-facts.server";
import { getPublishedPayload } from "~/publish/publish.server";
import type { OrderCreated } from "./order-payload.server";

/**
 * Runs before the orders/create transaction: the tags and collections of the order's products,
 * for the follow-up email's tag and collection triggers. Looked up only when the email could use
 * them (consenting buyer with an address, installed shop, an order not seen before, a published
 * offer with such triggers). Never throws; undefined = no facts.
 */
export async function orderLineFacts(prisma: PrismaClient, shopDomain: string, order: OrderCreated): Promise<LineFacts | undefined> {
  if (!order.marketingConsent || !order.email) return undefined;
  try {
    const shop = await prisma.shop.findUnique({
      where: { domain: shopDomain },
      select: { id: true, domain: true, currency: true, isDemo: true, uninstalledAt: true },
    });
    if (!shop || shop.uninstalledAt) return undefined;
    const known = await prisma.order.findUnique({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: order.shopifyId } }, select: { id: true } });
    if (known) return undefined;
    const payload = await getPublishedPayload(prisma, shop.id);
    const productIds = order.lines.filter((l) => l.productId && !l.attributes[ATTR.offer]).map((l) => l.productId!);
    return await lineFactsForPayload(prisma, shop, payload, productIds);
  } catch (error) {
    console.warn(`orders/create: no line facts: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
