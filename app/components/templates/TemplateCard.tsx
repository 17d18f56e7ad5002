import { useState } from "react";
import { useFetcher } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineError,
  InlineGrid,
  InlineStack,
  Spinner,
  Text,
} from "@shopify/polaris";
import type { CatalogKind } from "~/gateway/types";
import type { FieldErrors } from "~/offers/form";
import type { TemplatePick } from "~/offers/template-form";
import type { TemplateCardData, TemplateQuote } from "~/offers/templates.server";
import type { AdminKey } from "~/i18n/catalogue";
import { useAdminLocale, useFormat, useT } from "~/i18n/context";
import { OfferPreviewCard } from "../OfferPreviewCard";
import { ProductPicker } from "../ProductPicker";

const GALLERY = "/app/offers/templates";

interface Answer {
  quote: TemplateQuote | null;
  errors: FieldErrors;
}

function Fact(props: { label: string; children: string }) {
  return (
    <Text as="p">
      <Text as="span" fontWeight="semibold">
        {`${props.label}: `}
      </Text>
      {props.children}
    </Text>
  );
}

/** One playbook template: what it does, its products (suggested, changeable), what buyers see, "Use template". */
export function TemplateCard({
  template: t,
  catalog,
  currency,
}: {
  template: TemplateCardData;
  catalog: CatalogKind;
  currency: string;
}) {
  const tr = useT();
  const format = useFormat();
  const { intl } = useAdminLocale();
  const text = (path: string) => tr(`playbook.${t.id}.${path}` as AdminKey);
  const name = text("name");
  const initial = t.slots.map((s) => s.pick);
  const [picks, setPicks] = useState<Array<TemplatePick | null>>(initial);
  const [changing, setChanging] = useState<number | null>(null);
  const quoting = useFetcher<Answer>();
  const creating = useFetcher<Answer>();
  const complete = picks.every(Boolean);
  const changed = JSON.stringify(picks) !== JSON.stringify(initial);
  const quote = !complete ? null : changed ? (quoting.data?.quote ?? null) : t.quote;
  const errors = creating.data?.errors ?? (changed ? (quoting.data?.errors ?? {}) : {});
  const otherErrors = Object.entries(errors).filter(([k]) => !k.startsWith("slots."));
  const send = (intent: "quote" | "create", next: Array<TemplatePick | null>) =>
    (intent === "quote" ? quoting : creating).submit(
      { intent, templateId: t.id, picks: JSON.stringify(next), adminLocale: intl },
      { method: "post", action: GALLERY },
    );
  const pickAt = (i: number) => (v: TemplatePick) => {
    const next = picks.map((p, j) =>
      j === i ? { productId: v.productId, variantId: v.variantId, title: v.title } : p,
    );
    setPicks(next);
    setChanging(null);
    if (next.every(Boolean)) send("quote", next);
  };
  const money = (minor: number, c: string) => format.money(minor, c, quote?.card.currencyDisplay);
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h3" variant="headingMd">
              {name}
            </Text>
            <Badge>{tr(`offerTypes.${t.type}`)}</Badge>
          </InlineStack>
          <Text as="p" variant="bodySm" tone="subdued">
            {tr("templates.fromGuide", { guide: text("guide") })}
          </Text>
        </BlockStack>
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <BlockStack gap="300">
            <Text as="p">{text("summary")}</Text>
            <BlockStack gap="100">
              <Fact label={tr("templates.whoSeesIt")}>{text("rule")}</Fact>
              <Fact label={tr("templates.discount")}>
                {t.discountPercent === null
                  ? tr("templates.noDiscount")
                  : tr("templates.percentOff", { percent: format.percent(t.discountPercent / 100, 0) })}
              </Fact>
              <Fact label={tr("templates.experiment")}>
                {tr("templates.holdout", { percent: format.percent(t.holdoutPct / 100, 0) })}
              </Fact>
              {t.endsAfterDays ? (
                <Fact label={tr("templates.schedule")}>{tr("templates.endsAfter", { days: t.endsAfterDays })}</Fact>
              ) : null}
            </BlockStack>
            {t.slots.map((slot, i) => {
              const pick = picks[i];
              const label = text(`slots.${i}`);
              return (
                <Box key={i} padding="300" borderWidth="025" borderColor="border" borderRadius="200">
                  <BlockStack gap="200">
                    <Text as="p" variant="bodySm" tone="subdued">
                      {tr(slot.role === "trigger" ? "templates.shownWith" : "templates.offers", { slot: label })}
                    </Text>
                    <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
                      <Text as="p" fontWeight="semibold" tone={pick ? undefined : "subdued"}>
                        {pick ? pick.title : tr("templates.nothingPicked")}
                      </Text>
                      {pick ? (
                        <Button
                          variant="plain"
                          accessibilityLabel={tr(changing === i ? "templates.keepSlot" : "templates.changeSlot", {
                            slot: label,
                          })}
                          onClick={() => setChanging(changing === i ? null : i)}
                        >
                          {changing === i ? tr("templates.keep") : tr("templates.change")}
                        </Button>
                      ) : null}
                    </InlineStack>
                    {changing === i || !pick ? (
                      <ProductPicker
                        catalog={catalog}
                        label={tr(catalog === "demo" ? "templates.searchFor" : "templates.selectFor", { slot: label })}
                        actionLabel={tr("templates.pick")}
                        currency={currency}
                        onPick={pickAt(i)}
                      />
                    ) : null}
                    {errors[`slots.${i}`] ? (
                      <InlineError message={errors[`slots.${i}`]!} fieldID={`${t.id}-slot-${i}`} />
                    ) : null}
                  </BlockStack>
                </Box>
              );
            })}
          </BlockStack>
          <BlockStack gap="200">
            <Text as="h4" variant="headingSm">
              {tr("templates.whatBuyersSee")}
            </Text>
            {quote ? (
              <BlockStack gap="200">
                <div
                  style={{ background: "#f4f4f4", padding: 12, borderRadius: 8 }}
                  data-testid={`template-preview-${t.id}`}
                >
                  <OfferPreviewCard {...quote.card} mobile={false} />
                </div>
                {quote.others.map((o) => (
                  <Text as="p" tone="subdued" key={o.currency}>
                    {o.final < o.original
                      ? tr("templates.otherCurrencyWas", {
                          currency: o.currency,
                          final: money(o.final, o.currency),
                          original: money(o.original, o.currency),
                        })
                      : tr("templates.otherCurrency", { currency: o.currency, final: money(o.final, o.currency) })}
                  </Text>
                ))}
              </BlockStack>
            ) : quoting.state !== "idle" ? (
              <Spinner size="small" accessibilityLabel={tr("templates.pricing")} />
            ) : (
              <Text as="p" tone="subdued">
                {tr("templates.pickToSee")}
              </Text>
            )}
          </BlockStack>
        </InlineGrid>
        {otherErrors.length ? (
          <Banner tone="critical" title={tr("templates.notCreated")}>
            <ul>
              {otherErrors.map(([k, m]) => (
                <li key={k}>{m}</li>
              ))}
            </ul>
          </Banner>
        ) : null}
        <InlineStack align="end" gap="300" blockAlign="center">
          <Text as="p" tone="subdued">
            {tr("templates.createsDraft")}
          </Text>
          <Button
            variant="primary"
            disabled={!complete}
            loading={creating.state !== "idle"}
            accessibilityLabel={tr("templates.useNamed", { name })}
            onClick={() => send("create", picks)}
          >
            {tr("templates.use")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
