import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Button, Box, Card, DataTable, EmptyState, InlineGrid, InlineStack, Layout, Page, Select, Text } from "@shopify/polaris";
import { db } from "~/db.server";
import { env, isDemo } from "~/env.server";
import { emailOverview, previewEmail, simulateDemoOrder } from "~/email/admin.server";
import { listEmlFiles } from "~/email/transport.server";
import { emailOutboxDir, sendDueNowForDemo } from "~/email/worker.server";
import { requireShop } from "~/shop-context.server";

export const meta: MetaFunction = () => [{ title: "Follow-up emails · Moments" }];

const PREVIEW_LOCALES = ["en", "fr", "de", "es", "nl"];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, gateway } = await requireShop(request);
  const e = env();
  const url = new URL(request.url);
  const overview = await emailOverview(db(), shop.id);
  const offerId = url.searchParams.get("offer") ?? overview.offers[0]?.id ?? null;
  const locale = PREVIEW_LOCALES.includes(url.searchParams.get("locale") ?? "") ? url.searchParams.get("locale")! : "en";
  const preview = offerId ? await previewEmail(db(), shop, gateway, offerId, { locale, appUrl: e.SHOPIFY_APP_URL, secret: e.SHOPIFY_API_SECRET }) : null;
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
    return { message: `${sent} email${sent === 1 ? "" : "s"} written to the demo outbox.`, ok: true };
  }
  if (intent === "simulate_order") {
    const r = await simulateDemoOrder(db(), shop, env().SHOPIFY_APP_URL);
    return { message: r.reason, ok: r.scheduled };
  }
  throw new Response("Unknown intent.", { status: 400 });
};

const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);
const when = (iso: string | Date) => new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";

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

export default function Emails() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const go = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    navigate(`?${next.toString()}`, { replace: true, preventScrollReset: true });
  };
  return (
    <Page title="Follow-up emails" subtitle="One message per consenting buyer, 24 to 72 hours after the order">
      <Layout>
        {d.transport === "none" ? (
          <Layout.Section>
            <Banner tone="warning" title="No mail server configured">
              <p>Scheduled emails wait until SMTP_URL is set (e.g. smtp://user:pass@smtp.example.com:587).</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {d.workerOff ? (
          <Layout.Section>
            <Banner tone="info" title="Delivery runs in a separate process">
              <p>EMAIL_WORKER=off: this app instance does not send; run `node scripts/email-worker.mjs`.</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <InlineGrid columns={{ xs: 2, md: 5 }} gap="300">
            <Figure label="Scheduled" value={String((d.counts.pending ?? 0) + (d.counts.sending ?? 0))} />
            <Figure label="Sent" value={String(d.counts.sent ?? 0)} />
            <Figure label="Failed" value={String(d.counts.failed ?? 0)} help={`${d.counts.cancelled ?? 0} cancelled by opt-out`} />
            <Figure label="Take rate" value={pct(d.takeRate)} help={`clicked per sent · ${pct(d.purchaseRate)} bought`} />
            <Figure label="Opt-out rate" value={pct(d.optOutRate)} help={`${d.optOuts} buyers unsubscribed`} />
          </InlineGrid>
        </Layout.Section>

        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Schedule
              </Text>
              {d.pending.length === 0 ? (
                <Text as="p" tone="subdued">
                  Nothing scheduled. Orders from buyers who accept marketing schedule one email each.
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text", "numeric", "text"]}
                  headings={["Due", "Buyer", "Offer", "Language", "Attempts", "Last error"]}
                  rows={d.pending.map((p) => [when(p.nextAttemptAt), p.recipient, p.offerName, p.locale, p.attempts, p.lastError ?? ""])}
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
                  Failed
                </Text>
                <DataTable
                  columnContentTypes={["text", "text", "text", "numeric", "text"]}
                  headings={["Gave up", "Buyer", "Offer", "Attempts", "Reason"]}
                  rows={d.failed.map((f) => [when(f.updatedAt), f.recipient, f.offerName, f.attempts, f.lastError ?? ""])}
                />
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}

        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Preview
              </Text>
              {d.offers.length === 0 ? (
                <EmptyState heading="No offer uses the follow-up email yet" image="">
                  <p>Add the “Follow-up email” moment to an offer to preview its email here.</p>
                </EmptyState>
              ) : (
                <>
                  <InlineStack gap="300">
                    <Select label="Offer" options={d.offers.map((o) => ({ label: `${o.name} (${o.status})`, value: o.id }))} value={d.offerId ?? ""} onChange={(v) => go("offer", v)} />
                    <Select label="Language" options={PREVIEW_LOCALES} value={d.locale} onChange={(v) => go("locale", v)} />
                  </InlineStack>
                  {d.preview?.ok ? (
                    <BlockStack gap="200">
                      <Text as="p">
                        <Text as="span" fontWeight="semibold">
                          Subject:
                        </Text>{" "}
                        {d.preview.subject}
                      </Text>
                      <Box borderColor="border" borderWidth="025" borderRadius="200" overflowX="hidden" overflowY="hidden">
                        <iframe title="Email preview" srcDoc={d.preview.html} sandbox="" style={{ width: "100%", height: 640, border: 0 }} />
                      </Box>
                      <details>
                        <summary>Plain-text part</summary>
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
                  Demo outbox
                </Text>
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="p" tone="subdued">
                    In demo mode emails are written as .eml files instead of being sent. Open one in the browser, or download it and open it in your mail program.
                  </Text>
                  <InlineStack gap="200" wrap={false}>
                    <Form method="post">
                      <input type="hidden" name="intent" value="simulate_order" />
                      <Button submit>Simulate an order</Button>
                    </Form>
                    <Form method="post">
                      <input type="hidden" name="intent" value="send_now" />
                      <Button submit variant="primary" disabled={(d.counts.pending ?? 0) === 0}>
                        Send scheduled emails now
                      </Button>
                    </Form>
                  </InlineStack>
                </InlineStack>
                {result ? <Banner tone={result.ok ? "success" : "warning"}>{result.message}</Banner> : null}
                {d.demoFiles.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No email written yet.
                  </Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "text"]}
                    headings={["Written", "To", "Subject", ""]}
                    rows={d.demoFiles.map((f) => [
                      when(f.writtenAt),
                      f.to,
                      f.subject,
                      <InlineStack key={f.name} gap="200">
                        <a href={`/app/emails/file/${encodeURIComponent(f.name)}`} target="_blank" rel="noreferrer">
                          Open
                        </a>
                        <a href={`/app/emails/file/${encodeURIComponent(f.name)}?download=1`}>Download .eml</a>
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
