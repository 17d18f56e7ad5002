import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Payload } from "@moments/engine";
import { decideStorefront, StorefrontQuery } from "~/storefront/offers.server";
import { ROOT } from "../paths";
import { BROWSER_UA } from "../server";
import { BEANIE, JACKET, KIT, SCARF, SHOP } from "./fixture";

/**
 * A local storefront that loads the theme app extension's BUILT assets the way a theme renders
 * the blocks: the config snippet's JSON, the embed's settings JSON and a deferred script. It plays
 * Shopify's part too: the Cart AJAX API (/cart.js, /cart/add.js, /cart/change.js, /cart/update.js)
 * on an in-memory cart with its attributes, and the app proxy (/apps/moments/*), either signing and forwarding to the app like
 * Shopify does, or deciding in process. What the page sends is recorded for the tests.
 */
const ASSETS = path.join(ROOT, "extensions/moments-theme/assets");
const LOCALE = JSON.parse(
  readFileSync(path.join(ROOT, "extensions/moments-theme/locales/en.default.json"), "utf8"),
) as {
  moments: Record<string, string>;
};

const CATALOG: Record<number, { product: number; price: number; vendor: string; title: string }> = {
  [JACKET.variant]: { product: JACKET.product, price: JACKET.cents, vendor: "Northwind", title: "Rain jacket" },
  [KIT.variant]: { product: KIT.product, price: 1900, vendor: "Northwind", title: "Care kit" },
  [BEANIE.variant]: { product: BEANIE.product, price: 2500, vendor: "Northwind", title: "Beanie" },
  [SCARF.variant]: { product: SCARF.product, price: 3500, vendor: "Northwind", title: "Scarf" },
};

interface CartItem {
  product_id: number;
  variant_id: number;
  quantity: number;
  price: number;
  vendor: string;
  properties: Record<string, string> | null;
}

export type OffersHandler = (query: URLSearchParams) => Promise<{ status: number; body: string }>;

/** Shopify's app proxy: adds shop, path_prefix, timestamp, logged_in_customer_id and the signature. */
export function signedProxyQuery(
  params: Record<string, string>,
  secret: string,
  nowSec = Math.floor(Date.now() / 1000),
): URLSearchParams {
  const all: Record<string, string> = {
    ...params,
    shop: SHOP,
    path_prefix: "/apps/moments",
    timestamp: String(nowSec),
    logged_in_customer_id: "",
  };
  const message = Object.keys(all)
    .sort()
    .map((k) => `${k}=${all[k]}`)
    .join("");
  return new URLSearchParams({ ...all, signature: createHmac("sha256", secret).update(message).digest("hex") });
}

export const forwardToApp =
  (appUrl: string, secret: string, subpath = "offers"): OffersHandler =>
  async (query) => {
    const signed = signedProxyQuery(Object.fromEntries(query), secret);
    const res = await fetch(`${appUrl}/proxy/${subpath}?${signed}`, {
      headers: { "User-Agent": BROWSER_UA, Accept: "application/json" },
    });
    return { status: res.status, body: await res.text() };
  };

export const decideInProcess =
  (payload: Payload): OffersHandler =>
  async (query) => {
    const q = StorefrontQuery.safeParse(Object.fromEntries(query));
    if (!q.success) return { status: 400, body: JSON.stringify({ error: q.error.issues[0]?.message }) };
    return { status: 200, body: JSON.stringify(decideStorefront(payload, q.data, Date.now())) };
  };

export interface EmbedSettings {
  exit?: boolean;
  xsell?: "drawer" | "popup" | "off";
  grace?: number;
  dwell?: number;
  hidden?: number;
}

export interface StorefrontServer {
  url: string;
  /** Bodies POSTed to /cart/add.js, in order. */
  adds: Array<{ items: Array<{ id: number; quantity: number; properties?: Record<string, string> }> }>;
  /** Every event batch the page sent to /apps/moments/events (sendBeacon). */
  beacons: Array<{ events: Array<Record<string, unknown>> }>;
  /** Query of every /apps/moments/offers request. */
  offerRequests: URLSearchParams[];
  /** Bodies POSTed to /cart/update.js, in order. */
  cartUpdates: Array<{ attributes?: Record<string, string> }>;
  /** The cart's attributes as Shopify keeps them (they become the order's note attributes). */
  cartAttributes: () => Record<string, string>;
  setCart: (items: CartItem[], attributes?: Record<string, string>) => void;
  embed: EmbedSettings;
  close: () => Promise<void>;
}

export const jacketInCart = (): CartItem[] => [
  {
    product_id: JACKET.product,
    variant_id: JACKET.variant,
    quantity: 1,
    price: JACKET.cents,
    vendor: "Northwind",
    properties: null,
  },
];

const THEME_CSS = `
  *{box-sizing:border-box} body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fafafa}
  header,footer{padding:1rem 2rem;background:#fff;border-bottom:1px solid #ddd}
  main{max-width:60rem;margin:0 auto;padding:2rem}
  .hero{display:block;width:100%;height:auto;aspect-ratio:16/9;background:#dde}
  .buy{padding:.75rem 1.5rem;font:inherit;background:#1a1a1a;color:#fff;border:0;border-radius:4px}
`;
const HERO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720" viewBox="0 0 1280 720"><rect width="1280" height="720" fill="#cfd8e3"/><circle cx="640" cy="360" r="200" fill="#8aa1bd"/></svg>`;

const TAGS: Record<number, [string[], number[]]> = { [JACKET.product]: [["outerwear", "waterproof"], [501]] };

function page(
  kind: "product" | "cart" | "checkout",
  embed: EmbedSettings | null,
  withBlock: boolean,
  cart: CartItem[],
  attributes: Record<string, string>,
): string {
  const t = LOCALE.moments;
  const config = {
    proxy: "/apps/moments",
    root: "/",
    cur: "EUR",
    loc: "en",
    country: "DE",
    ret: false,
    ctags: [],
    pc: TAGS,
    // snippets/moments-config.liquid renders the cart's lines with their products' tags and collections.
    cart: cart.map((i) => [
      i.product_id,
      i.variant_id,
      i.quantity,
      i.price,
      i.vendor,
      i.properties?._moments_offer ?? "",
      ...(TAGS[i.product_id] ?? [[], []]),
    ]),
    jk: attributes._moments_journey ?? "",
    css: "/assets/moments.css",
    t: { close: t.close, noThanks: t.no_thanks, add: t.add, endsIn: t.ends_in, error: t.error },
  };
  // What blocks/moments-embed.liquid and snippets/moments-config.liquid render.
  const embedHtml = embed
    ? `<script type="application/json" data-moments-config>${JSON.stringify(config)}</script>
<script type="application/json" data-moments-embed>${JSON.stringify(embed)}</script>
<script src="/assets/moments.js" defer></script>`
    : "";
  // What blocks/cart-cross-sell.liquid renders.
  const blockHtml = withBlock
    ? `<script type="application/json" data-moments-config>${JSON.stringify(config)}</script>
<div class="moments-cart" data-moments-cart data-reload="false" style="min-height: 260px"></div>
<script src="/assets/moments.js" defer></script>`
    : "";
  const paragraphs = Array.from(
    { length: 30 },
    (_, i) =>
      `<p>Paragraph ${i + 1}. Waxed cotton, taped seams and a hood that stays put in the wind; made to last for years of rainy commutes.</p>`,
  ).join("\n");
  const body =
    kind === "cart"
      ? `<h1>Your cart</h1><p>Rain jacket × 1 — €129.00</p>${blockHtml}<p><a href="/checkouts/c1">Check out</a></p>`
      : kind === "checkout"
        ? `<h1>Checkout</h1><p>Contact, delivery, payment.</p>${paragraphs}`
        : `<h1>Rain jacket</h1>
<img class="hero" src="/hero.svg" width="1280" height="720" alt="Rain jacket">
<p>€129.00</p>
<button class="buy" type="button" id="buy">Add to cart</button>
${paragraphs}
<script>
  document.getElementById("buy").addEventListener("click", () =>
    fetch("/cart/add.js", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ items: [{ id: ${JACKET.variant}, quantity: 1 }] }) }));
</script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="A local storefront page for the Moments theme app extension.">
<title>Rain jacket – Storefront test</title>
<style>${THEME_CSS}</style>
</head>
<body>
<header><a href="/">Storefront test</a> · <a href="/cart">Cart</a></header>
<main>
${body}
</main>
<footer>© Storefront test</footer>
${embedHtml}
</body>
</html>`;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = "";
    req.on("data", (c: Buffer) => (s += c.toString()));
    req.on("end", () => resolve(s));
  });

export async function startStorefront(
  offers: OffersHandler,
  embed: EmbedSettings = { exit: true, xsell: "drawer", grace: 300, dwell: 300, hidden: 1000 },
): Promise<StorefrontServer> {
  let cart: CartItem[] = jacketInCart();
  let attributes: Record<string, string> = {};
  const state: Omit<StorefrontServer, "url" | "close"> = {
    adds: [],
    beacons: [],
    offerRequests: [],
    cartUpdates: [],
    cartAttributes: () => ({ ...attributes }),
    setCart: (items, attrs = {}) => {
      cart = items;
      attributes = { ...attrs };
    },
    embed,
  };
  const cartJson = () => JSON.stringify({ currency: "EUR", item_count: cart.length, items: cart, attributes });
  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
    res.end(body);
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const p = url.pathname;
    try {
      if (p === "/assets/moments.js" || p === "/assets/moments.css") {
        // Shopify's CDN serves extension assets cacheable for a long time.
        res.writeHead(200, {
          "Content-Type": p.endsWith(".js") ? "text/javascript" : "text/css",
          "Cache-Control": "public, max-age=31536000",
        });
        return res.end(readFileSync(path.join(ASSETS, path.basename(p))));
      }
      if (p === "/hero.svg") return send(res, 200, "image/svg+xml", HERO_SVG);
      // Product images, as a shop's CDN serves them (the demo's illustrations).
      const image = /^\/demo-products\/([a-z-]+\.svg)$/.exec(p);
      if (image)
        return send(res, 200, "image/svg+xml", readFileSync(path.join(ROOT, "public/demo-products", image[1]!)));
      if (p === "/cart.js") return send(res, 200, "application/json", cartJson());
      if (p === "/cart/update.js" && req.method === "POST") {
        const body = JSON.parse(await readBody(req)) as StorefrontServer["cartUpdates"][number];
        state.cartUpdates.push(body);
        // Shopify's Cart API: a blank value removes the attribute, others are set; the cart comes back.
        for (const [k, v] of Object.entries(body.attributes ?? {})) {
          if (v === "" || v === null) delete attributes[k];
          else attributes[k] = String(v);
        }
        return send(res, 200, "application/json", cartJson());
      }
      if (p === "/cart/add.js" && req.method === "POST") {
        const body = JSON.parse(await readBody(req)) as StorefrontServer["adds"][number];
        state.adds.push(body);
        for (const it of body.items) {
          const v = CATALOG[it.id];
          if (!v)
            return send(
              res,
              422,
              "application/json",
              JSON.stringify({ status: 422, description: "Variant not found" }),
            );
          cart.push({
            product_id: v.product,
            variant_id: it.id,
            quantity: it.quantity,
            price: v.price,
            vendor: v.vendor,
            properties: it.properties ?? null,
          });
        }
        return send(res, 200, "application/json", JSON.stringify({ items: body.items }));
      }
      if (p === "/cart/change.js" && req.method === "POST")
        return send(res, 200, "application/json", JSON.stringify({ items: cart }));
      if (p === "/apps/moments/offers") {
        state.offerRequests.push(url.searchParams);
        const r = await offers(url.searchParams);
        return send(res, r.status, "application/json", r.body);
      }
      if (p === "/apps/moments/events" && req.method === "POST") {
        state.beacons.push(JSON.parse(await readBody(req)) as StorefrontServer["beacons"][number]);
        return send(res, 200, "application/json", "{}");
      }
      const withEmbed = url.searchParams.get("embed") !== "0";
      if (p === "/" || p.startsWith("/products/"))
        return send(
          res,
          200,
          "text/html; charset=utf-8",
          page("product", withEmbed ? state.embed : null, false, cart, attributes),
        );
      if (p === "/cart")
        return send(
          res,
          200,
          "text/html; charset=utf-8",
          page("cart", withEmbed ? state.embed : null, url.searchParams.get("block") !== "0", cart, attributes),
        );
      if (p.startsWith("/checkouts/") || p === "/checkout")
        return send(res, 200, "text/html; charset=utf-8", page("checkout", state.embed, false, cart, attributes));
      return send(res, 404, "text/plain", "not found");
    } catch (error) {
      return send(res, 500, "text/plain", String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ...state,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
