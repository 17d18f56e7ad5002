import { Card, FormLayout, Select, TextField } from "@shopify/polaris";
import { OFFER_TYPES } from "@moments/engine";
import type { OfferForm } from "~/offers/form";
import { useT } from "~/i18n/context";
import type { CardProps } from "./types";

const STATUSES = ["active", "paused", "draft"] as const;

/** Name, type, status and priority. */
export function BasicsCard({ form, errors, fields }: CardProps) {
  const t = useT();
  return (
    <Card>
      <FormLayout>
        <TextField
          label={t("editor.basics.name")}
          value={form.name}
          onChange={(v) => fields.set("name", v)}
          error={errors.name}
          autoComplete="off"
        />
        <FormLayout.Group>
          <Select
            label={t("editor.basics.type")}
            options={OFFER_TYPES.map((type) => ({ value: type, label: t(`offerTypes.${type}`) }))}
            value={form.type}
            onChange={(v) => fields.set("type", v as OfferForm["type"])}
          />
          <Select
            label={t("editor.basics.status")}
            options={STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
            value={form.status}
            onChange={(v) => fields.set("status", v as OfferForm["status"])}
          />
          <TextField
            label={t("editor.basics.priority")}
            type="number"
            value={form.priority}
            onChange={(v) => fields.set("priority", v)}
            error={errors.priority}
            autoComplete="off"
            helpText={t("editor.basics.priorityHelp")}
          />
        </FormLayout.Group>
      </FormLayout>
    </Card>
  );
}
