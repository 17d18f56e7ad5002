import { timeOrderedId } from "~/lib/time-ordered-id";
import { insertJsonRows, postgresJsonSelect, postgresJsonValues, query, raw, sql, sqlTimestamp, type JsonColumn } from "~/lib/sql.server";
import type { SqlTx } from "~/lib/driver.server";
import { eventKey, type Valid } from "./exposure-check.server";
import { CART_CAP_MINOR, EXPOSURE_COLUMNS, exposureKey, exposureRowOf } from "./exposures.server";
import { LockScopeChanged } from "./journeys.server";
import { dayOf, segmentOf } from "./rollup.server";

// The rows an ingest transaction inserts for a batch: its events and the first views of offers,
// and on PostgreSQL, for journeys without an order, those with the batch's new exposures in one
// statement.

const EVENT_COLUMNS: readonly JsonColumn[] = [
  { name: "id", pg: "text" },
  { name: "shopId", pg: "text" },
  { name: "clientEventId", pg: "text" },
  { name: "type", pg: "text" },
  { name: "moment", pg: "text" },
  { name: "surface", pg: "text" },
  { name: "journeyKey", pg: "text" },
  { name: "offerId", pg: "text" },
  { name: "experimentId", pg: "text" },
  { name: "armId", pg: "text" },
  { name: "arm", pg: "text" },
  { name: "version", pg: "integer" },
  { name: "cartMinor", pg: "bigint" },
  { name: "device", pg: "text" },
  { name: "country", pg: "text" },
  { name: "currency", pg: "text" },
  { name: "returning", pg: "boolean" },
  { name: "valueMinor", pg: "bigint" },
  { name: "occurredAt", pg: "timestamp(3)" },
  { name: "day", pg: "text" },
  { name: "receivedAt", pg: "timestamp(3)" },
];
const EVENT_CONFLICT = ["shopId", "journeyKey", "clientEventId"];

/**
 * The batch's event rows, in the unique index's order (journey, then id), so that two transactions
 * inserting copies of one batch take its entries in the same order.
 */
function eventRows(shopId: string, batch: Valid[]): Array<Record<string, unknown>> {
  const receivedAt = sqlTimestamp(new Date());
  return [...batch]
    .sort((a, b) => (eventKey(a.event) < eventKey(b.event) ? -1 : eventKey(a.event) > eventKey(b.event) ? 1 : 0))
    .map(({ event: e, occurredAt }) => ({
      id: timeOrderedId(),
      shopId,
      clientEventId: e.id,
      type: e.type,
      moment: e.moment,
      surface: e.surface,
      journeyKey: e.journeyKey,
      offerId: e.offerId,
      experimentId: e.experimentId,
      armId: e.armId,
      arm: e.arm,
      version: e.version,
      // As sent, within the covariate's cap (CART_CAP_MINOR).
      cartMinor: e.cartMinor === undefined ? null : Math.min(e.cartMinor, CART_CAP_MINOR),
      device: e.device,
      country: e.country,
      currency: e.currency,
      returning: e.returning,
      valueMinor: e.valueMinor,
      occurredAt: sqlTimestamp(occurredAt),
      day: dayOf(occurredAt),
      receivedAt,
    }));
}

/**
 * Inserts the events not stored yet and returns their keys (eventKey): one INSERT ... ON CONFLICT DO
 * NOTHING RETURNING for the batch. An event is its journey's event id: a client's retry, or a
 * concurrent copy of the batch, carries both. A copy in another transaction waits on the unique
 * index and then skips (never an error).
 */
export async function insertEvents(tx: SqlTx, shopId: string, batch: Valid[]): Promise<Set<string>> {
  const returned = await insertJsonRows<{ journeyKey: string; clientEventId: string }>(
    tx,
    "Event",
    EVENT_COLUMNS,
    eventRows(shopId, batch),
    EVENT_CONFLICT,
    ["journeyKey", "clientEventId"],
  );
  return new Set(returned.map((r) => eventKey({ journeyKey: r.journeyKey, id: r.clientEventId })));
}

const VIEW_COLUMNS: readonly JsonColumn[] = [
  "shopId",
  "journeyKey",
  "offerId",
  "moment",
  "device",
  "country",
  "segment",
  "arm",
].map((name) => ({ name, pg: "text" }));
const VIEW_CONFLICT = ["shopId", "journeyKey", "offerId", "moment"];

const viewRowOf = (shopId: string, { event: e }: Valid) => ({
  shopId,
  journeyKey: e.journeyKey,
  offerId: e.offerId!,
  moment: e.moment,
  device: e.device ?? "",
  country: e.country ?? "",
  segment: segmentOf(e.returning),
  arm: e.arm,
});

/** An offer's view at a moment by a journey: what makes an impression its first. */
export const viewKey = (x: { journeyKey: string; offerId?: string | null; moment: string }): string =>
  JSON.stringify([x.journeyKey, x.offerId, x.moment]);

/** The first impression of an offer at a moment per journey among `fresh`, in their order. */
export function firstImpressions(fresh: Valid[]): Valid[] {
  const first = new Map<string, Valid>();
  for (const v of fresh) {
    if (v.event.type !== "impression" || !v.event.offerId) continue;
    const k = viewKey(v.event);
    if (!first.has(k)) first.set(k, v);
  }
  return [...first.values()];
}

/**
 * The first impressions among `candidates` (one per viewKey) whose OfferView row was inserted now,
 * i.e. journeys that had not seen the offer at that moment before. One statement.
 */
export async function firstViews(tx: SqlTx, shopId: string, candidates: Valid[]): Promise<Valid[]> {
  const returned = await insertJsonRows<{ journeyKey: string; offerId: string; moment: string }>(
    tx,
    "OfferView",
    VIEW_COLUMNS,
    candidates.map((v) => viewRowOf(shopId, v)),
    VIEW_CONFLICT,
    ["journeyKey", "offerId", "moment"],
  );
  const inserted = new Set(returned.map(viewKey));
  return candidates.filter((v) => inserted.has(viewKey(v.event)));
}

/** What one statement wrote: keys of the events (eventKey), exposures (exposureKey) and views (viewKey) inserted. */
export interface Written {
  events: Set<string>;
  exposures: Set<string>;
  views: Set<string>;
}

const ORDER_IN_BATCH: readonly JsonColumn[] = [
  { name: "clientEventId", pg: "text" },
  { name: "ordinal", pg: "integer" },
];

/**
 * PostgreSQL, journeys without an order (nearly all: views and exposures come before the order):
 * the batch's events, the exposure rows and the first views they make, in ONE statement instead of
 * three round trips. Each of the latter is the first such event of its key in the batch among the
 * events inserted now (DISTINCT ON by position, joined to the event insert's RETURNING), which is
 * what firstExposures and firstImpressions pick among the fresh events; a row of another
 * transaction waits on the unique index and is skipped, as it is in separate statements. One fixed
 * text with one JSON parameter: prepared once per connection.
 *
 * The same statement checks that no journey of the batch has an order: the caller holds the
 * journeys' locks (shared, taken before this statement, so its snapshot sees every order linked
 * before them); if one has, nothing is written and this throws LockScopeChanged, and the caller
 * starts over on the path for journeys with orders (lockJourneys).
 */
export async function insertNewJourneyRows(tx: SqlTx, shopId: string, batch: Valid[]): Promise<Written> {
  const ordinal = new Map(batch.map((v, i) => [v, i]));
  const position = (v: Valid) => ({ clientEventId: v.event.id, ordinal: ordinal.get(v)! });
  const exposures = batch
    .filter((v) => v.event.type === "exposure")
    .map((v) => {
      const row = exposureRowOf(shopId, v);
      return { ...row, id: timeOrderedId(), orders: 0, revenueMinor: 0, firstSeenAt: sqlTimestamp(row.firstSeenAt), ...position(v) };
    });
  const views = batch
    .filter((v) => v.event.type === "impression" && v.event.offerId)
    .map((v) => ({ ...viewRowOf(shopId, v), ...position(v) }));
  const json = JSON.stringify([
    postgresJsonValues(EVENT_COLUMNS, eventRows(shopId, batch)),
    postgresJsonValues([...EXPOSURE_COLUMNS, ...ORDER_IN_BATCH], exposures),
    postgresJsonValues([...VIEW_COLUMNS, ...ORDER_IN_BATCH], views),
    shopId,
    [...new Set(batch.map((v) => v.event.journeyKey))],
  ]);
  const returned = await query<{ t: number; j: string; a: string; b: string | null; n: number | null }>(
    tx,
    sql`WITH p AS (SELECT ${json}::jsonb AS d), ${raw(NEW_JOURNEY_ROWS)}`,
  );
  if (returned.some((r) => r.t === 3)) throw new LockScopeChanged();
  const written: Written = { events: new Set(), exposures: new Set(), views: new Set() };
  for (const r of returned) {
    if (r.t === 0) written.events.add(eventKey({ journeyKey: r.j, id: r.a }));
    else if (r.t === 1) written.exposures.add(exposureKey({ experimentId: r.a, version: r.n!, journeyKey: r.j }));
    else written.views.add(viewKey({ journeyKey: r.j, offerId: r.a, moment: r.b! }));
  }
  return written;
}

const q = (c: string) => `"${c}"`;
const names = (columns: readonly JsonColumn[], prefix = "") => columns.map((c) => `${prefix}${q(c.name)}`).join(", ");
const from = (i: number) => `p, jsonb_array_elements(p.d -> ${i}) AS j`;
/** The first row per `key` among candidates whose event was inserted now (the CTE `e`). */
const firstOfInserted = (table: string, columns: readonly JsonColumn[], i: number, key: string[], conflict: string[], returning: string[]) =>
  `INSERT INTO ${q(table)} (${names(columns)}) SELECT DISTINCT ON (${key.map((k) => `c.${q(k)}`).join(", ")}) ${names(columns, "c.")} ` +
  `FROM (${postgresJsonSelect([...columns, ...ORDER_IN_BATCH], from(i))}) AS c JOIN e ON e."journeyKey" = c."journeyKey" AND e."clientEventId" = c."clientEventId" ` +
  `ORDER BY ${key.map((k) => `c.${q(k)}`).join(", ")}, c."ordinal" ON CONFLICT (${conflict.map(q).join(", ")}) DO NOTHING RETURNING ${returning.map(q).join(", ")}`;
const NEW_JOURNEY_ROWS =
  `o AS (SELECT 1 FROM "JourneyOrder" WHERE "shopId" = (SELECT p.d ->> 3 FROM p) AND "journeyKey" IN (SELECT jsonb_array_elements_text(p.d -> 4) FROM p) LIMIT 1), ` +
  `e AS (INSERT INTO "Event" (${names(EVENT_COLUMNS)}) ${postgresJsonSelect(EVENT_COLUMNS, from(0))} WHERE NOT EXISTS (SELECT FROM o) ON CONFLICT (${EVENT_CONFLICT.map(q).join(", ")}) DO NOTHING RETURNING "journeyKey", "clientEventId"), ` +
  `x AS (${firstOfInserted("ExperimentExposure", EXPOSURE_COLUMNS, 1, ["experimentId", "version", "journeyKey"], ["shopId", "journeyKey", "experimentId", "version"], ["experimentId", "version", "journeyKey"])}), ` +
  `v AS (${firstOfInserted("OfferView", VIEW_COLUMNS, 2, ["journeyKey", "offerId", "moment"], VIEW_CONFLICT, ["journeyKey", "offerId", "moment"])}) ` +
  `SELECT 0 AS "t", "journeyKey" AS "j", "clientEventId" AS "a", NULL::text AS "b", NULL::integer AS "n" FROM e ` +
  `UNION ALL SELECT 1, "journeyKey", "experimentId", NULL, "version" FROM x ` +
  `UNION ALL SELECT 2, "journeyKey", "offerId", "moment", NULL FROM v ` +
  `UNION ALL SELECT 3, NULL, NULL, NULL, NULL FROM o`;
