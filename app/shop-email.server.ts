import type { PrismaClient, Shop } from "@prisma/client";
import type { ShopGateway } from "./gateway/types";

/**
 * Fills `Shop.email` from Shopify (`shop { email }` through the gateway) when the row has none: on
 * install (requireShop) and, for shops installed before, just before the first merchant notice
 * (decision 031). A failure leaves the row as it was and is logged: a notice then falls back to an
 * online session's email, and the next attempt reads again.
 */
export async function ensureShopEmail<S extends Pick<Shop, "id" | "domain" | "email">>(
  prisma: Pick<PrismaClient, "shop">,
  shop: S,
  gateway: Pick<ShopGateway, "shopEmail">,
  log: (line: string) => void = console.warn,
): Promise<S> {
  if (shop.email || !gateway.shopEmail) return shop;
  try {
    const email = await gateway.shopEmail();
    if (!email) return shop;
    // Scoped by id and only over a null: an address set meanwhile (another instance) is kept.
    await prisma.shop.updateMany({ where: { id: shop.id, email: null }, data: { email } });
    return { ...shop, email };
  } catch (error) {
    log(`shop email: ${shop.domain}: ${error instanceof Error ? error.message : String(error)}`);
    return shop;
  }
}
