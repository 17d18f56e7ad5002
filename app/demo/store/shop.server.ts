import type { Shop } from "@prisma/client";
import { isDemo } from "~/env.server";
import { requireShop } from "~/shop-context.server";
import { CartStore, type Cart } from "./cart.server";

/**
 * The one gate of the demo storefront and of its stand-in for Shopify's app proxy: in demo mode it
 * is the demo shop (`requireShop`, the one place that decides who the merchant is); in real mode
 * every one of these routes is a 404, so nothing here signs, serves or stores anything for a
 * real shop.
 */
export async function demoStoreShop(request: Request): Promise<Shop> {
  if (!isDemo()) throw new Response("Not found", { status: 404 });
  return (await requireShop(request)).shop;
}

/** The demo storefront's carts (one process, one demo shop). */
export const carts = new CartStore();

/** The cookie Shopify finds a cart by; readable by scripts, as Shopify's is. */
const CART_COOKIE = "cart";
export const STORE_COOKIE_PATH = "/demo/store";

export function cartOf(request: Request): Cart {
  const m = /(?:^|;\s*)cart=([a-f0-9]{32})(?:;|$)/.exec(request.headers.get("cookie") ?? "");
  return carts.get(m?.[1]);
}

export const cartCookie = (cart: Cart) =>
  `${CART_COOKIE}=${cart.token}; Path=${STORE_COOKIE_PATH}; Max-Age=1209600; SameSite=Lax`;
