import { boundary } from "@shopify/shopify-app-remix/server";
import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigate, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineStack,
  Link,
  Modal,
  Page,
  Tabs,
  Text,
} from "@shopify/polaris";
import { useState } from "react";
import { db } from "~/db.server";
import { runExperimentCommand, setOffersStatus } from "~/offers/offers.server";
import { requireShop } from "~/shop-context.server";
import { PublishStatus } from "~/components/PublishStatus";
import { experimentReports } from "~/experiments/report.server";
import { promoteWinner } from "~/experiments/promote.server";
import { VersionResults } from "~/experiments/VersionResults";
import { AllocationPanel } from "~/experiments/AllocationPanel";
import { intervalText } from "~/experiments/format";
import { experimentStatusView } from "~/experiments/status";
import { useFormat, useT } from "~/i18n/context";
import { experimentNote, experimentStatusLabel } from "~/i18n/labels";
import { pageTitle } from "~/i18n/meta";
import { guardrailNotices, resolveNotice } from "~/guardrail/guardrail.server";
import { GuardrailNotice, type NoticeView } from "~/guardrail/GuardrailNotice";

export const meta = pageTitle("titles.experiments");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const archived = new URL(request.url).searchParams.get("tab") === "archived";
  // The same reports as the dashboard (no segment filter): identical numbers on both pages.
  const reports = await experimentReports(db(), shop.id, { includeWithoutData: true });
  return {
    tab: archived ? ("archived" as const) : ("active" as const),
    experiments: reports.filter((r) => r.archived === archived && r.status !== "deleted"),
    archivedCount: reports.filter((r) => r.archived).length,
    // What the daily guardrail did (decision 031), shown on each experiment's card.
    guardrail: await guardrailNotices(db(), shop.id),
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
  if (intent === "guardrailArchive" || intent === "guardrailDismiss") {
    // "Retire underperformers": the merchant accepts (archive the offer) or declines the proposal.
    const noticeId = String(body.get("noticeId") ?? "");
    const notice = await db().guardrailEvent.findFirst({ where: { id: noticeId, shopId: shop.id } });
    if (!notice) throw new Response("No such notice.", { status: 404 });
    if (intent === "guardrailArchive") await setOffersStatus(db(), shop, gateway, [notice.offerId], "archived");
    await resolveNotice(db(), shop.id, noticeId, new Date());
    return { error: null, experimentId: notice.experimentId };
  }
  if (intent === "promote") {
    const result = await promoteWinner(db(), shop, gateway, experimentId, String(body.get("armId") ?? ""));
    if (!result.ok) return data({ error: result.error, experimentId }, { status: 422 });
    return { error: null, experimentId };
  }
  if (intent !== "start" && intent !== "stop" && intent !== "archive")
    throw new Response(`Unknown intent "${intent}".`, { status: 400 });
  const result = await runExperimentCommand(db(), shop, gateway, experimentId, { kind: intent });
  if (!result.ok) return data({ error: result.error, experimentId }, { status: 422 });
  return { error: null, experimentId };
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Report = Data["experiments"][number];

// Single fetch keeps a response the library throws in this route's action here: its headers
// (App Bridge's retry and reauthorize headers) only reach the browser through this route's own.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export default function Experiments() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<{ error: string | null; experimentId: string }>();
  const navigate = useNavigate();
  const t = useT();
  const tabs = [
    { id: "active", content: t("titles.experiments") },
    { id: "archived", content: t("experiments.tabArchived", { count: d.archivedCount }) },
  ];
  return (
    <Page title={t("titles.experiments")} subtitle={t("experiments.subtitle")}>
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
                {d.tab === "archived" ? t("experiments.noArchived") : t("experiments.none")}
              </Text>
              <Text as="p" tone="subdued">
                {t("experiments.noneHelp")}
              </Text>
              <InlineStack>
                <Button url="/app/offers">{t("experiments.openOffers")}</Button>
              </InlineStack>
            </BlockStack>
          </Card>
        ) : null}
        {d.experiments.map((e) => (
          <ExperimentCard
            key={e.experimentId}
            e={e}
            currency={d.currency}
            error={result?.experimentId === e.experimentId ? result.error : null}
            notices={d.guardrail.filter((n) => n.offerId === e.offerId)}
          />
        ))}
        <Box paddingBlockEnd="400" />
      </BlockStack>
    </Page>
  );
}

function ExperimentCard({
  e,
  currency,
  error,
  notices = [],
}: {
  e: Report;
  currency: string;
  error: string | null;
  notices?: NoticeView[];
}) {
  const current = e.versions.find((v) => v.current);
  // Only a single arm's valid comparison can be promoted (decision 030: not the pooled one, nor one biased by moved weights).
  const winners = (current?.comparisons ?? []).filter(
    (c) => c.verdict?.kind === "winner" && !c.pooled && c.valid !== false,
  );
  // Paused while its offer is not live (the experiment's own status stays running: status.ts).
  const shown = experimentStatusView(e.status, e.offerStatus);
  const t = useT();
  const format = useFormat();
  const note = experimentNote(t, shown);
  const promoted = e.winnerArmId ? (e.variants.find((v) => v.id === e.winnerArmId)?.name ?? e.winnerArmId) : null;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            <Link url={`/app/offers/${e.offerId}`}>{e.offerName}</Link>
          </Text>
          <Badge tone={shown.tone}>{experimentStatusLabel(t, shown.status)}</Badge>
        </InlineStack>
        {note ? (
          <Text as="p" tone="subdued">
            {note}
          </Text>
        ) : null}
        {notices.map((n) => (
          <GuardrailNotice key={n.id} n={n} name={e.offerName} actions />
        ))}
        {error ? (
          <Banner tone="critical">
            <p>{error}</p>
          </Banner>
        ) : null}
        <Text as="p" tone="subdued">
          {[
            t("experiments.holdoutShare", {
              percent: format.percent(e.holdoutPct / 100, Number.isInteger(e.holdoutPct) ? 0 : 1),
            }),
            e.startedAt ? t("experiments.started", { date: e.startedAt.slice(0, 10) }) : null,
            t("experiments.version", { version: e.currentVersion }),
            promoted === null ? null : t("experiments.promoted", { name: promoted }),
          ]
            .filter((part) => part !== null)
            .join(" · ")}
        </Text>
        <AllocationPanel
          allocation={current?.allocation?.mode}
          holdoutPct={e.holdoutPct}
          variants={e.variants}
          epochs={current?.allocation?.epochs ?? []}
        />
        {e.versions.map((v) => (
          <VersionResults key={v.version} v={v} currency={currency} />
        ))}
        {e.archived ? null : (
          <InlineStack gap="300" blockAlign="center">
            <Form method="post">
              <input type="hidden" name="experimentId" value={e.experimentId} />
              <input type="hidden" name="intent" value={e.status === "running" ? "stop" : "start"} />
              <Button submit>{e.status === "running" ? t("experiments.stop") : t("experiments.start")}</Button>
            </Form>
            {current && e.status === "running"
              ? winners.map((c) => <PromoteButton key={c.arm} e={e} c={c} version={current} currency={currency} />)
              : null}
            <Form method="post">
              <input type="hidden" name="experimentId" value={e.experimentId} />
              <input type="hidden" name="intent" value="archive" />
              <Button submit tone="critical" variant="plain">
                {t("experiments.archive")}
              </Button>
            </Form>
            <Button url={`/app/offers/${e.offerId}`} variant="plain">
              {t("experiments.edit")}
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
  const t = useT();
  const format = useFormat();
  const visitors = version.arms
    .map((a) => `${a.arm === "holdout" ? t("experiments.holdoutArm") : a.label}: ${format.number(a.visitors)}`)
    .join(", ");
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)}>
        {t("experiments.promote", { name: c.label })}
      </Button>
      <Modal
        open={open}
        onClose={() => setOpen(false)}
        title={t("experiments.promoteTitle", { name: c.label })}
        primaryAction={{
          content: t("experiments.promote", { name: c.label }),
          onAction: () => {
            setOpen(false);
            submit({ experimentId: e.experimentId, intent: "promote", armId: c.arm }, { method: "post" });
          },
        }}
        secondaryActions={[{ content: t("common.cancel"), onAction: () => setOpen(false) }]}
      >
        <Modal.Section>
          <BlockStack gap="200">
            <Text as="p">{t("experiments.promoteBody", { name: c.label })}</Text>
            <Text as="p">
              {t("experiments.promoteInterval", {
                version: version.version,
                interval: intervalText(c.incrementalRpv, currency, t, format),
              })}
            </Text>
            <Text as="p">{t("experiments.visitors", { list: visitors })}</Text>
            {c.verdict ? <Text as="p">{t("experiments.why", { reason: c.verdict.reason })}</Text> : null}
          </BlockStack>
        </Modal.Section>
      </Modal>
    </>
  );
}
