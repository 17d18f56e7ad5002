import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { freshDatabase, type TestDatabase } from "./support/db";
import { realModeEnv, startServer, TEST_API_SECRET, type RunningServer } from "./support/server";
import { deliverWebhook, samplePayload } from "./support/webhooks";
import { rowsOf, seedInstalledShop } from "./support/fixtures";
import { signedWebhook } from "./hostile.helpers";

const TOPICS = ["app/uninstalled", "app/scopes_update", "orders/create", "orders/cancelled", "refunds/create", "customers/data_request", "customers/redact", "shop/redact"];
const SHOP_A = "alpha-store.myshopify.com";
const SHOP_B = "beta-store.myshopify.com";

let db: TestDatabase;
let server: RunningServer;

beforeAll(async () => {
  db = freshDatabase("webhooks");
  server = await startServer(realModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

beforeEach(async () => {
  await db.prisma.shop.deleteMany();
  await db.prisma.session.deleteMany();
  await db.prisma.dataRequest.deleteMany();
  await db.prisma.webhookEvent.deleteMany();
  await seedInstalledShop(db.prisma, SHOP_A);
  await seedInstalledShop(db.prisma, SHOP_B);
});

const send = (topic: string, overrides: { hmac?: string | null; webhookId?: string; shop?: string } = {}) => {
  const shop = overrides.shop ?? SHOP_A;
  return deliverWebhook(server.url, {
    topic,
    shop,
    body: JSON.stringify(samplePayload(topic, shop)),
    secret: TEST_API_SECRET,
    ...overrides,
  });
};

describe.each(TOPICS)("POST /webhooks/%s", (topic) => {
  it("GIVEN a forged HMAC WHEN delivered THEN 401 and nothing changes", async () => {
    const before = await rowsOf(db.prisma, SHOP_A);
    const res = await send(topic, { hmac: "Zm9yZ2VkLWhtYWMtdmFsdWUtdGhhdC1pcy13cm9uZw==" });
    expect(res.status).toBe(401);
    expect(await rowsOf(db.prisma, SHOP_A)).toEqual(before);
  });

  it("GIVEN no HMAC header WHEN delivered THEN 401 and nothing changes", async () => {
    const before = await rowsOf(db.prisma, SHOP_A);
    const res = await send(topic, { hmac: null });
    expect(res.status).toBe(401);
    expect(await rowsOf(db.prisma, SHOP_A)).toEqual(before);
  });

  it("GIVEN its signed sample payload under another topic's header WHEN delivered THEN 400 with the reason and nothing changes", async () => {
    const before = { a: await rowsOf(db.prisma, SHOP_A), b: await rowsOf(db.prisma, SHOP_B) };
    const other = topic === "orders/create" ? "shop/redact" : "orders/create";
    const body = JSON.stringify(samplePayload(topic, SHOP_A));
    const res = await signedWebhook(server.url, { path: `/webhooks/${topic}`, topic: other, shop: SHOP_A, body });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(`is not this endpoint's topic (${topic})`);
    expect({ a: await rowsOf(db.prisma, SHOP_A), b: await rowsOf(db.prisma, SHOP_B) }).toEqual(before);
  });

  it("GIVEN Shopify's sample payload signed with the app secret WHEN delivered THEN 200", async () => {
    const res = await send(topic);
    expect(res.status).toBe(200);
  });

  it("GIVEN the same delivery twice WHEN redelivered THEN the second changes nothing more", async () => {
    const webhookId = randomUUID();
    expect((await send(topic, { webhookId })).status).toBe(200);
    const afterFirst = { a: await rowsOf(db.prisma, SHOP_A), b: await rowsOf(db.prisma, SHOP_B) };
    expect((await send(topic, { webhookId })).status).toBe(200);
    expect({ a: await rowsOf(db.prisma, SHOP_A), b: await rowsOf(db.prisma, SHOP_B) }).toEqual(afterFirst);
  });
});

describe("what each topic does", () => {
  it("GIVEN shop/redact for shop A THEN every row of A is gone and B is untouched", async () => {
    const bBefore = await rowsOf(db.prisma, SHOP_B);
    expect((await send("shop/redact")).status).toBe(200);
    expect(Object.values(await rowsOf(db.prisma, SHOP_A)).every((n) => n === 0)).toBe(true);
    expect(await rowsOf(db.prisma, SHOP_B)).toEqual(bBefore);
  });

  it("GIVEN app/uninstalled THEN A's sessions are removed, A is marked uninstalled, B keeps its sessions", async () => {
    expect((await send("app/uninstalled")).status).toBe(200);
    expect(await db.prisma.session.count({ where: { shop: SHOP_A } })).toBe(0);
    expect((await db.prisma.shop.findUnique({ where: { domain: SHOP_A } }))?.uninstalledAt).toBeInstanceOf(Date);
    expect(await db.prisma.session.count({ where: { shop: SHOP_B } })).toBe(1);
  });

  it("GIVEN app/scopes_update THEN A's sessions carry the new scopes", async () => {
    expect((await send("app/scopes_update")).status).toBe(200);
    const session = await db.prisma.session.findFirstOrThrow({ where: { shop: SHOP_A } });
    expect(session.scope).toBe("read_products,write_products");
  });

  it("GIVEN customers/data_request THEN the request is recorded for A with the orders asked for", async () => {
    expect((await send("customers/data_request")).status).toBe(200);
    const rows = await db.prisma.dataRequest.findMany({ where: { shopDomain: SHOP_A } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.customerId).toBe("gid://shopify/Customer/191167");
    expect(JSON.parse(rows[0]!.ordersJson)).toEqual(["299938", "280263", "220458"]);
  });

  it("GIVEN customers/redact for A's customer THEN A's orders lose the personal data and B's do not", async () => {
    expect((await send("customers/redact")).status).toBe(200);
    const a = await db.prisma.order.findMany({ where: { shop: { domain: SHOP_A } } });
    const b = await db.prisma.order.findMany({ where: { shop: { domain: SHOP_B } } });
    expect(a.map((o) => [o.customerId, o.email])).toEqual([[null, null]]);
    expect(a[0]!.totalMinor).toBe(12900n); // revenue stays, anonymised
    expect(b.map((o) => o.email)).toEqual(["john@example.com"]);
  });

  it("GIVEN orders/create THEN the order is recorded for A in integer minor units with its lines", async () => {
    expect((await send("orders/create")).status).toBe(200);
    const order = await db.prisma.order.findFirstOrThrow({ where: { shop: { domain: SHOP_A }, name: "#9999" } });
    expect(order).toMatchObject({ currency: "USD", totalMinor: 40495n, subtotalMinor: 40495n, email: "jon@example.com" });
    expect(order.customerId).toBe("gid://shopify/Customer/115310627314723954");
    expect(JSON.parse(order.lines)).toHaveLength(order.lineCount);
    expect(await db.prisma.order.count({ where: { shop: { domain: SHOP_B }, name: "#9999" } })).toBe(0);
  });

  it("GIVEN the same order under two delivery ids THEN it is recorded once", async () => {
    await send("orders/create");
    await send("orders/create");
    expect(await db.prisma.order.count({ where: { shop: { domain: SHOP_A }, name: "#9999" } })).toBe(1);
  });

  it("GIVEN orders/create for a shop that is not installed THEN 200 and nothing stored", async () => {
    const res = await send("orders/create", { shop: "unknown-store.myshopify.com" });
    expect(res.status).toBe(200);
    expect(await db.prisma.order.count({ where: { name: "#9999" } })).toBe(0);
  });

  it("GIVEN a signed payload of the wrong shape THEN 400 with the reason, not 500", async () => {
    const res = await deliverWebhook(server.url, {
      topic: "customers/redact",
      shop: SHOP_A,
      body: JSON.stringify({ customer: "not-an-object" }),
      secret: TEST_API_SECRET,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/customer/);
  });
});
