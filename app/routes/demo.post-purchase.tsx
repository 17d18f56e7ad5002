import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { Badge, BlockStack, Box, Button, Card, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { z } from "zod";
import { DemoChrome } from "~/components/DemoChrome";
import { OfferPreviewCard } from "~/components/OfferPreviewCard";
import { designLabel } from "~/offers/designs";
import { db } from "~/db.server";
import { env, isDemo } from "~/env.server";
import { formatMoney } from "~/lib/money";
import { toSafeNumber } from "~/lib/bigint";
import { recordEvent, signPostPurchaseOffer, verifyChangesetToken } from "~/post-purchase/changeset.server";
import { appCredentials } from "~/post-purchase/context.server";
import { demoPurchase, demoReferenceId } from "~/post-purchase/demo.server";
import { nextPostPurchaseOffer, recordDecline } from "~/post-purchase/offer.server";
import { DEMO_LINKS, NAV_LINKS } from "~/routes/app";
import { DEMO_SHOP_DOMAIN } from "~/shop-context.server";

export const meta: MetaFunction = () => [{ title: "Post-purchase page (demo) · Moments" }];

/**
 * Demo only: the post-purchase page for a demo order, through the same server code the extension
 * calls. Accept signs the changeset and shows it verified by the code the tests use; decline moves
 * to the downsell or ends. The demo plays Shopify's part by signing the input token itself.
 */
export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

async function context(request: Request) {
  if (!isDemo()) throw new Response("Not found", { status: 404 });
  const prisma = db();
  const shop = await prisma.shop.findUnique({ where: { domain: DEMO_SHOP_DOMAIN } });
  if (!shop) throw new Response("The demo shop is not seeded yet: run `npm run demo`.", { status: 503 });
  const orders = await prisma.order.findMany({
    where: { shopId: shop.id },
    orderBy: { processedAt: "desc" },
    take: 12,
  });
  const wanted = new URL(request.url).searchParams.get("order");
  const order =
    (wanted &&
      (await prisma.order.findUnique({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: wanted } } }))) ||
    orders[0];
  return { prisma, shop, orders, order };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { prisma, shop, orders, order } = await context(request);
  const base = {
    shopName: shop.name,
    apiKey: env().SHOPIFY_API_KEY,
    orders: orders.map((o) => ({
      id: o.shopifyId,
      name: o.name ?? o.shopifyId,
      total: formatMoney(toSafeNumber(o.totalMinor, "totalMinor"), o.currency),
    })),
  };
  if (!order)
    return { ...base, order: null, offer: null, reason: "The demo shop has no orders.", history: [], upsells: [] };
  const { purchase } = await demoPurchase(shop, order, appCredentials());
  const next = await nextPostPurchaseOffer(prisma, shop.id, purchase);
  if (next.offer) {
    await recordEvent(prisma, shop.id, purchase, "impression", next.offer.offerId, {
      experimentId: next.offer.experimentId,
      armId: next.offer.armId,
    });
  }
  const referenceId = demoReferenceId(order);
  const [history, upsells] = await Promise.all([
    prisma.postPurchaseOffer.findMany({ where: { shopId: shop.id, referenceId }, orderBy: { step: "asc" } }),
    prisma.postPurchaseUpsell.findMany({ where: { shopId: shop.id, referenceId }, orderBy: { signedAt: "asc" } }),
  ]);
  // The merchant's names for the offers, not their ids (an offer deleted since keeps its id).
  const offerIds = [...new Set([...history, ...upsells].map((r) => r.offerId))];
  const named = await prisma.offer.findMany({
    where: { shopId: shop.id, id: { in: offerIds } },
    select: { id: true, name: true },
  });
  const nameOf = (id: string) => named.find((o) => o.id === id)?.name ?? id;
  return {
    ...base,
    order: {
      id: order.shopifyId,
      name: order.name ?? order.shopifyId,
      total: formatMoney(toSafeNumber(order.totalMinor, "totalMinor"), order.currency),
      referenceId,
      lines: purchase.lines.length,
    },
    offer: next.offer,
    reason: next.offer ? null : next.reason,
    history: history.map((h) => ({
      step: h.step,
      offerId: h.offerId,
      offer: nameOf(h.offerId),
      status: h.status,
      price: formatMoney(toSafeNumber(h.finalMinor, "finalMinor"), h.currency),
    })),
    upsells: upsells.map((u) => ({
      jti: u.jti,
      offer: nameOf(u.offerId),
      price: formatMoney(toSafeNumber(u.finalMinor, "finalMinor"), u.currency),
    })),
  };
}

const ActionBody = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("accept"),
    offerId: z.string().min(1),
    multiple: z.coerce.number().int().min(1),
    final: z.coerce.number().int().min(0),
    currency: z.string().length(3),
  }),
  z.object({ intent: z.literal("decline"), offerId: z.string().min(1) }),
  z.object({ intent: z.literal("reset") }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const { prisma, shop, order } = await context(request);
  if (!order) return { error: "No demo order." };
  const parsed = ActionBody.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { error: parsed.error.issues[0]!.message };
  const body = parsed.data;
  const creds = appCredentials();
  const { purchase } = await demoPurchase(shop, order, creds);
  if (body.intent === "reset") {
    await prisma.postPurchaseOffer.deleteMany({ where: { shopId: shop.id, referenceId: purchase.referenceId } });
    await prisma.postPurchaseUpsell.deleteMany({ where: { shopId: shop.id, referenceId: purchase.referenceId } });
    return { reset: true };
  }
  if (body.intent === "decline") {
    const row = await prisma.postPurchaseOffer.findUnique({
      where: {
        shopId_referenceId_offerId: { shopId: shop.id, referenceId: purchase.referenceId, offerId: body.offerId },
      },
    });
    if (row && (await recordDecline(prisma, shop.id, purchase.referenceId, body.offerId))) {
      await recordEvent(prisma, shop.id, purchase, "decline", body.offerId, {
        experimentId: row.experimentId ?? undefined,
        armId: row.armId ?? undefined,
      });
    }
    return { declined: body.offerId };
  }
  const outcome = await signPostPurchaseOffer(
    prisma,
    shop.id,
    purchase,
    {
      referenceId: purchase.referenceId,
      offerId: body.offerId,
      multiple: body.multiple,
      expected: { final: body.final, currency: body.currency },
    },
    creds,
  );
  if (!outcome.ok) return { error: `Refused (${outcome.status}): ${outcome.reason}` };
  const check = await verifyChangesetToken(outcome.token, creds);
  return {
    signed: {
      token: outcome.token,
      verified: check.ok,
      detail: check.ok ? null : check.reason,
      claims: check.ok ? check.claims : null,
    },
  };
}

export default function DemoPostPurchase() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const offer = data.offer;
  const q = offer?.quantities[0];
  const money = (minor: number) => (offer ? formatMoney(minor, offer.currency) : "");

  return (
    <AppProvider isEmbeddedApp={false} apiKey={data.apiKey}>
      <DemoChrome shopName={data.shopName} links={[...NAV_LINKS, ...DEMO_LINKS]}>
        <Page
          title="Post-purchase page (demo)"
          subtitle="Between payment and the thank-you page: one click adds to the order just paid."
        >
          <Layout>
            <Layout.Section variant="oneThird">
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Demo orders
                  </Text>
                  {data.orders.map((o) => (
                    <Link key={o.id} to={`?order=${encodeURIComponent(o.id)}`}>
                      {o.name} · {o.total}
                    </Link>
                  ))}
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section>
              <BlockStack gap="400">
                {data.order ? (
                  <Card>
                    <InlineStack align="space-between">
                      <Text as="p">
                        Order {data.order.name} · {data.order.total} · {data.order.lines} line(s) · reference{" "}
                        {data.order.referenceId}
                      </Text>
                      <Form method="post">
                        <input type="hidden" name="intent" value="reset" />
                        <Button submit disabled={busy}>
                          Start this purchase over
                        </Button>
                      </Form>
                    </InlineStack>
                  </Card>
                ) : null}
                {offer && q ? (
                  <Card>
                    <BlockStack gap="300">
                      <InlineStack gap="200">
                        <Badge tone="info">{`Step ${offer.step} of 3`}</Badge>
                        {offer.armId ? <Badge>{`Arm ${offer.armId}`}</Badge> : null}
                        <Badge>{`Layout: ${designLabel(offer.design)}`}</Badge>
                      </InlineStack>
                      <OfferPreviewCard
                        title={offer.title}
                        body={offer.body ?? null}
                        cta={offer.cta ?? `Pay now · ${money(q.final)}`}
                        decline={offer.decline ?? "Decline this offer"}
                        currency={offer.currency}
                        currencyDisplay={offer.currencyDisplay ?? "symbol"}
                        original={q.original}
                        final={q.final}
                        savings={q.savings}
                        locale={offer.locale}
                        design={offer.design}
                        image={offer.image}
                        lines={[]}
                        mobile={false}
                        actions={
                          <InlineStack gap="300">
                            <Form method="post">
                              <input type="hidden" name="intent" value="accept" />
                              <input type="hidden" name="offerId" value={offer.offerId} />
                              <input type="hidden" name="multiple" value="1" />
                              <input type="hidden" name="final" value={q.final} />
                              <input type="hidden" name="currency" value={offer.currency} />
                              <Button submit variant="primary" disabled={busy}>
                                {offer.cta ?? `Pay now · ${money(q.final)}`}
                              </Button>
                            </Form>
                            <Form method="post">
                              <input type="hidden" name="intent" value="decline" />
                              <input type="hidden" name="offerId" value={offer.offerId} />
                              <Button submit disabled={busy}>
                                {offer.decline ?? "Decline this offer"}
                              </Button>
                            </Form>
                          </InlineStack>
                        }
                      />
                    </BlockStack>
                  </Card>
                ) : (
                  <Card>
                    <Text as="p">Done: the buyer goes on to the thank-you page ({data.reason}).</Text>
                  </Card>
                )}
                {result && "signed" in result && result.signed ? (
                  <Card>
                    <BlockStack gap="200">
                      <Text as="h2" variant="headingMd">
                        {result.signed.verified
                          ? "Changeset signed and verified (HS256, app secret, exact claims)"
                          : `Signed changeset FAILED verification: ${result.signed.detail}`}
                      </Text>
                      <Box background="bg-surface-secondary" padding="200">
                        <pre style={{ whiteSpace: "pre-wrap", margin: 0 }} data-testid="claims">
                          {JSON.stringify(result.signed.claims, null, 2)}
                        </pre>
                      </Box>
                    </BlockStack>
                  </Card>
                ) : null}
                {result && "error" in result && result.error ? (
                  <Card>
                    <Text as="p" tone="critical">
                      {result.error}
                    </Text>
                  </Card>
                ) : null}
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">
                      Offers made for this purchase
                    </Text>
                    {data.history.length === 0 ? <Text as="p">None yet.</Text> : null}
                    {data.history.map((h) => (
                      <Text as="p" key={h.offerId}>
                        {`Step ${h.step}: ${h.offer} · ${h.price} · ${h.status}`}
                      </Text>
                    ))}
                    {data.upsells.map((u) => (
                      <Text as="p" key={u.jti} tone="subdued">
                        {`Signed: ${u.offer} · ${u.price} · jti ${u.jti}`}
                      </Text>
                    ))}
                  </BlockStack>
                </Card>
              </BlockStack>
            </Layout.Section>
          </Layout>
        </Page>
      </DemoChrome>
    </AppProvider>
  );
}
