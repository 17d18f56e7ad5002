import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { dayOf } from "~/measurement/rollup.server";
import { labelsLeft } from "./retention.helpers";
import {
  BATCH_SIZE,
  cutoffFor,
  PURGED_TABLES,
  purgeExpiredData,
  scheduleRetention,
  type PurgedTable,
} from "~/retention/retention.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { freshPostgresDatabase, startPostgres, type PostgresCluster, type PostgresDatabase } from "./support/postgres";

/**
 * Data retention (app/retention/retention.server.ts): each shop's measurement, email and
 * post-purchase rows older than its retention period go; consent records and configuration stay.
 */
const NOW = new Date("2026-11-20T12:00:00Z");
const MINUTE = 60_000;
const DAY_MS = 24 * 3600 * 1000;

const opened: TestDatabase[] = [];
const fresh = (label: string) => {
  const db = freshDatabase(`retention-${label}`);
  opened.push(db);
  return db;
};
afterAll(async () => {
  for (const db of opened) await db.prisma.$disconnect();
});

async function createShop(prisma: PrismaClient, domain: string, retentionDays: number | null) {
  return prisma.shop.create({
    data: {
      domain,
      name: domain.split(".")[0]!,
      currency: "USD",
      ...(retentionDays === null ? {} : { settings: { create: { retentionDays } } }),
    },
  });
}

/**
 * One row per purged table at `at`, every row named `label` in the column the test reads back
 * (Event and OfferView share the journey `label`, so the view lives and dies with that event).
 */
async function seedRowsAt(prisma: PrismaClient, shopId: string, label: string, at: Date, day = dayOf(at)) {
  await prisma.event.create({
    data: {
      shopId,
      clientEventId: label,
      type: "impression",
      moment: "checkout",
      surface: "checkout",
      journeyKey: label,
      offerId: "offer-1",
      arm: "none",
      occurredAt: at,
      day: dayOf(at),
    },
  });
  await prisma.offerView.create({ data: { shopId, journeyKey: label, offerId: "offer-1", moment: "checkout" } });
  await prisma.experimentExposure.create({
    data: {
      shopId,
      experimentId: "exp-1",
      journeyKey: label,
      offerId: "offer-1",
      moment: "checkout",
      arm: "holdout",
      day: dayOf(at),
      firstSeenAt: at,
    },
  });
  await prisma.momentDaily.create({ data: { shopId, day, moment: "checkout", offerId: label, views: 3 } });
  await prisma.experimentDaily.create({
    data: { shopId, experimentId: "exp-1", offerId: label, arm: "holdout", day, visitors: 2 },
  });
  await prisma.attributedLine.create({
    data: {
      shopId,
      orderId: `order-${label}`,
      lineId: label,
      offerId: "offer-1",
      moment: "checkout",
      day: dayOf(at),
      quantity: 1,
      currency: "USD",
      revenueMinor: 1999,
      createdAt: at,
    },
  });
  await prisma.journeyOrder.create({
    data: { shopId, orderId: label, journeyKey: label, totalMinor: 5000, currency: "USD", createdAt: at },
  });
  await prisma.refundRecord.create({
    data: { shopId, refundId: label, orderId: `order-${label}`, attributedMinor: 100, createdAt: at },
  });
  await outboxMessage(prisma, shopId, label, "sent", at);
  await prisma.postPurchaseOffer.create({
    data: { shopId, referenceId: label, offerId: "offer-1", step: 0, currency: "USD", finalMinor: 999, createdAt: at },
  });
  await prisma.postPurchaseUpsell.create({
    data: {
      shopId,
      referenceId: label,
      offerId: "offer-1",
      variantIds: "[]",
      quantity: 1,
      jti: `${shopId}-${label}`,
      changes: "[]",
      currency: "USD",
      finalMinor: 999,
      signedAt: at,
    },
  });
  await prisma.thankYouOrderEdit.create({
    data: {
      shopId,
      orderId: label,
      offerId: "offer-1",
      moment: "thank_you",
      journeyKey: label,
      status: "committed",
      currency: "USD",
      finalMinor: 999,
      createdAt: at,
    },
  });
}

async function outboxMessage(prisma: PrismaClient, shopId: string, label: string, status: string, at: Date) {
  await prisma.outboxMessage.create({
    data: {
      shopId,
      orderShopifyId: label,
      recipient: "buyer@example.com",
      recipientHash: "hash",
      locale: "en",
      currency: "USD",
      offerId: "offer-1",
      content: "{}",
      status,
      dueAt: at,
      nextAttemptAt: at,
      messageId: `<${shopId}-${label}@moments.test>`,
      createdAt: at,
      updatedAt: at,
    },
  });
}

/** A row a minute older than the shop's cutoff (its roll-ups on the day before the cutoff's day), and one a minute newer. */
async function seedAroundCutoff(prisma: PrismaClient, shopId: string, retentionDays: number) {
  const cutoff = cutoffFor(NOW, retentionDays);
  await seedRowsAt(prisma, shopId, "old", new Date(cutoff.getTime() - MINUTE), dayOf(cutoff.getTime() - DAY_MS));
  await seedRowsAt(prisma, shopId, "new", new Date(cutoff.getTime() + MINUTE), dayOf(cutoff));
}

const every = <T>(value: T) => Object.fromEntries(PURGED_TABLES.map((t) => [t, value])) as Record<PurgedTable, T>;

/** Two shops with different retention and a shop without settings (365 days), rows either side of each cutoff. */
async function seedThreeShops(prisma: PrismaClient) {
  const short = await createShop(prisma, "short.myshopify.com", 30);
  const long = await createShop(prisma, "long.myshopify.com", 90);
  const unset = await createShop(prisma, "unset.myshopify.com", null);
  await seedAroundCutoff(prisma, short.id, 30);
  await seedAroundCutoff(prisma, long.id, 90);
  await seedAroundCutoff(prisma, unset.id, 365);
  return { short, long, unset };
}

const quiet = () => {
  const lines: string[] = [];
  return { lines, log: (line: string) => void lines.push(line) };
};

describe("purgeExpiredData on SQLite", () => {
  it("GIVEN two shops with 30 and 90 days' retention and rows either side of each cutoff in every purged table WHEN the purge runs THEN each shop loses exactly its rows older than its own cutoff", async () => {
    const { prisma } = fresh("two-shops");
    const { short, long } = await seedThreeShops(prisma);

    const result = await purgeExpiredData(prisma, NOW, { log: quiet().log });

    expect(await labelsLeft(prisma, short.id)).toEqual(every(["new"]));
    expect(await labelsLeft(prisma, long.id)).toEqual(every(["new"]));
    expect(result.shops.find((s) => s.shopId === short.id)).toMatchObject({
      retentionDays: 30,
      cutoff: cutoffFor(NOW, 30),
      deleted: every(1),
    });
    expect(result.shops.find((s) => s.shopId === long.id)).toMatchObject({ retentionDays: 90, deleted: every(1) });
    expect(result.deleted).toEqual(every(3));
    expect(result.errors).toEqual([]);
  });

  it("GIVEN a shop without a settings row WHEN the purge runs THEN it keeps 365 days: a row 365 days and a minute old goes, one a minute younger stays", async () => {
    const { prisma } = fresh("default");
    const { unset } = await seedThreeShops(prisma);

    const result = await purgeExpiredData(prisma, NOW, { log: quiet().log });

    expect(result.shops.find((s) => s.shopId === unset.id)).toMatchObject({
      retentionDays: 365,
      cutoff: new Date("2025-11-20T12:00:00Z"),
    });
    expect(await labelsLeft(prisma, unset.id)).toEqual(every(["new"]));
  });

  it("GIVEN a shop's old unsubscribe, offer, experiment, order, session and settings WHEN the purge runs THEN none of them is deleted", async () => {
    const { prisma } = fresh("kept");
    const shop = await createShop(prisma, "kept.myshopify.com", 30);
    const longAgo = new Date("2020-01-01T00:00:00Z");
    await prisma.emailUnsubscribe.create({ data: { shopId: shop.id, emailHash: "opted-out", createdAt: longAgo } });
    const offer = await prisma.offer.create({
      data: { shopId: shop.id, name: "Old", type: "warranty", definition: "{}", createdAt: longAgo },
    });
    await prisma.experiment.create({
      data: { shopId: shop.id, offerId: offer.id, status: "stopped", createdAt: longAgo },
    });
    await prisma.order.create({
      data: {
        shopId: shop.id,
        shopifyId: "gid://shopify/Order/1",
        currency: "USD",
        totalMinor: 100,
        subtotalMinor: 100,
        lineCount: 1,
        processedAt: longAgo,
        createdAt: longAgo,
      },
    });
    await prisma.session.create({ data: { id: "offline_kept", shop: shop.domain, state: "", accessToken: "shpat_x" } });
    await seedRowsAt(prisma, shop.id, "old", longAgo);

    await purgeExpiredData(prisma, NOW, { log: quiet().log });

    expect(await labelsLeft(prisma, shop.id)).toEqual(every([]));
    expect(await prisma.emailUnsubscribe.count({ where: { shopId: shop.id } })).toBe(1);
    expect(await prisma.offer.count({ where: { shopId: shop.id } })).toBe(1);
    expect(await prisma.experiment.count({ where: { shopId: shop.id } })).toBe(1);
    expect(await prisma.order.count({ where: { shopId: shop.id } })).toBe(1);
    expect(await prisma.session.count({ where: { shop: shop.domain } })).toBe(1);
    expect(await prisma.shopSettings.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("GIVEN old outbox messages in every status WHEN the purge runs THEN sent, failed and cancelled ones go and pending and sending ones stay", async () => {
    const { prisma } = fresh("outbox");
    const shop = await createShop(prisma, "outbox.myshopify.com", 30);
    const old = new Date(NOW.getTime() - 400 * DAY_MS);
    for (const status of ["pending", "sending", "sent", "failed", "cancelled"])
      await outboxMessage(prisma, shop.id, status, status, old);

    const result = await purgeExpiredData(prisma, NOW, { log: quiet().log });

    expect(result.deleted.OutboxMessage).toBe(3);
    expect((await labelsLeft(prisma, shop.id)).OutboxMessage).toEqual(["pending", "sending"]);
  });

  it("GIVEN a journey with an old and a recent event WHEN the purge runs THEN the old event goes but the journey's offer view stays (impressions keep counting buyers)", async () => {
    const { prisma } = fresh("views");
    const shop = await createShop(prisma, "views.myshopify.com", 30);
    await seedRowsAt(prisma, shop.id, "old", new Date(NOW.getTime() - 31 * DAY_MS));
    await prisma.event.create({
      data: {
        shopId: shop.id,
        clientEventId: "later",
        type: "click",
        moment: "checkout",
        surface: "checkout",
        journeyKey: "old",
        offerId: "offer-1",
        arm: "none",
        occurredAt: NOW,
        day: dayOf(NOW),
      },
    });

    await purgeExpiredData(prisma, NOW, { log: quiet().log });

    const left = await labelsLeft(prisma, shop.id);
    expect(left.Event).toEqual(["later"]);
    expect(left.OfferView).toEqual(["old"]);
  });

  it("GIVEN more expired events and offer views than one batch holds WHEN the purge runs THEN all of them go", async () => {
    const { prisma } = fresh("batches");
    const shop = await createShop(prisma, "big.myshopify.com", 30);
    const old = new Date(NOW.getTime() - 40 * DAY_MS);
    const n = 2 * BATCH_SIZE + 500;
    await prisma.event.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        shopId: shop.id,
        clientEventId: `e${i}`,
        type: "impression",
        moment: "checkout",
        surface: "checkout",
        journeyKey: `j${i}`,
        offerId: "offer-1",
        arm: "none",
        occurredAt: old,
        day: dayOf(old),
      })),
    });
    await prisma.offerView.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        shopId: shop.id,
        journeyKey: `j${i}`,
        offerId: "offer-1",
        moment: "checkout",
      })),
    });

    const result = await purgeExpiredData(prisma, NOW, { log: quiet().log });

    expect(result.errors).toEqual([]);
    expect(result.deleted.Event).toBe(n);
    expect(result.deleted.OfferView).toBe(n);
    expect(await prisma.event.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await prisma.offerView.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("GIVEN a purge that has run WHEN it runs again at the same time THEN it deletes nothing and logs nothing", async () => {
    const { prisma } = fresh("again");
    await seedThreeShops(prisma);
    await purgeExpiredData(prisma, NOW, { log: quiet().log });

    const second = quiet();
    const result = await purgeExpiredData(prisma, NOW, { log: second.log });

    expect(result.deleted).toEqual(every(0));
    expect(second.lines).toEqual([]);
  });

  it("GIVEN one shop with expired rows and one without WHEN the purge runs THEN it logs one line, for the shop that lost rows, with its counts", async () => {
    const { prisma } = fresh("log");
    const busy = await createShop(prisma, "busy.myshopify.com", 30);
    await createShop(prisma, "idle.myshopify.com", 30);
    await seedRowsAt(prisma, busy.id, "old", new Date(NOW.getTime() - 31 * DAY_MS));
    const out = quiet();

    await purgeExpiredData(prisma, NOW, { log: out.log });

    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(
      /^data retention: busy\.myshopify\.com \(30 days, before 2026-10-21T12:00:00\.000Z\): deleted 1 Event, 1 OfferView, .*1 PostPurchaseUpsell, 1 ThankYouOrderEdit$/,
    );
  });
});

describe("the retention worker (scheduleRetention)", () => {
  const until = async (check: () => Promise<boolean> | boolean, ms = 5_000) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it("GIVEN expired rows WHEN the worker is started THEN its first run, shortly after, purges them", async () => {
    const { prisma } = fresh("worker");
    const shop = await createShop(prisma, "worker.myshopify.com", 30);
    await seedRowsAt(prisma, shop.id, "old", new Date(Date.now() - 31 * DAY_MS));
    // The shop's summary line is logged after its last table: each table is its own DELETE, so an
    // empty Event table alone says the run has started, not that it is over (on PostgreSQL a
    // second connection sees the tables empty one by one).
    const out = quiet();
    const worker = scheduleRetention({ prisma, firstRunMs: 20, log: out.log });
    try {
      await until(() => out.lines.some((line) => line.startsWith("data retention: worker.myshopify.com")));
      expect(await labelsLeft(prisma, shop.id)).toEqual(every([]));
    } finally {
      await worker.stop();
    }
  });

  it("GIVEN a database that fails WHEN the worker runs THEN it logs the error and runs again on schedule, without throwing", async () => {
    let calls = 0;
    const broken = {
      shop: {
        findMany: async () => {
          calls++;
          throw new Error("database is locked");
        },
      },
    } as unknown as PrismaClient;
    const out = quiet();
    const worker = scheduleRetention({ prisma: broken, firstRunMs: 5, everyMs: 5, log: out.log });
    try {
      await until(() => calls >= 2);
      expect(out.lines[0]).toBe("data retention: run failed: database is locked");
    } finally {
      await worker.stop();
    }
  });
});

describe("purgeExpiredData on PostgreSQL", () => {
  let cluster: PostgresCluster;
  let db: PostgresDatabase | undefined;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await db?.prisma.$disconnect();
    cluster?.stop();
  });

  it("GIVEN three shops (30 days, 90 days, no settings) with rows either side of each cutoff WHEN the purge runs in one-row batches, then again THEN only the old rows go, and the second run deletes nothing", async () => {
    db = await freshPostgresDatabase(cluster, "retention");
    const { prisma } = db;
    const shops = await seedThreeShops(prisma);
    await prisma.emailUnsubscribe.create({
      data: { shopId: shops.short.id, emailHash: "opted-out", createdAt: new Date("2020-01-01T00:00:00Z") },
    });

    const first = await purgeExpiredData(prisma, NOW, { log: quiet().log, batchSize: 1 });
    const second = await purgeExpiredData(prisma, NOW, { log: quiet().log });

    expect(first.deleted).toEqual(every(3));
    expect(first.errors).toEqual([]);
    for (const shop of Object.values(shops)) expect(await labelsLeft(prisma, shop.id)).toEqual(every(["new"]));
    expect(await prisma.emailUnsubscribe.count()).toBe(1);
    expect(second.deleted).toEqual(every(0));
  });
});
