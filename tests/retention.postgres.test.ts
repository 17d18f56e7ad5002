import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { createPrisma } from "~/db.server";
import { dayOf } from "~/measurement/rollup.server";
import { labelsLeft } from "./retention.helpers";
import {
  cutoffFor,
  PURGED_TABLES,
  purgeExpiredData,
  type PurgedTable,
  type PurgeResult,
} from "~/retention/retention.server";
import { freshPostgresDatabase, startPostgres, type PostgresCluster } from "./support/postgres";

/**
 * Several app instances share one PostgreSQL and each runs the daily purge on its own schedule
 * (scheduleRetention in every process, docs/decisions/016-background-work.md): two of them purging
 * the same shops at the same moment must together delete every expired row exactly once, touch
 * nothing else, and fail nowhere.
 */
const NOW = new Date("2026-11-20T12:00:00Z");
const MINUTE = 60_000;
const DAY_MS = 24 * 3600 * 1000;
/** Expired rows per table: with BATCH, dozens of batches per table per instance, so they interleave. */
const EXPIRED = 600;
const RECENT = 40;
const BATCH = 25;

let cluster: PostgresCluster;
const clients: PrismaClient[] = [];
beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  for (const client of clients) await client.$disconnect();
  cluster?.stop();
});

const labelsOf = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, "0")}`);

/**
 * One row per label in every purged table at `at` (roll-ups on `day`), each row named by its label
 * in the column `labelsLeft` reads back; Event and OfferView share the journey, so the view lives
 * and dies with its event.
 */
async function seedRows(prisma: PrismaClient, shopId: string, labels: string[], at: Date, day: string) {
  await prisma.event.createMany({
    data: labels.map((l) => ({
      shopId,
      clientEventId: l,
      type: "impression",
      moment: "checkout",
      surface: "checkout",
      journeyKey: l,
      offerId: "offer-1",
      arm: "none",
      occurredAt: at,
      day: dayOf(at),
    })),
  });
  await prisma.offerView.createMany({
    data: labels.map((l) => ({ shopId, journeyKey: l, offerId: "offer-1", moment: "checkout" })),
  });
  await prisma.experimentExposure.createMany({
    data: labels.map((l) => ({
      shopId,
      experimentId: "exp-1",
      journeyKey: l,
      offerId: "offer-1",
      moment: "checkout",
      arm: "holdout",
      day: dayOf(at),
      firstSeenAt: at,
    })),
  });
  await prisma.momentDaily.createMany({
    data: labels.map((l) => ({ shopId, day, moment: "checkout", offerId: l, views: 3 })),
  });
  await prisma.experimentDaily.createMany({
    data: labels.map((l) => ({ shopId, experimentId: `exp-${l}`, offerId: l, arm: "holdout", day, visitors: 2 })),
  });
  await prisma.attributedLine.createMany({
    data: labels.map((l) => ({
      shopId,
      orderId: `order-${l}`,
      lineId: l,
      offerId: "offer-1",
      moment: "checkout",
      day: dayOf(at),
      quantity: 1,
      currency: "USD",
      revenueMinor: 1999,
      createdAt: at,
    })),
  });
  await prisma.journeyOrder.createMany({
    data: labels.map((l) => ({ shopId, orderId: l, journeyKey: l, totalMinor: 5000, currency: "USD", createdAt: at })),
  });
  await prisma.refundRecord.createMany({
    data: labels.map((l) => ({ shopId, refundId: l, orderId: `order-${l}`, attributedMinor: 100, createdAt: at })),
  });
  await seedOutbox(prisma, shopId, labels, "sent", at);
  await prisma.postPurchaseOffer.createMany({
    data: labels.map((l) => ({
      shopId,
      referenceId: l,
      offerId: "offer-1",
      step: 0,
      currency: "USD",
      finalMinor: 999,
      createdAt: at,
    })),
  });
  await prisma.postPurchaseUpsell.createMany({
    data: labels.map((l) => ({
      shopId,
      referenceId: l,
      offerId: "offer-1",
      variantIds: "[]",
      quantity: 1,
      jti: `${shopId}-${l}`,
      changes: "[]",
      currency: "USD",
      finalMinor: 999,
      signedAt: at,
    })),
  });
  await prisma.thankYouOrderEdit.createMany({
    data: labels.map((l) => ({
      shopId,
      orderId: l,
      offerId: "offer-1",
      moment: "thank_you",
      journeyKey: l,
      status: "committed",
      currency: "USD",
      finalMinor: 999,
      createdAt: at,
    })),
  });
}

async function seedOutbox(prisma: PrismaClient, shopId: string, labels: string[], status: string, at: Date) {
  await prisma.outboxMessage.createMany({
    data: labels.map((l) => ({
      shopId,
      orderShopifyId: l,
      recipient: "buyer@example.com",
      recipientHash: "hash",
      locale: "en",
      currency: "USD",
      offerId: "offer-1",
      content: "{}",
      status,
      dueAt: at,
      nextAttemptAt: at,
      messageId: `<${shopId}-${l}@moments.test>`,
      createdAt: at,
      updatedAt: at,
    })),
  });
}

const every = <T>(value: (t: PurgedTable) => T) =>
  Object.fromEntries(PURGED_TABLES.map((t) => [t, value(t)])) as Record<PurgedTable, T>;

describe("two app instances purging the same shops at once on PostgreSQL", () => {
  const recent = labelsOf("new", RECENT);
  const oldPending = labelsOf("pending", 5);
  let purging: { id: string };
  let keeping: { id: string };
  let observer: PrismaClient;
  let runs: PurgeResult[];
  const logged: string[][] = [[], []];

  beforeAll(async () => {
    const { url, prisma } = await freshPostgresDatabase(cluster, "retention_race");
    observer = prisma;
    clients.push(prisma);
    purging = await prisma.shop.create({
      data: {
        domain: "purging.myshopify.com",
        name: "purging",
        currency: "USD",
        settings: { create: { retentionDays: 30 } },
      },
    });
    keeping = await prisma.shop.create({
      data: {
        domain: "keeping.myshopify.com",
        name: "keeping",
        currency: "USD",
        settings: { create: { retentionDays: 365 } },
      },
    });
    const cutoff = cutoffFor(NOW, 30);
    const old = new Date(cutoff.getTime() - MINUTE);
    const oldDay = dayOf(cutoff.getTime() - DAY_MS);
    await seedRows(prisma, purging.id, labelsOf("old", EXPIRED), old, oldDay);
    await seedRows(prisma, purging.id, recent, new Date(cutoff.getTime() + MINUTE), dayOf(cutoff));
    // The worker owns unfinished messages, whatever their age.
    await seedOutbox(prisma, purging.id, oldPending, "pending", old);
    // As old as the purged rows, but within this shop's own 365 days.
    await seedRows(prisma, keeping.id, labelsOf("kept", RECENT), old, oldDay);

    // Two instances: two clients, each with its own connection pool, as two processes have.
    const instances = [createPrisma(url), createPrisma(url)];
    clients.push(...instances);
    await Promise.all(instances.map((c) => c.$connect()));
    runs = await Promise.all(
      instances.map((c, i) =>
        purgeExpiredData(c, NOW, { batchSize: BATCH, log: (line) => void logged[i]!.push(line) }),
      ),
    );
  }, 120_000);

  it("GIVEN expired rows in every purged table WHEN two instances purge at once THEN every expired row is gone", async () => {
    const left = await labelsLeft(observer, purging.id);
    expect(left).toEqual(every((t) => (t === "OutboxMessage" ? [...oldPending, ...recent].sort() : recent)));
  });

  it("GIVEN expired rows in every purged table WHEN two instances purge at once THEN their deleted counts add up to exactly the expired rows (none counted twice)", () => {
    const total = every((t) => runs[0]!.deleted[t] + runs[1]!.deleted[t]);
    expect(total).toEqual(every(() => EXPIRED));
  });

  it("GIVEN another shop whose rows are as old but within its own retention WHEN two instances purge at once THEN none of its rows is touched", async () => {
    expect(await labelsLeft(observer, keeping.id)).toEqual(every(() => labelsOf("kept", RECENT)));
  });

  it("GIVEN two instances purging at once WHEN both runs end THEN neither reports nor logs an error", () => {
    expect(runs.map((r) => r.errors)).toEqual([[], []]);
    expect(logged.flat().filter((line) => /failed/.test(line))).toEqual([]);
  });
});
