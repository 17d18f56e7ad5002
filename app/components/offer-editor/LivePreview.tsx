import { useCallback, useEffect, useRef, useState } from "react";
import { Banner, BlockStack, Button, Card, InlineStack, Select, Text } from "@shopify/polaris";
import type { MomentId } from "@moments/engine";
import { LOCALES, type FieldErrors, type OfferForm } from "~/offers/form";
import { useAdminLocale, useT } from "~/i18n/context";
import { languageLabel } from "~/i18n/labels";
import type { PreviewResult } from "~/preview/preview.server";
import { defaultPreviewContext, type PreviewContext } from "~/preview/context";
import { useLatestJson } from "~/lib/use-latest-json";
import { BuyerControls } from "./BuyerControls";
import { OfferPreviewCard } from "../OfferPreviewCard";

/** The sample buyer's countries (named by the catalogue's `preview.countries`). */
const COUNTRIES = ["DE", "FR", "NL", "US", "CA", "GB"] as const;

/** How long the form must be still before the preview follows it. */
const DEBOUNCE_MS = 400;

export interface LivePreviewProps {
  offerId: string | null;
  form: OfferForm;
  carts: Array<{ value: string; label: string }>;
  currencies: string[];
  /** The server's preview for the default sample buyer, rendered with the page. */
  initial: PreviewResult | null;
  /** The form's field errors as the newest preview found them (the form as it is now). */
  onErrors?: (errors: FieldErrors) => void;
}

/** The engine's decision for the draft offer and a sample buyer, following the form as it changes. */
export function LivePreview(props: LivePreviewProps) {
  // The newest preview wins; one superseded while in flight is aborted, silently (useLatestJson).
  const preview = useLatestJson<PreviewResult>(props.initial);
  const t = useT();
  const { intl } = useAdminLocale();
  const [ctx, setCtx] = useState<Required<PreviewContext>>(() =>
    defaultPreviewContext(props.form, props.carts, props.currencies),
  );
  const { run } = preview;
  const formRef = useRef(props.form);
  formRef.current = props.form;
  const refresh = useCallback(() => {
    // `adminLocale`: the merchant's, for the preview's words (`locale` is the sample buyer's).
    const body = new URLSearchParams({
      form: JSON.stringify(formRef.current),
      offerId: props.offerId ?? "",
      ...ctx,
      adminLocale: intl,
    });
    run("/app/offers/preview", { method: "POST", body });
  }, [run, ctx, props.offerId, intl]);
  // Debounced: the preview follows the form as the merchant types. The first render already has
  // the server's preview for the default buyer.
  const first = useRef(props.initial !== null);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(refresh, DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [refresh, props.form]);
  const { onErrors } = props;
  useEffect(() => {
    if (preview.data) onErrors?.(preview.data.errors ?? {});
  }, [preview.data, onErrors]);
  const moments = props.form.moments.length ? props.form.moments : ["checkout"];
  const set = (k: keyof Required<PreviewContext>) => (v: string) => setCtx((c) => ({ ...c, [k]: v }));
  const r = preview.data;
  const e = props.form.experiment;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("preview.title")}
        </Text>
        <Select
          label={t("preview.moment")}
          options={moments.map((m) => ({ value: m, label: t(`moments.${m as MomentId}`) }))}
          value={moments.includes(ctx.moment as MomentId) ? ctx.moment : moments[0]!}
          onChange={set("moment")}
        />
        <Select
          label={t("preview.cart")}
          options={[{ value: "", label: t("preview.emptyCart") }, ...props.carts]}
          value={ctx.cartLine}
          onChange={set("cartLine")}
        />
        <InlineStack gap="200" wrap>
          <Select
            label={t("preview.device")}
            options={[
              { value: "mobile", label: t("devices.mobile") },
              { value: "desktop", label: t("devices.desktop") },
            ]}
            value={ctx.device}
            onChange={set("device")}
          />
          <Select
            label={t("preview.country")}
            options={COUNTRIES.map((value) => ({ value, label: t(`preview.countries.${value}`) }))}
            value={ctx.country}
            onChange={set("country")}
          />
          <Select
            label={t("preview.currency")}
            options={props.currencies.map((c) => ({ value: c, label: c }))}
            value={ctx.currency}
            onChange={set("currency")}
          />
          <Select
            label={t("preview.language")}
            options={LOCALES.map((l) => ({ value: l, label: languageLabel(t, l) }))}
            value={ctx.locale}
            onChange={set("locale")}
          />
        </InlineStack>
        <BuyerControls ctx={ctx} onChange={(k, v) => set(k)(v)} />
        {e.enabled ? (
          <Select
            label={t("preview.arm")}
            options={[
              { value: "assigned", label: t("preview.armAssigned") },
              ...e.variants.map((v, i) => ({
                value: String(i),
                label: t("preview.armVariant", { name: v.name || i + 1 }),
              })),
              { value: "holdout", label: t("preview.armHoldout") },
            ]}
            value={ctx.arm}
            onChange={set("arm")}
          />
        ) : null}
        <Button onClick={refresh} loading={preview.loading}>
          {t("preview.refresh")}
        </Button>
        <div aria-live="polite" data-testid="live-preview">
          {preview.error ? (
            <Banner tone="critical" title={t("preview.failed")}>
              <p>{preview.error}</p>
            </Banner>
          ) : null}
          {r ? (
            <BlockStack gap="200">
              <Text as="p" tone="subdued">
                {[
                  r.cartLabel || t("preview.emptyCart"),
                  t(`preview.deviceInSummary.${ctx.device}`),
                  ctx.country,
                  ctx.currency,
                  t(`preview.buyerInSummary.${ctx.buyer}`),
                  r.armLabel,
                  r.card ? t(`designs.${r.card.design}`) : null,
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </Text>
              {r.note ? (
                <Text as="p" tone="subdued">
                  {r.note}
                </Text>
              ) : null}
              {r.card ? (
                <div style={{ background: "#f4f4f4", padding: 12, borderRadius: 8 }}>
                  <OfferPreviewCard {...r.card} mobile={ctx.device === "mobile"} />
                </div>
              ) : (
                <Banner tone="warning" title={t("preview.notShown")}>
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
              {t("preview.placeholder")}
            </Text>
          )}
        </div>
      </BlockStack>
    </Card>
  );
}
