import { timeOrderedId } from "~/lib/time-ordered-id";
import { insertJsonRows, sqlTimestamp, type JsonColumn } from "~/lib/sql.server";
import type { SqlTx } from "~/lib/driver.server";
import { eventKey, type Valid } from "./exposure-check.server";
import { CART_CAP_MINOR } from "./exposures.server";
import { dayOf, segmentOf } from "./rollup.server";

// The rows an ingest transaction inserts for a batch: its events and the first views of offers
// (and their JSON shapes, which PostgreSQL's one-trip statement shares: one-trip.server.ts).

export const EVENT_COLUMNS: readonly JsonColumn[] = [
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
export const EVENT_CONFLICT = ["shopId", "journeyKey", "clientEventId"];

/**
 * The batch's event rows, in the unique index's order (journey, then id), so that two transactions
 * inserting copies of one batch take its entries in the same order.
 */
export function eventRows(shopId: string, batch: Valid[]): Array<Record<string, unknown>> {
  const receivedAt = sqlTimestamp(new Date());
  return batch
    .map((v) => ({ v, key: eventKey(v.event) }))
    .sort(byKey)
    .map(({ v }) => eventRowOf(shopId, v, receivedAt));
}

/** Event rows' order: by eventKey (journey, then id), compared as computed once per event. */
export const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** One event's row; `receivedAt` as sqlTimestamp writes it. */
export const eventRowOf = (shopId: string, { event: e, occurredAt }: Valid, receivedAt: string): Record<string, unknown> => ({
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
});

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

export const VIEW_COLUMNS: readonly JsonColumn[] = [
  "shopId",
  "journeyKey",
  "offerId",
  "moment",
  "device",
  "country",
  "segment",
  "arm",
].map((name) => ({ name, pg: "text" }));
export const VIEW_CONFLICT = ["shopId", "journeyKey", "offerId", "moment"];

export const viewRowOf = (shopId: string, { event: e }: Valid) => ({
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
