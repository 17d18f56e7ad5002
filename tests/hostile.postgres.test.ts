import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realModeEnv, startServer, type RunningServer } from "./support/server";
import { freshPostgresDatabase, startPostgres, type PostgresCluster, type PostgresDatabase } from "./support/postgres";
import { samplePayload } from "./support/webhooks";
import { seedInstalledShop } from "./support/fixtures";
import { checkoutToken, impression, postEvents, seedCustomerOrders, signedWebhook } from "./hostile.helpers";

// The hostile inputs whose failure was PostgreSQL's own (bind-variable limit, NUL in text), against
// the built server on a throwaway PostgreSQL server. PostgreSQL must be installed: these fail, not skip.
const SHOP = "hostile-pg.myshopify.com";

let cluster: PostgresCluster;
let db: PostgresDatabase;
let server: RunningServer;
let shopId: string;

beforeAll(async () => {
  cluster = await startPostgres();
  db = await freshPostgresDatabase(cluster, "hostile");
  server = await startServer({ ...realModeEnv(db.url), EMAIL_WORKER: "off" });
  shopId = (await seedInstalledShop(db.prisma, SHOP)).id;
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
  cluster?.stop();
});

const webhook = (topic: string, body: string) => signedWebhook(server.url, { path: `/webhooks/${topic}`, topic, shop: SHOP, body });

describe("hostile input on PostgreSQL", () => {
  it("GIVEN a customer with 1,200 stored orders among 50,000 order ids WHEN customers/redact arrives THEN 200 and every one is anonymised, its journeys cleared", async () => {
    const stored = await seedCustomerOrders(db.prisma, shopId, 7_000_000, 1_200);
    const ids = [...stored, ...Array.from({ length: 50_000 - stored.length }, (_, i) => 8_000_000 + i)];
    const res = await webhook("customers/redact", JSON.stringify({ ...samplePayload("customers/redact", SHOP), orders_to_redact: ids }));
    expect(res.status).toBe(200);
    expect(await db.prisma.order.count({ where: { shopId, OR: [{ email: { not: null } }, { customerId: { not: null } }] } })).toBe(0);
    expect(await db.prisma.event.count({ where: { shopId, journeyKey: { startsWith: "jr-" } } })).toBe(0);
    expect(await db.prisma.journeyOrder.count({ where: { shopId } })).toBe(0);
  });

  it("GIVEN a batch where one event's journey key holds a NUL WHEN posted THEN that event alone is rejected and the others are stored", async () => {
    const events = [impression(), impression({ journeyKey: "bad\u0000key" }), impression()];
    const res = await postEvents(server.url, { events }, await checkoutToken(SHOP));
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: Array<{ status: string; reason?: string }> };
    expect(results.map((r) => r.status)).toEqual(["accepted", "rejected", "accepted"]);
    expect(results[1]!.reason).toBe("journeyKey: must not contain NUL characters or lone surrogates");
    expect(await db.prisma.event.count({ where: { shopId, clientEventId: { in: [events[0]!.id, events[2]!.id] } } })).toBe(2);
  });

  it("GIVEN a NUL in a signed order's name WHEN orders/create is delivered THEN 200 and the order is stored without it", async () => {
    const payload = samplePayload("orders/create", SHOP) as Record<string, unknown>;
    payload.name = "#99\u000099";
    const res = await webhook("orders/create", JSON.stringify(payload));
    expect(res.status).toBe(200);
    expect(await db.prisma.order.count({ where: { shopId, name: "#9999" } })).toBe(1);
  });

  it('GIVEN a signed order with an amount written "12,50" WHEN delivered THEN 400 with the reason', async () => {
    const payload = samplePayload("orders/create", SHOP) as Record<string, unknown> & { line_items: Array<{ price_set: { shop_money: { amount: string } } }> };
    payload.id = 424242;
    payload.admin_graphql_api_id = "gid://shopify/Order/424242";
    payload.line_items[0]!.price_set.shop_money.amount = "12,50";
    const res = await webhook("orders/create", JSON.stringify(payload));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/line_items\.0\.price_set\.shop_money\.amount: not a decimal amount: "12,50"/);
    expect(await db.prisma.order.count({ where: { shopId, shopifyId: "gid://shopify/Order/424242" } })).toBe(0);
  });
});
