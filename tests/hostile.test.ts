import net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "./support/db";
import { realModeEnv, startServer, type RunningServer } from "./support/server";
import { samplePayload } from "./support/webhooks";
import { rowsOf, seedInstalledShop } from "./support/fixtures";
import { checkoutToken, impression, peakRss, postEvents, rssOf, seedCustomerOrders, signedWebhook, streamBody } from "./hostile.helpers";

// Hostile input against the built server on SQLite (tests/hostile.postgres.test.ts: PostgreSQL):
// no signed, unsigned or oversized request gets a 5xx, and none changes anything it should not.
const SHOP = "hostile-store.myshopify.com";
const MB = 1024 * 1024;
const WEBHOOK_LIMIT = 5 * MB;
const EVENTS_LIMIT = 64 * 1024;

let db: TestDatabase;
let server: RunningServer;

beforeAll(async () => {
  db = freshDatabase("hostile");
  server = await startServer(realModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});
beforeEach(async () => {
  await db.prisma.shop.deleteMany();
  await db.prisma.session.deleteMany();
  await db.prisma.webhookEvent.deleteMany();
  await db.prisma.event.deleteMany();
  await db.prisma.journeyOrder.deleteMany();
  await seedInstalledShop(db.prisma, SHOP);
});

/** The fields of Shopify's sample order that the tests break. */
type OrderSample = Record<string, unknown> & { total_price_set: { shop_money: { amount: string } }; processed_at?: string; name?: string };
const orderBody = (edit: (o: OrderSample) => void = () => undefined) => {
  const payload = samplePayload("orders/create", SHOP) as OrderSample;
  edit(payload);
  return JSON.stringify(payload);
};
const webhook = (path: string, topic: string, body: string) => signedWebhook(server.url, { path, topic, shop: SHOP, body });

describe("webhook topics", () => {
  it("GIVEN a signed orders/create body WHEN posted to /webhooks/shop/redact with its own topic THEN 400 with the reason and the shop still exists", async () => {
    const before = await rowsOf(db.prisma, SHOP);
    const res = await webhook("/webhooks/shop/redact", "orders/create", orderBody());
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/X-Shopify-Topic "orders\/create" is not this endpoint's topic \(shop\/redact\)/);
    expect(await rowsOf(db.prisma, SHOP)).toEqual(before);
    expect(await db.prisma.webhookEvent.count()).toBe(0);
  });

  it("GIVEN a signed orders/create body WHEN posted to /webhooks/shop/redact with a forged shop/redact topic THEN 400 and the shop still exists", async () => {
    const before = await rowsOf(db.prisma, SHOP);
    const res = await webhook("/webhooks/shop/redact", "shop/redact", orderBody());
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/shop_domain/);
    expect(await rowsOf(db.prisma, SHOP)).toEqual(before);
  });

  it("GIVEN a signed customers/redact body WHEN posted to /webhooks/shop/redact as shop/redact THEN 400 and the shop still exists", async () => {
    const before = await rowsOf(db.prisma, SHOP);
    const res = await webhook("/webhooks/shop/redact", "shop/redact", JSON.stringify(samplePayload("customers/redact", SHOP)));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/customer/);
    expect(await rowsOf(db.prisma, SHOP)).toEqual(before);
  });

  it("GIVEN a signed shop/redact body for another shop WHEN posted with this shop's header THEN 400 and the shop still exists", async () => {
    const before = await rowsOf(db.prisma, SHOP);
    const res = await webhook("/webhooks/shop/redact", "shop/redact", JSON.stringify(samplePayload("shop/redact", "other-store.myshopify.com")));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/other-store\.myshopify\.com/);
    expect(await rowsOf(db.prisma, SHOP)).toEqual(before);
  });
});

describe("malformed signed orders/create bodies", () => {
  const cases: Array<[string, () => string, RegExp]> = [
    ["a non-JSON body", () => "this is not json", /not JSON/],
    ["a truncated JSON body", () => orderBody().slice(0, 400), /not JSON/],
    ["a body of the wrong shape", () => JSON.stringify({ id: 1, line_items: "none" }), /Unexpected orders\/create payload/],
    ['an amount written "12,50"', () => orderBody((o) => (o.total_price_set.shop_money.amount = "12,50")), /total_price_set\.shop_money\.amount: not a decimal amount: "12,50"/],
    ["an invalid processed_at", () => orderBody((o) => (o.processed_at = "yesterday-ish")), /processed_at: not a date/],
  ];
  it.each(cases)("GIVEN %s WHEN delivered THEN 400 with the reason and nothing stored", async (_, body, reason) => {
    const orders = await db.prisma.order.count();
    const res = await webhook("/webhooks/orders/create", "orders/create", body());
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(reason);
    expect(await db.prisma.order.count()).toBe(orders);
    expect(await db.prisma.webhookEvent.count()).toBe(0);
  });

  it("GIVEN a NUL in a signed order's name WHEN delivered THEN 200 and the order is stored without it", async () => {
    const res = await webhook("/webhooks/orders/create", "orders/create", orderBody((o) => (o.name = "#99\u000099")));
    expect(res.status).toBe(200);
    expect(await db.prisma.order.count({ where: { name: "#9999" } })).toBe(1);
  });
});

describe("body limits, enforced while the body streams in", () => {
  it("GIVEN a 300 MB chunked body without Content-Length WHEN posted to a webhook THEN 413 with the reason and the server's memory barely moves", async () => {
    const before = rssOf(server.pid);
    const { result, peak } = await peakRss(server.pid, () => streamBody(`${server.url}/webhooks/orders/create`, 300 * MB, { "X-Shopify-Hmac-Sha256": "x" }));
    expect(result.status).toBe(413);
    expect(result.body).toMatch(/at most 5242880 bytes/);
    expect(result.sent).toBeLessThan(300 * MB);
    expect(peak - before).toBeLessThan(50 * MB);
    expect(rssOf(server.pid) - before).toBeLessThan(50 * MB);
  });

  it("GIVEN a declared Content-Length over the limit WHEN posted THEN 413 before the body is read", async () => {
    const res = await streamBody(`${server.url}/webhooks/orders/create`, 0, { "Content-Length": String(WEBHOOK_LIMIT + 1) });
    expect(res.status).toBe(413);
  });

  it("GIVEN a signed customers/redact padded to exactly the webhook limit WHEN delivered THEN 200", async () => {
    const json = JSON.stringify(samplePayload("customers/redact", SHOP));
    const res = await webhook("/webhooks/customers/redact", "customers/redact", json + " ".repeat(WEBHOOK_LIMIT - json.length));
    expect(res.status).toBe(200);
  });

  it("GIVEN one byte over the webhook limit WHEN delivered THEN 413", async () => {
    const json = JSON.stringify(samplePayload("customers/redact", SHOP));
    const res = await webhook("/webhooks/customers/redact", "customers/redact", json + " ".repeat(WEBHOOK_LIMIT + 1 - json.length));
    expect(res.status).toBe(413);
  });

  it("GIVEN an events batch of exactly 64 KB WHEN posted THEN 200, and one byte more THEN 413", async () => {
    const json = JSON.stringify({ events: [impression()] });
    const token = await checkoutToken(SHOP);
    expect((await postEvents(server.url, json + " ".repeat(EVENTS_LIMIT - json.length), token)).status).toBe(200);
    const over = await postEvents(server.url, json + " ".repeat(EVENTS_LIMIT + 1 - json.length), token);
    expect(over.status).toBe(413);
    expect(await over.text()).toMatch(/\/api\/events accept at most 65536 bytes/);
  });

  it("GIVEN a 2 MB chunked body WHEN posted to the app proxy THEN 413", async () => {
    const res = await streamBody(`${server.url}/proxy/events?shop=${SHOP}`, 2 * MB);
    expect(res.status).toBe(413);
  });
});

describe("clients that go away", () => {
  it("GIVEN clients that reset their connection mid-body WHEN they post events, webhooks and proxy calls THEN the server logs nothing about them and keeps answering", async () => {
    const { port } = new URL(server.url);
    const abort = (path: string) =>
      new Promise<void>((resolve) => {
        const socket = net.connect(Number(port), "127.0.0.1", () => {
          socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"events":[`);
          setTimeout(() => socket.resetAndDestroy(), 20);
        });
        socket.on("close", () => resolve());
        socket.on("error", () => undefined);
      });
    const logged = server.output().length;
    for (const path of ["/api/events", "/webhooks/orders/create", `/proxy/events?shop=${SHOP}`])
      await Promise.all(Array.from({ length: 5 }, () => abort(path)));
    await new Promise((r) => setTimeout(r, 200));
    expect(server.output().slice(logged)).toBe("");
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe("customers/redact at scale", () => {
  it("GIVEN a customer with 1,200 stored orders among 50,000 order ids WHEN customers/redact arrives THEN 200 and every one is anonymised, its journeys cleared", async () => {
    const shop = await db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const stored = await seedCustomerOrders(db.prisma, shop.id, 7_000_000, 1_200);
    const ids = [...stored, ...Array.from({ length: 50_000 - stored.length }, (_, i) => 8_000_000 + i)];
    const payload = { ...samplePayload("customers/redact", SHOP), orders_to_redact: ids };
    const res = await webhook("/webhooks/customers/redact", "customers/redact", JSON.stringify(payload));
    expect(res.status).toBe(200);
    expect(await db.prisma.order.count({ where: { shopId: shop.id, OR: [{ email: { not: null } }, { customerId: { not: null } }] } })).toBe(0);
    expect(await db.prisma.event.count({ where: { shopId: shop.id, journeyKey: { startsWith: "jr-" } } })).toBe(0);
    expect(await db.prisma.journeyOrder.count({ where: { shopId: shop.id } })).toBe(0);
  });
});

describe("checkout session tokens", () => {
  it("GIVEN a session token for another app (aud) WHEN events are posted THEN 401 with the reason and nothing stored", async () => {
    const res = await postEvents(server.url, { events: [impression()] }, await checkoutToken(SHOP, "someone-elses-api-key"));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "session token aud is not this app's API key" });
    expect(await db.prisma.event.count({ where: { surface: "checkout", journeyKey: { startsWith: "journey-" } } })).toBe(0);
  });

  it("GIVEN a session token without aud WHEN events are posted THEN 401 with the reason", async () => {
    const res = await postEvents(server.url, { events: [impression()] }, await checkoutToken(SHOP, null));
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).toBeTruthy();
    expect(await res.json()).toEqual({ error: "session token has no aud claim" });
  });
});

describe("event strings", () => {
  it("GIVEN a batch where one event's journey key holds a NUL WHEN posted THEN that event alone is rejected with the reason", async () => {
    const events = [impression(), impression({ journeyKey: "bad\u0000key" }), impression()];
    const res = await postEvents(server.url, { events }, await checkoutToken(SHOP));
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: Array<{ status: string; reason?: string }> };
    expect(results.map((r) => r.status)).toEqual(["accepted", "rejected", "accepted"]);
    expect(results[1]!.reason).toBe("journeyKey: must not contain NUL characters or lone surrogates");
  });

  it("GIVEN an event id with a lone surrogate WHEN posted THEN it is rejected and the others stored", async () => {
    const events = [impression({ id: "abcdefgh\ud800" }), impression()];
    const res = await postEvents(server.url, { events }, await checkoutToken(SHOP));
    const { results } = (await res.json()) as { results: Array<{ status: string; reason?: string }> };
    expect(results.map((r) => r.status)).toEqual(["rejected", "accepted"]);
    expect(results[0]!.reason).toMatch(/^id: must not contain NUL/);
  });
});
