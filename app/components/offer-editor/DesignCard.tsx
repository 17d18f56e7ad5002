import { Banner, BlockStack, Card, ChoiceList, Text } from "@shopify/polaris";
import { DESIGN_CHOICES } from "~/offers/designs";
import { useT } from "~/i18n/context";
import type { CardProps } from "./types";

/**
 * The layout buyers see on every surface (checkout, post-purchase, storefront, email); experiment
 * variants can test another one. `notice`: the offer was saved with a design that is not a layout.
 */
export function DesignCard({ form, errors, fields, notice }: CardProps & { notice?: string | null }) {
  const t = useT();
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("editor.design.title")}
        </Text>
        {notice ? (
          <Banner tone="warning" title={t("editor.design.chooseLayout")}>
            <p>{notice}</p>
          </Banner>
        ) : null}
        <ChoiceList
          title={t("editor.design.layout")}
          choices={DESIGN_CHOICES.map((c) => ({
            value: c.value,
            label: t(`designs.${c.value}`),
            helpText: t(`designs.${c.value}Help`),
          }))}
          selected={[form.design]}
          onChange={([v]) => v && fields.set("design", v)}
          error={errors.design}
        />
        <Text as="p" tone="subdued">
          {t("editor.design.imageNote")}
        </Text>
      </BlockStack>
    </Card>
  );
}
