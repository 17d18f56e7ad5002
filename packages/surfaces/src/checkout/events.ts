import { MAX_BATCH, type EventArm, type EventSurface, type WireEvent } from "@moments/contracts";
import { exposureEventFields, hash32, type Exposure, type MomentId, type Payload } from "@moments/engine";
import type { Host } from "./host";
import { randomId } from "./journey";

/**
 * Client side of the shared event contract (@moments/contracts WireEvent): the extension queues
 * events and posts them in batches to `${appUrl}/api/events` with the checkout session token.
 * Nothing on the render path waits for it; a failed batch is retried once, then dropped (the
 * event ids make a retry idempotent on the server).
 */
export type EventType = Extract<
  WireEvent["type"],
  "impression" | "click" | "accept" | "decline" | "exposure" | "checkout_reached"
>;
export type Surface = Extract<EventSurface, "checkout" | "thank_you" | "order_status">;

/** The contract's event as the checkout, thank-you and order-status blocks send it. */
export interface OfferEvent extends WireEvent {
  type: EventType;
  moment: MomentId;
  surface: Surface;
  arm: EventArm;
}

/**
 * The exposure events of a decision, as every placement sends them: the engine's fields and
 * deterministic id, with the surface and what is known of the buyer (unknowns left out by JSON).
 */
export function exposureEvents(
  exposures: readonly Exposure[],
  journeyKey: string,
  surface: Surface,
  buyer: { device?: "mobile" | "desktop"; country?: string; returning?: boolean },
) {
  return exposures.map((x) =>
    Object.assign(exposureEventFields(x, journeyKey), {
      surface,
      device: buyer.device,
      country: buyer.country,
      returning: buyer.returning,
    }),
  );
}

/**
 * "This journey reached the checkout" (decision 035): one `checkout_reached` event per journey key,
 * sent at every checkout step whatever the journey's arms (the hold-out's and the treated buyers'
 * alike) and whatever the cart carried in besides the journey key. Its id derives from the key
 * alone, so every placement, step and retry is one event. It names no offer, experiment or arm: the
 * server never makes it an exposure; the completion guardrail of offers shown before the checkout
 * finds the journey's arm in its own record (the storefront's exposure row).
 */
export function checkoutReachedEvent(journeyKey: string, moment: MomentId) {
  const s = "checkout_reached:" + journeyKey;
  return {
    id:
      "cr" +
      hash32("a:" + s)
        .toString(36)
        .padStart(7, "0") +
      hash32("b:" + s)
        .toString(36)
        .padStart(7, "0"),
    type: "checkout_reached" as const,
    moment,
    surface: "checkout" as const,
    journeyKey,
    arm: "none" as const,
  };
}

/**
 * Whether the payload has an experiment whose offer (or one of its variants) is placed before the
 * checkout (cart, exit intent): only then is "reached the checkout" worth an event. The same answer
 * for every buyer of the payload, so it never depends on an arm.
 */
export function guardsBeforeCheckout(payload: Payload): boolean {
  const before = (moments: readonly string[] | undefined) =>
    !!moments && (moments.indexOf("cart") >= 0 || moments.indexOf("exit_intent") >= 0);
  return payload.offers.some(
    (o) => !!o.experiment && (before(o.moments) || o.experiment.variants.some((v) => before(v.moments))),
  );
}

export { MAX_BATCH };
export const FLUSH_DELAY_MS = 2000;

export interface EventSender {
  (
    url: string,
    init: { method: string; headers: Record<string, string>; body: string },
  ): Promise<{ ok: boolean; status: number }>;
}

export class EventQueue {
  // Fields are `declare`d and assigned in the constructor: the extension bundle targets ES2015,
  // where initialised class fields and parameter properties each become a defineProperty helper call.
  declare private readonly shopify: () => Host;
  declare private readonly appUrl: () => string | undefined;
  declare private readonly send: EventSender;
  declare private readonly delayMs: number;
  declare private queue: Array<{ event: OfferEvent; tries: number }>;
  declare private timer: ReturnType<typeof setTimeout> | undefined;
  declare private seen: Set<string>;

  constructor(
    shopify: () => Host,
    appUrl: () => string | undefined,
    send: EventSender = (url, init) => fetch(url, init),
    delayMs = FLUSH_DELAY_MS,
  ) {
    this.shopify = shopify;
    this.appUrl = appUrl;
    this.send = send;
    this.delayMs = delayMs;
    this.queue = [];
    this.seen = new Set();
  }

  /**
   * Queues an event; `once` dedupes (e.g. one impression per offer per moment per page). An event
   * that brings its own id keeps it (exposures: the same id on every placement and retry).
   */
  push(event: Omit<OfferEvent, "id" | "occurredAt"> & { id?: string; occurredAt?: number }, once?: string): void {
    if (once) {
      if (this.seen.has(once)) return;
      this.seen.add(once);
    }
    const queued = Object.assign({}, event, { id: event.id || randomId(), occurredAt: event.occurredAt ?? Date.now() });
    this.queue.push({ event: queued, tries: 0 });
    this.schedule(this.queue.length >= MAX_BATCH ? 0 : this.delayMs);
  }

  get pending(): number {
    return this.queue.length;
  }

  private schedule(delay: number) {
    if (this.timer !== undefined) {
      if (delay > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
  }

  /** Sends what is queued now; resolves when the batches are answered (tests await it). */
  flush(): Promise<void> {
    const base = this.appUrl();
    if (!base || this.queue.length === 0) return Promise.resolve();
    const batch = this.queue.splice(0, MAX_BATCH);
    // A promise chain rather than an async method: see the note in journey.ts.
    return (
      Promise.resolve()
        .then(() => this.shopify().sessionToken?.get())
        .then((token) =>
          this.send(`${base.replace(/\/$/, "")}/api/events`, {
            method: "POST",
            // No object spread: in an ES2015 bundle it costs a helper (see the note on the fields above).
            headers: token
              ? { "Content-Type": "application/json", Authorization: `Bearer ${token}` }
              : { "Content-Type": "application/json" },
            body: JSON.stringify({ events: batch.map((b) => b.event) }),
          }),
        )
        // 4xx: the server judged the batch; resending the same events cannot help.
        .then((res) => res.ok || (res.status >= 400 && res.status < 500))
        .catch(() => false)
        .then((ok) => {
          if (!ok) {
            const retry = batch.filter((b) => b.tries++ < 1);
            if (retry.length) {
              this.queue.unshift(...retry);
              this.schedule(this.delayMs * 2);
            }
          }
          if (this.queue.length) this.schedule(this.delayMs);
        })
    );
  }
}
