import { splitImageUrl, type Offer } from "@moments/engine";
import { DEMO_CATALOG, demoImageUrl, demoProductGid, demoVariantGid } from "./catalog";

/** A demo offer as listed: the engine's offer plus the name the merchant sees in the admin. */
export type DemoOffer = Offer & { name: string };

// GIDs come from the demo catalog, prices from its EUR/USD list prices, so the demo offers always
// point at products the seeded shop really has.
const P = (key: string) => {
  const i = DEMO_CATALOG.findIndex((p) => p.key === key);
  if (i < 0) throw new Error(`demo catalog has no product ${key}`);
  return i;
};
export const product = (key: string) => demoProductGid(P(key));
export function item(productKey: string, variantKey: string, quantity = 1) {
  const pi = P(productKey);
  const vi = DEMO_CATALOG[pi]!.variants.findIndex((v) => v.key === variantKey);
  const v = DEMO_CATALOG[pi]!.variants[vi]!;
  const it: Offer["items"][number] = {
    productId: demoProductGid(pi),
    variantId: demoVariantGid(pi, vi),
    quantity,
    prices: { EUR: v.eur, USD: v.usd },
  };
  // Mirrors the seed: a selling plan per subscription product (app/demo/seed.server.ts).
  if (v.sellingPlan) it.sellingPlanId = `gid://shopify/SellingPlan/${7700000000 + pi}`;
  return it;
}

/**
 * The offer with its first product's image, as the editor saves it (the catalog's image of the
 * first item; app/offers/form-rules.ts `image`).
 */
export function withProductImage<T extends Offer>(offer: T): T {
  const product = DEMO_CATALOG.find((_, i) => demoProductGid(i) === offer.items[0]?.productId);
  const image = product ? splitImageUrl(demoImageUrl(product.key)) : null;
  return offer.image || !image ? offer : { ...offer, image };
}
