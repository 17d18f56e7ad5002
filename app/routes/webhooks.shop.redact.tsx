import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { handleWebhook } from "~/webhooks.server";
import { parsePayload } from "~/lib/webhook-payloads.server";
import { redactShop } from "~/privacy.server";

const ShopRedact = z.object({ shop_id: z.union([z.number(), z.string()]).nullish(), shop_domain: z.string().min(1) });

/**
 * The one webhook that deletes a whole shop, so its signed body must be a shop/redact body for the
 * shop named in the header: the topic header is not signed (handleWebhook checks it against this
 * route), and a captured customers/* body also carries `shop_domain`, but a customer too.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "shop/redact", (tx, { shop, webhookId, payload }) => {
    const body = parsePayload(ShopRedact, payload);
    if (body.shop_domain !== shop) {
      throw new Response(`shop/redact payload is for ${body.shop_domain}, not ${shop}`, { status: 400 });
    }
    if (payload && typeof payload === "object" && ("customer" in payload || "orders_to_redact" in payload)) {
      throw new Response("shop/redact payload carries a customer: it is a customers/* body", { status: 400 });
    }
    return redactShop(tx, shop, webhookId);
  });
