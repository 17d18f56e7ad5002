import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { dialectOf } from "~/db.server";
import { checkoutToken, postEvents } from "./hostile.helpers";
import { freshDatabase } from "./support/db";
import { freshPostgresDatabase, startPostgres, type PostgresCluster } from "./support/postgres";

/**
 * Shared by tests/ingest-*.test.ts: load and faults against the built server's /api/events, with
 * real checkout session tokens, and what the database holds afterwards read back through Prisma.
 */

export interface LoadDatabase {
  url: string;
  prisma: PrismaClient;
  dialect: "sqlite" | "postgresql";
}

let cluster: PostgresCluster | undefined;

/**
 * "suite": the database every other test file runs on (freshDatabase: SQLite today, the suite's
 * dialect once the whole suite runs on both); "postgresql": a database on a throwaway PostgreSQL
 * server, started once per test file and stopped by stopLoadDatabases.
 */
export async function openLoadDatabase(which: "suite" | "postgresql", label: string): Promise<LoadDatabase> {
  if (which === "suite") {
    // Awaited so this keeps working if freshDatabase becomes asynchronous (a PostgreSQL suite run).
    const db = await freshDatabase(label);
    return { url: db.url, prisma: db.prisma, dialect: dialectOf(db.url) };
  }
  cluster ??= await startPostgres();
  const db = await freshPostgresDatabase(cluster, label);
  return { ...db, dialect: "postgresql" };
}

export function stopLoadDatabases(): void {
  cluster?.stop();
  cluster = undefined;
}

/** The shop currency seedInstalledShop gives (accepts in it count towards acceptedMinor). */
export const SHOP_CURRENCY = "EUR";

export interface LoadEvent {
  id: string;
  type: "impression" | "click" | "accept" | "decline";
  moment: "checkout";
  surface: "checkout";
  journeyKey: string;
  offerId: string;
  device: "mobile" | "desktop";
  country: string;
  occurredAt: number;
  valueMinor?: number;
  currency?: string;
}

const OFFERS = ["offer-a", "offer-b", "offer-c"];
const COUNTRIES = ["DE", "FR", "US"];
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

let batches = 0;

/**
 * One buyer's batch of `size` new events, as a checkout extension reports them. Every other batch
 * holds what a buyer saw (impressions, a few clicks); the others what a buyer then did (clicks,
 * declines, accepts in the shop's currency and one in another currency, stored but not part of the
 * shop's acceptedMinor), with no impression: such a batch takes no journey lock. Offers and
 * dimensions vary per event, so concurrent batches update the same roll-up rows in different
 * orders, as real traffic does. Ids start with `tag` so a test finds its own events among the
 * fixture's.
 */
export function buyerBatch(tag: string, size = 20): LoadEvent[] {
  const journeyKey = `journey-${tag}-${randomUUID()}`;
  const device = pick(["mobile", "desktop"] as const);
  const country = pick(COUNTRIES);
  const now = Date.now();
  const seen = batches++ % 2 === 0;
  return Array.from({ length: size }, (_, k): LoadEvent => {
    const base = { id: `${tag}-${randomUUID()}`, moment: "checkout", surface: "checkout", journeyKey, offerId: pick(OFFERS), device, country, occurredAt: now } as const;
    if (seen) return { ...base, type: k % 5 === 4 ? "click" : "impression" };
    if (k === size - 1) return { ...base, type: "accept", valueMinor: 1999 + k, currency: "USD" };
    if (k % 3 === 0) return { ...base, type: "accept", valueMinor: 4900 + k * 13, currency: SHOP_CURRENCY };
    return { ...base, type: k % 3 === 1 ? "click" : "decline" };
  });
}

export interface Answer {
  /** 0 when no HTTP answer arrived (connection refused or reset, timeout). */
  status: number;
  retryAfter: string | null;
  text: string;
  results: Array<{ id: string | null; status: string; reason?: string }> | null;
  error?: string;
}

/** Posts a batch to /api/events with a fresh session token; never throws (a failure is status 0). */
export async function sendBatch(baseUrl: string, shop: string, events: unknown[], timeoutMs = 20_000): Promise<Answer> {
  try {
    const res = await postEventsWithin(baseUrl, { events }, await checkoutToken(shop), timeoutMs);
    const text = await res.text();
    let results: Answer["results"] = null;
    try {
      const json = JSON.parse(text) as { results?: Answer["results"] };
      results = Array.isArray(json.results) ? json.results : null;
    } catch {
      results = null;
    }
    return { status: res.status, retryAfter: res.headers.get("retry-after"), text, results };
  } catch (error) {
    return { status: 0, retryAfter: null, text: "", results: null, error: describeError(error) };
  }
}

/** postEvents, bounded in time so that a hung server cannot hang the test. */
function postEventsWithin(baseUrl: string, body: unknown, token: string, timeoutMs: number): Promise<Response> {
  return Promise.race([
    postEvents(baseUrl, body, token),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs).unref()),
  ]);
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause ? `${error.message}: ${cause.code ?? cause.message ?? ""}` : error.message;
}

/** A 2xx answer that reads accepted or duplicate for every event of the batch, in order. */
export function acknowledges(answer: Answer, batch: Array<{ id: string }>): boolean {
  if (answer.status < 200 || answer.status >= 300 || !answer.results || answer.results.length !== batch.length) return false;
  return answer.results.every((r, i) => r.id === batch[i]!.id && (r.status === "accepted" || r.status === "duplicate"));
}

/** What every response said about each event id. */
export class AckLedger {
  readonly byId = new Map<string, { accepted: number; duplicate: number; rejected: number }>();
  record(answer: Answer): void {
    for (const r of answer.results ?? []) {
      if (r.id === null) continue;
      const entry = this.byId.get(r.id) ?? { accepted: 0, duplicate: 0, rejected: 0 };
      if (r.status === "accepted" || r.status === "duplicate" || r.status === "rejected") entry[r.status]++;
      this.byId.set(r.id, entry);
    }
  }
  ids(status: "accepted" | "duplicate" | "acknowledged"): Set<string> {
    const out = new Set<string>();
    for (const [id, n] of this.byId) {
      if (status === "acknowledged" ? n.accepted + n.duplicate > 0 : n[status] > 0) out.add(id);
    }
    return out;
  }
}

/** Answers counted by HTTP status ("0" = no answer), with up to 3 distinct bodies or errors each. */
export function statusReport(answers: Answer[]): { counts: Record<string, number>; samples: Record<string, string[]> } {
  const counts: Record<string, number> = {};
  const samples: Record<string, string[]> = {};
  for (const a of answers) {
    const k = String(a.status);
    counts[k] = (counts[k] ?? 0) + 1;
    if (a.status >= 200 && a.status < 300) continue;
    const sample = (a.error ?? a.text).slice(0, 300);
    const list = (samples[k] ??= []);
    if (list.length < 3 && !list.includes(sample)) list.push(sample);
  }
  return { counts, samples };
}

/** Up to 5 distinct error lines of a server's output (the cause behind a bare 500), for failure messages. */
export function serverErrors(output: string): string {
  const lines = output.split("\n").filter((l) => /error|unable|violation|deadlock|P\d{4}/i.test(l));
  return JSON.stringify([...new Set(lines.map((l) => l.trim().slice(0, 240)))].slice(0, 5));
}

/** Backpressure as the issue requires it: 429 or 503, a Retry-After, and a JSON body with a reason. */
export function isBackpressure(a: Answer): boolean {
  if (a.status !== 429 && a.status !== 503) return false;
  const retryAfter = a.retryAfter?.trim() ?? "";
  const validRetryAfter = /^\d+$/.test(retryAfter) || !Number.isNaN(Date.parse(retryAfter));
  let reason = "";
  try {
    const body = JSON.parse(a.text) as { error?: unknown; reason?: unknown };
    reason = typeof body.error === "string" ? body.error : typeof body.reason === "string" ? body.reason : "";
  } catch {
    reason = "";
  }
  return retryAfter !== "" && validRetryAfter && reason.length > 0;
}

/** The Retry-After of an answer in ms (delta-seconds or an HTTP date), 0 when absent. */
export function retryAfterMs(a: Answer): number {
  const v = a.retryAfter?.trim();
  if (!v) return 0;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? 0 : Math.max(0, at - Date.now());
}

/** How many Event rows each of the shop's client event ids has (only ids starting with `tag`). */
export async function storedCounts(prisma: PrismaClient, shopId: string, tag: string): Promise<Map<string, number>> {
  const rows = await prisma.event.groupBy({
    by: ["clientEventId"],
    where: { shopId, clientEventId: { startsWith: tag } },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.clientEventId, r._count._all]));
}

type Totals = { impressions: string; views: string; clicks: string; accepts: string; declines: string; acceptedMinor: string };

/** The shop's MomentDaily counters summed, as strings (64-bit columns read back as bigint). */
async function rollupTotals(prisma: PrismaClient, shopId: string): Promise<Totals> {
  const { _sum: s } = await prisma.momentDaily.aggregate({
    where: { shopId },
    _sum: { impressions: true, views: true, clicks: true, accepts: true, declines: true, acceptedMinor: true },
  });
  const n = (v: unknown) => String(BigInt(String(v ?? 0)));
  return { impressions: n(s.impressions), views: n(s.views), clicks: n(s.clicks), accepts: n(s.accepts), declines: n(s.declines), acceptedMinor: n(s.acceptedMinor) };
}

/**
 * The same counters recomputed from the shop's stored events: views per impression event,
 * impressions per distinct (journey, offer, moment) seen, acceptedMinor over accepts in the shop's
 * currency.
 */
async function eventTotals(prisma: PrismaClient, shopId: string, currency: string): Promise<Totals> {
  const count = (type: string) => prisma.event.count({ where: { shopId, type } });
  const seen = await prisma.event.findMany({ where: { shopId, type: "impression" }, select: { journeyKey: true, offerId: true, moment: true } });
  const distinct = new Set(seen.map((e) => JSON.stringify([e.journeyKey, e.offerId, e.moment])));
  const accepted = await prisma.event.findMany({ where: { shopId, type: "accept", currency }, select: { valueMinor: true } });
  const acceptedMinor = accepted.reduce((sum, e) => sum + BigInt(String(e.valueMinor ?? 0)), 0n);
  return {
    impressions: String(distinct.size),
    views: String(seen.length),
    clicks: String(await count("click")),
    accepts: String(await count("accept")),
    declines: String(await count("decline")),
    acceptedMinor: String(acceptedMinor),
  };
}

/**
 * Roll-ups and events, read until they agree or `waitMs` passes: roll-ups may be written after the
 * answer (asynchronously or by a group commit), but once the load stops they must catch up.
 */
export async function rollupsAndEvents(prisma: PrismaClient, shopId: string, currency = SHOP_CURRENCY, waitMs = 10_000) {
  const until = Date.now() + waitMs;
  for (;;) {
    const rollups = await rollupTotals(prisma, shopId);
    const events = await eventTotals(prisma, shopId, currency);
    if (JSON.stringify(rollups) === JSON.stringify(events) || Date.now() >= until) return { rollups, events };
    await sleep(250);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `tasks` with at most `limit` at a time; resolves with their results in order. */
export async function inParallel<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}
