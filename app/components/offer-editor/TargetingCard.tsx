import {
  BlockStack,
  Button,
  Card,
  ChoiceList,
  FormLayout,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import type { OfferForm } from "~/offers/form";
import type { CollectionSummary } from "~/gateway/types";
import { CollectionPicker } from "../CollectionPicker";
import { ProductPicker } from "../ProductPicker";
import type { CardProps } from "./types";
import type { CatalogKind } from "~/gateway/types";

type Targeting = OfferForm["targeting"];

const DEVICES = [
  { value: "mobile", label: "Mobile" },
  { value: "desktop", label: "Desktop" },
];

const BUYERS = [
  { value: "any", label: "Everyone" },
  { value: "first_time", label: "First-time buyers" },
  { value: "returning", label: "Returning buyers" },
];

export interface TargetingCardProps extends CardProps {
  currencies: string[];
  /** The shop's collections, for the trigger collections picker. */
  collections: CollectionSummary[];
  catalog: CatalogKind;
  /** The currency the demo product search shows prices in. */
  currency: string;
}

/** Who sees the offer (devices, countries, languages, currencies, buyers, triggers) and when. */
export function TargetingCard({ form, errors, fields, currencies, collections, catalog, currency }: TargetingCardProps) {
  const t = form.targeting;
  return (
    <Card>
      <FormLayout>
        <Text as="h2" variant="headingMd">
          Targeting and schedule
        </Text>
        <ChoiceList
          title="Devices (none = all)"
          allowMultiple
          choices={DEVICES}
          selected={t.devices}
          onChange={(v) => fields.setTargeting("devices", v as Targeting["devices"])}
        />
        <FormLayout.Group>
          <TextField
            label="Countries (empty = all)"
            value={t.countries}
            onChange={(v) => fields.setTargeting("countries", v)}
            error={errors["targeting.countries"]}
            placeholder="DE, FR"
            autoComplete="off"
          />
          <TextField
            label="Languages (empty = all)"
            value={t.languages}
            onChange={(v) => fields.setTargeting("languages", v)}
            error={errors["targeting.languages"]}
            placeholder="de, en"
            autoComplete="off"
          />
        </FormLayout.Group>
        <ChoiceList
          title="Currencies (none = all)"
          allowMultiple
          choices={currencies.map((c) => ({ value: c, label: c }))}
          selected={t.currencies}
          onChange={(v) => fields.setTargeting("currencies", v)}
        />
        <Select
          label="Buyers"
          options={BUYERS}
          value={t.buyer}
          onChange={(v) => fields.setTargeting("buyer", v as Targeting["buyer"])}
        />
        <FormLayout.Group>
          <TextField
            label="Trigger tags"
            value={t.tags}
            onChange={(v) => fields.setTargeting("tags", v)}
            placeholder="laptop, audio"
            autoComplete="off"
          />
          <TextField
            label="Trigger vendors"
            value={t.vendors}
            onChange={(v) => fields.setTargeting("vendors", v)}
            autoComplete="off"
          />
        </FormLayout.Group>
        <CollectionPicker
          label="Trigger collections"
          collections={collections}
          selected={t.collections}
          onChange={(ids) => fields.setTargeting("collections", ids)}
          error={errors["targeting.collections"]}
        />
        <BlockStack gap="100">
          <Text as="p">Trigger products (empty = any cart)</Text>
          {t.triggerProducts.map((p, i) => (
            <InlineStack key={p.productId} gap="200">
              <Text as="span">{p.title}</Text>
              <Button
                variant="plain"
                tone="critical"
                accessibilityLabel={`Remove trigger ${p.title}`}
                onClick={() => fields.removeTrigger(i)}
              >
                Remove
              </Button>
            </InlineStack>
          ))}
          <ProductPicker
            catalog={catalog}
            label={catalog === "demo" ? "Search trigger products" : "Select trigger products"}
            actionLabel="Add trigger"
            currency={currency}
            onPick={fields.addTrigger}
          />
        </BlockStack>
        <FormLayout.Group>
          {currencies.map((c) => (
            <TextField
              key={c}
              label={`Minimum cart total (${c})`}
              value={t.minSubtotal[c] ?? ""}
              onChange={(v) => fields.setMinSubtotal(c, v)}
              error={errors[`targeting.minSubtotal.${c}`]}
              autoComplete="off"
            />
          ))}
        </FormLayout.Group>
        <FormLayout.Group>
          <TextField
            label="Starts (UTC)"
            type="datetime-local"
            value={form.startsAt}
            onChange={(v) => fields.set("startsAt", v)}
            error={errors.startsAt}
            autoComplete="off"
          />
          <TextField
            label="Ends (UTC)"
            type="datetime-local"
            value={form.endsAt}
            onChange={(v) => fields.set("endsAt", v)}
            error={errors.endsAt}
            autoComplete="off"
          />
        </FormLayout.Group>
      </FormLayout>
    </Card>
  );
}
