import { afterAll, beforeEach, describe, expect, test } from "vitest";
import { randomUUID } from "node:crypto";
import { exposureEventId } from "@moments/engine";
import { freshDatabase } from "./support/db";
import { numbers } from "./support/numbers";
import { samplePayload } from "./support/webhooks";
import { ingestEvents } from "~/measurement/ingest.server";
import { attributeOrder } from "~/measurement/attribution.server";
import { applyCancellation, applyRefund, parseRefund } from "~/measurement/refunds.server";
import { JOURNEY_ATTRIBUTE } from "~/measurement/journeys.server";
import { parseOrderCreated } from "~/orders/order-payload.server";
import { seedExperiment } from "./measurement.helpers";
import { ROLLUP_SUMS } from "~/experiments/report.server";

// Exposures in, net revenue per arm, the journey join and segment truth, on a real database
// through the same functions the webhooks and the event endpoints call.
const db = freshDatabase("measurement-net");
const prisma = db.prisma;
const NOW = new Date("2026-11-20T12:00:00Z");
const SHOP = "net.myshopify.com";
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
    "order",
  ] as const) {
    await (prisma[table] as unknown as { deleteMany: () => Promise<unknown> }).deleteMany();
  }
  await prisma.shop.deleteMany();
  shopId = (await prisma.shop.create({ data: { domain: SHOP, name: "Net", currency: "USD" } })).id;
  // Exposures are accepted only for an experiment the shop has (versions 1 and 2; no version rows:
  // these tests choose arms freely, so the arm is not checked; tests/measurement.trust.test.ts checks it).
  for (const id of ["exp-1", "exp-a", "exp-b"]) await seedExperiment(prisma, shopId, { id, version: 2 });
});

interface ExposureOpts {
  arm?: "holdout" | string;
  version?: number;
  cartMinor?: number;
  device?: "mobile" | "desktop";
  country?: string;
  returning?: boolean;
  experimentId?: string;
}
/** An exposure event as the surfaces send it (engine exposureEventFields): deterministic id. */
const exposure = (journeyKey: string, o: ExposureOpts = {}) => {
  const experimentId = o.experimentId ?? "exp-1";
  const version = o.version ?? 1;
  const arm = o.arm ?? "holdout";
  return {
    id: exposureEventId(experimentId, version, journeyKey),
    type: "exposure",
    moment: "checkout",
    surface: "checkout",
    journeyKey,
    offerId: "offer-1",
    experimentId,
    version,
    arm: arm === "holdout" ? "holdout" : "variant",
    ...(arm === "holdout" ? {} : { armId: arm }),
    ...(o.cartMinor === undefined ? {} : { cartMinor: o.cartMinor }),
    currency: "USD",
    ...(o.device ? { device: o.device } : {}),
    ...(o.country ? { country: o.country } : {}),
    ...(o.returning === undefined ? {} : { returning: o.returning }),
    occurredAt: NOW.getTime(),
  };
};
const impression = (journeyKey: string, over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: "impression",
  moment: "checkout",
  surface: "checkout",
  journeyKey,
  offerId: "offer-1",
  occurredAt: NOW.getTime(),
  ...over,
});
const ingest = (...events: unknown[]) => ingestEvents(prisma, shopId, events, NOW);

interface OrderOpts {
  id: number;
  journey?: string;
  checkoutToken?: string;
  test?: boolean;
  upsell?: boolean;
}
/** Shopify's sample order (total 404.95 USD, five lines), as a live order of one journey. */
function orderPayload(o: OrderOpts) {
  const payload = samplePayload("orders/create", SHOP) as Record<string, unknown> & {
    line_items: Array<Record<string, unknown>>;
  };
  payload.id = o.id;
  payload.admin_graphql_api_id = `gid://shopify/Order/${o.id}`;
  payload.processed_at = NOW.toISOString();
  payload.test = o.test ?? false;
  payload.checkout_token = o.checkoutToken ?? null;
  payload.note_attributes = o.journey ? [{ name: JOURNEY_ATTRIBUTE, value: o.journey }] : [];
  payload.line_items = payload.line_items.map((l, i) => ({
    ...l,
    id: o.id * 10 + i,
    admin_graphql_api_id: `gid://shopify/LineItem/${o.id * 10 + i}`,
    // The second sample line (19.99) is the accepted upsell.
    properties:
      i === 1 && o.upsell !== false
        ? [
            { name: "_moments_offer", value: "offer-1" },
            { name: "_moments_variant", value: "v1" },
            { name: "_moments_moment", value: "checkout" },
          ]
        : [],
  }));
  return payload;
}
const TOTAL = 40495;
const UPSELL = 1999;

/** orders/create as the webhook runs it: the Order row, then the handlers, in one transaction. */
const placeOrder = (o: OrderOpts) => {
  const order = parseOrderCreated(orderPayload(o));
  return prisma.$transaction(async (tx) => {
    const row = await tx.order.create({
      data: {
        shopId,
        shopifyId: order.shopifyId,
        currency: order.currency,
        totalMinor: order.totalMinor,
        subtotalMinor: order.subtotalMinor,
        lineCount: order.lines.length,
        processedAt: order.processedAt,
      },
    });
    await attributeOrder(tx, { shopId, shopDomain: SHOP, orderRowId: row.id, order });
  });
};

/** A refunds/create payload for order `id`: lines by index (subtotal, tax), shipping, adjustments. */
function refundPayload(
  id: number,
  orderId: number,
  lines: Array<{ index: number; subtotal: string; tax?: string }>,
  extra: Record<string, unknown> = {},
) {
  const usd = (amount: string) => ({
    shop_money: { amount, currency_code: "USD" },
    presentment_money: { amount, currency_code: "USD" },
  });
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Refund/${id}`,
    order_id: orderId,
    refund_line_items: lines.map((l) => ({
      id: id * 10 + l.index,
      line_item_id: orderId * 10 + l.index,
      quantity: 1,
      subtotal_set: usd(l.subtotal),
      total_tax_set: usd(l.tax ?? "0.00"),
      line_item: { admin_graphql_api_id: `gid://shopify/LineItem/${orderId * 10 + l.index}` },
    })),
    refund_shipping_lines: [],
    order_adjustments: [],
    ...extra,
  };
}
const refund = (payload: unknown) => prisma.$transaction((tx) => applyRefund(tx, shopId, parseRefund(payload)));
const cancel = (orderId: number) =>
  prisma.$transaction((tx) => applyCancellation(tx, shopId, `gid://shopify/Order/${orderId}`));

/** ExperimentDaily summed per arm (what the dashboard reads). */
async function arms() {
  const rows = await prisma.experimentDaily.groupBy({
    by: ["arm"],
    where: { shopId },
    _sum: ROLLUP_SUMS,
  });
  return numbers(Object.fromEntries(rows.map((r) => [r.arm, r._sum])));
}
/** Net attributed upsell revenue per device / segment / country, and overall. */
async function attributed() {
  const rows = await prisma.momentDaily.findMany({ where: { shopId } });
  const sum = (f: (r: (typeof rows)[number]) => boolean) =>
    rows.filter(f).reduce((s, r) => s + Number(r.attributedMinor - r.refundedMinor), 0);
  return {
    total: sum(() => true),
    mobile: sum((r) => r.device === "mobile"),
    desktop: sum((r) => r.device === "desktop"),
    newBuyers: sum((r) => r.segment === "new"),
    returning: sum((r) => r.segment === "returning"),
    emptyDims: sum((r) => r.device === "" && r.country === "" && r.segment === ""),
    orders: rows.reduce((s, r) => s + Number(r.attributedOrders), 0),
  };
}

describe("exposure ingestion", () => {
  test("GIVEN a hold-out and a variant exposure WHEN ingested THEN each journey is one visitor of its arm with version, surface and cart, and neither is an impression", async () => {
    const results = await ingest(
      exposure("j-h", { arm: "holdout", cartMinor: 1200 }),
      exposure("j-v", { arm: "v1", cartMinor: 3400 }),
    );
    expect(results.map((r) => r.status)).toEqual(["accepted", "accepted"]);
    const rows = await prisma.experimentExposure.findMany({ where: { shopId }, orderBy: { journeyKey: "asc" } });
    expect(numbers(rows.map((r) => [r.journeyKey, r.arm, r.version, r.surface, r.cartMinor]))).toEqual([
      ["j-h", "holdout", 1, "checkout", 1200],
      ["j-v", "v1", 1, "checkout", 3400],
    ]);
    expect(await arms()).toMatchObject({ holdout: { visitors: 1 }, v1: { visitors: 1 } });
    expect(await prisma.momentDaily.count({ where: { shopId } })).toBe(0);
    expect(await prisma.offerView.count({ where: { shopId } })).toBe(0);
    expect(
      await prisma.event.findMany({
        where: { shopId },
        select: { version: true, cartMinor: true },
        orderBy: { cartMinor: "asc" },
      }),
    ).toEqual([
      { version: 1, cartMinor: 1200 },
      { version: 1, cartMinor: 3400 },
    ]);
  });

  test("GIVEN one journey's exposure reported by three placements and a retry WHEN ingested THEN it is one visitor, the first arm reported", async () => {
    const first = exposure("j-1", { arm: "v1" });
    await ingest(first, first);
    await ingest(first, { ...exposure("j-1", { arm: "holdout" }), id: "another-id-1" });
    expect(await prisma.experimentExposure.findMany({ where: { shopId }, select: { arm: true } })).toEqual([
      { arm: "v1" },
    ]);
    expect((await arms()).v1).toMatchObject({ visitors: 1 });
    expect((await arms()).holdout).toBeUndefined();
  });

  test("GIVEN one journey exposed to versions 1 and 2 of an experiment WHEN ingested THEN it is a visitor of each version, kept apart", async () => {
    await ingest(exposure("j-1", { version: 1 }), exposure("j-1", { version: 2 }));
    const daily = await prisma.experimentDaily.findMany({ where: { shopId }, orderBy: { version: "asc" } });
    expect(numbers(daily.map((d) => [d.version, d.visitors]))).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  test("GIVEN visitors with and without a cart and their orders WHEN rolled up THEN the CUPED sums are exact, a visitor without a cart with covariate 0", async () => {
    await ingest(exposure("j-a", { cartMinor: 1000 }), exposure("j-b", { cartMinor: 2000 }), exposure("j-c"));
    await placeOrder({ id: 1, journey: "j-a", upsell: false });
    await placeOrder({ id: 2, journey: "j-c", upsell: false });
    expect((await arms()).holdout).toEqual({
      visitors: 3,
      converters: 2,
      orders: 2,
      revenueMinor: 2 * TOTAL,
      revenueSq: 2 * TOTAL * TOTAL,
      orderValueSq: 2 * TOTAL * TOTAL,
      covariateN: 3,
      covariateSum: 3000,
      covariateSq: 1000 * 1000 + 2000 * 2000,
      crossSum: 1000 * TOTAL,
    });
  });

  test("GIVEN a hold-out buyer's impression WHEN ingested THEN it is rejected: a hold-out buyer reports only an exposure", async () => {
    const [result] = await ingest(impression("j-1", { experimentId: "exp-1", arm: "holdout" }));
    expect(result).toMatchObject({ status: "rejected", reason: 'type: a hold-out buyer reports only an "exposure"' });
  });

  test("GIVEN a variant buyer's impression WHEN ingested THEN it counts as an impression of the variant but makes no visitor", async () => {
    await ingest(impression("j-1", { experimentId: "exp-1", arm: "variant", armId: "v1" }));
    expect(await prisma.experimentExposure.count({ where: { shopId } })).toBe(0);
    expect(numbers(await prisma.momentDaily.findFirst({ where: { shopId } }))).toMatchObject({
      arm: "variant",
      impressions: 1,
    });
  });

  test("GIVEN an exposure without its experiment or with a variant arm but no variant id WHEN ingested THEN it is rejected with the reason", async () => {
    const { experimentId: _e, ...noExperiment } = exposure("j-1");
    const noVariant = { ...exposure("j-2", { arm: "v1" }), armId: undefined };
    const results = await ingest(noExperiment, noVariant);
    expect(results.map((r) => r.status === "rejected" && r.reason)).toEqual([
      "experimentId: required for exposure events",
      'armId: required with arm "variant"',
    ]);
  });
});

describe("net revenue per arm", () => {
  test("GIVEN a visitor's order WHEN a line that is not the upsell is refunded with its tax THEN the arm's revenue, square sums and AOV lose exactly that", async () => {
    await ingest(exposure("j-1", { cartMinor: 500 }));
    await placeOrder({ id: 1, journey: "j-1" });
    await refund(refundPayload(91, 1, [{ index: 0, subtotal: "89.99", tax: "5.00" }]));
    const net = TOTAL - 9499;
    expect((await arms()).holdout).toMatchObject({
      orders: 1,
      converters: 1,
      revenueMinor: net,
      revenueSq: net * net,
      orderValueSq: net * net,
      crossSum: 500 * net,
    });
    expect(await prisma.experimentExposure.findFirst({ where: { shopId } })).toMatchObject({
      orders: 1,
      revenueMinor: net,
    });
    expect((await attributed()).total).toBe(UPSELL); // the upsell line was not refunded
  });

  test("GIVEN a partial refund of the upsell, shipping and an adjustment WHEN applied THEN both the upsell's and the order's net revenue drop by what came off", async () => {
    await ingest(exposure("j-1"));
    await placeOrder({ id: 1, journey: "j-1" });
    const usd = (amount: string) => ({ shop_money: { amount, currency_code: "USD" } });
    await refund(
      refundPayload(91, 1, [{ index: 1, subtotal: "9.99" }], {
        refund_shipping_lines: [{ subtotal_amount_set: usd("4.00"), tax_amount_set: usd("0.00") }],
        order_adjustments: [{ kind: "refund_discrepancy", amount_set: usd("1.00"), tax_amount_set: usd("0.00") }],
      }),
    );
    const net = TOTAL - (999 + 400 - 100);
    expect((await arms()).holdout).toMatchObject({ revenueMinor: net, revenueSq: net * net });
    expect(await attributed()).toMatchObject({ total: UPSELL - 999 });
  });

  test("GIVEN a refund delivered before its order WHEN the order arrives THEN the refund is applied with it, and its redelivery changes nothing", async () => {
    await ingest(exposure("j-1"));
    const payload = refundPayload(91, 1, [{ index: 1, subtotal: "19.99" }]);
    await refund(payload);
    expect(await prisma.refundRecord.findFirst({ where: { shopId } })).toMatchObject({ pending: true });
    expect((await arms()).holdout).toMatchObject({ orders: 0, revenueMinor: 0 });
    await placeOrder({ id: 1, journey: "j-1" });
    await refund(payload);
    const net = TOTAL - UPSELL;
    expect((await arms()).holdout).toMatchObject({ orders: 1, revenueMinor: net, revenueSq: net * net });
    expect(await attributed()).toMatchObject({ total: 0 });
    expect(await prisma.refundRecord.findFirst({ where: { shopId } })).toMatchObject({
      pending: false,
      payload: "",
      attributedMinor: UPSELL,
      orderMinor: UPSELL,
    });
  });

  test("GIVEN a refund delivered twice after its order WHEN applied THEN it counts once", async () => {
    await ingest(exposure("j-1"));
    await placeOrder({ id: 1, journey: "j-1" });
    const payload = refundPayload(91, 1, [{ index: 0, subtotal: "89.99" }]);
    await refund(payload);
    await refund(payload);
    expect((await arms()).holdout).toMatchObject({ revenueMinor: TOTAL - 8999 });
  });

  test("GIVEN a refund larger than what remains of the order WHEN applied THEN the order's net revenue stops at zero", async () => {
    await ingest(exposure("j-1"));
    await placeOrder({ id: 1, journey: "j-1" });
    await refund(
      refundPayload(
        91,
        1,
        [0, 1, 2, 3, 4].map((index) => ({ index, subtotal: "200.00" })),
      ),
    );
    expect((await arms()).holdout).toMatchObject({ orders: 1, revenueMinor: 0, revenueSq: 0, orderValueSq: 0 });
  });

  test("GIVEN a visitor with two orders WHEN one is cancelled THEN orders drop by one, the visitor stays a converter and revenue is the other order's", async () => {
    await ingest(exposure("j-1", { cartMinor: 100 }));
    await placeOrder({ id: 1, journey: "j-1" });
    await placeOrder({ id: 2, journey: "j-1", upsell: false });
    await cancel(1);
    expect((await arms()).holdout).toEqual(
      expect.objectContaining({
        orders: 1,
        converters: 1,
        revenueMinor: TOTAL,
        revenueSq: TOTAL * TOTAL,
        orderValueSq: TOTAL * TOTAL,
        crossSum: 100 * TOTAL,
      }),
    );
    expect(await attributed()).toMatchObject({ total: 0 }); // the cancelled order's upsell, refunded in full
  });

  test("GIVEN a visitor's only order, partly refunded WHEN cancelled (twice) THEN the visitor has no order, no converter, no revenue", async () => {
    await ingest(exposure("j-1", { cartMinor: 100 }));
    await placeOrder({ id: 1, journey: "j-1" });
    await refund(refundPayload(91, 1, [{ index: 1, subtotal: "5.00" }]));
    await cancel(1);
    await cancel(1);
    expect((await arms()).holdout).toEqual(
      expect.objectContaining({
        visitors: 1,
        orders: 0,
        converters: 0,
        revenueMinor: 0,
        revenueSq: 0,
        orderValueSq: 0,
        crossSum: 0,
      }),
    );
    expect(await attributed()).toMatchObject({ total: 0 });
    const line = await prisma.attributedLine.findFirstOrThrow({ where: { shopId } });
    expect(line).toMatchObject({ revenueMinor: UPSELL, refundedMinor: UPSELL });
  });

  test("GIVEN a cancellation delivered before its order WHEN the order arrives THEN it never counts", async () => {
    await ingest(exposure("j-1"));
    await cancel(1);
    await placeOrder({ id: 1, journey: "j-1" });
    expect((await arms()).holdout).toMatchObject({ orders: 0, converters: 0, revenueMinor: 0 });
    expect(await attributed()).toMatchObject({ total: 0 });
    expect(await prisma.refundRecord.findFirst({ where: { shopId } })).toMatchObject({
      pending: false,
      orderMinor: TOTAL,
      attributedMinor: UPSELL,
    });
  });

  test("GIVEN a test order WHEN it arrives THEN it is neither linked to the journey nor attributed", async () => {
    await ingest(exposure("j-1"));
    await placeOrder({ id: 1, journey: "j-1", test: true });
    expect(await prisma.journeyOrder.count({ where: { shopId } })).toBe(0);
    expect(await prisma.attributedLine.count({ where: { shopId } })).toBe(0);
    expect((await arms()).holdout).toMatchObject({ visitors: 1, orders: 0, revenueMinor: 0 });
  });

  test("GIVEN an order refunded and another cancelled before the exposure arrives WHEN it arrives THEN the visitor counts the net of the first only", async () => {
    await placeOrder({ id: 1, journey: "j-1" });
    await placeOrder({ id: 2, journey: "j-1" });
    await refund(refundPayload(91, 1, [{ index: 0, subtotal: "89.99" }]));
    await cancel(2);
    await ingest(exposure("j-1", { cartMinor: 10 }));
    const net = TOTAL - 8999;
    expect((await arms()).holdout).toMatchObject({
      visitors: 1,
      converters: 1,
      orders: 1,
      revenueMinor: net,
      revenueSq: net * net,
      orderValueSq: net * net,
      crossSum: 10 * net,
    });
  });
});

describe("one journey join", () => {
  test("GIVEN an order without the journey attribute WHEN its checkout token has an exposure THEN the order counts for that visitor", async () => {
    await ingest(exposure("token-1", { arm: "v1" }));
    await placeOrder({ id: 1, checkoutToken: "token-1" });
    expect((await arms()).v1).toMatchObject({ orders: 1, revenueMinor: TOTAL });
  });

  test("GIVEN an order carrying both keys, each exposed in one experiment version WHEN it arrives THEN the version counts it once", async () => {
    await ingest(exposure("attr-1", { arm: "holdout" }), exposure("token-1", { arm: "v1" }));
    await placeOrder({ id: 1, journey: "attr-1", checkoutToken: "token-1" });
    const a = await arms();
    expect([a.holdout!.orders, a.v1!.orders]).toEqual([1, 0]);
    expect(a.holdout!.revenueMinor! + a.v1!.revenueMinor!).toBe(TOTAL);
  });

  test("GIVEN an order carrying both keys, counted by the token's exposure WHEN the attribute's exposure arrives later THEN the buyer and the order move to it, once, and a refund finds it", async () => {
    await placeOrder({ id: 1, journey: "attr-1", checkoutToken: "token-1" });
    await ingest(exposure("token-1", { arm: "v1", cartMinor: 7 }));
    expect((await arms()).v1).toMatchObject({ orders: 1, revenueMinor: TOTAL });
    await ingest(exposure("attr-1", { arm: "holdout", cartMinor: 3 }));
    await refund(refundPayload(91, 1, [{ index: 0, subtotal: "89.99" }]));
    const net = TOTAL - 8999;
    const a = await arms();
    expect(a.v1).toMatchObject({
      visitors: 0,
      orders: 0,
      converters: 0,
      revenueMinor: 0,
      revenueSq: 0,
      orderValueSq: 0,
      crossSum: 0,
      covariateN: 0,
      covariateSum: 0,
    });
    expect(a.holdout).toMatchObject({
      visitors: 1,
      orders: 1,
      converters: 1,
      revenueMinor: net,
      revenueSq: net * net,
      orderValueSq: net * net,
      crossSum: 3 * net,
    });
  });

  test("GIVEN an order carrying both keys and two experiments, one per key WHEN it arrives THEN each experiment counts it", async () => {
    await ingest(exposure("attr-1", { experimentId: "exp-a" }), exposure("token-1", { experimentId: "exp-b" }));
    await placeOrder({ id: 1, journey: "attr-1", checkoutToken: "token-1" });
    const rows = await prisma.experimentDaily.findMany({ where: { shopId }, orderBy: { experimentId: "asc" } });
    expect(numbers(rows.map((r) => [r.experimentId, r.orders, r.revenueMinor]))).toEqual([
      ["exp-a", 1, TOTAL],
      ["exp-b", 1, TOTAL],
    ]);
  });

  test("GIVEN the same order delivered twice WHEN attributed THEN it is linked and counted once", async () => {
    await ingest(exposure("attr-1"));
    const order = parseOrderCreated(orderPayload({ id: 1, journey: "attr-1", checkoutToken: "token-1" }));
    for (let i = 0; i < 2; i++)
      await prisma.$transaction((tx) => attributeOrder(tx, { shopId, shopDomain: SHOP, orderRowId: "r", order }));
    expect((await arms()).holdout).toMatchObject({ orders: 1, revenueMinor: TOTAL });
    expect(await prisma.journeyOrder.count({ where: { shopId } })).toBe(2); // one row per key
  });
});

describe("segment truth", () => {
  test("GIVEN orders that arrive before their journeys' impressions WHEN the impressions arrive THEN device and segment sums equal the total", async () => {
    await placeOrder({ id: 1, journey: "j-m" });
    await placeOrder({ id: 2, journey: "j-d" });
    await placeOrder({ id: 3, checkoutToken: "tok-r" });
    expect(await attributed()).toMatchObject({ total: 3 * UPSELL, emptyDims: 3 * UPSELL });
    await ingest(
      impression("j-m", { device: "mobile", country: "DE", returning: false }),
      impression("j-d", { device: "desktop", country: "FR", returning: true }),
      exposure("tok-r", { device: "mobile", country: "US", returning: true }),
    );
    const a = await attributed();
    expect(a).toMatchObject({
      total: 3 * UPSELL,
      mobile: 2 * UPSELL,
      desktop: UPSELL,
      newBuyers: UPSELL,
      returning: 2 * UPSELL,
      emptyDims: 0,
      orders: 3,
    });
    expect(a.mobile + a.desktop).toBe(a.total);
    expect(a.newBuyers + a.returning).toBe(a.total);
    const lines = await prisma.attributedLine.findMany({ where: { shopId }, orderBy: { orderId: "asc" } });
    expect(lines.map((l) => [l.device, l.country, l.segment])).toEqual([
      ["mobile", "DE", "new"],
      ["desktop", "FR", "returning"],
      ["mobile", "US", "returning"],
    ]);
    const empty = await prisma.momentDaily.findMany({ where: { shopId, device: "", country: "", segment: "" } });
    expect(numbers(empty.map((r) => [r.attributedMinor, r.refundedMinor, r.attributedOrders]))).toEqual([[0, 0, 0]]);
  });

  test("GIVEN a refunded upsell attributed before its journey's view WHEN the view arrives THEN the refund moves with the line", async () => {
    await placeOrder({ id: 1, journey: "j-1" });
    await refund(refundPayload(91, 1, [{ index: 1, subtotal: "5.00" }]));
    await ingest(impression("j-1", { device: "desktop", returning: false }));
    expect(await attributed()).toMatchObject({ total: UPSELL - 500, desktop: UPSELL - 500, emptyDims: 0 });
  });

  test("GIVEN a view that arrives before the order WHEN attributed THEN the line carries the view's device, country and segment, not the order's address", async () => {
    await ingest(impression("j-1", { device: "mobile", country: "DE", returning: true }));
    await placeOrder({ id: 1, journey: "j-1" });
    expect(await prisma.attributedLine.findFirst({ where: { shopId } })).toMatchObject({
      device: "mobile",
      country: "DE",
      segment: "returning",
    });
  });

  test("GIVEN an exposure that carries the buyer's dims WHEN a later order is counted THEN the arm's order carries them", async () => {
    await ingest(exposure("j-1", { device: "desktop", country: "FR", returning: false }));
    await placeOrder({ id: 1, journey: "j-1" });
    const row = await prisma.experimentDaily.findFirstOrThrow({ where: { shopId } });
    expect(numbers(row)).toMatchObject({ device: "desktop", country: "FR", segment: "new", orders: 1 });
  });
});
