import { decodeJwt } from "jose";
import { db } from "~/db.server";
import { EventBatch, type EventResult } from "./contract";
import { ingestEvents } from "./ingest.server";

/**
 * The HTTP side of ingestion shared by /api/events and /proxy/events: the body (JSON, or the
 * text/plain JSON sendBeacon posts) holds `{ events: [...] }`; the shop is the one the caller
 * authenticated, never one named in the body.
 */
export type BatchOutcome = { status: 200; body: { results: EventResult[] } } | { status: 400 | 404 | 413; body: { error: string } };

const MAX_BODY_BYTES = 256 * 1024;

export async function ingestRequest(request: Request, shopDomain: string, now = new Date()): Promise<BatchOutcome> {
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) return { status: 413, body: { error: `body: at most ${MAX_BODY_BYTES} bytes` } };
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
