import { BlockStack, Card, Select, Text } from "@shopify/polaris";
import type { DownsellChoice } from "~/offers/form";
import { useT } from "~/i18n/context";
import { statusLabel } from "~/i18n/labels";
import type { CardProps } from "./types";

const NONE = "";

/** "When declined, show": the shop's offer shown in this one's place after a "no" (decision 027). */
export function DownsellCard({ form, errors, fields, choices }: CardProps & { choices: readonly DownsellChoice[] }) {
  const t = useT();
  const shared = (c: DownsellChoice) => c.moments.some((m) => form.moments.includes(m));
  const choiceLabel = (c: DownsellChoice) => {
    const vars = { name: c.name, status: statusLabel(t, c.status) };
    if (c.status === "active") return shared(c) ? c.name : t("editor.downsell.otherMoments", vars);
    return t(shared(c) ? "editor.downsell.withStatus" : "editor.downsell.withStatusOtherMoments", vars);
  };
  const options = [
    { value: NONE, label: t("editor.downsell.nothing") },
    ...choices.map((c) => ({ value: c.id, label: choiceLabel(c) })),
  ];
  // A link to an offer that is no longer a choice (archived since) stays visible until changed.
  if (form.downsell && !choices.some((c) => c.id === form.downsell))
    options.push({ value: form.downsell, label: t("editor.downsell.gone") });
  const chosen = choices.find((c) => c.id === form.downsell);
  return (
    <Card>
      <div data-testid="downsell-card">
        <BlockStack gap="200">
          <Text as="h2" variant="headingSm">
            {t("editor.downsell.title")}
          </Text>
          <Select
            label={t("editor.downsell.label")}
            options={options}
            value={form.downsell}
            onChange={(v) => fields.set("downsell", v)}
            error={errors.downsell}
            helpText={
              chosen
                ? t("editor.downsell.chosenHelp", {
                    name: chosen.name,
                    moments: form.moments
                      .filter((m) => chosen.moments.includes(m))
                      .map((m) => t(`moments.${m}`))
                      .join(", "),
                  })
                : t("editor.downsell.help")
            }
          />
        </BlockStack>
      </div>
    </Card>
  );
}
