import type { PrismaClient } from "@prisma/client";
import type { Payload } from "@moments/engine";
import { pinKey, pinPayload } from "@moments/surfaces/checkout";

/**
 * Sticky arms for the server-decided storefront (decision 030): the arms a journey was first
 * counted in (its ExperimentExposure rows, one indexed read by the journey-first unique key), applied
 * to the payload as the checkout extension applies its stored pins. Only read when the payload has
 * an experiment; a journey without exposures decides on the payload as published.
 */
export async function withJourneyPins(
  prisma: Pick<PrismaClient, "experimentExposure">,
  shopId: string,
  journeyKey: string,
  payload: Payload,
): Promise<Payload> {
  if (!journeyKey || !payload.offers.some((o) => o.experiment && o.experiment.variants.length > 1)) return payload;
  const rows = await prisma.experimentExposure.findMany({
    where: { shopId, journeyKey },
    select: { experimentId: true, version: true, arm: true },
  });
  if (rows.length === 0) return payload;
  return pinPayload(payload, Object.fromEntries(rows.map((r) => [pinKey(r.experimentId, r.version), r.arm])));
}
