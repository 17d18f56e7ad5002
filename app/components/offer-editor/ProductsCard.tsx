import { BlockStack, Box, Button, Card, InlineError, InlineStack, Text, TextField } from "@shopify/polaris";
import { ProductPicker } from "../ProductPicker";
import type { CardProps } from "./types";
import type { CatalogKind } from "~/gateway/types";

/** The products offered, each with its quantity. */
export function ProductsCard({
  form,
  errors,
  fields,
  catalog,
  currency,
}: CardProps & { catalog: CatalogKind; currency: string }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Products offered
        </Text>
        {form.items.map((it, i) => (
          <InlineStack key={it.variantId} gap="300" blockAlign="end" wrap={false}>
            <Box minWidth="60%">
              <Text as="p">{it.title}</Text>
              {errors[`items.${i}`] ? <InlineError message={errors[`items.${i}`]!} fieldID={`item-${i}`} /> : null}
            </Box>
            <TextField
              label={`Quantity of ${it.title}`}
              labelHidden
              type="number"
              value={it.quantity}
              onChange={(v) => fields.setItemQuantity(i, v)}
              error={errors[`items.${i}.quantity`]}
              autoComplete="off"
            />
            <Button
              variant="plain"
              tone="critical"
              accessibilityLabel={`Remove ${it.title}`}
              onClick={() => fields.removeItem(i)}
            >
              Remove
            </Button>
          </InlineStack>
        ))}
        {errors.items ? <InlineError message={errors.items} fieldID="items" /> : null}
        <ProductPicker
          catalog={catalog}
          label={catalog === "demo" ? "Search products" : "Select products"}
          actionLabel="Add"
          currency={currency}
          onPick={fields.addItem}
        />
      </BlockStack>
    </Card>
  );
}
