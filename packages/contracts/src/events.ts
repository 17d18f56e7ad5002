import type { MomentId } from "@moments/engine";

/**
 * The one event format every surface sends (checkout, thank-you, order status, post-purchase,
 * storefront, email, the demo journey). POST /api/events (session token) and the app proxy's
 * /proxy/events (signature) take `{ events: WireEvent[] }`, at most MAX_BATCH a request, and answer
 * `{ results: EventResult[] }` in order. The server validates it (app/measurement/contract.ts, whose
 * schema is checked against these types at compile time); each surface sends a subset.
 */

/**
 * `exposure`: the buyer's arm in an experiment, logged where the engine decided it (engine
 * `MomentDecision.exposures`), the same way for the hold-out and every variant. Only exposures make
 * a journey a visitor of an arm; impressions count what buyers saw.
 * `checkout_reached`: the journey reached a checkout step (decision 035), sent by the checkout
 * surface once per journey (a deterministic id per journey key), whatever its arms: no offer, experiment or arm,
 * never an exposure. The completion guardrail of offers shown before the checkout counts it.
 */
export const EVENT_TYPES = [
  "impression",
  "click",
  "accept",
  "decline",
  "exit_intent",
  "purchase",
  "unsubscribe",
  "exposure",
  "checkout_reached",
] as const;
export const SURFACES = [
  "checkout",
  "thank_you",
  "order_status",
  "post_purchase",
  "storefront",
  "email",
  "demo",
] as const;
/** The storefront's moments (the theme extension through the app proxy): before the checkout. */
export const STOREFRONT_MOMENTS = ["cart", "exit_intent"] as const;
/** The checkout's steps before the order: an exposure there means the buyer reached the checkout. */
export const CHECKOUT_STEP_MOMENTS = ["checkout", "information", "shipping", "payment"] as const;
export const ARMS = ["variant", "holdout", "none"] as const;
/** Events per request at most, on every endpoint and in every client's queue. */
export const MAX_BATCH = 50;

export type EventType = (typeof EVENT_TYPES)[number];
export type EventSurface = (typeof SURFACES)[number];
export type EventArm = (typeof ARMS)[number];

export interface WireEvent {
  /** Client-generated id (e.g. a UUID): the idempotency key within the journey, retries never double-count. */
  id: string;
  type: EventType;
  moment: MomentId;
  surface: EventSurface;
  /** Stable buyer / journey key: the same one the engine assigned the experiment arm with. */
  journeyKey: string;
  offerId?: string;
  experimentId?: string;
  /**
   * Experiment arm id (engine `ShownOffer.armId`). Extensions deployed before decision 020 send it
   * as `variantId`; the server still reads that name (app/measurement/contract.ts, `legacyArmId`).
   */
  armId?: string;
  /** Absent reads as "none". */
  arm?: EventArm;
  /** Experiment version (engine Exposure.version); results are kept per version. */
  version?: number;
  /** Exposure events: the cart subtotal at the decision (a pre-exposure covariate), minor units of `currency`. */
  cartMinor?: number;
  device?: "mobile" | "desktop";
  country?: string;
  currency?: string;
  returning?: boolean;
  /** Offer value for accept events: the final price shown, integer minor units of `currency`. */
  valueMinor?: number;
  /** Epoch ms on the client; the server clamps it to [now - 7 days, now + 5 min]. */
  occurredAt: number;
}

/** A request's body. */
export interface EventBatchBody {
  events: WireEvent[];
}

/** The answer per event, in the batch's order. */
export type EventResult =
  { id: string; status: "accepted" | "duplicate" } | { id: string | null; status: "rejected"; reason: string };
