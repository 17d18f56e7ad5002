import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  InlineStack,
  Link,
  Page,
  Select,
  Text,
} from "@shopify/polaris";
import { useState } from "react";
import { db } from "~/db.server";
import { runExperimentCommand, type ExperimentCommand } from "~/offers/offers.server";
import { requireShop } from "~/shop-context.server";
import { PublishStatus } from "~/components/PublishStatus";

export const meta: MetaFunction = () => [{ title: "Experiments · Moments" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const rows = await db().experiment.findMany({
    where: { shopId: shop.id },
    include: { offer: { include: { variants: { orderBy: { createdAt: "asc" } } } } },
    orderBy: { createdAt: "desc" },
  });
  return {
    experiments: rows
      .filter((e) => e.offer.shopId === shop.id)
      .map((e) => ({
        id: e.id,
        offerId: e.offerId,
        offerName: e.offer.name,
        status: e.status,
        holdoutPct: e.holdoutBps / 100,
        startedAt: e.startedAt?.toISOString() ?? null,
        winnerVariantId: e.winnerVariantId,
        variants: e.offer.variants.map((v) => ({ id: v.id, name: v.name, weight: v.weight, isControl: v.isControl })),
      })),
    publishedAt: shop.publishedAt?.toISOString() ?? null,
    publishError: shop.publishError,
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, gateway } = await requireShop(request);
  const body = await request.formData();
  const experimentId = String(body.get("experimentId") ?? "");
  const intent = String(body.get("intent") ?? "");
  let command: ExperimentCommand;
  if (intent === "start" || intent === "stop") command = { kind: intent };
  else if (intent === "promote") command = { kind: "promote", variantId: String(body.get("variantId") ?? "") };
  else throw new Response(`Unknown intent "${intent}".`, { status: 400 });
  const result = await runExperimentCommand(db(), shop, gateway, experimentId, command);
  if (!result.ok) return data({ error: result.error, experimentId }, { status: 422 });
  return { error: null, experimentId };
};

export default function Experiments() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<{ error: string | null; experimentId: string }>();
  return (
    <Page title="Experiments" subtitle="Variants, weights and a hold-out group per offer">
      <BlockStack gap="400">
        <PublishStatus publishedAt={d.publishedAt} publishError={d.publishError} />
        {d.experiments.length === 0 ? (
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                No experiments yet
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
          <Card key={e.id}>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  <Link url={`/app/offers/${e.offerId}`}>{e.offerName}</Link>
                </Text>
                <Badge tone={e.status === "running" ? "success" : undefined}>{e.status}</Badge>
              </InlineStack>
              {result?.experimentId === e.id && result.error ? (
                <Banner tone="critical">
                  <p>{result.error}</p>
                </Banner>
              ) : null}
              <Text as="p" tone="subdued">
                {`Hold-out ${e.holdoutPct}% of buyers${e.startedAt ? ` · started ${e.startedAt.slice(0, 10)}` : ""}`}
              </Text>
              {/* Results columns are laid out now; the measurement work fills them (take rate with
                  confidence intervals, revenue per visitor, lift against the hold-out, verdict). */}
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "text"]}
                headings={["Variant", "Weight", "Visitors", "Take rate", "Revenue / visitor", "Verdict"]}
                rows={[
                  ...e.variants.map((v) => [
                    `${v.name}${v.isControl ? " (control)" : ""}${e.winnerVariantId === v.id ? " - winner" : ""}`,
                    v.weight,
                    "-",
                    "-",
                    "-",
                    "Not enough data yet",
                  ]),
                  ["Hold-out", `${e.holdoutPct}%`, "-", "-", "-", "Baseline"],
                ]}
              />
              <InlineStack gap="300" blockAlign="end">
                <Form method="post">
                  <input type="hidden" name="experimentId" value={e.id} />
                  <input type="hidden" name="intent" value={e.status === "running" ? "stop" : "start"} />
                  <Button submit>{e.status === "running" ? "Stop experiment" : "Start experiment"}</Button>
                </Form>
                <PromoteForm experimentId={e.id} variants={e.variants} />
                <Button url={`/app/offers/${e.offerId}`} variant="plain">
                  Edit variants, weights and hold-out
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        ))}
        <Box paddingBlockEnd="400" />
      </BlockStack>
    </Page>
  );
}

function PromoteForm(props: { experimentId: string; variants: Array<{ id: string; name: string }> }) {
  const [variantId, setVariantId] = useState(props.variants[0]?.id ?? "");
  return (
    <Form method="post">
      <input type="hidden" name="experimentId" value={props.experimentId} />
      <input type="hidden" name="intent" value="promote" />
      <input type="hidden" name="variantId" value={variantId} />
      <InlineStack gap="200" blockAlign="end">
        <Select
          label="Winner"
          options={props.variants.map((v) => ({ value: v.id, label: v.name }))}
          value={variantId}
          onChange={setVariantId}
        />
        <Button submit>Promote winner</Button>
      </InlineStack>
    </Form>
  );
}
