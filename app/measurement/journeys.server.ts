import { createHash } from "node:crypto";
import { ATTR } from "@moments/engine";
import { join, query, sql } from "~/lib/sql.server";
import { requirePrisma, type SqlTx } from "~/lib/driver.server";
import { toSafeNumber } from "~/lib/bigint";

// Which orders a buyer's journeys are linked to, and the locks that serialize every transaction
// reading or writing one order's or one journey's measurement rows (orders/create, refunds,
// cancellations, event ingestion).

/**
 * PostgreSQL or SQLite, from the client itself: a test or a worker may hold a client on another
 * database than DATABASE_URL (db.server.ts `dialectOf` reads the URL; the client knows its provider).
 */
const isPostgres = (tx: SqlTx): boolean => (tx as unknown as { _activeProvider?: string })._activeProvider === "postgresql";

/** The advisory lock id of an order or a journey of a shop: 64 bits of SHA-256, as PostgreSQL's signed bigint. */
function lockId(shopId: string, kind: "order" | "journey", id: string): bigint {
  return createHash("sha256").update(`${kind}\u0000${shopId}\u0000${id}`).digest().readBigInt64BE(0);
}

/**
 * Serializes the transactions that read and write one order's or one journey's measurement rows
 * (orders/create, refunds and cancellations, event ingestion). On PostgreSQL under READ COMMITTED
 * two of them would each read "not there yet" and both commit (an order never counted, a refund
 * pending forever, an order counted twice); a transaction-scoped advisory lock per order and per
 * journey makes the second wait for the first's commit and then read it (`shared`: ingestion of
 * journeys without an order, which only inserts rows a unique index guards; see lockJourneys).
 * Every transaction takes order locks before journey locks, each kind in ascending id order, so no
 * two wait on each other in a cycle. SQLite needs nothing: a write transaction holds the
 * database's single write lock.
 */
export async function lockMeasurement(
  tx: SqlTx,
  shopId: string,
  scope: { orderIds?: string[]; journeyKeys?: string[] },
  mode: "exclusive" | "shared" = "exclusive",
): Promise<void> {
  if (!isPostgres(tx)) return;
  const locks = [...lockIds(shopId, "order", scope.orderIds), ...lockIds(shopId, "journey", scope.journeyKeys)];
  if (locks.length === 0) return;
  // One round trip, one fixed text the driver prepares once per connection: unnest yields the ids
  // in the array's order and each lock is taken as its row is produced. The array literal holds
  // bigints we computed, never input. Executed, not queried: Prisma cannot read a void column.
  const lock = mode === "shared" ? "pg_advisory_xact_lock_shared" : "pg_advisory_xact_lock";
  await tx.$executeRawUnsafe(`SELECT ${lock}(l) FROM unnest($1::bigint[]) AS l`, `{${locks.join(",")}}`);
}

/** Lock ids as every transaction takes them: each once, ascending. */
export const inLockOrder = (ids: Iterable<bigint>): bigint[] => [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
// Each value hashed once: a batch names its journeys many times (an event each).
const lockIds = (shopId: string, kind: "order" | "journey", values: string[] = []): bigint[] =>
  inLockOrder([...new Set(values.filter(Boolean))].map((v) => lockId(shopId, kind, v)));

/**
 * One journey's advisory lock id: what the commit queue's first attempt on PostgreSQL locks shared
 * (inLockOrder) in the statement that checks its shops (one-trip.server.ts).
 */
export const journeyLockId = (shopId: string, journeyKey: string): bigint => lockId(shopId, "journey", journeyKey);

/**
 * Journey keys plus every other key of the orders they are linked to (an order's attribute and
 * checkout token), and which of `journeyKeys` have an order.
 */
async function journeyGroup(tx: SqlTx, shopId: string, journeyKeys: string[]): Promise<{ keys: string[]; ordered: Set<string> }> {
  const linked = (await linkedOrders(tx, shopId, { journeyKeys })).flatMap((o) => o.keys);
  return { keys: [...new Set([...journeyKeys, ...linked])], ordered: new Set(journeyKeys.filter((k) => linked.includes(k))) };
}

/** Thrown when a journey was linked to another key while we waited for its lock: the caller starts over. */
export class LockScopeChanged extends Error {
  constructor() {
    super("a journey was linked to another key while waiting for its lock");
  }
}

/**
 * How an ingest transaction takes its journeys' locks (lockJourneys):
 * - `lock`: inside a caller's transaction; keys an order linked while it waited are locked at once.
 * - `throw`: the commit queue; such keys throw LockScopeChanged and the queue runs it again.
 *
 * (The commit queue's first attempt on PostgreSQL takes neither: it locks the journeys shared
 * without reading their orders first, and its statement checks that none has one;
 * one-trip.server.ts.)
 */
export type JourneyLocking = "lock" | "throw";

/**
 * Locks the journeys an ingest transaction writes and the other keys of their orders (an exposure
 * under one key of an order folds or reads the exposure under the other). An order linked while we
 * waited adds keys we do not hold: with `onNewKeys: "throw"` the caller retries in a new transaction
 * (taking them in order then); inside a caller's transaction they are taken at once, out of order,
 * which PostgreSQL's deadlock detector resolves in the rare case it must. Returns which of
 * `journeyKeys` have an order, read after the locks (what journeysWithOrders answers); null on
 * SQLite, which needs no lock (its write transaction holds the database's one write lock).
 *
 * With `onNewKeys: "throw"` (the commit queue), journeys none of which has an order are locked
 * shared: ingesting such a journey only inserts rows whose unique index settles a race (events,
 * exposures, first views; the loser skips its row and counts nothing) and adds to roll-ups, so two
 * ingest transactions of one journey (one buyer's batches on two app instances) need not wait for
 * each other. orders/create, refunds and cancellations take the locks exclusively, so they still
 * serialize with ingestion; an order found linked after the shared locks sends the caller round
 * again, to take them exclusively (what a journey with an order is written under: folds, moves).
 */
export async function lockJourneys(tx: SqlTx, shopId: string, journeyKeys: string[], onNewKeys: JourneyLocking): Promise<Set<string> | null> {
  if (!isPostgres(tx)) return null;
  if (journeyKeys.length === 0) return new Set();
  const group = await journeyGroup(tx, shopId, journeyKeys);
  const shared = onNewKeys === "throw" && group.ordered.size === 0;
  await lockMeasurement(tx, shopId, { journeyKeys: group.keys }, shared ? "shared" : "exclusive");
  const after = await journeyGroup(tx, shopId, journeyKeys);
  const added = after.keys.filter((k) => !group.keys.includes(k));
  if (added.length === 0 && !(shared && after.ordered.size > 0)) return after.ordered;
  if (onNewKeys === "throw") throw new LockScopeChanged();
  await lockMeasurement(tx, shopId, { journeyKeys: added });
  return after.ordered;
}

/**
 * The order (note) attribute every surface writes with the journey key the engine assigned arms
 * by: it links an order to its buyer's exposures, hold-out included, for RPV and AOV by arm.
 */
export const JOURNEY_ATTRIBUTE = ATTR.journey;

/**
 * The journey keys an order carries, in priority order: its `_moments_journey` attribute (the key
 * the storefront or checkout wrote), then its checkout token (the key post-purchase and the
 * checkout / thank-you extensions use when no attribute was written). Distinct, non-empty.
 */
export function orderJourneyKeys(order: { attributes: Record<string, string>; checkoutToken?: string | null }): string[] {
  const keys = [order.attributes[JOURNEY_ATTRIBUTE]?.trim() ?? "", order.checkoutToken?.trim() ?? ""].filter(Boolean);
  return [...new Set(keys)];
}

/** An order linked to journeys, as revenue per visitor counts it. */
export interface LinkedOrder {
  orderId: string;
  /** Journey keys in priority order (see orderJourneyKeys). */
  keys: string[];
  totalMinor: number;
  refundedMinor: number;
  cancelled: boolean;
}

/** What the order counts for its visitors: its total net of refunds, or null once cancelled. */
export const netValue = (o: Pick<LinkedOrder, "totalMinor" | "refundedMinor" | "cancelled">): number | null =>
  o.cancelled ? null : Math.max(0, o.totalMinor - o.refundedMinor);

/** Which of `journeyKeys` an order is linked to: one index probe (ingestion asks it once a batch, and nearly always hears "none"). */
export async function journeysWithOrders(tx: SqlTx, shopId: string, journeyKeys: string[]): Promise<Set<string>> {
  if (journeyKeys.length === 0) return new Set();
  const rows = await query<{ journeyKey: string }>(
    tx,
    sql`SELECT DISTINCT "journeyKey" FROM "JourneyOrder" WHERE "shopId" = ${shopId} AND "journeyKey" IN (${join(journeyKeys.map((k) => sql`${k}`))})`,
  );
  return new Set(rows.map((r) => r.journeyKey));
}

/** Orders linked to any of `journeyKeys` (or with these order ids), with every key they carry. */
export async function linkedOrders(tx: SqlTx, shopId: string, by: { journeyKeys?: string[]; orderIds?: string[] }): Promise<LinkedOrder[]> {
  const ids = new Set(by.orderIds ?? []);
  if (by.journeyKeys?.length) {
    // Raw: ingestion asks this for every batch with views or exposures, nearly always of journeys
    // without an order yet, and Prisma's query planning cost more than the index lookup.
    const keys = by.journeyKeys.map((k) => sql`${k}`);
    const rows = await query<{ orderId: string }>(tx, sql`SELECT "orderId" FROM "JourneyOrder" WHERE "shopId" = ${shopId} AND "journeyKey" IN (${join(keys)})`);
    for (const r of rows) ids.add(r.orderId);
  }
  if (ids.size === 0) return [];
  const rows = await requirePrisma(tx, "orders linked to journeys").journeyOrder.findMany({ where: { shopId, orderId: { in: [...ids] } }, orderBy: { rank: "asc" } });
  const orders = new Map<string, LinkedOrder>();
  for (const r of rows.filter((r) => r.rank === 0)) {
    orders.set(r.orderId, {
      orderId: r.orderId,
      keys: [r.journeyKey],
      totalMinor: toSafeNumber(r.totalMinor, "totalMinor"),
      refundedMinor: toSafeNumber(r.refundedMinor, "refundedMinor"),
      cancelled: r.cancelledAt !== null,
    });
  }
  for (const r of rows.filter((r) => r.rank > 0)) orders.get(r.orderId)?.keys.push(r.journeyKey);
  return [...orders.values()];
}
