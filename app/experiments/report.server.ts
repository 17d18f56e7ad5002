/**
 * Experiment results, per version and arm, for BOTH the measurement dashboard and /app/experiments:
 * one loader (`experimentReports`) and one pure function (`buildExperimentReports`), so the two
 * pages show identical numbers.
 *
 * Verdicts always use the version's whole life (every ExperimentDaily day of it): the mSPRT's
 * always-valid guarantee holds only over looks from the version's start, so a date window would
 * restart the test and inflate false positives. A page's date range never reaches this module.
 */
import type { PrismaClient } from "@prisma/client";
import { parseShares } from "~/offers/versions";
import { epochOf } from "~/allocation/epochs.server";
import { sumsAsNumbers, toSafeNumberOrNull } from "~/lib/bigint";
import { buildExperimentReports } from "./report-build";
import type { ExperimentReport, ReportInput } from "./report-model";

export {
  RELATIVE_MDE,
  type ArmReport,
  type ComparisonReport,
  type EpochRow,
  type ExperimentMeta,
  type ExperimentReport,
  type ReportInput,
  type RollupRow,
  type TakeRow,
  type VersionMeta,
  type VersionReport,
} from "./report-model";
export { buildExperimentReports } from "./report-build";

/** The roll-up sums every comparison is built from (one arm-day's sufficient statistics). */
export const ROLLUP_SUMS = {
  visitors: true,
  converters: true,
  orders: true,
  revenueMinor: true,
  revenueSq: true,
  orderValueSq: true,
  covariateN: true,
  covariateSum: true,
  covariateSq: true,
  crossSum: true,
} as const;

export interface ReportFilters {
  device?: string;
  country?: string;
  segment?: string;
}

/**
 * Loads and builds the reports: one grouped query per table (roll-ups by experiment, version, arm
 * and day over the whole life; take-rate counts by offer, variant and day), with segment filters
 * applied in the queries.
 */
export async function experimentReports(
  prisma: PrismaClient,
  shopId: string,
  opts: { filters?: ReportFilters; segmentViews?: number; includeWithoutData?: boolean; experimentIds?: string[] } = {},
): Promise<ExperimentReport[]> {
  const input = await loadReportInput(prisma, shopId, opts);
  return buildExperimentReports({
    ...input,
    segmentViews: opts.segmentViews ?? 1,
    includeWithoutData: opts.includeWithoutData ?? false,
  });
}

/** The rows `buildExperimentReports` needs, from the database (the loader half of `experimentReports`). */
export async function loadReportInput(
  prisma: PrismaClient,
  shopId: string,
  opts: { filters?: ReportFilters; experimentIds?: string[] } = {},
): Promise<Omit<ReportInput, "segmentViews" | "includeWithoutData">> {
  const f = opts.filters ?? {};
  const dims = {
    ...(f.device ? { device: f.device } : {}),
    ...(f.country ? { country: f.country } : {}),
    ...(f.segment ? { segment: f.segment } : {}),
  };
  const only = opts.experimentIds ? { id: { in: opts.experimentIds } } : {};
  const onlyRows = opts.experimentIds ? { experimentId: { in: opts.experimentIds } } : {};
  const [grouped, experiments, versions, takes, epochs] = await Promise.all([
    prisma.experimentDaily.groupBy({
      by: ["experimentId", "version", "offerId", "arm", "day"],
      where: { shopId, ...onlyRows, ...dims },
      _sum: ROLLUP_SUMS,
    }),
    prisma.experiment.findMany({
      where: { shopId, ...only },
      include: {
        offer: {
          select: {
            name: true,
            shopId: true,
            status: true,
            variants: { orderBy: { createdAt: "asc" }, select: { id: true, name: true, weight: true } },
          },
        },
      },
      orderBy: { createdAt: "desc" },
    }),
    prisma.experimentVersion.findMany({ where: { shopId, ...onlyRows } }),
    prisma.momentDaily.groupBy({
      by: ["offerId", "armId", "day"],
      where: { shopId, arm: "variant", armId: { not: "" }, ...dims },
      _sum: { impressions: true, accepts: true },
    }),
    prisma.allocationEpoch.findMany({
      where: { shopId, ...onlyRows },
      orderBy: [{ experimentId: "asc" }, { version: "asc" }, { day: "asc" }],
    }),
  ]);
  return {
    rows: grouped.map((r) => ({
      experimentId: r.experimentId,
      version: r.version,
      offerId: r.offerId,
      arm: r.arm,
      day: r.day,
      visitors: toSafeNumberOrNull(r._sum.visitors, "visitors") ?? 0,
      converters: toSafeNumberOrNull(r._sum.converters, "converters") ?? 0,
      orders: toSafeNumberOrNull(r._sum.orders, "orders") ?? 0,
      revenueMinor: toSafeNumberOrNull(r._sum.revenueMinor, "revenueMinor") ?? 0,
      revenueSq: r._sum.revenueSq ?? 0,
      orderValueSq: r._sum.orderValueSq ?? 0,
      covariateN: toSafeNumberOrNull(r._sum.covariateN, "covariateN") ?? 0,
      covariateSum: r._sum.covariateSum ?? 0,
      covariateSq: r._sum.covariateSq ?? 0,
      crossSum: r._sum.crossSum ?? 0,
    })),
    experiments: experiments
      .filter((e) => e.offer.shopId === shopId)
      .map((e) => ({
        id: e.id,
        offerId: e.offerId,
        offerName: e.offer.name,
        status: e.status,
        offerStatus: e.offer.status,
        holdoutBps: e.holdoutBps,
        version: e.version,
        startedAt: e.startedAt?.toISOString() ?? null,
        archivedAt: e.archivedAt?.toISOString() ?? null,
        winnerArmId: e.winnerArmId,
        variants: e.offer.variants,
        allocation: e.allocation,
      })),
    versions: versions.map((v) => ({
      experimentId: v.experimentId,
      version: v.version,
      startedAt: v.startedAt.toISOString(),
      endedAt: v.endedAt?.toISOString() ?? null,
      holdoutBps: v.holdoutBps,
      shares: parseShares(v.shares),
      reason: v.reason,
    })),
    takes: takes.map((t) => ({ offerId: t.offerId, armId: t.armId, day: t.day, ...sumsAsNumbers(t._sum) })),
    epochs: epochs.map((row) => {
      const e = epochOf(row);
      return {
        experimentId: row.experimentId,
        version: e.version,
        day: e.day,
        holdoutBps: e.holdoutBps,
        weights: e.weights,
        probabilities: e.probabilities,
        publishedAt: e.publishedAt.toISOString(),
      };
    }),
  };
}
