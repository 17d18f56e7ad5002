import type { PrismaClient } from "@prisma/client";
import { toSafeNumber } from "~/lib/bigint";
import { DEMO_CATALOG, DEMO_COLLECTIONS, demoCollectionGid, demoCollectionId, demoImageUrl } from "~/demo/catalog";
import { demoOrderEditing } from "./demo-orders.server";
import { demoOrderHistorySource } from "./demo-order-history.server";
import { demoBilling } from "~/billing/demo-billing.server";
import { OFFER_FUNCTION_INPUT_METAFIELD, type CatalogProduct, type ShopGateway } from "./types";

const APP_NAMESPACE = "$app";

type DemoProductRow = Awaited<ReturnType<typeof loadProducts>>[number];
function loadProducts(prisma: PrismaClient, shopId: string, where: object, take?: number) {
  return prisma.demoProduct.findMany({
    where: { shopId, ...where },
    include: { variants: { orderBy: { id: "asc" } } },
    orderBy: { title: "asc" },
    take,
  });
}

function toCatalog(row: DemoProductRow): CatalogProduct {
  const list = (s: string) =>
    s
      ? s
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean)
      : [];
  return {
    id: row.id,
    title: row.title,
    handle: row.handle,
    vendor: row.vendor,
    productType: row.productType,
    tags: list(row.tags),
    collections: list(row.collections).map(demoCollectionId),
    // Demo stores seeded before the catalog had images: the product's illustration.
    imageUrl: row.imageUrl ?? (DEMO_CATALOG.some((p) => p.key === row.handle) ? demoImageUrl(row.handle) : null),
    // The demo catalog sells every product it has.
    active: true,
    variants: row.variants.map((v) => ({
      id: v.id,
      title: v.title,
      sku: v.sku,
      prices: {
        EUR: toSafeNumber(v.priceEurMinor, "priceEurMinor"),
        USD: toSafeNumber(v.priceUsdMinor, "priceUsdMinor"),
      },
      inventory: v.inventory,
      sellingPlanId: v.sellingPlanId,
    })),
  };
}

/** The demo store: catalog and metafields live in the local database, scoped to the demo shop. */
export function demoGateway(prisma: PrismaClient, shopId: string): ShopGateway {
  return {
    kind: "demo",
    currencies: ["EUR", "USD"],
    async searchProducts(query, limit = 25) {
      const q = query.trim().toLowerCase();
      if (!q) return (await loadProducts(prisma, shopId, {}, limit)).map(toCatalog);
      // Case-insensitive like Shopify's product search. Prisma's `contains` is not portable here:
      // SQLite's LIKE ignores ASCII case only, PostgreSQL's is case-sensitive, and `mode:
      // "insensitive"` does not exist on SQLite. The demo catalog is a few dozen rows per shop.
      const matches = (s: string) => s.toLowerCase().includes(q);
      const rows = await loadProducts(prisma, shopId, {});
      return rows
        .filter((r) => matches(r.title) || matches(r.vendor) || matches(r.tags))
        .slice(0, limit)
        .map(toCatalog);
    },
    async getProducts(ids) {
      if (ids.length === 0) return [];
      return (await loadProducts(prisma, shopId, { id: { in: ids } })).map(toCatalog);
    },
    // The demo store's collections are fixed (the catalog's), so they are not stored per shop.
    async listCollections(query = "") {
      const q = query.trim().toLowerCase();
      return DEMO_COLLECTIONS.filter((c) => !q || c.title.toLowerCase().includes(q) || c.handle.includes(q))
        .map((c) => ({ id: demoCollectionGid(c.handle), title: c.title }))
        .sort((a, b) => a.title.localeCompare(b.title));
    },
    async publishMetafield(key, jsonValue, alongside = []) {
      // One transaction, as Shopify's metafieldsSet saves all or none.
      const upsert = (k: string, type: string, value: string) =>
        prisma.demoMetafield.upsert({
          where: { shopId_namespace_key: { shopId, namespace: APP_NAMESPACE, key: k } },
          create: { shopId, namespace: APP_NAMESPACE, key: k, type, value },
          update: { type, value },
        });
      const [row] = await prisma.$transaction([
        upsert(key, "json", jsonValue),
        ...alongside.map((m) => upsert(m.key, m.type, m.value)),
      ]);
      return { publishedAt: row.updatedAt };
    },
    async readMetafield(key) {
      const row = await prisma.demoMetafield.findUnique({
        where: { shopId_namespace_key: { shopId, namespace: APP_NAMESPACE, key } },
      });
      return row?.value ?? null;
    },
    // No discount to create: the demo prices offer lines in its journey simulation. The function's
    // variables are kept as Shopify would keep them on the discount, for the demo to show.
    async ensureOfferDiscount(functionInput) {
      if (!functionInput) return;
      const { namespace, key } = OFFER_FUNCTION_INPUT_METAFIELD;
      const value = JSON.stringify({ tags: functionInput.tags, collections: functionInput.collections });
      await prisma.demoMetafield.upsert({
        where: { shopId_namespace_key: { shopId, namespace, key } },
        create: { shopId, namespace, key, type: "json", value },
        update: { value },
      });
    },
    // The demo store has no checkout: the code is deterministic and recorded on the outbox row.
    async createDiscountCode(input) {
      return { code: input.code };
    },
    // Order editing on the demo store's orders (decision 026).
    ...demoOrderEditing(prisma, shopId),
    orderHistory: demoOrderHistorySource(prisma, shopId),
    billing: demoBilling(prisma, shopId),
  };
}
