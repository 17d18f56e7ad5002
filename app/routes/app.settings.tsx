import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
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

export const meta: MetaFunction = () => [{ title: "Settings · Moments" }];

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
  const result = await saveSettingsForm(db(), shop.id, form);
  if (!result.ok) return data({ errors: result.errors, saved: false }, { status: 422 });
  // The journey cap and moment limits travel in the published payload.
  await publishShop(db(), shop, gateway);
  return { errors: {} as Record<string, string>, saved: true };
};

/** A label map as Polaris Select options, in the map's order. */
const selectOptions = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

export default function Settings() {
  const d = useLoaderData<typeof loader>();
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
    <Page title="Settings">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit({ form: JSON.stringify(form) }, { method: "post" });
        }}
      >
        <BlockStack gap="400">
          <PublishStatus publishedAt={d.publishedAt} publishError={d.publishError} />
          {result?.saved ? (
            <Banner tone="success" title="Settings saved and published" />
          ) : Object.keys(errors).length ? (
            <Banner tone="critical" title="Settings were not saved">
              <p>Fix the fields marked below.</p>
            </Banner>
          ) : null}
          <Card>
            <FormLayout>
              <Text as="h2" variant="headingMd">
                Buyer journey
              </Text>
              <TextField
                label="Journey cap (offers per buyer journey, all moments)"
                type="number"
                value={form.journeyCap}
                onChange={set("journeyCap")}
                error={errors.journeyCap}
                autoComplete="off"
              />
              <Select
                label="When a buyer declines"
                options={selectOptions(DECLINE_BEHAVIOURS)}
                value={form.declineBehaviour}
                helpText="Applies at every moment: checkout, post-purchase, storefront and email."
                onChange={set("declineBehaviour")}
                error={errors.declineBehaviour}
              />
              <Select
                label="Thank-you offers"
                options={selectOptions(THANK_YOU_ACCEPT_CHOICES)}
                value={form.thankYouAccept}
                helpText="Added to the paid order, the buyer pays the difference through Shopify's invoice, with no second checkout. Buyers whose checkout skipped the post-purchase page (wallets) see its offer there too."
                onChange={set("thankYouAccept")}
                error={errors.thankYouAccept}
              />
            </FormLayout>
          </Card>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Moments
              </Text>
              {MOMENTS.map((m) => (
                <InlineStack key={m.id} gap="400" blockAlign="center">
                  <div style={{ minWidth: 260 }}>
                    <Checkbox
                      label={`${m.label}${m.plusOnly && !d.isPlus ? " (needs Shopify Plus)" : ""}`}
                      checked={form.moments[m.id].enabled}
                      onChange={setMoment(m.id, "enabled")}
                    />
                  </div>
                  <TextField
                    label={`Most offers at ${m.label}`}
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
                Language and prices
              </Text>
              <Select
                label="Default language"
                options={LOCALES.map((l) => ({ value: l, label: l }))}
                value={form.defaultLocale}
                onChange={set("defaultLocale")}
                error={errors.defaultLocale}
              />
              <Select
                label="Show prices"
                options={selectOptions(CURRENCY_DISPLAYS)}
                value={form.currencyDisplay}
                helpText="Prices are always in the buyer's currency, the one checkout charges; this sets how it is written."
                onChange={set("currencyDisplay")}
                error={errors.currencyDisplay}
              />
            </FormLayout>
          </Card>
          <Card>
            <FormLayout>
              <Text as="h2" variant="headingMd">
                Follow-up email
              </Text>
              <TextField
                label="Send after (hours, 24 to 72)"
                type="number"
                value={form.emailDelayHours}
                onChange={set("emailDelayHours")}
                error={errors.emailDelayHours}
                autoComplete="off"
              />
              <FormLayout.Group>
                <TextField
                  label="Sender name"
                  value={form.emailSenderName}
                  onChange={set("emailSenderName")}
                  error={errors.emailSenderName}
                  autoComplete="off"
                />
                <TextField
                  label="Sender address"
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
                Data
              </Text>
              <TextField
                label="Keep events and attribution data for (days)"
                type="number"
                value={form.retentionDays}
                onChange={set("retentionDays")}
                error={errors.retentionDays}
                helpText="Events, measurement rollups, attributed orders and sent emails older than this are deleted daily; unsubscribes are kept."
                autoComplete="off"
              />
            </FormLayout>
          </Card>
          <InlineStack align="end">
            <Button variant="primary" submit loading={nav.state !== "idle"}>
              Save settings
            </Button>
          </InlineStack>
        </BlockStack>
      </form>
    </Page>
  );
}
