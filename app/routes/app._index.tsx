import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
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
import { formatMoney } from "~/lib/money";
import { momentHeadlines } from "~/offers/headlines.server";
import { requireShop } from "~/shop-context.server";
import { PublishStatus } from "~/components/PublishStatus";
import { TwoColumn } from "~/components/TwoColumn";

export const meta: MetaFunction = () => [{ title: "Home · Moments" }];

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
      label: m.label,
      plusOnly: m.plusOnly,
      alternative: m.alternative ? (MOMENTS.find((x) => x.id === m.alternative)?.label ?? null) : null,
      offers: offers.filter((o) => o.moments.some((x) => x.moment === m.id)).map((o) => ({ id: o.id, name: o.name })),
      headline: headlines[m.id],
    })),
  };
};

type Moment = ReturnType<typeof useLoaderData<typeof loader>>["moments"][number];

function MomentCard({ m, isPlus }: { m: Moment; isPlus: boolean }) {
  const locked = m.plusOnly && !isPlus;
  const h = m.headline;
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center" wrap={false}>
          <Text as="h3" variant="headingSm">
            {m.label}
          </Text>
          {m.plusOnly ? <Badge tone={isPlus ? "info" : "attention"}>Shopify Plus</Badge> : null}
        </InlineStack>
        {locked ? (
          <Text as="p" tone="caution">
            {`Needs Shopify Plus.${m.alternative ? ` Nearest moment on your plan: ${m.alternative}.` : ""}`}
          </Text>
        ) : null}
        {m.offers.length === 0 ? (
          <Text as="p" tone="subdued">
            No active offers yet.
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
              <Text as="p">{`${h.impressions} impressions`}</Text>
              <Text as="p">{`${h.takeRateBps === null ? "-" : (h.takeRateBps / 100).toFixed(1)}% take rate`}</Text>
              {h.revenue.map((r) => (
                <Text as="p" key={r.currency}>
                  {`${formatMoney(r.minor, r.currency)} attributed`}
                </Text>
              ))}
            </InlineStack>
          ) : (
            <Text as="p" tone="subdued">
              No impressions yet: figures appear once buyers see an offer here.
            </Text>
          )}
        </Box>
        {!locked ? (
          <InlineStack>
            <Button
              size="slim"
              url={`/app/offers/new?moment=${m.id}`}
              accessibilityLabel={`Create offer for ${m.label}`}
            >
              Create offer
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function Step(props: { done: boolean; title: string; children: React.ReactNode }) {
  return (
    <InlineStack gap="200" blockAlign="start" wrap={false}>
      <Box minWidth="56px">
        <Badge tone={props.done ? "success" : undefined}>{props.done ? "Done" : "To do"}</Badge>
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

export default function Home() {
  const d = useLoaderData<typeof loader>();
  return (
    <Page
      title={d.shopName}
      subtitle="Upsells timed to the buyer's moment"
      primaryAction={{ content: "Create offer", url: "/app/offers/new" }}
    >
      <TwoColumn
        main={
          <BlockStack gap="300">
            <PublishStatus publishedAt={d.publishedAt} publishError={d.publishError} />
            <Text as="h2" variant="headingLg">
              The buyer's journey
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
                Setup checklist
              </Text>
              <Step done={false} title="Enable the checkout and thank-you extensions">
                {d.demo
                  ? "In a real shop: Settings > Checkout > Customize, then add the Moments blocks. The demo store needs nothing."
                  : "In Shopify: Settings > Checkout > Customize, then add the Moments blocks where you want offers."}
              </Step>
              <Step done={false} title="Turn on the theme app embed">
                {d.demo
                  ? "In a real shop: Online Store > Themes > Customize > App embeds, switch on Moments (cart and exit-intent offers)."
                  : "Online Store > Themes > Customize > App embeds: switch on Moments for cart and exit-intent offers."}
              </Step>
              <Step
                done={d.isPlus}
                title={
                  d.isPlus ? "Shopify Plus: every moment is available" : "Your plan: checkout steps need Shopify Plus"
                }
              >
                {d.isPlus
                  ? "Checkout, contact, shipping and payment steps can show offers."
                  : "Use the nearest moments instead: in-cart for checkout, post-purchase for the contact and payment steps, thank-you for the shipping step."}
              </Step>
              <Step done={d.hasOffers} title="Create your first offer">
                {d.hasOffers ? "Done." : "Pick a moment and an offer; it goes live when you save it."}
              </Step>
              <Step done={!!d.publishedAt && !d.publishError} title="Publish">
                {d.publishError
                  ? d.publishError
                  : d.publishedAt
                    ? "Your offers are live."
                    : "Saving an offer publishes it."}
              </Step>
            </BlockStack>
          </Card>
        }
      />
    </Page>
  );
}
