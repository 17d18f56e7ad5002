import { boundary } from "@shopify/shopify-app-remix/server";
import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
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
import type { AdminKey } from "~/i18n/catalogue";
import { useT } from "~/i18n/context";
import { experimentStatusLabel, statusLabel } from "~/i18n/labels";
import { pageTitle } from "~/i18n/meta";

export const meta = pageTitle("titles.offers");

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

/**
 * A cell whose text wraps within `width` (IndexTable cells do not wrap): long offer names, types
 * and moment lists take lines, not width, so every column fits the embedded admin at 1280 px.
 */
const Wrapping = ({ width, children }: { width: string; children: ReactNode }) => (
  <div style={{ whiteSpace: "normal", overflowWrap: "anywhere", minWidth: "6rem", maxWidth: width }}>{children}</div>
);

// Single fetch keeps a response the library throws in this route's action here: its headers
// (App Bridge's retry and reauthorize headers) only reach the browser through this route's own.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export default function OffersIndex() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const momentLabel = (id: string) => (MOMENTS.some((m) => m.id === id) ? t(`moments.${id}` as AdminKey) : id);
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
      title={t("titles.offers")}
      primaryAction={{ content: t("offersIndex.createOffer"), url: "/app/offers/new" }}
      secondaryActions={[{ content: t("offersIndex.fromTemplate"), url: "/app/offers/templates" }]}
    >
      <BlockStack gap="400">
        <PublishStatus publishedAt={d.publishedAt} publishError={d.publishError} />
        <Card>
          <InlineStack gap="400">
            <Select
              label={t("offersIndex.moment")}
              options={[
                { value: "", label: t("offersIndex.allMoments") },
                ...MOMENTS.map((m) => ({ value: m.id, label: t(`moments.${m.id}`) })),
              ]}
              value={params.get("moment") ?? ""}
              onChange={setFilter("moment")}
            />
            <Select
              label={t("offersIndex.status")}
              options={[
                { value: "", label: t("offersIndex.allButArchived") },
                ...(["active", "paused", "draft", "archived"] as const).map((s) => ({
                  value: s,
                  label: t(`statuses.${s}`),
                })),
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
                  {t("offersIndex.emptyTitle")}
                </Text>
                <Text as="p" tone="subdued">
                  {t("offersIndex.empty")}
                </Text>
                <InlineStack gap="200" align="center">
                  <Button variant="primary" url="/app/offers/templates">
                    {t("offersIndex.fromTemplate")}
                  </Button>
                  <Button url="/app/offers/new">{t("offersIndex.createOffer")}</Button>
                </InlineStack>
              </BlockStack>
            </Box>
          ) : (
            <IndexTable
              resourceName={{ singular: t("offersIndex.resourceSingular"), plural: t("offersIndex.resourcePlural") }}
              itemCount={d.offers.length}
              selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
              onSelectionChange={handleSelectionChange}
              promotedBulkActions={[
                { content: t("offersIndex.pause"), onAction: bulk("pause") },
                { content: t("offersIndex.resume"), onAction: bulk("resume") },
              ]}
              bulkActions={[{ content: t("offersIndex.archive"), onAction: bulk("archive") }]}
              headings={[
                { title: t("offersIndex.colOffer") },
                { title: t("offersIndex.colType") },
                { title: t("offersIndex.colMoments") },
                { title: t("offersIndex.colStatus") },
                { title: t("offersIndex.colExperiment") },
                { title: t("offersIndex.colPriority") },
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
                    <Wrapping width="10rem">
                      {o.type in OFFER_TYPE_LABELS ? t(`offerTypes.${o.type}`) : o.type}
                    </Wrapping>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Wrapping width="11rem">{o.moments.map(momentLabel).join(", ")}</Wrapping>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Badge tone={o.status === "active" ? "success" : o.status === "paused" ? "warning" : undefined}>
                      {statusLabel(t, o.status)}
                    </Badge>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{o.experiment ? experimentStatusLabel(t, o.experiment) : "-"}</IndexTable.Cell>
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
