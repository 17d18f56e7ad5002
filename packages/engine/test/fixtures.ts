import type { CartLine, Complements, DecideInput, Offer, OfferItem, Settings } from "../src/index";
import { COMPLEMENT_TRIGGERS_MAX, COMPLEMENTS_PER_TRIGGER, MOMENT_IDS, OFFER_TYPES } from "../src/index";

/** Deterministic PRNG (mulberry32) so fixtures are the same on every run. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The fixture's types: the fixed-item ones (a dynamic offer needs a complement table; decision 034). */
const FIXED_TYPES = OFFER_TYPES.filter((type) => type !== "dynamic");

export const settings: Settings = {
  journeyCap: 3,
  momentLimits: { cart: 2, checkout: 2, post_purchase: 1, thank_you: 2 },
  defaultLocale: "en",
  charm: { EUR: 99 },
};

const TITLES = [
  "Complete the look",
  "Protect your purchase",
  "Frequently bought together",
  "Add a spare",
  "Upgrade to Pro",
  "Subscribe and save",
  "Ship it safely",
  "Get it set up for you",
  "You might also like",
  "Make it a set",
  "Don't forget batteries",
  "Treat yourself",
  "Add the matching case",
  "Extend your warranty",
  "Priority handling",
  "Last chance: bundle deal",
  "Add a gift card",
  "Pairs perfectly with",
  "Refill now, save later",
  "Go premium",
  "Free setup call",
  "Add a screen protector",
  "Stay charged",
  "Limited edition add-on",
];
const BODIES = [
  "Only for this order.",
  "Added to your order in one click.",
  "Covers accidental damage for 2 years.",
  "Save 15% when you add it now.",
  "Ships with your order at no extra cost.",
  "Cancel anytime.",
  "Our most popular add-on.",
  "Lost or damaged parcels replaced, no questions asked.",
];
const DE = ["Jetzt hinzufügen", "Schütze deinen Einkauf", "Oft zusammen gekauft", "Upgrade auf Pro"];

const NOUNS = [
  "parka",
  "mug",
  "case",
  "cable",
  "lamp",
  "bottle",
  "headset",
  "backpack",
  "charger",
  "print",
  "kit",
  "sock",
];
const COLORS = ["black", "navy", "sand", "olive", "red", "white", "grey", "teal"];

/**
 * Images as a shop's products have them: Shopify's CDN, one folder per shop, a file name and a
 * version (`featuredMedia.preview.image.url`). Deterministic per product.
 */
export function shopifyImageUrl(productId: string): string {
  const r = rng(Number(productId.split("/").pop()) % 2147483647);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const version = 1_700_000_000 + Math.floor(r() * 30_000_000);
  return `https://cdn.shopify.com/s/files/1/0612/3456/7890/files/${pick(NOUNS)}-${pick(COLORS)}-${Math.floor(r() * 9) + 1}.jpg?v=${version}`;
}

/** `makeOffers` with each offer's image (its first item's product image), as the admin saves it. */
export function withImages(offers: Offer[]): Offer[] {
  return offers.map((o) => {
    const url = shopifyImageUrl(o.items[0]!.productId);
    const cut = url.lastIndexOf("/", url.indexOf("?")) + 1;
    return { ...o, image: [url.slice(0, cut), url.slice(cut)] };
  });
}

/** A realistic shop: 200 offers of all types over a catalog of Shopify-sized numeric ids. */
export function makeOffers(n = 200, seed = 1): Offer[] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const pid = (i: number) => `gid://shopify/Product/${8012345600000 + i}`;
  const vid = (i: number) => `gid://shopify/ProductVariant/${44012345600000 + i}`;
  const offers: Offer[] = [];
  for (let i = 0; i < n; i++) {
    const type = FIXED_TYPES[i % FIXED_TYPES.length]!;
    const p = 1000 + Math.floor(r() * 20000);
    const items: OfferItem[] = Array.from({ length: type === "bundle" ? 2 : 1 }, (_, k) => ({
      productId: pid(1000 + i * 2 + k),
      variantId: vid(1000 + i * 2 + k),
      quantity: 1,
      prices: { EUR: p + k * 500, USD: Math.round((p + k * 500) * 1.08) },
    }));
    const offer: Offer = {
      id: `off_${i.toString(36).padStart(4, "0")}`,
      status: "active",
      type,
      moments: [pick(MOMENT_IDS), ...(r() < 0.5 ? [pick(["cart", "checkout", "thank_you"] as const)] : [])],
      priority: Math.floor(r() * 10),
      items,
      copy: { en: { title: pick(TITLES), ...(r() < 0.6 ? { body: pick(BODIES) } : {}) } },
      targeting: { products: [pid(Math.floor(r() * 60))] },
    };
    if (r() < 0.3) offer.copy.de = { title: pick(DE) };
    if (type === "variant_upgrade") items[0]!.productId = pid(Math.floor(r() * 60));
    if (type === "subscription_upgrade") {
      items[0]!.productId = pid(Math.floor(r() * 60));
      items[0]!.variantId = vid(Math.floor(r() * 60));
      items[0]!.sellingPlanId = String(690000000 + i);
    }
    if (type === "bundle") offer.discount = { kind: "bundle_price", prices: { EUR: p, USD: Math.round(p * 1.05) } };
    else if (type === "warranty" || type === "shipping_protection")
      offer.pricing = { percent: 10, of: type === "warranty" ? "line" : "subtotal" };
    else if (r() < 0.6) offer.discount = { kind: "percent", percent: 5 + Math.floor(r() * 5) * 5 };
    if (r() < 0.25) offer.targeting!.devices = ["mobile"];
    if (r() < 0.2) offer.targeting!.subtotal = { EUR: { min: 5000 } };
    if (r() < 0.15) offer.endsAt = 1_900_000_000_000;
    if (r() < 0.2)
      offer.experiment = {
        id: `exp_${i}`,
        holdoutBps: 1000,
        variants: [
          { id: "a", weight: 50 },
          { id: "b", weight: 50, discount: { kind: "percent", percent: 20 } },
        ],
      };
    offers.push(offer);
  }
  return offers;
}

export function makeCart(n = 30, seed = 2): { lines: CartLine[]; subtotal: number; currency: string } {
  const r = rng(seed);
  const lines: CartLine[] = Array.from({ length: n }, (_, i) => ({
    productId: `gid://shopify/Product/${8012345600000 + i * 2}`,
    variantId: `gid://shopify/ProductVariant/${44012345600000 + i * 2}`,
    quantity: 1 + Math.floor(r() * 3),
    unitPrice: 500 + Math.floor(r() * 10000),
    vendor: `Vendor ${i % 5}`,
    tags: ["tag-" + (i % 7), "sale"],
    collectionIds: [String(400000000 + (i % 9))],
  }));
  return { lines, subtotal: lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0), currency: "EUR" };
}

export function makeInput(payload: DecideInput["payload"], over: Partial<DecideInput> = {}): DecideInput {
  return {
    now: 1_800_000_000_000,
    moments: ["cart", "checkout", "thank_you"],
    buyerKey: "buyer-123",
    cart: makeCart(),
    country: "DE",
    locale: "de-DE",
    device: "mobile",
    buyer: { returning: true, tags: ["vip"] },
    journey: { shown: [], declined: [], accepted: [] },
    payload,
    ...over,
  };
}

/**
 * The largest complement table a publish writes (decision 034): COMPLEMENT_TRIGGERS_MAX triggers
 * with COMPLEMENTS_PER_TRIGGER complements each, every complement a distinct product (the worst
 * case: a real table repeats its accessories), priced in EUR and USD, with a CDN image.
 */
export function makeComplements(): Complements {
  return Array.from({ length: COMPLEMENT_TRIGGERS_MAX }, (_, t) => ({
    productId: `gid://shopify/Product/${8000000000 + t}`,
    items: Array.from({ length: COMPLEMENTS_PER_TRIGGER }, (_, k) => {
      const n = t * COMPLEMENTS_PER_TRIGGER + k;
      return {
        productId: `gid://shopify/Product/${8000001000 + n}`,
        variantId: `gid://shopify/ProductVariant/${44000001000 + n}`,
        prices: { EUR: 1999 + 100 * k, USD: 2199 + 100 * k },
        image: ["https://cdn.shopify.com/s/files/1/0533/2089/files/", `product-${n}.jpg`],
      };
    }),
  }));
}
