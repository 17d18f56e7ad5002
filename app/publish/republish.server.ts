import { WIRE_VERSION } from "@moments/engine";
import type { PrismaClient, Shop } from "@prisma/client";
import type { ShopGateway } from "~/gateway/types";
import { publishShop } from "./publish.server";

/** How many stale shops one start-up pass republishes; the rest wait for the next start or save. */
const MAX_SHOPS_PER_PASS = 500;

export interface RepublishResult {
  republished: number;
  failed: number;
}

/**
 * Republishes every shop whose published payload is in an older wire version than the one this
 * build writes (decision 025): deployed extensions read the new version only once the shop
 * publishes again, and a deploy changes no offer. Run at start-up by every instance: two
 * instances republishing the same shop write the same offers twice, nothing worse. A shop that
 * fails (its token revoked) keeps its error on the shop, as any publish does; an uninstalled one
 * is left alone.
 */
export async function republishStalePayloads(
  prisma: PrismaClient,
  gatewayFor: (shop: Shop) => Promise<ShopGateway>,
): Promise<RepublishResult> {
  const stale = await prisma.publication.findMany({
    where: { NOT: { payload: { startsWith: `{"v":${WIRE_VERSION},` } } },
    select: { shopId: true },
    orderBy: { shopId: "asc" },
    take: MAX_SHOPS_PER_PASS,
  });
  const result: RepublishResult = { republished: 0, failed: 0 };
  for (const { shopId } of stale) {
    const shop = await prisma.shop.findUnique({ where: { id: shopId } });
    if (!shop || shop.uninstalledAt) continue;
    try {
      const outcome = await publishShop(prisma, shop, await gatewayFor(shop));
      if (outcome.ok) result.republished++;
      else result.failed++;
    } catch (error) {
      result.failed++;
      console.error(`[moments] republishing ${shop.domain} failed:`, error instanceof Error ? error.message : error);
    }
  }
  return result;
}
