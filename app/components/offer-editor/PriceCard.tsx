import { Card, Checkbox, FormLayout, Select, Text, TextField } from "@shopify/polaris";
import type { DiscountKind } from "~/offers/form";
import { useT } from "~/i18n/context";
import type { CardProps } from "./types";

/** The discount (percent, amount off or bundle price per currency) and percentage pricing. */
export function PriceCard({
  form,
  errors,
  fields,
  currencies,
  priceFloorPercent,
}: CardProps & { currencies: string[]; priceFloorPercent: number }) {
  const t = useT();
  const kind = form.discount.kind;
  const discountKinds = [
    { value: "none", label: t("editor.price.none") },
    { value: "percent", label: t("editor.price.percent") },
    { value: "fixed", label: t("editor.price.fixed") },
    { value: "bundle_price", label: t("editor.price.bundlePrice") },
  ];
  const pricingOf = [
    { value: "line", label: t("editor.price.ofLine") },
    { value: "subtotal", label: t("editor.price.ofSubtotal") },
  ];
  return (
    <Card>
      <FormLayout>
        <Text as="h2" variant="headingMd">
          {t("editor.price.title")}
        </Text>
        <Select
          label={t("editor.price.discountType")}
          options={discountKinds}
          value={kind}
          onChange={(v) => fields.setDiscount("kind", v as DiscountKind)}
          error={errors["discount.kind"]}
        />
        {kind === "percent" ? (
          <TextField
            label={t("editor.price.percentLabel")}
            type="number"
            value={form.discount.percent}
            onChange={(v) => fields.setDiscount("percent", v)}
            error={errors["discount.percent"]}
            helpText={form.discount.percent.trim() === "100" ? t("editor.price.freeWarning") : undefined}
            autoComplete="off"
          />
        ) : null}
        {kind === "fixed" || kind === "bundle_price" ? (
          <FormLayout.Group>
            {currencies.map((c) => (
              <TextField
                key={c}
                label={t(kind === "fixed" ? "editor.price.amountOff" : "editor.price.bundleIn", { currency: c })}
                value={form.discount.amounts[c] ?? ""}
                onChange={(v) => fields.setDiscountAmount(c, v)}
                error={errors[`discount.amounts.${c}`]}
                autoComplete="off"
              />
            ))}
          </FormLayout.Group>
        ) : null}
        {kind !== "none" ? (
          <Checkbox
            label={t("editor.price.freeGift")}
            checked={form.freeGift === true}
            onChange={(v) => fields.set("freeGift", v)}
            helpText={t("editor.price.freeGiftHelp", { floor: priceFloorPercent })}
          />
        ) : null}
        {form.type === "warranty" || form.type === "shipping_protection" ? (
          <FormLayout.Group>
            <TextField
              label={t("editor.price.pricedAt")}
              type="number"
              value={form.pricingPercent}
              onChange={(v) => fields.set("pricingPercent", v)}
              error={errors.pricingPercent}
              helpText={t("editor.price.pricedAtHelp")}
              autoComplete="off"
            />
            <Select
              label={t("editor.price.percentageOf")}
              options={pricingOf}
              value={form.pricingOf}
              onChange={(v) => fields.set("pricingOf", v as "line" | "subtotal")}
            />
          </FormLayout.Group>
        ) : null}
      </FormLayout>
    </Card>
  );
}
