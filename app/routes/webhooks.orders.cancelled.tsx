import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook, shopIdFor } from "~/webhooks.server";
import { applyCancellation, parseCancelled } from "~/measurement/refunds.server";

/** Takes a cancelled order out of its visitors' revenue and its upsell lines out of attributed revenue (once per order). */
export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "orders/cancelled", async (tx, { shop, payload }) => {
    const { orderId } = parseCancelled(payload);
    const shopId = await shopIdFor(tx, shop);
    if (!shopId) return;
    await applyCancellation(tx, shopId, orderId);
  });
