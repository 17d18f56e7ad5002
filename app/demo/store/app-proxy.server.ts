import { createHmac } from "node:crypto";
import { env } from "~/env.server";
import { proxyEventsResponse } from "~/measurement/http.server";
import { storefrontOffersResponse } from "~/storefront/offers-response.server";
import { demoStoreShop } from "./shop.server";

/**
 * The demo's stand-in for Shopify's app proxy. On a real store the script asks
 * `https://<shop>/apps/moments/<path>` and Shopify forwards the request to the app's
 * `/proxy/<path>` ([app_proxy] in shopify.app.toml) with `shop`, `logged_in_customer_id`,
 * `path_prefix` and `timestamp` added and the whole query signed with the app secret. The demo's
 * origin plays the shop's domain, so `/apps/moments/<path>` is served here, in demo mode only, and
 * does what Shopify does, in process: the demo shop's parameters replace any the browser sent,
 * the query is signed with the app's secret, and the request goes to the same handler
 * `/proxy/<path>` runs, which verifies the signature as it does for Shopify's. The proxy routes
 * keep no unsigned way in, in either mode.
 */
export const APP_PROXY_PREFIX = "/apps/moments";

/** The parameters Shopify's proxy sets on the forwarded request (what the browser sent is dropped). */
const SHOPIFY_PARAMS = new Set(["shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature"]);

const HANDLERS: Record<string, { method: string; handle: (request: Request) => Promise<Response> }> = {
  offers: { method: "GET", handle: storefrontOffersResponse },
  events: { method: "POST", handle: proxyEventsResponse },
};

/**
 * Shopify's app proxy signature: hex HMAC-SHA256 with the app secret of every parameter as
 * `key=value` (values of a repeated key joined with ","), sorted, concatenated without separators.
 */
export function appProxySignature(params: URLSearchParams, secret: string): string {
  const values = new Map<string, string[]>();
  for (const [k, v] of params) if (k !== "signature") values.set(k, [...(values.get(k) ?? []), v]);
  const message = [...values]
    .map(([k, v]) => `${k}=${v.join(",")}`)
    .sort()
    .join("");
  return createHmac("sha256", secret).update(message).digest("hex");
}

/** `/apps/moments/<path>` on the demo store -> the app's `/proxy/<path>`, signed as Shopify signs it. */
export async function forwardAppProxy(request: Request, path: string, nowMs = Date.now()): Promise<Response> {
  const shop = await demoStoreShop(request);
  const route = HANDLERS[path];
  if (!route) return new Response("Not found", { status: 404 });
  if (request.method !== route.method) return Response.json({ error: `${route.method} only` }, { status: 405 });
  const incoming = new URL(request.url);
  const query = new URLSearchParams([...incoming.searchParams].filter(([k]) => !SHOPIFY_PARAMS.has(k)));
  query.append("shop", shop.domain);
  query.append("logged_in_customer_id", "");
  query.append("path_prefix", APP_PROXY_PREFIX);
  query.append("timestamp", String(Math.floor(nowMs / 1000)));
  query.append("signature", appProxySignature(query, env().SHOPIFY_API_SECRET));
  // Shopify forwards the method, the body and the headers, never the shop's cookies.
  const headers = new Headers(request.headers);
  headers.delete("cookie");
  const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
  return route.handle(
    new Request(`${incoming.origin}/proxy/${path}?${query}`, { method: request.method, headers, body }),
  );
}
