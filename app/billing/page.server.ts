/** What /app/billing and its CSV show (decision 033): one function feeds both. */
import type { BillingPeriod, PrismaClient, Shop } from "@prisma/client";
import { toSafeNumber } from "~/lib/bigint";
import type { ShopGateway } from "~/gateway/types";
import { periodFee, periodOf, planTerms, freeTierMinor } from "./plans";
import { periodStatement, type StatementLine } from "./statement.server";
import { activeSubscription, billingAccess, syncSubscriptions, type BillingAccess } from "./subscriptions.server";

export interface StatementView {
  period: string;
  status: string | null;
  reason: string | null;
  simulated: boolean;
  currency: string;
  billableMinor: number;
  freeTierMinor: number;
  feeMinor: number;
  chargedMinor: number;
  lines: StatementLine[];
}

export interface BillingPageData {
  currency: string;
  access: BillingAccess["state"];
  trialEndsAt: string | null;
  real: boolean;
  plan: { plan: string; capMinor: number; flatPriceMinor: number; shareBps: number; test: boolean } | null;
  terms: {
    freeTierMinor: number;
    shareBps: number;
    flatPriceMinor: number;
    capChoicesMinor: number[];
    trialDays: number;
  } | null;
  current: StatementView;
  past: StatementView[];
}

const n = (x: bigint, what: string) => toSafeNumber(x, what);

function viewOf(row: BillingPeriod): StatementView {
  return {
    period: row.period,
    status: row.status,
    reason: row.reason,
    simulated: row.simulated,
    currency: row.currency,
    billableMinor: n(row.billableMinor, "billableMinor"),
    freeTierMinor: n(row.freeTierMinor, "freeTierMinor"),
    feeMinor: n(row.feeMinor, "feeMinor"),
    chargedMinor: n(row.chargedMinor, "chargedMinor"),
    lines: JSON.parse(row.lines) as StatementLine[],
  };
}

/** The open month as it stands today: its lines and the fee it would make, nothing charged. */
async function currentView(prisma: PrismaClient, shop: Shop, shareBps: number, now: Date): Promise<StatementView> {
  const period = periodOf(now);
  const closed = await prisma.billingPeriod.findUnique({ where: { shopId_period: { shopId: shop.id, period } } });
  if (closed) return viewOf(closed);
  const { lines } = await periodStatement(prisma, shop.id, period, now);
  const free = freeTierMinor(shop.currency);
  const fee = periodFee({
    lowerBoundsMinor: lines.map((l) => BigInt(l.lowerMinor ?? 0)),
    freeTierMinor: free,
    shareBps,
    capLeftMinor: null,
  });
  return {
    period,
    status: null,
    reason: null,
    simulated: false,
    currency: shop.currency,
    billableMinor: n(fee.billableMinor, "billableMinor"),
    freeTierMinor: n(free, "freeTierMinor"),
    feeMinor: n(fee.feeMinor, "feeMinor"),
    chargedMinor: 0,
    lines,
  };
}

export async function billingPage(
  prisma: PrismaClient,
  shop: Shop,
  gateway: ShopGateway,
  now: Date,
): Promise<BillingPageData> {
  const billing = gateway.billing;
  if (billing?.real) {
    // Shopify's view first (the merchant may come back from approving); a failure leaves ours.
    await syncSubscriptions(prisma, shop, billing, now).catch((error: unknown) =>
      console.warn(
        `billing: could not read ${shop.domain}'s subscriptions: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }
  const access = await billingAccess(prisma, shop, now);
  const sub = await activeSubscription(prisma, shop.id);
  const terms = planTerms(shop.currency);
  const past = await prisma.billingPeriod.findMany({
    where: { shopId: shop.id, period: { lt: periodOf(now) } },
    orderBy: { period: "desc" },
    take: 24,
  });
  return {
    currency: shop.currency,
    access: access.state,
    trialEndsAt: access.state === "active" ? (access.trialEndsAt?.toISOString() ?? null) : null,
    real: billing?.real ?? false,
    plan: sub
      ? {
          plan: sub.plan,
          capMinor: n(sub.cappedAmountMinor, "cappedAmountMinor"),
          flatPriceMinor: n(sub.flatPriceMinor, "flatPriceMinor"),
          shareBps: sub.shareBps,
          test: sub.test,
        }
      : null,
    terms: terms && {
      freeTierMinor: n(terms.freeTierMinor, "freeTierMinor"),
      shareBps: terms.usageShareBps,
      flatPriceMinor: n(terms.flatPriceMinor, "flatPriceMinor"),
      capChoicesMinor: terms.capChoicesMinor.map((c) => n(c, "cap")),
      trialDays: terms.trialDays,
    },
    current: await currentView(prisma, shop, sub?.plan === "usage" ? sub.shareBps : (terms?.usageShareBps ?? 0), now),
    past: past.map(viewOf),
  };
}

const csvCell = (v: string | number | null) => {
  const s = v === null ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** Every statement line of the page's periods, one a row, amounts in minor units. */
export function billingCsv(page: BillingPageData): string {
  const rows: Array<Array<string | number | null>> = [
    [
      "period",
      "status",
      "reason",
      "simulated",
      "currency",
      "offer_id",
      "offer",
      "experiment_id",
      "version",
      "arm",
      "visitors",
      "incremental_rpv",
      "incremental_rpv_low",
      "incremental_rpv_high",
      "incremental_revenue_minor",
      "incremental_revenue_low_minor",
      "incremental_revenue_high_minor",
      "charged_minor",
      "period_billable_minor",
      "period_free_tier_minor",
      "period_fee_minor",
      "period_charged_minor",
    ],
  ];
  for (const s of [page.current, ...page.past]) {
    for (const l of s.lines)
      rows.push([
        s.period,
        s.status ?? "open",
        s.reason,
        String(s.simulated),
        s.currency,
        l.offerId,
        l.offerName,
        l.experimentId,
        l.version,
        l.arm,
        l.visitors,
        l.perVisitor?.estimate ?? null,
        l.perVisitor?.lower ?? null,
        l.perVisitor?.upper ?? null,
        l.estimateMinor,
        l.lowerMinor,
        l.upperMinor,
        l.chargedMinor,
        s.billableMinor,
        s.freeTierMinor,
        s.feeMinor,
        s.chargedMinor,
      ]);
  }
  return rows.map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}
