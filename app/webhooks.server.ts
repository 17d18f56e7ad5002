import type { Prisma } from "@prisma/client";
import { isDatabaseBusy, isRetryableConflict, isUniqueViolation } from "~/lib/sql.server";
import { db } from "./db.server";
import { DecimalFormatError } from "./lib/decimal";
import { refusalStatus } from "./lib/errors";
import { cleanText } from "./measurement/contract";
import { authenticate } from "./shopify.server";

type Tx = Prisma.TransactionClient;
export interface WebhookDelivery {
  shop: string;
  topic: string;
  webhookId: string;
  payload: unknown;
}

/** The topics Moments subscribes to (shopify.app.toml), each served by its own route. */
export type WebhookTopic =
  | "app/uninstalled"
  | "app/scopes_update"
  | "app_subscriptions/update"
  | "orders/create"
  | "orders/cancelled"
  | "refunds/create"
  | "customers/data_request"
  | "customers/redact"
  | "shop/redact";

/**
 * Prisma's default (5 s) is too short for the largest work: a customers/redact naming 50,000 orders
 * runs ~300 bounded statements (about 4 s on SQLite). Shopify waits 5 s for an answer and retries
 * on timeout, which the delivery record makes harmless.
 */
const TRANSACTION_TIMEOUT_MS = 30_000;
/** Tries of a delivery whose transaction met a deadlock or serialization conflict. */
const CONFLICT_ATTEMPTS = 3;

/** "orders/create", "ORDERS_CREATE" (the library's form) and "orders.create" compare equal. */
const topicKey = (topic: string) => topic.trim().toUpperCase().replace(/[/.]/g, "_");

/**
 * The HMAC covers the body only: X-Shopify-Topic is not signed, so a captured signed body could be
 * posted to any webhook route with any topic header. Each route accepts only its own topic.
 */
export function topicMatches(request: Request, topic: WebhookTopic): boolean {
  return topicKey(request.headers.get("x-shopify-topic") ?? "") === topicKey(topic);
}

const refuse = (topic: string, status: number, reason: string) => {
  // Shopify shows the answer in the app's webhook delivery log; the log line is for us.
  console.warn(`webhook ${topic} refused (${status}): ${reason}`);
  return new Response(reason, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
};

/**
 * Verifies a webhook (HMAC through the library) and that it is `topic`'s, then runs `work` once per
 * delivery id: the delivery is recorded in the same transaction as the work, so a redelivery
 * changes nothing. A signed body we cannot use (not JSON, wrong shape, "12,50", a date that is not
 * one) is a 400 with the reason and nothing done, never a 5xx: Shopify retries a 5xx, and the same
 * body would fail the same way every time.
 */
export async function handleWebhook(
  request: Request,
  topic: WebhookTopic,
  work: (tx: Tx, delivery: WebhookDelivery) => Promise<void>,
): Promise<Response> {
  // The library answers 400 for a missing signature; for us an unsigned request is unauthorized.
  if (!request.headers.get("x-shopify-hmac-sha256")) {
    return new Response("Missing X-Shopify-Hmac-Sha256", { status: 401 });
  }
  let verified: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    verified = await authenticate.webhook(request);
  } catch (error) {
    // The library parses the body only after the HMAC matched: a SyntaxError is a signed non-JSON body.
    if (error instanceof SyntaxError) return refuse(topic, 400, `Webhook body is not JSON: ${error.message}`);
    throw error;
  }
  const { shop, webhookId } = verified;
  if (!topicMatches(request, topic)) {
    return refuse(
      topic,
      400,
      `X-Shopify-Topic "${request.headers.get("x-shopify-topic")}" is not this endpoint's topic (${topic})`,
    );
  }
  const payload = sanitise(verified.payload, topic);
  const delivery = { shop, topic: String(verified.topic), webhookId, payload };
  try {
    // A deadlock or serialization conflict with a concurrent delivery (an order and its refund at
    // once, on PostgreSQL) is retried: the transaction left nothing behind.
    for (let attempt = 1; ; attempt++) {
      try {
        await db().$transaction(
          async (tx) => {
            await tx.webhookEvent.create({ data: { webhookId, shopDomain: shop, topic: delivery.topic } });
            await work(tx, delivery);
          },
          { timeout: TRANSACTION_TIMEOUT_MS },
        );
        break;
      } catch (error) {
        if (!isRetryableConflict(error) || attempt >= CONFLICT_ATTEMPTS) throw error;
      }
    }
  } catch (error) {
    if (isUniqueViolation(error)) {
      return new Response(null, { status: 200 }); // already processed: a redelivery
    }
    // Saturated, or still conflicting: Shopify delivers again later, and nothing was written.
    if (isDatabaseBusy(error) || isRetryableConflict(error)) {
      console.warn(`webhook ${topic}: database busy, answered 503: ${(error as Error).message.slice(-200)}`);
      return new Response("The database is busy: deliver again shortly.", {
        status: 503,
        headers: { "Retry-After": "5", "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    // Parse helpers refuse with InvalidInput and its reason; a bare amount error names the topic.
    if (error instanceof DecimalFormatError) return refuse(topic, 400, `Unexpected ${topic} payload: ${error.message}`);
    const status = refusalStatus(error);
    if (status !== null) return refuse(topic, status, (error as Error).message);
    throw error;
  }
  return new Response(null, { status: 200 });
}

/**
 * A signed payload is Shopify's data: a NUL (which PostgreSQL text refuses) or a lone surrogate in
 * some field must not cost an order or a redaction, so such characters are replaced (logged), not
 * refused. Events from buyers' browsers, unsigned, are refused instead (measurement/contract.ts).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function sanitise(payload: unknown, topic: string): unknown {
  let replaced = 0;
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") {
      if (cleanText(value)) return value;
      replaced++;
      return value.replaceAll("\u0000", "").replace(LONE_SURROGATE, "\uFFFD");
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [walk(k) as string, walk(v)]));
    }
    return value;
  };
  const clean = walk(payload);
  if (replaced) console.warn(`webhook ${topic}: ${replaced} string(s) with NUL or lone surrogates cleaned`);
  return clean;
}

export async function shopIdFor(tx: Tx, domain: string): Promise<string | null> {
  const shop = await tx.shop.findUnique({ where: { domain }, select: { id: true } });
  return shop?.id ?? null;
}
