import { createHmac, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { assign, decide, decodePayload, encodePayload, type Cart, type CartLine, type MomentId, type Offer, type Payload, type ShownOffer } from "@moments/engine";
import { SHOPIFY_API_VERSION } from "~/lib/api-version";
import { JOURNEY_ATTRIBUTE } from "~/measurement/attribution.server";
import { mulberry32 } from "@moments/stats";
import { DEMO_CATALOG, demoProductGid, demoVariantGid } from "./catalog";
import { DEMO_OFFERS } from "./demo-offers";

/**
 * Demo traffic with a known truth: simulated buyers walk the checkout moments of the published
 * payload, decided by the engine exactly as the extensions decide, and report what they see and do
 * through the real endpoints: events to /api/events with checkout session tokens, orders to
 * /webhooks/orders/create signed like Shopify's. The truth is planted, so the dashboard can be
 * checked against it:
 *  - every buyer orders with probability `conversion`;
 *  - buyers of the experiment's trigger product (a share of all buyers) see only that offer's
 *    experiment: hold-out buyers see nothing, each variant arm accepts with a take rate that is
 *    either given or derived from a planted revenue-per-visitor lift over the hold-out
 *    (take rate = lift x E[cart] / E[offer price]); they decline every other offer, so that lift
 *    is exact;
 *  - other buyers accept any other offer they see with `otherTakeRate`.
 */
export interface TrafficTruth {
  conversion: number;
  /** Experiment arm -> planted relative lift in revenue per visitor over the hold-out. */
  targetLift: Record<string, number>;
  /** Experiment arm -> take rate, for arms without a planted lift. */
  takeRate: Record<string, number>;
  otherTakeRate: number;
  /** Share of buyers whose cart holds the experiment's trigger product. */
  experimentShare: number;
}

export const DEFAULT_TRUTH: TrafficTruth = {
  conversion: 0.9,
  targetLift: { full: 0.08 },
  takeRate: { minus15: 0.5 },
  otherTakeRate: 0.15,
  experimentShare: 0.6,
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
  /** Concurrent HTTP requests. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface ArmTruth {
  arm: string;
  visitors: number;
  takeRate: number;
  /** Expected revenue per visitor, shop currency minor units (the truth, not the sample). */
  expectedRpvMinor: number;
  /** Expected RPV relative to the hold-out's, minus 1 (0 for the hold-out). */
  lift: number;
}

export interface TrafficReport {
  experimentId: string | null;
  offerId: string | null;
  currency: string;
  arms: ArmTruth[];
  events: { accepted: number; duplicate: number; rejected: number; reasons: string[] };
  orders: number;
  orderFailures: string[];
}

const CHECKOUT_MOMENTS: MomentId[] = ["checkout", "information", "shipping", "payment"];
const COUNTRIES = ["DE", "FR", "NL"] as const;
const CURRENCY = "EUR";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36 moments-demo-traffic";

/** The demo shop's payload when nothing is published yet: the demo offers, default settings. */
export function demoPayload(now: number): Payload {
  const decoded = decodePayload(encodePayload(DEMO_OFFERS.map(({ name: _name, ...o }) => o), { journeyCap: 3, defaultLocale: "en" }, now));
  if (!decoded.ok) throw new Error(`demo payload invalid: ${decoded.error.path} ${decoded.error.message}`);
  return decoded.payload;
}

interface CatalogVariant {
  productId: string;
  variantId: string;
  title: string;
  price: number;
}
const CATALOG: CatalogVariant[] = DEMO_CATALOG.flatMap((p, pi) =>
  p.variants.map((v, vi) => ({ productId: demoProductGid(pi), variantId: demoVariantGid(pi, vi), title: `${p.title} ${v.title}`, price: v.eur })),
);

const minorToDecimal = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
const numericTail = (gid: string) => Number(gid.split("/").pop());
const money = (minor: number) => ({
  shop_money: { amount: minorToDecimal(minor), currency_code: CURRENCY },
  presentment_money: { amount: minorToDecimal(minor), currency_code: CURRENCY },
});

function cartOf(lines: CatalogVariant[]): Cart {
  const cartLines: CartLine[] = lines.map((v) => ({ productId: v.productId, variantId: v.variantId, quantity: 1, unitPrice: v.price }));
  return { lines: cartLines, subtotal: lines.reduce((s, l) => s + l.price, 0), currency: CURRENCY };
}

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

/** Demo arm ids carry a per-shop suffix (app/demo/demo-offers.ts); the planted truth names the base id. */
export const baseArmId = (armId: string) => armId.replace(/-[a-z0-9]{8}$/, "");

export async function runTraffic(options: TrafficOptions): Promise<TrafficReport> {
  const truth = options.truth ?? DEFAULT_TRUTH;
  const random = mulberry32(options.seed);
  const log = options.log ?? (() => {});
  const payload = options.payload;
  const experimentOffer: Offer | undefined = payload.offers.find((o) => o.experiment && o.targeting?.products?.length);
  const triggerVariants = experimentOffer ? CATALOG.filter((v) => experimentOffer.targeting!.products!.includes(v.productId)) : [];
  const otherVariants = CATALOG.filter((v) => !triggerVariants.includes(v));
  const experimentMoment = experimentOffer?.moments[0];

  // Exact expectations per arm: the engine's price for each trigger variant in each arm.
  const armTakeRate = new Map<string, number>();
  const expected = new Map<string, number>();
  if (experimentOffer && experimentMoment && triggerVariants.length) {
    const exp = experimentOffer.experiment!;
    const meanCart = triggerVariants.reduce((s, v) => s + v.price, 0) / triggerVariants.length;
    expected.set("holdout", truth.conversion * meanCart);
    for (const variant of exp.variants) {
      let probe = 0;
      while (probe < 100000) {
        const a = assign(exp, `probe-${probe}`);
        if (a.kind === "variant" && a.variantId === variant.id) break;
        probe++;
      }
      const prices = triggerVariants.map((v) => {
        const d = decide({ now: options.now, moments: [experimentMoment], buyerKey: `probe-${probe}`, cart: cartOf([v]), country: "DE", locale: "en", payload });
        const shown = d.moments[0]?.offers.find((o) => o.offerId === experimentOffer.id);
        return shown?.price.final ?? 0;
      });
      const meanPrice = prices.reduce((s, p) => s + p, 0) / prices.length;
      let q = truth.takeRate[baseArmId(variant.id)] ?? 0;
      const lift = truth.targetLift[baseArmId(variant.id)];
      if (lift !== undefined) {
        q = meanPrice > 0 ? (lift * meanCart) / meanPrice : 0;
        if (q > 1) throw new Error(`a ${lift * 100}% lift for arm ${variant.id} needs a take rate of ${q.toFixed(2)}`);
      }
      armTakeRate.set(variant.id, q);
      expected.set(variant.id, truth.conversion * (meanCart + q * meanPrice));
    }
  }

  const counts = { accepted: 0, duplicate: 0, rejected: 0, reasons: [] as string[] };
  const orderFailures: string[] = [];
  const visitorsByArm = new Map<string, number>();
  const requests = pool(options.concurrency ?? 8);
  let queue: unknown[] = [];
  let orders = 0;

  const token = () =>
    new SignJWT({ dest: `https://${options.shopDomain}`, aud: options.apiKey, sub: "gid://shopify/Customer/0" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(`https://${options.shopDomain}/admin`)
      .setIssuedAt()
      .setNotBefore(Math.floor(Date.now() / 1000) - 10)
      .setExpirationTime("5m")
      .setJti(randomUUID())
      .sign(new TextEncoder().encode(options.secret));

  const postEvents = (events: unknown[]) =>
    requests.run(async () => {
      const res = await fetch(`${options.baseUrl}/api/events`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${await token()}`, "User-Agent": BROWSER_UA },
        body: JSON.stringify({ events }),
      });
      if (res.status !== 200) {
        counts.rejected += events.length;
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
    });

  const emit = async (event: Record<string, unknown>) => {
    queue.push(event);
    if (queue.length >= 50) {
      const batch = queue;
      queue = [];
      await postEvents(batch);
    }
  };

  const postOrder = (body: unknown) =>
    requests.run(async () => {
      const raw = JSON.stringify(body);
      const res = await fetch(`${options.baseUrl}/webhooks/orders/create`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "User-Agent": BROWSER_UA,
          "X-Shopify-Topic": "orders/create",
          "X-Shopify-Shop-Domain": options.shopDomain,
          "X-Shopify-API-Version": SHOPIFY_API_VERSION,
          "X-Shopify-Webhook-Id": randomUUID(),
          "X-Shopify-Triggered-At": new Date().toISOString(),
          "X-Shopify-Hmac-Sha256": createHmac("sha256", options.secret).update(raw).digest("base64"),
        },
        body: raw,
      });
      if (res.status === 200) orders++;
      else if (orderFailures.length < 10) orderFailures.push(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
    });

  const DAY = 86400_000;
  for (let i = 0; i < options.visitors; i++) {
    const journeyKey = `sim-${options.seed}-${i}`;
    const inExperiment = triggerVariants.length > 0 && random() < truth.experimentShare;
    const lines = inExperiment
      ? [triggerVariants[Math.floor(random() * triggerVariants.length)]!]
      : Array.from({ length: 1 + Math.floor(random() * 2) }, () => otherVariants[Math.floor(random() * otherVariants.length)]!);
    const device = random() < 0.6 ? "mobile" : "desktop";
    const country = COUNTRIES[Math.floor(random() * COUNTRIES.length)]!;
    const returning = random() < 0.3;
    const at = options.now - Math.floor(random() * options.days * DAY) - 60_000;
    const cart = cartOf(lines);
    const decision = decide({ now: options.now, moments: CHECKOUT_MOMENTS, buyerKey: journeyKey, cart, country, device, locale: "en", buyer: { returning }, payload });

    const base = { surface: "checkout", journeyKey, device, country, currency: CURRENCY, returning };
    let seconds = 0;
    const stamp = () => at + 1000 * seconds++;
    const accepted: ShownOffer[] = [];
    for (const m of decision.moments) {
      for (const x of m.excluded) {
        if (x.reason !== "holdout") continue;
        visitorsByArm.set("holdout", (visitorsByArm.get("holdout") ?? 0) + 1);
        await emit({ ...base, id: randomUUID(), type: "impression", moment: m.moment, offerId: x.offerId, experimentId: x.detail, arm: "holdout", occurredAt: stamp() });
      }
      for (const o of m.offers) {
        const arm = o.experimentId ? { arm: "variant", experimentId: o.experimentId, variantId: o.variantId } : { arm: "none" };
        const isExperiment = experimentOffer !== undefined && o.offerId === experimentOffer.id;
        if (isExperiment && o.variantId) visitorsByArm.set(o.variantId, (visitorsByArm.get(o.variantId) ?? 0) + 1);
        const common = { ...base, ...arm, moment: m.moment, offerId: o.offerId };
        await emit({ ...common, id: randomUUID(), type: "impression", occurredAt: stamp() });
        const q = isExperiment ? (armTakeRate.get(o.variantId ?? "") ?? 0) : inExperiment ? 0 : truth.otherTakeRate;
        if (random() < q) {
          accepted.push(o);
          await emit({ ...common, id: randomUUID(), type: "click", occurredAt: stamp() });
          await emit({ ...common, id: randomUUID(), type: "accept", valueMinor: o.price.final, occurredAt: stamp() });
        } else {
          await emit({ ...common, id: randomUUID(), type: "decline", occurredAt: stamp() });
        }
      }
    }

    if (random() >= truth.conversion) continue;
    const orderId = 5_000_000_000 + (options.seed % 1000) * 1_000_000 + i;
    const lineItems = [
      ...lines.map((v) => ({ variant: v, quantity: 1, list: v.price, final: v.price, properties: [] as Array<{ name: string; value: string }> })),
      ...accepted.flatMap((o) =>
        o.lines.map((l) => ({
          variant: CATALOG.find((v) => v.variantId === l.variantId) ?? { productId: l.productId, variantId: l.variantId, title: o.copy.title, price: l.listTotal },
          quantity: l.quantity,
          list: l.listTotal,
          final: l.finalTotal,
          properties: Object.entries(l.attributes).map(([name, value]) => ({ name, value })),
        })),
      ),
    ];
    const total = lineItems.reduce((s, l) => s + l.final, 0);
    await postOrder({
      id: orderId,
      admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
      name: `#SIM${i}`,
      email: null,
      currency: CURRENCY,
      presentment_currency: CURRENCY,
      subtotal_price_set: money(total),
      total_price_set: money(total),
      processed_at: new Date(at + 1000 * (seconds + 30)).toISOString(),
      created_at: new Date(at + 1000 * (seconds + 30)).toISOString(),
      source_name: "web",
      test: false,
      note_attributes: [{ name: JOURNEY_ATTRIBUTE, value: journeyKey }],
      shipping_address: { country_code: country },
      customer: null,
      line_items: lineItems.map((l, j) => ({
        id: orderId * 10 + j,
        admin_graphql_api_id: `gid://shopify/LineItem/${orderId * 10 + j}`,
        product_id: numericTail(l.variant.productId),
        variant_id: numericTail(l.variant.variantId),
        title: l.variant.title,
        quantity: l.quantity,
        price_set: money(Math.round(l.list / l.quantity)),
        total_discount_set: money(l.list - l.final),
        properties: l.properties,
      })),
    });
    if ((i + 1) % 500 === 0) log(`${i + 1} buyers walked`);
  }
  if (queue.length) await postEvents(queue);
  await requests.drain();

  const holdoutRpv = expected.get("holdout") ?? 0;
  const arms: ArmTruth[] = [...expected.entries()].map(([arm, rpv]) => ({
    arm,
    visitors: visitorsByArm.get(arm) ?? 0,
    takeRate: arm === "holdout" ? 0 : (armTakeRate.get(arm) ?? 0),
    expectedRpvMinor: rpv,
    lift: holdoutRpv > 0 ? rpv / holdoutRpv - 1 : 0,
  }));
  return {
    experimentId: experimentOffer?.experiment?.id ?? null,
    offerId: experimentOffer?.id ?? null,
    currency: CURRENCY,
    arms,
    events: counts,
    orders,
    orderFailures,
  };
}
