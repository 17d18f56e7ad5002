import { Prisma, type PrismaClient } from "@prisma/client";
import { ingestEvents } from "~/measurement/ingest.server";

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
  // Rows in the feature tables too (events with their roll-ups and exposures, an email opt-out):
  // shop/redact must reach them through their own code paths.
  const results = await ingestEvents(prisma, shop.id, [
    { id: `evt-${domain}-1`, type: "impression", moment: "checkout", surface: "checkout", journeyKey: `j-${domain}`, offerId: offer.id, occurredAt: Date.now() },
    { id: `evt-${domain}-2`, type: "accept", moment: "checkout", surface: "checkout", journeyKey: `j-${domain}`, offerId: offer.id, valueMinor: 4900, currency: "EUR", occurredAt: Date.now() },
  ]);
  if (results.some((r) => r.status !== "accepted")) throw new Error(`fixture events rejected: ${JSON.stringify(results)}`);
  await prisma.emailUnsubscribe.create({ data: { shopId: shop.id, emailHash: `hash-${domain}` } });
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
    ...(await everyShopScopedTable(prisma, shopId)),
  };
}

/** Counts for every model with a `shopId` column, found from the schema itself, so that a table
 * added later is checked by shop/redact's test without anyone remembering to list it. */
async function everyShopScopedTable(prisma: PrismaClient, shopId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const model of Prisma.dmmf.datamodel.models) {
    if (!model.fields.some((f) => f.name === "shopId")) continue;
    const delegate = (prisma as unknown as Record<string, { count(args: object): Promise<number> }>)[
      model.name[0]!.toLowerCase() + model.name.slice(1)
    ]!;
    counts[`table:${model.name}`] = await delegate.count({ where: { shopId } });
  }
  return counts;
}
