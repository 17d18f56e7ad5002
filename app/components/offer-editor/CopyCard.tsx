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
import { useT } from "~/i18n/context";
import { languageLabel } from "~/i18n/labels";
import type { CardProps } from "./types";

/** The offer's copy per language (the merchant's text: the labels around it follow the admin's language). */
export function CopyCard({ form, errors, fields }: CardProps) {
  const t = useT();
  const locales = Object.keys(form.copy);
  const missingLocale = LOCALES.filter((l) => !locales.includes(l));
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("editor.copy.title")}
        </Text>
        {locales.map((l) => (
          <FormLayout key={l}>
            <InlineStack align="space-between">
              <Text as="h3" variant="headingSm">
                {t("editor.copy.language", { language: languageLabel(t, l) })}
              </Text>
              {locales.length > 1 ? (
                <Button variant="plain" tone="critical" onClick={() => fields.removeLocale(l)}>
                  {t("editor.copy.removeLanguage", { language: l })}
                </Button>
              ) : null}
            </InlineStack>
            <TextField
              label={t("editor.copy.headline", { language: l })}
              value={form.copy[l]!.title}
              onChange={(v) => fields.setCopy(l, "title", v)}
              error={errors[`copy.${l}.title`]}
              autoComplete="off"
            />
            <TextField
              label={t("editor.copy.text", { language: l })}
              value={form.copy[l]!.body}
              onChange={(v) => fields.setCopy(l, "body", v)}
              error={errors[`copy.${l}.body`]}
              multiline={2}
              autoComplete="off"
            />
            <FormLayout.Group>
              <TextField
                label={t("editor.copy.button", { language: l })}
                value={form.copy[l]!.cta}
                onChange={(v) => fields.setCopy(l, "cta", v)}
                error={errors[`copy.${l}.cta`]}
                autoComplete="off"
              />
              <TextField
                label={t("editor.copy.decline", { language: l })}
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
            label={t("editor.copy.addLanguage")}
            options={[
              { value: "", label: t("editor.copy.choose") },
              ...missingLocale.map((l) => ({ value: l, label: languageLabel(t, l) })),
            ]}
            value=""
            onChange={(v) => v && fields.addLocale(v)}
          />
        ) : null}
      </BlockStack>
    </Card>
  );
}
