import { hash32 } from "./assign";
import type { Exposure } from "./decide";

/**
 * The client event id of an exposure: the same on every placement and every retry, so the server
 * keeps one per experiment version and journey however many surfaces report it. 64 bits (two
 * independent 32-bit hashes) keep collisions out of reach for any shop's event volume.
 */
export function exposureEventId(experimentId: string, version: number, journeyKey: string): string {
  const s = `${experimentId}:${version}:${journeyKey}`;
  return "x" + hash32("a:" + s).toString(36) + hash32("b:" + s).toString(36);
}

/** The exposure event fields every surface sends (the surface adds surface, device, country...). */
export function exposureEventFields(x: Exposure, journeyKey: string) {
  const fields: {
    id: string;
    type: "exposure";
    moment: Exposure["moment"];
    journeyKey: string;
    offerId: string;
    experimentId: string;
    version: number;
    arm: "holdout" | "variant";
    armId?: string;
    cartMinor: number;
    currency: string;
  } = {
    id: exposureEventId(x.experimentId, x.version, journeyKey),
    type: "exposure",
    moment: x.moment,
    journeyKey,
    offerId: x.offerId,
    experimentId: x.experimentId,
    version: x.version,
    arm: x.arm === "holdout" ? "holdout" : "variant",
    cartMinor: x.cartMinor,
    currency: x.currency,
  };
  if (x.arm !== "holdout") fields.armId = x.arm;
  return fields;
}
