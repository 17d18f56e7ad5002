/**
 * Background work on PostgreSQL (issue 13, docs/decisions/016-background-work.md): the email
 * outbox's own claim (app/email/outbox.server.ts `claimBatch`, one UPDATE of up to `BATCH` due
 * rows picked FOR UPDATE SKIP LOCKED, with a lease) against pg-boss, the maintained queue the issue
 * names, on the same throwaway PostgreSQL in the same run.
 *
 * - Throughput: 5,000 due jobs drained by 2 concurrent workers (each its own client and pool, as
 *   two app instances have), fetching `BATCH` at a time; completed per batch (one statement), and
 *   again per job (what the outbox does: each message is marked sent right after its SMTP
 *   acceptance). No SMTP: this measures the queue, not the mail. Each round has a fresh database.
 * - Exactly once: every job claimed/fetched by one worker only and completed (budget 0 done twice,
 *   0 never done), from the workers' own records and from the database afterwards.
 * - Recovery (informational): a worker takes a job and dies; how long until the other worker has
 *   it, through the claim's lease vs pg-boss's expiry (retried by its supervisor), both at their
 *   shortest useful settings (1 s) and a 50 ms poll.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import os from "node:os";
import type { PrismaClient } from "@prisma/client";
import { PgBoss } from "pg-boss";
import pg from "pg";
import { createPrisma } from "~/db.server";
import { claimBatch } from "~/email/outbox.server";
import { startPostgresCluster } from "../scripts/lib/postgres-cluster.mjs";
import { report } from "./lib/report";

const JOBS = 5_000;
const WORKERS = 2;
/** The outbox worker's default batch (DeliveryOptions.batchSize). */
const BATCH = 20;
/** Long enough that no claim expires during a throughput round. */
const LEASE_MS = 5 * 60_000;
const RECOVERY_TRIES = 3;
const POLL_MS = 50;

console.log(`# jobs: ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)} at start; ${WORKERS} workers in this process, batches of ${BATCH}`);

const cluster = (await startPostgresCluster()) as { createDatabase: (name: string) => Promise<string>; stop: () => void };
let databases = 0;
async function freshDatabase(): Promise<string> {
  const url = await cluster.createDatabase(`jobs_${++databases}`);
  // As a child: scripts/migrate-postgres.mjs runs its command line when it is the entry module,
  // which it would take this bundle for.
  execFileSync(process.execPath, [path.join(process.cwd(), "scripts/migrate-postgres.mjs")], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
  return url;
}

type Completion = "batch" | "job";

interface Drained {
  seconds: number;
  /** Every id each worker took, in order (a job taken twice appears twice). */
  taken: string[];
  completed: number;
}

/** Done twice = taken more than once; never done = not taken at all or not completed. */
function exactlyOnce(drained: Drained, expected: Set<string>) {
  const seen = new Set<string>();
  let twice = 0;
  for (const id of drained.taken) {
    if (seen.has(id)) twice++;
    seen.add(id);
  }
  const never = [...expected].filter((id) => !seen.has(id)).length + (JOBS - Math.min(JOBS, drained.completed));
  return { twice, never };
}

// --- the outbox claim ----------------------------------------------------------------------------

async function seedOutbox(prisma: PrismaClient, n: number, due: Date): Promise<{ shopId: string; ids: Set<string> }> {
  const shop = await prisma.shop.create({ data: { domain: `jobs-${randomUUID().slice(0, 8)}.myshopify.com`, name: "jobs", currency: "USD" } });
  for (let from = 0; from < n; from += 1_000) {
    await prisma.outboxMessage.createMany({
      data: Array.from({ length: Math.min(1_000, n - from) }, (_, k) => {
        const i = from + k;
        return {
          shopId: shop.id,
          orderShopifyId: `gid://shopify/Order/${i}`,
          recipient: "buyer@example.com",
          recipientHash: "hash",
          locale: "en",
          currency: "USD",
          offerId: "offer-1",
          content: "{}",
          dueAt: due,
          nextAttemptAt: due,
          messageId: `<${i}@moments.bench>`,
        };
      }),
    });
  }
  const ids = new Set((await prisma.outboxMessage.findMany({ where: { shopId: shop.id }, select: { id: true } })).map((r) => r.id));
  return { shopId: shop.id, ids };
}

async function claimWorker(prisma: PrismaClient, worker: number, completion: Completion, taken: string[]): Promise<number> {
  let completed = 0;
  for (;;) {
    const token = `w${worker}:${randomUUID()}`;
    const rows = await claimBatch(prisma, "postgresql", token, new Date(), BATCH, LEASE_MS);
    // SKIP LOCKED leaves this worker nothing only when every due row is claimed or being claimed.
    if (rows.length === 0) return completed;
    for (const row of rows) taken.push(row.id);
    const done = { status: "sent", claimedBy: null, claimedUntil: null, lastError: null };
    if (completion === "batch") {
      const { count } = await prisma.outboxMessage.updateMany({ where: { id: { in: rows.map((r) => r.id) }, claimedBy: token }, data: { ...done, sentAt: new Date() } });
      completed += count;
    } else {
      for (const row of rows) {
        const { count } = await prisma.outboxMessage.updateMany({ where: { id: row.id, claimedBy: token }, data: { ...done, sentAt: new Date() } });
        completed += count;
      }
    }
  }
}

async function claimRound(completion: Completion) {
  const url = await freshDatabase();
  const setup = createPrisma(url);
  const { ids } = await seedOutbox(setup, JOBS, new Date(Date.now() - 60_000));
  const clients = Array.from({ length: WORKERS }, () => createPrisma(url));
  await Promise.all(clients.map((c) => c.$connect()));
  const taken: string[] = [];
  const t0 = performance.now();
  const completed = (await Promise.all(clients.map((c, w) => claimWorker(c, w, completion, taken)))).reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - t0) / 1000;
  const stored = await setup.outboxMessage.groupBy({ by: ["status", "attempts"], _count: { _all: true } });
  await Promise.all([...clients, setup].map((c) => c.$disconnect()));
  const check = exactlyOnce({ seconds, taken, completed }, ids);
  // The database's own view: every row sent, and claimed once (attempts counts claims).
  const sentOnce = stored.find((s) => s.status === "sent" && s.attempts === 1)?._count._all ?? 0;
  return { seconds, ...check, stored: { sentOnce, other: JOBS - sentOnce } };
}

// --- the claim's SQL without Prisma ----------------------------------------------------------------

/**
 * claimBatch's two statements (the claim UPDATE, then the claimed rows read back) and the "sent"
 * mark, sent through node-postgres like pg-boss's: the same queue mechanism without Prisma's
 * per-query cost, to tell the two apart. Kept in step with app/email/outbox.server.ts by hand.
 */
async function claimSqlWorker(client: pg.Client, worker: number, completion: Completion, taken: string[]): Promise<number> {
  const due = `(("status" = 'pending' AND "nextAttemptAt" <= $1) OR ("status" = 'sending' AND "claimedUntil" < $1))`;
  let completed = 0;
  for (;;) {
    const token = `w${worker}:${randomUUID()}`;
    const now = new Date();
    const claimed = await client.query(
      `UPDATE "OutboxMessage" SET "status" = 'sending', "claimedBy" = $2, "claimedUntil" = $3, "attempts" = "attempts" + 1, "updatedAt" = $1
        WHERE "id" = ANY(ARRAY(SELECT "id" FROM "OutboxMessage" WHERE ${due} ORDER BY "nextAttemptAt" ASC LIMIT $4 FOR UPDATE SKIP LOCKED)) AND ${due}`,
      [now, token, new Date(now.getTime() + LEASE_MS), BATCH],
    );
    if (claimed.rowCount === 0) return completed;
    const rows = (await client.query<{ id: string }>(`SELECT "id" FROM "OutboxMessage" WHERE "claimedBy" = $1 AND "status" = 'sending' ORDER BY "nextAttemptAt" ASC`, [token])).rows;
    for (const row of rows) taken.push(row.id);
    const mark = `UPDATE "OutboxMessage" SET "status" = 'sent', "sentAt" = now(), "claimedBy" = NULL, "claimedUntil" = NULL, "lastError" = NULL WHERE "id" = ANY($1) AND "claimedBy" = $2`;
    if (completion === "batch") completed += (await client.query(mark, [rows.map((r) => r.id), token])).rowCount ?? 0;
    else for (const row of rows) completed += (await client.query(mark, [[row.id], token])).rowCount ?? 0;
  }
}

async function claimSqlRound(completion: Completion) {
  const url = await freshDatabase();
  const setup = createPrisma(url);
  const { ids } = await seedOutbox(setup, JOBS, new Date(Date.now() - 60_000));
  const clients = Array.from({ length: WORKERS }, () => new pg.Client({ connectionString: url }));
  await Promise.all(clients.map((c) => c.connect()));
  const taken: string[] = [];
  const t0 = performance.now();
  const completed = (await Promise.all(clients.map((c, w) => claimSqlWorker(c, w, completion, taken)))).reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - t0) / 1000;
  const sentOnce = await setup.outboxMessage.count({ where: { status: "sent", attempts: 1 } });
  await Promise.all(clients.map((c) => c.end()));
  await setup.$disconnect();
  return { seconds, ...exactlyOnce({ seconds, taken, completed }, ids), stored: { sentOnce, other: JOBS - sentOnce } };
}

// --- pg-boss -------------------------------------------------------------------------------------

const QUEUE = "outbox";

async function startBoss(url: string, options: { superviseIntervalSeconds?: number; monitorIntervalSeconds?: number } = {}): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: url, max: 10, schema: "pgboss", ...options });
  boss.on("error", (error) => console.error(`# pg-boss error: ${error instanceof Error ? error.message : String(error)}`));
  await boss.start();
  return boss;
}

async function bossWorker(boss: PgBoss, completion: Completion, taken: string[]): Promise<number> {
  let completed = 0;
  for (;;) {
    const jobs = await boss.fetch(QUEUE, { batchSize: BATCH });
    if (jobs.length === 0) return completed;
    for (const job of jobs) taken.push(job.id);
    if (completion === "batch") {
      const r = (await boss.complete(QUEUE, jobs.map((j) => j.id))) as { affected?: number };
      completed += r.affected ?? 0;
    } else {
      for (const job of jobs) {
        const r = (await boss.complete(QUEUE, job.id)) as { affected?: number };
        completed += r.affected ?? 0;
      }
    }
  }
}

async function bossRound(completion: Completion) {
  const url = await freshDatabase();
  const bosses = await Promise.all(Array.from({ length: WORKERS }, () => startBoss(url)));
  await bosses[0]!.createQueue(QUEUE, { expireInSeconds: LEASE_MS / 1000, retryLimit: 5 });
  const ids = new Set<string>();
  for (let from = 0; from < JOBS; from += 1_000) {
    const chunk = Array.from({ length: Math.min(1_000, JOBS - from) }, (_, k) => ({ id: randomUUID(), data: { order: from + k } }));
    await bosses[0]!.insert(QUEUE, chunk);
    for (const job of chunk) ids.add(job.id);
  }
  const taken: string[] = [];
  const t0 = performance.now();
  const completed = (await Promise.all(bosses.map((b) => bossWorker(b, completion, taken)))).reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - t0) / 1000;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const stored = await client.query<{ n: string }>(`SELECT count(*) AS n FROM pgboss.job WHERE name = $1 AND state = 'completed' AND retry_count = 0`, [QUEUE]);
  await client.end();
  await Promise.all(bosses.map((b) => b.stop({ graceful: false, close: true })));
  const sentOnce = Number(stored.rows[0]!.n);
  return { seconds, ...exactlyOnce({ seconds, taken, completed }, ids), stored: { sentOnce, other: JOBS - sentOnce } };
}

// --- recovery after a dead worker ----------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function claimRecoveryMs(): Promise<number> {
  const url = await freshDatabase();
  const [dead, alive] = [createPrisma(url), createPrisma(url)];
  const { shopId } = await seedOutbox(dead, 1, new Date(Date.now() - 60_000));
  const samples: number[] = [];
  for (let i = 0; i < RECOVERY_TRIES; i++) {
    await dead.outboxMessage.updateMany({ where: { shopId }, data: { status: "pending", claimedBy: null, claimedUntil: null } });
    const lost = await claimBatch(dead, "postgresql", `dead:${randomUUID()}`, new Date(), BATCH, 1_000);
    const t0 = performance.now();
    if (lost.length !== 1) throw new Error(`the dying worker claimed ${lost.length} messages, not 1`);
    // The dying worker never completes; the other polls the way the outbox loop does.
    for (;;) {
      const got = await claimBatch(alive, "postgresql", `alive:${randomUUID()}`, new Date(), BATCH, 1_000);
      if (got.length === 1) break;
      await sleep(POLL_MS);
    }
    samples.push(performance.now() - t0);
  }
  await Promise.all([dead.$disconnect(), alive.$disconnect()]);
  return median(samples);
}

async function bossRecoveryMs(): Promise<number> {
  const url = await freshDatabase();
  // Expired jobs are failed (then retried) by the supervisor's monitor pass, which runs at most every
  // monitorIntervalSeconds (60 by default): both at their minimum.
  const fastest = { superviseIntervalSeconds: 1, monitorIntervalSeconds: 1 };
  const [dead, alive] = await Promise.all([startBoss(url, fastest), startBoss(url, fastest)]);
  await dead.createQueue(QUEUE, { expireInSeconds: 1, retryLimit: 2 * RECOVERY_TRIES, retryDelay: 0 });
  const samples: number[] = [];
  for (let i = 0; i < RECOVERY_TRIES; i++) {
    await dead.send(QUEUE, { try: i });
    const lost = await dead.fetch(QUEUE, { batchSize: BATCH });
    const t0 = performance.now();
    if (lost.length !== 1) throw new Error(`the dying pg-boss worker fetched ${lost.length} jobs, not 1`);
    for (;;) {
      const got = await alive.fetch(QUEUE, { batchSize: BATCH });
      if (got.length === 1) {
        await alive.complete(QUEUE, got[0]!.id);
        break;
      }
      await sleep(POLL_MS);
    }
    samples.push(performance.now() - t0);
  }
  await Promise.all([dead, alive].map((b) => b.stop({ graceful: false, close: true })));
  return median(samples);
}

// --- the run -------------------------------------------------------------------------------------

try {
  for (const completion of ["batch", "job"] as const) {
    const claim = await claimRound(completion);
    const claimSql = await claimSqlRound(completion);
    const boss = await bossRound(completion);
    const how = completion === "batch" ? "" : " completed per job";
    const bossRate = { value: JOBS / boss.seconds, label: `pg-boss ${WORKERS} workers${how}` };
    report({ name: `jobs claim ${WORKERS} workers${how}`, value: JOBS / claim.seconds, unit: "jobs/s", baseline: bossRate });
    report({ name: `jobs claim SQL through pg, no Prisma, ${WORKERS} workers${how}`, value: JOBS / claimSql.seconds, unit: "jobs/s", baseline: bossRate });
    for (const [label, r] of [["claim", claim], ["claim SQL through pg", claimSql], ["pg-boss", boss]] as const) {
      report({ name: `jobs ${label}${how}: jobs done twice`, value: r.twice, unit: "jobs", budget: { limit: 0, kind: "max" } });
      report({ name: `jobs ${label}${how}: jobs never done`, value: r.never, unit: "jobs", budget: { limit: 0, kind: "max" } });
      report({ name: `jobs ${label}${how}: rows not completed exactly once in the database`, value: r.stored.other, unit: "jobs", budget: { limit: 0, kind: "max" } });
    }
  }
  const claimMs = await claimRecoveryMs();
  const bossMs = await bossRecoveryMs();
  report({
    name: `jobs dead worker's job taken by the other (claim: lease 1 s, poll ${POLL_MS} ms; median of ${RECOVERY_TRIES})`,
    value: claimMs,
    unit: "ms",
    baseline: { value: bossMs, label: `pg-boss: expireInSeconds 1, supervise and monitor every 1 s, poll ${POLL_MS} ms` },
  });
} finally {
  cluster.stop();
}
