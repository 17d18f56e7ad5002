import type { PrismaClient } from "@prisma/client";
import { mulberry32 } from "@moments/stats";
import { DEMO_CATALOG, demoCollectionGid, demoImageUrl, demoProductGid, demoVariantGid } from "./catalog";

export const DEMO_SHOP = {
  domain: "moments-demo.myshopify.com",
  name: "Moments Demo Store",
  currency: "EUR",
  plan: "plus",
} as const;

const FIRST = [
  "Anna",
  "Lukas",
  "Marie",
  "Jonas",
  "Léa",
  "Hugo",
  "Emma",
  "Noah",
  "Sofia",
  "Finn",
  "Chloé",
  "Liam",
  "Mila",
  "Paul",
  "Olivia",
  "Ben",
  "Zoé",
  "Elias",
  "Ava",
  "Theo",
];
const LAST = [
  "Müller",
  "Schmidt",
  "Dubois",
  "Martin",
  "Fischer",
  "Bernard",
  "Smith",
  "Johnson",
  "Weber",
  "Laurent",
  "Brown",
  "Wagner",
  "Moreau",
  "Davis",
  "Becker",
];
const MARKETS = [
  { country: "DE", locale: "de", currency: "EUR", weight: 4 },
  { country: "FR", locale: "fr", currency: "EUR", weight: 3 },
  { country: "NL", locale: "en", currency: "EUR", weight: 1 },
  { country: "US", locale: "en", currency: "USD", weight: 3 },
  { country: "CA", locale: "en", currency: "USD", weight: 1 },
];

function pickWeighted<T extends { weight: number }>(items: T[], r: number): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let x = r * total;
  for (const item of items) {
    x -= item.weight;
    if (x < 0) return item;
  }
  return items[items.length - 1]!;
}

export interface SeedOptions {
  now?: Date;
  customers?: number;
  days?: number;
  ordersPerDay?: number;
}

/**
 * Creates the demo shop with its catalog, customers (first-time and returning) and order history.
 * Idempotent: an existing demo shop is left as it is (use `resetDemoShop` to start over).
 */
export async function ensureDemoShop(
  prisma: PrismaClient,
  options: SeedOptions = {},
): Promise<{ created: boolean; shopId: string }> {
  const existing = await prisma.shop.findUnique({ where: { domain: DEMO_SHOP.domain } });
  if (existing) return { created: false, shopId: existing.id };

  const now = options.now ?? new Date();
  const rand = mulberry32(20261124); // the same seed gives the same demo store every time
  const shop = await prisma.shop.create({
    data: {
      ...DEMO_SHOP,
      isDemo: true,
      settings: { create: { emailSenderName: DEMO_SHOP.name, emailSenderAddress: "hello@moments-demo.example" } },
    },
  });

  const variantRows: Array<{ productId: string; variantId: string; eur: number; usd: number; popularity: number }> = [];
  for (const [pi, p] of DEMO_CATALOG.entries()) {
    const productId = demoProductGid(pi);
    await prisma.demoProduct.create({
      data: {
        id: productId,
        shopId: shop.id,
        title: p.title,
        handle: p.key,
        vendor: p.vendor,
        productType: p.productType,
        tags: p.tags.join(","),
        // GIDs, as Shopify names collections to offers, the checkout and the Discount Function.
        collections: p.collections.map(demoCollectionGid).join(","),
        imageUrl: demoImageUrl(p.key),
        variants: {
          create: p.variants.map((v, vi) => ({
            id: demoVariantGid(pi, vi),
            title: v.title,
            sku: v.key.toUpperCase(),
            priceEurMinor: v.eur,
            priceUsdMinor: v.usd,
            inventory: v.inventory ?? 40,
            sellingPlanId: v.sellingPlan ? `gid://shopify/SellingPlan/${7700000000 + pi}` : null,
          })),
        },
      },
    });
    p.variants.forEach((v, vi) =>
      variantRows.push({
        productId,
        variantId: demoVariantGid(pi, vi),
        eur: v.eur,
        usd: v.usd,
        popularity: p.popularity / p.variants.length,
      }),
    );
  }

  const customerCount = options.customers ?? 60;
  const customers = Array.from({ length: customerCount }, (_, i) => {
    const market = pickWeighted(MARKETS, rand());
    const first = FIRST[Math.floor(rand() * FIRST.length)]!;
    const last = LAST[Math.floor(rand() * LAST.length)]!;
    return {
      id: `gid://shopify/Customer/${7300000000 + i}`,
      shopId: shop.id,
      firstName: first,
      lastName: last,
      email: `${first}.${last}.${i}@example.com`
        .toLowerCase()
        .normalize("NFD")
        .replace(/[\u0300-\u036f]/g, ""),
      country: market.country,
      locale: market.locale,
      currency: market.currency,
      tags: rand() < 0.15 ? "vip" : "",
      marketingConsent: rand() < 0.6,
    };
  });

  const days = options.days ?? 120;
  const perDay = options.ordersPerDay ?? 6;
  const ordersCount = new Map<string, number>();
  const orders = [];
  let number = 1001;
  for (let d = days; d >= 1; d--) {
    const today = Math.floor(perDay * (0.5 + rand()));
    for (let k = 0; k < today; k++) {
      // Returning buyers exist because a third of the customers buy again and again.
      const c =
        rand() < 0.5
          ? customers[Math.floor(rand() * Math.ceil(customerCount / 3))]!
          : customers[Math.floor(rand() * customerCount)]!;
      const lineCount = 1 + (rand() < 0.3 ? 1 : 0) + (rand() < 0.1 ? 1 : 0);
      const lines = Array.from({ length: lineCount }, () => {
        const v = pickWeighted(
          variantRows.map((r) => ({ ...r, weight: r.popularity })),
          rand(),
        );
        const quantity = rand() < 0.85 ? 1 : 2;
        return {
          productId: v.productId,
          variantId: v.variantId,
          quantity,
          unitMinor: c.currency === "EUR" ? v.eur : v.usd,
        };
      });
      const subtotal = lines.reduce((s, l) => s + l.unitMinor * l.quantity, 0);
      const shipping = subtotal >= 10000 ? 0 : 590;
      const processedAt = new Date(now.getTime() - d * 86_400_000 + Math.floor(rand() * 86_400_000));
      ordersCount.set(c.id, (ordersCount.get(c.id) ?? 0) + 1);
      orders.push({
        shopId: shop.id,
        shopifyId: `gid://shopify/Order/${5500000000 + number}`,
        name: `#${number++}`,
        customerId: c.id,
        email: c.email,
        currency: c.currency,
        subtotalMinor: subtotal,
        totalMinor: subtotal + shipping,
        lineCount: lines.length,
        lines: JSON.stringify(lines),
        sourceName: "web",
        processedAt,
      });
    }
  }

  await prisma.demoCustomer.createMany({
    data: customers.map(({ currency: _currency, ...c }) => ({ ...c, ordersCount: ordersCount.get(c.id) ?? 0 })),
  });
  await prisma.order.createMany({ data: orders });
  return { created: true, shopId: shop.id };
}
