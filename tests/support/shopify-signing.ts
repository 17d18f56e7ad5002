import { createHmac, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { TEST_API_KEY, TEST_API_SECRET } from "./server";

/** Query parameters as Shopify sends them to the app proxy, in order. */
export type ProxyPairs = Array<[string, string]>;

/**
 * The app proxy's signature as Shopify computes it: hex HMAC-SHA256 with the app secret over every
 * parameter as `key=value`, sorted by key, concatenated without separators.
 */
export const appProxySignature = (pairs: ProxyPairs, secret = TEST_API_SECRET) =>
  createHmac("sha256", secret)
    .update(
      [...pairs]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`)
        .join(""),
    )
    .digest("hex");

/** The post-purchase extension's `inputData` for one EUR line (Shopify's documented shape). */
export function postPurchaseInputData(
  shop: string,
  referenceId: string,
  item: { product: number; variant: number; title?: string; total?: string },
  customerId = 5100000001,
) {
  const total = item.total ?? "129.00";
  const eur = (amount: string) => ({
    shopMoney: { amount, currencyCode: "EUR" },
    presentmentMoney: { amount, currencyCode: "EUR" },
  });
  return {
    extensionPoint: "Checkout::PostPurchase::ShouldRender",
    initialPurchase: {
      referenceId,
      customerId,
      destinationCountryCode: "DE",
      totalPriceSet: eur(total),
      lineItems: [
        {
          product: {
            id: item.product,
            title: item.title ?? "Drill",
            variant: { id: item.variant, title: "Drill only" },
          },
          quantity: 1,
          totalPriceSet: eur(total),
        },
      ],
    },
    locale: "en",
    shop: { id: 1, domain: shop, metafields: [] },
    version: "unstable",
  };
}

/** What Shopify gives the post-purchase extension as `inputData.token`: HS256 with the app secret. */
export async function postPurchaseToken(
  shop: string,
  inputData: unknown,
  opts: { secret?: string; expiresIn?: number } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ input_data: inputData, dest: shop, aud: TEST_API_KEY })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(now - 10)
    .setExpirationTime(now + (opts.expiresIn ?? 300))
    .sign(new TextEncoder().encode(opts.secret ?? TEST_API_SECRET));
}

/**
 * An embedded admin session token as App Bridge issues it (HS256 with the app secret,
 * https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens), issued
 * `ageSeconds` ago: tokens live for a minute, so 3600 gives an expired one.
 */
export async function adminSessionToken(shop: string, ageSeconds = 0): Promise<string> {
  const now = Math.floor(Date.now() / 1000) - ageSeconds;
  return new SignJWT({ dest: `https://${shop}`, sid: randomUUID() })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`https://${shop}/admin`)
    .setAudience(TEST_API_KEY)
    .setSubject("4201")
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + 60)
    .sign(new TextEncoder().encode(TEST_API_SECRET));
}
