/**
 * The thank-you offer added to the paid order (decision 026), end to end below the extension:
 * POST /api/thank-you/accept's handler with a signed checkout session token, the shop's offline
 * session loaded by the Shopify library, and Shopify's Admin GraphQL endpoint faked at the HTTP
 * boundary by msw. Every request the app sends is parsed and validated, document and variables,
 * against the Admin schema of the app's API version shipped in @shopify/dev-mcp.
 */
import { randomUUID } from "node:crypto";
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
import { SignJWT } from "jose";
import { graphql, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { Shop } from "@prisma/client";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { encodePayload, type Offer } from "@moments/engine";
import { DEMO_CATALOG, demoProductGid, demoVariantGid } from "~/demo/catalog";
import { DEMO_OFFERS } from "~/demo/demo-offers";
import { SHOPIFY_API_VERSION } from "~/lib/api-version";
import type { thankYouAcceptResponse, thankYouOfferResponse } from "~/thank-you/http.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { ROOT } from "./support/paths";
import { realModeEnv, TEST_API_KEY, TEST_API_SECRET } from "./support/server";

const DOMAIN = "thank-you-edit.myshopify.com";
const ORDER = "gid://shopify/Order/7300000001";
const CHECKOUT = "c1a2b3c4d5e6f7a8b9c0";
const CUSTOMER = "gid://shopify/Customer/5100000001";
const CALCULATED = "gid://shopify/CalculatedOrder/880001";
const ADDED_LINE = "gid://shopify/CalculatedLineItem/990001";

const pi = (key: string) => DEMO_CATALOG.findIndex((p) => p.key === key);
const HEADSET = { product: demoProductGid(pi("headset")), variant: demoVariantGid(pi("headset"), 0) };
const DRILL = { product: demoProductGid(pi("drill")), variant: demoVariantGid(pi("drill"), 0) };
const CABLE_VARIANT = demoVariantGid(pi("cable"), 0);

let schema: GraphQLSchema;
/** Every Admin request the app sent: operation name, document and variables, in order. */
const sent: Array<{ operation: string; variables: Record<string, unknown> }> = [];
/** What the schema refused in those requests (checked empty after every test). */
const invalid: string[] = [];

/** What Shopify holds and answers; tests change it. */
const store = {
  order: null as null | Record<string, unknown>,
  /** Shopify's price of a variant added by an edit, decimal EUR. */
  unitPrice: "24.90",
  /** The discounted unit price Shopify calculates, or null for "original - discount". */
  discountedUnit: null as string | null,
  beginErrors: [] as string[],
  commitErrors: [] as string[],
  /** Holds the begin step until released (concurrency test). */
  gate: null as Promise<void> | null,
  discountPerUnit: 0,
};

function recordAndValidate(operation: string, query: string, variables: Record<string, unknown>) {
  sent.push({ operation, variables });
  const doc = parse(query);
  for (const e of validate(schema, doc)) invalid.push(`${operation}: ${e.message}`);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === "OperationDefinition")!;
  const coerced = getVariableValues(schema, op.variableDefinitions ?? [], variables);
  for (const e of "errors" in coerced ? (coerced.errors ?? []) : [])
    invalid.push(`${operation} variables: ${e.message}`);
}

const money = (amount: string) => ({ presentmentMoney: { amount, currencyCode: "EUR" } });
const cents = (amount: string) => Math.round(Number(amount) * 100);
const decimal = (minor: number) => (minor / 100).toFixed(2);

const admin = graphql.link(`https://${DOMAIN}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`);
const shopify = setupServer(
  admin.query("MomentsOrderForEdit", ({ query, variables }) => {
    recordAndValidate("MomentsOrderForEdit", query, variables);
    return HttpResponse.json({ data: { order: store.order && store.order.id === variables.id ? store.order : null } });
  }),
  admin.mutation("MomentsOrderEditBegin", async ({ query, variables }) => {
    recordAndValidate("MomentsOrderEditBegin", query, variables);
    if (store.gate) await store.gate;
    const userErrors = store.beginErrors.map((message) => ({ field: ["id"], message }));
    return HttpResponse.json({
      data: { orderEditBegin: { calculatedOrder: userErrors.length ? null : { id: CALCULATED }, userErrors } },
    });
  }),
  admin.mutation("MomentsOrderEditAddVariant", ({ query, variables }) => {
    recordAndValidate("MomentsOrderEditAddVariant", query, variables);
    return HttpResponse.json({
      data: {
        orderEditAddVariant: {
          calculatedLineItem: {
            id: ADDED_LINE,
            quantity: variables.quantity,
            originalUnitPriceSet: money(store.unitPrice),
          },
          userErrors: [],
        },
      },
    });
  }),
  admin.mutation("MomentsOrderEditLineDiscount", ({ query, variables }) => {
    recordAndValidate("MomentsOrderEditLineDiscount", query, variables);
    const off = cents((variables.discount as { fixedValue: { amount: string } }).fixedValue.amount);
    const unit = store.discountedUnit ?? decimal(cents(store.unitPrice) - off);
    return HttpResponse.json({
      data: {
        orderEditAddLineItemDiscount: {
          calculatedLineItem: { id: ADDED_LINE, quantity: 1, discountedUnitPriceSet: money(unit) },
          userErrors: [],
        },
      },
    });
  }),
  admin.mutation("MomentsOrderEditCommit", ({ query, variables }) => {
    recordAndValidate("MomentsOrderEditCommit", query, variables);
    const userErrors = store.commitErrors.map((message) => ({ field: ["id"], message }));
    return HttpResponse.json({
      data: {
        orderEditCommit: {
          order: userErrors.length ? null : { id: ORDER, totalOutstandingSet: money("21.16") },
          userErrors,
        },
      },
    });
  }),
  admin.mutation("MomentsOrderInvoiceSend", ({ query, variables }) => {
    recordAndValidate("MomentsOrderInvoiceSend", query, variables);
    return HttpResponse.json({ data: { orderInvoiceSend: { order: { id: variables.id }, userErrors: [] } } });
  }),
);

/** Shopify's order as the Admin API answers MomentsOrderForEdit: a headset bought just now, in EUR. */
function shopifyOrder(over: Record<string, unknown> = {}, item = HEADSET, total = "199.00") {
  return {
    id: ORDER,
    createdAt: new Date(Date.now() - 60_000).toISOString(),
    cancelledAt: null,
    test: false,
    checkoutToken: CHECKOUT,
    customerLocale: "en",
    presentmentCurrencyCode: "EUR",
    merchantEditable: true,
    merchantEditableErrors: [],
    customAttributes: [],
    customer: { id: CUSTOMER },
    shippingAddress: { countryCodeV2: "DE" },
    billingAddress: null,
    subtotalPriceSet: money(total),
    lineItems: {
      nodes: [
        { quantity: 1, product: { id: item.product }, variant: { id: item.variant }, discountedTotalSet: money(total) },
      ],
    },
    ...over,
  };
}

/** The checkout UI extension's session token, as Shopify signs it (HS256, the app secret). */
async function sessionToken(opts: { aud?: string | null; secret?: string; exp?: number; sub?: string | null } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { dest: `https://${DOMAIN}`, jti: randomUUID() };
  if (opts.aud !== null) claims.aud = opts.aud ?? TEST_API_KEY;
  if (opts.sub !== null) claims.sub = opts.sub ?? CUSTOMER;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(now - 5)
    .setNotBefore(now - 5)
    .setExpirationTime(opts.exp ?? now + 300)
    .sign(new TextEncoder().encode(opts.secret ?? TEST_API_SECRET));
}

const acceptBody = (over: Record<string, unknown> = {}) => ({
  orderId: ORDER,
  checkoutToken: CHECKOUT,
  offerId: "demo-headset-cable-ty",
  moment: "thank_you",
  // 15% off the 24.90 EUR cable: the engine's 21.16 EUR, the price the block showed.
  expected: { final: 2116, currency: "EUR" },
  device: "desktop",
  ...over,
});

let db: TestDatabase;
let shop: Shop;
let handlers: {
  thankYouAcceptResponse: typeof thankYouAcceptResponse;
  thankYouOfferResponse: typeof thankYouOfferResponse;
};

async function post(
  path: "accept" | "offer",
  body: unknown,
  token?: string | null,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const auth: Record<string, string> =
    token === null ? {} : { Authorization: `Bearer ${token ?? (await sessionToken())}` };
  const request = new Request(`https://moments.test/api/thank-you/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: "https://extensions.shopifycdn.com", ...auth },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const respond = path === "accept" ? handlers.thankYouAcceptResponse : handlers.thankYouOfferResponse;
  const res = await respond(request, { prisma: db.prisma });
  expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const operations = () => sent.map((s) => s.operation);
const EDIT_MUTATIONS = [
  "MomentsOrderEditBegin",
  "MomentsOrderEditAddVariant",
  "MomentsOrderEditLineDiscount",
  "MomentsOrderEditCommit",
  "MomentsOrderInvoiceSend",
];

beforeAll(async () => {
  const gz = path.join(ROOT, `node_modules/@shopify/dev-mcp/dist/data/admin_${SHOPIFY_API_VERSION}.json.gz`);
  schema = buildClientSchema(
    (JSON.parse(gunzipSync(readFileSync(gz)).toString("utf8")) as { data: IntrospectionQuery }).data,
  );
  db = freshDatabase("thank-you-order-edit");
  // The app's own Shopify client, in real mode, against this test's database (the offline session).
  Object.assign(process.env, {
    ...realModeEnv(db.url),
    SCOPES: "read_products,read_orders,write_order_edits",
    NODE_ENV: "test",
  });
  shopify.listen({ onUnhandledRequest: "error" });
  shop = await db.prisma.shop.create({
    data: { domain: DOMAIN, name: "thank-you-edit", currency: "EUR", settings: { create: {} } },
  });
  await db.prisma.session.create({
    data: {
      id: `offline_${DOMAIN}`,
      shop: DOMAIN,
      state: "",
      isOnline: false,
      accessToken: "shpat_test",
      scope: "read_products,read_orders,write_order_edits",
    },
  });
  const offers: Offer[] = DEMO_OFFERS.map(({ name: _n, ...o }) => o);
  const payload = encodePayload(offers, { journeyCap: 3, defaultLocale: "en" }, Date.now() - 60_000);
  await db.prisma.publication.create({
    data: { shopId: shop.id, payload, bytes: payload.length, offerCount: offers.length, publishedAt: new Date() },
  });
  handlers = await import("~/thank-you/http.server");
});
beforeEach(async () => {
  sent.length = 0;
  Object.assign(store, {
    order: shopifyOrder(),
    unitPrice: "24.90",
    discountedUnit: null,
    beginErrors: [],
    commitErrors: [],
    gate: null,
  });
  await db.prisma.thankYouOrderEdit.deleteMany({});
  await db.prisma.postPurchaseOffer.deleteMany({});
  await db.prisma.event.deleteMany({});
});
afterEach(() => {
  expect(invalid, "every request valid against the Admin schema").toEqual([]);
  invalid.length = 0;
});
afterAll(async () => {
  shopify.close();
  await db.prisma.$disconnect();
});

describe("POST /api/thank-you/accept: the offer added to the paid order by Shopify's order editing", () => {
  it("GIVEN a headset order WHEN the buyer adds the cable THEN the app edits the order as Shopify documents it (begin, add, discount to the engine's price, commit notifying the buyer, invoice) and records the accept", async () => {
    const res = await post("accept", acceptBody());
    expect(res).toEqual({
      status: 200,
      json: {
        status: "added",
        offerId: "demo-headset-cable-ty",
        charged: { amount: 2116, currency: "EUR" },
        balance: { amount: 2116, currency: "EUR" },
        invoiceSent: true,
      },
    });
    expect(sent).toEqual([
      { operation: "MomentsOrderForEdit", variables: { id: ORDER } },
      { operation: "MomentsOrderEditBegin", variables: { id: ORDER } },
      { operation: "MomentsOrderEditAddVariant", variables: { id: CALCULATED, variantId: CABLE_VARIANT, quantity: 1 } },
      // 24.90 - 21.16 = 3.74 EUR off the added line's unit, in the order's currency.
      {
        operation: "MomentsOrderEditLineDiscount",
        variables: {
          id: CALCULATED,
          lineItemId: ADDED_LINE,
          discount: {
            fixedValue: { amount: "3.74", currencyCode: "EUR" },
            description: "One more thing for your headset",
          },
        },
      },
      {
        operation: "MomentsOrderEditCommit",
        variables: {
          id: CALCULATED,
          notifyCustomer: true,
          staffNote:
            'Moments: "One more thing for your headset" (offer demo-headset-cable-ty) added by the buyer on the thank-you page.',
        },
      },
      { operation: "MomentsOrderInvoiceSend", variables: { id: ORDER } },
    ]);
    const row = await db.prisma.thankYouOrderEdit.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(row).toMatchObject({
      orderId: ORDER,
      offerId: "demo-headset-cable-ty",
      status: "committed",
      moment: "thank_you",
      journeyKey: CHECKOUT,
      currency: "EUR",
      finalMinor: 2116n,
      chargedMinor: 2116n,
      balanceMinor: 2116n,
    });
    expect(row.invoiceSentAt).toBeInstanceOf(Date);
    const events = await db.prisma.event.findMany({ where: { shopId: shop.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "accept",
      moment: "thank_you",
      surface: "thank_you",
      journeyKey: CHECKOUT,
      offerId: "demo-headset-cable-ty",
      valueMinor: 2116n,
      currency: "EUR",
      country: "DE",
    });
  });

  it("GIVEN two accepts of the same offer at once (a double click, a retry) WHEN both arrive THEN the order is edited once: one is added, the other told it is in progress; a later retry gets the same answer without another edit", async () => {
    let release!: () => void;
    store.gate = new Promise<void>((r) => (release = r));
    const first = post("accept", acceptBody());
    // The second arrives while Shopify is still working on the first.
    await new Promise((r) => setTimeout(r, 50));
    const second = await post("accept", acceptBody());
    release();
    const done = await first;
    expect(done.status).toBe(200);
    expect(second).toEqual({ status: 409, json: { error: "the offer is already being added to this order" } });
    expect(operations().filter((o) => o === "MomentsOrderEditBegin")).toHaveLength(1);
    expect(operations().filter((o) => o === "MomentsOrderEditCommit")).toHaveLength(1);

    sent.length = 0;
    const retry = await post("accept", acceptBody());
    expect(retry).toEqual(done);
    expect(operations().filter((o) => EDIT_MUTATIONS.includes(o))).toEqual([]);
    expect(await db.prisma.event.count({ where: { shopId: shop.id, type: "accept" } })).toBe(1);
  });

  it.each([
    ["no token", null, 401, "missing Authorization: Bearer <session token>"],
    [
      "a token signed with another secret",
      { secret: "someone-elses-secret" },
      401,
      "session token signature is invalid",
    ],
    ["a token for another app", { aud: "another-apps-api-key" }, 401, "session token aud is not this app's API key"],
    ["a token without aud", { aud: null }, 401, "session token has no aud claim"],
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 60 }, 401, "session token has expired"],
    [
      "another customer's token",
      { sub: "gid://shopify/Customer/42" },
      403,
      "the session's customer did not place this order",
    ],
  ] as const)(
    "GIVEN %s WHEN accepting THEN it is refused with the reason and Shopify is never asked to edit",
    async (_what, token, status, error) => {
      const res = await post("accept", acceptBody(), token === null ? null : await sessionToken(token));
      expect(res).toEqual({ status, json: { error } });
      expect(operations().filter((o) => EDIT_MUTATIONS.includes(o))).toEqual([]);
    },
  );

  it.each([
    [
      "a tampered price",
      acceptBody({ expected: { final: 1, currency: "EUR" } }),
      409,
      "price mismatch: 1 EUR != 2116 EUR",
    ],
    [
      "another currency",
      acceptBody({ expected: { final: 2116, currency: "USD" } }),
      409,
      "price mismatch: 2116 USD != 2116 EUR",
    ],
    [
      "an offer this order is not eligible for",
      acceptBody({ offerId: "demo-saas-onboarding-ty" }),
      409,
      "the offer is not eligible for this order",
    ],
    [
      "an offer that does not exist",
      acceptBody({ offerId: "no-such-offer" }),
      409,
      "the offer is not eligible for this order",
    ],
    [
      "a post-purchase offer the page was never given",
      acceptBody({ offerId: "demo-pp-drill-case", moment: "post_purchase" }),
      409,
      "the offer was not made for this order",
    ],
    [
      "another checkout's token",
      acceptBody({ checkoutToken: "someone-elses-checkout" }),
      403,
      "checkout token is not this order's",
    ],
    [
      "an order of another shop (or none)",
      acceptBody({ orderId: "gid://shopify/Order/1" }),
      404,
      "order not found in this shop",
    ],
    ["a body that is not an order GID", acceptBody({ orderId: "1234" }), 400, "orderId: must be an Order GID"],
    [
      "a body without the price shown",
      (({ expected: _e, ...rest }) => rest)(acceptBody()),
      400,
      "expected: Invalid input: expected object, received undefined",
    ],
    ["a body that is not JSON", "{not json", 400, "body: not JSON"],
  ] as const)(
    "GIVEN %s WHEN accepting THEN it is refused with the reason and nothing is edited",
    async (_what, body, status, error) => {
      const res = await post("accept", body);
      expect(res).toEqual({ status, json: { error } });
      expect(operations().filter((o) => EDIT_MUTATIONS.includes(o))).toEqual([]);
      expect(await db.prisma.event.count({ where: { shopId: shop.id, type: "accept" } })).toBe(0);
    },
  );

  it.each([
    ["cancelled", { cancelledAt: new Date().toISOString() }, "the order was cancelled"],
    [
      "placed three hours ago",
      { createdAt: new Date(Date.now() - 3 * 3_600_000).toISOString() },
      "the order is too old to add to from the thank-you page",
    ],
    [
      "archived (Shopify cannot edit it)",
      { merchantEditable: false, merchantEditableErrors: ["Archived orders can't be edited."] },
      "Shopify cannot edit this order: Archived orders can't be edited.",
    ],
  ])("GIVEN an order %s WHEN accepting THEN 409 with the reason", async (_what, over, error) => {
    store.order = shopifyOrder(over);
    expect(await post("accept", acceptBody())).toEqual({ status: 409, json: { error } });
    expect(operations().filter((o) => EDIT_MUTATIONS.includes(o))).toEqual([]);
  });

  it("GIVEN Shopify refuses to start the edit WHEN accepting THEN 409 with Shopify's reason, nothing committed, and a later accept may try again", async () => {
    store.beginErrors = ["The order is being edited by a staff member."];
    expect(await post("accept", acceptBody())).toEqual({
      status: 409,
      json: {
        error: "nothing was added: Shopify refused to edit the order: The order is being edited by a staff member.",
      },
    });
    expect(operations()).not.toContain("MomentsOrderEditCommit");
    expect(await db.prisma.thankYouOrderEdit.findFirstOrThrow({ where: { shopId: shop.id } })).toMatchObject({
      status: "failed",
    });
    store.beginErrors = [];
    expect((await post("accept", acceptBody())).status).toBe(200);
  });

  it("GIVEN Shopify calculates the added line above the offer's price WHEN accepting THEN nothing is committed (the edit is abandoned) and the buyer is told", async () => {
    store.discountedUnit = "22.90";
    const res = await post("accept", acceptBody());
    expect(res).toEqual({
      status: 409,
      json: { error: "nothing was added: Shopify calculated 2290 for the offer's items, above its price 2116" },
    });
    expect(operations()).not.toContain("MomentsOrderEditCommit");
  });

  it("GIVEN Shopify prices the variant below the offer for this order WHEN accepting THEN no discount is added and the buyer pays Shopify's lower price", async () => {
    store.unitPrice = "19.90";
    const res = await post("accept", acceptBody());
    expect(res.status).toBe(200);
    expect(res.json.charged).toEqual({ amount: 1990, currency: "EUR" });
    expect(operations()).not.toContain("MomentsOrderEditLineDiscount");
  });

  it("GIVEN the merchant chose a new checkout for thank-you offers WHEN accepting THEN 409: the order is not edited", async () => {
    await db.prisma.shopSettings.update({ where: { shopId: shop.id }, data: { thankYouAccept: "new_checkout" } });
    try {
      expect(await post("accept", acceptBody())).toEqual({
        status: 409,
        json: { error: "this shop takes thank-you offers through a new checkout" },
      });
    } finally {
      await db.prisma.shopSettings.update({ where: { shopId: shop.id }, data: { thankYouAccept: "order_edit" } });
    }
  });
});

describe("the wallet fallback: the post-purchase offer on the thank-you page, added by the same order edit", () => {
  const drillOrder = () => shopifyOrder({}, DRILL, "129.00");

  it("GIVEN a drill order whose checkout skipped the post-purchase page WHEN the page asks THEN it gets the post-purchase offer, recorded as made on the thank-you page, and adding it edits the order", async () => {
    store.order = drillOrder();
    const asked = await post("offer", { orderId: ORDER, checkoutToken: CHECKOUT });
    expect(asked.status).toBe(200);
    const offer = asked.json.offer as { offerId: string; moment: string; price: { final: number; currency: string } };
    expect(offer).toMatchObject({ offerId: "demo-pp-drill-case", moment: "post_purchase" });
    expect(await db.prisma.postPurchaseOffer.findMany({ where: { shopId: shop.id } })).toMatchObject([
      { referenceId: CHECKOUT, orderId: ORDER, offerId: "demo-pp-drill-case", moment: "thank_you", status: "offered" },
    ]);
    // Asked again (the page reloaded): the same offer, still one row.
    expect((await post("offer", { orderId: ORDER, checkoutToken: CHECKOUT })).json.offer).toMatchObject({
      offerId: "demo-pp-drill-case",
    });

    store.unitPrice = decimal(offer.price.final + 1000);
    const res = await post(
      "accept",
      acceptBody({ offerId: offer.offerId, moment: "post_purchase", expected: offer.price }),
    );
    expect(res.status).toBe(200);
    expect(sent.find((s) => s.operation === "MomentsOrderEditLineDiscount")?.variables).toMatchObject({
      discount: { fixedValue: { amount: "10.00", currencyCode: "EUR" } },
    });
    expect(await db.prisma.postPurchaseOffer.findFirstOrThrow({ where: { shopId: shop.id } })).toMatchObject({
      status: "accepted",
      moment: "thank_you",
    });
    const accept = await db.prisma.event.findFirstOrThrow({ where: { shopId: shop.id, type: "accept" } });
    expect(accept).toMatchObject({
      moment: "post_purchase",
      surface: "thank_you",
      journeyKey: CHECKOUT,
      offerId: "demo-pp-drill-case",
      valueMinor: BigInt(offer.price.final),
    });
    // Once taken, the page is offered nothing more.
    expect((await post("offer", { orderId: ORDER, checkoutToken: CHECKOUT })).json).toEqual({
      offer: null,
      reason: "the thank-you page's post-purchase offer was already accepted",
    });
  });

  it("GIVEN the post-purchase page made its offer for this checkout WHEN the thank-you page asks THEN it gets none", async () => {
    store.order = drillOrder();
    await db.prisma.postPurchaseOffer.create({
      data: {
        shopId: shop.id,
        referenceId: CHECKOUT,
        offerId: "demo-pp-drill-case",
        moment: "post_purchase",
        status: "declined",
        step: 1,
        currency: "EUR",
        finalMinor: 2924,
      },
    });
    expect(await post("offer", { orderId: ORDER, checkoutToken: CHECKOUT })).toEqual({
      status: 200,
      json: { offer: null, reason: "the post-purchase page made its offer for this checkout" },
    });
    const res = await post(
      "accept",
      acceptBody({
        offerId: "demo-pp-drill-case",
        moment: "post_purchase",
        expected: { final: 2924, currency: "EUR" },
      }),
    );
    expect(res).toEqual({ status: 409, json: { error: "the post-purchase page made its offer for this checkout" } });
  });

  it("GIVEN a bad token WHEN the page asks for the offer THEN 401 and Shopify is never asked about the order", async () => {
    expect(
      await post(
        "offer",
        { orderId: ORDER, checkoutToken: CHECKOUT },
        await sessionToken({ aud: "another-apps-api-key" }),
      ),
    ).toEqual({
      status: 401,
      json: { error: "session token aud is not this app's API key" },
    });
    expect(sent).toEqual([]);
  });
});

describe("the Settings choice reaches the thank-you block through the payload", () => {
  it("GIVEN the Settings page WHEN the merchant picks a new checkout, then the order edit THEN the payload's settings carry thankYouAccept only for the new checkout (the default is left out)", async () => {
    const { loadSettingsForm, saveSettingsForm } = await import("~/settings/settings.server");
    const { shopSettings } = await import("~/publish/publish.server");
    const form = await loadSettingsForm(db.prisma, shop.id);
    expect(form.thankYouAccept).toBe("order_edit");
    expect(await saveSettingsForm(db.prisma, shop.id, { ...form, thankYouAccept: "new_checkout" })).toEqual({
      ok: true,
    });
    expect((await shopSettings(db.prisma, shop.id)).thankYouAccept).toBe("new_checkout");
    expect(await saveSettingsForm(db.prisma, shop.id, { ...form, thankYouAccept: "order_edit" })).toEqual({ ok: true });
    expect("thankYouAccept" in (await shopSettings(db.prisma, shop.id))).toBe(false);
    expect(await saveSettingsForm(db.prisma, shop.id, { ...form, thankYouAccept: "email" })).toEqual({
      ok: false,
      errors: { thankYouAccept: "Pick how buyers take thank-you offers." },
    });
  });
});
