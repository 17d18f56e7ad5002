/**
 * The billing approval redirect over real HTTP against the built server in real (Shopify) mode:
 * the embedded admin subscribes, the app creates the subscription through Shopify's Billing API and
 * sends the merchant out of the iframe to Shopify's confirmation page, the way shopify-app-remix's
 * `redirect(url, { target: "_top" })` does it for a fetch (401 with the reauthorize header App
 * Bridge follows) and for a document (the App Bridge page that opens the URL in the top frame).
 * Shopify's Admin API is the only thing faked: msw inside the server forwards it to the fake
 * Admin below, which answers with tests/billing.helpers.ts's fake Billing API (every document and
 * its variables validated against the Admin schema).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getResponse } from "msw";
import { adminSessionToken } from "./support/shopify-signing";
import { freshDatabase, type TestDatabase } from "./support/db";
import { BROWSER_UA, TEST_API_KEY, realModeEnv, startServer, type RunningServer } from "./support/server";
import { seedInstalledShop } from "./support/fixtures";
import { ROOT } from "./support/paths";
import { fakeBillingShopify } from "./billing.helpers";

const FETCH_SHOP = "approval-fetch.myshopify.com";
const DOC_SHOP = "approval-doc.myshopify.com";
/** Shopify refuses this shop's subscription (userErrors). */
const REFUSED_SHOP = "approval-refused.myshopify.com";
const REFUSAL = "Shop must be on a paid plan to accept charges";
/** 500 EUR, one of the offered caps. */
const CAP_MINOR = "50000";

const fake = fakeBillingShopify();
const sentTo = (shop: string, operation: string) =>
  fake.state.sent.filter((s) => s.shop === shop && s.operation === operation);

/** The fake Admin: the request as the app sent it to Shopify, answered by the fake Billing API. */
async function adminHandler(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const [, shop, version] = (req.url ?? "").split("/");
  const request = new Request(`https://${shop}/admin/api/${version}/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: Buffer.concat(chunks).toString("utf8"),
  });
  let response = await getResponse([fake.handler], request);
  const last = fake.state.sent.at(-1);
  if (shop === REFUSED_SHOP && last?.operation === "MomentsBillingSubscriptionCreate") {
    // Shopify created nothing: drop the fake's subscription and answer its userErrors instead.
    fake.state.subscriptions = fake.state.subscriptions.filter((s) => s.shop !== REFUSED_SHOP);
    response = Response.json({
      data: {
        appSubscriptionCreate: {
          appSubscription: null,
          confirmationUrl: null,
          userErrors: [{ field: ["lineItems"], message: REFUSAL }],
        },
      },
    });
  }
  res.statusCode = response?.status ?? 500;
  res.setHeader("Content-Type", "application/json");
  res.end(response ? await response.text() : JSON.stringify({ errors: [{ message: "no fake answer" }] }));
}

const subscribeForm = () => new URLSearchParams({ intent: "subscribe", plan: "usage", capMinor: CAP_MINOR });

/** Remix's single-fetch submission of the billing form, through App Bridge's fetch (session token header). */
async function subscribeAsFetch(shop: string) {
  return fetch(`${server.url}/app/billing.data`, {
    method: "POST",
    headers: { Authorization: `Bearer ${await adminSessionToken(shop)}`, "User-Agent": BROWSER_UA },
    body: subscribeForm(),
    redirect: "manual",
  });
}

let db: TestDatabase;
let server: RunningServer;
let admin: Server;

beforeAll(async () => {
  db = freshDatabase("billing-approval");
  for (const domain of [FETCH_SHOP, DOC_SHOP, REFUSED_SHOP]) {
    await seedInstalledShop(db.prisma, domain);
    // The app's full scopes on the offline session, so the library does no token exchange.
    await db.prisma.session.update({ where: { id: `offline_${domain}` }, data: { scope: realModeEnv("").SCOPES } });
  }
  admin = createServer((req, res) => void adminHandler(req, res));
  await new Promise<void>((resolve) => admin.listen(0, "127.0.0.1", resolve));
  const preload = pathToFileURL(path.join(ROOT, "tests/support/shopify-admin-msw.mjs")).href;
  server = await startServer({
    ...realModeEnv(db.url),
    NODE_OPTIONS: `--import ${preload}`,
    MOMENTS_TEST_ADMIN_URL: `http://127.0.0.1:${(admin.address() as AddressInfo).port}`,
  });
});
afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => admin?.close(resolve));
  await db?.prisma.$disconnect();
});

const shopId = async (domain: string) => (await db.prisma.shop.findUniqueOrThrow({ where: { domain } })).id;

describe("billing approval redirect (real mode, over HTTP)", () => {
  it("GIVEN an installed shop WHEN the embedded admin subscribes to the usage plan through App Bridge's fetch THEN 401 with the reauthorize header naming Shopify's confirmation URL", async () => {
    const res = await subscribeAsFetch(FETCH_SHOP);
    const [created] = sentTo(FETCH_SHOP, "MomentsBillingSubscriptionCreate");
    const sub = fake.state.subscriptions.find((s) => s.shop === FETCH_SHOP)!;
    const confirmationUrl = `https://${FETCH_SHOP}/admin/charges/${sub.id.split("/").pop()}/confirm_recurring_application_charge?signature=x`;
    expect(res.status).toBe(401);
    expect(res.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url")).toBe(confirmationUrl);
    expect(created).toBeDefined();
    const row = await db.prisma.billingSubscription.findFirstOrThrow({ where: { shopId: await shopId(FETCH_SHOP) } });
    expect(row).toMatchObject({ status: "PENDING", shopifyId: sub.id, confirmationUrl, cappedAmountMinor: 50000n });
  });

  it("GIVEN that subscription WHEN the fake Admin looks at what it received THEN the cap, the terms, test charges and the return URL into the embedded billing page were sent, in schema-valid documents", () => {
    const [created] = sentTo(FETCH_SHOP, "MomentsBillingSubscriptionCreate");
    const v = created!.variables as {
      lineItems: Array<{ plan: { appUsagePricingDetails: { cappedAmount: unknown; terms: string } } }>;
      returnUrl: string;
      test: boolean;
    };
    const usage = v.lineItems[0]!.plan.appUsagePricingDetails;
    expect(usage.cappedAmount).toEqual({ amount: "500.00", currencyCode: "EUR" });
    expect(usage.terms).toContain("5% of the incremental revenue Moments measures");
    expect(v.test).toBe(true);
    expect(v.returnUrl).toBe(`https://admin.shopify.com/store/approval-fetch/apps/${TEST_API_KEY}/app/billing`);
    expect(fake.state.invalid).toEqual([]);
  });

  it("GIVEN a document POST from the embedded admin (no session token header, id_token in the URL) WHEN it subscribes THEN the App Bridge page that opens the confirmation URL in the top frame", async () => {
    const q = new URLSearchParams({
      embedded: "1",
      shop: DOC_SHOP,
      host: Buffer.from(`admin.shopify.com/store/approval-doc`).toString("base64url"),
      id_token: await adminSessionToken(DOC_SHOP),
    });
    const res = await fetch(`${server.url}/app/billing?${q}`, {
      method: "POST",
      headers: { "User-Agent": BROWSER_UA, Accept: "text/html" },
      body: subscribeForm(),
      redirect: "manual",
    });
    const html = await res.text();
    const sub = fake.state.subscriptions.find((s) => s.shop === DOC_SHOP)!;
    const confirmationUrl = `https://${DOC_SHOP}/admin/charges/${sub.id.split("/").pop()}/confirm_recurring_application_charge?signature=x`;
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    expect(html).toContain(`window.open(${JSON.stringify(confirmationUrl)}, "_top")`);
    expect(html).toContain(`data-api-key="${TEST_API_KEY}" src="https://cdn.shopify.com/shopifycloud/app-bridge.js"`);
  });

  it("GIVEN Shopify answers appSubscriptionCreate with userErrors WHEN the admin subscribes THEN a 4xx with Shopify's reason, and no local subscription is pending or active", async () => {
    const res = await subscribeAsFetch(REFUSED_SHOP);
    expect(sentTo(REFUSED_SHOP, "MomentsBillingSubscriptionCreate")).toHaveLength(1);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(`Shopify refused the subscription: ${REFUSAL}`);
    expect(
      await db.prisma.billingSubscription.count({
        where: { shopId: await shopId(REFUSED_SHOP), status: { in: ["PENDING", "ACTIVE"] } },
      }),
    ).toBe(0);
  });
});
