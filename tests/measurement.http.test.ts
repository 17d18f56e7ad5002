import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createHmac, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { exposureEventId } from "@moments/engine";
import { freshDatabase, type TestDatabase } from "./support/db";
import {
  BROWSER_UA,
  realModeEnv,
  startServer,
  TEST_API_KEY,
  TEST_API_SECRET,
  type RunningServer,
} from "./support/server";
import { deliverWebhook, samplePayload } from "./support/webhooks";
import { keyInArm, seedExperiment } from "./measurement.helpers";

const SHOP = "measure-http.myshopify.com";
let db: TestDatabase;
let server: RunningServer;
let shopId: string;

beforeAll(async () => {
  db = freshDatabase("measurement-http");
  server = await startServer(realModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});
beforeEach(async () => {
  await db.prisma.event.deleteMany();
  await db.prisma.momentDaily.deleteMany();
  await db.prisma.attributedLine.deleteMany();
  await db.prisma.experimentExposure.deleteMany();
  await db.prisma.experimentDaily.deleteMany();
  await db.prisma.journeyOrder.deleteMany();
  await db.prisma.refundRecord.deleteMany();
  await db.prisma.order.deleteMany();
  await db.prisma.shop.deleteMany();
  shopId = (await db.prisma.shop.create({ data: { domain: SHOP, name: "Measure", currency: "USD" } })).id;
  await seedExperiment(db.prisma, shopId, { id: "exp-1" });
});

/** A checkout UI extension's session token: HS256 with the app secret, dest = the shop. */
const sessionToken = (shop = SHOP, secret = TEST_API_SECRET) =>
  new SignJWT({ dest: `https://${shop}`, aud: TEST_API_KEY, sub: "gid://shopify/Customer/1" })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setNotBefore(Math.floor(Date.now() / 1000) - 5)
    .setExpirationTime("5m")
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(secret));

const event = (over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: "impression",
  moment: "checkout",
  surface: "checkout",
  journeyKey: "journey-1",
  offerId: "offer-1",
  occurredAt: Date.now(),
  ...over,
});

/** The post-purchase extension's input token (Shopify's `inputData.token`), signed with the app secret. */
const postPurchaseToken = (referenceId = "ref-1") => {
  const money = { amount: "10.00", currencyCode: "USD" };
  return new SignJWT({
    aud: TEST_API_KEY,
    dest: `https://${SHOP}`,
    input_data: {
      initialPurchase: { referenceId, totalPriceSet: { shopMoney: money, presentmentMoney: money }, lineItems: [] },
      shop: { domain: SHOP },
    },
  })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(TEST_API_SECRET));
};

/** An app proxy query with Shopify's signature (sorted key=value pairs, HMAC-SHA256 with the app secret). */
const signed = (params: Record<string, string>) => {
  const message = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("");
  const signature = createHmac("sha256", TEST_API_SECRET).update(message).digest("hex");
  return new URLSearchParams({ ...params, signature }).toString();
};

const post = async (body: unknown, token?: string) =>
  fetch(`${server.url}/api/events`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "User-Agent": BROWSER_UA,
      Origin: "https://extensions.shopifycdn.com",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });

describe("POST /api/events", () => {
  test("GIVEN a batch signed with a checkout session token WHEN posted three times THEN it is stored once and every answer lists each event", async () => {
    const events = Array.from({ length: 50 }, (_, i) => event({ journeyKey: `j-${i}` }));
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const res = await post({ events }, await sessionToken());
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBeTruthy();
      answers.push(((await res.json()) as { results: Array<{ status: string }> }).results);
    }
    expect(answers[0]!.every((r) => r.status === "accepted")).toBe(true);
    expect([...answers[1]!, ...answers[2]!].every((r) => r.status === "duplicate")).toBe(true);
    expect(await db.prisma.event.count({ where: { shopId } })).toBe(50);
  });

  test("GIVEN a malformed event among good ones WHEN posted THEN it alone is rejected with its reason", async () => {
    const res = await post(
      { events: [event(), { ...event(), occurredAt: "yesterday" }, event({ journeyKey: "j-2" })] },
      await sessionToken(),
    );
    const { results } = (await res.json()) as { results: Array<{ status: string; reason?: string }> };
    expect(results.map((r) => r.status)).toEqual(["accepted", "rejected", "accepted"]);
    expect(results[1]!.reason).toMatch(/^occurredAt: /);
    expect(await db.prisma.event.count({ where: { shopId } })).toBe(2);
  });

  test("GIVEN no session token WHEN posted THEN 401 and nothing is stored", async () => {
    const res = await post({ events: [event()] });
    expect(res.status).toBe(401);
    expect(await db.prisma.event.count()).toBe(0);
  });

  test("GIVEN a token signed with another secret WHEN posted THEN 401 and nothing is stored", async () => {
    const res = await post({ events: [event()] }, await sessionToken(SHOP, "another-secret-0123456789abcdef0"));
    expect(res.status).toBe(401);
    expect(await db.prisma.event.count()).toBe(0);
  });

  test("GIVEN a body that is not a batch WHEN posted THEN 400 with the reason", async () => {
    const res = await post({ events: [] }, await sessionToken());
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^events: /);
  });

  test("GIVEN a token for a shop that never installed WHEN posted THEN 404 with the reason", async () => {
    const res = await post({ events: [event()] }, await sessionToken("stranger.myshopify.com"));
    expect(res.status).toBe(404);
  });

  test("GIVEN the post-purchase extension's input token WHEN it posts events THEN they are stored for the token's shop", async () => {
    const res = await post(
      { events: [event({ moment: "post_purchase", surface: "post_purchase" })] },
      await postPurchaseToken(),
    );
    expect(res.status).toBe(200);
    expect(await db.prisma.event.count({ where: { shopId, surface: "post_purchase" } })).toBe(1);
  });

  test("GIVEN a CORS preflight WHEN sent THEN 204 allowing the Authorization header", async () => {
    const res = await fetch(`${server.url}/api/events`, {
      method: "OPTIONS",
      headers: {
        "User-Agent": BROWSER_UA,
        Origin: "https://extensions.shopifycdn.com",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });
});

describe("POST /proxy/events (app proxy)", () => {
  test("GIVEN a storefront beacon (text/plain JSON) with Shopify's proxy signature WHEN posted THEN the events are stored for the signed shop", async () => {
    const query = signed({
      shop: SHOP,
      path_prefix: "/apps/moments",
      timestamp: String(Math.floor(Date.now() / 1000)),
      logged_in_customer_id: "",
    });
    const res = await fetch(`${server.url}/proxy/events?${query}`, {
      method: "POST",
      headers: { "Content-Type": "text/plain;charset=UTF-8", "User-Agent": BROWSER_UA },
      body: JSON.stringify({ events: [event({ moment: "cart", surface: "storefront" })] }),
    });
    expect(res.status).toBe(200);
    expect(await db.prisma.event.count({ where: { shopId, surface: "storefront" } })).toBe(1);
  });

  test("GIVEN a forged proxy signature WHEN posted THEN it is refused and nothing is stored", async () => {
    const res = await fetch(`${server.url}/proxy/events?shop=${SHOP}&timestamp=1&signature=${"0".repeat(64)}`, {
      method: "POST",
      headers: { "Content-Type": "text/plain", "User-Agent": BROWSER_UA },
      body: JSON.stringify({ events: [event()] }),
    });
    expect(res.status).toBe(400);
    expect(await db.prisma.event.count()).toBe(0);
  });
});

describe("events from extensions deployed before decision 020: the arm as `variantId`", () => {
  type Results = { results: Array<{ id: string; status: string; reason?: string }> };
  const config = { id: "exp-1", holdoutBps: 1000, variants: [{ id: "v1", weight: 1 }] };
  /** What an old checkout extension sends for a buyer in arm v1: its exposure and an impression. */
  const legacyPair = (journeyKey: string, over: Record<string, unknown> = {}) => [
    event({
      type: "exposure",
      journeyKey,
      experimentId: "exp-1",
      version: 1,
      arm: "variant",
      variantId: "v1",
      cartMinor: 5000,
      currency: "USD",
      ...over,
    }),
    event({ journeyKey, experimentId: "exp-1", arm: "variant", variantId: "v1", ...over }),
  ];
  const stored = (journeyKey: string) =>
    db.prisma.event.findMany({
      where: { shopId, journeyKey },
      select: { type: true, surface: true, armId: true },
      orderBy: { type: "asc" },
    });

  test("GIVEN a checkout batch with the legacy field WHEN posted to /api/events THEN each event is stored with its arm, the exposure counts a visitor of v1 and the roll-up names the arm", async () => {
    const journeyKey = keyInArm(config, "v1", "legacy-checkout");
    const res = await post({ events: legacyPair(journeyKey) }, await sessionToken());

    expect(res.status).toBe(200);
    expect(((await res.json()) as Results).results.map((r) => r.status)).toEqual(["accepted", "accepted"]);
    expect(await stored(journeyKey)).toEqual([
      { type: "exposure", surface: "checkout", armId: "v1" },
      { type: "impression", surface: "checkout", armId: "v1" },
    ]);
    expect(
      await db.prisma.experimentExposure.findMany({
        where: { shopId, journeyKey },
        select: { experimentId: true, arm: true },
      }),
    ).toEqual([{ experimentId: "exp-1", arm: "v1" }]);
    expect(
      await db.prisma.momentDaily.findMany({
        where: { shopId, offerId: "offer-1" },
        select: { armId: true, arm: true, impressions: true },
      }),
    ).toEqual([{ armId: "v1", arm: "variant", impressions: 1n }]);
  });

  test("GIVEN a storefront beacon with the legacy field WHEN posted to /proxy/events THEN it is stored with its arm", async () => {
    const journeyKey = keyInArm(config, "v1", "legacy-storefront");
    const query = signed({
      shop: SHOP,
      path_prefix: "/apps/moments",
      timestamp: String(Math.floor(Date.now() / 1000)),
      logged_in_customer_id: "",
    });
    const res = await fetch(`${server.url}/proxy/events?${query}`, {
      method: "POST",
      headers: { "Content-Type": "text/plain;charset=UTF-8", "User-Agent": BROWSER_UA },
      body: JSON.stringify({ events: legacyPair(journeyKey, { moment: "cart", surface: "storefront" }) }),
    });

    expect(res.status).toBe(200);
    expect(await stored(journeyKey)).toEqual([
      { type: "exposure", surface: "storefront", armId: "v1" },
      { type: "impression", surface: "storefront", armId: "v1" },
    ]);
  });

  test("GIVEN the post-purchase extension's impression with the legacy field WHEN posted with its input token THEN it is stored with its arm", async () => {
    const journeyKey = keyInArm(config, "v1", "legacy-pp");
    const impression = event({
      journeyKey,
      moment: "post_purchase",
      surface: "post_purchase",
      experimentId: "exp-1",
      arm: "variant",
      variantId: "v1",
    });
    const res = await post({ events: [impression] }, await postPurchaseToken(journeyKey));

    expect(((await res.json()) as Results).results).toEqual([{ id: impression.id, status: "accepted" }]);
    expect(await stored(journeyKey)).toEqual([{ type: "impression", surface: "post_purchase", armId: "v1" }]);
  });

  test("GIVEN a legacy arm the server refuses, and an event with both names WHEN posted THEN the refusal names the field sent and `armId` wins over `variantId`", async () => {
    const journeyKey = keyInArm(config, "v1", "legacy-both");
    const tooLong = event({ journeyKey, experimentId: "exp-1", arm: "variant", variantId: "v".repeat(33) });
    const both = event({ journeyKey, experimentId: "exp-1", arm: "variant", armId: "v1", variantId: "stale" });
    const res = await post({ events: [tooLong, both] }, await sessionToken());

    const { results } = (await res.json()) as Results;
    expect(results.map((r) => r.status)).toEqual(["rejected", "accepted"]);
    expect(results[0]!.reason).toMatch(/^variantId: /);
    expect(await stored(journeyKey)).toEqual([{ type: "impression", surface: "checkout", armId: "v1" }]);
  });
});

describe("orders/create and refunds/create webhooks", () => {
  test("GIVEN Shopify's sample order with offer attributes on a line WHEN delivered, then its refund THEN the upsell's revenue is attributed and netted out", async () => {
    const order = samplePayload("orders/create", SHOP) as {
      line_items: Array<Record<string, unknown>>;
      note_attributes: unknown;
      test: boolean;
    };
    order.test = false; // Shopify's sample is a test order, which is never attributed
    order.note_attributes = [{ name: "_moments_journey", value: "journey-1" }];
    order.line_items[1]!.properties = [
      { name: "_moments_offer", value: "offer-1" },
      { name: "_moments_variant", value: "" },
      { name: "_moments_moment", value: "checkout" },
    ];
    const send = (topic: string, body: unknown) =>
      deliverWebhook(server.url, { topic, shop: SHOP, body: JSON.stringify(body), secret: TEST_API_SECRET });
    expect((await send("orders/create", order)).status).toBe(200);
    const line = await db.prisma.attributedLine.findFirstOrThrow({ where: { shopId } });
    expect(line).toMatchObject({ offerId: "offer-1", revenueMinor: 1999n, currency: "USD", refundedMinor: 0n });
    expect((await send("refunds/create", samplePayload("refunds/create", SHOP))).status).toBe(200);
    expect(await db.prisma.attributedLine.findFirstOrThrow({ where: { shopId } })).toMatchObject({
      refundedMinor: 1999n,
    });
    const rollup = await db.prisma.momentDaily.findFirstOrThrow({ where: { shopId, offerId: "offer-1" } });
    expect(rollup.attributedMinor - rollup.refundedMinor).toBe(0n);
  });
});

describe("net revenue through the webhooks (orders/create, refunds/create, orders/cancelled)", () => {
  const TOTAL = 40495;
  const send = (topic: string, body: unknown, webhookId?: string) =>
    deliverWebhook(server.url, {
      topic,
      shop: SHOP,
      body: JSON.stringify(body),
      secret: TEST_API_SECRET,
      ...(webhookId ? { webhookId } : {}),
    });
  const liveOrder = (over: Record<string, unknown> = {}) => ({
    ...samplePayload("orders/create", SHOP),
    test: false,
    note_attributes: [{ name: "_moments_journey", value: "journey-1" }],
    ...over,
  });
  const exposure = () => ({
    id: exposureEventId("exp-1", 1, "journey-1"),
    type: "exposure",
    moment: "checkout",
    surface: "checkout",
    journeyKey: "journey-1",
    offerId: "offer-1",
    experimentId: "exp-1",
    version: 1,
    arm: "holdout",
    cartMinor: 2500,
    currency: "USD",
    occurredAt: Date.now(),
  });
  const holdout = async () => {
    const rows = await db.prisma.experimentDaily.findMany({ where: { shopId, arm: "holdout" } });
    return rows.reduce(
      (s, r) => ({
        visitors: s.visitors + Number(r.visitors),
        orders: s.orders + Number(r.orders),
        converters: s.converters + Number(r.converters),
        revenueMinor: s.revenueMinor + Number(r.revenueMinor),
      }),
      { visitors: 0, orders: 0, converters: 0, revenueMinor: 0 },
    );
  };

  test("GIVEN a hold-out exposure posted by the checkout and its order WHEN orders/cancelled is delivered twice (signed) THEN the order leaves the arm once and for all", async () => {
    expect((await post({ events: [exposure()] }, await sessionToken())).status).toBe(200);
    expect((await send("orders/create", liveOrder())).status).toBe(200);
    expect(await holdout()).toEqual({ visitors: 1, orders: 1, converters: 1, revenueMinor: TOTAL });
    const cancelled = { ...samplePayload("orders/cancelled", SHOP), test: false };
    const webhookId = randomUUID();
    expect((await send("orders/cancelled", cancelled, webhookId)).status).toBe(200);
    expect((await send("orders/cancelled", cancelled, webhookId)).status).toBe(200);
    expect((await send("orders/cancelled", cancelled)).status).toBe(200);
    expect(await holdout()).toEqual({ visitors: 1, orders: 0, converters: 0, revenueMinor: 0 });
  });

  test("GIVEN Shopify's sample refund delivered before its order WHEN the order arrives THEN the visitor's revenue is net of it", async () => {
    expect((await post({ events: [exposure()] }, await sessionToken())).status).toBe(200);
    // Real order ids are exact JSON numbers (below 2^53); the samples' are not, so both name order 1001.
    const refund = { ...samplePayload("refunds/create", SHOP), order_id: 1001 };
    expect((await send("refunds/create", refund)).status).toBe(200);
    expect(await db.prisma.refundRecord.findFirstOrThrow({ where: { shopId } })).toMatchObject({ pending: true });
    expect(
      (await send("orders/create", liveOrder({ id: 1001, admin_graphql_api_id: "gid://shopify/Order/1001" }))).status,
    ).toBe(200);
    expect((await send("refunds/create", refund)).status).toBe(200); // a second delivery id: still once
    // The sample refunds every line (414.95 of a 404.95 order): nothing is left, never less than nothing.
    expect(await holdout()).toEqual({ visitors: 1, orders: 1, converters: 1, revenueMinor: 0 });
    expect(await db.prisma.refundRecord.findFirstOrThrow({ where: { shopId } })).toMatchObject({
      pending: false,
      orderMinor: BigInt(TOTAL),
    });
  });

  test("GIVEN Shopify's sample test order WHEN delivered THEN it is recorded but never linked to the journey", async () => {
    expect((await post({ events: [exposure()] }, await sessionToken())).status).toBe(200);
    expect((await send("orders/create", liveOrder({ test: true }))).status).toBe(200);
    expect(await db.prisma.order.count({ where: { shopId } })).toBe(1);
    expect(await db.prisma.journeyOrder.count({ where: { shopId } })).toBe(0);
    expect(await holdout()).toEqual({ visitors: 1, orders: 0, converters: 0, revenueMinor: 0 });
  });
});

describe("an event's identity: its client id within its journey", () => {
  test("GIVEN one client event id under two journeys in one batch WHEN posted, then posted again THEN both are accepted and stored once, then both read as duplicates", async () => {
    const id = randomUUID();
    const events = [event({ id, journeyKey: "journey-a" }), event({ id, journeyKey: "journey-b" })];

    const first = await post({ events }, await sessionToken());
    const again = await post({ events }, await sessionToken());

    expect(((await first.json()) as { results: Array<{ status: string }> }).results.map((r) => r.status)).toEqual([
      "accepted",
      "accepted",
    ]);
    expect(((await again.json()) as { results: Array<{ status: string }> }).results.map((r) => r.status)).toEqual([
      "duplicate",
      "duplicate",
    ]);
    const stored = await db.prisma.event.findMany({
      where: { shopId, clientEventId: id },
      select: { journeyKey: true },
    });
    expect(stored.map((e) => e.journeyKey).sort()).toEqual(["journey-a", "journey-b"]);
  });
});

describe("the installed shop behind a batch (remembered a few seconds per process)", () => {
  const accepted = async (events: unknown[]) => {
    const res = await post({ events }, await sessionToken());
    return { status: res.status, body: (await res.json()) as { results?: Array<{ status: string }> } };
  };

  test("GIVEN a shop whose batch was just accepted WHEN shop/redact deletes it and it is installed again THEN the next batch is stored under the new install, nothing under the old id", async () => {
    expect((await accepted([event()])).status).toBe(200);
    const redact = JSON.stringify(samplePayload("shop/redact", SHOP));
    const res = await deliverWebhook(server.url, {
      topic: "shop/redact",
      shop: SHOP,
      body: redact,
      secret: TEST_API_SECRET,
    });
    expect(res.status).toBe(200);
    expect(await db.prisma.shop.count({ where: { id: shopId } })).toBe(0);
    const again = (await db.prisma.shop.create({ data: { domain: SHOP, name: "Measure", currency: "USD" } })).id;

    const next = event({ journeyKey: "after-reinstall" });
    const answer = await accepted([next]);

    expect(answer).toEqual({ status: 200, body: { results: [{ id: next.id, status: "accepted" }] } });
    expect(await db.prisma.event.count({ where: { shopId: again, clientEventId: next.id } })).toBe(1);
    expect(await db.prisma.event.count({ where: { shopId } })).toBe(0);
  });

  test("GIVEN a shop whose batch was just accepted WHEN app/uninstalled arrives THEN the next batch is answered 404 and nothing of it is stored", async () => {
    expect((await accepted([event()])).status).toBe(200);
    const res = await deliverWebhook(server.url, {
      topic: "app/uninstalled",
      shop: SHOP,
      body: JSON.stringify(samplePayload("app/uninstalled", SHOP)),
      secret: TEST_API_SECRET,
    });
    expect(res.status).toBe(200);

    const next = event({ journeyKey: "after-uninstall" });
    const answer = await accepted([next]);

    expect(answer.status).toBe(404);
    expect(await db.prisma.event.count({ where: { clientEventId: next.id } })).toBe(0);
  });
});
