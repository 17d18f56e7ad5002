import {
  DEMO_CATALOG,
  DEMO_COLLECTIONS,
  demoCollectionGid,
  demoImageUrl,
  demoProductGid,
  demoVariantGid,
} from "../catalog";

/**
 * The demo catalog (app/demo/catalog.ts) as a storefront sees it: numeric ids (the Cart AJAX API
 * and Liquid's `product.id`, `variant.id`, `collection.id`), handles and unit prices per currency.
 * Pure; the ids are the same GIDs the seed, the demo offers and the published payload use.
 */
export interface StoreCollection {
  id: number;
  handle: string;
  title: string;
}
export interface StoreVariant {
  id: number;
  gid: string;
  /** The catalog's variant key (the buyer journey's `item=`). */
  key: string;
  title: string;
  inventory: number;
  prices: Record<"EUR" | "USD", number>;
  product: StoreProduct;
}
export interface StoreProduct {
  id: number;
  gid: string;
  handle: string;
  title: string;
  vendor: string;
  productType: string;
  /** The product's illustration on the app's origin (public/demo-products/). */
  image: string;
  tags: string[];
  collections: StoreCollection[];
  variants: StoreVariant[];
}

/** "gid://shopify/Product/8100000004" -> 8100000004. */
export const numericId = (gid: string): number => Number(gid.slice(gid.lastIndexOf("/") + 1));

export const STORE_PRODUCTS: readonly StoreProduct[] = DEMO_CATALOG.map((p, pi) => {
  const product: StoreProduct = {
    id: numericId(demoProductGid(pi)),
    gid: demoProductGid(pi),
    handle: p.key,
    title: p.title,
    vendor: p.vendor,
    productType: p.productType,
    image: demoImageUrl(p.key),
    tags: p.tags,
    collections: p.collections.map((handle) => ({
      id: numericId(demoCollectionGid(handle)),
      handle,
      title: DEMO_COLLECTIONS.find((c) => c.handle === handle)!.title,
    })),
    variants: [],
  };
  product.variants = p.variants.map((v, vi) => ({
    id: numericId(demoVariantGid(pi, vi)),
    gid: demoVariantGid(pi, vi),
    key: v.key,
    title: v.title,
    // The seed's default stock (app/demo/seed.server.ts).
    inventory: v.inventory ?? 40,
    prices: { EUR: v.eur, USD: v.usd },
    product,
  }));
  return product;
});

const byVariant = new Map(STORE_PRODUCTS.flatMap((p) => p.variants.map((v) => [v.id, v] as const)));
const byHandle = new Map(STORE_PRODUCTS.map((p) => [p.handle, p] as const));

export const variantById = (id: number): StoreVariant | undefined => byVariant.get(id);
export const productByHandle = (handle: string): StoreProduct | undefined => byHandle.get(handle);

/** Unit price in minor units of the store's currency (the demo catalog prices EUR and USD). */
export function unitPrice(v: StoreVariant, currency: string): number {
  const price = v.prices[currency as "EUR" | "USD"];
  if (price === undefined) throw new Error(`the demo catalog has no ${currency} prices`);
  return price;
}
