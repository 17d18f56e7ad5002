/**
 * The merchant's email from Shopify (decision 031's notices): `Shop.email` is filled from Admin
 * GraphQL `shop { email }` through the shop's gateway, in real mode with the app's own client and
 * the shop's offline session, Shopify's endpoint faked at the HTTP edge by msw. Every request is
 * validated against the Admin schema of the app's API version.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, parse, validate, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { graphql, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { Shop } from "@prisma/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SHOPIFY_API_VERSION } from "~/lib/api-version";
import type { ShopGateway } from "~/gateway/types";
import type * as GuardrailModule from "~/guardrail/guardrail.server";
import type * as ShopEmailModule from "~/shop-email.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { ROOT } from "./support/paths";
import { realModeEnv } from "./support/server";

const DOMAIN = "shop-email.myshopify.com";
const store = { email: "owner@shop-email.example", fail: false, requests: 0, invalid: [] as string[] };

let schema: GraphQLSchema;
const admin = graphql.link(`https://${DOMAIN}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`);
const shopify = setupServer(
  admin.query("MomentsShopEmail", ({ query }) => {
    store.requests++;
    store.invalid.push(...validate(schema, parse(query)).map((e) => e.message));
    if (store.fail) return HttpResponse.json({ errors: [{ message: "Throttled" }] });
    return HttpResponse.json({ data: { shop: { email: store.email } } });
  }),
);

let db: TestDatabase;
let gateway: ShopGateway;
let shop: Shop;
let ensureShopEmail: typeof ShopEmailModule.ensureShopEmail;
let merchantContact: typeof GuardrailModule.merchantContact;

beforeAll(async () => {
  const gz = path.join(ROOT, `node_modules/@shopify/dev-mcp/dist/data/admin_${SHOPIFY_API_VERSION}.json.gz`);
  schema = buildClientSchema(
    (JSON.parse(gunzipSync(readFileSync(gz)).toString("utf8")) as { data: IntrospectionQuery }).data,
  );
  db = freshDatabase("shop-email");
  Object.assign(process.env, { ...realModeEnv(db.url), NODE_ENV: "test" });
  shopify.listen({ onUnhandledRequest: "error" });
  await db.prisma.session.create({
    data: {
      id: `offline_${DOMAIN}`,
      shop: DOMAIN,
      state: "",
      isOnline: false,
      accessToken: "shpat_test",
      scope: "read_products",
    },
  });
  const [{ gatewayForShop }, emailModule, guardrail] = await Promise.all([
    import("~/gateway/for-shop.server"),
    import("~/shop-email.server"),
    import("~/guardrail/guardrail.server"),
  ]);
  ensureShopEmail = emailModule.ensureShopEmail;
  merchantContact = guardrail.merchantContact;
  shop = await db.prisma.shop.create({
    data: { domain: DOMAIN, name: "Shop email", currency: "EUR", settings: { create: {} } },
  });
  // The gateway a worker gets: the shop's offline session, Shopify's Admin API.
  gateway = await gatewayForShop(db.prisma, shop);
});
afterEach(async () => {
  Object.assign(store, { email: "owner@shop-email.example", fail: false, requests: 0, invalid: [] });
  await db.prisma.shop.update({ where: { id: shop.id }, data: { email: null } });
});
afterAll(async () => {
  shopify.close();
  await db.prisma.$disconnect();
});

describe("the merchant's email read from Shopify", () => {
  it("GIVEN a shop without an email WHEN ensured THEN shop { email } is read once, stored on the row and the notice's contact", async () => {
    const before = await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(before.email).toBeNull();
    expect(await merchantContact(db.prisma, before)).toEqual({ email: null, locale: null });

    const filled = await ensureShopEmail(db.prisma, before, gateway);

    expect(filled.email).toBe("owner@shop-email.example");
    expect(store.requests).toBe(1);
    expect(store.invalid).toEqual([]);
    const row = await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(row.email).toBe("owner@shop-email.example");
    expect((await merchantContact(db.prisma, row)).email).toBe("owner@shop-email.example");

    // Known now: no second request.
    await ensureShopEmail(db.prisma, row, gateway);
    expect(store.requests).toBe(1);
  });

  it("GIVEN Shopify answers with an error WHEN ensured THEN the row stays empty, nothing throws and the failure is logged", async () => {
    store.fail = true;
    const lines: string[] = [];
    const row = await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } });
    const out = await ensureShopEmail(db.prisma, row, gateway, (l) => lines.push(l));
    expect(out.email).toBeNull();
    expect(store.requests).toBe(1);
    expect(lines.join("\n")).toContain(DOMAIN);
    expect((await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).email).toBeNull();
  });

  it("GIVEN an address set meanwhile by another instance WHEN a stale row is ensured THEN the stored address is kept", async () => {
    const stale = await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } });
    await db.prisma.shop.update({ where: { id: shop.id }, data: { email: "set-by-merchant@shop-email.example" } });
    await ensureShopEmail(db.prisma, stale, gateway);
    expect((await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).email).toBe(
      "set-by-merchant@shop-email.example",
    );
  });
});
