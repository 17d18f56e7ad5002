import { z } from "zod";
import { ARMS, EVENT_TYPES, MAX_BATCH, SURFACES, type WireEvent } from "@moments/contracts";
import { MOMENT_IDS } from "@moments/engine";
import type { Holds, SameKeys } from "~/lib/contract-check";

export { MAX_BATCH, type EventResult } from "@moments/contracts";

/**
 * The server's side of the event contract (@moments/contracts WireEvent, which every surface's
 * events are typed with): POST /api/events (session token) and the app proxy's /proxy/events
 * (signature) take `{ events }`, at most MAX_BATCH a request, validate each event here, and answer
 * `{ results: EventResult[] }` in order. Shop and surface authentication come from the request,
 * never from the event.
 */

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
  /** Experiment arm id (engine ShownOffer.armId); the legacy wire name `variantId` is read too (legacyArmId). */
  armId: boundedText(1, 32).optional(),
  arm: z.enum(ARMS).default("none"),
  /** Experiment version (engine Exposure.version); results are kept per version. */
  version: z.number().int().min(1).max(1_000_000).optional(),
  /** Exposure events: the cart subtotal at the decision (a pre-exposure covariate), minor units of `currency`. */
  cartMinor: z.number().int().min(0).max(1e11).optional(),
  device: z.enum(["mobile", "desktop"]).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  returning: z.boolean().optional(),
  /** Offer value for accept events: the final price shown, integer minor units of `currency`. */
  valueMinor: z.number().int().min(0).max(1e11).optional(),
  /** Epoch ms on the client; the server clamps it to [now - 7 days, now + 5 min]. */
  occurredAt: z.number().int().positive(),
});
export type EventInput = z.infer<typeof EventInput>;

/**
 * Extensions deployed before decision 020 send the arm as `variantId`; it is the arm, stored as
 * `armId`. Returns the event to validate: `raw` itself unless it carries the legacy field (then a
 * copy with `armId` and without `variantId`; an `armId` sent beside it wins), and whether it did, so
 * that a refusal can name the field the client sent. The schema itself stays the contract's shape.
 */
export function legacyArmId(raw: unknown): { event: unknown; legacy: boolean } {
  if (!raw || typeof raw !== "object" || !("variantId" in raw)) return { event: raw, legacy: false };
  const { variantId, ...rest } = raw as Record<string, unknown>;
  if (rest.armId !== undefined || variantId === undefined) return { event: rest, legacy: false };
  return { event: { ...rest, armId: variantId }, legacy: true };
}

export const EventBatch = z.object({ events: z.array(z.unknown()).min(1).max(MAX_BATCH) });

// The schema and the contract's type describe one shape: the same fields, and every event a
// surface can build fits the schema's types (its bounds are checked at run time). A drift on
// either side fails the typecheck.
export type EventContractChecks = [
  Holds<SameKeys<WireEvent, z.input<typeof EventInput>>>,
  Holds<WireEvent extends z.input<typeof EventInput> ? true : false>,
];
