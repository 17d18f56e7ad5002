import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
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
} from "~/offers/offers.server";
import { previewOffer, sampleCarts } from "~/preview/preview.server";
import { defaultPreviewContext } from "~/preview/context";
import { requireShop } from "~/shop-context.server";
import { OfferEditor } from "~/components/OfferEditor";
import { PublishStatus } from "~/components/PublishStatus";

export const meta: MetaFunction = () => [{ title: "Offer · Moments" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, gateway } = await requireShop(request);
  const id = params.id === "new" ? null : (params.id ?? null);
  let form: OfferForm | null;
  let status = "draft";
  let version = "new";
  let currencies = [...gateway.currencies];
  let designNotice: string | null = null;
  if (id) {
    const loaded = await loadOfferForm(db(), shop, gateway, id);
    form = loaded.form;
    status = loaded.row.status;
    version = loaded.row.updatedAt.toISOString();
    currencies = loaded.currencies;
    designNotice = loaded.designNotice;
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
  const fromTemplate = id ? (templateById(new URL(request.url).searchParams.get("template") ?? "")?.name ?? null) : null;
  // A save that started a new experiment version says so (what changed, where results went).
  const startedVersion = Number(new URL(request.url).searchParams.get("version") ?? "") || null;
  const versionNotice =
    id && startedVersion
      ? await db()
          .experimentVersion.findFirst({
            where: { shopId: shop.id, version: startedVersion, experimentId: { in: (await db().experiment.findMany({ where: { shopId: shop.id, offerId: id }, select: { id: true } })).map((e) => e.id) } },
            select: { version: true, reason: true },
          })
      : null;
  const initialPreview = form
    ? await previewOffer(db(), shop, gateway, {
        form,
        offerId: id,
        context: defaultPreviewContext(form, carts, currencies),
        armNames: form.experiment.variants.map((v) => v.name),
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
    designNotice,
    initialPreview,
    isPlus: shop.plan === "plus",
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
    const result = await saveOfferForm(db(), shop, gateway, id, form);
    if (!result.ok) return data({ errors: result.errors }, { status: 422 });
    const version = result.versionStarted ? `&version=${result.versionStarted.version}` : "";
    return redirect(`/app/offers/${result.id}?saved=1${version}`);
  });

export default function OfferPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<{ errors?: FieldErrors }>();
  const submit = useSubmit();
  const nav = useNavigation();
  const errors = actionData?.errors ?? {};
  const submitting = nav.state !== "idle" && nav.formData?.get("intent") === "save";
  const statusTone = d.status === "active" ? "success" : d.status === "paused" ? "warning" : undefined;
  return (
    <Page
      backAction={{ content: "Offers", url: "/app/offers" }}
      title={d.id ? (d.form?.name ?? "Offer") : "New offer"}
      titleMetadata={d.id ? <Badge tone={statusTone}>{d.status}</Badge> : undefined}
      secondaryActions={
        d.id
          ? [
              d.status === "active"
                ? { content: "Pause offer", onAction: () => submit({ intent: "pause" }, { method: "post" }) }
                : {
                    content: d.status === "draft" ? "Activate offer" : "Resume offer",
                    onAction: () => submit({ intent: "resume" }, { method: "post" }),
                  },
            ]
          : []
      }
    >
      <BlockStack gap="400">
        {d.saved && !d.publishError ? (
          <Banner tone="success" title="Saved and published">
            <p>Buyers see this version from now on.</p>
          </Banner>
        ) : null}
        {d.fromTemplate && d.status === "draft" ? (
          <Banner tone="info" title={`Draft created from the template “${d.fromTemplate}”`}>
            <p>
              Nothing reaches buyers yet. Check the products, the copy and the price in the preview, then activate the
              offer (or set its status to Active and save): its hold-out experiment starts when it goes live.
            </p>
          </Banner>
        ) : null}
        {d.versionNotice ? (
          <Banner tone="warning" title={`Experiment version ${d.versionNotice.version} started`}>
            <p>
              {`This changed what buyers see in a running experiment (${d.versionNotice.reason}), so it starts version ${d.versionNotice.version}; results so far stay with version ${d.versionNotice.version - 1}.`}
            </p>
          </Banner>
        ) : null}
        <PublishStatus publishedAt={d.publishedAt} publishError={d.publishError} />
        {d.form ? (
          <OfferEditor
            key={d.version}
            offerId={d.id}
            initial={d.form}
            designNotice={d.designNotice}
            errors={errors}
            currencies={d.currencies}
            carts={d.carts}
            collections={d.collections}
            downsells={d.downsells}
            catalog={d.catalog}
            isPlus={d.isPlus}
            submitting={submitting}
            initialPreview={d.initialPreview}
            onSave={(form) => submit({ intent: "save", form: JSON.stringify(form) }, { method: "post" })}
          />
        ) : (
          <Banner tone="critical" title="This offer cannot be edited">
            <p>Its stored definition is not valid any more. Archive it and create a new one.</p>
          </Banner>
        )}
      </BlockStack>
    </Page>
  );
}
