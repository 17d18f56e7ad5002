import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireShop } from "~/shop-context.server";

/** Demo mode's product picker searches the catalog through the gateway (real mode uses App Bridge). */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { gateway } = await requireShop(request);
  const q = (new URL(request.url).searchParams.get("q") ?? "").slice(0, 100);
  const products = await gateway.searchProducts(q, 20);
  return Response.json({
    products: products.map((p) => ({
      id: p.id,
      title: p.title,
      vendor: p.vendor,
      variants: p.variants.map((v) => ({ id: v.id, title: v.title, prices: v.prices })),
    })),
  });
};
