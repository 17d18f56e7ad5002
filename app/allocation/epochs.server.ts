/**
 * Allocation epochs (decision 030): the variants' weights an automatic experiment version was
 * published with, per UTC day from which they applied. Read by the payload (the epoch in force is
 * what buyers are assigned by), the exposure check, the SRM check and the experiments page.
 */
import type { PrismaClient } from "@prisma/client";
import type { Offer } from "@moments/engine";

export const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

export interface EpochView {
  version: number;
  day: string;
  holdoutBps: number;
  /** Arm id -> basis points of all traffic. */
  weights: Record<string, number>;
  probabilities: Record<string, number>;
  basisDays: number;
  publishedAt: Date;
}

const parse = (json: string): Record<string, number> => {
  try {
    const v = JSON.parse(json) as unknown;
    if (!v || typeof v !== "object" || Array.isArray(v)) return {};
    const out: Record<string, number> = {};
    for (const [k, x] of Object.entries(v)) if (typeof x === "number" && Number.isFinite(x) && x >= 0) out[k] = x;
    return out;
  } catch {
    return {};
  }
};

export function epochOf(row: {
  version: number;
  day: string;
  holdoutBps: number;
  weights: string;
  probabilities: string;
  basisDays: number;
  publishedAt: Date;
}): EpochView {
  return {
    version: row.version,
    day: row.day,
    holdoutBps: row.holdoutBps,
    weights: parse(row.weights),
    probabilities: parse(row.probabilities),
    basisDays: row.basisDays,
    publishedAt: row.publishedAt,
  };
}

/** Every epoch of the shop's experiments (oldest first), by experiment id. */
export async function loadEpochs(
  prisma: Pick<PrismaClient, "allocationEpoch">,
  shopId: string,
  experimentIds?: string[],
): Promise<Map<string, EpochView[]>> {
  const rows = await prisma.allocationEpoch.findMany({
    where: { shopId, ...(experimentIds ? { experimentId: { in: experimentIds } } : {}) },
    orderBy: [{ experimentId: "asc" }, { version: "asc" }, { day: "asc" }],
  });
  const out = new Map<string, EpochView[]>();
  for (const r of rows) {
    const list = out.get(r.experimentId) ?? [];
    list.push(epochOf(r));
    out.set(r.experimentId, list);
  }
  return out;
}

/** The epoch in force on `day` for a version: the latest one from that day or before; null = the configured weights. */
export function epochInForce(epochs: readonly EpochView[], version: number, day: string): EpochView | null {
  let found: EpochView | null = null;
  for (const e of epochs) if (e.version === version && e.day <= day && (!found || e.day > found.day)) found = e;
  return found;
}

/**
 * The offers as buyers are assigned today: each running automatic experiment's variant weights
 * replaced by the epoch in force for its current version (arms the epoch does not name keep weight
 * 0, paused arms stay paused). One query; offers without such an experiment are returned as they are.
 */
export async function withAllocatedWeights(
  prisma: Pick<PrismaClient, "allocationEpoch" | "experiment">,
  shopId: string,
  offers: Offer[],
  now: Date,
): Promise<Offer[]> {
  const ids = offers.flatMap((o) => (o.experiment ? [o.experiment.id] : []));
  if (ids.length === 0) return offers;
  const automatic = await prisma.experiment.findMany({
    where: { shopId, id: { in: ids }, allocation: "automatic" },
    select: { id: true },
  });
  if (automatic.length === 0) return offers;
  const epochs = await loadEpochs(
    prisma,
    shopId,
    automatic.map((x) => x.id),
  );
  const today = utcDay(now);
  return offers.map((o) => {
    const x = o.experiment;
    const list = x && epochs.get(x.id);
    const epoch = x && list ? epochInForce(list, x.version ?? 1, today) : null;
    if (!x || !epoch || epoch.holdoutBps !== x.holdoutBps) return o;
    const variants = x.variants.map((v) => ({ ...v, weight: v.weight > 0 ? (epoch.weights[v.id] ?? 0) : 0 }));
    // An epoch that names none of the live arms (they were all replaced) is ignored.
    if (!variants.some((v) => v.weight > 0)) return o;
    return { ...o, experiment: { ...x, variants } };
  });
}
