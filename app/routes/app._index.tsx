import { boundary } from "@shopify/shopify-app-remix/server";
import type { LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  Link,
  List,
  Page,
  Text,
} from "@shopify/polaris";
import { MOMENTS } from "@moments/engine";
import { db } from "~/db.server";
import { isDemo } from "~/env.server";
import { useFormat, useT } from "~/i18n/context";
import { pageTitle } from "~/i18n/meta";
import { momentHeadlines } from "~/offers/headlines.server";
import { requireShop } from "~/shop-context.server";
import { PublishStatus } from "~/components/PublishStatus";
import { TwoColumn } from "~/components/TwoColumn";

export const meta = pageTitle("titles.home");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const prisma = db();
  const [offers, headlines] = await Promise.all([
    prisma.offer.findMany({
      where: { shopId: shop.id, status: "active" },
      select: { id: true, name: true, moments: { select: { moment: true } } },
      orderBy: [{ priority: "desc" }, { name: "asc" }],
    }),
    momentHeadlines(prisma, shop.id),
  ]);
  const isPlus = shop.plan === "plus";
  return {
    shopName: shop.name,
    demo: isDemo(),
    isPlus,
    publishedAt: shop.publishedAt?.toISOString() ?? null,
    publishError: shop.publishError,
    hasOffers: offers.length > 0,
    moments: MOMENTS.map((m) => ({
      id: m.id,
      plusOnly: m.plusOnly,
      alternative: m.alternative,
      offers: offers.filter((o) => o.moments.some((x) => x.moment === m.id)).map((o) => ({ id: o.id, name: o.name })),
      headline: headlines[m.id],
    })),
  };
};

type Moment = ReturnType<typeof useLoaderData<typeof loader>>["moments"][number];

function MomentCard({ m, isPlus }: { m: Moment; isPlus: boolean }) {
  const t = useT();
  const format = useFormat();
  const locked = m.plusOnly && !isPlus;
  const h = m.headline;
  const label = t(`moments.${m.id}`);
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center" wrap={false}>
          <Text as="h3" variant="headingSm">
            {label}
          </Text>
          {m.plusOnly ? <Badge tone={isPlus ? "info" : "attention"}>{t("common.shopifyPlus")}</Badge> : null}
        </InlineStack>
        {locked ? (
          <Text as="p" tone="caution">
            {m.alternative
              ? t("home.needsPlusNearest", { moment: t(`moments.${m.alternative}`) })
              : t("home.needsPlus")}
          </Text>
        ) : null}
        {m.offers.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("home.noOffers")}
          </Text>
        ) : (
          <List type="bullet">
            {m.offers.map((o) => (
              <List.Item key={o.id}>
                <Link url={`/app/offers/${o.id}`}>{o.name}</Link>
              </List.Item>
            ))}
          </List>
        )}
        <Box borderBlockStartWidth="025" borderColor="border" paddingBlockStart="200">
          {h.hasData ? (
            <InlineStack gap="400">
              <Text as="p">{t("home.impressions", { count: format.number(h.impressions) })}</Text>
              <Text as="p">
                {t("home.takeRate", { rate: format.percent(h.takeRateBps === null ? null : h.takeRateBps / 10000) })}
              </Text>
              {h.revenue.map((r) => (
                <Text as="p" key={r.currency}>
                  {t("home.attributed", { amount: format.money(r.minor, r.currency) })}
                </Text>
              ))}
            </InlineStack>
          ) : (
            <Text as="p" tone="subdued">
              {t("home.noImpressions")}
            </Text>
          )}
        </Box>
        {!locked ? (
          <InlineStack>
            <Button
              size="slim"
              url={`/app/offers/new?moment=${m.id}`}
              accessibilityLabel={t("home.createOfferFor", { moment: label })}
            >
              {t("home.createOffer")}
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function Step(props: { done: boolean; title: string; children: React.ReactNode }) {
  const t = useT();
  return (
    <InlineStack gap="200" blockAlign="start" wrap={false}>
      <Box minWidth="56px">
        <Badge tone={props.done ? "success" : undefined}>{props.done ? t("home.done") : t("home.toDo")}</Badge>
      </Box>
      <BlockStack gap="050">
        <Text as="p" fontWeight="semibold">
          {props.title}
        </Text>
        <Text as="p" tone="subdued">
          {props.children}
        </Text>
      </BlockStack>
    </InlineStack>
  );
}

// Single fetch keeps a response the library throws in this route's action here: its headers
// (App Bridge's retry and reauthorize headers) only reach the browser through this route's own.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export default function Home() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <Page
      title={d.shopName}
      subtitle={t("home.subtitle")}
      primaryAction={{ content: t("home.createOffer"), url: "/app/offers/new" }}
    >
      <TwoColumn
        main={
          <BlockStack gap="300">
            <PublishStatus publishedAt={d.publishedAt} publishError={d.publishError} />
            <Text as="h2" variant="headingLg">
              {t("home.journey")}
            </Text>
            <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
              {d.moments.map((m) => (
                <MomentCard key={m.id} m={m} isPlus={d.isPlus} />
              ))}
            </InlineGrid>
          </BlockStack>
        }
        side={
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("home.checklist")}
              </Text>
              <Step done={false} title={t("home.extensionsTitle")}>
                {d.demo ? t("home.extensionsDemo") : t("home.extensions")}
              </Step>
              <Step done={false} title={t("home.embedTitle")}>
                {d.demo ? t("home.embedDemo") : t("home.embed")}
              </Step>
              <Step done={d.isPlus} title={d.isPlus ? t("home.plusTitle") : t("home.noPlusTitle")}>
                {d.isPlus ? t("home.plus") : t("home.noPlus")}
              </Step>
              <Step done={d.hasOffers} title={t("home.firstOfferTitle")}>
                {d.hasOffers ? t("home.firstOfferDone") : t("home.firstOffer")}
              </Step>
              <Step done={!!d.publishedAt && !d.publishError} title={t("home.publishTitle")}>
                {d.publishError ? d.publishError : d.publishedAt ? t("home.live") : t("home.notLive")}
              </Step>
            </BlockStack>
          </Card>
        }
      />
    </Page>
  );
}
