import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook, shopIdFor } from "~/webhooks.server";
import { CustomerPayload, parsePayload, toCustomerGid } from "~/lib/webhook-payloads.server";
import { recordDataRequest } from "~/privacy.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "customers/data_request", async (tx, { shop, payload }) => {
    const body = parsePayload(CustomerPayload, payload);
    await recordDataRequest(tx, {
      shopId: await shopIdFor(tx, shop),
      shopDomain: shop,
      customerId: toCustomerGid(body.customer.id),
      email: body.customer.email ?? null,
      orderIds: (body.orders_requested ?? []).map(String),
    });
  });
