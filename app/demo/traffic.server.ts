import { createHmac, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { ATTR, decodePayload, encodePayload, type CartLine, type MomentId, type Payload, type ShownOffer } from "@moments/engine";
import { mulberry32 } from "@moments/stats";
import {
  decideView,
  exposureEvents,
  type Snapshot,
  type View,
} from "@moments/surfaces/checkout";
import { createTracker } from "../../packages/storefront/src/events";
import type { CartTuple, WireResponse } from "../../packages/storefront/src/wire";
import { SHOPIFY_API_VERSION } from "~/lib/api-version";
import { DEMO_CATALOG, demoProductGid, demoVariantGid } from "./catalog";
import { DEMO_MOMENT_LIMITS, DEMO_OFFERS } from "./demo-offers";

/**
 * Demo traffic with a planted truth. Simulated buyers walk every surface through the surfaces' own
 * code and the real endpoints; the generator never decides an arm nor logs an exposure itself:
 *  - storefront (in-cart cross-sell, exit intent): signed app proxy requests to /proxy/offers, the
 *    storefront's own tracker (packages/storefront/src/events.ts) posting to /proxy/events;
 *  - checkout moments: the checkout extension's core `decideView`, once per placement (slot 1 and
 *    2), exposures as its `exposureEvents` builds them, events to /api/events with session tokens;
 *  - post-purchase: /api/post-purchase/offer and /sign with Shopify-signed input tokens, keyed by
 *    the purchase reference (= checkout token, which the order carries);
 *  - orders: /webhooks/orders/create signed like Shopify's, with the `_moments_journey` attribute
 *    and `checkout_token`; thank-you accepts become a second order (journey attribute + the
 *    offer's line attributes); the follow-up email is scheduled by the server on orders/create and
 *    its offer (read from the outbox, where the server put it) may become a second order too;
 *  - refunds (/webhooks/refunds/create, partial, per line) and cancellations
 *    (/webhooks/orders/cancelled); test orders; some webhooks delivered twice, some refunds before
 *    their order.
 *
 * The truth: every buyer has one main product (a group) and declines every offer but the
 * experiment offers, which each arm takes with a planted rate. Arms are hashed independently, so
 * the expected difference in net revenue per visitor between a variant and its hold-out is
 *   reach x take rate x offer price x (1 - cancel rate) x (1 - refund rate x refund share),
 * reach being the order rate for offers before the order and 1 after it.
 */
export type Group = "laptop" | "drill" | "parka" | "headset" | "print" | "saas";

export interface TrafficTruth {
  /** Share of carts that become an order. */
  conversion: number;
  /** Share of visitors whose main product is of each group. */
  groups: Record<Group, number>;
  /** Share of storefront visitors that show exit intent. */
  exitIntent: number;
  /** Base experiment id -> base arm id -> take rate (arms absent take nothing). */
  takeRates: Record<string, Record<string, number>>;
  /** Share of orders cancelled (net revenue 0). */
  cancelRate: number;
  /** Each line of a kept order is refunded with this probability, by `refundShare` of its amount. */
  refundRate: number;
  refundShare: number;
  /** Share of orders also placed as a test order (`test: true`), never counted. */
  testOrderRate: number;
  /** Share of webhooks delivered twice. */
  duplicateRate: number;
  /** Share of refunds delivered before their order. */
  lateRefundRate: number;
  /** Share of buyers with a second item (not a trigger) in the cart: the carts vary (CUPED's covariate). */
  extraItem: number;
}

export const DEFAULT_TRUTH: TrafficTruth = {
  conversion: 0.9,
  groups: { laptop: 0.17, drill: 0.17, parka: 0.16, headset: 0.17, print: 0.17, saas: 0.16 },
  exitIntent: 0.8,
  takeRates: {
    // "full": the old demo's +8% of the laptop cart (take rate = 8% x mean laptop / mean Care+ price).
    "demo-laptop-care-price": { full: 0.8, minus15: 0.5 },
    "demo-cart-headset-cable-test": { cablefull: 0.3, cable20: 0.45 },
    "demo-exit-print-case-test": { exitcase: 0.35 },
    "demo-drill-case-price": { case20: 0.4 },
    "demo-drill-insurance-test": { insurance: 0 }, // planted ~0
    "demo-pp-parka-kit-test": { ppkit: 0.5 },
    "demo-saas-onboarding-ty-test": { onboarding20: 0.3 },
    "demo-email-onboarding-test": { onboarding30: 0.25 },
  },
  cancelRate: 0.05,
  refundRate: 0.1,
  refundShare: 0.5,
  testOrderRate: 0.02,
  duplicateRate: 0.05,
  lateRefundRate: 0.2,
  extraItem: 0.5,
};

export interface TrafficOptions {
  baseUrl: string;
  shopDomain: string;
  apiKey: string;
  secret: string;
  payload: Payload;
  visitors: number;
  seed: number;
  /** Visits spread over the last `days` days (at most 7: the server clamps older client times). */
  days: number;
  now: number;
  truth?: TrafficTruth;
  /** Concurrent buyers. */
  concurrency?: number;
  /** Reads the follow-up emails the server scheduled (the outbox); without it, emails are not taken. */
  outbox?: (orderIds: string[]) => Promise<Array<{ orderShopifyId: string; content: string; variantId: string | null; experimentId: string | null; offerId: string }>>;
  log?: (line: string) => void;
}

export interface ArmTruth {
  arm: string;
  takeRate: number;
  /** The offer's price in this arm as the surface showed it (minor units); 0 for the hold-out. */
  priceMinor: number;
  /** Planted difference in expected net revenue per visitor over the hold-out (minor units). */
  expectedDiffMinor: number;
  /** Visitors of this arm as far as the surface told the buyer (the hold-out is invisible on some surfaces). */
  seen: number;
}

export interface ExperimentTruth {
  experimentId: string;
  offerId: string;
  surface: string;
  moment: MomentId;
  /** Reach x (1 - cancel) x (1 - refund x share): the expected net share of an accepted offer. */
  netFactor: number;
  arms: ArmTruth[];
  /**
   * For the checkout, whose core tells the buyer every arm (hold-out included): the realized net revenue of
   * the exposed journeys, test orders excluded, refunds and cancellations netted.
   */
  realized?: { journeys: number; netMinor: number };
}

export interface TrafficReport {
  currency: string;
  experiments: ExperimentTruth[];
  events: { accepted: number; duplicate: number; rejected: number; reasons: string[] };
  orders: number;
  testOrders: number;
  cancelled: number;
  refunds: number;
  webhookFailures: string[];
  problems: string[];
}

const CHECKOUT_MOMENTS: MomentId[] = ["checkout", "information", "shipping", "payment"];
const PLACEMENTS = [1, 2];
const COUNTRIES = ["DE", "FR", "NL"] as const;
const CURRENCY = "EUR";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36 moments-demo-traffic";
const PRE_ORDER = new Set<MomentId>(["cart", "exit_intent", ...CHECKOUT_MOMENTS]);

/** The demo shop's payload when nothing is published yet: the demo offers, the demo's settings. */
export function demoPayload(now: number): Payload {
  const offers = DEMO_OFFERS.map(({ name: _name, ...o }) => o);
  const decoded = decodePayload(encodePayload(offers, { journeyCap: 3, defaultLocale: "en", momentLimits: DEMO_MOMENT_LIMITS }, now));
  if (!decoded.ok) throw new Error(`demo payload invalid: ${decoded.error.path} ${decoded.error.message}`);
  return decoded.payload;
}

interface CatalogVariant {
  key: string;
  productId: string;
  variantId: string;
  title: string;
  price: number;
}
const CATALOG: CatalogVariant[] = DEMO_CATALOG.flatMap((p, pi) =>
  p.variants.map((v, vi) => ({ key: p.key, productId: demoProductGid(pi), variantId: demoVariantGid(pi, vi), title: `${p.title} ${v.title}`, price: v.eur })),
);
const GROUPS: Group[] = ["laptop", "drill", "parka", "headset", "print", "saas"];
/** Extra items: products no demo offer is triggered by, so they only make carts vary. */
const EXTRAS = CATALOG.filter((v) => ["sizing-kit", "laptop-warranty", "tool-case", "insurance", "onboarding"].includes(v.key));

const minorToDecimal = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
const numericTail = (gid: string) => Number(gid.slice(gid.lastIndexOf("/") + 1));
const money = (minor: number) => ({
  shop_money: { amount: minorToDecimal(minor), currency_code: CURRENCY },
  presentment_money: { amount: minorToDecimal(minor), currency_code: CURRENCY },
});

/** Demo ids carry a per-shop suffix (app/demo/demo-offers.ts); the planted truth names the base id. */
export const baseArmId = (id: string) => id.replace(/-[a-z0-9]{8}$/, "");

/** A small pool: at most `limit` tasks in flight. */
function pool(limit: number) {
  const running = new Set<Promise<void>>();
  return {
    async run(task: () => Promise<void>) {
      while (running.size >= limit) await Promise.race(running);
      const p = task().finally(() => running.delete(p));
      running.add(p);
    },
    async drain() {
      await Promise.all(running);
    },
  };
}

/** A line of a simulated order. */
interface OrderLine {
  variant: { productId: string; variantId: string; title: string };
  quantity: number;
  list: number;
  final: number;
  properties: Record<string, string>;
}

export async function runTraffic(options: TrafficOptions): Promise<TrafficReport> {
  const truth = options.truth ?? DEFAULT_TRUTH;
  const random = mulberry32(options.seed);
  const log = options.log ?? (() => {});
  const payload = options.payload;
  const DAY = 86400_000;
  const netFactorAfter = (1 - truth.cancelRate) * (1 - truth.refundRate * truth.refundShare);

  // Experiments of the payload, with the arms' planted take rates.
  const experiments = new Map<string, ExperimentTruth & { offerOf: string }>();
  for (const o of payload.offers) {
    if (!o.experiment) continue;
    const moment = o.moments[0]!;
    const rates = truth.takeRates[baseArmId(o.experiment.id)] ?? {};
    const surface = moment === "cart" || moment === "exit_intent" ? "storefront" : moment === "thank_you" ? "thank_you" : moment === "post_purchase" ? "post_purchase" : moment === "email" ? "email" : "checkout";
    experiments.set(o.experiment.id, {
      experimentId: o.experiment.id,
      offerId: o.id,
      offerOf: o.id,
      surface,
      moment,
      netFactor: (PRE_ORDER.has(moment) ? truth.conversion : 1) * netFactorAfter,
      arms: [
        { arm: "holdout", takeRate: 0, priceMinor: 0, expectedDiffMinor: 0, seen: 0 },
        ...o.experiment.variants.map((v) => ({ arm: v.id, takeRate: rates[baseArmId(v.id)] ?? 0, priceMinor: 0, expectedDiffMinor: 0, seen: 0 })),
      ],
      realized: surface === "checkout" ? { journeys: 0, netMinor: 0 } : undefined,
    });
  }
  const armOf = (experimentId: string | undefined, arm: string) => experiments.get(experimentId ?? "")?.arms.find((a) => a.arm === arm);
  // The offer's price per arm and main product: the truth averages it over the group's products,
  // which buyers choose uniformly (a "10% of the laptop" offer has one price per laptop).
  const prices = new Map<string, Map<string, number>>();
  const notePrice = (experimentId: string | undefined, arm: string | undefined, price: number, main: string) => {
    if (!armOf(experimentId, arm ?? "") || !arm || price <= 0) return;
    const key = `${experimentId}|${arm}`;
    const m = prices.get(key) ?? new Map<string, number>();
    m.set(main, price);
    prices.set(key, m);
  };
  const seenArm = (experimentId: string | undefined, arm: string, price: number, main: string) => {
    const a = armOf(experimentId, arm);
    if (!a) return undefined;
    a.seen++;
    notePrice(experimentId, arm, price, main);
    return a;
  };
  /** Decides with the planted take rate of the arm: a buyer takes experiment offers only. */
  const takes = (experimentId: string | undefined, arm: string | undefined) => {
    const rate = arm ? (armOf(experimentId, arm)?.takeRate ?? 0) : 0;
    return random() < rate;
  };

  const counts = { accepted: 0, duplicate: 0, rejected: 0, reasons: [] as string[] };
  const webhookFailures: string[] = [];
  const problems: string[] = [];
  const problem = (p: string) => problems.length < 20 && problems.push(p);
  let orders = 0;
  let testOrders = 0;
  let cancelled = 0;
  let refunds = 0;
  const journeyNet = new Map<string, number>();
  const exposedJourneys = new Map<string, Set<string>>();
  const exposed = (experimentId: string, journeyKey: string) => {
    const set = exposedJourneys.get(experimentId) ?? new Set<string>();
    set.add(journeyKey);
    exposedJourneys.set(experimentId, set);
  };

  const countResults = async (res: Response, n: number) => {
    if (res.status !== 200) {
      counts.rejected += n;
      counts.reasons.push(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
      return;
    }
    const { results } = (await res.json()) as { results: Array<{ status: string; reason?: string }> };
    for (const r of results) {
      if (r.status === "accepted") counts.accepted++;
      else if (r.status === "duplicate") counts.duplicate++;
      else {
        counts.rejected++;
        if (counts.reasons.length < 10) counts.reasons.push(r.reason ?? "");
      }
    }
  };

  const sessionToken = () =>
    new SignJWT({ dest: `https://${options.shopDomain}`, aud: options.apiKey, sub: "gid://shopify/Customer/0" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(`https://${options.shopDomain}/admin`)
      .setIssuedAt()
      .setNotBefore(Math.floor(Date.now() / 1000) - 10)
      .setExpirationTime("5m")
      .setJti(randomUUID())
      .sign(new TextEncoder().encode(options.secret));

  const postCheckoutEvents = async (events: unknown[]) => {
    if (!events.length) return;
    const res = await fetch(`${options.baseUrl}/api/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await sessionToken()}`, "User-Agent": BROWSER_UA },
      body: JSON.stringify({ events }),
    });
    await countResults(res, events.length);
  };

  /** A URL on the app proxy, signed as Shopify signs what it forwards. */
  const proxyUrl = (path: string, params: Array<[string, string]>) => {
    const pairs: Array<[string, string]> = [["shop", options.shopDomain], ["path_prefix", "/apps/moments"], ["timestamp", String(Math.floor(Date.now() / 1000))], ["logged_in_customer_id", ""], ...params];
    const message = [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join("");
    const q = new URLSearchParams(pairs);
    q.append("signature", createHmac("sha256", options.secret).update(message).digest("hex"));
    return `${options.baseUrl}${path}?${q}`;
  };

  const webhook = async (topic: string, body: unknown, twice: boolean) => {
    const raw = JSON.stringify(body);
    const id = randomUUID();
    for (let k = 0; k < (twice ? 2 : 1); k++) {
      const res = await fetch(`${options.baseUrl}/webhooks/${topic}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "User-Agent": BROWSER_UA,
          "X-Shopify-Topic": topic,
          "X-Shopify-Shop-Domain": options.shopDomain,
          "X-Shopify-API-Version": SHOPIFY_API_VERSION,
          "X-Shopify-Webhook-Id": id,
          "X-Shopify-Triggered-At": new Date().toISOString(),
          "X-Shopify-Hmac-Sha256": createHmac("sha256", options.secret).update(raw).digest("base64"),
        },
        body: raw,
      });
      if (res.status !== 200 && webhookFailures.length < 10) webhookFailures.push(`${topic} HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
      if (k === 0 && res.status !== 200) return false;
    }
    return true;
  };

  let nextOrder = 0;
  const orderBody = (orderId: number, lines: OrderLine[], attrs: { journeyKey: string; checkoutToken: string; email: string | null; at: number; country: string; test: boolean }) => {
    const total = lines.reduce((s, l) => s + l.final, 0);
    return {
      id: orderId,
      admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
      name: `#SIM${orderId % 1_000_000}`,
      email: attrs.email,
      buyer_accepts_marketing: attrs.email !== null,
      currency: CURRENCY,
      presentment_currency: CURRENCY,
      subtotal_price_set: money(total),
      total_price_set: money(total),
      processed_at: new Date(attrs.at).toISOString(),
      created_at: new Date(attrs.at).toISOString(),
      source_name: "web",
      test: attrs.test,
      checkout_token: attrs.checkoutToken,
      note_attributes: [{ name: ATTR.journey, value: attrs.journeyKey }],
      shipping_address: { country_code: attrs.country },
      customer: null,
      line_items: lines.map((l, j) => ({
        id: orderId * 10 + j,
        admin_graphql_api_id: `gid://shopify/LineItem/${orderId * 10 + j}`,
        product_id: numericTail(l.variant.productId),
        variant_id: numericTail(l.variant.variantId),
        title: l.variant.title,
        quantity: l.quantity,
        price_set: money(Math.round(l.list / l.quantity)),
        total_discount_set: money(l.list - l.final),
        properties: Object.entries(l.properties).map(([name, value]) => ({ name, value })),
      })),
    };
  };

  /**
   * Places one order with its after-life: maybe cancelled, maybe partly refunded (maybe before the
   * order arrives), maybe delivered twice, maybe shadowed by a test order. Returns its net revenue.
   */
  const placeOrder = async (lines: OrderLine[], attrs: { journeyKey: string; checkoutToken: string; email: string | null; at: number; country: string }) => {
    const orderId = 5_000_000_000 + (options.seed % 1000) * 1_000_000 + nextOrder++;
    const body = orderBody(orderId, lines, { ...attrs, test: false });
    const total = lines.reduce((s, l) => s + l.final, 0);
    const cancel = random() < truth.cancelRate;
    const refundLines = cancel ? [] : lines.flatMap((l, j) => (random() < truth.refundRate ? [{ j, amount: Math.floor(l.final * truth.refundShare) }] : []));
    const refund = refundLines.length
      ? {
          id: orderId * 7,
          admin_graphql_api_id: `gid://shopify/Refund/${orderId * 7}`,
          order_id: orderId,
          refund_line_items: refundLines.map((r) => ({
            line_item_id: orderId * 10 + r.j,
            quantity: lines[r.j]!.quantity,
            subtotal_set: money(r.amount),
            line_item: { admin_graphql_api_id: `gid://shopify/LineItem/${orderId * 10 + r.j}` },
          })),
        }
      : null;
    const late = refund !== null && random() < truth.lateRefundRate;
    if (refund && late && (await webhook("refunds/create", refund, random() < truth.duplicateRate))) refunds++;
    if (!(await webhook("orders/create", body, random() < truth.duplicateRate))) return { orderId: body.admin_graphql_api_id, net: 0 };
    orders++;
    if (refund && !late && (await webhook("refunds/create", refund, random() < truth.duplicateRate))) refunds++;
    if (cancel && (await webhook("orders/cancelled", { ...body, cancelled_at: new Date(attrs.at + 3600_000).toISOString(), cancel_reason: "customer" }, random() < truth.duplicateRate))) cancelled++;
    if (random() < truth.testOrderRate) {
      const testId = 9_000_000_000 + (options.seed % 1000) * 1_000_000 + nextOrder++;
      if (await webhook("orders/create", orderBody(testId, lines, { ...attrs, checkoutToken: `test-${attrs.checkoutToken}`, test: true }), false)) testOrders++;
    }
    const net = cancel ? 0 : total - refundLines.reduce((s, r) => s + r.amount, 0);
    journeyNet.set(attrs.journeyKey, (journeyNet.get(attrs.journeyKey) ?? 0) + net);
    journeyNet.set(attrs.checkoutToken, (journeyNet.get(attrs.checkoutToken) ?? 0) + net);
    return { orderId: body.admin_graphql_api_id, net };
  };

  const offerLines = (o: ShownOffer): OrderLine[] =>
    o.lines.map((l) => ({
      variant: CATALOG.find((v) => v.variantId === l.variantId) ?? { productId: l.productId, variantId: l.variantId, title: o.copy.title },
      quantity: l.quantity,
      list: l.listTotal,
      final: l.finalTotal,
      properties: { ...l.attributes },
    }));

  const emailOrders: Array<{ orderId: string; journeyKey: string; checkoutToken: string; email: string; at: number; country: string; main: string }> = [];

  async function walk(i: number) {
    const journeyKey = `sim-${options.seed}-${i}`;
    const checkoutToken = `ct${options.seed}x${i}`;
    const r = () => random();
    const groupDraw = r();
    let acc = 0;
    const total = GROUPS.reduce((s, g) => s + truth.groups[g], 0);
    const group = GROUPS.find((g) => (acc += truth.groups[g] / total) > groupDraw) ?? "saas";
    const mains = CATALOG.filter((v) => v.key === group && !(group === "parka" && v.variantId.endsWith("3")) && !(group === "saas" && v.title.endsWith("Pro")));
    const main = mains[Math.floor(r() * mains.length)]!;
    const cart: CatalogVariant[] = [main];
    if (r() < truth.extraItem) cart.push(EXTRAS[Math.floor(r() * EXTRAS.length)]!);
    const device = r() < 0.6 ? "mobile" : "desktop";
    const country = COUNTRIES[Math.floor(r() * COUNTRIES.length)]!;
    const returning = r() < 0.3;
    const exitIntent = r() < truth.exitIntent;
    const at = options.now - Math.floor(r() * options.days * DAY) - 3600_000;
    let seconds = 0;
    const stamp = () => at + 1000 * seconds++;
    const lines: OrderLine[] = cart.map((v) => ({ variant: v, quantity: 1, list: v.price, final: v.price, properties: {} }));

    // Storefront: the app proxy decides, the storefront's own tracker reports.
    const seen: string[] = [];
    const declined: string[] = [];
    const beacon: Array<Promise<void>> = [];
    const fakeWindow = {
      navigator: {
        sendBeacon: (url: string, blob: Blob) => {
          beacon.push(
            blob.text().then((body) =>
              fetch(url, { method: "POST", headers: { "Content-Type": "application/json", "User-Agent": BROWSER_UA }, body }).then((res) => countResults(res, (JSON.parse(body) as { events: unknown[] }).events.length)),
            ),
          );
          return true;
        },
      },
      addEventListener: () => {},
      document: { addEventListener: () => {}, visibilityState: "visible" },
      fetch,
    } as unknown as Window;
    const tracker = createTracker(fakeWindow, proxyUrl("/proxy/events", []), { journeyKey, device, currency: CURRENCY }, 3_600_000);
    for (const moment of exitIntent ? (["cart", "exit_intent"] as const) : (["cart"] as const)) {
      const tuples: CartTuple[] = lines.map((l) => [numericTail(l.variant.productId), numericTail(l.variant.variantId), l.quantity, Math.round(l.final / l.quantity), "", l.properties[ATTR.offer] ?? ""]);
      const res = await fetch(
        proxyUrl("/proxy/offers", [["moment", moment], ["jk", journeyKey], ["cur", CURRENCY], ["loc", "en"], ["dev", device], ["country", country], ["ret", returning ? "1" : "0"], ["c", JSON.stringify(tuples)], ["seen", seen.join(",")], ["dec", declined.join(",")]]),
        { headers: { Accept: "application/json", "User-Agent": BROWSER_UA } },
      );
      if (res.status !== 200) {
        problem(`/proxy/offers ${moment}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
        continue;
      }
      // The proxy logged the moment's exposures where it decided; a held-out place is simply absent.
      const w = (await res.json()) as WireResponse;
      for (const o of w.offers) {
        seen.push(`${o.id}@${moment}`);
        if (o.exp && o.arm) seenArm(o.exp, o.arm, o.value, main.variantId);
        const ev = { moment, offerId: o.id, experimentId: o.exp, variantId: o.arm, arm: o.arm ? ("variant" as const) : ("none" as const) };
        tracker.track({ type: "impression", ...ev, occurredAt: stamp() });
        if (takes(o.exp, o.arm)) {
          tracker.track({ type: "click", ...ev, occurredAt: stamp() });
          tracker.track({ type: "accept", ...ev, valueMinor: o.value, currency: o.cur, occurredAt: stamp() });
          const share = o.lines.length ? o.value / o.lines.length : 0;
          for (const l of o.lines) {
            const v = CATALOG.find((c) => numericTail(c.variantId) === l.id);
            if (v) lines.push({ variant: v, quantity: l.q, list: v.price * l.q, final: Math.round(share), properties: { ...l.p } });
          }
        } else {
          declined.push(o.id);
          tracker.track({ type: "decline", ...ev, occurredAt: stamp() });
        }
      }
    }
    tracker.flush();
    await Promise.all(beacon);

    // Checkout: the extension's core, one view per placement, as OfferBlock renders them.
    const journey: { shown: Array<{ offerId: string; moment: MomentId }>; accepted: string[]; declined: string[] } = { shown: [], accepted: [], declined: [] };
    const checkoutEvents: Array<Record<string, unknown>> = [];
    const common = { journeyKey, device, country, currency: CURRENCY, returning };
    const snapshot = (): Snapshot => {
      const cl: CartLine[] = lines.map((l) => ({ productId: l.variant.productId, variantId: l.variant.variantId, quantity: l.quantity, unitPrice: Math.round(l.final / l.quantity), attributes: l.properties }));
      return { lines: cl, lineIds: cl.map((_, j) => `gid://shopify/CartLine/${j}`), currency: CURRENCY, subtotal: cl.reduce((s, l) => s + l.unitPrice * l.quantity, 0), country, locale: "en", device, returning };
    };
    const render = (moment: MomentId, surface: "checkout" | "thank_you", purchased?: string[]): Array<{ view: View; slot: number }> => {
      const snap = snapshot();
      const views = PLACEMENTS.map((slot) => ({ slot, view: decideView({ payload, snapshot: snap, moment, journeyKey, journey, now: at + 1000 * seconds, slot, purchased }) }));
      for (const { view } of views) {
        // Every placement reports the moment's exposures; their ids make the copies one.
        for (const e of exposureEvents(view.exposures, journeyKey, surface, snap)) checkoutEvents.push({ ...e, occurredAt: stamp() });
        if (view.kind === "none") continue;
        const offerId = view.kind === "offer" ? view.offer.offerId : view.offerId;
        journey.shown.push({ offerId, moment });
        // A held-out place shows nothing: its exposure is all it reports.
        if (view.kind !== "offer") continue;
        const arm = { offerId, arm: view.offer.variantId ? "variant" : "none", variantId: view.offer.variantId, experimentId: view.offer.experimentId };
        checkoutEvents.push({ ...common, ...arm, id: randomUUID(), type: "impression", moment, surface, occurredAt: stamp() });
      }
      const first = views[0]!.view.exposures;
      for (const x of first) if (seenArm(x.experimentId, x.arm, 0, main.variantId)) exposed(x.experimentId, journeyKey);
      return views;
    };
    const accepted: ShownOffer[] = [];
    for (const moment of CHECKOUT_MOMENTS) {
      for (const { view } of render(moment, "checkout")) {
        if (view.kind !== "offer") continue;
        const o = view.offer;
        notePrice(o.experimentId, o.variantId, o.price.final, main.variantId);
        const arm = { offerId: o.offerId, arm: o.variantId ? "variant" : "none", variantId: o.variantId, experimentId: o.experimentId };
        if (takes(o.experimentId, o.variantId)) {
          checkoutEvents.push({ ...common, ...arm, id: randomUUID(), type: "click", moment, surface: "checkout", occurredAt: stamp() });
          checkoutEvents.push({ ...common, ...arm, id: randomUUID(), type: "accept", moment, surface: "checkout", valueMinor: o.price.final, occurredAt: stamp() });
          journey.accepted.push(o.offerId);
          accepted.push(o);
          lines.push(...offerLines(o));
        } else {
          checkoutEvents.push({ ...common, ...arm, id: randomUUID(), type: "decline", moment, surface: "checkout", occurredAt: stamp() });
          journey.declined.push(o.offerId);
        }
      }
    }
    await postCheckoutEvents(checkoutEvents.splice(0));
    if (random() >= truth.conversion) return;

    // Post-purchase, before the order webhook: an accepted upsell is part of the order.
    const purchaseInput = {
      extensionPoint: "Checkout::PostPurchase::ShouldRender",
      initialPurchase: {
        referenceId: checkoutToken,
        destinationCountryCode: country,
        totalPriceSet: { shopMoney: { amount: minorToDecimal(lines.reduce((s, l) => s + l.final, 0)), currencyCode: CURRENCY }, presentmentMoney: { amount: minorToDecimal(lines.reduce((s, l) => s + l.final, 0)), currencyCode: CURRENCY } },
        lineItems: lines.map((l) => ({
          product: { id: numericTail(l.variant.productId), title: l.variant.title, variant: { id: numericTail(l.variant.variantId), title: l.variant.title } },
          quantity: l.quantity,
          totalPriceSet: { shopMoney: { amount: minorToDecimal(l.final), currencyCode: CURRENCY }, presentmentMoney: { amount: minorToDecimal(l.final), currencyCode: CURRENCY } },
        })),
      },
      locale: "en",
      shop: { id: 1, domain: options.shopDomain, metafields: [] },
      version: "unstable",
    };
    const nowSec = Math.floor(Date.now() / 1000);
    const ppToken = await new SignJWT({ input_data: purchaseInput, dest: options.shopDomain, aud: options.apiKey })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt(nowSec - 10)
      .setExpirationTime(nowSec + 300)
      .sign(new TextEncoder().encode(options.secret));
    const pp = async (path: string, body: unknown) => {
      const res = await fetch(`${options.baseUrl}${path}`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${ppToken}`, "User-Agent": BROWSER_UA }, body: JSON.stringify(body) });
      const json = (await res.json().catch(() => ({}))) as { offer?: { offerId: string; experimentId?: string; armVariantId?: string; currency: string; quantities: Array<{ multiple: number; final: number }>; lines: Array<{ productId: string; variantId: string; quantity: number }> } | null; token?: string; error?: string };
      if (res.status !== 200) problem(`${path}: HTTP ${res.status} ${json.error ?? ""}`);
      return json;
    };
    let ppAnswer = await pp("/api/post-purchase/offer", {});
    for (let step = 0; step < 3 && ppAnswer.offer; step++) {
      const o = ppAnswer.offer;
      const price = o.quantities.find((q) => q.multiple === 1)?.final ?? 0;
      if (o.experimentId && o.armVariantId) seenArm(o.experimentId, o.armVariantId, price, main.variantId);
      if (!takes(o.experimentId, o.armVariantId)) {
        ppAnswer = await pp("/api/post-purchase/offer", { declineOfferId: o.offerId });
        continue;
      }
      const signed = await pp("/api/post-purchase/sign", { referenceId: checkoutToken, offerId: o.offerId, expected: { final: price, currency: o.currency } });
      if (signed.token) {
        const share = o.lines.length ? price / o.lines.length : 0;
        for (const l of o.lines) {
          const v = CATALOG.find((c) => c.variantId === l.variantId) ?? { key: "", productId: l.productId, variantId: l.variantId, title: o.offerId, price: share };
          lines.push({ variant: v, quantity: l.quantity, list: v.price * l.quantity, final: Math.round(share), properties: {} });
        }
      }
      break;
    }

    const email = group === "saas" ? `buyer-${options.seed}-${i}@example.com` : null;
    const orderAt = at + 1000 * (seconds + 30);
    const placed = await placeOrder(lines, { journeyKey, checkoutToken, email, at: orderAt, country });
    if (email) emailOrders.push({ orderId: placed.orderId, journeyKey, checkoutToken, email, at: orderAt, country, main: main.variantId });

    // Thank-you: the extension's core on the order; an accept is a new checkout, a second order.
    const purchased = cart.map((v) => v.productId);
    for (const { view } of render("thank_you", "thank_you", purchased)) {
      if (view.kind !== "offer") continue;
      const o = view.offer;
      notePrice(o.experimentId, o.variantId, o.price.final, main.variantId);
      const arm = { offerId: o.offerId, arm: o.variantId ? "variant" : "none", variantId: o.variantId, experimentId: o.experimentId };
      if (takes(o.experimentId, o.variantId)) {
        checkoutEvents.push({ ...common, ...arm, id: randomUUID(), type: "click", moment: "thank_you", surface: "thank_you", occurredAt: stamp() });
        // The new checkout's order: the journey attribute from the link, the offer's line attributes.
        await placeOrder(offerLines(o), { journeyKey, checkoutToken: `${checkoutToken}-ty`, email: null, at: orderAt + 120_000, country });
      } else {
        checkoutEvents.push({ ...common, ...arm, id: randomUUID(), type: "decline", moment: "thank_you", surface: "thank_you", occurredAt: stamp() });
      }
    }
    await postCheckoutEvents(checkoutEvents.splice(0));
  }

  const buyers = pool(options.concurrency ?? 12);
  for (let i = 0; i < options.visitors; i++) {
    await buyers.run(() => walk(i).catch((e: unknown) => void problem(`buyer ${i}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`)));
    if ((i + 1) % 1000 === 0) log(`${i + 1} buyers walked`);
  }
  await buyers.drain();

  // Email: the server scheduled the follow-ups on orders/create (and logged their exposures);
  // the buyer follows the link of the offer it chose, which puts its items in a new checkout.
  if (options.outbox && emailOrders.length) {
    const rows = await options.outbox(emailOrders.map((e) => e.orderId));
    const byOrder = new Map(rows.map((row) => [row.orderShopifyId, row]));
    const mailers = pool(options.concurrency ?? 12);
    for (const e of emailOrders) {
      const row = byOrder.get(e.orderId);
      if (!row) continue;
      const content = JSON.parse(row.content) as { checkoutUrl?: string; offer: { id: string; items: Array<{ productId: string; variantId: string; quantity: number }>; price: { final: number; original: number } } };
      if (row.experimentId && row.variantId) seenArm(row.experimentId, row.variantId, content.offer.price.final, e.main);
      if (!takes(row.experimentId ?? undefined, row.variantId ?? undefined)) continue;
      const link = content.checkoutUrl ? new URL(content.checkoutUrl) : null;
      const journeyKey = link?.searchParams.get(`attributes[${ATTR.journey}]`) || e.journeyKey;
      const share = content.offer.items.length ? content.offer.price.final / content.offer.items.length : 0;
      const lines: OrderLine[] = content.offer.items.map((it) => ({
        variant: CATALOG.find((v) => v.variantId === it.variantId) ?? { productId: it.productId, variantId: it.variantId, title: row.offerId },
        quantity: it.quantity,
        list: Math.round((content.offer.price.original * it.quantity) / Math.max(1, content.offer.items.length)),
        final: Math.round(share),
        properties: { [ATTR.offer]: row.offerId, ...(row.variantId ? { [ATTR.variant]: row.variantId } : {}), [ATTR.moment]: "email" },
      }));
      await mailers.run(async () => void (await placeOrder(lines, { journeyKey, checkoutToken: `${e.checkoutToken}-em`, email: null, at: e.at + 48 * 3600_000 > options.now ? options.now - 60_000 : e.at + 48 * 3600_000, country: e.country })));
    }
    await mailers.drain();
  }

  const report: ExperimentTruth[] = [...experiments.values()].map(({ offerOf: _o, ...x }) => {
    for (const a of x.arms) {
      const byMain = [...(prices.get(`${x.experimentId}|${a.arm}`)?.values() ?? [])];
      a.priceMinor = byMain.length ? byMain.reduce((s, p) => s + p, 0) / byMain.length : 0;
      a.expectedDiffMinor = a.arm === "holdout" ? 0 : x.netFactor * a.takeRate * a.priceMinor;
    }
    if (x.realized) {
      const keys = exposedJourneys.get(x.experimentId) ?? new Set<string>();
      x.realized = { journeys: keys.size, netMinor: [...keys].reduce((s, k) => s + (journeyNet.get(k) ?? 0), 0) };
    }
    return x;
  });
  return { currency: CURRENCY, experiments: report, events: counts, orders, testOrders, cancelled, refunds, webhookFailures, problems };
}
