/**
 * The traffic generator's HTTP driver: everything that reaches the app goes through here, signed
 * and shaped the way Shopify and the surfaces send it (session tokens, app proxy signatures,
 * webhook HMACs, post-purchase input tokens, the storefront tracker's beacons), so the server under
 * test cannot tell simulated buyers from real ones.
 */
import { createHmac, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { ATTR, formatMinor } from "@moments/engine";
import { createTracker } from "../../packages/storefront/src/events";
import { SHOPIFY_API_VERSION } from "~/lib/api-version";
import type { Ledger } from "./traffic-ledger";
import type { TrafficOptions, TrafficReport, TrafficTruth } from "./traffic-model";

export const CURRENCY = "EUR";
export const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36 moments-demo-traffic";

/** Minor units as the decimal string Shopify's payloads carry, in the demo shop's currency. */
const shopAmount = (minor: number) => formatMinor(minor, CURRENCY);
export const numericTail = (gid: string) => Number(gid.slice(gid.lastIndexOf("/") + 1));
const money = (minor: number) => ({
  shop_money: { amount: shopAmount(minor), currency_code: CURRENCY },
  presentment_money: { amount: shopAmount(minor), currency_code: CURRENCY },
});

/** A line of a simulated order. */
export interface OrderLine {
  variant: { productId: string; variantId: string; title: string };
  quantity: number;
  list: number;
  final: number;
  properties: Record<string, string>;
}

export interface OrderAttrs {
  journeyKey: string;
  checkoutToken: string;
  email: string | null;
  at: number;
  country: string;
}

/** What /api/post-purchase/offer and /sign answer, as far as the buyer reads it. */
export interface PostPurchaseAnswer {
  offer?: {
    offerId: string;
    experimentId?: string;
    armId?: string;
    currency: string;
    quantities: Array<{ multiple: number; final: number }>;
    lines: Array<{ productId: string; variantId: string; quantity: number }>;
  } | null;
  token?: string;
  error?: string;
}

export type Shopify = ReturnType<typeof createShopify>;

export function createShopify(
  options: TrafficOptions,
  truth: TrafficTruth,
  ledger: Ledger,
  problem: (p: string) => void,
) {
  const counts: TrafficReport["events"] = { accepted: 0, duplicate: 0, rejected: 0, reasons: [] };
  const webhookFailures: string[] = [];
  const tally = { orders: 0, testOrders: 0, cancelled: 0, refunds: 0 };

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
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${await sessionToken()}`,
        "User-Agent": BROWSER_UA,
      },
      body: JSON.stringify({ events }),
    });
    await countResults(res, events.length);
  };

  /** A URL on the app proxy, signed as Shopify signs what it forwards. */
  const proxyUrl = (path: string, params: Array<[string, string]>) => {
    const pairs: Array<[string, string]> = [
      ["shop", options.shopDomain],
      ["path_prefix", "/apps/moments"],
      ["timestamp", String(Math.floor(Date.now() / 1000))],
      ["logged_in_customer_id", ""],
      ...params,
    ];
    const message = [...pairs]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join("");
    const q = new URLSearchParams(pairs);
    q.append("signature", createHmac("sha256", options.secret).update(message).digest("hex"));
    return `${options.baseUrl}${path}?${q}`;
  };

  /** The storefront's own tracker, in a window whose beacons post to the app proxy; await `beacon` after flushing. */
  const storefrontTracker = (base: Parameters<typeof createTracker>[2]) => {
    const beacon: Array<Promise<void>> = [];
    const fakeWindow = {
      navigator: {
        sendBeacon: (url: string, blob: Blob) => {
          beacon.push(
            blob.text().then((body) =>
              fetch(url, {
                method: "POST",
                headers: { "Content-Type": "application/json", "User-Agent": BROWSER_UA },
                body,
              }).then((res) => countResults(res, (JSON.parse(body) as { events: unknown[] }).events.length)),
            ),
          );
          return true;
        },
      },
      addEventListener: () => {},
      document: { addEventListener: () => {}, visibilityState: "visible" },
      fetch,
    } as unknown as Window;
    return { tracker: createTracker(fakeWindow, proxyUrl("/proxy/events", []), base, 3_600_000), beacon };
  };

  /** The input Shopify signs for the post-purchase extension: the purchase as it is before the upsell. */
  const postPurchaseInput = (lines: OrderLine[], checkoutToken: string, country: string) => ({
    extensionPoint: "Checkout::PostPurchase::ShouldRender",
    initialPurchase: {
      referenceId: checkoutToken,
      destinationCountryCode: country,
      totalPriceSet: {
        shopMoney: { amount: shopAmount(lines.reduce((s, l) => s + l.final, 0)), currencyCode: CURRENCY },
        presentmentMoney: { amount: shopAmount(lines.reduce((s, l) => s + l.final, 0)), currencyCode: CURRENCY },
      },
      lineItems: lines.map((l) => ({
        product: {
          id: numericTail(l.variant.productId),
          title: l.variant.title,
          variant: { id: numericTail(l.variant.variantId), title: l.variant.title },
        },
        quantity: l.quantity,
        totalPriceSet: {
          shopMoney: { amount: shopAmount(l.final), currencyCode: CURRENCY },
          presentmentMoney: { amount: shopAmount(l.final), currencyCode: CURRENCY },
        },
      })),
    },
    locale: "en",
    shop: { id: 1, domain: options.shopDomain, metafields: [] },
    version: "unstable",
  });

  const signPostPurchase = (input: ReturnType<typeof postPurchaseInput>) => {
    const nowSec = Math.floor(Date.now() / 1000);
    return new SignJWT({ input_data: input, dest: options.shopDomain, aud: options.apiKey })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt(nowSec - 10)
      .setExpirationTime(nowSec + 300)
      .sign(new TextEncoder().encode(options.secret));
  };

  const postPurchase = async (token: string, path: string, body: unknown) => {
    const res = await fetch(`${options.baseUrl}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "User-Agent": BROWSER_UA },
      body: JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as PostPurchaseAnswer;
    if (res.status !== 200) problem(`${path}: HTTP ${res.status} ${json.error ?? ""}`);
    return json;
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
      if (res.status !== 200 && webhookFailures.length < 10)
        webhookFailures.push(`${topic} HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
      if (k === 0 && res.status !== 200) return false;
    }
    return true;
  };

  let nextOrder = 0;
  const orderBody = (orderId: number, lines: OrderLine[], attrs: OrderAttrs & { test: boolean }) => {
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
   * order arrives), maybe delivered twice, maybe shadowed by a test order, each drawn from the
   * buyer's `random`. Returns its net revenue.
   */
  const placeOrder = async (lines: OrderLine[], attrs: OrderAttrs, random: () => number) => {
    const orderId = 5_000_000_000 + (options.seed % 1000) * 1_000_000 + nextOrder++;
    const body = orderBody(orderId, lines, { ...attrs, test: false });
    const total = lines.reduce((s, l) => s + l.final, 0);
    const cancel = random() < truth.cancelRate;
    const refundLines = cancel
      ? []
      : lines.flatMap((l, j) =>
          random() < truth.refundRate ? [{ j, amount: Math.floor(l.final * truth.refundShare) }] : [],
        );
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
    if (refund && late && (await webhook("refunds/create", refund, random() < truth.duplicateRate))) tally.refunds++;
    if (!(await webhook("orders/create", body, random() < truth.duplicateRate)))
      return { orderId: body.admin_graphql_api_id, net: 0 };
    tally.orders++;
    if (refund && !late && (await webhook("refunds/create", refund, random() < truth.duplicateRate))) tally.refunds++;
    if (
      cancel &&
      (await webhook(
        "orders/cancelled",
        { ...body, cancelled_at: new Date(attrs.at + 3600_000).toISOString(), cancel_reason: "customer" },
        random() < truth.duplicateRate,
      ))
    )
      tally.cancelled++;
    if (random() < truth.testOrderRate) {
      const testId = 9_000_000_000 + (options.seed % 1000) * 1_000_000 + nextOrder++;
      if (
        await webhook(
          "orders/create",
          orderBody(testId, lines, { ...attrs, checkoutToken: `test-${attrs.checkoutToken}`, test: true }),
          false,
        )
      )
        tally.testOrders++;
    }
    const net = cancel ? 0 : total - refundLines.reduce((s, r) => s + r.amount, 0);
    ledger.addNet(attrs.journeyKey, net);
    ledger.addNet(attrs.checkoutToken, net);
    return { orderId: body.admin_graphql_api_id, net };
  };

  return {
    counts,
    webhookFailures,
    tally,
    postCheckoutEvents,
    proxyUrl,
    storefrontTracker,
    postPurchaseInput,
    signPostPurchase,
    postPurchase,
    placeOrder,
  };
}
