import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { exposureEventId } from "@moments/engine";
import { ingestEvents } from "~/measurement/ingest.server";
import { attributeOrder } from "~/measurement/attribution.server";
import { applyCancellation, applyRefund, parseRefund } from "~/measurement/refunds.server";
import { JOURNEY_ATTRIBUTE } from "~/measurement/journeys.server";
import { parseOrderCreated } from "~/orders/order-payload.server";
import { freshDatabase } from "./support/db";
import { freshPostgresDatabase, startPostgres, type PostgresCluster } from "./support/postgres";
import { samplePayload } from "./support/webhooks";
import { rollupVsExposures, seedExperiment } from "./measurement.helpers";

// Webhooks and event ingestion racing on one order or one journey (review finding 1): the order
// transaction is held open and the other request starts while it is, on a real PostgreSQL server
// (READ COMMITTED, where the advisory locks serialize them) and on SQLite (one write lock).
const NOW = new Date("2026-11-20T12:00:00Z");
const TOTAL = 40495;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cluster: PostgresCluster | undefined;
const clients: PrismaClient[] = [];
const backends = {
  sqlite: async () => freshDatabase("measurement-races").prisma,
  postgresql: async () => {
    cluster ??= await startPostgres();
    return (await freshPostgresDatabase(cluster, "measurement_races")).prisma;
  },
};
afterAll(async () => {
  for (const c of clients) await c.$disconnect();
  cluster?.stop();
});

describe.each(["sqlite", "postgresql"] as const)("concurrent measurement writes on %s", (dialect) => {
  let prisma: PrismaClient;
  let n = 0;
  beforeAll(async () => {
    prisma = await backends[dialect]();
    clients.push(prisma);
  });

  /** A shop of its own per test, with an experiment (arms not checked: no version rows, nothing published). */
  async function shop() {
    const tag = `${dialect}-${++n}`;
    const domain = `race-${tag}.myshopify.com`;
    const shopId = (await prisma.shop.create({ data: { domain, name: "Race", currency: "USD" } })).id;
    await seedExperiment(prisma, shopId, { id: `exp-${tag}`, offerId: `offer-${tag}`, variants: [`v-${tag}`] });
    return { shopId, domain, offerId: `offer-${tag}`, experimentId: `exp-${tag}` };
  }

  function order(domain: string, id: number, journey: string, checkoutToken: string | null = null) {
    const p = samplePayload("orders/create", domain) as Record<string, unknown> & { line_items: Array<Record<string, unknown>> };
    Object.assign(p, { id, admin_graphql_api_id: `gid://shopify/Order/${id}`, processed_at: NOW.toISOString(), test: false, checkout_token: checkoutToken });
    p.note_attributes = [{ name: JOURNEY_ATTRIBUTE, value: journey }];
    p.line_items = p.line_items.map((l, i) => ({ ...l, admin_graphql_api_id: `gid://shopify/LineItem/${id * 10 + i}`, properties: [] }));
    return parseOrderCreated(p);
  }
  const exposure = ({ offerId, experimentId }: { offerId: string; experimentId: string }, journeyKey: string, cartMinor = 1000) => ({
    id: exposureEventId(experimentId, 1, journeyKey), type: "exposure", moment: "checkout", surface: "checkout", journeyKey,
    offerId, experimentId, version: 1, arm: "holdout", cartMinor, currency: "USD", occurredAt: NOW.getTime(),
  });
  /** orders/create as the webhook runs it, its transaction held open `hold` ms after the handlers (a slow handler, a busy database). */
  async function orderWebhook(s: { shopId: string; domain: string }, o: ReturnType<typeof order>, hold: number) {
    await prisma.$transaction(
      async (tx) => {
        const row = await tx.order.create({
          data: { shopId: s.shopId, shopifyId: o.shopifyId, currency: o.currency, totalMinor: o.totalMinor, subtotalMinor: o.subtotalMinor, lineCount: o.lines.length, processedAt: o.processedAt },
        });
        await attributeOrder(tx, { shopId: s.shopId, shopDomain: s.domain, orderRowId: row.id, order: o });
        await sleep(hold);
      },
      { timeout: 20_000, maxWait: 20_000 },
    );
  }
  const refundOf = (id: number, orderId: number, amount: string) =>
    parseRefund({
      id,
      order_id: orderId,
      refund_line_items: [{ line_item_id: orderId * 10, quantity: 1, subtotal_set: { shop_money: { amount, currency_code: "USD" } }, line_item: { admin_graphql_api_id: `gid://shopify/LineItem/${orderId * 10}` } }],
    });
  const holdout = async (shopId: string) => {
    const rows = await prisma.experimentDaily.findMany({ where: { shopId, arm: "holdout" } });
    return rows.reduce((s, r) => ({ visitors: s.visitors + Number(r.visitors), orders: s.orders + Number(r.orders), revenueMinor: s.revenueMinor + Number(r.revenueMinor) }), { visitors: 0, orders: 0, revenueMinor: 0 });
  };

  test("GIVEN orders/create still open WHEN the buyer's exposure arrives during it THEN the order counts for the visitor once", async () => {
    const s = await shop();
    await Promise.all([orderWebhook(s, order(s.domain, 1, "j-1"), 800), sleep(200).then(() => ingestEvents(prisma, s.shopId, [exposure(s, "j-1")], NOW))]);
    expect(await prisma.experimentExposure.findFirst({ where: { shopId: s.shopId, journeyKey: "j-1" } })).toMatchObject({ orders: 1, revenueMinor: TOTAL });
    expect(await holdout(s.shopId)).toEqual({ visitors: 1, orders: 1, revenueMinor: TOTAL });
    const check = await rollupVsExposures(prisma, s.shopId);
    expect(check.rollup).toEqual(check.exposures);
  });

  test("GIVEN orders/create still open WHEN a refund of the order arrives during it THEN the refund is applied, not left pending", async () => {
    const s = await shop();
    await ingestEvents(prisma, s.shopId, [exposure(s, "j-2")], NOW);
    await Promise.all([
      orderWebhook(s, order(s.domain, 2, "j-2"), 800),
      sleep(200).then(() => prisma.$transaction((tx) => applyRefund(tx, s.shopId, refundOf(92, 2, "100.00")), { timeout: 20_000, maxWait: 20_000 })),
    ]);
    expect(await prisma.refundRecord.findMany({ where: { shopId: s.shopId }, select: { pending: true, orderMinor: true } })).toEqual([{ pending: false, orderMinor: 10000 }]);
    expect(await holdout(s.shopId)).toEqual({ visitors: 1, orders: 1, revenueMinor: TOTAL - 10000 });
    const check = await rollupVsExposures(prisma, s.shopId);
    expect(check.rollup).toEqual(check.exposures);
  });

  test("GIVEN orders/create still open WHEN the order's cancellation arrives during it THEN the order leaves the visitor, not left pending", async () => {
    const s = await shop();
    await ingestEvents(prisma, s.shopId, [exposure(s, "j-3")], NOW);
    await Promise.all([
      orderWebhook(s, order(s.domain, 3, "j-3"), 800),
      sleep(200).then(() => prisma.$transaction((tx) => applyCancellation(tx, s.shopId, "gid://shopify/Order/3"), { timeout: 20_000, maxWait: 20_000 })),
    ]);
    expect(await prisma.refundRecord.findMany({ where: { shopId: s.shopId }, select: { pending: true, orderMinor: true } })).toEqual([{ pending: false, orderMinor: TOTAL }]);
    expect(await holdout(s.shopId)).toEqual({ visitors: 1, orders: 0, revenueMinor: 0 });
  });

  test("GIVEN an order linked to both keys WHEN exposure batches for the two keys are ingested at the same time THEN the buyer is one visitor and the order counts once", async () => {
    const s = await shop();
    await orderWebhook(s, order(s.domain, 4, "attr-4", "tok-4"), 0);
    // Each order of arrival: the token's batch held open while the attribute's comes, and the reverse.
    const results = await Promise.all([
      prisma.$transaction(async (tx) => { const r = await ingestEvents(tx, s.shopId, [exposure(s, "tok-4", 2000)], NOW); await sleep(800); return r; }, { timeout: 20_000, maxWait: 20_000 }),
      sleep(200).then(() => ingestEvents(prisma, s.shopId, [exposure(s, "attr-4", 3000)], NOW)),
    ]);
    expect(results.flat().map((r) => r.status)).toEqual(["accepted", "accepted"]);
    expect((await prisma.experimentExposure.findMany({ where: { shopId: s.shopId } })).map((x) => [x.journeyKey, x.orders, x.revenueMinor])).toEqual([["attr-4", 1, TOTAL]]);

    await orderWebhook(s, order(s.domain, 5, "attr-5", "tok-5"), 0);
    const reverse = await Promise.all([
      prisma.$transaction(async (tx) => { const r = await ingestEvents(tx, s.shopId, [exposure(s, "attr-5", 3000)], NOW); await sleep(800); return r; }, { timeout: 20_000, maxWait: 20_000 }),
      sleep(200).then(() => ingestEvents(prisma, s.shopId, [exposure(s, "tok-5", 2000)], NOW)),
    ]);
    expect(reverse.flat().map((r) => r.status)).toEqual(["accepted", "duplicate"]);
    const rows = await prisma.experimentExposure.findMany({ where: { shopId: s.shopId }, orderBy: { journeyKey: "asc" } });
    expect(rows.map((x) => [x.journeyKey, x.orders, x.revenueMinor])).toEqual([["attr-4", 1, TOTAL], ["attr-5", 1, TOTAL]]);
    expect(await holdout(s.shopId)).toEqual({ visitors: 2, orders: 2, revenueMinor: 2 * TOTAL });
    const check = await rollupVsExposures(prisma, s.shopId);
    expect(check.rollup).toEqual(check.exposures);
  });
});
