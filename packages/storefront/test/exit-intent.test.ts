import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { watchExitIntent, type ExitSignal } from "../src/exit-intent";

/** Just enough of a window for the detector: events, a clock, scrollY, visibility and history. */
function fakeWindow() {
  let clock = 0;
  const doc = Object.assign(new EventTarget(), { visibilityState: "visible" as DocumentVisibilityState });
  const win = Object.assign(new EventTarget(), {
    document: doc,
    performance: { now: () => clock },
    scrollY: 0,
    history: {
      state: null as unknown,
      pushState(state: unknown) {
        this.state = state;
      },
    },
  });
  const advance = (ms: number) => {
    clock += ms;
    vi.advanceTimersByTime(ms);
  };
  const mouseout = (clientY: number, relatedTarget: unknown = null) => doc.dispatchEvent(Object.assign(new Event("mouseout"), { clientY, relatedTarget }));
  const scrollTo = (y: number) => {
    win.scrollY = y;
    win.dispatchEvent(new Event("scroll"));
  };
  /** Scrolls from the current position to `y` in 16 ms frames at `pxPerMs`. */
  const scrollAt = (y: number, pxPerMs: number) => {
    const step = 16 * pxPerMs * Math.sign(y - win.scrollY);
    while (Math.abs(y - win.scrollY) > Math.abs(step)) {
      advance(16);
      scrollTo(win.scrollY + step);
    }
    advance(16);
    scrollTo(y);
  };
  const visibility = (state: DocumentVisibilityState) => {
    doc.visibilityState = state;
    doc.dispatchEvent(new Event("visibilitychange"));
  };
  return { win: win as unknown as Window, raw: win, advance, mouseout, scrollTo, scrollAt, visibility };
}

let fired: ExitSignal[];
beforeEach(() => {
  vi.useFakeTimers();
  fired = [];
});
afterEach(() => vi.useRealTimers());
const record = (s: ExitSignal) => fired.push(s);

describe("desktop", () => {
  it("GIVEN the pointer leaves through the top WHEN it stays out for the grace period THEN pointer_top fires once", () => {
    const w = fakeWindow();
    watchExitIntent(w.win, { mobile: false, graceMs: 300, dwellMs: 0 }, record);
    w.mouseout(-2);
    w.advance(299);
    expect(fired).toEqual([]);
    w.advance(1);
    expect(fired).toEqual(["pointer_top"]);
    w.mouseout(-2);
    w.advance(1000);
    expect(fired).toEqual(["pointer_top"]);
  });

  it("GIVEN the pointer leaves through the top WHEN it comes back within the grace period THEN nothing fires", () => {
    const w = fakeWindow();
    watchExitIntent(w.win, { mobile: false, graceMs: 300, dwellMs: 0 }, record);
    w.mouseout(0);
    w.advance(150);
    w.win.document.dispatchEvent(new Event("mouseover"));
    w.advance(1000);
    expect(fired).toEqual([]);
  });

  it("GIVEN the pointer moves between elements or leaves by a side WHEN watched THEN nothing fires", () => {
    const w = fakeWindow();
    watchExitIntent(w.win, { mobile: false, dwellMs: 0 }, record);
    w.mouseout(5, {}); // to another element
    w.mouseout(400); // out through the left or right edge
    w.advance(1000);
    expect(fired).toEqual([]);
  });

  it("GIVEN a shopper who just arrived WHEN the pointer leaves at once THEN nothing fires before the dwell time", () => {
    const w = fakeWindow();
    watchExitIntent(w.win, { mobile: false, graceMs: 300, dwellMs: 2000 }, record);
    w.mouseout(-1);
    w.advance(400);
    expect(fired).toEqual([]);
  });

  it("GIVEN a desktop WHEN the page is scrolled fast or the tab comes back THEN nothing fires (mobile signals only)", () => {
    const w = fakeWindow();
    watchExitIntent(w.win, { mobile: false, dwellMs: 0 }, record);
    w.scrollAt(2000, 3);
    w.scrollAt(0, 5);
    w.visibility("hidden");
    w.advance(10_000);
    w.visibility("visible");
    expect(fired).toEqual([]);
  });
});

describe("mobile", () => {
  it("GIVEN a shopper 2000 px down WHEN they flick up 300 px at 3 px/ms THEN scroll_up fires", () => {
    const w = fakeWindow();
    watchExitIntent(w.win, { mobile: true, dwellMs: 0 }, record);
    w.scrollAt(2000, 1);
    w.scrollAt(1700, 3);
    expect(fired).toEqual(["scroll_up"]);
  });

  it("GIVEN a shopper 2000 px down WHEN they scroll up 1500 px slowly (0.4 px/ms) THEN nothing fires", () => {
    const w = fakeWindow();
    watchExitIntent(w.win, { mobile: true, dwellMs: 0 }, record);
    w.scrollAt(2000, 1);
    w.scrollAt(500, 0.4);
    expect(fired).toEqual([]);
  });

  it("GIVEN a fast but short flick (80 px) WHEN scrolled THEN nothing fires", () => {
    const w = fakeWindow();
    watchExitIntent(w.win, { mobile: true, dwellMs: 0 }, record);
    w.scrollAt(2000, 1);
    w.scrollAt(1920, 4);
    w.advance(500);
    w.scrollAt(1840, 4); // a second short flick after a pause is a new run
    expect(fired).toEqual([]);
  });

  it("GIVEN fast scrolling DOWN WHEN watched THEN nothing fires", () => {
    const w = fakeWindow();
    watchExitIntent(w.win, { mobile: true, dwellMs: 0 }, record);
    w.scrollAt(3000, 5);
    expect(fired).toEqual([]);
  });

  it("GIVEN a slow start WHEN the run ends in a fast flick THEN scroll_up fires (measured over the last 400 ms)", () => {
    const w = fakeWindow();
    watchExitIntent(w.win, { mobile: true, dwellMs: 0 }, record);
    w.scrollAt(3000, 2);
    w.scrollAt(2500, 0.3);
    expect(fired).toEqual([]);
    w.scrollAt(2200, 3);
    expect(fired).toEqual(["scroll_up"]);
  });

  it("GIVEN the tab hidden 5 s WHEN it becomes visible again THEN tab_return fires; a 1 s switch does not", () => {
    const w = fakeWindow();
    watchExitIntent(w.win, { mobile: true, dwellMs: 0, hiddenMs: 3000 }, record);
    w.visibility("hidden");
    w.advance(1000);
    w.visibility("visible");
    expect(fired).toEqual([]);
    w.visibility("hidden");
    w.advance(5000);
    w.visibility("visible");
    expect(fired).toEqual(["tab_return"]);
  });

  it("GIVEN a first touch WHEN the shopper presses back THEN a history entry was added and back fires", () => {
    const w = fakeWindow();
    watchExitIntent(w.win, { mobile: true, dwellMs: 0 }, record);
    expect(w.raw.history.state).toBe(null);
    w.raw.dispatchEvent(new Event("touchstart"));
    expect(w.raw.history.state).toEqual({ moments: 1 });
    w.raw.dispatchEvent(new Event("popstate"));
    expect(fired).toEqual(["back"]);
  });

  it("GIVEN the watcher stopped WHEN any signal happens THEN nothing fires", () => {
    const w = fakeWindow();
    const stop = watchExitIntent(w.win, { mobile: true, dwellMs: 0 }, record);
    stop();
    w.scrollAt(2000, 1);
    w.scrollAt(1000, 5);
    w.raw.dispatchEvent(new Event("popstate"));
    expect(fired).toEqual([]);
  });
});
