import { h, openDialog } from "./dom";
import { createTracker, randomId } from "./events";
import { watchExitIntent } from "./exit-intent";
import { ARMS_ATTR } from "@moments/contracts";
import { JOURNEY_ATTR, keepArms, tagCart } from "./journey";
import type { CartTuple, WireOffer, WireResponse } from "./wire";

/** Rendered by snippets/moments-config.liquid (shop, buyer and page context the engine needs). */
interface Config {
  proxy: string;
  root: string;
  cur: string;
  loc: string;
  country?: string;
  ret?: boolean;
  ctags?: string[];
  /** Product id -> [tags, collection ids] for the products Liquid knows on this page. */
  pc?: Record<string, [string[], number[]]>;
  /** The cart as Liquid rendered it: the first decision needs no /cart.js round trip. */
  cart?: CartTuple[];
  /** The cart's `_moments_journey` attribute as Liquid rendered it ("" when it has none). */
  jk?: string;
  css?: string;
  t: Record<"close" | "noThanks" | "add" | "endsIn" | "error", string>;
}
/** Rendered by blocks/moments-embed.liquid: the embed's theme-editor settings. */
interface EmbedConfig {
  exit?: boolean;
  xsell?: "drawer" | "popup" | "off";
  grace?: number;
  dwell?: number;
  hidden?: number;
}
type Moment = "cart" | "exit_intent";

const w = window as Window & { __moments?: boolean };
const json = <T>(selector: string): T | undefined => {
  // Both blocks render the config; the first one wins.
  const el = document.querySelector(selector);
  try {
    return el ? (JSON.parse(el.textContent || "") as T) : undefined;
  } catch {
    return undefined;
  }
};
const cfg = json<Config>("script[data-moments-config]");

// Both blocks load this script; it runs once.
if (cfg && !w.__moments) {
  w.__moments = true;
  init(cfg, json<EmbedConfig>("script[data-moments-embed]"));
}

function init(cfg: Config, embed: EmbedConfig | undefined) {
  const ls = localStorage;
  const ss = sessionStorage;
  const list = (s: Storage, k: string) => (s.getItem(k) || "").split(",").filter(Boolean);
  const addTo = (s: Storage, k: string, v: string) => {
    const l = list(s, k);
    if (!l.includes(v)) s.setItem(k, l.concat(v).slice(-50).join(","));
  };
  let jk = ls.getItem("moments_jk");
  if (!jk) ls.setItem("moments_jk", (jk = randomId()));
  const mobile = matchMedia("(pointer: coarse)").matches;
  const device = mobile ? "mobile" : "desktop";
  const tracker = createTracker(window, cfg.proxy + "/events", { journeyKey: jk, device, currency: cfg.cur });
  const checkout = /\/checkouts?(\/|$)/.test(location.pathname);

  // The stylesheet is only needed once something shows: loaded here, it never blocks rendering.
  let css: Promise<unknown> = Promise.resolve();
  if (cfg.css) {
    const link = h("link", { rel: "stylesheet", href: cfg.css }) as HTMLLinkElement;
    css = new Promise((done) => ((link.onload = link.onerror = done), document.head.append(link)));
  }

  // keepalive: a write under way when the buyer leaves the page still lands (an exit-intent hold-out,
  // who sees nothing, leaves sooner than a buyer held by the dialog: both arms' writes must count).
  const post = (path: string, body: unknown) =>
    fetch(cfg.root + path, {
      method: "POST",
      keepalive: true,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
  // The journey key and the arms ride the cart into checkout and the order; off the render path,
  // one cart write at a time (each sends one attribute; none may overwrite the other's cart).
  let writes: Promise<unknown> = Promise.resolve();
  const serial = (f: () => Promise<unknown>) => void (writes = writes.then(f));
  const tag = (inCart: string | undefined) => serial(() => tagCart(post, ls, jk!, inCart));
  tag(cfg.jk);

  /** `atLoad`: the cart Liquid rendered is still current (it is not once anything changed it). */
  async function offers(moment: Moment, atLoad = false): Promise<WireOffer[]> {
    let c = atLoad ? cfg.cart : undefined;
    let cur = cfg.cur;
    let armsInCart: string | undefined;
    if (!c) {
      const cart = (await (await fetch(cfg.root + "cart.js", { headers: { Accept: "application/json" } })).json()) as {
        currency?: string;
        attributes?: Record<string, string> | null;
        items: Array<{
          product_id: number;
          variant_id: number;
          quantity: number;
          price: number;
          vendor?: string;
          properties?: Record<string, string> | null;
          selling_plan_allocation?: { selling_plan: { id: number } } | null;
        }>;
      };
      cur = cart.currency || cur;
      if (cart.attributes) {
        tag(cart.attributes[JOURNEY_ATTR] || "");
        armsInCart = cart.attributes[ARMS_ATTR] || "";
      }
      c = cart.items.map((i) => {
        const known = cfg.pc?.[i.product_id];
        const t: CartTuple = [
          i.product_id,
          i.variant_id,
          i.quantity,
          i.price,
          i.vendor || "",
          i.properties?._moments_offer || "",
          known?.[0] || [],
          known?.[1] || [],
        ];
        // A subscription line's selling plan: what a plan upgrade swaps, or keeps.
        if (i.selling_plan_allocation) t[8] = i.selling_plan_allocation.selling_plan.id;
        return t;
      });
    }
    const q = new URLSearchParams({
      moment,
      jk: jk!,
      cur,
      loc: cfg.loc,
      dev: device,
      country: cfg.country || "",
      ret: cfg.ret ? "1" : "",
      ctags: (cfg.ctags || []).join(","),
      c: JSON.stringify(c),
      seen: list(ss, "moments_seen").join(","),
      dec: list(ls, "moments_dec").join(","),
    });
    const res = await fetch(`${cfg.proxy}/offers?${q}`, { headers: { Accept: "application/json" } });
    if (!res.ok) return [];
    // Exposures (hold-out included) were logged by the proxy where it decided; a held-out place shows nothing.
    const r = (await res.json()) as WireResponse;
    // The arms ride the cart into the checkout, which keeps them (decision 035); off the render path.
    serial(() => keepArms(post, ls, jk!, r.arms, armsInCart));
    const declined = list(ls, "moments_dec");
    return r.offers.filter((o) => !declined.includes(o.id));
  }

  const ev = (o: WireOffer, moment: Moment) => ({
    moment,
    offerId: o.id,
    experimentId: o.exp,
    armId: o.arm,
    arm: o.arm ? ("variant" as const) : ("none" as const),
  });
  const shown = (o: WireOffer, moment: Moment) => {
    addTo(ss, "moments_seen", `${o.id}@${moment}`);
    tracker.track({ type: "impression", ...ev(o, moment) });
  };
  const decline = (o: WireOffer, moment: Moment) => {
    addTo(ls, "moments_dec", o.id);
    tracker.track({ type: "decline", ...ev(o, moment) });
  };
  /** After a "no" to `o`: the downsell it names, which the engine now puts in its place (decision 027). */
  const downsellOf = (o: WireOffer, moment: Moment) =>
    offers(moment).then(
      (f) => (f[0] && f[0].after === o.id ? f[0] : undefined),
      () => undefined,
    );

  let adding = false;
  async function accept(o: WireOffer, moment: Moment, btn: HTMLButtonElement, status: HTMLElement): Promise<boolean> {
    btn.disabled = true;
    adding = true;
    try {
      for (const l of o.lines) if (l.r) await post("cart/change.js", { id: String(l.r), quantity: 0 });
      const res = await post("cart/add.js", {
        items: o.lines.map((l) => ({ id: l.id, quantity: l.q, properties: l.p, selling_plan: l.s })),
      });
      if (!res.ok) throw new Error(String(res.status));
      tracker.track({ type: "accept", ...ev(o, moment), valueMinor: o.value, currency: o.cur });
      tracker.flush();
      document.dispatchEvent(new CustomEvent("moments:added", { detail: { offerId: o.id, moment } }));
      return true;
    } catch {
      status.textContent = cfg.t.error;
      btn.disabled = false;
      return false;
    } finally {
      adding = false;
    }
  }

  let n = 0;
  /**
   * An offer in its layout (decision 024: `card`, `compact` or `banner`, anything else read as
   * `card`): the product image, heading, copy (not in `compact`), price, countdown and two actions.
   */
  function view(o: WireOffer, moment: Moment, done: (accepted: boolean) => void) {
    const id = `moments-${++n}`;
    const design = o.design === "compact" || o.design === "banner" ? o.design : "card";
    const body = design !== "compact" && o.body;
    const status = h("p", { class: "moments-status", role: "status" });
    const btn = h(
      "button",
      {
        type: "button",
        class: "moments-accept",
        click: () => void accept(o, moment, btn, status).then((ok) => ok && done(true)),
      },
      `${o.cta || cfg.t.add} \u00b7 ${o.price}`,
    ) as HTMLButtonElement;
    let timer: HTMLElement | false = false;
    if (o.ends) {
      const el = (timer = h("p", { class: "moments-timer" }));
      let attached = false;
      const tick = () => {
        const s = Math.max(0, Math.floor((o.ends! - Date.now()) / 1000));
        if (el.isConnected) attached = true;
        else if (attached) return clearInterval(iv);
        const hh = Math.floor(s / 3600);
        const mm = String(Math.floor(s / 60) % 60).padStart(2, "0");
        el.textContent = `${cfg.t.endsIn} ${hh ? hh + ":" : ""}${mm}:${String(s % 60).padStart(2, "0")}`;
        if (!s) clearInterval(iv);
      };
      const iv = setInterval(tick, 1000);
      tick();
    }
    return {
      id,
      body,
      el: h(
        "div",
        { class: "moments-offer moments-" + design },
        // Decorative (the heading names the offer); an image that fails to load is removed.
        o.image &&
          h("img", { class: "moments-img", src: o.image, alt: "", error: (e) => (e.target as Element).remove() }),
        h(
          "div",
          { class: "moments-main" },
          h("h2", { id: id + "-t", class: "moments-title" }, o.title),
          body && h("p", { id: id + "-d", class: "moments-body" }, body),
          h("p", { class: "moments-price" }, o.was ? h("s", {}, o.was) : false, " ", h("strong", {}, o.price)),
          timer,
          h(
            "div",
            { class: "moments-actions" },
            btn,
            h(
              "button",
              { type: "button", class: "moments-decline", click: () => (decline(o, moment), done(false)) },
              o.decline || cfg.t.noThanks,
            ),
          ),
          status,
        ),
      ),
    };
  }

  function popup(o: WireOffer, moment: Moment, drawer: boolean) {
    const v = view(o, moment, (accepted) => {
      d.close(accepted ? "accept" : "decline");
      if (!accepted) void downsellOf(o, moment).then((n) => n && popup(n, moment, drawer));
    });
    const d = openDialog([v.el], {
      labelledBy: v.id + "-t",
      describedBy: v.body ? v.id + "-d" : undefined,
      drawer,
      closeLabel: cfg.t.close,
    });
    shown(o, moment);
  }

  // The cart page app block: "complete your order", inline, space reserved by the block's Liquid.
  // A decline shows the offer's linked downsell in the same place, when it names one.
  const inline = (slot: HTMLElement, o: WireOffer) => {
    const v = view(o, "cart", (accepted) => {
      if (accepted && slot.dataset.reload !== "false") location.reload();
      else if (accepted) slot.replaceChildren();
      else void downsellOf(o, "cart").then((n) => (n ? inline(slot, n) : slot.replaceChildren()));
    });
    slot.replaceChildren(h("section", { class: "moments-cart-offer", "aria-labelledby": v.id + "-t" }, v.el));
    shown(o, "cart");
  };
  document.querySelectorAll<HTMLElement>("[data-moments-cart]").forEach(async (slot) => {
    const [found] = await Promise.all([offers("cart", true).catch(() => []), css]);
    if (found[0]) inline(slot, found[0]);
  });

  if (!embed || checkout) return;

  // Add-to-cart cross-sell: the theme adds through the Cart AJAX API (fetch, or XHR in older
  // jQuery themes); a successful add that is not ours opens the drawer or popup with the engine's
  // cart-moment offer.
  if (embed.xsell && embed.xsell !== "off") {
    const isAdd = (url: string) => !adding && /\/cart\/add(\.js)?(\?|$)/.test(url);
    const crossSell = () =>
      void Promise.all([offers("cart"), css])
        .then(([f]) => f[0] && popup(f[0], "cart", embed.xsell === "drawer"))
        .catch(() => {});
    const origFetch = window.fetch;
    window.fetch = function (this: unknown, ...args: Parameters<typeof fetch>) {
      const p = origFetch.apply(this, args);
      const u = args[0];
      if (isAdd(typeof u === "string" ? u : u instanceof URL ? u.href : u.url))
        p.then(
          (r) => r.ok && crossSell(),
          () => {},
        );
      return p;
    } as typeof fetch;
    const origOpen = XMLHttpRequest.prototype.open as (this: XMLHttpRequest, ...a: unknown[]) => void;
    XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, ...a: unknown[]) {
      if (isAdd(String(a[1]))) this.addEventListener("load", () => this.status < 400 && crossSell());
      return origOpen.apply(this, a);
    } as typeof XMLHttpRequest.prototype.open;
  }

  // Once per browser session, across tabs: a session cookie (sessionStorage is per tab).
  if (embed.exit !== false && !/(^|; )moments_exit=/.test(document.cookie)) {
    watchExitIntent(
      window,
      { mobile, graceMs: embed.grace, dwellMs: embed.dwell, hiddenMs: embed.hidden },
      (signal) => {
        if (/(^|; )moments_exit=/.test(document.cookie)) return;
        document.cookie = `moments_exit=${signal}; path=/; SameSite=Lax`;
        tracker.track({ type: "exit_intent", moment: "exit_intent" });
        void Promise.all([offers("exit_intent"), css])
          .then(([f]) => f[0] && popup(f[0], "exit_intent", false))
          .catch(() => {});
      },
    );
  }
}
