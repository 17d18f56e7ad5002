/**
 * The demo store's order history (decision 029): the generated history with planted complements
 * (app/demo/order-history.ts) and the orders the demo shop has recorded (seeded, and placed by the
 * demo journey and traffic), as `{ orderId, productId }` lines; finished at once, no export to wait
 * for. The catalog facts from the demo tables, priced in the shop's currency.
 */
import type { PrismaClient } from "@prisma/client";
import { toSafeNumber } from "~/lib/bigint";
import { demoCollectionId } from "~/demo/catalog";
import { demoOrderHistory } from "~/demo/order-history";
import type { OrderHistory } from "./types";

export function demoOrderHistorySource(
  prisma: PrismaClient,
  shopId: string,
  now: () => Date = () => new Date(),
): OrderHistory {
  return {
    async start(since) {
      const recorded = await prisma.order.findMany({
        where: { shopId, processedAt: { gte: since } },
        select: { shopifyId: true, lines: true },
      });
      const generated = [...demoOrderHistory(now(), since)];
      return {
        status: "completed",
        operationId: null,
        format: "order_lines",
        lines: function* () {
          yield* generated;
          for (const order of recorded) {
            let lines: unknown;
            try {
              lines = JSON.parse(order.lines);
            } catch {
              continue;
            }
            if (!Array.isArray(lines)) continue;
            for (const l of lines as Array<{ productId?: unknown }>) {
              if (typeof l?.productId === "string") yield { orderId: order.shopifyId, productId: l.productId };
            }
          }
        },
      };
    },
    async check(operationId) {
      return { status: "failed", operationId, error: "The demo store finishes its export at once." };
    },
    async catalog(limit) {
      const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { currency: true } });
      const rows = await prisma.demoProduct.findMany({
        where: { shopId },
        include: { variants: { orderBy: { id: "asc" } } },
        orderBy: { id: "asc" },
        take: limit,
      });
      const list = (s: string) =>
        s
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean);
      return rows.map((p) => {
        const sellable = p.variants.filter((v) => v.inventory > 0);
        const v = sellable[0] ?? p.variants[0];
        const minor = v ? (shop.currency === "USD" ? v.priceUsdMinor : v.priceEurMinor) : 0n;
        return {
          id: p.id,
          price: toSafeNumber(minor, "price"),
          giftCard: false,
          inStock: sellable.length > 0,
          vendor: p.vendor,
          tags: list(p.tags),
          collections: list(p.collections).map(demoCollectionId),
        };
      });
    },
  };
}
