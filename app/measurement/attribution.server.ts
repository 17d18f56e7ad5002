import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { ATTR } from "@moments/engine";
import type { OrderCreatedHandler } from "~/orders/handlers.server";
import { decimalToMinor } from "~/lib/decimal";
import {
  applyExperimentDeltas,
  applyMomentDeltas,
  dayOf,
  DeltaMap,
  orderDelta,
  type ExperimentDelta,
  type ExperimentKey,
  type MomentDelta,
  type MomentKey,
} from "./rollup.server";

type Tx = Prisma.TransactionClient;

/**
 * The order (note) attribute every surface writes with the journey key the engine assigned arms
 * by: it links an order to its buyer's exposures, hold-out included, for RPV and AOV by arm.
 */
export const JOURNEY_ATTRIBUTE = ATTR.journey;

/**
 * orders/create: lines carrying the offer attributes (engine ATTR) become attributed revenue
 * (line price x quantity minus the line's discounts, shop currency); the whole order counts for
 * every experiment its journey was exposed to. Runs once per order, inside the webhook's transaction.
 */
export const attributeOrder: OrderCreatedHandler = async (tx, { shopId, order }) => {
  const journeyKey = order.attributes[JOURNEY_ATTRIBUTE]?.trim() || "";
  const day = dayOf(order.processedAt);
  const moments = new DeltaMap<MomentKey, MomentDelta>();

  const offerLines = order.lines.filter((l) => l.attributes[ATTR.offer]);
  if (offerLines.length) {
    const done = await tx.attributedLine.findMany({
      where: { shopId, lineId: { in: offerLines.map((l) => l.lineId) } },
      select: { lineId: true },
    });
    const already = new Set(done.map((d) => d.lineId));
    const views = journeyKey
      ? await tx.offerView.findMany({ where: { shopId, journeyKey }, select: { offerId: true, moment: true, device: true, segment: true } })
      : [];
    const countedKeys = new Set<string>();
    for (const line of offerLines) {
      if (already.has(line.lineId)) continue;
      const offerId = line.attributes[ATTR.offer]!;
      const variantId = line.attributes[ATTR.variant] ?? "";
      const moment = line.attributes[ATTR.moment] || "unknown";
      const view = views.find((v) => v.offerId === offerId && v.moment === moment) ?? views.find((v) => v.offerId === offerId);
      const revenue = Math.max(0, line.unitMinor * line.quantity - line.discountMinor);
      const dims = {
        day,
        moment,
        offerId,
        variantId,
        arm: variantId ? "variant" : "none",
        device: view?.device ?? "",
        country: order.country ?? "",
        segment: view?.segment ?? "",
      };
      await tx.attributedLine.create({
        data: {
          shopId,
          orderId: order.shopifyId,
          lineId: line.lineId,
          journeyKey,
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

  if (!journeyKey) return;
  const linked = await tx.journeyOrder.findUnique({ where: { shopId_orderId: { shopId, orderId: order.shopifyId } } });
  if (linked) return;
  await tx.journeyOrder.create({
    data: { shopId, orderId: order.shopifyId, journeyKey, totalMinor: order.totalMinor, currency: order.currency },
  });
  const exposures = await tx.experimentExposure.findMany({ where: { shopId, journeyKey } });
  const experiments = new DeltaMap<ExperimentKey, ExperimentDelta>();
  for (const x of exposures) {
    experiments.add(
      { experimentId: x.experimentId, offerId: x.offerId, arm: x.arm, day: x.day, device: x.device, country: x.country, segment: x.segment },
      orderDelta(x.orders, x.revenueMinor, order.totalMinor),
    );
    await tx.experimentExposure.update({
      where: { id: x.id },
      data: { orders: { increment: 1 }, revenueMinor: { increment: order.totalMinor } },
    });
  }
  await applyExperimentDeltas(tx, shopId, experiments);
};

const money = z.object({ amount: z.union([z.string(), z.number()]), currency_code: z.string().length(3) });
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
        subtotal_set: z.object({ shop_money: money }),
        line_item: z.object({ admin_graphql_api_id: z.string().nullish() }).nullish(),
      }),
    )
    .default([]),
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

/**
 * refunds/create: refunded attributed lines come out of attributed revenue, on the day and
 * dimensions they were attributed to (so a refund never lands in a day the upsell did not).
 * Once per refund id; never more than the line earned.
 */
export async function applyRefund(tx: Tx, shopId: string, refund: RefundPayload): Promise<number> {
  const refundId = refund.admin_graphql_api_id ?? `gid://shopify/Refund/${refund.id}`;
  const seen = await tx.refundRecord.findUnique({ where: { shopId_refundId: { shopId, refundId } } });
  if (seen) return 0;
  const moments = new DeltaMap<MomentKey, MomentDelta>();
  let total = 0;
  for (const r of refund.refund_line_items) {
    // Ids above 2^53 lose digits as JSON numbers: the GID string is exact when Shopify sends it.
    const lineId = r.line_item?.admin_graphql_api_id ?? `gid://shopify/LineItem/${r.line_item_id}`;
    const line = await tx.attributedLine.findUnique({ where: { shopId_lineId: { shopId, lineId } } });
    if (!line) continue;
    const amount = decimalToMinor(String(r.subtotal_set.shop_money.amount), line.currency);
    const netted = Math.min(Math.max(0, amount), line.revenueMinor - line.refundedMinor);
    if (netted <= 0) continue;
    await tx.attributedLine.update({ where: { id: line.id }, data: { refundedMinor: { increment: netted } } });
    const { day, moment, offerId, variantId, arm, device, country, segment } = line;
    moments.add({ day, moment, offerId, variantId, arm, device, country, segment }, { refundedMinor: netted });
    total += netted;
  }
  await applyMomentDeltas(tx, shopId, moments);
  await tx.refundRecord.create({
    data: { shopId, refundId, orderId: `gid://shopify/Order/${refund.order_id}`, attributedMinor: total },
  });
  return total;
}
