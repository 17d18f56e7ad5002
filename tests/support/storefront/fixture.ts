import { decodePayload, encodePayload, type Offer, type Payload, type Settings } from "@moments/engine";

/** The storefront test shop: a jacket in the cart, a cart cross-sell and an exit-intent bundle. */
export const SHOP = "storefront-test.myshopify.com";
export const JACKET = { product: 1001, variant: 10011, cents: 12900 };
export const KIT = { product: 2001, variant: 20011 };
export const BEANIE = { product: 3001, variant: 30011 };
export const SCARF = { product: 3002, variant: 30021 };

const gid = (kind: string, n: number) => `gid://shopify/${kind}/${n}`;

export const settings: Settings = { journeyCap: 3, momentLimits: { cart: 1, exit_intent: 1 }, defaultLocale: "en" };

export function storefrontOffers(now: number): Offer[] {
  return [
    {
      id: "off_kit",
      status: "active",
      type: "product",
      moments: ["cart"],
      priority: 10,
      items: [{ productId: gid("Product", KIT.product), variantId: gid("ProductVariant", KIT.variant), quantity: 1, prices: { EUR: 1900 } }],
      discount: { kind: "percent", percent: 20 },
      copy: { en: { title: "Complete your order: care kit", body: "Keeps the jacket waterproof.", cta: "Add kit" } },
      targeting: { products: [gid("Product", JACKET.product)] },
    },
    {
      id: "off_bundle",
      status: "active",
      type: "bundle",
      moments: ["exit_intent"],
      priority: 5,
      endsAt: now + 2 * 3600_000,
      items: [
        { productId: gid("Product", BEANIE.product), variantId: gid("ProductVariant", BEANIE.variant), quantity: 1, prices: { EUR: 2500 } },
        { productId: gid("Product", SCARF.product), variantId: gid("ProductVariant", SCARF.variant), quantity: 1, prices: { EUR: 3500 } },
      ],
      discount: { kind: "bundle_price", prices: { EUR: 4500 } },
      copy: {
        en: { title: "Wait! Your winter bundle", body: "Beanie and scarf together, today only.", cta: "Add the bundle", decline: "No thanks" },
        de: { title: "Warte! Dein Winter-Set", body: "Mütze und Schal zusammen, nur heute." },
      },
      experiment: { id: "exp_bundle", holdoutBps: 0, variants: [{ id: "A", weight: 1 }] },
    },
  ];
}

/** The payload as published (the `$app` metafield JSON), and decoded as the app reads it back. */
export function storefrontPayload(now = Date.now()): { json: string; payload: Payload } {
  const json = encodePayload(storefrontOffers(now), settings, now);
  const decoded = decodePayload(json);
  if (!decoded.ok) throw new Error(`fixture payload invalid: ${decoded.error.path} ${decoded.error.message}`);
  return { json, payload: decoded.payload };
}
