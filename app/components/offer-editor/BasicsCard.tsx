import { Card, FormLayout, Select, TextField } from "@shopify/polaris";
import { OFFER_TYPES } from "@moments/engine";
import { OFFER_TYPE_LABELS, type OfferForm } from "~/offers/form";
import type { CardProps } from "./types";

const STATUSES = [
  { value: "active", label: "Active" },
  { value: "paused", label: "Paused" },
  { value: "draft", label: "Draft" },
];

/** Name, type, status and priority. */
export function BasicsCard({ form, errors, fields }: CardProps) {
  return (
    <Card>
      <FormLayout>
        <TextField
          label="Offer name"
          value={form.name}
          onChange={(v) => fields.set("name", v)}
          error={errors.name}
          autoComplete="off"
        />
        <FormLayout.Group>
          <Select
            label="Offer type"
            options={OFFER_TYPES.map((t) => ({ value: t, label: OFFER_TYPE_LABELS[t] }))}
            value={form.type}
            onChange={(v) => fields.set("type", v as OfferForm["type"])}
          />
          <Select
            label="Status"
            options={STATUSES}
            value={form.status}
            onChange={(v) => fields.set("status", v as OfferForm["status"])}
          />
          <TextField
            label="Priority"
            type="number"
            value={form.priority}
            onChange={(v) => fields.set("priority", v)}
            error={errors.priority}
            autoComplete="off"
            helpText="Higher shows first"
          />
        </FormLayout.Group>
      </FormLayout>
    </Card>
  );
}
