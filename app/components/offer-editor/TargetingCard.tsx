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
import { useT } from "~/i18n/context";

type Targeting = OfferForm["targeting"];

export interface TargetingCardProps extends CardProps {
  currencies: string[];
  /** The shop's collections, for the trigger collections picker. */
  collections: CollectionSummary[];
  catalog: CatalogKind;
  /** The currency the demo product search shows prices in. */
  currency: string;
}

/** Who sees the offer (devices, countries, languages, currencies, buyers, triggers) and when. */
export function TargetingCard({
  form,
  errors,
  fields,
  currencies,
  collections,
  catalog,
  currency,
}: TargetingCardProps) {
  const tr = useT();
  const t = form.targeting;
  const devices = [
    { value: "mobile", label: tr("devices.mobile") },
    { value: "desktop", label: tr("devices.desktop") },
  ];
  const buyers = [
    { value: "any", label: tr("editor.targeting.everyone") },
    { value: "first_time", label: tr("editor.targeting.firstTime") },
    { value: "returning", label: tr("editor.targeting.returning") },
  ];
  return (
    <Card>
      <FormLayout>
        <Text as="h2" variant="headingMd">
          {tr("editor.targeting.title")}
        </Text>
        <ChoiceList
          title={tr("editor.targeting.devices")}
          allowMultiple
          choices={devices}
          selected={t.devices}
          onChange={(v) => fields.setTargeting("devices", v as Targeting["devices"])}
        />
        <FormLayout.Group>
          <TextField
            label={tr("editor.targeting.countries")}
            value={t.countries}
            onChange={(v) => fields.setTargeting("countries", v)}
            error={errors["targeting.countries"]}
            placeholder="DE, FR"
            autoComplete="off"
          />
          <TextField
            label={tr("editor.targeting.languages")}
            value={t.languages}
            onChange={(v) => fields.setTargeting("languages", v)}
            error={errors["targeting.languages"]}
            placeholder="de, en"
            autoComplete="off"
          />
        </FormLayout.Group>
        <ChoiceList
          title={tr("editor.targeting.currencies")}
          allowMultiple
          choices={currencies.map((c) => ({ value: c, label: c }))}
          selected={t.currencies}
          onChange={(v) => fields.setTargeting("currencies", v)}
        />
        <Select
          label={tr("editor.targeting.buyers")}
          options={buyers}
          value={t.buyer}
          onChange={(v) => fields.setTargeting("buyer", v as Targeting["buyer"])}
        />
        <FormLayout.Group>
          <TextField
            label={tr("editor.targeting.tags")}
            value={t.tags}
            onChange={(v) => fields.setTargeting("tags", v)}
            placeholder="laptop, audio"
            autoComplete="off"
          />
          <TextField
            label={tr("editor.targeting.vendors")}
            value={t.vendors}
            onChange={(v) => fields.setTargeting("vendors", v)}
            autoComplete="off"
          />
        </FormLayout.Group>
        <CollectionPicker
          label={tr("editor.targeting.collections")}
          collections={collections}
          selected={t.collections}
          onChange={(ids) => fields.setTargeting("collections", ids)}
          error={errors["targeting.collections"]}
        />
        <BlockStack gap="100">
          <Text as="p">{tr("editor.targeting.products")}</Text>
          {t.triggerProducts.map((p, i) => (
            <InlineStack key={p.productId} gap="200">
              <Text as="span">{p.title}</Text>
              <Button
                variant="plain"
                tone="critical"
                accessibilityLabel={tr("editor.targeting.removeTrigger", { title: p.title })}
                onClick={() => fields.removeTrigger(i)}
              >
                {tr("editor.products.remove")}
              </Button>
            </InlineStack>
          ))}
          <ProductPicker
            catalog={catalog}
            label={catalog === "demo" ? tr("editor.targeting.searchTriggers") : tr("editor.targeting.selectTriggers")}
            actionLabel={tr("editor.targeting.addTrigger")}
            currency={currency}
            onPick={fields.addTrigger}
          />
        </BlockStack>
        <FormLayout.Group>
          {currencies.map((c) => (
            <TextField
              key={c}
              label={tr("editor.targeting.minSubtotal", { currency: c })}
              value={t.minSubtotal[c] ?? ""}
              onChange={(v) => fields.setMinSubtotal(c, v)}
              error={errors[`targeting.minSubtotal.${c}`]}
              autoComplete="off"
            />
          ))}
        </FormLayout.Group>
        <FormLayout.Group>
          <TextField
            label={tr("editor.targeting.starts")}
            type="datetime-local"
            value={form.startsAt}
            onChange={(v) => fields.set("startsAt", v)}
            error={errors.startsAt}
            autoComplete="off"
          />
          <TextField
            label={tr("editor.targeting.ends")}
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
