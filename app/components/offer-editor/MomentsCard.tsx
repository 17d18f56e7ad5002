import { Banner, BlockStack, Card, ChoiceList } from "@shopify/polaris";
import { MOMENTS, type MomentId } from "@moments/engine";
import { useT } from "~/i18n/context";
import type { CardProps } from "./types";

/** Where the offer shows, with a warning for the moments this shop's plan cannot use. */
export function MomentsCard({ form, errors, fields, isPlus }: CardProps & { isPlus: boolean }) {
  const t = useT();
  const plusWarnings = MOMENTS.filter((m) => m.plusOnly && !isPlus && form.moments.includes(m.id));
  return (
    <Card>
      <BlockStack gap="200">
        <ChoiceList
          title={t("editor.moments.title")}
          allowMultiple
          choices={MOMENTS.map((m) => ({
            value: m.id,
            label: m.plusOnly ? t("editor.moments.plusSuffix", { moment: t(`moments.${m.id}`) }) : t(`moments.${m.id}`),
          }))}
          selected={form.moments}
          onChange={(v) => fields.set("moments", v as MomentId[])}
          error={errors.moments}
        />
        {plusWarnings.map((m) => (
          <Banner key={m.id} tone="warning">
            <p>
              {m.alternative
                ? t("editor.moments.needsPlusNearest", {
                    moment: t(`moments.${m.id}`),
                    alternative: t(`moments.${m.alternative}`),
                  })
                : t("editor.moments.needsPlus", { moment: t(`moments.${m.id}`) })}
            </p>
          </Banner>
        ))}
      </BlockStack>
    </Card>
  );
}
