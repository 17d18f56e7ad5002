import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driverOf } from "~/lib/driver.server";
import { eventKey, type Valid } from "~/measurement/exposure-check.server";
import { CommitQueue } from "~/measurement/commit-queue.server";
import { storeBatch, validateEvent } from "~/measurement/ingest.server";
import { ingestInOneTrip, prepareOneTrip, type ShopBatch } from "~/measurement/one-trip.server";
import { freshPostgresDatabase, startPostgres, type PostgresCluster, type PostgresDatabase } from "./support/postgres";
import { seedInstalledShop } from "./support/fixtures";

// The commit queue's first attempt on PostgreSQL computes the roll-ups in SQL (one-trip.server.ts),
// the checked path in JS (storeBatch: momentDeltas, countNewVisitors). Two shops get the same
// batches, one through each, on a real PostgreSQL server: every row they write must be the same.
// The batches are what the field sends: an offer shown twice to a journey, accepts in the shop's
// currency and in another, exposures of both arms with and without a cart, repeated exposures,
// checkout reports, events over two days, retries of whole batches, a journey seen again later.
let cluster: PostgresCluster;
let db: PostgresDatabase;
let viaTrip: string;
let viaStore: string;

beforeAll(async () => {
  cluster = await startPostgres();
  db = await freshPostgresDatabase(cluster, "one_trip");
  viaTrip = (await seedInstalledShop(db.prisma, "one-trip.myshopify.com")).id;
  viaStore = (await seedInstalledShop(db.prisma, "store-batch.myshopify.com")).id;
});
afterAll(async () => {
  await db?.prisma.$disconnect();
  cluster?.stop();
});

/** A deterministic stream of pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOW = Date.parse("2026-12-04T12:00:00Z");

/** `count` batches of raw events as the checkout and the storefront send them, valid and semantically sound. */
function rawBatches(seed: number, count: number): Array<Array<Record<string, unknown>>> {
  const r = random(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  let id = 0;
  const batches: Array<Array<Record<string, unknown>>> = [];
  for (let b = 0; b < count; b++) {
    const batch: Array<Record<string, unknown>> = [];
    const size = 1 + Math.floor(r() * 30);
    for (let i = 0; i < size; i++) {
      const journeyKey = `j-${seed}-${Math.floor(r() * 12)}`;
      const dims = {
        ...(r() < 0.7 ? { device: pick(["mobile", "desktop"] as const) } : {}),
        ...(r() < 0.6 ? { country: pick(["DE", "FR", "US"]) } : {}),
        ...(r() < 0.8 ? { returning: r() < 0.5 } : {}),
      };
      // Two days: roll-up rows are per day.
      const occurredAt = NOW - (r() < 0.3 ? 86_400_000 : 0) - Math.floor(r() * 3_600_000);
      const base = { id: `ev-${seed}-${b}-${id++}`, journeyKey, surface: "checkout", occurredAt, ...dims };
      const offerId = pick(["offer-a", "offer-b", "offer-c"]);
      const moment = pick(["checkout", "shipping", "payment"]);
      const kind = r();
      if (kind < 0.15) {
        const holdout = r() < 0.4;
        batch.push({
          ...base,
          type: "exposure",
          moment,
          offerId,
          experimentId: pick(["exp-1", "exp-2"]),
          version: pick([1, 2]),
          arm: holdout ? "holdout" : "variant",
          ...(holdout ? {} : { armId: pick(["arm-x", "arm-y"]) }),
          ...(r() < 0.7 ? { cartMinor: Math.floor(r() * 200_000), currency: "EUR" } : {}),
        });
      } else if (kind < 0.2) {
        batch.push({ ...base, type: "checkout_reached", moment });
      } else {
        const type = pick(["impression", "impression", "impression", "click", "accept", "decline", "exit_intent", "purchase", "unsubscribe"]);
        const variant = r() < 0.3;
        batch.push({
          ...base,
          type,
          moment,
          offerId,
          ...(variant ? { arm: "variant", experimentId: "exp-1", armId: pick(["arm-x", "arm-y"]) } : {}),
          ...(type === "accept" && r() < 0.8 ? { valueMinor: Math.floor(r() * 10_000), currency: r() < 0.8 ? "EUR" : "USD" } : {}),
        });
      }
    }
    batches.push(batch);
    // A retry of the whole batch now and then: every event a duplicate.
    if (r() < 0.15) batches.push(batch.map((e) => ({ ...e })));
  }
  return batches;
}

function valid(raw: Array<Record<string, unknown>>): Valid[] {
  const out: Valid[] = [];
  raw.forEach((event, index) => {
    const v = validateEvent(event, new Date(NOW));
    if (!v.ok) throw new Error(`the generator made an invalid event: ${JSON.stringify(v.result)}`);
    // One event id once per batch, as ingestEvents passes them on.
    if (!out.some((o) => eventKey(o.event) === eventKey(v.event))) out.push({ index, event: v.event, occurredAt: v.occurredAt });
  });
  return out;
}

/** What the generator writes (the shops' fixtures hold a few rows of their own). */
const GENERATED = {
  event: { clientEventId: { startsWith: "ev-" } },
  experimentExposure: { experimentId: { in: ["exp-1", "exp-2"] } },
  offerView: { offerId: { in: ["offer-a", "offer-b", "offer-c"] } },
  momentDaily: { offerId: { in: ["offer-a", "offer-b", "offer-c"] } },
  experimentDaily: { experimentId: { in: ["exp-1", "exp-2"] } },
};

/** The generated rows of a table for one shop without their ids, sorted, with 64-bit values as text. */
async function rowsOf(table: keyof typeof GENERATED, shopId: string) {
  const delegate = db.prisma[table] as unknown as { findMany(args: object): Promise<Array<Record<string, unknown>>> };
  const rows = await delegate.findMany({ where: { shopId, ...GENERATED[table] } });
  return rows
    .map((row) => {
      const { id: _id, shopId: _shop, receivedAt: _received, ...rest } = row;
      return JSON.stringify(rest, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    })
    .sort();
}

describe("one round trip on PostgreSQL", () => {
  it("GIVEN the same 60 batches for two shops WHEN one shop's go through the one-trip statement, prepared batch by batch as they are queued and committed in groups of up to three, and the other's through storeBatch THEN both answer the same events stored and write the same events, exposures, views and roll-ups", async () => {
    const batches = rawBatches(7, 60).map(valid);
    const pipeline = driverOf(db.prisma)!.pipeline!;
    const groups: Valid[][] = [];
    for (let at = 0, size = 1; at < batches.length; at += size, size = (size % 3) + 1) {
      // As the commit queue does: each batch prepared as it is queued, then the group's events of
      // the shop, each event id once (the first batch that carries it keeps it).
      for (const batch of batches.slice(at, at + size)) prepareOneTrip(viaTrip, batch);
      const seen = new Set<string>();
      groups.push(batches.slice(at, at + size).flat().filter((v) => !seen.has(eventKey(v.event)) && seen.add(eventKey(v.event))));
    }

    for (const events of groups) {
      const trip = await ingestInOneTrip(pipeline, [{ shopId: viaTrip, currency: "EUR", events }]);
      const stored = await db.prisma.$transaction((tx) => storeBatch(tx, viaStore, "EUR", events, "lock"));
      expect(trip.withOrders.size).toBe(0);
      expect(trip.stored.get(viaTrip)).toEqual(stored);
    }

    for (const table of ["event", "experimentExposure", "offerView", "momentDaily", "experimentDaily"] as const)
      expect({ table, rows: await rowsOf(table, viaTrip) }).toEqual({ table, rows: await rowsOf(table, viaStore) });
    // The comparison is not of empty tables.
    expect((await rowsOf("momentDaily", viaTrip)).length).toBeGreaterThan(20);
    expect((await rowsOf("experimentDaily", viaTrip)).length).toBeGreaterThan(5);
  });

  it("GIVEN batches queued three at a time on a commit queue whose first attempt is the one trip, rows prepared as they are queued, and one group's first attempt failing WHEN they commit (that group's batches again one by one, their prepared rows reused) THEN every event is answered accepted once and the rows equal storeBatch's for the same groups", async () => {
    const queued = (await seedInstalledShop(db.prisma, "queue-trip.myshopify.com")).id;
    const stored = (await seedInstalledShop(db.prisma, "queue-store.myshopify.com")).id;
    const pipeline = driverOf(db.prisma)!.pipeline!;
    let trips = 0;
    let release = () => {};
    let gate = Promise.resolve();
    const queue = new CommitQueue(db.prisma, storeBatch, {
      maxQueuedEvents: 10_000,
      maxEventsPerCommit: 10_000,
      parallel: 1,
      prepare: prepareOneTrip,
      firstTrip: async (shops) => {
        if (++trips === 2) throw new Error("the connection was lost");
        return ingestInOneTrip(pipeline, shops);
      },
      // The test decides what a group holds: the queue forms it when the gate opens.
      gather: () => gate,
    });
    const batches = rawBatches(17, 12).map(valid);
    const groups = [batches.slice(0, 3), batches.slice(3, 6), batches.slice(6, 9), batches.slice(9)];

    const accepted: string[] = [];
    for (const group of groups) {
      gate = new Promise<void>((resolve) => (release = resolve));
      const answers = group.map((events) => queue.submit({ shopId: queued, currency: "EUR", events }));
      release();
      for (const keys of await Promise.all(answers)) accepted.push(...keys);
    }

    expect(trips).toBe(2 + 3 + 2);
    const keys = (await db.prisma.event.findMany({ where: { shopId: queued, ...GENERATED.event }, select: { journeyKey: true, clientEventId: true } })).map((r) => eventKey({ journeyKey: r.journeyKey, id: r.clientEventId }));
    expect(accepted.sort()).toEqual(keys.sort());
    for (const [i, group] of groups.entries()) {
      // The failed group went again batch by batch; the others as one, each event id once.
      const runs = i === 1 ? group : [group.flat().filter((v, at, all) => all.findIndex((o) => eventKey(o.event) === eventKey(v.event)) === at)];
      for (const events of runs) await db.prisma.$transaction((tx) => storeBatch(tx, stored, "EUR", events, "lock"));
    }
    for (const table of ["event", "experimentExposure", "offerView", "momentDaily", "experimentDaily"] as const)
      expect({ table, rows: await rowsOf(table, queued) }).toEqual({ table, rows: await rowsOf(table, stored) });
  });

  it("GIVEN one group with batches of three shops, one of them uninstalled WHEN it goes in one trip THEN the installed shops' events are stored and the uninstalled shop's are not", async () => {
    const gone = (await seedInstalledShop(db.prisma, "gone.myshopify.com")).id;
    await db.prisma.shop.update({ where: { id: gone }, data: { uninstalledAt: new Date() } });
    const [a, b, c] = rawBatches(11, 3).map(valid);
    const shops: ShopBatch[] = [
      { shopId: viaTrip, currency: "EUR", events: a! },
      { shopId: gone, currency: "EUR", events: b! },
      { shopId: viaStore, currency: "EUR", events: c! },
    ];

    const trip = await ingestInOneTrip(driverOf(db.prisma)!.pipeline!, shops);

    expect(trip.installed).toEqual(new Set([viaTrip, viaStore]));
    expect(trip.stored.get(viaTrip)?.size).toBe(a!.length);
    expect(trip.stored.get(viaStore)?.size).toBe(c!.length);
    expect(await rowsOf("event", gone)).toEqual([]);
    expect(await rowsOf("momentDaily", gone)).toEqual([]);
  });

  it("GIVEN an event whose strings hold quotes, backslashes and SQL WHEN it goes in one trip  THEN it is stored exactly as sent", async () => {
    const hostile = `x'); DROP TABLE "Event"; --\\'\\\\ $$ E'\\n'`;
    const [v] = valid([{ id: "quote-1'\\", journeyKey: hostile, type: "impression", moment: "checkout", surface: "checkout", offerId: "o'\\1", occurredAt: NOW }]);

    const trip = await ingestInOneTrip(driverOf(db.prisma)!.pipeline!, [{ shopId: viaTrip, currency: "EUR", events: [v!] }]);

    expect(trip.stored.get(viaTrip)).toEqual(new Set([eventKey(v!.event)]));
    const row = await db.prisma.event.findFirstOrThrow({ where: { shopId: viaTrip, clientEventId: "quote-1'\\" } });
    expect({ journeyKey: row.journeyKey, offerId: row.offerId }).toEqual({ journeyKey: hostile, offerId: "o'\\1" });
  });

  it("GIVEN a group whose second shop's statement fails WHEN it goes in one trip THEN nothing of the group is stored, the error is thrown, and the connection serves the next trip", async () => {
    const [a, b] = rawBatches(13, 2).map(valid);
    // A version past PostgreSQL's integer: the second shop's statement fails on its cast (validation
    // bounds it; a Valid built by hand does not).
    const broken = b!.map((v) => ({ ...v, event: { ...v.event, type: "exposure", experimentId: "exp-1", offerId: "offer-a", arm: "holdout", version: 1e12 } }) as Valid);
    const pipeline = driverOf(db.prisma)!.pipeline!;

    await expect(
      ingestInOneTrip(pipeline, [
        { shopId: viaTrip, currency: "EUR", events: a! },
        { shopId: viaStore, currency: "EUR", events: broken },
      ]),
    ).rejects.toThrow(/out of range/);

    expect(await db.prisma.event.count({ where: { clientEventId: { in: [...a!, ...broken].map((v) => v.event.id) } } })).toBe(0);
    const again = await ingestInOneTrip(pipeline, [{ shopId: viaTrip, currency: "EUR", events: a! }]);
    expect(again.stored.get(viaTrip)?.size).toBe(a!.length);
  });
});
