import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Banner, BlockStack, Button, Card, InlineStack, Layout, Page, Select, Text } from "@shopify/polaris";
import { useState } from "react";
import { db } from "~/db.server";
import { useFormat, useT } from "~/i18n/context";
import { pageTitle } from "~/i18n/meta";
import { answeringRefusals, InvalidInput } from "~/lib/errors";
import { GatewayRefusal } from "~/gateway/types";
import { requireShop } from "~/shop-context.server";
import { billingPage } from "~/billing/page.server";
import { cancelSubscription, subscribe } from "~/billing/subscriptions.server";
import { billingReturnUrl, redirectToApproval, testCharges } from "~/billing/approval.server";
import { chargePeriod } from "~/billing/charge.server";
import { periodEnd, periodOf } from "~/billing/plans";
import { StatementCard } from "~/billing/StatementCard";

export const meta = pageTitle("titles.billing");

/**
 * Single fetch keeps an action's thrown Response at this route, not app.tsx's boundary: without its
 * own headers the reauthorize header App Bridge needs to leave the iframe for approval is dropped.
 */
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, gateway } = await requireShop(request);
  return { page: await billingPage(db(), shop, gateway, new Date()) };
};

/**
 * `subscribe` (plan, cap): Shopify's subscription, then its confirmation page out of the iframe
 * (demo: approved at once). `cancel`: the active plan. `demo_close` (demo only): this month charged
 * now, simulated, so the demo shows a statement with its own numbers.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  answeringRefusals(async () => {
    const { shop, gateway } = await requireShop(request);
    const billing = gateway.billing;
    if (!billing) throw new InvalidInput("This shop's store has no billing.");
    const body = await request.formData();
    const intent = String(body.get("intent") ?? "");
    const now = new Date();
    if (intent === "subscribe") {
      const plan = String(body.get("plan") ?? "");
      if (plan !== "usage" && plan !== "flat") throw new InvalidInput(`Unknown plan "${plan}".`);
      const cap = String(body.get("capMinor") ?? "");
      if (plan === "usage" && !/^\d{1,12}$/.test(cap))
        throw new InvalidInput("The cap must be a whole amount in minor units.");
      const developmentStore = billing.real ? (await billing.state()).developmentStore : true;
      const { confirmationUrl } = await subscribe(db(), shop, billing, {
        plan,
        capMinor: plan === "usage" ? BigInt(cap) : undefined,
        returnUrl: billingReturnUrl(shop),
        test: testCharges(developmentStore),
        now,
      }).catch((error: unknown) => {
        // Shopify's userErrors (say, a store that cannot accept charges): the merchant's to fix, a 400.
        throw error instanceof GatewayRefusal ? new InvalidInput(error.message) : error;
      });
      return redirectToApproval(request, confirmationUrl);
    }
    if (intent === "cancel") {
      await cancelSubscription(db(), shop, billing, now);
      return redirect("/app/billing");
    }
    if (intent === "demo_close" && !billing.real) {
      const period = periodOf(now);
      await chargePeriod(db(), shop, billing, period, new Date(periodEnd(period).getTime() - 1));
      return redirect("/app/billing");
    }
    throw new Response(`Unknown intent "${intent}".`, { status: 400 });
  });

function PlanChooser({ page }: { page: ReturnType<typeof useLoaderData<typeof loader>>["page"] }) {
  const t = useT();
  const format = useFormat();
  const terms = page.terms!;
  const money = (m: number) => format.money(m, page.currency);
  const share = `${terms.shareBps / 100}%`;
  const [cap, setCap] = useState(String(page.plan?.capMinor ?? terms.capChoicesMinor[2]));
  const busy = useNavigation().state !== "idle";
  const approve = page.real ? t("billing.approve") : t("billing.approveDemo");
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          {t("billing.choosePlan")}
        </Text>
        <Form method="post">
          <input type="hidden" name="intent" value="subscribe" />
          <input type="hidden" name="plan" value="usage" />
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {t("billing.usagePlan")}
            </Text>
            <Text as="p">{t("billing.usagePlanHelp", { share, trial: terms.trialDays })}</Text>
            <Select
              label={t("billing.capLabel")}
              name="capMinor"
              options={terms.capChoicesMinor.map((c) => ({ label: money(c), value: String(c) }))}
              value={cap}
              onChange={setCap}
            />
            <InlineStack>
              <Button submit variant="primary" loading={busy}>
                {approve}
              </Button>
            </InlineStack>
          </BlockStack>
        </Form>
        <Form method="post">
          <input type="hidden" name="intent" value="subscribe" />
          <input type="hidden" name="plan" value="flat" />
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {t("billing.flatPlan")}
            </Text>
            <Text as="p">
              {t("billing.flatPlanHelp", { price: money(terms.flatPriceMinor), trial: terms.trialDays })}
            </Text>
            <InlineStack>
              <Button submit loading={busy}>
                {approve}
              </Button>
            </InlineStack>
          </BlockStack>
        </Form>
      </BlockStack>
    </Card>
  );
}

export default function Billing() {
  const { page } = useLoaderData<typeof loader>();
  const t = useT();
  const format = useFormat();
  const money = (m: number) => format.money(m, page.currency);
  const share = `${(page.plan?.shareBps ?? page.terms?.shareBps ?? 0) / 100}%`;
  const planText = !page.plan
    ? t("billing.planNone")
    : page.plan.plan === "usage"
      ? t("billing.planUsage", { share, cap: money(page.plan.capMinor) })
      : t("billing.planFlat", { price: money(page.plan.flatPriceMinor) });
  const limited = page.access === "active" ? null : t(`billing.limited.${page.access}`, { currency: page.currency });
  const capReached = page.past[0]?.reason === "cap_reached" || page.current.reason === "cap_reached";
  return (
    <Page title={t("billing.title")} subtitle={t("billing.subtitle")}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {!page.real && <Banner tone="info">{t("billing.demoSimulated")}</Banner>}
            {limited && (
              <Banner tone="warning">
                <BlockStack gap="100">
                  <Text as="p">{limited}</Text>
                  <Text as="p">{t("billing.buyersUnaffected")}</Text>
                </BlockStack>
              </Banner>
            )}
            {capReached && <Banner tone="warning">{t("billing.capReached")}</Banner>}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("billing.plan")}
                </Text>
                <Text as="p" variant="bodyLg">
                  {planText}
                </Text>
                {page.trialEndsAt && (
                  <Text as="p">{t("billing.trialUntil", { date: format.dateTime(page.trialEndsAt) })}</Text>
                )}
                {page.plan?.test && page.real && <Text as="p">{t("billing.testCharges")}</Text>}
                {page.plan && (
                  <Form method="post">
                    <input type="hidden" name="intent" value="cancel" />
                    <Button submit tone="critical" variant="plain">
                      {t("billing.cancel")}
                    </Button>
                  </Form>
                )}
              </BlockStack>
            </Card>
            {page.terms && <PlanChooser page={page} />}
            <StatementCard
              title={t(page.current.status ? "billing.closedPeriod" : "billing.currentPeriod", { period: page.current.period })}
              statement={page.current}
              open={!page.current.status}
            />
            <InlineStack gap="200">
              <Button url="/app/billing.csv">{t("billing.downloadCsv")}</Button>
              {!page.real && page.plan && !page.current.status && (
                <Form method="post">
                  <input type="hidden" name="intent" value="demo_close" />
                  <Button submit>{t("billing.runDemoMonthEnd")}</Button>
                </Form>
              )}
            </InlineStack>
            <Text as="h2" variant="headingLg">
              {t("billing.pastPeriods")}
            </Text>
            {page.past.length === 0 ? (
              <Text as="p" tone="subdued">
                {t("billing.noPast")}
              </Text>
            ) : (
              page.past.map((s) => <StatementCard key={s.period} title={s.period} statement={s} open={false} />)
            )}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("billing.freeTierTitle")}
                </Text>
                <Text as="p">{t("billing.freeTierBody", { amount: money(page.current.freeTierMinor) })}</Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("billing.howTitle")}
                </Text>
                <Text as="p">{t("billing.howBody", { share })}</Text>
                <Text as="p" tone="subdued">
                  {t("billing.buyersUnaffected")}
                </Text>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
