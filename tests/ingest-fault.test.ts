import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realModeEnv, startServer, type RunningServer } from "./support/server";
import { seedInstalledShop } from "./support/fixtures";
import {
  AckLedger,
  acknowledges,
  buyerBatch,
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

// Issue 13's fault test: two app instances on one PostgreSQL database under load, one of them
// killed with SIGKILL mid-load. Clients retry a failed batch on the survivor, as a real client
// behind a load balancer would, until it is acknowledged. A request killed mid-flight may have
// committed without its answer arriving: its retry then reads "duplicate", so what must hold is
// stored = acknowledged (accepted or duplicate in some answer), each stored once, and roll-ups
// equal to the stored events. PostgreSQL must be installed: this fails, it does not skip.
const SHOP = "fault-store.myshopify.com";
const TAG = "fault";
const CLIENTS = 8;
const EVENTS_PER_BATCH = 20;
const LOAD_MS = 4_000;
const KILL_AT_MS = 1_500;
/** Retries of batches begun before LOAD_MS go on until this, then the batch counts as lost. */
const RETRY_UNTIL_MS = LOAD_MS + 20_000;
const MAX_BATCHES_PER_CLIENT = 400;
const MAX_ATTEMPTS = 40;
const REQUEST_TIMEOUT_MS = 10_000;

interface Sent extends Answer {
  instance: number;
  at: number;
}
interface Outcome {
  batch: LoadEvent[];
  acknowledged: boolean;
  attempts: Sent[];
}

let db: LoadDatabase;
let shopId: string;
const servers: RunningServer[] = [];
const VICTIM = 0;
const SURVIVOR = 1;
let killedAt: number | null = null;
let loadEndedAt = 0;
const outcomes: Outcome[] = [];
const ledger = new AckLedger();

/** One client: new batches back to back, alternating instances, each retried until acknowledged. */
async function client(c: number, start: number): Promise<void> {
  for (let j = 0; j < MAX_BATCHES_PER_CLIENT && Date.now() - start < LOAD_MS; j++) {
    const outcome: Outcome = { batch: buyerBatch(TAG, EVENTS_PER_BATCH), acknowledged: false, attempts: [] };
    outcomes.push(outcome);
    let target = (c + j) % 2;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && Date.now() - start < RETRY_UNTIL_MS; attempt++) {
      const answer = await sendBatch(servers[target]!.url, SHOP, outcome.batch, REQUEST_TIMEOUT_MS);
      outcome.attempts.push({ ...answer, instance: target, at: Date.now() - start });
      ledger.record(answer);
      if (acknowledges(answer, outcome.batch)) {
        outcome.acknowledged = true;
        break;
      }
      // A refusal of the batch itself (4xx other than 429) is final: retrying cannot change it.
      if (answer.status >= 400 && answer.status < 500 && answer.status !== 429) break;
      target = killedAt !== null ? SURVIVOR : 1 - target;
      await sleep(Math.min(Math.max(retryAfterMs(answer), 50), 2_000));
    }
  }
}

beforeAll(async () => {
  db = await openLoadDatabase("postgresql", "ingest_fault");
  shopId = (await seedInstalledShop(db.prisma, SHOP)).id;
  const env = { ...realModeEnv(db.url), EMAIL_WORKER: "off" };
  servers.push(await startServer(env), await startServer(env));
  // Instances in production are warm: one batch each first, so the first 1.5 s measure load, not
  // the first request's module loading and connection set-up.
  for (const server of servers) {
    const batch = buyerBatch(`warmup-${TAG}`, EVENTS_PER_BATCH);
    const answer = await sendBatch(server.url, SHOP, batch);
    if (!acknowledges(answer, batch)) throw new Error(`warm-up batch not acknowledged: ${answer.status} ${answer.error ?? answer.text}`);
  }
  const start = Date.now();
  const kill = setTimeout(() => {
    process.kill(servers[VICTIM]!.pid, "SIGKILL");
    killedAt = Date.now() - start;
  }, KILL_AT_MS);
  try {
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c, start)));
  } finally {
    clearTimeout(kill);
  }
  loadEndedAt = Date.now() - start;
  const byInstance = servers.map((_, i) => statusReport(attempts().filter((a) => a.instance === i)).counts);
  console.info(`fault load: ${outcomes.length} batches, killed at ${killedAt} ms, ended at ${loadEndedAt} ms, answers by instance ${JSON.stringify(byInstance)}`);
}, 120_000);

afterAll(async () => {
  // The killed instance has exited already; stop() would wait for an exit that has happened.
  if (servers[VICTIM] && killedAt === null) await servers[VICTIM].stop();
  await servers[SURVIVOR]?.stop();
  await db?.prisma.$disconnect();
  stopLoadDatabases();
});

const attempts = () => outcomes.flatMap((o) => o.attempts);

describe("kill -9 of one of two instances on PostgreSQL during load", () => {
  it("GIVEN 8 clients alternating between two instances WHEN one is killed after 1.5 s THEN it had acknowledged batches before, its requests fail after, and the load goes on on the survivor", () => {
    expect(killedAt).not.toBeNull();
    const killed = killedAt!;
    const victimAcks = attempts().filter((a) => a.instance === VICTIM && a.at <= killed && a.status >= 200 && a.status < 300).length;
    const victimFailuresAfter = attempts().filter((a) => a.instance === VICTIM && a.at > killed && a.status === 0).length;
    const survivorAcksAfter = attempts().filter((a) => a.instance === SURVIVOR && a.at > killed + 500 && a.status >= 200 && a.status < 300).length;
    expect({ victimAcks: victimAcks > 0, victimFailuresAfter: victimFailuresAfter > 0, survivorAcksAfter: survivorAcksAfter > 0 }, JSON.stringify({ killed, loadEndedAt, victimAcks, victimFailuresAfter, survivorAcksAfter })).toEqual({
      victimAcks: true,
      victimFailuresAfter: true,
      survivorAcksAfter: true,
    });
  });

  it("GIVEN one instance killed mid-load WHEN clients retry failed batches on the survivor THEN every batch is acknowledged (accepted or duplicate for each event)", () => {
    const lost = outcomes.filter((o) => !o.acknowledged);
    const survivorFailures = statusReport(attempts().filter((a) => a.instance === SURVIVOR && !(a.status >= 200 && a.status < 300)));
    expect(
      { lost: lost.length, lastAnswers: lost.slice(0, 3).map((o) => ({ status: o.attempts.at(-1)?.status, body: (o.attempts.at(-1)?.error ?? o.attempts.at(-1)?.text)?.slice(0, 300) })) },
      `batches ${outcomes.length}; survivor's non-2xx answers ${JSON.stringify(survivorFailures)}; survivor: ${serverErrors(servers[SURVIVOR]!.output())}`,
    ).toEqual({ lost: 0, lastAnswers: [] });
    expect(outcomes.length).toBeGreaterThan(CLIENTS);
  });

  it("GIVEN one instance killed mid-load WHEN the load is over THEN the stored events are exactly the acknowledged ones, each stored once and accepted in at most one answer", async () => {
    const stored = await storedCounts(db.prisma, shopId, TAG);
    const acknowledged = ledger.ids("acknowledged");
    const storedUnacknowledged = [...stored.keys()].filter((id) => !acknowledged.has(id));
    const acknowledgedMissing = [...acknowledged].filter((id) => !stored.has(id));
    const storedTwice = [...stored.values()].filter((n) => n !== 1).length;
    const acceptedTwice = [...ledger.byId.values()].filter((n) => n.accepted > 1).length;
    expect(
      { storedUnacknowledged: storedUnacknowledged.length, acknowledgedMissing: acknowledgedMissing.length, storedTwice, acceptedTwice },
      JSON.stringify({ stored: stored.size, acknowledged: acknowledged.size, samples: [...storedUnacknowledged, ...acknowledgedMissing].slice(0, 3), statuses: statusReport(attempts()).counts }),
    ).toEqual({ storedUnacknowledged: 0, acknowledgedMissing: 0, storedTwice: 0, acceptedTwice: 0 });
    expect(stored.size).toBeGreaterThan(0);
  });

  it("GIVEN one instance killed mid-load WHEN the load is over THEN the roll-ups equal the stored events (views, impressions, clicks, accepts, declines, acceptedMinor in the shop's currency)", async () => {
    const { rollups, events } = await rollupsAndEvents(db.prisma, shopId);
    expect(rollups).toEqual(events);
  });
});
