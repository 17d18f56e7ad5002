import type { PrismaClient } from "@prisma/client";

/** A shop as an installed merchant would have it: session, settings, an offer with a variant and
 * experiment, an order from a known customer, and a pending data request. */
export async function seedInstalledShop(prisma: PrismaClient, domain: string, customerNumericId = 191167) {
  const shop = await prisma.shop.create({
    data: { domain, name: domain.split(".")[0]!, currency: "EUR", settings: { create: {} } },
  });
  await prisma.session.create({
    data: { id: `offline_${domain}`, shop: domain, state: "", isOnline: false, accessToken: "shpat_test", scope: "read_products" },
  });
  await prisma.momentSetting.create({ data: { shopId: shop.id, moment: "checkout", maxOffers: 1 } });
  const offer = await prisma.offer.create({
    data: {
      shopId: shop.id,
      name: "Warranty",
      type: "warranty",
      status: "active",
      definition: "{}",
      moments: { create: [{ moment: "checkout" }] },
      variants: { create: [{ name: "A", isControl: true }] },
    },
  });
  await prisma.experiment.create({ data: { shopId: shop.id, offerId: offer.id, status: "running" } });
  await prisma.order.create({
    data: {
      shopId: shop.id,
      shopifyId: "gid://shopify/Order/299938",
      customerId: `gid://shopify/Customer/${customerNumericId}`,
      email: "john@example.com",
      currency: "EUR",
      totalMinor: 12900,
      subtotalMinor: 12900,
      lineCount: 1,
      processedAt: new Date(),
    },
  });
  return shop;
}

/** Row counts of every app table for one shop: what "removes that shop's rows" is checked against. */
export async function rowsOf(prisma: PrismaClient, domain: string) {
  const shop = await prisma.shop.findUnique({ where: { domain } });
  const shopId = shop?.id ?? "none";
  return {
    shop: shop ? 1 : 0,
    sessions: await prisma.session.count({ where: { shop: domain } }),
    settings: await prisma.shopSettings.count({ where: { shopId } }),
    moments: await prisma.momentSetting.count({ where: { shopId } }),
    offers: await prisma.offer.count({ where: { shopId } }),
    variants: await prisma.offerVariant.count({ where: { offer: { shopId } } }),
    experiments: await prisma.experiment.count({ where: { shopId } }),
    orders: await prisma.order.count({ where: { shopId } }),
    dataRequests: await prisma.dataRequest.count({ where: { shopDomain: domain } }),
  };
}
