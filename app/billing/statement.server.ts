/**
 * A period's statement (decision 033): per experiment version and compared arm, the incremental
 * revenue the hold-out comparison measured in the period, with its interval. The interval per
 * visitor is the dashboard's own (`dashboardExperiments` over the same roll-ups, looked at on the
 * period's last day, or today for the open period), times the arm's visitors in the period. So
 * the statement's amounts are the dashboard's intervals, scaled by visitors, never a second model.
 */
import type { PrismaClient } from "@prisma/client";
import { loadReportInput, type ComparisonReport, type ExperimentReport } from "~/experiments/report.server";
import { dashboardExperiments } from "~/measurement/dashboard.server";
import { periodDays } from "./plans";

export interface StatementLine {
  experimentId: string;
  offerId: string;
  offerName: string;
  version: number;
  /** The compared arm ("variants" when every variant is pooled against the hold-out). */
  arm: string;
  label: string;
  /** Visitors of the arm (all variants when pooled) in the period. */
  visitors: number;
  /** Incremental revenue per visitor and its interval, as the dashboard shows it; null before the first look. */
  perVisitor: { estimate: number; lower: number; upper: number } | null;
  /** perVisitor x visitors, minor units (estimate rounded, lower bound rounded down, upper up). */
  estimateMinor: number | null;
  lowerMinor: number | null;
  upperMinor: number | null;
  /** What of the period's charge falls on this line (filled when the period is charged). */
  chargedMinor: number;
}

/**
 * The comparisons a version bills on: under automatic allocation whose weights moved (decision 030)
 * only the pooled comparison is valid, so that one with every variant's visitors; otherwise each
 * variant against the hold-out with its own visitors.
 */
function billedComparisons(comparisons: readonly ComparisonReport[]): ComparisonReport[] {
  const pooled = comparisons.filter((c) => c.pooled);
  return pooled.length ? pooled : comparisons.filter((c) => c.valid !== false);
}

export function statementLines(
  reports: readonly ExperimentReport[],
  periodVisitors: (experimentId: string, version: number, arm: string) => number,
): StatementLine[] {
  const lines: StatementLine[] = [];
  for (const r of reports) {
    for (const v of r.versions) {
      for (const c of billedComparisons(v.comparisons)) {
        const visitors = periodVisitors(r.experimentId, v.version, c.arm);
        if (visitors <= 0) continue;
        const i = c.incrementalRpv;
        lines.push({
          experimentId: r.experimentId,
          offerId: r.offerId,
          offerName: r.offerName,
          version: v.version,
          arm: c.arm,
          label: c.label,
          visitors,
          perVisitor: i,
          estimateMinor: i ? Math.round(i.estimate * visitors) : null,
          lowerMinor: i ? Math.floor(i.lower * visitors) : null,
          upperMinor: i ? Math.ceil(i.upper * visitors) : null,
          chargedMinor: 0,
        });
      }
    }
  }
  return lines;
}

/** The period's statement lines, looked at on `lookDay` (the period's last day, or today while it is open). */
export async function periodStatement(
  prisma: PrismaClient,
  shopId: string,
  period: string,
  now: Date,
): Promise<{ lines: StatementLine[]; lookDay: string }> {
  const { first, last } = periodDays(period);
  const today = now.toISOString().slice(0, 10);
  const lookDay = last < today ? last : today;
  const input = await loadReportInput(prisma, shopId);
  const upTo = {
    ...input,
    rows: input.rows.filter((r) => r.day <= lookDay),
    takes: input.takes.filter((t) => t.day <= lookDay),
  };
  const reports = dashboardExperiments(upTo, { from: first, to: lookDay }, []);
  const visitors = new Map<string, number>();
  for (const row of upTo.rows) {
    if (row.day < first || row.arm === "holdout") continue;
    for (const arm of [row.arm, "variants"]) {
      const key = `${row.experimentId}:${row.version}:${arm}`;
      visitors.set(key, (visitors.get(key) ?? 0) + row.visitors);
    }
  }
  const lines = statementLines(reports, (e, v, arm) => visitors.get(`${e}:${v}:${arm}`) ?? 0);
  return { lines, lookDay };
}
