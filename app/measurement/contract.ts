import { z } from "zod";
import { MOMENT_IDS } from "@moments/engine";

/**
 * The one event format every surface sends (checkout, thank-you, order status, post-purchase,
 * storefront, email, the demo journey). POST /api/events (session token) and the app proxy's
 * /proxy/events (signature) take `{ events: EventInput[] }`, at most MAX_BATCH a request, and
 * answer `{ results: [{ id, status: "accepted" | "duplicate" | "rejected", reason? }] }` in order.
 * Shop and surface authentication come from the request, never from the event.
 */
/**
 * `exposure`: the buyer's arm in an experiment, logged where the engine decided it (engine
 * `MomentDecision.exposures`), the same way for the hold-out and every variant. Only exposures make
 * a journey a visitor of an arm; impressions count what buyers saw.
 */
export const EVENT_TYPES = ["impression", "click", "accept", "decline", "exit_intent", "purchase", "unsubscribe", "exposure"] as const;
export const SURFACES = ["checkout", "thank_you", "order_status", "post_purchase", "storefront", "email", "demo"] as const;
export const ARMS = ["variant", "holdout", "none"] as const;
export const MAX_BATCH = 50;

/**
 * False for a string with a NUL (PostgreSQL text cannot hold U+0000: one such string failed the
 * whole batch's insert) or a lone surrogate (not encodable as UTF-8: the database would store a
 * replacement character, so the id or key read back would differ from the one sent).
 */
export function cleanText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/** A string field of the contract: length-bounded and clean (see cleanText); the reason names the rule. */
export const boundedText = (min: number, max: number) =>
  z.string().min(min).max(max).refine(cleanText, "must not contain NUL characters or lone surrogates");

export const EventInput = z.object({
  /** Client-generated id (e.g. a UUID): the idempotency key, retries never double-count. */
  id: boundedText(8, 64),
  type: z.enum(EVENT_TYPES),
  moment: z.enum(MOMENT_IDS as unknown as [string, ...string[]]),
  surface: z.enum(SURFACES),
  /** Stable buyer / journey key: the same one the engine assigned the experiment arm with. */
  journeyKey: boundedText(1, 128),
  offerId: boundedText(1, 64).optional(),
  experimentId: boundedText(1, 64).optional(),
  /** Experiment arm variant id (engine ShownOffer.variantId). */
  variantId: boundedText(1, 32).optional(),
  arm: z.enum(ARMS).default("none"),
  /** Experiment version (engine Exposure.version); results are kept per version. */
  version: z.number().int().min(1).max(1_000_000).optional(),
  /** Exposure events: the cart subtotal at the decision (a pre-exposure covariate), minor units of `currency`. */
  cartMinor: z.number().int().min(0).max(1e11).optional(),
  device: z.enum(["mobile", "desktop"]).optional(),
  country: z.string().regex(/^[A-Z]{2}$/).optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  returning: z.boolean().optional(),
  /** Offer value for accept events: the final price shown, integer minor units of `currency`. */
  valueMinor: z.number().int().min(0).max(1e11).optional(),
  /** Epoch ms on the client; the server clamps it to [now - 7 days, now + 5 min]. */
  occurredAt: z.number().int().positive(),
});
export type EventInput = z.infer<typeof EventInput>;

export const EventBatch = z.object({ events: z.array(z.unknown()).min(1).max(MAX_BATCH) });

export type EventResult =
  | { id: string; status: "accepted" | "duplicate" }
  | { id: string | null; status: "rejected"; reason: string };
