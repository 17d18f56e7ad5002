import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { encodePayload, type Offer, type Payload, type Settings } from "@moments/engine";
import type { WireResponse } from "../packages/storefront/src/wire";
import { lineFactsFor, lineFactsForPayload, needsLineFacts, resetLineFactsCache } from "~/catalog/line-facts.server";
import type { CatalogProduct, ShopGateway } from "~/gateway/types";
import { freshDatabase, type TestDatabase } from "./support/db";
import { BROWSER_UA, realModeEnv, startServer, TEST_API_SECRET, type RunningServer } from "./support/server";
import { appProxySignature, postPurchaseInputData, postPurchaseToken } from "./support/shopify-signing";
import { deliverWebhook } from "./support/webhooks";
import { orderPayload } from "./email.fixtures";
import { ROOT } from "./support/paths";

/**
 * Tag- and collection-triggered offers on the surfaces the server decides (storefront proxy,
 * post-purchase, follow-up email). Real mode against the built server; Shopify's Admin API is the
 * only thing faked (msw inside the server forwards it to the fake Admin below). The demo shop
 * (isDemo) reads the demo store in the same database.
 */
const REAL = "facts-real.myshopify.com";
const DEMO = "facts-demo.myshopify.com";
const PLAIN = "facts-plain.myshopify.com";
const REAL_COLL = "facts-real-coll.myshopify.com";
/** Shops whose Admin API hangs: one per surface, since a timeout cools a shop off for 30 s. */
const SLOW = "facts-slow.myshopify.com";
const SLOW_PP = "facts-slow-pp.myshopify.com";
const SLOW_MAIL = "facts-slow-mail.myshopify.com";

const OUTERWEAR = "gid://shopify/Collection/510001";
const PARKA = { product: 8300000001, variant: 4630000001, tags: ["winter", "outerwear"], collections: [OUTERWEAR] };
const TEE = { product: 8300000002, variant: 4630000002, tags: ["summer"] };
const BOOTS = { product: 8300000003, variant: 4630000003, tags: ["winter"] };
/** Demo store products (ids are global in the demo tables: one set per shop). */
const DEMO_LAMP = { product: 8300000011, variant: 4630000011, collection: "gid://shopify/Collection/420001" };
const DEMO_RUG = { product: 8300000012, variant: 4630000012, collection: "gid://shopify/Collection/420002" };
const BEANIE = { product: 8300000021, variant: 4630000021 };
const BULB = { product: 8300000022, variant: 4630000022 };

const gid = (kind: string, n: number) => `gid://shopify/${kind}/${n}`;
const settings: Settings = {
  journeyCap: 10,
  defaultLocale: "en",
  momentLimits: { cart: 2, exit_intent: 1, post_purchase: 1, email: 1 },
};

const offer = (id: string, item: { product: number; variant: number }, targeting: Offer["targeting"]): Offer => ({
  id,
  status: "active",
  type: "product",
  moments: ["cart", "post_purchase", "email"],
  priority: 10,
  items: [
    {
      productId: gid("Product", item.product),
      variantId: gid("ProductVariant", item.variant),
      quantity: 1,
      prices: { EUR: 1900, USD: 2100 },
    },
  ],
  copy: { en: { title: `Offer ${id}`, cta: "Add", decline: "No thanks" } },
  targeting,
});
const TAG_OFFER = offer("off_tag", BEANIE, { tags: ["winter"] });
const COLL_OFFER = offer("off_coll", BULB, { collections: [DEMO_LAMP.collection] });
const REAL_COLL_OFFER = offer("off_real_coll", BULB, { collections: [OUTERWEAR] });
const PRODUCT_OFFER = offer("off_product", BEANIE, { products: [gid("Product", PARKA.product)] });

// ---------------------------------------------------------------------------------------------
// The fake Admin API: answers the gateway's products-by-id query from `catalog`, per shop.

const catalog: Record<number, { tags: string[]; collections?: string[] }> = {
  [PARKA.product]: PARKA,
  [TEE.product]: TEE,
  [BOOTS.product]: BOOTS,
};
const adminCalls: Array<{ shop: string; ids: string[] }> = [];
const callsFor = (shop: string) => adminCalls.filter((c) => c.shop === shop);
/** Shops whose Admin API never answers (the request hangs until the test ends). */
const hanging = new Set<string>([SLOW, SLOW_PP, SLOW_MAIL]);
const stuck: ServerResponse[] = [];

function productNode(id: string) {
  const n = Number(id.slice(id.lastIndexOf("/") + 1));
  const p = catalog[n];
  if (!p) return null;
  return {
    id,
    title: `Product ${n}`,
    handle: `product-${n}`,
    vendor: "Northfold",
    productType: "Apparel",
    tags: p.tags,
    featuredMedia: null,
    collections: { nodes: (p.collections ?? []).map((id) => ({ id })) },
    variants: {
      nodes: [
        {
          id: gid("ProductVariant", n - 8300000000 + 4630000000),
          title: "Default",
          sku: null,
          price: "99.00",
          inventoryQuantity: 5,
          sellingPlanGroups: { nodes: [] },
        },
      ],
    },
  };
}

async function adminHandler(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const shop = (req.url ?? "").split("/")[1] ?? "";
  const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { query: string; variables?: { ids?: string[] } };
  const ids = body.variables?.ids ?? [];
  adminCalls.push({ shop, ids });
  if (hanging.has(shop)) {
    stuck.push(res);
    return;
  }
  res.setHeader("Content-Type", "application/json");
  if (!body.query.includes("nodes(ids:")) {
    res.end(JSON.stringify({ errors: [{ message: "unexpected query in this test" }] }));
    return;
  }
  res.end(JSON.stringify({ data: { nodes: ids.map(productNode) } }));
}

// ---------------------------------------------------------------------------------------------

let db: TestDatabase;
let server: RunningServer;
let admin: Server;
const shopIds: Record<string, string> = {};

async function seedShop(domain: string, offers: Offer[], isDemo = false) {
  const shop = await db.prisma.shop.create({
    data: { domain, name: domain.split(".")[0]!, currency: "EUR", isDemo, settings: { create: {} } },
  });
  shopIds[domain] = shop.id;
  await db.prisma.session.create({
    data: {
      id: `offline_${domain}`,
      shop: domain,
      state: "",
      isOnline: false,
      accessToken: "shpat_test",
      scope: "read_products",
    },
  });
  const json = encodePayload(offers, settings, Date.now() - 60_000);
  await db.prisma.publication.create({
    data: { shopId: shop.id, payload: json, bytes: json.length, offerCount: offers.length, publishedAt: new Date() },
  });
}

async function seedDemoProduct(shopId: string, p: { product: number; variant: number; collection: string }) {
  await db.prisma.demoProduct.create({
    data: {
      id: gid("Product", p.product),
      shopId,
      title: `Demo ${p.product}`,
      handle: `demo-${p.product}`,
      vendor: "Lumen",
      productType: "Home",
      tags: "home",
      collections: p.collection,
      variants: {
        create: [{ id: gid("ProductVariant", p.variant), title: "Default", priceEurMinor: 4900, priceUsdMinor: 5400 }],
      },
    },
  });
}

beforeAll(async () => {
  db = freshDatabase("line-facts");
  admin = createServer((req, res) => void adminHandler(req, res));
  await new Promise<void>((resolve) => admin.listen(0, "127.0.0.1", resolve));
  await seedShop(REAL, [TAG_OFFER]);
  await seedShop(DEMO, [COLL_OFFER], true);
  await seedDemoProduct(shopIds[DEMO]!, DEMO_LAMP);
  await seedDemoProduct(shopIds[DEMO]!, DEMO_RUG);
  await seedShop(PLAIN, [PRODUCT_OFFER]);
  await seedShop(REAL_COLL, [REAL_COLL_OFFER]);
  for (const slow of [SLOW, SLOW_PP, SLOW_MAIL]) await seedShop(slow, [TAG_OFFER]);
  const preload = pathToFileURL(path.join(ROOT, "tests/support/shopify-admin-msw.mjs")).href;
  server = await startServer({
    ...realModeEnv(db.url),
    NODE_OPTIONS: `--import ${preload}`,
    MOMENTS_TEST_ADMIN_URL: `http://127.0.0.1:${(admin.address() as AddressInfo).port}`,
  });
});
afterAll(async () => {
  await server?.stop();
  for (const res of stuck) res.destroy();
  await new Promise((resolve) => admin?.close(resolve));
  await db?.prisma.$disconnect();
});

// ---------------------------------------------------------------------------------------------
// Storefront (app proxy).

type Pairs = Array<[string, string]>;
function proxyPairs(shop: string, cart: Array<{ product: number; variant: number }>, moment = "cart"): Pairs {
  const p: Record<string, string> = {
    moment,
    jk: `journey-${randomUUID()}`,
    cur: "EUR",
    loc: "en",
    c: JSON.stringify(cart.map((l) => [l.product, l.variant, 1, 9900, "Northfold", ""])),
    shop,
    logged_in_customer_id: "",
    path_prefix: "/apps/moments",
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  return Object.entries(p);
}

async function askProxy(shop: string, cart: Array<{ product: number; variant: number }>) {
  const pairs = proxyPairs(shop, cart);
  const q = new URLSearchParams(pairs);
  q.append("signature", appProxySignature(pairs));
  const started = Date.now();
  const res = await fetch(`${server.url}/proxy/offers?${q}`, {
    headers: { "User-Agent": BROWSER_UA, Accept: "application/json" },
  });
  const body = (await res.json()) as WireResponse;
  return { status: res.status, ids: body.offers.map((o) => o.id), ms: Date.now() - started };
}

describe("storefront app proxy: tag and collection triggers", () => {
  it("GIVEN an offer triggered by the tag `winter` WHEN the cart holds a product tagged winter THEN the proxy offers it", async () => {
    const r = await askProxy(REAL, [PARKA]);
    expect(r).toMatchObject({ status: 200, ids: ["off_tag"] });
  });

  it("GIVEN the same offer WHEN the cart holds only a product without that tag THEN nothing is offered", async () => {
    const r = await askProxy(REAL, [TEE]);
    expect(r).toMatchObject({ status: 200, ids: [] });
  });

  it("GIVEN an offer triggered by a collection GID (real mode) WHEN the cart holds a product the Admin API lists in it THEN it is offered, and not for a product outside it", async () => {
    expect(await askProxy(REAL_COLL, [PARKA])).toMatchObject({ status: 200, ids: ["off_real_coll"] });
    expect(await askProxy(REAL_COLL, [TEE])).toMatchObject({ status: 200, ids: [] });
  });

  it("GIVEN an offer triggered by a collection (demo store shop) WHEN the cart holds a product of that collection THEN it is offered, and not for a product of another collection", async () => {
    expect(await askProxy(DEMO, [DEMO_LAMP])).toMatchObject({ status: 200, ids: ["off_coll"] });
    expect(await askProxy(DEMO, [DEMO_RUG])).toMatchObject({ status: 200, ids: [] });
  });

  it("GIVEN a product looked up once WHEN a second request comes within the cache time THEN no Admin API call is made", async () => {
    await askProxy(REAL, [BOOTS]);
    const before = callsFor(REAL).length;
    expect(callsFor(REAL).some((c) => c.ids.includes(gid("Product", BOOTS.product)))).toBe(true);
    const again = await askProxy(REAL, [BOOTS]);
    expect(again.ids).toEqual(["off_tag"]);
    expect(callsFor(REAL).length).toBe(before);
  });

  it("GIVEN an Admin API that hangs WHEN the storefront asks THEN a 200 with no tag offer comes back within the timeout, not an error", async () => {
    const r = await askProxy(SLOW, [PARKA]);
    expect(callsFor(SLOW).length).toBeGreaterThan(0); // the lookup really was attempted
    expect(r.status).toBe(200);
    expect(r.ids).toEqual([]);
    expect(r.ms).toBeLessThan(2_000);
  });

  it("GIVEN a shop whose Admin API just timed out WHEN the storefront asks again THEN it answers at once without waiting nor calling again", async () => {
    const calls = callsFor(SLOW).length;
    const r = await askProxy(SLOW, [BOOTS]);
    expect(r).toMatchObject({ status: 200, ids: [] });
    expect(r.ms).toBeLessThan(400);
    expect(callsFor(SLOW).length).toBe(calls);
  });

  it("GIVEN a payload without tag or collection triggers WHEN the storefront asks THEN no lookup is made at all", async () => {
    const r = await askProxy(PLAIN, [PARKA]);
    expect(r.ids).toEqual(["off_product"]);
    expect(callsFor(PLAIN)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Post-purchase.

async function postPurchaseOffer(shop: string, item: { product: number; variant: number }) {
  const referenceId = `ref-${randomUUID()}`;
  const token = await postPurchaseToken(
    shop,
    postPurchaseInputData(shop, referenceId, { ...item, title: "Item", total: "99.00" }, 5100000009),
  );
  const res = await fetch(`${server.url}/api/post-purchase/offer`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "User-Agent": BROWSER_UA, Authorization: `Bearer ${token}` },
    body: "{}",
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { offer: { offerId: string } | null }).offer?.offerId ?? null;
}

describe("post-purchase: tag and collection triggers", () => {
  it("GIVEN a tag-triggered offer WHEN the purchase holds a product tagged winter THEN it is the post-purchase offer; a product without the tag gets none", async () => {
    expect(await postPurchaseOffer(REAL, PARKA)).toBe("off_tag");
    expect(await postPurchaseOffer(REAL, TEE)).toBeNull();
  });

  it("GIVEN a collection-triggered offer (demo store shop) WHEN the purchase holds a product of that collection THEN it is offered; another collection's product gets none", async () => {
    expect(await postPurchaseOffer(DEMO, DEMO_LAMP)).toBe("off_coll");
    expect(await postPurchaseOffer(DEMO, DEMO_RUG)).toBeNull();
  });

  it("GIVEN a hanging Admin API WHEN the post-purchase page asks THEN 200 with no offer, quickly", async () => {
    const started = Date.now();
    expect(await postPurchaseOffer(SLOW_PP, PARKA)).toBeNull(); // tagged winter: only the timeout hides the offer
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(callsFor(SLOW_PP).length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Follow-up email (orders/create webhook).

let orderNumber = 7100;
async function orderOffer(shop: string, item: { product: number; variant: number }) {
  const id = ++orderNumber;
  const payload = orderPayload(shop, { id, email: `buyer${id}@example.com`, customerId: 6100000000 + id });
  payload.line_items = [
    {
      ...payload.line_items[0],
      title: "Item",
      product_id: item.product,
      variant_id: item.variant,
      quantity: 1,
      properties: [],
    },
  ];
  const res = await deliverWebhook(server.url, {
    topic: "orders/create",
    shop,
    body: JSON.stringify(payload),
    secret: TEST_API_SECRET,
  });
  expect(res.status).toBe(200);
  const row = await db.prisma.outboxMessage.findFirst({
    where: { shopId: shopIds[shop], orderShopifyId: gid("Order", id) },
  });
  return row?.offerId ?? null;
}

describe("follow-up email: tag and collection triggers", () => {
  it("GIVEN a tag-triggered offer WHEN an order with a product tagged winter arrives THEN the email offers it; an order without the tag schedules none", async () => {
    expect(await orderOffer(REAL, PARKA)).toBe("off_tag");
    expect(await orderOffer(REAL, TEE)).toBeNull();
  });

  it("GIVEN a collection-triggered offer (demo store shop) WHEN an order with a product of that collection arrives THEN the email offers it; another collection's product schedules none", async () => {
    expect(await orderOffer(DEMO, DEMO_LAMP)).toBe("off_coll");
    expect(await orderOffer(DEMO, DEMO_RUG)).toBeNull();
  });

  it("GIVEN a payload without tag or collection triggers WHEN an order arrives THEN no Admin API lookup is made", async () => {
    const before = callsFor(PLAIN).length;
    expect(await orderOffer(PLAIN, PARKA)).toBe("off_product");
    expect(callsFor(PLAIN).length).toBe(before);
  });

  it("GIVEN a hanging Admin API WHEN an order arrives THEN the webhook still answers 200 quickly and no tag offer is scheduled", async () => {
    const started = Date.now();
    expect(await orderOffer(SLOW_MAIL, BOOTS)).toBeNull(); // tagged winter: only the timeout hides the offer
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(callsFor(SLOW_MAIL).length).toBeGreaterThan(0);
    expect(await db.prisma.order.count({ where: { shopId: shopIds[SLOW_MAIL] } })).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// The module itself, with a counting gateway (no Shopify involved).

function countingGateway(
  products: Record<string, { tags: string[]; collections: string[] }>,
  opts: { hang?: boolean; fail?: boolean } = {},
) {
  const calls: string[][] = [];
  const gateway = {
    kind: "demo",
    async getProducts(ids: string[]) {
      calls.push(ids);
      if (opts.fail) throw new Error("Shopify could not be reached");
      if (opts.hang) await new Promise(() => undefined);
      return ids.filter((id) => products[id]).map((id) => ({ id, ...products[id]! }) as unknown as CatalogProduct);
    },
  } as unknown as ShopGateway;
  return { gateway, calls };
}
const payloadWith = (offers: Offer[]): Payload => ({ v: 1, publishedAt: 0, settings, offers }) as unknown as Payload;
const P1 = gid("Product", 1);
const P2 = gid("Product", 2);

describe("line facts module", () => {
  beforeEach(() => resetLineFactsCache());

  it("GIVEN offers with and without tag/collection triggers WHEN checked THEN only tags or collections count", () => {
    expect(needsLineFacts(payloadWith([PRODUCT_OFFER]))).toBe(false);
    expect(needsLineFacts(payloadWith([PRODUCT_OFFER, TAG_OFFER]))).toBe(true);
    expect(needsLineFacts(payloadWith([COLL_OFFER]))).toBe(true);
    expect(needsLineFacts(null)).toBe(false);
  });

  it("GIVEN a payload without such triggers WHEN facts are asked THEN the gateway is never built nor called", async () => {
    let built = 0;
    const facts = await lineFactsForPayload(db.prisma, "shop-x", payloadWith([PRODUCT_OFFER]), [P1], {
      gateway: async () => (built++, countingGateway({}).gateway),
    });
    expect(facts.size).toBe(0);
    expect(built).toBe(0);
  });

  it("GIVEN facts fetched once WHEN asked again within the TTL THEN no call; after the TTL THEN one new call", async () => {
    let now = 1_000_000;
    const { gateway, calls } = countingGateway({
      [P1]: { tags: ["winter"], collections: ["gid://shopify/Collection/7", "88"] },
    });
    const first = await lineFactsFor("shop-a", [P1], gateway, { now: () => now });
    expect(first.get(P1)).toEqual({
      tags: ["winter"],
      collectionIds: ["gid://shopify/Collection/7", "gid://shopify/Collection/88"],
    });
    now += 4 * 60_000;
    await lineFactsFor("shop-a", [P1], gateway, { now: () => now });
    expect(calls).toHaveLength(1);
    now += 2 * 60_000;
    await lineFactsFor("shop-a", [P1], gateway, { now: () => now });
    expect(calls).toHaveLength(2);
  });

  it("GIVEN two shops WHEN the same product id is asked for each THEN each shop has its own entry", async () => {
    const a = countingGateway({ [P1]: { tags: ["a"], collections: [] } });
    const b = countingGateway({ [P1]: { tags: ["b"], collections: [] } });
    expect((await lineFactsFor("shop-a", [P1], a.gateway)).get(P1)?.tags).toEqual(["a"]);
    expect((await lineFactsFor("shop-b", [P1], b.gateway)).get(P1)?.tags).toEqual(["b"]);
  });

  it("GIVEN a bounded cache WHEN more products than it holds are fetched THEN the oldest are dropped", async () => {
    const { gateway, calls } = countingGateway({
      [P1]: { tags: ["x"], collections: [] },
      [P2]: { tags: ["y"], collections: [] },
    });
    await lineFactsFor("shop-a", [P1], gateway, { maxEntries: 1 });
    await lineFactsFor("shop-a", [P2], gateway, { maxEntries: 1 });
    await lineFactsFor("shop-a", [P2], gateway, { maxEntries: 1 });
    expect(calls).toHaveLength(2);
    await lineFactsFor("shop-a", [P1], gateway, { maxEntries: 1 });
    expect(calls).toHaveLength(3);
  });

  it("GIVEN a gateway that hangs WHEN facts are asked THEN they resolve empty at the timeout", async () => {
    const { gateway } = countingGateway({}, { hang: true });
    const started = Date.now();
    const facts = await lineFactsFor("shop-h", [P1], gateway, { timeoutMs: 100, log: () => undefined });
    expect(facts.size).toBe(0);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("GIVEN a timeout WHEN the same shop asks within the cool-off THEN it answers at once from the cache only; after it THEN it looks up again", async () => {
    let now = 5_000_000;
    const { gateway, calls } = countingGateway({}, { hang: true });
    await lineFactsFor("shop-c", [P1], gateway, { timeoutMs: 50, now: () => now, log: () => undefined });
    const started = Date.now();
    expect((await lineFactsFor("shop-c", [P2], gateway, { timeoutMs: 50, now: () => now })).size).toBe(0);
    expect(Date.now() - started).toBeLessThan(40);
    expect(calls).toHaveLength(1);
    now += 31_000;
    await lineFactsFor("shop-c", [P2], gateway, { timeoutMs: 50, now: () => now, log: () => undefined });
    expect(calls).toHaveLength(2);
  });

  it("GIVEN a gateway that fails WHEN facts are asked THEN empty, and the failure is not cached", async () => {
    const { gateway, calls } = countingGateway({}, { fail: true });
    expect((await lineFactsFor("shop-f", [P1], gateway, { log: () => undefined })).size).toBe(0);
    await lineFactsFor("shop-f", [P1], gateway, { log: () => undefined });
    expect(calls).toHaveLength(2);
  });

  it("GIVEN an answer that arrives after the timeout WHEN asked again THEN the late answer is served from the cache", async () => {
    const calls: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gateway = {
      async getProducts(ids: string[]) {
        calls.push(ids);
        await gate;
        return [{ id: P1, tags: ["late"], collections: [] } as unknown as CatalogProduct];
      },
    } as unknown as ShopGateway;
    expect((await lineFactsFor("shop-l", [P1], gateway, { timeoutMs: 50, log: () => undefined })).size).toBe(0);
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await lineFactsFor("shop-l", [P1], gateway)).get(P1)?.tags).toEqual(["late"]);
    expect(calls).toHaveLength(1);
  });
});
