import { db } from "~/db.server";
import { getPublishedPayload } from "~/publish/publish.server";
import { productByHandle, STORE_PRODUCTS } from "./catalog";
import { cartLiquid, priceCart, productLiquid } from "./cart-view.server";
import { cartOf, demoStoreShop } from "./shop.server";
import { extensionAsset, renderStorePage, STORE_ROOT, type StoreTemplate } from "./theme.server";

/**
 * The demo storefront's pages (home, product, cart) and the extension's assets, in demo mode only.
 * A guest buyer in Germany reading English, in the shop's currency: what Liquid's `customer`,
 * `localization` and `request` say on a real store for such a visitor.
 */
const LOCALE = "en";
const COUNTRY = "DE";

const ROUTES = {
  root_url: STORE_ROOT,
  cart_url: `${STORE_ROOT}/cart`,
  cart_add_url: `${STORE_ROOT}/cart/add`,
  cart_change_url: `${STORE_ROOT}/cart/change`,
  cart_update_url: `${STORE_ROOT}/cart/update`,
  cart_clear_url: `${STORE_ROOT}/cart/clear`,
  all_products_collection_url: STORE_ROOT,
};

const html = (body: string, status = 200) =>
  new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });

/**
 * Where "Check out" goes: Shopify's checkout is not part of the demo, so the cart continues in the
 * buyer-journey simulator with its items and this browser's journey key (the cart attribute the
 * script wrote), which decides the same experiment arms there.
 */
function checkoutUrl(cart: ReturnType<typeof cartOf>, currency: string, items: string[]): string {
  const q = new URLSearchParams();
  for (const key of new Set(items)) q.append("item", key);
  q.set("currency", currency);
  q.set("country", COUNTRY);
  q.set("locale", LOCALE);
  const journey = cart.attributes._moments_journey;
  if (journey) q.set("buyer", journey);
  return `/demo/journey?${q}`;
}

export async function storePageResponse(request: Request, template: StoreTemplate, handle?: string): Promise<Response> {
  const shop = await demoStoreShop(request);
  const product = handle === undefined ? undefined : productByHandle(handle);
  if (template === "product" && !product) throw new Response("Not found", { status: 404 });
  const cart = cartOf(request);
  const priced = priceCart(cart, shop.currency, await getPublishedPayload(db(), shop.id), Date.now());
  const globals: Record<string, unknown> = {
    shop: { name: shop.name, currency: shop.currency },
    cart: cartLiquid(priced, STORE_ROOT),
    routes: ROUTES,
    request: { locale: { iso_code: LOCALE }, path: new URL(request.url).pathname, page_type: template },
    localization: { country: { iso_code: COUNTRY } },
    customer: null,
    collections: { all: { products: STORE_PRODUCTS.map((p) => productLiquid(p, shop.currency, STORE_ROOT)) } },
    demo: {
      checkout_url: checkoutUrl(
        cart,
        shop.currency,
        priced.lines.map((l) => l.variant.key),
      ),
      journey_url: "/demo/journey",
      admin_url: "/app",
    },
  };
  if (product) globals.product = productLiquid(product, shop.currency, STORE_ROOT);
  const title = product ? product.title : template === "cart" ? "Your cart" : "Shop all";
  return html(
    await renderStorePage(template, { locale: LOCALE, currency: shop.currency, globals }, `${title} · ${shop.name}`),
  );
}

/** `/demo/store/assets/<file>`: the extension's built asset as it is on disk. */
export async function storeAssetResponse(request: Request, file: string): Promise<Response> {
  await demoStoreShop(request);
  const asset = extensionAsset(file);
  if (!asset) return new Response("Not found", { status: 404 });
  return new Response(asset.body, {
    headers: { "Content-Type": asset.type, "Cache-Control": "no-cache", ETag: `"${asset.version}"` },
  });
}
