import { useCallback, useEffect, useRef, useState } from "react";
import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  FormLayout,
  InlineError,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { MOMENTS, OFFER_TYPES, type MomentId } from "@moments/engine";
import {
  LOCALES,
  OFFER_TYPE_LABELS,
  emptyCopy,
  newVariant,
  type DiscountKind,
  type FieldErrors,
  type OfferForm,
} from "~/offers/form";
import type { PreviewResult } from "~/preview/preview.server";
import { defaultPreviewContext } from "~/preview/context";
import type { CollectionSummary } from "~/gateway/types";
import { CollectionPicker } from "./CollectionPicker";
import { DemoProductPicker, ShopifyProductPicker, type PickedVariant } from "./ProductPicker";
import { OfferPreviewCard } from "./OfferPreviewCard";
import { TwoColumn } from "./TwoColumn";

const COUNTRIES = [
  ["DE", "Germany"],
  ["FR", "France"],
  ["NL", "Netherlands"],
  ["US", "United States"],
  ["CA", "Canada"],
  ["GB", "United Kingdom"],
] as const;

export interface OfferEditorProps {
  offerId: string | null;
  initial: OfferForm;
  errors: FieldErrors;
  currencies: string[];
  carts: Array<{ value: string; label: string }>;
  /** The shop's collections, for the trigger collections picker. */
  collections: CollectionSummary[];
  demo: boolean;
  isPlus: boolean;
  submitting: boolean;
  /** The preview for the default sample buyer, computed with the page. */
  initialPreview: PreviewResult | null;
  onSave: (form: OfferForm) => void;
}

export function OfferEditor(props: OfferEditorProps) {
  const [form, setForm] = useState<OfferForm>(props.initial);
  const errors = props.errors;
  const update = useCallback((patch: (f: OfferForm) => OfferForm) => setForm((f) => patch(structuredClone(f))), []);
  const currency0 = props.currencies[0] ?? "EUR";

  const addItem = (v: PickedVariant) =>
    update((f) => {
      if (!f.items.some((i) => i.variantId === v.variantId)) f.items.push({ ...v, quantity: "1" });
      return f;
    });
  const addTrigger = (v: PickedVariant) =>
    update((f) => {
      if (!f.targeting.triggerProducts.some((p) => p.productId === v.productId))
        f.targeting.triggerProducts.push({ productId: v.productId, title: v.title.split(" - ")[0] ?? v.title });
      return f;
    });

  const plusWarnings = MOMENTS.filter((m) => m.plusOnly && !props.isPlus && form.moments.includes(m.id));
  const locales = Object.keys(form.copy);
  const missingLocale = LOCALES.filter((l) => !locales.includes(l));

  return (
    <TwoColumn
      stickySide
      main={
        <form
          onSubmit={(e) => {
            e.preventDefault();
            props.onSave(form);
          }}
        >
          <BlockStack gap="400">
            {Object.keys(errors).length ? (
              <Banner tone="critical" title="The offer was not saved">
                <p>Fix the fields marked below.</p>
              </Banner>
            ) : null}
            <Card>
              <FormLayout>
                <TextField
                  label="Offer name"
                  value={form.name}
                  onChange={(v) => update((f) => ((f.name = v), f))}
                  error={errors.name}
                  autoComplete="off"
                />
                <FormLayout.Group>
                  <Select
                    label="Offer type"
                    options={OFFER_TYPES.map((t) => ({ value: t, label: OFFER_TYPE_LABELS[t] }))}
                    value={form.type}
                    onChange={(v) => update((f) => ((f.type = v as OfferForm["type"]), f))}
                  />
                  <Select
                    label="Status"
                    options={[
                      { value: "active", label: "Active" },
                      { value: "paused", label: "Paused" },
                      { value: "draft", label: "Draft" },
                    ]}
                    value={form.status}
                    onChange={(v) => update((f) => ((f.status = v as OfferForm["status"]), f))}
                  />
                  <TextField
                    label="Priority"
                    type="number"
                    value={form.priority}
                    onChange={(v) => update((f) => ((f.priority = v), f))}
                    error={errors.priority}
                    autoComplete="off"
                    helpText="Higher shows first"
                  />
                </FormLayout.Group>
              </FormLayout>
            </Card>

            <Card>
              <BlockStack gap="200">
                <ChoiceList
                  title="Moments"
                  allowMultiple
                  choices={MOMENTS.map((m) => ({
                    value: m.id,
                    label: m.label + (m.plusOnly ? " (Shopify Plus)" : ""),
                  }))}
                  selected={form.moments}
                  onChange={(v) => update((f) => ((f.moments = v as MomentId[]), f))}
                  error={errors.moments}
                />
                {plusWarnings.map((m) => (
                  <Banner key={m.id} tone="warning">
                    <p>
                      {m.label} needs Shopify Plus and this shop is not on Plus.
                      {m.alternative
                        ? ` The nearest moment your plan supports: ${MOMENTS.find((x) => x.id === m.alternative)?.label}.`
                        : ""}
                    </p>
                  </Banner>
                ))}
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Products offered
                </Text>
                {form.items.map((it, i) => (
                  <InlineStack key={it.variantId} gap="300" blockAlign="end" wrap={false}>
                    <Box minWidth="60%">
                      <Text as="p">{it.title}</Text>
                      {errors[`items.${i}`] ? (
                        <InlineError message={errors[`items.${i}`]!} fieldID={`item-${i}`} />
                      ) : null}
                    </Box>
                    <TextField
                      label={`Quantity of ${it.title}`}
                      labelHidden
                      type="number"
                      value={it.quantity}
                      onChange={(v) => update((f) => ((f.items[i]!.quantity = v), f))}
                      error={errors[`items.${i}.quantity`]}
                      autoComplete="off"
                    />
                    <Button
                      variant="plain"
                      tone="critical"
                      accessibilityLabel={`Remove ${it.title}`}
                      onClick={() => update((f) => (f.items.splice(i, 1), f))}
                    >
                      Remove
                    </Button>
                  </InlineStack>
                ))}
                {errors.items ? <InlineError message={errors.items} fieldID="items" /> : null}
                {props.demo ? (
                  <DemoProductPicker label="Search products" actionLabel="Add" currency={currency0} onPick={addItem} />
                ) : (
                  <ShopifyProductPicker label="Select products" onPick={addItem} />
                )}
              </BlockStack>
            </Card>

            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  Price
                </Text>
                <Select
                  label="Discount type"
                  options={[
                    { value: "none", label: "No discount" },
                    { value: "percent", label: "Percent off" },
                    { value: "fixed", label: "Amount off" },
                    { value: "bundle_price", label: "Bundle price (the whole offer for)" },
                  ]}
                  value={form.discount.kind}
                  onChange={(v) => update((f) => ((f.discount.kind = v as DiscountKind), f))}
                />
                {form.discount.kind === "percent" ? (
                  <TextField
                    label="Discount (%)"
                    type="number"
                    value={form.discount.percent}
                    onChange={(v) => update((f) => ((f.discount.percent = v), f))}
                    error={errors["discount.percent"]}
                    autoComplete="off"
                  />
                ) : null}
                {form.discount.kind === "fixed" || form.discount.kind === "bundle_price" ? (
                  <FormLayout.Group>
                    {props.currencies.map((c) => (
                      <TextField
                        key={c}
                        label={`${form.discount.kind === "fixed" ? "Amount off" : "Bundle price"} (${c})`}
                        value={form.discount.amounts[c] ?? ""}
                        onChange={(v) => update((f) => ((f.discount.amounts[c] = v), f))}
                        error={errors[`discount.amounts.${c}`]}
                        autoComplete="off"
                      />
                    ))}
                  </FormLayout.Group>
                ) : null}
                {form.type === "warranty" || form.type === "shipping_protection" ? (
                  <FormLayout.Group>
                    <TextField
                      label="Priced at (% of covered item)"
                      type="number"
                      value={form.pricingPercent}
                      onChange={(v) => update((f) => ((f.pricingPercent = v), f))}
                      error={errors.pricingPercent}
                      helpText="Leave empty to use the product's own price"
                      autoComplete="off"
                    />
                    <Select
                      label="Percentage of"
                      options={[
                        { value: "line", label: "The covered cart line" },
                        { value: "subtotal", label: "The cart subtotal" },
                      ]}
                      value={form.pricingOf}
                      onChange={(v) => update((f) => ((f.pricingOf = v as "line" | "subtotal"), f))}
                    />
                  </FormLayout.Group>
                ) : null}
              </FormLayout>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Copy
                </Text>
                {locales.map((l) => (
                  <FormLayout key={l}>
                    <InlineStack align="space-between">
                      <Text as="h3" variant="headingSm">
                        Language: {l}
                      </Text>
                      {locales.length > 1 ? (
                        <Button variant="plain" tone="critical" onClick={() => update((f) => (delete f.copy[l], f))}>
                          {`Remove ${l}`}
                        </Button>
                      ) : null}
                    </InlineStack>
                    <TextField
                      label={`Headline (${l})`}
                      value={form.copy[l]!.title}
                      onChange={(v) => update((f) => ((f.copy[l]!.title = v), f))}
                      error={errors[`copy.${l}.title`]}
                      autoComplete="off"
                    />
                    <TextField
                      label={`Text (${l})`}
                      value={form.copy[l]!.body}
                      onChange={(v) => update((f) => ((f.copy[l]!.body = v), f))}
                      error={errors[`copy.${l}.body`]}
                      multiline={2}
                      autoComplete="off"
                    />
                    <FormLayout.Group>
                      <TextField
                        label={`Button (${l})`}
                        value={form.copy[l]!.cta}
                        onChange={(v) => update((f) => ((f.copy[l]!.cta = v), f))}
                        error={errors[`copy.${l}.cta`]}
                        autoComplete="off"
                      />
                      <TextField
                        label={`Decline link (${l})`}
                        value={form.copy[l]!.decline}
                        onChange={(v) => update((f) => ((f.copy[l]!.decline = v), f))}
                        error={errors[`copy.${l}.decline`]}
                        autoComplete="off"
                      />
                    </FormLayout.Group>
                  </FormLayout>
                ))}
                {errors.copy ? <InlineError message={errors.copy} fieldID="copy" /> : null}
                {missingLocale.length ? (
                  <Select
                    label="Add a language"
                    options={[{ value: "", label: "Choose…" }, ...missingLocale.map((l) => ({ value: l, label: l }))]}
                    value=""
                    onChange={(v) => v && update((f) => ((f.copy[v] = emptyCopy()), f))}
                  />
                ) : null}
                <TextField
                  label="Design"
                  value={form.design}
                  onChange={(v) => update((f) => ((f.design = v), f))}
                  helpText="Optional design name the surfaces understand, e.g. compact"
                  autoComplete="off"
                />
              </BlockStack>
            </Card>

            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  Targeting and schedule
                </Text>
                <ChoiceList
                  title="Devices (none = all)"
                  allowMultiple
                  choices={[
                    { value: "mobile", label: "Mobile" },
                    { value: "desktop", label: "Desktop" },
                  ]}
                  selected={form.targeting.devices}
                  onChange={(v) => update((f) => ((f.targeting.devices = v as OfferForm["targeting"]["devices"]), f))}
                />
                <FormLayout.Group>
                  <TextField
                    label="Countries (empty = all)"
                    value={form.targeting.countries}
                    onChange={(v) => update((f) => ((f.targeting.countries = v), f))}
                    error={errors["targeting.countries"]}
                    placeholder="DE, FR"
                    autoComplete="off"
                  />
                  <TextField
                    label="Languages (empty = all)"
                    value={form.targeting.languages}
                    onChange={(v) => update((f) => ((f.targeting.languages = v), f))}
                    error={errors["targeting.languages"]}
                    placeholder="de, en"
                    autoComplete="off"
                  />
                </FormLayout.Group>
                <ChoiceList
                  title="Currencies (none = all)"
                  allowMultiple
                  choices={props.currencies.map((c) => ({ value: c, label: c }))}
                  selected={form.targeting.currencies}
                  onChange={(v) => update((f) => ((f.targeting.currencies = v), f))}
                />
                <Select
                  label="Buyers"
                  options={[
                    { value: "any", label: "Everyone" },
                    { value: "first_time", label: "First-time buyers" },
                    { value: "returning", label: "Returning buyers" },
                  ]}
                  value={form.targeting.buyer}
                  onChange={(v) => update((f) => ((f.targeting.buyer = v as OfferForm["targeting"]["buyer"]), f))}
                />
                <FormLayout.Group>
                  <TextField
                    label="Trigger tags"
                    value={form.targeting.tags}
                    onChange={(v) => update((f) => ((f.targeting.tags = v), f))}
                    placeholder="laptop, audio"
                    autoComplete="off"
                  />
                  <TextField
                    label="Trigger vendors"
                    value={form.targeting.vendors}
                    onChange={(v) => update((f) => ((f.targeting.vendors = v), f))}
                    autoComplete="off"
                  />
                </FormLayout.Group>
                <CollectionPicker
                  label="Trigger collections"
                  collections={props.collections}
                  selected={form.targeting.collections}
                  onChange={(ids) => update((f) => ((f.targeting.collections = ids), f))}
                  error={errors["targeting.collections"]}
                />
                <BlockStack gap="100">
                  <Text as="p">Trigger products (empty = any cart)</Text>
                  {form.targeting.triggerProducts.map((p, i) => (
                    <InlineStack key={p.productId} gap="200">
                      <Text as="span">{p.title}</Text>
                      <Button
                        variant="plain"
                        tone="critical"
                        accessibilityLabel={`Remove trigger ${p.title}`}
                        onClick={() => update((f) => (f.targeting.triggerProducts.splice(i, 1), f))}
                      >
                        Remove
                      </Button>
                    </InlineStack>
                  ))}
                  {props.demo ? (
                    <DemoProductPicker
                      label="Search trigger products"
                      actionLabel="Add trigger"
                      currency={currency0}
                      onPick={addTrigger}
                    />
                  ) : (
                    <ShopifyProductPicker label="Select trigger products" onPick={addTrigger} />
                  )}
                </BlockStack>
                <FormLayout.Group>
                  {props.currencies.map((c) => (
                    <TextField
                      key={c}
                      label={`Minimum cart total (${c})`}
                      value={form.targeting.minSubtotal[c] ?? ""}
                      onChange={(v) => update((f) => ((f.targeting.minSubtotal[c] = v), f))}
                      error={errors[`targeting.minSubtotal.${c}`]}
                      autoComplete="off"
                    />
                  ))}
                </FormLayout.Group>
                <FormLayout.Group>
                  <TextField
                    label="Starts (UTC)"
                    type="datetime-local"
                    value={form.startsAt}
                    onChange={(v) => update((f) => ((f.startsAt = v), f))}
                    error={errors.startsAt}
                    autoComplete="off"
                  />
                  <TextField
                    label="Ends (UTC)"
                    type="datetime-local"
                    value={form.endsAt}
                    onChange={(v) => update((f) => ((f.endsAt = v), f))}
                    error={errors.endsAt}
                    autoComplete="off"
                  />
                </FormLayout.Group>
              </FormLayout>
            </Card>

            <ExperimentSection form={form} errors={errors} update={update} />

            <InlineStack align="end">
              <Button variant="primary" submit loading={props.submitting}>
                Save
              </Button>
            </InlineStack>
          </BlockStack>
        </form>
      }
      side={
        <LivePreview
          offerId={props.offerId}
          form={form}
          carts={props.carts}
          currencies={props.currencies}
          initial={props.initialPreview}
        />
      }
    />
  );
}

function ExperimentSection(props: {
  form: OfferForm;
  errors: FieldErrors;
  update: (p: (f: OfferForm) => OfferForm) => void;
}) {
  const { form, errors, update } = props;
  const e = form.experiment;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Experiment
        </Text>
        <Checkbox
          label="Run an experiment (variants and a hold-out group)"
          checked={e.enabled}
          onChange={(v) => update((f) => ((f.experiment.enabled = v), f))}
          helpText="Buyers are split by weight; the hold-out sees nothing, which measures the offer's real lift."
        />
        {e.enabled ? (
          <FormLayout>
            <TextField
              label="Hold-out share (%)"
              value={e.holdoutPct}
              onChange={(v) => update((f) => ((f.experiment.holdoutPct = v), f))}
              error={errors["experiment.holdoutPct"]}
              autoComplete="off"
            />
            {errors["experiment.variants"] ? (
              <InlineError message={errors["experiment.variants"]} fieldID="experiment-variants" />
            ) : null}
            {e.variants.map((v, i) => (
              <Box key={i} padding="300" borderWidth="025" borderColor="border" borderRadius="200">
                <FormLayout>
                  <InlineStack align="space-between">
                    <Text as="h3" variant="headingSm">
                      {`Variant ${i + 1}${i === 0 ? " (control: the offer as above)" : ""}`}
                    </Text>
                    {e.variants.length > 1 ? (
                      <Button
                        variant="plain"
                        tone="critical"
                        onClick={() => update((f) => (f.experiment.variants.splice(i, 1), f))}
                      >
                        {`Remove variant ${i + 1}`}
                      </Button>
                    ) : null}
                  </InlineStack>
                  <FormLayout.Group>
                    <TextField
                      label={`Variant ${i + 1} name`}
                      value={v.name}
                      onChange={(x) => update((f) => ((f.experiment.variants[i]!.name = x), f))}
                      error={errors[`experiment.variants.${i}.name`]}
                      autoComplete="off"
                    />
                    <TextField
                      label={`Variant ${i + 1} weight`}
                      type="number"
                      value={v.weight}
                      onChange={(x) => update((f) => ((f.experiment.variants[i]!.weight = x), f))}
                      error={errors[`experiment.variants.${i}.weight`]}
                      autoComplete="off"
                    />
                  </FormLayout.Group>
                  <TextField
                    label={`Variant ${i + 1} headline`}
                    value={v.title}
                    onChange={(x) => update((f) => ((f.experiment.variants[i]!.title = x), f))}
                    error={errors[`experiment.variants.${i}.title`]}
                    placeholder="Same as the offer"
                    autoComplete="off"
                  />
                  <FormLayout.Group>
                    <TextField
                      label={`Variant ${i + 1} discount (%)`}
                      value={v.discountPercent}
                      onChange={(x) => update((f) => ((f.experiment.variants[i]!.discountPercent = x), f))}
                      error={errors[`experiment.variants.${i}.discountPercent`]}
                      placeholder="Same as the offer"
                      autoComplete="off"
                    />
                    <TextField
                      label={`Variant ${i + 1} design`}
                      value={v.design}
                      onChange={(x) => update((f) => ((f.experiment.variants[i]!.design = x), f))}
                      placeholder="Same as the offer"
                      autoComplete="off"
                    />
                  </FormLayout.Group>
                </FormLayout>
              </Box>
            ))}
            {e.variants.length < 10 ? (
              <Button
                onClick={() =>
                  update(
                    (f) => (
                      f.experiment.variants.push(newVariant(String.fromCharCode(65 + f.experiment.variants.length))),
                      f
                    ),
                  )
                }
              >
                Add variant
              </Button>
            ) : null}
          </FormLayout>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function LivePreview(props: {
  offerId: string | null;
  form: OfferForm;
  carts: Array<{ value: string; label: string }>;
  currencies: string[];
  initial: PreviewResult | null;
}) {
  const fetcher = useFetcher<PreviewResult>();
  const [ctx, setCtx] = useState<Record<string, string>>(() => ({
    ...defaultPreviewContext(props.form, props.carts, props.currencies),
  }));
  const { submit } = fetcher;
  const formRef = useRef(props.form);
  formRef.current = props.form;
  const refresh = useCallback(() => {
    submit(
      { form: JSON.stringify(formRef.current), offerId: props.offerId ?? "", ...ctx },
      { method: "post", action: "/app/offers/preview" },
    );
  }, [submit, ctx, props.offerId]);
  // Debounced: the preview follows the form as the merchant types. The first render already has
  // the server's preview for the default buyer.
  const first = useRef(props.initial !== null);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(refresh, 400);
    return () => clearTimeout(t);
  }, [refresh, props.form]);
  const moments = props.form.moments.length ? props.form.moments : ["checkout"];
  const set = (k: keyof typeof ctx) => (v: string) => setCtx((c) => ({ ...c, [k]: v }));
  const r = fetcher.data ?? props.initial;
  const e = props.form.experiment;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Live preview
        </Text>
        <Select
          label="Preview moment"
          options={moments.map((m) => ({ value: m, label: MOMENTS.find((x) => x.id === m)?.label ?? m }))}
          value={moments.includes(ctx.moment as MomentId) ? ctx.moment! : moments[0]!}
          onChange={set("moment")}
        />
        <Select
          label="Sample cart"
          options={[{ value: "", label: "Empty cart" }, ...props.carts]}
          value={ctx.cartLine}
          onChange={set("cartLine")}
        />
        <InlineStack gap="200" wrap>
          <Select
            label="Device"
            options={[
              { value: "mobile", label: "Mobile" },
              { value: "desktop", label: "Desktop" },
            ]}
            value={ctx.device}
            onChange={set("device")}
          />
          <Select
            label="Country"
            options={COUNTRIES.map(([value, label]) => ({ value, label }))}
            value={ctx.country}
            onChange={set("country")}
          />
          <Select
            label="Currency"
            options={props.currencies.map((c) => ({ value: c, label: c }))}
            value={ctx.currency}
            onChange={set("currency")}
          />
          <Select
            label="Language"
            options={LOCALES.map((l) => ({ value: l, label: l }))}
            value={ctx.locale}
            onChange={set("locale")}
          />
        </InlineStack>
        {e.enabled ? (
          <Select
            label="Experiment arm"
            options={[
              { value: "assigned", label: "As assigned to a sample buyer" },
              ...e.variants.map((v, i) => ({ value: String(i), label: `Variant ${v.name || i + 1}` })),
              { value: "holdout", label: "Hold-out group" },
            ]}
            value={ctx.arm}
            onChange={set("arm")}
          />
        ) : null}
        <Button onClick={refresh} loading={fetcher.state !== "idle"}>
          Refresh preview
        </Button>
        <div aria-live="polite" data-testid="live-preview">
          {r ? (
            <BlockStack gap="200">
              <Text as="p" tone="subdued">
                {`${r.cartLabel || "Empty cart"} · ${ctx.device} · ${ctx.country} · ${ctx.currency}${r.armLabel ? ` · ${r.armLabel}` : ""}`}
              </Text>
              {r.card ? (
                <div style={{ background: "#f4f4f4", padding: 12, borderRadius: 8 }}>
                  <OfferPreviewCard {...r.card} mobile={ctx.device === "mobile"} />
                </div>
              ) : (
                <Banner tone="warning" title="Not shown to this buyer">
                  <ul>
                    {r.whyNot.map((w) => (
                      <li key={w}>{w}</li>
                    ))}
                  </ul>
                </Banner>
              )}
            </BlockStack>
          ) : (
            <Text as="p" tone="subdued">
              The preview appears here.
            </Text>
          )}
        </div>
      </BlockStack>
    </Card>
  );
}
