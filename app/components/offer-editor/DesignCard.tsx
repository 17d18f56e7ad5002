import { Banner, BlockStack, Card, ChoiceList, Text } from "@shopify/polaris";
import { DESIGN_CHOICES } from "~/offers/designs";
import type { CardProps } from "./types";

/**
 * The layout buyers see on every surface (checkout, post-purchase, storefront, email); experiment
 * variants can test another one. `notice`: the offer was saved with a design that is not a layout.
 */
export function DesignCard({ form, errors, fields, notice }: CardProps & { notice?: string | null }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Design
        </Text>
        {notice ? (
          <Banner tone="warning" title="Choose a layout">
            <p>{notice}</p>
          </Banner>
        ) : null}
        <ChoiceList
          title="Layout"
          choices={DESIGN_CHOICES.map((c) => ({ value: c.value, label: c.label, helpText: c.helpText }))}
          selected={[form.design]}
          onChange={([v]) => v && fields.set("design", v)}
          error={errors.design}
        />
        <Text as="p" tone="subdued">
          The product image comes from the first product&apos;s featured image in your catalog. The live preview shows
          the layout.
        </Text>
      </BlockStack>
    </Card>
  );
}
