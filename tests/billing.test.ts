/**
 * Billing on measured incremental revenue (decision 033), below the admin, on a real database:
 * the period job, subscriptions and the app_subscriptions/update webhook, with Shopify's Admin API
 * faked at the HTTP boundary (msw) and every request validated against the Admin schema.
 */
import { setupServer } from "msw/node";
import type { Shop } from "@prisma/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type * as ChargeModule from "~/billing/charge.server";
import type * as SubscriptionsModule from "~/billing/subscriptions.server";
import type * as StatementModule from "~/billing/statement.server";
import type * as ForShopModule from "~/gateway/for-shop.server";
import type * as DashboardModule from "~/measurement/dashboard.server";
import type { ShopBilling } from "~/billing/api";
import { freshDatabase, type TestDatabase } from "./support/db";
import { realModeEnv } from "./support/server";
import { fakeBillingShopify, seedBillingShop, seedNovemberExperiments, signedWebhook } from "./billing.helpers";

const NOW = new Date("2026-12-03T09:00:00Z");
const fake = fakeBillingShopify();
const server = setupServer(fake.handler);

let db: TestDatabase;
let charge: typeof ChargeModule;
let subs: typeof SubscriptionsModule;
let statement: typeof StatementModule;
let forShop: typeof ForShopModule;
let dashboard: typeof DashboardModule;

beforeAll(async () => {
  db = freshDatabase("billing");
  Object.assign(process.env, realModeEnv(db.url));
  server.listen({ onUnhandledRequest: "error" });
  charge = await import("~/billing/charge.server");
  subs = await import("~/billing/subscriptions.server");
  statement = await import("~/billing/statement.server");
  forShop = await import("~/gateway/for-shop.server");
  dashboard = await import("~/measurement/dashboard.server");
}, 60_000);
afterEach(() => {
  expect(fake.state.invalid, "every request valid against the Admin schema").toEqual([]);
});
afterAll(async () => {
  server.close();
  await db?.prisma.$disconnect();
});

const billingOf = async (shop: Shop): Promise<ShopBilling> => (await forShop.gatewayForShop(db.prisma, shop)).billing!;
const recordsOf = (domain: string) => fake.state.records.filter((r) => r.shop === domain);
const fakeSub = (domain: string) => fake.state.subscriptions.filter((s) => s.shop === domain).at(-1)!;

/** A shop with November's experiments and a usage plan the merchant approved on `approvedAt`. */
async function shopWithPlan(label: string, opts: { capMinor?: bigint; approvedAt?: Date; seed?: number } = {}) {
  const domain = `${label}.myshopify.com`;
  const shop = await seedBillingShop(db.prisma, domain);
  await seedNovemberExperiments(db.prisma, shop.id, opts.seed ?? 7);
  const billing = await billingOf(shop);
  await subs.subscribe(db.prisma, shop, billing, {
    plan: "usage",
    capMinor: opts.capMinor ?? 100_000n,
    returnUrl: "https://admin.shopify.com/store/x/apps/k/app/billing",
    test: true,
    now: NOW,
  });
  fakeSub(domain).status = "ACTIVE"; // the merchant approved on Shopify's page
  await subs.syncSubscriptions(db.prisma, shop, billing, opts.approvedAt ?? new Date("2026-10-01T00:00:00Z"));
  return { shop, domain, billing };
}

const runJob = (hooks?: ChargeModule.ChargeHooks) =>
  charge.runBillingPeriods(db.prisma, { now: NOW, gatewayFor: (s) => forShop.gatewayForShop(db.prisma, s), hooks });

describe("the period job charges each period exactly once", () => {
  it("GIVEN an approved usage plan WHEN the job runs three times THEN November is charged once, from the lower bounds, minus the free tier, at the share", async () => {
    const { shop, domain } = await shopWithPlan("thrice");
    for (let i = 0; i < 3; i++) {
      const r = await runJob();
      expect(r.errors).toEqual([]);
    }
    const row = await db.prisma.billingPeriod.findUniqueOrThrow({
      where: { shopId_period: { shopId: shop.id, period: "2026-11" } },
    });
    expect(row.status).toBe("charged");
    expect(recordsOf(domain)).toHaveLength(1);
    const lines = JSON.parse(row.lines) as StatementModule.StatementLine[];
    const lowers = lines.map((l) => BigInt(Math.max(0, l.lowerMinor ?? 0)));
    const billable = lowers.reduce((a, x) => a + x, 0n);
    expect(row.billableMinor).toBe(billable);
    expect(billable).toBeGreaterThan(100_000n); // above the $1,000 free tier
    const fee = ((billable - 100_000n) * 500n) / 10000n;
    expect(row.feeMinor).toBe(fee);
    expect(row.chargedMinor).toBe(fee);
    expect(recordsOf(domain)[0]).toMatchObject({
      amount: (Number(fee) / 100).toFixed(2),
      currency: "USD",
      idempotencyKey: `moments:${domain}:2026-11:usage`,
    });
    expect(row.usageRecordId).toBe(recordsOf(domain)[0]!.id);
    // The gift wrap's interval straddles zero: it adds nothing, and the charge falls on the sleeve.
    const wrap = lines.find((l) => l.offerName === "Gift wrap")!;
    expect(wrap.lowerMinor!).toBeLessThan(0);
    expect(wrap.chargedMinor).toBe(0);
    expect(lines.reduce((a, l) => a + l.chargedMinor, 0)).toBe(Number(fee));
    console.log(
      `November: ${lines.map((l) => `${l.offerName} ${l.visitors} visitors, ${l.estimateMinor} (${l.lowerMinor} to ${l.upperMinor})`).join("; ")}; billable ${billable}, fee ${fee}`,
    );
  }, 60_000);

  it("GIVEN a crash after the claim, before Shopify was called WHEN the job runs again THEN the claimed period is sent once", async () => {
    const { shop, domain } = await shopWithPlan("crash-before-call", { seed: 11 });
    const crashed = await runJob({ afterClaim: () => Promise.reject(new Error("killed")) });
    expect(crashed.errors.some((e) => e.includes("killed"))).toBe(true);
    const claimed = await db.prisma.billingPeriod.findUniqueOrThrow({
      where: { shopId_period: { shopId: shop.id, period: "2026-11" } },
    });
    expect(claimed.status).toBe("claimed");
    expect(recordsOf(domain)).toHaveLength(0);
    await runJob();
    await runJob();
    expect(recordsOf(domain)).toHaveLength(1);
    const row = await db.prisma.billingPeriod.findUniqueOrThrow({ where: { id: claimed.id } });
    expect(row).toMatchObject({ status: "charged", chargedMinor: claimed.chargedMinor });
  }, 60_000);

  it("GIVEN a crash after Shopify created the record, before the local write WHEN the job runs again THEN the same key is sent and Shopify's first record is kept: one record", async () => {
    const { shop, domain } = await shopWithPlan("crash-after-call", { seed: 13 });
    await runJob({ afterCall: () => Promise.reject(new Error("killed")) });
    expect(recordsOf(domain)).toHaveLength(1);
    const claimed = await db.prisma.billingPeriod.findUniqueOrThrow({
      where: { shopId_period: { shopId: shop.id, period: "2026-11" } },
    });
    expect(claimed.status).toBe("claimed");
    await runJob();
    await runJob();
    expect(recordsOf(domain)).toHaveLength(1);
    const sends = fake.state.sent.filter((s) => s.shop === domain && s.operation === "MomentsBillingUsageRecordCreate");
    expect(sends).toHaveLength(2);
    expect(new Set(sends.map((s) => s.variables.idempotencyKey)).size).toBe(1);
    expect(new Set(sends.map((s) => JSON.stringify(s.variables.price))).size).toBe(1);
    const row = await db.prisma.billingPeriod.findUniqueOrThrow({ where: { id: claimed.id } });
    expect(row).toMatchObject({ status: "charged", usageRecordId: recordsOf(domain)[0]!.id });
  }, 60_000);
});

describe("the statement is the dashboard's intervals", () => {
  it("GIVEN November's roll-ups WHEN the open month is stated on its last day THEN each line's interval per visitor is the dashboard's, times the arm's visitors", async () => {
    const shop = await seedBillingShop(db.prisma, "statement.myshopify.com");
    await seedNovemberExperiments(db.prisma, shop.id, 17);
    const at = new Date("2026-11-30T18:00:00Z");
    const { lines } = await statement.periodStatement(db.prisma, shop.id, "2026-11", at);
    const board = await dashboard.dashboardData(db.prisma, shop.id, { from: "2026-11-01", to: "2026-11-30" });
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const exp = board.experiments.find((e) => e.experimentId === line.experimentId)!;
      const comparison = exp.versions
        .find((v) => v.version === line.version)!
        .comparisons.find((c) => c.arm === line.arm)!;
      expect(line.perVisitor).toEqual(comparison.incrementalRpv);
      const arm = exp.versions[0]!.arms.find((a) => a.arm === line.arm)!;
      expect(line.visitors).toBe(arm.visitors);
      expect(line.lowerMinor).toBe(Math.floor(comparison.incrementalRpv!.lower * arm.visitors));
      expect(line.estimateMinor).toBe(Math.round(comparison.incrementalRpv!.estimate * arm.visitors));
      expect(line.upperMinor).toBe(Math.ceil(comparison.incrementalRpv!.upper * arm.visitors));
    }
  }, 60_000);
});

describe("approve, decline, cancel, cap reached, trial end", () => {
  it("GIVEN a new usage plan WHEN created THEN Shopify gets the capped usage line, terms, trial and test flag, and the row waits PENDING until the app_subscriptions/update webhook says ACTIVE", async () => {
    const domain = "approve.myshopify.com";
    const shop = await seedBillingShop(db.prisma, domain);
    const { confirmationUrl, subscription } = await subs.subscribe(db.prisma, shop, await billingOf(shop), {
      plan: "usage",
      capMinor: 50_000n,
      returnUrl: "https://admin.shopify.com/store/approve/apps/k/app/billing",
      test: true,
      now: NOW,
    });
    expect(confirmationUrl).toMatch(/^https:\/\/approve\.myshopify\.com\/admin\/charges\//);
    const sent = fake.state.sent.find((s) => s.shop === domain && s.operation === "MomentsBillingSubscriptionCreate")!;
    expect(sent.variables).toMatchObject({
      trialDays: 14,
      test: true,
      replacementBehavior: "APPLY_IMMEDIATELY",
      lineItems: [{ plan: { appUsagePricingDetails: { cappedAmount: { amount: "500.00", currencyCode: "USD" } } } }],
    });
    expect(
      String(
        (sent.variables.lineItems as Array<{ plan: { appUsagePricingDetails: { terms: string } } }>)[0]!.plan
          .appUsagePricingDetails.terms,
      ),
    ).toContain("5% of the incremental revenue");
    expect(subscription.status).toBe("PENDING");
    expect((await subs.billingAccess(db.prisma, shop, NOW)).state).toBe("pending");

    const { action } = await import("~/routes/webhooks.app_subscriptions.update");
    const body = {
      app_subscription: {
        admin_graphql_api_id: subscription.shopifyId,
        name: "x",
        status: "ACTIVE",
        admin_graphql_api_shop_id: "gid://shopify/Shop/1",
        created_at: NOW.toISOString(),
        updated_at: NOW.toISOString(),
        currency: "USD",
        capped_amount: "500.0",
      },
    };
    const res = await action({
      request: signedWebhook("app_subscriptions/update", domain, body),
      params: {},
      context: {},
    });
    expect(res.status).toBe(200);
    expect(await db.prisma.billingSubscription.findUniqueOrThrow({ where: { id: subscription.id } })).toMatchObject({
      status: "ACTIVE",
    });
    expect((await subs.billingAccess(db.prisma, shop, NOW)).state).toBe("active");
    // The topic is checked: the same signed body on another topic's header is refused.
    const wrong = signedWebhook("app_subscriptions/update", domain, body);
    wrong.headers.set("X-Shopify-Topic", "orders/create");
    expect((await action({ request: wrong, params: {}, context: {} })).status).toBe(400);
    // The HMAC is checked by the library: a body signed with another secret is refused, nothing changed.
    const forged = signedWebhook("app_subscriptions/update", domain, {
      ...body,
      app_subscription: { ...body.app_subscription, status: "CANCELLED" },
    });
    forged.headers.set("X-Shopify-Hmac-Sha256", "bm90IHRoZSBzaWduYXR1cmU=");
    // The library throws its 401 answer (Remix sends a thrown Response as is).
    const refused = await action({ request: forged, params: {}, context: {} }).catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(401);
    expect(await db.prisma.billingSubscription.findUniqueOrThrow({ where: { id: subscription.id } })).toMatchObject({
      status: "ACTIVE",
    });
  }, 60_000);

  it("GIVEN the merchant declined WHEN the webhook says DECLINED and the month closes THEN nothing is charged, the statement says no plan, and the admin says so", async () => {
    const domain = "decline.myshopify.com";
    const shop = await seedBillingShop(db.prisma, domain);
    await seedNovemberExperiments(db.prisma, shop.id, 19);
    const { subscription } = await subs.subscribe(db.prisma, shop, await billingOf(shop), {
      plan: "usage",
      capMinor: 50_000n,
      returnUrl: "https://x.test/",
      test: true,
      now: NOW,
    });
    fakeSub(domain).status = "DECLINED";
    const { action } = await import("~/routes/webhooks.app_subscriptions.update");
    const res = await action({
      request: signedWebhook("app_subscriptions/update", domain, {
        app_subscription: { admin_graphql_api_id: subscription.shopifyId, status: "DECLINED" },
      }),
      params: {},
      context: {},
    });
    expect(res.status).toBe(200);
    expect((await subs.billingAccess(db.prisma, shop, NOW)).state).toBe("declined");
    await runJob();
    const row = await db.prisma.billingPeriod.findUniqueOrThrow({
      where: { shopId_period: { shopId: shop.id, period: "2026-11" } },
    });
    expect(row).toMatchObject({ status: "not_billed", reason: "no_plan", chargedMinor: 0n });
    expect(row.billableMinor).toBeGreaterThan(row.freeTierMinor);
    expect(recordsOf(domain)).toHaveLength(0);
  }, 60_000);

  it("GIVEN an active plan WHEN the merchant cancels THEN Shopify's appSubscriptionCancel is sent and the plan ends", async () => {
    const { shop, domain } = await shopWithPlan("cancel", { seed: 23 });
    await subs.cancelSubscription(db.prisma, shop, await billingOf(shop), NOW);
    expect(fakeSub(domain).status).toBe("CANCELLED");
    expect(fake.state.sent.some((s) => s.shop === domain && s.operation === "MomentsBillingSubscriptionCancel")).toBe(
      true,
    );
    expect((await subs.billingAccess(db.prisma, shop, NOW)).state).toBe("cancelled");
    await runJob();
    expect(recordsOf(domain)).toHaveLength(0);
  }, 60_000);

  it("GIVEN a $100 cap with $90 already used this interval WHEN the month closes THEN $10 is charged and the statement says the cap was reached; with the cap used up nothing is sent", async () => {
    const { shop, domain } = await shopWithPlan("cap", { capMinor: 10_000n, seed: 29 });
    fakeSub(domain).balanceMinor = 9_000;
    await runJob();
    const row = await db.prisma.billingPeriod.findUniqueOrThrow({
      where: { shopId_period: { shopId: shop.id, period: "2026-11" } },
    });
    expect(row.feeMinor).toBeGreaterThan(1_000n);
    expect(row).toMatchObject({ status: "charged", reason: "cap_reached", chargedMinor: 1_000n });
    expect(recordsOf(domain).map((r) => r.amount)).toEqual(["10.00"]);

    const full = await shopWithPlan("cap-full", { capMinor: 10_000n, seed: 31 });
    fakeSub(full.domain).balanceMinor = 10_000;
    await runJob();
    const fullRow = await db.prisma.billingPeriod.findUniqueOrThrow({
      where: { shopId_period: { shopId: full.shop.id, period: "2026-11" } },
    });
    expect(fullRow).toMatchObject({ status: "not_billed", reason: "cap_reached", chargedMinor: 0n });
    expect(recordsOf(full.domain)).toHaveLength(0);
  }, 60_000);

  it("GIVEN a plan approved on 25 November (14-day trial) WHEN November closes THEN nothing is due (trial); a plan whose trial ended before the month's end is charged", async () => {
    const inTrial = await shopWithPlan("trial", { approvedAt: new Date("2026-11-25T00:00:00Z"), seed: 37 });
    const afterTrial = await shopWithPlan("trial-ended", { approvedAt: new Date("2026-11-10T00:00:00Z"), seed: 41 });
    await runJob();
    const trialRow = await db.prisma.billingPeriod.findUniqueOrThrow({
      where: { shopId_period: { shopId: inTrial.shop.id, period: "2026-11" } },
    });
    expect(trialRow).toMatchObject({ status: "nothing_due", reason: "trial", chargedMinor: 0n });
    expect(recordsOf(inTrial.domain)).toHaveLength(0);
    const endedRow = await db.prisma.billingPeriod.findUniqueOrThrow({
      where: { shopId_period: { shopId: afterTrial.shop.id, period: "2026-11" } },
    });
    expect(endedRow.status).toBe("charged");
    expect(recordsOf(afterTrial.domain)).toHaveLength(1);
  }, 60_000);

  it("GIVEN no plan and November below nothing WHEN the month closes THEN the statement is kept and nothing is sent to Shopify", async () => {
    const shop = await seedBillingShop(db.prisma, "no-plan.myshopify.com");
    await seedNovemberExperiments(db.prisma, shop.id, 43);
    await runJob();
    const row = await db.prisma.billingPeriod.findUniqueOrThrow({
      where: { shopId_period: { shopId: shop.id, period: "2026-11" } },
    });
    expect(row).toMatchObject({ status: "not_billed", reason: "no_plan", chargedMinor: 0n });
    expect(fake.state.sent.filter((s) => s.shop === "no-plan.myshopify.com")).toEqual([]);
  }, 60_000);
});

describe("shop/redact", () => {
  it("GIVEN a shop with statements and subscriptions WHEN its data is redacted THEN its billing rows are gone and other shops' stay", async () => {
    const { shop } = await shopWithPlan("redacted", { seed: 47 });
    await runJob();
    expect(await db.prisma.billingPeriod.count({ where: { shopId: shop.id } })).toBe(1);
    const others = await db.prisma.billingPeriod.count({ where: { shopId: { not: shop.id } } });
    const { redactShop } = await import("~/privacy.server");
    await db.prisma.$transaction((tx) => redactShop(tx, shop.domain, "delivery-1"), { timeout: 30_000 });
    expect(await db.prisma.billingPeriod.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await db.prisma.billingSubscription.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await db.prisma.billingPeriod.count({ where: { shopId: { not: shop.id } } })).toBe(others);
  }, 60_000);
});
