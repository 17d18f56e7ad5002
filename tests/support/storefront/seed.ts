import type { PrismaClient } from "@prisma/client";
import { SHOP, storefrontPayload } from "./fixture";

/** The storefront test shop, installed, with the fixture offers published (what the proxy reads). */
export async function seedStorefrontShop(prisma: PrismaClient, now = Date.now()) {
  const shop = await prisma.shop.create({ data: { domain: SHOP, name: "storefront-test", currency: "EUR", settings: { create: {} } } });
  const { json } = storefrontPayload(now);
  await prisma.publication.create({
    data: { shopId: shop.id, payload: json, bytes: Buffer.byteLength(json), offerCount: 2, publishedAt: new Date(now) },
  });
  // The admin's rows behind the published bundle experiment: ingestion accepts exposures of known
  // experiments only (the arm is checked against the published spec).
  await prisma.offer.create({ data: { id: "off_bundle", shopId: shop.id, name: "Exit-intent bundle", type: "bundle", status: "active", definition: "{}" } });
  await prisma.offerVariant.create({ data: { id: "A", offerId: "off_bundle", name: "A", weight: 1, isControl: true } });
  await prisma.experiment.create({ data: { id: "exp_bundle", shopId: shop.id, offerId: "off_bundle", status: "running", holdoutBps: 0, startedAt: new Date(now) } });
  return shop;
}
