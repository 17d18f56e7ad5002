import { createHash } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { ATTR } from "@moments/engine";
import type { OrderCreatedHandler } from "~/orders/handlers.server";
import { decimalToMinor } from "~/lib/decimal";
import { join, query, sql } from "~/lib/sql.server";
import { requirePrisma, type SqlTx } from "~/lib/driver.server";
import { toSafeNumber, withNumbers } from "~/lib/bigint";
import {
  applyExperimentDeltas,
  applyMomentDeltas,
  dayOf,
  DeltaMap,
  revisionDelta,
  type ExperimentDelta,
  type ExperimentKey,
  type MomentDelta,
  type MomentKey,
} from "./rollup.server";

type Tx = Prisma.TransactionClient;

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
 * journey makes the second wait for the first's commit and then read it. Every transaction takes
 * order locks before journey locks, each kind in ascending id order, so no two wait on each other
 * in a cycle. SQLite needs nothing: a write transaction holds the database's single write lock.
 */
export async function lockMeasurement(tx: SqlTx, shopId: string, scope: { orderIds?: string[]; journeyKeys?: string[] }): Promise<void> {
  if (!isPostgres(tx)) return;
  const ids = (kind: "order" | "journey", values: string[] = []) =>
    [...new Set(values.filter(Boolean).map((v) => lockId(shopId, kind, v)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const locks = [...ids("order", scope.orderIds), ...ids("journey", scope.journeyKeys)];
  if (locks.length === 0) return;
  // One round trip; PL/pgSQL runs the statements in order. The ids are bigints we computed, never input.
  await tx.$executeRawUnsafe(`DO $$ BEGIN ${locks.map((l) => `PERFORM pg_advisory_xact_lock(${l.toString()});`).join(" ")} END $$`);
}

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
 * Locks the journeys an ingest transaction writes and the other keys of their orders (an exposure
 * under one key of an order folds or reads the exposure under the other). An order linked while we
 * waited adds keys we do not hold: with `onNewKeys: "throw"` the caller retries in a new transaction
 * (taking them in order then); inside a caller's transaction they are taken at once, out of order,
 * which PostgreSQL's deadlock detector resolves in the rare case it must. Returns which of
 * `journeyKeys` have an order, read after the locks (what journeysWithOrders answers); null on
 * SQLite, which needs no lock (its write transaction holds the database's one write lock).
 */
export async function lockJourneys(tx: SqlTx, shopId: string, journeyKeys: string[], onNewKeys: "throw" | "lock"): Promise<Set<string> | null> {
  if (!isPostgres(tx)) return null;
  if (journeyKeys.length === 0) return new Set();
  const group = await journeyGroup(tx, shopId, journeyKeys);
  await lockMeasurement(tx, shopId, { journeyKeys: group.keys });
  const after = await journeyGroup(tx, shopId, journeyKeys);
  const added = after.keys.filter((k) => !group.keys.includes(k));
  if (added.length === 0) return after.ordered;
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

type ExposureRecord = Awaited<ReturnType<Tx["experimentExposure"]["findMany"]>>[number];
const EXPOSURE_BIGINTS = ["orders", "revenueMinor", "cartMinor"] as const;
/** An exposure row with its 64-bit columns as numbers (app/lib/bigint.ts). */
type ExposureRow = ReturnType<typeof exposureOf>;
const exposureOf = (x: ExposureRecord) => withNumbers(x, EXPOSURE_BIGINTS);
/** Exposure rows as the database returns them (bigint) or already converted. */
const exposuresOf = (rows: Array<ExposureRecord | ExposureRow>): ExposureRow[] =>
  rows.map((x) => (typeof x.orders === "bigint" ? exposureOf(x as ExposureRecord) : (x as ExposureRow)));

export const experimentKeyOf = (x: Pick<ExposureRow, "experimentId" | "version" | "offerId" | "arm" | "day" | "device" | "country" | "segment">): ExperimentKey => ({
  experimentId: x.experimentId,
  version: x.version,
  offerId: x.offerId,
  arm: x.arm,
  day: x.day,
  device: x.device,
  country: x.country,
  segment: x.segment,
});

/**
 * Which exposure row of one experiment version counts an order: the row of the order's first key
 * (priority order) that has one. A buyer reported under both keys is one order for the experiment,
 * never two; the rule depends only on which rows exist, so refunds and cancellations find the same
 * row whatever the arrival order.
 */
export function holderOf<T extends { journeyKey: string }>(keys: string[], rows: T[]): T | undefined {
  for (const key of keys) {
    const row = rows.find((r) => r.journeyKey === key);
    if (row) return row;
  }
  return undefined;
}

/**
 * An order's counted value changes from `before` to `after` (null: not counted): every experiment
 * version the order's journeys were exposed to moves its holding row and ExperimentDaily by the
 * exact difference (revisionDelta).
 */
async function reviseOrder(tx: Tx, shopId: string, order: LinkedOrder, before: number | null, after: number | null): Promise<void> {
  if (before === after) return;
  const exposures = exposuresOf(await tx.experimentExposure.findMany({ where: { shopId, journeyKey: { in: order.keys } } }));
  const byVersion = new Map<string, ExposureRow[]>();
  for (const x of exposures) {
    const k = JSON.stringify([x.experimentId, x.version]);
    byVersion.set(k, [...(byVersion.get(k) ?? []), x]);
  }
  const deltas = new DeltaMap<ExperimentKey, ExperimentDelta>();
  for (const rows of byVersion.values()) {
    const x = holderOf(order.keys, rows)!;
    const delta = revisionDelta({ orders: x.orders, revenue: x.revenueMinor }, x.cartMinor, before, after);
    deltas.add(experimentKeyOf(x), delta);
    await tx.experimentExposure.update({
      where: { id: x.id },
      data: { orders: { increment: delta.orders ?? 0 }, revenueMinor: { increment: delta.revenueMinor ?? 0 } },
    });
  }
  await applyExperimentDeltas(tx, shopId, deltas);
}

/**
 * One buyer reported under two keys of an order (its `_moments_journey` attribute and its checkout
 * token) in one experiment version is one visitor: the exposure of the order's first key stays and
 * `drop` (a later key's) goes, with exact negative deltas for its visitor, its covariate and every
 * order it counted. Each such order moves to the row that holds it without `drop` (holderOf); when
 * that is `incoming` (an exposure being created, not yet a row) the caller counts it.
 */
export async function dropVisitor(
  tx: Tx,
  shopId: string,
  dropRow: ExposureRecord | ExposureRow,
  deltas: DeltaMap<ExperimentKey, ExperimentDelta>,
  incoming?: { journeyKey: string },
): Promise<void> {
  const [drop] = exposuresOf([dropRow]) as [ExposureRow];
  const key = experimentKeyOf(drop);
  let state = { orders: drop.orders, revenue: drop.revenueMinor };
  for (const order of await linkedOrders(tx, shopId, { journeyKeys: [drop.journeyKey] })) {
    const value = netValue(order);
    if (value === null) continue;
    const rows = exposuresOf(
      await tx.experimentExposure.findMany({
        where: { shopId, experimentId: drop.experimentId, version: drop.version, journeyKey: { in: order.keys } },
      }),
    );
    if (holderOf(order.keys, rows)?.id !== drop.id) continue;
    deltas.add(key, revisionDelta(state, drop.cartMinor, value, null));
    state = { orders: state.orders - 1, revenue: state.revenue - value };
    const rest: Array<ExposureRow | { journeyKey: string }> = rows.filter((r) => r.id !== drop.id);
    const next = holderOf(order.keys, incoming ? [...rest, incoming] : rest);
    if (!next || next === incoming || !("id" in next)) continue;
    const delta = revisionDelta({ orders: next.orders, revenue: next.revenueMinor }, next.cartMinor, null, value);
    deltas.add(experimentKeyOf(next), delta);
    await tx.experimentExposure.update({
      where: { id: next.id },
      data: { orders: { increment: delta.orders ?? 0 }, revenueMinor: { increment: delta.revenueMinor ?? 0 } },
    });
  }
  const x = drop.cartMinor;
  deltas.add(key, x === null ? { visitors: -1 } : { visitors: -1, covariateN: -1, covariateSum: -x, covariateSq: -x * x });
  await tx.experimentExposure.delete({ where: { id: drop.id } });
}

/**
 * An order about to link `keys`: where one experiment version has exposures under two of them, the
 * buyer is one visitor, that of the first key (dropVisitor). Runs before the order is linked, so
 * the order itself is counted afterwards, once, by the row that stays.
 */
async function foldKeys(tx: Tx, shopId: string, keys: string[]): Promise<void> {
  if (keys.length < 2) return;
  const rows = exposuresOf(await tx.experimentExposure.findMany({ where: { shopId, journeyKey: { in: keys } } }));
  const byVersion = new Map<string, ExposureRow[]>();
  for (const x of rows) {
    const k = JSON.stringify([x.experimentId, x.version]);
    byVersion.set(k, [...(byVersion.get(k) ?? []), x]);
  }
  const deltas = new DeltaMap<ExperimentKey, ExperimentDelta>();
  for (const group of byVersion.values()) {
    if (group.length < 2) continue;
    const keep = holderOf(keys, group)!;
    for (const x of group) if (x !== keep) await dropVisitor(tx, shopId, x, deltas);
  }
  await applyExperimentDeltas(tx, shopId, deltas);
}

/** The dimensions a journey's figures carry: those of its first offer view or exposure. */
export interface JourneyDims {
  device: string;
  country: string;
  segment: string;
}
const hasDims = (d: JourneyDims) => Boolean(d.device || d.country || d.segment);
const EMPTY_DIMS: JourneyDims = { device: "", country: "", segment: "" };

/**
 * orders/create: lines carrying the offer attributes (engine ATTR) become attributed revenue
 * (line price x quantity minus the line's discounts, shop currency) with the dimensions of the
 * journey's view or exposure (empty until one arrives: ingestion fills them in, relocateLines);
 * the order is linked to every journey key it carries and counts, net, for every experiment
 * version those journeys were exposed to. Refunds and cancellations that came first are applied
 * last. Test orders are never linked nor attributed. Runs once per order, in the webhook's transaction.
 */
export const attributeOrder: OrderCreatedHandler = async (tx, { shopId, order }) => {
  await lockMeasurement(tx, shopId, { orderIds: [order.shopifyId], journeyKeys: order.test ? [] : orderJourneyKeys(order) });
  if (!order.test) await linkAndAttribute(tx, shopId, order);
  await applyPending(tx, shopId, order.shopifyId);
};

async function linkAndAttribute(tx: Tx, shopId: string, order: Parameters<OrderCreatedHandler>[1]["order"]): Promise<void> {
  const keys = orderJourneyKeys(order);
  const day = dayOf(order.processedAt);
  const moments = new DeltaMap<MomentKey, MomentDelta>();

  const offerLines = order.lines.filter((l) => l.attributes[ATTR.offer]);
  if (offerLines.length) {
    const done = await tx.attributedLine.findMany({
      where: { shopId, lineId: { in: offerLines.map((l) => l.lineId) } },
      select: { lineId: true },
    });
    const already = new Set(done.map((d) => d.lineId));
    const views = keys.length
      ? await tx.offerView.findMany({ where: { shopId, journeyKey: { in: keys } }, select: { offerId: true, moment: true, device: true, country: true, segment: true } })
      : [];
    const exposure = keys.length
      ? (await tx.experimentExposure.findMany({ where: { shopId, journeyKey: { in: keys } }, orderBy: { firstSeenAt: "asc" } })).find(hasDims)
      : undefined;
    const journeyDims = views.find(hasDims) ?? exposure ?? EMPTY_DIMS;
    const countedKeys = new Set<string>();
    for (const line of offerLines) {
      if (already.has(line.lineId)) continue;
      const offerId = line.attributes[ATTR.offer]!;
      const variantId = line.attributes[ATTR.variant] ?? "";
      const moment = line.attributes[ATTR.moment] || "unknown";
      const view =
        views.find((v) => v.offerId === offerId && v.moment === moment && hasDims(v)) ?? views.find((v) => v.offerId === offerId && hasDims(v));
      // Country is the buyer's at the view or exposure (not the order's address): one definition
      // across impressions, arms and attributed revenue.
      const { device, country, segment } = view ?? journeyDims;
      const revenue = Math.max(0, line.unitMinor * line.quantity - line.discountMinor);
      const dims: MomentKey = { day, moment, offerId, variantId, arm: variantId ? "variant" : "none", device, country, segment };
      await tx.attributedLine.create({
        data: {
          shopId,
          orderId: order.shopifyId,
          lineId: line.lineId,
          journeyKey: keys[0] ?? "",
          quantity: line.quantity,
          currency: order.currency,
          revenueMinor: revenue,
          ...dims,
        },
      });
      const k = JSON.stringify(dims);
      moments.add(dims, { attributedMinor: revenue, attributedOrders: countedKeys.has(k) ? 0 : 1 });
      countedKeys.add(k);
    }
    await applyMomentDeltas(tx, shopId, moments);
  }

  if (keys.length === 0) return;
  const linked = await tx.journeyOrder.findFirst({ where: { shopId, orderId: order.shopifyId }, select: { orderId: true } });
  if (linked) return;
  await foldKeys(tx, shopId, keys);
  await tx.journeyOrder.createMany({
    data: keys.map((journeyKey, rank) => ({
      shopId,
      orderId: order.shopifyId,
      journeyKey,
      rank,
      totalMinor: rank === 0 ? order.totalMinor : 0,
      currency: order.currency,
    })),
  });
  const linkedOrder: LinkedOrder = { orderId: order.shopifyId, keys, totalMinor: order.totalMinor, refundedMinor: 0, cancelled: false };
  await reviseOrder(tx, shopId, linkedOrder, null, netValue(linkedOrder));
}

/** Refunds and cancellations stored before their order: applied now, in the order's transaction. */
async function applyPending(tx: Tx, shopId: string, orderId: string): Promise<void> {
  const pending = await tx.refundRecord.findMany({ where: { shopId, orderId, pending: true }, orderBy: { createdAt: "asc" } });
  for (const record of pending) {
    const applied = record.refundId.startsWith(CANCEL_PREFIX)
      ? await cancelNow(tx, shopId, orderId)
      : await refundNow(tx, shopId, RefundPayload.parse(JSON.parse(record.payload)), orderId);
    await tx.refundRecord.update({
      where: { shopId_refundId: { shopId, refundId: record.refundId } },
      data: { pending: false, payload: "", attributedMinor: applied.attributedMinor, orderMinor: applied.orderMinor },
    });
  }
}

const money = z.object({ amount: z.union([z.string(), z.number()]), currency_code: z.string().length(3) });
const shopMoney = z.object({ shop_money: money });
const numericId = z.union([z.number(), z.string()]);
export const RefundPayload = z.object({
  id: numericId,
  admin_graphql_api_id: z.string().nullish(),
  order_id: numericId,
  refund_line_items: z
    .array(
      z.object({
        line_item_id: numericId,
        quantity: z.number().int(),
        subtotal_set: shopMoney,
        total_tax_set: shopMoney.nullish(),
        line_item: z.object({ admin_graphql_api_id: z.string().nullish() }).nullish(),
      }),
    )
    .default([]),
  refund_shipping_lines: z
    .array(z.object({ subtotal_amount_set: shopMoney.nullish(), tax_amount_set: shopMoney.nullish() }))
    .nullish(),
  order_adjustments: z
    .array(z.object({ kind: z.string().nullish(), amount_set: shopMoney.nullish(), tax_amount_set: shopMoney.nullish() }))
    .nullish(),
});
export type RefundPayload = z.infer<typeof RefundPayload>;

export function parseRefund(payload: unknown): RefundPayload {
  const result = RefundPayload.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Response(`Unexpected refunds/create payload at ${issue.path.join(".")}: ${issue.message}`, { status: 400 });
  }
  return result.data;
}

const minorOf = (m: z.infer<typeof shopMoney> | null | undefined): number =>
  m ? decimalToMinor(String(m.shop_money.amount), m.shop_money.currency_code) : 0;

/**
 * What a refund takes off the order's total, in shop money (the currency of the order totals we
 * keep): refunded lines' subtotals and taxes, refunded shipping, less the order adjustments
 * (Shopify records a shipping refund or a refund discrepancy as a negative adjustment). The
 * refund's transactions are the money paid back, but in 2026-07 payloads only in the presentment
 * currency, and they include failed attempts: they are not used. Shipping appears either as
 * refund_shipping_lines or as a "shipping_refund" adjustment, never counted twice.
 */
export function refundOrderMinor(refund: RefundPayload): number {
  let total = 0;
  for (const r of refund.refund_line_items) total += minorOf(r.subtotal_set) + minorOf(r.total_tax_set);
  const adjustments = refund.order_adjustments ?? [];
  if (!adjustments.some((a) => a.kind === "shipping_refund")) {
    for (const s of refund.refund_shipping_lines ?? []) total += minorOf(s.subtotal_amount_set) + minorOf(s.tax_amount_set);
  }
  for (const a of adjustments) total -= minorOf(a.amount_set) + minorOf(a.tax_amount_set);
  return Math.max(0, total);
}

const refundIdOf = (refund: RefundPayload) => refund.admin_graphql_api_id ?? `gid://shopify/Refund/${refund.id}`;
const orderGid = (id: string | number) => `gid://shopify/Order/${id}`;
const CANCEL_PREFIX = "cancel:";

/** Has orders/create for this order been handled (recorded, linked or attributed)? */
async function orderArrived(tx: Tx, shopId: string, orderId: string): Promise<boolean> {
  const [order, link, line] = await Promise.all([
    tx.order.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId: orderId } }, select: { id: true } }),
    tx.journeyOrder.findFirst({ where: { shopId, orderId }, select: { orderId: true } }),
    tx.attributedLine.findFirst({ where: { shopId, orderId }, select: { id: true } }),
  ]);
  return Boolean(order ?? link ?? line);
}

/**
 * A refund or cancellation holds its order's lock (taken by the caller); this takes the order's
 * journeys too and says whether the order has arrived. When it has, any refund or cancellation of
 * it still pending is applied first, in arrival order: with the locks none can be left behind by a
 * race any more, but one stored before they existed is picked up here.
 */
async function lockOrder(tx: Tx, shopId: string, orderId: string): Promise<boolean> {
  const keys = await tx.journeyOrder.findMany({ where: { shopId, orderId }, select: { journeyKey: true } });
  await lockMeasurement(tx, shopId, { journeyKeys: keys.map((k) => k.journeyKey) });
  if (!(await orderArrived(tx, shopId, orderId))) return false;
  await applyPending(tx, shopId, orderId);
  return true;
}

interface Applied {
  attributedMinor: number;
  orderMinor: number;
}

/**
 * refunds/create, once per refund id: refunded attributed lines come out of attributed revenue on
 * the day and dimensions they were attributed to (never more than the line earned), and what came
 * off the order's total comes out of its visitors' revenue (never below zero). A refund whose
 * order has not arrived yet is stored pending and applied when it does. Returns the attributed
 * revenue netted now.
 */
export async function applyRefund(tx: Tx, shopId: string, refund: RefundPayload): Promise<number> {
  const refundId = refundIdOf(refund);
  await lockMeasurement(tx, shopId, { orderIds: [orderGid(refund.order_id)] });
  const seen = await tx.refundRecord.findUnique({ where: { shopId_refundId: { shopId, refundId } } });
  if (seen) return 0;
  const orderId = await refundOrderId(tx, shopId, refund);
  if (orderId !== orderGid(refund.order_id)) await lockMeasurement(tx, shopId, { orderIds: [orderId] });
  if (!(await lockOrder(tx, shopId, orderId))) {
    await tx.refundRecord.create({ data: { shopId, refundId, orderId, attributedMinor: 0, pending: true, payload: JSON.stringify(refund) } });
    return 0;
  }
  const applied = await refundNow(tx, shopId, refund, orderId);
  await tx.refundRecord.create({ data: { shopId, refundId, orderId, ...applied } });
  return applied.attributedMinor;
}

/**
 * The refunded order's GID. `order_id` is a JSON number, exact below 2^53 (every real Shopify id);
 * when it names no order we hold, an attributed line of the refund (exact GIDs) names the order.
 */
async function refundOrderId(tx: Tx, shopId: string, refund: RefundPayload): Promise<string> {
  const byId = orderGid(refund.order_id);
  if (await orderArrived(tx, shopId, byId)) return byId;
  const lineIds = refund.refund_line_items.map((r) => r.line_item?.admin_graphql_api_id).filter((id): id is string => Boolean(id));
  if (lineIds.length === 0) return byId;
  const line = await tx.attributedLine.findFirst({ where: { shopId, lineId: { in: lineIds } }, select: { orderId: true } });
  return line?.orderId ?? byId;
}

async function refundNow(tx: Tx, shopId: string, refund: RefundPayload, orderId: string): Promise<Applied> {
  const moments = new DeltaMap<MomentKey, MomentDelta>();
  let attributedMinor = 0;
  for (const r of refund.refund_line_items) {
    // Ids above 2^53 lose digits as JSON numbers: the GID string is exact when Shopify sends it.
    const lineId = r.line_item?.admin_graphql_api_id ?? `gid://shopify/LineItem/${r.line_item_id}`;
    const found = await tx.attributedLine.findUnique({ where: { shopId_lineId: { shopId, lineId } } });
    if (!found) continue;
    const line = lineOf(found);
    const amount = decimalToMinor(String(r.subtotal_set.shop_money.amount), line.currency);
    attributedMinor += await netLine(tx, line, amount, moments);
  }
  await applyMomentDeltas(tx, shopId, moments);
  const orderMinor = await netOrder(tx, shopId, orderId, (remaining) => Math.min(refundOrderMinor(refund), remaining));
  return { attributedMinor, orderMinor };
}

type LineRecord = Awaited<ReturnType<Tx["attributedLine"]["findMany"]>>[number];
/** An attributed line with its 64-bit money as numbers (app/lib/bigint.ts). */
type LineRow = ReturnType<typeof lineOf>;
const lineOf = (l: LineRecord) => withNumbers(l, ["revenueMinor", "refundedMinor"] as const);

async function netLine(tx: Tx, line: LineRow, amount: number, moments: DeltaMap<MomentKey, MomentDelta>): Promise<number> {
  const netted = Math.min(Math.max(0, amount), line.revenueMinor - line.refundedMinor);
  if (netted <= 0) return 0;
  await tx.attributedLine.update({ where: { id: line.id }, data: { refundedMinor: { increment: netted } } });
  const { day, moment, offerId, variantId, arm, device, country, segment } = line;
  moments.add({ day, moment, offerId, variantId, arm, device, country, segment }, { refundedMinor: netted });
  return netted;
}

/** Takes `amountOf(remaining)` off a linked order's net total and moves its visitors; returns what came off. */
async function netOrder(tx: Tx, shopId: string, orderId: string, amountOf: (remaining: number) => number): Promise<number> {
  const [order] = await linkedOrders(tx, shopId, { orderIds: [orderId] });
  if (!order || order.cancelled) return 0;
  const before = netValue(order)!;
  const amount = Math.max(0, Math.min(amountOf(before), before));
  if (amount === 0) return 0;
  await tx.journeyOrder.updateMany({ where: { shopId, orderId, rank: 0 }, data: { refundedMinor: { increment: amount } } });
  await reviseOrder(tx, shopId, order, before, before - amount);
  return amount;
}

const CancelledPayload = z.object({
  id: numericId,
  admin_graphql_api_id: z.string().nullish(),
  cancelled_at: z.string().nullish(),
});

export function parseCancelled(payload: unknown): { orderId: string } {
  const result = CancelledPayload.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Response(`Unexpected orders/cancelled payload at ${issue.path.join(".")}: ${issue.message}`, { status: 400 });
  }
  return { orderId: result.data.admin_graphql_api_id ?? orderGid(result.data.id) };
}

/**
 * orders/cancelled, once per order: the order leaves its visitors' orders and revenue (converters
 * too when it was the visitor's only order), and what remains of its attributed lines comes out of
 * attributed revenue as a refund. Kept as a RefundRecord ("cancel:" + order GID) so that a
 * cancellation that arrives before its order waits, pending, like a refund. Returns the attributed
 * revenue netted now.
 */
export async function applyCancellation(tx: Tx, shopId: string, orderId: string): Promise<number> {
  const refundId = CANCEL_PREFIX + orderId;
  await lockMeasurement(tx, shopId, { orderIds: [orderId] });
  const seen = await tx.refundRecord.findUnique({ where: { shopId_refundId: { shopId, refundId } } });
  if (seen) return 0;
  if (!(await lockOrder(tx, shopId, orderId))) {
    await tx.refundRecord.create({ data: { shopId, refundId, orderId, attributedMinor: 0, pending: true, payload: "{}" } });
    return 0;
  }
  const applied = await cancelNow(tx, shopId, orderId);
  await tx.refundRecord.create({ data: { shopId, refundId, orderId, ...applied } });
  return applied.attributedMinor;
}

async function cancelNow(tx: Tx, shopId: string, orderId: string): Promise<Applied> {
  const moments = new DeltaMap<MomentKey, MomentDelta>();
  let attributedMinor = 0;
  for (const line of (await tx.attributedLine.findMany({ where: { shopId, orderId } })).map(lineOf)) {
    attributedMinor += await netLine(tx, line, line.revenueMinor - line.refundedMinor, moments);
  }
  await applyMomentDeltas(tx, shopId, moments);
  const [order] = await linkedOrders(tx, shopId, { orderIds: [orderId] });
  if (!order || order.cancelled) return { attributedMinor, orderMinor: 0 };
  const before = netValue(order)!;
  await tx.journeyOrder.updateMany({ where: { shopId, orderId, rank: 0 }, data: { cancelledAt: new Date() } });
  await reviseOrder(tx, shopId, order, before, null);
  return { attributedMinor, orderMinor: before };
}

/**
 * Lines attributed before their journey reported a view or exposure carry empty dimensions; when
 * one arrives (ingestion), they move to its device, country and segment: a negative delta on the
 * empty key, a positive one on the real key, so segment sums equal totals whatever the arrival order.
 * `dims` maps journey keys to the dimensions their first event with any carried.
 */
export async function relocateLines(tx: Tx, shopId: string, dims: Map<string, JourneyDims>): Promise<void> {
  if (dims.size === 0) return;
  const orders = await linkedOrders(tx, shopId, { journeyKeys: [...dims.keys()] });
  if (orders.length === 0) return;
  const lines = (await tx.attributedLine.findMany({ where: { shopId, orderId: { in: orders.map((o) => o.orderId) } } })).map(lineOf);
  const moments = new DeltaMap<MomentKey, MomentDelta>();
  for (const order of orders) {
    const target = order.keys.map((k) => dims.get(k)).find((d) => d && hasDims(d));
    if (!target) continue;
    const own = lines.filter((l) => l.orderId === order.orderId);
    const moving = own.filter((l) => !hasDims(l));
    if (moving.length === 0) continue;
    const keyOf = (l: LineRow, d: JourneyDims): MomentKey => ({
      day: l.day, moment: l.moment, offerId: l.offerId, variantId: l.variantId, arm: l.arm,
      device: d.device, country: d.country, segment: d.segment,
    });
    // attributedOrders counts the order once per roll-up key: recount its keys before and after.
    const before = new Set(own.map((l) => JSON.stringify(keyOf(l, l))));
    const after = new Set(own.map((l) => JSON.stringify(keyOf(l, hasDims(l) ? l : target))));
    for (const l of moving) {
      moments.add(keyOf(l, l), { attributedMinor: -l.revenueMinor, refundedMinor: -l.refundedMinor });
      moments.add(keyOf(l, target), { attributedMinor: l.revenueMinor, refundedMinor: l.refundedMinor });
    }
    for (const k of before) if (!after.has(k)) moments.add(JSON.parse(k) as MomentKey, { attributedOrders: -1 });
    for (const k of after) if (!before.has(k)) moments.add(JSON.parse(k) as MomentKey, { attributedOrders: 1 });
    await tx.attributedLine.updateMany({ where: { id: { in: moving.map((l) => l.id) } }, data: { ...target } });
  }
  await applyMomentDeltas(tx, shopId, moments);
}
