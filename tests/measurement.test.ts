import { afterAll, beforeEach, describe, expect, test } from "vitest";
import { randomUUID } from "node:crypto";
import { freshDatabase } from "./support/db";
import { numbers } from "./support/numbers";
import { samplePayload } from "./support/webhooks";
import { ingestEvents } from "~/measurement/ingest.server";
import { attributeOrder } from "~/measurement/attribution.server";
import { applyRefund, parseRefund } from "~/measurement/refunds.server";
import { JOURNEY_ATTRIBUTE } from "~/measurement/journeys.server";
import { dashboardCsv, dashboardData } from "~/measurement/dashboard.server";
import { parseOrderCreated } from "~/orders/order-payload.server";
import { redactCustomer, redactShop } from "~/privacy.server";
import { seedExperiment } from "./measurement.helpers";

const db = freshDatabase("measurement");
const prisma = db.prisma;
const NOW = new Date("2026-11-20T12:00:00Z");
const DAY = "2026-11-20";
let shopId: string;

afterAll(() => prisma.$disconnect());
beforeEach(async () => {
  for (const table of [
    "event",
    "experimentExposure",
    "offerView",
    "momentDaily",
    "experimentDaily",
    "attributedLine",
    "journeyOrder",
    "refundRecord",
  ] as const) {
    await (prisma[table] as unknown as { deleteMany: () => Promise<unknown> }).deleteMany();
  }
  await prisma.shop.deleteMany();
  shopId = (await prisma.shop.create({ data: { domain: "measure.myshopify.com", name: "Measure", currency: "USD" } }))
    .id;
  // Exposures are accepted only for an experiment the shop has (no version rows: the arm is not checked).
  for (const id of ["exp-1", "e"]) await seedExperiment(prisma, shopId, { id });
});

const event = (over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: "impression",
  moment: "checkout",
  surface: "checkout",
  journeyKey: "journey-1",
  offerId: "offer-1",
  device: "mobile",
  country: "US",
  returning: false,
  occurredAt: NOW.getTime(),
  ...over,
});

const filters = { from: DAY, to: DAY };

describe("ingestion", () => {
  test("GIVEN a batch of 50 events WHEN the same batch is sent three times THEN it is stored once and the retries read as duplicates", async () => {
    const batch = Array.from({ length: 50 }, (_, i) =>
      event({ journeyKey: `j-${i}`, type: i % 5 === 0 ? "accept" : "impression" }),
    );
    const first = await ingestEvents(prisma, shopId, batch, NOW);
    const second = await ingestEvents(prisma, shopId, batch, NOW);
    const third = await ingestEvents(prisma, shopId, batch, NOW);
    expect(first.every((r) => r.status === "accepted")).toBe(true);
    expect([...second, ...third].every((r) => r.status === "duplicate")).toBe(true);
    expect(await prisma.event.count({ where: { shopId } })).toBe(50);
    const d = await dashboardData(prisma, shopId, filters);
    expect(d.offers[0]).toMatchObject({ impressions: 40, accepts: 10 });
  });

  test("GIVEN a batch with one malformed event WHEN ingested THEN that event alone is rejected with its reason and the rest are stored", async () => {
    const good = [event(), event({ journeyKey: "journey-2" })];
    const bad = { ...event(), moment: "lunch" };
    const results = await ingestEvents(prisma, shopId, [good[0], bad, good[1]], NOW);
    expect(results[0]).toEqual({ id: good[0]!.id, status: "accepted" });
    expect(results[1]).toMatchObject({ id: bad.id, status: "rejected", reason: expect.stringMatching(/^moment: /) });
    expect(results[2]).toEqual({ id: good[1]!.id, status: "accepted" });
    expect(await prisma.event.count({ where: { shopId } })).toBe(2);
  });

  test("GIVEN an event that is not even an object WHEN ingested THEN it is rejected without an id", async () => {
    const results = await ingestEvents(prisma, shopId, ["nonsense"], NOW);
    expect(results[0]).toMatchObject({ id: null, status: "rejected" });
  });

  test("GIVEN a click with no offer id WHEN ingested THEN it is rejected: the offer events must say which offer", async () => {
    const results = await ingestEvents(prisma, shopId, [event({ type: "click", offerId: undefined })], NOW);
    expect(results[0]).toMatchObject({ status: "rejected", reason: "offerId: required for click events" });
  });

  test("GIVEN the same id twice in one batch WHEN ingested THEN the second is a duplicate", async () => {
    const e = event();
    const results = await ingestEvents(prisma, shopId, [e, e], NOW);
    expect(results.map((r) => r.status)).toEqual(["accepted", "duplicate"]);
  });

  test("GIVEN a buyer whose impression is reported twice WHEN rolled up THEN impressions count the buyer once", async () => {
    await ingestEvents(prisma, shopId, [event(), event(), event({ type: "accept" })], NOW);
    const d = await dashboardData(prisma, shopId, filters);
    expect(d.offers[0]).toMatchObject({ impressions: 1, accepts: 1 });
    expect(d.offers[0]!.takeRate.value).toBe(1);
  });

  test("GIVEN a client clock a year off WHEN ingested THEN the event is kept on the bounded day (7 days back)", async () => {
    await ingestEvents(prisma, shopId, [event({ occurredAt: NOW.getTime() - 365 * 86400_000 })], NOW);
    expect((await prisma.event.findFirst())!.day).toBe("2026-11-13");
  });

  test("GIVEN desktop and mobile buyers WHEN the dashboard filters on desktop THEN only desktop counts", async () => {
    await ingestEvents(prisma, shopId, [event(), event({ journeyKey: "j-d", device: "desktop" })], NOW);
    const d = await dashboardData(prisma, shopId, { ...filters, device: "desktop" });
    expect(d.offers[0]!.impressions).toBe(1);
  });
});

describe("attribution", () => {
  // The buyer's arm, as every surface reports it at the decision (an exposure, hold-out and variant alike).
  const experiment = (journeyKey: string, arm: "variant" | "holdout") =>
    event({
      type: "exposure",
      journeyKey,
      experimentId: "exp-1",
      version: 1,
      arm,
      armId: arm === "variant" ? "v1" : undefined,
      cartMinor: 5000,
      currency: "USD",
    });
  /** Visitors, orders and revenue per arm, from the ExperimentDaily roll-up the dashboard reads. */
  const arms = async () => {
    const rows = await prisma.experimentDaily.groupBy({
      by: ["arm"],
      where: { shopId },
      _sum: { visitors: true, orders: true, revenueMinor: true },
    });
    return Object.fromEntries(
      rows.map((r) => {
        const sum = numbers(r._sum);
        return [
          r.arm,
          {
            visitors: sum.visitors,
            orders: sum.orders,
            revenueMinor: sum.revenueMinor,
            aov: sum.revenueMinor! / sum.orders!,
          },
        ];
      }),
    );
  };

  function order(journeyKey: string | null, opts: { offerLine?: boolean; id?: number } = {}) {
    const payload = samplePayload("orders/create", "measure.myshopify.com") as Record<string, unknown> & {
      line_items: Array<Record<string, unknown>>;
    };
    payload.id = opts.id ?? 820982911946154500;
    payload.admin_graphql_api_id = `gid://shopify/Order/${payload.id}`;
    payload.processed_at = NOW.toISOString();
    payload.test = false; // Shopify's sample is a test order, which is never attributed
    payload.note_attributes = journeyKey ? [{ name: JOURNEY_ATTRIBUTE, value: journeyKey }] : [];
    if (opts.offerLine !== false) {
      // The second sample line (a 19.99 protection plan) becomes the accepted upsell.
      payload.line_items[1]!.properties = [
        { name: "_moments_offer", value: "offer-1" },
        { name: "_moments_variant", value: "v1" },
        { name: "_moments_moment", value: "checkout" },
      ];
    }
    return parseOrderCreated(payload);
  }

  const attribute = (o: ReturnType<typeof order>) =>
    prisma.$transaction((tx) =>
      attributeOrder(tx, { shopId, shopDomain: "measure.myshopify.com", orderRowId: "row", order: o }),
    );

  test("GIVEN Shopify's sample order with the offer attributes on one line WHEN attributed THEN that line's price is the offer's revenue in shop currency", async () => {
    await ingestEvents(prisma, shopId, [experiment("j-1", "variant")], NOW);
    await attribute(order("j-1"));
    const d = await dashboardData(prisma, shopId, filters);
    expect(d.currency).toBe("USD");
    expect(d.offers[0]).toMatchObject({ offerId: "offer-1", attributedMinor: 1999, netMinor: 1999 });
  });

  test("GIVEN an attributed order WHEN refunds/create (Shopify's sample) refunds the upsell line THEN net revenue drops by the refunded amount, once per refund", async () => {
    await attribute(order("j-1"));
    const refund = parseRefund(samplePayload("refunds/create", "measure.myshopify.com"));
    await prisma.$transaction((tx) => applyRefund(tx, shopId, refund));
    await prisma.$transaction((tx) => applyRefund(tx, shopId, refund));
    const d = await dashboardData(prisma, shopId, filters);
    expect(d.offers[0]).toMatchObject({ attributedMinor: 1999, refundedMinor: 1999, netMinor: 0 });
  });

  test("GIVEN a hold-out buyer's order WHEN attributed THEN it counts for the hold-out arm's revenue per visitor and AOV", async () => {
    await ingestEvents(
      prisma,
      shopId,
      [experiment("j-hold", "holdout"), experiment("j-var", "variant"), event({ journeyKey: "j-var" })],
      NOW,
    );
    await attribute(order("j-hold", { offerLine: false, id: 1001 }));
    await attribute(order("j-var", { id: 1002 }));
    const d = await dashboardData(prisma, shopId, filters);
    const byArm = await arms();
    const total = parseOrderCreated({ ...samplePayload("orders/create", "x") }).totalMinor;
    expect(byArm.holdout).toMatchObject({ visitors: 1, orders: 1, revenueMinor: total, aov: total });
    expect(byArm.v1).toMatchObject({ visitors: 1, orders: 1, revenueMinor: total });
    // Hold-out buyers saw nothing: they are not impressions of the offer.
    expect(d.offers[0]!.impressions).toBe(1);
  });

  test("GIVEN an order that arrives before its buyer's exposure is reported WHEN the exposure arrives THEN the order still counts for the arm", async () => {
    await attribute(order("j-late", { offerLine: false }));
    await ingestEvents(prisma, shopId, [experiment("j-late", "holdout")], NOW);
    expect((await arms()).holdout).toMatchObject({ visitors: 1, orders: 1 });
  });

  test("GIVEN the dashboard's figures WHEN exported as CSV THEN the file carries the same numbers", async () => {
    await ingestEvents(
      prisma,
      shopId,
      [experiment("j-1", "variant"), event({ journeyKey: "j-1" }), event({ type: "accept", journeyKey: "j-1" })],
      NOW,
    );
    await attribute(order("j-1"));
    const d = await dashboardData(prisma, shopId, filters);
    const csv = dashboardCsv(d);
    expect(csv).toContain(`offer,checkout,offer-1,offer-1,1,0,1,0,1,`);
    expect(csv).toContain(",1999,0,1999\r\n");
  });
});

describe("privacy", () => {
  test("GIVEN a shop with measurement rows WHEN shop/redact runs THEN they are all gone", async () => {
    await ingestEvents(prisma, shopId, [event({ type: "exposure", experimentId: "e", arm: "holdout" }), event()], NOW);
    await prisma.$transaction((tx) => redactShop(tx, "measure.myshopify.com", "keep"));
    expect(await prisma.event.count({ where: { shopId } })).toBe(0);
    expect(await prisma.momentDaily.count({ where: { shopId } })).toBe(0);
    expect(await prisma.experimentExposure.count({ where: { shopId } })).toBe(0);
    expect(await prisma.experimentDaily.count({ where: { shopId } })).toBe(0);
  });

  test("GIVEN a customer's order linked to a journey WHEN customers/redact names it THEN the journey's raw events go and the roll-ups stay", async () => {
    await ingestEvents(prisma, shopId, [event({ journeyKey: "j-c" })], NOW);
    await prisma.$transaction((tx) =>
      attributeOrder(tx, {
        shopId,
        shopDomain: "measure.myshopify.com",
        orderRowId: "r",
        order: {
          ...parseOrderCreated(samplePayload("orders/create", "x")),
          test: false,
          attributes: { [JOURNEY_ATTRIBUTE]: "j-c" },
        },
      }),
    );
    const orderId = (await prisma.journeyOrder.findFirst())!.orderId;
    await prisma.$transaction((tx) =>
      redactCustomer(tx, { shopId, customerId: null, email: null, orderIds: [orderId] }),
    );
    expect(await prisma.event.count({ where: { shopId, journeyKey: "j-c" } })).toBe(0);
    expect(await prisma.momentDaily.count({ where: { shopId } })).toBe(1);
  });
});
