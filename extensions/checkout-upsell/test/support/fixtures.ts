import { encodePayload, type Offer, type Settings } from "@moments/engine";
import { DEMO_OFFERS } from "~/demo/demo-offers";
import { DEMO_CATALOG, demoProductGid, demoVariantGid } from "~/demo/catalog";
import type { HostLine, HostMetafieldEntry } from "@moments/surfaces/checkout";

export const NOW = Date.UTC(2026, 10, 24, 9);
export const settings: Settings = { journeyCap: 3, momentLimits: { checkout: 2 }, defaultLocale: "en" };
export const offers: Offer[] = DEMO_OFFERS.map(({ name: _name, ...o }) => o);

export const payloadJson = (list: Offer[] = offers, s: Settings = settings) => encodePayload(list, s, NOW - 60_000);

export function metafield(value: string): HostMetafieldEntry[] {
  return [
    {
      target: { type: "shop", id: "gid://shopify/Shop/1" },
      metafield: { namespace: "$app", key: "offers", value, type: "json" },
    },
  ];
}

/** A checkout line for a demo catalog variant, priced from the catalog (EUR or USD). */
export function line(
  productKey: string,
  variantKey = productKey,
  quantity = 1,
  currency: "EUR" | "USD" = "EUR",
  extra: Partial<HostLine> = {},
): HostLine {
  const pi = DEMO_CATALOG.findIndex((p) => p.key === productKey);
  const vi = DEMO_CATALOG[pi]!.variants.findIndex((v) => v.key === variantKey);
  const v = DEMO_CATALOG[pi]!.variants[vi]!;
  const unit = currency === "EUR" ? v.eur : v.usd;
  return {
    id: `gid://shopify/CartLine/${pi}-${vi}`,
    quantity,
    merchandise: {
      id: demoVariantGid(pi, vi),
      product: { id: demoProductGid(pi), vendor: DEMO_CATALOG[pi]!.vendor, productType: DEMO_CATALOG[pi]!.productType },
      // The demo seed's selling plan per subscription product (app/demo/seed.server.ts).
      sellingPlan: v.sellingPlan ? { id: `gid://shopify/SellingPlan/${7700000000 + pi}` } : null,
    },
    cost: { totalAmount: { amount: (unit * quantity) / 100, currencyCode: currency } },
    attributes: [],
    ...extra,
  };
}

export const variantGid = (productKey: string, variantKey = productKey) => {
  const pi = DEMO_CATALOG.findIndex((p) => p.key === productKey);
  return demoVariantGid(
    pi,
    DEMO_CATALOG[pi]!.variants.findIndex((v) => v.key === variantKey),
  );
};
