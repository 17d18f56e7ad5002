import { boundary } from "@shopify/shopify-app-remix/server";
import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, InlineStack, Page, Text } from "@shopify/polaris";
import { db } from "~/db.server";
import { answeringRefusals } from "~/lib/errors";
import {
  createDraftFromTemplate,
  parseTemplateRequest,
  quoteTemplate,
  templateGallery,
} from "~/offers/templates.server";
import { requireShop } from "~/shop-context.server";
import { TemplateCard } from "~/components/templates/TemplateCard";
import { useT } from "~/i18n/context";
import { pageTitle } from "~/i18n/meta";
import { requestT } from "~/i18n/request.server";

export const meta = pageTitle("titles.templates");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, gateway } = await requireShop(request);
  const gallery = await templateGallery(db(), shop, gateway);
  return { gallery, catalog: gateway.kind, isPlus: shop.plan === "plus" };
};

/** `quote`: the price buyers would see with other products; `create`: the template as a new draft. */
export const action = ({ request }: ActionFunctionArgs) =>
  answeringRefusals(async () => {
    const { shop, gateway } = await requireShop(request);
    const body = await request.formData();
    const intent = String(body.get("intent") ?? "");
    if (intent !== "quote" && intent !== "create") throw new Response(`Unknown intent "${intent}".`, { status: 400 });
    const req = parseTemplateRequest(body, requestT(request, body));
    if (intent === "quote") return data(await quoteTemplate(db(), shop, gateway, req));
    const result = await createDraftFromTemplate(db(), shop, gateway, req);
    if (!result.ok) return data({ quote: null, errors: result.errors }, { status: 422 });
    return redirect(`/app/offers/${result.id}?template=${encodeURIComponent(req.template.id)}`);
  });

// A quote changes no data: the gallery (a catalog read) need not load again after one.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  formData?.get("intent") === "quote" ? false : defaultShouldRevalidate;

// Single fetch keeps a response the library throws in this route's action here: its headers
// (App Bridge's retry and reauthorize headers) only reach the browser through this route's own.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export default function OfferTemplates() {
  const { gallery, catalog, isPlus } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <Page
      backAction={{ content: t("titles.offers"), url: "/app/offers" }}
      title={t("templates.title")}
      subtitle={t("templates.subtitle")}
    >
      <BlockStack gap="600">
        <Banner tone="info">
          <p>{t("templates.intro")}</p>
        </Banner>
        {gallery.catalogError ? (
          <Banner tone="warning">
            <p>{t("templates.catalogError", { reason: gallery.catalogError })}</p>
          </Banner>
        ) : null}
        {gallery.groups.map((g) => (
          <section key={g.moment} aria-labelledby={`moment-${g.moment}`}>
            <BlockStack gap="300">
              <Box paddingInline={{ xs: "400", sm: "0" }}>
                <BlockStack gap="100">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="h2" variant="headingLg" id={`moment-${g.moment}`}>
                      {t(`moments.${g.moment}`)}
                    </Text>
                    {g.plusOnly ? (
                      <Badge tone={isPlus ? undefined : "attention"}>{t("common.shopifyPlus")}</Badge>
                    ) : null}
                  </InlineStack>
                  {g.plusOnly && !isPlus ? (
                    <Text as="p" tone="subdued">
                      {g.alternative
                        ? t("templates.needsPlusNearest", { moment: t(`moments.${g.alternative}`) })
                        : t("templates.needsPlus")}
                    </Text>
                  ) : null}
                </BlockStack>
              </Box>
              {g.templates.map((t) => (
                <TemplateCard key={t.id} template={t} catalog={catalog} currency={gallery.currency} />
              ))}
            </BlockStack>
          </section>
        ))}
        <Box paddingBlockEnd="400" />
      </BlockStack>
    </Page>
  );
}
