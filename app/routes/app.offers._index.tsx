import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useSearchParams, useSubmit } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  IndexTable,
  InlineStack,
  Link,
  Page,
  Select,
  Text,
  useIndexResourceState,
} from "@shopify/polaris";
import { MOMENTS } from "@moments/engine";
import type { ReactNode } from "react";
import { db } from "~/db.server";
import { experimentStatusView } from "~/experiments/status";
import { OFFER_TYPE_LABELS } from "~/offers/form";
import { OFFER_STATUS_FILTERS, listOffers, setOffersStatus } from "~/offers/offers.server";
import { requireShop } from "~/shop-context.server";
import { PublishStatus } from "~/components/PublishStatus";

export const meta: MetaFunction = () => [{ title: "Offers · Moments" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const moment = url.searchParams.get("moment") ?? "";
  const status = url.searchParams.get("status") ?? "";
  const rows = await listOffers(db(), shop.id, {
    moment: MOMENTS.some((m) => m.id === moment) ? moment : undefined,
    status: (OFFER_STATUS_FILTERS as readonly string[]).includes(status) ? status : undefined,
  });
  return {
    offers: rows.map((r) => ({
      id: r.id,
      name: r.name,
      type: r.type as keyof typeof OFFER_TYPE_LABELS,
      status: r.status,
      priority: r.priority,
      moments: r.moments.map((m) => m.moment),
      // A running experiment of an offer that is not live reads "paused" (experiments/status.ts).
      experiment: r.experiments[0] ? experimentStatusView(r.experiments[0].status, r.status).status : null,
      updatedAt: r.updatedAt.toISOString(),
    })),
    publishedAt: shop.publishedAt?.toISOString() ?? null,
    publishError: shop.publishError,
  };
};

/** Bulk pause / resume / archive. Every id must be the shop's: one foreign id is a 404 and nothing changes. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, gateway } = await requireShop(request);
  const body = await request.formData();
  const intent = String(body.get("intent") ?? "");
  const status =
    intent === "pause" ? "paused" : intent === "resume" ? "active" : intent === "archive" ? "archived" : null;
  if (!status) throw new Response(`Unknown intent "${intent}".`, { status: 400 });
  const ids = body.getAll("ids").map(String).filter(Boolean);
  if (ids.length === 0 || ids.length > 500) throw new Response("Select between 1 and 500 offers.", { status: 400 });
  const outcome = await setOffersStatus(db(), shop, gateway, ids, status);
  return { ok: true, published: outcome?.ok ?? false };
};

const momentLabel = (id: string) => MOMENTS.find((m) => m.id === id)?.label ?? id;

/**
 * A cell whose text wraps within `width` (IndexTable cells do not wrap): long offer names, types
 * and moment lists take lines, not width, so every column fits the embedded admin at 1280 px.
 */
const Wrapping = ({ width, children }: { width: string; children: ReactNode }) => (
  <div style={{ whiteSpace: "normal", overflowWrap: "anywhere", minWidth: "6rem", maxWidth: width }}>{children}</div>
);

export default function OffersIndex() {
  const d = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const submit = useSubmit();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(
    d.offers,
  );
  const bulk = (intent: string) => () => {
    const fd = new FormData();
    fd.set("intent", intent);
    for (const id of selectedResources) fd.append("ids", id);
    submit(fd, { method: "post" });
    clearSelection();
  };
  const setFilter = (k: string) => (v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next);
  };
  return (
    <Page
      title="Offers"
      primaryAction={{ content: "Create offer", url: "/app/offers/new" }}
      secondaryActions={[{ content: "Start from a template", url: "/app/offers/templates" }]}
    >
      <BlockStack gap="400">
        <PublishStatus publishedAt={d.publishedAt} publishError={d.publishError} />
        <Card>
          <InlineStack gap="400">
            <Select
              label="Moment"
              options={[{ value: "", label: "All moments" }, ...MOMENTS.map((m) => ({ value: m.id, label: m.label }))]}
              value={params.get("moment") ?? ""}
              onChange={setFilter("moment")}
            />
            <Select
              label="Status"
              options={[
                { value: "", label: "All but archived" },
                { value: "active", label: "Active" },
                { value: "paused", label: "Paused" },
                { value: "draft", label: "Draft" },
                { value: "archived", label: "Archived" },
              ]}
              value={params.get("status") ?? ""}
              onChange={setFilter("status")}
            />
          </InlineStack>
        </Card>
        <Card padding="0">
          {d.offers.length === 0 ? (
            <Box padding="600">
              <BlockStack gap="200" inlineAlign="center">
                <Text as="h2" variant="headingMd">
                  No offers here yet
                </Text>
                <Text as="p" tone="subdued">
                  Start from the playbook (an offer per moment, created as a draft with a hold-out), or create an
                  offer for a moment of the buyer's journey; an active offer goes live when you save it.
                </Text>
                <InlineStack gap="200" align="center">
                  <Button variant="primary" url="/app/offers/templates">
                    Start from a template
                  </Button>
                  <Button url="/app/offers/new">Create offer</Button>
                </InlineStack>
              </BlockStack>
            </Box>
          ) : (
            <IndexTable
              resourceName={{ singular: "offer", plural: "offers" }}
              itemCount={d.offers.length}
              selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
              onSelectionChange={handleSelectionChange}
              promotedBulkActions={[
                { content: "Pause", onAction: bulk("pause") },
                { content: "Resume", onAction: bulk("resume") },
              ]}
              bulkActions={[{ content: "Archive", onAction: bulk("archive") }]}
              headings={[
                { title: "Offer" },
                { title: "Type" },
                { title: "Moments" },
                { title: "Status" },
                { title: "Experiment" },
                { title: "Priority" },
              ]}
            >
              {d.offers.map((o, i) => (
                <IndexTable.Row id={o.id} key={o.id} position={i} selected={selectedResources.includes(o.id)}>
                  <IndexTable.Cell>
                    <Wrapping width="16rem">
                      <Link removeUnderline url={`/app/offers/${o.id}`} dataPrimaryLink>
                        <Text as="span" fontWeight="semibold">
                          {o.name}
                        </Text>
                      </Link>
                    </Wrapping>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Wrapping width="10rem">{OFFER_TYPE_LABELS[o.type] ?? o.type}</Wrapping>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Wrapping width="11rem">{o.moments.map(momentLabel).join(", ")}</Wrapping>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Badge tone={o.status === "active" ? "success" : o.status === "paused" ? "warning" : undefined}>
                      {o.status}
                    </Badge>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{o.experiment ?? "-"}</IndexTable.Cell>
                  <IndexTable.Cell>{o.priority}</IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}
