import { BlockStack, DataTable, InlineStack, Badge, Text } from "@shopify/polaris";
import { useFormat, useT } from "~/i18n/context";
import type { EpochRow } from "./report-model";

/**
 * Automatic allocation on /app/experiments (decision 030): the split buyers are assigned by now and
 * every time the daily job moved it ("Weights moved"), newest first, against the configured weights.
 */
export function AllocationPanel({
  allocation,
  holdoutPct,
  variants,
  epochs,
}: {
  allocation: string | undefined;
  holdoutPct: number;
  variants: ReadonlyArray<{ id: string; name: string; weight: number }>;
  /** The current version's epochs, oldest first. */
  epochs: ReadonlyArray<Pick<EpochRow, "day" | "weights" | "holdoutBps">>;
}) {
  const t = useT();
  const format = useFormat();
  if (allocation !== "automatic") return null;
  const live = variants.filter((v) => v.weight > 0);
  const weightSum = live.reduce((s, v) => s + v.weight, 0);
  const variantShare = 1 - holdoutPct / 100;
  const configured = live.map((v) => (weightSum > 0 ? (v.weight / weightSum) * variantShare : 0));
  const latest = epochs[epochs.length - 1];
  const share = (e: { weights: Record<string, number> } | undefined, i: number) =>
    e ? (e.weights[live[i]!.id] ?? 0) / 10000 : configured[i]!;
  const list = [
    `${t("allocation.holdout")} ${format.percent(holdoutPct / 100, 0)}`,
    ...live.map((v, i) => `${v.name} ${format.percent(share(latest, i), 1)}`),
  ].join(" · ");
  return (
    <BlockStack gap="200">
      <InlineStack gap="200" blockAlign="center">
        <Text as="h3" variant="headingSm">
          {t("allocation.title")}
        </Text>
        <Badge tone="info">{t("allocation.modeAutomatic")}</Badge>
      </InlineStack>
      <Text as="p">{t("allocation.current", { list })}</Text>
      {epochs.length === 0 ? (
        <Text as="p" tone="subdued">
          {t("allocation.notYet")}
        </Text>
      ) : (
        <BlockStack gap="100">
          <Text as="h4" variant="headingXs">
            {t("allocation.history")}
          </Text>
          <DataTable
            columnContentTypes={["text", "numeric", ...live.map(() => "numeric" as const)]}
            headings={[t("allocation.colDay"), t("allocation.holdout"), ...live.map((v) => v.name)]}
            rows={[
              ...[...epochs]
                .reverse()
                .map((e) => [
                  e.day,
                  format.percent(e.holdoutBps / 10000, 0),
                  ...live.map((_, i) => format.percent(share(e, i), 1)),
                ]),
              [
                t("allocation.configured"),
                format.percent(holdoutPct / 100, 0),
                ...live.map((_, i) => format.percent(configured[i]!, 1)),
              ],
            ]}
          />
        </BlockStack>
      )}
      <Text as="p" tone="subdued">
        {t("allocation.validity")}
      </Text>
    </BlockStack>
  );
}
