import { Badge, BlockStack, DataTable, InlineStack, Text } from "@shopify/polaris";
import type { AdminKey } from "~/i18n/catalogue";
import { useFormat, useT } from "~/i18n/context";
import type { VersionReport } from "./report.server";
import { decisionText, intervalText, money, VERDICT_LABEL, versionDates } from "./format";

type Jsonified<T> = T extends (infer U)[] ? Jsonified<U>[] : T extends object ? { [K in keyof T]: Jsonified<T[K]> } : T;

/**
 * One version's results, per arm: the same component on the dashboard and on /app/experiments, fed
 * by the same report, so both pages read the same, in the admin's language (the verdicts' and the
 * sample-ratio check's reasons are the statistics' own words, in English).
 */
export function VersionResults({ v, currency }: { v: Jsonified<VersionReport>; currency: string }) {
  const t = useT();
  const format = useFormat();
  const interval = (i: Parameters<typeof intervalText>[0]) => intervalText(i, currency, t, format);
  const arm = (a: { arm: string; label: string }) => (a.arm === "holdout" ? t("experiments.holdoutArm") : a.label);
  const verdict = (kind: string) => (kind in VERDICT_LABEL ? t(`versionResults.verdicts.${kind}` as AdminKey) : kind);
  return (
    <BlockStack gap="200">
      <InlineStack gap="200" blockAlign="center">
        <Text as="h3" variant="headingSm">
          {t(v.current ? "versionResults.versionCurrent" : "versionResults.version", { version: v.version })}
        </Text>
        <Text as="span" tone="subdued">
          {t("versionResults.span", { dates: versionDates(v, t), days: v.days })}
        </Text>
        {v.srm ? (
          <Badge tone={v.srm.flagged ? "critical" : "success"}>
            {v.srm.flagged ? t("versionResults.srmFlagged") : t("versionResults.srmOk")}
          </Badge>
        ) : null}
      </InlineStack>
      {v.reason ? (
        <Text as="p" tone="subdued">
          {t("versionResults.startedBecause", { reason: v.reason })}
        </Text>
      ) : null}
      <DataTable
        columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric", "text", "text"]}
        headings={[
          t("versionResults.colArm"),
          t("versionResults.colVisitors"),
          t("versionResults.colOrders"),
          t("versionResults.colTakeRate"),
          t("versionResults.colRpv"),
          t("versionResults.colAov"),
          t("versionResults.colIncremental"),
          t("versionResults.colVerdict"),
          t("versionResults.colTime"),
        ]}
        rows={v.arms
          .map((a) => {
            const c = v.comparisons.find((x) => x.arm === a.arm);
            return [
              arm(a),
              format.number(a.visitors),
              format.number(a.orders),
              format.percent(a.takeRate),
              money(a.rpv, currency, format),
              money(a.aov, currency, format),
              a.arm === "holdout" ? t("versionResults.baseline") : interval(c?.incrementalRpv ?? null),
              a.arm === "holdout"
                ? "–"
                : c?.verdict
                  ? verdict(c.verdict.kind) + (c.valid === false ? ` (${t("allocation.mayBeBiased")})` : "")
                  : t("versionResults.notEnoughData"),
              a.arm === "holdout" ? "–" : decisionText(c?.verdict ?? null, t),
            ];
          })
          .concat(
            // Automatic allocation (decision 030): every variant pooled against the hold-out, the valid comparison.
            v.comparisons
              .filter((c) => c.pooled)
              .map((c) => {
                const treated = v.arms.filter((a) => a.arm !== "holdout");
                const visitors = treated.reduce((s, a) => s + a.visitors, 0);
                const revenue = treated.reduce((s, a) => s + a.revenueMinor, 0);
                return [
                  t("allocation.pooled"),
                  format.number(visitors),
                  format.number(treated.reduce((s, a) => s + a.orders, 0)),
                  "–",
                  money(visitors ? revenue / visitors : null, currency, format),
                  "–",
                  interval(c.incrementalRpv),
                  c.verdict ? verdict(c.verdict.kind) : t("versionResults.notEnoughData"),
                  decisionText(c.verdict, t),
                ];
              }),
          )}
      />
      {v.comparisons.map((c) =>
        c.verdict ? (
          <Text as="p" tone="subdued" key={c.arm}>
            {t("versionResults.comparison", {
              // Automatic allocation (decision 030): the pooled comparison, and arms that may be biased.
              arm: c.pooled
                ? t("allocation.pooled")
                : c.valid === false
                  ? `${c.label} (${t("allocation.mayBeBiased")})`
                  : c.label,
              reason: c.verdict.reason,
              alpha: format.significant(c.verdict.alphaUsed),
              count: v.comparisonsCounted,
            }) +
              (c.verdict.varianceReduction === null
                ? ""
                : c.verdict.varianceReduction >= 0.005
                  ? t("versionResults.cuped", { percent: format.percent(c.verdict.varianceReduction, 0) })
                  : t("versionResults.cupedNone")) +
              (c.incrementalAov ? t("versionResults.aovDifference", { interval: interval(c.incrementalAov) }) : "") +
              "."}
          </Text>
        ) : null,
      )}
      {v.srm ? (
        <Text as="p" tone={v.srm.flagged ? "critical" : "subdued"}>
          {t("versionResults.srm", {
            reason: v.srm.reason,
            configured: v.arms.map((a) => `${arm(a)} ${format.percent(a.expectedShare)}`).join(", "),
            observed: v.arms.map((a) => `${arm(a)} ${format.percent(a.observedShare)}`).join(", "),
          })}
        </Text>
      ) : null}
    </BlockStack>
  );
}
