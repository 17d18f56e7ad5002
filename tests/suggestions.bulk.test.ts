/**
 * Suggestions from a real shop's orders (decision 029), below the admin: the run stepped with the
 * shop's offline session through gatewayForShop, Shopify's Admin GraphQL endpoint and the bulk
 * operation's JSONL download faked at the HTTP boundary by msw. Every request the app sends is
 * validated, document and variables, against the Admin schema of the app's API version.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import {
  buildClientSchema,
  getVariableValues,
  parse,
  validate,
  type GraphQLSchema,
  type IntrospectionQuery,
  type OperationDefinitionNode,
} from "graphql";
import { graphql, http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { Shop } from "@prisma/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SHOPIFY_API_VERSION } from "~/lib/api-version";
import type * as ForShopModule from "~/gateway/for-shop.server";
import type * as HistoryModule from "~/gateway/order-history.server";
import type * as MiningModule from "~/suggestions/mining.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { ROOT } from "./support/paths";
import { realModeEnv } from "./support/server";

const DOMAIN = "suggestions-bulk.myshopify.com";
const OPERATION = "gid://shopify/BulkOperation/720000001";
const JSONL_URL = "https://storage.googleapis.test/shopify-bulk/orders-720000001.jsonl";
const NOW = new Date(Date.UTC(2026, 11, 3, 9, 0));

const product = (n: number) => `gid://shopify/Product/${9_400_000_000 + n}`;
const LAPTOP = product(1);
const SLEEVE = product(2);
const MOUSE = product(3);
const BAG = product(4);
const GIFT_CARD = product(5);
const SOLD_OUT = product(6);
const FREE_SAMPLE = product(7);

let schema: GraphQLSchema;
const sent: Array<{ operation: string; query: string; variables: Record<string, unknown> }> = [];
const invalid: string[] = [];

function recordAndValidate(operation: string, query: string, variables: Record<string, unknown>) {
  sent.push({ operation, query, variables });
  const doc = parse(query);
  for (const e of validate(schema, doc)) invalid.push(`${operation}: ${e.message}`);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === "OperationDefinition")!;
  const coerced = getVariableValues(schema, op.variableDefinitions ?? [], variables);
  for (const e of "errors" in coerced ? (coerced.errors ?? []) : [])
    invalid.push(`${operation} variables: ${e.message}`);
}

/**
 * The export as Shopify writes it without groupObjects: every order first, then its line items
 * anywhere after it. 60 orders of a laptop with a sleeve, 30 of a laptop alone, 30 of a mouse or a
 * bag; the gift card, the sold-out product and the free sample are bought with the laptop in 40
 * orders each (and must never be suggested); a test order and a cancelled one are not purchases.
 */
function exportLines(): string[] {
  const orders: Array<{ id: string; test?: boolean; cancelledAt?: string | null; products: string[] }> = [];
  let n = 0;
  const add = (products: string[], extra: { test?: boolean; cancelledAt?: string | null } = {}) =>
    orders.push({ id: `gid://shopify/Order/${6_100_000_000 + ++n}`, products, ...extra });
  for (let i = 0; i < 60; i++)
    add(i < 40 ? [LAPTOP, SLEEVE, [GIFT_CARD, SOLD_OUT, FREE_SAMPLE][i % 3]!] : [LAPTOP, SLEEVE]);
  for (let i = 0; i < 30; i++) add(i < 20 ? [LAPTOP, [GIFT_CARD, SOLD_OUT, FREE_SAMPLE][i % 3]!] : [LAPTOP]);
  for (let i = 0; i < 30; i++) add(i % 2 ? [MOUSE, BAG] : [MOUSE]);
  add([MOUSE, SLEEVE], { test: true });
  add([MOUSE, SLEEVE], { cancelledAt: "2026-11-20T10:00:00Z" });
  const lines = orders.map((o) =>
    JSON.stringify({ id: o.id, test: o.test ?? false, cancelledAt: o.cancelledAt ?? null }),
  );
  let line = 0;
  // Line items after all orders, interleaved across orders (the last order's first).
  for (const o of [...orders].reverse()) {
    for (const p of o.products) {
      lines.push(
        JSON.stringify({
          id: `gid://shopify/LineItem/${7_000_000_000 + ++line}`,
          currentQuantity: 1,
          product: { id: p },
          __parentId: o.id,
        }),
      );
    }
  }
  return lines;
}

/** Shopify's catalog: two pages; the laptop's co-purchases include three products nobody can be offered. */
const CATALOG = [
  {
    id: LAPTOP,
    isGiftCard: false,
    vendor: "Aero",
    tags: ["laptop"],
    collections: [],
    price: "1199.00",
    available: true,
  },
  { id: SLEEVE, isGiftCard: false, vendor: "Aero", tags: ["sleeve"], collections: [], price: "39.00", available: true },
  { id: MOUSE, isGiftCard: false, vendor: "Clicky", tags: [], collections: [], price: "29.00", available: true },
  { id: BAG, isGiftCard: false, vendor: "Carry", tags: [], collections: [], price: "89.00", available: true },
  { id: GIFT_CARD, isGiftCard: true, vendor: "Shop", tags: [], collections: [], price: "50.00", available: true },
  { id: SOLD_OUT, isGiftCard: false, vendor: "Aero", tags: [], collections: [], price: "59.00", available: false },
  { id: FREE_SAMPLE, isGiftCard: false, vendor: "Aero", tags: [], collections: [], price: "0.00", available: true },
].map((p) => ({
  id: p.id,
  isGiftCard: p.isGiftCard,
  vendor: p.vendor,
  tags: p.tags,
  collections: { nodes: p.collections },
  variants: { nodes: [{ price: p.price, availableForSale: p.available }] },
}));

const shopify = {
  /** What bulkOperation(id:) answers, in turn; the last repeats. */
  statuses: [] as string[],
  downloads: 0,
};

const admin = graphql.link(`https://${DOMAIN}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`);
const server = setupServer(
  admin.mutation("MomentsOrdersBulkRun", ({ query, variables }) => {
    recordAndValidate("MomentsOrdersBulkRun", query, variables);
    return HttpResponse.json({
      data: { bulkOperationRunQuery: { bulkOperation: { id: OPERATION, status: "CREATED" }, userErrors: [] } },
    });
  }),
  admin.query("MomentsBulkOperation", ({ query, variables }) => {
    recordAndValidate("MomentsBulkOperation", query, variables);
    const status = shopify.statuses.length > 1 ? shopify.statuses.shift()! : shopify.statuses[0]!;
    const completed = status === "COMPLETED";
    return HttpResponse.json({
      data: {
        bulkOperation: {
          id: variables.id,
          status,
          errorCode: null,
          objectCount: "0",
          rootObjectCount: "0",
          url: completed ? JSONL_URL : null,
          partialDataUrl: null,
        },
      },
    });
  }),
  admin.query("MomentsSuggestionCatalog", ({ query, variables }) => {
    recordAndValidate("MomentsSuggestionCatalog", query, variables);
    const first = variables.after == null;
    return HttpResponse.json({
      data: {
        products: {
          pageInfo: { hasNextPage: first, endCursor: first ? "cursor-1" : null },
          nodes: first ? CATALOG.slice(0, 4) : CATALOG.slice(4),
        },
      },
    });
  }),
  // The JSONL, as storage serves it: in small chunks that cut lines in two.
  http.get(JSONL_URL, () => {
    shopify.downloads++;
    const body = new TextEncoder().encode(exportLines().join("\n") + "\n");
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= body.length) return controller.close();
        controller.enqueue(body.slice(at, (at += 97)));
      },
    });
    return new HttpResponse(stream, { headers: { "Content-Type": "application/jsonl" } });
  }),
);

let db: TestDatabase;
let shop: Shop;
let mining: typeof MiningModule;
let forShop: typeof ForShopModule;
let history: typeof HistoryModule;

beforeAll(async () => {
  const gz = path.join(ROOT, `node_modules/@shopify/dev-mcp/dist/data/admin_${SHOPIFY_API_VERSION}.json.gz`);
  schema = buildClientSchema(
    (JSON.parse(gunzipSync(readFileSync(gz)).toString("utf8")) as { data: IntrospectionQuery }).data,
  );
  db = freshDatabase("suggestions-bulk");
  Object.assign(process.env, { ...realModeEnv(db.url), SCOPES: "read_products,read_orders", NODE_ENV: "test" });
  server.listen({ onUnhandledRequest: "error" });
  shop = await db.prisma.shop.create({
    data: {
      domain: DOMAIN,
      name: "suggestions-bulk",
      currency: "EUR",
      scopes: "read_products,read_orders",
      settings: { create: {} },
    },
  });
  await db.prisma.session.create({
    data: {
      id: `offline_${DOMAIN}`,
      shop: DOMAIN,
      state: "",
      isOnline: false,
      accessToken: "shpat_test",
      scope: "read_products,read_orders",
    },
  });
  mining = await import("~/suggestions/mining.server");
  forShop = await import("~/gateway/for-shop.server");
  history = await import("~/gateway/order-history.server");
});
afterEach(() => {
  expect(invalid, "every request valid against the Admin schema").toEqual([]);
  invalid.length = 0;
});
afterAll(async () => {
  server.close();
  await db?.prisma.$disconnect();
});

const step = async (at: Date) => mining.stepMining(db.prisma, shop, await forShop.gatewayForShop(db.prisma, shop), at);

describe("a real shop's orders, through Shopify's bulk operation", () => {
  it("GIVEN an installed shop with read_orders WHEN its run is stepped until Shopify completes the export THEN the JSONL is streamed into the miner and the laptop's sleeve is suggested, never the gift card, the sold-out or the free product", async () => {
    shopify.statuses = ["RUNNING", "COMPLETED"];
    await mining.requestMining(db.prisma, shop.id);

    // 1. The export starts: the miner's query over the last 60 days (read_orders), ungrouped.
    const started = await step(NOW);
    expect(started).toMatchObject({ status: "running", operationId: OPERATION, startedAt: NOW });
    const run = sent.find((s) => s.operation === "MomentsOrdersBulkRun")!;
    expect(run.query).toContain("groupObjects: false");
    expect(run.variables.query).toContain('orders(query: "created_at:>=2026-10-04")');
    expect(run.variables.query).toContain("product { id }");

    // 2. Shopify is still exporting: polled, nothing downloaded.
    const polled = await step(new Date(NOW.getTime() + 60_000));
    expect(polled).toMatchObject({ status: "running", operationId: OPERATION });
    expect(shopify.downloads).toBe(0);

    // 3. Completed: downloaded once, mined, ranked, stored.
    const done = await step(new Date(NOW.getTime() + 120_000));
    expect(shopify.downloads).toBe(1);
    // 120 purchases; the test order and the cancelled one are not.
    expect(done).toMatchObject({ status: "done", basis: "orders", ordersMined: 120, lastError: null });
    expect(done.linesRead).toBe(exportLines().length);
    expect(sent.map((s) => s.operation)).toEqual([
      "MomentsOrdersBulkRun",
      "MomentsBulkOperation",
      "MomentsBulkOperation",
      "MomentsSuggestionCatalog",
      "MomentsSuggestionCatalog",
    ]);

    const stored = await db.prisma.suggestion.findMany({ where: { shopId: shop.id } });
    const cart = stored.filter((s) => s.moment === "cart" && s.triggerProductId === LAPTOP);
    expect(cart[0]).toMatchObject({ productId: SLEEVE, source: "co_purchase", coPurchases: 60, currency: "EUR" });
    const offered = new Set(stored.map((s) => s.productId));
    for (const never of [GIFT_CARD, SOLD_OUT, FREE_SAMPLE]) expect(offered.has(never)).toBe(false);
  });

  it("GIVEN Shopify's export still arriving WHEN its lines are read THEN the first line is there before the body has ended (streamed, not buffered)", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = '{"id":"gid://shopify/Order/1","test":false,"cancelledAt":null}\n';
    const fetchHeld: typeof fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode(first));
            await held;
            controller.enqueue(new TextEncoder().encode('{"id":"gid://shopify/Order/2"}\n'));
            controller.close();
          },
        }),
      );
    const lines = history.jsonlLines("https://storage.googleapis.test/held.jsonl", fetchHeld);
    const next = await lines.next();
    expect(next.value).toBe(first.trim());
    release();
    expect((await lines.next()).value).toBe('{"id":"gid://shopify/Order/2"}');
    expect((await lines.next()).done).toBe(true);
  });

  it("GIVEN a shop that granted read_all_orders WHEN a run starts THEN it mines a year of orders", () => {
    expect(mining.miningSince("read_products,read_all_orders,read_orders", NOW)).toEqual(
      new Date(NOW.getTime() - 365 * 86_400_000),
    );
    expect(mining.miningSince("read_products,read_orders", NOW)).toEqual(new Date(NOW.getTime() - 60 * 86_400_000));
  });
});
