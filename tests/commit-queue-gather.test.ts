import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommitQueue, type StoreEvents } from "~/measurement/commit-queue.server";
import { eventKey, type Valid } from "~/measurement/exposure-check.server";
import { storeBatch } from "~/measurement/ingest.server";
import { parsedBatches, parseTurn } from "~/measurement/parse-turns.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { seedInstalledShop } from "./support/fixtures";

// How the commit queue forms a group when several requests' batches were read at once: the event
// endpoints parse one batch per turn of the event loop (parseTurn), and the group waits until the
// batches already read are parsed and queued (parsedBatches). On SQLite's synchronous driver a
// group formed after one turn held one or two batches, and the rest each waited for a commit of
// their own. Real database (the run's: SQLite or PostgreSQL), real storeBatch.
let db: TestDatabase;
let shopId: string;

beforeAll(async () => {
  db = freshDatabase("gather");
  shopId = (await seedInstalledShop(db.prisma, "gather.myshopify.com")).id;
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});

let ids = 0;
const batch = (size: number): Valid[] =>
  Array.from({ length: size }, (_, index) => ({
    index,
    occurredAt: new Date(),
    event: { id: `gather-${ids++}`, journeyKey: `j-${ids}`, type: "impression", moment: "checkout", surface: "checkout", offerId: "offer-1", arm: "none" } as Valid["event"],
  }));

/** storeBatch, counting the events of each transaction. */
function countingStore() {
  const transactions: number[] = [];
  const store: StoreEvents = async (tx, shop, currency, events, mode) => {
    transactions.push(events.length);
    return storeBatch(tx, shop, currency, events, mode);
  };
  return { store, transactions };
}

describe("commit queue groups", () => {
  it("GIVEN six batches read at once and parsed one per turn, as the event endpoints do WHEN the queue forms its group THEN one transaction stores all six", async () => {
    const { store, transactions } = countingStore();
    const queue = new CommitQueue(db.prisma, store, { maxQueuedEvents: 1_000, maxEventsPerCommit: 1_000, parallel: 1, gather: parsedBatches });
    const batches = Array.from({ length: 6 }, () => batch(10));

    const stored = await Promise.all(
      batches.map(async (events) => {
        await parseTurn();
        return queue.submit({ shopId, currency: "EUR", events });
      }),
    );

    expect(transactions).toEqual([60]);
    expect(stored).toEqual(batches.map((events) => new Set(events.map((v) => eventKey(v.event)))));
    expect(await db.prisma.event.count({ where: { shopId, clientEventId: { startsWith: "gather-" } } })).toBe(60);
  });

  it("GIVEN batches still to be parsed WHEN a group's worth of events is already waiting THEN the queue commits it without waiting for them", async () => {
    const { store, transactions } = countingStore();
    // A parse chain that never ends: only a full group lets the drain go on.
    const queue = new CommitQueue(db.prisma, store, { maxQueuedEvents: 1_000, maxEventsPerCommit: 20, parallel: 1, gather: () => new Promise<void>(() => {}) });
    const batches = [batch(10), batch(10)];

    const stored = await Promise.all(batches.map((events) => queue.submit({ shopId, currency: "EUR", events })));

    expect(transactions).toEqual([20]);
    expect(stored).toEqual(batches.map((events) => new Set(events.map((v) => eventKey(v.event)))));
  });
});
