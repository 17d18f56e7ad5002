import { formatMinor } from "@moments/engine";
import { decimalToMinor } from "~/lib/decimal";
import { payload, run, type AdminGraphql } from "~/gateway/admin-client.server";
import { GatewayRefusal } from "~/gateway/types";
import {
  BILLING_ACTIVE_SUBSCRIPTIONS_QUERY,
  BILLING_SUBSCRIPTION_CANCEL_MUTATION,
  BILLING_SUBSCRIPTION_CREATE_MUTATION,
  BILLING_SUBSCRIPTION_STATUS_QUERY,
  BILLING_USAGE_RECORD_CREATE_MUTATION,
} from "./documents";
import type { ShopBilling } from "./api";

const minor = (m: { amount: string; currencyCode: string }) => BigInt(decimalToMinor(String(m.amount), m.currencyCode));

const refused = (what: string, errors: Array<{ message: string }>) =>
  new GatewayRefusal(`Shopify refused ${what}: ${errors.map((e) => e.message).join("; ")}`);

/** Shopify's Billing API through the shop's admin client (the gateway's `billing` in real mode). */
export function shopifyBilling(admin: AdminGraphql): ShopBilling {
  return {
    real: true,
    async state() {
      const data = await run(admin, BILLING_ACTIVE_SUBSCRIPTIONS_QUERY);
      return {
        billingCurrency: data.shopBillingPreferences.currency,
        developmentStore: data.shop.plan.partnerDevelopment,
        active: data.currentAppInstallation.activeSubscriptions.map((s) => {
          let usage = null;
          let recurringMinor = null;
          for (const line of s.lineItems) {
            const p = line.plan.pricingDetails;
            if (p.__typename === "AppUsagePricing")
              usage = {
                lineItemId: line.id,
                balanceUsedMinor: minor(p.balanceUsed),
                cappedAmountMinor: minor(p.cappedAmount),
                currency: p.cappedAmount.currencyCode,
              };
            if (p.__typename === "AppRecurringPricing") recurringMinor = minor(p.price);
          }
          return {
            id: s.id,
            name: s.name,
            status: s.status,
            test: s.test,
            trialDays: s.trialDays,
            createdAt: new Date(s.createdAt),
            currentPeriodEnd: s.currentPeriodEnd ? new Date(s.currentPeriodEnd) : null,
            usage,
            recurringMinor,
          };
        }),
      };
    },
    async subscriptionStatus(id) {
      const data = await run(admin, BILLING_SUBSCRIPTION_STATUS_QUERY, { id });
      return data.node && "status" in data.node ? data.node.status : null;
    },
    async createSubscription(r) {
      const money = { amount: formatMinor(Number(r.amountMinor), r.currency), currencyCode: r.currency as never };
      const plan =
        r.plan === "usage"
          ? { appUsagePricingDetails: { cappedAmount: money, terms: r.terms } }
          : { appRecurringPricingDetails: { price: money, interval: "EVERY_30_DAYS" as const } };
      const data = await run(admin, BILLING_SUBSCRIPTION_CREATE_MUTATION, {
        name: r.name,
        lineItems: [{ plan }],
        returnUrl: r.returnUrl,
        trialDays: r.trialDays,
        test: r.test,
        // A plan change replaces the current subscription once the merchant approves the new one.
        replacementBehavior: "APPLY_IMMEDIATELY",
      });
      const result = payload(data.appSubscriptionCreate);
      if (result.userErrors.length) throw refused("the subscription", result.userErrors);
      if (!result.appSubscription || !result.confirmationUrl)
        throw new GatewayRefusal("Shopify did not answer with a subscription to approve.");
      return {
        id: result.appSubscription.id,
        status: result.appSubscription.status,
        usageLineItemId: r.plan === "usage" ? (result.appSubscription.lineItems[0]?.id ?? null) : null,
        confirmationUrl: result.confirmationUrl,
      };
    },
    async createUsageRecord(r) {
      const data = await run(admin, BILLING_USAGE_RECORD_CREATE_MUTATION, {
        subscriptionLineItemId: r.lineItemId,
        price: { amount: formatMinor(Number(r.amountMinor), r.currency), currencyCode: r.currency as never },
        description: r.description,
        idempotencyKey: r.idempotencyKey,
      });
      const result = payload(data.appUsageRecordCreate);
      if (result.userErrors.length) throw refused("the usage charge", result.userErrors);
      if (!result.appUsageRecord) throw new GatewayRefusal("Shopify did not answer with the usage record.");
      return { id: result.appUsageRecord.id };
    },
    async cancelSubscription(id) {
      const data = await run(admin, BILLING_SUBSCRIPTION_CANCEL_MUTATION, { id });
      const result = payload(data.appSubscriptionCancel);
      if (result.userErrors.length) throw refused("the cancellation", result.userErrors);
      return { status: result.appSubscription?.status ?? "CANCELLED" };
    },
  };
}
