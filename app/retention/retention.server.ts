/**
 * Data retention: the Settings page's "Keep events and attribution data for (days)" made real.
 * Every shop's measurement, email and post-purchase rows older than `now - retentionDays` are
 * deleted (ShopSettings.retentionDays, 365 for a shop without settings), once a day by the worker
 * at the bottom of this file.
 *
 * Table by table (why each one goes, by which column, and what it costs):
 * - Event, by occurredAt (the bounded event time the roll-ups are keyed by). The query also
 *   bounds `day` (= the UTC day of occurredAt) so that the (shopId, day) index finds the rows.
 * - MomentDaily / ExperimentDaily, by their `day`: a roll-up row goes when its whole day is older
 *   than the cutoff (day < the cutoff's UTC day), so no row is cut in half. An experiment that runs
 *   longer than the retention period loses its earliest days from its results: that is the point.
 * - ExperimentExposure, by firstSeenAt. An order of that journey arriving after the purge no longer
 *   counts for the experiment, whose roll-up day is gone (or about to go) anyway.
 * - OfferView has no timestamp: it only records "this journey has seen this offer here" (so that
 *   impressions count buyers) and lends its device/segment to the journey's attributed orders. A
 *   view is created together with its impression Event, so a view goes once its journey has no
 *   Event left at all; a journey that is still active keeps all its views.
 * - AttributedLine, JourneyOrder, RefundRecord, by createdAt (when the order / refund reached us).
 *   A refund for a purged line is no longer netted: the roll-up day it would net from is gone.
 * - OutboxMessage, only once it is finished (sent, failed or cancelled) and its updatedAt is older
 *   than the cutoff: updatedAt is the last thing that happened to it (sent, cancelled, last tracked
 *   click). Pending and sending messages are never touched, whatever their age: the worker owns them.
 * - PostPurchaseOffer by createdAt, PostPurchaseUpsell by signedAt: they keep an offer from being
 *   made twice to one purchase and refuse replayed changesets, both of which matter for minutes
 *   to days, far below the 30-day minimum retention (changeset tokens expire long before).
 * - ThankYouOrderEdit by createdAt: the key that keeps a thank-you offer from being added twice to
 *   one order (decision 026), which matters for the two hours an order is edited from its page.
 *
 * Kept, whatever their age: EmailUnsubscribe (the consent record must outlive retention, or a buyer
 * who opted out would be emailed again), shops, settings, sessions, offers, experiments, orders and
 * webhook records (they are the merchant's configuration and the app's bookkeeping, not measurement).
 *
 * Deletes run in batches: BATCH_SIZE keys are selected, then deleted IDS_PER_STATEMENT at a time,
 * each DELETE its own statement (its own implicit transaction, no surrounding one), so a large purge
 * never holds SQLite's write lock for long and the app's writers interleave (busy_timeout makes
 * them wait for one statement, not the whole purge). Every statement is scoped by shopId and repeats
 * the age condition, so a row touched between selecting and deleting its batch is judged again.
 * Everything goes through Prisma's query API except OfferView's one statement, raw SQL without dates
 * (their storage differs by dialect) whose journey pick differs on PostgreSQL (see the step).
 * Deleting twice is harmless, so several app instances may purge the same database at once: on
 * PostgreSQL a row both delete goes once (the second DELETE waits for the first, then finds it gone
 * and counts nothing), so their counts add up to the rows purged (tests/retention.postgres.test.ts).
 */
import { repeatInBackground, type Repeating, type JobSchedule } from "~/lib/repeat.server";
import type { Prisma, PrismaClient } from "@prisma/client";
import { dayOf } from "~/measurement/rollup.server";
import { dialectOfClient, execute, sql } from "~/lib/sql.server";

/** Keys selected per batch (one select, then its deletes), and journeys per OfferView delete. */
export const BATCH_SIZE = 5_000;
/**
 * Ids bound per DELETE: Prisma allows SQLite 999 bind values a statement (the condition takes a
 * few), and a statement this size holds SQLite's write lock for milliseconds, not seconds.
 */
export const IDS_PER_STATEMENT = 900;
export const DEFAULT_RETENTION_DAYS = 365;
/** The Settings page's bounds; a stored value outside them is brought within (never "delete all"). */
export const MIN_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 1095;

const DAY_MS = 24 * 3600 * 1000;

export const PURGED_TABLES = [
  "Event",
  "OfferView",
  "ExperimentExposure",
  "MomentDaily",
  "ExperimentDaily",
  "AttributedLine",
  "JourneyOrder",
  "RefundRecord",
  "OutboxMessage",
  "PostPurchaseOffer",
  "PostPurchaseUpsell",
  "ThankYouOrderEdit",
] as const;
export type PurgedTable = (typeof PURGED_TABLES)[number];
export type PurgeCounts = Record<PurgedTable, number>;

/** Outbox states no worker will act on again. */
export const FINISHED_OUTBOX_STATUSES = ["sent", "failed", "cancelled"];

export interface ShopPurge {
  shopId: string;
  domain: string;
  retentionDays: number;
  cutoff: Date;
  deleted: PurgeCounts;
}

export interface PurgeResult {
  /** Rows deleted per table, all shops together. */
  deleted: PurgeCounts;
  shops: ShopPurge[];
  /** Shops whose purge failed (the others still ran); each is logged. */
  errors: { shopId: string; message: string }[];
}

export interface PurgeOptions {
  batchSize?: number;
  log?: (line: string) => void;
}

const zeroCounts = (): PurgeCounts => Object.fromEntries(PURGED_TABLES.map((t) => [t, 0])) as PurgeCounts;

export const retentionDaysOf = (stored: number | null | undefined): number =>
  stored == null || !Number.isFinite(stored)
    ? DEFAULT_RETENTION_DAYS
    : Math.min(MAX_RETENTION_DAYS, Math.max(MIN_RETENTION_DAYS, Math.trunc(stored)));

export const cutoffFor = (now: Date, retentionDays: number): Date => new Date(now.getTime() - retentionDays * DAY_MS);

interface Scope {
  shopId: string;
  cutoff: Date;
  /** The cutoff's UTC day: roll-up days before it are wholly older than the cutoff. */
  cutoffDay: string;
}

/**
 * One batch of one table: deletes at most `size` keys' rows and says how many keys it selected
 * (fewer than `size`: the table is done for this shop) and how many rows went.
 */
type BatchDelete = (prisma: PrismaClient, s: Scope, size: number) => Promise<{ selected: number; deleted: number }>;

/** Select ids, then delete those ids under the same condition (re-checked at delete time). */
function byIds<W>(
  find: (prisma: PrismaClient, where: W, size: number) => Promise<string[]>,
  remove: (prisma: PrismaClient, where: W, ids: string[]) => Promise<{ count: number }>,
  whereOf: (s: Scope) => W,
): BatchDelete {
  return async (prisma, s, size) => {
    const where = whereOf(s);
    const ids = await find(prisma, where, size);
    let deleted = 0;
    for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
      deleted += (await remove(prisma, where, ids.slice(i, i + IDS_PER_STATEMENT))).count;
    }
    return { selected: ids.length, deleted };
  };
}

const STEPS: Record<PurgedTable, BatchDelete> = {
  Event: byIds(
    async (p, where: Prisma.EventWhereInput, take) =>
      (await p.event.findMany({ where, select: { id: true }, take })).map((r) => r.id),
    (p, where, ids) => p.event.deleteMany({ where: { ...where, id: { in: ids } } }),
    (s) => ({ shopId: s.shopId, day: { lte: s.cutoffDay }, occurredAt: { lt: s.cutoff } }),
  ),
  // After Event: a view goes with the last Event of its journey (see the module comment).
  OfferView: async (p, s, size) => {
    // One statement, no key list: the journeys are picked inside it.
    const orphaned = sql`SELECT DISTINCT v."journeyKey" FROM "OfferView" v WHERE v."shopId" = ${s.shopId}
          AND NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."shopId" = v."shopId" AND e."journeyKey" = v."journeyKey")
        LIMIT ${size}`;
    // PostgreSQL may re-run an `IN (subquery ... LIMIT)` once per outer row (it did, on tables
    // without fresh statistics, i.e. right after the Event step: 1.5 s a statement for 600 views,
    // 37 s for the purge); ARRAY(...) is evaluated once, as in the outbox claim.
    const picked = dialectOfClient(p) === "postgresql" ? sql`= ANY(ARRAY(${orphaned}))` : sql`IN (${orphaned})`;
    const deleted = await execute(
      p,
      sql`DELETE FROM "OfferView" WHERE "shopId" = ${s.shopId} AND "journeyKey" ${picked}`,
    );
    // Rows, not journeys, are counted: go on until a statement finds no orphaned journey left.
    return { selected: deleted > 0 ? size : 0, deleted };
  },
  ExperimentExposure: byIds(
    async (p, where: Prisma.ExperimentExposureWhereInput, take) =>
      (await p.experimentExposure.findMany({ where, select: { id: true }, take })).map((r) => r.id),
    (p, where, ids) => p.experimentExposure.deleteMany({ where: { ...where, id: { in: ids } } }),
    (s) => ({ shopId: s.shopId, firstSeenAt: { lt: s.cutoff } }),
  ),
  MomentDaily: byIds(
    async (p, where: Prisma.MomentDailyWhereInput, take) =>
      (await p.momentDaily.findMany({ where, select: { id: true }, take })).map((r) => r.id),
    (p, where, ids) => p.momentDaily.deleteMany({ where: { ...where, id: { in: ids } } }),
    (s) => ({ shopId: s.shopId, day: { lt: s.cutoffDay } }),
  ),
  ExperimentDaily: byIds(
    async (p, where: Prisma.ExperimentDailyWhereInput, take) =>
      (await p.experimentDaily.findMany({ where, select: { id: true }, take })).map((r) => r.id),
    (p, where, ids) => p.experimentDaily.deleteMany({ where: { ...where, id: { in: ids } } }),
    (s) => ({ shopId: s.shopId, day: { lt: s.cutoffDay } }),
  ),
  AttributedLine: byIds(
    async (p, where: Prisma.AttributedLineWhereInput, take) =>
      (await p.attributedLine.findMany({ where, select: { id: true }, take })).map((r) => r.id),
    (p, where, ids) => p.attributedLine.deleteMany({ where: { ...where, id: { in: ids } } }),
    (s) => ({ shopId: s.shopId, createdAt: { lt: s.cutoff } }),
  ),
  // Keyed by (shopId, orderId) / (shopId, refundId): the second key column stands in for an id.
  JourneyOrder: byIds(
    async (p, where: Prisma.JourneyOrderWhereInput, take) =>
      (await p.journeyOrder.findMany({ where, select: { orderId: true }, take })).map((r) => r.orderId),
    (p, where, ids) => p.journeyOrder.deleteMany({ where: { ...where, orderId: { in: ids } } }),
    (s) => ({ shopId: s.shopId, createdAt: { lt: s.cutoff } }),
  ),
  RefundRecord: byIds(
    async (p, where: Prisma.RefundRecordWhereInput, take) =>
      (await p.refundRecord.findMany({ where, select: { refundId: true }, take })).map((r) => r.refundId),
    (p, where, ids) => p.refundRecord.deleteMany({ where: { ...where, refundId: { in: ids } } }),
    (s) => ({ shopId: s.shopId, createdAt: { lt: s.cutoff } }),
  ),
  OutboxMessage: byIds(
    async (p, where: Prisma.OutboxMessageWhereInput, take) =>
      (await p.outboxMessage.findMany({ where, select: { id: true }, take })).map((r) => r.id),
    (p, where, ids) => p.outboxMessage.deleteMany({ where: { ...where, id: { in: ids } } }),
    (s) => ({ shopId: s.shopId, status: { in: FINISHED_OUTBOX_STATUSES }, updatedAt: { lt: s.cutoff } }),
  ),
  PostPurchaseOffer: byIds(
    async (p, where: Prisma.PostPurchaseOfferWhereInput, take) =>
      (await p.postPurchaseOffer.findMany({ where, select: { id: true }, take })).map((r) => r.id),
    (p, where, ids) => p.postPurchaseOffer.deleteMany({ where: { ...where, id: { in: ids } } }),
    (s) => ({ shopId: s.shopId, createdAt: { lt: s.cutoff } }),
  ),
  PostPurchaseUpsell: byIds(
    async (p, where: Prisma.PostPurchaseUpsellWhereInput, take) =>
      (await p.postPurchaseUpsell.findMany({ where, select: { id: true }, take })).map((r) => r.id),
    (p, where, ids) => p.postPurchaseUpsell.deleteMany({ where: { ...where, id: { in: ids } } }),
    (s) => ({ shopId: s.shopId, signedAt: { lt: s.cutoff } }),
  ),
  ThankYouOrderEdit: byIds(
    async (p, where: Prisma.ThankYouOrderEditWhereInput, take) =>
      (await p.thankYouOrderEdit.findMany({ where, select: { id: true }, take })).map((r) => r.id),
    (p, where, ids) => p.thankYouOrderEdit.deleteMany({ where: { ...where, id: { in: ids } } }),
    (s) => ({ shopId: s.shopId, createdAt: { lt: s.cutoff } }),
  ),
};

/** Lets the app's own queries run between two batches instead of queueing behind the purge. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Deletes one shop's expired rows, table after table, batch after batch. */
export async function purgeShop(
  prisma: PrismaClient,
  shopId: string,
  cutoff: Date,
  batchSize = BATCH_SIZE,
): Promise<PurgeCounts> {
  const scope: Scope = { shopId, cutoff, cutoffDay: dayOf(cutoff) };
  const deleted = zeroCounts();
  for (const table of PURGED_TABLES) {
    for (;;) {
      const batch = await STEPS[table](prisma, scope, batchSize);
      deleted[table] += batch.deleted;
      if (batch.selected < batchSize) break;
      await breathe();
    }
  }
  return deleted;
}

const describeCounts = (c: PurgeCounts) =>
  PURGED_TABLES.filter((t) => c[t] > 0)
    .map((t) => `${c[t]} ${t}`)
    .join(", ");

/**
 * Every shop's purge, each by its own retention (365 days without a settings row). One failing
 * shop is logged and reported; the others still run. Logs one line per shop that lost rows.
 */
export async function purgeExpiredData(prisma: PrismaClient, now: Date, opts: PurgeOptions = {}): Promise<PurgeResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const shops = await prisma.shop.findMany({
    select: { id: true, domain: true, settings: { select: { retentionDays: true } } },
    orderBy: { id: "asc" },
  });
  const result: PurgeResult = { deleted: zeroCounts(), shops: [], errors: [] };
  for (const shop of shops) {
    const retentionDays = retentionDaysOf(shop.settings?.retentionDays);
    const cutoff = cutoffFor(now, retentionDays);
    try {
      const deleted = await purgeShop(prisma, shop.id, cutoff, opts.batchSize ?? BATCH_SIZE);
      result.shops.push({ shopId: shop.id, domain: shop.domain, retentionDays, cutoff, deleted });
      for (const t of PURGED_TABLES) result.deleted[t] += deleted[t];
      const summary = describeCounts(deleted);
      if (summary)
        log(
          `data retention: ${shop.domain} (${retentionDays} days, before ${cutoff.toISOString()}): deleted ${summary}`,
        );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.errors.push({ shopId: shop.id, message });
      log(`data retention: ${shop.domain}: purge failed: ${message}`);
    }
  }
  return result;
}

export type RetentionWorker = Repeating;

/** Far enough after start-up not to compete with it (and with short-lived test servers). */
export const FIRST_RUN_DELAY_MS = 60_000;
export const RUN_EVERY_MS = 24 * 3600 * 1000;

/**
 * Runs the purge `firstRunMs` after the call, then every `everyMs` after each run ends (runs never
 * overlap). Timers are unref()ed: they never keep the process alive. Errors are logged, never thrown.
 */
export function scheduleRetention(opts: JobSchedule & { batchSize?: number }): RetentionWorker {
  const log = opts.log ?? ((line: string) => console.log(line));
  return repeatInBackground(
    "data retention",
    async () => {
      const r = await purgeExpiredData(opts.prisma, opts.now?.() ?? new Date(), { log, batchSize: opts.batchSize });
      if (r.errors.length) log(`data retention: ${r.errors.length} shop(s) failed, retried at the next run`);
    },
    { firstRunMs: opts.firstRunMs ?? FIRST_RUN_DELAY_MS, everyMs: opts.everyMs ?? RUN_EVERY_MS, log },
  );
}

let running: RetentionWorker | undefined;

/** Starts the daily purge inside the app process (called once from startup()). */
export async function startRetentionWorker(): Promise<RetentionWorker> {
  if (running) return running;
  const { db } = await import("~/db.server");
  running = scheduleRetention({ prisma: db() });
  return running;
}
