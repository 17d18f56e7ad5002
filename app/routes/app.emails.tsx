import { boundary } from "@shopify/shopify-app-remix/server";
import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Box,
  Card,
  DataTable,
  EmptyState,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
} from "@shopify/polaris";
import { db } from "~/db.server";
import { env, isDemo } from "~/env.server";
import { emailOverview, previewEmail, simulateDemoOrder } from "~/email/admin.server";
import { listEmlFiles } from "~/email/transport.server";
import { emailOutboxDir, sendDueNowForDemo } from "~/email/worker.server";
import { requireShop } from "~/shop-context.server";
import { useAdminLocale, useFormat, useT } from "~/i18n/context";
import { languageLabel, statusLabel } from "~/i18n/labels";
import { pageTitle } from "~/i18n/meta";
import { requestT } from "~/i18n/request.server";

export const meta = pageTitle("titles.emails");

const PREVIEW_LOCALES = ["en", "fr", "de", "es", "nl"] as const;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, gateway } = await requireShop(request);
  const e = env();
  const url = new URL(request.url);
  const overview = await emailOverview(db(), shop.id);
  const offerId = url.searchParams.get("offer") ?? overview.offers[0]?.id ?? null;
  // `?preview=`: the email's language; `?locale=` is the admin's own (decision 028).
  const asked = url.searchParams.get("preview") ?? "";
  const locale = PREVIEW_LOCALES.find((l) => l === asked) ?? "en";
  const preview = offerId
    ? await previewEmail(db(), shop, gateway, offerId, {
        locale,
        appUrl: e.SHOPIFY_APP_URL,
        secret: e.SHOPIFY_API_SECRET,
        t: requestT(request),
      })
    : null;
  const demoFiles = isDemo() && !e.SMTP_URL ? listEmlFiles(emailOutboxDir(e.EMAIL_OUTBOX_DIR), 50) : null;
  return {
    ...overview,
    offerId,
    locale,
    preview,
    transport: e.SMTP_URL ? "smtp" : isDemo() ? "eml" : "none",
    workerOff: e.EMAIL_WORKER === "off",
    demoFiles: demoFiles?.map((f) => ({ ...f, writtenAt: f.writtenAt.toISOString() })) ?? null,
  };
};

/** Demo only: a newcomer need not wait 24 hours to see an email; this sends the shop's scheduled ones now. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  if (!isDemo()) throw new Response("Sending ahead of schedule exists only in demo mode.", { status: 404 });
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "send_now") {
    const sent = await sendDueNowForDemo(db(), shop.id);
    const t = requestT(request, form);
    return { message: sent === 1 ? t("emails.sentNowOne") : t("emails.sentNowOther", { count: sent }), ok: true };
  }
  if (intent === "simulate_order") {
    const r = await simulateDemoOrder(db(), shop, env().SHOPIFY_APP_URL, new Date(), requestT(request, form));
    return { message: r.reason, ok: r.scheduled };
  }
  throw new Response("Unknown intent.", { status: 400 });
};

/** The demo's buttons post the admin's locale, for the answer's message (decision 028). */
function LocaleField() {
  return <input type="hidden" name="adminLocale" value={useAdminLocale().intl} />;
}

function Figure({ label, value, help }: { label: string; value: string; help?: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl">
          {value}
        </Text>
        {help ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {help}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

// Single fetch keeps a response the library throws in this route's action here: its headers
// (App Bridge's retry and reauthorize headers) only reach the browser through this route's own.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export default function Emails() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const format = useFormat();
  const pct = (x: number | null) => format.percent(x);
  const when = (iso: string | Date) => format.dateTime(iso);
  const result = useActionData<typeof action>();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const go = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    navigate(`?${next.toString()}`, { replace: true, preventScrollReset: true });
  };
  return (
    <Page title={t("titles.emails")} subtitle={t("emails.subtitle")}>
      <Layout>
        {d.transport === "none" ? (
          <Layout.Section>
            <Banner tone="warning" title={t("emails.noSmtpTitle")}>
              <p>{t("emails.noSmtp")}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {d.workerOff ? (
          <Layout.Section>
            <Banner tone="info" title={t("emails.workerOffTitle")}>
              <p>{t("emails.workerOff")}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <InlineGrid columns={{ xs: 2, md: 5 }} gap="300">
            <Figure
              label={t("emails.scheduled")}
              value={format.number((d.counts.pending ?? 0) + (d.counts.sending ?? 0))}
            />
            <Figure label={t("emails.sent")} value={format.number(d.counts.sent ?? 0)} />
            <Figure
              label={t("emails.failed")}
              value={format.number(d.counts.failed ?? 0)}
              help={t("emails.cancelled", { count: d.counts.cancelled ?? 0 })}
            />
            <Figure
              label={t("emails.takeRate")}
              value={pct(d.takeRate)}
              help={t("emails.takeRateHelp", { rate: pct(d.purchaseRate) })}
            />
            <Figure
              label={t("emails.optOutRate")}
              value={pct(d.optOutRate)}
              help={t("emails.optOuts", { count: d.optOuts })}
            />
          </InlineGrid>
        </Layout.Section>

        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("emails.schedule")}
              </Text>
              {d.pending.length === 0 ? (
                <Text as="p" tone="subdued">
                  {t("emails.nothingScheduled")}
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text", "numeric", "text"]}
                  headings={[
                    t("emails.colDue"),
                    t("emails.colBuyer"),
                    t("emails.colOffer"),
                    t("emails.colLanguage"),
                    t("emails.colAttempts"),
                    t("emails.colLastError"),
                  ]}
                  rows={d.pending.map((p) => [
                    when(p.nextAttemptAt),
                    p.recipient,
                    p.offerName,
                    p.locale,
                    p.attempts,
                    p.lastError ?? "",
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>

        {d.failed.length ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("emails.failed")}
                </Text>
                <DataTable
                  columnContentTypes={["text", "text", "text", "numeric", "text"]}
                  headings={[
                    t("emails.colGaveUp"),
                    t("emails.colBuyer"),
                    t("emails.colOffer"),
                    t("emails.colAttempts"),
                    t("emails.colReason"),
                  ]}
                  rows={d.failed.map((f) => [
                    when(f.updatedAt),
                    f.recipient,
                    f.offerName,
                    f.attempts,
                    f.lastError ?? "",
                  ])}
                />
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}

        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("emails.preview")}
              </Text>
              {d.offers.length === 0 ? (
                <EmptyState heading={t("emails.noOfferTitle")} image="">
                  <p>{t("emails.noOffer")}</p>
                </EmptyState>
              ) : (
                <>
                  <InlineStack gap="300">
                    <Select
                      label={t("emails.offer")}
                      options={d.offers.map((o) => ({
                        label: t("emails.offerOption", { name: o.name, status: statusLabel(t, o.status) }),
                        value: o.id,
                      }))}
                      value={d.offerId ?? ""}
                      onChange={(v) => go("offer", v)}
                    />
                    <Select
                      label={t("emails.language")}
                      options={PREVIEW_LOCALES.map((l) => ({ label: languageLabel(t, l), value: l }))}
                      value={d.locale}
                      onChange={(v) => go("preview", v)}
                    />
                  </InlineStack>
                  {d.preview?.ok ? (
                    <BlockStack gap="200">
                      <Text as="p">
                        <Text as="span" fontWeight="semibold">
                          {t("emails.subject")}
                        </Text>{" "}
                        {d.preview.subject}
                      </Text>
                      <Box
                        borderColor="border"
                        borderWidth="025"
                        borderRadius="200"
                        overflowX="hidden"
                        overflowY="hidden"
                      >
                        <iframe
                          title={t("emails.previewFrame")}
                          srcDoc={d.preview.html}
                          sandbox=""
                          style={{ width: "100%", height: 640, border: 0 }}
                        />
                      </Box>
                      <details>
                        <summary>{t("emails.plainText")}</summary>
                        <pre style={{ whiteSpace: "pre-wrap" }}>{d.preview.text}</pre>
                      </details>
                    </BlockStack>
                  ) : d.preview ? (
                    <Banner tone="warning">{d.preview.reason}</Banner>
                  ) : null}
                </>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>

        {d.demoFiles ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("emails.outbox")}
                </Text>
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="p" tone="subdued">
                    {t("emails.outboxHelp")}
                  </Text>
                  <InlineStack gap="200" wrap={false}>
                    <Form method="post">
                      <input type="hidden" name="intent" value="simulate_order" />
                      <LocaleField />
                      <Button submit>{t("emails.simulate")}</Button>
                    </Form>
                    <Form method="post">
                      <input type="hidden" name="intent" value="send_now" />
                      <LocaleField />
                      <Button submit variant="primary" disabled={(d.counts.pending ?? 0) === 0}>
                        {t("emails.sendNow")}
                      </Button>
                    </Form>
                  </InlineStack>
                </InlineStack>
                {result ? <Banner tone={result.ok ? "success" : "warning"}>{result.message}</Banner> : null}
                {d.demoFiles.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("emails.noFiles")}
                  </Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "text"]}
                    headings={[t("emails.colWritten"), t("emails.colTo"), t("emails.colSubject"), ""]}
                    rows={d.demoFiles.map((f) => [
                      when(f.writtenAt),
                      f.to,
                      f.subject,
                      <InlineStack key={f.name} gap="200">
                        <a href={`/app/emails/file/${encodeURIComponent(f.name)}`} target="_blank" rel="noreferrer">
                          {t("emails.open")}
                        </a>
                        <a href={`/app/emails/file/${encodeURIComponent(f.name)}?download=1`}>{t("emails.download")}</a>
                      </InlineStack>,
                    ])}
                  />
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}
