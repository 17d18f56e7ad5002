import type { PrismaClient } from "@prisma/client";
import { shopify } from "~/shopify.server";
import { demoGateway } from "./demo.server";
import { shopifyGateway, type AdminGraphql } from "./shopify.server";
import type { ShopGateway } from "./types";

/** What reaching a shop's store needs to know about the shop. */
export interface ShopRef {
  id: string;
  domain: string;
  currency: string;
  isDemo: boolean;
}

export const SHOP_REF_SELECT = { id: true, domain: true, currency: true, isDemo: true } as const;

/**
 * The one place that decides demo or real (decision 003): the seeded demo shop's store is the demo
 * tables; an installed shop's is Shopify's Admin API, through the admin request's client when
 * there is one (`requireShop`), else through the shop's offline session (app proxy, webhooks,
 * workers).
 */
export async function gatewayForShop(prisma: PrismaClient, shop: ShopRef, admin?: AdminGraphql): Promise<ShopGateway> {
  if (shop.isDemo) return demoGateway(prisma, shop.id);
  if (admin) return shopifyGateway(admin, shop.currency);
  const { admin: offline } = await shopify().unauthenticated.admin(shop.domain);
  return shopifyGateway(offline, shop.currency);
}

/** gatewayForShop by shop id, for workers that hold ids. */
export function gatewayResolver(prisma: PrismaClient): (shopId: string) => Promise<ShopGateway> {
  return async (shopId) =>
    gatewayForShop(prisma, await prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: SHOP_REF_SELECT }));
}
