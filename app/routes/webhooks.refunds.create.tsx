import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook, shopIdFor } from "~/webhooks.server";
import { applyRefund, parseRefund } from "~/measurement/refunds.server";

/** Nets refunded upsell lines out of attributed revenue (once per refund id). */
export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "refunds/create", async (tx, { shop, payload }) => {
    const refund = parseRefund(payload);
    const shopId = await shopIdFor(tx, shop);
    if (!shopId) return;
    await applyRefund(tx, shopId, refund);
  });
