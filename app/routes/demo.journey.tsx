import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigate, useNavigation } from "@remix-run/react";
import {
  AppProvider,
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  List,
  Page,
  Select,
  Text,
} from "@shopify/polaris";
import enTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { useState } from "react";
import { decodePayload, type Payload } from "@moments/engine";
import { DemoChrome } from "~/components/DemoChrome";
import { DemoThankYouOrderEdit } from "~/components/DemoThankYouOrderEdit";
import { OfferPreviewCard } from "~/components/OfferPreviewCard";
import { designLabel } from "~/offers/designs";
import { CART_CHOICES, simulateJourney, type Buyer } from "~/demo/journey";
import { variantTitle } from "~/demo/journey-view";
import { demoAcceptThankYou, demoThankYouStep, placeDemoOrder } from "~/demo/thank-you.server";
import { db } from "~/db.server";
import { isDemo } from "~/env.server";
import { buildPayload, getPublishedPayload } from "~/publish/publish.server";
import { DEMO_LINKS, NAV_LINKS } from "~/routes/app";
import { requireShop } from "~/shop-context.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Buyer journey (demo) · Moments" }];

const CURRENCIES = ["EUR", "USD"] as const;
const LOCALES = ["en", "de", "fr"] as const;
const COUNTRIES = ["DE", "FR", "US", "GB", "AT", "CH"];
const DEFAULT_CART = ["drill", "headset-black"];

function buyerFrom(url: URL): Buyer {
  const q = url.searchParams;
  const pick = <T extends string>(v: string | null, allowed: readonly T[], d: T): T =>
    allowed.includes(v as T) ? (v as T) : d;
  const known = new Set(CART_CHOICES.map((c) => c.key));
  const cart = q
    .getAll("item")
    .filter((k) => known.has(k))
    .slice(0, 10);
  return {
    cart: q.has("item") ? cart : DEFAULT_CART,
    currency: pick(q.get("currency"), CURRENCIES, "EUR"),
    country: pick(q.get("country"), COUNTRIES, "DE"),
    locale: pick(q.get("locale"), LOCALES, "en"),
    device: pick(q.get("device"), ["mobile", "desktop"] as const, "desktop"),
    returning: q.get("returning") === "1",
    journeyKey: (q.get("buyer") ?? "demo-buyer-1").slice(0, 64) || "demo-buyer-1",
    acceptAll: q.get("accept") === "1",
  };
}

/** The buyer paid with a wallet (Apple Pay, PayPal...): Shopify skipped the post-purchase page. */
const paidWithWallet = (url: URL) => url.searchParams.get("wallet") === "1";

/**
 * Demo mode only: a sample cart through every checkout moment with the demo shop's published
 * payload (or, before the first publish, the payload publishing would produce now), the same
 * engine and the same view model as the checkout extension.
 */
async function journeyOf(request: Request) {
  if (!isDemo()) throw new Response("Not found", { status: 404 });
  const { shop } = await requireShop(request);
  const prisma = db();
  const now = Date.now();
  let payload: Payload | null = await getPublishedPayload(prisma, shop.id);
  let source: "published" | "draft" = "published";
  if (!payload) {
    const decoded = decodePayload((await buildPayload(prisma, shop.id, new Date(now))).json);
    payload = decoded.ok ? decoded.payload : null;
    source = "draft";
  }
  const offers = await prisma.offer.findMany({ where: { shopId: shop.id }, select: { id: true, name: true } });
  const names = Object.fromEntries(offers.map((o) => [o.id, o.name]));
  const buyer = buyerFrom(new URL(request.url));
  const steps = payload ? simulateJourney(payload, buyer, now, names) : [];
  // The thank-you step adds its offer to the demo order just paid (decision 026).
  const order = { ...buyer, lines: steps.find((s) => s.moment === "thank_you")?.order ?? [] };
  const mode =
    payload?.settings.thankYouAccept === "new_checkout" ? ("new_checkout" as const) : ("order_edit" as const);
  return { prisma, shop, payload, source, buyer, steps, order, mode };
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { prisma, shop, payload, source, buyer, steps, order, mode } = await journeyOf(request);
  const wallet = paidWithWallet(new URL(request.url));
  const titleOf = (offerId: string) => {
    const copy = payload?.offers.find((o) => o.id === offerId)?.copy;
    return (copy && (copy[buyer.locale] ?? copy[payload!.settings.defaultLocale])?.title) ?? offerId;
  };
  const thankYou = await demoThankYouStep(
    prisma,
    shop,
    { ...order, wallet },
    mode,
    payload?.settings.currencyDisplay,
    titleOf,
  );
  const titles = Object.fromEntries((thankYou.order?.lines ?? []).map((l) => [l.variantId, variantTitle(l.variantId)]));
  return {
    thankYou,
    titles,
    wallet,
    shopName: shop.name,
    source,
    offerCount: payload?.offers.length ?? 0,
    buyer,
    steps,
    choices: CART_CHOICES,
  };
};

/**
 * "Add to order" on the thank-you step: the demo order for this walked cart, and the app's
 * /api/thank-you/accept called as the extension calls it (decision 026). Back to the same journey.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { prisma, shop, buyer, order } = await journeyOf(request);
  const form = await request.formData();
  const moment = form.get("moment") === "post_purchase" ? "post_purchase" : "thank_you";
  const final = Number(form.get("final"));
  const offerId = String(form.get("offerId") ?? "");
  if (form.get("intent") !== "accept" || !offerId || !Number.isSafeInteger(final))
    return { error: "Pick an offer to add." };
  const placed = await placeDemoOrder(prisma, shop.id, order);
  const answer = await demoAcceptThankYou(prisma, shop.domain, placed, {
    offerId,
    moment,
    final,
    currency: String(form.get("currency") ?? ""),
    device: buyer.device,
    returning: buyer.returning,
  });
  if ("error" in answer) return { error: answer.error };
  return redirect(new URL(request.url).search ? `/demo/journey${new URL(request.url).search}` : "/demo/journey");
};

export default function DemoJourney() {
  const { shopName, source, offerCount, buyer, steps, choices, thankYou, titles, wallet } =
    useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const navigate = useNavigate();
  const [cart, setCart] = useState<string[]>(buyer.cart);
  const go = (patch: Partial<Record<keyof Buyer | "wallet", string | boolean | string[]>>) => {
    const next = { ...buyer, cart, wallet, ...patch } as Record<string, unknown>;
    const q = new URLSearchParams();
    for (const item of next.cart as string[]) q.append("item", item);
    q.set("currency", String(next.currency));
    q.set("country", String(next.country));
    q.set("locale", String(next.locale));
    q.set("device", String(next.device));
    q.set("buyer", String(next.journeyKey));
    if (next.returning) q.set("returning", "1");
    if (next.acceptAll) q.set("accept", "1");
    if (next.wallet) q.set("wallet", "1");
    navigate(`?${q.toString()}`, { preventScrollReset: true });
  };
  const options = (xs: readonly string[]) => xs.map((x) => ({ label: x, value: x }));
  return (
    <AppProvider i18n={enTranslations}>
      <DemoChrome shopName={shopName} links={[...NAV_LINKS, ...DEMO_LINKS]}>
        <Page
          title="Buyer journey"
          subtitle={`${shopName}: what each checkout extension would render for this cart, and why`}
          backAction={{ content: "Admin", url: "/app" }}
        >
          <Layout>
            <Layout.Section>
              <Banner tone="info">
                Demo mode. The same published payload, offer engine and view-model code as the checkout extension
                {source === "draft" ? " (nothing published yet: this is what publishing would produce now)" : ""}.{" "}
                {offerCount} live offer{offerCount === 1 ? "" : "s"}.
              </Banner>
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Sample cart
                  </Text>
                  <BlockStack gap="100">
                    {choices.map((c) => (
                      <Checkbox
                        key={c.key}
                        label={c.label}
                        checked={cart.includes(c.key)}
                        onChange={(on) => setCart(on ? [...cart, c.key] : cart.filter((x) => x !== c.key))}
                      />
                    ))}
                  </BlockStack>
                  <Button variant="primary" onClick={() => go({ cart })}>
                    Walk this cart through checkout
                  </Button>
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section>
              <BlockStack gap="400">
                <Card>
                  <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
                    <Select
                      label="Device"
                      options={options(["desktop", "mobile"])}
                      value={buyer.device}
                      onChange={(v) => go({ device: v })}
                    />
                    <Select
                      label="Country"
                      options={options(COUNTRIES)}
                      value={buyer.country}
                      onChange={(v) => go({ country: v })}
                    />
                    <Select
                      label="Currency"
                      options={options(CURRENCIES)}
                      value={buyer.currency}
                      onChange={(v) => go({ currency: v })}
                    />
                    <Select
                      label="Language"
                      options={options(LOCALES)}
                      value={buyer.locale}
                      onChange={(v) => go({ locale: v })}
                    />
                  </InlineGrid>
                  <Box paddingBlockStart="300">
                    <InlineStack gap="400">
                      <Checkbox
                        label="Returning buyer"
                        checked={buyer.returning}
                        onChange={(v) => go({ returning: v })}
                      />
                      <Checkbox
                        label="Buyer accepts every offer"
                        checked={buyer.acceptAll}
                        onChange={(v) => go({ acceptAll: v })}
                      />
                      <Checkbox
                        label="Paid with a wallet (no post-purchase page)"
                        checked={wallet}
                        onChange={(v) => go({ wallet: v })}
                      />
                      <Select
                        label="Journey key (decides experiment arms)"
                        labelInline
                        options={options([
                          "demo-buyer-1",
                          "demo-buyer-2",
                          "demo-buyer-3",
                          "demo-buyer-4",
                          "demo-buyer-5",
                        ])}
                        value={buyer.journeyKey}
                        onChange={(v) => go({ journeyKey: v })}
                      />
                    </InlineStack>
                  </Box>
                </Card>
                {steps.map((s) => (
                  <Card key={s.moment}>
                    <BlockStack gap="300">
                      <InlineStack gap="200" blockAlign="center">
                        <Text as="h2" variant="headingMd">
                          {s.label}
                        </Text>
                        {s.plusOnly ? <Badge tone="info">Shopify Plus</Badge> : null}
                        {s.moment === "thank_you" &&
                        (thankYou.fallback || thankYou.order?.edits.some((e) => e.moment === "post_purchase")) ? (
                          <Badge tone="success">Shows the post-purchase offer (wallet checkout)</Badge>
                        ) : s.kind === "offer" ? (
                          <Badge tone="success">{`Shows an offer: ${designLabel(s.card?.view.design)}`}</Badge>
                        ) : s.kind === "holdout" ? (
                          <Badge tone="attention">Hold-out</Badge>
                        ) : (
                          <Badge>Renders nothing</Badge>
                        )}
                      </InlineStack>
                      <Text as="p" tone="subdued">
                        {s.surface} · <code>{s.target}</code>
                      </Text>
                      {s.moment === "thank_you" && thankYou.order ? (
                        <Box padding="400" borderRadius="200" background="bg-surface-secondary">
                          <DemoThankYouOrderEdit
                            thankYou={thankYou}
                            offer={s.card ? { card: s.card.view, offerId: s.card.offerId } : null}
                            titles={titles}
                            mobile={buyer.device === "mobile"}
                            locale={buyer.locale}
                            currencyDisplay={s.card?.view.currencyDisplay ?? "symbol"}
                            busy={busy}
                            error={acted?.error}
                          />
                        </Box>
                      ) : s.card ? (
                        <Box padding="400" borderRadius="200" background="bg-surface-secondary">
                          <BlockStack gap="200">
                            <OfferPreviewCard {...s.card.view} mobile={buyer.device === "mobile"} />
                            {s.card.link ? (
                              <Text as="p" tone="subdued">
                                {`"${s.card.cta}" opens a new checkout with the offer: `}
                                <Link url={s.card.link} external>
                                  {s.card.link.split("?")[0]}
                                </Link>
                              </Text>
                            ) : null}
                          </BlockStack>
                        </Box>
                      ) : null}
                      {s.note ? <Banner tone="warning">{s.note}</Banner> : null}
                      {s.exposures.length ? (
                        <BlockStack gap="100">
                          <Text as="p" variant="headingSm">
                            Exposures logged at this moment
                          </Text>
                          <List>
                            {s.exposures.map((x) => (
                              <List.Item key={x.eventId}>
                                {x.name}: experiment <code>{x.experimentId}</code>, arm <code>{x.arm}</code>, place{" "}
                                {x.slot} (event <code>{x.eventId}</code>)
                              </List.Item>
                            ))}
                          </List>
                        </BlockStack>
                      ) : null}
                      {s.card ? (
                        <BlockStack gap="100">
                          <Text as="p" variant="headingSm">
                            Why and what happens on accept
                          </Text>
                          <List>
                            <List.Item>
                              Offer <code>{s.card.offerId}</code> ({s.card.type.replace(/_/g, " ")})
                              {s.card.arm ? `, experiment arm "${s.card.arm}"` : ""}
                            </List.Item>
                            {s.card.changes.map((c) => (
                              <List.Item key={c}>
                                <code>{c}</code>
                              </List.Item>
                            ))}
                            {s.card.functionCheck.map((c) => (
                              <List.Item key={c}>{c}</List.Item>
                            ))}
                          </List>
                        </BlockStack>
                      ) : null}
                      {s.excluded.length ? (
                        <BlockStack gap="100">
                          <Text as="p" variant="headingSm">
                            Not shown here
                          </Text>
                          <List>
                            {s.excluded.map((e) => (
                              <List.Item key={e.offerId}>
                                {e.name}: {e.reason}
                              </List.Item>
                            ))}
                          </List>
                        </BlockStack>
                      ) : null}
                    </BlockStack>
                  </Card>
                ))}
                <Card>
                  <Text as="p">
                    Between payment and thank-you, wallets aside, the post-purchase page can add to the paid order:{" "}
                    <Link url="/demo/post-purchase">see the post-purchase moment</Link>.
                  </Text>
                </Card>
              </BlockStack>
            </Layout.Section>
          </Layout>
        </Page>
      </DemoChrome>
    </AppProvider>
  );
}
