/**
 * The period job (decision 033): once a day, per installed shop, the last closed calendar month is
 * stated and charged exactly once. The BillingPeriod row is the claim, inserted (unique per shop and
 * period) with the amount already decided, before Shopify is called; the usage record's
 * idempotency key is the row's, derived from shop and period. So:
 * - a rerun, or a second instance, finds the row and does nothing;
 * - a crash after the claim, before the call, leaves a `claimed` row that the next run sends;
 * - a crash after the call, before the local write, leaves a `claimed` row that the next run sends
 *   again with the same key and amount, and Shopify answers the record it created the first time.
 */
import type { PrismaClient, Shop } from "@prisma/client";
import { isUniqueViolation } from "~/lib/sql.server";
import { formatMinor } from "@moments/engine";
import type { ShopGateway } from "~/gateway/types";
import { GatewayRefusal } from "~/gateway/types";
import type { ShopBilling } from "./api";
import {
  allocateCharge,
  freeTierMinor,
  periodEnd,
  periodFee,
  periodOf,
  previousPeriod,
  usageIdempotencyKey,
} from "./plans";
import { periodStatement, type StatementLine } from "./statement.server";
import { activeSubscription } from "./subscriptions.server";

export interface ChargeOutcome {
  shopId: string;
  period: string;
  status: string;
  reason: string | null;
  chargedMinor: bigint;
}

/** Test seam: called between the steps the exactly-once guarantee is about. */
export interface ChargeHooks {
  afterClaim?: () => Promise<void>;
  afterCall?: () => Promise<void>;
}

/** Decides and inserts the period's row; answers the row already there when another run got there first. */
async function claimPeriod(prisma: PrismaClient, shop: Shop, billing: ShopBilling, period: string, now: Date) {
  const existing = await prisma.billingPeriod.findUnique({ where: { shopId_period: { shopId: shop.id, period } } });
  if (existing) return existing;
  const { lines } = await periodStatement(prisma, shop.id, period, now);
  const sub = await activeSubscription(prisma, shop.id);
  const free = freeTierMinor(shop.currency);
  const lowers = lines.map((l) => BigInt(l.lowerMinor ?? 0));
  const statement = periodFee({
    lowerBoundsMinor: lowers,
    freeTierMinor: free,
    shareBps: sub?.shareBps ?? 0,
    capLeftMinor: null,
  });
  let status = "claimed";
  let reason: string | null = null;
  let charge = 0n;
  let fee = statement.feeMinor;
  if (!sub) {
    // Without a plan nothing is charged; the statement still says what would have been billable.
    fee = periodFee({ lowerBoundsMinor: lowers, freeTierMinor: free, shareBps: 0, capLeftMinor: null }).feeMinor;
    status = statement.billableMinor > free ? "not_billed" : "nothing_due";
    reason = statement.billableMinor > free ? "no_plan" : "free_tier";
  } else if (sub.plan === "flat") {
    status = "nothing_due";
    reason = "flat_plan";
  } else if (sub.activatedAt && periodEnd(period).getTime() <= sub.activatedAt.getTime() + sub.trialDays * 86400_000) {
    status = "nothing_due";
    reason = "trial";
  } else if (statement.feeMinor === 0n) {
    status = "nothing_due";
    reason = "free_tier";
  } else if (sub.currency !== shop.currency) {
    status = "not_billed";
    reason = "currency";
  } else {
    // The cap is Shopify's, per billing interval: what it leaves is read now and frozen in the row.
    const state = await billing.state();
    const line = state.active.find((a) => a.id === sub.shopifyId || (!billing.real && a.id === sub.id))?.usage;
    if (!line) {
      status = "not_billed";
      reason = "no_plan";
    } else {
      const capped = periodFee({
        lowerBoundsMinor: lowers,
        freeTierMinor: free,
        shareBps: sub.shareBps,
        capLeftMinor: line.cappedAmountMinor - line.balanceUsedMinor,
      });
      charge = capped.chargeMinor;
      if (charge === 0n) {
        status = "not_billed";
        reason = "cap_reached";
      } else if (capped.capReached) reason = "cap_reached";
    }
  }
  const allocated = allocateCharge(charge, lowers);
  const charged: StatementLine[] = lines.map((l, i) => ({ ...l, chargedMinor: Number(allocated[i] ?? 0n) }));
  try {
    return await prisma.billingPeriod.create({
      data: {
        shopId: shop.id,
        period,
        status,
        reason,
        subscriptionId: sub?.id ?? null,
        currency: shop.currency,
        billableMinor: statement.billableMinor,
        freeTierMinor: free,
        shareBps: sub?.shareBps ?? 0,
        feeMinor: fee,
        chargedMinor: charge,
        idempotencyKey: usageIdempotencyKey(shop.domain, period),
        simulated: !billing.real,
        lines: JSON.stringify(charged),
      },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return prisma.billingPeriod.findUniqueOrThrow({ where: { shopId_period: { shopId: shop.id, period } } });
  }
}

/** States and charges one shop's period; safe to call any number of times. */
export async function chargePeriod(
  prisma: PrismaClient,
  shop: Shop,
  billing: ShopBilling,
  period: string,
  now: Date,
  hooks: ChargeHooks = {},
): Promise<ChargeOutcome> {
  let row = await claimPeriod(prisma, shop, billing, period, now);
  if (row.status === "claimed") {
    await hooks.afterClaim?.();
    const sub = row.subscriptionId
      ? await prisma.billingSubscription.findFirst({ where: { id: row.subscriptionId, shopId: shop.id } })
      : null;
    const lineItemId = sub?.usageLineItemId ?? (sub && !billing.real ? `demo-line:${sub.id}` : null);
    if (!lineItemId) {
      row = await prisma.billingPeriod.update({
        where: { id: row.id },
        data: { status: "failed", reason: "The plan has no usage line to charge." },
      });
    } else {
      await prisma.billingPeriod.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });
      try {
        const record = await billing.createUsageRecord({
          lineItemId,
          amountMinor: row.chargedMinor,
          currency: row.currency,
          description: `Moments ${period}: ${row.shareBps / 100}% of ${formatMinor(Number(row.billableMinor - row.freeTierMinor), row.currency)} ${row.currency} measured incremental revenue above the free tier`,
          idempotencyKey: row.idempotencyKey,
        });
        await hooks.afterCall?.();
        row = await prisma.billingPeriod.update({
          where: { id: row.id },
          data: { status: "charged", usageRecordId: record.id, chargedAt: now },
        });
      } catch (error) {
        // Shopify's refusal changed nothing and would refuse again: recorded and shown. Anything
        // else may or may not have reached Shopify: the row stays claimed, sent again next run.
        if (!(error instanceof GatewayRefusal)) throw error;
        row = await prisma.billingPeriod.update({
          where: { id: row.id },
          data: { status: "failed", reason: error.message.slice(0, 500) },
        });
      }
    }
  }
  return { shopId: shop.id, period, status: row.status, reason: row.reason, chargedMinor: row.chargedMinor };
}

/**
 * The daily run: every installed shop's last closed period, and any period a crash left claimed.
 * A shop's failure is logged and does not stop the others.
 */
export async function runBillingPeriods(
  prisma: PrismaClient,
  opts: {
    now: Date;
    gatewayFor: (shop: Shop) => Promise<ShopGateway>;
    log?: (line: string) => void;
    hooks?: ChargeHooks;
  },
): Promise<{ outcomes: ChargeOutcome[]; errors: string[] }> {
  const period = previousPeriod(periodOf(opts.now));
  const shops = await prisma.shop.findMany({ where: { uninstalledAt: null } });
  const outcomes: ChargeOutcome[] = [];
  const errors: string[] = [];
  for (const shop of shops) {
    try {
      const billing = (await opts.gatewayFor(shop)).billing;
      if (!billing) continue;
      const stale = await prisma.billingPeriod.findMany({
        where: { shopId: shop.id, status: "claimed", period: { not: period } },
        select: { period: true },
      });
      for (const p of [...stale.map((s) => s.period), period])
        outcomes.push(await chargePeriod(prisma, shop, billing, p, opts.now, opts.hooks));
    } catch (error) {
      errors.push(`${shop.domain}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { outcomes, errors };
}
