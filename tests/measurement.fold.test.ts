import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { exposureEventId } from "@moments/engine";
import { ingestEvents } from "~/measurement/ingest.server";
import { attributeOrder } from "~/measurement/attribution.server";
import { applyRefund, parseRefund } from "~/measurement/refunds.server";
import { JOURNEY_ATTRIBUTE } from "~/measurement/journeys.server";
import { parseOrderCreated } from "~/orders/order-payload.server";
import { freshDatabase } from "./support/db";
import { freshPostgresDatabase, startPostgres, type PostgresCluster } from "./support/postgres";
import { samplePayload } from "./support/webhooks";
import { rollupVsExposures, seedExperiment } from "./measurement.helpers";

// One buyer, two journey keys (review finding 6): an order carries its `_moments_journey` attribute
// K and its checkout token T; exposures of one experiment version under both are one visitor, K's,
// whatever the order of arrival. ExperimentDaily must stay equal to what the exposure rows imply.
const NOW = new Date("2026-11-20T12:00:00Z");
const TOTAL = 40495;

let cluster: PostgresCluster | undefined;
const clients: PrismaClient[] = [];
afterAll(async () => {
  for (const c of clients) await c.$disconnect();
  cluster?.stop();
});

describe.each(["sqlite", "postgresql"] as const)("one buyer under two keys on %s", (dialect) => {
  let prisma: PrismaClient;
  let n = 0;
  beforeAll(async () => {
    if (dialect === "sqlite") prisma = freshDatabase("measurement-fold").prisma;
    else {
      cluster ??= await startPostgres();
      prisma = (await freshPostgresDatabase(cluster, "measurement_fold")).prisma;
    }
    clients.push(prisma);
  });

  /** A shop with one experiment (a variant and the hold-out; arms chosen by the test, not checked: no version rows). */
  async function setup() {
    const tag = `${dialect}-${++n}`;
    const domain = `fold-${tag}.myshopify.com`;
    const shopId = (await prisma.shop.create({ data: { domain, name: "Fold", currency: "USD" } })).id;
    const s = { shopId, domain, experimentId: `exp-${tag}`, offerId: `offer-${tag}`, variant: `v-${tag}` };
    await seedExperiment(prisma, shopId, { id: s.experimentId, offerId: s.offerId, variants: [s.variant] });
    const exposure = (journeyKey: string, arm: "holdout" | "variant", cartMinor: number) => ({
      id: exposureEventId(s.experimentId, 1, journeyKey),
      type: "exposure",
      moment: "checkout",
      surface: "checkout",
      journeyKey,
      offerId: s.offerId,
      experimentId: s.experimentId,
      version: 1,
      arm,
      ...(arm === "variant" ? { armId: s.variant } : {}),
      cartMinor,
      currency: "USD",
      occurredAt: NOW.getTime(),
    });
    const ingest = (...events: unknown[]) => ingestEvents(prisma, shopId, events, NOW);
    const placeOrder = (id: number, journey: string, checkoutToken: string) => {
      const p = samplePayload("orders/create", domain) as Record<string, unknown> & {
        line_items: Array<Record<string, unknown>>;
      };
      Object.assign(p, {
        id,
        admin_graphql_api_id: `gid://shopify/Order/${id}`,
        processed_at: NOW.toISOString(),
        test: false,
        checkout_token: checkoutToken,
      });
      p.note_attributes = [{ name: JOURNEY_ATTRIBUTE, value: journey }];
      p.line_items = p.line_items.map((l, i) => ({
        ...l,
        admin_graphql_api_id: `gid://shopify/LineItem/${id * 10 + i}`,
        properties: [],
      }));
      const order = parseOrderCreated(p);
      return prisma.$transaction((tx) =>
        attributeOrder(tx, { shopId, shopDomain: domain, orderRowId: `r-${id}`, order }),
      );
    };
    const refund = (id: number, orderId: number, amount: string) =>
      prisma.$transaction((tx) =>
        applyRefund(
          tx,
          shopId,
          parseRefund({
            id,
            order_id: orderId,
            refund_line_items: [
              {
                line_item_id: orderId * 10,
                quantity: 1,
                subtotal_set: { shop_money: { amount, currency_code: "USD" } },
                line_item: { admin_graphql_api_id: `gid://shopify/LineItem/${orderId * 10}` },
              },
            ],
          }),
        ),
      );
    const rows = async () =>
      (await prisma.experimentExposure.findMany({ where: { shopId }, orderBy: { journeyKey: "asc" } })).map((x) => [
        x.journeyKey,
        x.arm === "holdout" ? "holdout" : "variant",
        x.orders,
        x.revenueMinor,
        x.cartMinor,
      ]);
    const consistent = async () => {
      const c = await rollupVsExposures(prisma, shopId);
      expect(c.rollup).toEqual(c.exposures);
      return c.rollup;
    };
    return { ...s, exposure, ingest, placeOrder, refund, rows, consistent };
  }

  test("GIVEN exposures under the attribute and the token in different arms WHEN the order linking both arrives THEN the token's visitor folds into the attribute's, which counts the order once", async () => {
    const s = await setup();
    await s.ingest(s.exposure("attr-1", "holdout", 3000), s.exposure("tok-1", "variant", 2000));
    await s.placeOrder(1, "attr-1", "tok-1");
    expect(await s.rows()).toEqual([["attr-1", "holdout", 1, TOTAL, 3000]]);
    const rollup = await s.consistent();
    expect(rollup).toEqual({
      [`${s.experimentId}/v1/holdout`]: {
        visitors: 1,
        converters: 1,
        orders: 1,
        revenueMinor: TOTAL,
        revenueSq: TOTAL * TOTAL,
        covariateN: 1,
        covariateSum: 3000,
        covariateSq: 3000 * 3000,
        crossSum: 3000 * TOTAL,
      },
    });
    await s.refund(91, 1, "100.00");
    expect(await s.rows()).toEqual([["attr-1", "holdout", 1, TOTAL - 10000, 3000]]);
    await s.consistent();
  });

  test("GIVEN an order linking both keys and the attribute's exposure WHEN the token's exposure arrives THEN it is a duplicate visitor, not recorded", async () => {
    const s = await setup();
    await s.placeOrder(2, "attr-2", "tok-2");
    await s.ingest(s.exposure("attr-2", "holdout", 3000));
    const token = s.exposure("tok-2", "variant", 2000);
    expect(await s.ingest(token)).toEqual([{ id: token.id, status: "duplicate" }]);
    expect(await s.rows()).toEqual([["attr-2", "holdout", 1, TOTAL, 3000]]);
    expect(await prisma.event.count({ where: { shopId: s.shopId, clientEventId: token.id } })).toBe(0);
    await s.consistent();
  });

  test("GIVEN an order linking both keys counted by the token's exposure WHEN the attribute's exposure arrives THEN it takes the token's place, visitor and order", async () => {
    const s = await setup();
    await s.placeOrder(3, "attr-3", "tok-3");
    await s.ingest(s.exposure("tok-3", "variant", 2000));
    expect(await s.rows()).toEqual([["tok-3", "variant", 1, TOTAL, 2000]]);
    await s.ingest(s.exposure("attr-3", "holdout", 3000));
    expect(await s.rows()).toEqual([["attr-3", "holdout", 1, TOTAL, 3000]]);
    await s.consistent();
  });

  test("GIVEN both keys' exposures in one batch after the order WHEN ingested in either order THEN only the attribute's visitor remains", async () => {
    const s = await setup();
    await s.placeOrder(4, "attr-4", "tok-4");
    await s.placeOrder(5, "attr-5", "tok-5");
    await s.ingest(s.exposure("tok-4", "variant", 2000), s.exposure("attr-4", "holdout", 3000));
    await s.ingest(s.exposure("attr-5", "holdout", 3000), s.exposure("tok-5", "variant", 2000));
    expect(await s.rows()).toEqual([
      ["attr-4", "holdout", 1, TOTAL, 3000],
      ["attr-5", "holdout", 1, TOTAL, 3000],
    ]);
    await s.consistent();
  });
});
