import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { assign, exposureEventId } from "@moments/engine";
import { buildPayload } from "~/publish/publish.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { realModeEnv, startServer, TEST_API_SECRET, type RunningServer } from "./support/server";
import { deliverWebhook } from "./support/webhooks";
import { orderPayload, seedEmailShop } from "./email.fixtures";

/**
 * The follow-up email as an experiment surface: orders/create (built server, signed webhooks)
 * decides the email offer under the order's journey key and logs the exposure of either arm in the
 * webhook's transaction; a held-out buyer gets no email.
 */
const SHOP = "email-exposure.myshopify.com";
const EXPERIMENT = { id: "exp-email", holdoutBps: 5000, variants: [{ id: "ev1", weight: 1 }] };
const armOf = (key: string) => {
  const a = assign(EXPERIMENT, key);
  return a.kind === "holdout" ? "holdout" : a.armId;
};
/** The first key of the form `${prefix}-n` in the arm. */
const keyIn = (arm: string, prefix: string) => {
  for (let i = 0; ; i++) if (armOf(`${prefix}-${i}`) === arm) return `${prefix}-${i}`;
};

let db: TestDatabase;
let server: RunningServer;
let shopId: string;

beforeAll(async () => {
  db = freshDatabase("email-exposure");
  server = await startServer(realModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});
beforeEach(async () => {
  for (const t of [
    "outboxMessage",
    "event",
    "experiment",
    "experimentExposure",
    "experimentDaily",
    "journeyOrder",
    "offer",
    "publication",
    "demoProduct",
    "order",
    "webhookEvent",
    "session",
    "shop",
  ] as const) {
    await (db.prisma[t] as unknown as { deleteMany: () => Promise<unknown> }).deleteMany();
  }
  const { shop, offer } = await seedEmailShop(db.prisma, SHOP);
  shopId = shop.id;
  // The running experiment is part of the published definition (what writeOffer publishes).
  const definition = { ...JSON.parse(offer.definition), experiment: EXPERIMENT };
  await db.prisma.offer.update({ where: { id: offer.id }, data: { definition: JSON.stringify(definition) } });
  // The admin's experiment row: the server accepts exposures of known experiments only.
  await db.prisma.experiment.create({
    data: {
      id: EXPERIMENT.id,
      shopId,
      offerId: offer.id,
      status: "running",
      holdoutBps: EXPERIMENT.holdoutBps,
      startedAt: new Date(),
    },
  });
  const { json, offers } = await buildPayload(db.prisma, shopId, new Date());
  expect(offers).toBe(1);
  await db.prisma.publication.update({ where: { shopId }, data: { payload: json, bytes: json.length } });
});

/** A consenting buyer's live order of the headset (triggers the email offer) with these keys. */
function order(id: number, keys: { journey?: string; checkoutToken?: string }) {
  const p = orderPayload(SHOP, { id, email: `buyer-${id}@example.com`, customerId: 700000 + id });
  p.test = false;
  p.checkout_token = keys.checkoutToken ?? null;
  p.note_attributes = keys.journey ? [{ name: "_moments_journey", value: keys.journey }] : [];
  return p;
}
const send = async (payload: object, webhookId = randomUUID()) => {
  const res = await deliverWebhook(server.url, {
    topic: "orders/create",
    shop: SHOP,
    body: JSON.stringify(payload),
    secret: TEST_API_SECRET,
    webhookId,
  });
  expect(res.status).toBe(200);
};
const exposures = () => db.prisma.experimentExposure.findMany({ where: { shopId, experimentId: EXPERIMENT.id } });
const outbox = (orderId: number) =>
  db.prisma.outboxMessage.findUnique({
    where: { shopId_orderShopifyId: { shopId, orderShopifyId: `gid://shopify/Order/${orderId}` } },
  });

describe("email exposures on orders/create (built server, signed webhooks)", () => {
  it("GIVEN a test order (test: true) from a variant buyer WHEN delivered THEN its email is scheduled but no exposure is logged", async () => {
    const journey = keyIn("ev1", "test-journey");
    const p = order(7900, { journey, checkoutToken: "ct-7900" });
    p.test = true;
    await send(p);
    expect(await exposures()).toEqual([]);
    expect(await outbox(7900)).toMatchObject({ armId: "ev1" });
  });

  it("GIVEN a variant buyer's order with a _moments_journey attribute WHEN delivered THEN the email is scheduled in the variant and its exposure is logged under the attribute", async () => {
    const journey = keyIn("ev1", "sf-journey");
    await send(order(7001, { journey, checkoutToken: "ct-7001" }));
    expect(await exposures()).toEqual([
      expect.objectContaining({
        journeyKey: journey,
        arm: "ev1",
        surface: "email",
        moment: "email",
        version: 1,
        offerId: expect.any(String),
      }),
    ]);
    const row = await outbox(7001);
    expect(row).toMatchObject({ experimentId: EXPERIMENT.id, armId: "ev1" });
    expect(JSON.parse(row!.content).journeyKey).toBe(journey);
  });

  it("GIVEN a held-out buyer's order keyed only by its checkout token WHEN delivered THEN no email is scheduled and the hold-out exposure is logged under the token", async () => {
    const token = keyIn("holdout", "checkout-token");
    await send(order(7002, { checkoutToken: token }));
    expect(await outbox(7002)).toBeNull();
    const rows = await exposures();
    expect(rows).toEqual([
      expect.objectContaining({ journeyKey: token, arm: "holdout", surface: "email", moment: "email" }),
    ]);
    const event = await db.prisma.event.findFirstOrThrow({ where: { shopId, type: "exposure" } });
    expect(event).toMatchObject({
      clientEventId: exposureEventId(EXPERIMENT.id, 1, token),
      journeyKey: token,
      arm: "holdout",
      version: 1,
    });
    expect(event.cartMinor).toBeGreaterThan(0);
  });

  it("GIVEN the same order redelivered (same and new delivery ids) WHEN processed THEN one exposure event and one exposure row", async () => {
    const journey = keyIn("holdout", "redelivered");
    const payload = order(7003, { journey, checkoutToken: "ct-7003" });
    const webhookId = randomUUID();
    await send(payload, webhookId);
    await send(payload, webhookId);
    await send(payload);
    expect(await db.prisma.event.count({ where: { shopId, type: "exposure" } })).toBe(1);
    expect((await exposures()).map((r) => [r.journeyKey, r.arm])).toEqual([[journey, "holdout"]]);
  });

  it("GIVEN orders of many buyers WHEN delivered THEN each buyer is exposed once in its assigned arm and only variant buyers get an email", async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `many-${i}`);
    expect(new Set(keys.map(armOf))).toEqual(new Set(["holdout", "ev1"]));
    for (const [i, journey] of keys.entries()) await send(order(7100 + i, { journey }));
    const byKey = new Map((await exposures()).map((r) => [r.journeyKey, r.arm]));
    expect(byKey).toEqual(new Map(keys.map((k) => [k, armOf(k)])));
    for (const [i, journey] of keys.entries()) {
      const row = await outbox(7100 + i);
      if (armOf(journey) === "holdout") expect(row, journey).toBeNull();
      else expect(row?.armId, journey).toBe("ev1");
    }
  });
});
