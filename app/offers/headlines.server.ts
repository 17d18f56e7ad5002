/**
 * Headline figures per moment for the home page. Impressions, take rate and attributed revenue
 * come from the measurement tables (events and rollups), which another piece of work adds: until
 * then this returns the empty state (zeros and `hasData: false`) and the page says so. The
 * measurement work fills this one function; the page does not change.
 */
import type { PrismaClient } from "@prisma/client";
import { MOMENT_IDS, type MomentId } from "@moments/engine";
import { sumsAsNumbers } from "~/lib/bigint";

export interface MomentHeadline {
  impressions: number;
  accepts: number;
  /** accepts / impressions in basis points, null without impressions. */
  takeRateBps: number | null;
  /** Attributed revenue per currency, integer minor units. */
  revenue: Array<{ currency: string; minor: number }>;
  hasData: boolean;
}

/** Last 30 days (UTC days) from the measurement roll-ups; hold-out exposures are not impressions. */
export async function momentHeadlines(
  prisma: PrismaClient,
  shopId: string,
  now = new Date(),
): Promise<Record<MomentId, MomentHeadline>> {
  const empty = (): MomentHeadline => ({ impressions: 0, accepts: 0, takeRateBps: null, revenue: [], hasData: false });
  const result = Object.fromEntries(MOMENT_IDS.map((m) => [m, empty()])) as Record<MomentId, MomentHeadline>;
  const from = new Date(now.getTime() - 29 * 86400_000).toISOString().slice(0, 10);
  const [shop, rows] = await Promise.all([
    prisma.shop.findUnique({ where: { id: shopId }, select: { currency: true } }),
    prisma.momentDaily.groupBy({
      by: ["moment"],
      where: { shopId, day: { gte: from }, arm: { not: "holdout" } },
      _sum: { impressions: true, accepts: true, attributedMinor: true, refundedMinor: true },
    }),
  ]);
  for (const r of rows) {
    const h = result[r.moment as MomentId];
    if (!h) continue;
    const { impressions, accepts, attributedMinor, refundedMinor } = sumsAsNumbers(r._sum);
    const net = attributedMinor - refundedMinor;
    h.impressions = impressions;
    h.accepts = accepts;
    h.takeRateBps = impressions > 0 ? Math.round((Math.min(accepts, impressions) / impressions) * 10000) : null;
    // Attribution records revenue in the shop currency only (shop money from the order webhooks).
    h.revenue = net !== 0 ? [{ currency: shop?.currency ?? "USD", minor: net }] : [];
    h.hasData = impressions > 0 || accepts > 0 || net !== 0;
  }
  return result;
}
