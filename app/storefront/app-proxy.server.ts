import { authenticate } from "~/shopify.server";

/** Shopify signs app proxy requests with a timestamp; older (or future) ones are replays. */
export const APP_PROXY_TOLERANCE_SEC = 90;

export type ProxyAuth = { ok: true; shop: string; customerId: string | null } | { ok: false; response: Response };

const refuse = (reason: string): ProxyAuth => ({
  ok: false,
  response: new Response(reason, { status: 401, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } }),
});

/**
 * Verifies an app proxy request's `signature` (hex HMAC-SHA256 of the sorted query, with the app
 * secret) through `authenticate.public.appProxy`. The library answers 400 for a missing, forged
 * or stale signature; for the storefront every one of those is unauthorized, so each gets 401.
 * The timestamp window is checked here too, so it holds whatever the library version does.
 */
export async function verifyAppProxy(request: Request, nowMs = Date.now()): Promise<ProxyAuth> {
  const q = new URL(request.url).searchParams;
  if (!q.get("signature")) return refuse("Missing app proxy signature");
  const shop = q.get("shop");
  if (!shop || !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) return refuse("Missing or invalid shop");
  const ts = Number(q.get("timestamp"));
  if (!Number.isInteger(ts) || Math.abs(nowMs / 1000 - ts) > APP_PROXY_TOLERANCE_SEC) return refuse("Stale or missing timestamp");
  try {
    await authenticate.public.appProxy(request);
  } catch (error) {
    if (error instanceof Response) return refuse("Invalid app proxy signature");
    throw error;
  }
  return { ok: true, shop, customerId: q.get("logged_in_customer_id") || null };
}
