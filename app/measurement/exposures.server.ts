import { insertJsonRows, join, query, sql, sqlTimestamp, type JsonColumn } from "~/lib/sql.server";
import { requirePrisma, type SqlTx } from "~/lib/driver.server";
import { timeOrderedId } from "~/lib/time-ordered-id";
import type { EventInput } from "./contract";
import { WrittenConcurrently } from "./commit-queue.server";
import { eventKey, type Valid } from "./exposure-check.server";
import { linkedOrders, netValue } from "./journeys.server";
import { dropVisitor, experimentKeyOf } from "./visitors.server";
import {
  dayOf,
  revisionDelta,
  segmentOf,
  visitorDelta,
  type DeltaMap,
  type ExperimentDelta,
  type ExperimentKey,
} from "./rollup.server";

// A journey's first exposure per experiment version makes it a visitor of its arm: the rows and
// roll-up increments ingestion writes for exposures.

/**
 * The largest cart (minor units) an exposure's CUPED covariate takes: 900,000.00 in a 2-decimal
 * currency. A client may send up to 1e11; one such cart would own the covariate's variance and
 * drive the pooled theta to zero, overflow PostgreSQL's INT4 column, and its square (a roll-up
 * delta) must stay an exact double below 2^53 for the roll-up statement to bind it. The bound is
 * fixed, not per shop: a data-driven one (a percentile of the shop's orders) would cost an
 * aggregate per batch and could itself be moved by forged carts. It limits what one forged cart
 * does; it does not make forged carts harmless (docs/measurement.md, "Untrusted clients").
 */
export const CART_CAP_MINOR = 90_000_000;
const cartOf = (e: EventInput): number => Math.min(e.cartMinor ?? 0, CART_CAP_MINOR);

export const EXPOSURE_COLUMNS: readonly JsonColumn[] = [
  ...["id", "shopId", "experimentId"].map((name) => ({ name, pg: "text" as const })),
  { name: "version", pg: "integer" },
  ...["journeyKey", "offerId", "moment", "surface", "arm", "day", "device", "country", "segment"].map((name) => ({
    name,
    pg: "text" as const,
  })),
  { name: "cartMinor", pg: "bigint" },
  { name: "orders", pg: "bigint" },
  { name: "revenueMinor", pg: "bigint" },
  { name: "firstSeenAt", pg: "timestamp(3)" },
];

/**
 * An exposure row as ingestion inserts it for a journey without an order: a new id, nothing counted
 * on it yet, its first sight as the database takes a timestamp (storeBatch and the one-trip statement).
 */
export const newExposureRow = (shopId: string, v: Valid) => {
  const row = exposureRowOf(shopId, v);
  return { ...row, id: timeOrderedId(), orders: 0, revenueMinor: 0, firstSeenAt: sqlTimestamp(row.firstSeenAt) };
};

/** An exposure row's identity: experiment, version and journey. */
export const exposureKey = (x: { experimentId: string; version: number | bigint; journeyKey: string }): string =>
  JSON.stringify([x.experimentId, Number(x.version), x.journeyKey]);

/** The exposure row an exposure event creates (before its orders are counted in). */
export const exposureRowOf = (shopId: string, { event: e, occurredAt }: Valid) => ({
  shopId,
  experimentId: e.experimentId!,
  version: e.version ?? 1,
  journeyKey: e.journeyKey,
  offerId: e.offerId!,
  moment: e.moment,
  surface: e.surface,
  arm: e.arm === "holdout" ? "holdout" : e.armId!,
  day: dayOf(occurredAt),
  device: e.device ?? "",
  country: e.country ?? "",
  segment: segmentOf(e.returning),
  cartMinor: cartOf(e),
  firstSeenAt: occurredAt,
});

/** A journey's first `exposure` event per experiment version among `events`, in their order. */
export function firstExposures(events: Valid[]): Valid[] {
  const first = new Map<string, Valid>();
  for (const v of events) {
    const e = v.event;
    if (e.type !== "exposure") continue;
    const k = exposureKey({ experimentId: e.experimentId!, version: e.version ?? 1, journeyKey: e.journeyKey });
    if (!first.has(k)) first.set(k, v);
  }
  return [...first.values()];
}

/** The visitors that new exposure rows make: each of `candidates` whose row `inserted` (exposureKey) holds. */
export function countNewVisitors(shopId: string, candidates: Valid[], inserted: ReadonlySet<string>, deltas: DeltaMap<ExperimentKey, ExperimentDelta>): void {
  for (const v of candidates) {
    const row = exposureRowOf(shopId, v);
    if (inserted.has(exposureKey(row))) deltas.add(experimentKeyOf(row), visitorDelta(row.cartMinor));
  }
}

/**
 * A journey's first `exposure` event per experiment version makes it a visitor of its arm (first
 * one wins), with the cart at the decision as its CUPED covariate (capped at CART_CAP_MINOR; 0 when
 * the surface had no cart, still a pre-exposure value, so every visitor has one and CUPED stays on).
 * Orders that arrived before it are counted in at once, net of their refunds, cancelled ones not.
 * One buyer is one visitor per version even when reported under both keys of an order (attribute
 * first, then checkout token): an exposure under a later key of an order whose earlier key already
 * has one is not recorded (its eventKey is returned: the caller reports it as a duplicate), and one
 * under an earlier key takes the place of the later key's (dropVisitor), orders included. The
 * roll-up increments go into `deltas`, which the caller applies.
 */
export async function recordExposures(
  tx: SqlTx,
  shopId: string,
  fresh: Valid[],
  ordered: ReadonlySet<string>,
  deltas: DeltaMap<ExperimentKey, ExperimentDelta>,
): Promise<Set<string>> {
  const sameBuyer = new Set<string>();
  const candidates = firstExposures(fresh);
  if (candidates.length === 0) return sameBuyer;
  const rowOf = (v: Valid) => exposureRowOf(shopId, v);
  const insertRows = (exposures: Valid[]) =>
    insertJsonRows<{ experimentId: string; version: number | bigint; journeyKey: string }>(
      tx,
      "ExperimentExposure",
      EXPOSURE_COLUMNS,
      exposures.map((v) => newExposureRow(shopId, v)),
      ["shopId", "journeyKey", "experimentId", "version"],
      ["experimentId", "version", "journeyKey"],
    );

  if (!candidates.some((v) => ordered.has(v.event.journeyKey))) {
    // No journey here has an order (nearly always: the exposure comes before the order): the insert
    // itself says which exposures are new. One of the same journey in a concurrent transaction waits
    // on the unique index and is skipped here; that transaction counts its visitor.
    const inserted = new Set((await insertRows(candidates)).map(exposureKey));
    countNewVisitors(shopId, candidates, inserted, deltas);
    return sameBuyer;
  }
  const journeys = [...new Set(candidates.map((v) => v.event.journeyKey))];
  const existing = await query<{ experimentId: string; version: number | bigint; journeyKey: string }>(
    tx,
    sql`SELECT "experimentId", "version", "journeyKey" FROM "ExperimentExposure" WHERE "shopId" = ${shopId} AND "journeyKey" IN (${join(journeys.map((k) => sql`${k}`))})`,
  );
  const exposed = new Set(existing.map(exposureKey));
  const created = candidates.filter((v) => !exposed.has(exposureKey(rowOf(v))));
  if (created.length === 0) return sameBuyer;

  const withOrders = [...new Set(created.map((v) => v.event.journeyKey))].filter((k) => ordered.has(k));
  const orders = withOrders.length ? await linkedOrders(tx, shopId, { journeyKeys: withOrders }) : [];
  // Exposures of journeys without orders (nearly all: the exposure comes before the order) go in
  // one createMany; they are written before an exposure with orders is handled, because that one
  // must see the rows the earlier ones created (one at a time, in batch order).
  const plain: Valid[] = [];
  const flush = async () => {
    const rows = plain.splice(0);
    const inserted = await insertRows(rows);
    // Their visitors are already in the deltas: one that lost a race must not count twice.
    if (inserted.length !== rows.length) throw new WrittenConcurrently("an exposure");
  };
  for (const v of created) {
    const e = v.event;
    const row = rowOf(v);
    const { version, cartMinor: x } = row;
    const own = orders.filter((o) => o.keys.includes(e.journeyKey));
    if (own.length === 0) {
      deltas.add(experimentKeyOf(row), visitorDelta(x));
      plain.push(v);
      continue;
    }
    await flush();
    const prisma = requirePrisma(tx, "an exposure of a journey with orders");
    const earlier = new Set(own.flatMap((o) => o.keys.slice(0, o.keys.indexOf(e.journeyKey))));
    const later = new Set(own.flatMap((o) => o.keys.slice(o.keys.indexOf(e.journeyKey) + 1)));
    const siblings =
      earlier.size + later.size
        ? await prisma.experimentExposure.findMany({
            where: { shopId, experimentId: row.experimentId, version, journeyKey: { in: [...earlier, ...later] } },
          })
        : [];
    if (siblings.some((s) => earlier.has(s.journeyKey))) {
      sameBuyer.add(eventKey(e));
      continue;
    }
    for (const s of siblings) await dropVisitor(prisma, shopId, s, deltas, row);

    const key = experimentKeyOf(row);
    deltas.add(key, visitorDelta(x));
    const visitor = { orders: 0, revenue: 0 };
    for (const order of own) {
      const value = netValue(order);
      if (value === null) continue;
      // No other key of this order has an exposure of this version now: this row holds the order.
      deltas.add(key, revisionDelta(visitor, x, null, value));
      visitor.orders += 1;
      visitor.revenue += value;
    }
    await prisma.experimentExposure.create({ data: { ...row, orders: visitor.orders, revenueMinor: visitor.revenue } });
  }
  await flush();
  return sameBuyer;
}
