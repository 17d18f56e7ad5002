import { ATTR, type Exposure, type JourneyState, type MomentId } from "@moments/engine";
import { opt, valueOf, type Host } from "./host";
import { ARMS_ATTR } from "@moments/contracts";
import { pinsFrom, storefrontArms, type ArmPins } from "./pins";

/**
 * The journey: one buyer from first sight to the order. Its key is the `_moments_journey` checkout
 * attribute when the storefront already wrote it (its key from the first page: the cart carried it
 * here), else the checkout token (the same on thank-you and order status, so an experiment arm
 * follows the buyer), else a random id kept in the extension's storage. Shown, accepted and
 * declined offers are remembered in storage under that key, so a declined offer stays hidden at
 * later moments. So is the arm first decided per experiment version (`arms`, decision 030), so a
 * weight change published during the journey never moves the buyer to another variant. The arms
 * the storefront decided for the same journey key come in the `_moments_arms` cart attribute
 * (`storefront`, decision 035) and are kept like the checkout's own (the storefront's came first).
 */
export interface Journey {
  key: string;
  state: Required<JourneyState> & { shown: Array<{ offerId: string; moment: MomentId }>; arms?: ArmPins };
  /** The storefront's arms for this journey key (validated attribute), null without any. */
  storefront?: ArmPins | null;
}

const KEY_SLOT = "moments:journey-key";
const stateSlot = (key: string) => `moments:journey:${key}`;

export function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  let s = "";
  for (let i = 0; i < 4; i++)
    s += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, "0");
  return s;
}

type Stored = { shown?: Journey["state"]["shown"]; accepted?: string[]; declined?: string[]; arms?: ArmPins };

// Promise chains rather than async functions here and in the component: the extension bundle
// targets ES2015, where every async function pulls in a generator-based helper.

/** Storage that never rejects: a failed read is an empty slot; a failed write only loses persistence. */
const read = <T>(shopify: Host, slot: string) => shopify.storage.read<T>(slot).catch(() => null);
const write = (shopify: Host, slot: string, data: unknown) => shopify.storage.write(slot, data).catch(() => undefined);

/** An attribute of the checkout (or order): `_moments_journey` when a surface wrote one. */
const attribute = (shopify: Host, key: string): string | undefined => {
  // A loop, not ?.: the bundle targets ES2015, where each optional chain expands.
  for (const a of valueOf(opt(shopify, "attributes")) || []) if (a.key === key) return a.value || undefined;
  return undefined;
};
const journeyAttribute = (shopify: Host) => attribute(shopify, ATTR.journey);

export function loadJourney(shopify: Host): Promise<Journey> {
  return Promise.resolve()
    .then(() => journeyAttribute(shopify) || valueOf(opt(shopify, "checkoutToken")))
    .then(
      (token) =>
        token ||
        read<string>(shopify, KEY_SLOT).then((kept) => {
          if (kept) return kept;
          const fresh = randomId();
          return write(shopify, KEY_SLOT, fresh).then(() => fresh);
        }),
    )
    .then((key) =>
      read<Stored>(shopify, stateSlot(key)).then((stored) => {
        // Only under the storefront's own journey key (the attribute it wrote): arms decided under
        // another key would not be that key's assignment.
        const storefront =
          key === journeyAttribute(shopify) ? storefrontArms(attribute(shopify, ARMS_ATTR), key) : null;
        // `||`, not `?.`/`??`: the bundle targets ES2015, where each optional chain expands.
        const kept: Partial<Stored> = stored || {};
        return {
          key,
          state: {
            shown: kept.shown || [],
            accepted: kept.accepted || [],
            declined: kept.declined || [],
            arms: Object.assign({}, storefront, kept.arms),
          },
          storefront,
        };
      }),
    );
}

/**
 * Writes the journey key on the checkout as the `_moments_journey` attribute when it has none
 * (never over the storefront's key, which this journey already uses), so the order
 * webhook can join the order to this journey's experiment arms: hold-out buyers see nothing, yet
 * their orders must count. Only checkout targets can write attributes; any refusal (accelerated
 * checkouts, instructions) is ignored: measurement loses one order, the buyer loses nothing.
 */
export function tagCheckoutWithJourney(shopify: Host, key: string): Promise<boolean> {
  return Promise.resolve()
    .then(() => {
      const apply = opt(shopify, "applyAttributeChange");
      if (!apply || valueOf(opt(shopify, "instructions"))?.attributes?.canUpdateAttributes === false) return false;
      if (journeyAttribute(shopify)) return false;
      return apply({ type: "updateAttribute", key: ATTR.journey, value: key }).then((r) => r.type === "success");
    })
    .catch(() => false); // A target without these APIs, or a refused change: never an error the buyer could see.
}

export type JourneyChange =
  | { shown: { offerId: string; moment: MomentId } }
  | { accepted: string }
  | { declined: string }
  | { exposures: readonly Exposure[] };

/** Applies a change and persists it; the in-memory journey is updated even if storage fails. */
export function recordJourney(shopify: Host, journey: Journey, change: JourneyChange): Promise<Journey> {
  const s = journey.state;
  const next: Journey = {
    key: journey.key,
    state: { shown: s.shown, accepted: s.accepted, declined: s.declined, arms: s.arms },
    storefront: journey.storefront,
  };
  if ("exposures" in change) {
    // The first arm decided per experiment version is kept for the rest of the journey.
    const arms = pinsFrom(change.exposures, s.arms);
    if (!arms) return Promise.resolve(journey);
    next.state.arms = arms;
  } else if ("shown" in change) {
    if (s.shown.some((x) => x.offerId === change.shown.offerId && x.moment === change.shown.moment))
      return Promise.resolve(journey);
    next.state.shown = [...s.shown, change.shown];
  } else if ("accepted" in change) {
    if (s.accepted.includes(change.accepted)) return Promise.resolve(journey);
    next.state.accepted = [...s.accepted, change.accepted];
  } else {
    if (s.declined.includes(change.declined)) return Promise.resolve(journey);
    next.state.declined = [...s.declined, change.declined];
  }
  return write(shopify, stateSlot(journey.key), next.state).then(() => next);
}
