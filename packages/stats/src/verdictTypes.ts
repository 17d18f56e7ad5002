import type { WelchResult, Sums } from "./means";
import type { Interval } from "./proportions";
import type { SequentialResult } from "./sequential";
import type { SampleRatioMismatch } from "./srm";

/**
 * `inconclusive`: the planned horizon ended with neither a significant difference nor an interval
 * inside ±mde (not significant is not "no difference"); the always-valid leg keeps looking.
 */
export type VerdictKind = "winner" | "loser" | "keep_testing" | "no_difference" | "inconclusive" | "sample_ratio_mismatch";

export interface VerdictInput {
  /** Daily sufficient statistics of the control (hold-out) arm, oldest first, since the version started. */
  control: readonly Sums[];
  /** Daily sufficient statistics of the treatment arm, same days as `control`. */
  treatment: readonly Sums[];
  /** Smallest absolute difference worth acting on, in the metric's unit (> 0). Also the mSPRT mixing scale. */
  mde: number;
  /** Family-wise alpha (default 0.05), shared by all `comparisons`. */
  alpha?: number;
  /** Comparisons in the family (variants vs the hold-out x segment views), default 1: Bonferroni. */
  comparisons?: number;
  /** Planned horizon of the group-sequential leg in days (default 30). */
  horizonDays?: number;
  /** Configured control / treatment traffic shares, for the sample-ratio-mismatch check. */
  expectedShares?: readonly [number, number];
  /** A sample-ratio-mismatch check the caller ran over all arms (used instead of `expectedShares`). */
  srm?: SampleRatioMismatch;
  /** Below this many visitors in either arm there is no look (default 100). */
  minPerArm?: number;
  /**
   * Below this many converters in either arm there is no look (default 30, applied when every day
   * carries `converters`): with few buyers revenue per visitor is far from normal (a handful of
   * orders, skewed values, usually a small hold-out), and the normal boundaries would over-reject.
   */
  minConverters?: number;
  /** Longest wait worth estimating; beyond it daysToDecision is null (default 365). */
  maxDays?: number;
}

/** A relative lift (treatment / control - 1) with its interval. */
export interface Lift extends Interval {
  estimate: number;
}

export interface GroupSequentialLook {
  /** Index (in the input arrays) of the look. */
  day: number;
  /** Standardized difference at the look. */
  z: number;
  /** Boundary on |z| at the look (Infinity where nothing was spent). */
  boundary: number;
  /** Two-sided alpha spent up to this look. */
  alphaSpent: number;
}

export interface Verdict {
  kind: VerdictKind;
  reason: string;
  /** Alpha of this comparison: alpha / comparisons (Bonferroni). */
  alphaUsed: number;
  /** Treatment minus control revenue per visitor (covariate-adjusted when covariates are given) at `lookDay`. */
  estimate: number;
  /** Interval for the difference valid at `lookDay` (all looks hold simultaneously at 1 - alphaUsed). */
  interval: Interval;
  /** Relative lift with its interval valid at `lookDay` (Fieller), null when unbounded or no look. */
  lift: Lift | null;
  /** Fixed-horizon Welch test on the whole life, unadjusted: for reading, not for stopping. */
  fixed: WelchResult | null;
  /** The always-valid leg (mSPRT at `alphaUsed * ALWAYS_VALID_SHARE`) at `lookDay`: p-value and confidence sequence. */
  sequential: SequentialResult;
  /** The group-sequential leg at its last look up to `lookDay`, null before the first or without one. */
  groupSequential: GroupSequentialLook | null;
  /** 1 - adjusted / unadjusted variance of the difference at `lookDay`; null without covariates. */
  varianceReduction: number | null;
  /** For keep_testing: further days to a decision at the current traffic if the difference held; else null. */
  daysToDecision: number | null;
  /** Index of the look that decided (winner, loser, no_difference); null otherwise. */
  decidedOnDay: number | null;
  /** Index of the look whose estimate and intervals are reported (the deciding one for winner / loser, else the last). */
  lookDay: number | null;
  horizonDays: number;
  srm?: SampleRatioMismatch;
}
