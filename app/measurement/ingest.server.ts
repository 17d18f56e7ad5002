import { Prisma, type PrismaClient } from "@prisma/client";
import { EventInput, MAX_BATCH, type EventResult } from "./contract";
import { experimentKeyOf, holderOf, linkedOrders, netValue, relocateLines, type JourneyDims } from "./attribution.server";
import {
  applyExperimentDeltas,
  applyMomentDeltas,
  dayOf,
  DeltaMap,
  revisionDelta,
  segmentOf,
  visitorDelta,
  type ExperimentDelta,
  type ExperimentKey,
  type MomentDelta,
  type MomentKey,
} from "./rollup.server";

type Tx = Prisma.TransactionClient;
type Db = PrismaClient | Tx;

const PAST_MS = 7 * 24 * 3600 * 1000;
const FUTURE_MS = 5 * 60 * 1000;

/** Event types that are about a shown offer, so they must say which one. */
const OFFER_EVENTS = new Set(["impression", "click", "accept", "decline"]);

const COUNTER: Record<string, keyof MomentDelta> = {
  impression: "views",
  click: "clicks",
  accept: "accepts",
  decline: "declines",
  exit_intent: "exitIntents",
  purchase: "purchases",
  unsubscribe: "unsubscribes",
};

interface Valid {
  index: number;
  event: EventInput;
  occurredAt: Date;
}

/** Why a well-typed event still makes no sense; null when it does. */
function semanticProblem(e: EventInput): string | null {
  if (OFFER_EVENTS.has(e.type) && !e.offerId) return `offerId: required for ${e.type} events`;
  if (e.type === "exposure") {
    if (!e.experimentId) return "experimentId: required for exposure events";
    if (!e.offerId) return "offerId: required for exposure events";
    if (e.arm === "none") return 'arm: an exposure is "holdout" or "variant"';
  }
  if (e.arm !== "none" && (!e.experimentId || !e.offerId)) return `experimentId: required with arm "${e.arm}"`;
  if (e.arm === "variant" && !e.variantId) return 'variantId: required with arm "variant"';
  if (e.arm === "holdout" && e.type !== "exposure") return 'type: a hold-out buyer reports only an "exposure"';
  if (e.valueMinor !== undefined && !e.currency) return "currency: required with valueMinor";
  return null;
}

/** Validates one raw event: the parsed event, or a rejection with the first problem as its reason. */
export function validateEvent(raw: unknown, now: Date): { ok: true; event: EventInput; occurredAt: Date } | { ok: false; result: EventResult } {
  const id = raw && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string" ? (raw as { id: string }).id : null;
  const parsed = EventInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
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
 * the event). Each event is accepted, a duplicate of one already stored (same client event id:
 * a retry, counted once), or rejected alone with its reason. Accepted events and their roll-up
 * increments are written in one transaction, so a crash never leaves counts without events.
 * Results come back in input order.
 */
export async function ingestEvents(db: Db, shopId: string, rawEvents: unknown[], now: Date = new Date()): Promise<EventResult[]> {
  const results: EventResult[] = new Array(rawEvents.length);
  const valid: Valid[] = [];
  const seen = new Set<string>();
  rawEvents.forEach((raw, index) => {
    if (index >= MAX_BATCH) {
      const id = raw && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string" ? (raw as { id: string }).id : null;
      results[index] = { id, status: "rejected", reason: `batch: at most ${MAX_BATCH} events a request` };
      return;
    }
    const v = validateEvent(raw, now);
    if (!v.ok) {
      results[index] = v.result;
      return;
    }
    if (seen.has(v.event.id)) {
      results[index] = { id: v.event.id, status: "duplicate" };
      return;
    }
    seen.add(v.event.id);
    valid.push({ index, event: v.event, occurredAt: v.occurredAt });
  });
  if (valid.length === 0) return results;

  const run = (tx: Tx) => storeBatch(tx, shopId, valid);
  let stored: Set<string>;
  if (!isClient(db)) stored = await run(db);
  else {
    try {
      stored = await db.$transaction(run);
    } catch (error) {
      // A concurrent retry of the same batch won the race: once more, its events now read as duplicates.
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
      stored = await db.$transaction(run);
    }
  }
  for (const v of valid) results[v.index] = { id: v.event.id, status: stored.has(v.event.id) ? "accepted" : "duplicate" };
  return results;
}

/** Writes the new events of a batch with their roll-up increments; returns the ids it stored. */
async function storeBatch(tx: Tx, shopId: string, batch: Valid[]): Promise<Set<string>> {
  const existing = await tx.event.findMany({
    where: { shopId, clientEventId: { in: batch.map((v) => v.event.id) } },
    select: { clientEventId: true },
  });
  const known = new Set(existing.map((e) => e.clientEventId));
  const fresh = batch.filter((v) => !known.has(v.event.id));
  if (fresh.length === 0) return new Set();

  const shop = await tx.shop.findUnique({ where: { id: shopId }, select: { currency: true } });
  await tx.event.createMany({
    data: fresh.map(({ event: e, occurredAt }) => ({
      shopId,
      clientEventId: e.id,
      type: e.type,
      moment: e.moment,
      surface: e.surface,
      journeyKey: e.journeyKey,
      offerId: e.offerId ?? null,
      experimentId: e.experimentId ?? null,
      variantId: e.variantId ?? null,
      arm: e.arm,
      version: e.version ?? null,
      cartMinor: e.cartMinor ?? null,
      device: e.device ?? null,
      country: e.country ?? null,
      currency: e.currency ?? null,
      returning: e.returning ?? null,
      valueMinor: e.valueMinor ?? null,
      occurredAt,
      day: dayOf(occurredAt),
    })),
  });

  const moments = new DeltaMap<MomentKey, MomentDelta>();
  const keyOf = (e: EventInput, occurredAt: Date): MomentKey => ({
    day: dayOf(occurredAt),
    moment: e.moment,
    offerId: e.offerId ?? "",
    variantId: e.variantId ?? "",
    arm: e.arm,
    device: e.device ?? "",
    country: e.country ?? "",
    segment: segmentOf(e.returning),
  });
  for (const { event: e, occurredAt } of fresh) {
    // An exposure is the arm assignment, not something the buyer saw: no impression, no view.
    if (e.type === "exposure") continue;
    const delta: MomentDelta = { [COUNTER[e.type]!]: 1 };
    if (e.type === "accept" && e.valueMinor !== undefined && e.currency === shop?.currency) delta.acceptedMinor = e.valueMinor;
    moments.add(keyOf(e, occurredAt), delta);
  }

  // Impressions count buyers: the first impression of an offer at a moment per journey.
  const impressions = new Map<string, Valid>();
  for (const v of fresh) {
    if (v.event.type !== "impression" || !v.event.offerId) continue;
    const k = JSON.stringify([v.event.journeyKey, v.event.offerId, v.event.moment]);
    if (!impressions.has(k)) impressions.set(k, v);
  }
  if (impressions.size) {
    const candidates = [...impressions.values()];
    const seenViews = await tx.offerView.findMany({
      where: { shopId, journeyKey: { in: [...new Set(candidates.map((v) => v.event.journeyKey))] } },
      select: { journeyKey: true, offerId: true, moment: true },
    });
    const viewed = new Set(seenViews.map((s) => JSON.stringify([s.journeyKey, s.offerId, s.moment])));
    const firsts = candidates.filter((v) => !viewed.has(JSON.stringify([v.event.journeyKey, v.event.offerId, v.event.moment])));
    if (firsts.length) {
      await tx.offerView.createMany({
        data: firsts.map(({ event: e }) => ({
          shopId,
          journeyKey: e.journeyKey,
          offerId: e.offerId!,
          moment: e.moment,
          device: e.device ?? "",
          country: e.country ?? "",
          segment: segmentOf(e.returning),
          arm: e.arm,
        })),
      });
      for (const v of firsts) moments.add(keyOf(v.event, v.occurredAt), { impressions: 1 });
    }
  }

  await applyMomentDeltas(tx, shopId, moments);
  await recordExposures(tx, shopId, fresh);
  await relocateLines(tx, shopId, journeyDims(fresh));
  return new Set(fresh.map((v) => v.event.id));
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

/**
 * A journey's first `exposure` event per experiment version makes it a visitor of its arm (first
 * one wins), with the cart at the decision as its CUPED covariate. Orders that arrived before it
 * are counted in at once, net of their refunds, cancelled ones not; an order the buyer's other
 * journey key already counts for this version moves here only when this key comes first in the
 * order's keys (holderOf), so a version counts each order once.
 */
async function recordExposures(tx: Tx, shopId: string, fresh: Valid[]): Promise<void> {
  const firstByExposure = new Map<string, Valid>();
  for (const v of fresh) {
    const e = v.event;
    if (e.type !== "exposure") continue;
    const k = JSON.stringify([e.experimentId, e.version ?? 1, e.journeyKey]);
    if (!firstByExposure.has(k)) firstByExposure.set(k, v);
  }
  if (firstByExposure.size === 0) return;
  const candidates = [...firstByExposure.values()];
  const journeys = [...new Set(candidates.map((v) => v.event.journeyKey))];
  const existing = await tx.experimentExposure.findMany({
    where: { shopId, journeyKey: { in: journeys } },
    select: { experimentId: true, version: true, journeyKey: true },
  });
  const exposed = new Set(existing.map((x) => JSON.stringify([x.experimentId, x.version, x.journeyKey])));
  const created = candidates.filter((v) => !exposed.has(JSON.stringify([v.event.experimentId, v.event.version ?? 1, v.event.journeyKey])));
  if (created.length === 0) return;

  const orders = await linkedOrders(tx, shopId, { journeyKeys: [...new Set(created.map((v) => v.event.journeyKey))] });
  const deltas = new DeltaMap<ExperimentKey, ExperimentDelta>();
  // One at a time: a later exposure in the batch must see the rows the earlier ones created.
  for (const { event: e, occurredAt } of created) {
    const version = e.version ?? 1;
    const x = e.cartMinor ?? null;
    const row = {
      shopId,
      experimentId: e.experimentId!,
      version,
      journeyKey: e.journeyKey,
      offerId: e.offerId!,
      moment: e.moment,
      surface: e.surface,
      arm: e.arm === "holdout" ? "holdout" : e.variantId!,
      day: dayOf(occurredAt),
      device: e.device ?? "",
      country: e.country ?? "",
      segment: segmentOf(e.returning),
      cartMinor: x,
      firstSeenAt: occurredAt,
    };
    const key = experimentKeyOf(row);
    deltas.add(key, visitorDelta(x));
    const visitor = { orders: 0, revenue: 0 };
    for (const order of orders.filter((o) => o.keys.includes(e.journeyKey))) {
      const value = netValue(order);
      if (value === null) continue;
      const siblings = await tx.experimentExposure.findMany({
        where: { shopId, experimentId: row.experimentId, version, journeyKey: { in: order.keys.filter((k) => k !== e.journeyKey) } },
      });
      const holder = holderOf(order.keys, [...siblings, row]);
      if (holder !== row) continue;
      // The order's lower-priority key held it so far: it moves to this row.
      const previous = siblings[0];
      if (previous) {
        const out = revisionDelta({ orders: previous.orders, revenue: previous.revenueMinor }, previous.cartMinor, value, null);
        deltas.add(experimentKeyOf(previous), out);
        await tx.experimentExposure.update({
          where: { id: previous.id },
          data: { orders: { increment: out.orders ?? 0 }, revenueMinor: { increment: out.revenueMinor ?? 0 } },
        });
      }
      deltas.add(key, revisionDelta(visitor, x, null, value));
      visitor.orders += 1;
      visitor.revenue += value;
    }
    await tx.experimentExposure.create({ data: { ...row, orders: visitor.orders, revenueMinor: visitor.revenue } });
  }
  await applyExperimentDeltas(tx, shopId, deltas);
}
