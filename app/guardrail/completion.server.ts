/**
 * The completion guardrail's counts (decision 031): per day and side, checkouts reached and
 * completed for one experiment version. At a checkout step the offer's own exposure is the reached
 * checkout; for an offer decided before it (cart, exit intent) a storefront exposure whose journey
 * the checkout reported as reached is (decision 035).
 */
import type { PrismaClient } from "@prisma/client";
import type { CompletionDay } from "@moments/stats";
import { CHECKOUT_STEP_MOMENTS, STOREFRONT_MOMENTS } from "@moments/contracts";
import type { EventType } from "@moments/contracts";

/** Checkouts younger than this are left for the next run: their order may still be on its way. */
export const COMPLETION_LAG_MS = 3600_000;

/**
 * Daily completion counts of one experiment version, per side, from its checkout-step exposures
 * and, for an offer shown before the checkout (`storefront`), its storefront-exposed journeys that
 * reached the checkout (exposure day; the hold-out against every variant together), oldest first.
 */
export async function completionDays(
  prisma: PrismaClient,
  shopId: string,
  experimentId: string,
  version: number,
  now: Date,
  opts: { storefront?: boolean } = {},
): Promise<CompletionDay[]> {
  const where = {
    shopId,
    experimentId,
    version,
    surface: "checkout",
    moment: { in: [...CHECKOUT_STEP_MOMENTS] },
    firstSeenAt: { lte: new Date(now.getTime() - COMPLETION_LAG_MS) },
  };
  const [reached, completed] = await Promise.all([
    prisma.experimentExposure.groupBy({ by: ["day", "arm"], where, _count: { _all: true } }),
    prisma.experimentExposure.groupBy({
      by: ["day", "arm"],
      where: { ...where, orders: { gt: 0 } },
      _count: { _all: true },
    }),
  ]);
  // Pre-checkout offers (decision 035): storefront-exposed journeys that reached the checkout.
  const beforeCheckout = opts.storefront ? await reachedFromStorefront(prisma, shopId, experimentId, version, now) : [];
  const byDay = new Map<string, CompletionDay>();
  const dayOf = (day: string) => {
    let d = byDay.get(day);
    if (!d) {
      d = { day, treatedReached: 0, treatedCompleted: 0, holdoutReached: 0, holdoutCompleted: 0 };
      byDay.set(day, d);
    }
    return d;
  };
  for (const r of reached) {
    const d = dayOf(r.day);
    if (r.arm === "holdout") d.holdoutReached += r._count._all;
    else d.treatedReached += r._count._all;
  }
  for (const r of completed) {
    const d = dayOf(r.day);
    if (r.arm === "holdout") d.holdoutCompleted += r._count._all;
    else d.treatedCompleted += r._count._all;
  }
  for (const r of beforeCheckout) {
    const d = dayOf(r.day);
    const done = r.orders > 0 ? 1 : 0;
    if (r.arm === "holdout") {
      d.holdoutReached++;
      d.holdoutCompleted += done;
    } else {
      d.treatedReached++;
      d.treatedCompleted += done;
    }
  }
  return [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/**
 * Reached, for an offer decided before the checkout (cart, exit intent; decision 035): the journeys
 * of the version's storefront exposure rows (the server's own record of each journey's arm and day,
 * hold-out included) whose checkout reported `checkout_reached` for the same journey key, older than
 * the lag; each once, in its exposure's arm and on its day, completed when that journey became an
 * order. The reached signal names no arm, so whether a journey counts never depends on its arm (nor
 * on the `_moments_arms` cart write, which lands less often for buyers shown nothing), and it never
 * makes a visitor. Exposure rows from the checkout surface (a checkout step's, counted there; or a
 * storefront moment claimed by the checkout's reports before this amendment) are left out.
 * Paged by journey key (the rows' unique index begins with the shop and the key), so each page's
 * events are one IN query on the events' journey-first unique index.
 */
async function reachedFromStorefront(
  prisma: PrismaClient,
  shopId: string,
  experimentId: string,
  version: number,
  now: Date,
): Promise<Array<{ day: string; arm: string; orders: bigint | number }>> {
  const before = new Date(now.getTime() - COMPLETION_LAG_MS);
  const rows: Array<{ day: string; arm: string; orders: bigint | number }> = [];
  // Pages of 500: PostgreSQL and SQLite bound a statement's parameters.
  for (let after = ""; ;) {
    const page = await prisma.experimentExposure.findMany({
      where: {
        shopId,
        experimentId,
        version,
        moment: { in: [...STOREFRONT_MOMENTS] },
        surface: { not: "checkout" },
        journeyKey: { gt: after },
      },
      orderBy: { journeyKey: "asc" },
      take: PAGE,
      select: { journeyKey: true, day: true, arm: true, orders: true },
    });
    if (page.length === 0) break;
    after = page[page.length - 1]!.journeyKey;
    const reached = await prisma.event.findMany({
      where: {
        shopId,
        journeyKey: { in: page.map((r) => r.journeyKey) },
        type: CHECKOUT_REACHED,
        occurredAt: { lte: before },
      },
      select: { journeyKey: true },
    });
    const keys = new Set(reached.map((e) => e.journeyKey));
    for (const r of page) if (keys.has(r.journeyKey)) rows.push({ day: r.day, arm: r.arm, orders: r.orders });
    if (page.length < PAGE) break;
  }
  return rows;
}

const PAGE = 500;
/** The checkout's journey-level report (packages/contracts EVENT_TYPES). */
const CHECKOUT_REACHED = "checkout_reached" satisfies EventType;
