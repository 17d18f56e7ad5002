import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/webhooks.server";
import { redactShop } from "~/privacy.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, (tx, { shop, webhookId }) => redactShop(tx, shop, webhookId));
