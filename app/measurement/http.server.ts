import { decodeJwt } from "jose";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { authenticate } from "~/shopify.server";
import { EventBatch, type EventResult } from "./contract";
import { ingestEvents } from "./ingest.server";

/**
 * The HTTP side of ingestion shared by /api/events and /proxy/events: the body (JSON, or the
 * text/plain JSON sendBeacon posts) holds `{ events: [...] }`; the shop is the one the caller
 * authenticated, never one named in the body.
 */
export type BatchOutcome = { status: 200; body: { results: EventResult[] } } | { status: 400 | 404 | 413; body: { error: string } };

/**
 * server.mjs refuses a larger body while it streams in (before anything buffers it); this is the
 * same bound again for any other way the handler is reached (the Vite dev server).
 */
export const MAX_BODY_BYTES = 64 * 1024;

export async function ingestRequest(request: Request, shopDomain: string, now = new Date()): Promise<BatchOutcome> {
  const text = await request.text();
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
  const shop = await db().shop.findUnique({ where: { domain: shopDomain }, select: { id: true, uninstalledAt: true } });
  if (!shop || shop.uninstalledAt) return { status: 404, body: { error: `shop ${shopDomain} is not installed` } };
  return { status: 200, body: { results: await ingestEvents(db(), shop.id, batch.data.events, now) } };
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

/**
 * `authenticate.public.checkout` with the audience checked: the library verifies the signature and
 * the dates but skips `aud` for extension tokens (`checkAudience: false`, shopify-api-js #955).
 * Other JWTs are signed with the same app secret (the post-purchase changesets this app signs,
 * input tokens), so only `aud` = the app's API key, which Shopify sets on every checkout session
 * token, makes one a session token for this app; missing or different is a 401 with the reason.
 */
export async function authenticateCheckout(request: Request) {
  const context = await authenticate.public.checkout(request);
  const aud = context.sessionToken.aud as unknown;
  const audiences = Array.isArray(aud) ? aud : aud === undefined ? [] : [aud];
  if (!audiences.includes(env().SHOPIFY_API_KEY)) {
    const reason = aud === undefined ? "session token has no aud claim" : "session token aud is not this app's API key";
    throw context.cors(Response.json({ error: reason }, { status: 401 }));
  }
  return context;
}
