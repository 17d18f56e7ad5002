/**
 * The experiment verdict the app shows: `@moments/stats` (group-sequential leg over the planned
 * horizon beside an always-valid leg, CUPED, Bonferroni, SRM; docs/measurement.md), with the app's
 * one addition to the sample-ratio check: an arm configured for 0% that got visitors is a mismatch
 * by itself (the chi-square test cannot weigh an expected count of zero).
 */
import {
  experimentVerdict as verdictOf,
  sampleRatioMismatch as chiSquareSplit,
  type SampleRatioMismatch,
  type Sums,
  type Verdict as StatsVerdict,
  type VerdictInput,
} from "@moments/stats";

export type DaySums = Sums;
export type { VerdictKind } from "@moments/stats";
export type Verdict = StatsVerdict & {
  /** The always-valid leg's p-value (for the CSV); the verdict's reason says what decided. */
  pValue: number;
};

export function experimentVerdict(input: VerdictInput): Verdict {
  const v = verdictOf(input);
  return { ...v, pValue: v.sequential.pValue };
}

export function sampleRatioMismatch(observed: number[], expectedShares: number[]): SampleRatioMismatch & { reason: string } {
  const df = Math.max(1, observed.length - 1);
  if (observed.reduce((a, b) => a + b, 0) === 0) return { statistic: 0, df, pValue: 1, flagged: false, reason: "no visitors to check" };
  for (const [i, o] of observed.entries()) {
    if (!(expectedShares[i]! > 0) && o > 0) {
      return { statistic: Infinity, df, pValue: 0, flagged: true, reason: `an arm configured for 0% got ${o} visitor(s)` };
    }
  }
  const live = observed.map((o, i) => [o, expectedShares[i]!] as const).filter(([, s]) => s > 0);
  if (live.length < 2) return { statistic: 0, df, pValue: 1, flagged: false, reason: "one arm only" };
  const r = chiSquareSplit(live.map(([o]) => o), live.map(([, s]) => s));
  return { ...r, reason: r.reason ?? `split matches the configured shares (p = ${r.pValue.toPrecision(2)})` };
}
