import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommitQueue, type StoreEvents } from "~/measurement/commit-queue.server";
import { eventKey, type Valid } from "~/measurement/exposure-check.server";
import { storeBatch } from "~/measurement/ingest.server";
import { lockMeasurement, LockScopeChanged } from "~/measurement/journeys.server";
import { ingestInOneTrip } from "~/measurement/one-trip.server";
import { driverOf } from "~/lib/driver.server";
import { freshPostgresDatabase, startPostgres, type PostgresCluster, type PostgresDatabase } from "./support/postgres";
import { seedInstalledShop } from "./support/fixtures";

// One journey's batches in two transactions at once (two app instances, each with its own commit
// queue), on a real PostgreSQL server with the real storeBatch: a journey without an order is
// locked shared, so the second does not wait for the first; one with an order is locked
// exclusively, so it does; an order linked while an ingest waited for the lock sends that ingest
// round again, exclusively. The first transaction is held open after its writes until released.
let cluster: PostgresCluster;
let db: PostgresDatabase;
let shopId: string;

beforeAll(async () => {
  cluster = await startPostgres();
  db = await freshPostgresDatabase(cluster, "journey_locks");
  shopId = (await seedInstalledShop(db.prisma, "journey-locks.myshopify.com")).id;
});
afterAll(async () => {
  await db?.prisma.$disconnect();
  cluster?.stop();
});

let ids = 0;
const batch = (journeyKey: string, over: Partial<Valid["event"]> = {}, n = 2): Valid[] =>
  Array.from({ length: n }, (_, index) => ({
    index,
    occurredAt: new Date(),
    event: { id: `e${ids++}`, journeyKey, type: "impression", moment: "checkout", surface: "checkout", offerId: "offer-1", arm: "none", ...over } as Valid["event"],
  }));

/** storeBatch, with the first transaction held open after its writes until `release`. */
function holdingFirst() {
  let calls = 0;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const firstWritten = new Promise<void>((resolve) => (started = resolve));
  const store: StoreEvents = async (tx, shop, currency, events, onNewKeys) => {
    const stored = await storeBatch(tx, shop, currency, events, onNewKeys);
    if (calls++ === 0) {
      started();
      await held;
    }
    return stored;
  };
  return { store, release, firstWritten };
}

/** orders/create as it runs: the order's and journey's locks held exclusively, the order linked (7,000), not committed. */
async function orderCreateOpen(orderId: string, journeyKey: string) {
  let commitOrder!: () => void;
  const orderOpen = new Promise<void>((resolve) => (commitOrder = resolve));
  let linked!: () => void;
  const orderLinked = new Promise<void>((resolve) => (linked = resolve));
  const order = db.prisma.$transaction(
    async (tx) => {
      await lockMeasurement(tx, shopId, { orderIds: [orderId], journeyKeys: [journeyKey] });
      await tx.journeyOrder.create({ data: { shopId, orderId, journeyKey, totalMinor: 7000, currency: "EUR" } });
      linked();
      await orderOpen;
    },
    { timeout: 30_000 },
  );
  await orderLinked;
  return { commitOrder, order };
}

const instance = (store: StoreEvents = storeBatch) =>
  new CommitQueue(db.prisma, store, { maxQueuedEvents: 1_000, maxEventsPerCommit: 1_000, parallel: 2 });
/** As the app's queue is: the first attempt in one trip, the rest through storeBatch. */
const appInstance = () =>
  new CommitQueue(db.prisma, storeBatch, {
    maxQueuedEvents: 1_000,
    maxEventsPerCommit: 1_000,
    parallel: 1,
    firstTrip: (shops) => ingestInOneTrip(driverOf(db.prisma)!.pipeline!, shops),
  });
const keysOf = (events: Valid[]) => new Set(events.map((v) => eventKey(v.event)));

describe("journey locks of ingestion on PostgreSQL", () => {
  it("GIVEN a transaction of journey j1 (no order) still open on one instance WHEN another batch of j1 arrives on a second instance THEN it commits before the first does", async () => {
    const { store, release, firstWritten } = holdingFirst();
    const a = batch("lock-j1");
    let firstDone = false;
    const first = instance(store)
      .submit({ shopId, currency: "EUR", events: a })
      .finally(() => (firstDone = true));
    try {
      await firstWritten;
      // Clicks on another device: a first view of the same offer, or an increment of the same roll-up
      // row, would wait on the first transaction's row (its unique index entry, its row lock).
      const b = batch("lock-j1", { type: "click", device: "mobile" });

      const stored = await instance().submit({ shopId, currency: "EUR", events: b });

      expect(stored).toEqual(keysOf(b));
      expect(firstDone).toBe(false);
    } finally {
      release();
    }
    expect(await first).toEqual(keysOf(a));
    const views = await db.prisma.offerView.count({ where: { shopId, journeyKey: "lock-j1" } });
    const counts = await db.prisma.momentDaily.aggregate({ where: { shopId, offerId: "offer-1" }, _sum: { impressions: true, views: true, clicks: true } });
    expect(views).toBe(1);
    expect(counts._sum).toEqual({ impressions: 1n, views: 2n, clicks: 2n });
  });

  it("GIVEN journey j2 has an order and a transaction of j2 is still open on one instance WHEN another batch of j2 arrives on a second instance THEN it commits only after the first", async () => {
    await db.prisma.journeyOrder.create({ data: { shopId, orderId: "order-j2", journeyKey: "lock-j2", totalMinor: 5000, currency: "EUR" } });
    const { store, release, firstWritten } = holdingFirst();
    const order: string[] = [];
    const first = instance(store)
      .submit({ shopId, currency: "EUR", events: batch("lock-j2") })
      .then(() => order.push("first"));
    await firstWritten;
    const second = instance()
      .submit({ shopId, currency: "EUR", events: batch("lock-j2") })
      .then(() => order.push("second"));
    // The second is waiting on j2's lock; nothing it does can finish before the first commits.
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();

    await Promise.all([first, second]);
    expect(order).toEqual(["first", "second"]);
  });

  it("GIVEN orders/create linking journey j3 still open WHEN j3's exposure is ingested meanwhile (no order yet when it looked) THEN it goes round again under exclusive locks and the order counts for the visitor", async () => {
    const { commitOrder, order } = await orderCreateOpen("order-j3", "lock-j3");
    const exposure = batch("lock-j3", { type: "exposure", experimentId: "exp-j3", version: 1, arm: "holdout", cartMinor: 4000 }, 1);
    const ingest = instance().submit({ shopId, currency: "EUR", events: exposure });
    // The ingest read no order (not committed yet) and now waits for the journey's lock.
    await new Promise((resolve) => setTimeout(resolve, 300));

    commitOrder();
    await order;

    expect(await ingest).toEqual(keysOf(exposure));
    const row = await db.prisma.experimentExposure.findFirstOrThrow({ where: { shopId, journeyKey: "lock-j3" } });
    expect({ orders: row.orders, revenueMinor: row.revenueMinor }).toEqual({ orders: 1n, revenueMinor: 7000n });
    const daily = await db.prisma.experimentDaily.aggregate({ where: { shopId, experimentId: "exp-j3" }, _sum: { visitors: true, orders: true, revenueMinor: true } });
    expect(daily._sum).toEqual({ visitors: 1n, orders: 1n, revenueMinor: 7000n });
  });

  it("GIVEN journey j5 already has an order WHEN a batch of j5 goes in one trip (locks shared, no read first) THEN the statement writes none of its rows and hands the shop back for the checked path", async () => {
    await db.prisma.journeyOrder.create({ data: { shopId, orderId: "order-j5", journeyKey: "lock-j5", totalMinor: 5000, currency: "EUR" } });
    const exposure = batch("lock-j5", { type: "exposure", experimentId: "exp-j5", version: 1, arm: "holdout", cartMinor: 4000 }, 1);
    const views = batch("lock-j5", {}, 2);

    const trip = await ingestInOneTrip(driverOf(db.prisma)!.pipeline!, [{ shopId, currency: "EUR", events: [...exposure, ...views] }]);

    expect(trip).toEqual({ installed: new Set([shopId]), stored: new Map(), withOrders: new Set([shopId]) });
    expect(await db.prisma.event.count({ where: { shopId, journeyKey: "lock-j5" } })).toBe(0);
    expect(await db.prisma.experimentExposure.count({ where: { shopId, journeyKey: "lock-j5" } })).toBe(0);
    expect(await db.prisma.offerView.count({ where: { shopId, journeyKey: "lock-j5" } })).toBe(0);
  });

  it("GIVEN journey j6 already has an order WHEN its exposure goes through the app's commit queue THEN the one-trip first attempt hands it on and the exposure is stored with the order counted for the visitor", async () => {
    await db.prisma.journeyOrder.create({ data: { shopId, orderId: "order-j6", journeyKey: "lock-j6", totalMinor: 6000, currency: "EUR" } });
    const exposure = batch("lock-j6", { type: "exposure", experimentId: "exp-j6", version: 1, arm: "holdout", cartMinor: 4000 }, 1);

    expect(await appInstance().submit({ shopId, currency: "EUR", events: exposure })).toEqual(keysOf(exposure));

    const row = await db.prisma.experimentExposure.findFirstOrThrow({ where: { shopId, journeyKey: "lock-j6" } });
    expect({ orders: row.orders, revenueMinor: row.revenueMinor }).toEqual({ orders: 1n, revenueMinor: 6000n });
  });

  it("GIVEN orders/create linking journey j4 still open WHEN a Prisma transaction stores j4's exposure under shared locks THEN, the order read after the lock, it throws LockScopeChanged (the queue goes round again)", async () => {
    const { commitOrder, order } = await orderCreateOpen("order-j4", "lock-j4");
    const exposure = batch("lock-j4", { type: "exposure", experimentId: "exp-j4", version: 1, arm: "holdout", cartMinor: 4000 }, 1);
    // Through Prisma (no driver session): the read after the lock has no Prisma fallback to take.
    const stored = db.prisma.$transaction((tx) => storeBatch(tx, shopId, "EUR", exposure, "throw"), { timeout: 30_000 });
    const refused = expect(stored).rejects.toBeInstanceOf(LockScopeChanged);
    await new Promise((resolve) => setTimeout(resolve, 300));

    commitOrder();
    await order;

    await refused;
    expect(await db.prisma.experimentExposure.count({ where: { shopId, journeyKey: "lock-j4" } })).toBe(0);
  });
});
