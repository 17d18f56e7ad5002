import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Box, Card, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { MOMENTS } from "@moments/engine";
import { db } from "~/db.server";
import { requireShop } from "~/shop-context.server";
import { formatMoney } from "~/lib/money";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const prisma = db();
  const since = new Date(Date.now() - 90 * 86_400_000);
  const [offersByMoment, orders, revenue] = await Promise.all([
    prisma.offerMoment.groupBy({
      by: ["moment"],
      where: { offer: { shopId: shop.id, status: "active" } },
      _count: { _all: true },
    }),
    prisma.order.count({ where: { shopId: shop.id, processedAt: { gte: since } } }),
    prisma.order.groupBy({
      by: ["currency"],
      where: { shopId: shop.id, processedAt: { gte: since } },
      _sum: { totalMinor: true },
      orderBy: { currency: "asc" },
    }),
  ]);
  const activeByMoment = Object.fromEntries(offersByMoment.map((r) => [r.moment, r._count._all]));
  return {
    shopName: shop.name,
    isPlus: shop.plan === "plus",
    orders,
    revenue: revenue.map((r) => ({ currency: r.currency, minor: r._sum.totalMinor ?? 0 })),
    moments: MOMENTS.map((m) => ({ ...m, active: activeByMoment[m.id] ?? 0 })),
  };
};

export default function Home() {
  const data = useLoaderData<typeof loader>();
  return (
    <Page title={data.shopName} subtitle="Upsells timed to the buyer's moment">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Last 90 days
              </Text>
              <InlineStack gap="600">
                <Text as="p">{data.orders} orders</Text>
                {data.revenue.map((r) => (
                  <Text as="p" key={r.currency}>
                    {formatMoney(r.minor, r.currency)} revenue
                  </Text>
                ))}
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="300">
            <Text as="h2" variant="headingLg">
              The buyer's journey
            </Text>
            <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="300">
              {data.moments.map((m) => (
                <Card key={m.id}>
                  <BlockStack gap="200">
                    <InlineStack align="space-between" blockAlign="center">
                      <Text as="h3" variant="headingSm">
                        {m.label}
                      </Text>
                      {m.plusOnly ? <Badge tone={data.isPlus ? "info" : "attention"}>Shopify Plus</Badge> : null}
                    </InlineStack>
                    <Box>
                      <Text as="p" tone="subdued">
                        {m.active === 0 ? "No active offers yet." : `${m.active} active offer${m.active === 1 ? "" : "s"}`}
                      </Text>
                    </Box>
                  </BlockStack>
                </Card>
              ))}
            </InlineGrid>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
