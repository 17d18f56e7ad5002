import type { Prisma } from "@prisma/client";
import { withNumbers } from "~/lib/bigint";
import { linkedOrders, netValue, type LinkedOrder } from "./journeys.server";
import { applyExperimentDeltas, DeltaMap, revisionDelta, type ExperimentDelta, type ExperimentKey } from "./rollup.server";

// What an order does to the experiment visitors its journeys are: the exposure row that counts it,
// its revisions (linked, refunded, cancelled) as exact roll-up deltas, and one buyer under two keys
// of an order folded into one visitor.

type Tx = Prisma.TransactionClient;

type ExposureRecord = Awaited<ReturnType<Tx["experimentExposure"]["findMany"]>>[number];
const EXPOSURE_BIGINTS = ["orders", "revenueMinor", "cartMinor"] as const;
/** An exposure row with its 64-bit columns as numbers (app/lib/bigint.ts). */
type ExposureRow = ReturnType<typeof exposureOf>;
const exposureOf = (x: ExposureRecord) => withNumbers(x, EXPOSURE_BIGINTS);
/** Exposure rows as the database returns them (bigint) or already converted. */
const exposuresOf = (rows: Array<ExposureRecord | ExposureRow>): ExposureRow[] =>
  rows.map((x) => (typeof x.orders === "bigint" ? exposureOf(x as ExposureRecord) : (x as ExposureRow)));

export const experimentKeyOf = (x: Pick<ExposureRow, "experimentId" | "version" | "offerId" | "arm" | "day" | "device" | "country" | "segment">): ExperimentKey => ({
  experimentId: x.experimentId,
  version: x.version,
  offerId: x.offerId,
  arm: x.arm,
  day: x.day,
  device: x.device,
  country: x.country,
  segment: x.segment,
});

/**
 * Which exposure row of one experiment version counts an order: the row of the order's first key
 * (priority order) that has one. A buyer reported under both keys is one order for the experiment,
 * never two; the rule depends only on which rows exist, so refunds and cancellations find the same
 * row whatever the arrival order.
 */
export function holderOf<T extends { journeyKey: string }>(keys: string[], rows: T[]): T | undefined {
  for (const key of keys) {
    const row = rows.find((r) => r.journeyKey === key);
    if (row) return row;
  }
  return undefined;
}

/** The exposures under `journeyKeys`, grouped per experiment version. */
async function exposuresByVersion(tx: Tx, shopId: string, journeyKeys: string[]): Promise<ExposureRow[][]> {
  const byVersion = new Map<string, ExposureRow[]>();
  for (const x of exposuresOf(await tx.experimentExposure.findMany({ where: { shopId, journeyKey: { in: journeyKeys } } }))) {
    const k = JSON.stringify([x.experimentId, x.version]);
    byVersion.set(k, [...(byVersion.get(k) ?? []), x]);
  }
  return [...byVersion.values()];
}

/**
 * An order's counted value changes from `before` to `after` (null: not counted): every experiment
 * version the order's journeys were exposed to moves its holding row and ExperimentDaily by the
 * exact difference (revisionDelta).
 */
export async function reviseOrder(tx: Tx, shopId: string, order: LinkedOrder, before: number | null, after: number | null): Promise<void> {
  if (before === after) return;
  const deltas = new DeltaMap<ExperimentKey, ExperimentDelta>();
  for (const rows of await exposuresByVersion(tx, shopId, order.keys)) {
    const x = holderOf(order.keys, rows)!;
    const delta = revisionDelta({ orders: x.orders, revenue: x.revenueMinor }, x.cartMinor, before, after);
    deltas.add(experimentKeyOf(x), delta);
    await tx.experimentExposure.update({
      where: { id: x.id },
      data: { orders: { increment: delta.orders ?? 0 }, revenueMinor: { increment: delta.revenueMinor ?? 0 } },
    });
  }
  await applyExperimentDeltas(tx, shopId, deltas);
}

/**
 * One buyer reported under two keys of an order (its `_moments_journey` attribute and its checkout
 * token) in one experiment version is one visitor: the exposure of the order's first key stays and
 * `drop` (a later key's) goes, with exact negative deltas for its visitor, its covariate and every
 * order it counted. Each such order moves to the row that holds it without `drop` (holderOf); when
 * that is `incoming` (an exposure being created, not yet a row) the caller counts it.
 */
export async function dropVisitor(
  tx: Tx,
  shopId: string,
  dropRow: ExposureRecord | ExposureRow,
  deltas: DeltaMap<ExperimentKey, ExperimentDelta>,
  incoming?: { journeyKey: string },
): Promise<void> {
  const [drop] = exposuresOf([dropRow]) as [ExposureRow];
  const key = experimentKeyOf(drop);
  let state = { orders: drop.orders, revenue: drop.revenueMinor };
  for (const order of await linkedOrders(tx, shopId, { journeyKeys: [drop.journeyKey] })) {
    const value = netValue(order);
    if (value === null) continue;
    const rows = exposuresOf(
      await tx.experimentExposure.findMany({
        where: { shopId, experimentId: drop.experimentId, version: drop.version, journeyKey: { in: order.keys } },
      }),
    );
    if (holderOf(order.keys, rows)?.id !== drop.id) continue;
    deltas.add(key, revisionDelta(state, drop.cartMinor, value, null));
    state = { orders: state.orders - 1, revenue: state.revenue - value };
    const rest: Array<ExposureRow | { journeyKey: string }> = rows.filter((r) => r.id !== drop.id);
    const next = holderOf(order.keys, incoming ? [...rest, incoming] : rest);
    if (!next || next === incoming || !("id" in next)) continue;
    const delta = revisionDelta({ orders: next.orders, revenue: next.revenueMinor }, next.cartMinor, null, value);
    deltas.add(experimentKeyOf(next), delta);
    await tx.experimentExposure.update({
      where: { id: next.id },
      data: { orders: { increment: delta.orders ?? 0 }, revenueMinor: { increment: delta.revenueMinor ?? 0 } },
    });
  }
  const x = drop.cartMinor;
  deltas.add(key, x === null ? { visitors: -1 } : { visitors: -1, covariateN: -1, covariateSum: -x, covariateSq: -x * x });
  await tx.experimentExposure.delete({ where: { id: drop.id } });
}

/**
 * An order about to link `keys`: where one experiment version has exposures under two of them, the
 * buyer is one visitor, that of the first key (dropVisitor). Runs before the order is linked, so
 * the order itself is counted afterwards, once, by the row that stays.
 */
export async function foldKeys(tx: Tx, shopId: string, keys: string[]): Promise<void> {
  if (keys.length < 2) return;
  const deltas = new DeltaMap<ExperimentKey, ExperimentDelta>();
  for (const group of await exposuresByVersion(tx, shopId, keys)) {
    if (group.length < 2) continue;
    const keep = holderOf(keys, group)!;
    for (const x of group) if (x !== keep) await dropVisitor(tx, shopId, x, deltas);
  }
  await applyExperimentDeltas(tx, shopId, deltas);
}
