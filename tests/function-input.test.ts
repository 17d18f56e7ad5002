/**
 * The Discount Function's input query variables ($tags, $collections): on every publish the app
 * writes the published offers' trigger tags and collections on the automatic app discount (the
 * function owner), in the metafield the function's toml declares. Real mode goes through the
 * Shopify library's admin client to Shopify's Admin GraphQL endpoint, faked at the HTTP edge by msw.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { graphql, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { Shop } from "@prisma/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Offer } from "@moments/engine";
import { DEMO_OFFERS } from "~/demo/demo-offers";
import { demoGateway } from "~/gateway/demo.server";
import { OFFER_DISCOUNT_TITLE } from "~/gateway/shopify.server";
import { OFFER_FUNCTION_INPUT_METAFIELD, type ShopGateway } from "~/gateway/types";
import { SHOPIFY_API_VERSION } from "~/lib/api-version";
import { publishShop } from "~/publish/publish.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { ROOT } from "./support/paths";
import { realModeEnv } from "./support/server";

const DOMAIN = "fn-tags.myshopify.com";
const DISCOUNT_ID = "gid://shopify/DiscountAutomaticNode/1177";
const CREATED_ID = "gid://shopify/DiscountAutomaticNode/2288";
const TOOLS = "gid://shopify/Collection/9100000007";
const AUDIO = "gid://shopify/Collection/9100000003";

/** What Shopify holds and answers: the discounts, and every metafieldsSet the app sent. */
const store = {
  discounts: [] as Array<{ id: string; title: string }>,
  inputErrors: [] as string[],
  variablesSet: [] as Array<Record<string, unknown>>,
  created: 0,
};
const admin = graphql.link(`https://${DOMAIN}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`);
const shopify = setupServer(
  admin.query("MomentsShop", () =>
    HttpResponse.json({
      data: {
        shop: { id: "gid://shopify/Shop/77", name: "fn-tags", currencyCode: "EUR", plan: { shopifyPlus: true } },
      },
    }),
  ),
  admin.mutation("MomentsPublish", () =>
    HttpResponse.json({
      data: {
        metafieldsSet: {
          metafields: [{ key: "offers", namespace: "$app", updatedAt: "2026-11-24T08:00:00Z" }],
          userErrors: [],
        },
      },
    }),
  ),
  admin.query("MomentsOfferDiscounts", () =>
    HttpResponse.json({
      data: {
        automaticDiscountNodes: {
          nodes: store.discounts.map((d) => ({ id: d.id, automaticDiscount: { title: d.title, status: "ACTIVE" } })),
        },
      },
    }),
  ),
  admin.mutation("MomentsOfferDiscountCreate", ({ variables }) => {
    store.created++;
    store.discounts.push({ id: CREATED_ID, title: (variables.discount as { title: string }).title });
    return HttpResponse.json({
      data: { discountAutomaticAppCreate: { automaticAppDiscount: { discountId: CREATED_ID }, userErrors: [] } },
    });
  }),
  admin.mutation("MomentsOfferDiscountInput", ({ variables }) => {
    store.variablesSet.push(variables);
    const userErrors = store.inputErrors.map((message) => ({
      field: ["metafields", "0", "value"],
      message,
      code: "INVALID_VALUE",
    }));
    return HttpResponse.json({
      data: {
        metafieldsSet: {
          metafields: userErrors.length ? null : [{ key: "function-input", namespace: "app--1--moments" }],
          userErrors,
        },
      },
    });
  }),
);

let db: TestDatabase;
let gateway: ShopGateway;
let shop: Shop;

beforeAll(async () => {
  db = freshDatabase("function-input");
  // The app's own Shopify client, in real mode, against this test's database (it loads the
  // shop's offline session from there).
  Object.assign(process.env, { ...realModeEnv(db.url), NODE_ENV: "test" });
  shopify.listen({ onUnhandledRequest: "error" });
  shop = await db.prisma.shop.create({
    data: { domain: DOMAIN, name: "fn-tags", currency: "EUR", settings: { create: {} } },
  });
  await db.prisma.session.create({
    data: {
      id: `offline_${DOMAIN}`,
      shop: DOMAIN,
      state: "",
      isOnline: false,
      accessToken: "shpat_test",
      scope: "write_discounts",
    },
  });
  const [{ shopify: app }, { shopifyGateway }] = await Promise.all([
    import("~/shopify.server"),
    import("~/gateway/shopify.server"),
  ]);
  const { admin: client } = await app().unauthenticated.admin(DOMAIN);
  gateway = shopifyGateway(client, "EUR");
});
afterEach(() => {
  Object.assign(store, { discounts: [], inputErrors: [], variablesSet: [], created: 0 });
});
afterAll(async () => {
  shopify.close();
  await db.prisma.$disconnect();
});

const drillCase = DEMO_OFFERS.find((o) => o.id === "demo-drill-case")!;
/** Replaces the shop's offers with the demo's drill + case offer under these triggers. */
async function offersTriggeredBy(
  rows: Array<{ name: string; status?: string; targeting: Offer["targeting"]; endsAt?: number }>,
) {
  await db.prisma.offer.deleteMany({ where: { shopId: shop.id } });
  for (const r of rows) {
    const {
      id: _id,
      name: _name,
      status: _status,
      ...definition
    } = { ...drillCase, targeting: r.targeting, endsAt: r.endsAt };
    await db.prisma.offer.create({
      data: {
        shopId: shop.id,
        name: r.name,
        type: "product",
        status: r.status ?? "active",
        definition: JSON.stringify(definition),
      },
    });
  }
}

describe("publishing writes the function's input variables on the offer discount", () => {
  it("GIVEN live offers triggered by tags and collections WHEN published THEN metafieldsSet carries their sorted union on the discount, in the declared metafield", async () => {
    store.discounts = [{ id: DISCOUNT_ID, title: OFFER_DISCOUNT_TITLE }];
    await offersTriggeredBy([
      { name: "by tag", targeting: { tags: ["power-tools", "tools"] } },
      { name: "by both", targeting: { tags: ["tools", "audio"], collections: [TOOLS] } },
      { name: "by collection", targeting: { collections: [TOOLS, AUDIO] } },
      { name: "paused", status: "paused", targeting: { tags: ["winter"] } },
      { name: "ended", targeting: { tags: ["summer"] }, endsAt: Date.UTC(2026, 0, 1) },
    ]);

    const outcome = await publishShop(db.prisma, shop, gateway, new Date(Date.UTC(2026, 10, 24, 8)));

    expect(outcome.ok).toBe(true);
    expect(store.variablesSet).toEqual([
      {
        metafields: [
          {
            ownerId: DISCOUNT_ID,
            namespace: "$app:moments",
            key: "function-input",
            type: "json",
            value: JSON.stringify({ tags: ["audio", "power-tools", "tools"], collections: [AUDIO, TOOLS] }),
          },
        ],
      },
    ]);
  });

  it("GIVEN the same offers WHEN republished THEN the same value is written", async () => {
    store.discounts = [{ id: DISCOUNT_ID, title: OFFER_DISCOUNT_TITLE }];
    await offersTriggeredBy([
      { name: "b", targeting: { tags: ["tools", "audio"], collections: [TOOLS] } },
      { name: "a", targeting: { tags: ["audio"], collections: [AUDIO] } },
    ]);
    await publishShop(db.prisma, shop, gateway, new Date(Date.UTC(2026, 10, 24, 8)));
    await publishShop(db.prisma, shop, gateway, new Date(Date.UTC(2026, 10, 24, 9)));
    const values = store.variablesSet.map((v) => (v.metafields as Array<{ value: string }>)[0]!.value);
    expect(values).toHaveLength(2);
    expect(values[1]).toBe(values[0]);
  });

  it("GIVEN a shop without the offer discount WHEN published THEN the variables go on the discount just created", async () => {
    await offersTriggeredBy([{ name: "by tag", targeting: { tags: ["power-tools"] } }]);
    const outcome = await publishShop(db.prisma, shop, gateway);
    expect(outcome.ok).toBe(true);
    expect(store.created).toBe(1);
    expect(store.variablesSet[0]).toMatchObject({
      metafields: [{ ownerId: CREATED_ID, value: JSON.stringify({ tags: ["power-tools"], collections: [] }) }],
    });
  });

  it("GIVEN only product-triggered offers WHEN published THEN empty lists are written (the function asks about nothing)", async () => {
    store.discounts = [{ id: DISCOUNT_ID, title: OFFER_DISCOUNT_TITLE }];
    await offersTriggeredBy([{ name: "by product", targeting: drillCase.targeting }]);
    await publishShop(db.prisma, shop, gateway);
    expect(store.variablesSet[0]).toMatchObject({ metafields: [{ value: '{"tags":[],"collections":[]}' }] });
  });

  it("GIVEN Shopify refuses the variables WHEN published THEN the payload is live and the merchant reads why in plain words", async () => {
    store.discounts = [{ id: DISCOUNT_ID, title: OFFER_DISCOUNT_TITLE }];
    store.inputErrors = ["Value is too long"];
    await offersTriggeredBy([{ name: "by tag", targeting: { tags: ["power-tools"] } }]);

    const outcome = await publishShop(db.prisma, shop, gateway);

    expect(outcome).toEqual({
      ok: false,
      error:
        "Offers are published, but Shopify did not save the tags and collections that trigger offers: Value is too long",
    });
    expect(await db.prisma.publication.count({ where: { shopId: shop.id } })).toBe(1);
    const after = await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(after.publishError).toBe(outcome.ok ? null : outcome.error);
    expect(after.publishedAt).toBeInstanceOf(Date);
  });
});

describe("the metafield the function reads is the one the app writes", () => {
  it("GIVEN the function's toml WHEN read THEN [extensions.input.variables] names the gateway's namespace and key", () => {
    const toml = readFileSync(path.join(ROOT, "extensions/discount-function/shopify.extension.toml"), "utf8");
    const section = /\[extensions\.input\.variables\]\s*\n\s*namespace\s*=\s*"([^"]+)"\s*\n\s*key\s*=\s*"([^"]+)"/.exec(
      toml,
    );
    expect(section?.slice(1)).toEqual([OFFER_FUNCTION_INPUT_METAFIELD.namespace, OFFER_FUNCTION_INPUT_METAFIELD.key]);
    expect(OFFER_FUNCTION_INPUT_METAFIELD.namespace).toMatch(/^\$app:/);
  });

  it("GIVEN the demo store WHEN it publishes THEN it keeps the variables in its metafields, under the same namespace and key", async () => {
    const demoShop = await db.prisma.shop.create({
      data: { domain: "fn-tags-demo.myshopify.com", name: "demo", currency: "EUR", settings: { create: {} } },
    });
    const {
      id: _id,
      name: _name,
      status: _status,
      ...definition
    } = { ...drillCase, targeting: { tags: ["tools", "power-tools"] } };
    await db.prisma.offer.create({
      data: {
        shopId: demoShop.id,
        name: "by tag",
        type: "product",
        status: "active",
        definition: JSON.stringify(definition),
      },
    });
    const outcome = await publishShop(db.prisma, demoShop, demoGateway(db.prisma, demoShop.id));
    expect(outcome.ok).toBe(true);
    const row = await db.prisma.demoMetafield.findUnique({
      where: { shopId_namespace_key: { shopId: demoShop.id, ...OFFER_FUNCTION_INPUT_METAFIELD } },
    });
    expect(row).toMatchObject({
      type: "json",
      value: JSON.stringify({ tags: ["power-tools", "tools"], collections: [] }),
    });
  });
});
