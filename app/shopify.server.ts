import "@shopify/shopify-app-remix/adapters/node";
import { type ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { db } from "./db.server";
import { env } from "./env.server";
import { SHOPIFY_API_VERSION } from "./lib/api-version";

function createShopifyApp() {
  const e = env();
  return shopifyApp({
    apiKey: e.SHOPIFY_API_KEY,
    apiSecretKey: e.SHOPIFY_API_SECRET,
    apiVersion: SHOPIFY_API_VERSION as ApiVersion,
    scopes: e.SCOPES.split(","),
    appUrl: e.SHOPIFY_APP_URL,
    authPathPrefix: "/auth",
    sessionStorage: new PrismaSessionStorage(db()),
    distribution: AppDistribution.AppStore,
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
    ...(e.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [e.SHOP_CUSTOM_DOMAIN] } : {}),
  });
}

type ShopifyApp = ReturnType<typeof createShopifyApp>;
let instance: ShopifyApp | undefined;

/** Built on first use so that importing a route never reads env before start-up validation. */
export function shopify(): ShopifyApp {
  instance ??= createShopifyApp();
  return instance;
}

export const authenticate = {
  admin: (request: Request) => shopify().authenticate.admin(request),
  webhook: (request: Request) => shopify().authenticate.webhook(request),
  public: {
    checkout: (request: Request) => shopify().authenticate.public.checkout(request),
    appProxy: (request: Request) => shopify().authenticate.public.appProxy(request),
  },
};

export const addDocumentResponseHeaders = (request: Request, headers: Headers) =>
  shopify().addDocumentResponseHeaders(request, headers);
export const login = (request: Request) => shopify().login(request);
