import { randomUUID } from "node:crypto";
import { dialectOfClient, execute, join, postgresJsonSelect, raw, sql, tuple, type JsonColumn } from "~/lib/sql.server";
import type { SqlTx } from "~/lib/driver.server";

const DAY_MS = 86_400_000;
const days = new Map<number, string>();
/**
 * UTC calendar day of an instant: the roll-ups' and the dashboard's day. Ingestion asks it several
 * times per event, nearly always for one or two days, so the text is kept per day number (bounded).
 */
export const dayOf = (at: Date | number): string => {
  const ms = typeof at === "number" ? at : at.getTime();
  const n = Math.floor(ms / DAY_MS);
  let day = days.get(n);
  if (day === undefined) {
    day = new Date(ms).toISOString().slice(0, 10);
    if (days.size >= 1_000) days.clear();
    days.set(n, day);
  }
  return day;
};

export const segmentOf = (returning: boolean | null | undefined): string =>
  returning === true ? "returning" : returning === false ? "new" : "";

export interface MomentKey {
  day: string;
  moment: string;
  offerId: string;
  armId: string;
  arm: string;
  device: string;
  country: string;
  segment: string;
}

export type MomentDelta = {
  impressions?: number;
  views?: number;
  clicks?: number;
  accepts?: number;
  declines?: number;
  exitIntents?: number;
  purchases?: number;
  unsubscribes?: number;
  acceptedMinor?: number;
  attributedOrders?: number;
  attributedMinor?: number;
  refundedMinor?: number;
};

export interface ExperimentKey {
  experimentId: string;
  version: number;
  offerId: string;
  arm: string;
  day: string;
  device: string;
  country: string;
  segment: string;
}

export type ExperimentDelta = {
  visitors?: number;
  converters?: number;
  orders?: number;
  revenueMinor?: number;
  revenueSq?: number;
  orderValueSq?: number;
  covariateN?: number;
  covariateSum?: number;
  covariateSq?: number;
  crossSum?: number;
};

/** The MomentDaily counter each event type adds one to (exposures and reached checkouts: none). */
export const MOMENT_COUNTER_OF_TYPE = {
  impression: "views",
  click: "clicks",
  accept: "accepts",
  decline: "declines",
  exit_intent: "exitIntents",
  purchase: "purchases",
  unsubscribe: "unsubscribes",
} as const satisfies Record<string, keyof MomentDelta>;

/** Sums deltas per roll-up key so that a batch costs one upsert per distinct key. */
export class DeltaMap<K extends object, D extends Record<string, number | undefined>> {
  private readonly entries = new Map<string, { key: K; delta: D }>();
  add(key: K, delta: D): void {
    const id = JSON.stringify(key);
    const entry = this.entries.get(id);
    if (!entry) {
      this.entries.set(id, { key, delta: { ...delta } });
      return;
    }
    const target = entry.delta as Record<string, number | undefined>;
    for (const [k, v] of Object.entries(delta)) target[k] = (target[k] ?? 0) + (v ?? 0);
  }
  values() {
    return [...this.entries.values()];
  }
}

/** MomentDaily's key after shopId, in its unique index's order. */
export const MOMENT_KEYS = ["day", "moment", "offerId", "armId", "arm", "device", "country", "segment"] as const;
const MOMENT_COUNTERS = [
  "impressions",
  "views",
  "clicks",
  "accepts",
  "declines",
  "exitIntents",
  "purchases",
  "unsubscribes",
  "acceptedMinor",
  "attributedOrders",
  "attributedMinor",
  "refundedMinor",
] as const;
/** ExperimentDaily's key after shopId, in its unique index's order. */
export const EXPERIMENT_KEYS = ["experimentId", "version", "arm", "day", "device", "country", "segment"] as const;
const EXPERIMENT_COUNTERS = [
  "visitors",
  "converters",
  "orders",
  "revenueMinor",
  "revenueSq",
  "orderValueSq",
  "covariateN",
  "covariateSum",
  "covariateSq",
  "crossSum",
] as const;

/** A roll-up table: its key columns (after shopId), other columns and additive counters. */
interface RollupTable {
  table: "MomentDaily" | "ExperimentDaily";
  keys: readonly string[];
  extra: readonly string[];
  counters: readonly string[];
}
const MOMENTS: RollupTable = { table: "MomentDaily", keys: MOMENT_KEYS, extra: [], counters: MOMENT_COUNTERS };
const EXPERIMENTS: RollupTable = { table: "ExperimentDaily", keys: EXPERIMENT_KEYS, extra: ["offerId"], counters: EXPERIMENT_COUNTERS };

type RollupRow = Record<string, string | number | undefined>;

/**
 * The parts of one INSERT ... ON CONFLICT DO UPDATE for all keys of a batch (SQLite and PostgreSQL
 * both speak it): a batch costs one statement, not one upsert per key. Rows (`values`, in column
 * order) go in key order, so that two transactions (two app instances on PostgreSQL) lock the same
 * roll-up rows in the same order and never wait on each other in a cycle.
 */
function upsertOf(t: RollupTable, rows: RollupRow[]) {
  const q = (c: string) => `"${c}"`;
  const columns = ["id", "shopId", ...t.keys, ...t.extra, ...t.counters];
  const conflict = ["shopId", ...t.keys];
  const sortKey = (r: RollupRow) => JSON.stringify(conflict.map((c) => r[c] ?? ""));
  const sorted = rows.map((r) => ({ r, k: sortKey(r) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const valueOf = (r: RollupRow, c: string) => bindable(r[c] ?? (t.counters.includes(c) ? 0 : ""));
  const updates = t.counters.map((c) => `${q(c)} = ${q(t.table)}.${q(c)} + excluded.${q(c)}`).join(", ");
  return {
    into: `INSERT INTO ${q(t.table)} (${columns.map(q).join(", ")})`,
    onConflict: `ON CONFLICT (${conflict.map(q).join(", ")}) DO UPDATE SET ${updates}`,
    jsonColumns: columns.map((name) => ({ name, pg: postgresType(name) })),
    values: sorted.map(({ r }) => columns.map((c) => valueOf(r, c))),
  };
}

async function bulkIncrement(tx: SqlTx, t: RollupTable, rows: RollupRow[]): Promise<void> {
  if (rows.length === 0) return;
  const u = upsertOf(t, rows);
  // PostgreSQL: the rows as one JSON parameter, so that the statement's text is fixed and prepared
  // once per connection (a text that varies with the row count is parsed and planned every time).
  // With the journey locks prepared too, batches of 5 on two instances went from 750-806 to
  // 903-950 requests/s.
  const source =
    dialectOfClient(tx) === "postgresql"
      ? sql`${raw(postgresJsonSelect(u.jsonColumns, "jsonb_array_elements("))}${JSON.stringify(u.values)}::jsonb) AS j`
      : sql`VALUES ${join(u.values.map((v) => tuple(v)))}`;
  await execute(tx, sql`${raw(u.into)} ${source} ${raw(u.onConflict)}`);
}

/** The roll-ups' PostgreSQL column types (schema: MomentDaily, ExperimentDaily); a column not listed is a mistake, not text. */
const FLOAT_COUNTERS: ReadonlySet<string> = new Set(["revenueSq", "orderValueSq", "covariateSum", "covariateSq", "crossSum"]);
const TEXT_COLUMNS: ReadonlySet<string> = new Set(["id", "shopId", "offerId", "experimentId", ...MOMENT_KEYS, ...EXPERIMENT_KEYS].filter((c) => c !== "version"));
const BIGINT_COUNTERS: ReadonlySet<string> = new Set([...MOMENT_COUNTERS, ...EXPERIMENT_COUNTERS].filter((c) => !FLOAT_COUNTERS.has(c)));
function postgresType(column: string): JsonColumn["pg"] {
  if (FLOAT_COUNTERS.has(column)) return "double precision";
  if (BIGINT_COUNTERS.has(column)) return "bigint";
  if (column === "version") return "integer";
  if (TEXT_COLUMNS.has(column)) return "text";
  throw new Error(`roll-up column ${column} has no PostgreSQL type here`);
}

/**
 * Prisma refuses a raw parameter that is a whole number past 2^53 ("can't be represented as a
 * JavaScript number"), and past 2^63 no integer type binds it; the Float sums of squares get there
 * (a 1e11 order squared is 1e22). Such a value goes as its decimal text (String of a double reads
 * back as the same double), which the Float column's type (REAL affinity on SQLite, float8 on
 * PostgreSQL) turns back into the number before the upsert adds it.
 */
const bindable = (v: string | number): string | number =>
  typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v) ? String(v) : v;

// Statement size stays well under SQLite's 32,766 bound parameters.
const CHUNK = 500;

/**
 * The rows of a roll-up upsert in the order of the table's key columns: every writer (ingestion,
 * orders/create, refunds, cancellations, on any instance) then locks the rows two upserts of one
 * table share in the same order, and the later waits for the earlier instead of both deadlocking
 * (PostgreSQL finds a deadlock only after deadlock_timeout, a second by default).
 */
function rowsOf<K extends object, D extends Record<string, number | undefined>>(t: RollupTable, shopId: string, deltas: DeltaMap<K, D>): RollupRow[] {
  const rows = deltas.values().map(({ key, delta }) => ({ id: randomUUID(), shopId, ...key, ...delta }) as RollupRow);
  return rows.sort((a, b) => {
    for (const k of t.keys) {
      const x = a[k] ?? "";
      const y = b[k] ?? "";
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}

async function applyRows(tx: SqlTx, t: RollupTable, rows: RollupRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await bulkIncrement(tx, t, rows.slice(i, i + CHUNK));
}

export async function applyMomentDeltas(
  tx: SqlTx,
  shopId: string,
  deltas: DeltaMap<MomentKey, MomentDelta>,
): Promise<void> {
  await applyRows(tx, MOMENTS, rowsOf(MOMENTS, shopId, deltas));
}

export async function applyExperimentDeltas(
  tx: SqlTx,
  shopId: string,
  deltas: DeltaMap<ExperimentKey, ExperimentDelta>,
): Promise<void> {
  await applyRows(tx, EXPERIMENTS, rowsOf(EXPERIMENTS, shopId, deltas));
}

/**
 * An ingest transaction's roll-ups: the experiments' rows, then the moments'. On PostgreSQL both
 * go in one statement (the moments' upsert a WITH clause, which PostgreSQL runs after the main
 * statement), one round trip instead of two, the rows as one JSON parameter (prepared once).
 */
export async function applyRollups(
  tx: SqlTx,
  shopId: string,
  experiments: DeltaMap<ExperimentKey, ExperimentDelta>,
  moments: DeltaMap<MomentKey, MomentDelta>,
): Promise<void> {
  const e = rowsOf(EXPERIMENTS, shopId, experiments);
  const m = rowsOf(MOMENTS, shopId, moments);
  if (dialectOfClient(tx) !== "postgresql" || e.length === 0 || m.length === 0 || e.length > CHUNK || m.length > CHUNK) {
    await applyRows(tx, EXPERIMENTS, e);
    await applyRows(tx, MOMENTS, m);
    return;
  }
  const ue = upsertOf(EXPERIMENTS, e);
  const um = upsertOf(MOMENTS, m);
  const from = (i: number) => `p, jsonb_array_elements(p.d -> ${i}) AS j`;
  await execute(
    tx,
    sql`WITH p AS (SELECT ${JSON.stringify([ue.values, um.values])}::jsonb AS d), m AS (${raw(um.into)} ${raw(postgresJsonSelect(um.jsonColumns, from(1)))} ${raw(um.onConflict)}) ${raw(ue.into)} ${raw(postgresJsonSelect(ue.jsonColumns, from(0)))} ${raw(ue.onConflict)}`,
  );
}

/** A visitor's state in an experiment: its counted orders and their net revenue. */
export interface VisitorState {
  orders: number;
  revenue: number;
}

/**
 * One order of a visitor changes: `before` / `after` are the order's counted (net) value, null when
 * the order does not count (not yet linked, cancelled). The roll-up keeps sums per visitor, so every
 * sum moves by the exact difference: revenueSq by r'^2 - r^2, crossSum by x (r' - r), orderValueSq
 * by v'^2 - v^2, converters when the visitor gains its first or loses its last order.
 */
export function revisionDelta(
  visitor: VisitorState,
  x: number | null,
  before: number | null,
  after: number | null,
): ExperimentDelta {
  const orders = visitor.orders + (after !== null ? 1 : 0) - (before !== null ? 1 : 0);
  const revenue = visitor.revenue - (before ?? 0) + (after ?? 0);
  return {
    converters: (orders > 0 ? 1 : 0) - (visitor.orders > 0 ? 1 : 0),
    orders: orders - visitor.orders,
    revenueMinor: revenue - visitor.revenue,
    revenueSq: revenue * revenue - visitor.revenue * visitor.revenue,
    orderValueSq: (after ?? 0) * (after ?? 0) - (before ?? 0) * (before ?? 0),
    crossSum: x === null ? 0 : x * (revenue - visitor.revenue),
  };
}

/**
 * Adds one order of `value` to an exposure that already had `orders` orders worth `revenue`:
 * the roll-up keeps sums of squares per visitor, so the visitor's square moves from r^2 to (r+v)^2,
 * and its cross product with the covariate `x` (when the visitor has one) from x r to x (r+v).
 */
export function orderDelta(orders: number, revenue: number, value: number, x: number | null = null): ExperimentDelta {
  return revisionDelta({ orders, revenue }, x, null, value);
}

/** A new visitor of an arm: one visitor, its covariate x (when the surface had a cart) in the CUPED sums. */
export function visitorDelta(x: number | null): ExperimentDelta {
  return x === null ? { visitors: 1 } : { visitors: 1, covariateN: 1, covariateSum: x, covariateSq: x * x };
}
