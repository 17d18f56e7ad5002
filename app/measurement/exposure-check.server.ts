import type { Prisma, PrismaClient } from "@prisma/client";
import { assign, decodePayload, type ExperimentLike } from "@moments/engine";
import type { EventInput } from "./contract";
import type { OneTripRows } from "./one-trip.server";
import { sharedRead } from "~/lib/shared-read";
import { ShopNotInstalled } from "./commit-queue.server";

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * An event's identity: its client id within its journey (the Event table's unique key with the
 * shop). A retry carries both; two journeys may use the same id and are two events.
 */
export const eventKey = (e: { journeyKey: string; id: string }): string => `${e.journeyKey}\u0000${e.id}`;

export interface Valid {
  index: number;
  event: EventInput;
  occurredAt: Date;
  /**
   * PostgreSQL's one-trip rows for this event, built while its batch waits (one-trip.server.ts).
   * Held here, not in a WeakMap keyed by the event: a scavenge copies a WeakMap's values even when
   * their key dies in it (it drops the entry afterwards), so the rows outlived their batch by a
   * scavenge and were promoted by the megabyte (decision 044).
   */
  oneTrip?: OneTripRows;
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
  /**
   * Automatic allocation (decision 030): every set of weights a version was published with (its
   * allocation epochs). An exposure is accepted when one of them, or the version's configuration,
   * assigns its arm: the buyer may have been decided under yesterday's weights, or kept the arm
   * first shown in the journey. The hold-out never moves between epochs, so hold-out vs variant is
   * still checked exactly.
   */
  epochs: Map<number, ExperimentLike[]>;
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
 * not checked. Four reads (the shop and its configuration) when the shop's configuration is not
 * remembered, whatever the batch's size; none without an exposure. A shop that is gone throws
 * ShopNotInstalled.
 */
export async function verifyExposures(db: Db, shopId: string, batch: Valid[]): Promise<Map<number, string>> {
  const exposures = batch.filter((v) => v.event.type === "exposure");
  if (exposures.length === 0) return new Map();
  const ids = [...new Set(exposures.map((v) => v.event.experimentId!))].sort();
  const cache = isClient(db) ? cacheOf(db, shopId) : null;
  if (!cache) return check(await loadExperiments(db, shopId, ids), exposures);
  if (ids.every((id) => cache.known.has(id))) {
    const problems = check(cache.known, exposures);
    if (problems.size === 0) return problems;
    // Refused by what was cached: decide on what the database says now.
    return check(await remember(cache, ids, loadExperiments(db, shopId, ids)), exposures);
  }
  // Not cached: batches that arrive together (every connection after the cache expired) share
  // one read of the shop's configuration instead of five reads each.
  const known = await sharedRead(cache.loading, ids.join(","), () => remember(cache, ids, loadExperiments(db, shopId, ids)));
  return check(known, exposures);
}

async function remember(cache: ShopCache, ids: string[], load: Promise<Map<string, KnownExperiment>>) {
  const known = await load;
  for (const id of ids) cache.known.set(id, known.get(id) ?? null);
  return known;
}

const isClient = (db: Db): db is PrismaClient => typeof (db as PrismaClient).$transaction === "function";

const CACHE_TTL_MS = 10_000;
const CACHE_SHOPS_MAX = 10_000;
interface ShopCache {
  known: Map<string, KnownExperiment | null>;
  /** Reads of experiments not yet known, by their sorted ids, while they run. */
  loading: Map<string, Promise<Map<string, KnownExperiment>>>;
  until: number;
}
const caches = new WeakMap<PrismaClient, Map<string, ShopCache>>();

/**
 * What a shop's experiments were, remembered for 10 s per client: every exposure batch would
 * otherwise read three tables and decode the published payload. A version's configuration never
 * changes once buyers saw it (a change is a new version), so what is remembered stays right for the
 * versions it knows; anything it refuses (a new version, experiment or variant) is checked against
 * the database before the refusal stands. What it can let through for up to 10 s: an exposure of
 * an experiment deleted meanwhile.
 */
function cacheOf(db: PrismaClient, shopId: string) {
  let shops = caches.get(db);
  if (!shops) caches.set(db, (shops = new Map()));
  const now = Date.now();
  let entry = shops.get(shopId);
  if (!entry || entry.until <= now) {
    if (shops.size >= CACHE_SHOPS_MAX) shops.clear();
    entry = { known: new Map(), loading: new Map(), until: now + CACHE_TTL_MS };
    shops.set(shopId, entry);
  }
  return entry;
}

async function loadExperiments(db: Db, shopId: string, ids: string[]): Promise<Map<string, KnownExperiment>> {
  const [shop, experiments, versions, publication, epochs] = await Promise.all([
    db.shop.findFirst({ where: { id: shopId, uninstalledAt: null }, select: { id: true } }),
    db.experiment.findMany({
      where: { shopId, id: { in: ids } },
      select: { id: true, offerId: true, version: true, offer: { select: { variants: { select: { id: true } } } } },
    }),
    db.experimentVersion.findMany({
      where: { shopId, experimentId: { in: ids } },
      select: { experimentId: true, version: true, holdoutBps: true, shares: true },
    }),
    db.publication.findUnique({ where: { shopId }, select: { payload: true } }),
    db.allocationEpoch.findMany({
      where: { shopId, experimentId: { in: ids } },
      select: { experimentId: true, version: true, holdoutBps: true, weights: true },
    }),
  ]);
  // A caller's remembered shop id may be of a shop deleted since (http.server.ts): not "unknown experiment".
  if (!shop) throw new ShopNotInstalled(shopId);
  const known = new Map<string, KnownExperiment>();
  for (const x of experiments) {
    known.set(x.id, {
      offerId: x.offerId,
      current: x.version,
      versions: new Map(),
      variants: new Set(x.offer.variants.map((v) => v.id)),
      published: new Map(),
      epochs: new Map(),
    });
  }
  for (const e of epochs) {
    const x = known.get(e.experimentId);
    const weights = x && sharesOf(e.weights);
    if (!x || !weights) continue;
    const list = x.epochs.get(e.version) ?? [];
    list.push({
      id: e.experimentId,
      holdoutBps: e.holdoutBps,
      variants: Object.entries(weights).map(([id, weight]) => ({ id, weight })),
    });
    x.epochs.set(e.version, list);
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
  return known;
}

function check(known: ReadonlyMap<string, KnownExperiment | null>, exposures: Valid[]): Map<number, string> {
  const problems = new Map<number, string>();
  for (const { index, event: e } of exposures) {
    const x = known.get(e.experimentId!);
    const version = e.version ?? 1;
    let problem: string | null = null;
    if (!x) problem = "experimentId: unknown experiment";
    else if (e.offerId !== x.offerId) problem = "offerId: not this experiment's offer";
    else if (!(x.versions.has(version) || x.published.has(version) || version <= x.current))
      problem = "version: unknown version of this experiment";
    else if (e.arm === "variant" && !x.variants.has(e.armId!)) problem = "armId: not an arm of this experiment";
    else {
      const config = configOf(e.experimentId!, x, version);
      if (config) {
        const reported = e.arm === "holdout" ? "holdout" : e.armId;
        const armOf = (c: ExperimentLike) => {
          const arm = assign(c, e.journeyKey);
          return arm.kind === "holdout" ? "holdout" : arm.armId;
        };
        if (armOf(config) !== reported && !(x.epochs.get(version) ?? []).some((c) => armOf(c) === reported))
          problem = "arm: does not match the assignment for this journey";
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
