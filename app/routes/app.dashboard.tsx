import { useEffect, useState, type ComponentType, type ReactNode } from "react";
import type * as PolarisViz from "@shopify/polaris-viz";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, DataTable, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { db } from "~/db.server";
import { answeringRefusals } from "~/lib/errors";
import { requireShop } from "~/shop-context.server";
import { dashboardData, filtersFromUrl, type Rate } from "~/measurement/dashboard.server";
import { VersionResults } from "~/experiments/VersionResults";
import { money } from "~/experiments/format";

export const meta: MetaFunction = () => [{ title: "Measurement · Moments" }];

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = ({ request }: LoaderFunctionArgs) =>
  answeringRefusals(async () => {
    const { shop } = await requireShop(request);
    const filters = filtersFromUrl(new URL(request.url));
    return dashboardData(db(), shop.id, filters);
  });

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

const pct = (r: Rate) => (r.value === null ? "–" : `${(r.value * 100).toFixed(1)}%`);
const pctInterval = (r: Rate) =>
  r.value === null || r.lower === null || r.upper === null ? "–" : `${(r.value * 100).toFixed(1)}% (${(r.lower * 100).toFixed(1)}–${(r.upper * 100).toFixed(1)})`;

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
  if (data.days.length === 0) return null;
  if (!viz) return <Text as="p" tone="subdued">Loading charts…</Text>;
  const { PolarisVizProvider, LineChart, BarChart } = viz;
  const Provider = PolarisVizProvider as ComponentType<{ children: ReactNode }>;
  return (
    <Provider>
      <Layout>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">Impressions and accepts a day</Text>
              <div style={{ height: 260 }}>
                <LineChart
                  theme="Light"
                  data={[
                    { name: "Impressions", data: data.days.map((d) => ({ key: d.day, value: d.impressions })) },
                    { name: "Accepts", data: data.days.map((d) => ({ key: d.day, value: d.accepts })) },
                  ]}
                />
              </div>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">Attributed revenue net of refunds ({data.currency})</Text>
              <div style={{ height: 260 }}>
                <BarChart
                  theme="Light"
                  data={[{ name: "Net revenue", data: data.moments.map((m) => ({ key: m.momentLabel, value: m.netMinor / 100 })) }]}
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
          <TextField label="From" type="date" name="from" value={from} onChange={setFrom} autoComplete="off" />
          <TextField label="To" type="date" name="to" value={to} onChange={setTo} autoComplete="off" />
          <Select
            label="Device"
            name="device"
            value={device}
            onChange={setDevice}
            options={[{ label: "All devices", value: "" }, { label: "Mobile", value: "mobile" }, { label: "Desktop", value: "desktop" }]}
          />
          <Select
            label="Country"
            name="country"
            value={country}
            onChange={setCountry}
            options={[{ label: "All countries", value: "" }, ...data.countries.map((c) => ({ label: c, value: c }))]}
          />
          <Select
            label="Buyers"
            name="segment"
            value={segment}
            onChange={setSegment}
            options={[{ label: "New and returning", value: "" }, { label: "New", value: "new" }, { label: "Returning", value: "returning" }]}
          />
          <Button submit variant="primary">Apply</Button>
          <Button onClick={() => void downloadCsv(csvHref, `moments-${data.filters.from}-${data.filters.to}.csv`)}>Export CSV</Button>
        </InlineStack>
      </Form>
    </Card>
  );
}

function OfferTable({ rows, currency, title }: { rows: Data["offers"]; currency: string; title: string }) {
  return (
    <Card padding="0">
      <BlockStack>
        <div style={{ padding: "var(--p-space-400)" }}>
          <Text as="h2" variant="headingMd">{title}</Text>
        </div>
        <DataTable
          columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric"]}
          headings={["Moment", "Offer", "Impressions", "Clicks", "Accepts", "Take rate (95% CI)", "Decline rate", "Net revenue"]}
          rows={rows.map((r) => [r.momentLabel, r.offerName, r.impressions, r.clicks, r.accepts, pctInterval(r.takeRate), pct(r.declineRate), money(r.netMinor, currency)])}
        />
      </BlockStack>
    </Card>
  );
}

function Breakdown({ rows, currency, title, dimension }: { rows: Data["devices"]; currency: string; title: string; dimension: string }) {
  return (
    <Card padding="0">
      <BlockStack>
        <div style={{ padding: "var(--p-space-400)" }}>
          <Text as="h2" variant="headingMd">{title}</Text>
        </div>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
          headings={[dimension, "Impressions", "Accepts", "Take rate (95% CI)", "Net revenue"]}
          rows={rows.map((r) => [r.label, r.impressions, r.accepts, pctInterval(r.takeRate), money(r.netMinor, currency)])}
          totals={["", rows.reduce((a, r) => a + r.impressions, 0), rows.reduce((a, r) => a + r.accepts, 0), "", money(rows.reduce((a, r) => a + r.netMinor, 0), currency)]}
          showTotalsInFooter
        />
      </BlockStack>
    </Card>
  );
}

function Experiments({ data }: { data: Data }) {
  if (data.experiments.length === 0) return null;
  const segmented = Boolean(data.filters.device || data.filters.country || data.filters.segment);
  return (
    <BlockStack gap="400">
      {data.experiments.map((e) => (
        <Card key={e.experimentId}>
          <BlockStack gap="300">
            <InlineStack gap="200" blockAlign="center">
              <Text as="h2" variant="headingMd">{`Experiment on ${e.offerName}`}</Text>
              <Badge>{e.status}</Badge>
            </InlineStack>
            <Text as="p" tone="subdued">
              {`Each version over its whole life, whatever the dates above${segmented ? "; this segment only, with alpha divided by the number of comparisons" : ""}.`}
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

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const empty = data.offers.length === 0 && data.moments.length === 0 && data.experiments.length === 0;
  return (
    <Page title="Measurement" subtitle={`${data.filters.from} to ${data.filters.to} (UTC days), ${data.currency}`}>
      <BlockStack gap="400">
        <Filters data={data} />
        {empty ? (
          <Card>
            <Text as="p">No events in this range yet. In demo mode, `npm run demo:traffic` walks simulated buyers through the journey.</Text>
          </Card>
        ) : (
          <>
            <Charts data={data} />
            <OfferTable rows={data.moments} currency={data.currency} title="By moment" />
            <OfferTable rows={data.offers} currency={data.currency} title="By offer" />
            <Layout>
              <Layout.Section variant="oneHalf">
                <Breakdown rows={data.devices} currency={data.currency} title="By device" dimension="Device" />
              </Layout.Section>
              <Layout.Section variant="oneHalf">
                <Breakdown rows={data.segments} currency={data.currency} title="By buyer" dimension="Buyers" />
              </Layout.Section>
            </Layout>
            <Experiments data={data} />
            <Text as="p" tone="subdued">
              {`Take rate: accepts per buyer shown the offer, Wilson 95% interval. Revenue: attributed order lines net of refunds. The date range narrows the moment, offer, day and breakdown tables only. Experiments compare each variant with its hold-out by revenue per visitor (net of refunds and cancellations) over each version's whole life: a test planned over 30 days of daily looks beside an always-valid test for any length, adjusted for the cart at exposure, with alpha divided across variants (and segment views when a filter is applied), a minimum effect of ${(data.relativeMde * 100).toFixed(0)}% of the hold-out's revenue per visitor and a sample-ratio check against the configured split. Looking every day is safe, and the interval shown is the one valid at the look that decided.`}
            </Text>
          </>
        )}
      </BlockStack>
    </Page>
  );
}
