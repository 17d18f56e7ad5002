import { Badge, BlockStack, DataTable, InlineStack, Text } from "@shopify/polaris";
import type { VersionReport } from "./report.server";
import { decisionText, intervalText, money, percent, VERDICT_LABEL, versionDates } from "./format";

type Jsonified<T> = T extends (infer U)[] ? Jsonified<U>[] : T extends object ? { [K in keyof T]: Jsonified<T[K]> } : T;

/**
 * One version's results, per arm: the same component on the dashboard and on /app/experiments, fed
 * by the same report, so both pages read the same.
 */
export function VersionResults({ v, currency }: { v: Jsonified<VersionReport>; currency: string }) {
  return (
    <BlockStack gap="200">
      <InlineStack gap="200" blockAlign="center">
        <Text as="h3" variant="headingSm">{`Version ${v.version}${v.current ? " (current)" : ""}`}</Text>
        <Text as="span" tone="subdued">{`${versionDates(v)} · ${v.days} day(s) of data`}</Text>
        {v.srm ? (
          <Badge tone={v.srm.flagged ? "critical" : "success"}>{v.srm.flagged ? "Split mismatch (SRM)" : "Split as configured"}</Badge>
        ) : null}
      </InlineStack>
      {v.reason ? <Text as="p" tone="subdued">{`Started because: ${v.reason}.`}</Text> : null}
      <DataTable
        columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric", "text", "text"]}
        headings={["Arm", "Visitors", "Orders", "Take rate", "Revenue / visitor", "AOV", "Incremental revenue / visitor vs hold-out", "Verdict", "Time to a decision"]}
        rows={v.arms.map((a) => {
          const c = v.comparisons.find((x) => x.arm === a.arm);
          return [
            a.label,
            a.visitors,
            a.orders,
            percent(a.takeRate),
            money(a.rpv, currency),
            money(a.aov, currency),
            a.arm === "holdout" ? "baseline" : intervalText(c?.incrementalRpv ?? null, currency),
            a.arm === "holdout" ? "–" : c?.verdict ? (VERDICT_LABEL[c.verdict.kind]?.label ?? c.verdict.kind) : "Not enough data",
            a.arm === "holdout" ? "–" : decisionText(c?.verdict ?? null),
          ];
        })}
      />
      {v.comparisons.map((c) =>
        c.verdict ? (
          <Text as="p" tone="subdued" key={c.arm}>
            {`${c.label}: ${c.verdict.reason} (alpha ${c.verdict.alphaUsed.toPrecision(2)} over ${v.comparisonsCounted} comparison(s))` +
              (c.verdict.varianceReduction === null
                ? ""
                : c.verdict.varianceReduction >= 0.005
                  ? `; CUPED (cart before exposure) cut the variance by ${percent(c.verdict.varianceReduction, 0)}`
                  : "; CUPED applied, no variance reduction") +
              (c.incrementalAov ? `; AOV difference ${intervalText(c.incrementalAov, currency)} (fixed-horizon, for reading)` : "") +
              "."}
          </Text>
        ) : null,
      )}
      {v.srm ? <Text as="p" tone={v.srm.flagged ? "critical" : "subdued"}>{`Sample ratio: ${v.srm.reason}. Configured: ${v.arms.map((a) => `${a.label} ${percent(a.expectedShare)}`).join(", ")}; observed: ${v.arms.map((a) => `${a.label} ${percent(a.observedShare)}`).join(", ")}.`}</Text> : null}
    </BlockStack>
  );
}
