import type { ActionFunctionArgs } from "@remix-run/node";
import type { LineFacts } from "~/catalog/line-facts.server";
import { db } from "~/db.server";
import { handleWebhook, shopIdFor, topicMatches } from "~/webhooks.server";
import { orderLineFacts } from "~/orders/line-facts.server";
import { parseOrderCreated } from "~/orders/order-payload.server";
import { orderCreatedHandlers } from "~/orders/handlers.server";
import { authenticate } from "~/shopify.server";

/** Records the order (the measurement baseline needs every order, upsold or not), then runs the
 * registered handlers: attribution, follow-up email. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const lineFacts = await factsBeforeTransaction(request);
  return handleWebhook(request, "orders/create", async (tx, { shop, payload }) => {
    const order = parseOrderCreated(payload);
    const shopId = await shopIdFor(tx, shop);
    if (!shopId) return; // not installed (or redacted): nothing to attribute
    // Shopify may send one order under two delivery ids: the order, not the delivery, is the unit.
    const known = await tx.order.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId: order.shopifyId } } });
    if (known) return;
    const row = await tx.order.create({
      data: {
        shopId,
        shopifyId: order.shopifyId,
        name: order.name,
        customerId: order.customerId,
        email: order.email,
        currency: order.currency,
        totalMinor: order.totalMinor,
        subtotalMinor: order.subtotalMinor,
        lineCount: order.lines.length,
        lines: JSON.stringify(order.lines),
        sourceName: order.sourceName,
        processedAt: order.processedAt,
      },
    });
    for (const handler of orderCreatedHandlers) {
      await handler(tx, { shopId, shopDomain: shop, orderRowId: row.id, order, ...(lineFacts ? { lineFacts } : {}) });
    }
  });
};

/**
 * The products' tags and collections, fetched from the Admin API before handleWebhook opens its
 * transaction (a network call inside it would hold SQLite's write lock). The copy of the request
 * is verified first (HMAC), so an unsigned request never reaches the Admin API; any failure here
 * leaves the facts out and handleWebhook answers the request as usual (401, 400, ...).
 */
async function factsBeforeTransaction(request: Request): Promise<LineFacts | undefined> {
  // Another topic's body (the topic header is not signed) gets no Admin API call: handleWebhook refuses it.
  if (!request.headers.get("x-shopify-hmac-sha256") || !topicMatches(request, "orders/create")) return undefined;
  try {
    const { shop, payload } = await authenticate.webhook(request.clone());
    return await orderLineFacts(db(), shop, parseOrderCreated(payload));
  } catch {
    return undefined;
  }
}
