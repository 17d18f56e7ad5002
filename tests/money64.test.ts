import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { exposureEventId } from "@moments/engine";
import type { PrismaClient } from "@prisma/client";
import { toSafeNumber, UnsafeIntegerError } from "~/lib/bigint";
import { dashboardData } from "~/measurement/dashboard.server";
import { CART_CAP_MINOR } from "~/measurement/exposures.server";
import { freshDatabase } from "./support/db";
import { freshPostgresDatabase, startPostgres, type PostgresCluster } from "./support/postgres";
import { BROWSER_UA, realModeEnv, startServer, TEST_API_SECRET, type RunningServer } from "./support/server";
import { appProxySignature } from "./support/shopify-signing";
import { deliverWebhook, samplePayload } from "./support/webhooks";
import { checkoutToken, postEvents } from "./hostile.helpers";
import { seedExperiment } from "./measurement.helpers";

// Money and counters are 64-bit (decision 015): amounts up to the contract's 1e11 minor units go
// through the built server's real endpoints and come back exact from the database, on SQLite and on
// PostgreSQL (where they used to overflow INT4 and fail every later batch of the same roll-up).

const IDR_2_5M = 250_000_000; // IDR 2,500,000.00
const IDR_25M = 2_500_000_000; // IDR 25,000,000.00: beyond 2^31 - 1 on its own
const MAX = 100_000_000_000; // 1e11, the contract's limit

interface Backend {
  prisma: PrismaClient;
  server: RunningServer;
}

const event = (over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: "accept",
  moment: "cart",
  surface: "storefront",
  journeyKey: `journey-${randomUUID()}`,
  offerId: "offer-1",
  currency: "IDR",
  occurredAt: Date.now(),
  ...over,
});

/** A storefront beacon through the app proxy, signed the way Shopify signs the proxied request. */
async function proxyEvents(server: RunningServer, shop: string, events: unknown[]) {
  const pairs: Array<[string, string]> = [
    ["shop", shop],
    ["path_prefix", "/apps/moments"],
    ["timestamp", String(Math.floor(Date.now() / 1000))],
    ["logged_in_customer_id", ""],
  ];
  const query = new URLSearchParams([...pairs, ["signature", appProxySignature(pairs, TEST_API_SECRET)]]).toString();
  const res = await fetch(`${server.url}/proxy/events?${query}`, {
    method: "POST",
    headers: { "Content-Type": "text/plain;charset=UTF-8", "User-Agent": BROWSER_UA },
    body: JSON.stringify({ events }),
  });
  const body = res.status === 200 ? ((await res.json()) as { results: Array<{ status: string; reason?: string }> }) : await res.text();
  return { status: res.status, body };
}

/** Shopify's sample order as a live IDR order of `totalMinor` (shop and presentment money) on `journeyKey`. */
function idrOrder(shop: string, numericId: number, totalMinor: number, journeyKey: string) {
  const order = samplePayload("orders/create", shop) as Record<string, unknown>;
  const amount = `${Math.floor(totalMinor / 100)}.${String(totalMinor % 100).padStart(2, "0")}`;
  const set = { shop_money: { amount, currency_code: "IDR" }, presentment_money: { amount, currency_code: "IDR" } };
  return {
    ...order,
    id: numericId,
    admin_graphql_api_id: `gid://shopify/Order/${numericId}`,
    name: `#${numericId}`,
    currency: "IDR",
    presentment_currency: "IDR",
    total_price_set: set,
    subtotal_price_set: set,
    test: false,
    note_attributes: [{ name: "_moments_journey", value: journeyKey }],
  };
}

const shopOf = async (prisma: PrismaClient, domain: string) =>
  (await prisma.shop.create({ data: { domain, name: domain.split(".")[0]!, currency: "IDR" } })).id;

function money64Suite(name: string, open: () => Promise<Backend & { close: () => Promise<void> }>) {
  describe(`64-bit money and counters on ${name}`, () => {
    let b: Backend & { close: () => Promise<void> };
    beforeAll(async () => {
      b = await open();
    });
    afterAll(async () => {
      await b?.close();
    });

    it("GIVEN a storefront accept of 1e11 minor units WHEN a genuine batch follows in the same daily roll-up THEN both answer 200 and acceptedMinor is exact", async () => {
      const shop = `${name}-max-accept.myshopify.com`;
      const shopId = await shopOf(b.prisma, shop);
      const first = await proxyEvents(b.server, shop, [event({ valueMinor: MAX })]);
      expect(first).toEqual({ status: 200, body: { results: [expect.objectContaining({ status: "accepted" })] } });
      const genuine = [event({ type: "impression", valueMinor: undefined }), event({ valueMinor: 4900 }), event({ valueMinor: 12_500 })];
      const second = await proxyEvents(b.server, shop, genuine);
      expect(second.status).toBe(200);
      expect((second.body as { results: Array<{ status: string }> }).results.map((r) => r.status)).toEqual(["accepted", "accepted", "accepted"]);

      const rows = await b.prisma.momentDaily.findMany({ where: { shopId } });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ moment: "cart", offerId: "offer-1", accepts: 3n, impressions: 1n, acceptedMinor: BigInt(MAX + 4900 + 12_500) });
      const stored = await b.prisma.event.findMany({ where: { shopId, type: "accept" }, orderBy: { valueMinor: "desc" } });
      expect(stored.map((e) => e.valueMinor)).toEqual([BigInt(MAX), 12_500n, 4900n]);
    });

    it("GIVEN an IDR shop WHEN 12 storefront accepts of IDR 2,500,000.00 arrive in one day THEN every request answers 200 and the roll-up holds exactly 3,000,000,000 minor units", async () => {
      const shop = `${name}-idr-accepts.myshopify.com`;
      const shopId = await shopOf(b.prisma, shop);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await proxyEvents(b.server, shop, [event({ valueMinor: IDR_2_5M })])).status);
      expect(statuses).toEqual(Array(12).fill(200));

      const rollup = await b.prisma.momentDaily.findFirstOrThrow({ where: { shopId } });
      expect(rollup.accepts).toBe(12n);
      expect(rollup.acceptedMinor).toBe(3_000_000_000n);
      expect(await b.prisma.event.count({ where: { shopId } })).toBe(12);
    });

    it("GIVEN hold-out exposures WHEN orders/create of IDR 25,000,000.00 and of 1e11 minor units are each delivered twice THEN 200 every time, each order stored once with its exact total and the arm's revenue exact", async () => {
      const shop = `${name}-idr-orders.myshopify.com`;
      const shopId = await shopOf(b.prisma, shop);
      await seedExperiment(b.prisma, shopId, { id: `exp-${name}` });
      const exposure = (journeyKey: string) => ({
        id: exposureEventId(`exp-${name}`, 1, journeyKey),
        type: "exposure",
        moment: "checkout",
        surface: "checkout",
        journeyKey,
        offerId: "offer-1",
        experimentId: `exp-${name}`,
        version: 1,
        arm: "holdout",
        cartMinor: MAX,
        currency: "IDR",
        occurredAt: Date.now(),
      });
      const exposed = await postEvents(b.server.url, { events: [exposure("journey-25m"), exposure("journey-max")] }, await checkoutToken(shop));
      expect(exposed.status).toBe(200);

      const orders = [idrOrder(shop, 7_100_001, IDR_25M, "journey-25m"), idrOrder(shop, 7_100_002, MAX, "journey-max")];
      const statuses: number[] = [];
      for (const order of orders) {
        for (let delivery = 0; delivery < 2; delivery++) {
          const res = await deliverWebhook(b.server.url, { topic: "orders/create", shop, body: JSON.stringify(order), secret: TEST_API_SECRET });
          statuses.push(res.status);
        }
      }
      expect(statuses).toEqual([200, 200, 200, 200]);

      const stored = await b.prisma.order.findMany({ where: { shopId }, orderBy: { shopifyId: "asc" }, select: { shopifyId: true, totalMinor: true, subtotalMinor: true } });
      expect(stored).toEqual([
        { shopifyId: "gid://shopify/Order/7100001", totalMinor: BigInt(IDR_25M), subtotalMinor: BigInt(IDR_25M) },
        { shopifyId: "gid://shopify/Order/7100002", totalMinor: BigInt(MAX), subtotalMinor: BigInt(MAX) },
      ]);
      const links = await b.prisma.journeyOrder.findMany({ where: { shopId }, orderBy: { journeyKey: "asc" }, select: { journeyKey: true, totalMinor: true } });
      expect(links).toEqual([
        { journeyKey: "journey-25m", totalMinor: BigInt(IDR_25M) },
        { journeyKey: "journey-max", totalMinor: BigInt(MAX) },
      ]);
      const exposures = await b.prisma.experimentExposure.findMany({ where: { shopId }, orderBy: { journeyKey: "asc" }, select: { orders: true, revenueMinor: true, cartMinor: true } });
      expect(exposures).toEqual([
        { orders: 1n, revenueMinor: BigInt(IDR_25M), cartMinor: BigInt(CART_CAP_MINOR) },
        { orders: 1n, revenueMinor: BigInt(MAX), cartMinor: BigInt(CART_CAP_MINOR) },
      ]);
      const daily = await b.prisma.experimentDaily.findMany({ where: { shopId, arm: "holdout" } });
      const sum = (k: "visitors" | "converters" | "orders" | "revenueMinor" | "covariateN") => daily.reduce((s, r) => s + r[k], 0n);
      expect({ visitors: sum("visitors"), converters: sum("converters"), orders: sum("orders"), revenueMinor: sum("revenueMinor"), covariateN: sum("covariateN") }).toEqual({
        visitors: 2n,
        converters: 2n,
        orders: 2n,
        revenueMinor: BigInt(IDR_25M + MAX),
        covariateN: 2n,
      });
    });

    it("GIVEN roll-ups beyond 2^31 minor units WHEN the dashboard reads them THEN it gets exact numbers it can serialise", async () => {
      const shop = `${name}-dashboard.myshopify.com`;
      const shopId = await shopOf(b.prisma, shop);
      for (let i = 0; i < 3; i++) expect((await proxyEvents(b.server, shop, [event({ valueMinor: MAX }), event({ type: "impression" })])).status).toBe(200);
      const day = new Date().toISOString().slice(0, 10);
      await b.prisma.momentDaily.updateMany({ where: { shopId }, data: { attributedMinor: 3n * BigInt(MAX), refundedMinor: BigInt(IDR_25M) } });

      const dashboard = await dashboardData(b.prisma, shopId, { from: day, to: day });
      const cart = dashboard.moments.find((m) => m.moment === "cart")!;
      expect(cart).toMatchObject({ impressions: 3, accepts: 3, attributedMinor: 3 * MAX, refundedMinor: IDR_25M, netMinor: 3 * MAX - IDR_25M });
      expect(JSON.parse(JSON.stringify(dashboard.days))).toEqual([{ day, impressions: 3, accepts: 3, netMinor: 3 * MAX - IDR_25M }]);
    });
  });
}

money64Suite("sqlite", async () => {
  const db = freshDatabase("money64");
  const server = await startServer(realModeEnv(db.url));
  return {
    prisma: db.prisma,
    server,
    close: async () => {
      await server.stop();
      await db.prisma.$disconnect();
    },
  };
});

money64Suite("postgres", async () => {
  const cluster: PostgresCluster = await startPostgres();
  const db = await freshPostgresDatabase(cluster, "money64");
  const server = await startServer({ ...realModeEnv(db.url), EMAIL_WORKER: "off" });
  return {
    prisma: db.prisma,
    server,
    close: async () => {
      await server.stop();
      await db.prisma.$disconnect();
      cluster.stop();
    },
  };
});

describe("toSafeNumber (the read boundary)", () => {
  it("GIVEN a bigint up to 2^53 - 1 WHEN converted THEN the exact number", () => {
    expect(toSafeNumber(9_007_199_254_740_991n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(toSafeNumber(-BigInt(MAX))).toBe(-MAX);
  });

  it("GIVEN a bigint beyond 2^53 - 1 WHEN converted THEN a clear error instead of a rounded amount", () => {
    expect(() => toSafeNumber(9_007_199_254_740_993n, "acceptedMinor")).toThrow(UnsafeIntegerError);
    expect(() => toSafeNumber(9_007_199_254_740_993n, "acceptedMinor")).toThrow(/acceptedMinor 9007199254740993 is beyond Number.MAX_SAFE_INTEGER/);
  });
});
