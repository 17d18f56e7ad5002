/**
 * Suggestions from the shop's orders (decision 029): one mining run per shop, stepped until done.
 * A step claims the shop's run, then starts the export of the orders (Shopify's bulk operation, or
 * the demo store's history at once), checks a running export, or, once the export is complete,
 * streams it into the miner (@moments/autopilot: `mineBulkJsonl` over Shopify's JSONL,
 * `mineOrderLines` over the demo's lines), ranks the catalog per moment (`rankCandidates`, with
 * catalog similarity where co-purchases are too few) and replaces the shop's suggestions and the
 * run's record in one transaction. Every query is scoped by the shop's id.
 */
import type { PrismaClient, SuggestionRun } from "@prisma/client";
import {
  AUTOPILOT_MOMENTS,
  mineBulkJsonl,
  mineOrderLines,
  rankCandidates,
  type Candidate,
  type CoPurchaseStats,
} from "@moments/autopilot";
import type { ShopRef } from "~/gateway/for-shop.server";
import { query, sql } from "~/lib/sql.server";
import type { OrderExportState, ShopGateway, SuggestionCatalogProduct } from "~/gateway/types";
import { DYNAMIC_MOMENT, mineComplements } from "./complements";

const DAY_MS = 86_400_000;
/** Orders Shopify lets `read_orders` read: the last 60 days. */
export const RECENT_ORDERS_DAYS = 60;
/** With `read_all_orders` granted: a year, a full season of co-purchases. */
export const ALL_ORDERS_DAYS = 365;
/** Suggestions kept per moment, best first. */
export const SUGGESTIONS_PER_MOMENT = 10;
/** Candidates per trigger product before the moment's best are kept. */
export const CANDIDATES_PER_TRIGGER = 3;
/** Products read from the catalog for ranking. */
export const CATALOG_LIMIT = 1_000;
/** A step holds the run this long; a crashed worker's claim lapses after it. */
export const CLAIM_MS = 10 * 60_000;
/** A finished run is mined again after a day (the schedule, decision 016's style). */
export const REMINE_AFTER_MS = DAY_MS;

/** The first day of orders a run mines: a year when the shop granted read_all_orders, else 60 days. */
export function miningSince(scopes: string | null | undefined, now: Date): Date {
  const all = (scopes ?? "").split(",").some((s) => s.trim() === "read_all_orders");
  return new Date(now.getTime() - (all ? ALL_ORDERS_DAYS : RECENT_ORDERS_DAYS) * DAY_MS);
}

export interface RankedSuggestion extends Candidate {
  rank: number;
}

/** Every moment's best suggestions: candidates of every trigger, by expected revenue, the first N. */
export function rankSuggestions(
  stats: CoPurchaseStats | null,
  catalog: readonly SuggestionCatalogProduct[],
): RankedSuggestion[] {
  const out: RankedSuggestion[] = [];
  for (const moment of AUTOPILOT_MOMENTS) {
    const all = [...rankCandidates({ moment, catalog, stats, limit: CANDIDATES_PER_TRIGGER }).values()].flat();
    all.sort(
      (a, b) =>
        b.evidence.expectedRevenuePer1000 - a.evidence.expectedRevenuePer1000 ||
        b.evidence.coPurchases - a.evidence.coPurchases ||
        (a.trigger + a.productId < b.trigger + b.productId ? -1 : 1),
    );
    all.slice(0, SUGGESTIONS_PER_MOMENT).forEach((c, rank) => out.push({ ...c, rank }));
  }
  return out;
}

/** The shop's run, created queued when there is none; a finished one is queued again ("Mine again"). */
export async function requestMining(prisma: PrismaClient, shopId: string): Promise<SuggestionRun> {
  const run = await prisma.suggestionRun.upsert({ where: { shopId }, create: { shopId }, update: {} });
  if (run.status === "done" || run.status === "failed") {
    return prisma.suggestionRun.update({ where: { shopId }, data: { status: "queued", lastError: null } });
  }
  return run;
}

async function claim(prisma: PrismaClient, shopId: string, now: Date): Promise<boolean> {
  await prisma.suggestionRun.upsert({ where: { shopId }, create: { shopId }, update: {} });
  const { count } = await prisma.suggestionRun.updateMany({
    where: { shopId, OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }] },
    data: { claimedUntil: new Date(now.getTime() + CLAIM_MS) },
  });
  return count === 1;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

async function mine(state: Extract<OrderExportState, { status: "completed" }>): Promise<CoPurchaseStats> {
  if (state.format === "bulk_jsonl") return mineBulkJsonl(state.lines());
  return mineOrderLines(state.lines());
}

/**
 * One step of the shop's run (see the module comment). Answers the run as it stands after the
 * step; a run another worker holds is answered as it is, untouched.
 */
export async function stepMining(
  prisma: PrismaClient,
  shop: ShopRef & { scopes?: string | null },
  gateway: ShopGateway,
  now: Date = new Date(),
): Promise<SuggestionRun> {
  const where = { shopId: shop.id };
  if (!(await claim(prisma, shop.id, now))) return prisma.suggestionRun.findUniqueOrThrow({ where });
  const run = await prisma.suggestionRun.findUniqueOrThrow({ where });
  const history = gateway.orderHistory;
  try {
    if (!history) throw new Error("This store cannot export its orders.");
    let state: OrderExportState;
    if (run.status === "running" && run.operationId) {
      state = await history.check(run.operationId);
    } else {
      const since = miningSince(shop.scopes, now);
      await prisma.suggestionRun.update({
        where,
        data: { status: "running", since, startedAt: now, finishedAt: null, operationId: null, lastError: null },
      });
      state = await history.start(since);
    }
    if (state.status === "running") {
      return await prisma.suggestionRun.update({
        where,
        data: { status: "running", operationId: state.operationId, claimedUntil: null },
      });
    }
    if (state.status === "failed") throw new Error(state.error);
    const stats = await mine(state);
    const catalog = await history.catalog(CATALOG_LIMIT);
    const ranked = rankSuggestions(stats, catalog);
    // Stored beside the suggestions: what dynamic offers choose from at the next publish (decision 034).
    const complements = mineComplements(stats, catalog).map((c) => ({ ...c, moment: DYNAMIC_MOMENT }));
    const basis = ranked.some((s) => s.source === "co_purchase") ? "orders" : "catalog";
    const [, , done] = await prisma.$transaction([
      prisma.suggestion.deleteMany({ where }),
      prisma.suggestion.createMany({
        data: [...ranked, ...complements].map((s) => ({
          shopId: shop.id,
          moment: s.moment,
          rank: s.rank,
          triggerProductId: s.trigger,
          productId: s.productId,
          source: s.source,
          coPurchases: s.evidence.coPurchases,
          lift: s.evidence.lift,
          expectedTakeRate: s.evidence.expectedTakeRate,
          incrementalTakeRate: s.evidence.incrementalTakeRate,
          expectedRevenuePer1000: BigInt(s.evidence.expectedRevenuePer1000),
          currency: shop.currency,
        })),
      }),
      prisma.suggestionRun.update({
        where,
        data: {
          status: "done",
          basis,
          finishedAt: now,
          ordersMined: stats.orders,
          linesRead: stats.lines,
          operationId: state.operationId,
          lastError: null,
          claimedUntil: null,
        },
      }),
    ]);
    return done;
  } catch (error) {
    return prisma.suggestionRun.update({
      where,
      data: { status: "failed", finishedAt: now, lastError: message(error), claimedUntil: null },
    });
  }
}

/**
 * The shops a worker should step now: runs asked for or running (their claim lapsed), runs
 * finished more than a day ago, and installed shops that have never been mined.
 */
export async function shopsDue(prisma: PrismaClient, now: Date, limit = 50): Promise<string[]> {
  const stale = new Date(now.getTime() - REMINE_AFTER_MS);
  const free = { OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }] };
  const runs = await prisma.suggestionRun.findMany({
    where: {
      AND: [
        free,
        {
          OR: [
            { status: { in: ["queued", "running"] } },
            { status: { in: ["done", "failed"] }, OR: [{ finishedAt: null }, { finishedAt: { lt: stale } }] },
          ],
        },
      ],
    },
    select: { shopId: true },
    orderBy: { updatedAt: "asc" },
    take: limit,
  });
  const never = await query<{ id: string }>(
    prisma,
    sql`SELECT s."id" FROM "Shop" s WHERE s."uninstalledAt" IS NULL
        AND NOT EXISTS (SELECT 1 FROM "SuggestionRun" r WHERE r."shopId" = s."id")
        ORDER BY s."id" LIMIT ${limit}`,
  );
  return [...runs.map((r) => r.shopId), ...never.map((s) => s.id)].slice(0, limit);
}
