import {
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
import type { CardProps } from "./types";

/** The experiment: variants with their overrides and weights, and the hold-out share. */
export function ExperimentCard({ form, errors, fields }: CardProps) {
  const e = form.experiment;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Experiment
        </Text>
        <Checkbox
          label="Run an experiment (variants and a hold-out group)"
          checked={e.enabled}
          onChange={(v) => fields.setExperiment("enabled", v)}
          helpText="Buyers are split by weight; the hold-out sees nothing, which measures the offer's real lift."
        />
        {e.enabled ? (
          <FormLayout>
            <TextField
              label="Hold-out share (%)"
              value={e.holdoutPct}
              onChange={(v) => fields.setExperiment("holdoutPct", v)}
              error={errors["experiment.holdoutPct"]}
              helpText={
                Number(e.holdoutPct.trim() || "0") === 0
                  ? "With no hold-out, nobody is left out to compare with: the variants are compared with each other, but the offer's own incremental revenue cannot be measured."
                  : undefined
              }
              autoComplete="off"
            />
            {errors["experiment.variants"] ? (
              <InlineError message={errors["experiment.variants"]} fieldID="experiment-variants" />
            ) : null}
            {e.variants.map((v, i) => (
              <Box key={i} padding="300" borderWidth="025" borderColor="border" borderRadius="200">
                <FormLayout>
                  <InlineStack align="space-between">
                    <Text as="h3" variant="headingSm">
                      {`Variant ${i + 1}${i === 0 ? " (control: the offer as above)" : ""}`}
                    </Text>
                    {e.variants.length > 1 ? (
                      <Button variant="plain" tone="critical" onClick={() => fields.removeVariant(i)}>
                        {`Remove variant ${i + 1}`}
                      </Button>
                    ) : null}
                  </InlineStack>
                  <FormLayout.Group>
                    <TextField
                      label={`Variant ${i + 1} name`}
                      value={v.name}
                      onChange={(x) => fields.setVariant(i, "name", x)}
                      error={errors[`experiment.variants.${i}.name`]}
                      autoComplete="off"
                    />
                    <TextField
                      label={`Variant ${i + 1} weight`}
                      type="number"
                      value={v.weight}
                      onChange={(x) => fields.setVariant(i, "weight", x)}
                      error={errors[`experiment.variants.${i}.weight`]}
                      autoComplete="off"
                    />
                  </FormLayout.Group>
                  <TextField
                    label={`Variant ${i + 1} headline`}
                    value={v.title}
                    onChange={(x) => fields.setVariant(i, "title", x)}
                    error={errors[`experiment.variants.${i}.title`]}
                    placeholder="Same as the offer"
                    autoComplete="off"
                  />
                  <FormLayout.Group>
                    <TextField
                      label={`Variant ${i + 1} discount (%)`}
                      value={v.discountPercent}
                      onChange={(x) => fields.setVariant(i, "discountPercent", x)}
                      error={errors[`experiment.variants.${i}.discountPercent`]}
                      placeholder="Same as the offer"
                      autoComplete="off"
                    />
                    <Select
                      label={`Variant ${i + 1} layout`}
                      options={[
                        { value: "", label: "Same as the offer" },
                        ...DESIGN_CHOICES.map((c) => ({ value: c.value, label: c.label })),
                      ]}
                      value={v.design}
                      onChange={(x) => fields.setVariant(i, "design", x)}
                      error={errors[`experiment.variants.${i}.design`]}
                    />
                  </FormLayout.Group>
                </FormLayout>
              </Box>
            ))}
            {e.variants.length < 10 ? <Button onClick={fields.addVariant}>Add variant</Button> : null}
          </FormLayout>
        ) : null}
      </BlockStack>
    </Card>
  );
}
