/**
 * How experiment figures read on both the dashboard and /app/experiments: one set of formatters, so
 * the same report shows the same text on both pages.
 */
import { formatMoney } from "~/lib/money";
import { englishT, type AdminT } from "~/i18n/catalogue";
import type { Formatters } from "~/i18n/format";

export const VERDICT_LABEL: Record<
  string,
  { label: string; tone: "success" | "critical" | "info" | "warning" | undefined }
> = {
  winner: { label: "Winner", tone: "success" },
  loser: { label: "Loser", tone: "critical" },
  keep_testing: { label: "Keep testing", tone: "info" },
  no_difference: { label: "No meaningful difference", tone: undefined },
  inconclusive: { label: "Inconclusive", tone: "warning" },
  sample_ratio_mismatch: { label: "Sample ratio mismatch", tone: "warning" },
};

/**
 * Fractional minor units (a mean) shown as money, rounded to the minor unit only for display; in
 * the admin's locale with its `format` (useFormat()), else in English.
 */
export const money = (minor: number | null | undefined, currency: string, format?: Pick<Formatters, "money">) =>
  minor === null || minor === undefined || !Number.isFinite(minor)
    ? "–"
    : format
      ? format.money(Math.round(minor), currency)
      : formatMoney(Math.round(minor), currency);

export function intervalText(
  i: { estimate: number; lower: number; upper: number } | null,
  currency: string,
  t: AdminT = englishT,
  format?: Pick<Formatters, "money">,
): string {
  if (!i) return t("versionResults.noInterval");
  return t("versionResults.interval", {
    estimate: money(i.estimate, currency, format),
    lower: money(i.lower, currency, format),
    upper: money(i.upper, currency, format),
  });
}

interface VerdictLike {
  kind: string;
  reason?: string;
  daysToDecision: number | null;
  decidedOnDay: number | null;
  lookDay?: number | null;
}

/** "decided on day N", "about N more days", or why there is no estimate. */
export function decisionText(v: VerdictLike | null, t: AdminT = englishT): string {
  if (!v) return "–";
  // decidedOnDay is the index of the deciding look: day 1 is the version's first calendar day.
  if (v.decidedOnDay !== null)
    return t(v.kind === "inconclusive" ? "versionResults.endedOn" : "versionResults.decidedOn", {
      day: v.decidedOnDay + 1,
    });
  if (v.kind === "sample_ratio_mismatch") return t("versionResults.fixSplit");
  // No look yet: the estimate waits for enough visitors and buyers in both arms (the reason says how many).
  if (v.lookDay === null) return t("versionResults.afterFirstLook");
  return v.daysToDecision === null
    ? t("versionResults.overAYear")
    : t("versionResults.aboutDays", { days: v.daysToDecision });
}

/** From the earlier of its start and its first data day (data older than the version row's start is its own). */
export const versionDates = (
  v: { startedAt: string | null; endedAt: string | null; firstDay: string | null; lastDay: string | null },
  t: AdminT = englishT,
) => {
  const starts = [v.startedAt?.slice(0, 10), v.firstDay].filter((d): d is string => Boolean(d)).sort();
  return t("versionResults.dates", {
    from: starts[0] ?? "?",
    to: v.endedAt ? v.endedAt.slice(0, 10) : t("versionResults.now"),
  });
};
