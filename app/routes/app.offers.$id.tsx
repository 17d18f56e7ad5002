import { boundary } from "@shopify/shopify-app-remix/server";
import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Page } from "@shopify/polaris";
import { MOMENT_IDS, type MomentId } from "@moments/engine";
import { db } from "~/db.server";
import { answeringRefusals } from "~/lib/errors";
import { emptyOfferForm, type FieldErrors, type OfferForm } from "~/offers/form";
import { templateById } from "~/offers/templates";
import {
  downsellChoices,
  loadOfferForm,
  parseOfferFormJson,
  requireOffer,
  saveOfferForm,
  setOffersStatus,
  shopPriceFloor,
} from "~/offers/offers.server";
import { isSubmitToken } from "~/offers/draft";
import { previewOffer, sampleCarts } from "~/preview/preview.server";
import { defaultPreviewContext } from "~/preview/context";
import { requireShop } from "~/shop-context.server";
import { OfferEditor } from "~/components/OfferEditor";
import { experimentStatusView, type ExperimentStatusView } from "~/experiments/status";
import { PublishStatus } from "~/components/PublishStatus";
import type { AdminKey } from "~/i18n/catalogue";
import { useAdminLocale, useT } from "~/i18n/context";
import { statusLabel } from "~/i18n/labels";
import { pageTitle } from "~/i18n/meta";
import { requestT, requestText } from "~/i18n/request.server";
import { legacyDesignNotice } from "~/offers/designs";
import { guardrailNotices } from "~/guardrail/guardrail.server";
import { GuardrailNotice } from "~/guardrail/GuardrailNotice";

export const meta = pageTitle("titles.offer");

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, gateway } = await requireShop(request);
  const id = params.id === "new" ? null : (params.id ?? null);
  let form: OfferForm | null;
  let status = "draft";
  let version = "new";
  let currencies = [...gateway.currencies];
  let legacyDesigns: string[] = [];
  let experimentStatus: ExperimentStatusView | null = null;
  if (id) {
    const loaded = await loadOfferForm(db(), shop, gateway, id);
    form = loaded.form;
    status = loaded.row.status;
    version = loaded.row.updatedAt.toISOString();
    currencies = loaded.currencies;
    legacyDesigns = loaded.legacyDesigns;
    const experiment = loaded.row.experiments[0];
    experimentStatus = experiment ? experimentStatusView(experiment.status, loaded.row.status) : null;
  } else {
    form = emptyOfferForm(currencies);
    const moment = new URL(request.url).searchParams.get("moment");
    if (moment && (MOMENT_IDS as readonly string[]).includes(moment)) form.moments = [moment as MomentId];
  }
  // Both only help the merchant pick: a catalog that cannot be read leaves the lists empty.
  const [carts, collections, downsells] = await Promise.all([
    sampleCarts(gateway).catch(() => []),
    gateway.listCollections().catch(() => []),
    downsellChoices(db(), shop.id, id),
  ]);
  const saved = new URL(request.url).searchParams.get("saved") === "1";
  // Just created from a playbook template (app.offers.templates.tsx): say what happens next.
  const fromTemplate = id ? (templateById(new URL(request.url).searchParams.get("template") ?? "")?.id ?? null) : null;
  // A save that started a new experiment version says so (what changed, where results went).
  const startedVersion = Number(new URL(request.url).searchParams.get("version") ?? "") || null;
  const versionNotice =
    id && startedVersion
      ? await db().experimentVersion.findFirst({
          where: {
            shopId: shop.id,
            version: startedVersion,
            experimentId: {
              in: (
                await db().experiment.findMany({ where: { shopId: shop.id, offerId: id }, select: { id: true } })
              ).map((e) => e.id),
            },
          },
          select: { version: true, reason: true },
        })
      : null;
  // What the daily guardrail did to this offer, with its evidence (decision 031).
  const guardrail = id ? await guardrailNotices(db(), shop.id, id) : [];
  const initialPreview = form
    ? await previewOffer(db(), shop, gateway, {
        form,
        offerId: id,
        context: defaultPreviewContext(form, carts, currencies),
        armNames: form.experiment.variants.map((v) => v.name),
        admin: requestText(request),
      }).catch(() => null)
    : null;
  return {
    id,
    form,
    status,
    version,
    currencies,
    carts,
    collections,
    downsells,
    catalog: gateway.kind,
    saved,
    fromTemplate,
    versionNotice,
    legacyDesigns,
    experimentStatus,
    guardrail,
    initialPreview,
    isPlus: shop.plan === "plus",
    shopDomain: shop.domain,
    priceFloorPercent: await shopPriceFloor(db(), shop.id),
    // The token of the save that led here: the editor drops the draft that save was submitted with.
    draftToken: isSubmitToken(new URL(request.url).searchParams.get("draft"))
      ? new URL(request.url).searchParams.get("draft")
      : null,
    publishedAt: shop.publishedAt?.toISOString() ?? null,
    publishError: shop.publishError,
  };
};

export const action = ({ request, params }: ActionFunctionArgs) =>
  answeringRefusals(async () => {
    const { shop, gateway } = await requireShop(request);
    const id = params.id === "new" ? null : (params.id ?? null);
    const body = await request.formData();
    const intent = String(body.get("intent") ?? "save");
    if (intent === "pause" || intent === "resume") {
      if (!id) throw new Response("Nothing to pause: the offer is not saved yet.", { status: 400 });
      await requireOffer(db(), shop.id, id);
      await setOffersStatus(db(), shop, gateway, [id], intent === "pause" ? "paused" : "active");
      return redirect(`/app/offers/${id}`);
    }
    if (intent !== "save") throw new Response(`Unknown intent "${intent}".`, { status: 400 });
    if (id) await requireOffer(db(), shop.id, id);
    const form = parseOfferFormJson(body.get("form"));
    const result = await saveOfferForm(db(), shop, gateway, id, form, { t: requestT(request, body) });
    if (!result.ok) return data({ errors: result.errors }, { status: 422 });
    const version = result.versionStarted ? `&version=${result.versionStarted.version}` : "";
    const token = body.get("draftToken");
    const draft = isSubmitToken(token) ? `&draft=${token}` : "";
    return redirect(`/app/offers/${result.id}?saved=1${version}${draft}`);
  });

// Single fetch keeps a response the library throws in this route's action here: its headers
// (App Bridge's retry and reauthorize headers) only reach the browser through this route's own.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export default function OfferPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const { intl } = useAdminLocale();
  const actionData = useActionData<{ errors?: FieldErrors }>();
  const submit = useSubmit();
  const nav = useNavigation();
  const errors = actionData?.errors ?? {};
  const submitting = nav.state !== "idle" && nav.formData?.get("intent") === "save";
  const statusTone = d.status === "active" ? "success" : d.status === "paused" ? "warning" : undefined;
  return (
    <Page
      backAction={{ content: t("titles.offers"), url: "/app/offers" }}
      title={d.id ? (d.form?.name ?? t("titles.offer")) : t("offerPage.newOffer")}
      titleMetadata={d.id ? <Badge tone={statusTone}>{statusLabel(t, d.status)}</Badge> : undefined}
      secondaryActions={
        d.id
          ? [
              d.status === "active"
                ? { content: t("offerPage.pause"), onAction: () => submit({ intent: "pause" }, { method: "post" }) }
                : {
                    content: d.status === "draft" ? t("offerPage.activate") : t("offerPage.resume"),
                    onAction: () => submit({ intent: "resume" }, { method: "post" }),
                  },
            ]
          : []
      }
    >
      <BlockStack gap="400">
        {d.saved && !d.publishError ? (
          <Banner tone="success" title={t("offerPage.savedTitle")}>
            <p>{t("offerPage.saved")}</p>
          </Banner>
        ) : null}
        {d.fromTemplate && d.status === "draft" ? (
          <Banner
            tone="info"
            title={t("offerPage.fromTemplateTitle", { name: t(`playbook.${d.fromTemplate}.name` as AdminKey) })}
          >
            <p>{t("offerPage.fromTemplate")}</p>
          </Banner>
        ) : null}
        {d.versionNotice ? (
          <Banner tone="warning" title={t("offerPage.versionTitle", { version: d.versionNotice.version })}>
            <p>
              {t("offerPage.version", {
                reason: d.versionNotice.reason,
                version: d.versionNotice.version,
                previous: d.versionNotice.version - 1,
              })}
            </p>
          </Banner>
        ) : null}
        {d.guardrail.map((n) => (
          <GuardrailNotice key={n.id} n={n} name={d.form?.name ?? ""} actions />
        ))}
        <PublishStatus publishedAt={d.publishedAt} publishError={d.publishError} />
        {d.form ? (
          <OfferEditor
            key={d.version}
            offerId={d.id}
            initial={d.form}
            designNotice={legacyDesignNotice(d.legacyDesigns, t)}
            errors={errors}
            currencies={d.currencies}
            carts={d.carts}
            collections={d.collections}
            downsells={d.downsells}
            catalog={d.catalog}
            isPlus={d.isPlus}
            submitting={submitting}
            initialPreview={d.initialPreview}
            experimentStatus={d.experimentStatus}
            draft={{ shop: d.shopDomain, base: d.version, savedToken: d.draftToken }}
            priceFloorPercent={d.priceFloorPercent}
            onSave={(form, draftToken) =>
              submit({ intent: "save", form: JSON.stringify(form), adminLocale: intl, draftToken }, { method: "post" })
            }
          />
        ) : (
          <Banner tone="critical" title={t("offerPage.invalidTitle")}>
            <p>{t("offerPage.invalid")}</p>
          </Banner>
        )}
      </BlockStack>
    </Page>
  );
}
