import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WireResponse } from "../packages/storefront/src/wire";
import { addItems, CartStore, changeLine, lineKey, updateCart, type Cart } from "~/demo/store/cart.server";
import { productByHandle } from "~/demo/store/catalog";
import { DEMO_SHOP_DOMAIN } from "~/shop-context.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { ROOT } from "./support/paths";
import { BROWSER_UA, demoModeEnv, startServer, type RunningServer } from "./support/server";

/**
 * The demo storefront's moving parts without a browser: its Cart AJAX API (in Shopify's shapes),
 * the theme pages as rendered from the extension's real Liquid and assets, and the stand-in for
 * Shopify's app proxy, which signs for the demo shop alone and leaves the proxy routes' own check
 * in place. The browser walk-through is tests/browser/demo-store.test.ts.
 */
const HEADSET = productByHandle("headset")!;
const HEADSET_BLACK = HEADSET.variants[0]!.id;
const CABLE = productByHandle("cable")!.variants[0]!.id; // 3 in stock
const emptyCart = (): Cart => ({ token: "t", lines: [], attributes: {}, note: "" });

describe("demo cart rules", () => {
  it("GIVEN the same variant with the same properties WHEN added twice THEN one line adds up; other properties make a second line", () => {
    const cart = emptyCart();
    addItems(cart, [{ id: HEADSET_BLACK, quantity: 1, properties: {} }]);
    addItems(cart, [{ id: HEADSET_BLACK, quantity: 2, properties: {} }]);
    addItems(cart, [{ id: HEADSET_BLACK, quantity: 1, properties: { _moments_offer: "o1" } }]);
    expect(cart.lines.map((l) => [l.variantId, l.quantity, l.properties])).toEqual([
      [HEADSET_BLACK, 3, {}],
      [HEADSET_BLACK, 1, { _moments_offer: "o1" }],
    ]);
    expect(lineKey(cart.lines[0]!)).not.toBe(lineKey(cart.lines[1]!));
  });

  it("GIVEN 3 cables in stock WHEN a fourth is added THEN 422 with Shopify's wording and the cart unchanged; an unknown variant is 422 too", () => {
    const cart = emptyCart();
    expect(addItems(cart, [{ id: CABLE, quantity: 3, properties: {} }])).toHaveLength(1);
    expect(addItems(cart, [{ id: CABLE, quantity: 1, properties: {} }])).toEqual({
      status: 422,
      message: "Cart Error",
      description: "All 3 Premium Braided Audio Cable are in your cart.",
    });
    expect(addItems(cart, [{ id: 42, quantity: 1, properties: {} }])).toMatchObject({
      status: 422,
      description: "Cannot find variant 42",
    });
    expect(cart.lines.map((l) => l.quantity)).toEqual([3]);
  });

  it("GIVEN two lines WHEN changed by key, by variant id and by position THEN each hits its line; quantity 0 removes; a missing line is 400", () => {
    const cart = emptyCart();
    addItems(cart, [
      { id: HEADSET_BLACK, quantity: 1, properties: {} },
      { id: CABLE, quantity: 1, properties: { _moments_offer: "o1" } },
    ]);
    expect(changeLine(cart, { id: lineKey(cart.lines[1]!), quantity: 2 })).toBeNull();
    expect(changeLine(cart, { id: String(HEADSET_BLACK), quantity: 4 })).toBeNull();
    expect(cart.lines.map((l) => l.quantity)).toEqual([4, 2]);
    expect(changeLine(cart, { line: 1, quantity: 0 })).toBeNull();
    expect(cart.lines.map((l) => l.variantId)).toEqual([CABLE]);
    expect(changeLine(cart, { line: 5, quantity: 1 })).toMatchObject({ status: 400 });
  });

  it("GIVEN cart attributes WHEN updated THEN values are set and a blank value removes one", () => {
    const cart = emptyCart();
    expect(updateCart(cart, { attributes: { _moments_journey: "jk-1", gift: "yes" } })).toBeNull();
    expect(updateCart(cart, { attributes: { gift: "" } })).toBeNull();
    expect(cart.attributes).toEqual({ _moments_journey: "jk-1" });
  });

  it("GIVEN a store of 3 carts WHEN a fourth is saved THEN the least recently used one is gone", () => {
    const store = new CartStore(3);
    const [a, b, c, d] = [store.get(null), store.get(null), store.get(null), store.get(null)];
    [a, b, c].forEach((x) => store.save(x!));
    store.get(a!.token); // a is used again: b is now the oldest
    store.save(d!);
    expect(store.size).toBe(3);
    expect(store.get(b!.token).token).not.toBe(b!.token);
    expect(store.get(a!.token)).toBe(a);
  });
});

let db: TestDatabase;
let server: RunningServer;
beforeAll(async () => {
  db = freshDatabase("demo-store-http");
  server = await startServer(demoModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

/** A visitor with a cookie jar of one cookie (the cart's). */
function visitor() {
  let cookie = "";
  return async (pathname: string, init: RequestInit = {}) => {
    const res = await fetch(server.url + pathname, {
      redirect: "manual",
      ...init,
      headers: { "User-Agent": BROWSER_UA, Cookie: cookie, ...init.headers },
    });
    const set = res.headers.get("set-cookie");
    if (set) cookie = set.split(";")[0]!;
    return res;
  };
}
const postJson = (body: unknown): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});
const configOf = (html: string) =>
  JSON.parse(/<script type="application\/json" data-moments-config>([\s\S]*?)<\/script>/.exec(html)![1]!) as Record<
    string,
    unknown
  >;

describe("the demo storefront over HTTP", () => {
  it("GIVEN a product page WHEN rendered THEN it carries the extension snippet's config, the embed with its schema defaults and the extension's own built script", async () => {
    const html = await (await visitor()("/demo/store/products/headset")).text();
    expect(configOf(html)).toMatchObject({
      proxy: "/apps/moments",
      root: "/demo/store/",
      cur: "EUR",
      loc: "en",
      country: "DE",
      ret: false,
      cart: [],
      jk: "",
      pc: { [HEADSET.id]: [["electronics", "audio"], [HEADSET.collections[0]!.id]] },
    });
    const embed = JSON.parse(
      /<script type="application\/json" data-moments-embed>([\s\S]*?)<\/script>/.exec(html)![1]!,
    );
    expect(embed).toEqual({ exit: true, xsell: "drawer", grace: 300, dwell: 3000, hidden: 5000 });
    const src = /<script src="([^"]+moments\.js[^"]*)" defer><\/script>/.exec(html)![1]!;
    const served = await visitor()(src);
    expect(served.headers.get("content-type")).toContain("javascript");
    expect(await served.text()).toBe(
      readFileSync(path.join(ROOT, "extensions/moments-theme/assets/moments.js"), "utf8"),
    );
    expect((await visitor()("/demo/store/assets/..%2Fblocks%2Fmoments-embed.liquid")).status).toBe(404);
    expect((await visitor()("/demo/store/products/no-such-thing")).status).toBe(404);
  });

  it("GIVEN the Cart AJAX API WHEN a visitor adds, updates and posts the theme's forms THEN Shopify's shapes come back and the cart page renders the block and the cart the snippet describes", async () => {
    const go = visitor();
    const added = await go("/demo/store/cart/add.js", postJson({ items: [{ id: HEADSET_BLACK, quantity: 1 }] }));
    expect(added.status).toBe(200);
    expect(await added.json()).toMatchObject({
      items: [
        {
          id: HEADSET_BLACK,
          variant_id: HEADSET_BLACK,
          product_id: HEADSET.id,
          quantity: 1,
          price: 19900,
          final_line_price: 19900,
          vendor: "Voltline",
        },
      ],
    });
    const form = await go("/demo/store/cart/add", {
      method: "POST",
      body: new URLSearchParams({ id: String(CABLE), quantity: "1", "properties[Engraving]": "Hi" }),
    });
    expect([form.status, form.headers.get("location")]).toEqual([303, "/demo/store/cart"]);
    await go("/demo/store/cart/update.js", postJson({ attributes: { _moments_journey: "</script><b>jk" } }));
    const cart = await (await go("/demo/store/cart.js")).json();
    expect(cart).toMatchObject({
      item_count: 2,
      currency: "EUR",
      total_price: 19900 + 2490,
      attributes: { _moments_journey: "</script><b>jk" },
    });
    expect(cart.items[1]).toMatchObject({ id: CABLE, properties: { Engraving: "Hi" } });
    expect((await go("/demo/store/cart/add.js", postJson({ id: 1 }))).status).toBe(422);

    const html = await (await go("/demo/store/cart")).text();
    expect(html).toMatch(
      /<div\s+class="moments-cart"\s+data-moments-cart\s+data-reload="true"\s+style="min-height: 260px"/,
    );
    const config = configOf(html);
    // The journey attribute stays inside its JSON string: "<" is escaped, the script element is not closed.
    expect(config.jk).toBe("</script><b>jk");
    expect(html).not.toContain("</script><b>jk");
    expect(config.cart).toEqual([
      [HEADSET.id, HEADSET_BLACK, 1, 19900, "Voltline", "", ["electronics", "audio"], [HEADSET.collections[0]!.id]],
      [
        productByHandle("cable")!.id,
        CABLE,
        1,
        2490,
        "Voltline",
        "",
        ["audio", "add-on"],
        [productByHandle("cable")!.collections[0]!.id],
      ],
    ]);
  });
});

describe("the demo's app proxy stand-in", () => {
  const cartParam = JSON.stringify([
    [HEADSET.id, HEADSET_BLACK, 1, 19900, "Voltline", "", ["electronics", "audio"], []],
  ]);
  const query = (extra: Record<string, string> = {}) =>
    new URLSearchParams({ moment: "cart", jk: "proxy-jk", cur: "EUR", c: cartParam, ...extra });

  it("GIVEN the storefront's unsigned ask WHEN sent to /apps/moments/offers THEN it is signed for the demo shop and decided; the proxy route itself still refuses it unsigned", async () => {
    const go = visitor();
    const res = await go(`/apps/moments/offers?${query()}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as WireResponse;
    expect(body.moment).toBe("cart");
    expect((await go(`/proxy/offers?${query({ shop: DEMO_SHOP_DOMAIN })}`)).status).toBe(401);
  });

  it("GIVEN a browser that names another shop and brings its own signature WHEN it asks through the stand-in THEN Shopify's parameters are replaced: the demo shop's decision, exposures stored under it", async () => {
    const other = await db.prisma.shop.create({
      data: { domain: "other.myshopify.com", name: "Other", currency: "EUR", plan: "basic", settings: { create: {} } },
    });
    const res = await visitor()(
      `/apps/moments/offers?${query({ shop: other.domain, signature: "f".repeat(64), timestamp: "1", jk: "forged-shop-jk" })}`,
    );
    expect(res.status).toBe(200);
    const demo = await db.prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } });
    await expect
      .poll(() => db.prisma.event.count({ where: { journeyKey: "forged-shop-jk", shopId: demo.id } }))
      .toBeGreaterThan(0);
    expect(await db.prisma.event.count({ where: { shopId: other.id } })).toBe(0);
  });

  it("GIVEN a storefront event batch WHEN posted to /apps/moments/events THEN it is stored for the demo shop; a GET is 405 and an unknown path 404", async () => {
    const go = visitor();
    const event = {
      id: "store-http-ev-1",
      type: "exit_intent",
      moment: "exit_intent",
      surface: "storefront",
      arm: "none",
      journeyKey: "store-http-jk",
      occurredAt: Date.now(),
      device: "desktop",
      currency: "EUR",
    };
    const res = await go("/apps/moments/events", {
      method: "POST",
      body: JSON.stringify({ events: [event] }),
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ results: [{ status: "accepted" }] });
    expect(
      await db.prisma.event.count({
        where: { journeyKey: "store-http-jk", type: "exit_intent", surface: "storefront" },
      }),
    ).toBe(1);
    expect((await go("/apps/moments/events")).status).toBe(405);
    expect((await go("/apps/moments/anything")).status).toBe(404);
  });
});
