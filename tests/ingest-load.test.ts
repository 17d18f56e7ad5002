import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { realModeEnv, startServer, type RunningServer } from "./support/server";
import { seedInstalledShop } from "./support/fixtures";
import {
  AckLedger,
  acknowledges,
  buyerBatch,
  inParallel,
  isBackpressure,
  openLoadDatabase,
  retryAfterMs,
  rollupsAndEvents,
  sendBatch,
  serverErrors,
  sleep,
  statusReport,
  stopLoadDatabases,
  storedCounts,
  type Answer,
  type LoadDatabase,
  type LoadEvent,
} from "./ingest.helpers";

// Issue 13, "What it must show": /api/events under concurrent duplicates and under pool
// exhaustion, black-box against the built server with real checkout session tokens. Values up to
// 1e11 minor units are tests/money64*.test.ts's; the kill -9 fault test is tests/ingest-fault.test.ts.
const SHOP = "load-store.myshopify.com";
const BATCHES = 100;
const EVENTS_PER_BATCH = 20;
const COPIES = 4;
/**
 * Batches in flight at once, each as its 4 copies: 100 concurrent requests, 2,000 events: the
 * copies race on one database (on a busy 2-core machine the per-request-transaction code answered
 * 26 of 400 with 500 on PostgreSQL and lost 6 batches whole), yet the queue stays below where
 * backpressure should be needed.
 */
const BATCHES_AT_ONCE = 25;

afterAll(() => stopLoadDatabases());

// "suite" is the database every test file runs on (SQLite, or PostgreSQL with
// MOMENTS_TEST_DATABASE=postgresql); "postgresql" always runs, on a throwaway PostgreSQL server.
describe.each(["suite", "postgresql"] as const)("4 concurrent copies of every batch (database: %s)", (which) => {
  const tag = `dup-${which}`;
  let db: LoadDatabase;
  let server: RunningServer;
  let shopId: string;
  const answers: Answer[] = [];
  const ledger = new AckLedger();
  const sent: LoadEvent[] = [];

  beforeAll(async () => {
    db = await openLoadDatabase(which, `ingest_load_${which}`);
    server = await startServer({ ...realModeEnv(db.url), EMAIL_WORKER: "off" });
    shopId = (await seedInstalledShop(db.prisma, SHOP)).id;
    const batches = Array.from({ length: BATCHES }, () => buyerBatch(tag, EVENTS_PER_BATCH));
    sent.push(...batches.flat());
    const perBatch = await inParallel(
      BATCHES_AT_ONCE,
      batches.map((batch) => () => Promise.all(Array.from({ length: COPIES }, () => sendBatch(server.url, SHOP, batch)))),
    );
    for (const a of perBatch.flat()) {
      answers.push(a);
      ledger.record(a);
    }
    console.info(`4 copies on ${db.dialect}: answers ${JSON.stringify(statusReport(answers).counts)}`);
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
    await db?.prisma.$disconnect();
  });

  it(`GIVEN ${BATCHES} batches of ${EVENTS_PER_BATCH} events WHEN ${COPIES} copies of each are posted concurrently THEN no answer is a 5xx and every one is a 2xx`, () => {
    const report = statusReport(answers);
    const not2xx = statusReport(answers.filter((a) => a.status < 200 || a.status >= 300));
    expect(answers).toHaveLength(BATCHES * COPIES);
    expect(not2xx, `${db.dialect}: ${JSON.stringify(report.counts)}; server: ${serverErrors(server.output())}`).toEqual({ counts: {}, samples: {} });
  });

  it(`GIVEN ${BATCHES} batches of ${EVENTS_PER_BATCH} events WHEN ${COPIES} copies of each are posted concurrently THEN each event is stored exactly once`, async () => {
    const stored = await storedCounts(db.prisma, shopId, tag);
    const missing = sent.filter((e) => !stored.has(e.id)).length;
    const twice = [...stored.values()].filter((n) => n !== 1).length;
    expect({ stored: stored.size, missing, twice }, db.dialect).toEqual({ stored: sent.length, missing: 0, twice: 0 });
  });

  it(`GIVEN ${BATCHES} batches of ${EVENTS_PER_BATCH} events WHEN ${COPIES} copies of each are posted concurrently THEN each event reads "accepted" in exactly one answer and "duplicate" in the other ${COPIES - 1}`, () => {
    const wrong = sent
      .map((e) => ({ id: e.id, ...(ledger.byId.get(e.id) ?? { accepted: 0, duplicate: 0, rejected: 0 }) }))
      .filter((n) => n.accepted !== 1 || n.duplicate !== COPIES - 1 || n.rejected !== 0);
    expect({ wrong: wrong.length, samples: wrong.slice(0, 3) }, db.dialect).toEqual({ wrong: 0, samples: [] });
  });

  it(`GIVEN ${BATCHES} batches of ${EVENTS_PER_BATCH} events WHEN ${COPIES} copies of each are posted concurrently THEN the roll-ups equal the stored events (views, impressions, clicks, accepts, declines, acceptedMinor)`, async () => {
    const { rollups, events } = await rollupsAndEvents(db.prisma, shopId);
    expect(rollups, db.dialect).toEqual(events);
    expect(Number(events.views)).toBeGreaterThan(0);
  });
});

describe("PostgreSQL with a pool of 2 connections under 50 clients at once", () => {
  const CLIENTS = 50;
  /** Each client posts back to back for this long (at most MAX_ROUNDS batches): sustained load, not one burst. */
  const LOAD_MS = 5_000;
  const MAX_ROUNDS = 40;
  const tag = "pool";
  let db: LoadDatabase;
  let server: RunningServer;
  let shopId: string;
  const answers: Answer[] = [];
  const ledger = new AckLedger();

  beforeAll(async () => {
    db = await openLoadDatabase("postgresql", "ingest_pool");
    server = await startServer({ ...realModeEnv(db.url), EMAIL_WORKER: "off", DATABASE_POOL_SIZE: "2" });
    shopId = (await seedInstalledShop(db.prisma, SHOP)).id;
    // Every client posts its rounds back to back and never retries: what is stored must be
    // exactly what the answers acknowledged.
    const start = Date.now();
    const perClient = await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const mine: Answer[] = [];
        for (let r = 0; r < MAX_ROUNDS && Date.now() - start < LOAD_MS; r++) mine.push(await sendBatch(server.url, SHOP, buyerBatch(tag, EVENTS_PER_BATCH)));
        return mine;
      }),
    );
    for (const a of perClient.flat()) {
      answers.push(a);
      ledger.record(a);
    }
    console.info(`pool of 2: answers ${JSON.stringify(statusReport(answers).counts)}`);
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
    await db?.prisma.$disconnect();
  });

  it("GIVEN DATABASE_POOL_SIZE=2 WHEN 50 clients post batches at once for 5 s THEN every answer is a 2xx, or a 429/503 with Retry-After and a JSON reason, never a 500", () => {
    const report = statusReport(answers);
    const refused = answers.filter((a) => !(a.status >= 200 && a.status < 300) && !isBackpressure(a));
    const refusedReport = statusReport(refused);
    expect(answers.length).toBeGreaterThanOrEqual(CLIENTS);
    expect({ refused: refusedReport.counts, samples: refusedReport.samples }, `${JSON.stringify(report.counts)}; server: ${serverErrors(server.output())}`).toEqual({ refused: {}, samples: {} });
    // Backpressure that refused everything would make the endpoint useless under load.
    expect(answers.filter((a) => a.status >= 200 && a.status < 300).length, JSON.stringify(report.counts)).toBeGreaterThan(0);
  });

  it("GIVEN DATABASE_POOL_SIZE=2 WHEN 50 clients post batches at once for 5 s THEN every event acknowledged as accepted is stored, and nothing else", async () => {
    const stored = await storedCounts(db.prisma, shopId, tag);
    const accepted = ledger.ids("accepted");
    const storedNotAccepted = [...stored.keys()].filter((id) => !accepted.has(id)).length;
    const acceptedNotStored = [...accepted].filter((id) => !stored.has(id)).length;
    const twice = [...stored.values()].filter((n) => n !== 1).length;
    expect({ storedNotAccepted, acceptedNotStored, twice }, JSON.stringify(statusReport(answers).counts)).toEqual({ storedNotAccepted: 0, acceptedNotStored: 0, twice: 0 });
  });
});

describe("backpressure: a queue of 50 events under 40 clients at once", () => {
  const CLIENTS = 40;
  const BATCHES_EACH = 3;
  /** A full batch: while one is waiting or being written, the next one finds the queue full. */
  const SIZE = 50;
  const MAX_ATTEMPTS = 60;
  const tag = "queue";
  let db: LoadDatabase;
  let server: RunningServer;
  let shopId: string;
  const answers: Answer[] = [];
  const sent: LoadEvent[] = [];
  let unacknowledged = 0;

  beforeAll(async () => {
    db = await openLoadDatabase("suite", "ingest_queue");
    server = await startServer({ ...realModeEnv(db.url), EMAIL_WORKER: "off", INGEST_MAX_QUEUED_EVENTS: "50" });
    shopId = (await seedInstalledShop(db.prisma, SHOP)).id;
    // Every client sends its batches one after the other and, like the surfaces, sends a refused
    // batch again after Retry-After until it is acknowledged (bounded in attempts).
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let b = 0; b < BATCHES_EACH; b++) {
          const batch = buyerBatch(tag, SIZE);
          sent.push(...batch);
          let done = false;
          for (let attempt = 0; attempt < MAX_ATTEMPTS && !done; attempt++) {
            const answer = await sendBatch(server.url, SHOP, batch);
            answers.push(answer);
            done = acknowledges(answer, batch);
            if (!done) await sleep(Math.min(retryAfterMs(answer) || 200, 1_000));
          }
          if (!done) unacknowledged++;
        }
      }),
    );
    console.info(`queue of 50: answers ${JSON.stringify(statusReport(answers).counts)}`);
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
    await db?.prisma.$disconnect();
  });

  it("GIVEN INGEST_MAX_QUEUED_EVENTS=50 WHEN 40 clients post batches of 50 at once THEN the overflow is answered 503 with Retry-After and a reason, and nothing else but 2xx", () => {
    const other = statusReport(answers.filter((a) => !(a.status >= 200 && a.status < 300) && !isBackpressure(a)));
    expect(other, serverErrors(server.output())).toEqual({ counts: {}, samples: {} });
    expect(answers.filter((a) => a.status === 503 && isBackpressure(a)).length, JSON.stringify(statusReport(answers).counts)).toBeGreaterThan(0);
  });

  it("GIVEN INGEST_MAX_QUEUED_EVENTS=50 WHEN refused batches are sent again after Retry-After THEN every batch is acknowledged and each event stored exactly once", async () => {
    const stored = await storedCounts(db.prisma, shopId, tag);
    const missing = sent.filter((e) => !stored.has(e.id)).length;
    const twice = [...stored.values()].filter((n) => n !== 1).length;
    expect({ unacknowledged, stored: stored.size, missing, twice }).toEqual({ unacknowledged: 0, stored: sent.length, missing: 0, twice: 0 });
  });

  it("GIVEN INGEST_MAX_QUEUED_EVENTS=50 WHEN the load is over THEN the roll-ups equal the stored events", async () => {
    const { rollups, events } = await rollupsAndEvents(db.prisma, shopId);
    expect(rollups).toEqual(events);
  });
});

describe("PostgreSQL pool exhaustion: one connection, held by a transaction that waits on a lock", () => {
  const tag = "exhausted";
  let db: LoadDatabase;
  let server: RunningServer;
  let holder: pg.Client;
  let first: Answer;
  let second: Answer;
  let firstBatch: LoadEvent[];

  beforeAll(async () => {
    db = await openLoadDatabase("postgresql", "ingest_exhausted");
    server = await startServer({ ...realModeEnv(db.url), EMAIL_WORKER: "off", DATABASE_POOL_SIZE: "1" });
    await seedInstalledShop(db.prisma, SHOP);
    // Another client of the database holds a lock that every event insert waits for: the first
    // batch's transaction takes the server's only connection and waits on it.
    holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('BEGIN; LOCK TABLE "Event" IN EXCLUSIVE MODE');
    firstBatch = buyerBatch(tag, EVENTS_PER_BATCH);
    const pendingFirst = sendBatch(server.url, SHOP, firstBatch, 30_000);
    await sleep(500);
    second = await sendBatch(server.url, SHOP, buyerBatch(tag, EVENTS_PER_BATCH), 30_000);
    await holder.query("COMMIT");
    first = await pendingFirst;
  }, 120_000);
  afterAll(async () => {
    await holder?.end().catch(() => undefined);
    await server?.stop();
    await db?.prisma.$disconnect();
  });

  it("GIVEN DATABASE_POOL_SIZE=1 and its connection held WHEN another batch arrives THEN 503 with Retry-After and a reason, not 500", () => {
    expect({ status: second.status, backpressure: isBackpressure(second) }, `${second.text}; server: ${serverErrors(server.output())}`).toEqual({ status: 503, backpressure: true });
  });

  it("GIVEN the held connection is released WHEN the first batch's transaction goes on THEN it is acknowledged and stored", async () => {
    expect(acknowledges(first, firstBatch), first.text).toBe(true);
    const stored = await storedCounts(db.prisma, (await db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id, tag);
    expect(stored.size).toBe(firstBatch.length);
  });
});
