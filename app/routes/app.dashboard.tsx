import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect, useState, type ComponentType, type ReactNode } from "react";
import type * as PolarisViz from "@shopify/polaris-viz";
import type { LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { db } from "~/db.server";
import { answeringRefusals } from "~/lib/errors";
import { requireShop } from "~/shop-context.server";
import { dashboardData, filtersFromUrl, type Rate } from "~/measurement/dashboard.server";
import { VersionResults } from "~/experiments/VersionResults";
import { money } from "~/experiments/format";
import { experimentStatusView } from "~/experiments/status";
import type { AdminKey } from "~/i18n/catalogue";
import { useFormat, useT } from "~/i18n/context";
import { experimentStatusLabel } from "~/i18n/labels";
import { pageTitle } from "~/i18n/meta";

export const meta = pageTitle("titles.dashboard");

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = ({ request }: LoaderFunctionArgs) =>
  answeringRefusals(async () => {
    const { shop } = await requireShop(request);
    const filters = filtersFromUrl(new URL(request.url));
    return dashboardData(db(), shop.id, filters);
  });

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

/** A rate and its 95% interval in the admin's locale: "12.3% (10.1–14.6)", "12,3 % (10,1–14,6)". */
function useRates() {
  const format = useFormat();
  const pct = (r: Rate) => format.percent(r.value);
  const bound = (x: number) => format.percent(x).replace(/\s*%$/, "");
  const pctInterval = (r: Rate) =>
    r.value === null || r.lower === null || r.upper === null
      ? "–"
      : `${format.percent(r.value)} (${bound(r.lower)}–${bound(r.upper)})`;
  return { pct, pctInterval };
}

/** A breakdown bucket ("mobile", "new", "unknown") in the admin's language. */
const SEGMENT_KEYS = ["mobile", "desktop", "new", "returning"];
const segmentKey = (key: string): AdminKey =>
  (SEGMENT_KEYS.includes(key) ? `dashboard.segments.${key}` : "dashboard.segments.unknown") as AdminKey;

/** polaris-viz measures the DOM: it is loaded in the browser only, after hydration. */
function useViz() {
  const [viz, setViz] = useState<typeof PolarisViz | null>(null);
  useEffect(() => {
    let live = true;
    void import("@shopify/polaris-viz").then((m) => live && setViz(m));
    return () => {
      live = false;
    };
  }, []);
  return viz;
}

function Charts({ data }: { data: Data }) {
  const viz = useViz();
  const t = useT();
  if (data.days.length === 0) return null;
  if (!viz)
    return (
      <Text as="p" tone="subdued">
        {t("dashboard.loadingCharts")}
      </Text>
    );
  const { PolarisVizProvider, LineChart, BarChart } = viz;
  const Provider = PolarisVizProvider as ComponentType<{ children: ReactNode }>;
  return (
    <Provider>
      <Layout>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">
                {t("dashboard.chartDaily")}
              </Text>
              <div style={{ height: 260 }}>
                <LineChart
                  theme="Light"
                  data={[
                    {
                      name: t("dashboard.impressions"),
                      data: data.days.map((d) => ({ key: d.day, value: d.impressions })),
                    },
                    { name: t("dashboard.accepts"), data: data.days.map((d) => ({ key: d.day, value: d.accepts })) },
                  ]}
                />
              </div>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">
                {t("dashboard.chartRevenue", { currency: data.currency })}
              </Text>
              <div style={{ height: 260 }}>
                <BarChart
                  theme="Light"
                  data={[
                    {
                      name: t("dashboard.netRevenue"),
                      data: data.moments.map((m) => ({
                        key: t(`moments.${m.moment}` as AdminKey),
                        value: m.netMinor / 100,
                      })),
                    },
                  ]}
                />
              </div>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Provider>
  );
}

/**
 * Fetched rather than linked: inside the Shopify admin, App Bridge adds the session token to
 * fetch() calls, which a plain download link would not carry.
 */
async function downloadCsv(href: string, filename: string) {
  const res = await fetch(href);
  if (!res.ok) return;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}

function Filters({ data }: { data: Data }) {
  const t = useT();
  const [params] = useSearchParams();
  const [from, setFrom] = useState(data.filters.from);
  const [to, setTo] = useState(data.filters.to);
  const [device, setDevice] = useState(data.filters.device ?? "");
  const [country, setCountry] = useState(data.filters.country ?? "");
  const [segment, setSegment] = useState(data.filters.segment ?? "");
  const csvHref = `/app/dashboard.csv?${params.toString()}`;
  return (
    <Card>
      <Form method="get">
        <InlineStack gap="300" blockAlign="end">
          <TextField
            label={t("dashboard.from")}
            type="date"
            name="from"
            value={from}
            onChange={setFrom}
            autoComplete="off"
          />
          <TextField label={t("dashboard.to")} type="date" name="to" value={to} onChange={setTo} autoComplete="off" />
          <Select
            label={t("dashboard.device")}
            name="device"
            value={device}
            onChange={setDevice}
            options={[
              { label: t("dashboard.allDevices"), value: "" },
              { label: t("devices.mobile"), value: "mobile" },
              { label: t("devices.desktop"), value: "desktop" },
            ]}
          />
          <Select
            label={t("dashboard.country")}
            name="country"
            value={country}
            onChange={setCountry}
            options={[
              { label: t("dashboard.allCountries"), value: "" },
              ...data.countries.map((c) => ({ label: c, value: c })),
            ]}
          />
          <Select
            label={t("dashboard.buyers")}
            name="segment"
            value={segment}
            onChange={setSegment}
            options={[
              { label: t("dashboard.allBuyers"), value: "" },
              { label: t("dashboard.newBuyers"), value: "new" },
              { label: t("dashboard.returningBuyers"), value: "returning" },
            ]}
          />
          <Button submit variant="primary">
            {t("dashboard.apply")}
          </Button>
          <Button onClick={() => void downloadCsv(csvHref, `moments-${data.filters.from}-${data.filters.to}.csv`)}>
            {t("dashboard.exportCsv")}
          </Button>
        </InlineStack>
      </Form>
    </Card>
  );
}

function OfferTable({ rows, currency, title }: { rows: Data["offers"]; currency: string; title: string }) {
  const t = useT();
  const format = useFormat();
  const { pct, pctInterval } = useRates();
  return (
    <Card padding="0">
      <BlockStack>
        <div style={{ padding: "var(--p-space-400)" }}>
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
        </div>
        <DataTable
          columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric"]}
          headings={[
            t("dashboard.colMoment"),
            t("dashboard.colOffer"),
            t("dashboard.impressions"),
            t("dashboard.colClicks"),
            t("dashboard.accepts"),
            t("dashboard.colTakeRate"),
            t("dashboard.colDeclineRate"),
            t("dashboard.netRevenue"),
          ]}
          rows={rows.map((r) => [
            t(`moments.${r.moment}` as AdminKey),
            r.offerName,
            format.number(r.impressions),
            format.number(r.clicks),
            format.number(r.accepts),
            pctInterval(r.takeRate),
            pct(r.declineRate),
            money(r.netMinor, currency, format),
          ])}
        />
      </BlockStack>
    </Card>
  );
}

function Breakdown({
  rows,
  currency,
  title,
  dimension,
}: {
  rows: Data["devices"];
  currency: string;
  title: string;
  dimension: string;
}) {
  const t = useT();
  const format = useFormat();
  const { pctInterval } = useRates();
  return (
    <Card padding="0">
      <BlockStack>
        <div style={{ padding: "var(--p-space-400)" }}>
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
        </div>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
          headings={[
            dimension,
            t("dashboard.impressions"),
            t("dashboard.accepts"),
            t("dashboard.colTakeRate"),
            t("dashboard.netRevenue"),
          ]}
          rows={rows.map((r) => [
            t(segmentKey(r.key)),
            format.number(r.impressions),
            format.number(r.accepts),
            pctInterval(r.takeRate),
            money(r.netMinor, currency, format),
          ])}
          totals={[
            "",
            format.number(rows.reduce((a, r) => a + r.impressions, 0)),
            format.number(rows.reduce((a, r) => a + r.accepts, 0)),
            "",
            money(
              rows.reduce((a, r) => a + r.netMinor, 0),
              currency,
              format,
            ),
          ]}
          showTotalsInFooter
        />
      </BlockStack>
    </Card>
  );
}

function Experiments({ data }: { data: Data }) {
  const t = useT();
  if (data.experiments.length === 0) return null;
  const segmented = Boolean(data.filters.device || data.filters.country || data.filters.segment);
  return (
    <BlockStack gap="400">
      {data.experiments.map((e) => (
        <Card key={e.experimentId}>
          <BlockStack gap="300">
            <InlineStack gap="200" blockAlign="center">
              <Text as="h2" variant="headingMd">
                {t("dashboard.experimentOn", { offer: e.offerName })}
              </Text>
              <Badge>{experimentStatusLabel(t, experimentStatusView(e.status, e.offerStatus).status)}</Badge>
            </InlineStack>
            <Text as="p" tone="subdued">
              {segmented ? t("dashboard.versionsNoteSegment") : t("dashboard.versionsNote")}
            </Text>
            {e.versions.map((v) => (
              <VersionResults key={v.version} v={v} currency={data.currency} />
            ))}
          </BlockStack>
        </Card>
      ))}
    </BlockStack>
  );
}

// Single fetch keeps a response the library throws in this route's action here: its headers
// (App Bridge's retry and reauthorize headers) only reach the browser through this route's own.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const format = useFormat();
  const empty = data.offers.length === 0 && data.moments.length === 0 && data.experiments.length === 0;
  return (
    <Page
      title={t("titles.dashboard")}
      subtitle={t("dashboard.subtitle", { from: data.filters.from, to: data.filters.to, currency: data.currency })}
    >
      <BlockStack gap="400">
        <Filters data={data} />
        {empty ? (
          <Card>
            <Text as="p">{t("dashboard.empty")}</Text>
          </Card>
        ) : (
          <>
            <Charts data={data} />
            <OfferTable rows={data.moments} currency={data.currency} title={t("dashboard.byMoment")} />
            <OfferTable rows={data.offers} currency={data.currency} title={t("dashboard.byOffer")} />
            <Layout>
              <Layout.Section variant="oneHalf">
                <Breakdown
                  rows={data.devices}
                  currency={data.currency}
                  title={t("dashboard.byDevice")}
                  dimension={t("dashboard.device")}
                />
              </Layout.Section>
              <Layout.Section variant="oneHalf">
                <Breakdown
                  rows={data.segments}
                  currency={data.currency}
                  title={t("dashboard.byBuyer")}
                  dimension={t("dashboard.buyers")}
                />
              </Layout.Section>
            </Layout>
            <Experiments data={data} />
            <Text as="p" tone="subdued">
              {t("dashboard.method", { mde: format.percent(data.relativeMde, 0) })}
            </Text>
          </>
        )}
      </BlockStack>
    </Page>
  );
}
