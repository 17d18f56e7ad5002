import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { handleWebhook } from "~/webhooks.server";
import { parsePayload } from "~/lib/webhook-payloads.server";

const ScopesUpdate = z.object({ current: z.array(z.string()) });

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "app/scopes_update", async (tx, { shop, payload }) => {
    const scope = parsePayload(ScopesUpdate, payload).current.join(",");
    await tx.session.updateMany({ where: { shop }, data: { scope } });
    await tx.shop.updateMany({ where: { domain: shop }, data: { scopes: scope } });
  });
