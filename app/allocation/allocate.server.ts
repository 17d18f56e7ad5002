/**
 * Automatic allocation (issue 16, decision 030): once a day, for every running experiment whose
 * merchant chose "automatic", Thompson sampling over the variants on revenue per visitor
 * (`thompsonWeights`, packages/stats) from the version's ExperimentDaily roll-ups of completed days
 * only (before today, UTC), stored as that day's `AllocationEpoch` and published in the payload
 * (`buildPayload` applies the epoch in force). The hold-out share is passed through unchanged; the
 * version does not change (a weight change is not a change of what an arm's buyers see). The random
 * draws are seeded by experiment, version and day, so a rerun the same day computes, stores and
 * publishes the same weights.
 */
import { repeatInBackground, type Repeating, type JobSchedule } from "~/lib/repeat.server";
import type { PrismaClient, Shop } from "@prisma/client";
import { hash32 } from "@moments/engine";
import { mulberry32, thompsonWeights, toBasisPoints } from "@moments/stats";
import type { ShopGateway } from "~/gateway/types";
import { offerFromRow, publishShop, type PublishOutcome } from "~/publish/publish.server";
import { epochOf, utcDay } from "./epochs.server";

/** Floor per variant, as a share of all traffic: no arm is starved (bandit.ts `minShare`). */
export const MIN_SHARE = 0.05;
/** Monte Carlo draws per computation (P(best) to about +-1 point). */
export const DRAWS = 2000;

/** Seed of the day's draws: experiment, version and day, so reruns give the same weights. */
export const allocationSeed = (experimentId: string, version: number, day: string): number =>
  hash32(`${experimentId}:${version}:${day}`);

export interface AllocationResult {
  experimentId: string;
  version: number;
  day: string;
  /** False when today's epoch already existed (a rerun): nothing written, the same weights kept. */
  created: boolean;
  weights: Record<string, number>;
}

/**
 * Computes and stores today's epoch for each running automatic experiment of the shop, then
 * republishes the shop's payload when any epoch was new. Idempotent within a day.
 */
export async function allocateShop(
  prisma: PrismaClient,
  shop: Shop,
  gateway: ShopGateway,
  now = new Date(),
): Promise<{ results: AllocationResult[]; publish: PublishOutcome | null }> {
  const today = utcDay(now);
  const experiments = await prisma.experiment.findMany({
    where: { shopId: shop.id, allocation: "automatic", status: "running", offer: { status: "active" } },
    include: { offer: { select: { id: true, status: true, definition: true } } },
    orderBy: { id: "asc" },
  });
  const results: AllocationResult[] = [];
  for (const x of experiments) {
    const offer = offerFromRow(x.offer);
    const spec = offer?.experiment;
    if (!spec || spec.id !== x.id || (spec.version ?? 1) !== x.version) continue;
    // Paused arms (weight 0) stay paused: the merchant's choice, not the sampler's.
    const arms = spec.variants.filter((v) => v.weight > 0).map((v) => v.id);
    if (arms.length === 0) continue;
    const existing = await prisma.allocationEpoch.findUnique({
      where: {
        shopId_experimentId_version_day: { shopId: shop.id, experimentId: x.id, version: x.version, day: today },
      },
    });
    if (existing) {
      results.push({
        experimentId: x.id,
        version: x.version,
        day: today,
        created: false,
        weights: epochOf(existing).weights,
      });
      continue;
    }
    const rows = await prisma.experimentDaily.groupBy({
      by: ["arm", "day"],
      where: { shopId: shop.id, experimentId: x.id, version: x.version, day: { lt: today } },
      _sum: { visitors: true, revenueMinor: true, revenueSq: true },
    });
    const sums = new Map(arms.map((id) => [id, { visitors: 0, revenueSum: 0, revenueSumSq: 0 }]));
    const days = new Set<string>();
    for (const r of rows) {
      days.add(r.day);
      const s = sums.get(r.arm);
      if (!s) continue;
      s.visitors += Number(r._sum.visitors ?? 0);
      s.revenueSum += Number(r._sum.revenueMinor ?? 0);
      s.revenueSumSq += r._sum.revenueSq ?? 0;
    }
    const holdoutShare = x.holdoutBps / 10000;
    const minShare = Math.min(MIN_SHARE, (1 - holdoutShare) / arms.length);
    const weights = thompsonWeights(
      arms.map((armId) => ({ armId, ...sums.get(armId)! })),
      { rng: mulberry32(allocationSeed(x.id, x.version, today)), holdoutShare, minShare, draws: DRAWS },
    );
    const split = toBasisPoints(weights, x.holdoutBps);
    const bp = Object.fromEntries(split.variants.map((v) => [v.id, v.weight]));
    const pBest = Object.fromEntries(weights.map((w) => [w.armId, Math.round(w.probabilityBest * 10000) / 10000]));
    // Two instances running the job at once compute the same row; the first one stays.
    await prisma.allocationEpoch.upsert({
      where: {
        shopId_experimentId_version_day: { shopId: shop.id, experimentId: x.id, version: x.version, day: today },
      },
      create: {
        shopId: shop.id,
        experimentId: x.id,
        version: x.version,
        day: today,
        holdoutBps: x.holdoutBps,
        weights: JSON.stringify(bp),
        probabilities: JSON.stringify(pBest),
        basisDays: days.size,
        publishedAt: now,
      },
      update: {},
    });
    results.push({ experimentId: x.id, version: x.version, day: today, created: true, weights: bp });
  }
  const publish = results.some((r) => r.created) ? await publishShop(prisma, shop, gateway, now) : null;
  return { results, publish };
}

/** Every installed shop with an automatic experiment running: one pass of the daily job. */
export async function runAllocation(
  prisma: PrismaClient,
  gatewayFor: (shop: Shop) => Promise<ShopGateway>,
  now = new Date(),
  log: (line: string) => void = (line) => console.log(line),
): Promise<{ shops: number; epochs: number; failed: number }> {
  const shopIds = await prisma.experiment.findMany({
    where: { allocation: "automatic", status: "running" },
    select: { shopId: true },
    distinct: ["shopId"],
    orderBy: { shopId: "asc" },
  });
  const out = { shops: 0, epochs: 0, failed: 0 };
  for (const { shopId } of shopIds) {
    const shop = await prisma.shop.findUnique({ where: { id: shopId } });
    if (!shop || shop.uninstalledAt) continue;
    try {
      const { results, publish } = await allocateShop(prisma, shop, await gatewayFor(shop), now);
      const created = results.filter((r) => r.created).length;
      out.shops++;
      out.epochs += created;
      if (created) log(`automatic allocation: ${shop.domain}: ${created} experiment(s) re-weighted`);
      if (publish && !publish.ok) log(`automatic allocation: ${shop.domain}: publishing failed: ${publish.error}`);
    } catch (error) {
      out.failed++;
      log(`automatic allocation: ${shop.domain} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return out;
}

export type AllocationWorker = Repeating;

const HOUR_MS = 60 * 60 * 1000;

/**
 * Runs the job `firstRunMs` after the call (default a minute), then every hour: the first run of a
 * UTC day computes that day's epochs, later runs find them and do nothing (the job is idempotent
 * within a day, so an instance started at any hour catches up). Same style as scheduleRetention:
 * runs never overlap, timers unref()ed, errors logged and never thrown.
 */
export function scheduleAllocation(
  opts: JobSchedule & { gatewayFor: (shop: Shop) => Promise<ShopGateway> },
): AllocationWorker {
  const log = opts.log ?? ((line: string) => console.log(line));
  return repeatInBackground(
    "automatic allocation",
    async () => {
      await runAllocation(opts.prisma, opts.gatewayFor, opts.now?.() ?? new Date(), log);
    },
    { firstRunMs: opts.firstRunMs ?? 60_000, everyMs: opts.everyMs ?? HOUR_MS, log },
  );
}

let running: AllocationWorker | undefined;

/** Starts the allocation job inside the app process (called once from startup()). */
export async function startAllocationWorker(): Promise<AllocationWorker> {
  if (running) return running;
  const [{ db }, { gatewayForShop }] = await Promise.all([import("~/db.server"), import("~/gateway/for-shop.server")]);
  const prisma = db();
  running = scheduleAllocation({ prisma, gatewayFor: (shop) => gatewayForShop(prisma, shop) });
  return running;
}
