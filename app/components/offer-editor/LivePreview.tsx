import { useCallback, useEffect, useRef, useState } from "react";
import { Banner, BlockStack, Button, Card, InlineStack, Select, Text } from "@shopify/polaris";
import { MOMENTS, type MomentId } from "@moments/engine";
import { designLabel } from "~/offers/designs";
import { LOCALES, type OfferForm } from "~/offers/form";
import type { PreviewResult } from "~/preview/preview.server";
import { defaultPreviewContext, type PreviewContext } from "~/preview/context";
import { useLatestJson } from "~/lib/use-latest-json";
import { BUYER_LABELS, BuyerControls } from "./BuyerControls";
import { OfferPreviewCard } from "../OfferPreviewCard";

const COUNTRIES = [
  ["DE", "Germany"],
  ["FR", "France"],
  ["NL", "Netherlands"],
  ["US", "United States"],
  ["CA", "Canada"],
  ["GB", "United Kingdom"],
] as const;

/** How long the form must be still before the preview follows it. */
const DEBOUNCE_MS = 400;

export interface LivePreviewProps {
  offerId: string | null;
  form: OfferForm;
  carts: Array<{ value: string; label: string }>;
  currencies: string[];
  /** The server's preview for the default sample buyer, rendered with the page. */
  initial: PreviewResult | null;
}

/** The engine's decision for the draft offer and a sample buyer, following the form as it changes. */
export function LivePreview(props: LivePreviewProps) {
  // The newest preview wins; one superseded while in flight is aborted, silently (useLatestJson).
  const preview = useLatestJson<PreviewResult>(props.initial);
  const [ctx, setCtx] = useState<Required<PreviewContext>>(() => defaultPreviewContext(props.form, props.carts, props.currencies));
  const { run } = preview;
  const formRef = useRef(props.form);
  formRef.current = props.form;
  const refresh = useCallback(() => {
    const body = new URLSearchParams({ form: JSON.stringify(formRef.current), offerId: props.offerId ?? "", ...ctx });
    run("/app/offers/preview", { method: "POST", body });
  }, [run, ctx, props.offerId]);
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
  const moments = props.form.moments.length ? props.form.moments : ["checkout"];
  const set = (k: keyof Required<PreviewContext>) => (v: string) => setCtx((c) => ({ ...c, [k]: v }));
  const r = preview.data;
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
          value={moments.includes(ctx.moment as MomentId) ? ctx.moment : moments[0]!}
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
        <BuyerControls ctx={ctx} onChange={(k, v) => set(k)(v)} />
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
        <Button onClick={refresh} loading={preview.loading}>
          Refresh preview
        </Button>
        <div aria-live="polite" data-testid="live-preview">
          {preview.error ? (
            <Banner tone="critical" title="The preview could not be updated">
              <p>{preview.error}</p>
            </Banner>
          ) : null}
          {r ? (
            <BlockStack gap="200">
              <Text as="p" tone="subdued">
                {`${r.cartLabel || "Empty cart"} · ${ctx.device} · ${ctx.country} · ${ctx.currency} · ${BUYER_LABELS[ctx.buyer].toLowerCase()}${r.armLabel ? ` · ${r.armLabel}` : ""}${r.card ? ` · ${designLabel(r.card.design)}` : ""}`}
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
