import { Card, FormLayout, Select, Text, TextField } from "@shopify/polaris";
import type { DiscountKind } from "~/offers/form";
import type { CardProps } from "./types";

const DISCOUNT_KINDS = [
  { value: "none", label: "No discount" },
  { value: "percent", label: "Percent off" },
  { value: "fixed", label: "Amount off" },
  { value: "bundle_price", label: "Bundle price (the whole offer for)" },
];

const PRICING_OF = [
  { value: "line", label: "The covered cart line" },
  { value: "subtotal", label: "The cart subtotal" },
];

/** The discount (percent, amount off or bundle price per currency) and percentage pricing. */
export function PriceCard({ form, errors, fields, currencies }: CardProps & { currencies: string[] }) {
  const kind = form.discount.kind;
  return (
    <Card>
      <FormLayout>
        <Text as="h2" variant="headingMd">
          Price
        </Text>
        <Select
          label="Discount type"
          options={DISCOUNT_KINDS}
          value={kind}
          onChange={(v) => fields.setDiscount("kind", v as DiscountKind)}
        />
        {kind === "percent" ? (
          <TextField
            label="Discount (%)"
            type="number"
            value={form.discount.percent}
            onChange={(v) => fields.setDiscount("percent", v)}
            error={errors["discount.percent"]}
            helpText={
              form.discount.percent.trim() === "100"
                ? "100% off gives the products away: buyers pay nothing for them. Keep it only for a free gift."
                : undefined
            }
            autoComplete="off"
          />
        ) : null}
        {kind === "fixed" || kind === "bundle_price" ? (
          <FormLayout.Group>
            {currencies.map((c) => (
              <TextField
                key={c}
                label={`${kind === "fixed" ? "Amount off" : "Bundle price"} (${c})`}
                value={form.discount.amounts[c] ?? ""}
                onChange={(v) => fields.setDiscountAmount(c, v)}
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
              onChange={(v) => fields.set("pricingPercent", v)}
              error={errors.pricingPercent}
              helpText="Leave empty to use the product's own price"
              autoComplete="off"
            />
            <Select
              label="Percentage of"
              options={PRICING_OF}
              value={form.pricingOf}
              onChange={(v) => fields.set("pricingOf", v as "line" | "subtotal")}
            />
          </FormLayout.Group>
        ) : null}
      </FormLayout>
    </Card>
  );
}
