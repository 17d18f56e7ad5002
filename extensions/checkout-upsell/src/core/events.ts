import type { MomentId } from "@moments/engine";
import type { Host } from "./host";
import { randomId } from "./journey";

/**
 * Client side of the shared event contract (app/measurement/contract.ts): the extension queues
 * events and posts them in batches to `${appUrl}/api/events` with the checkout session token.
 * Nothing on the render path waits for it; a failed batch is retried once, then dropped (the
 * event ids make a retry idempotent on the server).
 */
export type EventType = "impression" | "click" | "accept" | "decline";
export type Surface = "checkout" | "thank_you" | "order_status";

export interface OfferEvent {
  id: string;
  type: EventType;
  moment: MomentId;
  surface: Surface;
  journeyKey: string;
  offerId?: string;
  experimentId?: string;
  variantId?: string;
  arm: "variant" | "holdout" | "none";
  device?: "mobile" | "desktop";
  country?: string;
  currency?: string;
  returning?: boolean;
  valueMinor?: number;
  occurredAt: number;
}

export const MAX_BATCH = 50;
export const FLUSH_DELAY_MS = 2000;

export interface EventSender {
  (
    url: string,
    init: { method: string; headers: Record<string, string>; body: string },
  ): Promise<{ ok: boolean; status: number }>;
}

export class EventQueue {
  private queue: Array<{ event: OfferEvent; tries: number }> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seen = new Set<string>();

  constructor(
    private readonly shopify: () => Host,
    private readonly appUrl: () => string | undefined,
    private readonly send: EventSender = (url, init) => fetch(url, init),
    private readonly delayMs = FLUSH_DELAY_MS,
  ) {}

  /** Queues an event; `once` dedupes (e.g. one impression per offer per moment per page). */
  push(event: Omit<OfferEvent, "id" | "occurredAt"> & { occurredAt?: number }, once?: string): void {
    if (once) {
      if (this.seen.has(once)) return;
      this.seen.add(once);
    }
    this.queue.push({ event: { ...event, id: randomId(), occurredAt: event.occurredAt ?? Date.now() }, tries: 0 });
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
  async flush(): Promise<void> {
    const base = this.appUrl();
    if (!base || this.queue.length === 0) return;
    const batch = this.queue.splice(0, MAX_BATCH);
    let ok = false;
    try {
      const token = await this.shopify().sessionToken?.get();
      const res = await this.send(`${base.replace(/\/$/, "")}/api/events`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ events: batch.map((b) => b.event) }),
      });
      // 4xx: the server judged the batch; resending the same events cannot help.
      ok = res.ok || (res.status >= 400 && res.status < 500);
    } catch {
      ok = false;
    }
    if (!ok) {
      const retry = batch.filter((b) => b.tries++ < 1);
      if (retry.length) {
        this.queue.unshift(...retry);
        this.schedule(this.delayMs * 2);
      }
    }
    if (this.queue.length) this.schedule(this.delayMs);
  }
}
