import { boundary } from "@shopify/shopify-app-remix/server";
import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { MOMENTS, type MomentId } from "@moments/engine";
import { db } from "~/db.server";
import { LOCALES } from "~/offers/form";
import { publishShop } from "~/publish/publish.server";
import { CURRENCY_DISPLAYS, DECLINE_BEHAVIOURS, THANK_YOU_ACCEPT_CHOICES, type SettingsForm } from "~/settings/options";
import { loadSettingsForm, saveSettingsForm } from "~/settings/settings.server";
import { requireShop } from "~/shop-context.server";
import { PublishStatus } from "~/components/PublishStatus";
import type { AdminKey } from "~/i18n/catalogue";
import { useAdminLocale, useT } from "~/i18n/context";
import { languageLabel } from "~/i18n/labels";
import { pageTitle } from "~/i18n/meta";
import { requestT } from "~/i18n/request.server";

export const meta = pageTitle("titles.settings");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return {
    form: await loadSettingsForm(db(), shop.id),
    isPlus: shop.plan === "plus",
    publishedAt: shop.publishedAt?.toISOString() ?? null,
    publishError: shop.publishError,
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, gateway } = await requireShop(request);
  const body = await request.formData();
  let form: unknown;
  try {
    form = JSON.parse(String(body.get("form") ?? ""));
  } catch {
    throw new Response("The settings must be sent as JSON in the `form` field.", { status: 400 });
  }
  const result = await saveSettingsForm(db(), shop.id, form, requestT(request, body));
  if (!result.ok) return data({ errors: result.errors, saved: false }, { status: 422 });
  // The journey cap and moment limits travel in the published payload.
  await publishShop(db(), shop, gateway);
  return { errors: {} as Record<string, string>, saved: true };
};

/** A choice map's keys as Polaris Select options, in the map's order, labelled from the catalogue (`<prefix>.<key>`). */
const selectOptions = (t: (key: AdminKey) => string, labels: Record<string, string>, prefix: string) =>
  Object.keys(labels).map((value) => ({ value, label: t(`${prefix}.${value}` as AdminKey) }));

// Single fetch keeps a response the library throws in this route's action here: its headers
// (App Bridge's retry and reauthorize headers) only reach the browser through this route's own.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export default function Settings() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const { intl } = useAdminLocale();
  const result = useActionData<{ errors: Record<string, string>; saved: boolean }>();
  const submit = useSubmit();
  const nav = useNavigation();
  const [form, setForm] = useState<SettingsForm>(d.form);
  const errors = result?.errors ?? {};
  const set = (k: keyof Omit<SettingsForm, "moments">) => (v: string) => setForm((f) => ({ ...f, [k]: v }));
  const setMoment =
    <K extends keyof SettingsForm["moments"][MomentId]>(id: MomentId, k: K) =>
    (v: SettingsForm["moments"][MomentId][K]) =>
      setForm((f) => ({ ...f, moments: { ...f.moments, [id]: { ...f.moments[id], [k]: v } } }));
  return (
    <Page title={t("titles.settings")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit({ form: JSON.stringify(form), adminLocale: intl }, { method: "post" });
        }}
      >
        <BlockStack gap="400">
          <PublishStatus publishedAt={d.publishedAt} publishError={d.publishError} />
          {result?.saved ? (
            <Banner tone="success" title={t("settings.saved")} />
          ) : Object.keys(errors).length ? (
            <Banner tone="critical" title={t("settings.notSaved")}>
              <p>{t("settings.fixFields")}</p>
            </Banner>
          ) : null}
          <Card>
            <FormLayout>
              <Text as="h2" variant="headingMd">
                {t("settings.journey")}
              </Text>
              <TextField
                label={t("settings.journeyCap")}
                type="number"
                value={form.journeyCap}
                onChange={set("journeyCap")}
                error={errors.journeyCap}
                autoComplete="off"
              />
              <Select
                label={t("settings.declineLabel")}
                options={selectOptions(t, DECLINE_BEHAVIOURS, "settings.decline")}
                value={form.declineBehaviour}
                helpText={t("settings.declineHelp")}
                onChange={set("declineBehaviour")}
                error={errors.declineBehaviour}
              />
              <Select
                label={t("settings.thankYouLabel")}
                options={selectOptions(t, THANK_YOU_ACCEPT_CHOICES, "settings.thankYou")}
                value={form.thankYouAccept}
                helpText={t("settings.thankYouHelp")}
                onChange={set("thankYouAccept")}
                error={errors.thankYouAccept}
              />
            </FormLayout>
          </Card>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("settings.moments")}
              </Text>
              {MOMENTS.map((m) => (
                <InlineStack key={m.id} gap="400" blockAlign="center">
                  <div style={{ minWidth: 260 }}>
                    <Checkbox
                      label={
                        m.plusOnly && !d.isPlus
                          ? t("settings.momentNeedsPlus", { moment: t(`moments.${m.id}`) })
                          : t(`moments.${m.id}`)
                      }
                      checked={form.moments[m.id].enabled}
                      onChange={setMoment(m.id, "enabled")}
                    />
                  </div>
                  <TextField
                    label={t("settings.maxOffers", { moment: t(`moments.${m.id}`) })}
                    type="number"
                    value={form.moments[m.id].maxOffers}
                    onChange={setMoment(m.id, "maxOffers")}
                    error={errors[`moments.${m.id}.maxOffers`]}
                    autoComplete="off"
                  />
                </InlineStack>
              ))}
            </BlockStack>
          </Card>
          <Card>
            <FormLayout>
              <Text as="h2" variant="headingMd">
                {t("settings.languageAndPrices")}
              </Text>
              <Select
                label={t("settings.defaultLanguage")}
                options={LOCALES.map((l) => ({ value: l, label: languageLabel(t, l) }))}
                value={form.defaultLocale}
                onChange={set("defaultLocale")}
                error={errors.defaultLocale}
              />
              <Select
                label={t("settings.showPrices")}
                options={selectOptions(t, CURRENCY_DISPLAYS, "settings.currencyDisplay")}
                value={form.currencyDisplay}
                helpText={t("settings.showPricesHelp")}
                onChange={set("currencyDisplay")}
                error={errors.currencyDisplay}
              />
              <TextField
                label={t("settings.priceFloor")}
                type="number"
                min={0}
                max={99}
                suffix="%"
                value={form.priceFloorPercent}
                onChange={set("priceFloorPercent")}
                error={errors.priceFloorPercent}
                helpText={t("settings.priceFloorHelp")}
                autoComplete="off"
              />
            </FormLayout>
          </Card>
          <Card>
            <FormLayout>
              <Text as="h2" variant="headingMd">
                {t("settings.email")}
              </Text>
              <TextField
                label={t("settings.sendAfter")}
                type="number"
                value={form.emailDelayHours}
                onChange={set("emailDelayHours")}
                error={errors.emailDelayHours}
                autoComplete="off"
              />
              <FormLayout.Group>
                <TextField
                  label={t("settings.senderName")}
                  value={form.emailSenderName}
                  onChange={set("emailSenderName")}
                  error={errors.emailSenderName}
                  autoComplete="off"
                />
                <TextField
                  label={t("settings.senderAddress")}
                  type="email"
                  value={form.emailSenderAddress}
                  onChange={set("emailSenderAddress")}
                  error={errors.emailSenderAddress}
                  autoComplete="off"
                />
              </FormLayout.Group>
            </FormLayout>
          </Card>
          <Card>
            <FormLayout>
              <Text as="h2" variant="headingMd">
                {t("settings.data")}
              </Text>
              <TextField
                label={t("settings.retention")}
                type="number"
                value={form.retentionDays}
                onChange={set("retentionDays")}
                error={errors.retentionDays}
                helpText={t("settings.retentionHelp")}
                autoComplete="off"
              />
            </FormLayout>
          </Card>
          <Card>
            <FormLayout>
              <Text as="h2" variant="headingMd">
                {t("guardrail.settingsTitle")}
              </Text>
              <TextField
                label={t("guardrail.threshold")}
                type="number"
                step={0.1}
                value={form.completionThresholdPoints}
                onChange={set("completionThresholdPoints")}
                error={errors.completionThresholdPoints}
                helpText={t("guardrail.thresholdHelp")}
                autoComplete="off"
              />
              <Checkbox
                label={t("guardrail.archiveLosers")}
                helpText={t("guardrail.archiveLosersHelp")}
                checked={form.archiveLosers}
                onChange={(v) => setForm((f) => ({ ...f, archiveLosers: v }))}
              />
            </FormLayout>
          </Card>
          <InlineStack align="end">
            <Button variant="primary" submit loading={nav.state !== "idle"}>
              {t("settings.save")}
            </Button>
          </InlineStack>
        </BlockStack>
      </form>
    </Page>
  );
}
