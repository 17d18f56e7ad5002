import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTracker } from "../src/events";

function fakeWindow(beaconAccepts = true) {
  const sent: Array<{ url: string; body: string; via: "beacon" | "fetch" }> = [];
  const doc = Object.assign(new EventTarget(), { visibilityState: "visible" as DocumentVisibilityState });
  const win = Object.assign(new EventTarget(), {
    document: doc,
    navigator: {
      sendBeacon: (url: string, blob: Blob) => {
        if (!beaconAccepts) return false;
        void blob.text().then((body) => sent.push({ url, body, via: "beacon" }));
        return true;
      },
    },
    fetch: (url: string, init: RequestInit) => {
      sent.push({ url, body: String(init.body), via: "fetch" });
      return Promise.resolve(new Response("{}"));
    },
  });
  const hide = () => {
    doc.visibilityState = "hidden";
    doc.dispatchEvent(new Event("visibilitychange"));
  };
  return { win: win as unknown as Window, sent, hide };
}

const base = { journeyKey: "j1", device: "desktop" as const, currency: "EUR" };
const flushed = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] }));
afterEach(() => vi.useRealTimers());

describe("event batching", () => {
  it("GIVEN three events in quick succession WHEN the batch delay passes THEN one beacon carries all three, each a storefront event with its own id", async () => {
    const w = fakeWindow();
    const t = createTracker(w.win, "/apps/moments/events", base, 1500);
    t.track({ type: "exit_intent", moment: "exit_intent" });
    t.track({ type: "impression", moment: "exit_intent", offerId: "o1" });
    t.track({ type: "decline", moment: "exit_intent", offerId: "o1" });
    expect(w.sent).toEqual([]);
    vi.advanceTimersByTime(1500);
    vi.useRealTimers();
    await flushed();
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0]!.url).toBe("/apps/moments/events");
    const { events } = JSON.parse(w.sent[0]!.body) as { events: Array<Record<string, unknown>> };
    expect(events.map((e) => e.type)).toEqual(["exit_intent", "impression", "decline"]);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    for (const e of events) expect(e).toMatchObject({ surface: "storefront", journeyKey: "j1", device: "desktop", currency: "EUR", arm: "none" });
  });

  it("GIVEN queued events WHEN the page is hidden THEN they are sent at once", async () => {
    const w = fakeWindow();
    const t = createTracker(w.win, "/e", base, 60_000);
    t.track({ type: "impression", moment: "cart", offerId: "o1" });
    w.hide();
    vi.useRealTimers();
    await flushed();
    expect(w.sent).toHaveLength(1);
  });

  it("GIVEN 120 events WHEN flushed THEN batches of at most 50 (the contract's MAX_BATCH)", async () => {
    const w = fakeWindow();
    const t = createTracker(w.win, "/e", base);
    for (let i = 0; i < 120; i++) t.track({ type: "impression", moment: "cart", offerId: `o${i}` });
    t.flush();
    vi.useRealTimers();
    await flushed();
    expect(w.sent.map((s) => (JSON.parse(s.body) as { events: unknown[] }).events.length)).toEqual([50, 50, 20]);
  });

  it("GIVEN the browser refuses the beacon WHEN flushed THEN a keepalive fetch carries the batch instead", () => {
    const w = fakeWindow(false);
    const t = createTracker(w.win, "/e", base);
    t.track({ type: "accept", moment: "cart", offerId: "o1", valueMinor: 1520 });
    t.flush();
    expect(w.sent.map((s) => s.via)).toEqual(["fetch"]);
  });
});
