import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineError,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { DESIGN_CHOICES } from "~/offers/designs";
import type { ExperimentStatusView } from "~/experiments/status";
import { useAdminLocale, useT } from "~/i18n/context";
import { STARVED_SHARE, starvedArms, type StarvedArm } from "~/offers/experiment-weights";
import { experimentNote, experimentStatusLabel } from "~/i18n/labels";
import type { CardProps } from "./types";

/**
 * The experiment: variants with their overrides and weights, and the hold-out share. `status`: the
 * saved experiment's, as the admin shows it (paused while the offer is not live); null for none.
 */
export function ExperimentCard({ form, errors, fields, status }: CardProps & { status?: ExperimentStatusView | null }) {
  const t = useT();
  const { intl } = useAdminLocale();
  const e = form.experiment;
  const starved = new Map(starvedArms(e.variants, e.allocation).map((a) => [a.index, a]));
  const number = (x: number) => new Intl.NumberFormat(intl, { maximumFractionDigits: 1 }).format(x);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("editor.experiment.title")}
          </Text>
          {status ? <Badge tone={status.tone}>{experimentStatusLabel(t, status.status)}</Badge> : null}
        </InlineStack>
        {status && experimentNote(t, status) ? (
          <Text as="p" tone="subdued">
            {experimentNote(t, status)}
          </Text>
        ) : null}
        <Checkbox
          label={t("editor.experiment.enable")}
          checked={e.enabled}
          onChange={(v) => fields.setExperiment("enabled", v)}
          helpText={t("editor.experiment.enableHelp")}
        />
        {e.enabled ? (
          <FormLayout>
            <TextField
              label={t("editor.experiment.holdout")}
              value={e.holdoutPct}
              onChange={(v) => fields.setExperiment("holdoutPct", v)}
              error={errors["experiment.holdoutPct"]}
              helpText={Number(e.holdoutPct.trim() || "0") === 0 ? t("editor.experiment.noHoldout") : undefined}
              autoComplete="off"
            />
            <Select
              label={t("allocation.label")}
              options={[
                { value: "fixed", label: t("allocation.fixed") },
                { value: "automatic", label: t("allocation.automatic") },
              ]}
              value={e.allocation ?? "fixed"}
              onChange={(v) => fields.setExperiment("allocation", v === "automatic" ? "automatic" : "fixed")}
              helpText={t("allocation.help")}
            />
            {errors["experiment.variants"] ? (
              <InlineError message={errors["experiment.variants"]} fieldID="experiment-variants" />
            ) : null}
            {e.variants.map((v, i) => (
              <Box key={i} padding="300" borderWidth="025" borderColor="border" borderRadius="200">
                <FormLayout>
                  <InlineStack align="space-between">
                    <Text as="h3" variant="headingSm">
                      {t(i === 0 ? "editor.experiment.control" : "editor.experiment.variant", { number: i + 1 })}
                    </Text>
                    {e.variants.length > 1 ? (
                      <Button variant="plain" tone="critical" onClick={() => fields.removeVariant(i)}>
                        {t("editor.experiment.removeVariant", { number: i + 1 })}
                      </Button>
                    ) : null}
                  </InlineStack>
                  <FormLayout.Group>
                    <TextField
                      label={t("editor.experiment.name", { number: i + 1 })}
                      value={v.name}
                      onChange={(x) => fields.setVariant(i, "name", x)}
                      error={errors[`experiment.variants.${i}.name`]}
                      autoComplete="off"
                    />
                    <TextField
                      label={t("editor.experiment.weight", { number: i + 1 })}
                      type="number"
                      value={v.weight}
                      onChange={(x) => fields.setVariant(i, "weight", x)}
                      error={errors[`experiment.variants.${i}.weight`]}
                      autoComplete="off"
                    />
                  </FormLayout.Group>
                  {starved.has(i) ? <StarvedWarning arm={starved.get(i)!} number={number} /> : null}
                  <TextField
                    label={t("editor.experiment.headline", { number: i + 1 })}
                    value={v.title}
                    onChange={(x) => fields.setVariant(i, "title", x)}
                    error={errors[`experiment.variants.${i}.title`]}
                    placeholder={t("editor.experiment.sameAsOffer")}
                    autoComplete="off"
                  />
                  <FormLayout.Group>
                    <TextField
                      label={t("editor.experiment.discount", { number: i + 1 })}
                      value={v.discountPercent}
                      onChange={(x) => fields.setVariant(i, "discountPercent", x)}
                      error={errors[`experiment.variants.${i}.discountPercent`]}
                      placeholder={t("editor.experiment.sameAsOffer")}
                      autoComplete="off"
                    />
                    <Select
                      label={t("editor.experiment.layout", { number: i + 1 })}
                      options={[
                        { value: "", label: t("editor.experiment.sameAsOffer") },
                        ...DESIGN_CHOICES.map((c) => ({ value: c.value, label: t(`designs.${c.value}`) })),
                      ]}
                      value={v.design}
                      onChange={(x) => fields.setVariant(i, "design", x)}
                      error={errors[`experiment.variants.${i}.design`]}
                    />
                  </FormLayout.Group>
                </FormLayout>
              </Box>
            ))}
            {e.variants.length < 10 ? (
              <Button onClick={fields.addVariant}>{t("editor.experiment.addVariant")}</Button>
            ) : null}
          </FormLayout>
        ) : null}
      </BlockStack>
    </Card>
  );
}

/** Next to the weights: the arm would take far longer than the others to reach a verdict. */
function StarvedWarning({ arm, number }: { arm: StarvedArm; number: (x: number) => string }) {
  const t = useT();
  return (
    <div data-testid="starved-warning">
      <Text as="p" tone="caution">
        {arm.share === 0
          ? t("editor.experiment.starvedZero", { name: arm.name })
          : t("editor.experiment.starved", {
              name: arm.name,
              share: number(arm.share * 100),
              times: number(arm.times),
              largest: arm.largest,
              min: number(STARVED_SHARE * 100),
            })}
      </Text>
    </div>
  );
}
