import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { applySubscriptionStatus } from "~/billing/subscriptions.server";
import { parsePayload } from "~/lib/webhook-payloads.server";
import { handleWebhook } from "~/webhooks.server";

const SubscriptionUpdate = z.object({
  app_subscription: z.object({
    admin_graphql_api_id: z.string().startsWith("gid://shopify/AppSubscription/"),
    status: z.string().regex(/^[A-Z_]+$/),
  }),
});

/** Decision 033: the merchant approved, declined or cancelled a plan, or Shopify expired or froze it. */
export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "app_subscriptions/update", async (tx, { shop, payload }) => {
    const { app_subscription: s } = parsePayload(SubscriptionUpdate, payload);
    const row = await tx.shop.findUnique({ where: { domain: shop }, select: { id: true } });
    if (!row) return;
    await applySubscriptionStatus(tx, row.id, s.admin_graphql_api_id, s.status.toUpperCase(), new Date());
  });
