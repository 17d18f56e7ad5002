import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { MOMENTS } from "@moments/engine";
import { experimentVerdict, relativeLift, summarize, welch, wilson, type Sums, type Verdict } from "@moments/stats";

/**
 * Everything the measurement dashboard and its CSV export show, from the daily roll-ups only
 * (never raw events): one function feeds both, so the page and the file carry the same numbers.
 */
export const DashboardFilters = z.object({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  device: z.enum(["mobile", "desktop"]).optional(),
  country: z.string().regex(/^[A-Z]{2}$/).optional(),
  segment: z.enum(["new", "returning"]).optional(),
});
export type DashboardFilters = z.infer<typeof DashboardFilters>;

/** Filters from a URL's query (?from=&to=&device=&country=&segment=); the last 30 days by default. */
export function filtersFromUrl(url: URL, now = new Date()): DashboardFilters {
  const q = url.searchParams;
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const raw = {
    from: q.get("from") || day(new Date(now.getTime() - 29 * 86400_000)),
    to: q.get("to") || day(now),
    device: q.get("device") || undefined,
    country: q.get("country") || undefined,
    segment: q.get("segment") || undefined,
  };
  const parsed = DashboardFilters.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Response(`Bad filter ${issue.path.join(".")}: ${issue.message}`, { status: 400 });
  }
  return parsed.data;
}

export interface Rate {
  value: number | null;
  lower: number | null;
  upper: number | null;
}

export interface OfferRow {
  moment: string;
  momentLabel: string;
  offerId: string;
  offerName: string;
  impressions: number;
  clicks: number;
  accepts: number;
  declines: number;
  takeRate: Rate;
  declineRate: Rate;
  attributedMinor: number;
  refundedMinor: number;
  netMinor: number;
}

export interface ArmFigures {
  arm: string;
  visitors: number;
  orders: number;
  revenueMinor: number;
  /** Revenue per visitor, minor units (fractional). */
  rpv: number | null;
  /** Average order value, minor units (fractional). */
  aov: number | null;
}

export interface ArmComparison {
  arm: string;
  /** RPV(arm) - RPV(hold-out) with a 95% Welch interval, minor units. */
  incrementalRpv: { estimate: number; lower: number; upper: number } | null;
  /** RPV(arm) / RPV(hold-out) - 1 with a 95% interval. */
  liftRpv: { estimate: number; lower: number; upper: number } | null;
  /** AOV(arm) - AOV(hold-out) with a 95% Welch interval. */
  incrementalAov: { estimate: number; lower: number; upper: number } | null;
  verdict: Verdict | null;
}

export interface ExperimentSummary {
  experimentId: string;
  offerId: string;
  offerName: string;
  arms: ArmFigures[];
  comparisons: ArmComparison[];
}

export interface DayPoint {
  day: string;
  impressions: number;
  accepts: number;
  netMinor: number;
}

export interface Dashboard {
  filters: DashboardFilters;
  currency: string;
  moments: OfferRow[];
  offers: OfferRow[];
  experiments: ExperimentSummary[];
  days: DayPoint[];
  countries: string[];
  /** The minimum detectable effect the verdicts use, relative to the hold-out's RPV. */
  relativeMde: number;
}

const RELATIVE_MDE = 0.05;
const momentLabel = (id: string) => MOMENTS.find((m) => m.id === id)?.label ?? id;

const rate = (x: number, n: number): Rate => {
  if (n <= 0) return { value: null, lower: null, upper: null };
  const w = wilson(Math.min(x, n), n);
  return { value: x / n, lower: w.lower, upper: w.upper };
};

function offerRow(moment: string, offerId: string, offerName: string, s: Counters): OfferRow {
  return {
    moment,
    momentLabel: momentLabel(moment),
    offerId,
    offerName,
    impressions: s.impressions,
    clicks: s.clicks,
    accepts: s.accepts,
    declines: s.declines,
    takeRate: rate(s.accepts, s.impressions),
    declineRate: rate(s.declines, s.impressions),
    attributedMinor: s.attributedMinor,
    refundedMinor: s.refundedMinor,
    netMinor: s.attributedMinor - s.refundedMinor,
  };
}

interface Counters {
  impressions: number;
  clicks: number;
  accepts: number;
  declines: number;
  attributedMinor: number;
  refundedMinor: number;
}
const zero = (): Counters => ({ impressions: 0, clicks: 0, accepts: 0, declines: 0, attributedMinor: 0, refundedMinor: 0 });

export async function dashboardData(prisma: PrismaClient, shopId: string, filters: DashboardFilters): Promise<Dashboard> {
  const where = {
    shopId,
    day: { gte: filters.from, lte: filters.to },
    ...(filters.device ? { device: filters.device } : {}),
    ...(filters.country ? { country: filters.country } : {}),
    ...(filters.segment ? { segment: filters.segment } : {}),
  };
  const [shop, byOffer, byDay, countryRows, expRows] = await Promise.all([
    prisma.shop.findUnique({ where: { id: shopId }, select: { currency: true } }),
    // Hold-out buyers saw nothing: their reported "impressions" are exposures, not impressions.
    prisma.momentDaily.groupBy({
      by: ["moment", "offerId"],
      where: { ...where, arm: { not: "holdout" } },
      _sum: { impressions: true, clicks: true, accepts: true, declines: true, attributedMinor: true, refundedMinor: true },
    }),
    prisma.momentDaily.groupBy({
      by: ["day"],
      where: { ...where, arm: { not: "holdout" } },
      _sum: { impressions: true, accepts: true, attributedMinor: true, refundedMinor: true },
      orderBy: { day: "asc" },
    }),
    prisma.momentDaily.groupBy({ by: ["country"], where: { shopId, day: where.day }, orderBy: { country: "asc" } }),
    prisma.experimentDaily.groupBy({
      by: ["experimentId", "offerId", "arm", "day"],
      where,
      _sum: { visitors: true, orders: true, revenueMinor: true, revenueSq: true, orderValueSq: true },
      orderBy: { day: "asc" },
    }),
  ]);

  const offerIds = [...new Set([...byOffer.map((r) => r.offerId), ...expRows.map((r) => r.offerId)])].filter(Boolean);
  const named = offerIds.length ? await prisma.offer.findMany({ where: { shopId, id: { in: offerIds } }, select: { id: true, name: true } }) : [];
  const nameOf = (id: string) => named.find((o) => o.id === id)?.name ?? (id || "(no offer)");

  const perMoment = new Map<string, Counters>();
  const offers: OfferRow[] = [];
  for (const r of byOffer) {
    const c: Counters = {
      impressions: r._sum.impressions ?? 0,
      clicks: r._sum.clicks ?? 0,
      accepts: r._sum.accepts ?? 0,
      declines: r._sum.declines ?? 0,
      attributedMinor: r._sum.attributedMinor ?? 0,
      refundedMinor: r._sum.refundedMinor ?? 0,
    };
    const m = perMoment.get(r.moment) ?? zero();
    for (const k of Object.keys(c) as Array<keyof Counters>) m[k] += c[k];
    perMoment.set(r.moment, m);
    if (r.offerId) offers.push(offerRow(r.moment, r.offerId, nameOf(r.offerId), c));
  }
  const order = (id: string) => MOMENTS.findIndex((m) => m.id === id);
  offers.sort((a, b) => order(a.moment) - order(b.moment) || b.netMinor - a.netMinor || a.offerId.localeCompare(b.offerId));
  const moments = [...perMoment.entries()]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([moment, c]) => offerRow(moment, "", "All offers", c));

  return {
    filters,
    currency: shop?.currency ?? "USD",
    moments,
    offers,
    experiments: summarizeExperiments(expRows, nameOf),
    days: byDay.map((d) => ({
      day: d.day,
      impressions: d._sum.impressions ?? 0,
      accepts: d._sum.accepts ?? 0,
      netMinor: (d._sum.attributedMinor ?? 0) - (d._sum.refundedMinor ?? 0),
    })),
    countries: countryRows.map((c) => c.country).filter(Boolean),
    relativeMde: RELATIVE_MDE,
  };
}

type ExpRow = {
  experimentId: string;
  offerId: string;
  arm: string;
  day: string;
  _sum: { visitors: number | null; orders: number | null; revenueMinor: number | null; revenueSq: number | null; orderValueSq: number | null };
};

function summarizeExperiments(rows: ExpRow[], nameOf: (id: string) => string): ExperimentSummary[] {
  const byExperiment = new Map<string, ExpRow[]>();
  for (const r of rows) byExperiment.set(r.experimentId, [...(byExperiment.get(r.experimentId) ?? []), r]);
  const out: ExperimentSummary[] = [];
  for (const [experimentId, list] of byExperiment) {
    const days = [...new Set(list.map((r) => r.day))].sort();
    const arms = [...new Set(list.map((r) => r.arm))].sort((a, b) => (a === "holdout" ? -1 : b === "holdout" ? 1 : a.localeCompare(b)));
    // Per arm: daily visitor sums (for the sequential test) and totals.
    const daily = new Map<string, Sums[]>();
    const orderSums = new Map<string, Sums>();
    for (const arm of arms) {
      daily.set(arm, days.map(() => ({ n: 0, sum: 0, sumSq: 0 })));
      orderSums.set(arm, { n: 0, sum: 0, sumSq: 0 });
    }
    for (const r of list) {
      const d = daily.get(r.arm)![days.indexOf(r.day)]!;
      d.n += r._sum.visitors ?? 0;
      d.sum += r._sum.revenueMinor ?? 0;
      d.sumSq += r._sum.revenueSq ?? 0;
      const o = orderSums.get(r.arm)!;
      o.n += r._sum.orders ?? 0;
      o.sum += r._sum.revenueMinor ?? 0;
      o.sumSq += r._sum.orderValueSq ?? 0;
    }
    const total = (arm: string) => daily.get(arm)!.reduce((a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum, sumSq: a.sumSq + b.sumSq }));
    const figures: ArmFigures[] = arms.map((arm) => {
      const t = total(arm);
      const o = orderSums.get(arm)!;
      return { arm, visitors: t.n, orders: o.n, revenueMinor: t.sum, rpv: t.n ? t.sum / t.n : null, aov: o.n ? o.sum / o.n : null };
    });
    const comparisons: ArmComparison[] = [];
    if (arms.includes("holdout")) {
      const control = summarize(total("holdout"));
      const controlOrders = summarize(orderSums.get("holdout")!);
      for (const arm of arms.filter((a) => a !== "holdout")) {
        const treatment = summarize(total(arm));
        const treatmentOrders = summarize(orderSums.get(arm)!);
        const w = control.n > 1 && treatment.n > 1 ? welch(treatment, control) : null;
        const lift = w && control.mean > 0 ? relativeLift(treatment, control) : null;
        const aov = controlOrders.n > 1 && treatmentOrders.n > 1 ? welch(treatmentOrders, controlOrders) : null;
        const mde = RELATIVE_MDE * (control.mean > 0 ? control.mean : 1);
        comparisons.push({
          arm,
          incrementalRpv: w && Number.isFinite(w.lower) ? { estimate: w.estimate, lower: w.lower, upper: w.upper } : null,
          liftRpv: lift && Number.isFinite(lift.lower) ? lift : null,
          incrementalAov: aov && Number.isFinite(aov.lower) ? { estimate: aov.estimate, lower: aov.lower, upper: aov.upper } : null,
          verdict: control.n > 1 && treatment.n > 1 ? experimentVerdict({ control: daily.get("holdout")!, treatment: daily.get(arm)!, mde }) : null,
        });
      }
    }
    out.push({ experimentId, offerId: list[0]!.offerId, offerName: nameOf(list[0]!.offerId), arms: figures, comparisons });
  }
  return out;
}

/** The CSV export: the same rows as the page, one table after the other, RFC 4180 quoting. */
export function dashboardCsv(d: Dashboard): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? "" : typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(6)) : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const line = (cells: unknown[]) => cells.map(cell).join(",");
  const lines: string[] = [];
  lines.push(line(["# Moments measurement", `from ${d.filters.from}`, `to ${d.filters.to}`, `device ${d.filters.device ?? "all"}`, `country ${d.filters.country ?? "all"}`, `buyers ${d.filters.segment ?? "all"}`, `currency ${d.currency} (minor units)`]));
  lines.push(line(["table", "moment", "offer_id", "offer", "impressions", "clicks", "accepts", "declines", "take_rate", "take_rate_low", "take_rate_high", "decline_rate", "attributed_minor", "refunded_minor", "net_minor"]));
  for (const [table, rows] of [["moment", d.moments], ["offer", d.offers]] as const) {
    for (const r of rows) {
      lines.push(line([table, r.moment, r.offerId, r.offerName, r.impressions, r.clicks, r.accepts, r.declines, r.takeRate.value, r.takeRate.lower, r.takeRate.upper, r.declineRate.value, r.attributedMinor, r.refundedMinor, r.netMinor]));
    }
  }
  lines.push("");
  lines.push(line(["table", "experiment", "offer_id", "arm", "visitors", "orders", "revenue_minor", "rpv_minor", "aov_minor", "incremental_rpv", "incremental_rpv_low", "incremental_rpv_high", "lift_rpv", "lift_rpv_low", "lift_rpv_high", "incremental_aov", "incremental_aov_low", "incremental_aov_high", "verdict", "always_valid_p", "days_to_decision"]));
  for (const e of d.experiments) {
    for (const a of e.arms) {
      const c = e.comparisons.find((x) => x.arm === a.arm);
      lines.push(
        line([
          "experiment", e.experimentId, e.offerId, a.arm, a.visitors, a.orders, a.revenueMinor, a.rpv, a.aov,
          c?.incrementalRpv?.estimate, c?.incrementalRpv?.lower, c?.incrementalRpv?.upper,
          c?.liftRpv?.estimate, c?.liftRpv?.lower, c?.liftRpv?.upper,
          c?.incrementalAov?.estimate, c?.incrementalAov?.lower, c?.incrementalAov?.upper,
          c?.verdict?.kind, c?.verdict?.sequential.pValue, c?.verdict?.daysToDecision,
        ]),
      );
    }
  }
  return lines.join("\r\n") + "\r\n";
}
