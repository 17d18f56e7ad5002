import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { decimalToMinor } from "~/lib/decimal";
import { InvalidInput } from "~/lib/errors";
import { withNumbers } from "~/lib/bigint";
import { linkedOrders, lockMeasurement, netValue } from "./journeys.server";
import { reviseOrder } from "./visitors.server";
import { applyMomentDeltas, DeltaMap, type MomentDelta, type MomentKey } from "./rollup.server";

// refunds/create and orders/cancelled: what comes off attributed revenue and off the visitors'
// revenue, once per refund, whatever the arrival order (a refund before its order waits pending).

type Tx = Prisma.TransactionClient;

/** Refunds and cancellations stored before their order: applied now, in the order's transaction. */
export async function applyPending(tx: Tx, shopId: string, orderId: string): Promise<void> {
  const pending = await tx.refundRecord.findMany({
    where: { shopId, orderId, pending: true },
    orderBy: { createdAt: "asc" },
  });
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
    .array(
      z.object({ kind: z.string().nullish(), amount_set: shopMoney.nullish(), tax_amount_set: shopMoney.nullish() }),
    )
    .nullish(),
});
export type RefundPayload = z.infer<typeof RefundPayload>;

export function parseRefund(payload: unknown): RefundPayload {
  const result = RefundPayload.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InvalidInput(`Unexpected refunds/create payload at ${issue.path.join(".")}: ${issue.message}`);
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
    for (const s of refund.refund_shipping_lines ?? [])
      total += minorOf(s.subtotal_amount_set) + minorOf(s.tax_amount_set);
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
    await tx.refundRecord.create({
      data: { shopId, refundId, orderId, attributedMinor: 0, pending: true, payload: JSON.stringify(refund) },
    });
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
  const lineIds = refund.refund_line_items
    .map((r) => r.line_item?.admin_graphql_api_id)
    .filter((id): id is string => Boolean(id));
  if (lineIds.length === 0) return byId;
  const line = await tx.attributedLine.findFirst({
    where: { shopId, lineId: { in: lineIds } },
    select: { orderId: true },
  });
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
export type LineRow = ReturnType<typeof lineOf>;
export const lineOf = (l: LineRecord) => withNumbers(l, ["revenueMinor", "refundedMinor"] as const);

async function netLine(
  tx: Tx,
  line: LineRow,
  amount: number,
  moments: DeltaMap<MomentKey, MomentDelta>,
): Promise<number> {
  const netted = Math.min(Math.max(0, amount), line.revenueMinor - line.refundedMinor);
  if (netted <= 0) return 0;
  await tx.attributedLine.update({ where: { id: line.id }, data: { refundedMinor: { increment: netted } } });
  const { day, moment, offerId, armId, arm, device, country, segment } = line;
  moments.add({ day, moment, offerId, armId, arm, device, country, segment }, { refundedMinor: netted });
  return netted;
}

/** Takes `amountOf(remaining)` off a linked order's net total and moves its visitors; returns what came off. */
async function netOrder(
  tx: Tx,
  shopId: string,
  orderId: string,
  amountOf: (remaining: number) => number,
): Promise<number> {
  const [order] = await linkedOrders(tx, shopId, { orderIds: [orderId] });
  if (!order || order.cancelled) return 0;
  const before = netValue(order)!;
  const amount = Math.max(0, Math.min(amountOf(before), before));
  if (amount === 0) return 0;
  await tx.journeyOrder.updateMany({
    where: { shopId, orderId, rank: 0 },
    data: { refundedMinor: { increment: amount } },
  });
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
    throw new InvalidInput(`Unexpected orders/cancelled payload at ${issue.path.join(".")}: ${issue.message}`);
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
    await tx.refundRecord.create({
      data: { shopId, refundId, orderId, attributedMinor: 0, pending: true, payload: "{}" },
    });
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
