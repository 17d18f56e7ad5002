import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigate, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, InlineStack, Link, Modal, Page, Tabs, Text } from "@shopify/polaris";
import { useState } from "react";
import { db } from "~/db.server";
import { runExperimentCommand } from "~/offers/offers.server";
import { requireShop } from "~/shop-context.server";
import { PublishStatus } from "~/components/PublishStatus";
import { experimentReports } from "~/experiments/report.server";
import { promoteWinner } from "~/experiments/promote.server";
import { VersionResults } from "~/experiments/VersionResults";
import { intervalText } from "~/experiments/format";
import { experimentStatusView } from "~/experiments/status";

export const meta: MetaFunction = () => [{ title: "Experiments · Moments" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const archived = new URL(request.url).searchParams.get("tab") === "archived";
  // The same reports as the dashboard (no segment filter): identical numbers on both pages.
  const reports = await experimentReports(db(), shop.id, { includeWithoutData: true });
  return {
    tab: archived ? ("archived" as const) : ("active" as const),
    experiments: reports.filter((r) => r.archived === archived && r.status !== "deleted"),
    archivedCount: reports.filter((r) => r.archived).length,
    currency: shop.currency,
    publishedAt: shop.publishedAt?.toISOString() ?? null,
    publishError: shop.publishError,
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, gateway } = await requireShop(request);
  const body = await request.formData();
  const experimentId = String(body.get("experimentId") ?? "");
  const intent = String(body.get("intent") ?? "");
  if (intent === "promote") {
    const result = await promoteWinner(db(), shop, gateway, experimentId, String(body.get("armId") ?? ""));
    if (!result.ok) return data({ error: result.error, experimentId }, { status: 422 });
    return { error: null, experimentId };
  }
  if (intent !== "start" && intent !== "stop" && intent !== "archive") throw new Response(`Unknown intent "${intent}".`, { status: 400 });
  const result = await runExperimentCommand(db(), shop, gateway, experimentId, { kind: intent });
  if (!result.ok) return data({ error: result.error, experimentId }, { status: 422 });
  return { error: null, experimentId };
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Report = Data["experiments"][number];

export default function Experiments() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<{ error: string | null; experimentId: string }>();
  const navigate = useNavigate();
  const tabs = [
    { id: "active", content: "Experiments" },
    { id: "archived", content: `Archived (${d.archivedCount})` },
  ];
  return (
    <Page title="Experiments" subtitle="Variants against a hold-out group, per version, with verdicts you can act on">
      <BlockStack gap="400">
        <PublishStatus publishedAt={d.publishedAt} publishError={d.publishError} />
        <Tabs
          tabs={tabs}
          selected={d.tab === "archived" ? 1 : 0}
          onSelect={(i) => navigate(i === 1 ? "/app/experiments?tab=archived" : "/app/experiments")}
        />
        {d.experiments.length === 0 ? (
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {d.tab === "archived" ? "No archived experiments" : "No experiments yet"}
              </Text>
              <Text as="p" tone="subdued">
                Turn on "Run an experiment" in an offer to test copy, price or design against a hold-out group.
              </Text>
              <InlineStack>
                <Button url="/app/offers">Open offers</Button>
              </InlineStack>
            </BlockStack>
          </Card>
        ) : null}
        {d.experiments.map((e) => (
          <ExperimentCard key={e.experimentId} e={e} currency={d.currency} error={result?.experimentId === e.experimentId ? result.error : null} />
        ))}
        <Box paddingBlockEnd="400" />
      </BlockStack>
    </Page>
  );
}

function ExperimentCard({ e, currency, error }: { e: Report; currency: string; error: string | null }) {
  const current = e.versions.find((v) => v.current);
  const winners = (current?.comparisons ?? []).filter((c) => c.verdict?.kind === "winner");
  // Paused while its offer is not live (the experiment's own status stays running: status.ts).
  const shown = experimentStatusView(e.status, e.offerStatus);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            <Link url={`/app/offers/${e.offerId}`}>{e.offerName}</Link>
          </Text>
          <Badge tone={shown.tone}>{shown.status}</Badge>
        </InlineStack>
        {shown.note ? (
          <Text as="p" tone="subdued">
            {shown.note}
          </Text>
        ) : null}
        {error ? (
          <Banner tone="critical">
            <p>{error}</p>
          </Banner>
        ) : null}
        <Text as="p" tone="subdued">
          {`Hold-out ${e.holdoutPct}% of buyers${e.startedAt ? ` · started ${e.startedAt.slice(0, 10)}` : ""} · version ${e.currentVersion}` +
            (e.winnerArmId ? ` · promoted: ${e.variants.find((v) => v.id === e.winnerArmId)?.name ?? e.winnerArmId}` : "")}
        </Text>
        {e.versions.map((v) => (
          <VersionResults key={v.version} v={v} currency={currency} />
        ))}
        {e.archived ? null : (
          <InlineStack gap="300" blockAlign="center">
            <Form method="post">
              <input type="hidden" name="experimentId" value={e.experimentId} />
              <input type="hidden" name="intent" value={e.status === "running" ? "stop" : "start"} />
              <Button submit>{e.status === "running" ? "Stop experiment" : "Start experiment"}</Button>
            </Form>
            {current && e.status === "running"
              ? winners.map((c) => <PromoteButton key={c.arm} e={e} c={c} version={current} currency={currency} />)
              : null}
            <Form method="post">
              <input type="hidden" name="experimentId" value={e.experimentId} />
              <input type="hidden" name="intent" value="archive" />
              <Button submit tone="critical" variant="plain">
                Archive
              </Button>
            </Form>
            <Button url={`/app/offers/${e.offerId}`} variant="plain">
              Edit variants, weights and hold-out
            </Button>
          </InlineStack>
        )}
      </BlockStack>
    </Card>
  );
}

type Version = Report["versions"][number];
type Comparison = Version["comparisons"][number];

/** Promotion asks first, naming the evidence; the action re-checks the verdict on the server. */
function PromoteButton({ e, c, version, currency }: { e: Report; c: Comparison; version: Version; currency: string }) {
  const [open, setOpen] = useState(false);
  const submit = useSubmit();
  const visitors = version.arms.map((a) => `${a.label}: ${a.visitors.toLocaleString("en-US")}`).join(", ");
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)}>{`Promote ${c.label}`}</Button>
      <Modal
        open={open}
        onClose={() => setOpen(false)}
        title={`Promote ${c.label} to everyone?`}
        primaryAction={{
          content: `Promote ${c.label}`,
          onAction: () => {
            setOpen(false);
            submit({ experimentId: e.experimentId, intent: "promote", armId: c.arm }, { method: "post" });
          },
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setOpen(false) }]}
      >
        <Modal.Section>
          <BlockStack gap="200">
            <Text as="p">{`${c.label} becomes the offer for every buyer, the hold-out ends and the experiment stops.`}</Text>
            <Text as="p">{`Incremental revenue per visitor vs hold-out (version ${version.version}): ${intervalText(c.incrementalRpv, currency)}, an interval valid at this look.`}</Text>
            <Text as="p">{`Visitors per arm: ${visitors}.`}</Text>
            {c.verdict ? (
              <Text as="p">{`Why it is a winner: ${c.verdict.reason}.`}</Text>
            ) : null}
          </BlockStack>
        </Modal.Section>
      </Modal>
    </>
  );
}
