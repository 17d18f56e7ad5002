import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { ingestRequest } from "~/measurement/http.server";

/**
 * Storefront events (in-cart, exit intent) through the app proxy: Shopify signs the query, the
 * shop comes from it. sendBeacon posts text/plain JSON, which ingestRequest reads as JSON.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  await authenticate.public.appProxy(request);
  const shop = new URL(request.url).searchParams.get("shop") ?? "";
  const outcome = await ingestRequest(request, shop);
  return Response.json(outcome.body, { status: outcome.status });
};
