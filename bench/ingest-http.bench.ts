/**
 * Ingestion over HTTP against the built server in real mode, driven by autocannon (issue 13):
 * POST /api/events with real checkout session tokens, batches of 5 and of 50 realistic events
 * (exposures whose arm the engine assigns, impressions, clicks, accepts with a value, declines),
 * at 1, 10 and 50 connections, on SQLite, on PostgreSQL with one instance and with two instances
 * sharing the database. Baseline, same run, same server: GET /healthz (one database round trip
 * through the same runtime), the per-request floor of this server.
 * Budgets at 10 connections: >= 10,000 events/s with batches of 50; with batches of 5, req/s
 * >= 0.6 x /healthz req/s; p99 <= 50 ms. Every run: no answer but 2xx, or 429/503 with
 * Retry-After; every acknowledged event stored, nothing stored that was refused, none twice.
 * The load generator runs in this process, on the same cores as the server(s).
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { createPrisma } from "~/db.server";
import { checkoutToken } from "../tests/hostile.helpers";
import { BROWSER_UA, realModeEnv, startServer, type RunningServer } from "../tests/support/server";
import { startPostgresCluster } from "../scripts/lib/postgres-cluster.mjs";
import { ensureAppBuild } from "./lib/build";
import { eventStream, installShop, type BenchShop } from "./lib/ingest-fixtures";
import { load, type LoadRun } from "./lib/load";
import { report } from "./lib/report";

const root = process.cwd();
const SECONDS = 5;
// BENCH_INGEST_CONNECTIONS=10 and BENCH_INGEST_ONLY=sqlite narrow a run while working on the hot
// path (BENCH_INGEST_BATCHES=50 one batch size); BENCH_INGEST_PROFILE=<dir> has the servers write
// CPU profiles there.
const CONNECTIONS = process.env.BENCH_INGEST_CONNECTIONS ? process.env.BENCH_INGEST_CONNECTIONS.split(",").map(Number) : [1, 10, 50];
const ONLY = process.env.BENCH_INGEST_ONLY?.split(",");
const PROFILE = process.env.BENCH_INGEST_PROFILE;
const BATCHES = process.env.BENCH_INGEST_BATCHES ? process.env.BENCH_INGEST_BATCHES.split(",").map(Number) : [5, 50];
const BUDGET_CONNECTIONS = 10;
/** How long the server may take to finish requests autocannon abandoned at the end of a run. */
const DRAIN_CAP_MS = 60_000;

const BUILD = ensureAppBuild(path.join(root, ".tmp/build-bench-ingest"));
const dir = path.join(root, ".tmp/bench/ingest-http");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

console.log(
  `# ingest-http: ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)} at start; autocannon in the bench process`,
);

// --- one database set-up ------------------------------------------------------------------------

interface Setup {
  label: string;
  prisma: PrismaClient;
  servers: RunningServer[];
}

const urlsOf = (s: Setup) => s.servers.map((x) => x.url);

async function healthz(s: Setup, connections: number, seconds = SECONDS): Promise<LoadRun> {
  return load({ urls: urlsOf(s), connections, seconds, path: "/healthz", headers: { "User-Agent": BROWSER_UA } });
}

interface EventsRun {
  run: LoadRun;
  acknowledged: number;
  /** Events answered rejected or duplicate, or sent in a request answered with a non-2xx. */
  refused: number;
  /** Acknowledged (accepted) events not in the database. */
  lost: number;
  /** Events in the database that the server answered rejected, duplicate or with a non-2xx. */
  storedThoughRefused: number;
  /** Events of requests that got no answer (in flight at the end, timed out, connection lost). */
  unanswered: number;
  unansweredStored: number;
  storedTwice: number;
}

async function events(
  s: Setup,
  shop: BenchShop,
  batch: number,
  connections: number,
  seconds = SECONDS,
): Promise<EventsRun> {
  const tag = `b${batch}c${connections}${randomUUID().slice(0, 6)}`;
  const next = eventStream(shop, tag);
  const sent: string[] = [];
  const acknowledged = new Set<string>();
  const refused = new Set<string>();
  const answered = new Set<string>();
  const token = await checkoutToken(shop.domain);
  const run = await load({
    urls: urlsOf(s),
    connections,
    seconds,
    method: "POST",
    path: "/api/events",
    headers: {
      "Content-Type": "application/json",
      "User-Agent": BROWSER_UA,
      Origin: "https://extensions.shopifycdn.com",
      Authorization: `Bearer ${token}`,
    },
    body: (context) => {
      const batchEvents = next(batch);
      const ids = batchEvents.map((e) => e.id);
      // autocannon gives each request a fresh context and hands it back with that request's answer.
      context.ids = ids;
      for (const id of ids) sent.push(id);
      return JSON.stringify({ events: batchEvents });
    },
    onAnswer: (status, body, context) => {
      const ids = context.ids as string[];
      for (const id of ids) answered.add(id);
      let results: Array<{ id: string | null; status: string }> | null = null;
      if (status === 200) {
        try {
          results = (JSON.parse(body) as { results: Array<{ id: string | null; status: string }> }).results;
        } catch {
          results = null;
        }
      }
      if (!results) return void ids.forEach((id) => refused.add(id));
      const ok = new Set(results.filter((r) => r.status === "accepted").map((r) => r.id));
      for (const id of ids) (ok.has(id) ? acknowledged : refused).add(id);
    },
  });
  const unanswered = sent.filter((id) => !answered.has(id));
  // Abandoned requests may still be running on the server: count once its writes have settled.
  if (unanswered.length) await settle(s.prisma, shop.id, acknowledged.size + unanswered.length);
  const rows = await s.prisma.event.findMany({
    where: { shopId: shop.id, clientEventId: { startsWith: `${tag}-` } },
    select: { clientEventId: true },
  });
  const stored = new Set(rows.map((r) => r.clientEventId));
  return {
    run,
    acknowledged: acknowledged.size,
    refused: refused.size,
    lost: [...acknowledged].filter((id) => !stored.has(id)).length,
    storedThoughRefused: [...refused].filter((id) => stored.has(id)).length,
    unanswered: unanswered.length,
    unansweredStored: unanswered.filter((id) => stored.has(id)).length,
    storedTwice: rows.length - stored.size,
  };
}

/**
 * Waits until the server is done with the requests autocannon abandoned: the shop holds every
 * event that could be stored (`most`), or its count has not moved for 1.5 s (at most DRAIN_CAP_MS).
 */
async function settle(prisma: PrismaClient, shopId: string, most: number) {
  const start = Date.now();
  let last = -1;
  let since = Date.now();
  while (Date.now() - start < DRAIN_CAP_MS) {
    const count = await prisma.event.count({ where: { shopId } });
    if (count >= most) return;
    if (count !== last) {
      last = count;
      since = Date.now();
    } else if (Date.now() - since >= 1500) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function measure(s: Setup) {
  const L = s.label;
  // Warm-up (JIT, connection pools, the first token verification), not reported.
  const warm = await installShop(s.prisma, `bench-warm-${L.replace(/\W+/g, "-")}.myshopify.com`);
  await healthz(s, 10, 1);
  await events(s, warm, 5, 10, 2);

  const base = new Map<number, LoadRun>();
  for (const c of CONNECTIONS) {
    const run = await healthz(s, c);
    base.set(c, run);
    report({
      name: `healthz ${L} c${c} (p50 ${run.p50} ms, p99 ${run.p99} ms)`,
      value: run.okPerSecond,
      unit: "req/s",
    });
    badResponses(`healthz ${L} c${c}`, run);
  }
  for (const batch of BATCHES) {
    for (const c of CONNECTIONS) {
      const shop = await installShop(s.prisma, `bench-${L.replace(/\W+/g, "-")}-b${batch}-c${c}.myshopify.com`);
      const r = await events(s, shop, batch, c);
      const hz = base.get(c)!;
      const name = `ingest ${L} batch${batch} c${c}`;
      const budgeted = c === BUDGET_CONNECTIONS;
      const eventsPerSecond = r.acknowledged / r.run.seconds;
      const backpressure = r.run.backpressure ? `, ${r.run.backpressure} x 429/503 with Retry-After` : "";
      if (batch === 50) {
        report({
          name: `${name} (${r.run.okPerSecond.toFixed(1)} req/s${backpressure})`,
          value: eventsPerSecond,
          unit: "events/s",
          baseline: { value: hz.okPerSecond, unit: "req/s", label: `healthz c${c}` },
          ...(budgeted ? { budget: { limit: 10_000, kind: "min" as const } } : {}),
        });
      } else {
        report({
          name: `${name} req/s over healthz c${c} req/s (${r.run.okPerSecond.toFixed(1)} / ${hz.okPerSecond.toFixed(1)} req/s, ${eventsPerSecond.toFixed(0)} events/s${backpressure})`,
          value: hz.okPerSecond === 0 ? 0 : r.run.okPerSecond / hz.okPerSecond,
          unit: "x",
          ...(budgeted ? { budget: { limit: 0.6, kind: "min" as const } } : {}),
        });
      }
      report({
        // Requests still unanswered when the run stopped have no latency: how many there were says
        // how much the figure leaves out.
        name: `${name} p99 of answered requests (p50 ${r.run.p50} ms; ${r.unanswered / batch} unanswered when the run stopped)`,
        value: r.run.p99,
        unit: "ms",
        baseline: { value: hz.p99, label: `healthz c${c} p99` },
        ...(budgeted ? { budget: { limit: 50, kind: "max" as const } } : {}),
      });
      badResponses(name, r.run);
      report({
        name:
          `${name} acknowledged but not stored + stored though refused (${r.acknowledged} acknowledged, ${r.refused} refused, ${r.lost} lost, ` +
          `${r.storedThoughRefused} stored though refused; ${r.unanswered} events unanswered at the end of the run, ${r.unansweredStored} of them stored)`,
        value: r.lost + r.storedThoughRefused,
        unit: "events",
        budget: { limit: 0, kind: "max" },
      });
      report({
        name: `${name} event ids stored twice`,
        value: r.storedTwice,
        unit: "events",
        budget: { limit: 0, kind: "max" },
      });
    }
  }
}

function badResponses(name: string, run: LoadRun) {
  report({
    name: `${name} answers other than 2xx or 429/503 with Retry-After${run.badDetail ? ` (${run.badDetail})` : ""}`,
    value: run.bad,
    unit: "",
    budget: { limit: 0, kind: "max" },
  });
}

// --- the three set-ups, one after the other (never two servers' set-ups at once) ----------------

async function withServers(label: string, databaseUrl: string, instances: number) {
  if (ONLY && !ONLY.includes(label)) return;
  const prisma = createPrisma(databaseUrl);
  const servers: RunningServer[] = [];
  try {
    for (let i = 0; i < instances; i++)
      servers.push(
        await startServer({
          ...realModeEnv(databaseUrl),
          MOMENTS_BUILD_DIR: BUILD,
          ...(PROFILE ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${PROFILE}` } : {}),
        }),
      );
    await measure({ label, prisma, servers });
  } finally {
    await Promise.all(servers.map((x) => x.stop()));
    await prisma.$disconnect();
  }
}

const sqliteFile = path.join(dir, "sqlite.db");
execFileSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), "migrate", "deploy"], {
  cwd: root,
  env: { ...process.env, DATABASE_URL: `file:${sqliteFile}` },
  stdio: "pipe",
});
await withServers("sqlite", `file:${sqliteFile}`, 1);
// Like each PostgreSQL set-up's database below: what one set-up wrote is not flushed during the next one's runs.
for (const f of [sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`]) rmSync(f, { force: true });

const cluster = (await startPostgresCluster()) as {
  createDatabase: (name: string) => Promise<string>;
  dropDatabase: (name: string) => Promise<void>;
  stop: () => void;
};
try {
  for (const [label, instances] of [
    ["postgres", 1],
    ["postgres x2", 2],
  ] as const) {
    const url = await cluster.createDatabase(`bench_ingest_${instances}`);
    // As a child: scripts/migrate-postgres.mjs runs its command line when it is the entry module,
    // which it would take this bundle for.
    execFileSync(process.execPath, [path.join(root, "scripts/migrate-postgres.mjs")], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
      stdio: "pipe",
    });
    await withServers(label, url, instances);
    // The next set-up shares the cluster and the cores: the rows this one wrote would otherwise
    // be vacuumed and checkpointed during its runs.
    await cluster.dropDatabase(`bench_ingest_${instances}`);
  }
} finally {
  cluster.stop();
}
