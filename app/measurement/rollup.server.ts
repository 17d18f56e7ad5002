import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";

type Tx = Prisma.TransactionClient;

/** UTC calendar day of an instant: the roll-ups' and the dashboard's day. */
export const dayOf = (at: Date | number): string => new Date(at).toISOString().slice(0, 10);

export const segmentOf = (returning: boolean | null | undefined): string =>
  returning === true ? "returning" : returning === false ? "new" : "";

export interface MomentKey {
  day: string;
  moment: string;
  offerId: string;
  variantId: string;
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
};

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

const MOMENT_KEYS = ["day", "moment", "offerId", "variantId", "arm", "device", "country", "segment"] as const;
const MOMENT_COUNTERS = [
  "impressions", "views", "clicks", "accepts", "declines", "exitIntents", "purchases", "unsubscribes",
  "acceptedMinor", "attributedOrders", "attributedMinor", "refundedMinor",
] as const;
const EXPERIMENT_KEYS = ["experimentId", "arm", "day", "device", "country", "segment"] as const;
const EXPERIMENT_COUNTERS = ["visitors", "converters", "orders", "revenueMinor", "revenueSq", "orderValueSq"] as const;

/**
 * One INSERT ... ON CONFLICT DO UPDATE for all keys of a batch (SQLite and PostgreSQL both speak
 * it): a batch costs one statement, not one upsert per key.
 */
async function bulkIncrement(
  tx: Tx,
  table: "MomentDaily" | "ExperimentDaily",
  keys: readonly string[],
  extra: readonly string[],
  counters: readonly string[],
  rows: Array<Record<string, string | number | undefined>>,
): Promise<void> {
  if (rows.length === 0) return;
  const q = (c: string) => `"${c}"`;
  const columns = ["id", "shopId", ...keys, ...extra, ...counters];
  const values = rows.map((r) => Prisma.sql`(${Prisma.join(columns.map((c) => r[c] ?? (counters.includes(c) ? 0 : "")))})`);
  const conflict = ["shopId", ...keys].map(q).join(", ");
  const updates = counters.map((c) => `${q(c)} = ${q(table)}.${q(c)} + excluded.${q(c)}`).join(", ");
  await tx.$executeRaw(
    Prisma.sql`INSERT INTO ${Prisma.raw(q(table))} (${Prisma.raw(columns.map(q).join(", "))}) VALUES ${Prisma.join(values)} ON CONFLICT (${Prisma.raw(conflict)}) DO UPDATE SET ${Prisma.raw(updates)}`,
  );
}

// Statement size stays well under SQLite's 32,766 bound parameters.
const CHUNK = 500;

export async function applyMomentDeltas(tx: Tx, shopId: string, deltas: DeltaMap<MomentKey, MomentDelta>): Promise<void> {
  const rows = deltas.values().map(({ key, delta }) => ({ id: randomUUID(), shopId, ...key, ...delta }));
  for (let i = 0; i < rows.length; i += CHUNK) await bulkIncrement(tx, "MomentDaily", MOMENT_KEYS, [], MOMENT_COUNTERS, rows.slice(i, i + CHUNK));
}

export async function applyExperimentDeltas(
  tx: Tx,
  shopId: string,
  deltas: DeltaMap<ExperimentKey, ExperimentDelta>,
): Promise<void> {
  const rows = deltas.values().map(({ key, delta }) => ({ id: randomUUID(), shopId, ...key, ...delta }));
  for (let i = 0; i < rows.length; i += CHUNK) {
    await bulkIncrement(tx, "ExperimentDaily", EXPERIMENT_KEYS, ["offerId"], EXPERIMENT_COUNTERS, rows.slice(i, i + CHUNK));
  }
}

/**
 * Adds one order of `value` to an exposure that already had `orders` orders worth `revenue`:
 * the roll-up keeps sums of squares per visitor, so the visitor's square moves from r^2 to (r+v)^2.
 */
export function orderDelta(orders: number, revenue: number, value: number): ExperimentDelta {
  return {
    converters: orders === 0 ? 1 : 0,
    orders: 1,
    revenueMinor: value,
    revenueSq: 2 * revenue * value + value * value,
    orderValueSq: value * value,
  };
}
