import type { PrismaClient } from "@prisma/client";
import { assign, type ExperimentLike } from "@moments/engine";

/** Shared by tests/measurement*.test.ts: the experiment rows an exposure is checked against at ingest. */

export interface SeedExperiment {
  id: string;
  offerId?: string;
  /** OfferVariant ids (the arm ids of the published spec), weight 1 each unless `weights` says otherwise. */
  variants?: string[];
  weights?: number[];
  /** Experiment.version: the current version (versions up to it are accepted). */
  version?: number;
  holdoutBps?: number;
  /** Writes the ExperimentVersion rows 1..version with this configuration's shares, as the offer editor does. */
  versionRows?: boolean;
}

/**
 * The rows the offer editor writes for a running experiment (Offer, OfferVariant, Experiment, and
 * with `versionRows` its ExperimentVersion rows). Without version rows and without a published
 * payload, ingest checks the experiment, version and variant but cannot check the arm.
 */
export async function seedExperiment(prisma: PrismaClient, shopId: string, o: SeedExperiment): Promise<ExperimentLike> {
  const offerId = o.offerId ?? "offer-1";
  const variants = o.variants ?? ["v1"];
  const weights = o.weights ?? variants.map(() => 1);
  const holdoutBps = o.holdoutBps ?? 1000;
  const version = o.version ?? 1;
  const offer = await prisma.offer.findUnique({ where: { id: offerId } });
  if (!offer)
    await prisma.offer.create({
      data: { id: offerId, shopId, name: offerId, type: "product", status: "active", definition: "{}" },
    });
  for (const [i, id] of variants.entries()) {
    await prisma.offerVariant.upsert({
      where: { id },
      create: { id, offerId, name: id, weight: weights[i]!, isControl: i === 0 },
      update: {},
    });
  }
  await prisma.experiment.create({
    data: {
      id: o.id,
      shopId,
      offerId,
      status: "running",
      holdoutBps,
      version,
      startedAt: new Date("2026-11-01T00:00:00Z"),
    },
  });
  const config: ExperimentLike = {
    id: o.id,
    holdoutBps,
    variants: variants.map((id, i) => ({ id, weight: weights[i]! })),
  };
  if (o.versionRows) {
    const total = weights.reduce((a, w) => a + w, 0);
    const shares: Record<string, number> = { holdout: holdoutBps / 10000 };
    variants.forEach((id, i) => (shares[id] = ((1 - holdoutBps / 10000) * weights[i]!) / total));
    for (let v = 1; v <= version; v++) {
      await prisma.experimentVersion.create({
        data: {
          shopId,
          experimentId: o.id,
          version: v,
          startedAt: new Date("2026-11-01T00:00:00Z"),
          holdoutBps,
          shares: JSON.stringify(shares),
          fingerprint: `fp-${v}`,
        },
      });
    }
  }
  return config;
}

/** The arm the engine assigns a journey key: "holdout" or the variant id. */
export const armOf = (config: ExperimentLike, journeyKey: string): string => {
  const arm = assign(config, journeyKey);
  return arm.kind === "holdout" ? "holdout" : arm.armId;
};

/** The first key `${prefix}-0`, `${prefix}-1`, ... the engine assigns to `arm`. */
export function keyInArm(config: ExperimentLike, arm: string, prefix: string): string {
  for (let i = 0; i < 100_000; i++) if (armOf(config, `${prefix}-${i}`) === arm) return `${prefix}-${i}`;
  throw new Error(`no key with prefix ${prefix} falls in ${arm}`);
}

const SUMS = [
  "visitors",
  "converters",
  "orders",
  "revenueMinor",
  "revenueSq",
  "covariateN",
  "covariateSum",
  "covariateSq",
  "crossSum",
] as const;
type Sums = Record<(typeof SUMS)[number], number>;

/**
 * ExperimentDaily per (experiment, version, arm) and what its ExperimentExposure rows imply (one
 * visitor each, its orders, net revenue, covariate and their squares and products): equal when the
 * roll-up's increments were exact. Keys whose sums are all zero are left out of both (a folded
 * visitor leaves its roll-up row at zero).
 */
export async function rollupVsExposures(
  prisma: PrismaClient,
  shopId: string,
): Promise<{ rollup: Record<string, Sums>; exposures: Record<string, Sums> }> {
  const zero = (): Sums => Object.fromEntries(SUMS.map((k) => [k, 0])) as Sums;
  const exposures: Record<string, Sums> = {};
  for (const x of await prisma.experimentExposure.findMany({ where: { shopId } })) {
    const w = (exposures[`${x.experimentId}/v${x.version}/${x.arm}`] ??= zero());
    const c = x.cartMinor === null ? null : Number(x.cartMinor);
    const orders = Number(x.orders);
    const revenue = Number(x.revenueMinor);
    w.visitors += 1;
    w.converters += orders > 0 ? 1 : 0;
    w.orders += orders;
    w.revenueMinor += revenue;
    w.revenueSq += revenue ** 2;
    if (c !== null) {
      w.covariateN += 1;
      w.covariateSum += c;
      w.covariateSq += c * c;
      w.crossSum += c * revenue;
    }
  }
  const rollup: Record<string, Sums> = {};
  for (const r of await prisma.experimentDaily.findMany({ where: { shopId } })) {
    const g = (rollup[`${r.experimentId}/v${r.version}/${r.arm}`] ??= zero());
    for (const k of SUMS) g[k] += Number(r[k]);
  }
  const nonZero = (m: Record<string, Sums>) =>
    Object.fromEntries(Object.entries(m).filter(([, s]) => SUMS.some((k) => s[k] !== 0)));
  return { rollup: nonZero(rollup), exposures: nonZero(exposures) };
}
