import { BlockStack, Box, Button, Card, InlineError, InlineStack, Text, TextField } from "@shopify/polaris";
import { ProductPicker } from "../ProductPicker";
import type { CardProps } from "./types";
import type { CatalogKind } from "~/gateway/types";
import { useT } from "~/i18n/context";

/** The products offered, each with its quantity. */
export function ProductsCard({
  form,
  errors,
  fields,
  catalog,
  currency,
}: CardProps & { catalog: CatalogKind; currency: string }) {
  const t = useT();
  // A dynamic offer has no products of its own: the engine picks one per cart (decision 034).
  if (form.type === "dynamic")
    return (
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            {t("editor.products.dynamicTitle")}
          </Text>
          <Text as="p" tone="subdued">
            {t("editor.products.dynamicHelp")}
          </Text>
        </BlockStack>
      </Card>
    );
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("editor.products.title")}
        </Text>
        {form.items.map((it, i) => (
          <InlineStack key={it.variantId} gap="300" blockAlign="end" wrap={false}>
            <Box minWidth="50%">
              <Text as="p">{it.title}</Text>
              {errors[`items.${i}`] ? <InlineError message={errors[`items.${i}`]!} fieldID={`item-${i}`} /> : null}
            </Box>
            <TextField
              label={t("editor.products.quantityOf", { title: it.title })}
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
              accessibilityLabel={t("editor.products.removeNamed", { title: it.title })}
              onClick={() => fields.removeItem(i)}
            >
              {t("editor.products.remove")}
            </Button>
          </InlineStack>
        ))}
        {errors.items ? <InlineError message={errors.items} fieldID="items" /> : null}
        <ProductPicker
          catalog={catalog}
          label={catalog === "demo" ? t("pickers.searchProducts") : t("pickers.selectProducts")}
          actionLabel={t("editor.products.add")}
          currency={currency}
          onPick={fields.addItem}
        />
      </BlockStack>
    </Card>
  );
}
