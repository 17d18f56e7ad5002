import type { PrismaClient } from "@prisma/client";
import { SHOP, storefrontPayload } from "./fixture";

/** The storefront test shop, installed, with the fixture offers published (what the proxy reads). */
export async function seedStorefrontShop(prisma: PrismaClient, now = Date.now()) {
  const shop = await prisma.shop.create({ data: { domain: SHOP, name: "storefront-test", currency: "EUR", settings: { create: {} } } });
  const { json } = storefrontPayload(now);
  await prisma.publication.create({
    data: { shopId: shop.id, payload: json, bytes: Buffer.byteLength(json), offerCount: 2, publishedAt: new Date(now) },
  });
  return shop;
}
