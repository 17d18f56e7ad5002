import type { PrismaClient } from "@prisma/client";
import type { ShopBilling } from "./api";

/**
 * Billing in demo mode: nothing is sent anywhere. A plan is approved at once (there is no Shopify
 * confirmation page to visit), charges are simulated usage records named after their idempotency
 * key, and the state is read back from the demo shop's own rows.
 */
export function demoBilling(prisma: PrismaClient, shopId: string): ShopBilling {
  return {
    real: false,
    async state() {
      const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { currency: true } });
      const subs = await prisma.billingSubscription.findMany({
        where: { shopId, status: "ACTIVE" },
        orderBy: { createdAt: "desc" },
      });
      const since = new Date(Date.now() - 30 * 86400_000);
      return {
        billingCurrency: shop.currency,
        developmentStore: true,
        active: await Promise.all(
          subs.map(async (s) => {
            const used = await prisma.billingPeriod.aggregate({
              where: { shopId, subscriptionId: s.id, status: "charged", chargedAt: { gte: since } },
              _sum: { chargedMinor: true },
            });
            return {
              id: s.id,
              name: s.plan,
              status: s.status,
              test: true,
              trialDays: s.trialDays,
              createdAt: s.createdAt,
              currentPeriodEnd: null,
              usage:
                s.plan === "usage"
                  ? {
                      lineItemId: s.usageLineItemId ?? `demo-line:${s.id}`,
                      balanceUsedMinor: used._sum.chargedMinor ?? 0n,
                      cappedAmountMinor: s.cappedAmountMinor,
                      currency: s.currency,
                    }
                  : null,
              recurringMinor: s.plan === "flat" ? s.flatPriceMinor : null,
            };
          }),
        ),
      };
    },
    async subscriptionStatus() {
      return null;
    },
    async createSubscription() {
      return { id: null, status: "ACTIVE", usageLineItemId: null, confirmationUrl: null };
    },
    async createUsageRecord(r) {
      return { id: `demo-usage:${r.idempotencyKey}` };
    },
    async cancelSubscription() {
      return { status: "CANCELLED" };
    },
  };
}
