import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { MOMENTS } from "@moments/engine";
import { wilson } from "@moments/stats";
import { sumsAsNumbers } from "~/lib/bigint";
import { buildExperimentReports, loadReportInput, RELATIVE_MDE, type ExperimentReport, type ReportInput } from "~/experiments/report.server";
import { InvalidInput } from "~/lib/errors";

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
    throw new InvalidInput(`Bad filter ${issue.path.join(".")}: ${issue.message}`);
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

/** One bucket of a device or buyer breakdown; "unknown" holds rows without the dimension. */
export interface BreakdownRow {
  key: string;
  label: string;
  impressions: number;
  accepts: number;
  takeRate: Rate;
  netMinor: number;
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
  /**
   * Per experiment and version, over the version's whole life whatever the date range (the range
   * narrows only moments / offers / days / breakdowns); segment filters apply, with multiplicity.
   */
  experiments: ExperimentReport[];
  days: DayPoint[];
  /** By device and by buyer segment, with an "unknown" bucket so each adds up to the total. */
  devices: BreakdownRow[];
  segments: BreakdownRow[];
  countries: string[];
  /** The minimum detectable effect the verdicts use, relative to the hold-out's RPV. */
  relativeMde: number;
}

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
  const shown = { ...where, arm: { not: "holdout" } };
  const [shop, byOffer, byDay, countryRows, byDevice, bySegment, experimentInput] = await Promise.all([
    prisma.shop.findUnique({ where: { id: shopId }, select: { currency: true } }),
    // Hold-out buyers saw nothing: their reported "impressions" are exposures, not impressions.
    prisma.momentDaily.groupBy({
      by: ["moment", "offerId"],
      where: shown,
      _sum: { impressions: true, clicks: true, accepts: true, declines: true, attributedMinor: true, refundedMinor: true },
    }),
    prisma.momentDaily.groupBy({
      by: ["day"],
      where: shown,
      _sum: { impressions: true, accepts: true, attributedMinor: true, refundedMinor: true },
      orderBy: { day: "asc" },
    }),
    prisma.momentDaily.groupBy({ by: ["country"], where: { shopId, day: where.day }, orderBy: { country: "asc" } }),
    prisma.momentDaily.groupBy({ by: ["device"], where: shown, _sum: { impressions: true, accepts: true, attributedMinor: true, refundedMinor: true } }),
    prisma.momentDaily.groupBy({ by: ["segment"], where: shown, _sum: { impressions: true, accepts: true, attributedMinor: true, refundedMinor: true } }),
    // Whole life: no day filter here (see Dashboard.experiments).
    loadReportInput(prisma, shopId, { filters: { device: filters.device, country: filters.country, segment: filters.segment } }),
  ]);
  const countries = countryRows.map((c) => c.country).filter(Boolean);

  const offerIds = [...new Set(byOffer.map((r) => r.offerId))].filter(Boolean);
  const named = offerIds.length ? await prisma.offer.findMany({ where: { shopId, id: { in: offerIds } }, select: { id: true, name: true } }) : [];
  const nameOf = (id: string) => named.find((o) => o.id === id)?.name ?? (id || "(no offer)");

  const perMoment = new Map<string, Counters>();
  const offers: OfferRow[] = [];
  for (const r of byOffer) {
    const c: Counters = sumsAsNumbers(r._sum);
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
    experiments: dashboardExperiments(experimentInput, filters, countries),
    devices: breakdown(byDevice.map((r) => ({ key: r.device, sums: sumsAsNumbers(r._sum) })), { mobile: "Mobile", desktop: "Desktop" }),
    segments: breakdown(bySegment.map((r) => ({ key: r.segment, sums: sumsAsNumbers(r._sum) })), { new: "New buyers", returning: "Returning buyers" }),
    days: byDay.map((d) => {
      const sums = sumsAsNumbers(d._sum);
      return { day: d.day, impressions: sums.impressions, accepts: sums.accepts, netMinor: sums.attributedMinor - sums.refundedMinor };
    }),
    countries,
    relativeMde: RELATIVE_MDE,
  };
}

/**
 * The dashboard's experiment section from its roll-up rows (the pure half of `dashboardData`). The
 * filters' dates are deliberately not applied: each version's verdict uses its whole life, since
 * restarting the sequential test at the window's start would inflate false positives. Segment
 * filters were applied to the rows already; here they set the multiplicity.
 */
export function dashboardExperiments(input: Omit<ReportInput, "segmentViews" | "includeWithoutData">, filters: DashboardFilters, countries: readonly string[]): ExperimentReport[] {
  return buildExperimentReports({ ...input, segmentViews: segmentViewsFor(filters, countries), includeWithoutData: false });
}

/**
 * How many segment views a filter stands for (the multiplicity of a segment verdict): each applied
 * filter multiplies by the views the page offers for it (device 2, buyers 2, country: the countries
 * in the list). Without a filter, 1.
 */
export function segmentViewsFor(filters: Pick<DashboardFilters, "device" | "country" | "segment">, countries: readonly string[]): number {
  let views = 1;
  if (filters.device) views *= 2;
  if (filters.segment) views *= 2;
  if (filters.country) views *= Math.max(1, countries.length);
  return views;
}

type BreakdownSums = { impressions: number; accepts: number; attributedMinor: number; refundedMinor: number };

function breakdown(rows: Array<{ key: string; sums: BreakdownSums }>, labels: Record<string, string>): BreakdownRow[] {
  const acc = new Map<string, { impressions: number; accepts: number; netMinor: number }>();
  for (const key of Object.keys(labels)) acc.set(key, { impressions: 0, accepts: 0, netMinor: 0 });
  for (const r of rows) {
    // Anything not a known value (empty = not reported) is "unknown", so the buckets add up.
    const key = r.key in labels ? r.key : "unknown";
    const a = acc.get(key) ?? { impressions: 0, accepts: 0, netMinor: 0 };
    a.impressions += r.sums.impressions;
    a.accepts += r.sums.accepts;
    a.netMinor += r.sums.attributedMinor - r.sums.refundedMinor;
    acc.set(key, a);
  }
  return [...acc.entries()]
    .filter(([key, a]) => key !== "unknown" || a.impressions !== 0 || a.accepts !== 0 || a.netMinor !== 0)
    .map(([key, a]) => ({ key, label: labels[key] ?? "Unknown", ...a, takeRate: rate(a.accepts, a.impressions) }));
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
  lines.push(line(["table", "experiment", "offer_id", "version", "arm", "arm_name", "visitors", "orders", "revenue_minor", "rpv_minor", "aov_minor", "take_rate", "incremental_rpv", "incremental_rpv_low", "incremental_rpv_high", "lift_rpv", "lift_rpv_low", "lift_rpv_high", "incremental_aov", "incremental_aov_low", "incremental_aov_high", "verdict", "verdict_reason", "always_valid_p", "alpha_used", "comparisons", "srm_p", "srm_flagged", "days_to_decision", "decided_on_day", "variance_reduction"]));
  for (const e of d.experiments) {
    for (const v of e.versions) {
      for (const a of v.arms) {
        const c = v.comparisons.find((x) => x.arm === a.arm);
        lines.push(
          line([
            "experiment", e.experimentId, e.offerId, v.version, a.arm, a.label, a.visitors, a.orders, a.revenueMinor, a.rpv, a.aov, a.takeRate,
            c?.incrementalRpv?.estimate, c?.incrementalRpv?.lower, c?.incrementalRpv?.upper,
            c?.liftRpv?.estimate, c?.liftRpv?.lower, c?.liftRpv?.upper,
            c?.incrementalAov?.estimate, c?.incrementalAov?.lower, c?.incrementalAov?.upper,
            c?.verdict?.kind, c?.verdict?.reason, c?.verdict?.pValue, c?.verdict?.alphaUsed, v.comparisonsCounted,
            v.srm?.pValue, v.srm ? String(v.srm.flagged) : undefined, c?.verdict?.daysToDecision, c?.verdict?.decidedOnDay, c?.verdict?.varianceReduction,
          ]),
        );
      }
    }
  }
  lines.push("");
  lines.push(line(["table", "breakdown", "bucket", "impressions", "accepts", "take_rate", "net_minor"]));
  for (const [name, rows] of [["device", d.devices], ["buyers", d.segments]] as const) {
    for (const r of rows) lines.push(line(["breakdown", name, r.key, r.impressions, r.accepts, r.takeRate.value, r.netMinor]));
  }
  return lines.join("\r\n") + "\r\n";
}
