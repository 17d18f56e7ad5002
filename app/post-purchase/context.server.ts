import type { Shop } from "@prisma/client";
import { db } from "~/db.server";
import { env } from "~/env.server";
import type { AppCredentials } from "./changeset.server";
import { purchaseFromInput, type Purchase } from "./offer.server";
import { CORS_HEADERS, jsonError, verifyPostPurchaseToken, type VerifiedPostPurchase } from "./token.server";

export interface PostPurchaseContext {
  shop: Shop;
  verified: VerifiedPostPurchase;
  purchase: Purchase;
}

/** The verified purchase and its installed shop, or a thrown 4xx JSON Response (with CORS). */
export async function requirePostPurchase(request: Request): Promise<PostPurchaseContext> {
  const verified = await verifyPostPurchaseToken(request);
  const shop = await db().shop.findUnique({ where: { domain: verified.shopDomain } });
  if (!shop || shop.uninstalledAt) throw jsonError(403, "shop is not installed");
  let purchase: Purchase;
  try {
    purchase = purchaseFromInput(verified.input);
  } catch (error) {
    throw jsonError(400, error instanceof Error ? error.message : "unreadable purchase");
  }
  return { shop, verified, purchase };
}

export function appCredentials(): AppCredentials {
  const e = env();
  return { apiKey: e.SHOPIFY_API_KEY, secret: e.SHOPIFY_API_SECRET };
}

/** Reads a JSON body; an empty body is `{}`, anything unparsable a 400. */
export async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw jsonError(400, "body is not JSON");
  }
}

/** GET and the other methods of a post-purchase endpoint: the CORS preflight, else 405. */
export const postPurchaseLoader = ({ request }: { request: Request }) =>
  request.method === "OPTIONS"
    ? new Response(null, { status: 204, headers: CORS_HEADERS })
    : jsonError(405, "use POST");

/**
 * A post-purchase endpoint's POST: the preflight and 405 as in postPurchaseLoader, then the
 * verified purchase and its JSON body for `work`.
 */
export async function postPurchaseAction(
  request: Request,
  work: (context: PostPurchaseContext, body: unknown) => Promise<Response>,
): Promise<Response> {
  if (request.method !== "POST") return postPurchaseLoader({ request });
  const context = await requirePostPurchase(request);
  return work(context, await jsonBody(request));
}
