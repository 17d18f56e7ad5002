import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook, shopIdFor } from "~/webhooks.server";
import { parseOrderCreated } from "~/orders/order-payload.server";
import { orderCreatedHandlers } from "~/orders/handlers.server";

/** Records the order (the measurement baseline needs every order, upsold or not), then runs the
 * registered handlers: attribution, follow-up email. */
export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, async (tx, { shop, payload }) => {
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
      await handler(tx, { shopId, shopDomain: shop, orderRowId: row.id, order });
    }
  });
