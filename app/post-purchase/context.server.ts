import type { Shop } from "@prisma/client";
import { db } from "~/db.server";
import { env } from "~/env.server";
import type { AppCredentials } from "./changeset.server";
import { purchaseFromInput, type Purchase } from "./offer.server";
import { jsonError, verifyPostPurchaseToken, type VerifiedPostPurchase } from "./token.server";

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
