import { boundary } from "@shopify/shopify-app-remix/server";
import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  Page,
  Spinner,
  Tabs,
  Text,
  Thumbnail,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { db } from "~/db.server";
import { useAdminLocale, useFormat, useT } from "~/i18n/context";
import { pageTitle } from "~/i18n/meta";
import { requestT } from "~/i18n/request.server";
import { answeringRefusals } from "~/lib/errors";
import { requireShop } from "~/shop-context.server";
import { requestMining, stepMining } from "~/suggestions/mining.server";
import { createSuggestionDraft, suggestionsPage, type SuggestionView } from "~/suggestions/suggestions.server";

export const meta = pageTitle("titles.suggestions");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, gateway } = await requireShop(request);
  return { page: await suggestionsPage(db(), shop, gateway) };
};

/**
 * `mine`: a new run, stepped at once (the demo store finishes it here; Shopify starts its export,
 * which the schedule polls). `draft`: the suggestion as a draft offer with a hold-out, opened in the editor.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  answeringRefusals(async () => {
    const { shop, gateway } = await requireShop(request);
    const body = await request.formData();
    const intent = String(body.get("intent") ?? "");
    if (intent === "mine") {
      await requestMining(db(), shop.id);
      await stepMining(db(), shop, gateway);
      return redirect("/app/suggestions");
    }
    if (intent === "draft") {
      const result = await createSuggestionDraft(
        db(),
        shop,
        gateway,
        String(body.get("suggestionId") ?? ""),
        requestT(request, body),
      );
      if (!result.ok) return data({ errors: result.errors }, { status: 422 });
      return redirect(`/app/offers/${result.id}?suggestion=1`);
    }
    throw new Response(`Unknown intent "${intent}".`, { status: 400 });
  });

function LocaleField() {
  return <input type="hidden" name="adminLocale" value={useAdminLocale().intl} />;
}

function MineButton({ primary, label }: { primary?: boolean; label: string }) {
  const busy = useNavigation().formData?.get("intent") === "mine";
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="mine" />
      <LocaleField />
      <Button submit variant={primary ? "primary" : undefined} loading={busy}>
        {label}
      </Button>
    </Form>
  );
}

function Evidence({ label, value }: { label: string; value: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <Text as="span" variant="bodyMd" fontWeight="semibold">
        {value}
      </Text>
    </BlockStack>
  );
}

function SuggestionCard({ s }: { s: SuggestionView }) {
  const t = useT();
  const format = useFormat();
  const navigation = useNavigation();
  const busy = navigation.formData?.get("suggestionId") === s.id;
  return (
    <div data-testid="suggestion">
      <Card>
        <BlockStack gap="300">
          <InlineStack gap="300" blockAlign="center" wrap={false}>
            <Thumbnail source={s.product.imageUrl ?? ""} alt={s.product.title} size="small" />
            <BlockStack gap="050">
              <Text as="h3" variant="headingMd">
                {t("suggestions.offer", { product: s.product.title })}
              </Text>
              <Text as="p" tone="subdued">
                {t("suggestions.toBuyersOf", { trigger: s.trigger.title })}
              </Text>
            </BlockStack>
            <Box>
              <Badge tone={s.source === "co_purchase" ? "success" : "info"}>
                {t(`suggestions.sources.${s.source as "co_purchase" | "shopify_recommendations" | "similar_catalog"}`)}
              </Badge>
            </Box>
          </InlineStack>
          <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
            <Evidence
              label={t("suggestions.coPurchases")}
              value={t("suggestions.coPurchasesValue", { count: format.number(s.coPurchases) })}
            />
            <Evidence
              label={t("suggestions.lift")}
              value={
                s.lift === null
                  ? "–"
                  : t("suggestions.liftValue", { lift: format.number(Math.round(s.lift * 10) / 10) })
              }
            />
            <Evidence label={t("suggestions.takeRate")} value={format.percent(s.expectedTakeRate)} />
            <Evidence label={t("suggestions.revenue")} value={format.money(s.expectedRevenuePer1000, s.currency)} />
          </InlineGrid>
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <Text as="p" variant="bodySm" tone="subdued">
              {t("suggestions.holdout")}
            </Text>
            <Form method="post">
              <input type="hidden" name="intent" value="draft" />
              <input type="hidden" name="suggestionId" value={s.id} />
              <LocaleField />
              <Button submit loading={busy} accessibilityLabel={`${t("suggestions.createDraft")}: ${s.product.title}`}>
                {t("suggestions.createDraft")}
              </Button>
            </Form>
          </InlineStack>
        </BlockStack>
      </Card>
    </div>
  );
}

// Single fetch keeps a response the library throws in this route's action here: its headers
// (App Bridge's retry and reauthorize headers) only reach the browser through this route's own.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export default function Suggestions() {
  const { page } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const t = useT();
  const format = useFormat();
  const revalidator = useRevalidator();
  const run = page.run;
  const running = run?.status === "running" || run?.status === "queued";
  const any = page.moments.some((m) => m.suggestions.length > 0);
  // One moment at a time, in journey order (five lists of ten would make a very long page).
  const [selected, setSelected] = useState(0);
  const moment = page.moments[selected] ?? page.moments[0];

  // While Shopify exports the orders, look again every 5 seconds.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 5000);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  const draftErrors = answer && "errors" in answer ? Object.values(answer.errors) : [];
  return (
    <Page
      title={t("suggestions.title")}
      subtitle={t("suggestions.subtitle")}
      primaryAction={any || running ? <MineButton label={t("suggestions.mineAgain")} /> : undefined}
    >
      <BlockStack gap="500">
        {draftErrors.length ? (
          <Banner tone="critical">
            {draftErrors.map((e) => (
              <p key={e}>{e}</p>
            ))}
          </Banner>
        ) : null}
        {running ? (
          <Banner tone="info" title={t("suggestions.runningTitle")} icon={undefined}>
            <InlineStack gap="200" blockAlign="center">
              <Spinner size="small" />
              <p>{t("suggestions.runningBody", { since: run?.since ? format.date(run.since) : "–" })}</p>
            </InlineStack>
          </Banner>
        ) : null}
        {run?.status === "failed" ? (
          <Banner tone="critical" title={t("suggestions.failedTitle")}>
            <p>{t("suggestions.failedBody", { reason: run.lastError ?? "" })}</p>
          </Banner>
        ) : null}
        {page.catalogError ? (
          <Banner tone="warning">
            <p>{t("suggestions.catalogError", { reason: page.catalogError })}</p>
          </Banner>
        ) : null}
        {!any && !running ? (
          <Card>
            <BlockStack gap="300" inlineAlign="start">
              <Text as="h2" variant="headingMd">
                {t("suggestions.emptyTitle")}
              </Text>
              <Text as="p">{t("suggestions.emptyBody")}</Text>
              <MineButton primary label={t("suggestions.emptyAction")} />
            </BlockStack>
          </Card>
        ) : null}
        {any && run?.status === "done" ? (
          <BlockStack gap="200">
            <Text as="p" tone="subdued">
              {t("suggestions.lastRun", {
                orders: format.number(run.ordersMined),
                since: run.since ? format.date(run.since) : "–",
                finished: run.finishedAt ? format.dateTime(run.finishedAt) : "–",
              })}
            </Text>
            {run.basis === "catalog" ? (
              <Banner tone="info">
                <p>{t("suggestions.basisCatalog")}</p>
              </Banner>
            ) : null}
          </BlockStack>
        ) : null}
        {any ? (
          <Card padding="0">
            <Tabs
              tabs={page.moments.map((m) => ({
                id: `tab-${m.moment}`,
                content: `${t(`moments.${m.moment}`)} (${m.suggestions.length})`,
                panelID: `panel-${m.moment}`,
              }))}
              selected={selected}
              onSelect={setSelected}
            />
          </Card>
        ) : null}
        {any && moment ? (
          <section id={`panel-${moment.moment}`} aria-labelledby={`suggestions-${moment.moment}`}>
            <BlockStack gap="300">
              <Box paddingInline={{ xs: "400", sm: "0" }}>
                <Text as="h2" variant="headingLg" id={`suggestions-${moment.moment}`}>
                  {t(`moments.${moment.moment}`)}
                </Text>
              </Box>
              {moment.suggestions.length ? (
                moment.suggestions.map((s) => <SuggestionCard key={s.id} s={s} />)
              ) : (
                <Text as="p" tone="subdued">
                  {t("suggestions.noneForMoment")}
                </Text>
              )}
            </BlockStack>
          </section>
        ) : null}
        <Box paddingBlockEnd="400" />
      </BlockStack>
    </Page>
  );
}
