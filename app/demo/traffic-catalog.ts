/** The demo catalog as the traffic generator buys from it: one row per variant, prices in cents. */
import { DEMO_CATALOG, demoProductGid, demoVariantGid } from "./catalog";
import type { Group } from "./traffic-model";

export interface CatalogVariant {
  key: string;
  productId: string;
  variantId: string;
  title: string;
  price: number;
}
export const CATALOG: CatalogVariant[] = DEMO_CATALOG.flatMap((p, pi) =>
  p.variants.map((v, vi) => ({
    key: p.key,
    productId: demoProductGid(pi),
    variantId: demoVariantGid(pi, vi),
    title: `${p.title} ${v.title}`,
    price: v.eur,
  })),
);
export const GROUPS: Group[] = ["laptop", "drill", "parka", "headset", "print", "saas"];
/** Extra items: products no demo offer is triggered by, so they only make carts vary. */
export const EXTRAS = CATALOG.filter((v) =>
  ["sizing-kit", "laptop-warranty", "tool-case", "insurance", "onboarding"].includes(v.key),
);
