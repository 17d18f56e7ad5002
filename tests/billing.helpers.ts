/**
 * Shopify's Billing API faked at the HTTP boundary (msw) for tests/billing*.test.ts: subscriptions,
 * usage records keyed by idempotency key as Shopify keeps them (a repeated key answers the record
 * created first), the cap per billing interval. Every request is validated, document and
 * variables, against the Admin schema of the app's API version.
 */
import { createHmac, randomUUID } from "node:crypto";
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
import { http, HttpResponse } from "msw";
import type { PrismaClient } from "@prisma/client";
import { SHOPIFY_API_VERSION } from "~/lib/api-version";
import { ROOT } from "./support/paths";
import { TEST_API_SECRET } from "./support/server";
import { seedArmDays } from "./support/experiment-rollups";

let schema: GraphQLSchema | undefined;
function adminSchema(): GraphQLSchema {
  if (schema) return schema;
  const gz = path.join(ROOT, `node_modules/@shopify/dev-mcp/dist/data/admin_${SHOPIFY_API_VERSION}.json.gz`);
  schema = buildClientSchema(
    (JSON.parse(gunzipSync(readFileSync(gz)).toString("utf8")) as { data: IntrospectionQuery }).data,
  );
  return schema;
}

export interface FakeSubscription {
  id: string;
  shop: string;
  status: string;
  plan: "usage" | "flat";
  lineItemId: string;
  currency: string;
  capMinor: number;
  balanceMinor: number;
  priceMinor: number;
  trialDays: number;
  test: boolean;
  createdAt: string;
}

export interface FakeRecord {
  id: string;
  shop: string;
  lineItemId: string;
  amount: string;
  currency: string;
  idempotencyKey: string | null;
  description: string;
}

const toMinor = (amount: string) => Math.round(Number(amount) * 100);

/** The fake Shopify: its state is public so a test sets and reads it. */
export function fakeBillingShopify() {
  const state = {
    subscriptions: [] as FakeSubscription[],
    records: [] as FakeRecord[],
    sent: [] as Array<{ shop: string; operation: string; variables: Record<string, unknown> }>,
    invalid: [] as string[],
    developmentStore: true,
  };
  let n = 0;
  const handler = http.post("https://:shop/admin/api/:version/graphql.json", async ({ request, params }) => {
    const shop = String(params.shop);
    const { query, variables = {} } = (await request.json()) as { query: string; variables?: Record<string, unknown> };
    const doc = parse(query);
    for (const e of validate(adminSchema(), doc)) state.invalid.push(`${e.message}`);
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === "OperationDefinition")!;
    const coerced = getVariableValues(adminSchema(), op.variableDefinitions ?? [], variables);
    for (const e of "errors" in coerced ? (coerced.errors ?? []) : []) state.invalid.push(`variables: ${e.message}`);
    const operation = op.name?.value ?? "";
    state.sent.push({ shop, operation, variables });
    const mine = () => state.subscriptions.filter((s) => s.shop === shop);
    const money = (minor: number, currencyCode: string) => ({ amount: (minor / 100).toFixed(2), currencyCode });
    switch (operation) {
      case "MomentsBillingSubscriptionCreate": {
        const v = variables as {
          lineItems: Array<{
            plan: Record<
              string,
              {
                cappedAmount?: { amount: string; currencyCode: string };
                price?: { amount: string; currencyCode: string };
              }
            >;
          }>;
          trialDays: number;
          test: boolean;
        };
        const plan = v.lineItems[0]!.plan;
        const usage = plan.appUsagePricingDetails;
        const money0 = usage ? usage.cappedAmount! : plan.appRecurringPricingDetails!.price!;
        const id = `gid://shopify/AppSubscription/${++n}`;
        const sub: FakeSubscription = {
          id,
          shop,
          status: "PENDING",
          plan: usage ? "usage" : "flat",
          lineItemId: `gid://shopify/AppSubscriptionLineItem/${n}?v=1&index=0`,
          currency: money0.currencyCode,
          capMinor: usage ? toMinor(money0.amount) : 0,
          balanceMinor: 0,
          priceMinor: usage ? 0 : toMinor(money0.amount),
          trialDays: v.trialDays,
          test: v.test,
          createdAt: new Date().toISOString(),
        };
        state.subscriptions.push(sub);
        return HttpResponse.json({
          data: {
            appSubscriptionCreate: {
              appSubscription: { id, status: "PENDING", lineItems: [{ id: sub.lineItemId }] },
              confirmationUrl: `https://${shop}/admin/charges/${n}/confirm_recurring_application_charge?signature=x`,
              userErrors: [],
            },
          },
        });
      }
      case "MomentsBillingActiveSubscriptions":
        return HttpResponse.json({
          data: {
            shopBillingPreferences: { currency: "USD" },
            shop: { plan: { partnerDevelopment: state.developmentStore } },
            currentAppInstallation: {
              activeSubscriptions: mine()
                .filter((s) => s.status === "ACTIVE")
                .map((s) => ({
                  id: s.id,
                  name: "Moments",
                  status: s.status,
                  test: s.test,
                  trialDays: s.trialDays,
                  createdAt: s.createdAt,
                  currentPeriodEnd: null,
                  lineItems: [
                    {
                      id: s.lineItemId,
                      plan: {
                        pricingDetails:
                          s.plan === "usage"
                            ? {
                                __typename: "AppUsagePricing",
                                balanceUsed: money(s.balanceMinor, s.currency),
                                cappedAmount: money(s.capMinor, s.currency),
                              }
                            : { __typename: "AppRecurringPricing", price: money(s.priceMinor, s.currency) },
                      },
                    },
                  ],
                })),
            },
          },
        });
      case "MomentsBillingSubscriptionStatus": {
        const s = mine().find((x) => x.id === variables.id);
        return HttpResponse.json({
          data: { node: s ? { __typename: "AppSubscription", id: s.id, status: s.status } : null },
        });
      }
      case "MomentsBillingUsageRecordCreate": {
        const v = variables as {
          subscriptionLineItemId: string;
          price: { amount: string; currencyCode: string };
          description: string;
          idempotencyKey: string | null;
        };
        const earlier = v.idempotencyKey
          ? state.records.find((r) => r.shop === shop && r.idempotencyKey === v.idempotencyKey)
          : undefined;
        const found = earlier ?? null;
        const record = (r: FakeRecord) => ({
          id: r.id,
          idempotencyKey: r.idempotencyKey,
          price: { amount: r.amount, currencyCode: r.currency },
        });
        if (found)
          return HttpResponse.json({
            data: { appUsageRecordCreate: { appUsageRecord: record(found), userErrors: [] } },
          });
        const sub = mine().find((s) => s.lineItemId === v.subscriptionLineItemId && s.status === "ACTIVE");
        const userError = (message: string) =>
          HttpResponse.json({
            data: { appUsageRecordCreate: { appUsageRecord: null, userErrors: [{ field: null, message }] } },
          });
        if (!sub) return userError("Subscription line item not found or not active");
        const amount = toMinor(v.price.amount);
        if (sub.balanceMinor + amount > sub.capMinor) return userError("Total price exceeds balance remaining");
        sub.balanceMinor += amount;
        const r: FakeRecord = {
          id: `gid://shopify/AppUsageRecord/${randomUUID()}`,
          shop,
          lineItemId: sub.lineItemId,
          amount: v.price.amount,
          currency: v.price.currencyCode,
          idempotencyKey: v.idempotencyKey,
          description: v.description,
        };
        state.records.push(r);
        return HttpResponse.json({ data: { appUsageRecordCreate: { appUsageRecord: record(r), userErrors: [] } } });
      }
      case "MomentsBillingSubscriptionCancel": {
        const s = mine().find((x) => x.id === variables.id);
        if (!s)
          return HttpResponse.json({
            data: {
              appSubscriptionCancel: {
                appSubscription: null,
                userErrors: [{ field: ["id"], message: "Subscription not found" }],
              },
            },
          });
        s.status = "CANCELLED";
        return HttpResponse.json({
          data: { appSubscriptionCancel: { appSubscription: { id: s.id, status: s.status }, userErrors: [] } },
        });
      }
      default:
        return HttpResponse.json(
          { errors: [{ message: `fake Shopify: no answer for ${operation}` }] },
          { status: 200 },
        );
    }
  });
  return { state, handler };
}

/** An installed shop with an offline session, in USD. */
export async function seedBillingShop(prisma: PrismaClient, domain: string) {
  await prisma.session.create({
    data: {
      id: `offline_${domain}`,
      shop: domain,
      state: "",
      isOnline: false,
      accessToken: "shpat_test",
      scope: "read_products",
    },
  });
  return prisma.shop.create({ data: { domain, name: domain, currency: "USD", settings: { create: {} } } });
}

/**
 * Two experiments over November 2026 on the shop: one whose variant earns clearly more per visitor
 * than its hold-out (7% vs 4% converting at about $50, 1,000 visitors a day per arm), one without effect (its lower bound below 0).
 */
export async function seedNovemberExperiments(prisma: PrismaClient, shopId: string, seed: number, days = 30) {
  const offers = ["lift", "flat"].map((name) => `${shopId}-${name}`);
  for (const [i, offerId] of offers.entries()) {
    await prisma.offer.create({
      data: {
        id: offerId,
        shopId,
        name: i === 0 ? "Laptop sleeve" : "Gift wrap",
        type: "product",
        status: "active",
        definition: "{}",
      },
    });
    await prisma.offerVariant.create({
      data: { id: `${offerId}-v1`, offerId, name: "Variant A", weight: 1, isControl: true },
    });
    await prisma.experiment.create({
      data: {
        id: `${offerId}-exp`,
        shopId,
        offerId,
        status: "running",
        holdoutBps: 5000,
        version: 1,
        startedAt: new Date("2026-11-01T00:00:00Z"),
      },
    });
    const common = {
      shopId,
      experimentId: `${offerId}-exp`,
      offerId,
      version: 1,
      firstDay: "2026-11-01",
      days,
      visitorsPerDay: 1000,
      orderMinor: 5000,
    };
    await seedArmDays(prisma, { ...common, arm: "holdout", conversion: 0.04, seed: seed + i * 10 });
    await seedArmDays(prisma, {
      ...common,
      arm: `${offerId}-v1`,
      conversion: i === 0 ? 0.07 : 0.04,
      seed: seed + i * 10 + 1,
    });
  }
}

/** A webhook request as Shopify signs it, for a route's action in-process. */
export function signedWebhook(topic: string, shop: string, body: unknown): Request {
  const raw = JSON.stringify(body);
  return new Request(`https://moments.test/webhooks/${topic}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-API-Version": SHOPIFY_API_VERSION,
      "X-Shopify-Webhook-Id": randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-Hmac-Sha256": createHmac("sha256", TEST_API_SECRET).update(raw).digest("base64"),
    },
    body: raw,
  });
}
