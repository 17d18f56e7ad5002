import type { Prisma, PrismaClient } from "@prisma/client";
import { driverOf, requirePrisma, type SqlTx } from "~/lib/driver.server";
import { EventInput, legacyArmId, MAX_BATCH, type EventResult } from "./contract";
import { eventKey, verifyExposures, type Valid } from "./exposure-check.server";
import { CommitQueue } from "./commit-queue.server";
import { ingestInOneTrip, prepareOneTrip, type ShopBatch } from "./one-trip.server";
import { parsedBatches } from "./parse-turns.server";
import { recordExposures } from "./exposures.server";
import { firstImpressions, firstViews, insertEvents } from "./event-rows.server";
import { relocateLines, type JourneyDims } from "./attribution.server";
import { journeysWithOrders, lockJourneys, type JourneyLocking } from "./journeys.server";
import { CHECKOUT_STEP_MOMENTS, STOREFRONT_MOMENTS } from "@moments/contracts";
import {
  applyRollups,
  dayOf,
  DeltaMap,
  MOMENT_COUNTER_OF_TYPE,
  segmentOf,
  type ExperimentDelta,
  type ExperimentKey,
  type MomentDelta,
  type MomentKey,
} from "./rollup.server";

type Tx = Prisma.TransactionClient;
type Db = PrismaClient | Tx;

const PAST_MS = 7 * 24 * 3600 * 1000;
const FUTURE_MS = 5 * 60 * 1000;

/** The checkout extension's steps before the order, and the storefront's moments (decision 035). */
const CHECKOUT_STEPS = new Set<string>(CHECKOUT_STEP_MOMENTS);
const STOREFRONT = new Set<string>(STOREFRONT_MOMENTS);

/** Event types that are about a shown offer, so they must say which one. */
const OFFER_EVENTS = new Set(["impression", "click", "accept", "decline"]);

/** Why a well-typed event still makes no sense; null when it does. */
function semanticProblem(e: EventInput): string | null {
  if (OFFER_EVENTS.has(e.type) && !e.offerId) return `offerId: required for ${e.type} events`;
  if (e.type === "exposure") {
    if (!e.experimentId) return "experimentId: required for exposure events";
    if (!e.offerId) return "offerId: required for exposure events";
    if (e.arm === "none") return 'arm: an exposure is "holdout" or "variant"';
  }
  if (e.type === "checkout_reached") {
    // A journey-level fact (decision 035): anything naming an arm could be taken for an exposure.
    if (e.surface !== "checkout") return 'surface: "checkout_reached" comes from the checkout';
    if (!CHECKOUT_STEPS.has(e.moment)) return 'moment: "checkout_reached" is sent at a checkout step';
    if (e.offerId || e.experimentId || e.armId || e.version !== undefined || e.arm !== "none")
      return 'type: "checkout_reached" names no offer, experiment or arm';
  }
  // Only the checkout's reached reports (before decision 035's amendment) claimed a storefront
  // moment from the checkout: such an exposure would make a visitor of a journey never shown anything.
  if (e.type === "exposure" && e.surface === "checkout" && STOREFRONT.has(e.moment))
    return "moment: the checkout logs exposures only at its own moments";
  if (e.arm !== "none" && (!e.experimentId || !e.offerId)) return `experimentId: required with arm "${e.arm}"`;
  if (e.arm === "variant" && !e.armId) return 'armId: required with arm "variant"';
  if (e.arm === "holdout" && e.type !== "exposure") return 'type: a hold-out buyer reports only an "exposure"';
  if (e.valueMinor !== undefined && !e.currency) return "currency: required with valueMinor";
  return null;
}

/** Validates one raw event: the parsed event, or a rejection with the first problem as its reason. */
export function validateEvent(
  raw: unknown,
  now: Date,
): { ok: true; event: EventInput; occurredAt: Date } | { ok: false; result: EventResult } {
  const id =
    raw && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string"
      ? (raw as { id: string }).id
      : null;
  const { event, legacy } = legacyArmId(raw);
  const parsed = EventInput.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = legacy && issue.path[0] === "armId" ? ["variantId", ...issue.path.slice(1)] : issue.path;
    const where = path.length ? `${path.join(".")}: ` : "";
    return { ok: false, result: { id, status: "rejected", reason: `${where}${issue.message}` } };
  }
  const problem = semanticProblem(parsed.data);
  if (problem) return { ok: false, result: { id, status: "rejected", reason: problem } };
  // A client clock may be wrong; the server bounds it so one buyer cannot write into last year.
  const t = Math.min(Math.max(parsed.data.occurredAt, now.getTime() - PAST_MS), now.getTime() + FUTURE_MS);
  return { ok: true, event: parsed.data, occurredAt: new Date(t) };
}

const isClient = (db: Db): db is PrismaClient => typeof (db as PrismaClient).$transaction === "function";

/**
 * Stores a batch of events for one shop (authenticated by the caller: the shop never comes from
 * the event). Each event is accepted, a duplicate of one already stored (same client event id in
 * the same journey: a retry, or a concurrent copy of the batch, counted once), or rejected alone
 * with its reason.
 * Accepted events and their roll-up increments are written in one transaction, so a crash never
 * leaves counts without events. On a client, the write joins the client's commit queue: batches
 * that arrive together share one transaction (commit-queue.server.ts). Results come back in input
 * order. `shop.currency` saves a read when the caller has the shop.
 */
export async function ingestEvents(
  db: Db,
  shopId: string,
  rawEvents: unknown[],
  now: Date = new Date(),
  shop?: { currency: string },
): Promise<EventResult[]> {
  const results: EventResult[] = new Array(rawEvents.length);
  const valid: Valid[] = [];
  const seen = new Set<string>();
  rawEvents.forEach((raw, index) => {
    if (index >= MAX_BATCH) {
      const id =
        raw && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string"
          ? (raw as { id: string }).id
          : null;
      results[index] = { id, status: "rejected", reason: `batch: at most ${MAX_BATCH} events a request` };
      return;
    }
    const v = validateEvent(raw, now);
    if (!v.ok) {
      results[index] = v.result;
      return;
    }
    const key = eventKey(v.event);
    if (seen.has(key)) {
      results[index] = { id: v.event.id, status: "duplicate" };
      return;
    }
    seen.add(key);
    // oneTrip is set later, on PostgreSQL only: present from the start, every Valid keeps one shape.
    valid.push({ index, event: v.event, occurredAt: v.occurredAt, oneTrip: undefined });
  });
  if (valid.length === 0) return results;

  const untrusted = await verifyExposures(db, shopId, valid);
  const trusted = valid.filter((v) => {
    const reason = untrusted.get(v.index);
    if (reason) results[v.index] = { id: v.event.id, status: "rejected", reason };
    return !reason;
  });
  if (trusted.length === 0) return results;

  const currency = shop
    ? shop.currency
    : ((await db.shop.findUnique({ where: { id: shopId }, select: { currency: true } }))?.currency ?? "");
  const stored = isClient(db)
    ? await commitQueueFor(db).submit({ shopId, currency, events: trusted })
    : await storeBatch(db, shopId, currency, trusted, "lock");
  for (const v of trusted)
    results[v.index] = { id: v.event.id, status: stored.has(eventKey(v.event)) ? "accepted" : "duplicate" };
  return results;
}

const queues = new WeakMap<PrismaClient, CommitQueue>();
let maxQueuedEvents = 5_000;

/** The server's bound on events waiting for the database (env INGEST_MAX_QUEUED_EVENTS), set at start-up. */
export function configureIngestion(options: { maxQueuedEvents: number }): void {
  maxQueuedEvents = options.maxQueuedEvents;
}

/**
 * The client's commit queue (one per client, so per process for the app's own), one transaction in
 * flight. SQLite has one writer. On PostgreSQL a second transaction of the same process mostly
 * waited on the first's roll-up rows; with one, a group carries more batches instead (decision 018,
 * measured: a lower p99 on one and on two instances).
 */
function commitQueueFor(prisma: PrismaClient): CommitQueue {
  let queue = queues.get(prisma);
  if (!queue) {
    const pipeline = driverOf(prisma)?.pipeline;
    queue = new CommitQueue(prisma, storeBatch, {
      maxQueuedEvents,
      maxEventsPerCommit: 1_000,
      parallel: 1,
      gather: parsedBatches,
      ...(pipeline
        ? {
            firstTrip: (shops: ShopBatch[]) => ingestInOneTrip(pipeline, shops),
            prepare: prepareOneTrip,
          }
        : {}),
    });
    queues.set(prisma, queue);
  }
  return queue;
}

/**
 * Writes the new events of a batch (of one shop) with their roll-up increments; returns the ids
 * it stored: the events, the first views and each roll-up one statement each, exposures (one per
 * experiment and journey) one or a few more. (The commit queue's first attempt on PostgreSQL
 * writes journeys without an order in one round trip instead: one-trip.server.ts.)
 */
export async function storeBatch(
  tx: SqlTx,
  shopId: string,
  currency: string,
  batch: Valid[],
  onNewKeys: JourneyLocking,
): Promise<Set<string>> {
  // Every journey of the batch is locked (see lockJourneys), not only those whose visitors, views
  // and attributed lines it writes: the same round trip then says which journeys have an order.
  const locked = await lockJourneys(tx, shopId, [...new Set(batch.map((v) => v.event.journeyKey))], onNewKeys);
  const inserted = await insertEvents(tx, shopId, batch);
  const unseen = batch.filter((v) => inserted.has(eventKey(v.event)));
  if (unseen.length === 0) return inserted;
  // An exposure under an order's second key when its first key is already the visitor: not kept.
  // Journeys with an order already (rare: views and exposures come before the order) are the only
  // ones whose exposures fold into an order's other key or whose order lines take the view's dims.
  const ordered = locked ?? (await journeysWithOrders(tx, shopId, [...new Set(unseen.map((v) => v.event.journeyKey))]));
  // What follows for such journeys reads and moves orders and attributed lines with Prisma's models.
  if (ordered.size > 0) requirePrisma(tx, "events of journeys that have orders");
  const experiments = new DeltaMap<ExperimentKey, ExperimentDelta>();
  const sameBuyer = await recordExposures(tx, shopId, unseen, ordered, experiments);
  const folded = unseen.filter((v) => sameBuyer.has(eventKey(v.event)));
  if (folded.length) {
    const byKey = folded.map((v) => ({ journeyKey: v.event.journeyKey, clientEventId: v.event.id }));
    await requirePrisma(tx, "an exposure folded into its order").event.deleteMany({ where: { shopId, OR: byKey } });
  }
  const fresh = unseen.filter((v) => !sameBuyer.has(eventKey(v.event)));
  const viewed = await firstViews(tx, shopId, firstImpressions(fresh));
  // The roll-ups last: their rows are the ones every transaction of the shop writes, and on
  // PostgreSQL a row stays locked until COMMIT, so the fewer statements after them the better.
  await applyRollups(tx, shopId, experiments, momentDeltas(fresh, viewed, currency));
  if (ordered.size > 0)
    await relocateLines(
      requirePrisma(tx, "lines of journeys that have orders"),
      shopId,
      journeyDims(fresh.filter((v) => ordered.has(v.event.journeyKey))),
    );
  return new Set(fresh.map((v) => eventKey(v.event)));
}

const momentKeyOf = (e: EventInput, occurredAt: Date): MomentKey => ({
  day: dayOf(occurredAt),
  moment: e.moment,
  offerId: e.offerId ?? "",
  armId: e.armId ?? "",
  arm: e.arm,
  device: e.device ?? "",
  country: e.country ?? "",
  segment: segmentOf(e.returning),
});

/**
 * The moment roll-ups' increments of the events stored now: a counter per event type, the accepted
 * value in the shop's currency, and an impression per first view (`viewed`): impressions count
 * buyers, the first impression of an offer at a moment per journey.
 */
function momentDeltas(fresh: Valid[], viewed: Valid[], currency: string): DeltaMap<MomentKey, MomentDelta> {
  const moments = new DeltaMap<MomentKey, MomentDelta>();
  for (const { event: e, occurredAt } of fresh) {
    // An exposure is the arm assignment, not something the buyer saw: no impression, no view. A
    // reached checkout is the journey's, of no offer: the completion guardrail reads the event itself.
    if (e.type === "exposure" || e.type === "checkout_reached") continue;
    const delta: MomentDelta = { [MOMENT_COUNTER_OF_TYPE[e.type]]: 1 };
    if (e.type === "accept" && e.valueMinor !== undefined && e.currency === currency)
      delta.acceptedMinor = e.valueMinor;
    moments.add(momentKeyOf(e, occurredAt), delta);
  }
  for (const v of viewed) moments.add(momentKeyOf(v.event, v.occurredAt), { impressions: 1 });
  return moments;
}

/** Per journey, the dimensions of its first view or exposure in the batch that carries any. */
function journeyDims(fresh: Valid[]): Map<string, JourneyDims> {
  const dims = new Map<string, JourneyDims>();
  for (const { event: e } of fresh) {
    if (e.type !== "impression" && e.type !== "exposure") continue;
    if (dims.has(e.journeyKey)) continue;
    const d = { device: e.device ?? "", country: e.country ?? "", segment: segmentOf(e.returning) };
    if (d.device || d.country || d.segment) dims.set(e.journeyKey, d);
  }
  return dims;
}
