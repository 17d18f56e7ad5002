import { postgresJsonSelect, postgresJsonValues, sqlTimestamp, type JsonColumn } from "~/lib/sql.server";
import type { Driver } from "~/lib/driver.server";
import { eventKey, type Valid } from "./exposure-check.server";
import { EXPOSURE_COLUMNS, newExposureRow } from "./exposures.server";
import { byKey, EVENT_COLUMNS, EVENT_CONFLICT, eventRowOf, VIEW_COLUMNS, VIEW_CONFLICT, viewRowOf } from "./event-rows.server";
import { inLockOrder, journeyLockId } from "./journeys.server";
import { dayOf, EXPERIMENT_KEYS, MOMENT_COUNTER_OF_TYPE, MOMENT_KEYS } from "./rollup.server";

// The commit queue's first attempt on PostgreSQL (decision 039): a whole
// transaction (the shops' check and the journeys' shared locks, then per shop its events, exposures,
// first views and both roll-ups) pipelined, its statements sent without waiting for each other's
// answers. Under load a round trip costs about a millisecond of waiting (the database's process and
// ours each woken in turn), and the transaction had five.

/** What the first attempt did for a group: the installed shops, the keys stored per shop, and the shops to redo. */
export interface FirstTrip {
  installed: Set<string>;
  /** Per installed shop, the eventKeys of the events stored now. */
  stored: Map<string, Set<string>>;
  /**
   * Shops of which a journey already has an order: nothing of theirs was written (the statement
   * checks before it inserts); the queue runs them on the checked path (lockJourneys).
   */
  withOrders: Set<string>;
}

export interface ShopBatch {
  shopId: string;
  currency: string;
  events: Valid[];
}

const q = (c: string) => `"${c}"`;
const list = (columns: readonly string[]) => columns.map(q).join(", ");
const names = (columns: readonly JsonColumn[], prefix = "") => columns.map((c) => `${prefix}${q(c.name)}`).join(", ");
const from = (i: number) => `p, jsonb_array_elements(p.d -> ${i}) AS j`;
const SHOP = "(SELECT p.d ->> 3 FROM p)";

/** Where a candidate row (an exposure, a view) sits in the batch: its event and its position. */
const ORDER_IN_BATCH: readonly JsonColumn[] = [
  { name: "clientEventId", pg: "text" },
  { name: "ordinal", pg: "bigint" },
];
/** A view candidate's moment roll-up key parts that OfferView does not keep. */
const VIEW_KEY_EXTRA: readonly JsonColumn[] = [
  { name: "day", pg: "text" },
  { name: "armId", pg: "text" },
];

/** The first candidate per `key` among those whose event was inserted now (the CTE `e`), by position. */
const firstOfInserted = (columns: readonly JsonColumn[], i: number, key: string[]) =>
  `SELECT DISTINCT ON (${key.map((k) => `c.${q(k)}`).join(", ")}) c.* ` +
  `FROM (${postgresJsonSelect(columns, from(i))}) AS c JOIN e ON e."journeyKey" = c."journeyKey" AND e."clientEventId" = c."clientEventId" ` +
  `ORDER BY ${key.map((k) => `c.${q(k)}`).join(", ")}, c."ordinal"`;

const EXPOSURE_KEY = ["experimentId", "version", "journeyKey"];
const VIEW_KEY = ["journeyKey", "offerId", "moment"];
const SEGMENT = `CASE e."returning" WHEN true THEN 'returning' WHEN false THEN 'new' ELSE '' END`;
const MOMENT_COUNTERS = [...new Set(Object.values(MOMENT_COUNTER_OF_TYPE)), "acceptedMinor", "impressions"];
/** Roll-up rows are written in key order (byte order), as rollup.server.ts sorts them: writers lock shared rows in one order. */
const inKeyOrder = (key: readonly string[]) => key.map((k) => (k === "version" ? q(k) : `${q(k)} COLLATE "C"`)).join(", ");
const addExcluded = (table: string, counters: readonly string[]) => counters.map((c) => `${q(c)} = ${q(table)}.${q(c)} + excluded.${q(c)}`).join(", ");

/**
 * One shop's rows, with the journeys' locks held shared (taken by the statement before, so this
 * statement's snapshot sees every order linked before them): if any journey of the batch has an
 * order, or the shop is not installed, it writes nothing. Otherwise it inserts the events (ON
 * CONFLICT DO NOTHING: a retry or a concurrent copy is skipped), the exposure rows and first views
 * they make (each the first of its key in the batch among the events inserted now: what
 * firstExposures and firstImpressions pick), and adds to the roll-ups what was inserted, computed
 * here as storeBatch computes it for the other path (momentDeltas, countNewVisitors): a counter per
 * event type, the accepted value in the shop's currency, an impression per first view, a visitor
 * with its cart as covariate per new exposure row. Returns the rows written (t 0 events, 1
 * exposures, 2 views) and a row t 3 when a journey has an order.
 *
 * Parameter: [events, exposure candidates, view candidates, shopId, journey keys, currency], one
 * JSON value: one fixed text, which the driver prepares once per connection.
 */
const INGEST_ROWS =
  `WITH p AS (SELECT $1::jsonb AS d), ` +
  `o AS (SELECT 1 FROM "JourneyOrder" WHERE "shopId" = ${SHOP} AND "journeyKey" IN (SELECT jsonb_array_elements_text(p.d -> 4) FROM p) LIMIT 1), ` +
  `e AS (INSERT INTO "Event" (${names(EVENT_COLUMNS)}) ${postgresJsonSelect(EVENT_COLUMNS, from(0))} ` +
  `WHERE NOT EXISTS (SELECT FROM o) AND EXISTS (SELECT FROM "Shop" WHERE "id" = ${SHOP} AND "uninstalledAt" IS NULL) ` +
  `ON CONFLICT (${list(EVENT_CONFLICT)}) DO NOTHING ` +
  `RETURNING "journeyKey", "clientEventId", "type", "day", "moment", "offerId", "armId", "arm", "device", "country", "returning", "valueMinor", "currency"), ` +
  `xc AS (${firstOfInserted([...EXPOSURE_COLUMNS, ...ORDER_IN_BATCH], 1, EXPOSURE_KEY)}), ` +
  `x AS (INSERT INTO "ExperimentExposure" (${names(EXPOSURE_COLUMNS)}) SELECT ${names(EXPOSURE_COLUMNS)} FROM xc ` +
  `ON CONFLICT ("shopId", "journeyKey", "experimentId", "version") DO NOTHING ` +
  `RETURNING "experimentId", "version", "journeyKey", "offerId", "arm", "day", "device", "country", "segment", "cartMinor"), ` +
  `vc AS (${firstOfInserted([...VIEW_COLUMNS, ...ORDER_IN_BATCH, ...VIEW_KEY_EXTRA], 2, VIEW_KEY)}), ` +
  `v AS (INSERT INTO "OfferView" (${names(VIEW_COLUMNS)}) SELECT ${names(VIEW_COLUMNS)} FROM vc ` +
  `ON CONFLICT (${list(VIEW_CONFLICT)}) DO NOTHING RETURNING "journeyKey", "offerId", "moment"), ` +
  // The moments' increments: the events (an exposure is an arm assignment and a reached checkout
  // the journey's, neither is an offer's), then an impression per first view. The views inserted
  // are looked up in a hashed subplan ("IS TRUE" keeps PostgreSQL from planning a join): CTEs have
  // no row estimates, and as a join it compared every candidate with every view (1.5 of a
  // 250-event statement's 9.5 ms, decision 040).
  `mc AS (SELECT e."day", e."moment", coalesce(e."offerId", '') AS "offerId", coalesce(e."armId", '') AS "armId", e."arm", ` +
  `coalesce(e."device", '') AS "device", coalesce(e."country", '') AS "country", ${SEGMENT} AS "segment", ` +
  Object.entries(MOMENT_COUNTER_OF_TYPE)
    .map(([type, counter]) => `(e."type" = '${type}')::int AS "${counter}"`)
    .join(", ") +
  `, CASE WHEN e."type" = 'accept' AND e."valueMinor" IS NOT NULL AND e."currency" = (SELECT p.d ->> 5 FROM p) THEN e."valueMinor" ELSE 0 END AS "acceptedMinor", 0 AS "impressions" ` +
  `FROM e WHERE e."type" NOT IN ('exposure', 'checkout_reached') ` +
  `UNION ALL SELECT vc."day", vc."moment", vc."offerId", vc."armId", vc."arm", vc."device", vc."country", vc."segment", ` +
  Object.values(MOMENT_COUNTER_OF_TYPE)
    .map(() => "0")
    .join(", ") +
  `, 0, 1 FROM vc WHERE ((vc."journeyKey", vc."offerId", vc."moment") IN (SELECT "journeyKey", "offerId", "moment" FROM v)) IS TRUE), ` +
  `m AS (INSERT INTO "MomentDaily" ("id", "shopId", ${list(MOMENT_KEYS)}, ${list(MOMENT_COUNTERS)}) ` +
  `SELECT gen_random_uuid()::text, ${SHOP}, ${list(MOMENT_KEYS)}, ${MOMENT_COUNTERS.map((c) => `sum(${q(c)})`).join(", ")} ` +
  `FROM mc GROUP BY ${list(MOMENT_KEYS)} ORDER BY ${inKeyOrder(MOMENT_KEYS)} ` +
  `ON CONFLICT ("shopId", ${list(MOMENT_KEYS)}) DO UPDATE SET ${addExcluded("MomentDaily", MOMENT_COUNTERS)}), ` +
  `xd AS (INSERT INTO "ExperimentDaily" ("id", "shopId", ${list(EXPERIMENT_KEYS)}, "offerId", "visitors", "covariateN", "covariateSum", "covariateSq") ` +
  `SELECT gen_random_uuid()::text, ${SHOP}, ${list(EXPERIMENT_KEYS)}, "offerId", count(*), count(*), ` +
  `sum("cartMinor")::double precision, sum("cartMinor"::double precision * "cartMinor"::double precision) ` +
  `FROM x GROUP BY ${list(EXPERIMENT_KEYS)}, "offerId" ORDER BY ${inKeyOrder(EXPERIMENT_KEYS)} ` +
  `ON CONFLICT ("shopId", ${list(EXPERIMENT_KEYS)}) DO UPDATE SET ${addExcluded("ExperimentDaily", ["visitors", "covariateN", "covariateSum", "covariateSq"])}) ` +
  `SELECT 0 AS "t", "journeyKey" AS "j", "clientEventId" AS "a", NULL::text AS "b", NULL::integer AS "n" FROM e ` +
  `UNION ALL SELECT 1, "journeyKey", "experimentId", NULL, "version" FROM x ` +
  `UNION ALL SELECT 2, "journeyKey", "offerId", "moment", NULL FROM v ` +
  `UNION ALL SELECT 3, NULL, NULL, NULL, NULL FROM o`;

/**
 * One event's part of the statement's parameter, as JSON text: its event row, its exposure or view
 * candidate (positioned by `ordinal`, a number that grows in the order events are queued), its
 * journey's lock id, and its eventKey (the event rows' order).
 */
export interface OneTripRows {
  shopId: string;
  key: string;
  lock: bigint;
  event: string;
  exposure: string | null;
  view: string | null;
}

const EXPOSURE_CANDIDATE = [...EXPOSURE_COLUMNS, ...ORDER_IN_BATCH];
const VIEW_CANDIDATE = [...VIEW_COLUMNS, ...ORDER_IN_BATCH, ...VIEW_KEY_EXTRA];
const jsonRow = (columns: readonly JsonColumn[], row: Record<string, unknown>) => JSON.stringify(postgresJsonValues(columns, [row])[0]);

let ordinal = 0;

/**
 * Builds the batch's rows for the statement now, while it waits for its transaction: a commit
 * then only joins texts, so the database does not wait on them between two commits (under load
 * building 250 events' rows took about 2.5 ms of each 15 ms commit cycle, decision 040). The
 * commit queue calls it as a batch is queued; ingestInOneTrip builds them when it finds any missing.
 */
export function prepareOneTrip(shopId: string, events: Valid[]): void {
  const receivedAt = sqlTimestamp(new Date());
  const locks = new Map<string, bigint>();
  for (const v of events) {
    const e = v.event;
    const lock = locks.get(e.journeyKey) ?? locks.set(e.journeyKey, journeyLockId(shopId, e.journeyKey)).get(e.journeyKey)!;
    const position = { clientEventId: e.id, ordinal: ordinal++ };
    const exposure = e.type === "exposure" ? jsonRow(EXPOSURE_CANDIDATE, { ...newExposureRow(shopId, v), ...position }) : null;
    const view =
      e.type === "impression" && e.offerId
        ? jsonRow(VIEW_CANDIDATE, { ...viewRowOf(shopId, v), ...position, day: dayOf(v.occurredAt), armId: e.armId ?? "" })
        : null;
    v.oneTrip = { shopId, key: eventKey(e), lock, event: jsonRow(EVENT_COLUMNS, eventRowOf(shopId, v, receivedAt)), exposure, view };
  }
}

/**
 * The shop's rows as prepared; built again, all in list order, when any event was not prepared for
 * this shop (a caller other than the queue), so that positions follow the list.
 */
function rowsOf({ shopId, events }: ShopBatch): OneTripRows[] {
  if (events.some((v) => v.oneTrip?.shopId !== shopId)) prepareOneTrip(shopId, events);
  return events.map((v) => v.oneTrip!);
}

/** The statement's parameter for one shop; its event rows in eventKey order, as eventRows sorts them. */
function parameterOf({ shopId, currency, events }: ShopBatch, rows: OneTripRows[]): string {
  const sorted = [...rows].sort(byKey);
  const texts = (pick: (r: OneTripRows) => string | null) => rows.map(pick).filter((t) => t !== null).join(",");
  return (
    `[[${sorted.map((r) => r.event).join(",")}],[${texts((r) => r.exposure)}],[${texts((r) => r.view)}],` +
    `${JSON.stringify(shopId)},${JSON.stringify([...new Set(events.map((v) => v.event.journeyKey))])},${JSON.stringify(currency)}]`
  );
}

/**
 * The shops' check: FOR SHARE, so shop/redact (which locks the row before deleting the shop's data)
 * waits for this commit or this reads the shop gone; it takes the journeys' locks shared too.
 */
const SHOPS_AND_LOCKS =
  `SELECT "id" FROM "Shop" WHERE "id" = ANY($1::text[]) AND "uninstalledAt" IS NULL ` +
  `AND (SELECT count(pg_advisory_xact_lock_shared(l)) >= 0 FROM unnest($2::bigint[]) AS l) FOR SHARE`;

/**
 * The first attempt of a commit queue group on PostgreSQL, in one round trip: BEGIN; the shops'
 * check taking the journeys' locks shared; INGEST_ROWS per shop; COMMIT, pipelined. Shops whose
 * batch meets a journey with an order come back in `withOrders`, with nothing of theirs written.
 * A failure (a deadlock, a lost connection) rolls the whole transaction back and is thrown.
 */
export async function ingestInOneTrip(pipeline: NonNullable<Driver["pipeline"]>, shops: ShopBatch[]): Promise<FirstTrip> {
  const rows = shops.map(rowsOf);
  const locks = inLockOrder(rows.flatMap((r) => r.map((x) => x.lock)));
  const results = await pipeline([
    { text: "BEGIN", params: [] },
    { text: SHOPS_AND_LOCKS, params: [shops.map((s) => s.shopId), `{${locks.join(",")}}`] },
    ...shops.map((s, i) => ({ text: INGEST_ROWS, params: [parameterOf(s, rows[i]!)] })),
    { text: "COMMIT", params: [] },
  ]);
  const installed = new Set((results[1] as Array<{ id: string }>).map((r) => r.id));
  const trip: FirstTrip = { installed, stored: new Map(), withOrders: new Set() };
  shops.forEach((s, i) => {
    if (!installed.has(s.shopId)) return;
    const rows = results[2 + i] as Array<{ t: number; j: string; a: string }>;
    if (rows.some((r) => r.t === 3)) return void trip.withOrders.add(s.shopId);
    trip.stored.set(s.shopId, new Set(rows.filter((r) => r.t === 0).map((r) => eventKey({ journeyKey: r.j, id: r.a }))));
  });
  return trip;
}
