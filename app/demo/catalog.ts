/**
 * The demo store's catalog, built around the guide's pairings: each main product has the add-on
 * a merchant would offer with it. Prices are integer minor units in EUR and USD.
 */
export interface DemoVariantSeed {
  key: string;
  title: string;
  eur: number;
  usd: number;
  inventory?: number;
  sellingPlan?: boolean;
}
export interface DemoProductSeed {
  key: string;
  title: string;
  vendor: string;
  productType: string;
  tags: string[];
  /** Handles of the demo store's collections (`DEMO_COLLECTIONS`); stored and sent as their GIDs. */
  collections: DemoCollectionHandle[];
  variants: DemoVariantSeed[];
  /** Relative weight of this product in the simulated order history (add-ons are bought less). */
  popularity: number;
}

/**
 * The demo store's collections. Each number is fixed (not the list position) so a collection keeps
 * its GID, and offers triggered by it keep working, when the list changes.
 */
export const DEMO_COLLECTIONS = [
  { handle: "outerwear", title: "Outerwear", number: 1 },
  { handle: "accessories", title: "Accessories", number: 2 },
  { handle: "electronics", title: "Electronics", number: 3 },
  { handle: "protection", title: "Protection and insurance", number: 4 },
  { handle: "tools", title: "Tools", number: 5 },
  { handle: "art", title: "Art", number: 6 },
  { handle: "software", title: "Software and services", number: 7 },
] as const;
export type DemoCollectionHandle = (typeof DEMO_COLLECTIONS)[number]["handle"];

/** A demo collection's GID, shaped like Shopify's (`gid://shopify/Collection/N`). */
export function demoCollectionGid(handle: DemoCollectionHandle): string {
  const c = DEMO_COLLECTIONS.find((x) => x.handle === handle)!;
  return `gid://shopify/Collection/${9100000000 + c.number}`;
}

/**
 * A collection as the demo store holds it -> its GID. Demo stores seeded before collections had
 * GIDs hold handles; GIDs (and anything unknown) pass through unchanged.
 */
export function demoCollectionId(stored: string): string {
  const c = DEMO_COLLECTIONS.find((x) => x.handle === stored);
  return c ? demoCollectionGid(c.handle) : stored;
}

export const DEMO_CATALOG: DemoProductSeed[] = [
  {
    key: "parka",
    title: "Alpine Down Parka",
    vendor: "Northfold",
    productType: "Outerwear",
    tags: ["outerwear", "winter"],
    collections: ["outerwear"],
    popularity: 10,
    variants: [
      { key: "parka-s", title: "S / Black", eur: 24900, usd: 26900 },
      { key: "parka-m", title: "M / Black", eur: 24900, usd: 26900 },
      { key: "parka-l", title: "L / Black", eur: 24900, usd: 26900 },
      { key: "parka-premium-m", title: "M / Premium Gore-Tex", eur: 32900, usd: 35900 },
    ],
  },
  {
    key: "sizing-kit",
    title: "Try-at-Home Sizing Kit",
    vendor: "Northfold",
    productType: "Accessory",
    tags: ["outerwear", "add-on"],
    collections: ["accessories"],
    popularity: 2,
    variants: [{ key: "sizing-kit", title: "Default", eur: 900, usd: 1000 }],
  },
  {
    key: "laptop",
    title: "Aero 14 Laptop",
    vendor: "Voltline",
    productType: "Electronics",
    tags: ["electronics", "laptop"],
    collections: ["electronics"],
    popularity: 6,
    variants: [
      { key: "laptop-16", title: "16 GB / 512 GB", eur: 119900, usd: 129900 },
      { key: "laptop-32", title: "32 GB / 1 TB", eur: 149900, usd: 159900 },
    ],
  },
  {
    key: "laptop-warranty",
    title: "Care+ 3-Year Protection Plan",
    vendor: "Moments Protect",
    productType: "Warranty",
    tags: ["warranty", "add-on"],
    collections: ["protection"],
    popularity: 1,
    variants: [{ key: "laptop-warranty", title: "3 years", eur: 14900, usd: 15900, inventory: 100000 }],
  },
  {
    key: "drill",
    title: "Pro 18V Cordless Drill",
    vendor: "Forgeworks",
    productType: "Tools",
    tags: ["tools", "power-tools"],
    collections: ["tools"],
    popularity: 7,
    variants: [
      { key: "drill", title: "Drill only", eur: 12900, usd: 13900 },
      { key: "drill-kit", title: "Drill + 2 batteries", eur: 17900, usd: 18900 },
    ],
  },
  {
    key: "tool-case",
    title: "Stackable Tool Storage Case",
    vendor: "Forgeworks",
    productType: "Tools",
    tags: ["tools", "storage", "add-on"],
    collections: ["tools"],
    popularity: 2,
    variants: [{ key: "tool-case", title: "Default", eur: 3900, usd: 4200 }],
  },
  {
    key: "headset",
    title: "Studio ANC Headset",
    vendor: "Voltline",
    productType: "Audio",
    tags: ["electronics", "audio"],
    collections: ["electronics"],
    popularity: 8,
    variants: [
      { key: "headset-black", title: "Black", eur: 19900, usd: 21900 },
      { key: "headset-silver", title: "Silver", eur: 19900, usd: 21900 },
    ],
  },
  {
    key: "cable",
    title: "Premium Braided Audio Cable",
    vendor: "Voltline",
    productType: "Accessory",
    tags: ["audio", "add-on"],
    collections: ["accessories"],
    popularity: 2,
    variants: [{ key: "cable", title: "1.5 m", eur: 2490, usd: 2690, inventory: 3 }],
  },
  {
    key: "print",
    title: "Framed Art Print: Harbour at Dawn",
    vendor: "Gallery North",
    productType: "Art",
    tags: ["art", "fragile"],
    collections: ["art"],
    popularity: 4,
    variants: [
      { key: "print-50", title: "50 x 70 cm", eur: 8900, usd: 9500 },
      { key: "print-70", title: "70 x 100 cm", eur: 13900, usd: 14900 },
    ],
  },
  {
    key: "insurance",
    title: "Shipping Insurance",
    vendor: "Moments Protect",
    productType: "Insurance",
    tags: ["insurance", "add-on"],
    collections: ["protection"],
    popularity: 1,
    variants: [{ key: "insurance", title: "Covered", eur: 499, usd: 549, inventory: 100000 }],
  },
  {
    key: "saas",
    title: "Planner Pro (monthly plan)",
    vendor: "Moments Software",
    productType: "Software",
    tags: ["software", "subscription"],
    collections: ["software"],
    popularity: 5,
    variants: [
      { key: "saas-basic", title: "Basic", eur: 1900, usd: 1900, inventory: 100000, sellingPlan: true },
      { key: "saas-pro", title: "Pro", eur: 4900, usd: 4900, inventory: 100000, sellingPlan: true },
    ],
  },
  {
    key: "onboarding",
    title: "Guided Onboarding Session",
    vendor: "Moments Software",
    productType: "Service",
    tags: ["service", "add-on"],
    collections: ["software"],
    popularity: 1,
    variants: [{ key: "onboarding", title: "60 minutes", eur: 9900, usd: 9900, inventory: 100000 }],
  },
];

/**
 * A demo product's image: an illustration the app serves (public/demo-products/), a path on the
 * app's own origin, as the offer model allows for the demo (decision 024).
 */
export function demoImageUrl(productKey: string): string {
  return `/demo-products/${productKey}.svg`;
}

/** Stable numeric ids so demo gids look like Shopify's and stay the same across reseeds. */
export function demoProductGid(index: number): string {
  return `gid://shopify/Product/${8100000000 + index}`;
}
export function demoVariantGid(productIndex: number, variantIndex: number): string {
  return `gid://shopify/ProductVariant/${4600000000 + productIndex * 100 + variantIndex}`;
}
