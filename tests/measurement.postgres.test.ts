import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exposureEventId } from "@moments/engine";
import { ingestEvents } from "~/measurement/ingest.server";
import { attributeOrder } from "~/measurement/attribution.server";
import { applyCancellation, applyRefund, parseRefund } from "~/measurement/refunds.server";
import { JOURNEY_ATTRIBUTE } from "~/measurement/journeys.server";
import { parseOrderCreated } from "~/orders/order-payload.server";
import { freshPostgresDatabase, startPostgres, type PostgresCluster, type PostgresDatabase } from "./support/postgres";
import { samplePayload } from "./support/webhooks";
import { seedExperiment } from "./measurement.helpers";

// The roll-ups' raw insert-or-increment SQL (version key, Float CUPED sums, negative deltas when
// revenue or dimensions move) on a real PostgreSQL server, not only on SQLite.
const NOW = new Date("2026-11-20T12:00:00Z");
const SHOP = "pg-net.myshopify.com";
const TOTAL = 40495;
const UPSELL = 1999;

let cluster: PostgresCluster;
let db: PostgresDatabase;
beforeAll(async () => {
  cluster = await startPostgres();
  db = await freshPostgresDatabase(cluster, "measurement_net");
});
afterAll(async () => {
  await db?.prisma.$disconnect();
  cluster?.stop();
});

function order(id: number, journey: string, checkoutToken: string) {
  const payload = samplePayload("orders/create", SHOP) as Record<string, unknown> & { line_items: Array<Record<string, unknown>> };
  Object.assign(payload, { id, admin_graphql_api_id: `gid://shopify/Order/${id}`, processed_at: NOW.toISOString(), test: false, checkout_token: checkoutToken });
  payload.note_attributes = [{ name: JOURNEY_ATTRIBUTE, value: journey }];
  payload.line_items = payload.line_items.map((l, i) => ({
    ...l,
    admin_graphql_api_id: `gid://shopify/LineItem/${id * 10 + i}`,
    properties: i === 1 ? [{ name: "_moments_offer", value: "offer-1" }, { name: "_moments_variant", value: "v1" }, { name: "_moments_moment", value: "checkout" }] : [],
  }));
  return parseOrderCreated(payload);
}

describe("net revenue roll-ups on PostgreSQL", () => {
  it("GIVEN orders before their exposures and views, a refund and a cancellation WHEN all have arrived THEN the arm's sums and the segment sums are exact", async () => {
    const prisma = db.prisma;
    const shopId = (await prisma.shop.create({ data: { domain: SHOP, name: "PG", currency: "USD" } })).id;
    await seedExperiment(prisma, shopId, { id: "exp-1", version: 2 });
    for (const [id, journey] of [[1, "j-1"], [2, "j-2"]] as const) {
      await prisma.$transaction((tx) => attributeOrder(tx, { shopId, shopDomain: SHOP, orderRowId: `r${id}`, order: order(id, journey, `tok-${id}`) }));
    }
    const exposure = (journeyKey: string, cartMinor: number, device: "mobile" | "desktop") => ({
      id: exposureEventId("exp-1", 2, journeyKey),
      type: "exposure",
      moment: "checkout",
      surface: "checkout",
      journeyKey,
      offerId: "offer-1",
      experimentId: "exp-1",
      version: 2,
      arm: "holdout",
      cartMinor,
      currency: "USD",
      device,
      returning: false,
      occurredAt: NOW.getTime(),
    });
    await ingestEvents(prisma, shopId, [exposure("tok-1", 1000, "mobile"), exposure("j-2", 3000, "desktop")], NOW);
    await prisma.$transaction((tx) =>
      applyRefund(tx, shopId, parseRefund({ id: 91, order_id: 1, refund_line_items: [{ line_item_id: 10, quantity: 1, subtotal_set: { shop_money: { amount: "89.99", currency_code: "USD" } }, line_item: { admin_graphql_api_id: "gid://shopify/LineItem/10" } }] })),
    );
    await prisma.$transaction((tx) => applyCancellation(tx, shopId, "gid://shopify/Order/2"));

    const net = TOTAL - 8999;
    const daily = await prisma.experimentDaily.findMany({ where: { shopId } });
    const sum = (k: "visitors" | "converters" | "orders" | "revenueMinor" | "revenueSq" | "orderValueSq" | "covariateN" | "covariateSum" | "covariateSq" | "crossSum") =>
      daily.reduce((s, r) => s + Number(r[k]), 0);
    expect(daily.every((r) => r.version === 2)).toBe(true);
    expect({
      visitors: sum("visitors"), converters: sum("converters"), orders: sum("orders"), revenueMinor: sum("revenueMinor"),
      revenueSq: sum("revenueSq"), orderValueSq: sum("orderValueSq"), covariateN: sum("covariateN"), covariateSum: sum("covariateSum"),
      covariateSq: sum("covariateSq"), crossSum: sum("crossSum"),
    }).toEqual({
      visitors: 2, converters: 1, orders: 1, revenueMinor: net, revenueSq: net * net, orderValueSq: net * net,
      covariateN: 2, covariateSum: 4000, covariateSq: 1000 * 1000 + 3000 * 3000, crossSum: 1000 * net,
    });

    const moments = await prisma.momentDaily.findMany({ where: { shopId } });
    const net0 = (f: (r: (typeof moments)[number]) => boolean) => moments.filter(f).reduce((s, r) => s + Number(r.attributedMinor - r.refundedMinor), 0);
    expect(net0(() => true)).toBe(UPSELL); // order 2's upsell went with its cancellation
    expect(net0((r) => r.device === "mobile") + net0((r) => r.device === "desktop")).toBe(net0(() => true));
    expect(net0((r) => r.device === "")).toBe(0);
  });
});
