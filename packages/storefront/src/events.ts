import { MAX_BATCH, type WireEvent } from "@moments/contracts";

/** The contract's event (@moments/contracts WireEvent) as the storefront sends it. */
export interface StorefrontEvent extends WireEvent {
  type: "impression" | "click" | "accept" | "decline" | "exit_intent";
  moment: "cart" | "exit_intent";
  surface: "storefront";
  arm: "variant" | "holdout" | "none";
}

export type EventFields = Pick<StorefrontEvent, "type" | "moment"> & Partial<Omit<StorefrontEvent, "type" | "moment">>;

export const randomId = (): string => {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => (x + 256).toString(16).slice(1)).join("");
};

/**
 * Queues events and sends them in batches with sendBeacon (survives the page being left, never
 * delays navigation): shortly after the first queued event, and whenever the page is hidden.
 */
export function createTracker(
  win: Window,
  url: string,
  base: Pick<StorefrontEvent, "journeyKey" | "device" | "currency">,
  delayMs = 1500,
): { track: (e: EventFields) => void; flush: () => void } {
  const queue: StorefrontEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    while (queue.length) {
      const body = JSON.stringify({ events: queue.splice(0, MAX_BATCH) });
      const blob = new Blob([body], { type: "application/json" });
      if (!win.navigator.sendBeacon?.(url, blob)) void win.fetch(url, { method: "POST", body, keepalive: true, headers: { "Content-Type": "application/json" } }).catch(() => {});
    }
  };
  win.addEventListener("pagehide", flush);
  win.document.addEventListener("visibilitychange", () => win.document.visibilityState === "hidden" && flush());
  return {
    track(e) {
      queue.push({ id: randomId(), surface: "storefront", arm: "none", occurredAt: Date.now(), ...base, ...e });
      timer ??= setTimeout(flush, delayMs);
    },
    flush,
  };
}
