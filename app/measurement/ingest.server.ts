import { Prisma, type PrismaClient } from "@prisma/client";
import { assign, decodePayload, type ExperimentLike } from "@moments/engine";
import { EventInput, MAX_BATCH, type EventResult } from "./contract";
import {
  dropVisitor,
  experimentKeyOf,
  linkedOrders,
  lockJourneys,
  LockScopeChanged,
  netValue,
  relocateLines,
  type JourneyDims,
} from "./attribution.server";
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

/**
 * The largest cart (minor units) an exposure's CUPED covariate takes: 900,000.00 in a 2-decimal
 * currency. A client may send up to 1e11; one such cart would own the covariate's variance and
 * drive the pooled theta to zero, overflow PostgreSQL's INT4 column, and its square (a roll-up
 * delta) must stay an exact double below 2^53 for the roll-up statement to bind it. The bound is
 * fixed, not per shop: a data-driven one (a percentile of the shop's orders) would cost an
 * aggregate per batch and could itself be moved by forged carts. It limits what one forged cart
 * does; it does not make forged carts harmless (docs/measurement.md, "Untrusted clients").
 */
export const CART_CAP_MINOR = 90_000_000;
const cartOf = (e: EventInput): number => Math.min(e.cartMinor ?? 0, CART_CAP_MINOR);

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

  const untrusted = await verifyExposures(db, shopId, valid);
  const trusted = valid.filter((v) => {
    const reason = untrusted.get(v.index);
    if (reason) results[v.index] = { id: v.event.id, status: "rejected", reason };
    return !reason;
  });
  if (trusted.length === 0) return results;

  let stored: Set<string>;
  if (!isClient(db)) stored = await storeBatch(db, shopId, trusted, "lock");
  else {
    const run = (tx: Tx) => storeBatch(tx, shopId, trusted, "throw");
    for (let attempt = 1; ; attempt++) {
      try {
        stored = await db.$transaction(run, { timeout: 30_000 });
        break;
      } catch (error) {
        // A concurrent retry of the same batch won the race (its events now read as duplicates), or
        // an order linked one of the batch's journeys to another key while we waited for its lock.
        const again =
          (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") || error instanceof LockScopeChanged;
        if (!again || attempt >= 3) throw error;
      }
    }
  }
  for (const v of trusted) results[v.index] = { id: v.event.id, status: stored.has(v.event.id) ? "accepted" : "duplicate" };
  return results;
}

/** What an exposure is checked against: the experiment as the shop configured it. */
interface KnownExperiment {
  offerId: string;
  current: number;
  /** Versions with an ExperimentVersion row: their arms' shares and hold-out. */
  versions: Map<number, { holdoutBps: number; shares: Record<string, number> | null }>;
  /** Arm ids ever configured: the offer's variants now and those in any version's shares. */
  variants: Set<string>;
  /** The engine's spec per version, where the published payload carries it. */
  published: Map<number, ExperimentLike>;
}

function sharesOf(json: string): Record<string, number> | null {
  try {
    const v = JSON.parse(json) as unknown;
    if (!v || typeof v !== "object" || Array.isArray(v)) return null;
    const out: Record<string, number> = {};
    for (const [k, share] of Object.entries(v)) if (typeof share === "number" && share >= 0) out[k] = share;
    return out;
  } catch {
    return null;
  }
}

/**
 * Exposure events come from buyers' browsers (and anyone who can reach the event endpoints): one
 * that names an experiment, version or variant the shop never configured, or an arm the engine
 * would not assign to its journey key, is refused with its reason instead of becoming a visitor.
 * The engine's assignment is deterministic (assign), so the server recomputes it from the version's
 * configuration: the published payload's spec when it carries that version (exact weights), else
 * the ExperimentVersion row's shares (rendezvous hashing depends only on the weights' ratios, which
 * the shares keep), else (a version with neither, from before versions were recorded) the arm is
 * not checked. Three reads a batch, whatever its size, and none without an exposure.
 */
async function verifyExposures(db: Db, shopId: string, batch: Valid[]): Promise<Map<number, string>> {
  const problems = new Map<number, string>();
  const exposures = batch.filter((v) => v.event.type === "exposure");
  if (exposures.length === 0) return problems;
  const ids = [...new Set(exposures.map((v) => v.event.experimentId!))];
  const [experiments, versions, publication] = await Promise.all([
    db.experiment.findMany({
      where: { shopId, id: { in: ids } },
      select: { id: true, offerId: true, version: true, offer: { select: { variants: { select: { id: true } } } } },
    }),
    db.experimentVersion.findMany({ where: { shopId, experimentId: { in: ids } }, select: { experimentId: true, version: true, holdoutBps: true, shares: true } }),
    db.publication.findUnique({ where: { shopId }, select: { payload: true } }),
  ]);
  const known = new Map<string, KnownExperiment>();
  for (const x of experiments) {
    known.set(x.id, { offerId: x.offerId, current: x.version, versions: new Map(), variants: new Set(x.offer.variants.map((v) => v.id)), published: new Map() });
  }
  for (const v of versions) {
    const x = known.get(v.experimentId);
    if (!x) continue;
    const shares = sharesOf(v.shares);
    x.versions.set(v.version, { holdoutBps: v.holdoutBps, shares });
    for (const arm of Object.keys(shares ?? {})) if (arm !== "holdout") x.variants.add(arm);
  }
  const decoded = publication ? decodePayload(publication.payload) : null;
  if (decoded?.ok) {
    for (const offer of decoded.payload.offers) {
      const spec = offer.experiment;
      const x = spec && known.get(spec.id);
      if (!spec || !x || offer.id !== x.offerId) continue;
      x.published.set(spec.version ?? 1, spec);
      for (const v of spec.variants) x.variants.add(v.id);
    }
  }

  for (const { index, event: e } of exposures) {
    const x = known.get(e.experimentId!);
    const version = e.version ?? 1;
    let problem: string | null = null;
    if (!x) problem = "experimentId: unknown experiment";
    else if (e.offerId !== x.offerId) problem = "offerId: not this experiment's offer";
    else if (!(x.versions.has(version) || x.published.has(version) || version <= x.current)) problem = "version: unknown version of this experiment";
    else if (e.arm === "variant" && !x.variants.has(e.variantId!)) problem = "variantId: not a variant of this experiment";
    else {
      const config = configOf(e.experimentId!, x, version);
      if (config) {
        const arm = assign(config, e.journeyKey);
        const expected = arm.kind === "holdout" ? "holdout" : arm.variantId;
        const reported = e.arm === "holdout" ? "holdout" : e.variantId;
        if (expected !== reported) problem = "arm: does not match the assignment for this journey";
      }
    }
    if (problem) problems.set(index, problem);
  }
  return problems;
}

/** The assignment configuration of one version: the published spec, else the version row's shares; null when neither is known. */
function configOf(id: string, x: KnownExperiment, version: number): ExperimentLike | null {
  const published = x.published.get(version);
  if (published) return published;
  const row = x.versions.get(version);
  if (!row?.shares) return null;
  const variants = Object.entries(row.shares)
    .filter(([arm]) => arm !== "holdout")
    .map(([arm, share]) => ({ id: arm, weight: share }));
  return { id, holdoutBps: row.holdoutBps, variants };
}

/** Writes the new events of a batch with their roll-up increments; returns the ids it stored. */
async function storeBatch(tx: Tx, shopId: string, batch: Valid[], onNewKeys: "throw" | "lock"): Promise<Set<string>> {
  // The journeys whose visitors, views and attributed lines this batch writes (see lockJourneys).
  const touched = batch.filter((v) => v.event.type === "exposure" || v.event.type === "impression").map((v) => v.event.journeyKey);
  await lockJourneys(tx, shopId, [...new Set(touched)], onNewKeys);
  const existing = await tx.event.findMany({
    where: { shopId, clientEventId: { in: batch.map((v) => v.event.id) } },
    select: { clientEventId: true },
  });
  const known = new Set(existing.map((e) => e.clientEventId));
  const unseen = batch.filter((v) => !known.has(v.event.id));
  if (unseen.length === 0) return new Set();
  // An exposure under an order's second key when its first key is already the visitor: not stored.
  const sameBuyer = await recordExposures(tx, shopId, unseen);
  const fresh = unseen.filter((v) => !sameBuyer.has(v.event.id));
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
      // As sent, but within the cap (an INT4 column on PostgreSQL).
      cartMinor: e.cartMinor === undefined ? null : Math.min(e.cartMinor, CART_CAP_MINOR),
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
 * one wins), with the cart at the decision as its CUPED covariate (capped at CART_CAP_MINOR; 0 when
 * the surface had no cart, still a pre-exposure value, so every visitor has one and CUPED stays on).
 * Orders that arrived before it are counted in at once, net of their refunds, cancelled ones not.
 * One buyer is one visitor per version even when reported under both keys of an order (attribute
 * first, then checkout token): an exposure under a later key of an order whose earlier key already
 * has one is not recorded (its event id is returned: the caller reports it as a duplicate), and one
 * under an earlier key takes the place of the later key's (dropVisitor), orders included.
 */
async function recordExposures(tx: Tx, shopId: string, fresh: Valid[]): Promise<Set<string>> {
  const sameBuyer = new Set<string>();
  const firstByExposure = new Map<string, Valid>();
  for (const v of fresh) {
    const e = v.event;
    if (e.type !== "exposure") continue;
    const k = JSON.stringify([e.experimentId, e.version ?? 1, e.journeyKey]);
    if (!firstByExposure.has(k)) firstByExposure.set(k, v);
  }
  if (firstByExposure.size === 0) return sameBuyer;
  const candidates = [...firstByExposure.values()];
  const journeys = [...new Set(candidates.map((v) => v.event.journeyKey))];
  const existing = await tx.experimentExposure.findMany({
    where: { shopId, journeyKey: { in: journeys } },
    select: { experimentId: true, version: true, journeyKey: true },
  });
  const exposed = new Set(existing.map((x) => JSON.stringify([x.experimentId, x.version, x.journeyKey])));
  const created = candidates.filter((v) => !exposed.has(JSON.stringify([v.event.experimentId, v.event.version ?? 1, v.event.journeyKey])));
  if (created.length === 0) return sameBuyer;

  const orders = await linkedOrders(tx, shopId, { journeyKeys: [...new Set(created.map((v) => v.event.journeyKey))] });
  const deltas = new DeltaMap<ExperimentKey, ExperimentDelta>();
  // One at a time: a later exposure in the batch must see the rows the earlier ones created or dropped.
  for (const { event: e, occurredAt } of created) {
    const version = e.version ?? 1;
    const x = cartOf(e);
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
    const own = orders.filter((o) => o.keys.includes(e.journeyKey));
    const earlier = new Set(own.flatMap((o) => o.keys.slice(0, o.keys.indexOf(e.journeyKey))));
    const later = new Set(own.flatMap((o) => o.keys.slice(o.keys.indexOf(e.journeyKey) + 1)));
    const siblings = earlier.size + later.size
      ? await tx.experimentExposure.findMany({ where: { shopId, experimentId: row.experimentId, version, journeyKey: { in: [...earlier, ...later] } } })
      : [];
    if (siblings.some((s) => earlier.has(s.journeyKey))) {
      sameBuyer.add(e.id);
      continue;
    }
    for (const s of siblings) await dropVisitor(tx, shopId, s, deltas, row);

    const key = experimentKeyOf(row);
    deltas.add(key, visitorDelta(x));
    const visitor = { orders: 0, revenue: 0 };
    for (const order of own) {
      const value = netValue(order);
      if (value === null) continue;
      // No other key of this order has an exposure of this version now: this row holds the order.
      deltas.add(key, revisionDelta(visitor, x, null, value));
      visitor.orders += 1;
      visitor.revenue += value;
    }
    await tx.experimentExposure.create({ data: { ...row, orders: visitor.orders, revenueMinor: visitor.revenue } });
  }
  await applyExperimentDeltas(tx, shopId, deltas);
  return sameBuyer;
}
