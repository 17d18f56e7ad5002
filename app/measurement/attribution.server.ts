import type { Prisma } from "@prisma/client";
import { ATTR } from "@moments/engine";
import type { OrderCreatedHandler } from "~/orders/order-created";
import { linkedOrders, lockMeasurement, netValue, orderJourneyKeys, type LinkedOrder } from "./journeys.server";
import { applyPending, lineOf, type LineRow } from "./refunds.server";
import { foldKeys, reviseOrder } from "./visitors.server";
import { applyMomentDeltas, dayOf, DeltaMap, type MomentDelta, type MomentKey } from "./rollup.server";

// orders/create: attributed revenue from offer lines, the order linked to its journeys and counted
// for their experiment visitors; and lines attributed before their journey's dimensions arrived,
// moved once they do.

type Tx = Prisma.TransactionClient;

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
  await lockMeasurement(tx, shopId, {
    orderIds: [order.shopifyId],
    journeyKeys: order.test ? [] : orderJourneyKeys(order),
  });
  if (!order.test) await linkAndAttribute(tx, shopId, order);
  await applyPending(tx, shopId, order.shopifyId);
};

async function linkAndAttribute(
  tx: Tx,
  shopId: string,
  order: Parameters<OrderCreatedHandler>[1]["order"],
): Promise<void> {
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
      ? await tx.offerView.findMany({
          where: { shopId, journeyKey: { in: keys } },
          select: { offerId: true, moment: true, device: true, country: true, segment: true },
        })
      : [];
    const exposure = keys.length
      ? (
          await tx.experimentExposure.findMany({
            where: { shopId, journeyKey: { in: keys } },
            orderBy: { firstSeenAt: "asc" },
          })
        ).find(hasDims)
      : undefined;
    const journeyDims = views.find(hasDims) ?? exposure ?? EMPTY_DIMS;
    const countedKeys = new Set<string>();
    for (const line of offerLines) {
      if (already.has(line.lineId)) continue;
      const offerId = line.attributes[ATTR.offer]!;
      const armId = line.attributes[ATTR.arm] ?? "";
      const moment = line.attributes[ATTR.moment] || "unknown";
      const view =
        views.find((v) => v.offerId === offerId && v.moment === moment && hasDims(v)) ??
        views.find((v) => v.offerId === offerId && hasDims(v));
      // Country is the buyer's at the view or exposure (not the order's address): one definition
      // across impressions, arms and attributed revenue.
      const { device, country, segment } = view ?? journeyDims;
      const revenue = Math.max(0, line.unitMinor * line.quantity - line.discountMinor);
      const dims: MomentKey = {
        day,
        moment,
        offerId,
        armId,
        arm: armId ? "variant" : "none",
        device,
        country,
        segment,
      };
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
  const linked = await tx.journeyOrder.findFirst({
    where: { shopId, orderId: order.shopifyId },
    select: { orderId: true },
  });
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
  const linkedOrder: LinkedOrder = {
    orderId: order.shopifyId,
    keys,
    totalMinor: order.totalMinor,
    refundedMinor: 0,
    cancelled: false,
  };
  await reviseOrder(tx, shopId, linkedOrder, null, netValue(linkedOrder));
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
  const lines = (
    await tx.attributedLine.findMany({ where: { shopId, orderId: { in: orders.map((o) => o.orderId) } } })
  ).map(lineOf);
  const moments = new DeltaMap<MomentKey, MomentDelta>();
  for (const order of orders) {
    const target = order.keys.map((k) => dims.get(k)).find((d) => d && hasDims(d));
    if (!target) continue;
    const own = lines.filter((l) => l.orderId === order.orderId);
    const moving = own.filter((l) => !hasDims(l));
    if (moving.length === 0) continue;
    const keyOf = (l: LineRow, d: JourneyDims): MomentKey => ({
      day: l.day,
      moment: l.moment,
      offerId: l.offerId,
      armId: l.armId,
      arm: l.arm,
      device: d.device,
      country: d.country,
      segment: d.segment,
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
