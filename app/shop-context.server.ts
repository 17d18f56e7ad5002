import type { Shop } from "@prisma/client";
import { db } from "./db.server";
import { isDemo } from "./env.server";
import { gatewayForShop } from "./gateway/for-shop.server";
import { SHOP_QUERY } from "./gateway/admin-documents";
import { GatewayError, type ShopGateway } from "./gateway/types";
import { ensureShopEmail } from "./shop-email.server";
import { authenticate } from "./shopify.server";

export const DEMO_SHOP_DOMAIN = "moments-demo.myshopify.com";

export interface ShopContext {
  shop: Shop;
  gateway: ShopGateway;
}

/**
 * The one place that answers "which shop is this admin request for?": the seeded demo shop in demo
 * mode, the session's shop otherwise. Every loader and action starts here and scopes every query
 * by `shop.id`, so one merchant can never reach another's data. Its store is gatewayForShop's.
 */
export async function requireShop(request: Request): Promise<ShopContext> {
  const prisma = db();
  if (isDemo()) {
    const shop = await prisma.shop.findUnique({ where: { domain: DEMO_SHOP_DOMAIN } });
    if (!shop) {
      throw new Response("The demo shop is not seeded yet: run `npm run demo`.", { status: 503 });
    }
    return { shop, gateway: await gatewayForShop(prisma, shop) };
  }

  const { session, admin } = await authenticate.admin(request);
  let shop = await prisma.shop.findUnique({ where: { domain: session.shop } });
  if (!shop || shop.uninstalledAt) {
    const response = await admin.graphql(SHOP_QUERY);
    const { data } = await response.json();
    if (!data) throw new GatewayError("Shopify did not send the shop's name and currency. Try again in a moment.");
    const details = {
      name: data.shop.name,
      currency: data.shop.currencyCode,
      plan: data.shop.plan.shopifyPlus ? "plus" : "basic",
      scopes: session.scope ?? null,
      uninstalledAt: null,
    };
    shop = await prisma.shop.upsert({
      where: { domain: session.shop },
      create: { domain: session.shop, ...details, settings: { create: {} } },
      update: details,
    });
    // On install (and reinstall): the owner's email, for the guardrail's notices.
    const gateway = await gatewayForShop(prisma, shop, admin);
    return { shop: await ensureShopEmail(prisma, shop, gateway), gateway };
  }
  return { shop, gateway: await gatewayForShop(prisma, shop, admin) };
}
