import { Banner, BlockStack, Card, ChoiceList } from "@shopify/polaris";
import { MOMENTS, type MomentId } from "@moments/engine";
import type { CardProps } from "./types";

/** Where the offer shows, with a warning for the moments this shop's plan cannot use. */
export function MomentsCard({ form, errors, fields, isPlus }: CardProps & { isPlus: boolean }) {
  const plusWarnings = MOMENTS.filter((m) => m.plusOnly && !isPlus && form.moments.includes(m.id));
  return (
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
          onChange={(v) => fields.set("moments", v as MomentId[])}
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
  );
}
