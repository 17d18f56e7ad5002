/**
 * The shop's subscription as Moments keeps it (decision 033): created through the gateway's
 * billing, approved by the merchant on Shopify's page, mirrored from app_subscriptions/update and
 * from currentAppInstallation when the merchant comes back. Every query is scoped by shop.
 */
import type { BillingSubscription, PrismaClient, Shop } from "@prisma/client";
import { formatMinor } from "@moments/engine";
import { InvalidInput } from "~/lib/errors";
import type { ShopBilling } from "./api";
import { planTerms, usageTerms, type PlanId } from "./plans";

/** Shopify's statuses in which a subscription is over for good. */
const ENDED = ["DECLINED", "CANCELLED", "EXPIRED"];

export async function activeSubscription(prisma: PrismaClient, shopId: string): Promise<BillingSubscription | null> {
  return prisma.billingSubscription.findFirst({ where: { shopId, status: "ACTIVE" }, orderBy: { createdAt: "desc" } });
}

/** The newest subscription whatever its status (the page says why billing is limited). */
export async function latestSubscription(prisma: PrismaClient, shopId: string): Promise<BillingSubscription | null> {
  return prisma.billingSubscription.findFirst({ where: { shopId }, orderBy: { createdAt: "desc" } });
}

/**
 * Creates the subscription and answers where the merchant approves it (null in demo mode, where
 * it is approved at once and nothing is sent). `test` on development stores and outside production.
 */
export async function subscribe(
  prisma: PrismaClient,
  shop: Shop,
  billing: ShopBilling,
  input: { plan: PlanId; capMinor?: bigint; returnUrl: string; test: boolean; now: Date },
): Promise<{ confirmationUrl: string | null; subscription: BillingSubscription }> {
  const terms = planTerms(shop.currency);
  if (!terms) throw new InvalidInput(`Billing is not offered in ${shop.currency} yet.`);
  const cap = input.capMinor ?? terms.capChoicesMinor[2]!;
  if (input.plan === "usage" && !terms.capChoicesMinor.includes(cap))
    throw new InvalidInput(`The cap must be one of the offered amounts, not ${cap}.`);
  const created = await billing.createSubscription({
    name: input.plan === "usage" ? "Moments: pay on measured lift" : "Moments: flat",
    plan: input.plan,
    currency: shop.currency,
    amountMinor: input.plan === "usage" ? cap : terms.flatPriceMinor,
    terms: usageTerms(terms, {
      freeTier: `${formatMinor(Number(terms.freeTierMinor), shop.currency)} ${shop.currency}`,
    }),
    trialDays: terms.trialDays,
    test: input.test,
    returnUrl: input.returnUrl,
  });
  const active = created.status === "ACTIVE";
  if (active) {
    // Demo mode: the new plan replaces the old one at once, as APPLY_IMMEDIATELY does on approval.
    await prisma.billingSubscription.updateMany({
      where: { shopId: shop.id, status: "ACTIVE" },
      data: { status: "CANCELLED", endedAt: input.now },
    });
  }
  const subscription = await prisma.billingSubscription.create({
    data: {
      shopId: shop.id,
      plan: input.plan,
      shopifyId: created.id,
      status: created.status,
      usageLineItemId: created.usageLineItemId,
      currency: shop.currency,
      cappedAmountMinor: input.plan === "usage" ? cap : 0n,
      flatPriceMinor: input.plan === "flat" ? terms.flatPriceMinor : 0n,
      shareBps: input.plan === "usage" ? terms.usageShareBps : 0,
      trialDays: terms.trialDays,
      test: input.test,
      confirmationUrl: created.confirmationUrl,
      activatedAt: active ? input.now : null,
    },
  });
  return { confirmationUrl: created.confirmationUrl, subscription };
}

/** A status Shopify reported (webhook or read back) applied to the shop's row of that subscription. */
export async function applySubscriptionStatus(
  prisma: Pick<PrismaClient, "billingSubscription">,
  shopId: string,
  shopifyId: string,
  status: string,
  at: Date,
): Promise<boolean> {
  const row = await prisma.billingSubscription.findFirst({ where: { shopId, shopifyId } });
  if (!row || row.status === status) return false;
  await prisma.billingSubscription.update({
    where: { id: row.id },
    data: {
      status,
      ...(status === "ACTIVE" && !row.activatedAt ? { activatedAt: at } : {}),
      ...(ENDED.includes(status) ? { endedAt: at } : {}),
    },
  });
  if (status === "ACTIVE") {
    // APPLY_IMMEDIATELY: Shopify cancels the replaced subscription when this one is approved.
    await prisma.billingSubscription.updateMany({
      where: { shopId, status: "ACTIVE", id: { not: row.id } },
      data: { status: "CANCELLED", endedAt: at },
    });
  }
  return true;
}

/**
 * Reads Shopify's view back (the return from the confirmation page, the billing page): the active
 * subscriptions with their usage line, and the status of every row still pending or active.
 */
export async function syncSubscriptions(
  prisma: PrismaClient,
  shop: Shop,
  billing: ShopBilling,
  now: Date,
): Promise<void> {
  if (!billing.real) return;
  const state = await billing.state();
  for (const a of state.active) {
    await applySubscriptionStatus(prisma, shop.id, a.id, a.status, now);
    if (a.usage)
      await prisma.billingSubscription.updateMany({
        where: { shopId: shop.id, shopifyId: a.id, usageLineItemId: null },
        data: { usageLineItemId: a.usage.lineItemId },
      });
  }
  const open = await prisma.billingSubscription.findMany({
    where: { shopId: shop.id, status: { in: ["PENDING", "ACTIVE", "FROZEN"] }, shopifyId: { not: null } },
  });
  for (const row of open) {
    if (state.active.some((a) => a.id === row.shopifyId)) continue;
    const status = await billing.subscriptionStatus(row.shopifyId!);
    if (status) await applySubscriptionStatus(prisma, shop.id, row.shopifyId!, status, now);
  }
}

export async function cancelSubscription(
  prisma: PrismaClient,
  shop: Shop,
  billing: ShopBilling,
  now: Date,
): Promise<void> {
  const sub = await activeSubscription(prisma, shop.id);
  if (!sub) throw new InvalidInput("There is no active plan to cancel.");
  const { status } = sub.shopifyId ? await billing.cancelSubscription(sub.shopifyId) : { status: "CANCELLED" };
  await prisma.billingSubscription.update({ where: { id: sub.id }, data: { status, endedAt: now } });
}

export type BillingAccess =
  | { state: "active"; plan: PlanId; trialEndsAt: Date | null }
  | { state: "none" | "pending" | "declined" | "cancelled" | "expired" | "frozen" | "unavailable" };

/** What the admin says about billing: never used to change what buyers see (decision 033). */
export async function billingAccess(prisma: PrismaClient, shop: Shop, now: Date): Promise<BillingAccess> {
  if (!planTerms(shop.currency)) return { state: "unavailable" };
  const active = await activeSubscription(prisma, shop.id);
  if (active) {
    const trialEnds = active.activatedAt ? new Date(active.activatedAt.getTime() + active.trialDays * 86400_000) : null;
    return {
      state: "active",
      plan: active.plan as PlanId,
      trialEndsAt: trialEnds && trialEnds > now ? trialEnds : null,
    };
  }
  const latest = await latestSubscription(prisma, shop.id);
  if (!latest) return { state: "none" };
  const s = latest.status.toLowerCase();
  return {
    state: s === "declined" || s === "cancelled" || s === "expired" || s === "frozen" || s === "pending" ? s : "none",
  };
}
