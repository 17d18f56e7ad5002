import { decodeJwt } from "jose";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { authenticate } from "~/shopify.server";
import { isDatabaseBusy, sql } from "~/lib/sql.server";
import { readDirect } from "~/lib/driver.server";
import { CORS_HEADERS, verifyPostPurchaseToken } from "~/post-purchase/token.server";
import { Overloaded, ShopNotInstalled } from "./commit-queue.server";
import { verifyCheckoutSessionToken } from "./session-token.server";
import { EventBatch, type EventResult } from "./contract";
import { ingestEvents } from "./ingest.server";
import { parseTurn } from "./parse-turns.server";
import { sharedRead } from "~/lib/shared-read";

/**
 * The HTTP side of ingestion shared by /api/events and /proxy/events: the body (JSON, or the
 * text/plain JSON sendBeacon posts) holds `{ events: [...] }`; the shop is the one the caller
 * authenticated, never one named in the body.
 */
export type BatchOutcome =
  | { status: 200; body: { results: EventResult[] } }
  | { status: 400 | 404 | 413; body: { error: string } }
  | { status: 503; body: { error: string }; retryAfterSeconds: number };

/**
 * server.mjs refuses a larger body while it streams in (before anything buffers it); this is the
 * same bound again for any other way the handler is reached (the Vite dev server).
 */
export const MAX_BODY_BYTES = 64 * 1024;

export async function ingestRequest(request: Request, shopDomain: string, now = new Date()): Promise<BatchOutcome> {
  const text = await request.text();
  await parseTurn();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return { status: 413, body: { error: `body: at most ${MAX_BODY_BYTES} bytes` } };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { status: 400, body: { error: "body: not JSON" } };
  }
  const batch = EventBatch.safeParse(json);
  if (!batch.success) {
    const issue = batch.error.issues[0]!;
    return { status: 400, body: { error: `${issue.path.join(".") || "body"}: ${issue.message}` } };
  }
  const notInstalled = { status: 404 as const, body: { error: `shop ${shopDomain} is not installed` } };
  try {
    for (let attempt = 1; ; attempt++) {
      const shop = await installedShop(shopDomain);
      if (!shop) return notInstalled;
      try {
        return { status: 200, body: { results: await ingestEvents(db(), shop.id, batch.data.events, now, shop) } };
      } catch (error) {
        // The remembered shop is gone: read it again once (installed again under a new id, or not).
        if (!(error instanceof ShopNotInstalled)) throw error;
        installedShops.delete(shopDomain);
        if (attempt >= 2) return notInstalled;
      }
    }
  } catch (error) {
    // Saturated, not broken: the client keeps its batch and sends it again after Retry-After.
    if (error instanceof Overloaded) return { status: 503, body: { error: error.message }, retryAfterSeconds: error.retryAfterSeconds };
    if (isDatabaseBusy(error)) return { status: 503, body: { error: "the database is busy: retry shortly" }, retryAfterSeconds: 2 };
    throw error;
  }
}

const SHOP_CACHE_MS = 5_000;
const SHOP_CACHE_MAX = 10_000;
const installedShops = new Map<string, { id: string; currency: string; until: number }>();

/**
 * The installed shop a request authenticated as, remembered for 5 s per process: a read per batch
 * was a round trip per request, while the commit that stores the batch checks the shop once per
 * transaction anyway (commit-queue.server.ts): a shop uninstalled, or deleted by shop/redact and
 * installed again under a new id, gets nothing stored under the remembered id, and the request a
 * 404 that drops the entry. A miss reads on the driver (one index lookup, no Prisma on the hot path).
 */
async function installedShop(domain: string): Promise<{ id: string; currency: string } | null> {
  const known = installedShops.get(domain);
  if (known && known.until > Date.now()) return known;
  return await sharedRead(shopReads, domain, () => readShop(domain));
}
const shopReads = new Map<string, Promise<{ id: string; currency: string } | null>>();

async function readShop(domain: string): Promise<{ id: string; currency: string } | null> {
  const [row] = await readDirect<{ id: string; currency: string; uninstalledAt: unknown }>(
    db(),
    sql`SELECT "id", "currency", "uninstalledAt" FROM "Shop" WHERE "domain" = ${domain}`,
  );
  if (!row || row.uninstalledAt !== null) {
    installedShops.delete(domain);
    return null;
  }
  if (installedShops.size >= SHOP_CACHE_MAX) installedShops.clear();
  const shop = { id: row.id, currency: row.currency, until: Date.now() + SHOP_CACHE_MS };
  installedShops.set(domain, shop);
  return shop;
}

const outcomeResponse = (outcome: BatchOutcome, headers: Record<string, string> = {}): Response =>
  Response.json(outcome.body, {
    status: outcome.status,
    headers: outcome.status === 503 ? { ...headers, "Retry-After": String(outcome.retryAfterSeconds) } : headers,
  });

/**
 * POST /api/events: checkout, thank-you and order-status extensions (checkout session token) and
 * the post-purchase page (its input token). Extensions call cross-origin: CORS on every answer.
 * Served by the route and, without Remix's per-request work, by server.mjs's hot path.
 */
export async function checkoutEventsResponse(request: Request): Promise<Response> {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
  if (request.method !== "POST") return Response.json({ error: "POST { events: [...] }" }, { status: 405, headers: CORS_HEADERS });
  if (isPostPurchaseToken(request)) {
    const verified = await verifyPostPurchaseToken(request);
    return outcomeResponse(await ingestRequest(request, verified.shopDomain), CORS_HEADERS);
  }
  const e = env();
  const checked = verifyCheckoutSessionToken(request.headers.get("authorization"), e.SHOPIFY_API_SECRET, e.SHOPIFY_API_KEY);
  // Extensions run on Shopify's origins: the same CORS answer the library gives them.
  const origin = request.headers.get("origin");
  const cors: Record<string, string> =
    origin && origin !== e.SHOPIFY_APP_URL
      ? { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Authorization, Content-Type", "Access-Control-Expose-Headers": "X-Shopify-API-Request-Failure-Reauthorize-Url" }
      : {};
  if (!checked.ok) return Response.json({ error: checked.reason }, { status: 401, headers: cors });
  return outcomeResponse(await ingestRequest(request, shopFromDest(checked.token.dest)), cors);
}

/**
 * POST /proxy/events: storefront events (in-cart, exit intent) through the app proxy. Shopify signs
 * the query, the shop comes from it; sendBeacon posts text/plain JSON, which ingestRequest reads.
 */
export async function proxyEventsResponse(request: Request): Promise<Response> {
  if (request.method !== "POST") return Response.json({ error: "POST { events: [...] }" }, { status: 405 });
  await authenticate.public.appProxy(request);
  const shop = new URL(request.url).searchParams.get("shop") ?? "";
  return outcomeResponse(await ingestRequest(request, shop));
}

/** `dest` of a session token ("https://shop.myshopify.com") -> "shop.myshopify.com". */
export function shopFromDest(dest: string): string {
  try {
    return new URL(dest.includes("://") ? dest : `https://${dest}`).hostname;
  } catch {
    return dest;
  }
}

/**
 * Post-purchase extensions authenticate with their `inputData.token` (it carries `input_data`),
 * the other checkout surfaces with a session token: which one is read without trusting it, then
 * verified by the matching check.
 */
export function isPostPurchaseToken(request: Request): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  if (!match) return false;
  try {
    return "input_data" in decodeJwt(match[1]!);
  } catch {
    return false;
  }
}
