import {
  BlockStack,
  Button,
  Card,
  FormLayout,
  InlineError,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { LOCALES } from "~/offers/form";
import type { CardProps } from "./types";

/** The offer's copy per language. */
export function CopyCard({ form, errors, fields }: CardProps) {
  const locales = Object.keys(form.copy);
  const missingLocale = LOCALES.filter((l) => !locales.includes(l));
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Copy
        </Text>
        {locales.map((l) => (
          <FormLayout key={l}>
            <InlineStack align="space-between">
              <Text as="h3" variant="headingSm">
                Language: {l}
              </Text>
              {locales.length > 1 ? (
                <Button variant="plain" tone="critical" onClick={() => fields.removeLocale(l)}>
                  {`Remove ${l}`}
                </Button>
              ) : null}
            </InlineStack>
            <TextField
              label={`Headline (${l})`}
              value={form.copy[l]!.title}
              onChange={(v) => fields.setCopy(l, "title", v)}
              error={errors[`copy.${l}.title`]}
              autoComplete="off"
            />
            <TextField
              label={`Text (${l})`}
              value={form.copy[l]!.body}
              onChange={(v) => fields.setCopy(l, "body", v)}
              error={errors[`copy.${l}.body`]}
              multiline={2}
              autoComplete="off"
            />
            <FormLayout.Group>
              <TextField
                label={`Button (${l})`}
                value={form.copy[l]!.cta}
                onChange={(v) => fields.setCopy(l, "cta", v)}
                error={errors[`copy.${l}.cta`]}
                autoComplete="off"
              />
              <TextField
                label={`Decline link (${l})`}
                value={form.copy[l]!.decline}
                onChange={(v) => fields.setCopy(l, "decline", v)}
                error={errors[`copy.${l}.decline`]}
                autoComplete="off"
              />
            </FormLayout.Group>
          </FormLayout>
        ))}
        {errors.copy ? <InlineError message={errors.copy} fieldID="copy" /> : null}
        {missingLocale.length ? (
          <Select
            label="Add a language"
            options={[{ value: "", label: "Choose…" }, ...missingLocale.map((l) => ({ value: l, label: l }))]}
            value=""
            onChange={(v) => v && fields.addLocale(v)}
          />
        ) : null}
      </BlockStack>
    </Card>
  );
}
