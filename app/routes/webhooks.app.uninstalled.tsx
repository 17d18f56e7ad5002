import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/webhooks.server";

/** Sessions go at once; the shop's data stays until shop/redact (48 h later) or a reinstall. */
export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "app/uninstalled", async (tx, { shop }) => {
    await tx.session.deleteMany({ where: { shop } });
    await tx.shop.updateMany({ where: { domain: shop, uninstalledAt: null }, data: { uninstalledAt: new Date() } });
  });
