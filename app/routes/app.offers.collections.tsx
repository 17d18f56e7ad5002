import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireShop } from "~/shop-context.server";

/**
 * The trigger collections picker's search, for shops with more collections than the offer page
 * loads (the first 100 by title): the shop's collections matching `q`.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { gateway } = await requireShop(request);
  const q = (new URL(request.url).searchParams.get("q") ?? "").slice(0, 100);
  return Response.json({ collections: await gateway.listCollections(q) });
};
