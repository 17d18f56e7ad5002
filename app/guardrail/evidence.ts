/** The guardrail's evidence as stored (GuardrailEvent.evidence) and as the merchant reads it (admin and email). */
import type { CompletionGuardrail } from "@moments/stats";
import type { AdminT } from "~/i18n/catalogue";
import type { Formatters } from "~/i18n/format";

/** What a pause recorded: the guardrail's figures at the pausing look (JSON in GuardrailEvent.evidence). */
export interface PauseEvidence {
  day: string | null;
  days: number;
  differencePoints: number;
  lowerPoints: number;
  upperPoints: number;
  pValue: number;
  thresholdPoints: number;
  alpha: number;
  treated: { reached: number; completed: number };
  holdout: { reached: number; completed: number };
}

/** What a loser verdict recorded: each variant's revenue-per-visitor comparison (minor units). */
export interface LoserEvidence {
  currency: string;
  comparisons: Array<{ label: string; estimate: number; lower: number; upper: number; reason: string }>;
}

export const pauseEvidence = (g: CompletionGuardrail, days: number): PauseEvidence => ({
  day: g.day,
  days,
  differencePoints: g.differencePoints,
  lowerPoints: g.intervalPoints.lower,
  upperPoints: g.intervalPoints.upper,
  pValue: g.pValue,
  thresholdPoints: g.thresholdPoints,
  alpha: g.alpha,
  treated: { reached: g.treated.reached, completed: g.treated.completed },
  holdout: { reached: g.holdout.reached, completed: g.holdout.completed },
});

/** Share completed, in points: a rate the merchant reads beside the counts ("47,5 %"). */
const rate = (format: Formatters, completed: number, reached: number) =>
  reached > 0 ? format.percent(completed / reached, 1) : "–";

/**
 * The evidence of a pause in the merchant's language and number formats (admin banner and email
 * share it: the admin's `useFormat()`, the email's `formatters(intl)` of the merchant's locale).
 */
export function pauseEvidenceText(t: AdminT, e: PauseEvidence, format: Formatters): string {
  const signed = (x: number) => format.decimal(x, 1, true);
  return t("guardrail.pauseEvidence", {
    treatedRate: rate(format, e.treated.completed, e.treated.reached),
    treatedCompleted: format.number(e.treated.completed),
    treatedReached: format.number(e.treated.reached),
    holdoutRate: rate(format, e.holdout.completed, e.holdout.reached),
    holdoutCompleted: format.number(e.holdout.completed),
    holdoutReached: format.number(e.holdout.reached),
    difference: signed(e.differencePoints),
    confidence: format.percent(1 - 2 * e.alpha, 0),
    lower: signed(e.lowerPoints),
    upper: signed(e.upperPoints),
    p: format.significant(e.pValue),
    alpha: format.significant(e.alpha),
    threshold: format.number(e.thresholdPoints),
    day: e.day ? format.date(e.day) : "–",
  });
}

/** Revenue per visitor is a mean: fractional minor units, rounded only for display. */
const money = (format: Formatters, minor: number, currency: string) =>
  Number.isFinite(minor) ? format.money(Math.round(minor), currency) : "–";

export function loserEvidenceText(t: AdminT, e: LoserEvidence, format: Formatters): string {
  return e.comparisons
    .map((c) =>
      t("guardrail.loserEvidence", {
        name: c.label,
        estimate: money(format, c.estimate, e.currency),
        lower: money(format, c.lower, e.currency),
        upper: money(format, c.upper, e.currency),
      }),
    )
    .join(" ");
}
