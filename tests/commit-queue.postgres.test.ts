import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommitQueue, Overloaded, type StoreEvents } from "~/measurement/commit-queue.server";
import { eventKey, type Valid } from "~/measurement/exposure-check.server";
import { freshPostgresDatabase, startPostgres, type PostgresCluster, type PostgresDatabase } from "./support/postgres";
import { seedInstalledShop } from "./support/fixtures";

// The commit queue's grouping with two transactions in flight (PostgreSQL's setting), on a real
// PostgreSQL server: a batch that writes a journey of the group in flight waits for that group to
// commit instead of waiting on the journey's advisory lock inside a second transaction. The store
// records which journeys each transaction carried and holds the first one open until released.
let cluster: PostgresCluster;
let db: PostgresDatabase;
let shopId: string;

beforeAll(async () => {
  cluster = await startPostgres();
  db = await freshPostgresDatabase(cluster, "commit_queue");
  shopId = (await seedInstalledShop(db.prisma, "commit-queue.myshopify.com")).id;
});
afterAll(async () => {
  await db?.prisma.$disconnect();
  cluster?.stop();
});

let ids = 0;
const batch = (...journeys: string[]): Valid[] =>
  journeys.map((journeyKey, index) => ({
    index,
    occurredAt: new Date(),
    event: { id: `e${ids++}`, journeyKey, type: "impression", moment: "checkout", arm: "none" } as Valid["event"],
  }));

/**
 * A store that records each transaction's event ids in order and keeps the first transaction open
 * until `release`; with `failFirst` that transaction then fails (and rolls back).
 */
function recordingStore(failFirst = false) {
  const transactions: string[][] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const firstStarted = new Promise<void>((resolve) => (started = resolve));
  const store: StoreEvents = async (_tx, _shop, _currency, events) => {
    const first = transactions.length === 0;
    transactions.push(events.map((v) => v.event.id));
    if (first) {
      started();
      await held;
      if (failFirst) throw new Error("the first transaction failed");
    }
    return new Set(events.map((v) => eventKey(v.event)));
  };
  return { store, transactions, release, firstStarted };
}

const idsOf = (events: Valid[]) => events.map((v) => v.event.id);

const queueWith = (store: StoreEvents) => new CommitQueue(db.prisma, store, { maxQueuedEvents: 1_000, maxEventsPerCommit: 1_000, parallel: 2 });

describe("commit queue with two transactions in flight", () => {
  it("GIVEN a transaction in flight for journey j1 WHEN a batch of another journey arrives THEN it is stored in a second transaction before the first commits", async () => {
    const { store, transactions, release, firstStarted } = recordingStore();
    const queue = queueWith(store);
    const a = batch("j1", "j1");
    const first = queue.submit({ shopId, currency: "EUR", events: a });
    try {
      await firstStarted;
      const other = batch("j2");

      const stored = await queue.submit({ shopId, currency: "EUR", events: other });

      expect(stored).toEqual(new Set(other.map((v) => eventKey(v.event))));
      expect(transactions).toEqual([idsOf(a), idsOf(other)]);
    } finally {
      release();
      await first;
    }
  });

  it("GIVEN a transaction in flight for journey j1 WHEN a batch of j1 and one of j3 arrive THEN j3 goes alongside and the j1 batch waits for the first to commit", async () => {
    const { store, transactions, release, firstStarted } = recordingStore();
    const queue = queueWith(store);
    const a = batch("j1");
    const first = queue.submit({ shopId, currency: "EUR", events: a });
    const sameJourney = batch("j1", "j2");
    let waiting: Promise<Set<string>> | undefined;
    try {
      await firstStarted;
      const other = batch("j3");
      waiting = queue.submit({ shopId, currency: "EUR", events: sameJourney });

      await queue.submit({ shopId, currency: "EUR", events: other });

      expect(transactions).toEqual([idsOf(a), idsOf(other)]);
    } finally {
      release();
      await Promise.all([first, waiting]);
    }
    expect(transactions.at(-1)).toEqual(idsOf(sameJourney));
  });

  it("GIVEN a batch of j1 waiting behind the transaction in flight WHEN a later batch shares its journey j2 THEN the later one waits too, and both commit after the first, in the order they arrived", async () => {
    const { store, transactions, release, firstStarted } = recordingStore();
    const queue = queueWith(store);
    const a = batch("j1");
    const first = queue.submit({ shopId, currency: "EUR", events: a });
    const earlier = batch("j1", "j2");
    const later = batch("j2");
    const both: Array<Promise<Set<string>>> = [];
    try {
      await firstStarted;
      both.push(queue.submit({ shopId, currency: "EUR", events: earlier }), queue.submit({ shopId, currency: "EUR", events: later }));
      // A batch of an unrelated journey submitted after them is stored while the first is in flight:
      // by then the two have been passed over.
      const unrelated = batch("j9");
      await queue.submit({ shopId, currency: "EUR", events: unrelated });

      expect(transactions).toEqual([idsOf(a), idsOf(unrelated)]);
    } finally {
      release();
      await Promise.all([first, ...both]);
    }
    expect(transactions.slice(2)).toEqual([[...idsOf(earlier), ...idsOf(later)]]);
  });

  it("GIVEN a batch waiting behind a transaction in flight WHEN that transaction fails THEN the failed batch is refused and the waiting one is still stored", async () => {
    const { store, transactions, release, firstStarted } = recordingStore(true);
    const queue = queueWith(store);
    const a = batch("j1");
    const first = queue.submit({ shopId, currency: "EUR", events: a });
    const refused = expect(first).rejects.toThrow("the first transaction failed");
    await firstStarted;
    const waiting = batch("j1");
    const second = queue.submit({ shopId, currency: "EUR", events: waiting });
    release();

    await refused;
    expect(await second).toEqual(new Set(waiting.map((v) => eventKey(v.event))));
    expect(transactions).toEqual([idsOf(a), idsOf(waiting)]);
  });
});

describe("commit queue with one transaction in flight (the app's setting)", () => {
  it("GIVEN the transaction in flight is stuck WHEN a batch waits past maxWaitMs THEN it is refused with Overloaded and the stuck one still commits", async () => {
    const { store, transactions, release, firstStarted } = recordingStore();
    const queue = new CommitQueue(db.prisma, store, { maxQueuedEvents: 1_000, maxEventsPerCommit: 1_000, parallel: 1, maxWaitMs: 200 });
    const a = batch("j1");
    const first = queue.submit({ shopId, currency: "EUR", events: a });
    await firstStarted;

    const waiting = queue.submit({ shopId, currency: "EUR", events: batch("j2") });

    await expect(waiting).rejects.toBeInstanceOf(Overloaded);
    release();
    expect(await first).toEqual(new Set(a.map((v) => eventKey(v.event))));
    expect(transactions).toEqual([idsOf(a)]);
  });
});
