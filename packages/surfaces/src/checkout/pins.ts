import { ARMS_ENTRY, ARMS_JOURNEY, ARMS_MAX, ARMS_MAX_LENGTH } from "@moments/contracts";
import type { Exposure, Payload } from "@moments/engine";

/**
 * Sticky arms under automatic allocation (decision 030). The engine assigns by hashing the journey
 * key against the published weights; when the daily job moves the weights, a journey in progress
 * could land in another variant at its next moment. A surface that remembers the arm it first
 * decided for an experiment version (`ArmPins`, key `<experimentId>:<version>`) decides again on a
 * payload where that experiment's other variants weigh 0: the engine's own assignment then gives the
 * pinned arm back, with no change to the engine. Hold-out membership needs no pin: it depends only
 * on the journey key and the hold-out share, which automatic allocation never moves.
 */
export type ArmPins = Readonly<Record<string, string>>;

export const pinKey = (experimentId: string, version: number | undefined): string => `${experimentId}:${version ?? 1}`;

/** The pins a decision's exposures add (the first arm per experiment version wins). */
export function pinsFrom(exposures: readonly Exposure[], pins: ArmPins = {}): Record<string, string> | null {
  let out: Record<string, string> | null = null;
  for (const x of exposures) {
    const k = pinKey(x.experimentId, x.version);
    if ((out ?? pins)[k] !== undefined) continue;
    out ??= Object.assign({}, pins);
    out[k] = x.arm;
  }
  return out;
}

/**
 * The storefront's arms from the `_moments_arms` cart attribute (decision 035), when they were
 * decided under `journeyKey`: at most ARMS_MAX well-formed entries, the first per experiment
 * version. Anything else (too long, another journey's, malformed: buyers can write cart
 * attributes) is ignored, never thrown: at worst the checkout decides as before.
 */
export function storefrontArms(value: unknown, journeyKey: string): ArmPins | null {
  if (typeof value !== "string" || value.length > ARMS_MAX_LENGTH) return null;
  const parts = value.split(" ");
  if (parts[0] !== journeyKey || !ARMS_JOURNEY.test(journeyKey)) return null;
  let out: Record<string, string> | null = null;
  let n = 0;
  for (let i = 1; i < parts.length && n < ARMS_MAX; i++) {
    const m = ARMS_ENTRY.exec(parts[i]!);
    if (!m) continue;
    n++;
    const k = pinKey(m[1]!, Number(m[2]));
    out ??= {};
    if (out[k] === undefined) out[k] = m[3]!;
  }
  return out;
}

let lastIn: Payload | undefined;
let lastPins = "";
let lastOut: Payload | undefined;

/**
 * The payload with every pinned variant arm kept: the pinned experiment's other variants weigh 0.
 * A pin to an arm the version no longer has (or has paused) is ignored: the engine assigns as
 * usual. Returns the same object when no pin applies (the engine caches by payload).
 */
export function pinPayload(payload: Payload, pins: ArmPins | undefined): Payload {
  if (!pins) return payload;
  const key = JSON.stringify(pins);
  if (payload === lastIn && key === lastPins && lastOut) return lastOut;
  let changed = false;
  const offers = payload.offers.map((o) => {
    const x = o.experiment;
    const arm = x ? pins[pinKey(x.id, x.version)] : undefined;
    if (!x || !arm || arm === "holdout") return o;
    if (!x.variants.some((v) => v.id === arm && v.weight > 0)) return o;
    if (x.variants.every((v) => v.id === arm || v.weight === 0)) return o;
    changed = true;
    return Object.assign({}, o, {
      experiment: Object.assign({}, x, {
        variants: x.variants.map((v) => (v.id === arm ? v : Object.assign({}, v, { weight: 0 }))),
      }),
    });
  });
  const out = changed ? Object.assign({}, payload, { offers }) : payload;
  lastIn = payload;
  lastPins = key;
  lastOut = out;
  return out;
}
