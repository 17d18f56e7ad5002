import { Badge, BlockStack, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import { useFormat, useT } from "~/i18n/context";
import type { StatementView } from "./page.server";

/** One period's statement: per offer and compared arm, the estimate, its 95% interval and the charge. */
export function StatementCard({
  title,
  statement: s,
  open,
}: {
  title: string;
  statement: StatementView;
  open: boolean;
}) {
  const t = useT();
  const format = useFormat();
  const money = (m: number | null) => (m === null ? "–" : format.money(m, s.currency));
  const rows = s.lines.map((l) => [
    `${l.offerName}${l.arm === "variants" ? "" : ` · ${l.label}`} (v${l.version})`,
    format.number(l.visitors),
    l.perVisitor ? money(l.estimateMinor) : t("billing.noEstimate"),
    l.perVisitor ? `${money(l.lowerMinor)} – ${money(l.upperMinor)}` : "–",
    money(l.chargedMinor),
  ]);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingMd">
            {title}
          </Text>
          {s.status && (
            <Badge tone={s.status === "charged" ? "success" : s.status === "failed" ? "critical" : undefined}>
              {t(`billing.status.${s.status as "charged"}`)}
            </Badge>
          )}
          {s.reason && s.reason in REASONS && (
            <Text as="span" tone="subdued">
              {t(`billing.reason.${s.reason as Reason}`)}
            </Text>
          )}
          {s.simulated && <Badge>{t("billing.simulated")}</Badge>}
        </InlineStack>
        {rows.length ? (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
            headings={[
              t("billing.colOffer"),
              t("billing.colVisitors"),
              t("billing.colEstimate"),
              t("billing.colInterval"),
              t("billing.colCharged"),
            ]}
            rows={rows}
          />
        ) : (
          <Text as="p" tone="subdued">
            {t("billing.noLines")}
          </Text>
        )}
        <Text as="p">
          {open
            ? t("billing.previewTotals", { billable: money(s.billableMinor), fee: money(s.feeMinor) })
            : t("billing.totals", {
                billable: money(s.billableMinor),
                free: money(s.freeTierMinor),
                fee: money(s.feeMinor),
                charged: money(s.chargedMinor),
              })}
        </Text>
      </BlockStack>
    </Card>
  );
}

const REASONS = { free_tier: 1, no_plan: 1, trial: 1, flat_plan: 1, cap_reached: 1, currency: 1 } as const;
type Reason = keyof typeof REASONS;
