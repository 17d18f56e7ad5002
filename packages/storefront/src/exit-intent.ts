export type ExitSignal = "pointer_top" | "scroll_up" | "back" | "tab_return";

export interface ExitOptions {
  mobile: boolean;
  /** Desktop: the pointer must stay out this long; coming back cancels (a slip is not an exit). */
  graceMs?: number;
  /** Nothing fires before the shopper has been on the page this long. */
  dwellMs?: number;
  /** Mobile: an upward scroll run of at least `distance` px at `velocity` px/ms or faster. */
  velocity?: number;
  distance?: number;
  /** Mobile: a tab hidden at least this long and then shown again. */
  hiddenMs?: number;
  /** Mobile: add a history entry so that "back" can be seen as an intent to leave. */
  history?: boolean;
}

/**
 * Watches for an intent to leave and calls `fire` at most once. Desktop: the pointer leaves the
 * viewport through the top (toward the tabs and the address bar) and stays out for the grace
 * period. Mobile (no pointer to follow): a fast flick back up the page, the back button, or
 * returning to the tab after leaving it. Ordinary reading scrolls are slower and shorter than the
 * flick threshold, so they never fire. Returns a function that stops watching.
 */
export function watchExitIntent(win: Window, o: ExitOptions, fire: (s: ExitSignal) => void): () => void {
  const doc = win.document;
  const now = () => win.performance.now();
  const start = now();
  const offs: Array<() => void> = [];
  const on = (t: EventTarget, type: string, fn: (e: Event) => void, opts?: AddEventListenerOptions) => {
    t.addEventListener(type, fn, opts);
    offs.push(() => t.removeEventListener(type, fn, opts));
  };
  let done = false;
  const stop = () => {
    done = true;
    offs.forEach((f) => f());
  };
  const trigger = (s: ExitSignal) => {
    if (done || now() - start < (o.dwellMs ?? 1000)) return;
    stop();
    fire(s);
  };

  if (!o.mobile) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cancel = () => {
      clearTimeout(timer);
      timer = undefined;
    };
    on(doc, "mouseout", (e) => {
      const m = e as MouseEvent;
      if (!m.relatedTarget && m.clientY <= 0 && !timer) timer = setTimeout(() => trigger("pointer_top"), o.graceMs ?? 300);
    });
    on(doc, "mouseover", cancel);
    offs.push(cancel);
    return stop;
  }

  const velocity = o.velocity ?? 1.5;
  const distance = o.distance ?? 120;
  // Samples (last second) of the current upward run only; any downward move starts a new run.
  let run: Array<[y: number, t: number]> = [];
  let deepest = win.scrollY;
  on(
    win,
    "scroll",
    () => {
      const y = win.scrollY;
      const t = now();
      const last = run[run.length - 1];
      if (!last || y >= last[0]) {
        run = [[y, t]];
        deepest = Math.max(deepest, y);
        return;
      }
      run.push([y, t]);
      while (t - run[0]![1] > 1000) run.shift();
      // Fires when some recent stretch of the run covers `distance` at `velocity` or faster, so a
      // slow start neither hides a flick nor lets a long slow scroll add up to one.
      if (deepest < distance) return;
      for (let i = run.length - 2; i >= 0; i--) {
        const [y0, t0] = run[i]!;
        if (y0 - y >= distance && (y0 - y) / Math.max(t - t0, 1) >= velocity) return trigger("scroll_up");
      }
    },
    { passive: true },
  );

  let hiddenAt = -1;
  on(doc, "visibilitychange", () => {
    if (doc.visibilityState === "hidden") hiddenAt = now();
    else if (hiddenAt >= 0 && now() - hiddenAt >= (o.hiddenMs ?? 3000)) trigger("tab_return");
  });

  if (o.history !== false) {
    // Browsers skip history entries added without a user gesture when going back, so the entry is
    // added on the first touch; "back" then lands on it and is seen here instead of leaving.
    const arm = () => {
      if (done || win.history.state?.moments) return;
      win.history.pushState({ ...win.history.state, moments: 1 }, "");
    };
    on(win, "touchstart", arm, { once: true, passive: true });
    on(win, "click", arm, { once: true });
    on(win, "popstate", () => trigger("back"));
  }
  return stop;
}
