/**
 * The complement table dynamic offers choose from (decision 034), built at publish time from the
 * shop's mined complements (`Suggestion` rows of moment `DYNAMIC_MOMENT`, written by each mining
 * run) and its catalog (the variant sold, its prices per currency, the image). Scoped by the shop.
 */
import type { PrismaClient } from "@prisma/client";
import {
  COMPLEMENT_TRIGGERS_MAX,
  COMPLEMENTS_PER_TRIGGER,
  splitImageUrl,
  type ComplementItem,
  type Complements,
} from "@moments/engine";
import type { CatalogProduct } from "~/gateway/types";
import type { ProductReadSizes } from "~/gateway/product-reads";
import { DYNAMIC_MOMENT } from "~/suggestions/complements";

/** Product ids per catalog read: Shopify's `nodes(ids:)` takes at most 250. */
export const PRODUCTS_PER_READ = 100;
/**
 * What a complement needs of a product: its status, image and first sellable variant among the
 * first 10 (16 points of query cost a product, so 62 products a query, not 2 as at full size).
 */
export const COMPLEMENT_READ: ProductReadSizes = { variants: 10, collections: false, plans: false };

/**
 * The variant a complement sells: the first in stock (or untracked), priced above zero in some
 * currency; null when the product has none (sold out since mining, or free) or is no longer on sale
 * (draft or archived).
 */
export function complementItem(product: CatalogProduct): ComplementItem | null {
  if (!product.active) return null;
  const variant = product.variants.find(
    (v) => (v.inventory === null || v.inventory > 0) && Object.values(v.prices).some((p) => p > 0),
  );
  if (!variant) return null;
  const prices: Record<string, number> = {};
  for (const [currency, minor] of Object.entries(variant.prices)) if (minor > 0) prices[currency] = minor;
  const item: ComplementItem = { productId: product.id, variantId: variant.id, prices };
  const image = product.imageUrl ? splitImageUrl(product.imageUrl) : null;
  if (image) item.image = image;
  return item;
}

/**
 * The shop's complement table: at most COMPLEMENT_TRIGGERS_MAX trigger products (those whose best
 * complement is worth most, by the miner's expected incremental revenue), each with its
 * complements still sellable, best first, at most COMPLEMENTS_PER_TRIGGER. `getProducts` reads the
 * catalog (the shop's gateway).
 */
export async function buildComplements(
  prisma: PrismaClient,
  shopId: string,
  getProducts: (ids: string[]) => Promise<CatalogProduct[]>,
): Promise<Complements> {
  const rows = await prisma.suggestion.findMany({
    where: { shopId, moment: DYNAMIC_MOMENT },
    orderBy: [{ triggerProductId: "asc" }, { rank: "asc" }],
  });
  const byTrigger = new Map<string, typeof rows>();
  for (const row of rows) byTrigger.set(row.triggerProductId, [...(byTrigger.get(row.triggerProductId) ?? []), row]);
  const best = (id: string) => byTrigger.get(id)![0]!.expectedRevenuePer1000;
  // Ranked by their best complement's worth; ties by id, so a publish is reproducible.
  const triggers = [...byTrigger.keys()].sort((a, b) =>
    best(b) > best(a) ? 1 : best(b) < best(a) ? -1 : a < b ? -1 : 1,
  );
  // Only the best triggers' complements are read (twice the table's bound, so that triggers whose
  // complements all sold out since mining leave room for the next), in pages the Admin API takes.
  const read = triggers.slice(0, COMPLEMENT_TRIGGERS_MAX * 2);
  const ids = [...new Set(read.flatMap((t) => byTrigger.get(t)!.map((r) => r.productId)))];
  if (!ids.length) return [];
  const catalog = new Map<string, CatalogProduct>();
  for (let i = 0; i < ids.length; i += PRODUCTS_PER_READ)
    for (const p of await getProducts(ids.slice(i, i + PRODUCTS_PER_READ))) catalog.set(p.id, p);
  const items = new Map<string, ComplementItem | null>();
  const itemOf = (id: string) => {
    if (!items.has(id)) items.set(id, catalog.has(id) ? complementItem(catalog.get(id)!) : null);
    return items.get(id) ?? null;
  };
  const table: Complements = [];
  for (const trigger of read) {
    if (table.length >= COMPLEMENT_TRIGGERS_MAX) break;
    const list = byTrigger
      .get(trigger)!
      .map((row) => itemOf(row.productId))
      .filter((item): item is ComplementItem => item !== null && item.productId !== trigger)
      .slice(0, COMPLEMENTS_PER_TRIGGER);
    if (list.length) table.push({ productId: trigger, items: list });
  }
  return table;
}
