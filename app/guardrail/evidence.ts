/** The guardrail's evidence as stored (GuardrailEvent.evidence) and as the merchant reads it (admin and email). */
import type { CompletionGuardrail } from "@moments/stats";
import type { AdminT } from "~/i18n/catalogue";

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

const fixed = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "∞");
const signed = (x: number) => `${x > 0 ? "+" : ""}${fixed(x)}`;
const pct = (completed: number, reached: number) =>
  reached > 0 ? `${((100 * completed) / reached).toFixed(1)}%` : "-";

/** The evidence of a pause in the merchant's language (admin banner and email share it). */
export function pauseEvidenceText(t: AdminT, e: PauseEvidence): string {
  return t("guardrail.pauseEvidence", {
    treatedRate: pct(e.treated.completed, e.treated.reached),
    treatedCompleted: e.treated.completed,
    treatedReached: e.treated.reached,
    holdoutRate: pct(e.holdout.completed, e.holdout.reached),
    holdoutCompleted: e.holdout.completed,
    holdoutReached: e.holdout.reached,
    difference: signed(e.differencePoints),
    confidence: `${Math.round((1 - 2 * e.alpha) * 100)}%`,
    lower: signed(e.lowerPoints),
    upper: signed(e.upperPoints),
    p: e.pValue.toPrecision(2),
    alpha: e.alpha,
    threshold: e.thresholdPoints,
    day: e.day ?? "-",
  });
}

const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;

export function loserEvidenceText(t: AdminT, e: LoserEvidence): string {
  return e.comparisons
    .map((c) =>
      t("guardrail.loserEvidence", {
        name: c.label,
        estimate: money(c.estimate, e.currency),
        lower: money(c.lower, e.currency),
        upper: money(c.upper, e.currency),
      }),
    )
    .join(" ");
}
