import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook, shopIdFor } from "~/webhooks.server";
import { CustomerPayload, parsePayload, toCustomerGid, toOrderGid } from "~/lib/webhook-payloads.server";
import { redactCustomer } from "~/privacy.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "customers/redact", async (tx, { shop, payload }) => {
    const body = parsePayload(CustomerPayload, payload);
    const shopId = await shopIdFor(tx, shop);
    if (!shopId) return; // nothing stored for a shop we do not know
    await redactCustomer(tx, {
      shopId,
      customerId: toCustomerGid(body.customer.id),
      email: body.customer.email ?? null,
      orderIds: (body.orders_to_redact ?? []).map(toOrderGid),
    });
  });
